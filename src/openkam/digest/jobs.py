"""The digest's place in the schedule: due once per period, from the morning after it."""

from __future__ import annotations

import datetime

from openkam.digest.periods import Period, due_period, rhythm
from openkam.digest.services import digests_run
from openkam.notifications.scheduler import Job, JobContext, register


def _due(now: datetime.datetime) -> str:
    return due_period(now).key


def run(context: JobContext) -> str:
    period = due_period(context.now)
    if period.key != context.period:  # a retried claim from an earlier period
        start = datetime.date.fromisoformat(context.period)
        period = Period(start, start + datetime.timedelta(days=rhythm().interval_days - 1))
    summary = digests_run(period=period, today=context.today)
    return f"period {period.start}–{period.end}: {summary.generated} digest(s) generated, " + (
        f"{summary.notified} reader(s) notified"
    )


def register_jobs() -> None:
    register(Job(name="digest.periodic", due=_due, run=run))
