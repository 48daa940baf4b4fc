from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.notifications.models import NotificationKind
from openkam.notifications.services import MAX_LEAD_DAYS


class PreferenceForm(forms.Form):
    reminder_lead_days = forms.IntegerField(
        label=_("Remind me this many days before a promise is due"),
        required=False,
        min_value=0,
        max_value=MAX_LEAD_DAYS,
        help_text=_("0: on the day itself. Empty: the installation's default (%(days)s)."),
    )
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send by e-mail"),
        required=False,
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, default_lead_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reminder_lead_days"]
        field.help_text = str(field.help_text) % {"days": default_lead_days}
