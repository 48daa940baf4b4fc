"""Building blocks every domain app shares: timestamps, versions and the audit log."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    # Read after the actor's name ("Astrid created …"): a verb, unlike the field labels.
    CREATE = "create", pgettext_lazy("audit action", "created")
    UPDATE = "update", pgettext_lazy("audit action", "updated")
    DELETE = "delete", pgettext_lazy("audit action", "deleted")


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
    # No index of its own: the (root_type, root_id, -at) index below starts with it.
    root_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", db_index=False
    )
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
    def summary(self) -> SafeString:
        """What happened, as a sentence about the changed record (needs target_type loaded).

        A model may word its entries with `audit_phrases`: {action: "added %(target)s to the
        team"}; otherwise "<action> <kind> <record>" is shown. The record's name is escaped.
        """
        model = self.target_type.model_class()
        phrases: dict[str, Any] = getattr(model, "audit_phrases", {}) if model else {}
        target = format_html("<em>{}</em>", self.target_repr)
        if self.action in phrases:
            return mark_safe(conditional_escape(phrases[self.action]) % {"target": target})  # noqa: S308
        return format_html("{} {} {}", self.get_action_display(), self.target_kind, target)

    @property
    def change_rows(self) -> list[dict[str, Any]]:
        """The changed fields in the reader's language (needs target_type loaded).

        Entries store labels and values as their writer read them; field names and choice
        labels are translated again for the reader, whatever language the writer used.
        """
        model = self.target_type.model_class()
        # In the model's field order: PostgreSQL's jsonb does not keep the order of the keys.
        position = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
        names = sorted(self.changes, key=lambda name: position.get(name, len(position)))
        rows = []
        for name in names:
            value = self.changes[name]
            field = _model_field(model, name)
            old, new = value.get("old"), value.get("new")
            if field is not None and field.choices:
                old, new = _choice_label(field, old), _choice_label(field, new)
            label = str(field.verbose_name) if field is not None else value.get("label", name)
            rows.append({"field": label, "old": old, "new": new})
        return rows


def _model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


@functools.cache
def _choice_values(field: models.Field[Any, Any]) -> dict[str, Any]:
    """Each choice's label in every configured language, mapped back to its value."""
    values: dict[str, Any] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values.update({str(label): value for value, label in field.flatchoices})
    return values


def _choice_label(field: models.Field[Any, Any], shown: Any) -> Any:
    if not shown or str(shown) not in _choice_values(field):
        return shown
    value = _choice_values(field)[str(shown)]
    return str(dict(field.flatchoices).get(value, shown))
