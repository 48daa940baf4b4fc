"""Forms for logging interactions and filtering timelines. They check the shape of the input;
the services enforce the rules (participants of the account, sizes, who may do what)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Account
from openkam.activity.files import max_upload_bytes
from openkam.activity.models import Interaction, InteractionKind
from openkam.activity.selectors import account_people
from openkam.activity.timeline_selectors import EVENTS
from openkam.stakeholders.models import Stakeholder, StakeholderStatus
from openkam.users.models import User
from openkam.users.selectors import users_for_teams


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the browser's multiple file picker)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Stakeholder):
            role = obj.job_title or obj.get_buying_role_display()
            left = f" ({StakeholderStatus.LEFT.label})" if obj.has_left else ""
            return f"{obj.full_name}{' · ' + role if role else ''}{left}"
        return str(obj)


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=InteractionKind.choices)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=1
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    their_participants = PersonChoiceField(
        label=_("Their participants"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    our_participants = PersonChoiceField(
        label=_("Our participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The account team."),
    )
    more_colleagues = PersonChoiceField(
        label=_("Other colleagues"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Colleagues outside the account team who took part."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(
        label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step_due = forms.DateField(
        label=_("Next step due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    transcript = forms.CharField(
        label=_("Transcript"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Minutes or a full transcript; found by the search."),
    )
    # Declared fields leave the class (the metaclass collects them): no clash with Form.files.
    files = MultipleFileField(label=_("Files"), required=False)  # type: ignore[assignment]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        account: Account,
        actor: User,
        interaction: Interaction | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.interaction = interaction
        chosen_theirs: list[int] = []
        chosen_ours: list[int] = []
        if interaction is not None:
            chosen_theirs = [s.pk for s in interaction.their_participants.all()]
            chosen_ours = [u.pk for u in interaction.our_participants.all()]
        # By ids from one indexed UNION: the form's choices must stay a filterable queryset.
        people = Stakeholder.objects.filter(
            pk__in=[p.pk for p in account_people(account=account)]
        ).order_by("last_name", "first_name")
        self._field("their_participants").queryset = people.filter(
            pk__in=chosen_theirs
        ) | people.filter(status=StakeholderStatus.ACTIVE)
        team_ids = set(account.team.values_list("user_id", flat=True)) | {actor.pk}
        everyone = users_for_teams()
        self._field("our_participants").queryset = (
            everyone.filter(pk__in=team_ids) | User.objects.filter(pk__in=chosen_ours)
        ).distinct()
        self._field("more_colleagues").queryset = everyone.exclude(pk__in=team_ids)
        limit_mb = max_upload_bytes() // (1024 * 1024)
        self.fields["files"].help_text = _(
            "Any type of file, up to %(max)s MB each. You can choose several."
        ) % {"max": limit_mb}

    def _field(self, name: str) -> forms.ModelMultipleChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        return field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("date")
        if day is not None:
            moment = data.get("time") or datetime.time(9, 0)
            data["occurred_at"] = timezone.make_aware(datetime.datetime.combine(day, moment))
        return data

    def interaction_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        ours = list(data.get("our_participants") or []) + list(data.get("more_colleagues") or [])
        return {
            "kind": data["kind"],
            "occurred_at": data["occurred_at"],
            "duration_minutes": data.get("duration_minutes"),
            "subject": data["subject"],
            "summary": data.get("summary", ""),
            "outcome": data.get("outcome", ""),
            "next_step": data.get("next_step", ""),
            "next_step_due": data.get("next_step_due"),
            "transcript": data.get("transcript", ""),
            "our_participants": [u.pk for u in ours],
            "their_participants": [s.pk for s in data.get("their_participants") or []],
        }

    @staticmethod
    def initial_for(interaction: Interaction) -> dict[str, Any]:
        local = timezone.localtime(interaction.occurred_at)
        team_ids = set(interaction.account.team.values_list("user_id", flat=True))
        ours = list(interaction.our_participants.all())
        return {
            "kind": interaction.kind,
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": interaction.duration_minutes,
            "subject": interaction.subject,
            "summary": interaction.summary,
            "outcome": interaction.outcome,
            "next_step": interaction.next_step,
            "next_step_due": interaction.next_step_due,
            "transcript": interaction.transcript,
            "their_participants": [s.pk for s in interaction.their_participants.all()],
            "our_participants": [u.pk for u in ours if u.pk in team_ids],
            "more_colleagues": [u.pk for u in ours if u.pk not in team_ids],
            "version": interaction.version,
        }

    @staticmethod
    def initial_new(actor: User) -> dict[str, Any]:
        now = timezone.localtime()
        return {
            "kind": InteractionKind.MEETING,
            "date": now.date(),
            "time": now.time().replace(second=0, microsecond=0),
            "our_participants": [actor.pk],
        }


class TimelineFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False)
    person = forms.ChoiceField(label=_("Person"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: dict[str, list[tuple[str, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [
            ("", _("Everything")),
            (_("Interactions"), list(InteractionKind.choices)),
            (EVENTS, _("Other events")),
        ]
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ChoiceField)
        choices: list[Any] = [("", _("Anybody"))]
        if people.get("theirs"):
            choices.append((_("Their people"), people["theirs"]))
        if people.get("ours"):
            choices.append((_("Our team"), people["ours"]))
        person_field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return data


class MeetingDateForm(forms.Form):
    date = forms.DateField(
        label=_("Meeting date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
