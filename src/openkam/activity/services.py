"""Writes to interactions and their attachments. Every rule about who may log, change or
delete what lives here.

Anyone who may see an account logs interactions on it (the head, its KAMs, its specialists);
the person who logged one and the account's editors change or delete it. Each service runs in
one transaction, validates with `full_clean()`, audits on the account's history and keeps the
search index in step (`search_index.index_interaction`). Other apps' events on the timeline
are written by `timeline_services`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_get
from openkam.activity.attachments import check_files, store_files
from openkam.activity.models import Attachment, Interaction, InteractionKind
from openkam.activity.search_index import index_interaction
from openkam.activity.selectors import (
    attachment_get,
    interaction_can_edit,
    interaction_can_log,
    interaction_get,
)
from openkam.activity.timeline_services import timeline_event_record
from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.errors import ConflictError, ForbiddenError
from openkam.core.models import AuditAction, AuditEntry
from openkam.search.services import search_document_delete
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.selectors import account_stakeholders
from openkam.users.models import Role, User

# `timeline_event_record` answers here too: the tests reach it through this module.
__all__ = [
    "EDITABLE_FIELDS",
    "FIELDS",
    "MAX_DURATION_MINUTES",
    "MAX_FUTURE_DAYS",
    "PARTICIPANT_FIELDS",
    "attachment_delete",
    "attachments_add",
    "interaction_create",
    "interaction_delete",
    "interaction_next_step_done",
    "interaction_update",
    "timeline_event_record",
]

FIELDS = (
    "kind",
    "occurred_at",
    "duration_minutes",
    "subject",
    "summary",
    "outcome",
    "next_step",
    "next_step_due",
    "transcript",
)
PARTICIPANT_FIELDS = ("our_participants", "their_participants")
EDITABLE_FIELDS = (*FIELDS, *PARTICIPANT_FIELDS)
_UNTRIMMED = {"summary", "outcome", "next_step", "transcript"}
MAX_DURATION_MINUTES = 14 * 24 * 60  # a two-week exhibition is the longest contact we log
MAX_FUTURE_DAYS = 2 * 365  # planned contacts; anything later is a typo in the year


# --- Audit helpers -------------------------------------------------------------------------


def _participants_snapshot(interaction: Interaction) -> dict[str, tuple[str, str]]:
    ours = ", ".join(sorted(str(u) for u in interaction.our_participants.all()))
    theirs = ", ".join(sorted(s.full_name for s in interaction.their_participants.all()))
    meta = interaction._meta
    return {
        "our_participants": (str(meta.get_field("our_participants").verbose_name), ours),
        "their_participants": (str(meta.get_field("their_participants").verbose_name), theirs),
    }


def _snapshot(interaction: Interaction) -> dict[str, tuple[str, str]]:
    # The transcript can be pages long: the audit notes that it changed, not its text.
    result = snapshot(interaction, [f for f in FIELDS if f not in ("transcript", "occurred_at")])
    if isinstance(interaction.occurred_at, datetime.datetime):
        result["occurred_at"] = (
            str(interaction._meta.get_field("occurred_at").verbose_name),
            timezone.localtime(interaction.occurred_at).strftime("%Y-%m-%d %H:%M"),
        )
    label = str(interaction._meta.get_field("transcript").verbose_name)
    words = len(interaction.transcript.split())
    result["transcript"] = (
        label,
        ngettext("%(n)s word", "%(n)s words", words) % {"n": words} if words else "",
    )
    if interaction.pk:
        result.update(_participants_snapshot(interaction))
    return result


def _done_snapshot(interaction: Interaction) -> dict[str, tuple[str, str]]:
    done = interaction.next_step_done_at
    label = str(interaction._meta.get_field("next_step_done_at").verbose_name)
    return {
        "next_step_done_at": (
            label,
            timezone.localtime(done).strftime("%Y-%m-%d %H:%M") if done else "",
        )
    }


def _conflict(interaction: Interaction, expected_version: int) -> ConflictError:
    changes = list(
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Interaction),
            target_id=interaction.pk,
            version__gt=expected_version,
        )
        .select_related("actor", "target_type")
        .order_by("at", "id")
    )
    who = ", ".join(sorted({str(e.actor) for e in changes if e.actor})) or _("someone else")
    return ConflictError(
        _(
            "%(who)s changed this interaction after you opened it (now version %(version)s, "
            "you edited version %(expected)s). Nothing was saved: review their change below."
        )
        % {"who": who, "version": interaction.version, "expected": expected_version},
        current=interaction,
        changes=changes,
    )


# --- Validation ------------------------------------------------------------------------------


def _ids(values: Iterable[Any] | None, field: str) -> list[int]:
    result: list[int] = []
    for value in values or ():
        pk = value.pk if hasattr(value, "pk") else value
        try:
            result.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError(
                {field: _("%(value)s is not a valid id.") % {"value": pk}}
            ) from None
    return list(dict.fromkeys(result))


def _our_participants(ids: list[int], *, keep: Iterable[int] = ()) -> list[User]:
    """Our colleagues in the contact: active users who work with clients. People who already
    took part stay even if they have left us since."""
    keep_ids = set(keep)
    users = list(User.objects.filter(pk__in=ids))
    found = {u.pk: u for u in users}
    problems = []
    for pk in ids:
        user = found.get(pk)
        if user is None:
            problems.append(_("No colleague with id %(id)s.") % {"id": pk})
        elif pk not in keep_ids and (not user.is_active or user.role == Role.ADMIN):
            problems.append(
                _("%(name)s is not an active colleague who works with clients.") % {"name": user}
            )
    if problems:
        raise ValidationError({"our_participants": problems})
    return [found[pk] for pk in ids]


def _their_participants(account: Account, ids: list[int]) -> list[Stakeholder]:
    """Their people in the contact: the account's own people or those it shares with the
    group; a person of another account cannot be named (they would leak across accounts)."""
    people = {s.pk: s for s in account_stakeholders(account=account).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in people]
    if missing:
        raise ValidationError(
            {
                "their_participants": _(
                    "Not a person of %(account)s: %(ids)s. Add them to the account first."
                )
                % {"account": account.name, "ids": ", ".join(str(pk) for pk in missing)}
            }
        )
    return [people[pk] for pk in ids]


def _check_rules(interaction: Interaction) -> None:
    errors: dict[str, list[str]] = {}
    if interaction.kind not in InteractionKind.values:
        errors.setdefault("kind", []).append(_("Choose a valid type."))
    occurred = interaction.occurred_at
    if isinstance(occurred, datetime.datetime):
        if timezone.is_naive(occurred):
            interaction.occurred_at = occurred = timezone.make_aware(occurred)
        latest = timezone.now() + datetime.timedelta(days=MAX_FUTURE_DAYS)
        if occurred > latest:
            errors.setdefault("occurred_at", []).append(
                _("%(date)s is more than two years ahead; check the year.")
                % {"date": occurred.date().isoformat()}
            )
        if occurred.year < 1990:
            errors.setdefault("occurred_at", []).append(
                _("%(date)s is too far back; check the year.")
                % {"date": occurred.date().isoformat()}
            )
    duration = interaction.duration_minutes
    if duration is not None and (duration < 1 or duration > MAX_DURATION_MINUTES):
        errors.setdefault("duration_minutes", []).append(
            _("Give the duration in minutes, from 1 to %(max)s.") % {"max": MAX_DURATION_MINUTES}
        )
    if interaction.next_step_due and not interaction.next_step.strip():
        errors.setdefault("next_step", []).append(
            _("Describe the next step that is due on %(date)s.")
            % {"date": interaction.next_step_due.isoformat()}
        )
    if errors:
        raise ValidationError(errors)


# --- Interactions --------------------------------------------------------------------------


@transaction.atomic
def interaction_create(
    *,
    actor: User,
    account_id: int,
    kind: str,
    occurred_at: datetime.datetime,
    subject: str,
    duration_minutes: int | None = None,
    summary: str = "",
    outcome: str = "",
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    transcript: str = "",
    our_participants: Iterable[User | int] = (),
    their_participants: Iterable[Stakeholder | int] = (),
    files: Sequence[UploadedFile] = (),
) -> Interaction:
    """Log a contact with the client (or a note about them), with who took part and files."""
    account = account_get(user=actor, account_id=account_id)
    if not interaction_can_log(user=actor, account=account):
        raise ForbiddenError(_("Your role cannot log interactions."))
    ours = _our_participants(_ids(our_participants, "our_participants"))
    theirs = _their_participants(account, _ids(their_participants, "their_participants"))
    interaction = Interaction(
        account=account,
        kind=kind,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        subject=(subject or "").strip(),
        summary=summary or "",
        outcome=outcome or "",
        next_step=(next_step or "").strip(),
        next_step_due=next_step_due,
        transcript=transcript or "",
        created_by=actor,
    )
    _check_rules(interaction)
    check_files(files)
    interaction.full_clean()
    interaction.save()
    interaction.our_participants.set(ours)
    interaction.their_participants.set(theirs)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=interaction,
        root=account,
        version=interaction.version,
        changes=diff({}, _snapshot(interaction)),
    )
    store_files(actor=actor, interaction=interaction, files=files)
    index_interaction(interaction)
    return interaction


def _locked(*, actor: User, interaction_id: int) -> Interaction:
    interaction_get(user=actor, interaction_id=interaction_id)  # 404 before anything else
    return (
        Interaction.objects.select_for_update()
        .select_related("account", "account__owner")
        .get(pk=interaction_id)
    )


@transaction.atomic
def interaction_update(
    *,
    actor: User,
    interaction_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Interaction:
    """Apply `changes` if nobody changed the interaction since `expected_version`."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    interaction = _locked(actor=actor, interaction_id=interaction_id)
    if not interaction_can_edit(user=actor, interaction=interaction):
        raise ForbiddenError(
            _("Only the person who logged it and the account's editors change an interaction.")
        )
    if interaction.version != expected_version:
        raise _conflict(interaction, expected_version)
    before = _snapshot(interaction)
    for name, value in changes.items():
        if name in PARTICIPANT_FIELDS:
            continue
        if isinstance(value, str):
            value = value if name in _UNTRIMMED else value.strip()
        setattr(interaction, name, value)
    _check_rules(interaction)
    interaction.full_clean()
    if "our_participants" in changes:
        current = set(interaction.our_participants.values_list("pk", flat=True))
        interaction.our_participants.set(
            _our_participants(_ids(changes["our_participants"], "our_participants"), keep=current)
        )
    if "their_participants" in changes:
        interaction.their_participants.set(
            _their_participants(
                interaction.account, _ids(changes["their_participants"], "their_participants")
            )
        )
    field_changes = diff(before, _snapshot(interaction))
    if field_changes:
        interaction.version += 1
        saved = [f for f in field_changes if f in FIELDS]
        interaction.save(update_fields=[*saved, "version", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=interaction,
            root=interaction.account,
            version=interaction.version,
            changes=field_changes,
        )
        index_interaction(interaction)
    return interaction


@transaction.atomic
def interaction_delete(
    *, actor: User, interaction_id: int, expected_version: int | None = None
) -> None:
    """Delete an interaction with its files (removed from disk once the deletion commits)."""
    interaction = _locked(actor=actor, interaction_id=interaction_id)
    if not interaction_can_edit(user=actor, interaction=interaction):
        raise ForbiddenError(
            _("Only the person who logged it and the account's editors delete an interaction.")
        )
    if expected_version is not None and interaction.version != expected_version:
        raise _conflict(interaction, expected_version)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=interaction,
        root=interaction.account,
        version=interaction.version,
        changes=diff(_snapshot(interaction), {}),
    )
    search_document_delete(kind="interaction", object_id=interaction.pk)
    interaction.delete()  # attachments cascade; signals remove their files on commit


