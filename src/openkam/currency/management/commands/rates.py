"""`kam rates import FILE`: import exchange rates from CSV (every row or none);
`kam rates current [--on DATE]`: the rate of each pair in force on a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.currency.selectors import exchange_rates_current
from openkam.currency.services import exchange_rates_import


class Command(BaseCommand):
    help = (
        "Exchange rates. `rates import FILE [--dry-run] [--source NAME]` imports a CSV file "
        "(date, base, quote, rate[, source]): all rows or none. `rates current [--on DATE]` "
        "lists the rate of each pair in force on a date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import rates from a CSV file.")
        imp.add_argument("file", help="The CSV file, or - for standard input.")
        imp.add_argument("--dry-run", action="store_true", help="Check and report only.")
        imp.add_argument("--source", default="", help="Source for rows without one, e.g. ECB.")
        cur = sub.add_parser("current", help="The rate of each pair in force on a date.")
        cur.add_argument("--on", type=date.fromisoformat, help="YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "current":
            self._current(options["on"] or timezone.localdate())
        else:
            self._import(options["file"], dry_run=options["dry_run"], source=options["source"])

    def _current(self, on: date) -> None:
        for rate in exchange_rates_current(on=on):
            self.stdout.write(
                f"{rate.base}/{rate.quote}  {rate.rate.normalize()}  "
                f"{rate.effective_date.isoformat()}  {rate.source}"
            )

    def _import(self, path: str, *, dry_run: bool, source: str) -> None:
        import sys

        try:
            content = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from None
        result = exchange_rates_import(actor=None, content=content, dry_run=dry_run, source=source)
        if not result.ok:
            for error in result.errors:
                where = _("line %(line)s") % {"line": error.line} if error.line else _("file")
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"{path}:{where}{column}: {error.message}")
            raise CommandError(
                ngettext(
                    "%(count)s error; nothing was imported.",
                    "%(count)s errors; nothing was imported.",
                    result.error_count,
                )
                % {"count": result.error_count}
            )
        summary = _("%(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % {
            "created": len(result.to_create),
            "updated": len(result.to_update),
            "unchanged": result.unchanged,
        }
        if dry_run:
            self.stdout.write(_("Dry run, nothing saved: %(summary)s") % {"summary": summary})
        else:
            self.stdout.write(_("Imported: %(summary)s") % {"summary": summary})
