"""The meeting preparation brief: what a KAM reads before meeting the client on a given day.

Recent history, who is expected and their roles, open next steps, and personal reminders
(birthdays near the date, hobbies and family) for readers who may see personal notes only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from openkam.accounts.models import Account, AccountTeamMember
from openkam.activity.models import MEANINGFUL_KINDS, Interaction
from openkam.activity.selectors import (
    account_people,
    last_meaningful_contact_by_stakeholder,
    open_next_steps_of,
    with_people,
)
from openkam.stakeholders.models import PersonalNote, Stakeholder, StakeholderStatus
from openkam.stakeholders.selectors import (
    birthdays_visible_to,
    personal_notes_account_ids,
)

RECENT = 8
KEY_PEOPLE = 8
BIRTHDAY_WINDOW_DAYS = 14


@dataclass
class ExpectedPerson:
    stakeholder: Stakeholder
    last_contact: datetime.datetime | None
    personal: PersonalNote | None = None  # only when the reader may see personal notes


@dataclass
class BirthdayReminder:
    stakeholder: Stakeholder
    on: datetime.date  # the birthday's date in the meeting's year
    days_from_meeting: int

    @property
    def days_abs(self) -> int:
        return abs(self.days_from_meeting)


@dataclass
class MeetingPreparation:
    date: datetime.date
    planned: list[Interaction]
    people: list[ExpectedPerson]
    people_from_meeting: bool
    team: list[AccountTeamMember]
    recent: list[Interaction]
    open_next_steps: list[Interaction]
    birthdays: list[BirthdayReminder]
    personal_visible: bool
    stale_people: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _birthday_in(year: int, birthday: datetime.date) -> datetime.date:
    try:
        return birthday.replace(year=year)
    except ValueError:  # 29 February in a common year: celebrated on the 28th
        return datetime.date(year, 2, 28)


def birthdays_near(
    notes: QuerySet[PersonalNote] | list[PersonalNote],
    day: datetime.date,
    window: int = BIRTHDAY_WINDOW_DAYS,
) -> list[BirthdayReminder]:
    """Birthdays within `window` days before or after `day` (across a year's end too)."""
    reminders = []
    for note in notes:
        if note.birthday is None:
            continue
        best: datetime.date | None = None
        for year in (day.year - 1, day.year, day.year + 1):
            candidate = _birthday_in(year, note.birthday)
            if best is None or abs((candidate - day).days) < abs((best - day).days):
                best = candidate
        assert best is not None
        delta = (best - day).days
        if abs(delta) <= window:
            reminders.append(
                BirthdayReminder(stakeholder=note.stakeholder, on=best, days_from_meeting=delta)
            )
    return sorted(reminders, key=lambda r: (r.on, r.stakeholder.last_name))


def meeting_preparation(
    *, user: Any, account: Account, on: datetime.date | None = None
) -> MeetingPreparation:
    """The brief for a meeting with `account` on `on` (default: the next planned contact's
    day, else today). The caller has checked that the account is visible."""
    now = timezone.now()
    interactions = Interaction.objects.filter(account=account)
    if on is None:
        upcoming = interactions.filter(occurred_at__gt=now).order_by("occurred_at").first()
        on = timezone.localdate(upcoming.occurred_at) if upcoming else timezone.localdate()
    start, end = _day_bounds(on)
    planned = list(
        with_people(
            interactions.filter(occurred_at__gte=start, occurred_at__lt=end).select_related(
                "created_by"
            )
        ).order_by("occurred_at")
    )
    recent = list(
        with_people(
            interactions.filter(kind__in=MEANINGFUL_KINDS, occurred_at__lt=start).select_related(
                "created_by"
            )
        ).order_by("-occurred_at", "-id")[:RECENT]
    )
    steps = list(
        open_next_steps_of(interactions)
        .select_related("created_by")
        .order_by("next_step_due", "occurred_at", "id")
    )
    people_qs = Stakeholder.objects.filter(
        pk__in=[p.pk for p in account_people(account=account)]
    ).select_related("account")
    expected: list[Stakeholder] = []
    for interaction in planned:
        for person in interaction.their_participants.all():
            if person not in expected:
                expected.append(person)
    from_meeting = bool(expected)
    if not from_meeting:
        expected = list(
            people_qs.filter(status=StakeholderStatus.ACTIVE).order_by(
                "-influence", "last_name", "first_name"
            )[:KEY_PEOPLE]
        )
    else:
        ids = [p.pk for p in expected]
        expected = list(people_qs.filter(pk__in=ids).order_by("-influence", "last_name"))
    allowed_homes = personal_notes_account_ids(
        user=user, account_ids={p.account_id for p in expected} | {account.pk}
    )
    personal_visible = account.pk in allowed_homes
    notes: dict[int, PersonalNote] = {}
    if allowed_homes:
        notes = {
            n.stakeholder_id: n
            for n in PersonalNote.objects.filter(
                stakeholder__in=[p.pk for p in expected if p.account_id in allowed_homes]
            )
        }
    last = last_meaningful_contact_by_stakeholder(stakeholder_ids=[p.pk for p in expected])
    people = [
        ExpectedPerson(stakeholder=p, last_contact=last.get(p.pk), personal=notes.get(p.pk))
        for p in expected
    ]
    birthdays: list[BirthdayReminder] = []
    if personal_visible:
        candidates = birthdays_visible_to(user=user).filter(
            stakeholder__in=people_qs.filter(status=StakeholderStatus.ACTIVE).values("pk")
        )
        birthdays = birthdays_near(list(candidates), on)
    team = list(
        AccountTeamMember.objects.filter(account=account)
        .select_related("user")
        .order_by("team_role", "user__first_name")
    )
    return MeetingPreparation(
        date=on,
        planned=planned,
        people=people,
        people_from_meeting=from_meeting,
        team=team,
        recent=recent,
        open_next_steps=steps,
        birthdays=birthdays,
        personal_visible=personal_visible,
    )
