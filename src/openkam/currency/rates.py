"""Converting amounts between currencies at the rate in force on a date.

`RateBook` loads the rates of the currencies it is asked about once and converts in memory
(bisect per date), so that an import or a report converts a million lines without a query
per line. A missing rate is an error naming the currency and the date, never a silent 1:1.

Bulgaria adopted the euro on 1 January 2026: BGN converts to EUR at the fixed rate of
1.95583 BGN per EUR, for historical amounts too; other currencies reach BGN through EUR.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openkam.core.errors import DomainError
from openkam.currency.models import ExchangeRate

BGN_PER_EUR = Decimal("1.95583")
FIXED_RATES: dict[tuple[str, str], Decimal] = {("EUR", "BGN"): BGN_PER_EUR}
PIVOT = "EUR"


# How the built-in sources read in the user's language; a source typed into the rate table
# (e.g. "ECB", "Norges Bank") is shown as entered.
SOURCE_LABELS = {
    "same currency": gettext_lazy("same currency"),
    "fixed euro rate": gettext_lazy("fixed euro rate"),
    "exchange rate table": gettext_lazy("exchange rate table"),
}


class MissingRateError(DomainError):
    def __init__(self, currency: str, target: str, on: date) -> None:
        super().__init__(
            _(
                "No exchange rate from %(currency)s to %(target)s in force on %(date)s: add one "
                "(effective on or before that date)."
            )
            % {"currency": currency, "target": target, "date": on.isoformat()}
        )
        self.currency = currency
        self.target = target
        self.on = on


@dataclass(frozen=True)
class RateUsed:
    """Which rate a conversion used: 1 `base` = `rate` `quote`, in force from `effective_date`."""

    base: str
    quote: str
    rate: Decimal
    effective_date: date | None  # None for identity and fixed rates
    source: str
    # The two rates a conversion through the euro multiplied, when it went through it.
    legs: tuple[RateUsed, ...] = ()

    @property
    def source_label(self) -> str:
        """The source as the user reads it: built-in sources translated, "via EUR" spelled out."""
        if self.legs:
            return _("via %(pivot)s") % {"pivot": PIVOT}
        return str(SOURCE_LABELS.get(self.source, self.source))

    def describe(self) -> str:
        """E.g. "1 EUR = 11.8 NOK (ECB, since 2026-06-01)", in the active language."""
        # Six significant digits: enough to recompute a figure, short enough to read.
        rate = number_format(Decimal(f"{self.rate:.6g}").normalize(), use_l10n=True)
        if self.legs:
            detail = _("via %(pivot)s: %(legs)s") % {
                "pivot": PIVOT,
                "legs": "; ".join(leg.describe() for leg in self.legs),
            }
        else:
            detail = self.source_label
            if self.effective_date:
                detail = _("%(source)s, since %(date)s") % {
                    "source": detail,
                    "date": self.effective_date.isoformat(),
                }
        return f"1 {self.base} = {rate} {self.quote} ({detail})"


def reporting_currency() -> str:
    return str(settings.KAM_REPORTING_CURRENCY)


class RateBook:
    """Rates between a set of currencies and one target, loaded in one query."""

    def __init__(self, target: str, currencies: Iterable[str]) -> None:
        self.target = target
        wanted = {c for c in currencies if c} | {target, PIVOT}
        self._dates: dict[tuple[str, str], list[date]] = defaultdict(list)
        self._rows: dict[tuple[str, str], list[tuple[Decimal, str]]] = defaultdict(list)
        rows = (
            ExchangeRate.objects.filter(Q(base__in=wanted) & Q(quote__in=wanted))
            .order_by("base", "quote", "effective_date")
            .values_list("base", "quote", "effective_date", "rate", "source")
        )
        for base, quote, effective, rate, source in rows:
            self._dates[(base, quote)].append(effective)
            self._rows[(base, quote)].append((rate, source or "exchange rate table"))

    def _direct(self, base: str, quote: str, on: date) -> RateUsed | None:
        if base == quote:
            return RateUsed(base, quote, Decimal(1), None, "same currency")
        if (base, quote) in FIXED_RATES:
            return RateUsed(base, quote, FIXED_RATES[(base, quote)], None, "fixed euro rate")
        if (quote, base) in FIXED_RATES:
            return RateUsed(base, quote, 1 / FIXED_RATES[(quote, base)], None, "fixed euro rate")
        for pair, invert in (((base, quote), False), ((quote, base), True)):
            dates = self._dates.get(pair)
            if not dates:
                continue
            index = bisect.bisect_right(dates, on) - 1
            if index < 0:
                continue
            rate, source = self._rows[pair][index]
            return RateUsed(base, quote, (1 / rate) if invert else rate, dates[index], source)
        return None

    def rate(self, currency: str, on: date) -> RateUsed:
        """The rate that converts `currency` into the book's target on `on`."""
        direct = self._direct(currency, self.target, on)
        if direct is not None:
            return direct
        # Through the euro: e.g. BGN -> EUR (fixed) -> NOK (table).
        first = self._direct(currency, PIVOT, on)
        second = self._direct(PIVOT, self.target, on)
        if first is None or second is None:
            raise MissingRateError(currency, self.target, on)
        return RateUsed(
            currency,
            self.target,
            first.rate * second.rate,
            max((d for d in (first.effective_date, second.effective_date) if d), default=None),
            f"via {PIVOT}",
            (first, second),
        )

    def convert(self, amount: Decimal, currency: str, on: date) -> tuple[Decimal, RateUsed]:
        used = self.rate(currency, on)
        return amount * used.rate, used


def convert_amount(
    *, amount: Decimal, currency: str, on: date, target: str | None = None
) -> tuple[Decimal, RateUsed]:
    """One amount into `target` (the reporting currency) at the rate in force on `on`."""
    target = (target or reporting_currency()).upper()
    return RateBook(target, [currency.upper()]).convert(amount, currency.upper(), on)
