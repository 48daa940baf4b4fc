"""Reads of ERP customer ids and their revenue, for linking them to accounts.

Linking decides which account company-wide revenue belongs to, so it is the head's work:
the customer-id pages and endpoints are the head's only. KAMs read their accounts' revenue
through the portfolio analytics, which start from accounts_visible_to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from openkam.core.errors import ForbiddenError
from openkam.revenue.models import Customer, DailyRevenue
from openkam.users.models import Role


def customers_can_link(*, user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.HEAD
    )


def customers_require(*, user: Any) -> None:
    if not customers_can_link(user=user):
        raise ForbiddenError(_("Only the head of key accounts links customer ids to accounts."))


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    source: str = ""
    status: str = "unmatched"  # unmatched | matched | all


def customer_revenue_rows(*, filters: CustomerFilters) -> QuerySet[Any, Any]:
    """One row per customer id and currency, with net revenue, lines, documents and the
    first and last day of purchase; largest revenue first. One query, whatever the size."""
    qs = DailyRevenue.objects.filter(customer__isnull=False)
    if filters.status == "unmatched":
        qs = qs.filter(customer__account__isnull=True)
    elif filters.status == "matched":
        qs = qs.filter(customer__account__isnull=False)
    if filters.source:
        qs = qs.filter(customer__source=filters.source)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(customer__code__icontains=term)
            | Q(customer__name__icontains=term)
            | Q(customer__country__icontains=term)
        )
    return (
        qs.values(
            "customer_id",
            "customer__code",
            "customer__name",
            "customer__source",
            "customer__country",
            "customer__account_id",
            "customer__account__name",
            "currency",
        )
        .annotate(
            revenue=Sum("amount"),
            lines_total=Sum("lines"),
            documents_total=Sum("documents"),
            first_date=Min("date"),
            last_date=Max("date"),
        )
        .order_by("-revenue", "customer__code", "currency")
    )


def revenue_totals() -> dict[str, dict[str, Decimal]]:
    """Net revenue per currency: all, of customer ids without account, and of no customer."""
    totals: dict[str, dict[str, Decimal]] = {"all": {}, "unassigned": {}, "no_customer": {}}
    rows = DailyRevenue.objects.values("currency").annotate(
        total=Sum("amount"),
        unassigned=Sum("amount", filter=Q(customer__isnull=False, customer__account__isnull=True)),
        no_customer=Sum("amount", filter=Q(customer__isnull=True)),
    )
    for values in rows:
        row: dict[str, Any] = dict(values)
        for key, field in (
            ("all", "total"),
            ("unassigned", "unassigned"),
            ("no_customer", "no_customer"),
        ):
            if row[field] is not None:
                totals[key][row["currency"]] = row[field]
    return totals


def customer_sources() -> list[str]:
    return list(Customer.objects.order_by("source").values_list("source", flat=True).distinct())


def customers_unmatched_by_revenue(
    *, min_revenue: Decimal | None = None, source: str = ""
) -> list[tuple[Customer, str, Decimal]]:
    """Customer ids without account, with their main currency and its net revenue, largest
    first; with `min_revenue`, those whose revenue in some currency reaches it."""
    rows = customer_revenue_rows(filters=CustomerFilters(source=source, status="unmatched"))
    best: dict[int, tuple[str, Decimal]] = {}
    for row in rows:
        revenue = row["revenue"] or Decimal(0)
        current = best.get(row["customer_id"])
        if current is None or revenue > current[1]:
            best[row["customer_id"]] = (row["currency"], revenue)
    if min_revenue is not None:
        best = {cid: value for cid, value in best.items() if value[1] >= min_revenue}
    customers = Customer.objects.in_bulk(list(best))
    ordered = sorted(best.items(), key=lambda item: (-item[1][1], customers[item[0]].code))
    return [(customers[cid], currency, revenue) for cid, (currency, revenue) in ordered]


def customers_of_account(*, account_id: int) -> QuerySet[Customer]:
    return Customer.objects.filter(account_id=account_id).order_by("source", "code")
