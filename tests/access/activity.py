"""Access rules for interactions, their files, timelines and the meeting preparation.

Everyone who sees an account logs interactions and adds files (the specialist too); the person
who logged an interaction and the account's editors change or delete it. In the world the KAM
logged the interaction and uploaded its file, so the specialist may read but not change them.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openkam.activity import services
from openkam.stakeholders.models import Stakeholder
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
API_READ = Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)


def _file() -> SimpleUploadedFile:
    return SimpleUploadedFile("offer.pdf", b"%PDF-1.4 offer", content_type="application/pdf")


def populate(world: World) -> dict[str, int]:
    kam = world.users["kam_on_team"]
    assert kam is not None
    person = Stakeholder.objects.create(
        account=world.account, first_name="Anna", last_name="Berg", job_title="CFO"
    )
    interaction = services.interaction_create(
        actor=kam,  # type: ignore[arg-type]
        account_id=world.account.pk,
        kind="meeting",
        occurred_at=timezone.now() - datetime.timedelta(days=2),
        subject="Frame agreement review",
        next_step="Send the revised offer",
        their_participants=[person.pk],
        files=[_file()],
    )
    return {
        "interaction_id": interaction.pk,
        "attachment_id": interaction.attachments.get().pk,
        "stakeholder_id": person.pk,
    }


# Each Rule reads: anonymous, admin, head, kam_on_team, kam_not_on_team, specialist_on_team.
PAGES: dict[str, Page] = {
    "activity:account_timeline": Page(READ),
    "activity:account_timeline_panel": Page(READ),
    "activity:account_files": Page(READ),
    "activity:meeting_prep": Page(READ),
    "activity:interaction_create": Page(READ),
    "activity:stakeholder_timeline": Page(READ),
    "activity:interaction_detail": Page(READ),
    "activity:interaction_edit": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)),
    "activity:interaction_delete": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN), method="POST"
    ),
    "activity:interaction_next_step": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, REDIRECT),
        method="POST",
        data=lambda w: {"done": "1"},
    ),
    "activity:attachment_add": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, REDIRECT),
        method="POST",
        data=lambda w: {"files": _file()},
    ),
    "activity:attachment_download": Page(READ),
    "activity:attachment_delete": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN), method="POST"
    ),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/accounts/{{account_id}}/interactions"): Operation(API_READ),
    ("POST", f"{API}/accounts/{{account_id}}/interactions"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, CREATED, CREATED, NOT_FOUND, CREATED),
        files=lambda w: {
            "kind": "call",
            "occurred_at": "2026-03-02T10:00:00+01:00",
            "subject": "Follow-up call",
            "files": _file(),
        },
    ),
    ("GET", f"{API}/interactions/{{interaction_id}}"): Operation(API_READ),
    ("PATCH", f"{API}/interactions/{{interaction_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"version": 1, "outcome": "Agreed."},
    ),
    ("DELETE", f"{API}/interactions/{{interaction_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, NO_CONTENT, NO_CONTENT, NOT_FOUND, FORBIDDEN)
    ),
    ("POST", f"{API}/interactions/{{interaction_id}}/next-step"): Operation(
        API_READ, body=lambda w, user: {"done": True}
    ),
    ("POST", f"{API}/interactions/{{interaction_id}}/attachments"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, CREATED, CREATED, NOT_FOUND, CREATED),
        files=lambda w: {"files": _file()},
    ),
    ("GET", f"{API}/attachments/{{attachment_id}}"): Operation(API_READ),
    ("DELETE", f"{API}/attachments/{{attachment_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, NO_CONTENT, NO_CONTENT, NOT_FOUND, FORBIDDEN)
    ),
    ("GET", f"{API}/accounts/{{account_id}}/attachments"): Operation(API_READ),
    ("GET", f"{API}/accounts/{{account_id}}/timeline"): Operation(API_READ),
    ("GET", f"{API}/stakeholders/{{stakeholder_id}}/timeline"): Operation(API_READ),
}
