"""The account pages as people use them: the list with its search, filters, sorting and pages;
creating and editing (inline validation, domain errors, a colleague's concurrent change); the
team; deleting; tier approvals; the parent picker; and the error pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.accounts import services
from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier, TierChangeRequest
from openkam.core.choices import Level
from openkam.users.models import Role
from openkam.web.views import error_500
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.pages import submit, text

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:list")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _names_in_order(html: str, names: list[str]) -> list[str]:
    """The given account names in the order the page lists them."""
    found = [(html.find(f">{name}</a>"), name) for name in names]
    return [name for position, name in sorted(found) if position >= 0]


def _edit_data(account: Account, **changes: Any) -> dict[str, Any]:
    """What the edit form posts when the user changes `changes` and leaves the rest."""
    data = {
        "name": account.name,
        "legal_name": account.legal_name,
        "registration_number": account.registration_number,
        "vat_number": account.vat_number,
        "industry": account.industry,
        "country": getattr(account.country, "code", "") or "",
        "website": account.website,
        "parent": account.parent_id or "",
        "tier": account.tier,
        "owner": account.owner_id,
        "notes": account.notes,
        "version": account.version,
    }
    data.update(changes)
    return data


def _hidden_version(html: str) -> int:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the form has no hidden version"
    return int(match.group(1))


# --- The list ------------------------------------------------------------------------------


@pytest.fixture
def portfolio(kam, other_kam):
    """Three of kam's accounts that differ in every filterable column, and one hidden one."""
    return {
        "alfa": AccountFactory(
            name="Alfa Shipping", tier=Tier.KEY, country="SE", industry="Shipping", owner=kam
        ),
        "bravo": AccountFactory(
            name="Bravo Foods",
            tier=Tier.GROWTH,
            country="NO",
            legal_name="Bravo Foods Holding ASA",
            registration_number="987654321",
            owner=kam,
        ),
        "charlie": AccountFactory(
            name="Charlie Mining", tier=Tier.MAINTAIN, country="DK", owner=other_kam
        ),
        "hidden": AccountFactory(name="Hidden Bank", tier=Tier.KEY, country="BG", owner=other_kam),
    }


@pytest.fixture
def on_charlie(portfolio, kam):
    TeamMemberFactory(account=portfolio["charlie"], user=kam, team_role=TeamRole.SALES)
    return portfolio


def test_the_list_shows_the_accounts_the_kam_is_on_and_no_others(on_charlie, kam, client_for):
    html = text(client_for(kam).get(LIST))
    assert _names_in_order(html, ["Alfa Shipping", "Bravo Foods", "Charlie Mining"]) == [
        "Alfa Shipping",
        "Bravo Foods",
        "Charlie Mining",
    ]
    assert "Hidden Bank" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bravo", ["Bravo Foods"]),
        ("Holding ASA", ["Bravo Foods"]),  # legal name
        ("987654321", ["Bravo Foods"]),  # registration number
        ("shipping", ["Alfa Shipping"]),  # name and industry, case-insensitive
        ("bank", []),  # exists, but the KAM may not see it
    ],
)
def test_the_search_box_finds_accounts_by_name_legal_name_number_or_industry(
    query, expected, on_charlie, kam, client_for
):
    html = text(client_for(kam).get(LIST, {"q": query}))
    everyone = ["Alfa Shipping", "Bravo Foods", "Charlie Mining", "Hidden Bank"]
    assert _names_in_order(html, everyone) == expected
    if not expected:
        assert "No account matches these filters." in html


def test_the_tier_country_and_owner_filters_narrow_the_list(on_charlie, kam, other_kam, client_for):
    client = client_for(kam)
    names = ["Alfa Shipping", "Bravo Foods", "Charlie Mining"]
    assert _names_in_order(text(client.get(LIST, {"tier": "key"})), names) == ["Alfa Shipping"]
    assert _names_in_order(text(client.get(LIST, {"country": "NO"})), names) == ["Bravo Foods"]
    by_owner = text(client.get(LIST, {"owner": other_kam.pk}))
    assert _names_in_order(by_owner, names) == ["Charlie Mining"]
    both = text(client.get(LIST, {"tier": "key", "country": "NO"}))
    assert _names_in_order(both, names) == []


