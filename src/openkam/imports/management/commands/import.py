# ruff: noqa: N999 -- the command is `kam import`, so the module is import.py.
"""`kam import orders FILE`: import an ERP export of order or invoice lines.

The mapping is applied when every required field was recognised with certainty from the
header (or comes from --mapping/--map); otherwise the command stops and names the option
that settles each open point. At a terminal it offers the choices instead. Exit codes:
0 imported (or checked), 1 refused (row errors or unreadable file: nothing written),
2 mapping or usage problem.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.core.errors import NotFoundError
from openkam.imports.engine import ImportResult, ImportSettings, Plan, plan_import, run_import
from openkam.imports.mapping import MappingProblem, describe, parse_map_options
from openkam.imports.readers import FileProblem, delimiter_label, encoding_label
from openkam.imports.selectors import profile_get
from openkam.imports.services import (
    ErrorFile,
    batch_create_for_file,
    batch_record,
    profile_save,
    profile_settings,
)
from openkam.imports.targets import Target, get_target, registered_targets
from openkam.imports.values import COMMA, POINT, date_format_label

SHOWN_ERRORS = 20


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


class ProgressBar:
    """`[#####.....]  45 %  236,000 rows  250,000 rows/s` on stderr, redrawn in place."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, rows: int, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and fraction < 1:
            return
        self.last = now
        rate = rows / max(now - self.started, 1e-6)
        filled = int(fraction * 30)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction * 100:3.0f} %  "
            f"{_n(rows)} {_('rows')}  {_n(int(rate))} {_('rows/s')}   "
        )
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import a file of order or invoice lines (CSV, CSV.GZ or XLSX): kam import orders FILE. "
        "All rows or none; --dry-run checks without writing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = [target.kind for target in registered_targets()]
        parser.add_argument(
            "kind", choices=kinds, help="What the file holds: orders, accounts or stakeholders."
        )
        parser.add_argument("file", help="CSV (optionally .gz) or XLSX file.")
        parser.add_argument("--mapping", default="", help="Use the saved mapping NAME.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a column to a field (repeatable); COLUMN= leaves a column out.",
        )
        parser.add_argument("--date-format", default="", help="e.g. %%d.%%m.%%Y, or excel.")
        parser.add_argument("--decimal", choices=(POINT, COMMA), default="", help="Decimal mark.")
        parser.add_argument("--encoding", default="", help="e.g. utf-8, cp1252, cp1251.")
        parser.add_argument("--delimiter", default="", help="; , tab or |")
        parser.add_argument("--sheet", default="", help="Sheet of an XLSX workbook.")
        parser.add_argument("--source", default="", help="Name of the ERP (default: erp).")
        parser.add_argument("--currency", default="", help="Currency of lines without one.")
        parser.add_argument("--credit-prefix", default="", help="Invoice prefix of credit notes.")
        parser.add_argument(
            "--option",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Another option of the kind (repeatable): owner=LOGIN (default owner of new "
            "accounts), account=ID-OR-NAME (account of people rows that name none).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check; write nothing.")
        parser.add_argument(
            "--accept-skipping-errors",
            action="store_true",
            help="Import the good rows even if some rows have errors (those are skipped).",
        )
        parser.add_argument("--save-mapping", default="", help="Save the mapping as NAME.")
        parser.add_argument("--errors", default="", help="Write every row error to this CSV.")
        parser.add_argument("--user", default="", help="Import as USERNAME (for the audit log).")

    def handle(self, *args: Any, **options: Any) -> None:
        target = get_target(options["kind"])
        path = Path(options["file"])
        self.actor = self._user(options["user"], target)
        settings = self._settings(target, options)
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        plan = self._plan(path, target, settings)
        while not plan.ok and interactive and self._ask(plan, settings):
            plan = self._plan(path, target, settings)
        self._print_plan(plan)
        if not plan.ok:
            self._print_problems(plan.problems)
            raise CommandError(
                _("The mapping is not complete; nothing was imported."), returncode=2
            )
        if options["save_mapping"]:
            profile_save(
                actor=self.actor, kind=target.kind, name=options["save_mapping"], plan=plan
            )
            self.stdout.write(_("Mapping saved as %(name)s.") % {"name": options["save_mapping"]})
        self._run(plan, target, path, options)

    # --- settings ------------------------------------------------------------------------

    @staticmethod
    def _user(username: str, target: Target) -> Any:
        if not username:
            return None
        from openkam.users.models import User

        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(
                _("No active user %(name)s.") % {"name": username}, returncode=2
            ) from None
        if not target.may_import(user):
            raise CommandError(
                _("%(name)s may not import this kind of data.") % {"name": username}, returncode=2
            )
        return user

    def _settings(self, target: Target, options: dict[str, Any]) -> ImportSettings:
        settings = ImportSettings()
        if options["mapping"]:
            try:
                settings = profile_settings(profile_get(kind=target.kind, name=options["mapping"]))
            except NotFoundError as exc:
                raise CommandError(str(exc), returncode=2) from None
        try:
            explicit = parse_map_options(options["map"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if settings.confirmed:
            for column, name in explicit.items():
                settings.columns = {c: f for c, f in settings.columns.items() if f != name}
                settings.columns[column] = name
        else:
            settings.columns.update(explicit)
        for key, option in (
            ("date_format", "date_format"),
            ("decimal_style", "decimal"),
            ("encoding", "encoding"),
            ("delimiter", "delimiter"),
            ("sheet", "sheet"),
        ):
            if options[option]:
                setattr(settings, key, options[option])
        if settings.date_format.lower() == "excel":
            settings.date_format = "excel"
        for name in ("source", "currency", "credit_prefix"):
            if options[name]:
                settings.options[name] = options[name]
        known = [spec.name for spec in target.options]
        for value in options["option"]:
            name, sep, text = value.partition("=")
            if not sep or name.strip() not in known:
                raise CommandError(
                    _("--option takes NAME=VALUE, NAME being one of: %(names)s.")
                    % {"names": ", ".join(known) or "-"},
                    returncode=2,
                )
            settings.options[name.strip()] = text.strip()
        return settings

    def _plan(self, path: Path, target: Target, settings: ImportSettings) -> Plan:
        try:
            return plan_import(path, target, settings, actor=self.actor)
        except FileProblem as problem:
            raise CommandError(
                _("%(file)s cannot be imported: %(reason)s") % {"file": path, "reason": problem},
                returncode=1,
            ) from None

    def _ask(self, plan: Plan, settings: ImportSettings) -> bool:
        """At a terminal: offer the choices of the first problem that has some."""
        for problem in plan.problems:
            choices = [c for c in problem.choices if "COLUMN" not in c]
            if not choices:
                continue
            self.stdout.write(problem.message)
            for number, choice in enumerate(choices, start=1):
                label = date_format_label(choice) if problem.option == "date-format" else choice
                self.stdout.write(f"  [{number}] {label}")
            answer = input(_("Choose a number (empty to stop): ")).strip()
            if not answer.isdigit() or not 1 <= int(answer) <= len(choices):
                return False
            choice = choices[int(answer) - 1]
            if problem.option == "date-format":
                settings.date_format = choice
            elif problem.option == "decimal":
                settings.decimal_style = choice
            elif problem.option == "map":
                column, _sep, name = choice.rpartition("=")
                settings.columns[column] = name
            return True
        return False

    # --- output ---------------------------------------------------------------------------

    def _print_plan(self, plan: Plan) -> None:
        if plan.format == "xlsx":
            read = _("XLSX, sheet %(sheet)s") % {"sheet": plan.sheet}
        else:
            read = _("CSV, %(encoding)s, delimiter %(delimiter)s") % {
                "encoding": encoding_label(plan.encoding),
                "delimiter": delimiter_label(plan.delimiter),
            }
        self.stdout.write(_("Reading %(file)s: %(how)s") % {"file": plan.path.name, "how": read})
        if plan.columns:
            self.stdout.write(_("Mapping:"))
            width = max(len(column) for column in plan.columns)
            for column, label in describe(plan.columns, plan.target.fields):
                self.stdout.write(f"  {column.ljust(width)}  ->  {label}")
        unmapped = [c for c in plan.header if c not in plan.columns]
        if unmapped:
            self.stdout.write(_("Not imported: %(columns)s") % {"columns": ", ".join(unmapped)})
        formats = []
        # Only the formats this kind of file is read with (an account list has no amounts).
        if plan.date_format and plan.target.reads_dates:
            formats.append(_("dates %(format)s") % {"format": date_format_label(plan.date_format)})
        if plan.decimal_style and plan.target.reads_numbers:
            formats.append(
                _("decimal comma") if plan.decimal_style == COMMA else _("decimal point")
            )
        if formats:
            self.stdout.write(_("Reading %(formats)s.") % {"formats": ", ".join(formats)})
        for note in plan.notes:
            self.stdout.write(f"  - {note}")

    def _print_problems(self, problems: list[MappingProblem]) -> None:
        self.stderr.write(_("To settle before importing:"))
        for problem in problems:
            self.stderr.write(f"  - {problem.message}")
            hint = self._hint(problem)
            if hint:
                self.stderr.write(f"    {_('Settle it with:')} {hint}")

    @staticmethod
    def _hint(problem: MappingProblem) -> str:
        if problem.option == "map":
            options = [f"--map '{choice}'" for choice in problem.choices] or [
                "--map 'COLUMN=FIELD'"
            ]
            return _(" or ").join(options)
        if problem.option == "date-format":
            choices = problem.choices or ("%d.%m.%Y",)
            return _(" or ").join(f"--date-format '{c}'" for c in choices)
        if problem.option == "decimal":
            return _(" or ").join(f"--decimal {c}" for c in problem.choices or (POINT, COMMA))
        if problem.option in ("source", "currency"):
            return f"--{problem.option} ..."
        if problem.option:
            return f"--option {problem.option}=..."
        return ""

    # --- running --------------------------------------------------------------------------

    def _run(self, plan: Plan, target: Target, path: Path, options: dict[str, Any]) -> None:
        dry_run = options["dry_run"]
        batch = None
        if not dry_run:
            batch = batch_create_for_file(
                actor=self.actor, kind=target.kind, path=path, settings=plan.settings()
            )
        sink = ErrorFile(Path(options["errors"])) if options["errors"] else None
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        try:
            result = run_import(
                plan,
                batch_id=batch.pk if batch else None,
                dry_run=dry_run,
                accept_skipping_errors=options["accept_skipping_errors"],
                progress=bar,
                error_sink=sink,
            )
        finally:
            if bar is not None:
                bar.done()
            if sink is not None:
                sink.close()
        if batch is not None:
            batch_record(batch=batch, result=result)
        self._print_result(result, target, options)
        if not result.ok:
            raise CommandError(_("Nothing was imported."), returncode=1)

    def _print_result(self, result: ImportResult, target: Target, options: dict[str, Any]) -> None:
        if result.failure:
            self.stderr.write(_("Refused: %(reason)s") % {"reason": result.failure})
        if result.errors:
            self.stderr.write(
                ngettext(
                    "%(count)s row has errors:", "%(count)s rows have errors:", result.rows_skipped
                )
                % {"count": _n(result.rows_skipped)}
            )
            for error in result.errors[:SHOWN_ERRORS]:
                where = _("row %(row)s") % {"row": error.row}
                if error.column:
                    where += ", " + _("column %(column)s") % {"column": error.column}
                self.stderr.write(f"  {where}: {error.value!r} {error.reason}")
            if result.error_count > SHOWN_ERRORS:
                more = _("  ... and %(count)s more.") % {
                    "count": _n(result.error_count - SHOWN_ERRORS)
                }
                if not options["errors"]:
                    more += " " + _("Write them all to a file with --errors FILE.")
                self.stderr.write(more)
            if options["errors"]:
                self.stderr.write(
                    _("Every row error is in %(file)s.") % {"file": options["errors"]}
                )
            if result.refused and not options["accept_skipping_errors"]:
                self.stderr.write(
                    _(
                        "Nothing was written. Correct the file, or import the other rows with "
                        "--accept-skipping-errors."
                    )
                )
        rate = int(result.rows_read / result.seconds) if result.seconds else 0
        count = result.rows_imported
        if result.dry_run and result.ok:
            headline = (
                ngettext(
                    "Dry run: %(rows)s line would be imported; nothing was written.",
                    "Dry run: %(rows)s lines would be imported; nothing was written.",
                    count,
                )
                if target.counts_lines
                else ngettext(
                    "Dry run: %(rows)s row would be imported; nothing was written.",
                    "Dry run: %(rows)s rows would be imported; nothing was written.",
                    count,
                )
            )
        elif result.ok:
            headline = (
                ngettext("Imported %(rows)s line.", "Imported %(rows)s lines.", count)
                if target.counts_lines
                else ngettext("Imported %(rows)s row.", "Imported %(rows)s rows.", count)
            )
        else:
            headline = _("Refused after reading the file; the database is unchanged.")
        self.stdout.write(headline % {"rows": _n(result.rows_imported)})
        rows = [
            (_("Rows read"), _n(result.rows_read)),
            (_("Rows imported"), _n(result.rows_imported)),
            (_("Rows skipped (errors)"), _n(result.rows_skipped)),
            (_("Blank rows"), _n(result.blank_rows)),
            (_("Time"), f"{result.seconds:.1f} s ({_n(rate)} {_('rows/s')})"),
        ]
        if result.summary:
            rows += target.summary_lines(result.summary)
        width = max(len(str(label)) for label, _value in rows)
        for label, value in rows:
            self.stdout.write(f"  {str(label).ljust(width)}  {value}")
        if result.ok and result.summary.get("customers_unmatched"):
            self.stdout.write(
                _(
                    "Link customer ids to accounts on the Revenue > Customer ids page, or create "
                    "accounts for them with: kam revenue link --create-missing"
                )
            )
