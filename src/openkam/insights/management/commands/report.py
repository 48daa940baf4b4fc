"""`kam report portfolio`: the portfolio analysis on the command line.

    kam report portfolio --from 2024-01-01 --to 2024-12-31 --format table|csv|json
        [--tier key] [--owner USERNAME] [--country NO] [--account ID] [--currency NOK]
        [--abc-a 80] [--abc-b 95] [--as USERNAME] [--limit N] [--output FILE]

Whoever runs the command on the server can read the database: by default the report covers
the whole company, as the head of key accounts sees it. `--as USERNAME` reports what that
user sees (a KAM: their own accounts, shares of their portfolio).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from openkam.currency.rates import MissingRateError
from openkam.insights.export import portfolio_as_dict, portfolio_csv, portfolio_text
from openkam.insights.filters import portfolio_filters
from openkam.insights.periods import default_period
from openkam.insights.selectors import portfolio_analyse, portfolio_can_view
from openkam.users.models import Role, User


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(value)r is not a date: use YYYY-MM-DD.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = "Reports on revenue: `kam report portfolio` (shares, ABC classes, concentration)."

    def add_arguments(self, parser: CommandParser) -> None:
        reports = parser.add_subparsers(dest="report", required=True, metavar="REPORT")
        p = reports.add_parser(
            "portfolio",
            help="Revenue per account with shares, ranks, ABC classes, HHI and growth.",
            description=__doc__,
        )
        p.add_argument("--from", dest="date_from", help="First day, YYYY-MM-DD.")
        p.add_argument("--to", dest="date_to", help="Last day (included), YYYY-MM-DD.")
        p.add_argument("--format", choices=["table", "csv", "json"], default="table")
        p.add_argument("--tier", action="append", default=[], help="Only this tier (repeatable).")
        p.add_argument("--owner", action="append", default=[], help="Only this KAM's accounts.")
        p.add_argument("--country", action="append", default=[], help="ISO country code.")
        p.add_argument("--account", action="append", type=int, default=[], help="Account id.")
        p.add_argument("--currency", default="", help="Reporting currency (ISO code).")
        p.add_argument("--abc-a", type=int, dest="abc_a", help="Class A up to this %% (80).")
        p.add_argument("--abc-b", type=int, dest="abc_b", help="Class B up to this %% (95).")
        p.add_argument("--as", dest="as_user", help="Report what this user sees.")
        p.add_argument("--limit", type=int, help="Table format: print at most N accounts.")
        p.add_argument("--output", help="Write to this file instead of the terminal.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "portfolio":
            self._portfolio(options)

    def _user(self, username: str | None) -> User:
        if not username:
            # The operator's view: the whole company, as the head sees it.
            return User(username="kam-report", role=Role.HEAD, is_active=True)
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("--as: no user %(name)r.") % {"name": username})
        if not portfolio_can_view(user=user):
            raise CommandError(
                _(
                    "--as: %(name)s is a %(role)s; the portfolio analysis is for the head of "
                    "key accounts and KAMs."
                )
                % {"name": username, "role": user.get_role_display()}
            )
        return user

    def _owners(self, usernames: list[str]) -> list[int]:
        found = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
        missing = [u for u in usernames if u not in found]
        if missing:
            raise CommandError(_("--owner: no user %(names)s.") % {"names": ", ".join(missing)})
        return [found[u] for u in usernames]

    def _portfolio(self, options: dict[str, Any]) -> None:
        period = default_period()
        try:
            filters = portfolio_filters(
                date_from=_day(options["date_from"]) if options["date_from"] else period.start,
                date_to=_day(options["date_to"]) if options["date_to"] else period.end,
                tiers=options["tier"],
                owner_ids=self._owners(options["owner"]),
                countries=options["country"],
                account_ids=options["account"],
                currency=options["currency"],
                abc_a=options["abc_a"],
                abc_b=options["abc_b"],
            )
        except ValidationError as exc:
            names = {"to": "--to", "tier": "--tier", "currency": "--currency",
                     "abc_a": "--abc-a", "abc_b": "--abc-b"}  # fmt: skip
            raise CommandError(
                "; ".join(
                    f"{names.get(field, field)}: {message}"
                    for field, messages in exc.message_dict.items()
                    for message in messages
                )
            ) from None
        try:
            result = portfolio_analyse(user=self._user(options["as_user"]), filters=filters)
        except MissingRateError as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            text = json.dumps(portfolio_as_dict(result), ensure_ascii=False, indent=2) + "\n"
        elif options["format"] == "csv":
            text = portfolio_csv(result)
        else:
            text = portfolio_text(result, limit=options["limit"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(_("Written to %(path)s.") % {"path": options["output"]})
        else:
            self.stdout.write(text, ending="")
