"""Periods of analysis and the periods they are compared with.

- The previous period has the same length and ends the day before the period starts. When
  the period is made of whole calendar months (1 March - 31 May), the previous period is the
  same number of whole months before it (1 December - 28 February), so that quarters compare
  with quarters and years with years whatever the months' lengths.
- The rolling 12 months end on the period's last day; they compare with the 12 months before.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.revenue.selectors_analytics import DateRange


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_start(index: int) -> date:
    """The first day of month `index` (year*12 + month-1)."""
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def whole_months(period: DateRange) -> int | None:
    """The number of calendar months the period spans exactly, or None."""
    if period.start.day != 1 or period.end != month_end(period.end):
        return None
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def previous_period(period: DateRange) -> DateRange:
    months = whole_months(period)
    if months is not None:
        start = add_months(period.start, -months)
        return DateRange(start, period.start - timedelta(days=1))
    return DateRange(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def rolling_12_months(end: date) -> DateRange:
    return DateRange(add_months(end, -12) + timedelta(days=1), end)


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    period: DateRange


def presets(on: date | None = None) -> list[Preset]:
    """Ready-made periods for the filter bar, relative to `on` (today)."""
    on = on or today()
    this_month = on.replace(day=1)
    quarter_start = on.replace(month=(on.month - 1) // 3 * 3 + 1, day=1)
    last_quarter_start = add_months(quarter_start, -3)
    return [
        Preset(
            "last12",
            str(_("Last 12 full months")),
            DateRange(add_months(this_month, -12), this_month - timedelta(days=1)),
        ),
        Preset("ytd", str(_("Year to date")), DateRange(on.replace(month=1, day=1), on)),
        Preset(
            "last_year",
            str(_("Last year")),
            DateRange(date(on.year - 1, 1, 1), date(on.year - 1, 12, 31)),
        ),
        Preset(
            "last_quarter",
            str(_("Last quarter")),
            DateRange(last_quarter_start, quarter_start - timedelta(days=1)),
        ),
        Preset("this_quarter", str(_("Quarter to date")), DateRange(quarter_start, on)),
    ]


def default_period(on: date | None = None) -> DateRange:
    """The last 12 full calendar months: a whole year of history that compares cleanly."""
    return presets(on)[0].period
