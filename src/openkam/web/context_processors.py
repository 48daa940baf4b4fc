from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openkam.users.models import Role

# Which menu of the top bar holds each app's pages, so that the menu shows where the user is.
NAV_GROUPS = {
    "accounts": "clients",
    "stakeholders": "clients",
    "knowledge": "clients",
    "commitments": "followup",
    "cadence": "followup",
    "digest": "followup",
    "imports": "admin",
    "revenue": "admin",
    "currency": "admin",
    "calendarfeed": "me",
}
# The users app serves both the administrator's user management and everyone's own profile.
USER_ADMIN_PAGES = {"list", "create", "edit"}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs to draw the navigation for the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    section = match.app_name if match else ""
    group = NAV_GROUPS.get(section, "")
    if section == "users":
        group = "admin" if match and match.url_name in USER_ADMIN_PAGES else "me"
    return {
        "nav_section": section,
        "nav_view": match.view_name if match else "",
        "nav_group": group,
        "nav_sees_accounts": user.role in (Role.HEAD, Role.KAM, Role.SPECIALIST),
        "nav_manages_users": user.role == Role.ADMIN,
        "nav_is_head": user.role == Role.HEAD,
    }
