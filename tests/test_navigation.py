"""The top bar: the sections are grouped into menus (Accounts, Follow-up, Administration, the
user's own menu), each role sees the links it may follow and no others, the page's own link
carries aria-current="page" and its menu says it holds the current page. The menus are
<details> disclosures and the small-screen toggle is a link to its panel, so everything works
without JavaScript. Behaviour in a real browser: tests/test_browser_navigation.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import AccountFactory
from tests.pages import text

pytestmark = pytest.mark.django_db


class TopBar(HTMLParser):
    """The links of the top bar (href -> attributes) and its menus (label -> attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, dict[str, str | None]] = {}
        self.menus: dict[str, dict[str, str | None]] = {}
        self._in_header = False
        self._summary: dict[str, str | None] | None = None
        self._summary_text = ""
        self._hidden: list[str] = []  # open elements hidden from screen readers (the avatar)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "header":
            self._in_header = True
        if not self._in_header:
            return
        if tag == "a" and values.get("href"):
            self.links[str(values["href"])] = values
        if tag == "summary":
            self._summary, self._summary_text = values, ""
        if self._hidden or values.get("aria-hidden") == "true":
            self._hidden.append(tag)

    def handle_data(self, data: str) -> None:
        if self._summary is not None and not self._hidden:
            self._summary_text += data

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()
        if tag == "header":
            self._in_header = False
        if tag == "summary" and self._summary is not None:
            self.menus[self._summary_text.strip()] = self._summary
            self._summary = None


def top_bar(client, url: str) -> TopBar:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = TopBar()
    parser.feed(text(response))
    return parser


def current(bar: TopBar) -> list[str]:
    return [href for href, attrs in bar.links.items() if attrs.get("aria-current") == "page"]


def open_menus(bar: TopBar) -> list[str]:
    return [label for label, attrs in bar.menus.items() if attrs.get("aria-current") == "true"]


CLIENT_LINKS = {"accounts:list", "stakeholders:list", "knowledge:library"}
FOLLOW_UP = {"commitments:list", "cadence:neglected"}
EVERYONE = {"web:home", "notifications:list", "users:profile", "api:openapi-view"}
ANYWHERE = {
    "accounts:tier_requests",
    "digest:list",
    "insights:portfolio",
    "imports:list",
    "currency:rates",
    "users:list",
    "calendarfeed:page",
    *CLIENT_LINKS,
    *FOLLOW_UP,
    *EVERYONE,
}
VISIBLE = {
    "head": {
        *EVERYONE,
        *CLIENT_LINKS,
        *FOLLOW_UP,
        "accounts:tier_requests",
        "digest:list",
        "insights:portfolio",
        "imports:list",
        "currency:rates",
        "calendarfeed:page",
    },
    "kam": {
        *EVERYONE,
        *CLIENT_LINKS,
        *FOLLOW_UP,
        "digest:list",
        "insights:portfolio",
        "calendarfeed:page",
    },
    "specialist": {*EVERYONE, *CLIENT_LINKS, *FOLLOW_UP, "calendarfeed:page"},
    "admin_user": {*EVERYONE, "users:list", "currency:rates"},
}
MENUS = {
    "head": ["Accounts", "Follow-up", "Administration"],
    "kam": ["Accounts", "Follow-up"],
    "specialist": ["Accounts", "Follow-up"],
    "admin_user": [],
}


@pytest.mark.parametrize("role", list(VISIBLE))
def test_each_role_finds_the_sections_it_may_open_and_no_others(role, request, client_for):
    user = request.getfixturevalue(role)
    bar = top_bar(client_for(user), reverse("users:profile"))
    shown = {name for name in ANYWHERE if reverse(name) in bar.links}
    assert shown == VISIBLE[role]
    assert [label for label in bar.menus if label != str(user)] == MENUS[role]
    assert str(user) in bar.menus  # the user's own menu: profile, calendar feed, API, sign out


@pytest.mark.parametrize(
    ("url_name", "menu"),
    [
        ("accounts:list", "Accounts"),
        ("accounts:tier_requests", "Accounts"),
        ("stakeholders:list", "Accounts"),
        ("knowledge:library", "Accounts"),
        ("commitments:list", "Follow-up"),
        ("cadence:neglected", "Follow-up"),
        ("digest:list", "Follow-up"),
        ("imports:list", "Administration"),
        ("currency:rates", "Administration"),
        ("insights:portfolio", None),
        ("web:home", None),
    ],
)
def test_the_page_is_marked_current_and_so_is_the_menu_holding_it(url_name, menu, head, client_for):
    bar = top_bar(client_for(head), reverse(url_name))
    assert current(bar) == [reverse(url_name)]
    assert open_menus(bar) == ([menu] if menu else [])


def test_an_account_page_keeps_all_accounts_current(head, client_for):
    account = AccountFactory(owner=head)
    bar = top_bar(client_for(head), reverse("accounts:detail", args=[account.pk]))
    assert current(bar) == [reverse("accounts:list")]
    assert open_menus(bar) == ["Accounts"]


def test_the_profile_is_current_in_the_users_own_menu(kam, client_for):
    bar = top_bar(client_for(kam), reverse("users:profile"))
    assert current(bar) == [reverse("users:profile")]
    assert open_menus(bar) == [str(kam)]


def test_the_administrators_sections_stand_in_the_bar_itself(admin_user, client_for):
    bar = top_bar(client_for(admin_user), reverse("users:list"))
    assert current(bar) == [reverse("users:list")]
    assert open_menus(bar) == []
    assert reverse("currency:rates") in bar.links


def test_the_menus_work_without_javascript(kam, client_for):
    html = text(client_for(kam).get(reverse("web:home")))
    header = html[html.index('<header class="topbar">') : html.index("</header>")]
    # Disclosure menus open natively; the small-screen toggle links to the panel it shows.
    assert header.count("<details") == header.count("</details>") == 3
    toggle = re.search(r'<a class="nav-toggle" href="#([\w-]+)" aria-controls="([\w-]+)"', header)
    assert toggle
    assert toggle.group(1) == toggle.group(2)
    assert f'id="{toggle.group(1)}"' in header
    assert 'role="search"' in header  # the search box stays in the bar
    assert reverse("notifications:badge") in header  # and so does the bell
    assert " style=" not in header
    assert "<script" not in header
    assert not re.search(r"\son[a-z]+=", header)


def test_the_new_labels_are_translated(kam, client_for):
    kam.language = "nb"
    kam.save(update_fields=["language"])
    html = text(client_for(kam).get(reverse("web:home")))
    for english, norwegian in (
        ("Follow-up", "Oppfølging"),
        ("Menu", "Meny"),
        ("Profile", "Profil"),
    ):
        assert f">{norwegian}<" in html
        assert f">{english}<" not in html
