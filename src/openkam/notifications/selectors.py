"""Reads of notifications and preferences. A notification belongs to its recipient alone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from openkam.core.errors import NotFoundError
from openkam.notifications.models import (
    EMAIL_BY_DEFAULT,
    Notification,
    NotificationKind,
    NotificationPreference,
)


def notifications_for(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_get(*, user: Any, notification_id: int) -> Notification:
    try:
        return notifications_for(user=user).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Notification not found.") from None


def unread_count(*, user: Any) -> int:
    return notifications_for(user=user, unread_only=True).count()


def preference_for(*, user: Any) -> NotificationPreference:
    """The person's preferences; an unsaved default row when they never chose."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def default_lead_days() -> int:
    return int(settings.KAM_REMINDER_LEAD_DAYS)


def lead_days_for(*, user_ids: Iterable[int]) -> dict[int, int]:
    """How many days ahead each person wants reminders (one query for everyone)."""
    ids = set(user_ids)
    chosen: dict[int, int] = {
        user_id: days
        for user_id, days in NotificationPreference.objects.filter(
            user_id__in=ids, reminder_lead_days__isnull=False
        ).values_list("user_id", "reminder_lead_days")
        if days is not None
    }
    default = default_lead_days()
    return {user_id: chosen.get(user_id, default) for user_id in ids}


def wants_email(preference: NotificationPreference, kind: str) -> bool:
    choices = preference.email_choices or {}
    if kind in choices:
        return bool(choices[kind])
    return EMAIL_BY_DEFAULT.get(kind, False)


def email_kinds_for(preference: NotificationPreference) -> list[tuple[str, str, bool]]:
    """Every kind with its label and whether it goes out by e-mail, for the preferences form."""
    return [
        (kind.value, str(kind.label), wants_email(preference, kind.value))
        for kind in NotificationKind
    ]
