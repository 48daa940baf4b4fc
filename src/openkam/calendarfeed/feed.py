"""What a person's calendar feed contains, and the iCalendar (RFC 5545) text of it.

All entries are all-day events with a UID that never changes for the same thing (the promise,
the interaction's next step, the person's birthday, the digest), so a calendar client updates
an event when a date moves instead of adding a second one. Access follows the pages: promises
the person owns, next steps they may see and take part in, birthdays of people whose personal
notes they may read, and the days their digest goes out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from openkam.activity.selectors import open_next_steps_visible_to
from openkam.commitments.models import CommitmentStatus, Direction
from openkam.commitments.selectors import commitments_visible_to
from openkam.digest.periods import next_send_days, rhythm
from openkam.notifications.services import absolute_url, mail_domain, recipient_language
from openkam.stakeholders.selectors import birthdays_visible_to
from openkam.users.models import Role, User

DONE_WINDOW_DAYS = 60  # kept promises stay visible this long, marked as done
PAST_NEXT_STEPS_DAYS = 90


@dataclass
class FeedEntry:
    uid: str
    day: datetime.date
    summary: str
    kind: str  # commitment, next_step, birthday, digest (for the page's badges)
    description: str = ""
    path: str = ""  # the page in OpenKAM (relative; absolute in the feed)
    rrule: dict[str, Any] | None = None
    sequence: int = 0
    modified: datetime.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return absolute_url(self.path) if self.path else ""


def _uid(kind: str, pk: Any) -> str:
    return f"{kind}-{pk}@{mail_domain()}"


def _commitments(user: User, today: datetime.date) -> list[FeedEntry]:
    since = today - datetime.timedelta(days=DONE_WINDOW_DAYS)
    rows = (
        commitments_visible_to(user=user)
        .filter(owner=user)
        .filter(
            Q(status=CommitmentStatus.OPEN)
            | Q(status=CommitmentStatus.DONE, completed_on__gte=since)
        )
        .select_related("account", "stakeholder")
        .order_by("due_date", "id")
    )
    entries = []
    for c in rows:
        if c.direction == Direction.OURS:
            summary = _("Promise: %(what)s (%(account)s)")
        else:
            summary = _("Client's promise: %(what)s (%(account)s)")
        summary = summary % {"what": c.title, "account": c.account.name}
        if c.status == CommitmentStatus.DONE:
            summary = _("Done: %(summary)s") % {"summary": summary}
        lines = [c.details] if c.details else []
        if c.stakeholder_id:
            lines.append(
                (_("To: %(name)s") if c.direction == Direction.OURS else _("From: %(name)s"))
                % {"name": c.stakeholder}
            )
        if c.reschedule_count:
            lines.append(
                ngettext(
                    "Rescheduled once; first promised for %(date)s.",
                    "Rescheduled %(n)s times; first promised for %(date)s.",
                    c.reschedule_count,
                )
                % {
                    "n": c.reschedule_count,
                    "date": formats.date_format(c.original_due_date, "SHORT_DATE_FORMAT"),
                }
            )
        path = reverse("commitments:detail", args=[c.pk])
        entries.append(
            FeedEntry(
                uid=_uid("commitment", c.pk),
                day=c.due_date,
                summary=summary,
                kind="commitment",
                description="\n".join([*lines, absolute_url(path)]),
                path=path,
                sequence=c.version,
                modified=c.updated_at,
                extra={"overdue": c.is_overdue(today)},
            )
        )
    return entries


def _next_steps(user: User, today: datetime.date) -> list[FeedEntry]:
    since = today - datetime.timedelta(days=PAST_NEXT_STEPS_DAYS)
    rows = (
        open_next_steps_visible_to(user=user)
        .filter(next_step_due__isnull=False, next_step_due__gte=since)
        .filter(Q(created_by=user) | Q(our_participants=user) | Q(account__owner=user))
        .distinct()
    )
    entries = []
    for interaction in rows:
        assert interaction.next_step_due is not None
        path = reverse("activity:interaction_detail", args=[interaction.pk])
        entries.append(
            FeedEntry(
                uid=_uid("next-step", interaction.pk),
                day=interaction.next_step_due,
                summary=_("Next step: %(step)s (%(account)s)")
                % {
                    "step": interaction.next_step.splitlines()[0][:120],
                    "account": interaction.account.name,
                },
                kind="next_step",
                description="\n".join(
                    [interaction.next_step, str(interaction), absolute_url(path)]
                ),
                path=path,
                sequence=interaction.version,
                modified=interaction.updated_at,
            )
        )
    return entries


def _birthdays(user: User, today: datetime.date) -> list[FeedEntry]:
    entries = []
    for note in birthdays_visible_to(user=user).order_by("stakeholder__last_name", "pk"):
        birthday = note.birthday
        assert birthday is not None
        person = note.stakeholder
        # Every year on the day; 29 February falls on the last day of February.
        rule: dict[str, Any] = {"freq": "yearly"}
        if (birthday.month, birthday.day) == (2, 29):
            rule = {"freq": "yearly", "bymonth": 2, "bymonthday": -1}
            start = datetime.date(birthday.year, 2, 29)
        else:
            start = birthday
        entries.append(
            FeedEntry(
                uid=_uid("birthday", person.pk),
                day=start,
                summary=_("Birthday: %(name)s (%(account)s)")
                % {"name": person.full_name, "account": person.account.name},
                kind="birthday",
                path=reverse("stakeholders:detail", args=[person.pk]),
                rrule=rule,
                modified=note.updated_at,
                extra={"next": _next_birthday(birthday, today)},
            )
        )
    return entries


def _next_birthday(birthday: datetime.date, today: datetime.date) -> datetime.date:
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            candidate = datetime.date(year, 2, 28)
        if candidate >= today:
            return candidate
    return birthday


def _digest_days(user: User, today: datetime.date) -> list[FeedEntry]:
    if user.role == Role.HEAD:
        summary = _("Department digest")
    elif user.role == Role.KAM:
        summary = _("Your digest")
    else:
        return []
    r = rhythm()
    first = next_send_days(1, today=today, r=r)[0]
    # A start fixed by the rhythm (not by today), so the event stays the same day after day.
    start = first - datetime.timedelta(
        days=r.interval_days * ((first - r.anchor).days // r.interval_days)
    )
    return [
        FeedEntry(
            uid=_uid("digest", f"{user.role}-{user.pk}"),
            day=start,
            summary=summary,
            kind="digest",
            path=reverse("digest:list"),
            rrule={"freq": "daily", "interval": r.interval_days},
            extra={"next": first},
        )
    ]


def feed_entries(*, user: User, today: datetime.date | None = None) -> list[FeedEntry]:
    """Everything in the person's feed, in their language."""
    today = today or timezone.localdate()
    with recipient_language(user):
        return [
            *_commitments(user, today),
            *_next_steps(user, today),
            *_birthdays(user, today),
            *_digest_days(user, today),
        ]


