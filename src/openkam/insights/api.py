"""Portfolio analytics over the API. Thin: the filters are checked by `filters.py`, the figures
come from the selectors and are written by `export.py` (the same JSON as
`kam report portfolio --format json`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema, Status

from openkam.core.errors import ForbiddenError
from openkam.currency.rates import MissingRateError
from openkam.insights.export import amount, fraction, portfolio_as_dict, rates_as_dicts
from openkam.insights.filters import portfolio_filters
from openkam.insights.periods import default_period
from openkam.insights.selectors import portfolio_analyse, portfolio_can_view
from openkam.insights.selectors_account import account_revenue

router = Router(tags=["analytics"])

Amount = str
Fraction = str


class ErrorItemOut(Schema):
    field: str
    reason: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItemOut] = []


class PortfolioQuery(Schema):
    date_from: date | None = Field(
        None, alias="from", description="First day (YYYY-MM-DD); default: 12 full months ago."
    )
    date_to: date | None = Field(None, alias="to", description="Last day, included.")
    tier: list[str] = Field([], description="Only accounts of these tiers (repeat the parameter).")
    owner_id: list[int] = Field([], description="Only accounts of these KAMs.")
    country: list[str] = Field([], description="Only accounts in these countries (ISO codes).")
    account_id: list[int] = Field([], description="Only these accounts.")
    currency: str = Field("", description="Reporting currency; default KAM_REPORTING_CURRENCY.")
    abc_a: int | None = Field(None, description="Class A up to this cumulative % (default 80).")
    abc_b: int | None = Field(None, description="Class B up to this cumulative % (default 95).")

    model_config = {"populate_by_name": True}


class RangeOut(Schema):
    from_: date = Field(..., alias="from")
    to: date
    days: int

    model_config = {"populate_by_name": True}


class RateOut(Schema):
    rate: str
    effective_date: date | None
    source: str
    description: str


class RatesOut(Schema):
    currency: str
    target: str
    from_: date = Field(..., alias="from")
    to: date
    days: int = Field(..., description="Days with revenue converted at this currency's rates.")
    min_rate: str
    max_rate: str
    first_rate: RateOut
    last_rate: RateOut
    sources: list[str]

    model_config = {"populate_by_name": True}


class FiltersOut(Schema):
    tiers: list[str]
    owner_ids: list[int]
    countries: list[str]
    account_ids: list[int]


class UnassignedOut(Schema):
    unmatched_customers_revenue: Amount
    no_customer_revenue: Amount
    unmatched_customers: int


class AbcOut(Schema):
    accounts: int
    revenue: Amount


class TierOut(Schema):
    tier: str
    accounts: int
    revenue: Amount
    previous_revenue: Amount | None
    share: Fraction | None
    growth: Fraction | None


class SeriesOut(Schema):
    start: date
    months: int
    total_revenue: Amount
    hhi: Amount | None
    top1_share: Fraction | None
    top5_share: Fraction | None
    top10_share: Fraction | None
    key_account_share: Fraction | None
    active_accounts: int


class AccountRowOut(Schema):
    id: int
    name: str
    tier: str
    owner_id: int
    owner: str
    country: str
    rank: int
    revenue: Amount
    share: Fraction | None
    cumulative_share: Fraction | None
    abc_class: str
    previous_revenue: Amount | None
    growth: Fraction | None
    rolling_12_months_revenue: Amount | None
    growth_12_months: Fraction | None
    orders: int
    lines: int
    purchase_days: int
    orders_per_month: Amount | None
    first_purchase: date | None
    last_purchase: date | None
    recency_days: int | None


class PortfolioOut(Schema):
    """Amounts are decimal strings with two places in `currency`; shares and growth are
    fractions as decimal strings (0.375000 is 37.5 %)."""

    currency: str
    scope: str = Field(..., description="company (head), selection (filtered) or portfolio (KAM).")
    shares_of: str
    period: RangeOut
    previous_period: RangeOut
    rolling_12_months: RangeOut
    rolling_12_months_previous: RangeOut
    filters: FiltersOut
    total_revenue: Amount = Field(..., description="The base of every share.")
    accounts_revenue: Amount
    unassigned_revenue: Amount | None = Field(
        ..., description="Revenue with no account; null for everyone but the head."
    )
    unassigned: UnassignedOut | None
    scope_revenue: Amount | None
    selection_share: Fraction | None
    previous_revenue: Amount | None
    growth: Fraction | None
    rolling_12_months_revenue: Amount | None
    rolling_12_months_previous_revenue: Amount | None
    growth_12_months: Fraction | None
    hhi: Amount | None
    hhi_accounts: int
    equivalent_accounts: Amount | None
    top1_share: Fraction | None
    top5_share: Fraction | None
    top10_share: Fraction | None
    key_account_revenue: Amount
    key_account_share: Fraction | None
    key_account_status: str = Field(
        ..., description="low, typical, high, alarm; none if not company."
    )
    key_account_band: dict[str, Fraction | None]
    abc_thresholds: dict[str, Fraction | None]
    abc: dict[str, AbcOut]
    tiers: list[TierOut]
    series: list[SeriesOut]
    rates: list[RatesOut]
    warnings: list[str]
    accounts: list[AccountRowOut]


def _refuse_unless_viewer(request: HttpRequest) -> None:
    if not portfolio_can_view(user=request.user):
        raise ForbiddenError("The portfolio analysis is for the head of key accounts and KAMs.")


@router.get(
    "/analytics/portfolio",
    response={200: PortfolioOut, 422: ErrorOut},
    by_alias=True,
    summary="Portfolio analytics: shares, ABC classes, concentration and growth",
)
def portfolio(request: HttpRequest, params: Query[PortfolioQuery]) -> Any:
    _refuse_unless_viewer(request)
    period = default_period()
    filters = portfolio_filters(
        date_from=params.date_from or period.start,
        date_to=params.date_to or period.end,
        tiers=params.tier,
        owner_ids=params.owner_id,
        countries=params.country,
        account_ids=params.account_id,
        currency=params.currency,
        abc_a=params.abc_a,
        abc_b=params.abc_b,
    )
    try:
        result = portfolio_analyse(user=request.user, filters=filters)
    except MissingRateError as exc:
        return Status(
            422, {"detail": str(exc), "errors": [{"field": "currency", "reason": str(exc)}]}
        )
    # The dict is built to the schema above by export.py (and tested); validating thousands of
    # account rows again would double the answer's time for a large portfolio.
    return JsonResponse(portfolio_as_dict(result))


class MonthOut(Schema):
    start: date
    revenue: Amount | None = Field(..., description="Null when a day of it has no rate.")


class CustomerOut(Schema):
    id: int
    source: str
    code: str
    name: str
    revenue_12_months: Amount
    first_purchase: date | None
    last_purchase: date | None


class AccountRevenueOut(Schema):
    account_id: int
    currency: str
    months: list[MonthOut]
    rolling_12_months: RangeOut
    revenue_12_months: Amount | None
    revenue_previous_12_months: Amount | None
    growth_12_months: Fraction | None
    revenue_year_to_date: Amount | None
    orders_12_months: int
    first_purchase: date | None
    last_purchase: date | None
    days_since_last_purchase: int | None
    customers: list[CustomerOut]
    rates: list[RatesOut]
    warnings: list[str]


@router.get(
    "/analytics/accounts/{account_id}/revenue",
    response=AccountRevenueOut,
    by_alias=True,
    summary="An account's revenue: 24 months, rolling 12 months, ERP customer ids",
)
def account_revenue_read(request: HttpRequest, account_id: int) -> dict[str, Any]:
    r = account_revenue(user=request.user, account_id=account_id)
    return {
        "account_id": r.account.pk,
        "currency": r.currency,
        "months": [{"start": start, "revenue": amount(value)} for start, value in r.months],
        "rolling_12_months": {"from": r.last_12.start, "to": r.last_12.end, "days": r.last_12.days},
        "revenue_12_months": amount(r.revenue_12m),
        "revenue_previous_12_months": amount(r.revenue_previous_12m),
        "growth_12_months": fraction(r.growth_12m),
        "revenue_year_to_date": amount(r.revenue_ytd),
        "orders_12_months": r.orders_12m,
        "first_purchase": r.first_purchase,
        "last_purchase": r.last_purchase,
        "days_since_last_purchase": r.days_since_last_purchase,
        "customers": [
            {
                "id": c.customer_id,
                "source": c.source,
                "code": c.code,
                "name": c.name,
                "revenue_12_months": amount(c.revenue),
                "first_purchase": c.first_purchase,
                "last_purchase": c.last_purchase,
            }
            for c in r.customers
        ],
        "rates": rates_as_dicts(r.rates),
        "warnings": [str(r.error)] if r.error else [],
    }
