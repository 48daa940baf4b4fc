"""`kam revenue`: customer ids and rollups.

kam revenue unmatched [--limit N]             customer ids without account, by revenue
kam revenue link CODE... --account ID         link ERP customer ids to an account
kam revenue link --create-missing [--min-revenue X] [--owner USERNAME]
                                              create accounts for unmatched ids in bulk
kam revenue rebuild                           recompute the daily rollups from the lines
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.revenue.models import DEFAULT_SOURCE, Customer
from openkam.revenue.selectors import customers_unmatched_by_revenue
from openkam.revenue.services import customers_create_accounts, customers_link, revenue_rebuild
from openkam.users.models import Role, User


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise CommandError(_("%(value)s is not a number.") % {"value": value}) from None


class Command(BaseCommand):
    help = "ERP customer ids and revenue rollups: unmatched, link, rebuild."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        unmatched = sub.add_parser("unmatched", help="Customer ids without account.")
        unmatched.add_argument("--limit", type=int, default=50)
        unmatched.add_argument("--source", default="")
        link = sub.add_parser("link", help="Link customer ids to accounts.")
        link.add_argument("codes", nargs="*", help="ERP customer ids to link to --account.")
        link.add_argument("--account", type=int, help="Account id to link the codes to.")
        link.add_argument("--source", default="", help=f"ERP name (default: {DEFAULT_SOURCE}).")
        link.add_argument(
            "--create-missing",
            action="store_true",
            help="Create an account for every customer id without one.",
        )
        link.add_argument(
            "--min-revenue",
            default="",
            help="Only ids whose net revenue (in their currency) reaches this.",
        )
        link.add_argument("--owner", default="", help="Username of the new accounts' KAM.")
        sub.add_parser("rebuild", help="Recompute the daily rollups from the lines.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            rows = revenue_rebuild()
            self.stdout.write(
                _("Rollups rebuilt: %(rows)s rows.")
                % {"rows": number_format(rows, force_grouping=True)}
            )
        elif action == "unmatched":
            self._unmatched(options)
        else:
            self._link(options)

    def _unmatched(self, options: dict[str, Any]) -> None:
        rows = customers_unmatched_by_revenue(source=options["source"])
        for customer, currency, revenue in rows[: options["limit"]]:
            self.stdout.write(
                f"{customer.source}:{customer.code}\t{customer.name}\t{customer.country}\t"
                f"{number_format(revenue, 2, force_grouping=True)} {currency}"
            )
        self.stdout.write(
            ngettext(
                "%(count)s customer id without account.",
                "%(count)s customer ids without account.",
                len(rows),
            )
            % {"count": len(rows)}
        )

    def _head(self, username: str) -> User:
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(_("No active user %(name)s.") % {"name": username}) from None
        heads = list(User.objects.filter(role=Role.HEAD, is_active=True)[:2])
        if len(heads) != 1:
            raise CommandError(_("Name the owner of the new accounts with --owner USERNAME."))
        return heads[0]

    def _link(self, options: dict[str, Any]) -> None:
        source = options["source"] or DEFAULT_SOURCE
        if options["create_missing"]:
            owner = self._head(options["owner"])
            actor = owner if owner.role == Role.HEAD else self._head("")
            minimum = _decimal(options["min_revenue"]) if options["min_revenue"] else None
            try:
                created = customers_create_accounts(
                    actor=actor, owner=owner, min_revenue=minimum, source=options["source"]
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            for account in created:
                self.stdout.write(f"{account.pk}\t{account.name}")
            self.stdout.write(
                ngettext(
                    "%(count)s account created and linked.",
                    "%(count)s accounts created and linked.",
                    len(created),
                )
                % {"count": len(created)}
            )
            return
        if not options["codes"] or options["account"] is None:
            raise CommandError(_("Give customer ids and --account ID, or --create-missing."))
        customers = Customer.objects.filter(source=source, code__in=options["codes"])
        found = {c.code: c.pk for c in customers}
        missing = [code for code in options["codes"] if code not in found]
        if missing:
            raise CommandError(
                _("Unknown customer ids for source %(source)s: %(codes)s")
                % {"source": source, "codes": ", ".join(missing)}
            )
        try:
            changed = customers_link(
                actor=self._head(""),
                customer_ids=list(found.values()),
                account_id=options["account"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            ngettext("%(count)s customer id linked.", "%(count)s customer ids linked.", changed)
            % {"count": changed}
        )
