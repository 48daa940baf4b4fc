"""Reads of stakeholders. Who sees a person follows who sees their accounts:
`accounts_visible_to` decides, and a person is visible when their home account or one of the
other accounts they sit in is. Personal notes are narrower: only readers of the *home*
account (its team and the head) see them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_can_edit, accounts_visible_to
from openkam.core.choices import Level
from openkam.core.errors import NotFoundError
from openkam.stakeholders.models import (
    Attitude,
    BuyingRole,
    PersonalNote,
    Stakeholder,
    StakeholderStatus,
)

# The roles a deal cannot close without: nobody in them is a gap in the coverage.
KEY_ROLE_VALUES = (BuyingRole.DECISION_MAKER.value, BuyingRole.ECONOMIC_BUYER.value)


def stale_days() -> int:
    return int(getattr(settings, "KAM_STAKEHOLDER_STALE_DAYS", 180))


def stale_before(today: datetime.date | None = None) -> datetime.date:
    """Records last verified before this date are stale."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=stale_days())


def is_stale(stakeholder: Stakeholder, today: datetime.date | None = None) -> bool:
    return stakeholder.is_stale


def stakeholders_visible_to(*, user: Any) -> QuerySet[Stakeholder]:
    """Everybody whose home account, or one of whose other accounts, `user` may see."""
    visible = accounts_visible_to(user)
    shared = Stakeholder.other_accounts.through.objects.filter(
        stakeholder_id=OuterRef("pk"), account__in=visible
    )
    return Stakeholder.objects.filter(Q(account__in=visible) | Exists(shared))


def stakeholder_get(*, user: Any, stakeholder_id: int) -> Stakeholder:
    try:
        return (
            stakeholders_visible_to(user=user)
            .select_related("account", "reports_to")
            .get(pk=stakeholder_id)
        )
    except (Stakeholder.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Stakeholder not found.") from None


def personal_notes_visible(*, user: Any, stakeholder: Stakeholder) -> bool:
    """The home account's team (its owner included) and the head; nobody else.

    `accounts_visible_to` is exactly that set of readers for an account, so a person seen
    only through another account of the group keeps their notes hidden.
    """
    return accounts_visible_to(user).filter(pk=stakeholder.account_id).exists()


def personal_notes_account_ids(*, user: Any, account_ids: Iterable[int]) -> set[int]:
    """Of `account_ids`, the home accounts whose people's personal notes `user` may read.

    One query for a whole list, so that lists and exports decide per row without a query each.
    """
    ids = set(account_ids)
    if not ids:
        return set()
    return set(accounts_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def birthdays_visible_to(*, user: Any) -> QuerySet[PersonalNote]:
    """Birthdays of the people whose personal notes `user` may read."""
    return PersonalNote.objects.filter(
        birthday__isnull=False, stakeholder__account__in=accounts_visible_to(user)
    ).select_related("stakeholder", "stakeholder__account")


def personal_note_for(*, user: Any, stakeholder: Stakeholder) -> PersonalNote | None:
    """The personal notes if `user` may read them (None otherwise, and None when unwritten)."""
    if not personal_notes_visible(user=user, stakeholder=stakeholder):
        return None
    return PersonalNote.objects.filter(stakeholder=stakeholder).first()


def stakeholder_can_edit(*, user: Any, stakeholder: Stakeholder) -> bool:
    """Those who may change the home account (head, KAMs on its team) maintain its people."""
    return account_can_edit(user=user, account=stakeholder.account)


def stakeholder_can_create(*, user: Any, account: Account) -> bool:
    return account_can_edit(user=user, account=account)


# --- Lists ---------------------------------------------------------------------------------

SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "level": ("level_rank", "last_name", "first_name", "id"),
    "influence": ("-influence", "last_name", "first_name", "id"),
    "role": ("buying_role", "last_name", "first_name", "id"),
    "attitude": ("attitude_rank", "last_name", "first_name", "id"),
    "verified": ("last_verified_on", "last_name", "id"),
}


@dataclass(frozen=True)
class StakeholderFilters:
    q: str = ""
    level: str = ""
    buying_role: str = ""
    attitude: str = ""
    status: str = ""  # "" = everybody, or a StakeholderStatus value
    stale: bool = False
    sort: str = "level"


def _with_ranks(qs: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
    level_rank = Case(
        *[When(level=value, then=Value(i)) for i, value in enumerate(Level.values)],
        default=Value(len(Level.values)),
        output_field=IntegerField(),
    )
    attitude_rank = Case(
        *[When(attitude=value, then=Value(i)) for i, value in enumerate(Attitude.values)],
        default=Value(len(Attitude.values)),
        output_field=IntegerField(),
    )
    return qs.annotate(level_rank=level_rank, attitude_rank=attitude_rank)


def filter_stakeholders(
    qs: QuerySet[Stakeholder], filters: StakeholderFilters
) -> QuerySet[Stakeholder]:
    if filters.q:
        for term in filters.q.split():
            qs = qs.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(job_title__icontains=term)
                | Q(department__icontains=term)
                | Q(email__icontains=term)
            )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.buying_role:
        qs = qs.filter(buying_role=filters.buying_role)
    if filters.attitude:
        qs = qs.filter(attitude=filters.attitude)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.stale:
        qs = qs.filter(status=StakeholderStatus.ACTIVE).filter(
            Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=stale_before())
        )
    return _with_ranks(qs).order_by(*SORTS.get(filters.sort, SORTS["level"]))


