"""Access rules for imports and ERP customer ids.

Revenue is company-wide: an order-lines import replaces invoices of every account at once,
and linking a customer id moves revenue between accounts. So both are the head's: other
roles get 403 on the pages, 404 for a batch they did not start (it is not theirs to know),
and the history API lists nothing for them.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from openkam.imports.engine import ImportSettings
from openkam.imports.services import batch_configure, batch_upload
from openkam.revenue.models import Customer, DailyRevenue
from tests.access import (
    API,
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
    TO_LOGIN,
    UNAUTHORIZED,
    Operation,
    Page,
    Rule,
    World,
)

ACCEPTED = 202
CSV = (
    b"Invoice,Invoice date,Customer ID,Product,Quantity,Unit price\n"
    b"10001,2026-01-15,C-1,P-1,2,10.50\n"
    b"10001,2026-01-15,C-1,P-2,1,99.00\n"
)

# Each Rule reads: anonymous, admin, head, kam_on_team, kam_not_on_team, specialist_on_team.
HEAD_PAGE = Rule(TO_LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)
HEAD_POST = Rule(TO_LOGIN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN)
BATCH_PAGE = Rule(TO_LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
BATCH_POST = Rule(TO_LOGIN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND)


def _mapping(world: World) -> dict[str, Any]:
    return {
        "column_0": "document",
        "column_1": "date",
        "column_2": "customer",
        "column_3": "product",
        "column_4": "quantity",
        "column_5": "unit_price",
        "option_currency": "EUR",
    }


PAGES: dict[str, Page] = {
    # KAMs import people into their accounts (the stakeholders target), so they have a list.
    "imports:list": Page(Rule(TO_LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN)),
    "imports:upload": Page(HEAD_PAGE),
    "imports:detail": Page(BATCH_PAGE),
    "imports:mapping": Page(BATCH_POST, method="POST", data=_mapping),
    "imports:check": Page(BATCH_POST, method="POST"),
    "imports:start": Page(BATCH_POST, method="POST"),
    "imports:progress": Page(BATCH_PAGE),
    "imports:errors_csv": Page(BATCH_PAGE),
    "revenue:customers": Page(HEAD_PAGE),
    "revenue:customers_action": Page(
        HEAD_POST,
        method="POST",
        data=lambda w: {
            "customers": [w.params["customer_id"]],
            "action": "link",
            "account": w.account.pk,
        },
    ),
    "revenue:customers_create_missing": Page(HEAD_POST, method="POST"),
}

API_HEAD_READ = Rule(UNAUTHORIZED, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)
API_BATCH = Rule(UNAUTHORIZED, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
OPERATIONS: dict[tuple[str, str], Operation] = {
    # The history lists what the caller may see: nothing but for the head.
    ("GET", f"{API}/imports"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("GET", f"{API}/imports/{{batch_id}}"): Operation(API_BATCH),
    ("GET", f"{API}/imports/{{batch_id}}/errors"): Operation(API_BATCH),
    ("POST", f"{API}/imports"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, ACCEPTED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        files=lambda w: {
            "file": SimpleUploadedFile("orders.csv", CSV, content_type="text/csv"),
            "kind": "orders",
            "currency": "EUR",
            "dry_run": "true",
        },
    ),
    ("GET", f"{API}/revenue/customers"): Operation(API_HEAD_READ),
    ("POST", f"{API}/revenue/customers/link"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        body=lambda w, user: {
            "customer_ids": [w.params["customer_id"]],
            "account_id": w.account.pk,
        },
    ),
    ("POST", f"{API}/revenue/customers/create-accounts"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, CREATED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        body=lambda w, user: {"customer_ids": [w.params["customer_id"]]},
    ),
}


def populate(world: World) -> dict[str, Any]:
    head = world.users["head"]
    batch = batch_upload(
        actor=head,
        kind="orders",
        upload=SimpleUploadedFile("orders.csv", CSV, content_type="text/csv"),
    )
    plan = batch_configure(
        actor=head, batch=batch, settings=ImportSettings(options={"currency": "EUR"})
    )
    assert plan.ok, plan.problems
    customer = Customer.objects.create(code="C-9", name="Havbris AS", country="Norway")
    DailyRevenue.objects.create(
        customer=customer,
        customer_key=customer.pk,
        date="2026-01-15",
        currency="EUR",
        amount="120.00",
        lines=2,
        documents=1,
        orders=1,
    )
    return {"batch_id": batch.pk, "kind": "orders", "customer_id": customer.pk}
