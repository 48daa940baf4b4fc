"""Reads of an account's (or a person's) timeline: its interactions and events as one list,
filtered, newest first, paged in the database, and the records behind one page.

Access is decided by `selectors` (visibility, who may change an interaction); this module only
shapes what those rules let through, so it depends on them and never the other way round.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from openkam.accounts.models import Account, AccountTeamMember
from openkam.accounts.selectors import accounts_visible_to
from openkam.activity.models import Attachment, Interaction, InteractionKind, TimelineEvent
from openkam.activity.selectors import (
    account_people,
    editable_account_ids,
    interaction_can_edit,
    with_people,
)
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

EVENTS = "events"  # the type filter value for "everything but interactions"
SOURCE_INTERACTION, SOURCE_EVENT = 1, 2


@dataclass(frozen=True)
class TimelineFilters:
    type: str = ""  # an InteractionKind value, EVENTS, or "" for everything
    person: str = ""  # "s<stakeholder id>" or "u<user id>"
    since: datetime.date | None = None
    until: datetime.date | None = None

    @property
    def active(self) -> bool:
        return bool(self.type or self.person or self.since or self.until)


@dataclass
class TimelineEntry:
    occurred_at: datetime.datetime
    interaction: Interaction | None = None
    event: TimelineEvent | None = None
    can_edit: bool = False
    # The prefetched people and files as plain lists: templates read them several times, and
    # each `.all()` on a related manager clones a queryset.
    theirs: list[Stakeholder] = field(default_factory=list)
    ours: list[User] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)

    @property
    def planned(self) -> bool:
        return self.occurred_at > timezone.now()


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _person(person: str) -> tuple[str, int] | None:
    if len(person) > 1 and person[0] in "su" and person[1:].isdigit():
        return person[0], int(person[1:])
    return None


def _filtered(
    interactions: QuerySet[Interaction],
    events: QuerySet[TimelineEvent],
    filters: TimelineFilters,
) -> tuple[QuerySet[Interaction], QuerySet[TimelineEvent]]:
    if filters.type == EVENTS:
        interactions = interactions.none()
    elif filters.type in InteractionKind.values:
        interactions = interactions.filter(kind=filters.type)
        events = events.none()
    if filters.since:
        interactions = interactions.filter(occurred_at__gte=_day_start(filters.since))
        events = events.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until:
        end = _day_start(filters.until + datetime.timedelta(days=1))
        interactions = interactions.filter(occurred_at__lt=end)
        events = events.filter(occurred_at__lt=end)
    person = _person(filters.person)
    if person is not None:
        side, pk = person
        if side == "s":
            through = Interaction.their_participants.through
            took_part = through.objects.filter(interaction_id=OuterRef("pk"), stakeholder_id=pk)
            interactions = interactions.filter(Exists(took_part))
            events = events.filter(stakeholder_id=pk)
        else:
            through_users = Interaction.our_participants.through
            attended = through_users.objects.filter(interaction_id=OuterRef("pk"), user_id=pk)
            interactions = interactions.filter(Q(Exists(attended)) | Q(created_by_id=pk))
            events = events.filter(actor_id=pk)
    return interactions, events


def account_interactions(
    *, account: Account, filters: TimelineFilters | None = None
) -> QuerySet[Interaction]:
    """An account's interactions, newest first, with people and files (a fixed number of
    queries per page)."""
    interactions, _events = _filtered(
        Interaction.objects.filter(account=account),
        TimelineEvent.objects.none(),
        filters or TimelineFilters(),
    )
    return with_people(interactions.select_related("account", "created_by")).order_by(
        "-occurred_at", "-id"
    )


def timeline_rows(
    *,
    user: Any,
    filters: TimelineFilters,
    account: Account | None = None,
    stakeholder: Stakeholder | None = None,
) -> TimelineRows:
    """Interactions and events of an account (or of a person) as one list of
    (source, id, occurred_at) rows, newest first: a UNION ALL the database sorts and pages, so
    a page costs the same whatever the history's length. Load a page with `timeline_entries`."""
    if account is not None:
        interactions = Interaction.objects.filter(account=account)
        events = TimelineEvent.objects.filter(account=account)
    elif stakeholder is not None:
        visible = accounts_visible_to(user)
        through = Interaction.their_participants.through
        took_part = through.objects.filter(
            interaction_id=OuterRef("pk"), stakeholder_id=stakeholder.pk
        )
        interactions = Interaction.objects.filter(Exists(took_part), account__in=visible)
        events = TimelineEvent.objects.filter(stakeholder=stakeholder, account__in=visible)
    else:
        raise ValueError("timeline_rows needs an account or a stakeholder")
    interactions, events = _filtered(interactions, events, filters)
    return TimelineRows(interactions, events)


