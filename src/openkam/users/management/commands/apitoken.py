"""`kam apitoken USERNAME`: print a new API token for a user; also list and revoke."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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
            raise CommandError(
                _("No user named %(username)s.") % {"username": options["username"]}
            ) from None
        if options["list"]:
            for token in apitokens_of(user):
                state = (
                    _("active")
                    if token.is_active
                    else _("revoked %(date)s")
                    % {
                        "date": date_format(
                            timezone.localtime(token.revoked_at), "SHORT_DATE_FORMAT"
                        )
                    }
                )
                used = (
                    date_format(timezone.localtime(token.last_used_at), "SHORT_DATETIME_FORMAT")
                    if token.last_used_at
                    else _("never")
                )
                self.stdout.write(
                    _("%(prefix)s  %(name)s  last used %(used)s  %(state)s")
                    % {"prefix": token.prefix, "name": token.name, "used": used, "state": state}
                )
            return
        if options["revoke"]:
            try:
                apitoken_revoke(user=user, prefix=options["revoke"])
            except NotFoundError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                _("Revoked the token %(prefix)s of %(username)s.")
                % {"prefix": options["revoke"], "username": user.username}
            )
            return
        if not user.is_active:
            raise CommandError(
                _("%(username)s is inactive; activate the user first.")
                % {"username": user.username}
            )
        _token, clear = apitoken_create(user=user, name=options["name"])
        self.stdout.write(clear)
