"""The figures an order-lines import reports: documents new and replaced, credit lines,
customer ids, and net revenue per currency (in the file, the change of what is stored, the
unassigned part and the part without customer id)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openkam.revenue.importing.writer import RevenueWriter


def writer_summary(writer: RevenueWriter) -> dict[str, Any]:
    net: dict[str, Decimal] = {}
    net_change: dict[str, Decimal] = {}
    unassigned: dict[str, Decimal] = {}
    no_customer: dict[str, Decimal] = {}
    unmatched_ids: set[int] = set()
    accounts = writer.customer_accounts
    for (customer, _day, currency), (amount, *_counts) in writer.added.items():
        value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
        net[currency] = net.get(currency, Decimal(0)) + value
        net_change[currency] = net_change.get(currency, Decimal(0)) + value
        if customer is None:
            no_customer[currency] = no_customer.get(currency, Decimal(0)) + value
        elif accounts.get(customer) is None:
            unmatched_ids.add(customer)
            unassigned[currency] = unassigned.get(currency, Decimal(0)) + value
    for (_customer, _day, currency), (amount, *_counts) in writer.removed.items():
        value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
        net_change[currency] = net_change.get(currency, Decimal(0)) - value

    def money(values: dict[str, Decimal]) -> dict[str, str]:
        return {
            currency: str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            for currency, value in sorted(values.items())
        }

    return {
        "blank_rows": writer.blank_rows,
        # Lines written (or, in a dry run, that would be written).
        "rows_written": sum(entry[1] for entry in writer.added.values()),
        "documents": len(writer.documents),
        "documents_new": writer.documents_new,
        "documents_replaced": writer.documents_replaced,
        "lines_replaced": writer.lines_replaced,
        "credit_lines": writer.credit_lines,
        "customers_in_file": len({key[0] for key in writer.added if key[0] is not None}),
        "customers_new": len(writer.new_customers),
        "customers_unmatched": len(unmatched_ids),
        "net_revenue": money(net),
        "net_change": money(net_change),
        "unassigned_revenue": money(unassigned),
        "no_customer_revenue": money(no_customer),
        "source": writer.source,
    }