class TimelineRows:
    """A timeline as (source, id, occurred_at) rows, newest first, for `Paginator` and the API.

    A page is one UNION ALL the database sorts and cuts; the total is two plain counts (an
    index-only count each), not a count over the sorted union.
    """

    ordered = True

    def __init__(
        self, interactions: QuerySet[Interaction], events: QuerySet[TimelineEvent]
    ) -> None:
        self._interactions = interactions.order_by()
        self._events = events.order_by()

    def count(self) -> int:
        return self._interactions.count() + self._events.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[tuple[int, int, datetime.datetime]]:
        left = self._interactions.annotate(
            source=Value(SOURCE_INTERACTION, output_field=IntegerField())
        ).values_list("source", "id", "occurred_at")
        right = self._events.annotate(
            source=Value(SOURCE_EVENT, output_field=IntegerField())
        ).values_list("source", "id", "occurred_at")
        union = left.union(right, all=True).order_by("-occurred_at", "-source", "-id")
        return list(union[key])


def timeline_entries(
    *, user: Any, rows: Iterable[tuple[int, int, datetime.datetime]], account_editable: bool | None
) -> list[TimelineEntry]:
    """The records behind one page of `timeline_rows`, in its order: a fixed number of
    queries (interactions with people and files, events with actor and person)."""
    rows = list(rows)
    interaction_ids = [pk for source, pk, _at in rows if source == SOURCE_INTERACTION]
    event_ids = [pk for source, pk, _at in rows if source == SOURCE_EVENT]
    interactions = {
        i.pk: i
        for i in with_people(
            Interaction.objects.filter(pk__in=interaction_ids).select_related(
                "account", "created_by"
            )
        )
    }
    events = {
        e.pk: e
        for e in TimelineEvent.objects.filter(pk__in=event_ids).select_related(
            "actor", "stakeholder", "account"
        )
    }
    editable_accounts: dict[int, bool] = {}
    if account_editable is None and interactions:
        # A person's timeline spans accounts: decide once per account, in one query.
        account_ids = {i.account_id for i in interactions.values()}
        editable_accounts = dict.fromkeys(account_ids, False)
        for pk in editable_account_ids(user=user, account_ids=account_ids):
            editable_accounts[pk] = True
    entries: list[TimelineEntry] = []
    for source, pk, at in rows:
        if source == SOURCE_INTERACTION and pk in interactions:
            interaction = interactions[pk]
            editable = (
                account_editable
                if account_editable is not None
                else editable_accounts.get(interaction.account_id, False)
            )
            entries.append(
                TimelineEntry(
                    occurred_at=at,
                    interaction=interaction,
                    can_edit=interaction_can_edit(
                        user=user, interaction=interaction, account_editable=editable
                    ),
                    theirs=list(interaction.their_participants.all()),
                    ours=list(interaction.our_participants.all()),
                    files=list(interaction.attachments.all()),
                )
            )
        elif source == SOURCE_EVENT and pk in events:
            entries.append(TimelineEntry(occurred_at=at, event=events[pk]))
    return entries


def timeline_people(*, account: Account) -> dict[str, list[tuple[str, str]]]:
    """Choices for the timeline's person filter: the account's people and our team."""
    theirs = [(f"s{s.pk}", s.full_name) for s in account_people(account=account)]
    ours = [
        (f"u{u.pk}", str(u))
        for u in User.objects.filter(
            pk__in=AccountTeamMember.objects.filter(account=account).values("user_id")
        ).order_by("first_name", "last_name")
    ]
    return {"theirs": theirs, "ours": ours}
