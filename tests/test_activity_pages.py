"""The dossier, the timelines and logging interactions as a user does it in the browser,
including the fixed number of queries each page runs whatever the history's length."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.activity import services
from openkam.activity.models import Interaction, InteractionKind
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import InteractionFactory, PersonFactory, TimelineEventFactory, upload
from tests.pages import csrf_token, submit, text

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


def _ago(**kwargs: Any) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


def _count(client, url: str, **kwargs: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return len(queries)


def _history(account, n: int, offset: int = 0) -> None:
    """n interactions with people and files, and n events, spread over the last months."""
    people = [PersonFactory(account=account) for _ in range(3)]
    for i in range(n):
        interaction = InteractionFactory(
            account=account,
            occurred_at=_ago(days=offset + i + 1),
            next_step="Send the offer" if i % 2 else "",
            next_step_due=timezone.localdate() if i % 2 else None,
            people=[people[i % 3], people[(i + 1) % 3], account.owner],
        )
        interaction.attachments.create(
            file=f"attachments/x{interaction.pk}.txt",
            original_name=f"notes {i}.txt",
            size=10,
            content_type="text/plain",
            uploaded_by=account.owner,
        )
        TimelineEventFactory(account=account, occurred_at=_ago(days=offset + i, hours=3))


# --- The dossier ---------------------------------------------------------------------------


def test_the_dossier_shows_last_and_next_contact_and_open_next_steps(account, kam, client_for):
    InteractionFactory(account=account, subject="Steering committee", occurred_at=_ago(days=4))
    InteractionFactory(account=account, kind=InteractionKind.NOTE, occurred_at=_ago(days=1))
    InteractionFactory(account=account, subject="Annual negotiation", occurred_at=_ago(days=-6))
    InteractionFactory(
        account=account,
        occurred_at=_ago(days=20),
        next_step="Send the TCO calculation",
        next_step_due=timezone.localdate() - datetime.timedelta(days=2),
    )
    response = client_for(kam).get(reverse("accounts:detail", args=[account.pk]))
    summary = response.context["activity"]
    assert summary.last_contact.subject == "Steering committee"  # the note does not count
    assert summary.next_contact.subject == "Annual negotiation"
    assert summary.open_next_steps_count == 1
    assert summary.overdue_next_steps_count == 1
    page = text(response)
    assert "Send the TCO calculation" in page
    assert "Overdue" in page
    assert 'id="timeline"' in page
    assert reverse("activity:account_timeline_panel", args=[account.pk]) in page
    assert "{# dossier-panels" not in page  # the marker is a template comment


@pytest.mark.parametrize("who", ["head", "kam", "specialist"])
def test_the_dossier_runs_the_same_number_of_queries_for_a_short_and_a_long_history(
    who, request, account, client_for, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(who))
    url = reverse("accounts:detail", args=[account.pk])
    _history(account, 2)
    client.get(url)  # warm caches (content types, session)
    few = _count(client, url)
    _history(account, 30, offset=100)
    with django_assert_num_queries(few):
        client.get(url)


# --- Timelines -----------------------------------------------------------------------------


def test_the_timeline_interleaves_interactions_and_events_newest_first(account, kam, client_for):
    InteractionFactory(account=account, subject="Oldest meeting", occurred_at=_ago(days=30))
    TimelineEventFactory(account=account, title="Promise made", occurred_at=_ago(days=10))
    InteractionFactory(account=account, subject="Newest call", occurred_at=_ago(days=1))
    response = client_for(kam).get(
        reverse("activity:account_timeline_panel", args=[account.pk]), headers=HTMX
    )
    page = text(response)
    order = [page.index(s) for s in ("Newest call", "Promise made", "Oldest meeting")]
    assert order == sorted(order)


def test_the_timeline_filters_by_type_person_and_period(account, kam, client_for):
    anna = PersonFactory(account=account, first_name="Anna", last_name="Berg")
    InteractionFactory(account=account, subject="Call with Anna", kind="call", people=[anna])
    InteractionFactory(
        account=account, subject="Old visit", kind="visit", occurred_at=_ago(days=400)
    )
    TimelineEventFactory(account=account, title="Promise made", stakeholder=anna)
    client = client_for(kam)
    url = reverse("activity:account_timeline", args=[account.pk])

    def subjects(query: str) -> list[str]:
        entries = client.get(url + query).context["entries"]
        return [e.interaction.subject if e.interaction else e.event.title for e in entries]

    assert subjects("?type=call") == ["Call with Anna"]
    assert subjects("?type=events") == ["Promise made"]
    assert sorted(subjects(f"?person=s{anna.pk}")) == ["Call with Anna", "Promise made"]
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert "Old visit" not in subjects(f"?since={since}")
    until = (timezone.localdate() - datetime.timedelta(days=300)).isoformat()
    assert subjects(f"?until={until}") == ["Old visit"]


def test_the_timeline_is_paginated(account, kam, client_for, settings):
    settings.KAM_PAGE_SIZE = 5
    for i in range(12):
        InteractionFactory(account=account, subject=f"Contact {i:02d}", occurred_at=_ago(days=i))
    client = client_for(kam)
    url = reverse("activity:account_timeline", args=[account.pk])
    first = client.get(url).context
    assert first["page_obj"].paginator.count == 12
    assert next(e.interaction.subject for e in first["entries"]) == "Contact 00"
    last = client.get(url + "?page=3").context
    assert [e.interaction.subject for e in last["entries"]] == ["Contact 10", "Contact 11"]


@pytest.mark.parametrize("name", ["activity:account_timeline", "activity:account_timeline_panel"])
def test_the_timeline_runs_the_same_number_of_queries_for_a_short_and_a_long_history(
    name, account, kam, client_for, django_assert_num_queries
):
    client = client_for(kam)
    url = reverse(name, args=[account.pk])
    headers = HTMX if name.endswith("panel") else {}
    _history(account, 2)
    client.get(url, headers=headers)
    few = _count(client, url, headers=headers)
    _history(account, 40, offset=100)
    with django_assert_num_queries(few):
        response = client.get(url, headers=headers)
    assert len(response.context["entries"]) > 2


def test_a_persons_timeline_spans_the_accounts_the_reader_sees_and_no_other(
    account, kam, other_kam, client_for
):
    anna = PersonFactory(account=account, first_name="Anna", last_name="Berg")
    site = AccountFactory(name="Nordlys Site", owner=other_kam)
    anna.other_accounts.add(site)
    InteractionFactory(account=account, subject="Home meeting", people=[anna])
    InteractionFactory(account=site, subject="Site meeting", people=[anna])
    url = reverse("activity:stakeholder_timeline", args=[anna.pk])
    kam_page = text(client_for(kam).get(url, headers=HTMX))
    assert "Home meeting" in kam_page
    assert "Site meeting" not in kam_page  # kam is not on the site's team
    other_page = text(client_for(other_kam).get(url, headers=HTMX))
    assert "Site meeting" in other_page
    assert "Home meeting" not in other_page


def test_a_persons_timeline_runs_a_fixed_number_of_queries(
    account, kam, client_for, django_assert_num_queries
):
    anna = PersonFactory(account=account)
    url = reverse("activity:stakeholder_timeline", args=[anna.pk])
    client = client_for(kam)
    for i in range(2):
        InteractionFactory(account=account, occurred_at=_ago(days=i + 1), people=[anna])
    client.get(url, headers=HTMX)
    few = _count(client, url, headers=HTMX)
    for i in range(25):
        InteractionFactory(account=account, occurred_at=_ago(days=i + 50), people=[anna, kam])
        TimelineEventFactory(account=account, stakeholder=anna, occurred_at=_ago(days=i + 60))
    with django_assert_num_queries(few):
        client.get(url, headers=HTMX)


# --- Logging an interaction ------------------------------------------------------------------


def test_a_kam_logs_a_meeting_with_a_file_from_the_dossier_without_leaving_it(
    account, kam, specialist, client_for
):
    anna = PersonFactory(account=account, first_name="Anna", last_name="Berg")
    client = client_for(kam)
    url = reverse("activity:interaction_create", args=[account.pk])
    form = client.get(url, headers=HTMX)
    assert 'hx-encoding="multipart/form-data"' in text(form)
    response = submit(
        client,
        url,
        {
            "kind": "meeting",
            # Yesterday, so the meeting is in the past whatever the hour the suite runs at.
            "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "time": "10:30",
            "duration_minutes": "60",
            "subject": "Frame agreement workshop",
            "their_participants": [anna.pk],
            "our_participants": [kam.pk, specialist.pk],
            "summary": "Agreed the scope.",
            "next_step": "Send the draft",
            "next_step_due": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "files": [upload("agenda.txt", b"1. Scope")],
        },
        htmx=True,
        target="interaction-form-slot",
    )
    page = text(response)
    assert response.status_code == 200
    assert "Frame agreement workshop" in page
    # The timeline, the overview and the files are refreshed in place.
    assert re.search(r'id="timeline-panel" hx-swap-oob="true"', page)
    assert re.search(r'id="overview" hx-swap-oob="true"', page)
    assert re.search(r'id="files-panel" hx-swap-oob="true"', page)
    assert response.context["activity"].last_contact is not None
    interaction = Interaction.objects.get()
    assert interaction.occurred_at.astimezone(timezone.get_current_timezone()).hour == 10
    assert list(interaction.their_participants.all()) == [anna]
    assert interaction.attachments.get().original_name == "agenda.txt"


def test_the_log_form_shows_what_is_wrong_and_saves_nothing(account, kam, client_for):
    client = client_for(kam)
    url = reverse("activity:interaction_create", args=[account.pk])
    response = submit(
        client,
        url,
        {"kind": "call", "date": "", "subject": "", "next_step_due": "2026-01-01"},
        htmx=True,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "date" in form.errors
    assert "subject" in form.errors
    assert not Interaction.objects.exists()


def test_logging_without_javascript_returns_to_the_dossier(account, specialist, client_for):
    client = client_for(specialist)
    response = submit(
        client,
        reverse("activity:interaction_create", args=[account.pk]),
        {"kind": "call", "date": timezone.localdate().isoformat(), "subject": "Quick call"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/accounts/{account.pk}/#timeline")
    assert Interaction.objects.get().created_by == specialist


def test_editing_an_interaction_that_changed_meanwhile_shows_the_conflict(
    account, kam, head, client_for
):
    interaction = InteractionFactory(account=account, created_by=kam)
    services.interaction_update(
        actor=head, interaction_id=interaction.pk, expected_version=1, changes={"summary": "X"}
    )
    client = client_for(kam)
    response = submit(
        client,
        reverse("activity:interaction_edit", args=[interaction.pk]),
        {
            "kind": "meeting",
            "date": timezone.localdate().isoformat(),
            "time": "09:00",
            "subject": "My version",
            "version": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert str(head) in text(response)
    interaction.refresh_from_db()
    assert interaction.subject != "My version"


def test_the_next_step_is_ticked_off_in_place(account, specialist, client_for):
    interaction = InteractionFactory(account=account, next_step="Send the draft")
    client = client_for(specialist)
    response = client.post(
        reverse("activity:interaction_next_step", args=[interaction.pk]),
        {"done": "1"},
        headers={**HTMX, "X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 200
    assert "Reopen" in text(response)
    interaction.refresh_from_db()
    assert interaction.next_step_done_at is not None


def test_a_transcript_is_shown_on_the_interaction_page(account, kam, client_for):
    interaction = InteractionFactory(
        account=account, transcript="Anna: We need 97 % on time.\n\nKari: Understood."
    )
    page = text(client_for(kam).get(reverse("activity:interaction_detail", args=[interaction.pk])))
    assert 'id="transcript"' in page
    assert "We need 97 % on time." in page


def test_the_files_panel_lists_every_file_of_the_account(account, kam, client_for):
    _history(account, 3)
    response = client_for(kam).get(
        reverse("activity:account_files", args=[account.pk]), headers=HTMX
    )
    assert re.findall(r"notes \d\.txt", text(response)) == [
        "notes 2.txt",
        "notes 1.txt",
        "notes 0.txt",
    ]
