"""GET /api/v1/search: the global search over the API, with the same access rules."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from openkam.api.pagination import PageParams
from openkam.search.selectors import MAX_QUERY_CHARS, search

router = Router(tags=["search"])


class SearchParams(PageParams):
    q: str = Field(
        "",
        max_length=MAX_QUERY_CHARS,
        description='Words (all required), "exact phrases", `or` between alternatives, '
        "-word to exclude. Empty: no results.",
    )
    kind: str = Field(
        "", description="Only this kind: account, stakeholder, interaction, knowledge."
    )


class SearchHitOut(Schema):
    kind: str
    kind_label: str
    object_id: int
    title: str
    url: str
    snippet: str = Field(..., description="HTML: the text around the matches, in <mark>.")
    account_id: int | None
    account_name: str | None
    date: datetime.date | None = Field(None, description="When it happened (interactions).")
    rank: float


class SearchPage(Schema):
    items: list[SearchHitOut]
    total: int
    capped: bool = Field(..., description="More matches than were ranked; total is a minimum.")
    phrase_capped: bool = Field(
        False,
        description="PostgreSQL only: a phrase of very common words was looked for in the "
        "first documents holding all of them; total is a minimum.",
    )
    limit: int
    offset: int


@router.get("", response=SearchPage, summary="Search everything you may see")
def search_everything(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    results = search(
        user=request.user,
        query=params.q,
        kind=params.kind,
        limit=params.limit,
        offset=params.offset,
    )
    return {
        "items": [
            {
                "kind": hit.kind,
                "kind_label": str(hit.kind_label),
                "object_id": hit.object_id,
                "title": hit.title,
                "url": hit.url,
                "snippet": str(hit.snippet),
                "account_id": hit.account_id,
                "account_name": hit.account_name,
                "date": hit.date,
                "rank": hit.rank,
            }
            for hit in results.items
        ],
        "total": results.total,
        "capped": results.capped,
        "phrase_capped": results.phrase_capped,
        "limit": params.limit,
        "offset": params.offset,
    }
