"""The head's digest: a periodic report on the state and problems of each key account, for
the whole department and for each KAM, archived as it was sent."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.TextChoices):
    MONDAY = "monday", _("Monday")
    TUESDAY = "tuesday", _("Tuesday")
    WEDNESDAY = "wednesday", _("Wednesday")
    THURSDAY = "thursday", _("Thursday")
    FRIDAY = "friday", _("Friday")
    SATURDAY = "saturday", _("Saturday")
    SUNDAY = "sunday", _("Sunday")


class DigestSchedule(models.Model):
    """The department's digest rhythm, set by the head (one row; the settings when absent)."""

    interval_days = models.PositiveSmallIntegerField(
        _("every how many days"),
        validators=[MinValueValidator(1), MaxValueValidator(92)],
        help_text=_("7 for a weekly digest, 14 for every other week."),
    )
    weekday = models.CharField(
        _("sent on"),
        max_length=10,
        choices=Weekday.choices,
        help_text=_("The day the digest goes out; it covers the days before."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("digest schedule")
        verbose_name_plural = _("digest schedules")

    def __str__(self) -> str:
        return f"{self.interval_days} / {self.weekday}"


class DigestScope(models.TextChoices):
    DEPARTMENT = "department", _("Whole department")
    KAM = "kam", _("One KAM's accounts")


class Digest(models.Model):
    """One digest as generated: its period, the facts (`data`) and the report rendered from
    them in `language`. Unique per scope and period, so that it is generated once."""

    scope = models.CharField(_("scope"), max_length=20, choices=DigestScope.choices)
    kam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("KAM"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="digests",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    generated_at = models.DateTimeField(_("generated"), auto_now_add=True)
    language = models.CharField(max_length=10)
    data = models.JSONField(default=dict)
    content_html = models.TextField()
    content_text = models.TextField()

    class Meta:
        ordering = ["-period_start", "scope", "id"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(
                fields=["period_start"],
                condition=Q(scope="department"),
                name="digest_department_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["kam", "period_start"],
                condition=Q(scope="kam"),
                name="digest_kam_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(scope="department", kam__isnull=True)
                | Q(scope="kam", kam__isnull=False),
                name="digest_kam_iff_kam_scope",
            ),
        ]
        indexes = [models.Index(fields=["kam", "-period_start"], name="digest_kam_period")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.period_start}–{self.period_end}"

    @property
    def totals(self) -> dict[str, object]:
        return dict(self.data.get("totals", {}))
