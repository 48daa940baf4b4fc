"""People of the decision-making unit over the API (vCard import and export: api_vcard.py).

Personal notes appear in an answer as `personal` only for readers who may see them (the home
account's team and the head); for everyone else the key is absent, not empty.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from openkam.accounts.selectors import account_get
from openkam.api.pagination import PageParams
from openkam.api.schemas import ChangeEntryOut
from openkam.core.choices import Level
from openkam.core.errors import ConflictError, NotFoundError
from openkam.stakeholders import selectors, services
from openkam.stakeholders.models import (
    Attitude,
    BuyingRole,
    Channel,
    Persona,
    PersonalNote,
    Stakeholder,
    StakeholderStatus,
)

router = Router(tags=["stakeholders"])


class PersonalOut(Schema):
    birthday: datetime.date | None = Field(
        None, description="Year 1604 means the year is not known (as in vCard/Apple)."
    )
    family: str = ""
    hobbies: str = ""
    values: str = ""
    notes: str = ""


class StakeholderOut(Schema):
    id: int
    account_id: int
    account_name: str
    other_account_ids: list[int] = Field(
        description="Other accounts of the group the person sits in (those you may see)."
    )
    first_name: str
    last_name: str
    full_name: str
    job_title: str
    department: str
    level: Level | None
    buying_role: BuyingRole | None
    attitude: Attitude
    influence: int
    reports_to_id: int | None
    reports_to_name: str | None
    email: str
    phone: str
    mobile: str
    address: str
    profile_url: str
    preferred_channel: Channel | None
    persona: Persona | None
    status: StakeholderStatus
    left_on: datetime.date | None
    last_verified_on: datetime.date | None
    stale: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    personal: PersonalOut | None = Field(
        None,
        description="Only for the account team and the head; absent for everyone else.",
    )


class StakeholderPage(Schema):
    items: list[StakeholderOut]
    total: int
    limit: int
    offset: int


class PersonalIn(Schema):
    birthday: datetime.date | None = None
    family: str = ""
    hobbies: str = ""
    values: str = ""
    notes: str = ""


class StakeholderIn(Schema):
    account_id: int
    first_name: str = Field("", max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    job_title: str = ""
    department: str = ""
    level: Level | None = None
    buying_role: BuyingRole | None = None
    attitude: Attitude = Attitude.NEUTRAL
    influence: int = Field(3, ge=1, le=5)
    reports_to_id: int | None = None
    other_account_ids: list[int] = []
    email: str = ""
    phone: str = ""
    mobile: str = ""
    address: str = ""
    profile_url: str = ""
    preferred_channel: Channel | None = None
    persona: Persona | None = None
    personal: PersonalIn | None = None


class StakeholderPatch(Schema):
    version: int = Field(..., description="The version you read; a stale one answers 409.")
    verified: bool = Field(False, description="You confirmed the details are current.")
    first_name: str | None = None
    last_name: str | None = Field(None, min_length=1, max_length=100)
    job_title: str | None = None
    department: str | None = None
    level: Level | None = None
    buying_role: BuyingRole | None = None
    attitude: Attitude | None = None
    influence: int | None = Field(None, ge=1, le=5)
    reports_to_id: int | None = None
    other_account_ids: list[int] | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    address: str | None = None
    profile_url: str | None = None
    preferred_channel: Channel | None = None
    persona: Persona | None = None


class LeftIn(Schema):
    left_on: datetime.date | None = Field(None, description="Defaults to today.")
    version: int | None = None


class StakeholderFilterParams(PageParams):
    account_id: int | None = Field(None, description="People of this account (incl. shared).")
    q: str = ""
    level: Level | None = None
    buying_role: BuyingRole | None = None
    attitude: Attitude | None = None
    status: StakeholderStatus | None = None
    stale: bool = False
    sort: str = Field("level", pattern="^-?(name|level|influence|role|attitude|verified)$")


class StakeholderConflictOut(Schema):
    detail: str
    current: StakeholderOut
    changes: list[ChangeEntryOut]


# --- Answers ---------------------------------------------------------------------------------


def _personal(note: PersonalNote | None) -> dict[str, Any]:
    if note is None:
        return {"birthday": None, "family": "", "hobbies": "", "values": "", "notes": ""}
    return {
        "birthday": note.birthday,
        "family": note.family,
        "hobbies": note.hobbies,
        "values": note.values,
        "notes": note.notes,
    }


def _note(person: Stakeholder) -> PersonalNote | None:
    try:
        return person.personal
    except PersonalNote.DoesNotExist:
        return None


def _out(person: Stakeholder, *, notes_allowed: bool) -> dict[str, Any]:
    data = {
        "id": person.pk,
        "account_id": person.account_id,
        "account_name": person.account.name,
        "other_account_ids": [a.pk for a in person.other_accounts.all()],
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "department": person.department,
        "level": person.level or None,
        "buying_role": person.buying_role or None,
        "attitude": person.attitude,
        "influence": person.influence,
        "reports_to_id": person.reports_to_id,
        "reports_to_name": person.reports_to.full_name if person.reports_to else None,
        "email": person.email,
        "phone": person.phone,
        "mobile": person.mobile,
        "address": person.address,
        "profile_url": person.profile_url,
        "preferred_channel": person.preferred_channel or None,
        "persona": person.persona or None,
        "status": person.status,
        "left_on": person.left_on,
        "last_verified_on": person.last_verified_on,
        "stale": person.is_stale,
        "version": person.version,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }
    if notes_allowed:
        data["personal"] = _personal(_note(person))
    return data


def _load(request: HttpRequest, stakeholder_id: int) -> dict[str, Any]:
    user = request.user
    person = selectors.stakeholder_get(user=user, stakeholder_id=stakeholder_id)
    person = (
        selectors.with_other_accounts(Stakeholder.objects.filter(pk=person.pk), user=user)
        .select_related("account", "reports_to", "personal")
        .get()
    )
    allowed = selectors.personal_notes_visible(user=user, stakeholder=person)
    return _out(person, notes_allowed=allowed)


def _conflict(request: HttpRequest, exc: ConflictError) -> Status[dict[str, Any]]:
    return Status(
        409,
        {
            "detail": str(exc),
            "current": _load(request, exc.current.pk),
            "changes": list(exc.changes),
        },
    )


# --- People ----------------------------------------------------------------------------------


@router.get(
    "/stakeholders",
    response=StakeholderPage,
    exclude_unset=True,
    summary="List the people you may see",
)
def list_stakeholders(
    request: HttpRequest, params: Query[StakeholderFilterParams]
) -> dict[str, Any]:
    """A fixed number of queries whatever the size: count, rows (account, manager and personal
    notes joined), other accounts, and which home accounts' notes the caller may read."""
    user = request.user
    filters = selectors.StakeholderFilters(
        q=params.q,
        level=params.level or "",
        buying_role=params.buying_role or "",
        attitude=params.attitude or "",
        status=params.status or "",
        stale=params.stale,
        sort=params.sort.lstrip("-"),
    )
    if params.account_id is not None:
        account = account_get(user=user, account_id=params.account_id)
        qs = selectors.filter_stakeholders(selectors.account_stakeholders(account=account), filters)
    else:
        qs = selectors.stakeholder_list(user=user, filters=filters)
    qs = selectors.with_other_accounts(
        qs.select_related("account", "reports_to", "personal"), user=user
    )
    total = qs.count()
    people = list(qs[params.offset : params.offset + params.limit])
    allowed = selectors.personal_notes_account_ids(
        user=user, account_ids={p.account_id for p in people}
    )
    return {
        "items": [_out(p, notes_allowed=p.account_id in allowed) for p in people],
        "total": total,
        "limit": params.limit,
        "offset": params.offset,
    }


