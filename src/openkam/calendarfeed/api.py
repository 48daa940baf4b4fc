"""The calendar feed's secret address over the API (the feed itself is at /calendar/feed/)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from openkam.calendarfeed import services
from openkam.core.errors import ForbiddenError

router = Router(tags=["calendar feed"])


class FeedStatusOut(Schema):
    active: bool
    created_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class FeedCreatedOut(Schema):
    url: str = Field(..., description="The secret address, shown only in this answer.")
    created_at: datetime.datetime


@router.get("/calendar-feed", response=FeedStatusOut, summary="Whether you have a feed address")
def feed_status(request: HttpRequest) -> dict[str, Any]:
    if not services.calendar_feed_allowed(user=request.user):
        raise ForbiddenError("Administrators have no calendar feed.")
    token = services.calendar_token_active(user=request.user)
    return {
        "active": token is not None,
        "created_at": token.created_at if token else None,
        "last_used_at": token.last_used_at if token else None,
    }


@router.post(
    "/calendar-feed",
    response={201: FeedCreatedOut},
    summary="Make a new secret address (the previous one stops working)",
)
def feed_create(request: HttpRequest) -> Status[dict[str, Any]]:
    token, clear = services.calendar_token_create(user=request.user)  # type: ignore[arg-type]
    url = request.build_absolute_uri(reverse("calendarfeed:feed", args=[clear]))
    return Status(201, {"url": url, "created_at": token.created_at})


@router.delete("/calendar-feed", response={204: None}, summary="Revoke your address")
def feed_revoke(request: HttpRequest) -> Status[None]:
    if not services.calendar_feed_allowed(user=request.user):
        raise ForbiddenError("Administrators have no calendar feed.")
    services.calendar_token_revoke(user=request.user)  # type: ignore[arg-type]
    return Status(204, None)
