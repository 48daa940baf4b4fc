"""Promises over the API. Thin: services and selectors do the work and enforce access."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from openkam.api.pagination import PageParams, paginate
from openkam.commitments import selectors, services
from openkam.commitments.models import Commitment, CommitmentReschedule, CommitmentStatus, Direction
from openkam.core.errors import ConflictError
from openkam.stakeholders.models import Channel

router = Router(tags=["commitments"])


class CommitmentOut(Schema):
    id: int
    account_id: int
    account_name: str
    direction: Direction
    title: str
    details: str
    stakeholder_id: int | None
    stakeholder_name: str | None
    interaction_id: int | None
    owner_id: int
    owner_name: str
    due_date: datetime.date
    original_due_date: datetime.date
    status: CommitmentStatus
    state: str = Field(
        ..., description="open, overdue (open past its due date), done or cancelled."
    )
    overdue: bool
    kept_on_time: bool | None
    completed_on: datetime.date | None
    completion_note: str
    cancelled_reason: str
    reschedule_count: int
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_account_name(obj: Commitment) -> str:
        return obj.account.name

    @staticmethod
    def resolve_stakeholder_name(obj: Commitment) -> str | None:
        return str(obj.stakeholder) if obj.stakeholder_id and obj.stakeholder else None

    @staticmethod
    def resolve_owner_name(obj: Commitment) -> str:
        return str(obj.owner)


class CommitmentPage(Schema):
    items: list[CommitmentOut]
    total: int
    limit: int
    offset: int


class CommitmentIn(Schema):
    account_id: int
    direction: Direction = Direction.OURS
    title: str = Field(..., min_length=1, max_length=300)
    details: str = ""
    due_date: datetime.date
    stakeholder_id: int | None = Field(None, description="To whom (ours) or from whom (theirs).")
    interaction_id: int | None = Field(None, description="Where it was promised.")
    owner_id: int | None = Field(None, description="Defaults to the caller.")


class CommitmentPatch(Schema):
    version: int = Field(..., description="The version you read; a stale one answers 409.")
    direction: Direction | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    details: str | None = None
    stakeholder_id: int | None = None
    interaction_id: int | None = None
    owner_id: int | None = None


class CompleteIn(Schema):
    completed_on: datetime.date | None = Field(None, description="Defaults to today.")
    note: str = ""
    version: int | None = None


class CancelIn(Schema):
    reason: str
    version: int | None = None


class RescheduleIn(Schema):
    new_due_date: datetime.date
    reason: str = Field(..., description="Why the date moves.")
    client_message: str = Field(
        ..., description="What the client was told: the apology or explanation they received."
    )
    informed_via: Channel
    informed_on: datetime.date
    informed_person_id: int | None = None
    version: int | None = None


class RescheduleOut(Schema):
    id: int
    commitment_id: int
    old_due_date: datetime.date
    new_due_date: datetime.date
    reason: str
    client_message: str
    informed_via: Channel
    informed_on: datetime.date
    informed_person_id: int | None
    told_in_advance: bool
    recorded_by: str
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_recorded_by(obj: CommitmentReschedule) -> str:
        return str(obj.recorded_by)


class ConflictOut(Schema):
    detail: str
    # The promise as it is now (a CommitmentOut, serialised already: validating it again
    # would look for the resolved fields on the record).
    current: dict[str, Any]


class FiguresOut(Schema):
    key: int | None
    label: str
    total: int
    open: int
    overdue: int
    due_soon: int
    done: int
    kept: int
    came_due: int
    kept_pct: float | None
    reschedules: int
    rescheduled: int


class CommitmentFilterParams(PageParams):
    state: Literal["open", "overdue", "due_soon", "done", "cancelled", "all"] = "open"
    direction: Direction | None = None
    owner_id: int | None = None
    kam_id: int | None = Field(None, description="The accounts' KAM.")
    account_id: int | None = None
    q: str = ""
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    sort: Literal["due", "-due", "account", "owner", "created"] = "due"


def _out(request: HttpRequest, commitment_id: int) -> Commitment:
    return selectors.commitment_get(user=request.user, commitment_id=commitment_id)


def _conflict(request: HttpRequest, exc: ConflictError) -> Status[dict[str, Any]]:
    current = _out(request, exc.current.pk)
    return Status(
        409,
        {"detail": str(exc), "current": CommitmentOut.from_orm(current).model_dump(mode="json")},
    )


@router.get("/commitments", response=CommitmentPage, summary="List promises (open by default)")
def list_commitments(request: HttpRequest, params: Query[CommitmentFilterParams]) -> dict[str, Any]:
    filters = selectors.CommitmentFilters(
        state=params.state,
        direction=params.direction or "",
        owner_id=params.owner_id,
        kam_id=params.kam_id,
        account_id=params.account_id,
        q=params.q,
        due_from=params.due_from,
        due_to=params.due_to,
        sort=params.sort,
        due_soon_days=settings.KAM_DUE_SOON_DAYS,
    )
    return paginate(selectors.commitment_list(user=request.user, filters=filters), params)


@router.post("/commitments", response={201: CommitmentOut}, summary="Record a promise")
def create_commitment(request: HttpRequest, payload: CommitmentIn) -> Status[Commitment]:
    commitment = services.commitment_create(
        actor=request.user,  # type: ignore[arg-type]
        account_id=payload.account_id,
        direction=payload.direction,
        title=payload.title,
        details=payload.details,
        due_date=payload.due_date,
        stakeholder=payload.stakeholder_id,
        interaction=payload.interaction_id,
        owner=payload.owner_id,
    )
    return Status(201, _out(request, commitment.pk))


@router.get(
    "/commitments/figures",
    response=list[FiguresOut],
    summary="Kept on time, reschedules and overdue: for the department, per KAM or per account",
)
def commitment_figures(
    request: HttpRequest, by: Literal["department", "kam", "account"] = "department"
) -> list[dict[str, Any]]:
    if by == "department":
        rows = [
            selectors.FigureRow(
                key=None,
                label="department",
                figures=selectors.figures_for(
                    user=request.user, due_soon_days=settings.KAM_DUE_SOON_DAYS
                )[None],
            )
        ]
    elif by == "kam":
        rows = selectors.figures_by_kam(user=request.user)
    else:
        rows = selectors.figures_by_account(user=request.user)
    return [{"key": row.key, "label": row.label, **row.figures.as_dict()} for row in rows]


@router.get("/commitments/{commitment_id}", response=CommitmentOut, summary="Read a promise")
def get_commitment(request: HttpRequest, commitment_id: int) -> Commitment:
    return _out(request, commitment_id)


@router.patch(
    "/commitments/{commitment_id}",
    response={200: CommitmentOut, 409: ConflictOut},
    summary="Change what, to whom, where or who keeps it (not the due date: reschedule)",
)
def update_commitment(request: HttpRequest, commitment_id: int, payload: CommitmentPatch) -> Any:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    renames = {
        "stakeholder_id": "stakeholder",
        "interaction_id": "interaction",
        "owner_id": "owner",
    }
    changes = {renames.get(key, key): value for key, value in data.items()}
    try:
        services.commitment_update(
            actor=request.user,  # type: ignore[arg-type]
            commitment_id=commitment_id,
            expected_version=version,
            changes=changes,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return _out(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/complete",
    response={200: CommitmentOut, 409: ConflictOut},
    summary="Mark a promise done",
)
def complete_commitment(request: HttpRequest, commitment_id: int, payload: CompleteIn) -> Any:
    try:
        services.commitment_complete(
            actor=request.user,  # type: ignore[arg-type]
            commitment_id=commitment_id,
            completed_on=payload.completed_on,
            note=payload.note,
            expected_version=payload.version,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return _out(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/reschedule",
    response={201: RescheduleOut, 409: ConflictOut},
    summary="Move the due date, recording what the client was told, how and when",
)
def reschedule_commitment(request: HttpRequest, commitment_id: int, payload: RescheduleIn) -> Any:
    try:
        reschedule = services.commitment_reschedule(
            actor=request.user,  # type: ignore[arg-type]
            commitment_id=commitment_id,
            new_due_date=payload.new_due_date,
            reason=payload.reason,
            client_message=payload.client_message,
            informed_via=payload.informed_via,
            informed_on=payload.informed_on,
            informed_person=payload.informed_person_id,
            expected_version=payload.version,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return Status(201, reschedule)


@router.post(
    "/commitments/{commitment_id}/cancel",
    response={200: CommitmentOut, 409: ConflictOut},
    summary="Cancel a promise, saying why",
)
def cancel_commitment(request: HttpRequest, commitment_id: int, payload: CancelIn) -> Any:
    try:
        services.commitment_cancel(
            actor=request.user,  # type: ignore[arg-type]
            commitment_id=commitment_id,
            reason=payload.reason,
            expected_version=payload.version,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return _out(request, commitment_id)


@router.post(
    "/commitments/{commitment_id}/reopen", response=CommitmentOut, summary="Reopen a promise"
)
def reopen_commitment(request: HttpRequest, commitment_id: int) -> Commitment:
    services.commitment_reopen(actor=request.user, commitment_id=commitment_id)  # type: ignore[arg-type]
    return _out(request, commitment_id)


@router.get(
    "/commitments/{commitment_id}/reschedules",
    response=list[RescheduleOut],
    summary="A promise's date changes, with what the client was told",
)
def list_reschedules(request: HttpRequest, commitment_id: int) -> Any:
    return list(selectors.commitment_reschedules(commitment=_out(request, commitment_id)))
