from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.cadence.models import MAX_INTERVAL_DAYS
from openkam.users.selectors import users_who_can_own_accounts


class IntervalField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=MAX_INTERVAL_DAYS, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "class": "input--days"})


class TierCadenceForm(forms.Form):
    max_days = IntervalField(label=_("Account: days between contacts"))
    key_people_max_days = IntervalField(
        label=_("Decision makers and economic buyers: days between contacts")
    )


class AccountCadenceForm(forms.Form):
    exempt = forms.BooleanField(
        label=_("Do not track contact for this account"),
        required=False,
        help_text=_("E.g. a site whose contact runs through its group."),
    )
    max_days = IntervalField(
        label=_("Account: days between contacts"), help_text=_("Empty: as its tier.")
    )
    key_people_max_days = IntervalField(
        label=_("Decision makers and economic buyers: days between contacts"),
        help_text=_("Empty: as its tier."),
    )
    note = forms.CharField(
        label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NeglectedFilterForm(forms.Form):
    """The head looks at every KAM or one; others at their own accounts or all they see."""

    kam = forms.ChoiceField(label=_("Accounts of"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kam"]
        assert isinstance(field, forms.ChoiceField)
        owners = [(str(u.pk), str(u)) for u in users_who_can_own_accounts()]
        if user.role == "head":
            field.choices = [("", _("Every KAM")), *owners]
        else:
            others = [(pk, name) for pk, name in owners if pk != str(user.pk)]
            field.choices = [("", _("My accounts")), ("all", _("Every account I see")), *others]
