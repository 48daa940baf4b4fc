"""Building, archiving and sending digests.

A digest is built from the registered sections (see `openkam.digest.sections`), stored with
its facts and its rendered report, and sent to its readers through the notification centre
and the e-mail outbox. Generating is idempotent: a digest exists once per scope and period,
and each reader is notified once per digest.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.accounts.models import Account, Tier
from openkam.activity.selectors import last_meaningful_contact
from openkam.core.errors import ForbiddenError
from openkam.digest.models import Digest, DigestSchedule, DigestScope, Weekday
from openkam.digest.periods import Period
from openkam.digest.sections import (
    PROBLEM_SEVERITIES,
    SectionScope,
    registered_sections,
    section_by_key,
)
from openkam.notifications.models import NotificationKind
from openkam.notifications.services import (
    EmailContent,
    absolute_url,
    notification_send,
    recipient_language,
)
from openkam.users.models import Role, User

DATA_VERSION = 1


# --- Facts ---------------------------------------------------------------------------------


def scope_accounts(*, kam: User | None) -> QuerySet[Account]:
    """The department's accounts, or those one KAM owns (their accounts)."""
    qs = Account.objects.select_related("owner", "cadence").order_by("name", "id")
    return qs.filter(owner=kam) if kam is not None else qs


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def digest_data(
    *,
    kam: User | None,
    period: Period,
    today: datetime.date | None = None,
    accounts: list[Account] | None = None,
) -> dict[str, Any]:
    """The digest's facts as JSON: per KAM, each account with problems and what they are."""
    today = today or timezone.localdate()
    accounts = accounts if accounts is not None else list(scope_accounts(kam=kam))
    scope = SectionScope(
        accounts=accounts,
        today=today,
        period_start=period.start,
        period_end=period.end,
        due_soon_days=settings.KAM_DUE_SOON_DAYS,
    )
    sections = registered_sections()
    results = {section.key: section.collect(scope) for section in sections}
    last = last_meaningful_contact(account_ids=[a.pk for a in accounts])
    groups: dict[int, dict[str, Any]] = {}
    totals: dict[str, Any] = {"accounts": 0, "with_problems": 0, "key_accounts": 0}
    for account in accounts:
        group = groups.setdefault(
            account.owner_id,
            {"kam": _person(account.owner), "accounts": [], "in_order": [], "problems": 0},
        )
        items = {
            key: result.items[account.pk]
            for key, result in results.items()
            if result.items.get(account.pk)
        }
        has_problem = any(
            item.get("severity") in PROBLEM_SEVERITIES
            for section_items in items.values()
            for item in section_items
        )
        contact = last.get(account.pk)
        row = {
            "id": account.pk,
            "name": account.name,
            "tier": account.tier,
            "last_contact": timezone.localtime(contact).date().isoformat() if contact else None,
        }
        totals["accounts"] += 1
        totals["key_accounts"] += account.tier == Tier.KEY
        if items:
            group["accounts"].append({**row, "items": items, "has_problem": has_problem})
        elif account.tier == Tier.KEY:
            group["in_order"].append(row)
        if has_problem:
            group["problems"] += 1
            totals["with_problems"] += 1
    for result in results.values():
        for name, value in result.summary.items():
            totals[name] = value
    ordered = sorted(groups.values(), key=lambda g: (-g["problems"], g["kam"]["name"]))
    for group in ordered:
        group["accounts"].sort(
            key=lambda a: (not a["has_problem"], _tier_rank(a["tier"]), a["name"])
        )
    return {
        "version": DATA_VERSION,
        "scope": DigestScope.KAM if kam is not None else DigestScope.DEPARTMENT,
        "kam": _person(kam),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "today": today.isoformat(),
        "sections": [section.key for section in sections],
        "totals": totals,
        "groups": ordered,
    }


def _tier_rank(tier: str) -> int:
    return Tier.values.index(tier) if tier in Tier.values else len(Tier.values)


# --- Rendering -----------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _dates(value: Any) -> Any:
    """ISO dates in the archived facts back to dates, for the templates to format."""
    if isinstance(value, dict):
        return {key: _dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates(item) for item in value]
    if isinstance(value, str) and _DATE.match(value):
        return datetime.date.fromisoformat(value)
    return value


def render_context(data: dict[str, Any], *, base_url: str = "") -> dict[str, Any]:
    facts = _dates(data)
    sections = [s for key in facts.get("sections", []) if (s := section_by_key(key))]
    for group in facts["groups"]:
        for account in group["accounts"]:
            account["sections"] = [
                {"section": s, "items": account["items"][s.key]}
                for s in sections
                if account["items"].get(s.key)
            ]
    return {
        "digest": facts,
        "totals": facts["totals"],
        "period": facts["period"],
        "department": facts["scope"] == DigestScope.DEPARTMENT,
        "tiers": Tier.choices,
        # Links stay relative on the page; e-mails render with the site's address.
        "base_url": base_url,
    }


