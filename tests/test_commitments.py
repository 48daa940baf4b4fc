"""Promises both ways: recording, keeping, rescheduling honestly, and the figures."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkam.activity.models import TimelineEvent
from openkam.commitments import selectors, services
from openkam.commitments.models import CommitmentStatus, Direction
from openkam.core.errors import ConflictError, ForbiddenError, NotFoundError
from openkam.notifications.models import Notification
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import InteractionFactory, PersonFactory
from tests.factories_commitments import CommitmentFactory, days


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam, tier="key")
    TeamMemberFactory(account=account, user=specialist)
    return account


def _reschedule(commitment, actor, **overrides):
    values = {
        "new_due_date": days(14),
        "reason": "The supplier of the sensor delivered late.",
        "client_message": "Called Ola to apologise; the new date is in two weeks.",
        "informed_via": "phone",
        "informed_on": days(0),
    }
    values.update(overrides)
    return services.commitment_reschedule(actor=actor, commitment_id=commitment.pk, **values)


# --- Recording -----------------------------------------------------------------------------


def test_a_kam_records_what_we_promised_to_whom_and_where_and_it_goes_on_the_timeline(kam, account):
    person = PersonFactory(account=account, last_name="Hansen")
    meeting = InteractionFactory(account=account)
    commitment = services.commitment_create(
        actor=kam,
        account_id=account.pk,
        title="Send the revised price list",
        due_date=days(5),
        stakeholder=person.pk,
        interaction=meeting.pk,
    )
    assert commitment.owner == kam
    assert commitment.direction == Direction.OURS
    assert commitment.original_due_date == days(5)
    assert commitment.state == "open"
    event = TimelineEvent.objects.get(source_type="commitment", source_id=commitment.pk)
    assert event.kind == "commitment_created"
    assert "Send the revised price list" in event.title
    assert event.stakeholder == person


def test_a_client_promise_is_recorded_with_the_person_it_came_from(kam, account):
    person = PersonFactory(account=account)
    commitment = services.commitment_create(
        actor=kam,
        account_id=account.pk,
        direction=Direction.THEIRS,
        title="Send the volume forecast",
        due_date=days(10),
        stakeholder=person,
    )
    assert commitment.direction == Direction.THEIRS
    assert "The client promised" in TimelineEvent.objects.get(source_id=commitment.pk).title


def test_a_person_or_interaction_of_another_account_is_refused(kam, account):
    stranger = PersonFactory(account=AccountFactory(owner=kam))
    other_meeting = InteractionFactory(account=AccountFactory(owner=kam))
    with pytest.raises(ValidationError) as person_error:
        services.commitment_create(
            actor=kam, account_id=account.pk, title="X", due_date=days(1), stakeholder=stranger
        )
    assert "stakeholder" in person_error.value.message_dict
    with pytest.raises(ValidationError) as meeting_error:
        services.commitment_create(
            actor=kam, account_id=account.pk, title="X", due_date=days(1), interaction=other_meeting
        )
    assert "interaction" in meeting_error.value.message_dict


def test_the_owner_must_be_on_the_team_and_hears_that_they_were_made_responsible(
    kam, other_kam, specialist, account
):
    with pytest.raises(ValidationError) as error:
        services.commitment_create(
            actor=kam, account_id=account.pk, title="X", due_date=days(1), owner=other_kam
        )
    assert "owner" in error.value.message_dict
    commitment = services.commitment_create(
        actor=kam, account_id=account.pk, title="Test report", due_date=days(3), owner=specialist
    )
    note = Notification.objects.get(recipient=specialist)
    assert note.kind == "commitment_assigned"
    assert commitment.title in note.title


def test_a_specialist_records_promises_they_keep_themselves_but_not_for_others(
    kam, specialist, account
):
    own = services.commitment_create(
        actor=specialist, account_id=account.pk, title="Test report", due_date=days(3)
    )
    assert own.owner == specialist
    with pytest.raises(ValidationError):
        services.commitment_create(
            actor=specialist, account_id=account.pk, title="X", due_date=days(3), owner=kam
        )


def test_someone_who_cannot_see_the_account_gets_not_found(other_kam, admin_user, account):
    for outsider in (other_kam, admin_user):
        with pytest.raises(NotFoundError):
            services.commitment_create(
                actor=outsider, account_id=account.pk, title="X", due_date=days(1)
            )


def test_a_due_date_years_ahead_is_taken_for_a_typo(kam, account):
    with pytest.raises(ValidationError) as error:
        services.commitment_create(
            actor=kam, account_id=account.pk, title="X", due_date=days(365 * 6)
        )
    assert "due_date" in error.value.message_dict


# --- Editing -------------------------------------------------------------------------------


def test_an_edit_checks_the_version_and_never_moves_the_due_date(kam, head, account):
    commitment = CommitmentFactory(account=account)
    services.commitment_update(
        actor=head, commitment_id=commitment.pk, expected_version=1, changes={"title": "New"}
    )
    with pytest.raises(ConflictError):
        services.commitment_update(
            actor=kam, commitment_id=commitment.pk, expected_version=1, changes={"title": "Mine"}
        )
    with pytest.raises(ValidationError) as error:
        services.commitment_update(
            actor=kam,
            commitment_id=commitment.pk,
            expected_version=2,
            changes={"due_date": days(30)},
        )
    assert "rescheduling" in error.value.message_dict["due_date"][0]
    commitment.refresh_from_db()
    assert (commitment.title, commitment.version) == ("New", 2)


def test_a_specialist_changes_their_own_promise_but_only_reads_the_kams(kam, specialist, account):
    theirs = CommitmentFactory(account=account, owner=specialist)
    mine = CommitmentFactory(account=account, owner=kam)
    services.commitment_complete(actor=specialist, commitment_id=theirs.pk)
    with pytest.raises(ForbiddenError):
        services.commitment_complete(actor=specialist, commitment_id=mine.pk)
    assert selectors.commitment_get(user=specialist, commitment_id=mine.pk) == mine


# --- Keeping -------------------------------------------------------------------------------


def test_a_promise_kept_by_its_date_is_kept_on_time_and_a_late_one_says_how_late(kam, account):
    on_time = CommitmentFactory(account=account, due_date=days(2))
    late = CommitmentFactory(account=account, due_date=days(-3))
    services.commitment_complete(actor=kam, commitment_id=on_time.pk, note="Sent.")
    services.commitment_complete(actor=kam, commitment_id=late.pk)
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.kept_on_time is True
    assert on_time.completed_on == days(0)
    assert late.kept_on_time is False
    titles = list(
        TimelineEvent.objects.filter(kind="commitment_done").values_list("title", flat=True)
    )
    assert any("3 days late" in title for title in titles)


def test_a_promise_cannot_be_kept_in_the_future_or_twice(kam, account):
    commitment = CommitmentFactory(account=account)
    with pytest.raises(ValidationError):
        services.commitment_complete(actor=kam, commitment_id=commitment.pk, completed_on=days(1))
    services.commitment_complete(actor=kam, commitment_id=commitment.pk)
    with pytest.raises(ValidationError):
        services.commitment_complete(actor=kam, commitment_id=commitment.pk)


def test_cancelling_needs_a_reason_and_reopening_undoes_it(kam, account):
    commitment = CommitmentFactory(account=account)
    with pytest.raises(ValidationError):
        services.commitment_cancel(actor=kam, commitment_id=commitment.pk, reason=" ")
    services.commitment_cancel(actor=kam, commitment_id=commitment.pk, reason="Not wanted.")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.CANCELLED
    services.commitment_reopen(actor=kam, commitment_id=commitment.pk)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.cancelled_reason) == (CommitmentStatus.OPEN, "")


# --- Rescheduling --------------------------------------------------------------------------


def test_rescheduling_keeps_the_old_date_what_the_client_was_told_and_puts_it_on_the_timeline(
    kam, account
):
    person = PersonFactory(account=account, first_name="Ola", last_name="Nordmann")
    commitment = CommitmentFactory(account=account, due_date=days(3))
    reschedule = _reschedule(commitment, kam, informed_person=person.pk)
    commitment.refresh_from_db()
    assert commitment.due_date == days(14)
    assert commitment.original_due_date == days(3)
    assert commitment.reschedule_count == 1
    assert reschedule.old_due_date == days(3)
    assert reschedule.told_in_advance is True
    assert reschedule.informed_person == person
    assert list(selectors.commitment_reschedules(commitment=commitment)) == [reschedule]
    event = TimelineEvent.objects.get(kind="commitment_rescheduled", source_id=commitment.pk)
    assert "Called Ola to apologise" in event.body
    assert "The supplier of the sensor delivered late." in event.body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("client_message", ""),
        ("client_message", "   "),
        ("reason", ""),
        ("informed_via", "carrier pigeon"),
        ("informed_on", None),
        ("new_due_date", None),
    ],
)
def test_a_reschedule_without_what_the_client_was_told_how_and_when_is_refused(
    kam, account, field, value
):
    commitment = CommitmentFactory(account=account, due_date=days(3))
    with pytest.raises(ValidationError) as error:
        _reschedule(commitment, kam, **{field: value})
    assert field in error.value.message_dict
    commitment.refresh_from_db()
    assert (commitment.due_date, commitment.reschedule_count) == (days(3), 0)
    assert not commitment.reschedules.exists()


def test_the_client_cannot_be_told_in_the_future_nor_the_date_move_into_the_past(kam, account):
    commitment = CommitmentFactory(account=account, due_date=days(3))
    with pytest.raises(ValidationError) as error:
        _reschedule(commitment, kam, informed_on=days(1), new_due_date=days(-1))
    assert set(error.value.message_dict) >= {"informed_on", "new_due_date"}


def test_telling_the_client_after_the_due_date_is_recorded_as_late_notice(kam, account):
    commitment = CommitmentFactory(account=account, due_date=days(-2))
    reschedule = _reschedule(commitment, kam)
    assert reschedule.told_in_advance is False
    event = TimelineEvent.objects.get(kind="commitment_rescheduled")
    assert "after the promise was due" in event.body


def test_only_open_promises_are_rescheduled(kam, account):
    commitment = CommitmentFactory(account=account)
    services.commitment_complete(actor=kam, commitment_id=commitment.pk)
    with pytest.raises(ValidationError):
        _reschedule(commitment, kam)


# --- Figures -------------------------------------------------------------------------------


def test_figures_count_kept_on_time_reschedules_and_overdue_per_account_kam_and_department(
    head, kam, other_kam, account, django_assert_num_queries
):
    other = AccountFactory(owner=other_kam)
    kept = CommitmentFactory(account=account, due_date=days(-10))
    late = CommitmentFactory(account=account, due_date=days(-10))
    CommitmentFactory(account=account, due_date=days(-1))  # overdue
    moved = CommitmentFactory(account=account, due_date=days(4))
    CommitmentFactory(account=other, due_date=days(-5))  # overdue elsewhere
    cancelled = CommitmentFactory(account=other, due_date=days(-20))
    services.commitment_complete(actor=kam, commitment_id=kept.pk, completed_on=days(-11))
    services.commitment_complete(actor=kam, commitment_id=late.pk, completed_on=days(-2))
    _reschedule(moved, kam)
    services.commitment_cancel(actor=other_kam, commitment_id=cancelled.pk, reason="Dropped.")

    with django_assert_num_queries(1):
        department = selectors.figures_for(user=head)[None]
    assert (department.came_due, department.kept, department.overdue) == (4, 1, 2)
    assert department.kept_pct == 25.0
    assert (department.reschedules, department.rescheduled) == (1, 1)

    with django_assert_num_queries(1):
        per_account = selectors.figures_for(user=head, by="account")
    assert per_account[account.pk].kept_pct == pytest.approx(33.3)
    assert per_account[other.pk].overdue == 1

    with django_assert_num_queries(2):
        per_kam = {row.key: row.figures for row in selectors.figures_by_kam(user=head)}
    assert per_kam[kam.pk].overdue == 1
    assert per_kam[other_kam.pk].overdue == 1

    # A KAM's figures only cover what they may see.
    assert selectors.figures_for(user=kam)[None].overdue == 1


def test_figures_run_one_query_for_many_accounts(head, kam, django_assert_num_queries):
    for _ in range(12):
        CommitmentFactory(account=AccountFactory(owner=kam), due_date=days(-1))
    with django_assert_num_queries(1):
        figures = selectors.figures_for(user=head, by="account")
    assert len(figures) == 12
