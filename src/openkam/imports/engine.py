"""The import engine: plan (read the header, settle the mapping and formats), then run
(stream the rows through the target's writer in one transaction, all or nothing).

Planning never guesses: a mapping or format it is not certain of comes back as
`MappingProblem`s naming the option that settles each. Running collects row errors
(row, column, value, reason); with errors and without the user's consent to skip those rows,
it keeps validating to the end of the file, so that the report is complete, and then rolls
back, so that the database stays as it was.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openkam.imports.mapping import (
    DATE,
    DECIMAL,
    INTEGER,
    FieldSpec,
    MappingProblem,
    MappingSuggestion,
    suggest_mapping,
    validate_columns,
)
from openkam.imports.readers import (
    FileProblem,
    Table,
    open_table,
    sample_rows,
    table_rows,
)
from openkam.imports.rows import RowError, nul_rows, preview
from openkam.imports.targets import Target
from openkam.imports.values import (
    POINT,
    AmbiguousFormat,
    ValueProblem,
    date_format_label,
    detect_date_format,
    detect_decimal_style,
    parse_date,
    parse_number,
)

CHUNK_ROWS = 20_000
SAMPLE_ROWS = 5_000
MAX_STORED_ERRORS = 10_000


@dataclass
class ImportSettings:
    """How to read a file: explicit choices of the user (empty means detect or suggest)."""

    columns: dict[str, str] = field(default_factory=dict)  # column -> field ("" unmaps)
    date_format: str = ""
    decimal_style: str = ""
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    options: dict[str, str] = field(default_factory=dict)
    # True when `columns` is a complete, confirmed mapping (a profile or the web form);
    # otherwise header suggestions fill the fields `columns` leaves open.
    confirmed: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportSettings:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Plan:
    """Everything settled before the first data row is read."""

    path: Path
    target: Target
    header: list[str]
    format: str
    encoding: str
    delimiter: str
    sheet: str
    columns: dict[str, str]  # column -> field, final
    date_format: str
    decimal_style: str
    options: dict[str, str]
    suggestion: MappingSuggestion
    sample: list[list[Any]]
    problems: list[MappingProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Who imports: the audit actor of the target's writes (None from the command line
    # without --user).
    actor: Any = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def index(self) -> dict[str, int]:
        """field -> column position in a row."""
        position = {column: i for i, column in enumerate(self.header)}
        return {name: position[column] for column, name in self.columns.items() if name}

    @property
    def column_of(self) -> dict[str, str]:
        """field -> column header."""
        return {name: column for column, name in self.columns.items() if name}

    def settings(self) -> ImportSettings:
        return ImportSettings(
            columns=dict(self.columns),
            date_format=self.date_format,
            decimal_style=self.decimal_style,
            encoding=self.encoding,
            delimiter=self.delimiter,
            sheet=self.sheet,
            options=dict(self.options),
            confirmed=True,
        )

    # --- strict conversion (the slow path, and the reference the fast paths follow) -----

    def converter(self, spec: FieldSpec) -> Callable[[Any], Any]:
        style = self.decimal_style or POINT
        fmt = self.date_format
        if spec.kind == DECIMAL:
            return lambda value: parse_number(value, style)
        if spec.kind == DATE:
            return lambda value: parse_date(value, fmt)
        if spec.kind == INTEGER:
            return _parse_integer
        limit = spec.max_length

        def text(value: Any) -> str:
            result = "" if value is None else str(value).strip()
            if limit is not None and len(result) > limit:
                raise ValueProblem(
                    _("is longer than %(limit)s characters (%(length)s)")
                    % {"limit": limit, "length": len(result)}
                )
            return result

        return text

    def convert_row(self, row: Sequence[Any], row_no: int) -> tuple[dict[str, Any], list[RowError]]:
        """Every mapped field of `row`, strictly converted, and the errors found."""
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        if self.format == "csv" and len(row) != len(self.header):
            errors.append(
                RowError(
                    row_no,
                    "",
                    preview(self.delimiter.join(str(c) for c in row)),
                    _(
                        "has %(found)s fields where the header has %(expected)s (a delimiter "
                        "or quote inside a value?)"
                    )
                    % {"found": len(row), "expected": len(self.header)},
                )
            )
            return values, errors
        for name, position in self.index.items():
            spec = self.target.field(name)
            raw = row[position]
            try:
                values[name] = self.converter(spec)(raw)
            except ValueProblem as problem:
                errors.append(RowError(row_no, self.header[position], preview(raw), str(problem)))
        return values, errors

    def error(self, row_no: int, name: str, row: Sequence[Any] | None, reason: str) -> RowError:
        """A row error about field `name` (its column and raw value taken from `row`)."""
        column = self.column_of.get(name, "")
        value = ""
        if row is not None and name in self.index and self.index[name] < len(row):
            value = preview(row[self.index[name]])
        return RowError(row_no, column, value, reason)


def _parse_integer(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            raise ValueProblem(_("is not a whole number")) from None
        if number != number.to_integral_value():
            raise ValueProblem(_("is not a whole number")) from None
        return int(number)


# --- Planning ------------------------------------------------------------------------------


def plan_import(
    path: Path | str, target: Target, settings: ImportSettings, *, actor: Any = None
) -> Plan:
    """Read the header and a sample, settle mapping and formats. Raises FileProblem when the
    file cannot be read at all; everything else comes back in `plan.problems`."""
    table, sample = sample_rows(
        path,
        encoding=settings.encoding,
        delimiter=settings.delimiter,
        sheet=settings.sheet,
        limit=SAMPLE_ROWS,
    )
    header = table.header
    suggestion = suggest_mapping(header, target.fields)
    problems: list[MappingProblem] = []
    if settings.confirmed:
        columns = {c: f for c, f in settings.columns.items() if f}
    else:
        columns = dict(suggestion.certain)
        for column, name in settings.columns.items():
            # An explicit choice wins over a suggestion for that column and that field.
            columns = {c: f for c, f in columns.items() if c != column and f != name}
            if name:
                columns[column] = name
        explicit_fields = {f for f in settings.columns.values() if f}
        for name, claimants in suggestion.conflicts.items():
            if name in explicit_fields:
                continue
            problems.append(
                MappingProblem(
                    _("Columns %(columns)s could each be the %(field)s. Choose one.")
                    % {
                        "columns": ", ".join(claimants),
                        "field": target.field(name).label,
                    },
                    option="map",
                    choices=tuple(f"{column}={name}" for column in claimants),
                )
            )
    problems += validate_columns(columns, header, target.fields)
    options = target.resolve_options(settings.options)
    problems += target.check(columns=columns, options=options)
    if problems and not settings.confirmed:
        # Say which unsure suggestions would fill the gaps.
        for column, name in suggestion.possible.items():
            if column not in columns and name not in columns.values():
                problems.append(
                    MappingProblem(
                        _("Column %(column)s looks like the %(field)s; confirm it.")
                        % {"column": column, "field": target.field(name).label},
                        option="map",
                        choices=(f"{column}={name}",),
                    )
                )
    plan = Plan(
        path=Path(path),
        target=target,
        header=header,
        format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        columns=columns,
        date_format=settings.date_format,
        decimal_style=settings.decimal_style,
        options=options,
        suggestion=suggestion,
        sample=sample,
        problems=problems,
        actor=actor,
    )
    if not any(p for p in problems if p.option == "map"):
        _settle_formats(plan)
    plan.notes = target.notes(columns=plan.columns, options=plan.options)
    return plan


def _settle_formats(plan: Plan) -> None:
    index = plan.index
    date_columns = [i for name, i in index.items() if plan.target.field(name).kind == DATE]
    number_columns = [i for name, i in index.items() if plan.target.field(name).kind == DECIMAL]
    if not plan.date_format:
        for position in date_columns:
            values = [row[position] for row in plan.sample if position < len(row)]
            try:
                found = detect_date_format(values)
            except AmbiguousFormat as exc:
                plan.problems.append(
                    MappingProblem(str(exc), option="date-format", choices=exc.choices)
                )
                continue
            if found is None:
                examples = ", ".join(str(v) for v in values[:3] if v not in (None, ""))
                plan.problems.append(
                    MappingProblem(
                        _(
                            "The dates of column %(column)s (e.g. %(examples)s) are in no "
                            "format OpenKAM knows. Name the format."
                        )
                        % {"column": plan.header[position], "examples": examples},
                        option="date-format",
                    )
                )
            else:
                plan.date_format = found.format
    if not plan.decimal_style:
        values = [
            row[position]
            for row in plan.sample
            for position in number_columns
            if position < len(row)
        ]
        try:
            plan.decimal_style = detect_decimal_style(values) or POINT
        except AmbiguousFormat as exc:
            plan.problems.append(MappingProblem(str(exc), option="decimal", choices=exc.choices))


def describe_formats(plan: Plan) -> dict[str, str]:
    return {
        "date_format": date_format_label(plan.date_format) if plan.date_format else "",
        "decimal_style": plan.decimal_style,
    }


# --- Running -------------------------------------------------------------------------------


class ImportRefused(Exception):  # noqa: N818 - a signal, not an error
    """Row errors and no consent to skip them: the transaction rolls back."""


@dataclass
class ImportResult:
    rows_read: int = 0
    rows_imported: int = 0
    rows_skipped: int = 0
    blank_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_STORED_ERRORS
    errors_truncated: bool = False
    summary: dict[str, Any] = field(default_factory=dict)
    refused: bool = False
    failure: str = ""
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failure


ProgressCallback = Callable[[int, float], None]
ErrorSink = Callable[[RowError], None]


def _chunks(table: Table, plan: Plan) -> Iterator[tuple[list[list[Any]], int]]:
    """(rows, spreadsheet row number of the first) per chunk; blank rows included, so that
    numbers stay those a spreadsheet shows (the writer counts and skips them)."""
    text_columns = frozenset(
        i for name, i in plan.index.items() if plan.target.field(name).kind in ("text", "code")
    )
    rows = table_rows(table, text_columns=text_columns)
    row_no = 2
    while True:
        chunk = list(itertools.islice(rows, CHUNK_ROWS))
        if not chunk:
            return
        first = row_no
        row_no += len(chunk)
        yield chunk, first


def run_import(
    plan: Plan,
    *,
    batch_id: int | None = None,
    dry_run: bool = False,
    accept_skipping_errors: bool = False,
    progress: ProgressCallback | None = None,
    error_sink: ErrorSink | None = None,
) -> ImportResult:
    """Stream the file through the target's writer in one transaction.

    With row errors and without `accept_skipping_errors`, nothing is written. A dry run
    validates and counts everything and writes nothing either way.
    """
    import time

    started = time.perf_counter()
    result = ImportResult(dry_run=dry_run)
    if not plan.ok:
        result.failure = " ".join(p.message for p in plan.problems)
        result.refused = True
        return result

    def record(error: RowError) -> None:
        result.error_count += 1
        if len(result.errors) < MAX_STORED_ERRORS:
            result.errors.append(error)
        else:
            result.errors_truncated = True
        if error_sink is not None:
            error_sink(error)

    # The row loop allocates millions of short-lived tuples and lists and creates no
    # reference cycles; the cyclic garbage collector would walk every live container again
    # and again while they are allocated (measured: twice the conversion time). It is off
    # for the loop and back on, with a collection, when the import ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            with open_table(
                plan.path, encoding=plan.encoding, delimiter=plan.delimiter, sheet=plan.sheet
            ) as table:
                if table.header != plan.header:
                    raise FileProblem(_("The file's header changed since it was mapped."))
                writer = plan.target.writer(plan=plan, batch_id=batch_id, dry_run=dry_run)
                refused_rows = 0  # rows blanked for a NUL character: not blank rows
                try:
                    for chunk, first_row in _chunks(table, plan):
                        unreadable: list[RowError] = []
                        if table.nul_seen:
                            chunk, unreadable = nul_rows(
                                chunk, first_row, plan.header, plan.index.values()
                            )
                        outcome = writer.write_chunk(chunk, first_row)
                        if unreadable:
                            outcome.errors = sorted(
                                [*unreadable, *outcome.errors], key=lambda e: e.row
                            )
                        refused_rows += len({e.row for e in unreadable})
                        result.rows_read += len(chunk)
                        rows_with_errors = {e.row for e in outcome.errors}
                        result.rows_skipped += len(rows_with_errors)
                        for error in outcome.errors:
                            record(error)
                        if outcome.errors and not accept_skipping_errors and writer.writing:
                            writer.stop_writing()
                        if progress is not None:
                            progress(result.rows_read, table.progress(result.rows_read))
                    outcome = writer.flush()
                    result.rows_skipped += len({e.row for e in outcome.errors})
                    for error in outcome.errors:
                        record(error)
                    summary = writer.finish()
                finally:
                    writer.close()
            result.blank_rows = int(summary.pop("blank_rows", 0)) - refused_rows
            result.rows_read -= result.blank_rows
            result.rows_imported = int(summary.pop("rows_written", 0))
            result.summary = summary
            if result.error_count and not accept_skipping_errors:
                result.refused = True
                raise ImportRefused
            if dry_run:
                transaction.set_rollback(True)
    except ImportRefused:
        result.rows_imported = 0
    except FileProblem as problem:
        result.failure = str(problem)
        result.refused = True
        result.rows_imported = 0
    finally:
        if collecting:
            gc.enable()
    result.seconds = time.perf_counter() - started
    return result
