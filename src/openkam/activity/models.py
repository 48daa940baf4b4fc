"""The history of a relationship: interactions with the client, their files, and timeline events
that other domains (commitments, stakeholders, tiers...) record on an account's timeline."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.core.models import VersionedModel


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    PRESENTATION = "presentation", _("Presentation")
    EXHIBITION = "exhibition", _("Exhibition / fair")
    NOTE = "note", _("Note")


# Kinds that are real contact with the client and count for the contact cadence; a note is
# something we wrote down for ourselves.
MEANINGFUL_KINDS: tuple[str, ...] = tuple(k for k in InteractionKind.values if k != "note")


class Interaction(VersionedModel):
    """One contact with the client (or an internal note about them), with who took part."""

    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=InteractionKind.choices, default=InteractionKind.MEETING
    )
    occurred_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    next_step_done_at = models.DateTimeField(_("next step done"), null=True, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    our_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our participants"),
        blank=True,
        related_name="interactions_attended",
    )
    their_participants = models.ManyToManyField(
        "stakeholders.Stakeholder",
        verbose_name=_("their participants"),
        blank=True,
        related_name="interactions",
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(
                fields=["account", "-occurred_at", "-id"], name="interaction_account_time"
            ),
            models.Index(
                fields=["account", "kind", "-occurred_at"], name="interaction_account_kind"
            ),
            models.Index(fields=["-occurred_at", "-id"], name="interaction_time"),
            models.Index(
                fields=["account", "next_step_due"],
                condition=Q(next_step_done_at__isnull=True) & ~Q(next_step=""),
                name="interaction_open_next_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def next_step_open(self) -> bool:
        return bool(self.next_step) and self.next_step_done_at is None

    @property
    def next_step_overdue(self) -> bool:
        return (
            self.next_step_open
            and self.next_step_due is not None
            and self.next_step_due < timezone.localdate()
        )


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files are stored under a random name: the user's name is kept in `original_name` only,
    so nothing a client sends can choose or guess a path on the server."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    if not suffix[1:].isalnum():
        suffix = ""
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file of any type attached to an interaction (offer, minutes, presentation...)."""

    interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("interaction"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["original_name", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class TimelineEventKind(models.TextChoices):
    """What other domains record on an account's timeline.

    The column has no database choices, so an app adds its values here without a migration.
    """

    NOTE = "note", _("Note")
    ACCOUNT_CREATED = "account_created", _("Account created")
    TIER_CHANGED = "tier_changed", _("Tier changed")
    OWNER_CHANGED = "owner_changed", _("Owner changed")
    STAKEHOLDER_ADDED = "stakeholder_added", _("Person added")
    STAKEHOLDER_CHANGED = "stakeholder_changed", _("Person changed")
    STAKEHOLDER_LEFT = "stakeholder_left", _("Person left the company")
    COMMITMENT_CREATED = "commitment_created", _("Promise made")
    COMMITMENT_RESCHEDULED = "commitment_rescheduled", _("Promise rescheduled")
    COMMITMENT_DONE = "commitment_done", _("Promise kept")
    COMMITMENT_BROKEN = "commitment_broken", _("Promise broken")
    COMMITMENT_CANCELLED = "commitment_cancelled", _("Promise cancelled")
    KNOWLEDGE_ADDED = "knowledge_added", _("Knowledge added")
    REVENUE = "revenue", _("Revenue")


class TimelineEvent(models.Model):
    """Something that happened on an account besides an interaction, recorded by its domain
    (`source_type`/`source_id` point back to the record, for a link and for de-duplication)."""

    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="timeline_events",
    )
    occurred_at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("type"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_type = models.CharField(_("source"), max_length=50, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    stakeholder = models.ForeignKey(
        "stakeholders.Stakeholder",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timeline_events",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["account", "-occurred_at", "-id"], name="timeline_account_time"),
            models.Index(fields=["stakeholder", "-occurred_at"], name="timeline_stakeholder_time"),
            models.Index(fields=["source_type", "source_id"], name="timeline_source"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> Any:
        try:
            return TimelineEventKind(self.kind).label
        except ValueError:
            return self.kind.replace("_", " ").capitalize()
