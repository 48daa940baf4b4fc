"""The security baseline every page inherits: a Content Security Policy with a fresh nonce and
no inline code or style anywhere, Secure and HttpOnly cookies, HTTPS redirect and HSTS outside
DEBUG (also behind a proxy), frames denied, a strict referrer policy, user-written text always
escaped, and error pages that keep the layout."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from openkam.accounts import services
from openkam.accounts.models import Account, Tier
from openkam.users.models import User
from tests.access import OK
from tests.access.registry import PAGES
from tests.factories import AccountFactory, TeamMemberFactory
from tests.pages import submit, text
from tests.settings_process import load_settings
from tests.test_permission_matrix import _page_kwargs, urlconf_pages, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- What a page may contain under the policy ---------------------------------------------

# Script types that hold data, not code: the browser never executes them.
DATA_SCRIPTS = {"application/json", "application/ld+json", "importmap"}


class PolicyScan(HTMLParser):
    """Collects everything in a page that a strict CSP would block or that bypasses it."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []
        self.nonces: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"[:160]
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"inline event handler {name}: {shown}")
            if name == "style":
                self.problems.append(f"inline style attribute: {shown}")
            if name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"htmx inline handler {name}: {shown}")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL: {shown}")
        nonce = attributes.get("nonce")
        if nonce:
            self.nonces.add(nonce)
        if tag == "script":
            source = attributes.get("src")
            kind = (attributes.get("type") or "").lower()
            if source is not None:
                if not source.startswith("/") or source.startswith("//"):
                    self.problems.append(f"script from another origin: {shown}")
            elif kind not in DATA_SCRIPTS and (not nonce or nonce != self.nonce):
                self.problems.append(f"inline script without the response's nonce: {shown}")
        if tag == "style" and (not nonce or nonce != self.nonce):
            self.problems.append(f"<style> without the response's nonce: {shown}")
        if tag == "link" and "stylesheet" in (attributes.get("rel") or ""):
            href = attributes.get("href") or ""
            if not href.startswith("/") or href.startswith("//"):
                self.problems.append(f"stylesheet from another origin: {shown}")


def header_nonce(response: HttpResponse) -> str | None:
    match = re.search(r"script-src [^;]*'nonce-([^']+)'", response["Content-Security-Policy"])
    return match.group(1) if match else None


def policy_problems(response: HttpResponse) -> list[str]:
    scan = PolicyScan(header_nonce(response))
    scan.feed(text(response))
    scan.close()
    if scan.nonces and scan.nonces != {scan.nonce}:
        scan.problems.append(f"nonces {scan.nonces} differ from the header's {scan.nonce}")
    return scan.problems


def test_the_scan_catches_what_the_policy_forbids():
    """The checker itself: each forbidden construct is reported, allowed ones are not."""
    bad = [
        '<div style="color:red">',
        '<button onclick="go()">',
        "<script>alert(1)</script>",
        '<script nonce="other">x()</script>',
        "<style>p{}</style>",
        '<a href="javascript:go()">',
        '<script src="https://cdn.example/x.js"></script>',
        '<link rel="stylesheet" href="//cdn.example/x.css">',
        '<div hx-on:click="go()">',
    ]
    for html in bad:
        scan = PolicyScan("abc")
        scan.feed(html)
        assert scan.problems, html
    scan = PolicyScan("abc")
    scan.feed(
        '<script src="/static/a.js"></script><script nonce="abc">ok()</script>'
        '<script type="application/json">{"a": 1}</script><link rel="stylesheet" href="/s.css">'
    )
    assert scan.problems == []


# --- The pages people use, scanned --------------------------------------------------------


