"""The notification centre over the API: a person's own notifications and preferences."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from openkam.api.pagination import PageParams, paginate
from openkam.notifications import selectors, services
from openkam.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        return obj.kind_label


class NotificationPage(Schema):
    items: list[NotificationOut]
    total: int
    unread: int
    limit: int
    offset: int


class NotificationParams(PageParams):
    unread: bool = Field(False, description="Only unread ones.")


class ReadIn(Schema):
    read: bool = True


class CountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    reminder_lead_days: int | None = Field(..., description="Null: the default.")
    default_reminder_lead_days: int
    email_kinds: list[str] = Field(..., description="Kinds that also come by e-mail.")
    kinds: dict[str, str] = Field(..., description="Every kind with its label.")


class PreferenceIn(Schema):
    reminder_lead_days: int | None = Field(None, ge=0, le=60)
    email_kinds: list[str]


def _preference(request: HttpRequest) -> dict[str, Any]:
    preference = selectors.preference_for(user=request.user)
    kinds = selectors.email_kinds_for(preference)
    return {
        "reminder_lead_days": preference.reminder_lead_days,
        "default_reminder_lead_days": selectors.default_lead_days(),
        "email_kinds": [kind for kind, _label, on in kinds if on],
        "kinds": {kind: label for kind, label, _on in kinds},
    }


@router.get("/notifications", response=NotificationPage, summary="Your notifications, newest first")
def list_notifications(request: HttpRequest, params: Query[NotificationParams]) -> dict[str, Any]:
    page = paginate(
        selectors.notifications_for(user=request.user, unread_only=params.unread), params
    )
    page["unread"] = selectors.unread_count(user=request.user)
    return page


@router.get("/notifications/unread-count", response=CountOut, summary="How many are unread")
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(user=request.user)}


@router.post("/notifications/read-all", response=MarkedOut, summary="Mark all as read")
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_mark_all_read(user=request.user)}


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one read (or unread with read=false)",
)
def mark_read(request: HttpRequest, notification_id: int, payload: ReadIn) -> Notification:
    return services.notification_mark_read(
        user=request.user, notification_id=notification_id, read=payload.read
    )


@router.get("/notification-preferences", response=PreferenceOut, summary="Your preferences")
def get_preferences(request: HttpRequest) -> dict[str, Any]:
    return _preference(request)


@router.put("/notification-preferences", response=PreferenceOut, summary="Change your preferences")
def put_preferences(request: HttpRequest, payload: PreferenceIn) -> dict[str, Any]:
    services.preference_update(
        user=request.user,
        reminder_lead_days=payload.reminder_lead_days,
        email_kinds=payload.email_kinds,
    )
    return _preference(request)
