"""Revenue as the ERP exports it: customers (ERP customer ids), invoice or order lines, and
the daily rollup that analytics read.

Lines are written by the import in bulk (COPY on PostgreSQL, executemany on SQLite), never one
by one through the ORM; `DailyRevenue` is kept in step by the same transaction and can be
recomputed from the lines (`kam revenue rebuild`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.core.models import TimeStampedModel

DEFAULT_SOURCE = "erp"
NO_CUSTOMER_KEY = 0  # DailyRevenue.customer_key of lines without a customer id


class Customer(TimeStampedModel):
    """A customer id of an ERP, linked to the account it belongs to (an account may own several
    ids: subsidiaries, sites, ship-to parties). Unlinked ids are "unassigned" revenue."""

    source = models.CharField(_("source"), max_length=100, default=DEFAULT_SOURCE)
    code = models.CharField(_("customer id"), max_length=100)
    name = models.CharField(_("name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erp_customers",
    )

    class Meta:
        ordering = ["source", "code"]
        verbose_name = _("ERP customer")
        verbose_name_plural = _("ERP customers")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code"],
                name="customer_unique_code_per_source",
                violation_error_message=_("This customer id exists already for this source."),
            )
        ]

    def __str__(self) -> str:
        label = f"{self.code} ({self.source})" if self.source != DEFAULT_SOURCE else self.code
        return f"{label} {self.name}".strip()


class RevenueLine(models.Model):
    """One invoice or order line, identified by (source, document, line_no): its primary key.

    `line_no` is the position inside the document when the export has no line numbers. A
    document imported again replaces all its stored lines. The identity is the primary key
    itself (no surrogate id) because every index costs the bulk insert dearly.
    """

    pk = models.CompositePrimaryKey("source", "document", "line_no")
    source = models.CharField(_("source"), max_length=100, default=DEFAULT_SOURCE)
    document = models.CharField(_("invoice or order"), max_length=100)
    line_no = models.IntegerField(_("line"))
    # No index and no database-level constraint on the foreign keys: each index slows the
    # bulk insert, and PostgreSQL would queue one deferred check per line (a million trigger
    # events for a million lines). The import resolves customer ids from the customer table
    # in the same transaction, and Django's PROTECT guards deletion. Reads go through
    # DailyRevenue, which is indexed.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    date = models.DateField(_("date"))
    product = models.CharField(_("product"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    amount = models.DecimalField(
        _("net amount"),
        max_digits=18,
        decimal_places=4,
        help_text=_("Net of discounts, before tax; negative for credit notes and cancellations."),
    )
    currency = models.CharField(_("currency"), max_length=3)
    cost = models.DecimalField(_("cost"), max_digits=18, decimal_places=4, null=True, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    sales_rep = models.CharField(_("sales rep"), max_length=100, blank=True)
    batch = models.ForeignKey(
        "imports.ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["-date", "document", "line_no"]
        verbose_name = _("revenue line")
        verbose_name_plural = _("revenue lines")

    def __str__(self) -> str:
        return f"{self.document}/{self.line_no}"


class DailyRevenue(models.Model):
    """Net revenue per customer id, day and currency, maintained by the import.

    `customer_key` is the customer's id, or 0 for lines without a customer, so that the
    unique key works the same on every database (NULLs are distinct in unique indexes).
    """

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="daily_revenue",
        db_index=False,
    )
    customer_key = models.BigIntegerField(default=NO_CUSTOMER_KEY, editable=False)
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("net amount"), max_digits=20, decimal_places=4)
    lines = models.PositiveIntegerField(_("lines"))
    documents = models.PositiveIntegerField(_("documents"))
    # Documents whose lines on this day add up to a sale: the orders. Credit notes and
    # cancellations are documents too, but counting them as orders would inflate a
    # customer's order frequency by every return.
    orders = models.PositiveIntegerField(_("orders"), default=0, db_default=0)

    class Meta:
        ordering = ["date", "customer_key", "currency"]
        verbose_name = _("daily revenue")
        verbose_name_plural = _("daily revenue")
        constraints = [
            models.UniqueConstraint(
                fields=["customer_key", "date", "currency"], name="daily_revenue_key"
            )
        ]
        indexes = [models.Index(fields=["date", "customer"], name="daily_revenue_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.customer_key} {self.amount} {self.currency}"
