"""The secret address of each person's calendar feed: made, replaced and revoked here.

The secret carries 256 bits of randomness; only its SHA-256 is stored, so the address is
shown once and a lost one is replaced, which stops the old one working.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from openkam.calendarfeed.models import CalendarToken
from openkam.core.errors import ForbiddenError
from openkam.users.models import Role, User

TOKEN_PREFIX = "cal_"  # noqa: S105 (a marker, not a secret)
# Calendar clients poll every few minutes; the last fetch is recorded at most this often.
LAST_USED_PRECISION = timedelta(minutes=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_allowed(*, user: Any) -> bool:
    """People who work with clients; administrators have no client data to put in a feed."""
    return getattr(user, "role", None) in (Role.HEAD, Role.KAM, Role.SPECIALIST)


@transaction.atomic
def calendar_token_create(*, user: User) -> tuple[CalendarToken, str]:
    """A new secret address for `user`; the previous one, if any, stops working."""
    if not calendar_feed_allowed(user=user):
        raise ForbiddenError("Administrators have no calendar feed.")
    CalendarToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = CalendarToken.objects.create(user=user, token_hash=_hash(clear))
    return token, clear


@transaction.atomic
def calendar_token_revoke(*, user: User) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_token_active(*, user: Any) -> CalendarToken | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_token_authenticate(*, token: str) -> User | None:
    """The owner of an active address, or None (wrong, revoked, or the person left)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    found = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None or not calendar_feed_allowed(user=found.user):
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
        CalendarToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
