"""Promises, both ways: what we promised the client and what the client promised us.

A promise is kept on time or rescheduled honestly: moving its due date is a reschedule, which
records why, what the client was told (the apology or explanation), how and when they were
told, and the new date. The due date changes in no other way.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.core.models import VersionedModel
from openkam.stakeholders.models import Channel


class Direction(models.TextChoices):
    OURS = "ours", _("We promised")
    THEIRS = "theirs", _("The client promised")


class CommitmentStatus(models.TextChoices):
    """Stored statuses. "Overdue" is not stored: it is an open promise past its due date."""

    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Commitment(VersionedModel):
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.OURS
    )
    title = models.CharField(_("what"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    stakeholder = models.ForeignKey(
        "stakeholders.Stakeholder",
        verbose_name=_("to / from whom"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
        help_text=_("The person at the client we promised it to, or who promised it to us."),
    )
    interaction = models.ForeignKey(
        "activity.Interaction",
        verbose_name=_("promised at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="commitments_owned",
        help_text=_("Who on our side keeps the promise, or follows up the client's."),
    )
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField(_("first promised for"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.OPEN,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)
    cancelled_reason = models.TextField(_("why cancelled"), blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="commitment_completed_on_iff_done",
                violation_error_message=_("A promise has a completion date exactly when done."),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "due_date"], name="commitment_account"),
            models.Index(fields=["owner", "status", "due_date"], name="commitment_owner"),
            models.Index(
                fields=["due_date"], condition=Q(status="open"), name="commitment_open_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == CommitmentStatus.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def days_overdue(self) -> int:
        return max(0, (timezone.localdate() - self.due_date).days) if self.is_open else 0

    @property
    def days_left(self) -> int:
        return (self.due_date - timezone.localdate()).days

    @property
    def kept_on_time(self) -> bool | None:
        """True when done by its due date; None while open or when cancelled."""
        if self.status != CommitmentStatus.DONE or self.completed_on is None:
            return None
        return self.completed_on <= self.due_date

    @property
    def state(self) -> str:
        """The status a reader sees: "overdue" for an open promise past its date."""
        return "overdue" if self.overdue else self.status

    @property
    def state_label(self) -> str:
        if self.overdue:
            return str(_("Overdue"))
        return str(self.get_status_display())


class CommitmentReschedule(models.Model):
    """One move of a promise's due date, with what the client was told. Never edited."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("promise"),
        on_delete=models.CASCADE,
        related_name="reschedules",
    )
    old_due_date = models.DateField(_("was due"))
    new_due_date = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    client_message = models.TextField(
        _("what the client was told"),
        help_text=_("The apology or explanation given to the client."),
    )
    informed_via = models.CharField(_("told by"), max_length=20, choices=Channel.choices)
    informed_on = models.DateField(_("told on"))
    informed_person = models.ForeignKey(
        "stakeholders.Stakeholder",
        verbose_name=_("told whom"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["commitment", "recorded_at", "id"]
        verbose_name = _("reschedule")
        verbose_name_plural = _("reschedules")
        indexes = [models.Index(fields=["recorded_at"], name="reschedule_recorded")]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.old_due_date} → {self.new_due_date}"

    @property
    def told_in_advance(self) -> bool:
        """The client heard of the delay before the promise was due (domain.md, section 3)."""
        return self.informed_on <= self.old_due_date
