"""Reads of interactions, attachments and timeline events: who sees and changes them, when
accounts and people last had contact, and the dossier's overview. Every read starts from
`accounts_visible_to`, so an account's history is visible exactly to those who see the account.

The timeline itself (filters, paging, the records of one page) is in `timeline_selectors`,
which builds on the access rules here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from openkam.accounts.models import Account
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


def editable_account_ids(*, user: Any, account_ids: Iterable[int]) -> set[int]:
    """Of `account_ids`, those `user` may change (head: all; KAM: their team's), in one query."""
    ids = set(account_ids)
    role = getattr(user, "role", None)
    if role == Role.HEAD:
        return ids
    if role != Role.KAM:
        return set()
    return set(accounts_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


# --- Contact dates (used by cadence, lists and the dossier) ---------------------------------


def last_meaningful_contact(
    *,
    account_ids: Iterable[int] | None = None,
    accounts: QuerySet[Account] | None = None,
) -> dict[int, datetime.datetime]:
    """When each account last had real contact (notes do not count; planned ones neither).

    The accounts are given by id or as a queryset (a subquery: no list of ten thousand ids
    sent as parameters)."""
    if accounts is not None:
        scope: Any = accounts.order_by().values("pk")
    else:
        scope = list(account_ids or ())
        if not scope:
            return {}
    rows = (
        Interaction.objects.filter(
            account_id__in=scope, kind__in=MEANINGFUL_KINDS, occurred_at__lte=timezone.now()
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


# --- An account's people (the interaction form, the timeline filter, the meeting brief) ------


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
