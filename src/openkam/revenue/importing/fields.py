"""The fields of an order-line import: kind, length, help, and the header words that name them
(kept in header_words.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openkam.imports.mapping import CODE, CURRENCY_CODE, DATE, DECIMAL, INTEGER, TEXT, FieldSpec
from openkam.revenue.importing.header_words import WORDS

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "customer",
        _("customer id"),
        CODE,
        100,
        words=WORDS["customer"],
        help=_("The ERP's id of the customer; empty for cash sales and one-off buyers."),
    ),
    FieldSpec(
        "customer_name",
        _("customer name"),
        TEXT,
        200,
        words=WORDS["customer_name"],
        help=_(
            "The customer's name in the ERP: shown beside customer ids not linked to an account, "
            "and updated when it changes."
        ),
    ),
    FieldSpec(
        "document",
        _("invoice or order number"),
        CODE,
        100,
        words=WORDS["document"],
        help=_(
            "Identifies the invoice or order: one imported again replaces its stored lines. "
            "Without this column, each customer's lines of one day form a document."
        ),
    ),
    FieldSpec(
        "line_no",
        _("line number"),
        INTEGER,
        words=WORDS["line_no"],
        help=_(
            "The line's number in its invoice or order; without it, lines are numbered by their "
            "position."
        ),
    ),
    FieldSpec(
        "date",
        _("date"),
        DATE,
        words=WORDS["date"],
        help=_("The invoice or order date: the day the revenue counts on."),
    ),
    FieldSpec(
        "product",
        _("product"),
        CODE,
        100,
        words=WORDS["product"],
    ),
    FieldSpec(
        "description",
        _("description"),
        TEXT,
        words=WORDS["description"],
    ),
    FieldSpec(
        "quantity",
        _("quantity"),
        DECIMAL,
        words=WORDS["quantity"],
        help=_(
            "Negative for returns. With the unit price it gives the net amount when no amount "
            "column is mapped."
        ),
    ),
    FieldSpec(
        "unit_price",
        _("unit price"),
        DECIMAL,
        words=WORDS["unit_price"],
        help=_(
            "The price of one unit; quantity times unit price is the net amount when no amount "
            "column is mapped."
        ),
    ),
    FieldSpec(
        "amount",
        _("net amount"),
        DECIMAL,
        words=WORDS["amount"],
        help=_("Net of discounts, before tax; negative for credit notes and cancellations."),
    ),
    FieldSpec(
        "currency",
        _("currency"),
        CODE,
        3,
        words=WORDS["currency"],
        help=_("Empty cells are in the import's currency."),
        accepts=CURRENCY_CODE,
    ),
    FieldSpec(
        "cost",
        _("cost"),
        DECIMAL,
        words=WORDS["cost"],
        help=_("What the line cost us, for its margin."),
    ),
    FieldSpec(
        "margin",
        _("margin"),
        DECIMAL,
        words=WORDS["margin"],
        help=_("Amount minus cost; stored as the cost it implies."),
    ),
    FieldSpec(
        "country",
        _("country"),
        TEXT,
        100,
        words=WORDS["country"],
    ),
    FieldSpec(
        "sales_rep",
        _("sales rep"),
        TEXT,
        100,
        words=WORDS["sales_rep"],
    ),
)
