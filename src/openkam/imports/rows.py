"""Row errors of an import and the checks on raw rows that need no field: the report a
writer, the engine and the pages share."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.value, self.reason]


def preview(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    # The report itself is stored as text: a NUL shows as the symbol for it.
    text = str(value).replace("\x00", "\u2400")
    return text if len(text) <= 200 else text[:197] + "..."


def nul_rows(
    chunk: list[list[Any]], first_row: int, header: list[str], mapped: Iterable[int]
) -> tuple[list[list[Any]], list[RowError]]:
    """Rows with a NUL character in a mapped column, as row errors, and the chunk with those
    rows blanked. PostgreSQL cannot store the character in text (the import would fail
    without saying where), and on SQLite it would cut the value short in most readers; it is
    a sign of a damaged file. One C-speed scan of the chunk's text when there is none."""
    try:
        if "\x00" not in "\x1f".join(itertools.chain.from_iterable(chunk)):
            return chunk, []
    except TypeError:  # spreadsheet cells (numbers, dates): each text cell is looked at
        pass
    errors = list[RowError]()
    mapped = sorted(mapped)
    cleaned = list(chunk)
    for offset, row in enumerate(chunk):
        bad = [i for i in mapped if i < len(row) and isinstance(row[i], str) and "\x00" in row[i]]
        if bad:
            errors.extend(
                RowError(
                    first_row + offset,
                    header[i] if i < len(header) else "",
                    preview(row[i]),
                    _(
                        "contains a NUL character (code 0), which cannot be stored: the file "
                        "may be damaged; remove the character or export the file again"
                    ),
                )
                for i in bad
            )
            cleaned[offset] = []  # the writer skips it as blank; the engine counts it refused
    return cleaned, errors
