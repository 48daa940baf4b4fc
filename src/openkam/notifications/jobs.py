"""The notifications app's own scheduled job: keeping the outbox and the run log small."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from openkam.notifications.models import EmailStatus, JobRun, OutgoingEmail, WorkerHeartbeat
from openkam.notifications.scheduler import Job, JobContext, daily, register


def prune(context: JobContext) -> str:
    """Forget sent e-mails, finished runs and stopped workers older than KAM_OUTBOX_KEEP_DAYS.

    The notifications themselves stay: they are the person's record of what they were told.
    """
    cutoff = context.now - timedelta(days=settings.KAM_OUTBOX_KEEP_DAYS)
    emails, _ = OutgoingEmail.objects.filter(
        status__in=[EmailStatus.SENT, EmailStatus.FAILED], created_at__lt=cutoff
    ).delete()
    runs, _ = JobRun.objects.filter(finished_at__lt=cutoff).delete()
    workers, _ = WorkerHeartbeat.objects.filter(stopped_at__lt=cutoff).delete()
    return f"pruned {emails} e-mails, {runs} job runs, {workers} stopped workers"


def register_jobs() -> None:
    register(Job(name="notifications.prune", due=daily, run=prune))
