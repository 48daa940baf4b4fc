from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.currency.currencies import (
    currencies_in_rate_table,
    currency_choices,
    reporting_currency,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        # The browser's date picker sends and expects ISO dates whatever the language.
        super().__init__(format="%Y-%m-%d", **kwargs)


class _CurrencyChoices(forms.Form):
    currency_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shown = [str(self.data.get(name) or "").upper() for name in self.currency_fields]
        choices = currency_choices(extra=shown)
        for name in self.currency_fields:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class RateForm(_CurrencyChoices):
    currency_fields = ("base", "quote")

    base = forms.ChoiceField(label=_("From currency"), initial="EUR")
    quote = forms.ChoiceField(
        label=_("To currency"),
        help_text=_("One unit of the first currency is worth the rate in the second."),
    )
    effective_date = forms.DateField(
        label=_("Effective from"),
        widget=DateInput(),
        help_text=_("The rate applies from this date until the next rate of the pair."),
    )
    rate = forms.DecimalField(
        label=_("Rate"), max_digits=20, decimal_places=10, min_value=0, localize=True
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("Where the rate comes from, e.g. ECB or Norges Bank."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"effective_date": timezone.localdate(), "quote": reporting_currency()}
        )
        super().__init__(*args, **kwargs)
        self.fields["rate"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


class RateEditForm(forms.Form):
    rate = forms.DecimalField(
        label=_("Rate"), max_digits=20, decimal_places=10, min_value=0, localize=True
    )
    source = forms.CharField(label=_("Source"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


class RateFilterForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All currencies")), *((code, code) for code in codes)]


class RateImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns date, base, quote, rate and optionally source; UTF-8."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("For rows without a source of their own, e.g. ECB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


class ConvertForm(_CurrencyChoices):
    currency_fields = ("currency", "target")

    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=4, localize=True)
    currency = forms.ChoiceField(label=_("Currency"))
    on = forms.DateField(label=_("On"), widget=DateInput())
    target = forms.ChoiceField(label=_("Into"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        target = reporting_currency()
        foreign = sorted(currencies_in_rate_table() - {target})
        kwargs.setdefault(
            "initial",
            {
                "on": timezone.localdate(),
                "target": target,
                "currency": foreign[0] if foreign else target,
                "amount": 1000,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal"})
