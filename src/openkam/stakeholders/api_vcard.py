"""vCard import and export of the decision-making unit over the API (text/vcard out, a
multipart upload in, with a dry run and an explicit choice to skip malformed cards)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from openkam.stakeholders import selectors
from openkam.stakeholders.vcard_io import (
    ImportPreview,
    vcard_export_account,
    vcard_export_one,
    vcard_import,
    vcard_preview,
)

router = Router(tags=["stakeholders"])


class CardErrorOut(Schema):
    card: int | None = Field(description="Position of the card in the file; null outside cards.")
    line: int
    reason: str


class ImportRowOut(Schema):
    card: int
    name: str
    action: str = Field(description="create, update or unchanged")
    stakeholder_id: int | None
    changed: list[str]
    not_kept: list[str]


class ImportOut(Schema):
    dry_run: bool
    cards: int
    created: int
    updated: int
    unchanged: int
    errors: list[CardErrorOut]
    rows: list[ImportRowOut] = []


# --- Answers -----------------------------------------------------------------------------------


def _vcard(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename[:80] or 'people'}.vcf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _checked_version(version: str) -> str:
    if version not in ("3.0", "4.0"):
        raise ValidationError({"version": "Choose vCard version 3.0 or 4.0."})
    return version


@router.get(
    "/stakeholders/{stakeholder_id}/vcard",
    summary="One person as a vCard (text/vcard)",
    response={200: None},
)
def stakeholder_vcard(
    request: HttpRequest,
    stakeholder_id: int,
    version: str = "3.0",
) -> HttpResponse:
    version = _checked_version(version)
    person = selectors.stakeholder_get(user=request.user, stakeholder_id=stakeholder_id)
    return _vcard(vcard_export_one(user=request.user, person=person, version=version), "person")


@router.get(
    "/accounts/{account_id}/stakeholders/vcard",
    summary="An account's people as vCards (text/vcard)",
    response={200: None},
)
def account_vcard(
    request: HttpRequest,
    account_id: int,
    version: str = "3.0",
    include_left: bool = False,
) -> HttpResponse:
    version = _checked_version(version)
    account, text = vcard_export_account(
        user=request.user, account_id=account_id, version=version, include_left=include_left
    )
    return _vcard(text, account.name)


def _import_out(preview: ImportPreview, *, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "cards": preview.cards,
        "created": preview.new_count,
        "updated": preview.update_count,
        "unchanged": preview.count("unchanged"),
        "errors": [{"card": e.card, "line": e.line, "reason": e.reason} for e in preview.errors],
        "rows": [
            {
                "card": row.card.number,
                "name": row.contact.full_name,
                "action": row.action,
                "stakeholder_id": row.existing.pk if row.existing else None,
                "changed": row.changed,
                "not_kept": row.contact.dropped,
            }
            for row in preview.rows
        ],
    }


@router.post(
    "/accounts/{account_id}/stakeholders/vcard",
    response={200: ImportOut, 422: ImportOut},
    summary="Import vCards (multipart field `file`)",
    description=(
        "vCard 2.1, 3.0 or 4.0. With `dry_run` nothing is written and the answer says what "
        "would happen, card by card. A file with malformed cards imports nothing (422, each "
        "card's line and reason) unless `skip_malformed` confirms that the good cards should "
        "be imported without them."
    ),
)
def import_vcard(
    request: HttpRequest,
    account_id: int,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    skip_malformed: Form[bool] = False,
) -> Any:
    data = file.read()
    preview = vcard_preview(actor=request.user, account_id=account_id, data=data)  # type: ignore[arg-type]
    if dry_run:
        return _import_out(preview, dry_run=True)
    if preview.has_errors and not skip_malformed:
        return Status(422, _import_out(preview, dry_run=True))
    result = vcard_import(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        data=data,
        skip_malformed=skip_malformed,
    )
    out = _import_out(preview, dry_run=False)
    out.update(
        {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": result.unchanged,
        }
    )
    for row, person in zip(
        [r for r in out["rows"] if r["action"] == "create"], result.created, strict=True
    ):
        row["stakeholder_id"] = person.pk
    return out
