"""Interactions, their files and timelines over the API. Thin: services and selectors do the
work and enforce access; this module maps them to HTTP."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from openkam.accounts.api import HistoryOut
from openkam.accounts.selectors import account_can_edit, account_get
from openkam.activity import selectors, services, timeline_selectors
from openkam.activity.files import served_content_type
from openkam.activity.models import Attachment, Interaction, InteractionKind, TimelineEvent
from openkam.api.pagination import PageParams, paginate
from openkam.core.errors import ConflictError
from openkam.stakeholders.selectors import stakeholder_get

router = Router(tags=["interactions"])


# --- Schemas ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    interaction_id: int
    name: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: datetime.datetime
    download_url: str

    @staticmethod
    def resolve_name(obj: Attachment) -> str:
        return obj.original_name

    @staticmethod
    def resolve_uploaded_by(obj: Attachment) -> str:
        return str(obj.uploaded_by)

    @staticmethod
    def resolve_uploaded_at(obj: Attachment) -> datetime.datetime:
        return obj.created_at

    @staticmethod
    def resolve_download_url(obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.pk}"


class InteractionOut(Schema):
    id: int
    account_id: int
    kind: InteractionKind
    occurred_at: datetime.datetime
    duration_minutes: int | None
    subject: str
    summary: str
    outcome: str
    next_step: str
    next_step_due: datetime.date | None
    next_step_done_at: datetime.datetime | None
    transcript: str
    created_by: str
    our_participants: list[PersonOut]
    their_participants: list[PersonOut]
    attachments: list[AttachmentOut]
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_created_by(obj: Interaction) -> str:
        return str(obj.created_by)

    @staticmethod
    def resolve_our_participants(obj: Interaction) -> list[dict[str, Any]]:
        return [{"id": u.pk, "name": str(u)} for u in obj.our_participants.all()]

    @staticmethod
    def resolve_their_participants(obj: Interaction) -> list[dict[str, Any]]:
        return [{"id": s.pk, "name": s.full_name} for s in obj.their_participants.all()]

    @staticmethod
    def resolve_attachments(obj: Interaction) -> list[Attachment]:
        return list(obj.attachments.all())


class InteractionPage(Schema):
    items: list[InteractionOut]
    total: int
    limit: int
    offset: int


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    total: int
    limit: int
    offset: int


class InteractionIn(Schema):
    kind: InteractionKind = InteractionKind.MEETING
    occurred_at: datetime.datetime = Field(
        ..., description="ISO 8601; without an offset it is read in the server's time zone."
    )
    duration_minutes: int | None = Field(None, ge=1)
    subject: str = Field(..., min_length=1, max_length=200)
    summary: str = ""
    outcome: str = ""
    next_step: str = ""
    next_step_due: datetime.date | None = None
    transcript: str = ""
    our_participant_ids: list[int] = Field(default_factory=list, description="User ids.")
    their_participant_ids: list[int] = Field(
        default_factory=list, description="Stakeholder ids of the account (or shared into it)."
    )


class InteractionPatch(Schema):
    version: int = Field(..., description="The version you read; a stale one answers 409.")
    kind: InteractionKind | None = None
    occurred_at: datetime.datetime | None = None
    duration_minutes: int | None = Field(None, ge=1)
    subject: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = None
    outcome: str | None = None
    next_step: str | None = None
    next_step_due: datetime.date | None = None
    transcript: str | None = None
    our_participant_ids: list[int] | None = None
    their_participant_ids: list[int] | None = None


class InteractionConflictOut(Schema):
    detail: str
    current: InteractionOut
    changes: list[HistoryOut]


def _conflict(request: HttpRequest, exc: ConflictError) -> Status[dict[str, Any]]:
    # The record as it is now (with people and files), and what others changed since; the
    # response schema reads both from the records.
    current = _get(request, exc.current.pk)
    return Status(409, {"detail": str(exc), "current": current, "changes": exc.changes})


class NextStepIn(Schema):
    done: bool = True


class InteractionFilterParams(PageParams):
    kind: InteractionKind | None = None
    stakeholder_id: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


class TimelineParams(PageParams):
    type: str = Field(
        "", description="An interaction kind, `events` for other events, empty for everything."
    )
    person: str = Field("", pattern=r"^([su]\d+)?$", description="s<stakeholder id> or u<user id>")
    since: datetime.date | None = None
    until: datetime.date | None = None


class TimelineItemOut(Schema):
    type: str = Field(..., description="`interaction` or `event`.")
    occurred_at: datetime.datetime
    account_id: int
    interaction: InteractionOut | None = None
    event_kind: str | None = None
    event_kind_label: str | None = None
    title: str
    body: str
    actor: str | None = None
    stakeholder_id: int | None = None


class TimelinePage(Schema):
    items: list[TimelineItemOut]
    total: int
    limit: int
    offset: int


# --- Helpers ---------------------------------------------------------------------------------


def _get(request: HttpRequest, interaction_id: int) -> Interaction:
    return selectors.interaction_get(user=request.user, interaction_id=interaction_id)


def _event_out(event: TimelineEvent) -> dict[str, Any]:
    return {
        "type": "event",
        "occurred_at": event.occurred_at,
        "account_id": event.account_id,
        "event_kind": event.kind,
        "event_kind_label": str(event.kind_label),
        "title": event.title,
        "body": event.body,
        "actor": str(event.actor) if event.actor else None,
        "stakeholder_id": event.stakeholder_id,
    }


def _timeline_page(
    request: HttpRequest,
    rows: timeline_selectors.TimelineRows,
    params: TimelineParams,
    editable: bool | None,
) -> dict[str, Any]:
    total = rows.count()
    page = list(rows[params.offset : params.offset + params.limit])
    entries = timeline_selectors.timeline_entries(
        user=request.user, rows=page, account_editable=editable
    )
    items = []
    for entry in entries:
        if entry.interaction is not None:
            i = entry.interaction
            items.append(
                {
                    "type": "interaction",
                    "occurred_at": i.occurred_at,
                    "account_id": i.account_id,
                    "interaction": i,
                    "title": i.subject,
                    "body": i.summary,
                    "actor": str(i.created_by),
                }
            )
        elif entry.event is not None:
            items.append(_event_out(entry.event))
    return {"items": items, "total": total, "limit": params.limit, "offset": params.offset}


def _filters(params: TimelineParams) -> timeline_selectors.TimelineFilters:
    return timeline_selectors.TimelineFilters(
        type=params.type, person=params.person, since=params.since, until=params.until
    )


# --- Interactions ----------------------------------------------------------------------------


@router.get(
    "/accounts/{account_id}/interactions",
    response=InteractionPage,
    summary="An account's interactions, newest first",
)
def list_interactions(
    request: HttpRequest, account_id: int, params: Query[InteractionFilterParams]
) -> dict[str, Any]:
    account = account_get(user=request.user, account_id=account_id)
    filters = timeline_selectors.TimelineFilters(
        type=params.kind or "",
        person=f"s{params.stakeholder_id}" if params.stakeholder_id else "",
        since=params.since,
        until=params.until,
    )
    qs = timeline_selectors.account_interactions(account=account, filters=filters)
    return paginate(qs, params)


@router.post(
    "/accounts/{account_id}/interactions",
    response={201: InteractionOut},
    summary="Log an interaction (multipart: the fields plus any number of `files`)",
)
def create_interaction(
    request: HttpRequest,
    account_id: int,
    payload: Form[InteractionIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Interaction]:
    data = payload.model_dump()
    interaction = services.interaction_create(
        actor=request.user,  # type: ignore[arg-type]
        account_id=account_id,
        our_participants=data.pop("our_participant_ids"),
        their_participants=data.pop("their_participant_ids"),
        files=files or [],
        **data,
    )
    return Status(201, _get(request, interaction.pk))


@router.get(
    "/interactions/{interaction_id}", response=InteractionOut, summary="Read an interaction"
)
def get_interaction(request: HttpRequest, interaction_id: int) -> Interaction:
    return _get(request, interaction_id)


@router.patch(
    "/interactions/{interaction_id}",
    response={200: InteractionOut, 409: InteractionConflictOut},
    summary="Change an interaction",
)
def update_interaction(request: HttpRequest, interaction_id: int, payload: InteractionPatch) -> Any:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    renames = {
        "our_participant_ids": "our_participants",
        "their_participant_ids": "their_participants",
    }
    changes = {renames.get(key, key): value for key, value in data.items()}
    for key in ("kind", "occurred_at", "subject", "our_participants", "their_participants"):
        if key in changes and changes[key] is None:
            changes.pop(key)
    for key in ("summary", "outcome", "next_step", "transcript"):
        if key in changes and changes[key] is None:
            changes[key] = ""
    try:
        services.interaction_update(
            actor=request.user,  # type: ignore[arg-type]
            interaction_id=interaction_id,
            expected_version=version,
            changes=changes,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return _get(request, interaction_id)


@router.delete(
    "/interactions/{interaction_id}",
    response={204: None, 409: InteractionConflictOut},
    summary="Delete an interaction",
)
def delete_interaction(
    request: HttpRequest, interaction_id: int, version: int | None = None
) -> Any:
    try:
        services.interaction_delete(
            actor=request.user,  # type: ignore[arg-type]
            interaction_id=interaction_id,
            expected_version=version,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return Status(204, None)


@router.post(
    "/interactions/{interaction_id}/next-step",
    response=InteractionOut,
    summary="Mark the next step done (or reopen it)",
)
def next_step_done(request: HttpRequest, interaction_id: int, payload: NextStepIn) -> Interaction:
    services.interaction_next_step_done(
        actor=request.user,  # type: ignore[arg-type]
        interaction_id=interaction_id,
        done=payload.done,
    )
    return _get(request, interaction_id)


# --- Attachments -----------------------------------------------------------------------------


@router.post(
    "/interactions/{interaction_id}/attachments",
    response={201: list[AttachmentOut]},
    summary="Attach files (multipart, field `files`, repeatable)",
)
def add_attachments(
    request: HttpRequest, interaction_id: int, files: File[list[UploadedFile]]
) -> Status[list[Attachment]]:
    saved = services.attachments_add(
        actor=request.user,  # type: ignore[arg-type]
        interaction_id=interaction_id,
        files=files,
    )
    return Status(201, saved)


@router.get(
    "/attachments/{attachment_id}",
    summary="Download a file",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as a download (Content-Disposition: attachment).",
                "content": {"application/octet-stream": {}},
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.user, attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing from the storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=served_content_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete("/attachments/{attachment_id}", response={204: None}, summary="Remove a file")
def delete_attachment(request: HttpRequest, attachment_id: int) -> Status[None]:
    services.attachment_delete(
        actor=request.user,  # type: ignore[arg-type]
        attachment_id=attachment_id,
    )
    return Status(204, None)


@router.get(
    "/accounts/{account_id}/attachments",
    response=AttachmentPage,
    summary="Every file of an account, newest first",
)
def list_account_attachments(
    request: HttpRequest, account_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    account = account_get(user=request.user, account_id=account_id)
    return paginate(selectors.account_files(account=account), params)


# --- Timelines -------------------------------------------------------------------------------


@router.get(
    "/accounts/{account_id}/timeline",
    response=TimelinePage,
    summary="An account's timeline: interactions and other events, newest first",
)
def account_timeline(
    request: HttpRequest, account_id: int, params: Query[TimelineParams]
) -> dict[str, Any]:
    account = account_get(user=request.user, account_id=account_id)
    rows = timeline_selectors.timeline_rows(
        user=request.user, filters=_filters(params), account=account
    )
    editable = account_can_edit(user=request.user, account=account)
    return _timeline_page(request, rows, params, editable)


@router.get(
    "/stakeholders/{stakeholder_id}/timeline",
    response=TimelinePage,
    summary="A person's timeline across the accounts you may see",
)
def stakeholder_timeline(
    request: HttpRequest, stakeholder_id: int, params: Query[TimelineParams]
) -> dict[str, Any]:
    stakeholder = stakeholder_get(user=request.user, stakeholder_id=stakeholder_id)
    rows = timeline_selectors.timeline_rows(
        user=request.user, filters=_filters(params), stakeholder=stakeholder
    )
    return _timeline_page(request, rows, params, None)
