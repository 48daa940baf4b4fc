from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from openkam.imports.engine import ImportSettings, Plan
from openkam.imports.models import DecimalStyle
from openkam.imports.readers import DELIMITER_LABELS, ENCODING_LABELS
from openkam.imports.selectors import profiles_for
from openkam.imports.targets import Target
from openkam.imports.values import DATE_FORMATS, date_format_label


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (also .csv.gz) or XLSX, with a header row."),
    )
    profile = forms.ChoiceField(label=_("Saved mapping"), required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = list(profiles_for(kind=kind).values_list("name", flat=True))
        profile_field = self.fields["profile"]
        assert isinstance(profile_field, forms.ChoiceField)
        profile_field.choices = [("", _("Suggest from the header"))] + [(n, n) for n in names]


def _column_field_name(index: int) -> str:
    return f"column_{index}"


class MappingForm(forms.Form):
    """One choice per column of the file, the reading formats, and the target's options."""

    date_format = forms.ChoiceField(label=_("Date format"), required=False)
    decimal_style = forms.ChoiceField(
        label=_("Numbers"), choices=DecimalStyle.choices, required=False
    )
    encoding = forms.ChoiceField(label=_("Encoding"), required=False)
    delimiter = forms.ChoiceField(label=_("Delimiter"), required=False)
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=100,
        help_text=_("A name to reuse the mapping for the next file of this export."),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        target: Target = plan.target
        field_choices = [("", _("— not imported —"))] + [
            (spec.name, capfirst(cast(Any, spec.label))) for spec in target.fields
        ]
        self.column_fields: list[tuple[str, str, list[str]]] = []
        for index, column in enumerate(plan.header):
            name = _column_field_name(index)
            self.fields[name] = forms.ChoiceField(
                label=column, choices=field_choices, required=False
            )
            self.initial.setdefault(name, plan.columns.get(column, ""))
            samples = [
                "" if row[index] is None else str(row[index])
                for row in plan.sample[:5]
                if index < len(row)
            ]
            self.column_fields.append((name, column, samples))
        date_field = self.fields["date_format"]
        assert isinstance(date_field, forms.ChoiceField)
        date_field.choices = [("", _("Detect from the file"))] + [
            (fmt, date_format_label(fmt)) for fmt in DATE_FORMATS
        ]
        encoding_field = self.fields["encoding"]
        assert isinstance(encoding_field, forms.ChoiceField)
        encoding_field.choices = [("", _("Detect")), *list(ENCODING_LABELS.items())]
        delimiter_field = self.fields["delimiter"]
        assert isinstance(delimiter_field, forms.ChoiceField)
        delimiter_field.choices = [("", _("Detect"))] + [
            (value, label) for value, label in DELIMITER_LABELS.items()
        ]
        self.option_names: list[str] = []
        for spec in target.options:
            name = f"option_{spec.name}"
            self.fields[name] = forms.CharField(
                label=capfirst(cast(Any, spec.label)),
                required=False,
                max_length=100,
                help_text=cast(Any, spec.help),
            )
            self.initial.setdefault(name, plan.options.get(spec.name, spec.default))
            self.option_names.append(name)
        self.initial.setdefault("date_format", plan.date_format)
        self.initial.setdefault("decimal_style", plan.decimal_style)
        # A kind without dates or amounts is not asked how the file writes them.
        if not target.reads_dates:
            del self.fields["date_format"]
        if not target.reads_numbers:
            del self.fields["decimal_style"]
        self.initial.setdefault("encoding", plan.encoding)
        self.initial.setdefault("delimiter", plan.delimiter)

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.option_names]

    @property
    def column_rows(self) -> list[tuple[forms.BoundField, str, list[str]]]:
        return [(self[name], column, samples) for name, column, samples in self.column_fields]

    def settings(self) -> ImportSettings:
        data = self.cleaned_data
        columns = {
            column: data.get(name) or ""
            for name, column, _samples in self.column_fields
            if data.get(name)
        }
        options = {
            name.removeprefix("option_"): (data.get(name) or "").strip()
            for name in self.option_names
        }
        return ImportSettings(
            columns=columns,
            date_format=data.get("date_format") or "" if "date_format" in self.fields else "",
            decimal_style=data.get("decimal_style") or "" if "decimal_style" in self.fields else "",
            encoding=data.get("encoding") or "",
            delimiter=data.get("delimiter") or "",
            sheet=self.plan.sheet,
            options={k: v for k, v in options.items() if v},
            confirmed=True,
        )


class StartForm(forms.Form):
    accept_skipping_errors = forms.BooleanField(
        label=_("Import the other rows and skip the rows with errors"), required=False
    )
