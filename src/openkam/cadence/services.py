"""Writes of the contact cadence: the head sets each tier's intervals; whoever may edit an
account may give it its own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.accounts.models import Tier
from openkam.accounts.selectors import account_get
from openkam.cadence.models import DEFAULTS, MAX_INTERVAL_DAYS, AccountCadence, TierCadence
from openkam.cadence.selectors import cadence_can_edit_account, cadence_can_edit_tiers
from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.errors import ConflictError, ForbiddenError
from openkam.core.models import AuditAction
from openkam.users.models import User

TIER_FIELDS = ("max_days", "key_people_max_days")
ACCOUNT_FIELDS = ("exempt", "max_days", "key_people_max_days", "note")


def _days(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Give a whole number of days.")}) from None
    if not 1 <= days <= MAX_INTERVAL_DAYS:
        raise ValidationError(
            {field: _("Give between 1 and %(max)s days.") % {"max": MAX_INTERVAL_DAYS}}
        )
    return days


@transaction.atomic
def tier_cadence_update(
    *, actor: User, tier: str, max_days: Any, key_people_max_days: Any
) -> TierCadence:
    if not cadence_can_edit_tiers(user=actor):
        raise ForbiddenError(_("Only the head of key accounts sets the tiers' cadence."))
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Choose a valid tier.")})
    row, created = TierCadence.objects.select_for_update().get_or_create(
        tier=tier, defaults=dict(zip(TIER_FIELDS, DEFAULTS.get(tier, (None, None)), strict=True))
    )
    before = snapshot(row, TIER_FIELDS)  # on creation: the defaults it replaces
    row.max_days = _days(max_days, "max_days")
    row.key_people_max_days = _days(key_people_max_days, "key_people_max_days")
    row.updated_by = actor
    row.full_clean()
    row.save()
    changes = diff(before, snapshot(row, TIER_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target=row,
            changes=changes,
        )
    return row


@transaction.atomic
def account_cadence_update(
    *,
    actor: User,
    account_id: int,
    exempt: bool,
    max_days: Any,
    key_people_max_days: Any,
    note: str = "",
    expected_version: int | None = None,
) -> AccountCadence:
    """Give an account its own cadence; empty values follow its tier."""
    account = account_get(user=actor, account_id=account_id)
    if not cadence_can_edit_account(user=actor, account=account):
        raise ForbiddenError(_("You may read this account but not change its cadence."))
    row, created = AccountCadence.objects.select_for_update().get_or_create(account=account)
    if not created and expected_version is not None and row.version != expected_version:
        raise ConflictError(
            _(
                "Someone changed this account's cadence after you opened it (now version "
                "%(version)s, you edited version %(expected)s). Nothing was saved."
            )
            % {"version": row.version, "expected": expected_version},
            current=row,
            changes=[],
        )
    before = {} if created else snapshot(row, ACCOUNT_FIELDS)
    row.exempt = bool(exempt)
    row.max_days = _days(max_days, "max_days")
    row.key_people_max_days = _days(key_people_max_days, "key_people_max_days")
    row.note = (note or "").strip()
    row.full_clean()
    changes = diff(before, snapshot(row, ACCOUNT_FIELDS))
    if not created and changes:
        row.version += 1
    row.save()
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target=row,
            root=account,
            version=row.version,
            changes=changes,
        )
    return row
