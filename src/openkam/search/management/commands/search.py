"""`kam search reindex [--kind KIND ...]`: rebuild the search index from the records.

Needed after restoring a backup made without the index, after importing data with raw SQL, or
when the way an app describes its records changed. Safe to run at any time: it runs in one
transaction, so searches see the old index until the new one is complete.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.search.registry import sources
from openkam.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Search index maintenance: `reindex` rebuilds it from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex"], help="What to do.")
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            help="Only this kind of record (repeatable), e.g. --kind interaction.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = {source.kind for source in sources()}
        kinds = options.get("kinds")
        if kinds:
            unknown = sorted(set(kinds) - known)
            if unknown:
                raise CommandError(
                    _("Unknown kind(s): %(unknown)s. Known: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))}
                )
        started = time.monotonic()
        counts = search_index_rebuild(kinds=kinds)
        for kind, count in counts.items():
            self.stdout.write(
                ngettext("%(kind)s: %(n)s document", "%(kind)s: %(n)s documents", count)
                % {"kind": kind, "n": count}
            )
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Search index rebuilt: %(n)s document in %(seconds).1f s.",
                    "Search index rebuilt: %(n)s documents in %(seconds).1f s.",
                    total,
                )
                % {"n": total, "seconds": time.monotonic() - started}
            )
        )
