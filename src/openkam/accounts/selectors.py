"""Reads of accounts. `accounts_visible_to` is the one place that decides who sees which account:
pages, the API, exports and search all start from it, so an account a user may not see is
absent from every list, count and report, and answers "not found" when asked for directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from openkam.accounts.models import Account, AccountTeamMember, TierChangeRequest, TierChangeStatus
from openkam.core.errors import NotFoundError
from openkam.users.models import Role

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "tier": ("tier", "name", "id"),
    "-tier": ("-tier", "name", "id"),
    "country": ("country", "name", "id"),
    "-country": ("-country", "name", "id"),
    "owner": ("owner__first_name", "owner__last_name", "name", "id"),
    "-owner": ("-owner__first_name", "-owner__last_name", "name", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


def accounts_visible_to(user: Any) -> QuerySet[Account]:
    """Every account `user` may see: all for the head; those whose team they are on otherwise.

    Administrators manage users and settings and see no client data.
    """
    qs = Account.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.role == Role.HEAD:
        return qs
    if user.role in (Role.KAM, Role.SPECIALIST):
        on_team = AccountTeamMember.objects.filter(account=OuterRef("pk"), user=user)
        return qs.filter(Q(owner=user) | Exists(on_team))
    return qs.none()


def with_pending_tier(qs: QuerySet[Account]) -> QuerySet[Account]:
    """Annotate the tier a pending request asks for, in the same query as the accounts."""
    pending = TierChangeRequest.objects.filter(
        account=OuterRef("pk"), status=TierChangeStatus.PENDING
    ).values("to_tier")[:1]
    return qs.annotate(pending_tier=Subquery(pending))


def account_get(*, user: Any, account_id: int) -> Account:
    try:
        return with_pending_tier(accounts_visible_to(user).select_related("owner", "parent")).get(
            pk=account_id
        )
    except (Account.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Account not found.") from None


def account_can_edit(*, user: Any, account: Account) -> bool:
    """Head, or a key account manager on the account's team (the owner included)."""
    if user.role == Role.HEAD:
        return True
    if user.role != Role.KAM:
        return False
    return (
        account.owner_id == user.pk
        or AccountTeamMember.objects.filter(account=account, user=user).exists()
    )


def account_can_delete(*, user: Any, account: Account) -> bool:
    return bool(user.role == Role.HEAD)


def account_can_create(*, user: Any) -> bool:
    return user.role in (Role.HEAD, Role.KAM)


@dataclass(frozen=True)
class AccountFilters:
    q: str = ""
    tier: str = ""
    country: str = ""
    owner: int | None = None
    industry: str = ""
    sort: str = "name"


def account_list(*, user: Any, filters: AccountFilters) -> QuerySet[Account]:
    """The account list: one query for the rows whatever their number (owner and parent joined,
    team size counted in the same statement)."""
    qs = accounts_visible_to(user).select_related("owner", "parent")
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(legal_name__icontains=term)
            | Q(registration_number__icontains=term)
            | Q(vat_number__icontains=term)
            | Q(industry__icontains=term)
        )
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.industry:
        qs = qs.filter(industry__iexact=filters.industry)
    qs = with_pending_tier(qs).annotate(team_size=Count("team", distinct=True))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def account_team(*, account: Account) -> QuerySet[AccountTeamMember]:
    return account.team.select_related("user").order_by("team_role", "user__first_name")


def account_children(*, user: Any, account: Account) -> QuerySet[Account]:
    return accounts_visible_to(user).filter(parent=account).select_related("owner")


def account_ancestors(*, user: Any, account: Account) -> list[Account]:
    """The chain of parents, top first, limited to what the user may see.

    One query per level; hierarchies are a few levels deep.
    """
    chain: list[Account] = []
    visible = accounts_visible_to(user)
    seen = {account.pk}
    parent_id = account.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = Account.objects.only("id", "name", "parent_id").get(pk=parent_id)
        chain.append(parent)
        parent_id = parent.parent_id
    visible_ids = set(visible.filter(pk__in=[a.pk for a in chain]).values_list("pk", flat=True))
    return [a for a in reversed(chain) if a.pk in visible_ids]


def account_country_choices(*, user: Any) -> list[str]:
    return list(
        accounts_visible_to(user)
        .exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )


def tier_requests_pending(*, user: Any) -> QuerySet[TierChangeRequest]:
    return (
        TierChangeRequest.objects.filter(
            status=TierChangeStatus.PENDING, account__in=accounts_visible_to(user)
        )
        .select_related("account", "requested_by")
        .order_by("requested_at")
    )


def tier_request_pending_for(*, account: Account) -> TierChangeRequest | None:
    return (
        TierChangeRequest.objects.filter(account=account, status=TierChangeStatus.PENDING)
        .select_related("requested_by")
        .first()
    )
