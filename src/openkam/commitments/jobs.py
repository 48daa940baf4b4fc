"""Daily job: remind owners before a promise is due, and alert on promises gone overdue.

Each message is keyed by (kind, promise, due date): it goes out once for that date, however
often the job runs; a rescheduled promise is reminded again for its new date.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.commitments.models import Commitment, CommitmentStatus, Direction
from openkam.notifications.models import NotificationKind, NotificationPreference
from openkam.notifications.scheduler import Job, JobContext, daily, register
from openkam.notifications.selectors import lead_days_for
from openkam.notifications.services import MAX_LEAD_DAYS, notification_send, recipient_language


def _d(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _preferences(user_ids: set[int]) -> dict[int, NotificationPreference]:
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}


def _preference(prefs: dict[int, NotificationPreference], user: object) -> NotificationPreference:
    return prefs.get(user.pk) or NotificationPreference(user=user)  # type: ignore[attr-defined, misc]


def remind_and_alert(context: JobContext) -> str:
    today = context.today
    horizon = today + datetime.timedelta(days=MAX_LEAD_DAYS)
    due = list(
        Commitment.objects.filter(
            status=CommitmentStatus.OPEN, due_date__lte=horizon, owner__is_active=True
        )
        .select_related("account", "account__owner", "owner")
        .order_by("due_date", "id")
    )
    people = {c.owner_id for c in due} | {c.account.owner_id for c in due}
    lead = lead_days_for(user_ids={c.owner_id for c in due})
    prefs = _preferences(people)
    reminders = alerts = 0
    for commitment in due:
        url = reverse("commitments:detail", args=[commitment.pk])
        days_left = (commitment.due_date - today).days
        if 0 <= days_left <= lead[commitment.owner_id]:
            reminders += _remind(commitment, days_left, url, prefs)
        elif days_left < 0:
            alerts += _alert(commitment, -days_left, url, prefs)
    return f"{reminders} reminder(s), {alerts} overdue alert(s)"


def _remind(
    commitment: Commitment, days_left: int, url: str, prefs: dict[int, NotificationPreference]
) -> int:
    owner = commitment.owner
    with recipient_language(owner):
        if commitment.direction == Direction.OURS:
            title = (
                _("Due today: “%(what)s” for %(account)s")
                if days_left == 0
                else ngettext(
                    "Due in %(days)s day: “%(what)s” for %(account)s",
                    "Due in %(days)s days: “%(what)s” for %(account)s",
                    days_left,
                )
            )
            body = _(
                "You promised this by %(date)s. If it will slip, tell the client now, with an "
                "explanation and a new date, and reschedule it in OpenKAM."
            )
        else:
            title = (
                _("The client's promise is due today: “%(what)s” (%(account)s)")
                if days_left == 0
                else ngettext(
                    "The client's promise is due in %(days)s day: “%(what)s” (%(account)s)",
                    "The client's promise is due in %(days)s days: “%(what)s” (%(account)s)",
                    days_left,
                )
            )
            body = _("The client promised this by %(date)s; you follow it up.")
        values = {
            "what": commitment.title,
            "account": commitment.account.name,
            "days": days_left,
            "date": _d(commitment.due_date),
        }
        sent = notification_send(
            recipient=owner,
            kind=NotificationKind.COMMITMENT_DUE_SOON,
            key=f"due_soon:{commitment.pk}:{commitment.due_date.isoformat()}",
            title=title % values,
            body=body % values,
            url=url,
            source_type="commitment",
            source_id=commitment.pk,
            deliver_soon=False,
            preference=_preference(prefs, owner),
        )
    return 1 if sent else 0


def _alert(
    commitment: Commitment, days_late: int, url: str, prefs: dict[int, NotificationPreference]
) -> int:
    """To the owner, and to the account's KAM lead when that is someone else."""
    sent = 0
    kam = commitment.account.owner
    recipients = [(commitment.owner, NotificationKind.COMMITMENT_OVERDUE, "overdue")]
    if kam.pk != commitment.owner_id:
        recipients.append((kam, NotificationKind.COMMITMENT_OVERDUE_ACCOUNT, "overdue_account"))
    for person, kind, prefix in recipients:
        with recipient_language(person):
            values = {
                "what": commitment.title,
                "account": commitment.account.name,
                "days": days_late,
                "date": _d(commitment.due_date),
                "owner": commitment.owner,
            }
            if kind == NotificationKind.COMMITMENT_OVERDUE:
                title = ngettext(
                    "Overdue by %(days)s day: “%(what)s” for %(account)s",
                    "Overdue by %(days)s days: “%(what)s” for %(account)s",
                    days_late,
                )
                body = (
                    _(
                        "It was due on %(date)s. Keep it now, or tell the client and reschedule "
                        "it with what they were told."
                    )
                    if commitment.direction == Direction.OURS
                    else _("The client promised it for %(date)s. Follow it up with them.")
                )
            else:
                title = ngettext(
                    "Overdue by %(days)s day on %(account)s: “%(what)s”",
                    "Overdue by %(days)s days on %(account)s: “%(what)s”",
                    days_late,
                )
                body = _("Owner: %(owner)s. It was due on %(date)s.")
            if notification_send(
                recipient=person,
                kind=kind,
                key=f"{prefix}:{commitment.pk}:{commitment.due_date.isoformat()}",
                title=title % values,
                body=body % values,
                url=url,
                source_type="commitment",
                source_id=commitment.pk,
                deliver_soon=False,
                preference=_preference(prefs, person),
            ):
                sent += 1
    return sent


def register_jobs() -> None:
    register(Job(name="commitments.reminders", due=daily, run=remind_and_alert))
