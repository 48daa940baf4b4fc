"""The portfolio analysis: revenue per account with shares, ranks, ABC classes, concentration,
growth and purchase history, for a period and a selection of accounts.

Who sees what, and what a share is a share of (the *base*):
- The head of key accounts, with no account filter, analyses the company: the base is all
  revenue of the period, including revenue with no account (unmatched customer ids and lines
  without a customer id, reported apart as "unassigned"), so every share is a share of the
  company's total revenue.
- With filters (tier, owner, country, a list of accounts) the base is the revenue of the
  selected accounts; the head also sees the company total and the selection's share of it.
- A key account manager (or a specialist) sees only the accounts visible to them. Their base is
  the revenue of those accounts (or of the selected ones among them): shares are shares of
  their portfolio. The company's total and the unassigned revenue are never shown to them,
  because they would reveal the revenue of accounts they may not see.
The key-accounts share is judged against the typical band and the mono-dependency alarm only
for the company (the thresholds describe a supplier's dependency); for a selection or a
portfolio it is shown as a plain share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from openkam.accounts.models import Account, Tier
from openkam.accounts.selectors import accounts_visible_to
from openkam.currency.rates import MissingRateError
from openkam.insights import metrics
from openkam.insights.periods import month_start, previous_period, rolling_12_months, today
from openkam.revenue.selectors_analytics import (
    CurrencyRates,
    DateRange,
    revenue_by_account,
    revenue_concentration_by_bucket,
    revenue_conversion,
)
from openkam.users.models import Role

SCOPE_COMPANY, SCOPE_SELECTION, SCOPE_PORTFOLIO = "company", "selection", "portfolio"
DAYS_PER_MONTH = Decimal("30.4375")


@dataclass(frozen=True)
class PortfolioFilters:
    date_from: date
    date_to: date
    tiers: tuple[str, ...] = ()
    owner_ids: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    account_ids: tuple[int, ...] = ()
    currency: str = ""  # empty: settings.KAM_REPORTING_CURRENCY
    abc_a: int | None = None  # percent; empty: settings.KAM_ABC_A_PERCENT
    abc_b: int | None = None

    @property
    def narrows(self) -> bool:
        return bool(self.tiers or self.owner_ids or self.countries or self.account_ids)

    @property
    def period(self) -> DateRange:
        return DateRange(self.date_from, self.date_to)


@dataclass(slots=True)
class PortfolioRow:
    account_id: int
    name: str
    tier: str
    owner_id: int
    owner_name: str
    country: str
    revenue: Decimal
    previous_revenue: Decimal | None
    rolling_12m: Decimal | None
    rolling_12m_previous: Decimal | None
    documents: int  # orders, credit notes and cancellations
    orders: int  # the documents that sell
    lines: int
    purchase_days: int
    first_purchase: date | None
    last_purchase: date | None
    rank: int = 0
    share: Decimal | None = None
    cumulative_share: Decimal | None = None
    abc_class: str = "C"
    growth: Decimal | None = None
    growth_12m: Decimal | None = None
    recency_days: int | None = None
    orders_per_month: Decimal | None = None

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label) if self.tier in Tier.values else self.tier

    @property
    def is_new(self) -> bool:
        """Revenue now, none in the previous period."""
        return self.previous_revenue is not None and self.previous_revenue == 0 and self.revenue > 0


@dataclass
class TierSummary:
    tier: str
    label: str
    accounts: int
    revenue: Decimal
    previous_revenue: Decimal | None
    share: Decimal | None
    growth: Decimal | None


@dataclass
class SeriesPoint:
    start: date
    months: int  # 1 (month) or 3 (quarter)
    total: Decimal
    hhi: Decimal | None
    top1_share: Decimal | None
    top5_share: Decimal | None
    top10_share: Decimal | None
    key_share: Decimal | None
    active_accounts: int


@dataclass
class Portfolio:
    filters: PortfolioFilters
    scope: str
    currency: str
    period: DateRange
    previous: DateRange
    rolling_12m: DateRange
    rolling_12m_previous: DateRange
    total_revenue: Decimal
    accounts_revenue: Decimal
    unassigned_revenue: Decimal | None
    unassigned_unmatched: Decimal | None
    unassigned_no_customer: Decimal | None
    unmatched_customers: int | None
    scope_revenue: Decimal | None  # company (head) or portfolio (others) when filtered
    selection_share: Decimal | None
    previous_total: Decimal | None
    growth: Decimal | None
    rolling_12m_total: Decimal | None
    rolling_12m_previous_total: Decimal | None
    growth_12m: Decimal | None
    rows: list[PortfolioRow]
    hhi: Decimal | None
    hhi_accounts: int
    top1_share: Decimal | None
    top5_share: Decimal | None
    top10_share: Decimal | None
    key_revenue: Decimal
    key_account_share: Decimal | None
    key_status: str  # low / typical / high / alarm / none; "none" outside the company scope
    abc_a: int
    abc_b: int
    abc: dict[str, tuple[int, Decimal]]  # class -> (accounts, revenue)
    tiers: list[TierSummary]
    series: list[SeriesPoint]
    rates: list[CurrencyRates]
    warnings: list[str] = field(default_factory=list)

    @property
    def equivalent_accounts(self) -> Decimal | None:
        """As concentrated as this many equal-sized accounts (10,000 / HHI)."""
        return metrics.TEN_THOUSAND / self.hhi if self.hhi else None

    @property
    def band(self) -> dict[str, int]:
        return {
            "low": settings.KAM_KEY_SHARE_LOW_PERCENT,
            "high": settings.KAM_KEY_SHARE_HIGH_PERCENT,
            "alarm": settings.KAM_KEY_SHARE_ALARM_PERCENT,
        }

    @property
    def active_accounts(self) -> int:
        return sum(1 for r in self.rows if r.revenue > 0)


def portfolio_can_view(*, user: Any) -> bool:
    """The portfolio analysis is for the head and the key account managers."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (Role.HEAD, Role.KAM)


