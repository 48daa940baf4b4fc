"""Reading exchange rates from a CSV file, with an error for each bad row and column.

The file has a header row naming the columns date, base, quote and rate (any order, any case;
an optional source column). Commas or semicolons separate the columns (spreadsheets in Norway,
Sweden, Hungary, Bulgaria and Russia save with semicolons); the rate may use a decimal comma.
Dates are ISO (2026-03-31) or day-first (31.03.2026). One row means: from that date on, one
unit of `base` is worth `rate` units of `quote`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from openkam.currency.models import ExchangeRate

REQUIRED_COLUMNS = ("date", "base", "quote", "rate")
OPTIONAL_COLUMNS = ("source",)
MAX_ROWS = 200_000
MAX_ERRORS_KEPT = 200
CODE = re.compile(r"^[A-Z]{3}$")
# The model keeps 10 decimals and 20 digits in all.
MAX_RATE = Decimal("9999999999")


@dataclass
class ParsedRate:
    line: int
    effective_date: date
    base: str
    quote: str
    rate: Decimal
    source: str = ""
    existing: ExchangeRate | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class RateImportResult:
    rows: list[ParsedRate] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    to_create: list[ParsedRate] = field(default_factory=list)
    to_update: list[ParsedRate] = field(default_factory=list)
    unchanged: int = 0
    written: bool = False

    def add_error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(line, column, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def pairs(self) -> list[tuple[str, str, int, date, date]]:
        """Per pair: rows, first and last effective date."""
        by_pair: dict[tuple[str, str], list[date]] = {}
        for row in self.rows:
            by_pair.setdefault((row.base, row.quote), []).append(row.effective_date)
        return [
            (base, quote, len(days), min(days), max(days))
            for (base, quote), days in sorted(by_pair.items())
        ]


def _decode(content: bytes | str) -> str | None:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y.%m.%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _parse_rate(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("'", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")  # 1,234.5: the comma groups thousands
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_rates_csv(content: bytes | str) -> RateImportResult:
    result = RateImportResult()
    text = _decode(content)
    if text is None:
        result.add_error(0, "", _("The file is not UTF-8 text. Save it as CSV (UTF-8)."))
        return result
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        result.add_error(0, "", _("The file is empty."))
        return result
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    seen: dict[tuple[str, str, date], tuple[int, Decimal]] = {}
    for raw in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in raw]
            missing = [name for name in REQUIRED_COLUMNS if name not in header]
            if missing:
                result.add_error(
                    line,
                    "",
                    _("The header row lacks the columns %(missing)s (it needs %(required)s).")
                    % {"missing": ", ".join(missing), "required": ", ".join(REQUIRED_COLUMNS)},
                )
                return result
            continue
        if len(result.rows) + result.error_count >= MAX_ROWS:
            result.add_error(
                line, "", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}
            )
            return result
        cells = {name: (raw[i].strip() if i < len(raw) else "") for i, name in enumerate(header)}
        row = _parse_row(result, line, cells)
        if row is None:
            continue
        key = (row.base, row.quote, row.effective_date)
        if key in seen:
            earlier, earlier_rate = seen[key]
            if earlier_rate != row.rate:
                result.add_error(
                    line,
                    "rate",
                    _(
                        "Line %(earlier)s gives %(base)s/%(quote)s on %(date)s another rate; "
                        "keep one of them."
                    )
                    % {
                        "earlier": earlier,
                        "base": row.base,
                        "quote": row.quote,
                        "date": row.effective_date.isoformat(),
                    },
                )
            continue  # the same rate twice: harmless, counted once
        seen[key] = (line, row.rate)
        result.rows.append(row)
    if header is None:
        result.add_error(0, "", _("The file is empty."))
    elif not result.rows and result.ok:
        result.add_error(0, "", _("The file has a header but no rates."))
    return result


def _parse_row(result: RateImportResult, line: int, cells: dict[str, str]) -> ParsedRate | None:
    errors_before = result.error_count
    day = _parse_date(cells["date"])
    if day is None:
        result.add_error(
            line,
            "date",
            _("“%(value)s” is not a date; use YYYY-MM-DD, e.g. 2026-03-31.")
            % {"value": cells["date"]},
        )
    codes = {}
    for column in ("base", "quote"):
        code = cells[column].upper()
        if not CODE.match(code):
            result.add_error(
                line,
                column,
                _("“%(value)s” is not a three-letter ISO 4217 currency code.")
                % {"value": cells[column]},
            )
        codes[column] = code
    if codes["base"] == codes["quote"] and CODE.match(codes["base"]):
        result.add_error(line, "quote", _("A rate converts between two different currencies."))
    rate = _parse_rate(cells["rate"])
    if rate is None:
        result.add_error(line, "rate", _("“%(value)s” is not a number.") % {"value": cells["rate"]})
    elif rate <= 0:
        result.add_error(line, "rate", _("A rate must be above zero."))
    elif rate > MAX_RATE or rate.normalize().as_tuple().exponent < -10:  # type: ignore[operator]
        result.add_error(
            line,
            "rate",
            _("“%(value)s” is out of range: at most 10 digits before and after the point.")
            % {"value": cells["rate"]},
        )
    source = cells.get("source", "")
    if len(source) > 100:
        result.add_error(line, "source", _("The source is longer than 100 characters."))
    if result.error_count > errors_before or day is None or rate is None:
        return None
    return ParsedRate(line, day, codes["base"], codes["quote"], rate, source)
