"""`kam apitoken USERNAME`: print a new API token for a user; also list and revoke."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkam.core.errors import NotFoundError
from openkam.users.models import User
from openkam.users.selectors import apitokens_of
from openkam.users.services import apitoken_create, apitoken_revoke


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it (it is shown only once). "
        "--list shows the user's tokens; --revoke PREFIX revokes one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="CLI", help="What the token is for.")
        parser.add_argument("--list", action="store_true", help="List the user's tokens.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token with PREFIX.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        if options["list"]:
            for token in apitokens_of(user):
                state = "active" if token.is_active else f"revoked {token.revoked_at:%Y-%m-%d}"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(f"{token.prefix}  {token.name:<20} last used {used:<16} {state}")
            return
        if options["revoke"]:
            try:
                apitoken_revoke(user=user, prefix=options["revoke"])
            except NotFoundError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Revoked token {options['revoke']} of {user.username}.")
            return
        if not user.is_active:
            raise CommandError(f"{user.username} is inactive; activate the user first.")
        _token, clear = apitoken_create(user=user, name=options["name"])
        self.stdout.write(clear)
