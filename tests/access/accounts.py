"""Access rules for accounts, their teams and tier change requests."""

from __future__ import annotations

from tests.access import (
    API,
    CREATED,
    FORBIDDEN,
    NO_CONTENT,
    NOT_FOUND,
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
    # Lists answer everyone, with only what they may see (nothing for the administrator).
    "accounts:list": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "accounts:lookup": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "accounts:tier_requests": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "accounts:create": Page(Rule(TO_LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN)),
    # Deciding is refused by role before the request is looked up, whatever its id.
    "accounts:tier_request_decide": Page(
        Rule(TO_LOGIN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        method="POST",
        data=lambda w: {"decision": "approve", "note": "Agreed."},
    ),
    "accounts:detail": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
    "accounts:history": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
    "accounts:edit": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)),
    "accounts:delete": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, FORBIDDEN, NOT_FOUND, FORBIDDEN), method="POST"
    ),
    "accounts:team_add": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN),
        method="POST",
        data=lambda w: {"user": w.colleague.pk, "team_role": "sales", "level": "specialist"},
    ),
    "accounts:team_update": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN),
        method="POST",
        data=lambda w: {"team_role": "finance", "level": "director"},
    ),
    "accounts:team_remove": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN), method="POST"
    ),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/accounts"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("POST", f"{API}/accounts"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, CREATED, CREATED, CREATED, FORBIDDEN),
        body=lambda w, user: {"name": "Fjord Logistics", "owner_id": user.pk if user else None},
    ),
    ("GET", f"{API}/accounts/{{account_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
    ),
    ("PATCH", f"{API}/accounts/{{account_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"version": w.account.version, "industry": "Energy"},
    ),
    ("DELETE", f"{API}/accounts/{{account_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, NO_CONTENT, FORBIDDEN, NOT_FOUND, FORBIDDEN)
    ),
    ("GET", f"{API}/accounts/{{account_id}}/history"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
    ),
    ("GET", f"{API}/accounts/{{account_id}}/team"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
    ),
    ("POST", f"{API}/accounts/{{account_id}}/team"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, CREATED, CREATED, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"user_id": w.colleague.pk, "team_role": "sales"},
    ),
    ("PATCH", f"{API}/accounts/{{account_id}}/team/{{member_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"team_role": "finance", "level": "director"},
    ),
    ("DELETE", f"{API}/accounts/{{account_id}}/team/{{member_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, NO_CONTENT, NO_CONTENT, NOT_FOUND, FORBIDDEN)
    ),
    ("GET", f"{API}/tier-requests"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    # Deciding is refused by role before the request is looked up, whatever its id.
    ("POST", f"{API}/tier-requests/{{request_id}}/decision"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        body=lambda w, user: {"approve": True},
    ),
}
