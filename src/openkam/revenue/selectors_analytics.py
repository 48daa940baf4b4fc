# ruff: noqa: S608 -- the SQL here is assembled from model table names and fixed fragments;
# every value that comes from a request is a query parameter.
"""Aggregations of the daily revenue rollup for portfolio analytics.

Analytics read `DailyRevenue` (one row per customer id, day and currency), never the lines,
and aggregate in SQL, so that a portfolio of a million lines answers in a fixed, small number
of queries. Amounts are converted into the reporting currency at the rate in force on each
row's date: the rates of the (currency, day) pairs that occur are computed once in Python by
`openkam.currency.rates.RateBook` and joined in as a VALUES table, so the database multiplies
and sums. A (currency, day) with no rate is never converted 1:1: it is reported as a
`MissingRateError` naming the currency and the date.

`accounts` arguments restrict the rows to the customer ids linked to those accounts (a
queryset of accounts, e.g. `accounts_visible_to(user)` narrowed by filters). `None` means
the whole company, including revenue with no account: unmatched customer ids and lines
without a customer id ("unassigned").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from openkam.accounts.models import Account, Tier
from openkam.currency.rates import MissingRateError, RateBook
from openkam.revenue.analytics_sql import (
    _CURRENCY,
    Conversion,
    CurrencyRates,
    DateRange,
    _bucket_sql,
    _day,
    _dec,
    _fetch,
    _fx_cte,
    _p,
    _rows_cte,
    _scope_sql,
    _summaries,
    _tables,
    _vendor,
    _with,
)
from openkam.revenue.models import NO_CUSTOMER_KEY

# The period and rate types are part of what these selectors answer.
__all__ = [
    "AccountRevenue",
    "BucketConcentration",
    "Conversion",
    "CurrencyRates",
    "DateRange",
    "revenue_by_account",
    "revenue_concentration_by_bucket",
    "revenue_conversion",
]

# --- Conversion ----------------------------------------------------------------------------


def revenue_conversion(
    *,
    target: str,
    span: DateRange,
    accounts: QuerySet[Account] | None = None,
    account_id: int | None = None,
) -> Conversion:
    """The rates for every foreign (currency, day) with revenue in `span` within the scope.

    Two queries whatever the data size: the distinct (currency, day) pairs, and the rates.
    """
    scope, scope_params = _scope_sql(accounts, account_id)
    column = "d.date" if _vendor() == "postgresql" else "+d.date"  # see _rows_cte
    rows = _fetch(
        f"SELECT d.currency, d.date FROM {_tables()['daily']} d"
        f" WHERE {column} >= %s AND {column} <= %s AND d.currency <> %s{scope}"
        " GROUP BY d.currency, d.date",
        [_p(span.start), _p(span.end), target, *scope_params],
    )
    pairs = [(str(currency).upper(), _day(day)) for currency, day in rows]
    book = RateBook(target, {currency for currency, _day_ in pairs})
    conversion = Conversion(target=target, span=span)
    for currency, day in sorted(pairs, key=lambda p: (p[0], p[1])):
        assert day is not None
        if not _CURRENCY.match(currency):
            conversion.missing.append((currency, day))
            continue
        try:
            used = book.rate(currency, day)
        except MissingRateError:
            conversion.missing.append((currency, day))
            continue
        conversion.rates[(currency, day)] = used.rate
        conversion._used_by_key[(currency, day)] = used
    conversion.used = _summaries(target, conversion.rates, conversion._used_by_key)
    return conversion


# --- Per account ---------------------------------------------------------------------------


@dataclass(slots=True)
class AccountRevenue:
    """One account's figures (account_id None: revenue with no account; `no_customer` tells
    lines without a customer id from unmatched customer ids)."""

    account_id: int | None
    no_customer: bool
    revenue: list[Decimal]  # one per requested range, in the target currency
    documents: int  # in the first range (orders, credit notes and cancellations)
    orders: int  # documents that add up to a sale, in the first range
    lines: int  # in the first range
    purchase_days: int  # days with positive net revenue in the first range
    customers: int  # distinct customer ids with revenue in the first range
    first_purchase: date | None  # all history up to `upto`
    last_purchase: date | None


def revenue_by_account(
    *,
    conversion: Conversion,
    ranges: Sequence[DateRange],
    upto: date,
    accounts: QuerySet[Account] | None = None,
) -> list[AccountRevenue]:
    """Net revenue per account for each of `ranges` (the first is the period analysed; counts
    refer to it), with first and last purchase up to `upto`. One query: the rows of the
    ranges are summed per customer id first, then per account (a join on thousands of
    customer ids rather than on every row); the first and last day of each customer id
    come from the rollup's (customer, date) index without reading older rows, so that
    years of history cost nothing.

    First purchase is the first day with an invoice; last purchase the last day with a sale
    (positive net) in the ranges, or before them the last day with an invoice.

    Ranges whose days miss a rate still sum the days that have one: the caller checks
    `conversion.error_in(range)` and discards such a range's figures.
    """
    t = _tables()
    scope = _scope_sql(accounts)
    start = min(r.start for r in ranges)
    rows_sql, rows_params = _rows_cte(conversion, start=start, end=upto, scope=scope)
    first = ranges[0]
    in_first = "day >= %s AND day <= %s"
    first_params = [_p(first.start), _p(first.end)]
    # A range asked for twice is summed once (a year's period is also its rolling 12 months).
    distinct = list(dict.fromkeys(ranges))
    sums, params = [], []
    for r in distinct:
        sums.append("SUM(CASE WHEN day >= %s AND day <= %s THEN converted END)")
        params += [_p(r.start), _p(r.end)]
    column_of = [distinct.index(r) for r in ranges]
    n = len(distinct)
    per_customer = (
        "pc AS (SELECT customer_key, "
        + ", ".join(f"{expr} AS r{i}" for i, expr in enumerate(sums))
        + f", SUM(CASE WHEN {in_first} THEN documents ELSE 0 END) AS documents"
        + f", SUM(CASE WHEN {in_first} THEN orders ELSE 0 END) AS orders"
        + f", SUM(CASE WHEN {in_first} THEN lines ELSE 0 END) AS lines"
        # Rows are per customer, day and currency: rows with a sale are days with a sale
        # (unless one customer bought in two currencies on the same day).
        + f", COUNT(CASE WHEN {in_first} AND amount > 0 THEN 1 END) AS purchase_days"
        + f", MAX(CASE WHEN {in_first} THEN 1 ELSE 0 END) AS active"
        + ", MAX(CASE WHEN amount > 0 THEN day END) AS last_sale"
        + " FROM conv GROUP BY customer_key)"
    )
    params += first_params * 5
    scope_sql, scope_params = scope
    history = (
        "ph AS (SELECT d.customer_key AS customer_key, MIN(d.date) AS first_day,"
        f" MAX(d.date) AS last_day FROM {t['daily']} d WHERE d.date <= %s{scope_sql}"
        " GROUP BY d.customer_key)"
    )
    history_params = [_p(upto), *scope_params]
    no_customer = f"CASE WHEN ph.customer_key = {NO_CUSTOMER_KEY} THEN 1 ELSE 0 END"
    sql = (
        _with(_fx_cte(conversion), rows_sql, per_customer, history)
        + f"SELECT c.account_id, {no_customer}, "
        + ", ".join(f"SUM(pc.r{i})" for i in range(n))
        + ", SUM(pc.documents), SUM(pc.lines), SUM(pc.purchase_days), SUM(pc.active)"
        + ", MIN(ph.first_day), MAX(COALESCE(pc.last_sale, ph.last_day)), SUM(pc.orders)"
        + " FROM ph LEFT JOIN pc ON pc.customer_key = ph.customer_key"
        + f" LEFT JOIN {t['customer']} c ON c.id = ph.customer_key"
        + f" GROUP BY c.account_id, {no_customer}"
    )
    result = []
    for row in _fetch(sql, [*rows_params, *params, *history_params]):
        sums_row = [_dec(v) for v in row[2 : 2 + n]]
        result.append(
            AccountRevenue(
                account_id=row[0],
                no_customer=bool(row[1]),
                revenue=[sums_row[i] for i in column_of],
                documents=int(row[2 + n] or 0),
                lines=int(row[3 + n] or 0),
                purchase_days=int(row[4 + n] or 0),
                customers=int(row[5 + n] or 0),
                first_purchase=_day(row[6 + n]),
                last_purchase=_day(row[7 + n]),
                orders=int(row[8 + n] or 0),
            )
        )
    return result


# --- Concentration over time ---------------------------------------------------------------


@dataclass
class BucketConcentration:
    """One month (or quarter) of the period: totals and the inputs of its concentration."""

    bucket: int  # months since year 0 (year*12 + month-1), or quarters (year*4 + quarter-1)
    total: Decimal  # all revenue of the scope in the bucket (unassigned included if in scope)
    positive: Decimal  # sum over accounts with positive revenue in the bucket
    squares: Decimal  # sum of their squares (HHI = squares / positive^2 * 10,000)
    top1: Decimal
    top5: Decimal
    top10: Decimal
    key: Decimal  # revenue of key-tier accounts
    active_accounts: int


def revenue_concentration_by_bucket(
    *,
    conversion: Conversion,
    period: DateRange,
    months_per_bucket: int = 1,
    accounts: QuerySet[Account] | None = None,
) -> list[BucketConcentration]:
    """Per month (1) or quarter (3) of `period`: total, HHI inputs, top-1/5/10 and key-account
    revenue, ranked inside the bucket by a window function. One query."""
    assert months_per_bucket in (1, 3)
    t = _tables()
    rows_sql, rows_params = _rows_cte(
        conversion, start=period.start, end=period.end, scope=_scope_sql(accounts)
    )
    bucket = _bucket_sql(months_per_bucket)
    # The period's rows are few enough to find their account one by one (a key lookup).
    per_customer = ""
    per_account = (
        f"b AS (SELECT {bucket} AS bucket, c.account_id AS account_id,"
        " SUM(conv.converted) AS revenue"
        f" FROM conv LEFT JOIN {t['customer']} c ON c.id = conv.customer_id"
        f" GROUP BY {bucket}, c.account_id)"
    )
    ranked = (
        "r AS (SELECT bucket, account_id, revenue, ROW_NUMBER() OVER ("
        "PARTITION BY bucket, CASE WHEN account_id IS NULL THEN 1 ELSE 0 END"
        " ORDER BY revenue DESC) AS rn FROM b)"
    )
    assigned_positive = "r.account_id IS NOT NULL AND r.revenue > 0"
    sql = (
        _with(_fx_cte(conversion), rows_sql, per_customer, per_account, ranked)
        + "SELECT r.bucket, SUM(r.revenue)"
        + f", SUM(CASE WHEN {assigned_positive} THEN r.revenue ELSE 0 END)"
        + f", SUM(CASE WHEN {assigned_positive} THEN r.revenue * r.revenue ELSE 0 END)"
        + f", SUM(CASE WHEN {assigned_positive} AND r.rn <= 1 THEN r.revenue ELSE 0 END)"
        + f", SUM(CASE WHEN {assigned_positive} AND r.rn <= 5 THEN r.revenue ELSE 0 END)"
        + f", SUM(CASE WHEN {assigned_positive} AND r.rn <= 10 THEN r.revenue ELSE 0 END)"
        + ", SUM(CASE WHEN a.tier = %s THEN r.revenue ELSE 0 END)"
        + f", COUNT(CASE WHEN {assigned_positive} THEN 1 END)"
        + f" FROM r LEFT JOIN {t['account']} a ON a.id = r.account_id"
        + " GROUP BY r.bucket ORDER BY r.bucket"
    )
    params = [*rows_params, Tier.KEY.value]
    return [
        BucketConcentration(
            bucket=int(row[0]),
            total=_dec(row[1]),
            positive=_dec(row[2]),
            squares=_dec(row[3]),
            top1=_dec(row[4]),
            top5=_dec(row[5]),
            top10=_dec(row[6]),
            key=_dec(row[7]),
            active_accounts=int(row[8] or 0),
        )
        for row in _fetch(sql, params)
    ]
