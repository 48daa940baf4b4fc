"""Numbers of the analytics as people read them, in the active language."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils import dateformat
from django.utils.translation import gettext as _

from openkam.core.money import format_money, format_number


def percent(value: Decimal | float | None, decimals: int = 1) -> str:
    """0.375 -> "37.5 %"."""
    if value is None:
        return "—"
    return _("%(value)s %%") % {"value": format_number(Decimal(str(value)) * 100, decimals)}


def signed_percent(value: Decimal | float | None, decimals: int = 1) -> str:
    """Growth: 0.12 -> "+12.0 %", -0.05 -> "−5.0 %"."""
    if value is None:
        return "—"
    number = Decimal(str(value)) * 100
    text = format_number(abs(number), decimals)
    if number.quantize(Decimal(1).scaleb(-decimals)) == 0:
        return _("%(value)s %%") % {"value": text}
    sign = "+" if number > 0 else "−"
    return _("%(value)s %%") % {"value": f"{sign}{text}"}


def compact(value: Decimal | float, currency: str = "") -> str:
    """Axis labels: 1 234 567 -> "1.2 M", 12 300 -> "12 k" (with the currency if given)."""
    number = float(value)
    size = abs(number)
    if size >= 1e9:
        text = _("%(value)s bn") % {"value": format_number(number / 1e9, 1)}
    elif size >= 1e6:
        text = _("%(value)s M") % {"value": format_number(number / 1e6, 1)}
    elif size >= 1e4:
        text = _("%(value)s k") % {"value": format_number(number / 1e3, 0)}
    else:
        text = format_number(number, 0)
    return f"{text}\xa0{currency}" if currency else text


def axis_formatter(ticks: list[float]) -> Callable[[float], str]:
    """One unit for every label of an axis: "0, 5 k, 10 k" rather than "0, 5,000, 10 k"."""
    top = max((abs(t) for t in ticks), default=0)
    if top >= 1e9:
        scale, pattern = 1e9, _("%(value)s bn")
    elif top >= 1e6:
        scale, pattern = 1e6, _("%(value)s M")
    elif top >= 1e4:
        scale, pattern = 1e3, _("%(value)s k")
    else:
        return lambda v: format_number(v, 0)
    step = min((abs(b - a) for a, b in itertools.pairwise(ticks)), default=scale)
    decimals = 0 if step / scale >= 1 else 1

    def label(value: float) -> str:
        return "0" if value == 0 else pattern % {"value": format_number(value / scale, decimals)}

    return label


def money(value: Decimal | None, currency: str) -> str:
    return format_money(value, currency, decimals=0)


def month_label(day: date, months: int = 1) -> str:
    """ "Mar 2024", or "Q1 2024" for a quarter."""
    if months == 3:
        return _("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}
    return dateformat.format(day, "M Y")


def short_month(day: date) -> str:
    return dateformat.format(day, "M y")


def status_label(status: str) -> str:
    labels = {
        "low": _("Below the typical band"),
        "typical": _("Within the typical band"),
        "high": _("Above the typical band"),
        "alarm": _("Mono-dependency alarm"),
    }
    return labels.get(status, "")
