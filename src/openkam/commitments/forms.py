"""Forms for promises. They check the shape of input; the services decide what is allowed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Account
from openkam.activity.models import Interaction
from openkam.commitments.models import Commitment, Direction
from openkam.commitments.selectors import STATES, owner_choices
from openkam.stakeholders.models import Channel, StakeholderStatus
from openkam.stakeholders.selectors import account_stakeholders
from openkam.users.models import User
from openkam.users.selectors import users_for_teams, users_who_can_own_accounts

STATE_LABELS = {
    "open": _("Open"),
    "overdue": _("Overdue"),
    "due_soon": _("Due soon"),
    "done": _("Done"),
    "cancelled": _("Cancelled"),
    "all": _("All"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _people(account: Account) -> list[tuple[str, str]]:
    people = account_stakeholders(account=account).order_by("last_name", "first_name")
    return [("", "—")] + [
        (
            str(p.pk),
            f"{p.full_name}{' · ' + p.job_title if p.job_title else ''}"
            + (f" ({StakeholderStatus(p.status).label})" if p.status != "active" else ""),
        )
        for p in people
    ]


def _interactions(account: Account) -> list[tuple[str, str]]:
    recent = Interaction.objects.filter(account=account).order_by("-occurred_at", "-id")[:50]
    return [("", "—")] + [
        (
            str(i.pk),
            f"{timezone.localtime(i.occurred_at):%Y-%m-%d} · {i.get_kind_display()}: {i.subject}",
        )
        for i in recent
    ]


class CommitmentForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Who promised"),
        choices=Direction.choices,
        initial=Direction.OURS,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("What was promised"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Send the revised price list")}),
    )
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    stakeholder = forms.ChoiceField(label=_("To / from whom"), required=False)
    interaction = forms.ChoiceField(
        label=_("Promised at"),
        required=False,
        help_text=_("The meeting, call or e-mail where it was promised."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, account: Account, actor: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._field("stakeholder").choices = _people(account)
        self._field("interaction").choices = _interactions(account)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owner_choices(account=account)
        owner.empty_label = None
        owner.help_text = _("Who on our side keeps the promise, or follows up the client's.")
        if actor.role == "specialist":
            del self.fields["owner"]  # specialists keep their own promises
        if editing:
            del self.fields["due_date"]  # moved only by rescheduling

    def _field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for key in ("stakeholder", "interaction"):
            data[key] = int(data[key]) if data.get(key) else None
        if "owner" in data:
            data["owner"] = data["owner"].pk if data["owner"] else None
        return data

    @staticmethod
    def initial_for(commitment: Commitment) -> dict[str, Any]:
        return {
            "direction": commitment.direction,
            "title": commitment.title,
            "details": commitment.details,
            "stakeholder": commitment.stakeholder_id or "",
            "interaction": commitment.interaction_id or "",
            "owner": commitment.owner_id,
            "version": commitment.version,
        }


class CompleteForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Done on"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RescheduleForm(forms.Form):
    """Every field is required, in the browser and again in the service."""

    new_due_date = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why does the date move?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For us: what happened."),
    )
    client_message = forms.CharField(
        label=_("What the client was told"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The apology or explanation they received, in the words used."),
    )
    informed_via = forms.ChoiceField(
        label=_("How they were told"), choices=[("", "—"), *Channel.choices]
    )
    informed_on = forms.DateField(
        label=_("When they were told"), widget=DateInput(), initial=timezone.localdate
    )
    informed_person = forms.ChoiceField(label=_("Who was told"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["informed_person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _people(commitment.account)
        if commitment.direction == Direction.THEIRS:
            self.fields["client_message"].label = _("What the client told us")
            self.fields["client_message"].help_text = _("Their explanation for the delay.")
            self.fields["informed_via"].label = _("How they told us")
            self.fields["informed_on"].label = _("When they told us")
            self.fields["informed_person"].label = _("Who told us")
            self.fields["reason"].help_text = _("For us: what we know of the cause.")
        self.fields["new_due_date"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["informed_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_informed_person(self) -> int | None:
        value = self.cleaned_data.get("informed_person")
        return int(value) if value else None


class CommitmentFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), required=False)
    direction = forms.ChoiceField(
        label=_("Who promised"), required=False, choices=[("", _("Both ways")), *Direction.choices]
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    kam = forms.TypedChoiceField(label=_("KAM"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Search"), required=False)
    account = forms.IntegerField(required=False, widget=forms.HiddenInput)
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    due_to = forms.DateField(label=_("Due to"), required=False, widget=DateInput())
    sort = forms.CharField(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [(s, STATE_LABELS[s]) for s in STATES]
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", _("Anyone")), ("me", _("Me"))] + [
            (str(u.pk), str(u)) for u in users_for_teams().exclude(pk=user.pk)
        ]
        kam = self.fields["kam"]
        assert isinstance(kam, forms.TypedChoiceField)
        kam.choices = [("", _("All KAMs"))] + [(u.pk, str(u)) for u in users_who_can_own_accounts()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("due_from"), data.get("due_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and start > end:
            self.add_error("due_to", _("The end is before the start."))
        return data
