"""Access rules for knowledge: account entries follow the account (its editors write, the
team's specialist reads); the company library is read by everyone with client access and
maintained by the head and the KAMs."""

from __future__ import annotations

from openkam.knowledge import services
from openkam.knowledge.models import KnowledgeEntry
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
    World,
)

READ = Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)
EDIT_FORM = Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)
API_READ = Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)


def populate(world: World) -> dict[str, int]:
    kam = world.users["kam_on_team"]
    assert kam is not None
    entry = services.knowledge_create(
        actor=kam,  # type: ignore[arg-type]
        account_id=world.account.pk,
        kind="pain",
        title="Unplanned downtime",
        body="Late spare parts stop their line.",
    )
    return {"entry_id": entry.pk}


def _version(world: World) -> int:
    return KnowledgeEntry.objects.get(pk=world.params["entry_id"]).version


PAGES: dict[str, Page] = {
    "knowledge:library": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "knowledge:lookup": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK), query="?kb_search=downtime"),
    # The library is written by the head and the KAMs, whatever team they are on.
    "knowledge:create": Page(Rule(TO_LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN)),
    "knowledge:account": Page(READ),
    "knowledge:account_panel": Page(READ),
    "knowledge:account_create": Page(EDIT_FORM),
    "knowledge:detail": Page(READ),
    "knowledge:edit": Page(EDIT_FORM),
    "knowledge:delete": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN), method="POST"
    ),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/knowledge"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("POST", f"{API}/knowledge"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, CREATED, CREATED, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"account_id": w.account.pk, "kind": "need", "title": "EDI"},
    ),
    ("GET", f"{API}/knowledge/{{entry_id}}"): Operation(API_READ),
    ("PATCH", f"{API}/knowledge/{{entry_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"version": _version(w), "tags": ["downtime"]},
    ),
    ("DELETE", f"{API}/knowledge/{{entry_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, NO_CONTENT, NO_CONTENT, NOT_FOUND, FORBIDDEN)
    ),
}
