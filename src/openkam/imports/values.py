"""Reading numbers and dates the way ERP and spreadsheet exports write them.

Each parser is strict: it accepts one declared style (decimal point or decimal comma, one
date format) and explains a refusal in words a user can act on. Detection looks at sample
values and never guesses when they allow two readings: it raises `AmbiguousFormat`, whose
message names the option that settles it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

POINT = "point"
COMMA = "comma"
EXCEL = "excel"  # date format: Excel serial day numbers

# Thousands separators besides the other style's decimal mark: spaces (plain, no-break,
# narrow no-break) and the apostrophe of Swiss exports.
_SPACES = " \u00a0\u202f\u2009'"
_POINT_RE = re.compile(
    r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f\u2009']\d{3})+|\d+)?(?:\.\d+)?"
    r"(?:[eE][+-]?\d+)?"
)
_COMMA_RE = re.compile(r"[+-]?(?:\d{1,3}(?:[. \u00a0\u202f\u2009']\d{3})+|\d+)?(?:,\d+)?")
# Currency marks that exports put before or after an amount: "kr 1 234,50", "€1,234.56".
_CURRENCY_AFFIX = re.compile(
    r"^(?:[€$£₽¥]|kr\.?|Ft|лв\.?|руб\.?|р\.|[A-Z]{3})\s*|\s*(?:[€$£₽¥]|kr\.?|Ft|лв\.?|руб\.?|р\.|[A-Z]{3})$"
)


class ValueProblem(ValueError):  # noqa: N818 - name used by the import targets
    """A value that cannot be read; the message says why, for the row error report."""


class AmbiguousFormat(ValueError):  # noqa: N818 - name used by the import targets
    """Sample values allow more than one reading; `option` names how the user settles it."""

    def __init__(self, message: str, *, option: str, choices: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.option = option
        self.choices = tuple(choices)


# --- Numbers -------------------------------------------------------------------------------


def _unwrap_sign(text: str) -> tuple[str, bool]:
    """Accounting negatives "(123.45)" and SAP's trailing minus "123.45-"."""
    negative = False
    if text.startswith("(") and text.endswith(")"):
        text, negative = text[1:-1].strip(), True
    elif text.endswith("-") and len(text) > 1 and text[-2].isdigit():
        text, negative = text[:-1].strip(), True
    return text, negative


def parse_number(value: Any, style: str) -> Decimal | None:
    """The number in `value` read with `style`, or None when empty. Raises ValueProblem."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(_("is not a number"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem(_("is not a number"))
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    if not text:
        return None
    text = _CURRENCY_AFFIX.sub("", text).strip()
    text, negative = _unwrap_sign(text)
    if not text or not any(ch.isdigit() for ch in text):
        raise ValueProblem(_("is not a number"))
    pattern = _POINT_RE if style == POINT else _COMMA_RE
    if not pattern.fullmatch(text):
        other = _COMMA_RE if style == POINT else _POINT_RE
        if other.fullmatch(text):
            if style == POINT:
                raise ValueProblem(
                    _("is written with a decimal comma, but the file is read with a decimal point")
                )
            raise ValueProblem(
                _("is written with a decimal point, but the file is read with a decimal comma")
            )
        raise ValueProblem(_("is not a number"))
    cleaned = text.replace(",", "") if style == POINT else text.replace(".", "").replace(",", ".")
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueProblem(_("is not a number")) from None
    if not number.is_finite():
        raise ValueProblem(_("is not a number"))
    return -number if negative else number


_DECISIVE_POINT = re.compile(r"\d\.\d{1,2}$|\d\.\d{4,}$|\d,\d{3}\.\d+$|\d,\d{3},\d{3}")
_DECISIVE_COMMA = re.compile(r"\d,\d{1,2}$|\d,\d{4,}$|\d\.\d{3},\d+$|\d\.\d{3}\.\d{3}")
_THREE_DECIMALS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


def detect_decimal_style(values: Iterable[Any]) -> str | None:
    """POINT or COMMA as the sample shows, None when it does not matter (whole numbers).

    "1,234" and "1.234" alone could be either (a thousand and some, or one and a fraction):
    when only such values decide, AmbiguousFormat asks the user.
    """
    point = comma = ambiguous = 0
    example_point = example_comma = example_ambiguous = ""
    for raw in values:
        if not isinstance(raw, str):
            continue
        text = _CURRENCY_AFFIX.sub("", raw.strip()).strip()
        if not text:
            continue
        if _DECISIVE_POINT.search(text):
            point += 1
            example_point = example_point or text
        elif _DECISIVE_COMMA.search(text):
            comma += 1
            example_comma = example_comma or text
        elif _THREE_DECIMALS.match(text):
            ambiguous += 1
            example_ambiguous = example_ambiguous or text
    if point and comma:
        raise AmbiguousFormat(
            _(
                "Numbers are written both with a decimal point (%(point)s) and with a decimal "
                "comma (%(comma)s). Say which one the file uses."
            )
            % {"point": example_point, "comma": example_comma},
            option="decimal",
            choices=(POINT, COMMA),
        )
    if point:
        return POINT
    if comma:
        return COMMA
    if ambiguous:
        raise AmbiguousFormat(
            _(
                "A number such as %(example)s can be read as a thousand and more or as a "
                "fraction. Say whether the file uses a decimal point or a decimal comma."
            )
            % {"example": example_ambiguous},
            option="decimal",
            choices=(POINT, COMMA),
        )
    return None


# --- Dates ---------------------------------------------------------------------------------

ISO = "%Y-%m-%d"
# Formats tried when detecting, most specific first. %Y.%m.%d is the Hungarian way
# ("2024.03.15." or "2024. 03. 15."); %d.%m.%Y the Norwegian, Swedish (also ISO),
# Bulgarian and Russian one.
DATE_FORMATS = (
    ISO,
    "%d.%m.%Y",
    "%Y.%m.%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%d.%m.%y",
    "%Y%m%d",
    EXCEL,
)
_EXCEL_EPOCH = date(1899, 12, 30)
_TIME_SPLIT = re.compile(r"[ T](?=\d{1,2}:\d{2})")
_HU_SPACES = re.compile(r"\.\s+")
MIN_YEAR, MAX_YEAR = 1900, 2199


def date_format_label(fmt: str) -> str:
    if fmt == EXCEL:
        return _("Excel serial day numbers")
    return fmt.replace("%Y", "yyyy").replace("%y", "yy").replace("%m", "mm").replace("%d", "dd")


def _date_part(text: str) -> str:
    """The date without a time of day ("2009-12-01 07:45:00", "01.12.2009 07:45")."""
    text = _HU_SPACES.sub(".", text.strip())
    parts = _TIME_SPLIT.split(text, maxsplit=1)
    part = parts[0].strip()
    if part.endswith(".") and part.count(".") == 3:  # "2024.03.15."
        part = part[:-1]
    return part


def parse_date(value: Any, fmt: str) -> date | None:
    return _parse_date(value, fmt, _("is not a date in the format %(format)s"))


def _parse_date(value: Any, fmt: str, message: str) -> date | None:
    """The date in `value` read with `fmt` (strftime pattern or EXCEL). Raises ValueProblem."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _excel_date(value)
    text = str(value).strip()
    if not text:
        return None
    if fmt == EXCEL:
        try:
            return _excel_date(Decimal(text))
        except InvalidOperation:
            raise ValueProblem(_("is not an Excel date number")) from None
    part = _date_part(text)
    try:
        if fmt == ISO:
            if len(part) != 10:
                raise ValueError(part)
            parsed = date.fromisoformat(part)
        else:
            parsed = datetime.strptime(part, fmt).date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise ValueProblem(message % {"format": date_format_label(fmt)}) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueProblem(_("has an implausible year %(year)s") % {"year": parsed.year})
    return parsed


