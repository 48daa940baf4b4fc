"""Reads of interactions, attachments and timeline events. Every read starts from
`accounts_visible_to`, so an account's history is visible exactly to those who see the account.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from openkam.accounts.models import Account, AccountTeamMember
from openkam.accounts.selectors import account_can_edit, accounts_visible_to
from openkam.activity.models import (
    MEANINGFUL_KINDS,
    Attachment,
    Interaction,
    InteractionKind,
    TimelineEvent,
)
from openkam.core.errors import NotFoundError
from openkam.core.models import AuditEntry
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import Role, User

# --- Access ------------------------------------------------------------------------------


def interactions_visible_to(*, user: Any) -> QuerySet[Interaction]:
    return Interaction.objects.filter(account__in=accounts_visible_to(user))


def interaction_can_log(*, user: Any, account: Account) -> bool:
    """Everyone who works with an account's client logs contacts: the head, its KAMs and its
    specialists (the caller has checked that the account is visible)."""
    return getattr(user, "role", None) in (Role.HEAD, Role.KAM, Role.SPECIALIST)


def interaction_can_edit(
    *, user: Any, interaction: Interaction, account_editable: bool | None = None
) -> bool:
    """The person who logged it, and whoever may change the account. Lists pass
    `account_editable` (computed once) so that rows cost no query."""
    if interaction.created_by_id == user.pk and interaction_can_log(
        user=user, account=interaction.account
    ):
        return True
    if account_editable is None:
        account_editable = account_can_edit(user=user, account=interaction.account)
    return account_editable


def with_people(qs: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return qs.prefetch_related(
        Prefetch("our_participants", queryset=User.objects.order_by("first_name", "last_name")),
        Prefetch(
            "their_participants",
            queryset=Stakeholder.objects.order_by("last_name", "first_name"),
        ),
        Prefetch("attachments", queryset=Attachment.objects.order_by("original_name", "id")),
    )


def interaction_get(*, user: Any, interaction_id: int) -> Interaction:
    try:
        return with_people(
            interactions_visible_to(user=user).select_related(
                "account", "account__owner", "created_by"
            )
        ).get(pk=interaction_id)
    except (Interaction.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Interaction not found.") from None


def interaction_history(*, interaction: Interaction) -> QuerySet[AuditEntry]:
    """The audit entries of one interaction, newest first (the account's history has all)."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Interaction), target_id=interaction.pk
    ).select_related("actor", "target_type")


def attachments_visible_to(*, user: Any) -> QuerySet[Attachment]:
    return Attachment.objects.filter(interaction__account__in=accounts_visible_to(user))


