from __future__ import annotations

from django.db.models import QuerySet

from openkam.users.models import ApiToken, Role, User


def user_list() -> QuerySet[User]:
    return User.objects.order_by("first_name", "last_name", "username")


def users_who_can_own_accounts() -> QuerySet[User]:
    """Who may be an account's owner (its KAM): key account managers and the head."""
    return user_list().filter(is_active=True, role__in=[Role.KAM, Role.HEAD])


def users_for_teams() -> QuerySet[User]:
    """Who may sit on an account team: everyone active but administrators."""
    return user_list().filter(is_active=True).exclude(role=Role.ADMIN)


def apitokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
