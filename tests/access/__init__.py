"""Access rules for the permission matrix (tests/test_permission_matrix.py).

Each domain has its own module here with `PAGES` (URL name -> Page) and `OPERATIONS`
((method, path template) -> Operation) and, when its pages need records of their own, a
`populate(world)` that creates them on the world's account and returns the path parameter
values they fill (e.g. {"stakeholder_id": 7}). Modules are listed in MODULES below.

A path parameter called `pk` means the account for every page outside `users:`; new pages
name their other parameters after what they identify (`stakeholder_id`, `interaction_id`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from openkam.accounts.models import Account, TierChangeRequest
from openkam.users.models import User
from openkam.users.services import apitoken_create

ROLES = ("anonymous", "admin", "head", "kam_on_team", "kam_not_on_team", "specialist_on_team")

# Expected answers besides plain status codes.
TO_LOGIN = "302 to the sign-in page, to come back after signing in"
REDIRECT = "302 elsewhere"
OK, CREATED, NO_CONTENT = 200, 201, 204
UNAUTHORIZED, FORBIDDEN, NOT_FOUND = 401, 403, 404
API = "/api/v1"


class Rule(NamedTuple):
    """The expected answer for each role, in the order of ROLES."""

    anonymous: int | str
    admin: int | str
    head: int | str
    kam_on_team: int | str
    kam_not_on_team: int | str
    specialist_on_team: int | str


@dataclass
class World:
    """One account with a team (its KAM and a specialist) and a pending tier request, plus
    people who are not on it. `params` holds path parameter values that domain modules add."""

    users: dict[str, User | None]
    account: Account
    member_id: int
    tier_request: TierChangeRequest
    colleague: User  # active, on no team: someone to add
    subject: User  # someone for the administrator to edit
    tokens: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def token_prefix(self, role: str) -> str:
        user = self.users[role]
        if user is None:
            return "00000000"
        if role not in self.tokens:
            token, _clear = apitoken_create(user=user, name="to revoke")
            self.tokens[role] = token.prefix
        return self.tokens[role]


@dataclass(frozen=True)
class Page:
    rule: Rule
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] | None = None
    # Query string for GET pages that need one (e.g. "?q=Nordlys").
    query: str = ""


@dataclass(frozen=True)
class Operation:
    rule: Rule
    body: Callable[[World, User | None], dict[str, Any]] | None = None
    # Multipart operations send `files(world)` as form data instead of a JSON body.
    files: Callable[[World], dict[str, Any]] | None = None
