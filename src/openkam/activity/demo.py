"""Demo history: 18 months of contacts with every account that has people, of every kind,
with participants from both sides, outcomes, next steps (most done, some open, a few overdue),
a few meeting transcripts, small text files, and the next planned meetings.

Created through the services (audit trail and search index included). Idempotent: the
accounts are the demo seed's key and growth accounts that have people (not the current tier,
which users change; an account a user created gets none), and an account that has
interactions, or whose history shows interactions were added to it, is left alone.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openkam.accounts.management.commands.demo import accounts_that_ever_had, planned_accounts
from openkam.accounts.models import Account, AccountTeamMember, Tier
from openkam.activity.models import Interaction, InteractionKind
from openkam.activity.services import interaction_create, interaction_next_step_done
from openkam.stakeholders.models import Stakeholder, StakeholderStatus
from openkam.users.models import User

MONTHS = 18

# (kind, subject, summary, outcome, next step) templates; {product} and {person} are filled in.
TEMPLATES: dict[str, list[tuple[str, str, str, str]]] = {
    InteractionKind.MEETING: [
        (
            "Quarterly business review",
            "Went through deliveries, service levels and open complaints for the quarter. "
            "{person} raised the lead times on {product} again.",
            "Agreed on a joint action plan for lead times; volumes for next quarter confirmed.",
            "Send the action plan on lead times with owners and dates",
        ),
        (
            "Annual price negotiation",
            "Presented the price adjustment for {product} (raw materials +4 %). {person} asked "
            "for a volume rebate in exchange for a two-year commitment.",
            "Open: they will come back with their volume forecast before we settle.",
            "Prepare a rebate ladder for two-year volumes",
        ),
        (
            "Account plan workshop",
            "Half-day workshop with their management on next year's priorities: "
            "sustainability reporting, fewer suppliers, digital ordering.",
            "Three joint initiatives chosen; {person} sponsors the digital ordering pilot.",
            "Draft the pilot charter for digital ordering",
        ),
        (
            "Steering committee",
            "Status of the joint projects, risks and decisions needed from both sides.",
            "Go-ahead for phase 2; budget approved on their side.",
            "Book the phase 2 kick-off with both teams",
        ),
    ],
    InteractionKind.VISIT: [
        (
            "Site visit at the main plant",
            "Toured the production line where {product} is used; met the maintenance team.",
            "Spotted two places where our service contract could cut downtime.",
            "Send a service contract proposal for the two lines",
        ),
        (
            "Executive visit",
            "Our managing director visited {person} with the KAM: relationship, strategy and "
            "the long-term partnership.",
            "Mutual intent to extend the frame agreement by three years.",
            "Prepare the frame agreement extension draft",
        ),
    ],
    InteractionKind.CALL: [
        (
            "Follow-up on the offer",
            "Called {person} about the offer for {product}; questions on delivery terms.",
            "They need Incoterms DAP instead of FCA.",
            "Revise the offer with DAP delivery terms",
        ),
        (
            "Complaint about a late delivery",
            "{person} called about the late delivery of {product}; production was close to "
            "stopping.",
            "Apologised, explained the root cause (carrier), expedited the next shipment.",
            "Send the 8D report on the late delivery",
        ),
        (
            "Check-in call",
            "Short call with {person}: how the new ordering portal works for them.",
            "Positive; two users need training.",
            "Arrange portal training for two users",
        ),
    ],
    InteractionKind.EMAIL: [
        (
            "Offer sent",
            "Sent the offer for {product} with the requested volume scale.",
            "",
            "Follow up on the offer by phone",
        ),
        (
            "Reply on the tender questions",
            "Answered the buyer's twelve questions on the tender for {product}.",
            "",
            "",
        ),
    ],
    InteractionKind.LETTER: [
        (
            "Price adjustment notice",
            "Formal notice of the price adjustment for {product}, effective in 60 days.",
            "",
            "",
        ),
    ],
    InteractionKind.PRESENTATION: [
        (
            "New product line presentation",
            "Presented the new generation of {product} to engineering and purchasing.",
            "Interest from engineering; purchasing wants total cost of ownership figures.",
            "Send the TCO calculation for the new product line",
        ),
    ],
    InteractionKind.EXHIBITION: [
        (
            "Met at the industry fair",
            "Met {person} at our stand; talked about their expansion plans.",
            "They open a new site next year and will need a supplier for {product}.",
            "Ask for the project timeline of the new site",
        ),
    ],
    InteractionKind.NOTE: [
        (
            "Heard about a reorganisation",
            "Rumour via their logistics team: purchasing will be centralised at group level.",
            "",
            "Verify the reorganisation with our champion",
        ),
        (
            "Competitor activity",
            "A competitor offered {product} 8 % below our price to their plant manager.",
            "",
            "",
        ),
    ],
}
KIND_WEIGHTS: dict[str, int] = {
    InteractionKind.MEETING: 5,
    InteractionKind.CALL: 6,
    InteractionKind.EMAIL: 5,
    InteractionKind.VISIT: 2,
    InteractionKind.PRESENTATION: 1,
    InteractionKind.EXHIBITION: 1,
    InteractionKind.LETTER: 1,
    InteractionKind.NOTE: 2,
}
DURATIONS: dict[str, tuple[int, int]] = {
    InteractionKind.MEETING: (45, 180),
    InteractionKind.VISIT: (120, 360),
    InteractionKind.CALL: (10, 45),
    InteractionKind.PRESENTATION: (45, 120),
    InteractionKind.EXHIBITION: (20, 60),
}
PRODUCTS = ("hydraulic pumps", "gear units", "control valves", "spare parts", "sensors")
TRANSCRIPT = """{kam}: Thank you for making time today. Shall we start with the delivery figures?