@router.post(
    "/stakeholders",
    response={201: StakeholderOut},
    exclude_unset=True,
    summary="Add a person to an account",
)
def create_stakeholder(request: HttpRequest, payload: StakeholderIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    personal = data.pop("personal")
    for key in ("level", "buying_role", "preferred_channel", "persona"):
        data[key] = data[key] or ""
    person = services.stakeholder_create(
        actor=request.user,  # type: ignore[arg-type]
        account_id=data.pop("account_id"),
        reports_to=data.pop("reports_to_id"),
        other_accounts=data.pop("other_account_ids"),
        personal=personal,
        **data,
    )
    return Status(201, _load(request, person.pk))


@router.get(
    "/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    exclude_unset=True,
    summary="Read a person",
)
def get_stakeholder(request: HttpRequest, stakeholder_id: int) -> dict[str, Any]:
    return _load(request, stakeholder_id)


@router.patch(
    "/stakeholders/{stakeholder_id}",
    response={200: StakeholderOut, 409: StakeholderConflictOut},
    exclude_unset=True,
    summary="Change a person",
)
def update_stakeholder(request: HttpRequest, stakeholder_id: int, payload: StakeholderPatch) -> Any:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    verified = data.pop("verified", False)
    renames = {"reports_to_id": "reports_to", "other_account_ids": "other_accounts"}
    changes = {renames.get(k, k): v for k, v in data.items()}
    for key in ("last_name", "attitude", "influence"):
        if key in changes and changes[key] is None:
            changes.pop(key)
    try:
        services.stakeholder_update(
            actor=request.user,  # type: ignore[arg-type]
            stakeholder_id=stakeholder_id,
            expected_version=version,
            changes=changes,
            verified=verified,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return _load(request, stakeholder_id)


@router.delete(
    "/stakeholders/{stakeholder_id}",
    response={204: None, 409: StakeholderConflictOut},
    exclude_unset=True,
    summary="Delete a person for good (erasure)",
)
def delete_stakeholder(
    request: HttpRequest, stakeholder_id: int, version: int | None = None
) -> Any:
    try:
        services.stakeholder_delete(
            actor=request.user,  # type: ignore[arg-type]
            stakeholder_id=stakeholder_id,
            expected_version=version,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return Status(204, None)


@router.post(
    "/stakeholders/{stakeholder_id}/verify",
    response=StakeholderOut,
    exclude_unset=True,
    summary="Record that the details were checked today",
)
def verify_stakeholder(request: HttpRequest, stakeholder_id: int) -> dict[str, Any]:
    services.stakeholder_verify(actor=request.user, stakeholder_id=stakeholder_id)  # type: ignore[arg-type]
    return _load(request, stakeholder_id)


@router.post(
    "/stakeholders/{stakeholder_id}/left",
    response={200: StakeholderOut, 409: StakeholderConflictOut},
    exclude_unset=True,
    summary="Record that the person left the company (their history stays)",
)
def stakeholder_left(request: HttpRequest, stakeholder_id: int, payload: LeftIn) -> Any:
    try:
        services.stakeholder_mark_left(
            actor=request.user,  # type: ignore[arg-type]
            stakeholder_id=stakeholder_id,
            left_on=payload.left_on,
            expected_version=payload.version,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return _load(request, stakeholder_id)


@router.post(
    "/stakeholders/{stakeholder_id}/reactivate",
    response=StakeholderOut,
    exclude_unset=True,
    summary="Undo 'left the company'",
)
def reactivate_stakeholder(request: HttpRequest, stakeholder_id: int) -> dict[str, Any]:
    services.stakeholder_reactivate(actor=request.user, stakeholder_id=stakeholder_id)  # type: ignore[arg-type]
    return _load(request, stakeholder_id)


def _personal_or_404(request: HttpRequest, stakeholder_id: int) -> Stakeholder:
    person = selectors.stakeholder_get(user=request.user, stakeholder_id=stakeholder_id)
    if not selectors.personal_notes_visible(user=request.user, stakeholder=person):
        raise NotFoundError("Personal notes not found.")
    return person


@router.get(
    "/stakeholders/{stakeholder_id}/personal",
    response=PersonalOut,
    summary="Personal notes (account team and head only)",
)
def get_personal(request: HttpRequest, stakeholder_id: int) -> dict[str, Any]:
    person = _personal_or_404(request, stakeholder_id)
    return _personal(PersonalNote.objects.filter(stakeholder=person).first())


@router.put(
    "/stakeholders/{stakeholder_id}/personal",
    response=PersonalOut,
    summary="Write personal notes (all fields empty erases them)",
)
def put_personal(request: HttpRequest, stakeholder_id: int, payload: PersonalIn) -> dict[str, Any]:
    _personal_or_404(request, stakeholder_id)
    note = services.personal_note_update(
        actor=request.user,  # type: ignore[arg-type]
        stakeholder_id=stakeholder_id,
        values=payload.model_dump(),
    )
    return _personal(note)
