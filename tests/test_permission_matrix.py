"""Who may open which page and call which API operation: one explicit rule per page and per
operation, for every role.

The pages come from walking the URLconf and the operations from the OpenAPI schema, so a new
page or endpoint without a rule fails the suite, and so does a rule for something that no
longer exists. The rules live per domain in tests/access/. An account a user may not see
answers exactly 404; a visible account the user may not change answers 403.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openkam.accounts import services
from openkam.accounts.models import Account, Tier
from openkam.users.models import Role, User
from tests.access import (
    API,
    FORBIDDEN,
    REDIRECT,
    ROLES,
    TO_LOGIN,
    World,
)
from tests.access.registry import OPERATIONS, PAGES, populate
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.pages import csrf_token, text


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(head, kam, other_kam, specialist, admin_user) -> World:
    account = AccountFactory(name="Nordlys Energi", owner=kam, tier=Tier.GROWTH)
    member = TeamMemberFactory(account=account, user=specialist)
    result = services.account_update(
        actor=kam,
        account_id=account.pk,
        expected_version=account.version,
        changes={"tier": Tier.KEY},
        tier_reason="Strategic for next year.",
    )
    assert result.tier_request is not None
    account.refresh_from_db()
    world = World(
        users={
            "anonymous": None,
            "admin": admin_user,
            "head": head,
            "kam_on_team": kam,
            "kam_not_on_team": other_kam,
            "specialist_on_team": specialist,
        },
        account=account,
        member_id=member.pk,
        tier_request=result.tier_request,
        colleague=UserFactory(username="colleague", role=Role.SPECIALIST),
        subject=UserFactory(username="subject", role=Role.KAM),
    )
    populate(world)
    return world


# --- Pages ---------------------------------------------------------------------------------


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api":
                continue  # the API is checked operation by operation from its schema
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner)
        elif not entry.callback.__module__.startswith("django.views"):
            # django.views.*: Django's own i18n and static views, not OpenKAM's pages.
            yield (f"{namespace}{entry.name}" if entry.name else str(entry.pattern)), entry


def urlconf_pages() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver()))


def _page_kwargs(name: str, pattern: URLPattern, world: World, role: str) -> dict[str, Any]:
    values: dict[str, Callable[[], Any]] = {
        "pk": (lambda: world.subject.pk)
        if name.startswith("users:")
        else (lambda: world.account.pk),
        "member_id": lambda: world.member_id,
        "request_id": lambda: world.tier_request.pk,
        "prefix": lambda: world.token_prefix(role),
        **{key: (lambda value=value: value) for key, value in world.params.items()},
    }
    kwargs = {}
    for param in pattern.pattern.converters:
        assert param in values, f"{name}: no fixture fills the path parameter {param!r}"
        kwargs[param] = values[param]()
    return kwargs


def _client(role: str, world: World, client_for: Callable[[User], Client]) -> Client:
    user = world.users[role]
    return Client(enforce_csrf_checks=True) if user is None else client_for(user)


def _check(response: Any, expected: int | str, what: str) -> None:
    location = response.get("Location", "")
    bounced = location.startswith(reverse("users:login") + "?next=")
    if expected == TO_LOGIN:
        got_login = response.status_code == 302 and bounced
        assert got_login, f"{what}: expected {TO_LOGIN}, got {response.status_code} {location}"
    elif expected == REDIRECT:
        elsewhere = response.status_code == 302 and not bounced
        assert elsewhere, f"{what}: expected {REDIRECT}, got {response.status_code} {location}"
    else:
        assert response.status_code == expected, (
            f"{what}: expected {expected}, got {response.status_code} {location}"
        )


def test_every_page_in_the_urlconf_has_an_access_rule():
    missing = sorted(set(urlconf_pages()) - set(PAGES))
    assert not missing, f"pages without a rule in PAGES: {missing}"


def test_every_page_rule_names_a_page_that_still_exists():
    stale = sorted(set(PAGES) - set(urlconf_pages()))
    assert not stale, f"rules in PAGES for pages that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_role_gets_the_answer_the_matrix_gives_for_every_page(name, role, world, client_for):
    page = PAGES[name]
    pattern = urlconf_pages()[name]
    url = reverse(name, kwargs=_page_kwargs(name, pattern, world, role))
    client = _client(role, world, client_for)
    if page.method == "GET":
        response = client.get(url + page.query)
    else:
        data = page.data(world) if page.data else {}
        response = client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(client)})
    _check(response, getattr(page.rule, role), f"{role} {page.method} {url}")


@pytest.mark.parametrize("name", sorted(n for n, page in PAGES.items() if page.method == "POST"))
def test_pages_that_change_data_refuse_a_plain_get(name, world, client_for):
    pattern = urlconf_pages()[name]
    url = reverse(name, kwargs=_page_kwargs(name, pattern, world, "head"))
    assert client_for(world.users["head"]).get(url).status_code == 405


# --- API -----------------------------------------------------------------------------------


HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def schema_operations() -> set[tuple[str, str]]:
    schema = Client().get(f"{API}/openapi.json").json()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


@pytest.mark.django_db
def test_every_api_operation_in_the_schema_has_an_access_rule():
    missing = sorted(schema_operations() - set(OPERATIONS))
    assert not missing, f"API operations without a rule in OPERATIONS: {missing}"


@pytest.mark.django_db
def test_every_api_rule_names_an_operation_that_still_exists():
    stale = sorted(set(OPERATIONS) - schema_operations())
    assert not stale, f"rules in OPERATIONS for operations that no longer exist: {stale}"


def _api_path(template: str, world: World) -> str:
    values = {
        "account_id": world.account.pk,
        "member_id": world.member_id,
        "request_id": world.tier_request.pk,
        **world.params,
    }

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"{template}: no fixture fills the path parameter {name!r}"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", fill, template)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(OPERATIONS), ids=" ".join)
def test_each_role_gets_the_answer_the_matrix_gives_for_every_api_operation(
    operation, role, world, api_for
):
    method, template = operation
    rule = OPERATIONS[operation]
    user = world.users[role]
    client = Client() if user is None else api_for(user)
    path = _api_path(template, world)
    if rule.files is not None:
        response = client.post(path, rule.files(world))
    else:
        body = rule.body(world, user) if rule.body else None
        response = client.generic(
            method, path, "" if body is None else _json(body), content_type="application/json"
        )
    _check(response, getattr(rule.rule, role), f"{role} {method} {path}")


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body)


# --- What the matrix cannot show: invisible accounts leave no trace ------------------------


def _page(response: Any) -> str:
    """The page without what changes on every response: CSRF tokens and CSP nonces."""
    return re.sub(r'(content|value|nonce)="[\w-]{20,}"', "", text(response))


def test_an_invisible_account_answers_exactly_like_one_that_does_not_exist(
    world, client_for, api_for
):
    missing = Account.objects.order_by("-pk").first().pk + 1000
    stranger = world.users["kam_not_on_team"]
    pages, api = client_for(stranger), api_for(stranger)
    for name in ("accounts:detail", "accounts:edit", "accounts:history"):
        hidden = pages.get(reverse(name, args=[world.account.pk]))
        absent = pages.get(reverse(name, args=[missing]))
        assert (hidden.status_code, _page(hidden)) == (absent.status_code, _page(absent))
    hidden = api.get(f"{API}/accounts/{world.account.pk}")
    absent = api.get(f"{API}/accounts/{missing}")
    assert (hidden.status_code, hidden.json()) == (absent.status_code, absent.json())


@pytest.mark.parametrize("role", ["admin", "kam_not_on_team"])
def test_an_invisible_account_appears_in_no_list_search_or_count(role, world, client_for, api_for):
    user = world.users[role]
    name = world.account.name
    pages, api = client_for(user), api_for(user)
    for url in (
        reverse("accounts:list"),
        reverse("accounts:list") + "?q=Nordlys",
        reverse("accounts:lookup") + "?parent_search=Nordlys",
        reverse("accounts:tier_requests"),
    ):
        response = pages.get(url)
        assert response.status_code == 200
        assert name not in text(response), url
    assert api.get(f"{API}/accounts").json()["total"] == 0
    assert api.get(f"{API}/accounts?q=Nordlys").json()["items"] == []
    assert api.get(f"{API}/tier-requests").json()["total"] == 0
    if role == "kam_not_on_team":
        home = pages.get(reverse("web:home"))
        assert name not in text(home)
        assert home.context["total_accounts"] == 0


def test_a_non_head_is_refused_a_tier_decision_the_same_way_for_any_request_id(world, client_for):
    stranger = client_for(world.users["kam_not_on_team"])
    token = csrf_token(stranger)
    answers = {
        stranger.post(
            reverse("accounts:tier_request_decide", args=[request_id]),
            {"decision": "approve", "csrfmiddlewaretoken": token},
        ).status_code
        for request_id in (world.tier_request.pk, world.tier_request.pk + 1000)
    }
    assert answers == {FORBIDDEN}
    world.tier_request.refresh_from_db()
    assert world.tier_request.status == "pending"