@pytest.fixture
def portfolio(head: User, kam: User, specialist: User) -> Account:
    group = AccountFactory(name="Nordlys Group", owner=kam, tier=Tier.KEY, notes="Line 1\nLine 2")
    account = AccountFactory(name="Nordlys Bergen", owner=kam, parent=group, tier=Tier.GROWTH)
    TeamMemberFactory(account=account, user=specialist)
    services.account_update(
        actor=kam,
        account_id=account.pk,
        expected_version=account.version,
        changes={"tier": Tier.KEY, "industry": "Energy"},
        tier_reason="Volume doubles.",
    )
    return account


FOUNDATION_PAGES: list[tuple[str, str, dict[str, Any] | None]] = [
    # (who, url name or path, POST data when the page is a form sent with errors)
    ("head", "web:home", None),
    ("head", "accounts:list", None),
    ("head", "accounts:list?q=nordlys&tier=key&sort=-name", None),
    ("head", "accounts:detail", None),
    ("head", "accounts:history", None),
    ("head", "accounts:edit", None),
    ("head", "accounts:edit", {"name": "", "website": "not a url", "tier": "key"}),
    ("head", "accounts:create", None),
    ("head", "accounts:tier_requests", None),
    ("kam", "accounts:detail", None),
    ("kam", "accounts:create", {"name": "", "tier": "key"}),
    ("specialist", "accounts:detail", None),
    ("specialist", "accounts:edit", None),  # the 403 page
    ("kam", "/accounts/999999/", None),  # the 404 page
    ("kam", "users:profile", None),
    ("kam", "users:password_change", None),
    ("admin", "users:list", None),
    ("admin", "users:create", None),
    ("admin", "users:create", {"username": "", "role": "kam"}),
    ("anonymous", "users:login", None),
]


def _url(name: str, account: Account) -> str:
    if name.startswith("/"):
        return name
    name, _sep, query = name.partition("?")
    args = [account.pk] if name in {"accounts:detail", "accounts:history", "accounts:edit"} else []
    return reverse(name, args=args) + (f"?{query}" if query else "")


@pytest.fixture
def people(head, kam, specialist, admin_user) -> dict[str, User | None]:
    return {
        "head": head,
        "kam": kam,
        "specialist": specialist,
        "admin": admin_user,
        "anonymous": None,
    }


@pytest.mark.parametrize(("who", "name", "data"), FOUNDATION_PAGES)
def test_foundation_pages_have_no_inline_code_or_style_and_carry_the_nonce(
    who, name, data, people, portfolio, client_for
):
    user = people[who]
    client = Client(enforce_csrf_checks=True) if user is None else client_for(user)
    url = _url(name, portfolio)
    response = submit(client, url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 403, 404)
    assert response["Content-Type"].startswith("text/html")
    assert header_nonce(response), "the policy carries no nonce"
    assert policy_problems(response) == []


def _rendered_pages() -> list[tuple[str, str]]:
    return [
        (name, role)
        for name, page in sorted(PAGES.items())
        for role in ("head", "kam_on_team", "admin")
        if page.method == "GET" and getattr(page.rule, role) == OK
    ]


@pytest.mark.parametrize(("name", "role"), _rendered_pages())
def test_every_page_of_every_app_obeys_the_policy(name, role, world, client_for):  # noqa: F811
    """Every GET page in the URLconf that the role may open, as the permission matrix knows
    it, so that a new app's page is held to the same policy."""
    page = PAGES[name]
    url = reverse(name, kwargs=_page_kwargs(name, urlconf_pages()[name], world, role))
    response = client_for(world.users[role]).get(url + page.query)
    if not response["Content-Type"].startswith("text/html"):
        return  # downloads (CSV, vCard, iCalendar) are not pages
    assert policy_problems(response) == [], url


