# ruff: noqa: S608 -- the SQL here is assembled from model table names and fixed fragments;
# every value that comes from a request is a query parameter.
"""Building blocks of the revenue analytics: periods, the currency conversion of a request
(the day rates joined in as a table), and the SQL fragments the selectors assemble (scope of
accounts, converted rows, buckets of months). The selectors are in selectors_analytics."""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from openkam.accounts.models import Account
from openkam.currency.rates import MissingRateError, RateUsed
from openkam.revenue.models import Customer, DailyRevenue

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TOKENS = itertools.count(1)
_RATE_PLACES = Decimal("1e-12")


@dataclass(frozen=True)
class DateRange:
    """Inclusive on both ends."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class CurrencyRates:
    """Which rates converted one currency: the span of days, the lowest and highest rate,
    the first and the last rate applied and where the rates came from."""

    currency: str
    target: str
    first_day: date
    last_day: date
    days: int
    min_rate: Decimal
    max_rate: Decimal
    first: RateUsed
    last: RateUsed
    sources: list[str]


@dataclass
class Conversion:
    """The rate of every foreign (currency, day) that has revenue in a span of days."""

    target: str
    span: DateRange | None = None
    token: int = field(default_factory=lambda: next(_TOKENS))
    rates: dict[tuple[str, date], Decimal] = field(default_factory=dict)
    missing: list[tuple[str, date]] = field(default_factory=list)
    used: list[CurrencyRates] = field(default_factory=list)

    def error_in(self, period: DateRange) -> MissingRateError | None:
        """The first missing rate inside `period` (by date, then currency), if any."""
        inside = sorted(
            (day, currency) for currency, day in self.missing if period.start <= day <= period.end
        )
        if not inside:
            return None
        day, currency = inside[0]
        return MissingRateError(currency, self.target, day)

    def require(self, period: DateRange) -> None:
        if (error := self.error_in(period)) is not None:
            raise error

    def used_in(self, period: DateRange) -> list[CurrencyRates]:
        """The rates applied to days inside `period`, one summary per currency."""
        return _summaries(
            self.target,
            [(c, d) for (c, d) in self.rates if period.start <= d <= period.end],
            self._used_by_key,
        )

    _used_by_key: dict[tuple[str, date], RateUsed] = field(default_factory=dict, repr=False)


def _summaries(
    target: str, keys: Iterable[tuple[str, date]], used: dict[tuple[str, date], RateUsed]
) -> list[CurrencyRates]:
    by_currency: dict[str, list[date]] = defaultdict(list)
    for currency, day in keys:
        by_currency[currency].append(day)
    result = []
    for currency in sorted(by_currency):
        days = sorted(by_currency[currency])
        applied = [used[(currency, d)] for d in days]
        rates = [u.rate for u in applied]
        result.append(
            CurrencyRates(
                currency=currency,
                target=target,
                first_day=days[0],
                last_day=days[-1],
                days=len(days),
                min_rate=min(rates),
                max_rate=max(rates),
                first=applied[0],
                last=applied[-1],
                sources=sorted({u.source for u in applied}),
            )
        )
    return result


# --- SQL building blocks ------------------------------------------------------------------


def _vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _p(value: date) -> Any:
    """A date as the database driver wants it as a parameter."""
    return connection.ops.adapt_datefield_value(value)


_ZERO = Decimal(0)


def _dec(value: Any) -> Decimal:
    if value is None:
        return _ZERO
    if value.__class__ is float:
        # SQLite sums decimals as floats: their shortest repr is the value that was meant.
        return Decimal(repr(value))
    return value if value.__class__ is Decimal else Decimal(value)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _tables() -> dict[str, str]:
    return {
        "daily": DailyRevenue._meta.db_table,
        "customer": Customer._meta.db_table,
        "account": Account._meta.db_table,
    }


def _accounts_sql(accounts: QuerySet[Account]) -> tuple[str, list[Any]]:
    sql, params = accounts.order_by().values("pk").query.sql_with_params()
    return sql, list(params)


def _scope_sql(
    accounts: QuerySet[Account] | None = None, account_id: int | None = None
) -> tuple[str, list[Any]]:
    """`AND d.customer_key IN (the scope's customer ids)`, nothing for the whole company.

    A membership test on the rollup's own key, so that no row needs a join to be filtered.
    """
    customer = _tables()["customer"]
    if account_id is not None:
        return f" AND d.customer_key IN (SELECT id FROM {customer} WHERE account_id = %s)", [
            account_id
        ]
    if accounts is None:
        return "", []
    sql, params = _accounts_sql(accounts)
    return (
        f" AND d.customer_key IN (SELECT id FROM {customer} WHERE account_id IN ({sql}))",
        params,
    )


FX_TABLE = "kam_fx_rates"


def _fx_cte(conversion: Conversion) -> str:
    """PostgreSQL: the rates as a VALUES table (joined by hash). Values are generated here
    (validated codes, dates and decimals), never taken from user input, so they are written
    inline: a year of daily rates for several currencies would pass the parameter limits."""
    if _vendor() != "postgresql" or not conversion.rates:
        return ""
    rows = []
    for (currency, day), rate in sorted(conversion.rates.items()):
        assert _CURRENCY.match(currency), currency
        number = format(rate.quantize(_RATE_PLACES).normalize(), "f")
        rows.append(f"('{currency}', DATE '{day.isoformat()}', CAST({number} AS NUMERIC))")
    return "fx(currency, day, rate) AS (VALUES " + ", ".join(rows) + ")"


def _install_fx(conversion: Conversion) -> None:
    """SQLite: the rates in a temporary table keyed by (currency, day), so that each rollup
    row finds its rate by one index lookup (SQLite indexes no VALUES table). Three
    statements, once per conversion and connection; the table lives as long as the
    connection and only holds the last conversion's rates."""
    if _vendor() == "postgresql" or not conversion.rates:
        return
    if getattr(connection, "kam_fx_token", None) == conversion.token:
        return
    with connection.cursor() as cursor:
        # `date` and `decimal` give the columns the affinity of the rollup's, which the
        # index lookup on (currency, day) needs.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {FX_TABLE} (currency varchar(3), day date,"
            " rate decimal, PRIMARY KEY (currency, day)) WITHOUT ROWID"
        )
        cursor.execute(f"DELETE FROM {FX_TABLE}")
        # One statement over a JSON array rather than a statement per rate (executemany):
        # a year of day rates in four currencies is a few thousand rows, which cost 10-50 ms
        # a request one by one.
        cursor.execute(
            f"INSERT INTO {FX_TABLE} (currency, day, rate) SELECT value ->> 0, value ->> 1, "
            f"value ->> 2 FROM json_each(%s)",
            [
                json.dumps(
                    [
                        (currency, day.isoformat(), str(rate))
                        for (currency, day), rate in sorted(conversion.rates.items())
                    ]
                )
            ],
        )
    connection.kam_fx_token = conversion.token  # type: ignore[attr-defined]


