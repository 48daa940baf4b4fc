"""Building blocks every domain app shares: timestamps, versions and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A shared record edited by several people: each save moves `version` on by one.

    Services update it with a conditional UPDATE on the version the user saw, so that a
    stale edit is refused instead of silently overwriting someone else's change.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")


class AuditEntry(models.Model):
    """Who changed which business record when, and each field from what to what.

    `root` is the record on whose page the entry is shown (an account for a change to its
    team), `target` the record that changed. Values are stored as the user saw them
    (display strings), so that history stays readable after related records are gone.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.BigIntegerField()
    target_repr = models.CharField(max_length=300)
    root_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    root_id = models.BigIntegerField()
    version = models.PositiveIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["root_type", "root_id", "-at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_repr}"

    @property
    def target_kind(self) -> str:
        """What kind of record changed, in the reader's language (needs target_type loaded)."""
        model = self.target_type.model_class()
        return str(model._meta.verbose_name) if model is not None else self.target_type.model

    @property
    def change_rows(self) -> list[dict[str, Any]]:
        return [
            {"field": value.get("label", name), "old": value.get("old"), "new": value.get("new")}
            for name, value in self.changes.items()
        ]