def _excel_date(number: int | float | Decimal) -> date:
    days = int(number)
    if days < 1 or days > 109574:  # 1900-01-01 .. 2199-12-31
        raise ValueProblem(_("is not an Excel date number"))
    return _EXCEL_EPOCH + timedelta(days=days)


def _parses(value: Any, fmt: str) -> bool:
    try:
        return _parse_date(value, fmt, "%(format)s") is not None
    except ValueProblem:
        return False


@dataclass(frozen=True)
class DateDetection:
    format: str
    # Share of sample values the format reads; below 1 the rest become row errors.
    coverage: float


def detect_date_format(values: Iterable[Any]) -> DateDetection | None:
    """The one format that reads the sample, or None when nothing reads it.

    Raises AmbiguousFormat when several formats read every value (03/04/2024 is 3 April or
    4 March), since a silent guess would shift revenue between months.
    """
    # Distinct values only: a file repeats each date many times, and strptime is slow.
    distinct: dict[Any, None] = {}
    for value in values:
        if value in (None, "") or isinstance(value, (date, datetime, int, float, Decimal)):
            continue  # spreadsheet dates and serial numbers read the same in any format
        distinct[value] = None
        if len(distinct) >= 1000:
            break
    sample = list(distinct)
    if not sample:
        return DateDetection(ISO, 1.0)  # only native spreadsheet dates: any format reads them
    best: list[tuple[float, str]] = []
    for fmt in DATE_FORMATS:
        if fmt == EXCEL and any(
            isinstance(v, str) and not v.strip().replace(".", "", 1).isdigit() for v in sample
        ):
            continue
        ok = sum(1 for v in sample if _parses(v, fmt))
        if ok:
            best.append((ok / len(sample), fmt))
    if not best:
        return None
    top = max(score for score, _fmt in best)
    winners = [fmt for score, fmt in best if score == top]
    if len(winners) > 1:
        raise AmbiguousFormat(
            _(
                "Dates such as %(example)s can be read as %(formats)s. Say which format the "
                "file uses."
            )
            % {
                "example": str(sample[0]),
                "formats": _(" or ").join(date_format_label(f) for f in winners),
            },
            option="date-format",
            choices=winners,
        )
    if top < 0.5:  # a few bad values become row errors; mostly unreadable is a format problem
        return None
    return DateDetection(winners[0], top)