def upcoming(entries: list[FeedEntry], *, today: datetime.date, days: int) -> list[FeedEntry]:
    """The entries of the next `days` days, for the calendar page (recurring ones by their
    next occurrence), the earliest first."""
    end = today + datetime.timedelta(days=days)
    result = []
    for entry in entries:
        day = entry.extra.get("next", entry.day) if entry.rrule else entry.day
        if day <= end and (day >= today or entry.extra.get("overdue")):
            result.append((day, entry))
    return [entry for _day, entry in sorted(result, key=lambda pair: (pair[0], pair[1].summary))]


def ical(*, user: User, entries: list[FeedEntry]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//OpenKAM//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with recipient_language(user):
        calendar.add("x-wr-calname", _("OpenKAM: %(name)s") % {"name": user})
    calendar.add("x-published-ttl", datetime.timedelta(hours=1))
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    stamp = timezone.now().replace(microsecond=0)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + datetime.timedelta(days=1))
        event.add("summary", entry.summary)
        if entry.description:
            event.add("description", entry.description)
        if entry.url:
            event.add("url", entry.url)
        if entry.rrule:
            event.add("rrule", entry.rrule)
        event.add("sequence", entry.sequence)
        if entry.modified:
            event.add("last-modified", entry.modified.replace(microsecond=0))
        event.add("transp", "TRANSPARENT")  # reminders, not appointments: time stays free
        if entry.kind == "birthday":
            event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
