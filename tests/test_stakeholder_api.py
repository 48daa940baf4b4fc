"""The stakeholders API: CRUD with versions, filters and fixed query counts, and personal notes
omitted (the key absent, not empty) for everyone but the account team and the head."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openkam.stakeholders import services
from openkam.stakeholders.models import Stakeholder
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_stakeholders import PersonalNoteFactory, StakeholderFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


@pytest.fixture
def person(kam, account):
    return services.stakeholder_create(
        actor=kam,
        account_id=account.pk,
        first_name="Ingrid",
        last_name="Sæther",
        job_title="CFO",
        buying_role="economic_buyer",
        personal={"birthday": datetime.date(1978, 3, 14), "hobbies": "Sailing"},
    )


def test_a_kam_creates_a_person_with_personal_notes_and_reads_them_back(kam, account, api_for):
    response = api_for(kam).post(
        f"{API}/stakeholders",
        {
            "account_id": account.pk,
            "first_name": "Мария",
            "last_name": "Георгиева",
            "level": "director",
            "influence": 4,
            "personal": {"birthday": "1982-09-23", "family": "Two sons"},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Мария Георгиева"
    assert body["level"] == "director"
    assert body["buying_role"] is None
    assert body["personal"]["birthday"] == "1982-09-23"
    assert body["personal"]["family"] == "Two sons"
    assert body["version"] == 1
    assert body["stale"] is False


def test_invalid_input_names_the_field(kam, account, api_for):
    api = api_for(kam)
    response = api.post(
        f"{API}/stakeholders",
        {"account_id": account.pk, "last_name": "X", "influence": 9},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "influence"
    response = api.post(
        f"{API}/stakeholders",
        {"account_id": account.pk, "last_name": "X", "email": "not-an-address"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_a_stale_version_answers_409_with_the_current_record_and_the_change(
    kam, head, person, api_for
):
    api_for(head).patch(
        f"{API}/stakeholders/{person.pk}",
        {"version": 1, "attitude": "champion"},
        content_type="application/json",
    )
    response = api_for(kam).patch(
        f"{API}/stakeholders/{person.pk}",
        {"version": 1, "attitude": "opponent"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["attitude"] == "champion"
    assert body["current"]["version"] == 2
    assert body["changes"][0]["changes"][0]["new"] == "Champion"
    assert "personal" in body["current"]  # the KAM is on the team


def test_a_cycle_in_reports_to_answers_422(kam, account, person, api_for):
    report = services.stakeholder_create(
        actor=kam, account_id=account.pk, last_name="Berg", reports_to=person
    )
    response = api_for(kam).patch(
        f"{API}/stakeholders/{person.pk}",
        {"version": person.version, "reports_to_id": report.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reports_to"


def test_left_verify_and_reactivate(kam, person, api_for):
    api = api_for(kam)
    left = api.post(
        f"{API}/stakeholders/{person.pk}/left",
        {"left_on": "2026-01-31"},
        content_type="application/json",
    ).json()
    assert (left["status"], left["left_on"]) == ("left", "2026-01-31")
    assert api.post(f"{API}/stakeholders/{person.pk}/reactivate").json()["status"] == "active"
    Stakeholder.objects.filter(pk=person.pk).update(last_verified_on=None)
    assert api.get(f"{API}/stakeholders/{person.pk}").json()["stale"] is True
    assert api.post(f"{API}/stakeholders/{person.pk}/verify").json()["stale"] is False


def test_the_list_filters_by_account_role_status_and_staleness(kam, account, person, api_for):
    old = StakeholderFactory(account=account, last_name="Old", last_verified_on=None)
    gone = StakeholderFactory(account=account, last_name="Gone", status="left")
    api = api_for(kam)

    def names(query: str) -> list[str]:
        return [p["last_name"] for p in api.get(f"{API}/stakeholders?{query}").json()["items"]]

    assert sorted(names(f"account_id={account.pk}")) == ["Gone", "Old", "Sæther"]
    assert names("buying_role=economic_buyer") == ["Sæther"]
    assert names("status=left") == [gone.last_name]
    assert names("stale=true") == [old.last_name]
    assert names("q=sæther") == ["Sæther"]
    page = api.get(f"{API}/stakeholders?limit=1&offset=1&sort=name").json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert [p["last_name"] for p in page["items"]] == ["Old"]


def test_the_list_runs_a_fixed_number_of_queries(kam, account, api_for):
    api = api_for(kam)
    site = AccountFactory(owner=kam, parent=account)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{API}/stakeholders?limit=100").status_code == 200
        return len(queries)

    StakeholderFactory(account=account)
    count()  # the first call with a token also records when the token was last used
    baseline = count()
    for _ in range(15):
        PersonalNoteFactory(stakeholder=StakeholderFactory(account=account))
    shared = StakeholderFactory(account=account)
    shared.other_accounts.add(site)
    assert count() == baseline


# --- Personal notes are omitted for readers outside the team --------------------------------


@pytest.fixture
def outsider(other_kam, kam, account, person):
    """A KAM who sees the person only through another account of the group."""
    site = AccountFactory(owner=other_kam, parent=account, name="Nordlys Bergen")
    TeamMemberFactory(account=site, user=kam)
    services.stakeholder_update(
        actor=kam,
        stakeholder_id=person.pk,
        expected_version=person.version,
        changes={"other_accounts": [site.pk]},
    )
    return other_kam


def test_the_team_and_the_head_get_personal_notes_in_every_answer(
    kam, head, specialist, person, api_for
):
    for user in (kam, head, specialist):
        api = api_for(user)
        one = api.get(f"{API}/stakeholders/{person.pk}").json()
        listed = api.get(f"{API}/stakeholders").json()["items"][0]
        assert one["personal"]["hobbies"] == "Sailing"
        assert listed["personal"]["birthday"] == "1978-03-14"
        assert api.get(f"{API}/stakeholders/{person.pk}/personal").status_code == 200


def test_a_reader_outside_the_team_gets_no_personal_key_at_all(outsider, person, api_for):
    api = api_for(outsider)
    one = api.get(f"{API}/stakeholders/{person.pk}")
    assert one.status_code == 200
    assert "personal" not in one.json()
    listed = api.get(f"{API}/stakeholders").json()["items"]
    assert [p["id"] for p in listed] == [person.pk]
    assert "personal" not in listed[0]
    assert "Sailing" not in one.content.decode()
    assert api.get(f"{API}/stakeholders/{person.pk}/personal").status_code == 404
    put = api.put(
        f"{API}/stakeholders/{person.pk}/personal",
        {"hobbies": "x"},
        content_type="application/json",
    )
    assert put.status_code == 404
    verify = api.post(f"{API}/stakeholders/{person.pk}/verify")
    assert verify.status_code == 403  # visible through the site, but not theirs to maintain
    assert "personal" not in api.get(f"{API}/stakeholders/{person.pk}").json()


def test_a_409_answer_omits_personal_notes_for_a_reader_outside_the_team(
    outsider, head, person, api_for
):
    # The outsider cannot edit; the 403 comes before any version check and says nothing.
    response = api_for(outsider).patch(
        f"{API}/stakeholders/{person.pk}",
        {"version": 1, "job_title": "CEO"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "Sailing" not in response.content.decode()


def test_personal_notes_put_writes_and_erases(kam, person, api_for):
    api = api_for(kam)
    url = f"{API}/stakeholders/{person.pk}/personal"
    written = api.put(url, {"values": "Loyalty"}, content_type="application/json").json()
    assert written["values"] == "Loyalty"
    assert written["hobbies"] == ""  # PUT replaces the whole record
    erased = api.put(url, {}, content_type="application/json").json()
    assert erased == {"birthday": None, "family": "", "hobbies": "", "values": "", "notes": ""}
