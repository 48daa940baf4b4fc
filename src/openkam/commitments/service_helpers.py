"""What the promise services share: resolving the people and records a promise points to,
the checks on dates and versions, and writing the audit entry and the timeline event."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openkam.accounts.models import Account
from openkam.activity.models import Interaction, TimelineEventKind
from openkam.activity.selectors import interactions_visible_to
from openkam.activity.timeline_services import timeline_event_record
from openkam.commitments.models import Commitment
from openkam.commitments.selectors import commitment_can_edit, commitment_get, owner_choices
from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.errors import ConflictError, ForbiddenError
from openkam.core.models import AuditAction, AuditEntry
from openkam.notifications.models import NotificationKind
from openkam.notifications.services import notification_send, recipient_language
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.selectors import account_stakeholders
from openkam.users.models import User

EDITABLE_FIELDS = ("direction", "title", "details", "stakeholder", "interaction", "owner")
AUDIT_FIELDS = (*EDITABLE_FIELDS, "due_date", "status", "completed_on", "completion_note")
MAX_YEARS_AHEAD = 5
CANCELLED_KIND = TimelineEventKind.COMMITMENT_CANCELLED


# --- Helpers -------------------------------------------------------------------------------


def _pk(value: Any) -> int | None:
    if value in (None, ""):
        return None
    raw = value.pk if hasattr(value, "pk") else value
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1  # never a primary key: reported as "no such ..." by the resolvers


def _resolve_owner(*, actor: User, account: Account, owner: Any) -> User:
    owner_id = _pk(owner)
    if owner_id is None:
        return actor
    found = owner_choices(account=account).filter(pk=owner_id).first()
    if found is None:
        raise ValidationError(
            {"owner": _("The owner must be on the account's team (or the head of key accounts).")}
        )
    return found


def _resolve_stakeholder(*, account: Account, stakeholder: Any, field: str) -> Stakeholder | None:
    stakeholder_id = _pk(stakeholder)
    if stakeholder_id is None:
        return None
    found = account_stakeholders(account=account).filter(pk=stakeholder_id).first()
    if found is None:
        raise ValidationError({field: _("This person does not belong to the account.")})
    return found


def _resolve_interaction(*, actor: User, account: Account, interaction: Any) -> Interaction | None:
    interaction_id = _pk(interaction)
    if interaction_id is None:
        return None
    found = interactions_visible_to(user=actor).filter(account=account, pk=interaction_id).first()
    if found is None:
        raise ValidationError({"interaction": _("No such interaction on this account.")})
    return found


def _check_due_date(due_date: datetime.date | None, *, field: str = "due_date") -> None:
    if due_date is None:
        raise ValidationError({field: _("A promise needs a due date.")})
    today = timezone.localdate()
    if due_date > today.replace(year=today.year + MAX_YEARS_AHEAD):
        raise ValidationError(
            {
                field: _("%(date)s is more than five years ahead; check the year.")
                % {"date": due_date}
            }
        )


def _conflict(commitment: Commitment, expected_version: int) -> ConflictError:
    changes = list(
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Commitment),
            target_id=commitment.pk,
            version__gt=expected_version,
        )
        .select_related("actor", "target_type")
        .order_by("at", "id")
    )
    who = ", ".join(sorted({str(e.actor) for e in changes if e.actor})) or _("someone else")
    return ConflictError(
        _(
            "%(who)s changed this promise after you opened it (now version %(version)s, you "
            "edited version %(expected)s). Nothing was saved: review their change below."
        )
        % {"who": who, "version": commitment.version, "expected": expected_version},
        current=commitment,
        changes=changes,
    )


def _locked(*, actor: User, commitment_id: int, expected_version: int | None) -> Commitment:
    """The promise locked for a check-and-write: 404 if unseen, 403 if not theirs to change,
    409 if it moved on since `expected_version`."""
    seen = commitment_get(user=actor, commitment_id=commitment_id)
    if not commitment_can_edit(user=actor, commitment=seen):
        raise ForbiddenError(_("You may read this promise but not change it."))
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("account", "account__owner", "owner", "stakeholder")
        .get(pk=commitment_id)
    )
    if expected_version is not None and commitment.version != expected_version:
        raise _conflict(commitment, expected_version)
    return commitment


def _save(
    *, actor: User, commitment: Commitment, before: dict[str, tuple[str, str]], fields: list[str]
) -> dict[str, dict[str, str]]:
    commitment.full_clean()
    changes = diff(before, snapshot(commitment, AUDIT_FIELDS))
    if changes:
        commitment.version += 1
        commitment.save(update_fields=[*fields, "version", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=commitment,
            root=commitment.account,
            version=commitment.version,
            changes=changes,
        )
    return changes


def _d(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _timeline(
    *, commitment: Commitment, actor: User, kind: str, title: str, body: str = ""
) -> None:
    timeline_event_record(
        account=commitment.account,
        occurred_at=timezone.now(),
        kind=kind,
        title=title,
        body=body,
        actor=actor,
        source_type="commitment",
        source_id=commitment.pk,
        stakeholder=commitment.stakeholder,
    )


def _tell_new_owner(*, actor: User, commitment: Commitment) -> None:
    """Someone else made this person responsible: they hear of it in the notification centre."""
    owner = commitment.owner
    if owner.pk == actor.pk:
        return
    with recipient_language(owner):
        notification_send(
            recipient=owner,
            kind=NotificationKind.COMMITMENT_ASSIGNED,
            key=f"assigned:{commitment.pk}:{owner.pk}:v{commitment.version}",
            title=_("%(who)s made you responsible for “%(what)s” (%(account)s)")
            % {"who": actor, "what": commitment.title, "account": commitment.account.name},
            body=_("Due %(date)s.") % {"date": _d(commitment.due_date)},
            url=reverse("commitments:detail", args=[commitment.pk]),
            source_type="commitment",
            source_id=commitment.pk,
        )
