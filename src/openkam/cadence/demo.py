"""Demo contact cadence: the tiers keep the articles' defaults; a few accounts have their own
interval (a key account in renewal talks, sites whose contact runs through their group).

Set through the services (audited). Idempotent: accounts that already have their own
interval are left alone.
"""

from __future__ import annotations

from openkam.accounts.models import Account, Tier
from openkam.cadence.models import AccountCadence
from openkam.cadence.services import account_cadence_update
from openkam.users.models import User


def load(*, users: dict[str, User], seed: int) -> str:
    if AccountCadence.objects.exists():
        return "Contact cadence: already set."
    changed = 0
    for kam in ("kam1", "kam2"):
        account = (
            Account.objects.filter(owner=users[kam], tier=Tier.KEY, parent__isnull=True)
            .order_by("pk")
            .first()
        )
        if account is not None:
            account_cadence_update(
                actor=users[kam],
                account_id=account.pk,
                exempt=False,
                max_days=7,
                key_people_max_days=14,
                note="Frame agreement renewal under negotiation until the end of the year.",
            )
            changed += 1
    for site in (
        Account.objects.filter(parent__isnull=False).exclude(tier=Tier.OTHER).order_by("pk")[:3]
    ):
        account_cadence_update(
            actor=users["head"],
            account_id=site.pk,
            exempt=True,
            max_days=None,
            key_people_max_days=None,
            note="Contact runs through the group's purchasing office.",
        )
        changed += 1
    return (
        "Contact cadence: tiers at the defaults (key 14, growth 30, maintain 90 days); "
        f"{changed} accounts with their own interval."
    )
