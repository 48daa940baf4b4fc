"""Promise pages and API as their users meet them: lists with filters and overdue rows, the
promise with its history, the reschedule form that insists on what the client was told, and
the dossier's panel."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from openkam.commitments.models import Commitment, Direction
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_commitments import CommitmentFactory, days
from tests.pages import submit, text

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam, tier="key")
    TeamMemberFactory(account=account, user=specialist)
    return account


def _many(account, n: int, **kwargs):
    return [CommitmentFactory(account=account, **kwargs) for _ in range(n)]


# --- List ----------------------------------------------------------------------------------


def test_the_overdue_tab_lists_promises_past_their_date_highlighted_with_days_overdue(
    client_for, kam, account
):
    overdue = CommitmentFactory(account=account, title="Send the lab report", due_date=days(-4))
    CommitmentFactory(account=account, title="Plan the QBR", due_date=days(9))
    page = client_for(kam).get(reverse("commitments:list") + "?state=overdue")
    body = text(page)
    assert page.status_code == 200
    assert "Send the lab report" in body
    assert "Plan the QBR" not in body
    assert 'class="row--overdue"' in body
    assert "Overdue 4 days" in body
    assert page.context["figures"].overdue == 1
    assert reverse("commitments:detail", args=[overdue.pk]) in body


def test_filters_narrow_by_direction_owner_kam_account_and_search(
    client_for, head, kam, other_kam, specialist, account
):
    other = AccountFactory(name="Fjord Logistics", owner=other_kam)
    CommitmentFactory(account=account, title="Our price list", owner=kam)
    CommitmentFactory(account=account, title="Their forecast", direction=Direction.THEIRS)
    CommitmentFactory(account=account, title="Spec sheet", owner=specialist)
    CommitmentFactory(account=other, title="Elsewhere")
    client = client_for(head)

    def titles(query: str) -> set[str]:
        page = client.get(reverse("commitments:list") + query)
        return {c.title for c in page.context["commitments"]}

    assert titles("?direction=theirs") == {"Their forecast"}
    assert titles(f"?owner={specialist.pk}") == {"Spec sheet"}
    assert titles(f"?kam={other_kam.pk}") == {"Elsewhere"}
    assert titles(f"?account={other.pk}") == {"Elsewhere"}
    assert titles("?q=forecast") == {"Their forecast"}
    assert titles("?state=all") == {"Our price list", "Their forecast", "Spec sheet", "Elsewhere"}
    me = client_for(kam).get(reverse("commitments:list") + "?owner=me")
    assert {c.title for c in me.context["commitments"]} == {"Our price list", "Their forecast"}


def test_a_kam_sees_no_promise_of_an_account_they_are_not_on(client_for, other_kam, account):
    CommitmentFactory(account=account, title="Secret promise", due_date=days(-1))
    page = client_for(other_kam).get(reverse("commitments:list") + "?state=all")
    assert "Secret promise" not in text(page)
    assert page.context["figures"].total == 0


def test_the_list_runs_the_same_queries_for_three_or_thirty_promises(
    client_for, head, account, django_assert_num_queries
):
    client = client_for(head)
    url = reverse("commitments:list") + "?state=all"
    _many(account, 3, due_date=days(-1))
    client.get(url)  # warm caches (content types, session)
    with django_assert_num_queries(7) as three:
        assert client.get(url).status_code == 200
    _many(account, 27, due_date=days(5))
    with django_assert_num_queries(len(three.captured_queries)):
        page = client.get(url)
    assert page.context["page_obj"].paginator.count == 30


def test_the_figures_page_runs_a_fixed_number_of_queries(
    client_for, head, kam, account, django_assert_num_queries
):
    client = client_for(head)
    _many(account, 2, due_date=days(-1))
    client.get(reverse("commitments:figures"))
    with django_assert_num_queries(7) as few:
        client.get(reverse("commitments:figures"))
    for _ in range(5):
        _many(AccountFactory(owner=kam), 2, due_date=days(-2))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("commitments:figures"))
    assert len(page.context["by_account"]) == 6


# --- Recording and the promise's page ------------------------------------------------------


def test_a_kam_records_a_promise_from_the_account_and_lands_on_its_page(client_for, kam, account):
    client = client_for(kam)
    url = reverse("commitments:create", args=[account.pk])
    assert client.get(url).status_code == 200
    response = submit(
        client,
        url,
        {
            "direction": "ours",
            "title": "Send the revised price list",
            "due_date": days(6),
            "owner": kam.pk,
        },
    )
    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:detail", args=[commitment.pk])
    page = client.get(response["Location"])
    assert "Send the revised price list" in text(page)
    assert "Never rescheduled." in text(page)


def test_a_form_error_names_the_field_and_saves_nothing(client_for, kam, account):
    response = submit(
        client_for(kam),
        reverse("commitments:create", args=[account.pk]),
        {"direction": "ours", "title": "", "due_date": "not a date"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"title", "due_date"}
    assert not Commitment.objects.exists()


def test_the_edit_form_has_no_due_date_and_points_to_rescheduling(client_for, kam, account):
    commitment = CommitmentFactory(account=account)
    page = client_for(kam).get(reverse("commitments:edit", args=[commitment.pk]))
    assert "due_date" not in page.context["form"].fields
    assert reverse("commitments:reschedule", args=[commitment.pk]) in text(page)


def test_marking_done_from_the_page_records_the_date_and_note(client_for, kam, account):
    commitment = CommitmentFactory(account=account, due_date=days(2))
    response = submit(
        client_for(kam),
        reverse("commitments:complete", args=[commitment.pk]),
        {"completed_on": days(0), "note": "Sent by e-mail.", "version": commitment.version},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.completion_note) == ("done", "Sent by e-mail.")


# --- Rescheduling through the form ---------------------------------------------------------


def test_the_reschedule_form_requires_what_the_client_was_told_in_the_browser_too(
    client_for, kam, account
):
    commitment = CommitmentFactory(account=account)
    page = text(client_for(kam).get(reverse("commitments:reschedule", args=[commitment.pk])))
    form = re.search(r'<form class="card form" method="post">(.*?)</form>', page, re.S)
    assert form, "the form validates in the browser (no novalidate)"
    textarea = re.search(r"<textarea[^>]*name=\"client_message\"[^>]*>", form.group(1))
    assert textarea
    assert " required" in textarea.group(0)
    for name in ("new_due_date", "reason", "informed_via", "informed_on"):
        assert re.search(
            rf'name="{name}"[^>]*required|required[^>]*name="{name}"', form.group(1)
        ), name


def test_a_kam_cannot_reschedule_without_recording_what_the_client_was_told(
    client_for, kam, account
):
    commitment = CommitmentFactory(account=account, due_date=days(3))
    client = client_for(kam)
    url = reverse("commitments:reschedule", args=[commitment.pk])
    data = {
        "new_due_date": days(17),
        "reason": "The lab results are late.",
        "client_message": "",
        "informed_via": "email",
        "informed_on": days(0),
        "version": commitment.version,
    }
    refused = submit(client, url, data)
    assert refused.status_code == 200
    assert "client_message" in refused.context["form"].errors
    commitment.refresh_from_db()
    assert commitment.due_date == days(3)
    assert commitment.reschedule_count == 0

    data["client_message"] = "Wrote to Kari: apologies, the lab is late; new date in two weeks."
    accepted = submit(client, url, data)
    assert accepted.status_code == 302
    commitment.refresh_from_db()
    assert commitment.due_date == days(17)
    page = text(client.get(reverse("commitments:detail", args=[commitment.pk])))
    assert "apologies, the lab is late" in page
    assert "Told in advance" in page


def test_a_stale_reschedule_is_refused_with_the_news_and_the_input_kept(
    client_for, kam, head, account
):
    commitment = CommitmentFactory(account=account, due_date=days(3))
    stale_version = commitment.version
    client_for(head)  # someone else changes it meanwhile
    from openkam.commitments.services import commitment_update

    commitment_update(
        actor=head, commitment_id=commitment.pk, expected_version=1, changes={"title": "Renamed"}
    )
    response = submit(
        client_for(kam),
        reverse("commitments:reschedule", args=[commitment.pk]),
        {
            "new_due_date": days(17),
            "reason": "Late lab.",
            "client_message": "Told them.",
            "informed_via": "phone",
            "informed_on": days(0),
            "version": stale_version,
        },
    )
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert response.context["form"]["client_message"].value() == "Told them."


# --- Dossier panel -------------------------------------------------------------------------


def test_the_dossier_shows_open_promises_both_ways_in_a_lazy_panel(client_for, kam, account):
    CommitmentFactory(account=account, title="Our open promise", due_date=days(-2))
    CommitmentFactory(account=account, title="Their open promise", direction=Direction.THEIRS)
    CommitmentFactory(account=account, title="Already kept", status="done", completed_on=days(-1))
    client = client_for(kam)
    dossier = text(client.get(reverse("accounts:detail", args=[account.pk])))
    assert reverse("commitments:account_panel", args=[account.pk]) in dossier
    panel = client.get(
        reverse("commitments:account_panel", args=[account.pk]), headers={"HX-Request": "true"}
    )
    body = text(panel)
    assert [c.title for c in panel.context["ours"]] == ["Our open promise"]
    assert [c.title for c in panel.context["theirs"]] == ["Their open promise"]
    assert "Already kept" not in body
    assert "Overdue 2 days" in body


# --- API -----------------------------------------------------------------------------------


def test_the_api_records_lists_reschedules_and_completes_a_promise(api_for, kam, account):
    client = api_for(kam)
    created = client.post(
        f"{API}/commitments",
        {"account_id": account.pk, "title": "Send the 8D report", "due_date": str(days(4))},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    commitment_id = created.json()["id"]
    assert created.json()["state"] == "open"

    refused = client.post(
        f"{API}/commitments/{commitment_id}/reschedule",
        {
            "new_due_date": str(days(12)),
            "reason": "Late.",
            "client_message": "",
            "informed_via": "phone",
            "informed_on": str(days(0)),
        },
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"client_message"}

    moved = client.post(
        f"{API}/commitments/{commitment_id}/reschedule",
        {
            "new_due_date": str(days(12)),
            "reason": "The quality lab is behind.",
            "client_message": "Phoned Kari, apologised, new date agreed.",
            "informed_via": "phone",
            "informed_on": str(days(0)),
        },
        content_type="application/json",
    )
    assert moved.status_code == 201
    assert moved.json()["told_in_advance"] is True
    history = client.get(f"{API}/commitments/{commitment_id}/reschedules").json()
    assert [h["client_message"] for h in history] == ["Phoned Kari, apologised, new date agreed."]

    stale = client.patch(
        f"{API}/commitments/{commitment_id}",
        {"version": 1, "title": "Old view"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["due_date"] == str(days(12))

    done = client.post(
        f"{API}/commitments/{commitment_id}/complete",
        {"note": "Sent."},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    assert done.json()["kept_on_time"] is True
    listed = client.get(f"{API}/commitments?state=done").json()
    assert [item["id"] for item in listed["items"]] == [commitment_id]


def test_the_api_list_filters_overdue_and_runs_fixed_queries(
    api_for, head, account, django_assert_num_queries
):
    client = api_for(head)
    _many(account, 2, due_date=days(-1))
    _many(account, 2, due_date=days(3))
    client.get(f"{API}/commitments?state=overdue")
    with django_assert_num_queries(3) as few:
        response = client.get(f"{API}/commitments?state=overdue")
    assert response.json()["total"] == 2
    _many(account, 20, due_date=days(-3))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(f"{API}/commitments?state=overdue&limit=50")
    assert response.json()["total"] == 22
    assert all(item["overdue"] for item in response.json()["items"])


def test_the_api_gives_figures_per_kam(api_for, head, kam, account):
    CommitmentFactory(account=account, due_date=days(-1))
    rows = api_for(head).get(f"{API}/commitments/figures?by=kam").json()
    assert rows == [
        {
            "key": kam.pk,
            "label": str(kam),
            "total": 1,
            "open": 1,
            "overdue": 1,
            "due_soon": 0,
            "done": 0,
            "kept": 0,
            "came_due": 1,
            "kept_pct": 0.0,
            "reschedules": 0,
            "rescheduled": 0,
        }
    ]
