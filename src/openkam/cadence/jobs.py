"""Daily job: tell an account's KAM when it has gone beyond its contact interval.

Keyed by (account, the day contact fell due): one alert per lapse; after a new contact and a
new lapse, a new alert.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.accounts.models import Account
from openkam.cadence.selectors import contact_states
from openkam.notifications.models import NotificationKind, NotificationPreference
from openkam.notifications.scheduler import Job, JobContext, daily, register
from openkam.notifications.services import notification_send, recipient_language


def _d(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def alert_neglected(context: JobContext) -> str:
    accounts = Account.objects.select_related("owner", "cadence").filter(owner__is_active=True)
    states = contact_states(accounts=accounts, today=context.today)
    lapsed = [state for state in states.values() if state.neglected]
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            user_id__in={s.account.owner_id for s in lapsed}
        )
    }
    sent = 0
    for state in lapsed:
        account, kam = state.account, state.account.owner
        assert state.due_on is not None
        with recipient_language(kam):
            values = {
                "account": account.name,
                "days": state.days_overdue,
                "interval": state.interval,
                "last": _d(state.last_contact.date()) if state.last_contact else "",
            }
            title = ngettext(
                "%(account)s: no contact for %(days)s day beyond its interval",
                "%(account)s: no contact for %(days)s days beyond its interval",
                state.days_overdue,
            )
            body = (
                _("Last meaningful contact on %(last)s; the interval is %(interval)s days.")
                if state.last_contact
                else _("No meaningful contact recorded yet; the interval is %(interval)s days.")
            )
            if notification_send(
                recipient=kam,
                kind=NotificationKind.ACCOUNT_NEGLECTED,
                key=f"neglected:{account.pk}:{state.due_on.isoformat()}",
                title=title % values,
                body=body % values,
                url=reverse("accounts:detail", args=[account.pk]),
                source_type="account",
                source_id=account.pk,
                deliver_soon=False,
                preference=prefs.get(kam.pk) or NotificationPreference(user=kam),
            ):
                sent += 1
    return f"{len(lapsed)} account(s) beyond their interval, {sent} new alert(s)"


def register_jobs() -> None:
    register(Job(name="cadence.neglect_alerts", due=daily, run=alert_neglected))
