from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from openkam.users.services import apitoken_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer kam_...` with a token from `kam apitoken` or the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = apitoken_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


# The browser's session, with Django's CSRF check on unsafe methods.
session_auth = SessionAuth(csrf=True)
bearer_auth = BearerToken()
