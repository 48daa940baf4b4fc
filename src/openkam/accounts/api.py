"""Accounts, their teams, history and tier changes over the API. Thin: services and selectors
do the work and enforce access; this module maps them to HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from openkam.accounts import selectors, services, team_services, tier_services
from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier, TierChangeRequest
from openkam.api.pagination import PageParams, paginate
from openkam.core.audit import audit_entries_for
from openkam.core.choices import Level
from openkam.core.errors import ConflictError
from openkam.core.models import AuditEntry

router = Router(tags=["accounts"])


class AccountOut(Schema):
    id: int
    name: str
    legal_name: str
    registration_number: str
    vat_number: str
    industry: str
    country: str
    currency: str = Field(..., description="ISO 4217 code of the currency it is invoiced in.")
    website: str
    parent_id: int | None
    parent_name: str | None
    tier: Tier
    pending_tier: Tier | None = Field(
        None, description="A tier change waiting for the head's approval."
    )
    owner_id: int
    owner_name: str
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_country(obj: Account) -> str:
        return str(getattr(obj.country, "code", "") or "")

    @staticmethod
    def resolve_parent_name(obj: Account) -> str | None:
        return obj.parent.name if obj.parent_id and obj.parent else None

    @staticmethod
    def resolve_owner_name(obj: Account) -> str:
        return str(obj.owner)

    @staticmethod
    def resolve_pending_tier(obj: Account) -> str | None:
        return getattr(obj, "pending_tier", None)


class AccountPage(Schema):
    items: list[AccountOut]
    total: int
    limit: int
    offset: int


class AccountIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    legal_name: str = ""
    registration_number: str = ""
    vat_number: str = ""
    industry: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2 code, e.g. NO, SE, HU, BG, RU, GB.")
    currency: str = Field(
        "",
        description="ISO 4217 code, e.g. NOK; empty: the country's currency or the reporting one.",
    )
    website: str = ""
    parent_id: int | None = None
    tier: Tier = Tier.OTHER
    tier_reason: str = Field("", description="Why a KAM asks for this tier (sent to the head).")
    owner_id: int | None = Field(None, description="Defaults to the caller when a KAM creates.")
    notes: str = ""


class AccountPatch(Schema):
    version: int = Field(..., description="The version you read; a stale one answers 409.")
    name: str | None = Field(None, min_length=1, max_length=200)
    legal_name: str | None = None
    registration_number: str | None = None
    vat_number: str | None = None
    industry: str | None = None
    country: str | None = None
    currency: str | None = Field(None, description="ISO 4217 code, e.g. NOK, SEK, EUR.")
    website: str | None = None
    parent_id: int | None = None
    tier: Tier | None = None
    tier_reason: str = ""
    owner_id: int | None = None
    notes: str | None = None


class AccountFilterParams(PageParams):
    q: str = ""
    tier: Tier | None = None
    country: str = ""
    owner_id: int | None = None
    industry: str = ""
    currency: str = Field("", description="ISO 4217 code: only accounts in this currency.")
    sort: str = Field("name", pattern="^-?(name|tier|country|owner|updated)$")


class ChangeOut(Schema):
    field: str
    old: str | None
    new: str | None


class HistoryOut(Schema):
    at: datetime
    actor: str | None
    action: str
    target: str
    version: int | None
    changes: list[ChangeOut]

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str | None:
        return str(obj.actor) if obj.actor else None

    @staticmethod
    def resolve_target(obj: AuditEntry) -> str:
        return obj.target_repr

    @staticmethod
    def resolve_changes(obj: AuditEntry) -> list[dict[str, Any]]:
        return obj.change_rows


class HistoryPage(Schema):
    items: list[HistoryOut]
    total: int
    limit: int
    offset: int


class ConflictOut(Schema):
    detail: str
    current: AccountOut
    changes: list[HistoryOut]


def conflict_body(exc: ConflictError) -> dict[str, Any]:
    # Each part is read from its model here: validating the assembled schemas again would
    # look for the resolved fields (owner_name, target...) on the records and fail.
    if not isinstance(exc.current, Account):
        # Another app's record reached the site-wide handler: answer 409 with what every
        # versioned record has rather than fail; apps may answer with richer bodies themselves.
        return {
            "detail": str(exc),
            "current": {
                "id": getattr(exc.current, "pk", None),
                "version": getattr(exc.current, "version", None),
            },
            "changes": [
                HistoryOut.from_orm(entry).model_dump(mode="json") for entry in exc.changes
            ],
        }
    return {
        "detail": str(exc),
        "current": AccountOut.from_orm(exc.current).model_dump(mode="json"),
        "changes": [HistoryOut.from_orm(entry).model_dump(mode="json") for entry in exc.changes],
    }


class TeamMemberOut(Schema):
    id: int
    user_id: int
    user_name: str
    team_role: TeamRole
    level: Level

    @staticmethod
    def resolve_user_name(obj: AccountTeamMember) -> str:
        return str(obj.user)


class TeamPage(Schema):
    items: list[TeamMemberOut]
    total: int
    limit: int
    offset: int


class TeamMemberIn(Schema):
    user_id: int
    team_role: TeamRole = TeamRole.OTHER
    level: Level = Level.SPECIALIST


class TeamMemberPatch(Schema):
    team_role: TeamRole
    level: Level


class TierRequestOut(Schema):
    id: int
    account_id: int
    account_name: str
    from_tier: Tier
    to_tier: Tier
    reason: str
    requested_by: str
    requested_at: datetime
    status: str

    @staticmethod
    def resolve_account_name(obj: TierChangeRequest) -> str:
        return obj.account.name

    @staticmethod
    def resolve_requested_by(obj: TierChangeRequest) -> str:
        return str(obj.requested_by)


class TierRequestPage(Schema):
    items: list[TierRequestOut]
    total: int
    limit: int
    offset: int


class TierDecisionIn(Schema):
    approve: bool
    note: str = ""


def _account_out(request: HttpRequest, account_id: int) -> Account:
    return selectors.account_get(user=request.user, account_id=account_id)


@router.get("", response=AccountPage, summary="List the accounts you may see")
def list_accounts(request: HttpRequest, params: Query[AccountFilterParams]) -> dict[str, Any]:
    filters = selectors.AccountFilters(
        q=params.q,
        tier=params.tier or "",
        country=params.country.upper(),
        owner=params.owner_id,
        industry=params.industry,
        currency=params.currency.upper(),
        sort=params.sort,
    )
    return paginate(selectors.account_list(user=request.user, filters=filters), params)


@router.post("", response={201: AccountOut}, summary="Create an account")
def create_account(request: HttpRequest, payload: AccountIn) -> Status[Account]:
    data = payload.model_dump()
    result = services.account_create(
        actor=request.user,  # type: ignore[arg-type]
        owner=data.pop("owner_id"),
        parent=data.pop("parent_id"),
        **data,
    )
    return Status(201, _account_out(request, result.account.pk))


@router.get("/{account_id}", response=AccountOut, summary="Read an account")
def get_account(request: HttpRequest, account_id: int) -> Account:
    return _account_out(request, account_id)


@router.patch(
    "/{account_id}", response={200: AccountOut, 409: ConflictOut}, summary="Change an account"
)
def update_account(request: HttpRequest, account_id: int, payload: AccountPatch) -> Account:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    tier_reason = data.pop("tier_reason", "")
    renames = {"parent_id": "parent", "owner_id": "owner"}
    changes = {renames.get(key, key): value for key, value in data.items()}
    for key in ("name", "tier", "owner"):
        if key in changes and changes[key] is None:
            changes.pop(key)
    services.account_update(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        expected_version=version,
        changes=changes,
        tier_reason=tier_reason,
    )
    return _account_out(request, account_id)


@router.delete(
    "/{account_id}",
    response={204: None, 409: ConflictOut},
    summary="Delete an account (head only)",
)
def delete_account(
    request: HttpRequest, account_id: int, version: int | None = None
) -> Status[None]:
    services.account_delete(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        expected_version=version,
    )
    return Status(204, None)


@router.get("/{account_id}/history", response=HistoryPage, summary="An account's audit log")
def account_history(
    request: HttpRequest, account_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    account = _account_out(request, account_id)
    return paginate(audit_entries_for(account), params)


@router.get("/{account_id}/team", response=TeamPage, summary="An account's team")
def list_team(request: HttpRequest, account_id: int, params: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.account_team(account=_account_out(request, account_id)), params)


@router.post("/{account_id}/team", response={201: TeamMemberOut}, summary="Add a team member")
def add_team_member(
    request: HttpRequest, account_id: int, payload: TeamMemberIn
) -> Status[AccountTeamMember]:
    member = team_services.account_team_member_add(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        user=payload.user_id,
        team_role=payload.team_role,
        level=payload.level,
    )
    return Status(201, member)


@router.patch(
    "/{account_id}/team/{member_id}", response=TeamMemberOut, summary="Change a team member"
)
def update_team_member(
    request: HttpRequest, account_id: int, member_id: int, payload: TeamMemberPatch
) -> AccountTeamMember:
    return team_services.account_team_member_update(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        member_id=member_id,
        team_role=payload.team_role,
        level=payload.level,
    )


@router.delete(
    "/{account_id}/team/{member_id}", response={204: None}, summary="Remove a team member"
)
def remove_team_member(request: HttpRequest, account_id: int, member_id: int) -> Status[None]:
    team_services.account_team_member_remove(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        member_id=member_id,
    )
    return Status(204, None)


tier_router = Router(tags=["tier changes"])


@tier_router.get("", response=TierRequestPage, summary="Tier changes waiting for approval")
def list_tier_requests(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.tier_requests_pending(user=request.user), params)


@tier_router.post(
    "/{request_id}/decision", response=TierRequestOut, summary="Approve or reject (head only)"
)
def decide_tier_request(
    request: HttpRequest, request_id: int, payload: TierDecisionIn
) -> TierChangeRequest:
    return tier_services.tier_request_decide(
        actor=request.user,  # type: ignore[arg-type]
        request_id=request_id,
        approve=payload.approve,
        note=payload.note,
    )
