"""Exchange rates over the API: read by everyone signed in, maintained by the head of key
accounts and administrators; CSV import (all rows or none, with a dry run); conversion that
says which rate it used."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from openkam.api.pagination import PageParams, paginate
from openkam.currency import selectors, services
from openkam.currency.csv_import import RateImportResult
from openkam.currency.forms import MAX_UPLOAD_BYTES
from openkam.currency.models import ExchangeRate
from openkam.currency.rates import MissingRateError, convert_amount

router = Router(tags=["currency"])


class RateOut(Schema):
    id: int
    base: str
    quote: str
    effective_date: date
    rate: Decimal = Field(..., description="Units of quote for one unit of base.")
    source: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_created_by(obj: ExchangeRate) -> str | None:
        return str(obj.created_by) if obj.created_by_id and obj.created_by else None


class RatePage(Schema):
    items: list[RateOut]
    total: int
    limit: int
    offset: int


class RateIn(Schema):
    base: str = Field(..., min_length=3, max_length=3, description="ISO 4217, e.g. EUR.")
    quote: str = Field(..., min_length=3, max_length=3, description="ISO 4217, e.g. NOK.")
    effective_date: date
    rate: Decimal = Field(..., gt=0, max_digits=20, decimal_places=10)
    source: str = Field("", max_length=100)


class RateFilterParams(PageParams):
    currency: str = Field("", description="Rates with this currency on either side.")
    date_from: date | None = None
    date_to: date | None = None


class ImportPairOut(Schema):
    base: str
    quote: str
    rows: int
    first_date: date
    last_date: date


class ImportReportOut(Schema):
    dry_run: bool
    written: bool
    created: int
    updated: int
    unchanged: int
    pairs: list[ImportPairOut]


class RowErrorOut(Schema):
    field: str
    line: int | None = Field(None, description="Line of the file (1 is the header row).")
    reason: str


class InvalidOut(Schema):
    detail: str
    errors: list[RowErrorOut]


class ConversionOut(Schema):
    amount: Decimal
    currency: str
    converted: Decimal
    target: str
    on: date
    rate: Decimal
    effective_date: date | None = Field(None, description="None for fixed and same-currency.")
    source: str
    description: str


def _report(result: RateImportResult, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "written": result.written,
        "created": len(result.to_create),
        "updated": len(result.to_update),
        "unchanged": result.unchanged,
        "pairs": [
            {"base": b, "quote": q, "rows": n, "first_date": first, "last_date": last}
            for b, q, n, first, last in result.pairs
        ],
    }


@router.get("/rates", response=RatePage, summary="Exchange rates, newest first")
def list_rates(request: HttpRequest, params: Query[RateFilterParams]) -> dict[str, Any]:
    filters = selectors.RateFilters(
        base=params.currency, date_from=params.date_from, date_to=params.date_to
    )
    return paginate(selectors.exchange_rate_list(filters=filters), params)


@router.get("/rates/current", response=list[RateOut], summary="The rate of each pair on a date")
def current_rates(request: HttpRequest, on: date | None = None) -> Any:
    return list(
        selectors.exchange_rates_current(on=on or timezone.localdate()).select_related("created_by")
    )


@router.post("/rates", response={201: RateOut}, summary="Set a rate (head and admin)")
def set_rate(request: HttpRequest, payload: RateIn) -> Status[ExchangeRate]:
    rate = services.exchange_rate_set(actor=request.user, **payload.model_dump())
    return Status(201, rate)


@router.get("/rates/{int:rate_id}", response=RateOut, summary="Read a rate")
def get_rate(request: HttpRequest, rate_id: int) -> ExchangeRate:
    return selectors.exchange_rate_get(rate_id=rate_id)


@router.delete(
    "/rates/{int:rate_id}", response={204: None}, summary="Delete a rate (head and admin)"
)
def delete_rate(request: HttpRequest, rate_id: int) -> Status[None]:
    services.exchange_rate_delete(actor=request.user, rate_id=rate_id)
    return Status(204, None)


@router.post(
    "/rates/import",
    response={200: ImportReportOut, 422: InvalidOut},
    summary="Import rates from CSV: every row or none (head and admin)",
    description=(
        "Multipart upload `file`: a header row with date, base, quote, rate (and optionally "
        "source), then one rate per row. Any bad row answers 422 listing every row error "
        "(line, column, reason) and saves nothing. `dry_run=true` checks and reports only."
    ),
)
def import_rates(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: bool = False,
    source: str = "",
) -> Any:
    if file.size and file.size > MAX_UPLOAD_BYTES:
        return _invalid([{"field": "file", "line": None, "reason": _("The file is too large.")}])
    result = services.exchange_rates_import(
        actor=request.user, content=file.read(), dry_run=dry_run, source=source
    )
    if not result.ok:
        return _invalid(
            [
                {"field": e.column or "file", "line": e.line or None, "reason": e.message}
                for e in result.errors
            ]
        )
    return _report(result, dry_run)


def _invalid(errors: list[dict[str, Any]]) -> Status[dict[str, Any]]:
    return Status(
        422, {"detail": _("The file was not imported: fix these rows."), "errors": errors}
    )


@router.get(
    "/convert",
    response={200: ConversionOut, 422: InvalidOut},
    summary="Convert an amount at the rate in force on a date, and say which rate was used",
)
def convert(
    request: HttpRequest,
    amount: Decimal,
    currency: str,
    on: date,
    to: str = "",
) -> Any:
    """`to` is the target currency, the reporting currency by default. A missing rate answers
    422 naming the currency and the date."""
    try:
        converted, used = convert_amount(amount=amount, currency=currency, on=on, target=to or None)
    except MissingRateError as exc:
        return Status(
            422, {"detail": str(exc), "errors": [{"field": "currency", "reason": str(exc)}]}
        )
    return {
        "amount": amount,
        "currency": used.base,
        "converted": converted,
        "target": used.quote,
        "on": on,
        "rate": used.rate,
        "effective_date": used.effective_date,
        "source": used.source_label,
        "description": used.describe(),
    }
