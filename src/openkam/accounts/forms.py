from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from openkam.accounts.models import Account, TeamRole, Tier
from openkam.core.choices import Level
from openkam.currency.currencies import currency_choices
from openkam.users.selectors import users_for_teams, users_who_can_own_accounts


class ChoicesMixin(forms.Form):
    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


class AccountForm(ChoicesMixin):
    """The account's fields as a person edits them. Rules (tier approval, owner assignment,
    hierarchy) are enforced by the services; this form only checks the shape of input."""

    name = forms.CharField(label=_("Name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=250, required=False)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=50,
        required=False,
        help_text=_("Organisation number in the company register."),
    )
    vat_number = forms.CharField(label=_("VAT number"), max_length=50, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        help_text=_("The currency the account is invoiced in; amounts are shown in it."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    parent = forms.IntegerField(label=_("Parent account"), required=False, widget=forms.HiddenInput)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    tier_reason = forms.CharField(
        label=_("Reason for the tier"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the head of key accounts with your request."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (KAM)"), queryset=users_who_can_own_accounts(), required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("country").choices = [("", "—"), *list(countries)]
        shown = [str(self.initial.get("currency") or ""), str(self.data.get("currency") or "")]
        self._choice_field("currency").choices = [
            ("", _("As usual in the country")),
            *currency_choices(extra=shown),
        ]
        if actor.role != "head":
            # Only the head assigns KAMs; a KAM's tier choice becomes a request.
            del self.fields["owner"]
            self.fields["tier"].help_text = _(
                "A change of tier is sent to the head of key accounts for approval."
            )
        else:
            del self.fields["tier_reason"]
            self.fields["owner"].required = True

    def account_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("tier_reason", None)
        if "owner" in data:
            data["owner"] = data["owner"].pk if data["owner"] else None
        return data

    @staticmethod
    def initial_for(account: Account) -> dict[str, Any]:
        return {
            "name": account.name,
            "legal_name": account.legal_name,
            "registration_number": account.registration_number,
            "vat_number": account.vat_number,
            "industry": account.industry,
            "country": getattr(account.country, "code", "") or "",
            "currency": account.currency,
            "website": account.website,
            "parent": account.parent_id,
            "tier": account.tier,
            "owner": account.owner_id,
            "notes": account.notes,
            "version": account.version,
        }


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=users_for_teams(), empty_label=_("Choose a colleague")
    )
    team_role = forms.ChoiceField(
        label=_("Team role"), choices=TeamRole.choices, initial=TeamRole.SALES
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.SPECIALIST)

    def __init__(self, *args: Any, account: Account | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if account is not None:
            # Offer only colleagues who are not on the team yet.
            field = self.fields["user"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = users_for_teams().exclude(account_memberships__account=account)


class TeamMemberEditForm(forms.Form):
    team_role = forms.ChoiceField(label=_("Team role"), choices=TeamRole.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)


class TierDecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AccountFilterForm(ChoicesMixin):
    q = forms.CharField(label=_("Search"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("All tiers"))])
    country = forms.ChoiceField(label=_("Country"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    sort = forms.CharField(required=False)

    def __init__(
        self,
        *args: Any,
        country_codes: list[str],
        currency_codes: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("tier").choices = [("", _("All tiers")), *Tier.choices]
        names = dict(countries)
        self._choice_field("country").choices = [("", _("All countries"))] + [
            (code, names.get(code, code)) for code in country_codes
        ]
        self._choice_field("currency").choices = [("", _("All currencies"))] + [
            (code, code) for code in currency_codes or []
        ]
        self._choice_field("owner").choices = [("", _("All owners"))] + [
            (user.pk, str(user)) for user in users_who_can_own_accounts()
        ]
