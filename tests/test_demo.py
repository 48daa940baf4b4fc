"""`kam demo`: about 40 accounts in Norway, Sweden, Hungary, Bulgaria, Russia and the UK, with
groups and their sites and with teams; the printed logins work and give each demo user the
access of their role; and running it again changes nothing at all."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from openkam.accounts.management.commands.demo import DEMO_USERS, demo_plan
from openkam.accounts.models import (
    Account,
    AccountTeamMember,
    TeamRole,
    Tier,
    TierChangeRequest,
    TierChangeStatus,
)
from openkam.accounts.selectors import accounts_visible_to
from openkam.accounts.services import account_create, account_update, tier_request_decide
from openkam.core.models import AuditEntry
from openkam.currency.models import ExchangeRate
from openkam.currency.services import exchange_rate_delete
from openkam.knowledge.models import KnowledgeEntry
from openkam.knowledge.services import knowledge_delete
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.services import stakeholder_create, stakeholder_delete
from openkam.users.models import Role, User
from tests.pages import submit, text

pytestmark = pytest.mark.django_db

COUNTRIES = {"NO", "SE", "HU", "BG", "RU", "GB"}


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHER


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once for this module and removed after it (loading takes seconds).

    Each test still runs in its own transaction, so what a test changes is rolled back.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        output = run_demo()
    yield output
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def row_counts() -> dict[str, int]:
    """The number of rows in every table of the database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def printed_logins(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+password (\S+)", output, re.M))


# --- Idempotent ----------------------------------------------------------------------------


def test_running_the_demo_twice_changes_nothing_in_any_table(demo_output):
    counts = row_counts()
    entries = list(AuditEntry.objects.order_by("id").values_list("id", "changes"))
    versions = dict(Account.objects.values_list("name", "version"))
    passwords = dict(User.objects.values_list("username", "password"))

    second = run_demo()

    assert row_counts() == counts
    assert list(AuditEntry.objects.order_by("id").values_list("id", "changes")) == entries
    assert dict(Account.objects.values_list("name", "version")) == versions
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "(0 created by this run)" in second


def _audit_trail() -> list[tuple[int, Any]]:
    return list(AuditEntry.objects.order_by("id").values_list("id", "changes"))


def test_a_second_run_adds_nothing_after_the_head_approved_and_changed_tiers(demo_output):
    head = User.objects.get(username="head")
    for request in TierChangeRequest.objects.filter(status=TierChangeStatus.PENDING):
        tier_request_decide(actor=head, request_id=request.pk, approve=True)
    # The head also moves accounts between tiers directly: one up from "other" to key (the
    # loaders used to fill key and growth accounts by their current tier), one key down.
    for from_tier, to_tier in ((Tier.OTHER, Tier.KEY), (Tier.KEY, Tier.MAINTAIN)):
        account = Account.objects.filter(tier=from_tier).order_by("registration_number").first()
        assert account is not None
        account_update(
            actor=head,
            account_id=account.pk,
            expected_version=account.version,
            changes={"tier": to_tier},
        )
    counts = row_counts()
    trail = _audit_trail()

    run_demo()

    added = {table: row_counts()[table] - n for table, n in counts.items()}
    assert {table: n for table, n in added.items() if n} == {}
    assert _audit_trail() == trail


def test_what_users_deleted_or_created_between_runs_is_left_as_they_left_it(demo_output):
    head = User.objects.get(username="head")
    people_account = Stakeholder.objects.order_by("account_id").first().account
    for person in Stakeholder.objects.filter(account=people_account):
        stakeholder_delete(actor=head, stakeholder_id=person.pk)
    library_entry = KnowledgeEntry.objects.filter(account__isnull=True).order_by("pk").first()
    knowledge_delete(actor=head, entry_id=library_entry.pk)
    for entry in KnowledgeEntry.objects.filter(account=people_account):
        knowledge_delete(actor=head, entry_id=entry.pk)
    exchange_rate_delete(actor=head, rate_id=ExchangeRate.objects.order_by("pk").first().pk)
    # A real client a user added, as important as the demo's key accounts.
    kam1 = User.objects.get(username="kam1")
    client = account_create(
        actor=head, name="Fjordkraft Industri AS", country="NO", tier=Tier.KEY, owner=kam1
    ).account
    stakeholder_create(actor=kam1, account_id=client.pk, first_name="Ingrid", last_name="Berg")
    counts = row_counts()
    trail = _audit_trail()

    run_demo()

    assert row_counts() == counts
    assert _audit_trail() == trail
    assert not Stakeholder.objects.filter(account=people_account).exists()
    assert not KnowledgeEntry.objects.filter(title=library_entry.title).exists()


def test_the_portfolio_follows_the_seed_alone(demo_output):
    planned = {(p.country, p.registration_number): p for p in demo_plan()}
    created = {(a.country, a.registration_number): a for a in Account.objects.all()}
    assert planned.keys() == created.keys()
    assert all(created[key].name == plan.name for key, plan in planned.items())
    assert demo_plan() == demo_plan(2026)
    assert demo_plan(7) != demo_plan()


def test_the_demo_keeps_changes_a_user_made_to_its_records(demo_output):
    account = Account.objects.order_by("name").first()
    assert account is not None
    Account.objects.filter(pk=account.pk).update(notes="Edited by a user")
    run_demo()
    account.refresh_from_db()
    assert account.notes == "Edited by a user"


# --- The portfolio -------------------------------------------------------------------------


def test_about_forty_accounts_spread_over_the_six_countries(demo_output):
    per_country = Counter(Account.objects.values_list("country", flat=True))
    assert 35 <= sum(per_country.values()) <= 45
    assert set(per_country) == COUNTRIES
    assert min(per_country.values()) >= 5
    assert "Demo portfolio ready: 40 accounts (40 created by this run)." in demo_output


def test_names_are_real_looking_unique_and_in_the_countrys_own_script(demo_output):
    names = list(Account.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)
    assert not [name for name in names if re.search(r"(?i)lorem|test|example|company \d", name)]
    bulgarian_or_russian = Account.objects.filter(country__in=["BG", "RU"], parent__isnull=True)
    assert all(re.search("[А-Яа-я]", a.name) for a in bulgarian_or_russian)


def test_every_country_has_a_group_with_two_sites(demo_output):
    for country in COUNTRIES:
        groups = Account.objects.filter(country=country, children__isnull=False).distinct()
        assert groups.count() == 1, country
        group = groups.get()
        sites = list(group.children.all())
        assert len(sites) == 2
        assert all(site.name.startswith(f"{group.name} – ") for site in sites)
        assert all(site.industry == group.industry for site in sites)


def test_accounts_carry_company_details_and_every_tier_is_used(demo_output):
    accounts = Account.objects.all()
    assert all(a.registration_number and a.vat_number and a.industry for a in accounts)
    assert all(a.website.startswith("https://") for a in accounts)
    assert {a.tier for a in accounts} == {"key", "growth", "maintain", "other"}
    numbers = Counter((a.country, a.registration_number) for a in accounts)
    assert max(numbers.values()) == 1


def test_every_account_has_a_team_led_by_its_owner(demo_output):
    for account in Account.objects.select_related("owner"):
        team = {m.user_id: m.team_role for m in AccountTeamMember.objects.filter(account=account)}
        assert team.get(account.owner_id) == TeamRole.KAM_LEAD, account.name
    sizes = Counter(AccountTeamMember.objects.values_list("account_id", flat=True))
    assert max(sizes.values()) >= 3  # some teams have several people
    specialist = User.objects.get(username="specialist")
    assert AccountTeamMember.objects.filter(user=specialist).count() >= 10


def test_the_demo_users_have_their_roles_and_the_kams_share_the_portfolio(demo_output):
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {demo.username: demo.role for demo in DEMO_USERS}
    assert {
        "head": Role.HEAD,
        "kam1": Role.KAM,
        "kam2": Role.KAM,
        "specialist": Role.SPECIALIST,
        "admin": Role.ADMIN,
    }.items() <= roles.items()
    owners = Counter(Account.objects.values_list("owner__username", flat=True))
    assert owners["kam1"] >= 15
    assert owners["kam2"] >= 10


def test_the_demo_history_comes_from_the_services(demo_output):
    head = User.objects.get(username="head")
    created = AuditEntry.objects.filter(target_type__model="account", action="create")
    assert created.count() == Account.objects.count()
    assert set(created.values_list("actor", flat=True)) == {head.pk}


# --- Logins and access ---------------------------------------------------------------------


def test_the_demo_prints_a_login_for_each_demo_user(demo_output):
    logins = printed_logins(demo_output)
    assert logins == {demo.username: demo.password for demo in DEMO_USERS}
    assert {
        "head": "openkam-head",
        "kam1": "openkam-kam1",
        "kam2": "openkam-kam2",
        "specialist": "openkam-specialist",
        "admin": "openkam-admin",
    }.items() <= logins.items()


def signed_in(username: str, password: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    response = submit(client, reverse("users:login"), {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def _listed(client: Client) -> int:
    return client.get("/api/v1/accounts?limit=1").json()["total"]


def test_each_printed_login_signs_in(demo_output):
    for username, password in printed_logins(demo_output).items():
        client = signed_in(username, password)
        assert client.get(reverse("users:profile")).status_code == 200


def test_the_head_sees_every_account(demo_output):
    head = signed_in("head", "openkam-head")
    assert _listed(head) == Account.objects.count()
    assert "40" in text(head.get(reverse("web:home")))


def test_kam1_sees_exactly_the_accounts_whose_team_they_are_on(demo_output):
    kam1 = User.objects.get(username="kam1")
    client = signed_in("kam1", "openkam-kam1")
    on_team = set(AccountTeamMember.objects.filter(user=kam1).values_list("account_id", flat=True))
    listed = {a["id"] for a in client.get("/api/v1/accounts?limit=200").json()["items"]}
    assert listed == on_team
    assert 0 < len(listed) < Account.objects.count()
    elsewhere = Account.objects.exclude(pk__in=on_team).first()
    assert elsewhere is not None
    assert client.get(reverse("accounts:detail", args=[elsewhere.pk])).status_code == 404
    mine = Account.objects.filter(owner=kam1).first()
    assert client.get(reverse("accounts:edit", args=[mine.pk])).status_code == 200


def test_the_specialist_reads_their_accounts_but_cannot_edit_them(demo_output):
    specialist = User.objects.get(username="specialist")
    client = signed_in("specialist", "openkam-specialist")
    theirs = accounts_visible_to(specialist)
    assert _listed(client) == theirs.count() > 0
    account = theirs.first()
    assert client.get(reverse("accounts:detail", args=[account.pk])).status_code == 200
    assert client.get(reverse("accounts:edit", args=[account.pk])).status_code == 403
    assert client.get(reverse("accounts:create")).status_code == 403


def test_the_administrator_sees_no_client_data_but_manages_users(demo_output):
    client = signed_in("admin", "openkam-admin")
    assert _listed(client) == 0
    assert client.get(reverse("web:home"))["Location"] == reverse("users:list")
    account = Account.objects.first()
    assert client.get(reverse("accounts:detail", args=[account.pk])).status_code == 404
    users = text(client.get(reverse("users:list")))
    for demo in DEMO_USERS:
        assert f"{demo.first_name} {demo.last_name}" in users


# --- Tier approvals ------------------------------------------------------------------------


def test_each_kam_has_a_tier_change_waiting_for_the_head(demo_output):
    waiting = TierChangeRequest.objects.filter(status=TierChangeStatus.PENDING)
    assert sorted(waiting.values_list("requested_by__username", flat=True)) == ["kam1", "kam2"]
    assert all(request.reason for request in waiting)
    head = signed_in("head", "openkam-head")
    page = text(head.get(reverse("accounts:tier_requests")))
    assert all(request.account.name in page for request in waiting)


def test_after_the_head_decides_a_second_run_asks_nothing_new(demo_output):
    head = User.objects.get(username="head")
    for request in TierChangeRequest.objects.all():
        tier_request_decide(actor=head, request_id=request.pk, approve=True)
    requests = TierChangeRequest.objects.count()
    run_demo()
    assert TierChangeRequest.objects.count() == requests
    assert not TierChangeRequest.objects.filter(status=TierChangeStatus.PENDING).exists()
