"""Writes to stakeholders and their personal notes. Every rule about who may do what lives here.

The home account's editors (the head, KAMs on its team) maintain its people; specialists on the
team read them. Each service runs in one transaction, validates with `full_clean()`, writes an
audit entry on the home account's history and keeps the search index in step (personal notes
are never indexed).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_can_edit, account_get, accounts_visible_to
from openkam.core.audit import audit_entries_for, audit_record, diff, snapshot
from openkam.core.errors import ConflictError, ForbiddenError, NotFoundError
from openkam.core.models import AuditAction
from openkam.search.services import search_document_delete, search_document_upsert
from openkam.stakeholders.models import (
    PersonalNote,
    Stakeholder,
    StakeholderStatus,
    field_label,
)
from openkam.stakeholders.personal import write_personal
from openkam.stakeholders.relations import resolve_manager, resolve_other_accounts
from openkam.stakeholders.search_index import stakeholder_document
from openkam.stakeholders.selectors import (
    personal_notes_visible,
    stakeholder_get,
)
from openkam.users.models import User

EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "department",
    "level",
    "buying_role",
    "attitude",
    "influence",
    "reports_to",
    "email",
    "phone",
    "mobile",
    "address",
    "profile_url",
    "preferred_channel",
    "persona",
)
STATE_FIELDS = ("status", "left_on", "last_verified_on")
# Multi-line fields keep their inner whitespace; the others are trimmed.
_UNTRIMMED = {"address"}


# --- Search index ------------------------------------------------------------------------


def _index(person: Stakeholder) -> None:
    """What search may find about a person: name, role and contacts, never personal notes."""
    doc = stakeholder_document(person)
    search_document_upsert(
        kind=doc.kind,
        object_id=doc.object_id,
        account_id=doc.account_id,
        title=doc.title,
        body=doc.body,
        url=doc.url,
    )


# --- Validation helpers ------------------------------------------------------------------


def _editable_account(*, actor: User, account_id: int) -> Account:
    account = account_get(user=actor, account_id=account_id)
    if not account_can_edit(user=actor, account=account):
        raise ForbiddenError(_("You may read this account's people but not change them."))
    return account


def _locked(*, actor: User, stakeholder_id: int) -> Stakeholder:
    """The person, locked for a check-and-write: 404 when unseen, 403 when read-only."""
    person = stakeholder_get(user=actor, stakeholder_id=stakeholder_id)
    if not account_can_edit(user=actor, account=person.account):
        raise ForbiddenError(_("You may read this person but not change them."))
    return (
        Stakeholder.objects.select_for_update(of=("self",))
        .select_related("account", "reports_to")
        .get(pk=person.pk)
    )


def _set_fields(person: Stakeholder, changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        if name == "reports_to":
            person.reports_to = resolve_manager(person=person, value=value)
        elif name == "influence":
            person.influence = _influence(value)
        elif isinstance(value, str):
            setattr(person, name, value if name in _UNTRIMMED else value.strip())
        elif value is None and name not in ("reports_to",):
            setattr(person, name, "")
        else:
            setattr(person, name, value)


def _influence(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"influence": _("Influence is a number from 1 to 5.")}) from None
    if not 1 <= number <= 5:
        raise ValidationError(
            {"influence": _("Influence is a number from 1 to 5, not %(value)s.") % {"value": value}}
        )
    return number


def _other_accounts_snapshot(accounts: Iterable[Account]) -> dict[str, tuple[str, str]]:
    names = ", ".join(sorted(a.name for a in accounts))
    return {"other_accounts": (field_label(Stakeholder, "other_accounts"), names)}


def _conflict(person: Stakeholder, expected_version: int) -> ConflictError:
    entries = [
        e
        for e in audit_entries_for(person.account).filter(
            target_id=person.pk, version__gt=expected_version
        )
        if e.target_type.model_class() is Stakeholder
    ]
    who = ", ".join(sorted({str(e.actor) for e in entries if e.actor})) or _("someone else")
    return ConflictError(
        _(
            "%(who)s changed %(name)s after you opened it (now version %(version)s, you edited "
            "version %(expected)s). Nothing was saved: review their change below."
        )
        % {
            "who": who,
            "name": person.full_name,
            "version": person.version,
            "expected": expected_version,
        },
        current=person,
        changes=entries,
    )


def _check_version(person: Stakeholder, expected_version: int | None) -> None:
    if expected_version is not None and person.version != expected_version:
        raise _conflict(person, expected_version)


def _save_version(person: Stakeholder, fields: Iterable[str]) -> None:
    person.version += 1
    person.save(update_fields=[*fields, "version", "updated_at"])


# --- Stakeholders --------------------------------------------------------------------------


@transaction.atomic
def stakeholder_create(
    *,
    actor: User,
    account_id: int,
    last_name: str,
    first_name: str = "",
    job_title: str = "",
    department: str = "",
    level: str = "",
    buying_role: str = "",
    attitude: str = "neutral",
    influence: int = 3,
    reports_to: Stakeholder | int | None = None,
    email: str = "",
    phone: str = "",
    mobile: str = "",
    address: str = "",
    profile_url: str = "",
    preferred_channel: str = "",
    persona: str = "",
    other_accounts: Iterable[Account | int] | None = None,
    personal: Mapping[str, Any] | None = None,
    last_verified_on: datetime.date | None = None,
    verified_today: bool = True,
) -> Stakeholder:
    """Add a person to an account's decision-making unit.

    What the user types now is current: the record counts as verified today, unless the
    caller (an import) says `verified_today=False` and passes the date the data was last
    known to be right (or None: never verified).
    """
    account = _editable_account(actor=actor, account_id=account_id)
    person = Stakeholder(account=account)
    _set_fields(
        person,
        {
            "first_name": first_name,
            "last_name": last_name,
            "job_title": job_title,
            "department": department,
            "level": level,
            "buying_role": buying_role,
            "attitude": attitude,
            "influence": influence,
            "reports_to": reports_to,
            "email": email,
            "phone": phone,
            "mobile": mobile,
            "address": address,
            "profile_url": profile_url,
            "preferred_channel": preferred_channel,
            "persona": persona,
        },
    )
    person.last_verified_on = (
        timezone.localdate() if verified_today and last_verified_on is None else last_verified_on
    )
    others = resolve_other_accounts(actor=actor, home=account, value=other_accounts)
    person.full_clean()
    person.save()
    changes = diff({}, snapshot(person, (*EDITABLE_FIELDS, "last_verified_on")))
    if others:
        person.other_accounts.set(others)
        changes.update(diff({}, _other_accounts_snapshot(others)))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=person,
        root=account,
        version=person.version,
        changes=changes,
    )
    if personal and any(personal.values()):
        write_personal(actor=actor, person=person, values=personal)
    _index(person)
    return person


@transaction.atomic
def stakeholder_update(
    *,
    actor: User,
    stakeholder_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    verified: bool = False,
) -> Stakeholder:
    """Apply `changes` if nobody changed the person since `expected_version`.

    `other_accounts` (a list of account ids) replaces the accounts the person also sits in.
    `verified` records that the editor confirmed the details are current.
    """
    allowed = {*EDITABLE_FIELDS, "other_accounts"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    person = _locked(actor=actor, stakeholder_id=stakeholder_id)
    _check_version(person, expected_version)
    before = snapshot(person, (*EDITABLE_FIELDS, "last_verified_on"))
    fields = {k: v for k, v in changes.items() if k != "other_accounts"}
    _set_fields(person, fields)
    if verified:
        person.last_verified_on = timezone.localdate()
    person.full_clean()
    field_changes = diff(before, snapshot(person, (*EDITABLE_FIELDS, "last_verified_on")))
    if "other_accounts" in changes:
        old_others = list(person.other_accounts.all())
        new_others = resolve_other_accounts(
            actor=actor, home=person.account, value=changes["other_accounts"]
        )
        # Accounts of the group the editor cannot see stay as they were.
        visible = set(accounts_visible_to(actor).values_list("pk", flat=True))
        kept = [a for a in old_others if a.pk not in visible]
        final = {a.pk: a for a in [*kept, *new_others]}
        other_changes = diff(
            _other_accounts_snapshot(old_others), _other_accounts_snapshot(final.values())
        )
        if other_changes:
            person.other_accounts.set(list(final.values()))
            field_changes.update(other_changes)
    if field_changes:
        db_fields = [name for name in field_changes if name != "other_accounts"]
        _save_version(person, db_fields)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=person,
            root=person.account,
            version=person.version,
            changes=field_changes,
        )
        _index(person)
    return person


@transaction.atomic
def stakeholder_delete(
    *, actor: User, stakeholder_id: int, expected_version: int | None = None
) -> None:
    """Remove a person for good (e.g. an erasure request). Someone who only changed jobs is
    marked as having left instead, which keeps their history."""
    person = _locked(actor=actor, stakeholder_id=stakeholder_id)
    _check_version(person, expected_version)
    account = person.account
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=person,
        root=account,
        version=person.version,
        changes=diff(snapshot(person, (*EDITABLE_FIELDS, *STATE_FIELDS)), {}),
    )
    object_id = person.pk
    person.delete()
    search_document_delete(kind="stakeholder", object_id=object_id)


@transaction.atomic
def stakeholder_mark_left(
    *,
    actor: User,
    stakeholder_id: int,
    left_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Stakeholder:
    """The person left the client. They stay on record with their interactions and history;
    people who reported to them keep that line until someone updates the chart."""
    person = _locked(actor=actor, stakeholder_id=stakeholder_id)
    _check_version(person, expected_version)
    today = timezone.localdate()
    left_on = left_on or today
    if left_on > today:
        raise ValidationError(
            {"left_on": _("The leaving date cannot be in the future; record it once they left.")}
        )
    if person.status == StakeholderStatus.LEFT and person.left_on == left_on:
        return person
    return _change_state(actor=actor, person=person, status=StakeholderStatus.LEFT, left_on=left_on)


@transaction.atomic
def stakeholder_reactivate(
    *, actor: User, stakeholder_id: int, expected_version: int | None = None
) -> Stakeholder:
    """Undo "left the company" (recorded by mistake, or the person came back)."""
    person = _locked(actor=actor, stakeholder_id=stakeholder_id)
    _check_version(person, expected_version)
    if person.status == StakeholderStatus.ACTIVE:
        return person
    return _change_state(actor=actor, person=person, status=StakeholderStatus.ACTIVE, left_on=None)


def _change_state(
    *,
    actor: User,
    person: Stakeholder,
    status: StakeholderStatus,
    left_on: datetime.date | None,
) -> Stakeholder:
    """Active or left: a new version, an audit entry, and the search document (which says
    whether the person left) written again."""
    before = snapshot(person, STATE_FIELDS)
    person.status = status
    person.left_on = left_on
    person.full_clean()
    changes = diff(before, snapshot(person, STATE_FIELDS))
    _save_version(person, ["status", "left_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=person,
        root=person.account,
        version=person.version,
        changes=changes,
    )
    _index(person)
    return person


@transaction.atomic
def stakeholder_verify(
    *, actor: User, stakeholder_id: int, on: datetime.date | None = None
) -> Stakeholder:
    """Record that someone checked the person's details are still right (today by default).

    Verifying changes no detail, so it does not move the version: an editor who has the
    form open can still save."""
    person = _locked(actor=actor, stakeholder_id=stakeholder_id)
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"last_verified_on": _("A verification cannot be in the future.")})
    before = snapshot(person, ("last_verified_on",))
    person.last_verified_on = on
    changes = diff(before, snapshot(person, ("last_verified_on",)))
    if changes:
        Stakeholder.objects.filter(pk=person.pk).update(
            last_verified_on=on, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=person,
            root=person.account,
            version=person.version,
            changes=changes,
        )
    return person


# --- Personal notes ------------------------------------------------------------------------


@transaction.atomic
def personal_note_update(
    *, actor: User, stakeholder_id: int, values: Mapping[str, Any]
) -> PersonalNote | None:
    """Write the personal notes (birthday, family, hobbies, values, free notes).

    Readers who may not see them get "not found" rather than a hint that notes exist; the
    team's specialists read them but do not change them. Emptying every field erases the
    record. Returns the notes, or None when nothing is recorded.
    """
    person = stakeholder_get(user=actor, stakeholder_id=stakeholder_id)
    if not personal_notes_visible(user=actor, stakeholder=person):
        raise NotFoundError(_("Personal notes not found."))
    locked = _locked(actor=actor, stakeholder_id=stakeholder_id)
    return write_personal(actor=actor, person=locked, values=values)
