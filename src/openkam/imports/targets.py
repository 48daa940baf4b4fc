"""What an import writes: one `Target` per kind of data, registered by the app that owns it.

The engine reads files, maps columns, converts values, reports row errors and keeps the
transaction; a target declares its fields, checks a mapping for what it requires, and writes
converted chunks. The revenue app registers the order-lines target from its AppConfig.ready();
the accounts and stakeholders imports will register theirs the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from openkam.core.errors import NotFoundError
from openkam.imports.mapping import DATE, DECIMAL, FieldSpec, MappingProblem

if TYPE_CHECKING:
    from openkam.imports.engine import Plan, RowError


@dataclass(frozen=True)
class OptionSpec:
    """A setting of the import that is not a column (source name, default currency...)."""

    name: str
    label: str | Promise
    default: str = ""
    help: str | Promise = ""


@dataclass
class ChunkResult:
    errors: list[RowError] = field(default_factory=list)
    written: int = 0


class Writer(ABC):
    """Writes one file's rows inside the engine's transaction.

    `write_chunk` gets the raw rows of a chunk with the spreadsheet row number of the first;
    it converts them (the plan gives converters and column positions), writes the good ones
    unless `writing` was turned off, and returns the row errors. `finish` completes the
    import (rollups, counters) and returns the figures for the report.
    """

    writing: bool = True

    def stop_writing(self) -> None:
        """Errors occurred and the user did not accept skipping: validate the rest only."""
        self.writing = False

    @abstractmethod
    def write_chunk(self, rows: list[list[Any]], first_row: int) -> ChunkResult: ...

    def flush(self) -> ChunkResult:
        """Complete writes still in flight; returns the errors they revealed."""
        return ChunkResult()

    @abstractmethod
    def finish(self) -> dict[str, Any]: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the writer holds (open COPY streams), also after an error."""


class Target(ABC):
    kind: str
    label: str | Promise
    fields: tuple[FieldSpec, ...]
    options: tuple[OptionSpec, ...] = ()
    # What every mapping must contain, in a sentence for the upload page (check() enforces it).
    requirements: str | Promise = ""

    @abstractmethod
    def check(
        self, *, columns: Mapping[str, str], options: Mapping[str, str]
    ) -> list[MappingProblem]:
        """What is missing or wrong in a mapping (required fields, bad option values)."""

    def notes(self, *, columns: Mapping[str, str], options: Mapping[str, str]) -> list[str]:
        """Assumptions the import makes, printed with the mapping (e.g. a default currency)."""
        return []

    def may_import(self, user: Any) -> bool:
        """Whether `user` may import this kind of data (pages answer 403 otherwise)."""
        return True

    def resolve_options(self, options: Mapping[str, str]) -> dict[str, str]:
        return {spec.name: options.get(spec.name) or spec.default for spec in self.options}

    @abstractmethod
    def writer(self, *, plan: Plan, batch_id: int | None, dry_run: bool) -> Writer: ...

    def summary_lines(self, summary: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, value) pairs for the report, in reading order."""
        return []

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def text_fields(self) -> Sequence[str]:
        return [spec.name for spec in self.fields if spec.kind in ("text", "code")]

    @property
    def reads_dates(self) -> bool:
        """Whether the file's date format matters (a field of this kind is a date)."""
        return any(spec.kind == DATE for spec in self.fields)

    @property
    def reads_numbers(self) -> bool:
        """Whether the decimal style matters (a field of this kind is a decimal number)."""
        return any(spec.kind == DECIMAL for spec in self.fields)

    # What one data row of this kind's file is, for reports: "lines" of an ERP export,
    # "rows" of any other file.
    counts_lines: bool = False


_TARGETS: dict[str, Target] = {}


def register(target: Target) -> None:
    _TARGETS[target.kind] = target


def get_target(kind: str) -> Target:
    try:
        return _TARGETS[kind]
    except KeyError:
        raise NotFoundError(f"No import target {kind!r}.") from None


def registered_targets() -> list[Target]:
    return list(_TARGETS.values())