def _rows_cte(
    conversion: Conversion, *, start: date | None, end: date, scope: tuple[str, list[Any]]
) -> tuple[str, list[Any]]:
    """`conv(customer_id, day, amount, converted, documents, orders, lines)`: the rollup rows from
    `start` (None: all history) to `end`, with the amount in the target currency, read in
    one pass; a foreign row finds its day's rate in the rates table (none: NULL, which the
    caller has been told about through `conversion.missing`)."""
    daily = _tables()["daily"]
    scope_sql, scope_params = scope
    # One pass over the table in its order: SQLite would otherwise walk the date index and
    # fetch each row at random ("+" keeps it off the index; PostgreSQL plans by statistics).
    column = "d.date" if _vendor() == "postgresql" else "+d.date"
    bounds, params = f" AND {column} <= %s", [_p(end)]
    if start is not None:
        bounds += f" AND {column} >= %s"
        params.append(_p(start))
    fields = (
        "d.customer_id AS customer_id, d.customer_key AS customer_key,"
        " d.date AS day, d.amount AS amount,"
        " d.documents AS documents, d.orders AS orders, d.lines AS lines"
    )
    if not conversion.rates:
        sql = (
            f"conv AS (SELECT {fields}, CASE WHEN d.currency = %s THEN d.amount END AS converted"
            f" FROM {daily} d WHERE 1 = 1{bounds}{scope_sql})"
        )
        return sql, [conversion.target, *params, *scope_params]
    _install_fx(conversion)
    rates = "fx" if _vendor() == "postgresql" else FX_TABLE
    sql = (
        f"conv AS (SELECT {fields},"
        " CASE WHEN d.currency = %s THEN d.amount ELSE d.amount * fx.rate END AS converted"
        f" FROM {daily} d LEFT JOIN {rates} fx ON fx.currency = d.currency AND fx.day = d.date"
        f" WHERE 1 = 1{bounds}{scope_sql})"
    )
    return sql, [conversion.target, *params, *scope_params]


def _with(*ctes: str) -> str:
    present = [c for c in ctes if c]
    return ("WITH " + ", ".join(present) + " ") if present else ""


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _bucket_sql(months_per_bucket: int, column: str = "day") -> str:
    if _vendor() == "postgresql":
        year = f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
        month = f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"
    else:
        year = f"CAST(substr({column}, 1, 4) AS INTEGER)"
        month = f"CAST(substr({column}, 6, 2) AS INTEGER)"
    per_year = 12 // months_per_bucket
    return f"({year} * {per_year} + ({month} - 1) / {months_per_bucket})"
