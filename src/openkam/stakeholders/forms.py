"""Forms for people of the decision-making unit. They check the shape of input; the services
enforce the rules (same client for reports-to, no cycles, group accounts only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Account
from openkam.core.choices import Level
from openkam.stakeholders.models import (
    Attitude,
    BuyingRole,
    Channel,
    Persona,
    PersonalNote,
    Stakeholder,
    StakeholderStatus,
)
from openkam.stakeholders.selectors import group_accounts, group_people

INFLUENCE_CHOICES = [
    (1, _("1 – little say")),
    (2, _("2 – some say")),
    (3, _("3 – heard")),
    (4, _("4 – strong")),
    (5, _("5 – decisive")),
]


class PersonChoiceField(forms.ModelChoiceField[Stakeholder]):
    def label_from_instance(self, obj: Stakeholder) -> str:
        return _person_label(obj)


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class StakeholderForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    department = forms.CharField(label=_("Department"), max_length=150, required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=_blank(_("Not known")) + Level.choices, required=False
    )
    buying_role = forms.ChoiceField(
        label=_("Buying role"),
        choices=_blank(_("Not known")) + BuyingRole.choices,
        required=False,
        help_text=_("The part they play in the client's buying decision."),
    )
    attitude = forms.ChoiceField(
        label=_("Attitude to us"), choices=Attitude.choices, initial=Attitude.NEUTRAL
    )
    influence = forms.TypedChoiceField(
        label=_("Influence"), choices=INFLUENCE_CHOICES, coerce=int, initial=3
    )
    reports_to = PersonChoiceField(
        label=_("Reports to"),
        queryset=Stakeholder.objects.none(),
        required=False,
        empty_label=_("Nobody recorded"),
    )
    other_accounts = forms.ModelMultipleChoiceField(
        label=_("Also sits in"),
        queryset=Account.objects.none(),
        required=False,
        help_text=_("Other accounts of the same group this person also works for."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=50, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    profile_url = forms.URLField(
        label=_("Profile URL"),
        required=False,
        assume_scheme="https",
        max_length=300,
        help_text=_("E.g. their LinkedIn profile."),
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"),
        choices=_blank(_("Not known")) + Channel.choices,
        required=False,
    )
    persona = forms.ChoiceField(
        label=_("Persona for proposals"),
        choices=_blank(_("Not known")) + Persona.choices,
        required=False,
        help_text=_("Which arguments to lead with in a proposal they read."),
    )
    verified = forms.BooleanField(
        label=_("I checked these details are current"), required=False, initial=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        account: Account,
        user: Any,
        person: Stakeholder | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        people = self.fields["reports_to"]
        assert isinstance(people, forms.ModelChoiceField)
        people.queryset = group_people(account=account, exclude_id=person.pk if person else None)
        others = self.fields["other_accounts"]
        assert isinstance(others, forms.ModelMultipleChoiceField)
        others.queryset = group_accounts(user=user, account=account)
        if not others.queryset.exists():
            del self.fields["other_accounts"]
        if person is None:
            del self.fields["verified"]

    def stakeholder_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("version", "verified"):
            data.pop(name, None)
        if "other_accounts" in data:
            data["other_accounts"] = [a.pk for a in data["other_accounts"]]
        data["reports_to"] = data["reports_to"].pk if data.get("reports_to") else None
        return data

    @staticmethod
    def initial_for(person: Stakeholder) -> dict[str, Any]:
        return {
            **{
                name: getattr(person, name)
                for name in (
                    "first_name",
                    "last_name",
                    "job_title",
                    "department",
                    "level",
                    "buying_role",
                    "attitude",
                    "influence",
                    "email",
                    "phone",
                    "mobile",
                    "address",
                    "profile_url",
                    "preferred_channel",
                    "persona",
                )
            },
            "reports_to": person.reports_to_id,
            "other_accounts": [a.pk for a in person.other_accounts.all()],
            "verified": False,
            "version": person.version,
        }


def _person_label(person: Stakeholder) -> str:
    parts = [person.full_name]
    if person.job_title:
        parts.append(person.job_title)
    label = " · ".join(parts)
    if person.status == StakeholderStatus.LEFT:
        label += " (" + str(_("left")) + ")"
    return label


class PersonalNoteForm(forms.Form):
    birthday = forms.DateField(
        label=_("Birthday"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    family = forms.CharField(
        label=_("Family"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Partner, children: what they like to talk about."),
    )
    hobbies = forms.CharField(
        label=_("Hobbies"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    values = forms.CharField(
        label=_("Values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What matters to them at work and beyond."),
    )
    notes = forms.CharField(
        label=_("Personal notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    @staticmethod
    def initial_for(note: PersonalNote | None) -> dict[str, Any]:
        if note is None:
            return {}
        return {
            name: getattr(note, name)
            for name in ("birthday", "family", "hobbies", "values", "notes")
        }


class LeftForm(forms.Form):
    left_on = forms.DateField(
        label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StakeholderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=_blank(_("All levels")) + Level.choices, required=False
    )
    buying_role = forms.ChoiceField(
        label=_("Buying role"), choices=_blank(_("All roles")) + BuyingRole.choices, required=False
    )
    attitude = forms.ChoiceField(
        label=_("Attitude"), choices=_blank(_("Any attitude")) + Attitude.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("active", _("Active")),
            ("left", _("Left the company")),
            ("all", _("Everyone")),
        ],
        required=False,
    )
    stale = forms.BooleanField(label=_("Only stale"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[
            ("level", _("Level")),
            ("influence", _("Influence")),
            ("name", _("Name")),
            ("role", _("Buying role")),
            ("attitude", _("Attitude")),
            ("verified", _("Least recently verified")),
        ],
        required=False,
    )


class VCardUploadForm(forms.Form):
    file = forms.FileField(
        label=_("vCard file (.vcf)"),
        help_text=_(
            "Exported from Outlook, Google Contacts, Apple Contacts or another address book; "
            "vCard 2.1, 3.0 or 4.0, one or many cards."
        ),
    )


class VCardConfirmForm(forms.Form):
    ticket = forms.CharField(widget=forms.HiddenInput)
    skip_malformed = forms.BooleanField(required=False)
