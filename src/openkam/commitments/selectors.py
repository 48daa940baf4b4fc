"""Reads of promises. Every read starts from the accounts the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from openkam.accounts.models import Account, AccountTeamMember
from openkam.accounts.selectors import account_can_edit, accounts_visible_to
from openkam.commitments.models import (
    Commitment,
    CommitmentReschedule,
    CommitmentStatus,
    Direction,
)
from openkam.core.errors import NotFoundError
from openkam.users.models import Role, User


def commitments_visible_to(*, user: Any) -> QuerySet[Commitment]:
    return Commitment.objects.filter(account__in=accounts_visible_to(user))


def commitment_get(*, user: Any, commitment_id: int) -> Commitment:
    try:
        return (
            commitments_visible_to(user=user)
            .select_related(
                "account", "account__owner", "owner", "stakeholder", "interaction", "created_by"
            )
            .get(pk=commitment_id)
        )
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Promise not found.") from None


def commitment_can_create(*, user: Any, account: Account) -> bool:
    """The head, KAMs on the team, and specialists on the team (who own tasks)."""
    if getattr(user, "role", None) == Role.SPECIALIST:
        return AccountTeamMember.objects.filter(account=account, user=user).exists()
    return account_can_edit(user=user, account=account)


def commitment_can_edit(*, user: Any, commitment: Commitment) -> bool:
    """Who may change, complete or reschedule: whoever may edit the account, and the owner."""
    if commitment.owner_id == getattr(user, "pk", None) and user.role != Role.ADMIN:
        return True
    return account_can_edit(user=user, account=commitment.account)


def owner_choices(*, account: Account) -> QuerySet[User]:
    """Who may own a promise on this account: its team and the head of key accounts."""
    on_team = AccountTeamMember.objects.filter(account=account).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=on_team) | Q(role=Role.HEAD) | Q(pk=account.owner_id))
        .exclude(role=Role.ADMIN)
        .order_by("first_name", "last_name", "username")
    )


# --- Lists ---------------------------------------------------------------------------------

STATES = ("open", "overdue", "due_soon", "done", "cancelled", "all")
SORTS = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "account": ("account__name", "due_date", "id"),
    "owner": ("owner__first_name", "owner__last_name", "due_date", "id"),
    "created": ("-created_at", "-id"),
}


@dataclass(frozen=True)
class CommitmentFilters:
    state: str = "open"  # one of STATES; "" means open
    direction: str = ""
    owner_id: int | None = None
    kam_id: int | None = None  # the account's KAM
    account_id: int | None = None
    q: str = ""
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    sort: str = "due"
    due_soon_days: int = 7


def filter_commitments(
    qs: QuerySet[Commitment], filters: CommitmentFilters, *, today: datetime.date | None = None
) -> QuerySet[Commitment]:
    today = today or timezone.localdate()
    state = filters.state or "open"
    if state == "open":
        qs = qs.filter(status=CommitmentStatus.OPEN)
    elif state == "overdue":
        qs = qs.filter(status=CommitmentStatus.OPEN, due_date__lt=today)
    elif state == "due_soon":
        qs = qs.filter(
            status=CommitmentStatus.OPEN,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=filters.due_soon_days),
        )
    elif state in (CommitmentStatus.DONE, CommitmentStatus.CANCELLED):
        qs = qs.filter(status=state)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.kam_id:
        qs = qs.filter(account__owner_id=filters.kam_id)
    if filters.account_id:
        qs = qs.filter(account_id=filters.account_id)
    if filters.q:
        for term in filters.q.split():
            qs = qs.filter(
                Q(title__icontains=term)
                | Q(details__icontains=term)
                | Q(account__name__icontains=term)
                | Q(stakeholder__last_name__icontains=term)
            )
    if filters.due_from:
        qs = qs.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        qs = qs.filter(due_date__lte=filters.due_to)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["due"]))


def commitment_list(*, user: Any, filters: CommitmentFilters) -> QuerySet[Commitment]:
    """One query for the rows whatever their number (account, owner and person joined)."""
    qs = commitments_visible_to(user=user).select_related(
        "account", "account__owner", "owner", "stakeholder"
    )
    return filter_commitments(qs, filters)


def account_open_commitments(*, account: Account) -> QuerySet[Commitment]:
    """The dossier's panel: open promises both ways (the caller checked the account)."""
    return (
        Commitment.objects.filter(account=account, status=CommitmentStatus.OPEN)
        .select_related("owner", "stakeholder")
        .order_by("due_date", "id")
    )


def commitment_reschedules(*, commitment: Commitment) -> QuerySet[CommitmentReschedule]:
    return commitment.reschedules.select_related("recorded_by", "informed_person").order_by(
        "recorded_at", "id"
    )