def test_the_country_filter_offers_only_countries_of_visible_accounts(on_charlie, kam, client_for):
    html = text(client_for(kam).get(LIST))
    options = re.search(r'<select name="country".*?</select>', html, re.S).group(0)
    assert 'value="SE"' in options
    assert 'value="DK"' in options
    assert 'value="BG"' not in options  # only the hidden account is in Bulgaria


def test_sort_links_sort_by_a_column_and_clicking_again_reverses_it(on_charlie, kam, client_for):
    client = client_for(kam)
    names = ["Alfa Shipping", "Bravo Foods", "Charlie Mining"]
    by_name = client.get(LIST, {"q": "a"})
    links = by_name.context["sort_links"]
    assert links["name"] == {"url": "?q=a&sort=-name", "state": "ascending"}
    assert links["tier"] == {"url": "?q=a&sort=tier", "state": ""}
    assert 'aria-sort="ascending"' in text(by_name)

    reversed_ = client.get(LIST + links["name"]["url"])
    assert _names_in_order(text(reversed_), names) == names[::-1]
    assert reversed_.context["sort_links"]["name"] == {
        "url": "?q=a&sort=name",
        "state": "descending",
    }
    # Tier sorts by its stored value: growth, key, maintain.
    by_tier = text(client.get(LIST + links["tier"]["url"]))
    assert _names_in_order(by_tier, names) == ["Bravo Foods", "Alfa Shipping", "Charlie Mining"]
    by_owner = text(client.get(LIST, {"sort": "-owner"}))
    assert _names_in_order(by_owner, names)[0] == "Charlie Mining"  # Ola Other before Kari


def test_the_list_pages_through_many_accounts_and_keeps_the_filters(kam, client_for, settings):
    settings.KAM_PAGE_SIZE = 5
    for number in range(7):
        AccountFactory(name=f"Fjord {number}", owner=kam, tier=Tier.GROWTH)
    AccountFactory(name="Other Key", owner=kam, tier=Tier.KEY)
    client = client_for(kam)

    first = client.get(LIST, {"tier": "growth", "sort": "name"})
    html = text(first)
    assert [f"Fjord {n}" for n in range(5)] == _names_in_order(
        html, [f"Fjord {n}" for n in range(7)]
    )
    assert "1–5 of 7" in html
    assert 'href="?tier=growth&amp;sort=name&amp;page=2" rel="next"' in html

    second = text(client.get(LIST, {"tier": "growth", "sort": "name", "page": 2}))
    assert _names_in_order(second, [f"Fjord {n}" for n in range(7)]) == ["Fjord 5", "Fjord 6"]
    assert "Other Key" not in second
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    # A page number past the end shows the last page rather than an error.
    assert "6–7 of 7" in text(client.get(LIST, {"tier": "growth", "page": 99}))


def test_htmx_asking_for_the_results_gets_only_the_results_table(on_charlie, kam, client_for):
    client = client_for(kam)
    partial = client.get(
        LIST, {"q": "bravo"}, headers={"HX-Request": "true", "HX-Target": "account-results"}
    )
    html = text(partial)
    assert partial.status_code == 200
    assert "Bravo Foods" in html
    assert "Alfa Shipping" not in html
    assert "<html" not in html
    assert 'role="search"' not in html
    assert partial.templates[0].name == "accounts/_results.html"

    # Another htmx target (or none) gets the whole page.
    whole = client.get(LIST, {"q": "bravo"}, headers={"HX-Request": "true"})
    assert "<html" in text(whole)
    assert 'role="search"' in text(whole)