def _selection(user: Any, filters: PortfolioFilters) -> QuerySet[Account]:
    qs = accounts_visible_to(user)
    if filters.tiers:
        qs = qs.filter(tier__in=filters.tiers)
    if filters.owner_ids:
        qs = qs.filter(owner_id__in=filters.owner_ids)
    if filters.countries:
        qs = qs.filter(country__in=filters.countries)
    if filters.account_ids:
        qs = qs.filter(pk__in=filters.account_ids)
    return qs


def _owner_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def portfolio_analyse(*, user: Any, filters: PortfolioFilters) -> Portfolio:
    """The whole analysis in six queries whatever the data size: the selected accounts, the
    foreign (currency, day) pairs, the rates, revenue per account (all periods in one scan),
    and concentration per month or quarter.

    Raises MissingRateError when a day of the period has revenue in a currency with no rate.
    """
    is_head = user.role == Role.HEAD
    currency = (filters.currency or settings.KAM_REPORTING_CURRENCY).upper()
    abc_a = filters.abc_a or settings.KAM_ABC_A_PERCENT
    abc_b = filters.abc_b or settings.KAM_ABC_B_PERCENT
    period = filters.period
    previous = previous_period(period)
    r12 = rolling_12_months(period.end)
    r12_previous = previous_period(DateRange(r12.start, r12.end))
    ranges = [period, previous, r12, r12_previous]
    span = DateRange(min(r.start for r in ranges), period.end)

    if is_head:
        scope = SCOPE_SELECTION if filters.narrows else SCOPE_COMPANY
        scope_accounts: QuerySet[Account] | None = None
    else:
        scope = SCOPE_SELECTION if filters.narrows else SCOPE_PORTFOLIO
        scope_accounts = accounts_visible_to(user)
    selection = _selection(user, filters)

    accounts = list(
        selection.order_by().values_list(
            "id", "name", "tier", "country", "owner_id",
            "owner__first_name", "owner__last_name", "owner__username",
        )
    )  # fmt: skip
    conversion = revenue_conversion(target=currency, span=span, accounts=scope_accounts)
    conversion.require(period)
    comparable = [conversion.error_in(r) is None for r in ranges]
    warnings = [str(error) for r in ranges[1:] if (error := conversion.error_in(r)) is not None]
    figures = revenue_by_account(
        conversion=conversion, ranges=ranges, upto=period.end, accounts=scope_accounts
    )
    series_accounts = None if scope == SCOPE_COMPANY else selection
    months_per_bucket = 1 if period.days <= 732 else 3
    buckets = revenue_concentration_by_bucket(
        conversion=conversion,
        period=period,
        months_per_bucket=months_per_bucket,
        accounts=series_accounts,
    )

    def usable(values: list[Decimal], index: int) -> Decimal | None:
        return values[index] if comparable[index] else None

    by_account = {f.account_id: f for f in figures if f.account_id is not None}
    zero = [Decimal(0)] * len(ranges)
    rows: list[PortfolioRow] = []
    for pk, name, tier, country, owner_id, first, last, username in accounts:
        f = by_account.get(pk)
        values = f.revenue if f else zero
        rows.append(
            PortfolioRow(
                account_id=pk,
                name=name,
                tier=tier,
                owner_id=owner_id,
                owner_name=_owner_name(first, last, username),
                country=str(country or ""),
                revenue=values[0],
                previous_revenue=usable(values, 1),
                rolling_12m=usable(values, 2),
                rolling_12m_previous=usable(values, 3),
                documents=f.documents if f else 0,
                orders=f.orders if f else 0,
                lines=f.lines if f else 0,
                purchase_days=f.purchase_days if f else 0,
                first_purchase=f.first_purchase if f else None,
                last_purchase=f.last_purchase if f else None,
            )
        )

    unassigned = [f for f in figures if f.account_id is None]
    company = [sum((f.revenue[i] for f in figures), Decimal(0)) for i in range(len(ranges))]
    selected = [Decimal(0)] * len(ranges)
    for row in rows:
        if (f := by_account.get(row.account_id)) is not None:
            selected = [a + b for a, b in zip(selected, f.revenue, strict=True)]
    base = company if scope == SCOPE_COMPANY else selected
    total = base[0]
    reference = min(period.end, today())
    months = Decimal(period.days) / DAYS_PER_MONTH

    # Largest first; equal revenue by name (two stable sorts: cheaper keys than one tuple).
    rows.sort(key=lambda r: (r.name.casefold(), r.account_id))
    rows.sort(key=lambda r: r.revenue, reverse=True)
    classes = metrics.abc_classes([r.revenue for r in rows], total, abc_a, abc_b)
    for rank, (row, (cumulative, klass)) in enumerate(zip(rows, classes, strict=True), start=1):
        row.rank = rank
        row.share = metrics.share(row.revenue, total)
        row.cumulative_share = cumulative
        row.abc_class = klass
        if row.previous_revenue is not None:
            row.growth = metrics.growth(row.revenue, row.previous_revenue)
        if row.rolling_12m is not None and row.rolling_12m_previous is not None:
            row.growth_12m = metrics.growth(row.rolling_12m, row.rolling_12m_previous)
        if row.last_purchase is not None:
            row.recency_days = (reference - row.last_purchase).days
        row.orders_per_month = Decimal(row.orders) / months

    revenues = [r.revenue for r in rows]
    # One pass for the sums by class and by tier.
    abc_count = dict.fromkeys("ABC", 0)
    abc_sum = dict.fromkeys("ABC", Decimal(0))
    tier_count = dict.fromkeys(Tier.values, 0)
    tier_sum = dict.fromkeys(Tier.values, Decimal(0))
    tier_previous = dict.fromkeys(Tier.values, Decimal(0))
    for row in rows:
        abc_count[row.abc_class] += 1
        abc_sum[row.abc_class] += row.revenue
        if row.tier in tier_count:
            tier_count[row.tier] += 1
            tier_sum[row.tier] += row.revenue
            tier_previous[row.tier] += row.previous_revenue or 0
    key_revenue = tier_sum[Tier.KEY.value]
    key_share = metrics.share(key_revenue, total)
    abc = {klass: (abc_count[klass], abc_sum[klass]) for klass in "ABC"}
    tiers = [
        TierSummary(
            tier=tier.value,
            label=str(tier.label),
            accounts=tier_count[tier.value],
            revenue=tier_sum[tier.value],
            previous_revenue=tier_previous[tier.value] if comparable[1] else None,
            share=metrics.share(tier_sum[tier.value], total),
            growth=(
                metrics.growth(tier_sum[tier.value], tier_previous[tier.value])
                if comparable[1]
                else None
            ),
        )
        for tier in Tier
    ]

    head_figure = (lambda value: value) if is_head else (lambda value: None)
    unmatched = [f for f in unassigned if not f.no_customer]
    no_customer = [f for f in unassigned if f.no_customer]
    scope_total = (
        company[0]
        if is_head
        else sum((f.revenue[0] for f in figures if f.account_id is not None), Decimal(0))
    )
    return Portfolio(
        filters=filters,
        scope=scope,
        currency=currency,
        period=period,
        previous=previous,
        rolling_12m=r12,
        rolling_12m_previous=r12_previous,
        total_revenue=total,
        accounts_revenue=sum(revenues, Decimal(0)),
        unassigned_revenue=head_figure(sum((f.revenue[0] for f in unassigned), Decimal(0))),
        unassigned_unmatched=head_figure(sum((f.revenue[0] for f in unmatched), Decimal(0))),
        unassigned_no_customer=head_figure(sum((f.revenue[0] for f in no_customer), Decimal(0))),
        unmatched_customers=head_figure(sum(f.customers for f in unmatched)),
        scope_revenue=scope_total if filters.narrows else None,
        selection_share=metrics.share(total, scope_total) if filters.narrows else None,
        previous_total=base[1] if comparable[1] else None,
        growth=metrics.growth(total, base[1]) if comparable[1] else None,
        rolling_12m_total=base[2] if comparable[2] else None,
        rolling_12m_previous_total=base[3] if comparable[3] else None,
        growth_12m=metrics.growth(base[2], base[3]) if comparable[2] and comparable[3] else None,
        rows=rows,
        hhi=metrics.hhi(revenues),
        hhi_accounts=sum(1 for r in revenues if r > 0),
        top1_share=metrics.top_share(revenues, 1, total),
        top5_share=metrics.top_share(revenues, 5, total),
        top10_share=metrics.top_share(revenues, 10, total),
        key_revenue=key_revenue,
        key_account_share=key_share,
        key_status=(
            metrics.key_share_status(
                key_share,
                settings.KAM_KEY_SHARE_LOW_PERCENT,
                settings.KAM_KEY_SHARE_HIGH_PERCENT,
                settings.KAM_KEY_SHARE_ALARM_PERCENT,
            )
            if scope == SCOPE_COMPANY
            else "none"
        ),
        abc_a=abc_a,
        abc_b=abc_b,
        abc=abc,
        tiers=tiers,
        series=[_series_point(b, months_per_bucket) for b in buckets],
        rates=conversion.used,
        warnings=warnings,
    )


def _series_point(bucket: Any, months: int) -> SeriesPoint:
    start = month_start(bucket.bucket * months)
    total = bucket.total
    return SeriesPoint(
        start=start,
        months=months,
        total=total,
        hhi=metrics.hhi_from_sums(bucket.positive, bucket.squares),
        top1_share=metrics.share(bucket.top1, total),
        top5_share=metrics.share(bucket.top5, total),
        top10_share=metrics.share(bucket.top10, total),
        key_share=metrics.share(bucket.key, total),
        active_accounts=bucket.active_accounts,
    )


__all__ = ["MissingRateError", "Portfolio", "PortfolioFilters", "portfolio_analyse"]
