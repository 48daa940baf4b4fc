from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("unmatched", _("Without account")),
            ("matched", _("Linked to an account")),
            ("all", _("All")),
        ],
    )
    source = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args: object, sources: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All sources"))] + [(s, s) for s in sources]


class CustomerActionForm(forms.Form):
    customers = forms.TypedMultipleChoiceField(
        label=_("Customer ids"), coerce=int, required=False, choices=[]
    )
    account = forms.IntegerField(label=_("Account"), required=False)
    action = forms.ChoiceField(
        choices=[("link", _("Link")), ("unlink", _("Unlink")), ("create", _("Create accounts"))]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Ids come from the page; the service checks they exist.
        field = self.fields["customers"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.valid_value = lambda value: str(value).isdigit()  # type: ignore[method-assign]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("customers"):
            raise forms.ValidationError(_("Select at least one customer id."))
        if data.get("action") == "link" and not data.get("account"):
            self.add_error("account", _("Choose the account to link them to."))
        return data


class CreateMissingForm(forms.Form):
    min_revenue = forms.DecimalField(
        label=_("Minimum net revenue"),
        required=False,
        min_value=0,
        help_text=_("In the customer's own currency; empty for every customer id."),
    )
