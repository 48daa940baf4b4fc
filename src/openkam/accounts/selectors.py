"""Reads of accounts. `accounts_visible_to` is the one place that decides who sees which account:
pages, the API, exports and search all start from it, so an account a user may not see is
absent from every list, count and report, and answers "not found" when asked for directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

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
        # `id IN (their team memberships)` rather than a correlated EXISTS: SQLite then ORs two
        # index lookups instead of testing every account (0.1 ms instead of 4 ms for 10,000).
        on_team = AccountTeamMember.objects.filter(user=user).values("account_id")
        return qs.filter(Q(owner=user) | Q(pk__in=on_team))
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
        raise NotFoundError(_("Account not found.")) from None


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
    currency: str = ""
    sort: str = "name"


class AccountPages:
    """The filtered, sorted account list, paged the cheap way (a "deferred join").

    A page first picks its ids from the narrow, sorted list, and only those rows get their
    owner, parent, team size and pending tier. Counting the team with a JOIN and GROUP BY over
    every visible account, then sorting those wide rows, cost 200 ms on 10,000 accounts; this
    costs the same few milliseconds on any page. `Paginator` and the API's `paginate` use it
    like a queryset: `count()` and slicing, one query each.
    """

    ordered = True

    def __init__(self, ids: QuerySet[Account], order: tuple[str, ...]) -> None:
        self._ids = ids.order_by(*order)
        self._order = order

    def count(self) -> int:
        return self._ids.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice | int) -> Any:
        if isinstance(key, int):
            return self[key : key + 1][0]
        page = self._ids.values("pk")[key]
        team_size = (
            AccountTeamMember.objects.filter(account=OuterRef("pk"))
            .order_by()
            .values("account")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = with_pending_tier(
            Account.objects.filter(pk__in=page).select_related("owner", "parent")
        ).annotate(team_size=Coalesce(Subquery(team_size), 0))
        return list(rows.order_by(*self._order))


def account_list(*, user: Any, filters: AccountFilters) -> AccountPages:
    """The account list: one query for the count and one for a page, whatever the number of
    accounts (owner and parent joined, team size and pending tier in the same statement)."""
    qs = accounts_visible_to(user)
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
    if filters.currency:
        qs = qs.filter(currency=filters.currency.upper())
    return AccountPages(qs, SORTS.get(filters.sort, SORTS["name"]))


def account_team(*, account: Account) -> QuerySet[AccountTeamMember]:
    # The id breaks ties, so that pages of the API list neither repeat nor skip a member.
    return account.team.select_related("user").order_by(
        "team_role", "user__first_name", "user__last_name", "pk"
    )


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


def account_currency_choices(*, user: Any) -> list[str]:
    """The currencies of the accounts `user` may see (for the list filter)."""
    return list(
        accounts_visible_to(user).order_by("currency").values_list("currency", flat=True).distinct()
    )


def tier_requests_pending(*, user: Any) -> QuerySet[TierChangeRequest]:
    return (
        TierChangeRequest.objects.filter(
            status=TierChangeStatus.PENDING, account__in=accounts_visible_to(user)
        )
        .select_related("account", "requested_by")
        .order_by("requested_at", "pk")
    )


def tier_request_pending_for(*, account: Account) -> TierChangeRequest | None:
    return (
        TierChangeRequest.objects.filter(account=account, status=TierChangeStatus.PENDING)
        .select_related("requested_by")
        .first()
    )