def attachment_get(*, user: Any, attachment_id: int) -> Attachment:
    try:
        return (
            attachments_visible_to(user=user)
            .select_related("interaction", "interaction__account")
            .get(pk=attachment_id)
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Attachment not found.") from None


def timeline_events_visible_to(*, user: Any) -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.filter(account__in=accounts_visible_to(user))


# --- Contact dates (used by cadence, lists and the dossier) ---------------------------------


def last_meaningful_contact(*, account_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    """When each account last had real contact (notes do not count; planned ones neither)."""
    ids = list(account_ids)
    if not ids:
        return {}
    rows = (
        Interaction.objects.filter(
            account_id__in=ids, kind__in=MEANINGFUL_KINDS, occurred_at__lte=timezone.now()
        )
        .values("account_id")
        .annotate(last=Max("occurred_at"))
        .order_by()
    )
    return {row["account_id"]: row["last"] for row in rows}


def last_meaningful_contact_by_stakeholder(
    *, stakeholder_ids: Iterable[int]
) -> dict[int, datetime.datetime]:
    """When we last had real contact with each person (as a participant of an interaction)."""
    ids = list(stakeholder_ids)
    if not ids:
        return {}
    through = Interaction.their_participants.through
    rows = (
        through.objects.filter(
            stakeholder_id__in=ids,
            interaction__kind__in=MEANINGFUL_KINDS,
            interaction__occurred_at__lte=timezone.now(),
        )
        .values("stakeholder_id")
        .annotate(last=Max("interaction__occurred_at"))
        .order_by()
    )
    return {row["stakeholder_id"]: row["last"] for row in rows}


# --- Timeline ------------------------------------------------------------------------------

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


def editable_account_ids(*, user: Any, account_ids: Iterable[int]) -> set[int]:
    """Of `account_ids`, those `user` may change (head: all; KAM: their team's), in one query."""
    ids = set(account_ids)
    role = getattr(user, "role", None)
    if role == Role.HEAD:
        return ids
    if role != Role.KAM:
        return set()
    return set(accounts_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def account_people(*, account: Account) -> list[Stakeholder]:
    """The account's own people and those shared into it, by name, in one UNION of two indexed
    lookups. (An OR of the two makes PostgreSQL scan every stakeholder: 55 ms at 100,000.)"""
    fields = ("id", "account_id", "first_name", "last_name", "job_title", "status")
    own = Stakeholder.objects.filter(account=account).only(*fields).order_by()
    shared = (
        Stakeholder.objects.filter(
            pk__in=Stakeholder.other_accounts.through.objects.filter(account=account).values(
                "stakeholder_id"
            )
        )
        .only(*fields)
        .order_by()
    )
    return list(own.union(shared).order_by("last_name", "first_name", "id"))


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


# --- The dossier's overview ------------------------------------------------------------------


@dataclass
class ActivitySummary:
    last_contact: Interaction | None
    next_contact: Interaction | None
    interactions_90_days: int
    interactions_12_months: int
    open_next_steps: list[Interaction]
    open_next_steps_count: int
    overdue_next_steps_count: int
    files_count: int
    next_step_due: datetime.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def open_next_steps_of(qs: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return qs.filter(next_step_done_at__isnull=True).exclude(next_step="")


def account_activity_summary(*, account: Account, open_steps: int = 5) -> ActivitySummary:
    """Last and next contact, activity counts, open next steps and files of one account, in five
    queries whatever the length of its history."""
    now = timezone.now()
    today = timezone.localdate()
    interactions = Interaction.objects.filter(account=account)
    open_q = Q(next_step_done_at__isnull=True) & ~Q(next_step="")
    counts = interactions.aggregate(
        last_90=Count(
            "id",
            filter=Q(
                occurred_at__gte=now - datetime.timedelta(days=90),
                occurred_at__lte=now,
                kind__in=MEANINGFUL_KINDS,
            ),
        ),
        last_365=Count(
            "id",
            filter=Q(
                occurred_at__gte=now - datetime.timedelta(days=365),
                occurred_at__lte=now,
                kind__in=MEANINGFUL_KINDS,
            ),
        ),
        open_steps=Count("id", filter=open_q),
        overdue=Count("id", filter=open_q & Q(next_step_due__lt=today)),
    )
    last = (
        interactions.filter(kind__in=MEANINGFUL_KINDS, occurred_at__lte=now)
        .select_related("created_by")
        .order_by("-occurred_at", "-id")
        .first()
    )
    upcoming = (
        interactions.filter(occurred_at__gt=now)
        .select_related("created_by")
        .order_by("occurred_at", "id")
        .first()
    )
    steps = list(
        open_next_steps_of(interactions)
        .select_related("created_by")
        .order_by("next_step_due", "occurred_at", "id")[:open_steps]
    )
    due_dates = [s.next_step_due for s in steps if s.next_step_due]
    files = Attachment.objects.filter(interaction__account=account).count()
    return ActivitySummary(
        last_contact=last,
        next_contact=upcoming,
        interactions_90_days=counts["last_90"],
        interactions_12_months=counts["last_365"],
        open_next_steps=steps,
        open_next_steps_count=counts["open_steps"],
        overdue_next_steps_count=counts["overdue"],
        files_count=files,
        next_step_due=min(due_dates) if due_dates else None,
    )


def account_files(*, account: Account) -> QuerySet[Attachment]:
    """Every file attached to the account's interactions, newest first."""
    return (
        Attachment.objects.filter(interaction__account=account)
        .select_related("interaction", "uploaded_by")
        .order_by("-created_at", "-id")
    )


def open_next_steps_visible_to(*, user: Any) -> QuerySet[Interaction]:
    """Open next steps across every account the user sees, the earliest due first."""
    return (
        open_next_steps_of(interactions_visible_to(user=user))
        .select_related("account", "created_by")
        .order_by("next_step_due", "occurred_at", "id")
    )


def interaction_kind_choices() -> list[tuple[str, Any]]:
    return [(value, label) for value, label in InteractionKind.choices]
