# ruff: noqa: S608 -- the SQL here is assembled from model table names and fixed fragments;
# every value that comes from a request is a query parameter.
"""One account's revenue for its dossier: month by month, and per ERP customer id.

The same building blocks as the portfolio (selectors_analytics): rows restricted to the
account's customer ids through the rollup's key, converted at each day's rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openkam.revenue.analytics_sql import (
    Conversion,
    DateRange,
    _bucket_sql,
    _day,
    _dec,
    _fetch,
    _fx_cte,
    _p,
    _rows_cte,
    _scope_sql,
    _tables,
    _with,
)


@dataclass
class MonthRevenue:
    month: int  # year*12 + month-1
    revenue: Decimal
    documents: int


def revenue_account_months(
    *, conversion: Conversion, account_id: int, period: DateRange
) -> list[MonthRevenue]:
    """Net revenue and documents per month of `period` for one account's customer ids."""
    rows_sql, rows_params = _rows_cte(
        conversion, start=period.start, end=period.end, scope=_scope_sql(account_id=account_id)
    )
    bucket = _bucket_sql(1)
    sql = (
        _with(_fx_cte(conversion), rows_sql)
        + f"SELECT {bucket}, SUM(converted), SUM(documents) FROM conv"
        + f" GROUP BY {bucket} ORDER BY {bucket}"
    )
    return [
        MonthRevenue(month=int(m), revenue=_dec(r), documents=int(n or 0))
        for m, r, n in _fetch(sql, rows_params)
    ]


@dataclass
class CustomerRevenue:
    customer_id: int
    source: str
    code: str
    name: str
    country: str
    revenue: Decimal  # in `period`
    first_purchase: date | None  # all history
    last_purchase: date | None


def revenue_account_customers(
    *, conversion: Conversion, account_id: int, period: DateRange
) -> list[CustomerRevenue]:
    """The ERP customer ids linked to an account with their revenue in `period` and their
    first and last purchase, largest first. One query (ids without revenue included)."""
    t = _tables()
    rows_sql, rows_params = _rows_cte(
        conversion, start=None, end=period.end, scope=_scope_sql(account_id=account_id)
    )
    per_customer = (
        "pc AS (SELECT customer_id"
        ", SUM(CASE WHEN day >= %s AND day <= %s THEN converted END) AS revenue"
        ", MIN(CASE WHEN amount > 0 THEN day END) AS first_purchase"
        ", MAX(CASE WHEN amount > 0 THEN day END) AS last_purchase"
        " FROM conv GROUP BY customer_id)"
    )
    sql = (
        _with(_fx_cte(conversion), rows_sql, per_customer)
        + "SELECT c.id, c.source, c.code, c.name, c.country"
        + ", pc.revenue, pc.first_purchase, pc.last_purchase"
        + f" FROM {t['customer']} c LEFT JOIN pc ON pc.customer_id = c.id"
        + " WHERE c.account_id = %s"
    )
    params = [*rows_params, _p(period.start), _p(period.end), account_id]
    rows = [
        CustomerRevenue(
            customer_id=row[0],
            source=row[1],
            code=row[2],
            name=row[3],
            country=row[4],
            revenue=_dec(row[5]),
            first_purchase=_day(row[6]),
            last_purchase=_day(row[7]),
        )
        for row in _fetch(sql, params)
    ]
    rows.sort(key=lambda c: (-c.revenue, c.source, c.code))
    return rows
