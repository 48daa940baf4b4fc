"""Demo knowledge: the company library of standard answers and questionnaires for unusual
situations (after seed 002: never a bare "no", a fast answer naming when the full one comes,
promises kept or rescheduled with explanation and apology, questionnaires that "pass the ball"
and buy time to prepare), and what the team knows about each key and growth account.

Created through the services. Idempotent: a library entry is added only if no entry has its
title and none with its title was ever added (one a user deleted stays deleted); the accounts
are the ones the demo seed made key or growth accounts (not the current tier, which users
change), and an account that has knowledge, or whose history shows knowledge was added to it,
is left alone.
"""

from __future__ import annotations

import random
import re

from django.contrib.contenttypes.models import ContentType

from openkam.accounts.management.commands.demo import accounts_that_ever_had, planned_accounts
from openkam.accounts.models import Account, Tier
from openkam.core.models import AuditAction, AuditEntry
from openkam.knowledge.models import KnowledgeEntry, KnowledgeKind
from openkam.knowledge.services import knowledge_create, knowledge_update
from openkam.users.models import User

# (key, kind, title, tags, body); {ref:key} becomes a [[kb:<id>]] link to that entry.
LIBRARY = (
    (
        "questions",
        KnowledgeKind.QUESTIONNAIRE,
        "Clarifying questionnaire for an unusual request",
        "unusual situation, first answer",
        "Use it when a key client asks for something we have never done. It shows we take "
        "the request seriously and gives us the time to prepare a real answer.\n\n"
        "1. What exactly should the result be, and by when?\n"
        "2. What triggered the request (a project, an audit, a customer of theirs)?\n"
        "3. Who on your side decides, and who will use the result?\n"
        "4. Which constraints apply: budget, standards, internal approvals?\n"
        "5. How have you solved this before, and what did not work?\n"
        "6. What would make the answer a success for you personally?\n"
        "7. When may we come back with a first proposal?",
    ),
    (
        "no-answer-yet",
        KnowledgeKind.STANDARD_ANSWER,
        "We do not have the answer yet",
        "first answer, response time",
        'Never leave a key client without a reply and never answer with a bare "no".\n\n'
        'Answer the same day: "Thank you, we are looking into it. {colleague} is checking '
        '{topic}; you will have our answer by {date}." Name a real date and keep it; if it '
        "slips, say so before it passes (see {ref:late}).\n\n"
        "Ask the clarifying questions first if the request is unclear: {ref:questions}.",
    ),
    (
        "late",
        KnowledgeKind.STANDARD_ANSWER,
        "A delivery or promise will be late",
        "commitment, delay, apology",
        "Tell the client before the promised date, not after it.\n\n"
        "1. Call the person who received the promise; do not let them find out themselves.\n"
        "2. Explain what happened in one or two sentences, without blaming others.\n"
        "3. Apologise.\n"
        "4. Give a new date you are sure of, and what you do to keep it.\n"
        "5. Confirm it in writing the same day, copying their manager if the delay affects "
        "their project.\n"
        "6. Record the new date, the reason and the apology on the commitment in OpenKAM.",
    ),
    (
        "complaint",
        KnowledgeKind.STANDARD_ANSWER,
        "A quality complaint arrives",
        "complaint, quality",
        "Thank them for telling us, and take the complaint in writing with the intake "
        "questions ({ref:complaint-form}). Agree when they will hear from us (24 hours for a "
        "key account) and name one person who owns the case. Offer an interim measure "
        "(replacement, extra inspection) before the root cause is known. Close with a written "
        "summary of cause, fix and prevention, and ask whether they are satisfied.",
    ),
    (
        "complaint-form",
        KnowledgeKind.QUESTIONNAIRE,
        "Complaint intake questionnaire",
        "complaint, quality",
        "1. Which delivery, order or batch is affected (numbers, dates)?\n"
        "2. What was observed, by whom, and when?\n"
        "3. How many units or which share of the delivery?\n"
        "4. What is the effect on your production or your customers?\n"
        "5. What have you done so far (blocked stock, returned goods)?\n"
        "6. Photos, measurements or documents you can send us?\n"
        "7. What outcome do you expect, and by when?",
    ),
    (
        "discount",
        KnowledgeKind.STANDARD_ANSWER,
        "A discount beyond my authority is requested",
        "price, negotiation",
        "Do not refuse and do not promise. Ask what the discount should achieve (budget limit, "
        "competitor offer, volume commitment) and what they can give in return (volume, term, "
        "payment terms, reference). Say when you will come back, and take it to the head of "
        "key accounts with the account's figures.",
    ),
    (
        "contact-leaves",
        KnowledgeKind.STANDARD_ANSWER,
        "Our main contact at the client leaves",
        "relationship, risk",
        "Ask them for an introduction to their successor before they go, and thank them "
        "(a personal note). Mark them as having left in OpenKAM: their history stays. Meet "
        "the successor within a month with a short summary of what we deliver and what is "
        "open. Keep in touch with the person who left: they may buy from us at their new "
        "company.",
    ),
    (
        "competitor",
        KnowledgeKind.STANDARD_ANSWER,
        "The client mentions moving to a competitor",
        "churn, competition, risk",
        "Thank them for being open. Ask what the competitor offers that matters to them and "
        "what we fail to deliver today; do not criticise the competitor. Inform the head of "
        "key accounts the same day and agree a meeting at management level within two weeks.",
    ),
    (
        "thanks",
        KnowledgeKind.STANDARD_ANSWER,
        "Thank-you letter after a successful project",
        "recognition, relationship",
        "Send it to the client's management, naming the people on their side who made the "
        'project work, with a copy to the "hero of the day". Mention concrete results '
        "(dates kept, figures). It will be remembered when they choose a supplier for the "
        "next project.",
    ),
    (
        "feedback",
        KnowledgeKind.QUESTIONNAIRE,
        "Feedback after delivery",
        "feedback, satisfaction",
        "1. Did the delivery arrive complete and on time?\n"
        "2. How satisfied are you with the quality (1-10)? Why not 10?\n"
        "3. How easy was it to reach the right person at our company?\n"
        "4. What should we do differently next time?\n"
        "5. Which other departments or sites of yours could benefit from this?\n"
        "6. Would you recommend us to a colleague or partner?",
    ),
)

