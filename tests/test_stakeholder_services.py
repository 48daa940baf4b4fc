"""The decision-making unit through its services: rules, versions, audit, index, personal notes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openkam.core.audit import audit_entries_for
from openkam.core.errors import ConflictError, ForbiddenError, NotFoundError
from openkam.search.models import SearchDocument
from openkam.stakeholders import selectors, services
from openkam.stakeholders.models import PersonalNote, Stakeholder
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_stakeholders import PersonalNoteFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


def _create(actor, account, **extra):
    values = {"first_name": "Ingrid", "last_name": "Sæther", "job_title": "CFO", **extra}
    return services.stakeholder_create(actor=actor, account_id=account.pk, **values)


def test_a_kam_on_the_team_adds_a_person_verified_today_with_an_audit_entry(kam, account):
    person = _create(kam, account, buying_role="economic_buyer", influence=5)
    assert person.last_verified_on == timezone.localdate()
    assert person.full_name == "Ingrid Sæther"
    entry = audit_entries_for(account).get(target_id=person.pk, action="create")
    assert entry.changes["job_title"]["new"] == "CFO"
    assert entry.changes["buying_role"]["new"] == "Economic buyer"


def test_a_specialist_on_the_team_reads_people_but_cannot_add_them(specialist, account):
    with pytest.raises(ForbiddenError):
        _create(specialist, account)


def test_a_kam_not_on_the_team_gets_not_found(other_kam, account):
    with pytest.raises(NotFoundError):
        _create(other_kam, account)


@pytest.mark.parametrize("influence", [0, 6, "a lot"])
def test_influence_outside_one_to_five_is_refused_with_a_clear_error(kam, account, influence):
    with pytest.raises(ValidationError) as exc:
        _create(kam, account, influence=influence)
    assert "1 to 5" in str(exc.value.message_dict["influence"])
    assert not Stakeholder.objects.exists()


def test_an_update_with_a_stale_version_is_refused_and_names_who_changed_it(kam, head, account):
    person = _create(kam, account)
    services.stakeholder_update(
        actor=head, stakeholder_id=person.pk, expected_version=1, changes={"job_title": "CEO"}
    )
    with pytest.raises(ConflictError) as exc:
        services.stakeholder_update(
            actor=kam, stakeholder_id=person.pk, expected_version=1, changes={"department": "X"}
        )
    assert "Hedda Head" in str(exc.value)
    assert [e.changes["job_title"]["new"] for e in exc.value.changes] == ["CEO"]
    person.refresh_from_db()
    assert (person.version, person.department) == (2, "")


def test_an_update_records_what_changed_and_can_mark_the_record_verified(kam, account):
    person = _create(kam, account)
    Stakeholder.objects.filter(pk=person.pk).update(last_verified_on=datetime.date(2020, 1, 1))
    person = services.stakeholder_update(
        actor=kam,
        stakeholder_id=person.pk,
        expected_version=person.version,
        changes={"attitude": "champion"},
        verified=True,
    )
    assert person.last_verified_on == timezone.localdate()
    entry = audit_entries_for(account).filter(action="update").first()
    assert entry.changes["attitude"] == {
        "label": "attitude to us",
        "old": "Neutral",
        "new": "Champion",
    }


def test_reports_to_must_stay_inside_the_client(kam, account):
    stranger = StakeholderFactory(account=AccountFactory(owner=kam), last_name="Outsider")
    with pytest.raises(ValidationError) as exc:
        _create(kam, account, reports_to=stranger.pk)
    assert "outside this client" in str(exc.value)


def test_reports_to_may_point_elsewhere_in_the_same_group(kam, account):
    site = AccountFactory(owner=kam, parent=account, name="Nordlys Bergen")
    boss = _create(kam, account, last_name="Boss")
    person = _create(kam, site, last_name="Site", reports_to=boss.pk)
    assert person.reports_to == boss


def test_a_reporting_cycle_is_refused_with_the_circle_spelled_out(kam, account):
    ceo = _create(kam, account, first_name="Anne", last_name="Top")
    cfo = _create(kam, account, first_name="Bjørn", last_name="Mid", reports_to=ceo.pk)
    buyer = _create(kam, account, first_name="Cato", last_name="Low", reports_to=cfo.pk)
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_update(
            actor=kam,
            stakeholder_id=ceo.pk,
            expected_version=ceo.version,
            changes={"reports_to": buyer.pk},
        )
    message = " ".join(exc.value.message_dict["reports_to"])
    assert "circle" in message
    assert "Anne Top → Cato Low → Bjørn Mid → Anne Top" in message
    with pytest.raises(ValidationError):
        services.stakeholder_update(
            actor=kam,
            stakeholder_id=ceo.pk,
            expected_version=ceo.version,
            changes={"reports_to": ceo.pk},
        )


def test_other_accounts_must_belong_to_the_same_hierarchy(kam, account):
    site = AccountFactory(owner=kam, parent=account, name="Nordlys Bergen")
    elsewhere = AccountFactory(owner=kam, name="Fjord Logistics")
    person = _create(kam, account, other_accounts=[site.pk])
    assert list(person.other_accounts.all()) == [site]
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_update(
            actor=kam,
            stakeholder_id=person.pk,
            expected_version=person.version,
            changes={"other_accounts": [elsewhere.pk]},
        )
    assert "Fjord Logistics" in str(exc.value)


def test_a_person_shared_with_another_account_is_visible_there_but_without_personal_notes(
    kam, other_kam, account
):
    site = AccountFactory(owner=other_kam, parent=account, name="Nordlys Bergen")
    TeamMemberFactory(account=site, user=kam)
    person = _create(kam, account, other_accounts=[site.pk], personal={"hobbies": "Sailing"})
    assert selectors.stakeholder_get(user=other_kam, stakeholder_id=person.pk) == person
    assert not selectors.personal_notes_visible(user=other_kam, stakeholder=person)
    assert selectors.personal_notes_visible(user=kam, stakeholder=person)
    assert list(selectors.birthdays_visible_to(user=other_kam)) == []


def test_marking_a_person_as_left_keeps_them_and_their_history(kam, account):
    person = _create(kam, account)
    left_on = timezone.localdate() - datetime.timedelta(days=3)
    person = services.stakeholder_mark_left(actor=kam, stakeholder_id=person.pk, left_on=left_on)
    assert (person.status, person.left_on) == ("left", left_on)
    assert not person.is_stale  # history is not a contact to keep current
    assert Stakeholder.objects.filter(pk=person.pk).exists()
    person = services.stakeholder_reactivate(actor=kam, stakeholder_id=person.pk)
    assert (person.status, person.left_on) == ("active", None)


def test_the_search_document_says_a_person_left_and_no_longer_once_they_are_back(kam, account):
    person = _create(kam, account)

    def body() -> str:
        return SearchDocument.objects.get(kind="stakeholder", object_id=person.pk).body

    services.stakeholder_mark_left(actor=kam, stakeholder_id=person.pk)
    assert "left the company" in body()
    services.stakeholder_reactivate(actor=kam, stakeholder_id=person.pk)
    assert "left the company" not in body()


def test_a_leaving_date_in_the_future_is_refused(kam, account):
    person = _create(kam, account)
    with pytest.raises(ValidationError):
        services.stakeholder_mark_left(
            actor=kam,
            stakeholder_id=person.pk,
            left_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_a_record_goes_stale_after_the_configured_days_and_verifying_refreshes_it(
    kam, account, settings
):
    settings.KAM_STAKEHOLDER_STALE_DAYS = 30
    person = _create(kam, account)
    Stakeholder.objects.filter(pk=person.pk).update(
        last_verified_on=timezone.localdate() - datetime.timedelta(days=31)
    )
    person.refresh_from_db()
    assert person.is_stale
    stale = selectors.stakeholder_list(user=kam, filters=selectors.StakeholderFilters(stale=True))
    assert list(stale) == [person]
    person = services.stakeholder_verify(actor=kam, stakeholder_id=person.pk)
    person.refresh_from_db()
    assert not person.is_stale
    assert person.version == 1  # verifying changes no detail: an open form still saves
    assert audit_entries_for(account).filter(action="update", target_id=person.pk).exists()


def test_a_never_verified_record_is_stale(kam, account):
    person = _create(kam, account, verified_today=False)
    assert person.last_verified_on is None
    assert person.is_stale


def test_personal_notes_are_audited_without_their_values(kam, account):
    person = _create(kam, account)
    services.personal_note_update(
        actor=kam,
        stakeholder_id=person.pk,
        values={"birthday": datetime.date(1975, 4, 12), "hobbies": "Sailing"},
    )
    entry = audit_entries_for(account).filter(action="update").first()
    assert set(entry.changes) == {"birthday", "hobbies"}
    dump = str(entry.changes)
    assert "Sailing" not in dump
    assert "1975" not in dump


def test_emptying_every_personal_field_erases_the_notes(kam, account):
    person = _create(kam, account, personal={"hobbies": "Sailing"})
    assert PersonalNote.objects.filter(stakeholder=person).exists()
    note = services.personal_note_update(
        actor=kam,
        stakeholder_id=person.pk,
        values={"birthday": None, "family": "", "hobbies": "", "values": "", "notes": ""},
    )
    assert note is None
    assert not PersonalNote.objects.filter(stakeholder=person).exists()


def test_personal_notes_are_refused_to_readers_outside_the_team_and_to_the_specialist(
    kam, other_kam, specialist, account
):
    person = _create(kam, account)
    with pytest.raises(NotFoundError):
        services.personal_note_update(
            actor=other_kam, stakeholder_id=person.pk, values={"hobbies": "x"}
        )
    with pytest.raises(ForbiddenError):
        services.personal_note_update(
            actor=specialist, stakeholder_id=person.pk, values={"hobbies": "x"}
        )


def test_birthdays_are_listed_for_the_team_and_the_head_only(kam, head, other_kam, account):
    note = PersonalNoteFactory(stakeholder=StakeholderFactory(account=account))
    assert list(selectors.birthdays_visible_to(user=kam)) == [note]
    assert list(selectors.birthdays_visible_to(user=head)) == [note]
    assert list(selectors.birthdays_visible_to(user=other_kam)) == []


def test_the_search_index_holds_name_role_and_contacts_but_never_personal_notes(kam, account):
    person = _create(
        kam,
        account,
        email="ingrid@nordlys.example",
        personal={"hobbies": "Sailing", "notes": "Secret ambition"},
    )
    doc = SearchDocument.objects.get(kind="stakeholder", object_id=person.pk)
    assert doc.title == "Ingrid Sæther"
    assert doc.account_id == account.pk
    assert "ingrid@nordlys.example" in doc.body
    assert "CFO" in doc.body
    assert "Sailing" not in doc.body
    assert "Secret" not in doc.body
    services.stakeholder_delete(actor=kam, stakeholder_id=person.pk)
    assert not SearchDocument.objects.filter(kind="stakeholder", object_id=person.pk).exists()


def test_deleting_a_person_is_audited_on_the_account(kam, account):
    person = _create(kam, account)
    services.stakeholder_delete(actor=kam, stakeholder_id=person.pk, expected_version=1)
    assert audit_entries_for(account).filter(action="delete", target_id=person.pk).exists()
    assert not Stakeholder.objects.exists()


def test_the_org_chart_nests_people_under_their_managers_and_keeps_orphans_at_the_top(kam, account):
    ceo = _create(kam, account, last_name="Top")
    cfo = _create(kam, account, last_name="Mid", reports_to=ceo.pk)
    _create(kam, account, last_name="Low", reports_to=cfo.pk)
    _create(kam, account, last_name="Alone")
    roots = selectors.org_chart(people=selectors.account_stakeholders(account=account))
    names = sorted(node.person.last_name for node in roots)
    assert names == ["Alone", "Top"]
    top = next(node for node in roots if node.person.last_name == "Top")
    assert top.children[0].person.last_name == "Mid"
    assert top.children[0].children[0].person.last_name == "Low"


def test_the_coverage_summary_counts_active_people_and_flags_missing_decision_makers(kam, account):
    _create(kam, account, last_name="A", level="director", buying_role="economic_buyer")
    left = _create(kam, account, last_name="B", level="executive", buying_role="decision_maker")
    services.stakeholder_mark_left(actor=kam, stakeholder_id=left.pk)
    coverage = selectors.coverage_matrix(people=selectors.account_stakeholders(account=account))
    rows = {row["role"]: row for row in coverage["rows"]}
    assert rows["economic_buyer"]["total"] == 1
    assert not rows["economic_buyer"]["gap"]
    assert rows["decision_maker"]["gap"]
    assert coverage["total"] == 1
