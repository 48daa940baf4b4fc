"""Which column of a file feeds which field: suggested from the header, confirmed by the user.

A target (revenue lines, accounts...) declares its fields with the header words that name
them in English, Norwegian, Swedish, Hungarian, Bulgarian and Russian. A column whose whole
header is one of those words is recognised with certainty; a header that merely contains one
is a suggestion the user must confirm; two columns claiming one field are a conflict.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TEXT, CODE, DECIMAL, DATE, INTEGER = "text", "code", "decimal", "date", "integer"
CURRENCY_CODE = gettext_lazy("A three-letter currency code such as EUR or NOK, in capitals or not.")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str | Promise
    kind: str = TEXT
    max_length: int | None = None
    # Header words naming this field, in every language the product speaks.
    words: tuple[str, ...] = ()
    help: str | Promise = ""
    # The stored choices a cell is read into (by value or by label in any language).
    choices: type[models.TextChoices] | None = None
    # What a cell may hold, where the kind alone would say it wrongly (the upload page).
    accepts: str | Promise = ""


def compact(text: str) -> str:
    """Header text reduced for comparison: lower case, no accents, no spaces or punctuation.

    "Customer ID", "customer_id" and "CustomerID" compare equal; so do "Beløp" and "Belop".
    Cyrillic letters are kept (only combining accents go).
    """
    text = text.strip().lower().replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFKD splits й into и + breve; put the Russian letter back.
    stripped = unicodedata.normalize("NFC", stripped.replace("и\u0306", "й"))
    return re.sub(r"[\W_]+", "", stripped)


@dataclass
class MappingSuggestion:
    """The outcome of reading a header against a target's fields."""

    # column -> field, recognised with certainty
    certain: dict[str, str] = field(default_factory=dict)
    # column -> field, a guess to confirm
    possible: dict[str, str] = field(default_factory=dict)
    # field -> columns that all claim it
    conflicts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def columns(self) -> dict[str, str]:
        """Every suggestion (certain and possible), for pre-filling a form."""
        return {**self.possible, **self.certain}


def suggest_mapping(header: Sequence[str], fields: Sequence[FieldSpec]) -> MappingSuggestion:
    exact: dict[str, str] = {}
    partial: dict[str, str] = {}
    for spec in fields:
        for word in spec.words:
            key = compact(word)
            exact.setdefault(key, spec.name)
            partial.setdefault(key, spec.name)
    suggestion = MappingSuggestion()
    claims: dict[str, list[tuple[str, bool]]] = {}
    for column in header:
        key = compact(column)
        if not key:
            continue
        if key in exact:
            claims.setdefault(exact[key], []).append((column, True))
            continue
        # The longest header word contained in the column's text, e.g. "Net amount (NOK)"
        # contains "net amount". Short words (<4 letters) only count as whole headers.
        best = max(
            (word for word in partial if len(word) >= 4 and word in key),
            key=len,
            default=None,
        )
        if best is not None:
            claims.setdefault(partial[best], []).append((column, False))
    for name, columns in claims.items():
        sure = [column for column, certain in columns if certain]
        if len(sure) == 1:
            suggestion.certain[sure[0]] = name
        elif len(sure) > 1:
            suggestion.conflicts[name] = sure
        elif len(columns) == 1:
            suggestion.possible[columns[0][0]] = name
        else:
            suggestion.conflicts[name] = [column for column, _certain in columns]
    return suggestion


@dataclass(frozen=True)
class MappingProblem:
    """Something that stops an import before it reads a row; `option` says what settles it."""

    message: str
    option: str = ""
    choices: tuple[str, ...] = ()


def validate_columns(
    columns: Mapping[str, str], header: Sequence[str], fields: Sequence[FieldSpec]
) -> list[MappingProblem]:
    """Problems with a column -> field mapping as such (the target adds its required fields)."""
    problems: list[MappingProblem] = []
    known = {spec.name for spec in fields}
    used: dict[str, str] = {}
    for column, name in columns.items():
        if column not in header:
            problems.append(
                MappingProblem(
                    _("The file has no column %(column)s (its columns: %(columns)s).")
                    % {"column": column, "columns": ", ".join(header)},
                    option="map",
                )
            )
        if name not in known:
            problems.append(
                MappingProblem(
                    _("%(name)s is not a field (fields: %(fields)s).")
                    % {"name": name, "fields": ", ".join(spec.name for spec in fields)},
                    option="map",
                )
            )
        elif name in used:
            problems.append(
                MappingProblem(
                    _("Columns %(first)s and %(second)s are both mapped to %(field)s.")
                    % {"first": used[name], "second": column, "field": name},
                    option="map",
                )
            )
        else:
            used[name] = column
    return problems


def parse_map_options(values: Sequence[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as a dict; `COLUMN=` (empty field) unmaps a column."""
    result: dict[str, str] = {}
    for value in values:
        column, sep, name = value.rpartition("=")
        if not sep or not column.strip():
            raise ValueError(
                _("--map takes COLUMN=FIELD (e.g. --map 'Kundenr=customer'), not %(value)r.")
                % {"value": value}
            )
        result[column.strip()] = name.strip()
    return result


def describe(columns: Mapping[str, str], fields: Sequence[FieldSpec]) -> list[tuple[str, Any]]:
    """(column, field label) pairs in field order, for printing and for the report."""
    labels = {spec.name: spec.label for spec in fields}
    order = {spec.name: index for index, spec in enumerate(fields)}
    pairs = sorted(columns.items(), key=lambda item: order.get(item[1], 99))
    return [(column, labels.get(name, name)) for column, name in pairs]
