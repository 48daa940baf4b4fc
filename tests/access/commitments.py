"""Access rules for promises, contact cadence, notifications, digests and the calendar feed.

The world's promise is owned by the KAM on the team: the specialist on the team reads it but
may not change it (specialists change the promises they own themselves, tested elsewhere).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from openkam.calendarfeed.services import calendar_token_create
from openkam.commitments.models import Commitment
from openkam.digest.periods import due_period
from openkam.digest.services import digest_generate
from openkam.notifications.models import Notification
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

# Reopening the world's promise, which is open, is refused as invalid after access passed.
INVALID = 422


def _today() -> str:
    return timezone.localdate().isoformat()


def _in(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def populate(world: World) -> dict[str, Any]:
    kam = world.users["kam_on_team"]
    head = world.users["head"]
    assert kam is not None
    assert head is not None
    commitment = Commitment.objects.create(
        account=world.account,
        title="Send the revised service agreement",
        owner=kam,
        created_by=kam,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
        original_due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    notification = Notification.objects.create(
        recipient=head, kind="digest", key="matrix", title="Department digest"
    )
    digest, _created = digest_generate(kam=None, period=due_period(timezone.now()))
    _token, clear = calendar_token_create(user=head)
    return {
        "commitment_id": commitment.pk,
        "notification_id": notification.pk,
        "digest_id": digest.pk,
        "feed_token": clear,
        "tier": "key",
    }


def _reschedule(world: World) -> dict[str, Any]:
    return {
        "new_due_date": _in(20),
        "reason": "The legal review takes another week.",
        "client_message": "Apologised by phone; promised the agreement by the new date.",
        "informed_via": "phone",
        "informed_on": _today(),
    }


# Each Rule reads: anonymous, admin, head, kam_on_team, kam_not_on_team, specialist_on_team.
PAGES: dict[str, Page] = {
    "commitments:list": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "commitments:figures": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    # Specialists on the team record promises they keep themselves.
    "commitments:create": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
    "commitments:account_panel": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
    "commitments:detail": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
    "commitments:edit": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)),
    "commitments:reschedule": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)),
    "commitments:complete": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN),
        method="POST",
        data=lambda w: {"completed_on": _today(), "note": "Sent by e-mail."},
    ),
    "commitments:cancel": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN),
        method="POST",
        data=lambda w: {"reason": "The client withdrew the request."},
    ),
    "commitments:reopen": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN), method="POST"
    ),
    "cadence:neglected": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "cadence:settings": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "cadence:account": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
    "cadence:account_panel": Page(Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
    # A person's notifications are their own: someone else's answers 404.
    "notifications:list": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    # Polled by open pages: signed out it answers empty rather than with the sign-in page.
    "notifications:badge": Page(Rule(OK, OK, OK, OK, OK, OK)),
    "notifications:preferences": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "notifications:read_all": Page(
        Rule(TO_LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), method="POST"
    ),
    "notifications:read": Page(
        Rule(TO_LOGIN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND), method="POST"
    ),
    # The head reads every digest; a KAM their own; the world's is the department's.
    "digest:list": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "digest:detail": Page(Rule(TO_LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "digest:preview": Page(Rule(TO_LOGIN, FORBIDDEN, OK, OK, OK, FORBIDDEN)),
    "digest:schedule": Page(
        Rule(TO_LOGIN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        method="POST",
        data=lambda w: {"interval_days": 14, "weekday": "monday"},
    ),
    "calendarfeed:page": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    # The new address is shown in the answer itself (only its hash is stored).
    "calendarfeed:create": Page(Rule(TO_LOGIN, FORBIDDEN, OK, OK, OK, OK), method="POST"),
    "calendarfeed:revoke": Page(
        Rule(TO_LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), method="POST"
    ),
    # The feed needs no session: the secret address (the head's here) is the key.
    "calendarfeed:feed": Page(Rule(OK, OK, OK, OK, OK, OK)),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/commitments"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("POST", f"{API}/commitments"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, CREATED, CREATED, NOT_FOUND, CREATED),
        body=lambda w, user: {
            "account_id": w.account.pk,
            "title": "Arrange a plant visit",
            "due_date": _in(10),
        },
    ),
    ("GET", f"{API}/commitments/figures"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("GET", f"{API}/commitments/{{commitment_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
    ),
    ("PATCH", f"{API}/commitments/{{commitment_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"version": 1, "details": "Both language versions."},
    ),
    ("POST", f"{API}/commitments/{{commitment_id}}/complete"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"note": "Sent."},
    ),
    ("POST", f"{API}/commitments/{{commitment_id}}/reschedule"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, CREATED, CREATED, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: _reschedule(w),
    ),
    ("POST", f"{API}/commitments/{{commitment_id}}/cancel"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"reason": "No longer needed."},
    ),
    ("POST", f"{API}/commitments/{{commitment_id}}/reopen"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, INVALID, INVALID, NOT_FOUND, FORBIDDEN)
    ),
    ("GET", f"{API}/commitments/{{commitment_id}}/reschedules"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
    ),
    ("GET", f"{API}/cadence/tiers"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("PUT", f"{API}/cadence/tiers/{{tier}}"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        body=lambda w, user: {"max_days": 10, "key_people_max_days": 21},
    ),
    ("GET", f"{API}/accounts/{{account_id}}/cadence"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
    ),
    ("PUT", f"{API}/accounts/{{account_id}}/cadence"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"max_days": 7, "note": "Renewal negotiations."},
    ),
    ("GET", f"{API}/cadence/neglected"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("GET", f"{API}/notifications"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("GET", f"{API}/notifications/unread-count"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("POST", f"{API}/notifications/read-all"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("POST", f"{API}/notifications/{{notification_id}}/read"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        body=lambda w, user: {"read": True},
    ),
    ("GET", f"{API}/notification-preferences"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("PUT", f"{API}/notification-preferences"): Operation(
        Rule(UNAUTHORIZED, OK, OK, OK, OK, OK),
        body=lambda w, user: {"reminder_lead_days": 5, "email_kinds": ["digest"]},
    ),
    ("GET", f"{API}/digests"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("GET", f"{API}/digests/{{digest_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    ),
    ("GET", f"{API}/digest-schedule"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("PUT", f"{API}/digest-schedule"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        body=lambda w, user: {"interval_days": 14, "weekday": "friday"},
    ),
    ("GET", f"{API}/calendar-feed"): Operation(Rule(UNAUTHORIZED, FORBIDDEN, OK, OK, OK, OK)),
    ("POST", f"{API}/calendar-feed"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, CREATED, CREATED, CREATED, CREATED)
    ),
    ("DELETE", f"{API}/calendar-feed"): Operation(
        Rule(UNAUTHORIZED, FORBIDDEN, NO_CONTENT, NO_CONTENT, NO_CONTENT, NO_CONTENT)
    ),
}
