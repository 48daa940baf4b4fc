"""Contact cadence: how long a key account may go without meaningful contact (domain.md,
section 3: no key client is forgotten for longer than the reporting interval).

Each tier has a maximum interval (the head sets them), an account may override its tier's,
and decision makers and economic buyers may have an interval of their own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Tier
from openkam.core.models import VersionedModel

MAX_INTERVAL_DAYS = 730

# The articles' defaults (key 14, growth 30, maintain 90 days; "other" is not tracked), and an
# interval for the decision makers and economic buyers of key and growth accounts.
DEFAULTS: dict[str, tuple[int | None, int | None]] = {
    Tier.KEY: (14, 30),
    Tier.GROWTH: (30, 60),
    Tier.MAINTAIN: (90, None),
    Tier.OTHER: (None, None),
}

_interval_validators = [MinValueValidator(1), MaxValueValidator(MAX_INTERVAL_DAYS)]


class TierCadence(models.Model):
    """The head's setting for one tier. A missing row means the defaults above."""

    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, unique=True)
    max_days = models.PositiveSmallIntegerField(
        _("days between contacts"),
        null=True,
        blank=True,
        validators=_interval_validators,
        help_text=_("Empty: accounts of this tier are not tracked."),
    )
    key_people_max_days = models.PositiveSmallIntegerField(
        _("days between contacts with decision makers and economic buyers"),
        null=True,
        blank=True,
        validators=_interval_validators,
        help_text=_("Empty: these people are not tracked one by one."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["tier"]
        verbose_name = _("tier cadence")
        verbose_name_plural = _("tier cadences")

    def __str__(self) -> str:
        return str(self.get_tier_display())


class AccountCadence(VersionedModel):
    """An account's own cadence, overriding its tier's (empty fields follow the tier)."""

    account = models.OneToOneField(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="cadence",
    )
    exempt = models.BooleanField(
        _("not tracked"),
        default=False,
        help_text=_("E.g. a site whose contact runs through its group."),
    )
    max_days = models.PositiveSmallIntegerField(
        _("days between contacts"), null=True, blank=True, validators=_interval_validators
    )
    key_people_max_days = models.PositiveSmallIntegerField(
        _("days between contacts with decision makers and economic buyers"),
        null=True,
        blank=True,
        validators=_interval_validators,
    )
    note = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("account cadence")
        verbose_name_plural = _("account cadences")

    def __str__(self) -> str:
        return str(self.account)

    @property
    def is_default(self) -> bool:
        return not self.exempt and self.max_days is None and self.key_people_max_days is None
