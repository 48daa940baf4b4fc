"""Builders for revenue as the analytics read it: ERP customer ids and the daily rollup.

The rollup rows are written directly (as `kam revenue rebuild` would leave them), so that the
analytics tests depend only on the rollup's shape, not on the import engine.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from openkam.accounts.models import Account, Tier
from openkam.currency.models import ExchangeRate
from openkam.revenue.models import NO_CUSTOMER_KEY, Customer, DailyRevenue
from tests.factories import AccountFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    source = "erp"
    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Faker("company")
    country = "NO"
    account = None


def daily(
    customer: Customer | None,
    day: date | str,
    amount: str | Decimal,
    currency: str = "EUR",
    *,
    lines: int = 1,
    documents: int = 1,
    orders: int | None = None,
) -> DailyRevenue:
    """One day of a customer's net revenue in one currency (customer None: no customer id).
    Orders: every document of a day that sells, none of a day of credits, unless given."""
    when = date.fromisoformat(day) if isinstance(day, str) else day
    if orders is None:
        orders = documents if Decimal(amount) > 0 else 0
    row, created = DailyRevenue.objects.get_or_create(
        customer_key=customer.pk if customer else NO_CUSTOMER_KEY,
        date=when,
        currency=currency,
        defaults={
            "customer": customer,
            "amount": Decimal(amount),
            "lines": lines,
            "documents": documents,
            "orders": orders,
        },
    )
    if not created:
        row.amount += Decimal(amount)
        row.lines += lines
        row.documents += documents
        row.orders += orders
        row.save(update_fields=["amount", "lines", "documents", "orders"])
    return row


def customer_of(account: Account | None, code: str = "", **kwargs: object) -> Customer:
    if code:
        kwargs["code"] = code
    return CustomerFactory(account=account, **kwargs)


def rate(base: str, quote: str, effective: str, value: str) -> ExchangeRate:
    """1 `base` = `value` `quote` from `effective` on."""
    return ExchangeRate.objects.create(
        base=base,
        quote=quote,
        effective_date=date.fromisoformat(effective),
        rate=Decimal(value),
        source="test",
    )


def quarter_book(*, kam: Any, other_kam: Any) -> dict[str, Account]:
    """The hand-made portfolio of tests/test_portfolio_analytics.py (Q1 2024, EUR; see there)."""
    aurora = AccountFactory(name="Aurora", tier=Tier.KEY, owner=kam, country="NO")
    cedar = AccountFactory(name="Cedar", tier=Tier.KEY, owner=other_kam, country="SE")
    birch = AccountFactory(name="Birch", tier=Tier.GROWTH, owner=kam, country="NO")
    elm = AccountFactory(name="Elm", tier=Tier.MAINTAIN, owner=other_kam, country="SE")
    fir = AccountFactory(name="Fir", tier=Tier.OTHER, owner=kam, country="NO")
    rate("EUR", "NOK", "2024-01-01", "10")
    rate("EUR", "NOK", "2024-03-01", "12.5")

    aurora_eur = customer_of(aurora, "A-1")
    aurora_nok = customer_of(aurora, "A-2")
    daily(aurora_eur, "2022-09-01", "1150")  # the previous rolling 12 months
    daily(aurora_eur, "2023-06-01", "300")
    daily(aurora_eur, "2023-11-05", "500")  # previous period
    daily(aurora_eur, "2024-01-10", "1000", documents=2, lines=5)
    daily(aurora_eur, "2024-02-15", "-200")  # a credit note
    daily(aurora_nok, "2024-02-20", "5000", "NOK")
    daily(aurora_nok, "2024-03-05", "2500", "NOK")

    daily(customer_of(cedar, "C-1"), "2024-01-20", "1400")
    birch_customer = customer_of(birch, "B-1")
    daily(birch_customer, "2023-12-01", "800")
    daily(birch_customer, "2024-03-15", "500")
    daily(customer_of(elm, "E-1"), "2024-03-31", "200")
    daily(customer_of(None, "U-1"), "2024-02-01", "250")
    daily(None, "2024-03-30", "150")
    return {"aurora": aurora, "cedar": cedar, "birch": birch, "elm": elm, "fir": fir}
