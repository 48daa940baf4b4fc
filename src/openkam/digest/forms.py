from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.digest.models import Weekday


class ScheduleForm(forms.Form):
    interval_days = forms.IntegerField(
        label=_("Every how many days"),
        min_value=1,
        max_value=92,
        help_text=_("7 for a weekly digest, 14 for every other week."),
    )
    weekday = forms.ChoiceField(label=_("Sent on"), choices=Weekday.choices)


class ArchiveFilterForm(forms.Form):
    scope = forms.ChoiceField(label=_("Digest"), required=False)