def test_each_response_gets_its_own_nonce_matching_the_pages_script_tags(kam, client_for):
    client = client_for(kam)
    first, second = client.get(reverse("web:home")), client.get(reverse("web:home"))
    nonces = [header_nonce(first), header_nonce(second)]
    assert all(nonces)
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[0]}"' in text(first)
    policy = first["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(kam, client_for):
    html = text(client_for(kam).get(reverse("web:home")))
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html


# --- Headers -------------------------------------------------------------------------------


def test_pages_deny_framing_and_sniffing_and_send_a_strict_referrer_policy(kam, client_for):
    for response in (
        client_for(kam).get(reverse("web:home")),
        Client().get(reverse("users:login")),
    ):
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Content-Security-Policy" in response


def test_the_api_answers_json_that_a_browser_will_not_sniff_as_a_page(kam, api_for):
    AccountFactory(owner=kam, name="<script>alert('api')</script>")
    response = api_for(kam).get("/api/v1/accounts")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- Cookies -------------------------------------------------------------------------------


@pytest.fixture
def production_cookies(settings: Any) -> None:
    """The cookie settings a production start produces (checked below in a fresh process)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


def test_production_settings_make_cookies_secure_httponly_and_same_site(tmp_path: Path):
    loaded = load_settings(
        tmp_path,
        [
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE",
            "CSRF_COOKIE_SECURE",
            "CSRF_COOKIE_HTTPONLY",
        ],
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
    }


def test_signing_in_sets_session_and_csrf_cookies_that_are_secure_and_httponly(
    kam, production_cookies
):
    from tests.factories import PASSWORD

    client = Client(enforce_csrf_checks=True)
    response = submit(client, reverse("users:login"), {"username": "kam", "password": PASSWORD})
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


# --- HTTPS: redirect and HSTS --------------------------------------------------------------


@pytest.fixture
def https_on(settings: Any) -> None:
    """What production runs with (conftest switches the redirect off for plain test requests)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True


def test_plain_http_is_redirected_to_https(https_on):
    response = Client().get(reverse("users:login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver" + reverse("users:login")


def test_https_answers_carry_hsts(https_on):
    response = Client().get(reverse("users:login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_behind_a_proxy_its_https_header_is_trusted_only_when_configured(https_on, settings):
    forwarded = {"X-Forwarded-Proto": "https"}
    # Not configured: a client could forge the header, so it is ignored.
    assert Client(headers=forwarded).get(reverse("users:login")).status_code == 301
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client(headers=forwarded).get(reverse("users:login"))
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


HTTPS_NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
]


def test_outside_debug_https_redirect_and_hsts_are_on_by_default(tmp_path: Path):
    loaded = load_settings(tmp_path, HTTPS_NAMES)
    assert loaded.values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
    }


def test_kam_behind_proxy_trusts_the_forwarded_proto_header(tmp_path: Path):
    loaded = load_settings(tmp_path, HTTPS_NAMES, KAM_BEHIND_PROXY="true")
    assert loaded.values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded.values["SECURE_SSL_REDIRECT"] is True


def test_debug_and_the_plain_http_demo_switch_https_hardening_off(tmp_path: Path):
    for variables in ({"DEBUG": "true"}, {"KAM_HTTPS": "false"}):
        loaded = load_settings(tmp_path, HTTPS_NAMES, **variables)
        assert loaded.values["SECURE_SSL_REDIRECT"] is False, variables
        assert loaded.values["SECURE_HSTS_SECONDS"] == 0, variables
        assert loaded.values["SESSION_COOKIE_SECURE"] is False, variables


# --- User-written text is escaped ----------------------------------------------------------

EVIL_NAME = "<script>alert('name')</script>"
EVIL_LEGAL = '<img src=x onerror="alert(1)">'
EVIL_NOTES = "</p><iframe src=//evil.example></iframe>"


@pytest.fixture
def evil(head: User, kam: User) -> Account:
    group = services.account_create(
        actor=head, name="<b>Group</b>", owner=kam, tier=Tier.KEY
    ).account
    account = services.account_create(
        actor=kam,
        name=EVIL_NAME,
        legal_name=EVIL_LEGAL,
        industry="<svg onload=alert(2)>",
        notes=EVIL_NOTES,
        parent=group.pk,
        tier=Tier.KEY,
        tier_reason="<marquee>please</marquee>",
    ).account
    services.account_update(
        actor=kam,
        account_id=account.pk,
        expected_version=account.version,
        changes={"notes": EVIL_NOTES + " again"},
    )
    return account


def _assert_escaped(html: str) -> None:
    for raw in (
        EVIL_NAME,
        EVIL_LEGAL,
        "<svg onload",
        "<iframe",
        "<marquee>",
        "<b>Group</b>",
    ):
        assert raw not in html, raw
    assert "onerror=" not in html.replace("onerror=&quot;", "")


@pytest.mark.parametrize(
    "name",
    [
        "web:home",
        "accounts:list",
        "accounts:detail",
        "accounts:history",
        "accounts:edit",
        "accounts:tier_requests",
    ],
)
def test_markup_in_user_written_text_is_shown_escaped(name, evil, head, client_for):
    args = [evil.pk] if name in {"accounts:detail", "accounts:history", "accounts:edit"} else []
    response = client_for(head).get(reverse(name, args=args))
    html = text(response)
    assert response.status_code == 200
    _assert_escaped(html)
    if name != "accounts:edit":
        assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in html


def test_markup_in_names_is_escaped_in_error_messages_and_lookups(evil, kam, client_for):
    client = client_for(kam)
    lookup = text(client.get(reverse("accounts:lookup"), {"parent_search": "script"}))
    _assert_escaped(lookup)
    assert "&lt;script&gt;" in lookup
    # A cycle error names both accounts.
    group = Account.objects.get(name="<b>Group</b>")
    data = {
        "name": group.name,
        "tier": group.tier,
        "parent": evil.pk,
        "version": group.version,
    }
    response = submit(client, reverse("accounts:edit", args=[group.pk]), data)
    html = text(response)
    assert "would make a cycle" in html
    _assert_escaped(html)


def test_markup_in_names_stays_text_in_the_api_and_its_docs_page(evil, head, api_for):
    body = api_for(head).get(f"/api/v1/accounts/{evil.pk}").json()
    assert body["name"] == EVIL_NAME  # stored and returned as the user wrote it, as data
    docs = Client().get("/api/v1/docs")
    assert EVIL_NAME not in text(docs)


# --- Error pages ---------------------------------------------------------------------------


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("<b>Not for you</b>")


# This module doubles as a URLconf for the error page tests: the real one plus failing views.
urlpatterns = [
    path("test-boom/", _boom),
    path("test-forbidden/", _forbidden),
    path("", include("openkam.urls")),
]
handler403 = "openkam.web.views.error_403"
handler404 = "openkam.web.views.error_404"
handler500 = "openkam.web.views.error_500"


@pytest.fixture
def failing_views(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__


def test_an_unexpected_error_shows_the_500_page_with_the_stylesheet(kam, failing_views):
    client = Client(raise_request_exception=False)
    client.force_login(kam)
    response = client.get("/test-boom/")
    html = text(response)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert 'href="/static/openkam/css/app.css"' in html
    assert 'class="error-page card"' in html
    assert "a bug" not in html  # no internals shown
    assert "Content-Security-Policy" in response


def test_the_403_and_404_pages_keep_the_navigation_and_escape_the_reason(
    kam, failing_views, client_for
):
    client = client_for(kam)
    forbidden = client.get("/test-forbidden/")
    assert forbidden.status_code == 403
    assert 'class="topbar"' in text(forbidden)
    assert "&lt;b&gt;Not for you&lt;/b&gt;" in text(forbidden)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert 'class="topbar"' in text(missing)
    assert policy_problems(forbidden) == policy_problems(missing) == []


def test_a_signed_out_visitor_to_an_unknown_address_is_asked_to_sign_in_first():
    response = Client().get("/no-such-page/")
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("users:login"))
