from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from openkam.accounts.models import Tier
from openkam.insights.periods import presets


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PortfolioFilterForm(forms.Form):
    """The filter bar of the portfolio page. Query parameter names are those of the API."""

    preset = forms.ChoiceField(label=_("Period"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    owner = forms.TypedChoiceField(label=_("KAM"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)
    accounts = forms.CharField(label=_("Accounts"), required=False, widget=forms.HiddenInput)
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off", "pattern": "[A-Za-z]{3}"}),
    )
    abc_a = forms.IntegerField(
        label=_("Class A up to (%)"), required=False, min_value=1, max_value=99
    )
    abc_b = forms.IntegerField(
        label=_("Class B up to (%)"), required=False, min_value=1, max_value=99
    )

    def __init__(
        self,
        *args: Any,
        country_codes: list[str],
        owners: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        preset = self.fields["preset"]
        assert isinstance(preset, forms.ChoiceField)
        preset.choices = [("", _("Custom dates"))] + [(p.key, p.label) for p in presets()]
        tier = self.fields["tier"]
        assert isinstance(tier, forms.ChoiceField)
        tier.choices = [("", _("All tiers")), *Tier.choices]
        names = dict(countries)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("All countries"))] + [
            (code, names.get(code, code)) for code in country_codes
        ]
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", _("All KAMs"))] + [(pk, name) for pk, name in owners]
