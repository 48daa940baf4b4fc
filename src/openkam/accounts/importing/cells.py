"""Converting the cells of an account import: cached lookups, trimmed text, blank rows.

The writer reads every cell of every row through these, so they stay cheap: a lookup converts
each distinct value once, and a plain text cell is only stripped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openkam.accounts.importing.lookups import text_value
from openkam.imports.values import ValueProblem


def cached(convert: Callable[[str], Any]) -> Callable[[Any], Any]:
    """Countries, tiers, owners and currencies repeat: convert each distinct value once."""
    done: dict[Any, Any] = {}

    def lookup(raw: Any) -> Any:
        try:
            result = done[raw]
        except KeyError:
            try:
                result = convert("" if raw is None else str(raw))
            except ValueProblem as problem:
                result = problem
            if len(done) < 100_000:
                done[raw] = result
        if isinstance(result, ValueProblem):
            raise result
        return result

    return lookup


def text_cell(limit: int | None) -> Callable[[Any], str]:
    def convert(raw: Any) -> str:
        if type(raw) is str:
            text = raw.strip()
            if limit is None or len(text) <= limit:
                return text
        return text_value(raw, max_length=limit)

    return convert


def blank_row(row: list[Any]) -> bool:
    try:
        return not "".join(row).strip()  # CSV rows: all text, checked in one C call
    except TypeError:  # spreadsheet cells: None, numbers, dates
        return all(cell is None or str(cell).strip() == "" for cell in row)
