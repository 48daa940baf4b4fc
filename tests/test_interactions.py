"""Logging, changing and deleting interactions through the services: who may, what is checked,
what is audited and indexed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openkam.activity import selectors, services
from openkam.activity.models import Interaction, InteractionKind
from openkam.core.audit import audit_entries_for
from openkam.core.errors import ConflictError, ForbiddenError, NotFoundError
from openkam.search.models import SearchDocument
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import InteractionFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


def _log(actor, account, **extra):
    data = {
        "kind": InteractionKind.MEETING,
        "occurred_at": timezone.now() - datetime.timedelta(hours=2),
        "subject": "Quarterly business review",
    }
    data.update(extra)
    return services.interaction_create(actor=actor, account_id=account.pk, **data)


def test_a_kam_logs_a_meeting_with_people_from_both_sides_and_a_next_step(account, kam, specialist):
    buyer = PersonFactory(account=account, first_name="Anna", last_name="Berg")
    interaction = _log(
        kam,
        account,
        summary="Walked through the delivery figures.",
        outcome="They accept the new price list.",
        next_step="Send the signed frame agreement",
        next_step_due=timezone.localdate() + datetime.timedelta(days=7),
        our_participants=[kam.pk, specialist.pk],
        their_participants=[buyer.pk],
        duration_minutes=90,
    )
    assert interaction.created_by == kam
    assert set(interaction.our_participants.all()) == {kam, specialist}
    assert list(interaction.their_participants.all()) == [buyer]
    entry = audit_entries_for(account).first()
    assert entry.action == "create"
    assert "Anna Berg" in entry.changes["their_participants"]["new"]
    doc = SearchDocument.objects.get(kind="interaction", object_id=interaction.pk)
    assert doc.account_id == account.pk
    assert "Anna Berg" in doc.body
    assert "frame agreement" in doc.body


def test_a_specialist_on_the_team_may_log_an_interaction(account, specialist):
    interaction = _log(specialist, account, kind=InteractionKind.CALL)
    assert interaction.created_by == specialist


def test_someone_who_cannot_see_the_account_gets_not_found(account, other_kam, admin_user):
    for user in (other_kam, admin_user):
        with pytest.raises(NotFoundError):
            _log(user, account)
    assert not Interaction.objects.exists()


def test_a_person_of_another_account_cannot_be_named_as_participant(account, kam):
    stranger = PersonFactory(account=AccountFactory(owner=kam))
    with pytest.raises(ValidationError) as caught:
        _log(kam, account, their_participants=[stranger.pk])
    assert "their_participants" in caught.value.message_dict
    assert str(stranger.pk) in caught.value.message_dict["their_participants"][0]
    assert not Interaction.objects.exists()


def test_a_person_shared_into_the_account_can_take_part(account, kam):
    group = AccountFactory(owner=kam, name="Nordlys Group")
    shared = PersonFactory(account=group)
    shared.other_accounts.add(account)
    interaction = _log(kam, account, their_participants=[shared.pk])
    assert list(interaction.their_participants.all()) == [shared]


def test_an_administrator_cannot_be_named_as_our_participant(account, kam, admin_user):
    with pytest.raises(ValidationError) as caught:
        _log(kam, account, our_participants=[admin_user.pk])
    assert "our_participants" in caught.value.message_dict


def test_a_due_date_without_a_next_step_is_refused(account, kam):
    with pytest.raises(ValidationError) as caught:
        _log(kam, account, next_step_due=timezone.localdate())
    assert "next_step" in caught.value.message_dict


def test_a_date_years_ahead_is_taken_for_a_typo(account, kam):
    with pytest.raises(ValidationError) as caught:
        _log(kam, account, occurred_at=timezone.now() + datetime.timedelta(days=3 * 365))
    assert "occurred_at" in caught.value.message_dict


def test_a_duration_of_zero_minutes_is_refused(account, kam):
    with pytest.raises(ValidationError) as caught:
        _log(kam, account, duration_minutes=0)
    assert "duration_minutes" in caught.value.message_dict


def test_an_update_with_the_version_read_applies_and_is_audited(account, kam):
    interaction = _log(kam, account)
    updated = services.interaction_update(
        actor=kam,
        interaction_id=interaction.pk,
        expected_version=1,
        changes={"outcome": "Signed on the spot.", "kind": InteractionKind.VISIT},
    )
    assert updated.version == 2
    assert updated.kind == InteractionKind.VISIT
    entry = audit_entries_for(account).filter(action="update").get()
    assert set(entry.changes) == {"outcome", "kind"}
    doc = SearchDocument.objects.get(kind="interaction", object_id=interaction.pk)
    assert "Signed on the spot" in doc.body


def test_a_stale_update_is_refused_and_names_who_changed_it(account, kam, specialist):
    interaction = _log(specialist, account)
    services.interaction_update(
        actor=kam, interaction_id=interaction.pk, expected_version=1, changes={"summary": "A"}
    )
    with pytest.raises(ConflictError) as caught:
        services.interaction_update(
            actor=specialist,
            interaction_id=interaction.pk,
            expected_version=1,
            changes={"summary": "B"},
        )
    assert str(kam) in str(caught.value)
    interaction.refresh_from_db()
    assert interaction.summary == "A"


def test_a_specialist_changes_their_own_interaction_but_not_a_colleagues(account, kam, specialist):
    own = _log(specialist, account)
    services.interaction_update(
        actor=specialist, interaction_id=own.pk, expected_version=1, changes={"summary": "Mine"}
    )
    colleagues = _log(kam, account)
    with pytest.raises(ForbiddenError):
        services.interaction_update(
            actor=specialist,
            interaction_id=colleagues.pk,
            expected_version=1,
            changes={"summary": "Not mine"},
        )


def test_changing_participants_is_audited_by_name(account, kam):
    first = PersonFactory(account=account, first_name="Ola", last_name="Nord")
    second = PersonFactory(account=account, first_name="Eva", last_name="Sør")
    interaction = _log(kam, account, their_participants=[first.pk])
    services.interaction_update(
        actor=kam,
        interaction_id=interaction.pk,
        expected_version=1,
        changes={"their_participants": [second.pk]},
    )
    entry = audit_entries_for(account).filter(action="update").get()
    assert entry.changes["their_participants"] == {
        "label": "their participants",
        "old": "Ola Nord",
        "new": "Eva Sør",
    }


def test_deleting_removes_the_interaction_its_document_and_is_audited(account, kam):
    interaction = _log(kam, account)
    services.interaction_delete(actor=kam, interaction_id=interaction.pk)
    assert not Interaction.objects.exists()
    assert not SearchDocument.objects.filter(kind="interaction").exists()
    assert audit_entries_for(account).filter(action="delete").exists()


def test_a_specialist_marks_the_next_step_done_and_a_kam_reopens_it(account, kam, specialist):
    interaction = _log(kam, account, next_step="Call back about the freight terms")
    done = services.interaction_next_step_done(actor=specialist, interaction_id=interaction.pk)
    assert done.next_step_done_at is not None
    entry = audit_entries_for(account).filter(action="update").get()
    assert entry.actor == specialist
    assert "next_step_done_at" in entry.changes
    again = services.interaction_next_step_done(actor=specialist, interaction_id=interaction.pk)
    assert again.version == done.version  # a second click changes nothing
    reopened = services.interaction_next_step_done(
        actor=kam, interaction_id=interaction.pk, done=False
    )
    assert reopened.next_step_done_at is None


def test_an_interaction_without_a_next_step_cannot_have_it_marked_done(account, kam):
    interaction = _log(kam, account)
    with pytest.raises(ValidationError):
        services.interaction_next_step_done(actor=kam, interaction_id=interaction.pk)


def test_last_meaningful_contact_ignores_notes_and_planned_contacts(account, kam):
    person = PersonFactory(account=account)
    now = timezone.now()
    InteractionFactory(
        account=account, occurred_at=now - datetime.timedelta(days=10), people=[person]
    )
    InteractionFactory(
        account=account,
        kind=InteractionKind.NOTE,
        occurred_at=now - datetime.timedelta(days=1),
        people=[person],
    )
    InteractionFactory(
        account=account, occurred_at=now + datetime.timedelta(days=5), people=[person]
    )
    last = selectors.last_meaningful_contact(account_ids=[account.pk])
    assert (now - last[account.pk]).days == 10
    by_person = selectors.last_meaningful_contact_by_stakeholder(stakeholder_ids=[person.pk])
    assert (now - by_person[person.pk]).days == 10


def test_a_timeline_event_needs_a_title(account):
    with pytest.raises(ValidationError):
        services.timeline_event_record(
            account=account, occurred_at=timezone.now(), kind="note", title="  "
        )
