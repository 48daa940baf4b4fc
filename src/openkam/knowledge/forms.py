from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.knowledge.models import ACCOUNT_KINDS, LIBRARY_KINDS, KnowledgeEntry, KnowledgeKind


class KnowledgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Link another entry by writing its reference, e.g. [[kb:12]]."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, e.g. price, delivery, complaint."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, library: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = LIBRARY_KINDS if library else ACCOUNT_KINDS
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k.value, k.label) for k in kinds]

    def entry_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @staticmethod
    def initial_for(entry: KnowledgeEntry) -> dict[str, Any]:
        return {
            "kind": entry.kind,
            "title": entry.title,
            "body": entry.body,
            "tags": ", ".join(entry.tag_list),
            "version": entry.version,
        }


class KnowledgeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *KnowledgeKind.choices]
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    scope = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[
            ("library", _("Company library")),
            ("accounts", _("Account knowledge")),
            ("all", _("Everything")),
        ],
    )

    def __init__(self, *args: Any, tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tag"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All tags")), *[(t, t) for t in tags]]
