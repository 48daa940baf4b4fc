"""`kam translations APP...`: refresh the translation catalogues of OpenKAM apps.

Each app keeps its own catalogues in `src/openkam/<app>/locale/<lang>/LC_MESSAGES/django.po`
(so that people working on different apps never edit the same file) and the compiled `.mo`
next to them (committed, so that an installed package needs no build step). This command runs
`makemessages` inside the app's directory for every shipped language, makes the catalogue
headers usable (a fuzzy header would be skipped by msgfmt, losing the plural rule), compiles
the catalogues and prints how many messages still wait for a translation. It needs GNU gettext
(`msgfmt`, `xgettext`, `msgmerge`) on the PATH, as Django's own commands do.
"""

from __future__ import annotations

import os
import re
import subprocess
from contextlib import chdir
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

APPS_ROOT = Path(__file__).resolve().parents[3]


def shipped_languages() -> list[str]:
    """Every configured language except the source language (English)."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def catalogue_path(app: str, language: str) -> Path:
    return APPS_ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"


def fix_header(path: Path, language: str) -> None:
    """Un-fuzzy the header and fill in the fields makemessages leaves as placeholders."""
    text = path.read_text(encoding="utf-8")
    head, separator, body = text.partition("\n\n")
    head = re.sub(r'^(#.*\n)*?#, fuzzy\nmsgid ""', 'msgid ""', head, count=1, flags=re.M)
    head = re.sub(r"^# SOME DESCRIPTIVE TITLE\.\n", "# OpenKAM.\n", head, flags=re.M)
    head = re.sub(r'"Language: [^"]*\\n"', f'"Language: {language}\\\\n"', head)
    head = re.sub(r'"Project-Id-Version: [^"]*\\n"', '"Project-Id-Version: OpenKAM\\\\n"', head)
    path.write_text(head + separator + body, encoding="utf-8")


def statistics(path: Path) -> str:
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--statistics", "-o", os.devnull, str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return (result.stderr or result.stdout).strip()


class Command(BaseCommand):
    help = (
        "Refresh the translation catalogues of the given apps (e.g. `kam translations accounts`): "
        "extract the messages for every shipped language, fix the headers, compile them."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("apps", nargs="+", help="App directories under src/openkam/.")

    def handle(self, *args: Any, **options: Any) -> None:
        languages = shipped_languages()
        for app in options["apps"]:
            app_dir = APPS_ROOT / app
            if not (app_dir / "apps.py").is_file():
                raise CommandError(f"{app!r} is not an app directory under {APPS_ROOT}.")
            (app_dir / "locale").mkdir(exist_ok=True)
            with chdir(app_dir):
                call_command(
                    "makemessages",
                    locale=languages,
                    no_obsolete=True,
                    verbosity=0,
                )
                present = [lang for lang in languages if catalogue_path(app, lang).is_file()]
                for language in present:
                    fix_header(catalogue_path(app, language), language)
                if present:
                    call_command("compilemessages", verbosity=0)
            if not present:
                self.stdout.write(f"{app}: no translatable messages")
            for language in present:
                self.stdout.write(f"{app}/{language}: {statistics(catalogue_path(app, language))}")
