"""Imports over the API: start one from a file, follow it, read its report and row errors.

Same rules as the pages: the target decides who may import (revenue: the head); the import
runs in the background and the batch tells its status and progress.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from openkam.api.pagination import PageParams, paginate
from openkam.core.errors import DomainError
from openkam.imports import selectors, services
from openkam.imports.models import ImportBatch, ImportStatus
from openkam.imports.progress import progress_read
from openkam.imports.targets import get_target

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class BatchOut(Schema):
    id: int
    kind: str
    status: ImportStatus
    status_label: str
    source: str
    file_name: str
    file_size: int
    dry_run: bool = Field(..., description="The figures are those of a dry run (nothing written).")
    accept_skipping_errors: bool
    rows_read: int
    rows_imported: int
    rows_skipped: int
    error_count: int
    progress: float | None = Field(None, description="Share of the file read (0-1), while running.")
    failure: str
    mapping: dict[str, Any]
    summary: dict[str, Any]
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: ImportBatch) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_created_by(obj: ImportBatch) -> str | None:
        return obj.created_by.username if obj.created_by else None

    @staticmethod
    def resolve_progress(obj: ImportBatch) -> float | None:
        data = progress_read(obj.pk) if not obj.is_final else None
        return float(data["fraction"]) if data else None


class BatchDetailOut(BatchOut):
    errors: list[RowErrorOut] = Field(..., description="The first 100 row errors.")
    errors_truncated: bool

    @staticmethod
    def resolve_errors(obj: ImportBatch) -> list[dict[str, Any]]:
        return [_error(e) for e in obj.errors[:100]]


class BatchPage(Schema):
    items: list[BatchOut]
    total: int
    limit: int
    offset: int


class ErrorPage(Schema):
    items: list[RowErrorOut]
    total: int
    limit: int
    offset: int


def _error(values: list[Any]) -> dict[str, Any]:
    row, column, value, reason = values
    return {"row": row, "column": column, "value": value, "reason": reason}


@router.get("", response=BatchPage, summary="Import history")
def list_batches(request: HttpRequest, page: Query[PageParams], kind: str = "") -> dict[str, Any]:
    return paginate(selectors.batches_visible_to(user=request.user, kind=kind), page)


@router.get("/{batch_id}", response=BatchDetailOut, summary="An import and its report")
def get_batch(request: HttpRequest, batch_id: int) -> ImportBatch:
    return selectors.batch_get(user=request.user, batch_id=batch_id)


@router.get("/{batch_id}/errors", response=ErrorPage, summary="Row errors of an import")
def get_errors(request: HttpRequest, batch_id: int, page: Query[PageParams]) -> dict[str, Any]:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    items = [_error(e) for e in batch.errors[page.offset : page.offset + page.limit]]
    return {"items": items, "total": len(batch.errors), "limit": page.limit, "offset": page.offset}


class StartIn(Schema):
    kind: str = Field(
        "orders",
        description="What the file holds: orders (revenue lines), accounts or stakeholders.",
    )
    columns: str = Field(
        "",
        description='Column mapping as JSON, {"Header": "field", ...}; empty: recognised '
        "from the header (must then be certain).",
    )
    mapping: str = Field("", description="Name of a saved mapping to use instead.")
    date_format: str = ""
    decimal_style: str = Field("", description="point or comma; empty: detected.")
    encoding: str = ""
    delimiter: str = ""
    source: str = ""
    currency: str = ""
    credit_prefix: str = ""
    options: str = Field(
        "",
        description='Other options of the kind as JSON, e.g. {"owner": "kam1"} (default owner '
        'of new accounts) or {"account": "42"} (account of people rows that name none).',
    )
    dry_run: bool = Field(False, description="Check every row and report; write nothing.")
    accept_skipping_errors: bool = False


@router.post(
    "",
    response={202: BatchOut},
    summary="Start an import from a file",
    description="Uploads the file, settles the mapping (422 naming what is open when it is not "
    "certain) and runs the import, or the dry run, in the background. Poll the batch.",
)
def start_import(
    request: HttpRequest, file: File[UploadedFile], data: Form[StartIn]
) -> Status[ImportBatch]:
    kind = data.kind
    get_target(kind)
    selectors.import_require(user=request.user, kind=kind)
    options = {
        k: v
        for k, v in (
            ("source", data.source),
            ("currency", data.currency),
            ("credit_prefix", data.credit_prefix),
        )
        if v
    }
    if data.options:
        try:
            extra = {str(k): str(v) for k, v in dict(json.loads(data.options)).items()}
        except (ValueError, TypeError):
            raise ValidationError({"options": "Give the options as a JSON object."}) from None
        known = {spec.name for spec in get_target(kind).options}
        unknown = sorted(set(extra) - known)
        if unknown:
            raise ValidationError(
                {
                    "options": f"Not options of {kind}: {', '.join(unknown)} "
                    f"(options: {', '.join(sorted(known))})."
                }
            )
        options.update(extra)
    batch = services.batch_upload(actor=request.user, kind=kind, upload=file, options=options)
    if data.mapping:
        settings = services.profile_settings(selectors.profile_get(kind=kind, name=data.mapping))
    else:
        settings = services.batch_settings(batch)
        settings.confirmed = False
        if data.columns:
            try:
                settings.columns = dict(json.loads(data.columns))
            except (ValueError, TypeError):
                raise ValidationError({"columns": "Give the mapping as a JSON object."}) from None
        else:
            settings.columns = {}
    for name in ("date_format", "decimal_style", "encoding", "delimiter"):
        if getattr(data, name):
            setattr(settings, name, getattr(data, name))
    settings.options.update(options)
    plan = services.batch_configure(actor=request.user, batch=batch, settings=settings)
    if not plan.ok:
        problems: dict[str, list[str]] = {}
        for problem in plan.problems:
            problems.setdefault(problem.option or "mapping", []).append(problem.message)
        raise ValidationError(problems)
    batch.refresh_from_db()
    try:
        if data.dry_run:
            batch = services.batch_check(actor=request.user, batch=batch)
        else:
            batch = services.batch_start(
                actor=request.user, batch=batch, accept_skipping_errors=data.accept_skipping_errors
            )
    except DomainError as problem:
        raise ValidationError(str(problem)) from None
    return Status(202, batch)
