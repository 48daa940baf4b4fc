"""Access rules for portfolio analytics: the dashboard and its export are for the head and the
KAMs (each sees what accounts_visible_to gives them); an account's revenue is read by whoever
may see the account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.access import (
    API,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    TO_LOGIN,
    UNAUTHORIZED,
    Operation,
    Page,
    Rule,
    World,
)
from tests.factories_insights import customer_of, daily

# Each Rule reads: anonymous, admin, head, kam_on_team, kam_not_on_team, specialist_on_team.
PAGES: dict[str, Page] = {
    "insights:portfolio": Page(Rule(TO_LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN)),
    "insights:portfolio_export": Page(Rule(TO_LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN)),
    "insights:account_panel": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/analytics/portfolio"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, OK, OK, OK, FORBIDDEN)
    ),
    ("GET", f"{API}/analytics/accounts/{{account_id}}/revenue"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
    ),
}


def populate(world: World) -> dict[str, Any]:
    """Some revenue on the world's account, so that the pages draw their charts."""
    customer = customer_of(world.account, "W-1")
    today = timezone.localdate()
    for days in (20, 75, 400):
        daily(customer, today - timedelta(days=days), "1200.50")
    daily(None, today - timedelta(days=30), "99")
    return {}
