"""Writes to promises. The rules of the service discipline (domain.md, section 3) live here:
a due date moves only by a reschedule that records what the client was told; every change is
audited on the account and the moments that matter go on the account's timeline.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.accounts.selectors import account_get
from openkam.activity.models import TimelineEventKind
from openkam.commitments.models import (
    Commitment,
    CommitmentReschedule,
    CommitmentStatus,
    Direction,
)
from openkam.commitments.selectors import commitment_can_create
from openkam.commitments.service_helpers import (
    AUDIT_FIELDS,
    CANCELLED_KIND,
    EDITABLE_FIELDS,
    _check_due_date,
    _d,
    _locked,
    _resolve_interaction,
    _resolve_owner,
    _resolve_stakeholder,
    _save,
    _tell_new_owner,
    _timeline,
)
from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.errors import ForbiddenError
from openkam.core.models import AuditAction
from openkam.stakeholders.models import Channel
from openkam.users.models import Role, User

# --- Create and edit -----------------------------------------------------------------------


@transaction.atomic
def commitment_create(
    *,
    actor: User,
    account_id: int,
    title: str,
    due_date: datetime.date | None,
    direction: str = Direction.OURS,
    details: str = "",
    stakeholder: Any = None,
    interaction: Any = None,
    owner: Any = None,
) -> Commitment:
    """Record a promise. Its owner defaults to the person recording it; a specialist records
    promises they keep themselves."""
    account = account_get(user=actor, account_id=account_id)
    if not commitment_can_create(user=actor, account=account):
        raise ForbiddenError(_("You may read this account but not record promises on it."))
    owner_user = _resolve_owner(actor=actor, account=account, owner=owner)
    if actor.role == Role.SPECIALIST and owner_user.pk != actor.pk:
        raise ValidationError({"owner": _("Specialists record the promises they keep themselves.")})
    _check_due_date(due_date)
    assert due_date is not None
    commitment = Commitment(
        account=account,
        direction=direction or Direction.OURS,
        title=(title or "").strip(),
        details=details or "",
        stakeholder=_resolve_stakeholder(
            account=account, stakeholder=stakeholder, field="stakeholder"
        ),
        interaction=_resolve_interaction(actor=actor, account=account, interaction=interaction),
        owner=owner_user,
        due_date=due_date,
        original_due_date=due_date,
        created_by=actor,
    )
    commitment.full_clean()
    commitment.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=commitment,
        root=account,
        version=commitment.version,
        changes=diff({}, snapshot(commitment, AUDIT_FIELDS)),
    )
    _timeline(
        commitment=commitment,
        actor=actor,
        kind=TimelineEventKind.COMMITMENT_CREATED,
        title=(
            _("We promised: %(what)s (due %(date)s)")
            if commitment.direction == Direction.OURS
            else _("The client promised: %(what)s (due %(date)s)")
        )
        % {"what": commitment.title, "date": _d(due_date)},
        body=commitment.details,
    )
    _tell_new_owner(actor=actor, commitment=commitment)
    return commitment


@transaction.atomic
def commitment_update(
    *, actor: User, commitment_id: int, expected_version: int, changes: Mapping[str, Any]
) -> Commitment:
    """Change what was promised, to whom, where or who keeps it. The due date is not among
    these: it moves only through `commitment_reschedule`."""
    if "due_date" in changes:
        raise ValidationError(
            {
                "due_date": _(
                    "The due date changes only by rescheduling, which records what the "
                    "client was told."
                )
            }
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    commitment = _locked(
        actor=actor, commitment_id=commitment_id, expected_version=expected_version
    )
    account = commitment.account
    before = snapshot(commitment, AUDIT_FIELDS)
    old_owner_id = commitment.owner_id
    for name, value in changes.items():
        if name == "owner":
            if value in (None, ""):
                continue
            new_owner = _resolve_owner(actor=actor, account=account, owner=value)
            if actor.role == Role.SPECIALIST and new_owner.pk != commitment.owner_id:
                raise ValidationError(
                    {"owner": _("Only the account's KAMs and the head hand promises over.")}
                )
            commitment.owner = new_owner
        elif name == "stakeholder":
            commitment.stakeholder = _resolve_stakeholder(
                account=account, stakeholder=value, field="stakeholder"
            )
        elif name == "interaction":
            commitment.interaction = _resolve_interaction(
                actor=actor, account=account, interaction=value
            )
        elif name == "title":
            commitment.title = (value or "").strip()
        elif name == "direction":
            commitment.direction = value or commitment.direction
        else:
            setattr(commitment, name, value or "")
    _save(actor=actor, commitment=commitment, before=before, fields=list(changes))
    if commitment.owner_id != old_owner_id:
        _tell_new_owner(actor=actor, commitment=commitment)
    return commitment


# --- State changes -------------------------------------------------------------------------


@transaction.atomic
def commitment_complete(
    *,
    actor: User,
    commitment_id: int,
    completed_on: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Commitment:
    """Mark an open promise done (on `completed_on`, today by default)."""
    commitment = _locked(
        actor=actor, commitment_id=commitment_id, expected_version=expected_version
    )
    if commitment.status != CommitmentStatus.OPEN:
        raise ValidationError(
            {
                "status": _("This promise is already %(status)s.")
                % {"status": commitment.get_status_display().lower()}
            }
        )
    today = timezone.localdate()
    completed_on = completed_on or today
    if completed_on > today:
        raise ValidationError({"completed_on": _("A promise cannot be kept in the future.")})
    if completed_on < commitment.created_at.date() - datetime.timedelta(days=366):
        raise ValidationError(
            {
                "completed_on": _(
                    "This date is long before the promise was recorded; check the year."
                )
            }
        )
    before = snapshot(commitment, AUDIT_FIELDS)
    commitment.status = CommitmentStatus.DONE
    commitment.completed_on = completed_on
    commitment.completion_note = note or ""
    _save(
        actor=actor,
        commitment=commitment,
        before=before,
        fields=["status", "completed_on", "completion_note"],
    )
    late = (completed_on - commitment.due_date).days
    if commitment.direction == Direction.OURS:
        title = (
            _("Promise kept: %(what)s")
            if late <= 0
            else ngettext(
                "Promise kept %(days)s day late: %(what)s",
                "Promise kept %(days)s days late: %(what)s",
                late,
            )
        )
    else:
        title = (
            _("The client kept their promise: %(what)s")
            if late <= 0
            else ngettext(
                "The client kept their promise %(days)s day late: %(what)s",
                "The client kept their promise %(days)s days late: %(what)s",
                late,
            )
        )
    _timeline(
        commitment=commitment,
        actor=actor,
        kind=TimelineEventKind.COMMITMENT_DONE,
        title=title % {"what": commitment.title, "days": late},
        body=commitment.completion_note,
    )
    return commitment


@transaction.atomic
def commitment_reschedule(
    *,
    actor: User,
    commitment_id: int,
    new_due_date: datetime.date | None,
    reason: str,
    client_message: str,
    informed_via: str,
    informed_on: datetime.date | None,
    informed_person: Any = None,
    expected_version: int | None = None,
) -> CommitmentReschedule:
    """Move a promise's due date, recording why, what the client was told (the apology or
    explanation), how and when they were told, and the new date. Nothing of it is optional:
    the client hears of a slip before it happens, and the CRM keeps what they heard."""
    commitment = _locked(
        actor=actor, commitment_id=commitment_id, expected_version=expected_version
    )
    if commitment.status != CommitmentStatus.OPEN:
        raise ValidationError(
            {
                "status": _("Only an open promise can be rescheduled; this one is %(status)s.")
                % {"status": commitment.get_status_display().lower()}
            }
        )
    today = timezone.localdate()
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    client_message = (client_message or "").strip()
    if not reason:
        errors["reason"] = _("Say why the date moves.")
    if not client_message:
        errors["client_message"] = (
            _("Write what the client was told: the apology or explanation they received.")
            if commitment.direction == Direction.OURS
            else _("Write what the client told us about the delay.")
        )
    if informed_via not in Channel.values:
        errors["informed_via"] = _("Choose how the client was told.")
    if informed_on is None:
        errors["informed_on"] = _("Give the date the client was told.")
    elif informed_on > today:
        errors["informed_on"] = _("Record a reschedule once the client has been told, not before.")
    if new_due_date is None:
        errors["new_due_date"] = _("Give the new due date.")
    elif new_due_date == commitment.due_date:
        errors["new_due_date"] = _("The new date is the current due date.")
    elif new_due_date < today:
        errors["new_due_date"] = _("The new due date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    assert new_due_date is not None
    assert informed_on is not None
    _check_due_date(new_due_date, field="new_due_date")
    person = _resolve_stakeholder(
        account=commitment.account, stakeholder=informed_person, field="informed_person"
    )
    reschedule = CommitmentReschedule(
        commitment=commitment,
        old_due_date=commitment.due_date,
        new_due_date=new_due_date,
        reason=reason,
        client_message=client_message,
        informed_via=informed_via,
        informed_on=informed_on,
        informed_person=person,
        recorded_by=actor,
    )
    reschedule.full_clean()
    reschedule.save()
    before = snapshot(commitment, AUDIT_FIELDS)
    commitment.due_date = new_due_date
    commitment.reschedule_count += 1
    _save(
        actor=actor,
        commitment=commitment,
        before=before,
        fields=["due_date", "reschedule_count"],
    )
    body_lines = [
        _("Reason: %(reason)s") % {"reason": reason},
        (
            _("Client told (%(how)s, %(when)s): %(message)s")
            if commitment.direction == Direction.OURS
            else _("The client said (%(how)s, %(when)s): %(message)s")
        )
        % {
            "how": reschedule.get_informed_via_display(),
            "when": _d(informed_on),
            "message": client_message,
        },
    ]
    if not reschedule.told_in_advance:
        body_lines.append(_("The client was told after the promise was due."))
    _timeline(
        commitment=commitment,
        actor=actor,
        kind=TimelineEventKind.COMMITMENT_RESCHEDULED,
        title=_("Promise rescheduled from %(old)s to %(new)s: %(what)s")
        % {
            "old": _d(reschedule.old_due_date),
            "new": _d(new_due_date),
            "what": commitment.title,
        },
        body="\n".join(body_lines),
    )
    return reschedule


@transaction.atomic
def commitment_cancel(
    *, actor: User, commitment_id: int, reason: str, expected_version: int | None = None
) -> Commitment:
    """Drop a promise that is no longer wanted (agreed with the client), saying why."""
    commitment = _locked(
        actor=actor, commitment_id=commitment_id, expected_version=expected_version
    )
    if commitment.status != CommitmentStatus.OPEN:
        raise ValidationError({"status": _("Only an open promise can be cancelled.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the promise is cancelled.")})
    before = snapshot(commitment, AUDIT_FIELDS)
    commitment.status = CommitmentStatus.CANCELLED
    commitment.cancelled_reason = reason
    _save(actor=actor, commitment=commitment, before=before, fields=["status", "cancelled_reason"])
    _timeline(
        commitment=commitment,
        actor=actor,
        kind=CANCELLED_KIND,
        title=_("Promise cancelled: %(what)s") % {"what": commitment.title},
        body=reason,
    )
    return commitment


@transaction.atomic
def commitment_reopen(
    *, actor: User, commitment_id: int, expected_version: int | None = None
) -> Commitment:
    """Undo "done" or "cancelled" (a mistake, or the client raised it again)."""
    commitment = _locked(
        actor=actor, commitment_id=commitment_id, expected_version=expected_version
    )
    if commitment.status == CommitmentStatus.OPEN:
        raise ValidationError({"status": _("This promise is open already.")})
    before = snapshot(commitment, AUDIT_FIELDS)
    commitment.status = CommitmentStatus.OPEN
    commitment.completed_on = None
    commitment.completion_note = ""
    commitment.cancelled_reason = ""
    _save(
        actor=actor,
        commitment=commitment,
        before=before,
        fields=["status", "completed_on", "completion_note", "cancelled_reason"],
    )
    return commitment
