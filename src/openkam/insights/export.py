"""The portfolio as data: the JSON of the API and of `kam report portfolio --format json`, the
CSV of the table (page and command line) and the plain-text table of the command line.

Amounts are decimal strings with two places in the reporting currency; shares and growth are
decimal strings of fractions (0.375 is 37.5 %) with six places; the HHI has two places.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from openkam.currency.rates import RateUsed
from openkam.insights.formatting import percent, signed_percent, status_label
from openkam.insights.selectors import SCOPE_COMPANY, SCOPE_PORTFOLIO, Portfolio
from openkam.revenue.selectors_analytics import CurrencyRates, DateRange

CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.000001")


def amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def fraction(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP))


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _range(value: DateRange) -> dict[str, Any]:
    return {"from": value.start.isoformat(), "to": value.end.isoformat(), "days": value.days}


def _rate(used: RateUsed) -> dict[str, Any]:
    return {
        "rate": format(used.rate.normalize(), "f"),
        "effective_date": _day(used.effective_date),
        "source": used.source,
        "description": used.describe(),
    }


def rates_as_dicts(rates: Iterable[CurrencyRates]) -> list[dict[str, Any]]:
    return [
        {
            "currency": r.currency,
            "target": r.target,
            "from": r.first_day.isoformat(),
            "to": r.last_day.isoformat(),
            "days": r.days,
            "min_rate": format(r.min_rate.normalize(), "f"),
            "max_rate": format(r.max_rate.normalize(), "f"),
            "first_rate": _rate(r.first),
            "last_rate": _rate(r.last),
            "sources": r.sources,
        }
        for r in rates
    ]


def base_description(p: Portfolio) -> str:
    if p.scope == SCOPE_COMPANY:
        return _("the company's total revenue, including revenue with no account")
    if p.scope == SCOPE_PORTFOLIO:
        return _("the revenue of the accounts you can see")
    return _("the revenue of the selected accounts")


def portfolio_as_dict(p: Portfolio) -> dict[str, Any]:
    f = p.filters
    unassigned = (
        {
            "unmatched_customers_revenue": amount(p.unassigned_unmatched),
            "no_customer_revenue": amount(p.unassigned_no_customer),
            "unmatched_customers": p.unmatched_customers,
        }
        if p.unassigned_revenue is not None
        else None
    )
    return {
        "currency": p.currency,
        "scope": p.scope,
        "shares_of": base_description(p),
        "period": _range(p.period),
        "previous_period": _range(p.previous),
        "rolling_12_months": _range(p.rolling_12m),
        "rolling_12_months_previous": _range(p.rolling_12m_previous),
        "filters": {
            "tiers": list(f.tiers),
            "owner_ids": list(f.owner_ids),
            "countries": list(f.countries),
            "account_ids": list(f.account_ids),
        },
        "total_revenue": amount(p.total_revenue),
        "accounts_revenue": amount(p.accounts_revenue),
        "unassigned_revenue": amount(p.unassigned_revenue),
        "unassigned": unassigned,
        "scope_revenue": amount(p.scope_revenue),
        "selection_share": fraction(p.selection_share),
        "previous_revenue": amount(p.previous_total),
        "growth": fraction(p.growth),
        "rolling_12_months_revenue": amount(p.rolling_12m_total),
        "rolling_12_months_previous_revenue": amount(p.rolling_12m_previous_total),
        "growth_12_months": fraction(p.growth_12m),
        "hhi": amount(p.hhi),
        "hhi_accounts": p.hhi_accounts,
        "equivalent_accounts": amount(p.equivalent_accounts),
        "top1_share": fraction(p.top1_share),
        "top5_share": fraction(p.top5_share),
        "top10_share": fraction(p.top10_share),
        "key_account_revenue": amount(p.key_revenue),
        "key_account_share": fraction(p.key_account_share),
        "key_account_status": p.key_status,
        "key_account_band": {k: fraction(Decimal(v) / 100) for k, v in p.band.items()},
        "abc_thresholds": {
            "a": fraction(Decimal(p.abc_a) / 100),
            "b": fraction(Decimal(p.abc_b) / 100),
        },
        "abc": {k: {"accounts": n, "revenue": amount(r)} for k, (n, r) in p.abc.items()},
        "tiers": [
            {
                "tier": t.tier,
                "accounts": t.accounts,
                "revenue": amount(t.revenue),
                "previous_revenue": amount(t.previous_revenue),
                "share": fraction(t.share),
                "growth": fraction(t.growth),
            }
            for t in p.tiers
        ],
        "series": [
            {
                "start": s.start.isoformat(),
                "months": s.months,
                "total_revenue": amount(s.total),
                "hhi": amount(s.hhi),
                "top1_share": fraction(s.top1_share),
                "top5_share": fraction(s.top5_share),
                "top10_share": fraction(s.top10_share),
                "key_account_share": fraction(s.key_share),
                "active_accounts": s.active_accounts,
            }
            for s in p.series
        ],
        "rates": rates_as_dicts(p.rates),
        "warnings": p.warnings,
        "accounts": [
            {
                "id": r.account_id,
                "name": r.name,
                "tier": r.tier,
                "owner_id": r.owner_id,
                "owner": r.owner_name,
                "country": r.country,
                "rank": r.rank,
                "revenue": amount(r.revenue),
                "share": fraction(r.share),
                "cumulative_share": fraction(r.cumulative_share),
                "abc_class": r.abc_class,
                "previous_revenue": amount(r.previous_revenue),
                "growth": fraction(r.growth),
                "rolling_12_months_revenue": amount(r.rolling_12m),
                "growth_12_months": fraction(r.growth_12m),
                "orders": r.orders,
                "lines": r.lines,
                "purchase_days": r.purchase_days,
                "orders_per_month": amount(r.orders_per_month),
                "first_purchase": _day(r.first_purchase),
                "last_purchase": _day(r.last_purchase),
                "recency_days": r.recency_days,
            }
            for r in p.rows
        ],
    }


def csv_header() -> list[str]:
    return [
        _("Rank"),
        _("Account id"),
        _("Account"),
        _("Tier"),
        _("KAM"),
        _("Country"),
        _("Currency"),
        _("Revenue"),
        _("Share"),
        _("Cumulative share"),
        _("ABC class"),
        _("Previous period"),
        _("Growth"),
        _("Rolling 12 months"),
        _("Growth, rolling 12 months"),
        _("Orders"),
        _("Orders per month"),
        _("First purchase"),
        _("Last purchase"),
        _("Days since last purchase"),
    ]


def csv_rows(p: Portfolio) -> Iterable[list[Any]]:
    yield csv_header()
    for r in p.rows:
        yield [
            r.rank,
            r.account_id,
            r.name,
            r.tier_label,
            r.owner_name,
            r.country,
            p.currency,
            amount(r.revenue),
            fraction(r.share),
            fraction(r.cumulative_share),
            r.abc_class,
            amount(r.previous_revenue) or "",
            fraction(r.growth) or "",
            amount(r.rolling_12m) or "",
            fraction(r.growth_12m) or "",
            r.orders,
            amount(r.orders_per_month),
            _day(r.first_purchase) or "",
            _day(r.last_purchase) or "",
            "" if r.recency_days is None else r.recency_days,
        ]
    if p.scope == SCOPE_COMPANY and p.unassigned_revenue is not None:
        # So that the revenue column adds up to the total revenue the shares are shares of.
        yield (
            ["", "", _("Unassigned (no account)"), "", "", "", p.currency]
            + [amount(p.unassigned_revenue), fraction(_share(p.unassigned_revenue, p))]
            + [""] * 11
        )


def _share(value: Decimal, p: Portfolio) -> Decimal | None:
    return value / p.total_revenue if p.total_revenue > 0 else None


def portfolio_csv(p: Portfolio) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in csv_rows(p):
        writer.writerow(row)
    return buffer.getvalue()


def portfolio_text(p: Portfolio, limit: int | None = None) -> str:
    """The report as the command line prints it: a summary, then the ranked table."""
    lines = [
        _("Portfolio %(start)s – %(end)s, amounts in %(currency)s")
        % {"start": p.period.start, "end": p.period.end, "currency": p.currency},
        _("Shares are of %(base)s.") % {"base": base_description(p)},
        "",
        f"{_('Total revenue')}: {amount(p.total_revenue)} {p.currency}"
        f"  ({_('growth')} {signed_percent(p.growth)}, {_('rolling 12 months')}"
        f" {signed_percent(p.growth_12m)})",
    ]
    if p.unassigned_revenue is not None:
        lines.append(
            f"{_('Unassigned revenue')}: {amount(p.unassigned_revenue)} {p.currency}"
            f"  ({_('unmatched customer ids')} {amount(p.unassigned_unmatched)},"
            f" {_('no customer id')} {amount(p.unassigned_no_customer)})"
        )
    if p.scope_revenue is not None:
        lines.append(
            _("Selection: %(share)s of %(total)s %(currency)s")
            % {
                "share": percent(p.selection_share),
                "total": amount(p.scope_revenue),
                "currency": p.currency,
            }
        )
    lines += [
        f"HHI: {amount(p.hhi) or '—'}  ({p.hhi_accounts} {_('accounts with positive revenue')})",
        f"{_('Top 1 / 5 / 10')}: {percent(p.top1_share)} / {percent(p.top5_share)}"
        f" / {percent(p.top10_share)}",
        f"{_('Key accounts')}: {percent(p.key_account_share)}"
        + (f"  [{status_label(p.key_status)}]" if p.key_status != "none" else ""),
    ]
    for rates in p.rates:
        lines.append(
            _(
                "Rates %(currency)s→%(target)s: %(days)s days %(first)s – %(last)s, "
                "%(min)s – %(max)s (%(sources)s)"
            )
            % {
                "currency": rates.currency,
                "target": rates.target,
                "days": rates.days,
                "first": rates.first_day,
                "last": rates.last_day,
                "min": format(rates.min_rate.normalize(), "f"),
                "max": format(rates.max_rate.normalize(), "f"),
                "sources": ", ".join(rates.sources),
            }
        )
    lines += [f"! {w}" for w in p.warnings]
    lines.append("")
    header = ["#", _("Account"), _("Tier"), _("Revenue"), _("Share"), _("Cum."), "ABC", _("Growth")]
    table = [header]
    rows = p.rows if limit is None else p.rows[:limit]
    for r in rows:
        table.append(
            [
                str(r.rank),
                r.name[:40],
                r.tier_label,
                amount(r.revenue) or "",
                percent(r.share),
                percent(r.cumulative_share),
                r.abc_class,
                _("new") if r.is_new else signed_percent(r.growth),
            ]
        )
    if not rows:
        lines.append(_("No accounts to rank in this selection."))
        return "\n".join(lines) + "\n"
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    right = {0, 3, 4, 5, 7}
    for row in table:
        cells = [
            str(cell).rjust(widths[i]) if i in right else str(cell).ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    if limit is not None and len(p.rows) > limit:
        lines.append(_("… and %(n)s more accounts") % {"n": len(p.rows) - limit})
    return "\n".join(lines) + "\n"
