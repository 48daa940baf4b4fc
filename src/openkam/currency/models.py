"""Currencies and exchange rates with effective dates.

A rate row says: from `effective_date` on (until a later row for the same pair), one unit of
`base` is worth `rate` units of `quote`. Conversions use the rate in force on the
transaction's date and report which rate that was.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from openkam.core.models import TimeStampedModel

currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code, e.g. EUR, NOK, SEK.")
)


class ExchangeRate(TimeStampedModel):
    base = models.CharField(_("from currency"), max_length=3, validators=[currency_code_validator])
    quote = models.CharField(_("to currency"), max_length=3, validators=[currency_code_validator])
    effective_date = models.DateField(_("effective from"))
    rate = models.DecimalField(
        _("rate"),
        max_digits=20,
        decimal_places=10,
        validators=[MinValueValidator(0)],
        help_text=_("Units of the 'to' currency for one unit of the 'from' currency."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["base", "quote", "-effective_date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "effective_date"],
                name="one_rate_per_pair_and_day",
                violation_error_message=_("A rate for this pair and date exists already."),
            ),
            models.CheckConstraint(
                condition=~models.Q(base=models.F("quote")),
                name="rate_between_two_currencies",
                violation_error_message=_("A rate converts between two different currencies."),
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0),
                name="rate_positive",
                violation_error_message=_("A rate must be above zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate.normalize()} {self.quote} ({self.effective_date})"

    def describe_pair(self) -> str:
        """ "1 EUR = 11,5 NOK" with the rate in the active locale."""
        rate = number_format(self.rate.normalize(), use_l10n=True)
        return f"1 {self.base} = {rate} {self.quote}"

    @property
    def inverse(self) -> Decimal:
        return (1 / self.rate).quantize(Decimal("0.000001")) if self.rate else Decimal(0)