def _account_with_extras(owner, number: int) -> Account:
    """An account with a parent, a pending tier change, a legal name and a second member."""
    parent = AccountFactory(name=f"Group {number}", owner=owner)
    account = AccountFactory(
        name=f"Account {number}",
        legal_name=f"Account {number} Legal AS",
        owner=owner,
        parent=parent,
        tier=Tier.GROWTH,
    )
    TeamMemberFactory(account=account)
    services.account_update(
        actor=owner, account_id=account.pk, expected_version=1, changes={"tier": Tier.KEY}
    )
    return account


def _count_queries(client, url: str, **kwargs: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx results"])
def test_the_list_runs_the_same_number_of_queries_for_3_and_for_40_accounts(
    htmx, kam, client_for, django_assert_num_queries
):
    other_owner = UserFactory(role=Role.KAM)
    headers = {"HX-Request": "true", "HX-Target": "account-results"} if htmx else {}
    client = client_for(kam)
    for number in range(2):
        _account_with_extras(kam, number)
    shared = _account_with_extras(other_owner, 2)
    TeamMemberFactory(account=shared, user=kam)
    client.get(LIST, headers=headers)  # warm caches (content types, session)
    few = _count_queries(client, LIST, headers=headers)

    for number in range(3, 20):
        _account_with_extras(kam, number)
        shared = _account_with_extras(other_owner, 100 + number)
        TeamMemberFactory(account=shared, user=kam)
    assert Account.objects.count() >= 40
    with django_assert_num_queries(few):
        response = client.get(LIST, headers=headers)
    assert len(response.context["accounts"]) == 25


def test_the_detail_page_runs_the_same_number_of_queries_for_2_and_for_20_members_and_children(
    head, kam, client_for, django_assert_num_queries
):
    account = AccountFactory(name="Mother Group", owner=kam)
    TeamMemberFactory(account=account)
    for number in range(2):
        child = AccountFactory(name=f"Child {number}", parent=account)
        TeamMemberFactory(account=child, user=kam)
    services.account_update(
        actor=kam, account_id=account.pk, expected_version=1, changes={"tier": Tier.KEY}
    )
    url = reverse("accounts:detail", args=[account.pk])
    head_client, kam_client = client_for(head), client_for(kam)
    head_client.get(url)  # warm caches (content types, session)
    kam_client.get(url)
    head_few = _count_queries(head_client, url)
    kam_few = _count_queries(kam_client, url)

    for _ in range(18):
        TeamMemberFactory(account=account, user=UserFactory(role=Role.KAM, job_title="Engineer"))
    for number in range(2, 20):
        child = AccountFactory(name=f"Child {number}", parent=account)
        TeamMemberFactory(account=child, user=kam)
    assert account.team.count() == 20
    assert account.children.count() == 20
    with django_assert_num_queries(head_few):
        head_client.get(url)
    with django_assert_num_queries(kam_few):
        response = kam_client.get(url)
    assert len(response.context["children"]) == 20


# --- Creating and editing ------------------------------------------------------------------


def test_a_kam_creates_an_account_they_own_and_a_key_tier_goes_to_the_head(kam, client_for):
    client = client_for(kam)
    form = client.get(reverse("accounts:create"))
    assert form.status_code == 200
    assert 'name="owner"' not in text(form)  # only the head assigns owners
    response = submit(
        client,
        reverse("accounts:create"),
        {
            "name": "Polar Seafood",
            "country": "NO",
            "website": "polarseafood.example",
            "tier": "key",
            "tier_reason": "Largest buyer in the north.",
        },
    )
    account = Account.objects.get(name="Polar Seafood")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:detail", args=[account.pk])
    assert account.owner == kam
    assert account.tier == Tier.OTHER
    assert account.website == "https://polarseafood.example"
    assert AccountTeamMember.objects.filter(account=account, user=kam).exists()
    request = TierChangeRequest.objects.get(account=account)
    assert (request.to_tier, request.reason) == (Tier.KEY, "Largest buyer in the north.")

    detail = text(client.get(response["Location"]))
    assert "Account Polar Seafood created." in detail
    assert "Tier Key was sent to the head of key accounts for approval." in detail
    assert "Key requested, waiting for approval" in detail


def test_the_head_creates_an_account_for_a_kam_with_its_tier_at_once(head, kam, client_for):
    response = submit(
        client_for(head),
        reverse("accounts:create"),
        {"name": "Baltic Rail", "tier": "key", "owner": kam.pk},
    )
    account = Account.objects.get(name="Baltic Rail")
    assert response.status_code == 302
    assert (account.owner, account.tier) == (kam, Tier.KEY)
    assert not TierChangeRequest.objects.filter(account=account).exists()


def test_the_head_must_choose_an_owner(head, client_for):
    response = submit(client_for(head), reverse("accounts:create"), {"name": "X", "tier": "key"})
    assert response.status_code == 200
    assert not Account.objects.filter(name="X").exists()
    field = re.search(r'id="field-owner".*?</div>', text(response), re.S).group(0)
    assert "This field is required." in field


def test_inline_validation_returns_only_the_changed_field_with_its_error(kam, client_for):
    response = submit(
        client_for(kam),
        reverse("accounts:create") + "?validate=website",
        {"name": "", "website": "not a website", "tier": "other"},
        htmx=True,
    )
    html = text(response).strip()
    assert response.status_code == 200
    assert html.startswith('<div class="field field--invalid" id="field-website"')
    assert "Enter a valid URL." in html
    assert 'value="not a website"' in html
    # Screen readers find the error: the input points at the list that holds it.
    described_by = re.search(r'aria-describedby="([^"]+)"', html).group(1)
    assert f'<ul class="errors" id="{described_by}">' in html
    assert "<html" not in html
    assert "field-name" not in html  # the empty name is not reported here
    assert not Account.objects.exists()


def test_inline_validation_of_a_valid_field_shows_no_error(kam, client_for):
    account = AccountFactory(owner=kam)
    response = submit(
        client_for(kam),
        reverse("accounts:edit", args=[account.pk]) + "?validate=name",
        _edit_data(account, name="Renamed"),
        htmx=True,
    )
    html = text(response).strip()
    assert html.startswith('<div class="field" id="field-name"')
    assert 'value="Renamed"' in html
    account.refresh_from_db()
    assert account.name != "Renamed"  # validating saves nothing


def test_a_parent_below_the_account_is_refused_on_the_parent_field(kam, client_for):
    group = AccountFactory(name="Top Group", owner=kam)
    site = AccountFactory(name="Bergen Site", owner=kam, parent=group)
    response = submit(
        client_for(kam),
        reverse("accounts:edit", args=[group.pk]),
        _edit_data(group, parent=site.pk, name="Top Group Renamed"),
    )
    html = text(response)
    assert response.status_code == 200
    field = re.search(r'id="field-parent".*?</ul>\s*</div>', html, re.S).group(0)
    assert "would make a cycle" in field
    assert "Bergen Site" in field  # the chosen parent is still shown
    assert 'value="Top Group Renamed"' in html
    group.refresh_from_db()
    assert (group.parent_id, group.name) == (None, "Top Group")


def test_a_parent_the_user_may_not_see_is_refused(kam, other_kam, client_for):
    secret = AccountFactory(owner=other_kam)
    response = submit(
        client_for(kam),
        reverse("accounts:create"),
        {"name": "Sneaky", "tier": "other", "parent": secret.pk},
    )
    assert response.status_code == 200
    assert "No such account." in text(response)
    assert secret.name not in text(response)
    assert not Account.objects.filter(name="Sneaky").exists()


def test_a_stale_edit_shows_the_other_change_and_keeps_the_users_input(head, kam, client_for):
    account = AccountFactory(name="Arctic Salmon", industry="Seafood", owner=kam)
    kam_client = client_for(kam)
    opened = text(kam_client.get(reverse("accounts:edit", args=[account.pk])))
    assert _hidden_version(opened) == 1

    # The head saves a change while the KAM is still typing.
    saved = submit(
        client_for(head),
        reverse("accounts:edit", args=[account.pk]),
        _edit_data(account, industry="Aquaculture"),
    )
    assert saved.status_code == 302

    mine = _edit_data(account, name="Arctic Salmon Group", notes="Met the CFO.")
    del mine["owner"]
    response = submit(kam_client, reverse("accounts:edit", args=[account.pk]), mine)
    html = text(response)
    assert response.status_code == 200
    assert "Hedda Head changed this account after you opened it" in html
    assert "<del>Seafood</del>" in html
    assert "<ins>Aquaculture</ins>" in html
    assert 'value="Arctic Salmon Group"' in html
    assert "Met the CFO." in html
    assert _hidden_version(html) == 2
    account.refresh_from_db()
    assert (account.name, account.industry, account.version) == (
        "Arctic Salmon",
        "Aquaculture",
        2,
    )

    # Saving the form again, now with the current version, applies the KAM's values.
    response = submit(
        kam_client, reverse("accounts:edit", args=[account.pk]), {**mine, "version": 2}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.notes, account.version) == (
        "Arctic Salmon Group",
        "Met the CFO.",
        3,
    )


def test_a_kams_tier_change_on_the_edit_page_becomes_a_request(kam, client_for):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    data = _edit_data(account, tier="key", tier_reason="Doubling volume.")
    del data["owner"]
    response = submit(client_for(kam), reverse("accounts:edit", args=[account.pk]), data)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.tier == Tier.GROWTH
    assert TierChangeRequest.objects.get(account=account).to_tier == Tier.KEY


def test_the_head_hands_an_account_to_another_kam_on_the_edit_page(
    head, kam, other_kam, client_for
):
    account = AccountFactory(owner=kam)
    response = submit(
        client_for(head),
        reverse("accounts:edit", args=[account.pk]),
        _edit_data(account, owner=other_kam.pk),
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.owner == other_kam
    lead = AccountTeamMember.objects.get(account=account, team_role=TeamRole.KAM_LEAD)
    assert lead.user == other_kam


# --- The team ------------------------------------------------------------------------------


@pytest.fixture
def team_account(kam, specialist):
    account = AccountFactory(name="Team Account", owner=kam)
    TeamMemberFactory(account=account, user=specialist, team_role=TeamRole.TECHNICAL)
    return account


def test_a_kam_adds_a_colleague_to_the_team_without_javascript(team_account, kam, client_for):
    colleague = UserFactory(role=Role.SPECIALIST, first_name="Cato", last_name="Colleague")
    client = client_for(kam)
    response = submit(
        client,
        reverse("accounts:team_add", args=[team_account.pk]),
        {"user": colleague.pk, "team_role": "finance", "level": "director"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:detail", args=[team_account.pk])
    member = AccountTeamMember.objects.get(account=team_account, user=colleague)
    assert (member.team_role, member.level) == (TeamRole.FINANCE, Level.DIRECTOR)
    assert "Cato Colleague joined the team." in text(client.get(response["Location"]))


def test_adding_to_the_team_with_htmx_returns_the_team_card_with_the_message(
    team_account, kam, client_for
):
    colleague = UserFactory(role=Role.SPECIALIST, first_name="Cato", last_name="Colleague")
    response = submit(
        client_for(kam),
        reverse("accounts:team_add", args=[team_account.pk]),
        {"user": colleague.pk, "team_role": "sales", "level": "specialist"},
        htmx=True,
    )
    html = text(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert "Account team" in html
    assert "Cato Colleague joined the team." in html
    assert html.count('class="name">Cato Colleague') == 1
    # Someone already on the team is no longer offered.
    picker = re.search(r'<select name="user".*?</select>', html, re.S).group(0)
    assert f'value="{colleague.pk}"' not in picker


def test_an_incomplete_team_form_shows_its_error_in_the_team_card(team_account, kam, client_for):
    response = submit(
        client_for(kam),
        reverse("accounts:team_add", args=[team_account.pk]),
        {"user": "", "team_role": "sales", "level": "specialist"},
        htmx=True,
    )
    html = text(response)
    assert response.status_code == 200
    field = re.search(r'id="field-user".*?</div>', html, re.S).group(0)
    assert "This field is required." in field
    assert AccountTeamMember.objects.filter(account=team_account).count() == 2


def test_a_specialist_cannot_change_the_team_even_with_an_incomplete_form(
    team_account, specialist, client_for
):
    client = client_for(specialist)
    add = submit(client, reverse("accounts:team_add", args=[team_account.pk]), {})
    member = AccountTeamMember.objects.get(account=team_account, user=specialist)
    update = submit(client, reverse("accounts:team_update", args=[team_account.pk, member.pk]), {})
    assert (add.status_code, update.status_code) == (403, 403)


def test_an_unknown_team_role_is_reported_and_nothing_changes(
    team_account, kam, specialist, client_for
):
    member = AccountTeamMember.objects.get(account=team_account, user=specialist)
    response = submit(
        client_for(kam),
        reverse("accounts:team_update", args=[team_account.pk, member.pk]),
        {"team_role": "astronaut", "level": "director"},
        htmx=True,
    )
    assert "Select a valid choice." in text(response)
    member.refresh_from_db()
    assert (member.team_role, member.level) == (TeamRole.TECHNICAL, Level.SPECIALIST)


def test_a_kam_changes_a_members_role_and_level(team_account, kam, specialist, client_for):
    member = AccountTeamMember.objects.get(account=team_account, user=specialist)
    url = reverse("accounts:team_update", args=[team_account.pk, member.pk])
    client = client_for(kam)
    response = submit(client, url, {"team_role": "service", "level": "director"}, htmx=True)
    assert response.status_code == 200
    assert "Team member updated." in text(response)
    assert 'value="service" selected' in text(response)
    member.refresh_from_db()
    assert (member.team_role, member.level) == (TeamRole.SERVICE, Level.DIRECTOR)

    without_js = submit(client, url, {"team_role": "sales", "level": "specialist"})
    assert without_js.status_code == 302
    member.refresh_from_db()
    assert member.team_role == TeamRole.SALES


def test_the_owner_stays_the_team_lead(team_account, kam, client_for):
    owner = AccountTeamMember.objects.get(account=team_account, user=kam)
    client = client_for(kam)
    response = submit(
        client,
        reverse("accounts:team_update", args=[team_account.pk, owner.pk]),
        {"team_role": "sales", "level": "director"},
        htmx=True,
    )
    assert "The account&#x27;s owner leads its team" in text(response)
    removal = submit(
        client, reverse("accounts:team_remove", args=[team_account.pk, owner.pk]), htmx=True
    )
    assert "owner cannot leave its team" in text(removal)
    owner.refresh_from_db()
    assert owner.team_role == TeamRole.KAM_LEAD


def test_a_kam_removes_a_member_with_and_without_htmx(team_account, kam, specialist, client_for):
    colleague = TeamMemberFactory(account=team_account, user__first_name="Cato")
    member = AccountTeamMember.objects.get(account=team_account, user=specialist)
    client = client_for(kam)

    partial = submit(
        client, reverse("accounts:team_remove", args=[team_account.pk, member.pk]), htmx=True
    )
    assert partial.status_code == 200
    assert "Removed from the team." in text(partial)
    assert "Siri Spec" not in re.search(r"<tbody>.*?</tbody>", text(partial), re.S).group(0)

    page = submit(client, reverse("accounts:team_remove", args=[team_account.pk, colleague.pk]))
    assert page.status_code == 302
    assert list(team_account.team.values_list("user", flat=True)) == [kam.pk]
    # The specialist no longer sees the account.
    detail = client.get(reverse("accounts:detail", args=[team_account.pk]))
    assert detail.status_code == 200
    assert "Removed from the team." in text(detail)


def test_a_removed_specialist_no_longer_sees_the_account(team_account, kam, specialist, client_for):
    member = AccountTeamMember.objects.get(account=team_account, user=specialist)
    url = reverse("accounts:detail", args=[team_account.pk])
    assert client_for(specialist).get(url).status_code == 200
    submit(client_for(kam), reverse("accounts:team_remove", args=[team_account.pk, member.pk]))
    assert client_for(specialist).get(url).status_code == 404


# --- Deleting ------------------------------------------------------------------------------


def test_the_head_deletes_an_account(head, kam, client_for):
    account = AccountFactory(name="Old Client", owner=kam)
    client = client_for(head)
    detail = text(client.get(reverse("accounts:detail", args=[account.pk])))
    assert reverse("accounts:delete", args=[account.pk]) in detail
    response = submit(client, reverse("accounts:delete", args=[account.pk]))
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Account.objects.filter(pk=account.pk).exists()
    assert "Account Old Client deleted." in text(client.get(LIST))


def test_an_account_with_children_is_not_deleted_and_the_head_is_told_why(head, client_for):
    group = AccountFactory(name="Group With Sites")
    AccountFactory(parent=group)
    client = client_for(head)
    response = submit(client, reverse("accounts:delete", args=[group.pk]))
    assert response["Location"] == reverse("accounts:detail", args=[group.pk])
    assert "has 1 child account;" in text(client.get(response["Location"]))
    assert Account.objects.filter(pk=group.pk).exists()


def test_a_kam_sees_no_delete_button(kam, client_for):
    account = AccountFactory(owner=kam)
    detail = text(client_for(kam).get(reverse("accounts:detail", args=[account.pk])))
    assert reverse("accounts:delete", args=[account.pk]) not in detail
    assert reverse("accounts:edit", args=[account.pk]) in detail


# --- Tier approvals ------------------------------------------------------------------------


@pytest.fixture
def tier_request(kam):
    account = AccountFactory(name="Nordic Steel", owner=kam, tier=Tier.GROWTH)
    result = services.account_update(
        actor=kam,
        account_id=account.pk,
        expected_version=1,
        changes={"tier": Tier.KEY},
        tier_reason="Three-year frame agreement.",
    )
    return result.tier_request


def test_the_head_sees_waiting_tier_changes_and_approves_one(head, tier_request, client_for):
    client = client_for(head)
    page = text(client.get(reverse("accounts:tier_requests")))
    assert "Nordic Steel" in page
    assert "Three-year frame agreement." in page
    assert reverse("accounts:tier_request_decide", args=[tier_request.pk]) in page

    response = submit(
        client,
        reverse("accounts:tier_request_decide", args=[tier_request.pk]),
        {"decision": "approve", "note": "Agreed.", "next": reverse("accounts:tier_requests")},
    )
    assert response["Location"] == reverse("accounts:tier_requests")
    after = text(client.get(response["Location"]))
    assert "Nordic Steel is now Key." in after
    assert "No tier change is waiting for approval." in after
    tier_request.refresh_from_db()
    tier_request.account.refresh_from_db()
    assert (tier_request.status, tier_request.decision_note) == ("approved", "Agreed.")
    assert tier_request.account.tier == Tier.KEY


def test_the_head_rejects_a_tier_change_from_the_account_page(head, tier_request, client_for):
    client = client_for(head)
    detail_url = reverse("accounts:detail", args=[tier_request.account_id])
    detail = text(client.get(detail_url))
    assert "Kari Kam asks to move this account from Growth to Key." in detail
    response = submit(
        client,
        reverse("accounts:tier_request_decide", args=[tier_request.pk]),
        {"decision": "reject", "next": detail_url},
    )
    assert response["Location"] == detail_url
    assert "Tier change for Nordic Steel rejected." in text(client.get(detail_url))
    tier_request.account.refresh_from_db()
    assert tier_request.account.tier == Tier.GROWTH


def test_a_decision_never_redirects_to_another_site(head, tier_request, client_for):
    response = submit(
        client_for(head),
        reverse("accounts:tier_request_decide", args=[tier_request.pk]),
        {"decision": "approve", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("accounts:tier_requests")


def test_deciding_twice_tells_the_head_it_was_already_decided(head, tier_request, client_for):
    client = client_for(head)
    url = reverse("accounts:tier_request_decide", args=[tier_request.pk])
    submit(client, url, {"decision": "approve"})
    response = submit(client, url, {"decision": "reject"})
    assert "This request was already approved." in text(client.get(response["Location"]))


def test_a_kam_sees_their_request_on_the_approvals_page_without_decision_buttons(
    kam, tier_request, client_for
):
    page = text(client_for(kam).get(reverse("accounts:tier_requests")))
    assert "Nordic Steel" in page
    assert reverse("accounts:tier_request_decide", args=[tier_request.pk]) not in page


# --- History -------------------------------------------------------------------------------


def test_the_history_page_says_who_changed_what_in_sentences(kam, specialist, client_for):
    account = AccountFactory(owner=kam, name="Fjord Fisk", industry="Seafood")
    services.account_team_member_add(
        actor=kam, account_id=account.pk, user=specialist, team_role="technical", level="director"
    )
    services.account_update(
        actor=kam,
        account_id=account.pk,
        expected_version=1,
        changes={"industry": "Aquaculture"},
    )
    html = text(client_for(kam).get(reverse("accounts:history", args=[account.pk])))
    assert re.search(
        r"Kari Kam</strong>\s+added <em>Siri Spec \(Technical\)</em> to the team", html
    )
    assert "<del>Seafood</del> → <ins>Aquaculture</ins>" in html


def test_the_overview_names_the_account_of_each_latest_change(kam, specialist, client_for):
    account = AccountFactory(owner=kam, name="Fjord Fisk")
    services.account_team_member_add(
        actor=kam, account_id=account.pk, user=specialist, team_role="technical", level="director"
    )
    html = text(client_for(kam).get(reverse("web:home")))
    assert "added <em>Siri Spec (Technical)</em> to the team" in html
    detail = reverse("accounts:detail", args=[account.pk])
    assert f'<a href="{detail}">Fjord Fisk</a>' in html


# --- Parent picker -------------------------------------------------------------------------


def test_the_parent_lookup_offers_only_visible_accounts_and_not_the_account_itself(
    kam, other_kam, client_for
):
    own = AccountFactory(name="Nordic Holding", owner=kam)
    sibling = AccountFactory(name="Nordic Trading", owner=kam)
    AccountFactory(name="Nordic Secret", owner=other_kam)
    client = client_for(kam)
    html = text(
        client.get(reverse("accounts:lookup"), {"parent_search": "nordic", "exclude": own.pk})
    )
    assert f'data-pick-value="{sibling.pk}"' in html
    assert 'data-pick-label="Nordic Trading"' in html
    assert "Nordic Holding" not in html
    assert "Nordic Secret" not in html
    nothing = text(client.get(reverse("accounts:lookup"), {"parent_search": "secret"}))
    assert "No matching account." in nothing
    assert text(client.get(reverse("accounts:lookup"))).strip() == ""


# --- Error pages ---------------------------------------------------------------------------


def test_the_403_page_explains_what_the_user_may_not_do(specialist, client_for):
    account = AccountFactory()
    TeamMemberFactory(account=account, user=specialist)
    response = client_for(specialist).get(reverse("accounts:edit", args=[account.pk]))
    html = text(response)
    assert response.status_code == 403
    assert "You may not do this" in html
    assert "You may read this account but not change it." in html
    assert 'class="topbar"' in html  # the normal layout, navigation included


def test_the_404_page_does_not_say_whether_the_account_exists(kam, client_for):
    response = client_for(kam).get(reverse("accounts:detail", args=[999999]))
    html = text(response)
    assert response.status_code == 404
    assert "This page does not exist, or you do not have access to it." in html
    assert "Back to the overview" in html


def test_an_unknown_address_shows_the_404_page(kam, client_for):
    response = client_for(kam).get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in text(response)


def test_the_500_page_renders_without_a_request_context():
    response = error_500(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "/static/openkam/css/app.css" in html
