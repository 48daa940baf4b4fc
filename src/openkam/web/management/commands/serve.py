"""`kam serve`: the production server (gunicorn) with static files collected for whitenoise."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from openkam.env import env_int, env_str


class Command(BaseCommand):
    help = "Serve OpenKAM with gunicorn on HOST:PORT (default 127.0.0.1:8000)."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000, minimum=1))
        parser.add_argument(
            "--workers",
            type=int,
            default=env_int("WEB_CONCURRENCY", 2, minimum=1),
            help="Worker processes (WEB_CONCURRENCY).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files (when they are collected at build time).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(_("--port %(port)s is not a TCP port (1-65535).") % {"port": port})
        call_command("check", deploy=False, fail_level="ERROR", verbosity=0)
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{port}"
        self.stdout.write(_("OpenKAM on %(url)s (Ctrl+C stops it)") % {"url": f"http://{bind}/"})
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "openkam.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            # One control socket per data directory, so that several instances can run.
            "--control-socket",
            str(settings.DATA_DIR / "gunicorn.ctl"),
            "--forwarded-allow-ips",
            env_str("FORWARDED_ALLOW_IPS", "127.0.0.1") or "127.0.0.1",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openkam.settings")
        # Replace this process, so that signals from a supervisor reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606
