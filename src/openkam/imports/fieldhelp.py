"""What each field of an import accepts, in words, for the upload page.

Derived from the field's kind, length and choices, and from the parsers themselves (the date
orders listed are the ones detection tries), so that the page cannot promise what the import
refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from openkam.imports.mapping import CODE, DATE, DECIMAL, INTEGER, FieldSpec
from openkam.imports.values import DATE_FORMATS, date_format_label


@dataclass(frozen=True)
class FieldHelp:
    label: str | Promise
    help: str | Promise
    accepts: str


def field_accepts(spec: FieldSpec) -> str:
    if spec.accepts:
        return str(spec.accepts)
    if spec.choices is not None:
        return _("One of: %(choices)s (written in any of OpenKAM's languages, or as stored).") % {
            "choices": ", ".join(str(label) for label in spec.choices.labels)
        }
    if spec.kind == DATE:
        return _(
            "A date in one of these orders: %(formats)s; a time of day after it is ignored. "
            "When a file's order is ambiguous, the mapping asks for it."
        ) % {"formats": ", ".join(date_format_label(fmt) for fmt in DATE_FORMATS)}
    if spec.kind == DECIMAL:
        return _(
            "A number, with thousands separators or without: 1234.56, 1,234.56, 1 234,56 or "
            "1.234,56 (one decimal mark for the whole file, detected or chosen); a currency "
            "sign or code beside it is ignored."
        )
    if spec.kind == INTEGER:
        return _("A whole number.")
    if spec.kind == CODE and spec.max_length:
        return _("Up to %(count)s characters, kept as written.") % {"count": spec.max_length}
    if spec.kind == CODE:
        return _("Kept as written.")
    if spec.max_length:
        return _("Text, up to %(count)s characters.") % {"count": spec.max_length}
    return _("Text of any length.")


def fields_help(fields: tuple[FieldSpec, ...]) -> list[FieldHelp]:
    return [
        FieldHelp(label=spec.label, help=spec.help, accepts=field_accepts(spec)) for spec in fields
    ]
