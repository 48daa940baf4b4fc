"""Helpers for page tests: post forms as a browser does, with the CSRF token a page handed out."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(client: Client) -> str:
    """The token from the layout's `<meta name="csrf-token">`, as htmx and forms use it.

    Signed in, it comes from the profile page (every role may open it); signed out, from the
    sign-in page.
    """
    signed_in = "_auth_user_id" in client.session
    response = client.get(reverse("users:profile" if signed_in else "users:login"))
    assert response.status_code == 200, response.status_code
    match = _CSRF_META.search(response.content.decode())
    assert match, "the page carries no CSRF token"
    return match.group(1)


def submit(
    client: Client,
    url: str,
    data: dict[str, Any] | None = None,
    *,
    htmx: bool = False,
    target: str = "",
) -> HttpResponse:
    """POST a form: with the token in the body, and as htmx sends it when `htmx` is set."""
    token = csrf_token(client)
    headers = {}
    if htmx:
        headers = {"HX-Request": "true", "X-CSRFToken": token}
        if target:
            headers["HX-Target"] = target
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, headers=headers)


def text(response: HttpResponse) -> str:
    return response.content.decode()


def login_url_for(path: str) -> str:
    return f"{reverse('users:login')}?next={path}"
