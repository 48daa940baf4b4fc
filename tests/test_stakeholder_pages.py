"""The decision-making unit as a user sees it: lists, org chart, coverage, the person page,
forms with inline validation, actions, and personal notes shown only to the team."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.stakeholders import services
from openkam.stakeholders.models import Stakeholder
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_stakeholders import PersonalNoteFactory, StakeholderFactory
from tests.pages import submit, text

pytestmark = pytest.mark.django_db


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
        job_title="Innkjøpsdirektør",
        level="director",
        buying_role="decision_maker",
        personal={"birthday": datetime.date(1978, 3, 14), "hobbies": "Seiling i skjærgården"},
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_decision_making_unit_shows_people_org_chart_and_coverage(kam, account, client_for):
    ceo = services.stakeholder_create(
        actor=kam,
        account_id=account.pk,
        first_name="Per",
        last_name="Topp",
        level="executive",
        buying_role="decision_maker",
    )
    services.stakeholder_create(
        actor=kam, account_id=account.pk, first_name="Kari", last_name="Under", reports_to=ceo
    )
    page = text(client_for(kam).get(reverse("stakeholders:account", args=[account.pk])))
    assert "Per Topp" in page
    assert "Kari Under" in page
    assert 'id="org-chart"' in page
    assert 'class="org-tree"' in page
    assert "Coverage by level and buying role" in page
    assert "Nobody recorded as: Economic buyer" in page  # the gap is named


def test_people_who_left_are_hidden_by_default_and_marked_when_shown(kam, account, client_for):
    person = services.stakeholder_create(actor=kam, account_id=account.pk, last_name="Borte")
    services.stakeholder_mark_left(actor=kam, stakeholder_id=person.pk)
    url = reverse("stakeholders:account", args=[account.pk])
    client = client_for(kam)
    assert "Borte" not in text(client.get(url))
    shown = text(client.get(url + "?status=all"))
    assert "Borte" in shown
    assert "people__left" in shown


def test_stale_people_are_marked_and_can_be_filtered(kam, account, client_for):
    StakeholderFactory(account=account, last_name="Fersk")
    StakeholderFactory(
        account=account,
        last_name="Gammel",
        last_verified_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    url = reverse("stakeholders:account", args=[account.pk])
    response = client_for(kam).get(url + "?stale=on")
    assert [p.last_name for p in response.context["people"]] == ["Gammel"]
    assert "Stale" in text(response)
    # The org chart and coverage always show the whole unit, whatever the list's filters.
    assert "Fersk" in text(response)


@pytest.mark.parametrize("url_name", ["stakeholders:account", "stakeholders:list"])
def test_list_pages_run_a_fixed_number_of_queries(url_name, kam, account, client_for):
    client = client_for(kam)
    url = reverse(url_name, args=[account.pk] if url_name == "stakeholders:account" else [])
    boss = StakeholderFactory(account=account)
    _queries(client, url)
    baseline = _queries(client, url)
    site = AccountFactory(owner=kam, parent=account)
    for i in range(20):
        person = StakeholderFactory(account=account, reports_to=boss if i % 2 else None)
        PersonalNoteFactory(stakeholder=person)
        person.other_accounts.add(site)
    assert _queries(client, url) == baseline


def test_the_dossier_panel_lists_the_most_influential_people(kam, account, person, client_for):
    StakeholderFactory(account=account, last_name="Minor", influence=1)
    panel = client_for(kam).get(reverse("stakeholders:account_panel", args=[account.pk]))
    page = text(panel)
    assert page.index("Ingrid Sæther") < page.index("Minor")
    dossier = text(client_for(kam).get(reverse("accounts:detail", args=[account.pk])))
    assert reverse("stakeholders:account_panel", args=[account.pk]) in dossier


def test_the_person_page_shows_personal_notes_to_the_team_and_the_head(
    kam, head, specialist, person, client_for
):
    for user in (kam, head, specialist):
        page = text(client_for(user).get(reverse("stakeholders:detail", args=[person.pk])))
        assert "Seiling i skjærgården" in page
        assert "Personal notes" in page
        assert "{# stakeholder-panels" not in page  # the marker is a template comment


def test_a_reader_outside_the_team_sees_the_person_but_no_personal_notes_on_any_page(
    kam, other_kam, account, person, client_for
):
    site = AccountFactory(owner=other_kam, parent=account, name="Nordlys Bergen")
    TeamMemberFactory(account=site, user=kam)
    services.stakeholder_update(
        actor=kam,
        stakeholder_id=person.pk,
        expected_version=person.version,
        changes={"other_accounts": [site.pk]},
    )
    client = client_for(other_kam)
    for url in (
        reverse("stakeholders:detail", args=[person.pk]),
        reverse("stakeholders:account", args=[site.pk]),
        reverse("stakeholders:list"),
        reverse("stakeholders:list") + "?q=Sæther",
        reverse("stakeholders:account_panel", args=[site.pk]),
    ):
        response = client.get(url)
        page = text(response)
        assert response.status_code == 200, url
        assert "Ingrid Sæther" in page, url
        assert "Seiling" not in page, url
        assert "Personal notes" not in page, url
        assert "1978" not in page, url
    assert client.get(reverse("stakeholders:personal", args=[person.pk])).status_code == 404


def test_adding_a_person_through_the_form(kam, account, client_for):
    client = client_for(kam)
    response = submit(
        client,
        reverse("stakeholders:create", args=[account.pk]),
        {
            "first_name": "Olga",
            "last_name": "Смирнова",
            "job_title": "Начальник отдела закупок",
            "level": "head_of_department",
            "buying_role": "technical_buyer",
            "attitude": "supporter",
            "influence": "4",
            "email": "o.smirnova@utz.ru",
        },
    )
    person = Stakeholder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stakeholders:detail", args=[person.pk])
    assert (person.last_name, person.influence, person.level) == (
        "Смирнова",
        4,
        "head_of_department",
    )


def test_inline_validation_returns_the_field_with_its_error(kam, account, client_for):
    client = client_for(kam)
    url = reverse("stakeholders:create", args=[account.pk]) + "?validate=email"
    response = submit(client, url, {"last_name": "X", "email": "nope"}, htmx=True)
    page = text(response)
    assert response.status_code == 200
    assert 'id="field-email"' in page
    assert "field--invalid" in page
    assert "<form" not in page
    assert not Stakeholder.objects.exists()


def test_a_cycle_chosen_in_the_form_is_shown_on_the_reports_to_field(kam, account, client_for):
    top = services.stakeholder_create(actor=kam, account_id=account.pk, last_name="Top")
    low = services.stakeholder_create(
        actor=kam, account_id=account.pk, last_name="Low", reports_to=top
    )
    response = submit(
        client_for(kam),
        reverse("stakeholders:edit", args=[top.pk]),
        {
            "last_name": "Top",
            "attitude": "neutral",
            "influence": "3",
            "reports_to": str(low.pk),
            "version": str(top.version),
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "would make a circle" in page
    top.refresh_from_db()
    assert top.reports_to_id is None


def test_an_edit_over_someone_elses_change_shows_the_conflict_and_keeps_the_input(
    kam, head, person, client_for
):
    services.stakeholder_update(
        actor=head,
        stakeholder_id=person.pk,
        expected_version=person.version,
        changes={"job_title": "CEO"},
    )
    response = submit(
        client_for(kam),
        reverse("stakeholders:edit", args=[person.pk]),
        {
            "first_name": "Ingrid",
            "last_name": "Sæther",
            "job_title": "COO",
            "attitude": "neutral",
            "influence": "3",
            "version": "1",
        },
    )
    page = text(response)
    assert "Hedda Head changed Ingrid Sæther after you opened it" in page
    assert 'value="COO"' in page
    person.refresh_from_db()
    assert person.job_title == "CEO"


def test_verify_and_left_actions(kam, person, client_for):
    client = client_for(kam)
    Stakeholder.objects.filter(pk=person.pk).update(last_verified_on=None)
    submit(client, reverse("stakeholders:verify", args=[person.pk]))
    person.refresh_from_db()
    assert person.last_verified_on == timezone.localdate()
    submit(client, reverse("stakeholders:left", args=[person.pk]), {"left_on": "2026-01-15"})
    person.refresh_from_db()
    assert (person.status, person.left_on) == ("left", datetime.date(2026, 1, 15))
    page = text(client.get(reverse("stakeholders:detail", args=[person.pk])))
    assert "Left the company on" in page


def test_the_team_edits_personal_notes_on_their_own_page(kam, specialist, person, client_for):
    url = reverse("stakeholders:personal", args=[person.pk])
    assert client_for(specialist).get(url).status_code == 403
    response = submit(client_for(kam), url, {"birthday": "1978-03-14", "values": "Ærlighet"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.personal.values == "Ærlighet"
    assert person.personal.hobbies == ""
