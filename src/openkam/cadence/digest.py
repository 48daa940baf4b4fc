"""The cadence section of the digest: accounts and key people beyond their contact interval."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Account
from openkam.cadence.selectors import contact_states, neglected_people
from openkam.digest.sections import DigestSection, SectionResult, SectionScope, register


def collect(scope: SectionScope) -> SectionResult:
    accounts: list[Account] = scope.accounts
    result = SectionResult()
    states = contact_states(accounts=accounts, today=scope.today)
    neglected_accounts = 0
    for state in states.values():
        if not state.neglected:
            continue
        neglected_accounts += 1
        result.items.setdefault(state.account.pk, []).append(
            {
                "type": "account",
                "severity": "danger",
                "days_overdue": state.days_overdue,
                "interval": state.interval,
                "last_contact": (
                    timezone.localtime(state.last_contact).date().isoformat()
                    if state.last_contact
                    else None
                ),
            }
        )
    people = neglected_people(accounts=accounts, today=scope.today)
    for row in people:
        result.items.setdefault(row.account.pk, []).append(
            {
                "type": "person",
                "severity": "warning",
                "stakeholder_id": row.stakeholder.pk,
                "name": row.stakeholder.full_name,
                "role": row.stakeholder.get_buying_role_display(),
                "days_overdue": row.days_overdue,
                "interval": row.interval,
                "last_contact": (
                    timezone.localtime(row.last_contact).date().isoformat()
                    if row.last_contact
                    else None
                ),
            }
        )
    result.summary = {"neglected_accounts": neglected_accounts, "neglected_people": len(people)}
    return result


def register_section() -> None:
    register(
        DigestSection(
            key="cadence",
            title=_("Contact"),
            order=20,
            collect=collect,
            template="cadence/digest_section.html",
            text_template="cadence/digest_section.txt",
        )
    )
