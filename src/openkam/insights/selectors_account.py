"""One account's revenue for its dossier: 24 months month by month, the rolling 12 months
against the 12 before, the year to date, first and last purchase and its ERP customer ids.

Anyone who may see the account sees its revenue (the KAM, the head and the specialists on its
team): these are the account's own figures, with no share of anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_get
from openkam.currency.rates import MissingRateError
from openkam.insights import metrics
from openkam.insights.periods import month_end, month_start, previous_period, rolling_12_months
from openkam.insights.periods import today as local_today
from openkam.revenue.selectors_analytics import (
    CurrencyRates,
    DateRange,
    revenue_by_account,
    revenue_conversion,
)
from openkam.revenue.selectors_analytics_account import (
    CustomerRevenue,
    revenue_account_customers,
    revenue_account_months,
)

MONTHS = 24


@dataclass
class AccountRevenue:
    account: Account
    currency: str
    # 24 months, oldest first, the current month last; None: a day of it has no rate.
    months: list[tuple[date, Decimal | None]]
    last_12: DateRange
    previous_12: DateRange
    year_to_date: DateRange
    revenue_12m: Decimal | None
    revenue_previous_12m: Decimal | None
    growth_12m: Decimal | None
    revenue_ytd: Decimal | None
    orders_12m: int
    first_purchase: date | None
    last_purchase: date | None
    days_since_last_purchase: int | None
    customers: list[CustomerRevenue]
    rates: list[CurrencyRates]
    error: MissingRateError | None = None

    @property
    def has_revenue(self) -> bool:
        return self.first_purchase is not None or any(v for _m, v in self.months)


def account_revenue(*, user: Any, account_id: int, on: date | None = None) -> AccountRevenue:
    """Six queries: the account (404 when not visible), the foreign (currency, day) pairs,
    the rates, the months, the rolling totals and the customer ids."""
    account = account_get(user=user, account_id=account_id)
    day = on or local_today()
    currency = settings.KAM_REPORTING_CURRENCY
    current = day.year * 12 + day.month - 1
    chart = DateRange(month_start(current - MONTHS + 1), month_end(day))
    last_12 = rolling_12_months(day)
    previous_12 = previous_period(last_12)
    ytd = DateRange(day.replace(month=1, day=1), day)
    span = DateRange(min(chart.start, previous_12.start), chart.end)
    conversion = revenue_conversion(target=currency, span=span, account_id=account.pk)
    error = conversion.error_in(span)
    ranges = [last_12, previous_12, ytd]
    figures = revenue_by_account(
        conversion=conversion,
        ranges=ranges,
        upto=day,
        accounts=Account.objects.filter(pk=account.pk),
    )
    mine = next((f for f in figures if f.account_id == account.pk), None)
    by_month = {
        m.month: m.revenue
        for m in revenue_account_months(conversion=conversion, account_id=account.pk, period=chart)
    }
    customers = revenue_account_customers(
        conversion=conversion, account_id=account.pk, period=last_12
    )

    def usable(index: int) -> Decimal | None:
        if mine is None:
            return Decimal(0)
        return None if conversion.error_in(ranges[index]) else mine.revenue[index]

    r12, r12_previous, revenue_ytd = usable(0), usable(1), usable(2)
    last_purchase = mine.last_purchase if mine else None
    return AccountRevenue(
        account=account,
        currency=currency,
        months=[
            (
                month_start(index),
                None
                if conversion.error_in(DateRange(month_start(index), month_end(month_start(index))))
                else by_month.get(index, Decimal(0)),
            )
            for index in range(current - MONTHS + 1, current + 1)
        ],
        last_12=last_12,
        previous_12=previous_12,
        year_to_date=ytd,
        revenue_12m=r12,
        revenue_previous_12m=r12_previous,
        growth_12m=(
            metrics.growth(r12, r12_previous)
            if r12 is not None and r12_previous is not None
            else None
        ),
        revenue_ytd=revenue_ytd,
        orders_12m=mine.orders if mine else 0,
        first_purchase=mine.first_purchase if mine else None,
        last_purchase=last_purchase,
        days_since_last_purchase=(day - last_purchase).days if last_purchase else None,
        customers=customers,
        rates=conversion.used,
        error=error,
    )