{person}: Yes. On-time delivery was 94 % this quarter; we need 97 % to stay on the preferred list.

{kam}: Understood. Most of the misses were the carrier change in week 12. We have moved the
volumes back to the previous carrier and added a buffer stock of {product} in our warehouse.

{person}: Good. The second topic is the price adjustment. Our controller asks whether the
increase can be split over two steps.

{kam}: We can discuss a two-step adjustment if we agree on volumes for the next two years.

{person}: Then let us look at the forecast together next month.
"""


def _when(rng: random.Random, now: datetime.datetime, days_ago: int) -> datetime.datetime:
    day = timezone.localtime(now - datetime.timedelta(days=days_ago))
    while day.weekday() >= 5:  # business days
        day -= datetime.timedelta(days=1)
    return day.replace(
        hour=rng.choice([8, 9, 10, 11, 13, 14, 15]),
        minute=rng.choice([0, 30]),
        second=0,
        microsecond=0,
    )


def _minutes(subject: str, account: Account, when: datetime.datetime, people: str) -> bytes:
    return (
        f"Minutes: {subject}\n"
        f"Account: {account.name}\n"
        f"Date: {when:%Y-%m-%d %H:%M}\n"
        f"Participants: {people}\n\n"
        "1. Review of the period\n2. Open issues\n3. Next steps and owners\n"
    ).encode()


def _team(account: Account) -> list[User]:
    return [
        m.user for m in AccountTeamMember.objects.filter(account=account).select_related("user")
    ]


def load(*, users: dict[str, User], seed: int) -> str:
    rng = random.Random(seed + 303)
    now = timezone.now()
    planned = planned_accounts(tiers=(Tier.KEY, Tier.GROWTH), seed=seed)
    with_people = set(
        Stakeholder.objects.filter(account__in=[account for account, _tier in planned])
        .values_list("account_id", flat=True)
        .distinct()
    )
    accounts = [(account, tier) for account, tier in planned if account.pk in with_people]
    done = accounts_that_ever_had(Interaction) | set(
        Interaction.objects.filter(account__in=[account for account, _tier in accounts])
        .values_list("account_id", flat=True)
        .distinct()
    )
    counts = {"interactions": 0, "files": 0, "transcripts": 0, "open": 0, "planned": 0}
    kinds = list(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[k] for k in kinds]
    for account, tier in accounts:
        if account.pk in done:
            continue
        people = list(Stakeholder.objects.filter(account=account).order_by("-influence", "pk"))
        team = _team(account) or [account.owner]
        product = rng.choice(PRODUCTS)
        count = rng.randint(10, 22) if tier == Tier.KEY else rng.randint(5, 12)
        ages = sorted((rng.randint(2, MONTHS * 30) for _ in range(count)), reverse=True)
        for days_ago in ages:
            kind = rng.choices(kinds, weights)[0]
            _log(rng, account, people, team, product, kind, _when(rng, now, days_ago), counts)
        for days_ahead in rng.sample([3, 6, 9, 14, 21], k=rng.randint(0, 2)):
            when = _when(rng, now, -days_ahead)
            _log(rng, account, people, team, product, InteractionKind.MEETING, when, counts)
            counts["planned"] += 1
    return (
        f"Activity: {counts['interactions']} interactions ({counts['planned']} planned, "
        f"{counts['open']} open next steps), {counts['transcripts']} transcripts, "
        f"{counts['files']} files."
    )


def _log(
    rng: random.Random,
    account: Account,
    people: list[Stakeholder],
    team: list[User],
    product: str,
    kind: str,
    when: datetime.datetime,
    counts: dict[str, int],
) -> None:
    subject, summary, outcome, next_step = rng.choice(TEMPLATES[kind])
    # People who had left by then are not invited; anyone active or still there at the time is.
    present = [
        p
        for p in people
        if p.status == StakeholderStatus.ACTIVE or (p.left_on and p.left_on > when.date())
    ]
    theirs = rng.sample(present, k=min(len(present), rng.randint(1, 3))) if present else []
    if kind in (InteractionKind.EMAIL, InteractionKind.LETTER, InteractionKind.CALL):
        theirs = theirs[:1]
    if kind == InteractionKind.NOTE:
        theirs = []
    author = rng.choice(team)
    ours = [author] if kind != InteractionKind.NOTE else []
    if kind in (InteractionKind.MEETING, InteractionKind.VISIT) and len(team) > 1:
        ours = list({author, rng.choice(team)})
    fill: dict[str, Any] = {
        "product": product,
        "person": theirs[0].full_name if theirs else "the buyer",
    }
    planned = when > timezone.now()
    span = DURATIONS.get(kind)
    files = []
    transcript = ""
    if not planned and kind in (InteractionKind.MEETING, InteractionKind.VISIT):
        if rng.random() < 0.4:
            names = ", ".join([*(str(u) for u in ours), *(p.full_name for p in theirs)])
            files.append(
                SimpleUploadedFile(
                    f"Minutes {subject} {when:%Y-%m-%d}.txt",
                    _minutes(subject, account, when, names),
                    content_type="text/plain",
                )
            )
        if rng.random() < 0.15 and theirs:
            transcript = TRANSCRIPT.format(kam=author, person=theirs[0].full_name, product=product)
    if not planned and kind == InteractionKind.EMAIL and rng.random() < 0.3:
        files.append(
            SimpleUploadedFile(
                f"Offer {product} {when:%Y-%m}.csv",
                f"item;quantity;unit price EUR\n{product};{rng.randint(10, 400)};"
                f"{rng.randint(80, 2400)}.00\n".encode(),
                content_type="text/csv",
            )
        )
    step = next_step if next_step and rng.random() < 0.8 else ""
    due = (when + datetime.timedelta(days=rng.randint(5, 30))).date() if step else None
    interaction = interaction_create(
        actor=author,
        account_id=account.pk,
        kind=kind,
        occurred_at=when,
        subject=subject,
        duration_minutes=rng.randint(*span) // 5 * 5 if span else None,
        summary="" if planned else summary.format(**fill),
        outcome="" if planned else outcome.format(**fill),
        next_step="" if planned else step,
        next_step_due=None if planned else due,
        transcript=transcript,
        our_participants=ours,
        their_participants=theirs,
        files=files,
    )
    counts["interactions"] += 1
    counts["files"] += len(files)
    counts["transcripts"] += bool(transcript)
    if interaction.next_step and due is not None:
        # Steps due more than a week ago were mostly done, on a day near their due date.
        if due < timezone.localdate() - datetime.timedelta(days=7) and rng.random() < 0.9:
            interaction_next_step_done(actor=author, interaction_id=interaction.pk)
            done_at = timezone.make_aware(
                datetime.datetime.combine(
                    due - datetime.timedelta(days=rng.randint(0, 4)), datetime.time(15, 0)
                )
            )
            Interaction.objects.filter(pk=interaction.pk).update(next_step_done_at=done_at)
        else:
            counts["open"] += 1
