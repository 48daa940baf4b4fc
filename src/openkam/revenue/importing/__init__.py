"""The order-lines (revenue) import target: fields, what a mapping must contain, the writer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openkam.core.money import format_money, format_number
from openkam.imports.mapping import MappingProblem
from openkam.imports.models import ImportKind
from openkam.imports.targets import OptionSpec, Target, Writer
from openkam.revenue.importing.fields import FIELDS
from openkam.revenue.models import DEFAULT_SOURCE


class RevenueTarget(Target):
    kind = ImportKind.ORDERS
    label = gettext_lazy("Revenue (order or invoice lines)")
    fields = FIELDS
    counts_lines = True
    requirements = gettext_lazy(
        "Needed: the customer id (its cells may be empty, for cash sales), the date, and the "
        "net amount or both the quantity and the unit price. Every other field is optional."
    )
    options = (
        OptionSpec(
            "source",
            gettext_lazy("source"),
            DEFAULT_SOURCE,
            gettext_lazy(
                "Name of the ERP or export; invoices are identified within it, so two systems "
                "may use the same invoice numbers."
            ),
        ),
        OptionSpec(
            "currency",
            gettext_lazy("currency"),
            "",
            gettext_lazy("Currency of lines without a currency column or value."),
        ),
        OptionSpec(
            "credit_prefix",
            gettext_lazy("credit note prefix"),
            "",
            gettext_lazy(
                "Invoice numbers starting with this (e.g. C) are credit notes: positive "
                "amounts on them are turned negative."
            ),
        ),
    )

    def may_import(self, user: Any) -> bool:
        # Revenue is company-wide: an import replaces invoices of every account at once.
        from openkam.imports.selectors import is_head

        return is_head(user)

    def resolve_options(self, options: Mapping[str, str]) -> dict[str, str]:
        resolved = super().resolve_options(options)
        resolved["source"] = (resolved["source"] or DEFAULT_SOURCE).strip()
        resolved["currency"] = (
            (resolved["currency"] or str(settings.KAM_REPORTING_CURRENCY)).strip().upper()
        )
        resolved["credit_prefix"] = resolved["credit_prefix"].strip()
        return resolved

    def check(
        self, *, columns: Mapping[str, str], options: Mapping[str, str]
    ) -> list[MappingProblem]:
        mapped = set(columns.values())
        problems: list[MappingProblem] = []

        def need(name: str) -> None:
            problems.append(
                MappingProblem(
                    _("No column is mapped to the %(field)s.") % {"field": self.field(name).label},
                    option="map",
                    choices=(f"COLUMN={name}",),
                )
            )

        if "customer" not in mapped:
            need("customer")
        if "date" not in mapped:
            need("date")
        if "amount" not in mapped and not {"quantity", "unit_price"} <= mapped:
            problems.append(
                MappingProblem(
                    _(
                        "No amount: map a column to the net amount, or columns to both the "
                        "quantity and the unit price."
                    ),
                    option="map",
                    choices=("COLUMN=amount", "COLUMN=quantity", "COLUMN=unit_price"),
                )
            )
        if "cost" in mapped and "margin" in mapped:
            problems.append(
                MappingProblem(_("Map either the cost or the margin, not both."), option="map")
            )
        currency = options.get("currency", "")
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            problems.append(
                MappingProblem(
                    _("%(value)s is not a three-letter currency code.") % {"value": currency},
                    option="currency",
                )
            )
        source = options.get("source", "")
        if not source or len(source) > 100:
            problems.append(
                MappingProblem(
                    _("The source needs a name of up to 100 characters."), option="source"
                )
            )
        return problems

    def notes(self, *, columns: Mapping[str, str], options: Mapping[str, str]) -> list[str]:
        mapped = set(columns.values())
        notes: list[str] = []
        if "currency" not in mapped:
            notes.append(
                _("No currency column: amounts are in %(currency)s.")
                % {"currency": options["currency"]}
            )
        if "document" not in mapped:
            notes.append(
                _(
                    "No invoice or order column: each customer's lines of one day form a "
                    "document, and a re-import replaces the days it contains."
                )
            )
        elif "line_no" not in mapped:
            notes.append(
                _(
                    "Lines are numbered by their position in their invoice or order; one that "
                    "is imported again replaces its stored lines."
                )
            )
        if "amount" in mapped and {"quantity", "unit_price"} <= mapped:
            notes.append(
                _("The net amount column is used; quantity and unit price are kept as details.")
            )
        if options.get("credit_prefix"):
            notes.append(
                _("Invoices starting with %(prefix)s are credit notes.")
                % {"prefix": options["credit_prefix"]}
            )
        return notes

    def writer(self, *, plan: Any, batch_id: int | None, dry_run: bool) -> Writer:
        from openkam.revenue.importing.writer import RevenueWriter

        return RevenueWriter(plan=plan, batch_id=batch_id, dry_run=dry_run)

    def summary_lines(self, summary: Mapping[str, Any]) -> list[tuple[str, str]]:
        def n(key: str) -> str:
            return format_number(int(summary.get(key, 0) or 0))

        def money(values: Mapping[str, str]) -> str:
            return ", ".join(format_money(v, c) for c, v in values.items()) or "0"

        return [
            (
                _("Invoices and orders"),
                _("%(new)s new, %(replaced)s imported again (replaced)")
                % {
                    "new": n("documents_new"),
                    "replaced": n("documents_replaced"),
                },
            ),
            (_("Stored lines replaced"), n("lines_replaced")),
            (_("Credit lines"), n("credit_lines")),
            (
                _("Customer ids"),
                _("%(total)s in the file, %(new)s new, %(unmatched)s not linked to an account")
                % {
                    "total": n("customers_in_file"),
                    "new": n("customers_new"),
                    "unmatched": n("customers_unmatched"),
                },
            ),
            (_("Net revenue in the file"), money(summary.get("net_revenue", {}))),
            (_("Change of stored net revenue"), money(summary.get("net_change", {}))),
            (_("Unassigned (ids without account)"), money(summary.get("unassigned_revenue", {}))),
            (_("No customer id"), money(summary.get("no_customer_revenue", {}))),
        ]


TARGET = RevenueTarget()
