"""Access rules for sign-in, the profile, API tokens and user administration."""

from __future__ import annotations

from tests.access import (
    API,
    FORBIDDEN,
    OK,
    REDIRECT,
    TO_LOGIN,
    UNAUTHORIZED,
    Operation,
    Page,
    Rule,
)

# Each Rule reads: anonymous, admin, head, kam_on_team, kam_not_on_team, specialist_on_team.
PAGES: dict[str, Page] = {
    "web:home": Page(Rule(TO_LOGIN, REDIRECT, OK, OK, OK, OK)),
    "users:login": Page(Rule(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    "users:logout": Page(
        Rule(TO_LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), method="POST"
    ),
    "users:profile": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "users:password_change": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    # The new token is shown in the answer itself, so that it is never stored anywhere.
    "users:token_create": Page(
        Rule(TO_LOGIN, OK, OK, OK, OK, OK),
        method="POST",
        data=lambda w: {"name": "export script"},
    ),
    "users:token_revoke": Page(
        Rule(TO_LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), method="POST"
    ),
    "users:list": Page(Rule(TO_LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "users:create": Page(Rule(TO_LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "users:edit": Page(Rule(TO_LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/me"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("GET", f"{API}/users"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
}