def reschedules_visible_to(*, user: Any) -> QuerySet[CommitmentReschedule]:
    return CommitmentReschedule.objects.filter(
        commitment__account__in=accounts_visible_to(user)
    ).select_related("commitment", "commitment__account", "recorded_by")


# --- Figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    """How well promises are kept, for one account, one KAM or the whole department.

    Kept on time (%) counts, of the promises that have come due (done, or open past their
    date), those done by their (current) due date. Cancelled promises count nowhere.
    Reschedules are counted separately, so a promise kept after an honest reschedule still
    shows how often dates moved.
    """

    total: int = 0
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    done: int = 0
    kept: int = 0
    came_due: int = 0
    reschedules: int = 0
    rescheduled: int = 0
    ours_open: int = 0
    theirs_open: int = 0

    @property
    def kept_pct(self) -> float | None:
        if not self.came_due:
            return None
        return round(100.0 * self.kept / self.came_due, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "open": self.open,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "done": self.done,
            "kept": self.kept,
            "came_due": self.came_due,
            "kept_pct": self.kept_pct,
            "reschedules": self.reschedules,
            "rescheduled": self.rescheduled,
            "ours_open": self.ours_open,
            "theirs_open": self.theirs_open,
        }


def _aggregates(today: datetime.date, due_soon_days: int) -> dict[str, Any]:
    open_ = Q(status=CommitmentStatus.OPEN)
    overdue = open_ & Q(due_date__lt=today)
    done = Q(status=CommitmentStatus.DONE)
    soon = open_ & Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(due_soon_days))
    not_cancelled = ~Q(status=CommitmentStatus.CANCELLED)
    return {
        "total": Count("id", filter=not_cancelled),
        "open": Count("id", filter=open_),
        "overdue": Count("id", filter=overdue),
        "due_soon": Count("id", filter=soon),
        "done": Count("id", filter=done),
        "kept": Count("id", filter=done & Q(completed_on__lte=F("due_date"))),
        "came_due": Count("id", filter=done | overdue),
        "reschedules": Sum("reschedule_count", filter=not_cancelled),
        "rescheduled": Count("id", filter=not_cancelled & Q(reschedule_count__gt=0)),
        "ours_open": Count("id", filter=open_ & Q(direction=Direction.OURS)),
        "theirs_open": Count("id", filter=open_ & Q(direction=Direction.THEIRS)),
    }


def _figures(row: dict[str, Any]) -> Figures:
    return Figures(
        **{name: int(row.get(name) or 0) for name in Figures.__dataclass_fields__},
    )


def figures_for(
    *,
    user: Any,
    by: str = "",
    account_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
    due_soon_days: int = 7,
) -> dict[Any, Figures]:
    """Figures in one query: for the department (`by=""`, key None), per account
    (`by="account"`, key account id) or per KAM (`by="kam"`, key the accounts' owner id)."""
    today = today or timezone.localdate()
    qs = commitments_visible_to(user=user)
    if account_ids is not None:
        qs = qs.filter(account_id__in=list(account_ids))
    aggregates = _aggregates(today, due_soon_days)
    if not by:
        return {None: _figures(qs.aggregate(**aggregates))}
    column = {"account": "account_id", "kam": "account__owner_id", "owner": "owner_id"}[by]
    rows = qs.order_by().values(column).annotate(**aggregates)
    return {row[column]: _figures(row) for row in rows}


@dataclass
class FigureRow:
    key: Any
    label: str
    figures: Figures
    extra: dict[str, Any] = field(default_factory=dict)


def figures_by_kam(*, user: Any, today: datetime.date | None = None) -> list[FigureRow]:
    """Per KAM (the owner of the accounts), named; two queries."""
    figures = figures_for(user=user, by="kam", today=today)
    people = {u.pk: u for u in User.objects.filter(pk__in=[k for k in figures if k])}
    rows = [
        FigureRow(key=pk, label=str(people[pk]) if pk in people else "—", figures=f)
        for pk, f in figures.items()
    ]
    return sorted(rows, key=lambda row: (-row.figures.overdue, row.label))


def figures_by_account(
    *, user: Any, today: datetime.date | None = None, limit: int | None = None
) -> list[FigureRow]:
    """Per account, worst first (most overdue, then lowest kept share); two queries."""
    figures = figures_for(user=user, by="account", today=today)
    accounts = {
        a.pk: a
        for a in accounts_visible_to(user)
        .filter(pk__in=list(figures))
        .select_related("owner")
        .only("id", "name", "tier", "owner__first_name", "owner__last_name", "owner__username")
    }
    rows = [
        FigureRow(key=pk, label=accounts[pk].name, figures=f, extra={"account": accounts[pk]})
        for pk, f in figures.items()
        if pk in accounts
    ]
    rows.sort(
        key=lambda row: (
            -row.figures.overdue,
            row.figures.kept_pct if row.figures.kept_pct is not None else 101,
            row.label,
        )
    )
    return rows[:limit] if limit else rows
