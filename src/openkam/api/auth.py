from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer, SessionAuth

from openkam.users.services import apitoken_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer kam_...` with a token from `kam apitoken` or the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = apitoken_authenticate(token=token)
        if user is not None:
            request.user = user
            if user.language:
                # The middleware ran before the token was known: answer in the user's language.
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return user


# The browser's session, with Django's CSRF check on unsafe methods.
session_auth = SessionAuth(csrf=True)
bearer_auth = BearerToken()
