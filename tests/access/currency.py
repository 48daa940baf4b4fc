"""Access rules for exchange rates: reference data that everyone signed in reads (a KAM checks
the rate a report used); the head of key accounts and administrators maintain it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from openkam.currency.services import exchange_rate_set
from tests.access import (
    API,
    CREATED,
    FORBIDDEN,
    NO_CONTENT,
    OK,
    REDIRECT,
    TO_LOGIN,
    UNAUTHORIZED,
    Operation,
    Page,
    Rule,
    World,
)

INVALID = 422
CSV = b"date,base,quote,rate\n2026-02-01,EUR,SEK,11.20\n"

# Each Rule reads: anonymous, admin, head, kam_on_team, kam_not_on_team, specialist_on_team.
READ = Rule(TO_LOGIN, OK, OK, OK, OK, OK)
MAINTAIN_PAGE = Rule(TO_LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)
MAINTAIN_POST = Rule(TO_LOGIN, REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN)

PAGES: dict[str, Page] = {
    "currency:rates": Page(READ),
    "currency:convert": Page(READ, query="?amount=100&currency=NOK&on=2026-03-01&target=EUR"),
    "currency:rate_create": Page(MAINTAIN_PAGE),
    "currency:rate_edit": Page(MAINTAIN_PAGE),
    "currency:rate_import": Page(MAINTAIN_PAGE),
    "currency:rate_delete": Page(MAINTAIN_POST, method="POST"),
}

API_READ = Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/currency/rates"): Operation(API_READ),
    ("GET", f"{API}/currency/rates/current"): Operation(API_READ),
    ("GET", f"{API}/currency/rates/{{rate_id}}"): Operation(API_READ),
    # Everyone may convert; without its query (amount, currency, on) the call is invalid, and
    # the matrix sends none (tests/test_currency_rates.py converts for real).
    ("GET", f"{API}/currency/convert"): Operation(
        Rule(UNAUTHORIZED, INVALID, INVALID, INVALID, INVALID, INVALID)
    ),
    ("POST", f"{API}/currency/rates"): Operation(
        Rule(UNAUTHORIZED, CREATED, CREATED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        body=lambda w, user: {
            "base": "EUR",
            "quote": "SEK",
            "effective_date": "2026-02-01",
            "rate": "11.2",
        },
    ),
    ("DELETE", f"{API}/currency/rates/{{rate_id}}"): Operation(
        Rule(UNAUTHORIZED, NO_CONTENT, NO_CONTENT, FORBIDDEN, FORBIDDEN, FORBIDDEN)
    ),
    ("POST", f"{API}/currency/rates/import"): Operation(
        Rule(UNAUTHORIZED, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        files=lambda w: {"file": SimpleUploadedFile("rates.csv", CSV, "text/csv")},
    ),
}


def populate(world: World) -> dict[str, Any]:
    rate = exchange_rate_set(
        actor=None,
        base="EUR",
        quote="NOK",
        effective_date=date(2026, 1, 1),
        rate=Decimal("11.50"),
        source="ECB",
    )
    return {"rate_id": rate.pk}