def account_stakeholders(*, account: Account) -> QuerySet[Stakeholder]:
    """The decision-making unit of an account: its own people and those it shares with the
    group. The caller has already checked that the account is visible."""
    # The ids of both kinds as one UNION, which each side answers from its index: an OR of
    # "home account" and "shared with it" made PostgreSQL scan every stakeholder (178 ms
    # against 3.5 ms for an account of 10 among 100,000 people).
    own = Stakeholder.objects.filter(account=account).values("pk")
    shared = Stakeholder.other_accounts.through.objects.filter(account_id=account.pk).values(
        "stakeholder_id"
    )
    return Stakeholder.objects.filter(pk__in=own.union(shared, all=True)).select_related(
        "account", "reports_to"
    )


def stakeholder_list(*, user: Any, filters: StakeholderFilters) -> QuerySet[Stakeholder]:
    """Every visible person, filtered: one query for the rows (home account joined)."""
    qs = stakeholders_visible_to(user=user).select_related("account", "reports_to")
    return filter_stakeholders(qs, filters)


def with_other_accounts(qs: QuerySet[Stakeholder], *, user: Any) -> QuerySet[Stakeholder]:
    """Prefetch the other accounts each person sits in, limited to those `user` may see."""
    return qs.prefetch_related(
        Prefetch(
            "other_accounts",
            queryset=accounts_visible_to(user).only("id", "name").order_by("name"),
        )
    )


def other_accounts_visible(*, user: Any, stakeholder: Stakeholder) -> QuerySet[Account]:
    """The other accounts of the group the person sits in, as far as `user` may see them."""
    return (
        accounts_visible_to(user)
        .filter(shared_stakeholders=stakeholder)
        .only("id", "name")
        .order_by("name")
    )


def stakeholder_reports(*, stakeholder: Stakeholder) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(reports_to=stakeholder).order_by("last_name", "first_name")


@dataclass
class OrgNode:
    person: Stakeholder
    children: list[OrgNode]


def org_chart(*, people: Iterable[Stakeholder]) -> list[OrgNode]:
    """Build the reports-to tree from an already loaded list (no queries).

    People whose manager is outside the list (another account, or filtered out) become roots,
    so nobody disappears from the chart. Cycles cannot be saved (services refuse them), but the
    walk guards against one anyway.
    """
    people = list(people)
    by_id = {p.pk: OrgNode(person=p, children=[]) for p in people}
    roots: list[OrgNode] = []
    for node in by_id.values():
        parent = by_id.get(node.person.reports_to_id) if node.person.reports_to_id else None
        if parent is None or parent is node:
            roots.append(node)
        else:
            parent.children.append(node)
    reachable: set[int] = set()

    def mark(node: OrgNode) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.person.pk in reachable:
                continue
            reachable.add(current.person.pk)
            stack.extend(current.children)

    for root in roots:
        mark(root)
    for node in by_id.values():  # members of a cycle would be unreachable: show them at top
        if node.person.pk not in reachable:
            roots.append(node)
            mark(node)
    return roots


def coverage_matrix(*, people: Iterable[Stakeholder]) -> dict[str, Any]:
    """Active people counted by buying role (rows) and level (columns), for the coverage
    summary: nobody in the decision maker or economic buyer row is a gap."""
    counts: dict[tuple[str, str], int] = {}
    for person in people:
        if person.status != StakeholderStatus.ACTIVE:
            continue
        key = (person.buying_role or "", person.level or "")
        counts[key] = counts.get(key, 0) + 1
    level_labels = {**dict(Level.choices), "": _("Not known")}
    role_labels = {**dict(BuyingRole.choices), "": _("Role not known")}
    levels = [lv for lv in [*Level.values, ""] if lv or any(k[1] == "" for k in counts)]
    roles = [r for r in [*BuyingRole.values, ""] if r or any(k[0] == "" for k in counts)]
    rows: list[dict[str, Any]] = []
    for role in roles:
        cells = [counts.get((role, level), 0) for level in levels]
        rows.append(
            {
                "role": role,
                "label": role_labels[role],
                "key": role in KEY_ROLE_VALUES,
                "cells": cells,
                "total": sum(cells),
                "gap": role in KEY_ROLE_VALUES and not sum(cells),
            }
        )
    return {
        "levels": [
            {
                "value": level,
                "label": level_labels[level],
                "total": sum(counts.get((role, level), 0) for role in roles),
            }
            for level in levels
        ],
        "rows": rows,
        "total": sum(counts.values()),
    }


def stakeholder_counts_by_account(*, account_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Stakeholder.objects.filter(account_id__in=list(account_ids), status="active")
        .values("account_id")
        .annotate(n=Count("id"))
    )
    return {row["account_id"]: row["n"] for row in rows}


def account_group_ids(*, account_id: int) -> set[int]:
    """Every account of the hierarchy `account_id` belongs to: up to its top parent, then all
    descendants of that top. A few queries per level; client groups are a few levels deep."""
    top_id = account_id
    seen = {account_id}
    while True:
        parent_id = Account.objects.filter(pk=top_id).values_list("parent_id", flat=True).first()
        if parent_id is None or parent_id in seen:
            break
        seen.add(parent_id)
        top_id = parent_id
    group = {top_id}
    frontier = {top_id}
    while frontier:
        children = set(Account.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - group
        group |= frontier
    return group


def group_people(*, account: Account, exclude_id: int | None = None) -> QuerySet[Stakeholder]:
    """People a stakeholder of `account` may report to: everyone in the client's hierarchy."""
    qs = Stakeholder.objects.filter(
        account_id__in=account_group_ids(account_id=account.pk)
    ).select_related("account")
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("last_name", "first_name", "id")


def group_accounts(*, user: Any, account: Account) -> QuerySet[Account]:
    """Other accounts of the same hierarchy that `user` may see (for "also sits in")."""
    return (
        accounts_visible_to(user)
        .filter(pk__in=account_group_ids(account_id=account.pk))
        .exclude(pk=account.pk)
        .order_by("name")
    )
