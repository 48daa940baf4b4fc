"""Contact cadence over the API: the tiers' intervals, an account's own, and who is overdue."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from openkam.accounts.models import Tier
from openkam.accounts.selectors import account_get
from openkam.cadence import selectors, services

router = Router(tags=["cadence"])


class TierCadenceOut(Schema):
    tier: Tier
    max_days: int | None = Field(..., description="Days between contacts; null: not tracked.")
    key_people_max_days: int | None = Field(
        ..., description="For decision makers and economic buyers; null: not tracked."
    )
    default_max_days: int | None
    default_key_people_max_days: int | None
    customised: bool


class TierCadenceIn(Schema):
    max_days: int | None = Field(None, ge=1, le=730)
    key_people_max_days: int | None = Field(None, ge=1, le=730)


class AccountCadenceOut(Schema):
    account_id: int
    tier: Tier
    exempt: bool
    max_days: int | None = Field(..., description="The account's own; null: as its tier.")
    key_people_max_days: int | None
    note: str
    version: int | None
    effective_max_days: int | None
    effective_key_people_max_days: int | None
    last_contact: datetime.datetime | None
    contact_due_on: datetime.date | None
    days_overdue: int


class AccountCadenceIn(Schema):
    exempt: bool = False
    max_days: int | None = Field(None, ge=1, le=730)
    key_people_max_days: int | None = Field(None, ge=1, le=730)
    note: str = ""
    version: int | None = None


class NeglectedAccountOut(Schema):
    account_id: int
    account_name: str
    tier: Tier
    kam_id: int
    kam_name: str
    interval_days: int | None
    last_contact: datetime.datetime | None
    due_on: datetime.date | None
    days_overdue: int


class NeglectedPersonOut(Schema):
    stakeholder_id: int
    name: str
    buying_role: str
    account_id: int
    account_name: str
    interval_days: int
    last_contact: datetime.datetime | None
    due_on: datetime.date
    days_overdue: int


class NeglectedOut(Schema):
    accounts: list[NeglectedAccountOut]
    people: list[NeglectedPersonOut]
    tracked_accounts: int


@router.get("/cadence/tiers", response=list[TierCadenceOut], summary="Each tier's contact interval")
def list_tiers(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.tier_rows()


@router.put(
    "/cadence/tiers/{tier}", response=TierCadenceOut, summary="Set a tier's interval (head only)"
)
def update_tier(request: HttpRequest, tier: Tier, payload: TierCadenceIn) -> dict[str, Any]:
    services.tier_cadence_update(
        actor=request.user,  # type: ignore[arg-type]
        tier=tier,
        max_days=payload.max_days,
        key_people_max_days=payload.key_people_max_days,
    )
    return next(row for row in selectors.tier_rows() if row["tier"] == tier)


def _account_cadence(request: HttpRequest, account_id: int) -> dict[str, Any]:
    account = account_get(user=request.user, account_id=account_id)
    override = selectors.account_override(account=account)
    interval = selectors.effective_interval(
        tier=account.tier, override=override, tiers=selectors.tier_intervals()
    )
    contact = selectors.account_contact(account=account)
    return {
        "account_id": account.pk,
        "tier": account.tier,
        "exempt": bool(override and override.exempt),
        "max_days": override.max_days if override else None,
        "key_people_max_days": override.key_people_max_days if override else None,
        "note": override.note if override else "",
        "version": override.version if override else None,
        "effective_max_days": interval.account_days,
        "effective_key_people_max_days": interval.people_days,
        "last_contact": contact.last_contact,
        "contact_due_on": contact.due_on,
        "days_overdue": contact.days_overdue,
    }


@router.get(
    "/accounts/{account_id}/cadence",
    response=AccountCadenceOut,
    summary="An account's contact interval and state",
)
def get_account_cadence(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return _account_cadence(request, account_id)


@router.put(
    "/accounts/{account_id}/cadence",
    response=AccountCadenceOut,
    summary="Give an account its own contact interval",
)
def update_account_cadence(
    request: HttpRequest, account_id: int, payload: AccountCadenceIn
) -> dict[str, Any]:
    services.account_cadence_update(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        exempt=payload.exempt,
        max_days=payload.max_days,
        key_people_max_days=payload.key_people_max_days,
        note=payload.note,
        expected_version=payload.version,
    )
    return _account_cadence(request, account_id)


@router.get(
    "/cadence/neglected",
    response=NeglectedOut,
    summary="Accounts and key people beyond their contact interval",
)
def neglected(request: HttpRequest, kam_id: int | None = None) -> dict[str, Any]:
    report = selectors.neglected(user=request.user, kam_id=kam_id)
    return {
        "accounts": [
            {
                "account_id": row.account.pk,
                "account_name": row.account.name,
                "tier": row.account.tier,
                "kam_id": row.account.owner_id,
                "kam_name": str(row.account.owner),
                "interval_days": row.interval,
                "last_contact": row.last_contact,
                "due_on": row.due_on,
                "days_overdue": row.days_overdue,
            }
            for row in report.accounts
        ],
        "people": [
            {
                "stakeholder_id": row.stakeholder.pk,
                "name": row.stakeholder.full_name,
                "buying_role": row.stakeholder.buying_role,
                "account_id": row.account.pk,
                "account_name": row.account.name,
                "interval_days": row.interval,
                "last_contact": row.last_contact,
                "due_on": row.due_on,
                "days_overdue": row.days_overdue,
            }
            for row in report.people
        ],
        "tracked_accounts": report.tracked,
    }