@transaction.atomic
def interaction_next_step_done(
    *, actor: User, interaction_id: int, done: bool = True
) -> Interaction:
    """Tick off (or reopen) the next step. Whoever may see the account may do it: the step is
    often done by a specialist rather than by the person who logged the contact. The timeline
    shows it on the interaction itself ("done" with the date), so no separate event."""
    interaction = _locked(actor=actor, interaction_id=interaction_id)
    if not interaction_can_log(user=actor, account=interaction.account):
        raise ForbiddenError(_("Your role cannot change next steps."))
    if not interaction.next_step:
        raise ValidationError({"next_step": _("This interaction has no next step.")})
    if done == (interaction.next_step_done_at is not None):
        return interaction  # already so: repeating the click changes nothing
    before = _done_snapshot(interaction)
    interaction.next_step_done_at = timezone.now() if done else None
    interaction.version += 1
    interaction.save(update_fields=["next_step_done_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=interaction,
        root=interaction.account,
        version=interaction.version,
        changes=diff(before, _done_snapshot(interaction)),
    )
    return interaction


# --- Attachments ---------------------------------------------------------------------------


@transaction.atomic
def attachments_add(
    *, actor: User, interaction_id: int, files: Sequence[UploadedFile]
) -> list[Attachment]:
    """Attach files to an interaction. Anyone who may see the account may add files."""
    interaction = _locked(actor=actor, interaction_id=interaction_id)
    if not interaction_can_log(user=actor, account=interaction.account):
        raise ForbiddenError(_("Your role cannot attach files."))
    if not files:
        raise ValidationError({"files": _("Choose at least one file.")})
    check_files(files)
    saved = store_files(actor=actor, interaction=interaction, files=files)
    index_interaction(interaction)
    return saved


@transaction.atomic
def attachment_delete(*, actor: User, attachment_id: int) -> None:
    """Remove a file: its uploader or those who may change the interaction."""
    attachment = attachment_get(user=actor, attachment_id=attachment_id)
    interaction = _locked(actor=actor, interaction_id=attachment.interaction_id)
    if attachment.uploaded_by_id != actor.pk and not interaction_can_edit(
        user=actor, interaction=interaction
    ):
        raise ForbiddenError(_("Only the uploader and the account's editors remove a file."))
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=attachment,
        root=interaction.account,
        changes=diff(snapshot(attachment, ("original_name", "size", "interaction")), {}),
    )
    attachment.delete()  # the file goes once the transaction commits (signals)
    index_interaction(interaction)
