"""The knowledge base over the API: account entries and the company library."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from openkam.accounts.selectors import account_get
from openkam.api.pagination import PageParams, paginate
from openkam.api.schemas import ChangeEntryOut
from openkam.core.errors import ConflictError
from openkam.knowledge import selectors, services
from openkam.knowledge.models import KnowledgeEntry, KnowledgeKind

router = Router(tags=["knowledge"])


class KnowledgeOut(Schema):
    id: int
    account_id: int | None = Field(description="Null for the company-wide library.")
    account_name: str | None
    kind: KnowledgeKind
    title: str
    body: str
    tags: list[str]
    reference: str = Field(description="Write this in any note to link the entry.")
    created_by: str | None
    updated_by: str | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_account_name(obj: KnowledgeEntry) -> str | None:
        return obj.account.name if obj.account is not None else None

    @staticmethod
    def resolve_tags(obj: KnowledgeEntry) -> list[str]:
        return obj.tag_list

    @staticmethod
    def resolve_created_by(obj: KnowledgeEntry) -> str | None:
        return str(obj.created_by) if obj.created_by else None

    @staticmethod
    def resolve_updated_by(obj: KnowledgeEntry) -> str | None:
        return str(obj.updated_by) if obj.updated_by else None


class KnowledgePage(Schema):
    items: list[KnowledgeOut]
    total: int
    limit: int
    offset: int


class KnowledgeIn(Schema):
    account_id: int | None = Field(None, description="Leave out for the company library.")
    kind: KnowledgeKind
    title: str = Field(..., min_length=1, max_length=200)
    body: str = ""
    tags: list[str] = []


class KnowledgePatch(Schema):
    version: int = Field(..., description="The version you read; a stale one answers 409.")
    kind: KnowledgeKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = None
    tags: list[str] | None = None


class KnowledgeFilterParams(PageParams):
    account_id: int | None = Field(None, description="Entries of this account.")
    library: bool | None = Field(
        None, description="true: the company library only; false: account entries only."
    )
    q: str = ""
    kind: KnowledgeKind | None = None
    tag: str = ""


class KnowledgeConflictOut(Schema):
    detail: str
    current: KnowledgeOut
    changes: list[ChangeEntryOut]


def _get(request: HttpRequest, entry_id: int) -> KnowledgeEntry:
    return selectors.knowledge_get(user=request.user, entry_id=entry_id)


def _conflict(request: HttpRequest, exc: ConflictError) -> Status[dict[str, Any]]:
    return Status(
        409,
        {
            "detail": str(exc),
            "current": _get(request, exc.current.pk),
            "changes": list(exc.changes),
        },
    )


@router.get("/knowledge", response=KnowledgePage, summary="List knowledge you may read")
def list_knowledge(request: HttpRequest, params: Query[KnowledgeFilterParams]) -> dict[str, Any]:
    if params.account_id is not None:
        account_get(user=request.user, account_id=params.account_id)  # 404 when not visible
    scope = {None: "", True: "library", False: "accounts"}[params.library]
    filters = selectors.KnowledgeFilters(
        q=params.q,
        kind=params.kind or "",
        tag=params.tag,
        scope=scope,
        account_id=params.account_id,
    )
    qs = selectors.knowledge_list(user=request.user, filters=filters).select_related("created_by")
    return paginate(qs, params)


@router.post("/knowledge", response={201: KnowledgeOut}, summary="Write a knowledge entry")
def create_knowledge(request: HttpRequest, payload: KnowledgeIn) -> Status[KnowledgeEntry]:
    entry = services.knowledge_create(
        actor=request.user,  # type: ignore[arg-type]
        **payload.model_dump(),
    )
    return Status(201, _get(request, entry.pk))


@router.get("/knowledge/{entry_id}", response=KnowledgeOut, summary="Read a knowledge entry")
def get_knowledge(request: HttpRequest, entry_id: int) -> KnowledgeEntry:
    return _get(request, entry_id)


@router.patch(
    "/knowledge/{entry_id}",
    response={200: KnowledgeOut, 409: KnowledgeConflictOut},
    summary="Change a knowledge entry",
)
def update_knowledge(request: HttpRequest, entry_id: int, payload: KnowledgePatch) -> Any:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = {k: v for k, v in data.items() if v is not None or k == "body"}
    try:
        services.knowledge_update(
            actor=request.user,  # type: ignore[arg-type]
            entry_id=entry_id,
            expected_version=version,
            changes=changes,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return _get(request, entry_id)


@router.delete(
    "/knowledge/{entry_id}",
    response={204: None, 409: KnowledgeConflictOut},
    summary="Delete a knowledge entry",
)
def delete_knowledge(request: HttpRequest, entry_id: int, version: int | None = None) -> Any:
    try:
        services.knowledge_delete(
            actor=request.user,  # type: ignore[arg-type]
            entry_id=entry_id,
            expected_version=version,
        )
    except ConflictError as exc:
        return _conflict(request, exc)
    return Status(204, None)
