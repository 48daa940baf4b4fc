from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openkam.users.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs to draw the navigation for the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    return {
        "nav_section": match.app_name if match else "",
        "nav_sees_accounts": user.role in (Role.HEAD, Role.KAM, Role.SPECIALIST),
        "nav_manages_users": user.role == Role.ADMIN,
        "nav_is_head": user.role == Role.HEAD,
    }
