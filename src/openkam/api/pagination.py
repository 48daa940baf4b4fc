from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema


class PageParams(Schema):
    limit: int = Field(25, ge=1, le=settings.KAM_API_MAX_LIMIT)
    offset: int = Field(0, ge=0)


class Pageable(Protocol):
    """Anything that counts and slices like a queryset (e.g. accounts.selectors.AccountPages)."""

    def count(self) -> int: ...

    def __getitem__(self, key: slice) -> Any: ...


def paginate(qs: QuerySet[Any] | Pageable, params: PageParams) -> dict[str, Any]:
    """One COUNT and one SELECT, whatever the size of the table."""
    total = qs.count()
    items = list(qs[params.offset : params.offset + params.limit])
    return {"items": items, "total": total, "limit": params.limit, "offset": params.offset}
