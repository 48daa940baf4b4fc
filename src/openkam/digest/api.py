"""Digests over the API: the archive, one digest with its facts and report, and the rhythm."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from openkam.api.pagination import PageParams, paginate
from openkam.digest import periods, selectors, services
from openkam.digest.models import Digest, DigestScope, Weekday

router = Router(tags=["digest"])


class DigestSummaryOut(Schema):
    id: int
    scope: DigestScope
    kam_id: int | None
    kam_name: str | None
    period_start: datetime.date
    period_end: datetime.date
    generated_at: datetime.datetime
    totals: dict[str, Any]

    @staticmethod
    def resolve_kam_name(obj: Digest) -> str | None:
        return str(obj.kam) if obj.kam_id and obj.kam else None


class DigestOut(DigestSummaryOut):
    language: str
    subject: str
    data: dict[str, Any]
    content_html: str
    content_text: str

    @staticmethod
    def resolve_subject(obj: Digest) -> str:
        return services.subject_for(obj.data)


class DigestPage(Schema):
    items: list[DigestSummaryOut]
    total: int
    limit: int
    offset: int


class ScheduleOut(Schema):
    interval_days: int
    weekday: Weekday
    next_send_days: list[datetime.date]


class ScheduleIn(Schema):
    interval_days: int
    weekday: Weekday


def _schedule() -> dict[str, Any]:
    r = periods.rhythm()
    return {
        "interval_days": r.interval_days,
        "weekday": r.weekday,
        "next_send_days": periods.next_send_days(4, r=r),
    }


@router.get("/digests", response=DigestPage, summary="The digests you may read, newest first")
def list_digests(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    qs = selectors.digests_visible_to(user=request.user).order_by("-period_start", "scope", "id")
    return paginate(qs, params)


@router.get("/digests/{digest_id}", response=DigestOut, summary="One digest")
def get_digest(request: HttpRequest, digest_id: int) -> Digest:
    return selectors.digest_get(user=request.user, digest_id=digest_id)


@router.get("/digest-schedule", response=ScheduleOut, summary="When digests go out")
def get_schedule(request: HttpRequest) -> dict[str, Any]:
    return _schedule()


@router.put("/digest-schedule", response=ScheduleOut, summary="Set the rhythm (head only)")
def put_schedule(request: HttpRequest, payload: ScheduleIn) -> dict[str, Any]:
    services.digest_schedule_update(
        actor=request.user,  # type: ignore[arg-type]
        interval_days=payload.interval_days,
        weekday=payload.weekday,
    )
    return _schedule()
