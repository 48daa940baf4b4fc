"""Demo promises, both ways, on key, growth and maintain accounts: most kept (a few late), some
open and due soon, some overdue, and some rescheduled with what the client was told (a few
told only after the date had passed), so that the head sees overdue promises and the
figures have something to say.

Created through the services (audit trail and timeline included); afterwards the demo moves
the records' own dates back to when the promise was made, kept or moved, so that the timeline
reads like a history rather than like one afternoon of data entry. Dates are relative to
today, so the demo shows overdue and soon-due promises whenever it is loaded. Idempotent: the
accounts are the ones the demo seed made key, growth or maintain accounts (not the current
tier, which users change; an account a user created gets none), and an account that has
promises, or whose history shows promises were added to it, is left alone.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from openkam.accounts.management.commands.demo import accounts_that_ever_had, planned_accounts
from openkam.accounts.models import Account, AccountTeamMember, Tier
from openkam.activity.models import Interaction, TimelineEvent
from openkam.commitments.models import Commitment, CommitmentReschedule, Direction
from openkam.commitments.services import (
    commitment_complete,
    commitment_create,
    commitment_reschedule,
)
from openkam.stakeholders.models import BuyingRole, Channel, Stakeholder, StakeholderStatus
from openkam.users.models import Role, User

OURS = (
    ("Send the revised price list for next year", "With the volume rebate ladder discussed."),
    ("Send the action plan on lead times", "Owners and dates for each of the five actions."),
    ("Deliver the service contract proposal for lines 2 and 3", ""),
    ("Arrange a reference visit at a comparable customer", "Preferably in the same industry."),
    ("Answer the sustainability questionnaire", "Scope 1-3 figures and certificates."),
    ("Send the technical datasheets in the local language", ""),
    ("Prepare the frame agreement extension draft", "Three years, with an index clause."),
    ("Propose dates for the quarterly business review", ""),
    ("Confirm the spare parts stock for the winter season", ""),
    ("Send the root-cause report on the late delivery", "8D format, as their quality team asked."),
)
THEIRS = (
    ("Send the volume forecast for next year", "Per product group and quarter."),
    ("Return the signed frame agreement", ""),
    ("Confirm the delivery schedule for the first quarter", ""),
    ("Share the results of their supplier evaluation", ""),
    ("Introduce us to the new purchasing director", ""),
    ("Provide access to the supplier portal", ""),
)
REASONS = (
    "The supplier of a key component delivered late.",
    "Our legal review of the new clauses takes another week.",
    "The test results from the lab are not in yet.",
    "Two people in the project team were ill.",
    "The scope grew after their technical team's new requirements.",
)
CLIENT_MESSAGES = (
    "Called to apologise for the delay, explained the component shortage and promised the "
    "new date; they accepted it.",
    "Wrote to apologise: our legal review needs another week. Offered a call to go through the "
    "draft clause by clause in the meantime.",
    "Explained in the weekly meeting that the lab results are late, apologised, and agreed the "
    "new date; they asked for a short status e-mail on Friday.",
    "Apologised by phone and explained the staffing problem; they were understanding and asked "
    "to be told at once if the new date is at risk.",
    "Explained that their new requirements widen the scope; agreed the new date together and "
    "confirmed it in writing.",
)
THEIR_EXCUSES = (
    "Their controller is on leave; the forecast comes when she is back.",
    "Their board meets later than planned and must approve it first.",
    "Their IT department needs another week to set up the access.",
)


def _when(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _backdate(commitment: Commitment, created: datetime.date) -> None:
    Commitment.objects.filter(pk=commitment.pk).update(created_at=_when(created))
    TimelineEvent.objects.filter(
        source_type="commitment", source_id=commitment.pk, kind="commitment_created"
    ).update(occurred_at=_when(created))


def _owner(account: Account, rng: random.Random, team: dict[int, list[User]]) -> User:
    specialists = [u for u in team.get(account.pk, []) if u.role == Role.SPECIALIST]
    if specialists and rng.random() < 0.25:
        return specialists[0]
    return account.owner


def load(*, users: dict[str, User], seed: int) -> str:
    rng = random.Random(seed + 404)
    today = timezone.localdate()
    planned = planned_accounts(tiers=(Tier.KEY, Tier.GROWTH, Tier.MAINTAIN), seed=seed)
    accounts = [account for account, _tier in planned]
    done = accounts_that_ever_had(Commitment) | set(
        Commitment.objects.values_list("account_id", flat=True).distinct()
    )
    team: dict[int, list[User]] = {}
    for member in AccountTeamMember.objects.select_related("user").filter(account__in=accounts):
        team.setdefault(member.account_id, []).append(member.user)
    counts = {"kept": 0, "late": 0, "open": 0, "overdue": 0, "rescheduled": 0}
    for account, tier in planned:
        if account.pk in done:
            continue
        people = list(
            Stakeholder.objects.filter(account=account, status=StakeholderStatus.ACTIVE).order_by(
                "-influence", "pk"
            )
        )
        key_people = [
            p
            for p in people
            if p.buying_role in (BuyingRole.DECISION_MAKER, BuyingRole.ECONOMIC_BUYER)
        ] or people
        meetings = list(
            Interaction.objects.filter(account=account, occurred_at__lte=timezone.now()).order_by(
                "-occurred_at"
            )[:10]
        )
        weight = {"key": 3, "growth": 2}.get(tier, 1)
        for _ in range(rng.randint(weight, weight * 2)):
            _history(account, rng, today, people, meetings, team, counts)
        if rng.random() < 0.5 + 0.15 * weight:
            _open(account, rng, today, key_people, team, counts, overdue=False)
        if rng.random() < 0.2 + 0.12 * weight:
            _open(account, rng, today, key_people, team, counts, overdue=True)
        if rng.random() < 0.15 + 0.1 * weight:
            _rescheduled(account, rng, today, key_people, team, counts)
    return (
        f"Promises: {counts['kept']} kept on time, {counts['late']} kept late, "
        f"{counts['open']} open, {counts['overdue']} overdue, {counts['rescheduled']} rescheduled."
    )


def _pick(rng: random.Random) -> tuple[str, str, str]:
    if rng.random() < 0.3:
        title, details = rng.choice(THEIRS)
        return Direction.THEIRS, title, details
    title, details = rng.choice(OURS)
    return Direction.OURS, title, details


def _history(
    account: Account,
    rng: random.Random,
    today: datetime.date,
    people: list[Stakeholder],
    meetings: list[Interaction],
    team: dict[int, list[User]],
    counts: dict[str, int],
) -> None:
    """A promise made and kept in the past months (one in six kept late)."""
    direction, title, details = _pick(rng)
    due = today - datetime.timedelta(days=rng.randint(8, 300))
    made = due - datetime.timedelta(days=rng.randint(7, 30))
    meeting = next((m for m in meetings if timezone.localtime(m.occurred_at).date() <= made), None)
    commitment = commitment_create(
        actor=account.owner,
        account_id=account.pk,
        direction=direction,
        title=title,
        details=details,
        due_date=due,
        stakeholder=rng.choice(people) if people else None,
        interaction=meeting,
        owner=_owner(account, rng, team),
    )
    _backdate(commitment, made)
    late = rng.random() < 1 / 6
    kept_on = (
        due + datetime.timedelta(days=rng.randint(1, 6))
        if late
        else due - datetime.timedelta(days=rng.randint(0, 4))
    )
    kept_on = min(kept_on, today)
    commitment_complete(
        actor=commitment.owner,
        commitment_id=commitment.pk,
        completed_on=kept_on,
        note="Sent and confirmed received." if direction == Direction.OURS else "Received.",
    )
    TimelineEvent.objects.filter(
        source_type="commitment", source_id=commitment.pk, kind="commitment_done"
    ).update(occurred_at=_when(kept_on, 15))
    counts["late" if late else "kept"] += 1


def _open(
    account: Account,
    rng: random.Random,
    today: datetime.date,
    people: list[Stakeholder],
    team: dict[int, list[User]],
    counts: dict[str, int],
    *,
    overdue: bool,
) -> None:
    direction, title, details = _pick(rng)
    if overdue:
        due = today - datetime.timedelta(days=rng.randint(1, 18))
    else:
        due = today + datetime.timedelta(days=rng.randint(0, 25))
    made = min(today, due) - datetime.timedelta(days=rng.randint(5, 20))
    commitment = commitment_create(
        actor=account.owner,
        account_id=account.pk,
        direction=direction,
        title=title,
        details=details,
        due_date=due,
        stakeholder=rng.choice(people) if people else None,
        owner=_owner(account, rng, team),
    )
    _backdate(commitment, made)
    counts["overdue" if overdue else "open"] += 1


def _rescheduled(
    account: Account,
    rng: random.Random,
    today: datetime.date,
    people: list[Stakeholder],
    team: dict[int, list[User]],
    counts: dict[str, int],
) -> None:
    """A promise whose date moved: the client told in advance, or (one in four) only after
    the old date had passed."""
    direction, title, details = _pick(rng)
    told_late = rng.random() < 0.25
    old_due = (
        today - datetime.timedelta(days=rng.randint(1, 5))
        if told_late
        else today + (datetime.timedelta(days=rng.randint(1, 6)))
    )
    made = min(today, old_due) - datetime.timedelta(days=rng.randint(10, 25))
    person = rng.choice(people) if people else None
    commitment = commitment_create(
        actor=account.owner,
        account_id=account.pk,
        direction=direction,
        title=title,
        details=details,
        due_date=old_due,
        stakeholder=person,
        owner=_owner(account, rng, team),
    )
    _backdate(commitment, made)
    told_on = today if told_late else max(made, today - datetime.timedelta(days=rng.randint(0, 3)))
    index = rng.randrange(len(REASONS))
    reschedule = commitment_reschedule(
        actor=commitment.owner,
        commitment_id=commitment.pk,
        new_due_date=today + datetime.timedelta(days=rng.randint(7, 30)),
        reason=REASONS[index] if direction == Direction.OURS else rng.choice(THEIR_EXCUSES),
        client_message=(
            CLIENT_MESSAGES[index] if direction == Direction.OURS else rng.choice(THEIR_EXCUSES)
        ),
        informed_via=rng.choice([Channel.PHONE, Channel.EMAIL, Channel.MEETING, Channel.VIDEO]),
        informed_on=told_on,
        informed_person=person,
    )
    CommitmentReschedule.objects.filter(pk=reschedule.pk).update(recorded_at=_when(told_on, 11))
    TimelineEvent.objects.filter(
        source_type="commitment", source_id=commitment.pk, kind="commitment_rescheduled"
    ).update(occurred_at=_when(told_on, 11))
    counts["rescheduled"] += 1
