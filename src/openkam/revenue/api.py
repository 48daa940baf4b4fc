"""ERP customer ids over the API: their revenue, and linking them to accounts (the head)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from openkam.api.pagination import PageParams, paginate
from openkam.revenue import selectors, services

router = Router(tags=["revenue"])


class CustomerRevenueOut(Schema):
    customer_id: int
    code: str = Field(..., alias="customer__code")
    name: str = Field(..., alias="customer__name")
    source: str = Field(..., alias="customer__source")
    country: str = Field(..., alias="customer__country")
    account_id: int | None = Field(..., alias="customer__account_id")
    account_name: str | None = Field(..., alias="customer__account__name")
    currency: str
    revenue: Decimal = Field(..., description="Net revenue in `currency`, all time.")
    lines: int = Field(..., alias="lines_total")
    documents: int = Field(..., alias="documents_total")
    first_date: date
    last_date: date


class CustomerRevenuePage(Schema):
    items: list[CustomerRevenueOut]
    total: int
    limit: int
    offset: int


class CustomerFilterIn(Schema):
    status: str = Field("unmatched", pattern="^(unmatched|matched|all)$")
    q: str = ""
    source: str = ""


@router.get(
    "/revenue/customers",
    response=CustomerRevenuePage,
    summary="ERP customer ids with their revenue",
    description="One row per customer id and currency, largest revenue first. The head only.",
)
def list_customers(
    request: HttpRequest, filters: Query[CustomerFilterIn], page: Query[PageParams]
) -> dict[str, Any]:
    selectors.customers_require(user=request.user)
    rows = selectors.customer_revenue_rows(
        filters=selectors.CustomerFilters(q=filters.q, source=filters.source, status=filters.status)
    )
    return paginate(rows, page)


class LinkIn(Schema):
    customer_ids: list[int] = Field(..., min_length=1)
    account_id: int | None = Field(..., description="The account; null unlinks the ids.")


class LinkOut(Schema):
    changed: int


@router.post("/revenue/customers/link", response=LinkOut, summary="Link customer ids to an account")
def link_customers(request: HttpRequest, payload: LinkIn) -> dict[str, int]:
    changed = services.customers_link(
        actor=request.user, customer_ids=payload.customer_ids, account_id=payload.account_id
    )
    return {"changed": changed}


class CreateAccountsIn(Schema):
    customer_ids: list[int] | None = Field(None, description="These ids; null: every unmatched id.")
    min_revenue: Decimal | None = Field(
        None, description="Only ids whose net revenue (in their currency) reaches this."
    )


class CreatedAccountOut(Schema):
    id: int
    name: str


@router.post(
    "/revenue/customers/create-accounts",
    response={201: list[CreatedAccountOut]},
    summary="Create accounts for customer ids without one",
)
def create_accounts(request: HttpRequest, payload: CreateAccountsIn) -> Status[list[Any]]:
    created = services.customers_create_accounts(
        actor=request.user, customer_ids=payload.customer_ids, min_revenue=payload.min_revenue
    )
    return Status(201, created)
