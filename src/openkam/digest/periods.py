"""When digests are due and which days they cover.

Periods are `interval_days` long and start on the chosen weekday, counted from a fixed
Monday so that every worker computes the same periods. The digest for a period goes out on
the first day after it, from KAM_SCHEDULE_HOUR local time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from openkam.digest.models import DigestSchedule, Weekday

_EPOCH_MONDAY = datetime.date(2024, 1, 1)


@dataclass(frozen=True)
class Rhythm:
    interval_days: int
    weekday: str

    @property
    def anchor(self) -> datetime.date:
        return _EPOCH_MONDAY + datetime.timedelta(days=Weekday.values.index(self.weekday))


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def key(self) -> str:
        return self.start.isoformat()

    @property
    def send_on(self) -> datetime.date:
        return self.end + datetime.timedelta(days=1)


def rhythm() -> Rhythm:
    saved = DigestSchedule.objects.order_by("pk").first()
    if saved is not None:
        return Rhythm(saved.interval_days, saved.weekday)
    return Rhythm(settings.KAM_DIGEST_INTERVAL_DAYS, settings.KAM_DIGEST_WEEKDAY)


def _period_containing(day: datetime.date, r: Rhythm) -> Period:
    offset = (day - r.anchor).days // r.interval_days
    start = r.anchor + datetime.timedelta(days=offset * r.interval_days)
    return Period(start, start + datetime.timedelta(days=r.interval_days - 1))


def due_period(now: datetime.datetime, r: Rhythm | None = None) -> Period:
    """The latest period whose digest should have gone out by `now`."""
    r = r or rhythm()
    local = timezone.localtime(now)
    day = local.date()
    if local.hour < settings.KAM_SCHEDULE_HOUR:
        day -= datetime.timedelta(days=1)  # today's digest is not due before the hour
    current = _period_containing(day, r)
    return _period_containing(current.start - datetime.timedelta(days=1), r)


def running_period(today: datetime.date | None = None, r: Rhythm | None = None) -> Period:
    """The period under way, covered by the next digest (for a preview)."""
    r = r or rhythm()
    return _period_containing(today or timezone.localdate(), r)


def next_send_days(
    count: int, today: datetime.date | None = None, r: Rhythm | None = None
) -> list[datetime.date]:
    """The next `count` days a digest goes out, today included if it is one."""
    r = r or rhythm()
    today = today or timezone.localdate()
    first = _period_containing(today - datetime.timedelta(days=1), r).send_on
    return [first + datetime.timedelta(days=i * r.interval_days) for i in range(count)]
