"""The schedule that `kam worker` runs beside the task queue: daily and periodic jobs that apps
register, run once per period however many workers are running.

How "once" holds:
- Each run of a job is claimed by inserting `JobRun(job, period)`; the unique constraint lets
  exactly one worker win. The winner holds a lease (`claimed_until`) that its heartbeat thread
  keeps extending while the process lives.
- A worker killed mid-run stops extending its lease; when it has run out, the next worker to
  look takes the claim over and runs the job again. Jobs are therefore written to be
  idempotent: everything they send is keyed (a notification per recipient and key, a digest
  per scope and period), so the second run only creates what the first did not get to.
- E-mails go through the outbox (see `OutgoingEmail`), claimed and marked one by one.

Catching up: a daily job runs for the current day only; after a worker was down for three
days, the next run looks at the state of today (reminders and alerts are keyed by due date,
so nothing due in between is lost, and no stale reminders pile up).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openkam.notifications.models import JobRun, OutgoingEmail, WorkerHeartbeat

logger = logging.getLogger("openkam.worker")


@dataclass(frozen=True)
class JobContext:
    job: str
    period: str
    now: datetime
    worker_id: str
    attempt: int

    @property
    def today(self) -> date:
        return timezone.localtime(self.now).date()


@dataclass(frozen=True)
class Job:
    """A job of the schedule.

    `due(now)` names the period that should have run by `now` (e.g. today's date for a daily
    job), or None when nothing is due yet; `run(context)` does the work and returns a
    one-line summary for the log.
    """

    name: str
    due: Callable[[datetime], str | None]
    run: Callable[[JobContext], str]
    description: str = ""


_JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    """Add a job (apps call this from `AppConfig.ready`). Registering the same name again
    replaces it, so that a reloaded module does not run its job twice."""
    _JOBS[job.name] = job


def registered_jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def daily(now: datetime) -> str | None:
    """Due once a day, from KAM_SCHEDULE_HOUR local time."""
    local = timezone.localtime(now)
    if local.hour < settings.KAM_SCHEDULE_HOUR:
        return None
    return local.date().isoformat()


def lease() -> timedelta:
    return timedelta(seconds=settings.KAM_WORKER_LEASE_SECONDS)


# --- Claims --------------------------------------------------------------------------------


def job_claim(*, job: str, period: str, worker_id: str, now: datetime) -> JobRun | None:
    """The run of `job` for `period` if this worker may do it now, else None.

    Finished runs are never repeated; a run whose lease has expired is taken over (its worker
    died, or its last attempt failed and is due to be retried).
    """
    existing = JobRun.objects.filter(job=job, period=period).first()
    if existing is None:
        try:
            with transaction.atomic():
                return JobRun.objects.create(
                    job=job, period=period, claimed_by=worker_id, claimed_until=now + lease()
                )
        except IntegrityError:  # another worker inserted it first
            existing = JobRun.objects.filter(job=job, period=period).first()
            if existing is None:
                raise
    if existing.finished_at is not None or existing.claimed_until >= now:
        return None
    taken = JobRun.objects.filter(
        pk=existing.pk, finished_at__isnull=True, claimed_until__lt=now
    ).update(claimed_by=worker_id, claimed_until=now + lease(), attempts=F("attempts") + 1)
    if taken != 1:
        return None  # another worker took it over first
    existing.refresh_from_db()
    logger.warning(
        "Taking over %s for %s (attempt %s): the previous claim ran out.",
        job,
        period,
        existing.attempts,
    )
    return existing


def _finish(run: JobRun, worker_id: str, summary: str) -> None:
    JobRun.objects.filter(pk=run.pk, claimed_by=worker_id).update(
        finished_at=timezone.now(), summary=summary[:2000], last_error=""
    )


def _fail(run: JobRun, worker_id: str, error: BaseException) -> None:
    # Keep the claim but let it run out in a few minutes, when any worker retries it.
    retry_at = timezone.now() + timedelta(seconds=settings.KAM_JOB_RETRY_SECONDS)
    JobRun.objects.filter(pk=run.pk, claimed_by=worker_id).update(
        claimed_until=retry_at, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


@dataclass
class TickResult:
    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    emails_sent: int = 0
    tasks_requeued: int = 0


def tick(*, worker_id: str, now: datetime | None = None, deliver: bool = True) -> TickResult:
    """Run every job that is due and not yet claimed, then send what waits in the outbox."""
    from openkam.notifications.services import outbox_deliver

    result = TickResult()
    now = now or timezone.now()
    result.tasks_requeued = recover_orphaned_tasks(now=now)
    for job in registered_jobs():
        period = job.due(now)
        if period is None:
            continue
        run = job_claim(job=job.name, period=period, worker_id=worker_id, now=now)
        if run is None:
            continue
        context = JobContext(
            job=job.name, period=period, now=now, worker_id=worker_id, attempt=run.attempts
        )
        try:
            summary = job.run(context)
        except Exception as exc:
            logger.exception("Job %s for %s failed; it will be retried.", job.name, period)
            _fail(run, worker_id, exc)
            result.failed.append(job.name)
            continue
        _finish(run, worker_id, summary)
        logger.info("Job %s for %s: %s", job.name, period, summary)
        result.ran.append(job.name)
    if deliver:
        result.emails_sent = outbox_deliver(worker_id=worker_id)
        if result.emails_sent:
            logger.info("Sent %s e-mail(s).", result.emails_sent)
    return result


# --- Workers' heartbeats and tasks left behind by dead workers -----------------------------


def heartbeat_start(*, worker_id: str, pid: int | None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": pid,
            "last_seen": timezone.now(),
            "stopped_at": None,
        },
    )


def heartbeat_beat(*, worker_id: str) -> None:
    """Tell the others this worker lives, and keep the leases on what it holds."""
    now = timezone.now()
    until = now + lease()
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    JobRun.objects.filter(
        claimed_by=worker_id, finished_at__isnull=True, claimed_until__gte=now
    ).update(claimed_until=until)
    OutgoingEmail.objects.filter(
        claimed_by=worker_id, status="pending", claimed_until__gte=now
    ).update(claimed_until=until)


def heartbeat_stop(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def recover_orphaned_tasks(*, now: datetime) -> int:
    """Put back in the queue the tasks that a `kam worker` was running when it died.

    django-tasks leaves such a task "running" forever. A worker whose heartbeat has been
    silent for longer than the lease is dead; its running tasks go back to "ready" and run
    again from the start (at least once: task functions must be idempotent). Tasks claimed
    by processes that keep no heartbeat (a plain `kam db_worker`) are never touched.
    """
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    dead = set(
        WorkerHeartbeat.objects.filter(
            stopped_at__isnull=True, last_seen__lt=now - lease()
        ).values_list("worker_id", flat=True)
    )
    if not dead:
        return 0
    requeued = 0
    for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids"):
        if worker_ids and worker_ids[-1] in dead:
            requeued += (
                DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.READY, started_at=None
                )
                or 0
            )
    WorkerHeartbeat.objects.filter(worker_id__in=dead).update(stopped_at=now)
    if requeued:
        logger.warning("Requeued %s task(s) left running by a dead worker.", requeued)
    return requeued


def job_runs_recent(*, limit: int = 20) -> list[Any]:
    return list(JobRun.objects.order_by("-started_at", "-id")[:limit])
