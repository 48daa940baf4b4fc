"""Accounts and their teams through the REST API under /api/v1/, as an integration or a script
uses it: a bearer token, JSON in and out, 422 naming the field and the reason, 409 with the
other person's change, paginated lists with a fixed number of queries, CSRF for the browser's
session, and the OpenAPI schema with its docs page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from openkam.accounts.models import Account, AccountTeamMember, Tier, TierChangeRequest
from openkam.core.models import AuditAction, AuditEntry
from openkam.users.models import Role, User
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.pages import csrf_token

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _send(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(
        method, f"{API}{path}", json.dumps(body or {}), content_type="application/json"
    )


def _errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "The request is not valid."
    return {error["field"]: error["reason"] for error in body["errors"]}


# --- Authentication ------------------------------------------------------------------------


def test_without_credentials_the_api_answers_401_in_json():
    response = Client().get(f"{API}/accounts")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "Unauthorized"}


def test_a_wrong_bearer_token_answers_401(kam):
    bad = Client(headers={"Authorization": "Bearer kam_deadbeef_not-a-real-token"})
    assert bad.get(f"{API}/accounts").status_code == 401


def test_a_bearer_token_acts_as_its_user(kam, api_for):
    me = api_for(kam).get(f"{API}/me").json()
    assert (me["username"], me["role"], me["name"]) == ("kam", "kam", "Kari Kam")


# --- Create, read, update, delete ----------------------------------------------------------


def test_a_kam_creates_an_account_and_reads_it_back(kam, api_for):
    client = api_for(kam)
    response = _send(
        client,
        "POST",
        "/accounts",
        {
            "name": "Fjord Logistics",
            "legal_name": "Fjord Logistics AS",
            "registration_number": "912345678",
            "country": "NO",
            "industry": "Logistics",
            "website": "https://fjord.example",
        },
    )

    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Fjord Logistics"
    assert (created["owner_id"], created["owner_name"]) == (kam.pk, "Kari Kam")
    assert (created["country"], created["tier"], created["version"]) == ("NO", "other", 1)
    assert created["pending_tier"] is None
    again = client.get(f"{API}/accounts/{created['id']}")
    assert again.status_code == 200
    assert again.json() == created
    entry = AuditEntry.objects.get(target_id=created["id"], target_type__model="account")
    assert (entry.actor, entry.action) == (kam, AuditAction.CREATE)


def test_a_kam_asking_for_a_key_tier_gets_other_with_the_request_pending(kam, api_for):
    response = _send(
        api_for(kam), "POST", "/accounts", {"name": "Big One", "tier": "key", "tier_reason": "Big"}
    )
    assert response.status_code == 201
    assert (response.json()["tier"], response.json()["pending_tier"]) == ("other", "key")
    assert TierChangeRequest.objects.get().reason == "Big"


def test_the_head_creates_an_account_for_a_kam(head, kam, api_for):
    response = _send(
        api_for(head), "POST", "/accounts", {"name": "Assigned", "owner_id": kam.pk, "tier": "key"}
    )
    assert response.status_code == 201
    assert (response.json()["owner_id"], response.json()["tier"]) == (kam.pk, "key")


def test_a_patch_changes_only_the_fields_sent_and_moves_the_version(kam, api_for):
    account = AccountFactory(owner=kam, industry="Seafood", notes="Keep me.")

    response = _send(
        api_for(kam), "PATCH", f"/accounts/{account.pk}", {"version": 1, "industry": "Aquaculture"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["industry"], body["notes"], body["version"]) == ("Aquaculture", "Keep me.", 2)
    history = api_for(kam).get(f"{API}/accounts/{account.pk}/history").json()
    assert history["total"] == 1
    (entry,) = history["items"]
    assert (entry["actor"], entry["action"], entry["version"]) == ("Kari Kam", "update", 2)
    assert entry["changes"] == [{"field": "industry", "old": "Seafood", "new": "Aquaculture"}]


def test_a_patch_sets_and_clears_the_parent(kam, api_for):
    group = AccountFactory(owner=kam, name="Group")
    site = AccountFactory(owner=kam, name="Site")
    client = api_for(kam)

    linked = _send(client, "PATCH", f"/accounts/{site.pk}", {"version": 1, "parent_id": group.pk})
    assert (linked.json()["parent_id"], linked.json()["parent_name"]) == (group.pk, "Group")
    cleared = _send(client, "PATCH", f"/accounts/{site.pk}", {"version": 2, "parent_id": None})
    assert cleared.status_code == 200
    assert cleared.json()["parent_id"] is None


def test_a_patch_with_a_cycle_answers_422_on_the_parent_field(kam, api_for):
    group = AccountFactory(owner=kam, name="Group")
    site = AccountFactory(owner=kam, name="Site", parent=group)
    response = _send(
        api_for(kam), "PATCH", f"/accounts/{group.pk}", {"version": 1, "parent_id": site.pk}
    )
    assert _errors(response) == {
        "parent": "Site is below Group in the hierarchy; choosing it as parent would make a cycle."
    }


def test_the_head_deletes_an_account_and_it_is_gone(head, api_for):
    account = AccountFactory()
    client = api_for(head)
    response = client.delete(f"{API}/accounts/{account.pk}?version=1")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{API}/accounts/{account.pk}").status_code == 404
    assert not Account.objects.filter(pk=account.pk).exists()


def test_a_kam_may_not_delete_and_gets_403_with_the_reason(kam, api_for):
    account = AccountFactory(owner=kam)
    response = api_for(kam).delete(f"{API}/accounts/{account.pk}")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the head of key accounts deletes accounts."}


def test_an_account_the_user_may_not_see_answers_404_like_a_missing_one(kam, other_kam, api_for):
    hidden = AccountFactory(owner=other_kam)
    client = api_for(kam)
    for path in (f"/accounts/{hidden.pk}", f"/accounts/{hidden.pk}/team"):
        response = client.get(f"{API}{path}")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    patch = _send(client, "PATCH", f"/accounts/{hidden.pk}", {"version": 1, "name": "Mine now"})
    assert patch.status_code == 404
    hidden.refresh_from_db()
    assert hidden.name != "Mine now"


# --- Validation: 422 with the field and the reason -----------------------------------------


def test_a_missing_name_is_reported_on_the_name_field(kam, api_for):
    assert _errors(_send(api_for(kam), "POST", "/accounts", {})) == {"name": "Field required"}
    assert _errors(_send(api_for(kam), "POST", "/accounts", {"name": ""})) == {
        "name": "String should have at least 1 character"
    }


def test_each_invalid_field_is_reported_with_its_own_reason(kam, api_for):
    errors = _errors(
        _send(api_for(kam), "POST", "/accounts", {"name": "X", "country": "XX", "website": "nope"})
    )
    assert errors == {
        "country": "Value 'XX' is not a valid choice.",
        "website": "Enter a valid URL.",
    }
    assert not Account.objects.exists()


def test_an_unknown_tier_lists_the_valid_ones(kam, api_for):
    reason = _errors(_send(api_for(kam), "POST", "/accounts", {"name": "X", "tier": "gold"}))
    assert reason == {"tier": "Input should be 'key', 'growth', 'maintain' or 'other'"}


def test_a_registration_number_taken_in_the_country_is_reported_on_its_field(kam, api_for):
    AccountFactory(owner=kam, country="SE", registration_number="556123-4567")
    response = _send(
        api_for(kam),
        "POST",
        "/accounts",
        {"name": "Copy", "country": "SE", "registration_number": "556123-4567"},
    )
    assert _errors(response) == {
        "registration_number": "Another account in this country has this registration number."
    }


def test_a_patch_without_the_version_is_refused(kam, api_for):
    account = AccountFactory(owner=kam)
    response = _send(api_for(kam), "PATCH", f"/accounts/{account.pk}", {"name": "New"})
    assert _errors(response) == {"version": "Field required"}


def test_malformed_json_is_a_clear_error_not_a_crash(kam, api_for):
    response = api_for(kam).post(f"{API}/accounts", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


# --- Conflicts: 409 with the other change --------------------------------------------------


def test_a_stale_version_answers_409_with_the_current_record_and_the_other_change(
    head, kam, api_for
):
    account = AccountFactory(owner=kam, industry="Seafood")
    assert (
        _send(
            api_for(head),
            "PATCH",
            f"/accounts/{account.pk}",
            {"version": 1, "industry": "Aquaculture"},
        ).status_code
        == 200
    )

    response = _send(
        api_for(kam), "PATCH", f"/accounts/{account.pk}", {"version": 1, "notes": "Mine"}
    )

    assert response.status_code == 409
    body = response.json()
    assert "Hedda Head changed this account after you opened it" in body["detail"]
    assert (body["current"]["version"], body["current"]["industry"]) == (2, "Aquaculture")
    (change,) = body["changes"]
    assert (change["actor"], change["version"]) == ("Hedda Head", 2)
    assert change["changes"] == [{"field": "industry", "old": "Seafood", "new": "Aquaculture"}]
    account.refresh_from_db()
    assert account.notes == ""


def test_a_stale_delete_answers_409_and_keeps_the_account(head, kam, api_for):
    account = AccountFactory(owner=kam)
    _send(api_for(kam), "PATCH", f"/accounts/{account.pk}", {"version": 1, "industry": "Energy"})
    response = api_for(head).delete(f"{API}/accounts/{account.pk}?version=1")
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2
    assert Account.objects.filter(pk=account.pk).exists()


# --- Lists: pagination and a fixed number of queries ---------------------------------------


def test_the_list_pages_with_limit_and_offset_and_gives_the_total(kam, api_for):
    for number in range(7):
        AccountFactory(owner=kam, name=f"Account {number}")
    client = api_for(kam)

    first = client.get(f"{API}/accounts?limit=3").json()
    last = client.get(f"{API}/accounts?limit=3&offset=6").json()

    assert (first["total"], first["limit"], first["offset"]) == (7, 3, 0)
    assert [a["name"] for a in first["items"]] == ["Account 0", "Account 1", "Account 2"]
    assert [a["name"] for a in last["items"]] == ["Account 6"]
    beyond = client.get(f"{API}/accounts?offset=50").json()
    assert (beyond["items"], beyond["total"]) == ([], 7)


def test_the_list_refuses_a_limit_above_the_maximum_or_a_negative_offset(kam, api_for):
    client = api_for(kam)
    assert _errors(client.get(f"{API}/accounts?limit=500")) == {
        "limit": "Input should be less than or equal to 200"
    }
    assert set(_errors(client.get(f"{API}/accounts?offset=-1"))) == {"offset"}


def test_the_list_filters_searches_and_sorts(kam, other_kam, api_for):
    AccountFactory(owner=kam, name="Alfa", tier=Tier.KEY, country="SE", industry="Shipping")
    AccountFactory(owner=kam, name="Bravo", tier=Tier.GROWTH, country="NO")
    AccountFactory(owner=other_kam, name="Alfa Hidden", tier=Tier.KEY, country="SE")
    client = api_for(kam)

    def names(query: str) -> list[str]:
        return [a["name"] for a in client.get(f"{API}/accounts?{query}").json()["items"]]

    assert names("") == ["Alfa", "Bravo"]  # never someone else's account
    assert names("q=alf") == ["Alfa"]
    assert names("q=shipping") == ["Alfa"]
    assert names("tier=growth") == ["Bravo"]
    assert names("country=se") == ["Alfa"]
    assert names(f"owner_id={kam.pk}&sort=-name") == ["Bravo", "Alfa"]
    assert set(_errors(client.get(f"{API}/accounts?sort=secret"))) == {"sort"}


def _portfolio(size: int, owner: User) -> list[Account]:
    """`size` accounts, each with a parent, a two-person team and a pending tier request."""
    group = AccountFactory(owner=owner, name="Group")
    accounts = []
    for number in range(size - 1):
        account = AccountFactory(owner=owner, parent=group, name=f"Site {number:02}")
        TeamMemberFactory(account=account)
        TierChangeRequest.objects.create(
            account=account, from_tier=account.tier, to_tier=Tier.KEY, requested_by=owner
        )
        accounts.append(account)
    return [group, *accounts]


@pytest.fixture
def warm_api(kam: User, api_for: Callable[[User], Client]) -> Client:
    """A token client that has been used once, so that its last-use stamp is fresh."""
    client = api_for(kam)
    client.get(f"{API}/me")
    return client


# One query authenticates the token; then one COUNT and one SELECT for the page, with the
# owner, the parent and the pending tier in the same statement.
LIST_QUERIES = 3


@pytest.mark.parametrize("size", [3, 30])
def test_the_account_list_runs_the_same_queries_for_3_and_for_30_accounts(
    size, kam, warm_api, django_assert_num_queries
):
    _portfolio(size, kam)
    with django_assert_num_queries(LIST_QUERIES):
        response = warm_api.get(f"{API}/accounts?limit=50")
    body = response.json()
    assert body["total"] == size
    assert {a["parent_name"] for a in body["items"][1:]} == {"Group"}
    assert {a["pending_tier"] for a in body["items"][1:]} == {"key"}


# The token, the account (with its access check), COUNT and SELECT of the team with its people.
TEAM_QUERIES = 4


@pytest.mark.parametrize("size", [3, 30])
def test_the_team_list_runs_the_same_queries_for_3_and_for_30_members(
    size, kam, warm_api, django_assert_num_queries
):
    account = AccountFactory(owner=kam)
    for _ in range(size - 1):
        TeamMemberFactory(account=account)
    with django_assert_num_queries(TEAM_QUERIES):
        response = warm_api.get(f"{API}/accounts/{account.pk}/team?limit=50")
    body = response.json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (size, 50, 0, size)
    assert all(member["user_name"] for member in body["items"])


def _all_pages(client: Client, path: str, *, limit: int) -> tuple[list[dict[str, Any]], set[int]]:
    """Walk a list endpoint page by page: the items in order and every total it reported."""
    items: list[dict[str, Any]] = []
    totals: set[int] = set()
    offset = 0
    while True:
        body = client.get(f"{API}{path}?limit={limit}&offset={offset}").json()
        assert (body["limit"], body["offset"]) == (limit, offset)
        totals.add(body["total"])
        items.extend(body["items"])
        offset += limit
        if offset >= body["total"]:
            return items, totals


def test_the_team_is_paged_without_repeating_or_skipping_anyone(kam, api_for):
    account = AccountFactory(owner=kam)
    for _ in range(11):
        # Same role and same first name for all: only the tie-breaker orders them.
        TeamMemberFactory(account=account, user=UserFactory(first_name="Ola"))
    items, totals = _all_pages(api_for(kam), f"/accounts/{account.pk}/team", limit=5)
    assert totals == {12}
    assert len({member["id"] for member in items}) == 12


def test_the_team_list_refuses_a_limit_above_the_maximum(kam, api_for):
    account = AccountFactory(owner=kam)
    response = api_for(kam).get(f"{API}/accounts/{account.pk}/team?limit=100000")
    assert response.status_code == 422


@pytest.mark.parametrize("size", [3, 30])
def test_the_history_runs_the_same_queries_for_3_and_for_30_changes(
    size, kam, warm_api, django_assert_num_queries
):
    account = AccountFactory(owner=kam)
    for number in range(size):
        _send(
            warm_api,
            "PATCH",
            f"/accounts/{account.pk}",
            {"version": number + 1, "notes": str(number)},
        )
    # The token, the account, COUNT and SELECT of its entries (the actor joined).
    with django_assert_num_queries(4):
        response = warm_api.get(f"{API}/accounts/{account.pk}/history?limit=50")
    assert response.json()["total"] == size


def test_the_tier_request_list_runs_the_same_queries_whatever_its_length(
    head, api_for, django_assert_num_queries
):
    client = api_for(head)
    client.get(f"{API}/me")
    for size in (3, 30):
        TierChangeRequest.objects.all().delete()
        for account in _portfolio(size, UserFactory(role=Role.KAM))[1:]:
            assert account.tier_requests.exists()
        # The token, then COUNT and SELECT (account and requester joined).
        with django_assert_num_queries(3):
            response = client.get(f"{API}/tier-requests?limit=50")
        assert response.json()["total"] == len(response.json()["items"]) == size - 1


def test_the_tier_requests_are_paged_oldest_first(head, api_for):
    _portfolio(8, UserFactory(role=Role.KAM))
    items, totals = _all_pages(api_for(head), "/tier-requests", limit=3)
    assert totals == {7}
    assert len({r["id"] for r in items}) == 7
    assert [r["requested_at"] for r in items] == sorted(r["requested_at"] for r in items)


# --- Colleagues ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_colleague_list_runs_the_same_queries_whatever_its_length(
    size, kam, warm_api, django_assert_num_queries
):
    UserFactory.create_batch(size)
    # The token, then COUNT and SELECT.
    with django_assert_num_queries(3):
        response = warm_api.get(f"{API}/users?limit=100")
    assert response.json()["total"] == User.objects.filter(is_active=True).count()


def test_the_colleague_list_is_paged_and_leaves_out_deactivated_users(kam, api_for):
    UserFactory.create_batch(9, first_name="Ola")
    UserFactory(username="gone", is_active=False)
    items, totals = _all_pages(api_for(kam), "/users", limit=4)
    assert totals == {User.objects.filter(is_active=True).count()}
    usernames = [user["username"] for user in items]
    assert len(set(usernames)) == len(usernames) == User.objects.filter(is_active=True).count()
    assert "gone" not in usernames


# --- The team ------------------------------------------------------------------------------


def test_a_kam_adds_changes_and_removes_a_team_member(kam, specialist, api_for):
    account = AccountFactory(owner=kam)
    client = api_for(kam)

    added = _send(
        client,
        "POST",
        f"/accounts/{account.pk}/team",
        {"user_id": specialist.pk, "team_role": "technical", "level": "director"},
    )
    assert added.status_code == 201
    member = added.json()
    assert (member["user_name"], member["team_role"], member["level"]) == (
        "Siri Spec",
        "technical",
        "director",
    )

    changed = _send(
        client,
        "PATCH",
        f"/accounts/{account.pk}/team/{member['id']}",
        {"team_role": "service", "level": "specialist"},
    )
    assert (changed.status_code, changed.json()["team_role"]) == (200, "service")

    team = client.get(f"{API}/accounts/{account.pk}/team").json()["items"]
    assert {m["user_name"]: m["team_role"] for m in team} == {
        "Kari Kam": "kam_lead",
        "Siri Spec": "service",
    }
    removed = client.delete(f"{API}/accounts/{account.pk}/team/{member['id']}")
    assert removed.status_code == 204
    assert not AccountTeamMember.objects.filter(pk=member["id"]).exists()


def test_team_rules_answer_422_on_the_field(kam, specialist, admin_user, api_for):
    account = AccountFactory(owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    lead = AccountTeamMember.objects.get(account=account, user=kam)
    client = api_for(kam)

    twice = _send(client, "POST", f"/accounts/{account.pk}/team", {"user_id": specialist.pk})
    assert _errors(twice) == {"__all__": "This person is already on the account team."}
    admin = _send(client, "POST", f"/accounts/{account.pk}/team", {"user_id": admin_user.pk})
    assert _errors(admin) == {"user": "Only active KAMs, specialists and the head can join a team."}
    demote = _send(
        client,
        "PATCH",
        f"/accounts/{account.pk}/team/{lead.pk}",
        {"team_role": "sales", "level": "director"},
    )
    assert _errors(demote) == {
        "team_role": "The account's owner leads its team; assign another owner first."
    }
    leave = client.delete(f"{API}/accounts/{account.pk}/team/{lead.pk}")
    assert _errors(leave) == {
        "user": "The account's owner cannot leave its team; assign another owner first."
    }
    bad_role = _send(
        client, "POST", f"/accounts/{account.pk}/team", {"user_id": kam.pk, "team_role": "boss"}
    )
    assert set(_errors(bad_role)) == {"team_role"}


def test_a_member_id_of_another_account_answers_404(kam, api_for):
    mine = AccountFactory(owner=kam)
    theirs = TeamMemberFactory(account=AccountFactory(owner=kam))
    response = api_for(kam).delete(f"{API}/accounts/{mine.pk}/team/{theirs.pk}")
    assert response.status_code == 404
    assert AccountTeamMember.objects.filter(pk=theirs.pk).exists()


# --- Tier requests -------------------------------------------------------------------------


def test_the_head_approves_a_tier_request_through_the_api(head, kam, api_for):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    _send(
        api_for(kam),
        "PATCH",
        f"/accounts/{account.pk}",
        {"version": 1, "tier": "key", "tier_reason": "Growth"},
    )
    waiting = api_for(head).get(f"{API}/tier-requests").json()["items"]
    assert [(r["account_name"], r["from_tier"], r["to_tier"], r["reason"]) for r in waiting] == [
        (account.name, "growth", "key", "Growth")
    ]

    decided = _send(
        api_for(head), "POST", f"/tier-requests/{waiting[0]['id']}/decision", {"approve": True}
    )

    assert (decided.status_code, decided.json()["status"]) == (200, "approved")
    assert api_for(kam).get(f"{API}/accounts/{account.pk}").json()["tier"] == "key"
    assert api_for(head).get(f"{API}/tier-requests").json()["items"] == []


# --- Session authentication and CSRF -------------------------------------------------------


def test_the_browser_session_reads_without_a_token(kam, client_for):
    AccountFactory(owner=kam)
    response = client_for(kam).get(f"{API}/accounts")
    assert (response.status_code, response.json()["total"]) == (200, 1)


def test_a_write_with_the_session_needs_the_csrf_token(kam, client_for):
    client = client_for(kam)
    refused = client.post(
        f"{API}/accounts", json.dumps({"name": "No token"}), content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed"}
    assert not Account.objects.filter(name="No token").exists()

    accepted = client.post(
        f"{API}/accounts",
        json.dumps({"name": "With token"}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert accepted.status_code == 201


def test_a_bearer_token_needs_no_csrf_token(kam, api_for):
    client = api_for(kam)
    client.handler.enforce_csrf_checks = True
    assert _send(client, "POST", "/accounts", {"name": "Script"}).status_code == 201


# --- Schema and docs -----------------------------------------------------------------------


def test_the_openapi_schema_describes_the_account_operations_and_both_ways_to_sign_in():
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "OpenKAM API"
    paths = schema["paths"]
    assert set(paths[f"{API}/accounts"]) >= {"get", "post"}
    assert set(paths[f"{API}/accounts/{{account_id}}"]) >= {"get", "patch", "delete"}
    assert set(paths[f"{API}/accounts/{{account_id}}/team/{{member_id}}"]) >= {"patch", "delete"}
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} >= {"http", "apiKey"}
    listed = {p["name"] for p in paths[f"{API}/accounts"]["get"]["parameters"]}
    assert {"limit", "offset", "q", "tier", "country", "sort"} <= listed


def test_the_docs_page_is_served_from_our_own_static_files():
    response = Client().get(f"{API}/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert f'"url": "{API}/openapi.json"' in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