ACCOUNT_TEMPLATES = {
    KnowledgeKind.NEED: (
        ("Shorter delivery times for spare parts", "delivery, service"),
        ("One contact person for all their sites", "service, organisation"),
        ("Digital order tracking integrated with their ERP", "digital, ordering"),
        ("Lower CO₂ footprint of deliveries", "sustainability"),
    ),
    KnowledgeKind.PAIN: (
        ("Unplanned downtime caused by late deliveries", "delivery, risk"),
        ("Too many invoices; accounting wants one per month", "invoicing"),
        ("Quality variations between batches", "quality"),
        ("Their own customers push prices down", "price"),
    ),
    KnowledgeKind.DECISION_CRITERION: (
        ("Total cost of ownership over five years, not unit price", "price, tender"),
        ("Reference customers in their industry", "references, tender"),
        ("ISO 9001 and ISO 14001 certificates required", "compliance, tender"),
        ("Local service within 24 hours", "service"),
    ),
    KnowledgeKind.HISTORY_FACT: (
        ("Framework agreement renewed for three years", "contract"),
        ("Quality complaint in spring, resolved within two weeks", "complaint, quality"),
        ("We won them from a competitor after a successful pilot", "history"),
        ("Price increase of 4 % accepted after a management meeting", "price"),
    ),
}


def _body(kind: str, title: str, account: Account, library: dict[str, KnowledgeEntry]) -> str:
    industry = account.industry.lower() or "their industry"
    if kind == KnowledgeKind.NEED:
        return (
            f"{title}. Raised by their procurement team; typical for {industry}. "
            "Check at the next meeting whether it is budgeted this year."
        )
    if kind == KnowledgeKind.PAIN:
        answer = library.get("complaint")
        link = f" If it comes up as a complaint: {answer.reference}." if answer else ""
        return f"{title}. Mentioned more than once in meetings.{link}"
    if kind == KnowledgeKind.DECISION_CRITERION:
        return f"{title}. Weighted heavily in their last supplier evaluation."
    return f"{title}. Keep it in mind when preparing meetings with management."


def _library_titles_ever_added() -> set[str]:
    """Titles library entries were created with (the audit log names a record by its title),
    including entries deleted or renamed since."""
    entry_type = ContentType.objects.get_for_model(KnowledgeEntry)
    return set(
        AuditEntry.objects.filter(
            action=AuditAction.CREATE, target_type=entry_type, root_type=entry_type
        ).values_list("target_repr", flat=True)
    )


def _library(head: User) -> dict[str, KnowledgeEntry]:
    existing = {e.title: e for e in KnowledgeEntry.objects.filter(account__isnull=True)}
    added_before = _library_titles_ever_added()
    by_key: dict[str, KnowledgeEntry] = {}
    pending: list[tuple[str, KnowledgeEntry, str]] = []
    for key, kind, title, tags, body in LIBRARY:
        entry = existing.get(title)
        if entry is None and title in added_before:
            continue  # a user deleted or renamed it: leave it so
        if entry is None:
            draft = re.sub(r"\{ref:[^}]+\}", "", body)
            entry = knowledge_create(actor=head, kind=kind, title=title, tags=tags, body=draft)
            pending.append((key, entry, body))
        by_key[key] = entry
    for _key, entry, body in pending:
        linked = re.sub(
            r"\{ref:([^}]+)\}",
            lambda m: by_key[m.group(1)].reference if m.group(1) in by_key else "",
            body,
        )
        if linked != entry.body:
            knowledge_update(
                actor=head,
                entry_id=entry.pk,
                expected_version=entry.version,
                changes={"body": linked},
            )
    return by_key


def load(*, users: dict[str, User], seed: int) -> str:
    rng = random.Random(seed + 202)
    library = _library(users["head"])
    accounts = planned_accounts(tiers=(Tier.KEY, Tier.GROWTH), seed=seed)
    done = accounts_that_ever_had(KnowledgeEntry) | set(
        KnowledgeEntry.objects.filter(account__in=[account for account, _tier in accounts])
        .values_list("account_id", flat=True)
        .distinct()
    )
    created = 0
    for account, tier in accounts:
        if account.pk in done:
            continue
        kinds = list(ACCOUNT_TEMPLATES)
        # A shuffled copy per kind, so that no account gets the same entry twice.
        choices = {
            kind: rng.sample(items, k=len(items)) for kind, items in ACCOUNT_TEMPLATES.items()
        }
        count = rng.randint(3, 6) if tier == Tier.KEY else rng.randint(2, 3)
        for i in range(count):
            kind = kinds[i % len(kinds)]
            title, tags = choices[kind].pop()
            knowledge_create(
                actor=account.owner,
                account_id=account.pk,
                kind=kind,
                title=title,
                tags=tags,
                body=_body(kind, title, account, library),
            )
            created += 1
    return f"Knowledge: library of {len(library)} entries; {created} account entries created."
