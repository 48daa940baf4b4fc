"""Interactions, files and timelines over the API, as an integration would use them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from openkam.activity import services
from openkam.activity.models import Interaction
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import InteractionFactory, PersonFactory, TimelineEventFactory, upload

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


def test_logging_an_interaction_with_files_in_one_multipart_request(account, kam, api_for):
    anna = PersonFactory(account=account, first_name="Anna", last_name="Berg")
    response = api_for(kam).post(
        f"{API}/accounts/{account.pk}/interactions",
        {
            "kind": "visit",
            "occurred_at": "2026-03-02T10:00:00+01:00",
            "duration_minutes": "120",
            "subject": "Plant visit",
            "summary": "Saw line 2.",
            "next_step": "Quote for the service contract",
            "next_step_due": "2026-03-20",
            "their_participant_ids": [anna.pk],
            "our_participant_ids": [kam.pk],
            "files": [upload("photos.zip", b"PK\x03\x04"), upload("notes.txt")],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "visit"
    assert body["their_participants"] == [{"id": anna.pk, "name": "Anna Berg"}]
    assert sorted(a["name"] for a in body["attachments"]) == ["notes.txt", "photos.zip"]
    assert body["version"] == 1


def test_bad_input_names_the_field_and_saves_nothing(account, kam, api_for):
    stranger = PersonFactory(account=AccountFactory(owner=kam))
    response = api_for(kam).post(
        f"{API}/accounts/{account.pk}/interactions",
        {
            "occurred_at": "2026-03-02T10:00:00+01:00",
            "subject": "Call",
            "their_participant_ids": [stranger.pk],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "their_participants"
    assert not Interaction.objects.exists()


def test_a_file_over_the_limit_answers_422(account, kam, api_for, settings):
    settings.KAM_ATTACHMENT_MAX_MB = 1
    response = api_for(kam).post(
        f"{API}/accounts/{account.pk}/interactions",
        {
            "occurred_at": "2026-03-02T10:00:00+01:00",
            "subject": "Call",
            "files": [upload("big.bin", b"x" * (1024 * 1024 + 5))],
        },
    )
    assert response.status_code == 422
    assert "big.bin" in response.json()["errors"][0]["reason"]


def test_reading_listing_changing_and_deleting(account, kam, api_for):
    client = api_for(kam)
    interaction = InteractionFactory(account=account, subject="Review", created_by=kam)
    listed = client.get(f"{API}/accounts/{account.pk}/interactions").json()
    assert listed["total"] == 1
    assert listed["items"][0]["subject"] == "Review"
    patched = client.patch(
        f"{API}/interactions/{interaction.pk}",
        {"version": 1, "outcome": "Signed."},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["version"] == 2
    stale = client.patch(
        f"{API}/interactions/{interaction.pk}",
        {"version": 1, "outcome": "Older."},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["outcome"] == "Signed."
    assert stale.json()["changes"][0]["actor"] == str(kam)
    assert client.delete(f"{API}/interactions/{interaction.pk}").status_code == 204
    assert client.get(f"{API}/interactions/{interaction.pk}").status_code == 404


def test_the_list_filters_by_kind_person_and_period(account, kam, api_for):
    anna = PersonFactory(account=account)
    InteractionFactory(account=account, kind="call", people=[anna])
    InteractionFactory(
        account=account, kind="meeting", occurred_at=timezone.now() - datetime.timedelta(days=90)
    )
    client = api_for(kam)
    url = f"{API}/accounts/{account.pk}/interactions"
    assert client.get(url + "?kind=call").json()["total"] == 1
    assert client.get(url + f"?stakeholder_id={anna.pk}").json()["total"] == 1
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert client.get(url + f"?since={since}").json()["total"] == 1


def test_the_list_runs_a_fixed_number_of_queries(
    account, kam, api_for, django_assert_max_num_queries
):
    client = api_for(kam)
    people = [PersonFactory(account=account) for _ in range(3)]
    for i in range(30):
        InteractionFactory(
            account=account,
            people=people,
            occurred_at=timezone.now() - datetime.timedelta(days=i + 1),
        )
    client.get(f"{API}/accounts/{account.pk}/interactions?limit=50")
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/accounts/{account.pk}/interactions?limit=50")
    assert len(response.json()["items"]) == 30


def test_downloading_a_file_over_the_api(account, kam, api_for):
    interaction = services.interaction_create(
        actor=kam,
        account_id=account.pk,
        kind="email",
        occurred_at=timezone.now(),
        subject="Offer",
        files=[upload("tilbud.pdf", b"%PDF-1.7")],
    )
    attachment = interaction.attachments.get()
    response = api_for(kam).get(f"{API}/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tilbud.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    files = api_for(kam).get(f"{API}/accounts/{account.pk}/attachments").json()
    assert files["total"] == 1


def test_the_timeline_over_the_api(account, kam, api_for):
    InteractionFactory(
        account=account, subject="Call", occurred_at=timezone.now() - datetime.timedelta(days=2)
    )
    TimelineEventFactory(
        account=account,
        title="Promise kept",
        occurred_at=timezone.now() - datetime.timedelta(days=1),
    )
    body = api_for(kam).get(f"{API}/accounts/{account.pk}/timeline").json()
    assert body["total"] == 2
    assert [item["type"] for item in body["items"]] == ["event", "interaction"]
    assert body["items"][1]["interaction"]["subject"] == "Call"
    only_events = api_for(kam).get(f"{API}/accounts/{account.pk}/timeline?type=events").json()
    assert only_events["total"] == 1


def test_marking_the_next_step_done_over_the_api(account, specialist, api_for):
    interaction = InteractionFactory(account=account, next_step="Send the draft")
    response = api_for(specialist).post(
        f"{API}/interactions/{interaction.pk}/next-step",
        {"done": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["next_step_done_at"] is not None
