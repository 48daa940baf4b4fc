"""Telling people things: in-app notifications, the e-mail outbox, preferences, and the claim
rows that make scheduled work happen once however many workers run.

Exactly-once is built from unique keys, not from locks held across a send:
- a notification is unique per (recipient, key), so repeating a job never repeats it;
- an e-mail is a row in the outbox, unique per key, created in the same transaction as its
  notification; a worker claims it for a lease, sends it, then marks it sent;
- a scheduled job is claimed per (job, period) in `JobRun`; a claim whose lease ran out (its
  worker died) is taken over, and the job, being idempotent, finishes what is missing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about. The column has no database choices: apps that arrive
    later (complaints, proposals, tenders) add their kinds here without a migration."""

    COMMITMENT_DUE_SOON = "commitment_due_soon", _("Promise due soon")
    COMMITMENT_OVERDUE = "commitment_overdue", _("Promise overdue")
    COMMITMENT_OVERDUE_ACCOUNT = "commitment_overdue_account", _("Overdue promise on your account")
    COMMITMENT_ASSIGNED = "commitment_assigned", _("Promise handed to you")
    ACCOUNT_NEGLECTED = "account_neglected", _("Account without contact")
    DIGEST = "digest", _("Digest")


# Which kinds go out by e-mail unless the person chose otherwise.
EMAIL_BY_DEFAULT: dict[str, bool] = {
    NotificationKind.COMMITMENT_DUE_SOON: True,
    NotificationKind.COMMITMENT_OVERDUE: True,
    NotificationKind.COMMITMENT_OVERDUE_ACCOUNT: True,
    NotificationKind.COMMITMENT_ASSIGNED: False,
    NotificationKind.ACCOUNT_NEGLECTED: False,
    NotificationKind.DIGEST: True,
}


class Notification(models.Model):
    """One message to one person in the notification centre."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What makes this notification unique for its recipient, e.g. "due_soon:12:2026-05-04":
    # a job that runs twice finds the row and creates nothing.
    key = models.CharField(max_length=200)
    source_type = models.CharField(max_length=50, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        try:
            return str(NotificationKind(self.kind).label)
        except ValueError:
            return self.kind.replace("_", " ").capitalize()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingEmail(models.Model):
    """An e-mail waiting in (or gone from) the outbox.

    A worker claims a row until `claimed_until`, sends it, then marks it sent. If the worker
    dies between claiming and marking, the lease runs out and another worker sends it again:
    delivery is at least once, and more than once only if a worker dies in the moment between
    the SMTP server accepting the message and the row being marked. The Message-ID stays the
    same on every attempt, so mail systems that drop duplicates by Message-ID drop that one.
    """

    key = models.CharField(max_length=200, unique=True)
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(max_length=250)
    status = models.CharField(
        _("status"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class NotificationPreference(models.Model):
    """A person's choices: how early to be reminded, and which kinds also come by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    reminder_lead_days = models.PositiveSmallIntegerField(
        _("remind me this many days before a due date"),
        null=True,
        blank=True,
        help_text=_("Empty: the installation's default."),
    )
    # kind -> True/False where the person chose otherwise than EMAIL_BY_DEFAULT.
    email_choices = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class JobRun(models.Model):
    """The claim on one run of a scheduled job for one period (a day, a digest period).

    Unique per (job, period): the first worker to insert the row runs the job; the others skip
    it. `claimed_until` is a lease the running worker extends; once it has passed without the
    run finishing, the worker is presumed dead and another takes the claim over.
    """

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    claimed_by = models.CharField(max_length=64)
    claimed_until = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="job_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class WorkerHeartbeat(models.Model):
    """A running `kam worker`: tasks it claimed are handed to another worker once its
    heartbeat has been silent for longer than the lease."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.worker_id
