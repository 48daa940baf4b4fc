"""Contact cadence: intervals per tier and per account, and the accounts and key people that
have gone beyond theirs, for each KAM and for the head."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openkam.cadence import selectors, services
from openkam.cadence.jobs import alert_neglected
from openkam.core.errors import ForbiddenError
from openkam.notifications.models import Notification
from openkam.notifications.scheduler import JobContext
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import InteractionFactory, PersonFactory
from tests.pages import submit, text

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def met(account, days_ago: int, *people, kind: str = "meeting"):
    interaction = InteractionFactory(account=account, occurred_at=ago(days_ago), kind=kind)
    interaction.their_participants.add(*people)
    return interaction


def old_account(**kwargs):
    """An account we have served for a year (tracking starts when it was created)."""
    account = AccountFactory(**kwargs)
    type(account).objects.filter(pk=account.pk).update(created_at=ago(365))
    account.refresh_from_db()
    return account


def test_the_defaults_are_key_14_growth_30_maintain_90_and_other_untracked(db):
    intervals = selectors.tier_intervals()
    assert {tier: i.account_days for tier, i in intervals.items()} == {
        "key": 14,
        "growth": 30,
        "maintain": 90,
        "other": None,
    }


def test_an_account_beyond_its_interval_is_neglected_by_the_days_past_it(head, kam):
    late = old_account(name="Late Key", owner=kam, tier="key")
    fine = old_account(name="Fine Key", owner=kam, tier="key")
    growth = old_account(name="Growth Ok", owner=kam, tier="growth")
    other = old_account(name="Other Never", owner=kam, tier="other")
    met(late, 20)
    met(late, 16, kind="note")  # a note is not contact
    met(fine, 3)
    met(growth, 25)
    report = selectors.neglected(user=head)
    rows = {row.account.name: row for row in report.accounts}
    assert set(rows) == {"Late Key"}
    assert rows["Late Key"].days_overdue == 6
    assert rows["Late Key"].interval == 14
    assert report.tracked == 3  # "other" is not tracked
    assert other.name not in rows


def test_a_never_contacted_account_counts_from_when_it_was_recorded(head, kam):
    old_account(name="Silent", owner=kam, tier="maintain")  # a year old, never contacted
    AccountFactory(name="Brand new", owner=kam, tier="key")  # created today
    names = [row.account.name for row in selectors.neglected(user=head).accounts]
    assert names == ["Silent"]
    assert selectors.neglected(user=head).accounts[0].never_contacted


def test_an_account_override_and_an_exemption_win_over_the_tier(head, kam):
    strict = old_account(name="Renewal", owner=kam, tier="growth")
    exempt = old_account(name="Site", owner=kam, tier="key")
    met(strict, 9)
    met(exempt, 100)
    services.account_cadence_update(
        actor=kam, account_id=strict.pk, exempt=False, max_days=7, key_people_max_days=None
    )
    services.account_cadence_update(
        actor=head, account_id=exempt.pk, exempt=True, max_days=None, key_people_max_days=None
    )
    rows = {row.account.name: row.days_overdue for row in selectors.neglected(user=head).accounts}
    assert rows == {"Renewal": 2}


def test_the_head_edits_the_tiers_and_nobody_else_does(head, kam):
    services.tier_cadence_update(actor=head, tier="key", max_days=10, key_people_max_days=20)
    assert selectors.tier_intervals()["key"].account_days == 10
    with pytest.raises(ForbiddenError):
        services.tier_cadence_update(actor=kam, tier="key", max_days=5, key_people_max_days=None)
    with pytest.raises(ValidationError) as error:
        services.tier_cadence_update(actor=head, tier="key", max_days=0, key_people_max_days=None)
    assert "max_days" in error.value.message_dict


def test_a_specialist_cannot_change_an_accounts_interval(kam, specialist):
    account = AccountFactory(owner=kam, tier="key")
    TeamMemberFactory(account=account, user=specialist)
    with pytest.raises(ForbiddenError):
        services.account_cadence_update(
            actor=specialist,
            account_id=account.pk,
            exempt=True,
            max_days=None,
            key_people_max_days=None,
        )


def test_decision_makers_and_economic_buyers_have_their_own_interval(head, kam):
    account = old_account(name="Key", owner=kam, tier="key")
    boss = PersonFactory(account=account, last_name="Boss", buying_role="decision_maker")
    money = PersonFactory(account=account, last_name="Money", buying_role="economic_buyer")
    user = PersonFactory(account=account, last_name="User", buying_role="user")
    for person in (boss, money, user):
        type(person).objects.filter(pk=person.pk).update(created_at=ago(365))
    met(account, 2, user)  # the account is in touch...
    met(account, 40, boss)  # ...but the decision maker last heard from us 40 days ago
    report = selectors.neglected(user=head)
    people = {row.stakeholder.last_name: row for row in report.people}
    assert set(people) == {"Boss", "Money"}  # key interval for people is 30 days
    assert people["Boss"].days_overdue == 10
    assert people["Money"].never_contacted
    assert report.accounts == []


def test_a_kam_sees_their_own_accounts_by_default_and_the_head_sees_all(
    client_for, head, kam, other_kam
):
    old_account(name="Mine Late", owner=kam, tier="key")
    old_account(name="Theirs Late", owner=other_kam, tier="key")
    mine = client_for(kam).get(reverse("cadence:neglected"))
    assert "Mine Late" in text(mine)
    assert "Theirs Late" not in text(mine)
    everyone = client_for(head).get(reverse("cadence:neglected"))
    assert "Mine Late" in text(everyone)
    assert "Theirs Late" in text(everyone)
    one = client_for(head).get(reverse("cadence:neglected") + f"?kam={other_kam.pk}")
    assert "Mine Late" not in text(one)
    assert "Theirs Late" in text(one)


def test_the_neglected_list_costs_the_same_queries_for_few_or_many_accounts(
    head, kam, django_assert_num_queries
):
    def grow(n: int) -> None:
        for i in range(n):
            account = old_account(owner=kam, tier="key")
            met(account, 20 + i, PersonFactory(account=account, buying_role="decision_maker"))

    # Tiers, the accounts' values, their last contact, the key people, their last contact, and
    # the account objects of the report's rows.
    grow(2)
    with django_assert_num_queries(6):
        few = selectors.neglected(user=head)
    grow(10)
    with django_assert_num_queries(6):
        many = selectors.neglected(user=head)
    assert (len(few.accounts), len(many.accounts)) == (2, 12)


def test_the_neglected_page_runs_fixed_queries(client_for, head, kam, django_assert_num_queries):
    client = client_for(head)
    for _ in range(2):
        old_account(owner=kam, tier="key")
    client.get(reverse("cadence:neglected"))
    with django_assert_num_queries(8) as few:
        client.get(reverse("cadence:neglected"))
    for _ in range(8):
        old_account(owner=kam, tier="growth")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cadence:neglected"))
    assert len(page.context["report"].accounts) == 10


def test_the_head_saves_all_tiers_from_the_settings_page(client_for, head, kam):
    data = {
        "key-max_days": "10",
        "key-key_people_max_days": "21",
        "growth-max_days": "30",
        "growth-key_people_max_days": "",
        "maintain-max_days": "90",
        "maintain-key_people_max_days": "",
        "other-max_days": "180",
        "other-key_people_max_days": "",
    }
    response = submit(client_for(head), reverse("cadence:settings"), data)
    assert response.status_code == 302
    intervals = selectors.tier_intervals()
    assert intervals["key"].account_days == 10
    assert intervals["other"].account_days == 180
    assert intervals["growth"].people_days is None
    assert submit(client_for(kam), reverse("cadence:settings"), data).status_code == 403


def test_the_account_panel_shows_last_contact_and_the_next_contact_date(client_for, kam):
    account = old_account(name="Key", owner=kam, tier="key")
    met(account, 4)
    page = client_for(kam).get(reverse("cadence:account_panel", args=[account.pk]))
    contact = page.context["contact"]
    assert contact.interval == 14
    assert not contact.neglected
    assert contact.due_on == timezone.localdate() + datetime.timedelta(days=10)
    assert "Next contact by" in text(page)


def test_the_kam_hears_once_when_an_account_lapses(kam):
    account = old_account(name="Quiet", owner=kam, tier="key")
    met(account, 30)
    context = JobContext(
        job="cadence.neglect_alerts", period="x", now=timezone.now(), worker_id="t", attempt=1
    )
    alert_neglected(context)
    alert_neglected(context)
    notes = Notification.objects.filter(recipient=kam, kind="account_neglected")
    assert notes.count() == 1
    assert "Quiet" in notes.get().title
    met(account, 1)  # contact again...
    alert_neglected(context)
    assert notes.count() == 1  # ...and nothing new while within the interval


def test_the_api_reads_and_sets_cadence_and_lists_the_neglected(api_for, head, kam):
    account = old_account(name="Late", owner=kam, tier="key")
    met(account, 20)
    client = api_for(kam)
    state = client.get(f"{API}/accounts/{account.pk}/cadence").json()
    assert (state["effective_max_days"], state["days_overdue"]) == (14, 6)
    changed = client.put(
        f"{API}/accounts/{account.pk}/cadence",
        {"max_days": 30, "note": "Quiet season."},
        content_type="application/json",
    ).json()
    assert (changed["effective_max_days"], changed["days_overdue"]) == (30, 0)
    assert client.get(f"{API}/cadence/neglected").json()["accounts"] == []
    tiers = api_for(head).put(
        f"{API}/cadence/tiers/growth",
        {"max_days": 45, "key_people_max_days": None},
        content_type="application/json",
    )
    assert tiers.json()["max_days"] == 45
    assert tiers.json()["customised"] is True