def render(data: dict[str, Any], language: str, *, base_url: str = "") -> tuple[str, str]:
    """The report as an HTML fragment (for the page and the e-mail) and as plain text."""
    with translation.override(language):
        context = render_context(data, base_url=base_url)
        html = render_to_string("digest/content.html", context)
        text = render_to_string("digest/content.txt", context)
    return html, re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def subject_for(data: dict[str, Any]) -> str:
    """E.g. "Digest 20.04.2026–26.04.2026: 3 overdue promises, 2 accounts without contact"."""
    period = _dates(data["period"])
    totals = data["totals"]
    parts = []
    if totals.get("overdue"):
        parts.append(
            ngettext("%(n)s overdue promise", "%(n)s overdue promises", totals["overdue"])
            % {"n": totals["overdue"]}
        )
    if totals.get("neglected_accounts"):
        parts.append(
            ngettext(
                "%(n)s account without contact",
                "%(n)s accounts without contact",
                totals["neglected_accounts"],
            )
            % {"n": totals["neglected_accounts"]}
        )
    when = "{}–{}".format(
        formats.date_format(period["start"], "SHORT_DATE_FORMAT"),
        formats.date_format(period["end"], "SHORT_DATE_FORMAT"),
    )
    if data.get("kam"):
        head = _("Your digest %(period)s") % {"period": when}
    else:
        head = _("Department digest %(period)s") % {"period": when}
    return f"{head}: {', '.join(parts)}" if parts else f"{head}: {_('nothing overdue')}"


# --- Generating and sending ----------------------------------------------------------------


def _existing(*, kam: User | None, period: Period) -> Digest | None:
    qs = Digest.objects.filter(period_start=period.start)
    if kam is None:
        return qs.filter(scope=DigestScope.DEPARTMENT).first()
    return qs.filter(scope=DigestScope.KAM, kam=kam).first()


def digest_generate(
    *, kam: User | None, period: Period, today: datetime.date | None = None
) -> tuple[Digest, bool]:
    """The digest of `period` for one KAM (or the department when `kam` is None), generated
    now unless it exists. Returns it and whether this call created it."""
    found = _existing(kam=kam, period=period)
    if found is not None:
        return found, False
    data = digest_data(kam=kam, period=period, today=today)
    language = (kam.language if kam is not None else "") or settings.LANGUAGE_CODE
    html, text = render(data, language)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                scope=DigestScope.KAM if kam is not None else DigestScope.DEPARTMENT,
                kam=kam,
                period_start=period.start,
                period_end=period.end,
                language=language,
                data=data,
                content_html=html,
                content_text=text,
            )
    except IntegrityError:
        # Another worker generated it a moment ago: theirs is the one.
        found = _existing(kam=kam, period=period)
        assert found is not None
        return found, False
    return digest, True


def content_for(digest: Digest, language: str) -> tuple[str, str]:
    """The report in `language`: the archived one when it is in that language."""
    if language == digest.language:
        return digest.content_html, digest.content_text
    return render(digest.data, language)


def digest_email(*, digest: Digest, recipient: User) -> EmailContent:
    language = recipient.language or settings.LANGUAGE_CODE
    html, text = render(digest.data, language, base_url=settings.KAM_BASE_URL)
    with recipient_language(recipient):
        subject = subject_for(digest.data)
        link = absolute_url(reverse("digest:detail", args=[digest.pk]))
        context = {
            "subject": subject,
            "content": html,
            "text": text,
            "link": link,
            "preferences_link": absolute_url(reverse("notifications:preferences")),
        }
        return EmailContent(
            subject=subject,
            text=render_to_string("digest/email.txt", context),
            html=render_to_string("digest/email.html", context),
        )


def digest_notify(*, digest: Digest, recipients: list[User], deliver_soon: bool = True) -> int:
    """Tell each reader once (in the notification centre, and by e-mail if they want it)."""
    sent = 0
    for person in recipients:
        with recipient_language(person):
            subject = subject_for(digest.data)
        if notification_send(
            recipient=person,
            kind=NotificationKind.DIGEST,
            key=f"digest:{digest.pk}",
            title=subject,
            url=reverse("digest:detail", args=[digest.pk]),
            source_type="digest",
            source_id=digest.pk,
            email=digest_email(digest=digest, recipient=person),
            deliver_soon=deliver_soon,
        ):
            sent += 1
    return sent


def digest_readers_department() -> list[User]:
    return list(User.objects.filter(role=Role.HEAD, is_active=True).order_by("pk"))


def digest_kams() -> list[User]:
    """KAMs who own accounts (the head reads the department's digest instead)."""
    return list(
        User.objects.filter(role=Role.KAM, is_active=True, owned_accounts__isnull=False)
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class RunSummary:
    generated: int
    notified: int


def digests_run(
    *, period: Period, today: datetime.date | None = None, deliver_soon: bool = False
) -> RunSummary:
    """Generate and send every digest of `period`: the department's, then each KAM's."""
    generated = notified = 0
    department, created = digest_generate(kam=None, period=period, today=today)
    generated += created
    notified += digest_notify(
        digest=department, recipients=digest_readers_department(), deliver_soon=deliver_soon
    )
    for kam in digest_kams():
        digest, created = digest_generate(kam=kam, period=period, today=today)
        generated += created
        notified += digest_notify(digest=digest, recipients=[kam], deliver_soon=deliver_soon)
    return RunSummary(generated=generated, notified=notified)


# --- Schedule setting ----------------------------------------------------------------------


@transaction.atomic
def digest_schedule_update(*, actor: User, interval_days: Any, weekday: str) -> DigestSchedule:
    if actor.role != Role.HEAD:
        raise ForbiddenError(_("Only the head of key accounts sets the digest's rhythm."))
    try:
        days = int(interval_days)
    except (TypeError, ValueError):
        raise ValidationError({"interval_days": _("Give a whole number of days.")}) from None
    if weekday not in Weekday.values:
        raise ValidationError({"weekday": _("Choose a day of the week.")})
    row = DigestSchedule.objects.select_for_update().order_by("pk").first()
    if row is None:
        row = DigestSchedule(interval_days=days, weekday=weekday)
    row.interval_days = days
    row.weekday = weekday
    row.updated_by = actor
    row.full_clean()
    row.save()
    return row
