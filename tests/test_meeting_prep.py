"""The printable meeting preparation: recent history, the people expected and their roles,
open next steps, and personal reminders only for readers who may see personal notes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openkam.activity.meeting import birthdays_near, meeting_preparation
from openkam.stakeholders.models import PersonalNote
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import InteractionFactory, PersonFactory
from tests.factories_stakeholders import PersonalNoteFactory
from tests.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_people_of_the_planned_meeting_are_expected_with_their_roles(account, kam, client_for):
    day = timezone.localdate() + datetime.timedelta(days=5)
    anna = PersonFactory(account=account, first_name="Anna", last_name="Berg", influence=5)
    PersonFactory(account=account, first_name="Ola", last_name="Other", influence=4)
    InteractionFactory(
        account=account, subject="Annual negotiation", occurred_at=_at(day), people=[anna]
    )
    InteractionFactory(
        account=account,
        subject="Last visit",
        occurred_at=_at(day - datetime.timedelta(days=30)),
        people=[anna],
    )
    response = client_for(kam).get(reverse("activity:meeting_prep", args=[account.pk]))
    prep = response.context["prep"]
    assert prep.date == day  # the next planned contact's day by default
    assert prep.people_from_meeting
    assert [p.stakeholder for p in prep.people] == [anna]
    assert prep.people[0].last_contact is not None
    assert [i.subject for i in prep.recent] == ["Last visit"]
    page = text(response)
    assert "People expected" in page
    assert "Annual negotiation" in page
    assert "data-print" in page


def test_without_a_planned_meeting_the_most_influential_people_are_listed(account, kam):
    low = PersonFactory(account=account, influence=1)
    high = PersonFactory(account=account, influence=5)
    prep = meeting_preparation(user=kam, account=account, on=timezone.localdate())
    assert not prep.people_from_meeting
    assert [p.stakeholder for p in prep.people] == [high, low]


def test_a_chosen_date_shows_the_history_before_it_and_the_open_next_steps(
    account, kam, client_for
):
    day = timezone.localdate() - datetime.timedelta(days=10)
    InteractionFactory(
        account=account, subject="Before", occurred_at=_at(day - datetime.timedelta(days=3))
    )
    InteractionFactory(
        account=account, subject="After", occurred_at=_at(day + datetime.timedelta(days=3))
    )
    InteractionFactory(
        account=account,
        subject="Source",
        next_step="Send the draft",
        occurred_at=_at(day - datetime.timedelta(days=40)),
    )
    response = client_for(kam).get(
        reverse("activity:meeting_prep", args=[account.pk]) + f"?date={day.isoformat()}"
    )
    prep = response.context["prep"]
    assert prep.date == day
    assert [i.subject for i in prep.recent] == ["Before", "Source"]
    assert [i.next_step for i in prep.open_next_steps] == ["Send the draft"]


def test_birthdays_near_the_meeting_are_reminded_to_the_team(account, kam, specialist, client_for):
    day = timezone.localdate() + datetime.timedelta(days=3)
    anna = PersonFactory(account=account, first_name="Anna", last_name="Berg")
    PersonalNoteFactory(
        stakeholder=anna,
        birthday=(day + datetime.timedelta(days=2)).replace(year=1975),
        hobbies="Sailing",
    )
    far = PersonFactory(account=account)
    PersonalNoteFactory(
        stakeholder=far, birthday=(day + datetime.timedelta(days=60)).replace(year=1980)
    )
    for user in (kam, specialist):
        response = client_for(user).get(
            reverse("activity:meeting_prep", args=[account.pk]) + f"?date={day.isoformat()}"
        )
        prep = response.context["prep"]
        assert [r.stakeholder for r in prep.birthdays] == [anna]
        assert prep.birthdays[0].days_from_meeting == 2
        assert "Sailing" in text(response)


def test_personal_notes_of_a_person_shared_from_an_account_the_reader_cannot_see_stay_hidden(
    account, kam, other_kam, client_for
):
    group = AccountFactory(owner=other_kam, name="Group")
    shared = PersonFactory(account=group, first_name="Ingrid", last_name="Solheim", influence=5)
    shared.other_accounts.add(account)
    day = timezone.localdate()
    PersonalNoteFactory(stakeholder=shared, birthday=day.replace(year=1970), hobbies="Secret hobby")
    response = client_for(kam).get(reverse("activity:meeting_prep", args=[account.pk]))
    prep = response.context["prep"]
    assert shared in [p.stakeholder for p in prep.people]  # the person is expected
    assert prep.birthdays == []  # but their personal notes are not the reader's to see
    assert all(p.personal is None for p in prep.people)
    assert "Secret hobby" not in text(response)
    assert PersonalNote.objects.filter(stakeholder=shared).exists()


def test_birthdays_across_the_turn_of_the_year_and_on_29_february():
    person = PersonFactory()
    notes = [PersonalNoteFactory(stakeholder=person, birthday=datetime.date(1980, 1, 3))]
    reminders = birthdays_near(notes, datetime.date(2026, 12, 28))
    assert [(r.on, r.days_from_meeting) for r in reminders] == [(datetime.date(2027, 1, 3), 6)]
    leap = PersonalNoteFactory(stakeholder=PersonFactory(), birthday=datetime.date(1984, 2, 29))
    reminders = birthdays_near([leap], datetime.date(2027, 3, 1))
    assert [(r.on, r.days_from_meeting) for r in reminders] == [(datetime.date(2027, 2, 28), -1)]


def test_an_invalid_date_is_reported_and_today_is_used(account, kam, client_for):
    response = client_for(kam).get(
        reverse("activity:meeting_prep", args=[account.pk]) + "?date=31.02.2026"
    )
    assert response.status_code == 200
    assert response.context["form"].errors
