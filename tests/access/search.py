"""Access rules for the global search: everyone signed in may search and finds only what they
may see (nothing at all for the administrator, who sees no client data)."""

from __future__ import annotations

from tests.access import API, OK, TO_LOGIN, UNAUTHORIZED, Operation, Page, Rule

PAGES: dict[str, Page] = {
    "search:search": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK), query="?q=Nordlys"),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/search"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
}
