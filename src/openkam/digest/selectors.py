"""Reads of digests. The head reads every digest; a KAM reads the digests of their own
accounts; a digest is not a thing anybody else sees."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openkam.core.errors import NotFoundError
from openkam.digest.models import Digest, DigestScope
from openkam.users.models import Role


def digests_visible_to(*, user: Any) -> QuerySet[Digest]:
    role = getattr(user, "role", None)
    qs = Digest.objects.select_related("kam").defer("content_html", "content_text")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if role == Role.HEAD:
        return qs
    if role == Role.KAM:
        return qs.filter(scope=DigestScope.KAM, kam=user)
    return qs.none()


def digest_get(*, user: Any, digest_id: int) -> Digest:
    try:
        return digests_visible_to(user=user).defer(None).get(pk=digest_id)
    except (Digest.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Digest not found.") from None


def digest_can_preview(*, user: Any) -> bool:
    return getattr(user, "role", None) in (Role.HEAD, Role.KAM)
