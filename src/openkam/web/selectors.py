"""What the overview puts in front of its reader: their own follow-up.

The scope is the reader's own: promises they own, and the accounts they own. The department's
view (every KAM) is on the follow-up pages themselves, which the overview links to; computing
the contact state of every account of a large company on each visit of the overview would
cost what the overview must not.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from openkam.cadence.selectors import AccountContact, neglected
from openkam.commitments.models import Commitment, CommitmentStatus
from openkam.commitments.selectors import commitments_visible_to

DUE_SOON_DAYS = 7
SHOWN = 5


@dataclass
class FollowUp:
    overdue: int = 0  # open promises past their due date
    due_soon: int = 0  # open promises due within DUE_SOON_DAYS
    promises: list[Commitment] = field(default_factory=list)  # the most urgent, SHOWN at most
    neglected: int = 0  # accounts beyond their contact interval
    accounts: list[AccountContact] = field(default_factory=list)  # longest overdue first
    tracked: int = 0  # the reader's accounts with a contact interval

    @property
    def is_clear(self) -> bool:
        return not (self.overdue or self.due_soon or self.neglected)


def follow_up_for(*, user: Any, today: datetime.date | None = None) -> FollowUp:
    """A fixed number of queries whatever the data size: the promise counts, the most urgent
    promises, and the contact state of the reader's own accounts."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    mine = commitments_visible_to(user=user).filter(
        owner_id=user.pk, status=CommitmentStatus.OPEN, due_date__lte=soon
    )
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_soon=Count("pk", filter=Q(due_date__gte=today)),
    )
    report = neglected(user=user, kam_id=user.pk, today=today)
    return FollowUp(
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        promises=list(
            mine.select_related("account", "stakeholder").order_by("due_date", "pk")[:SHOWN]
        ),
        neglected=len(report.accounts),
        accounts=report.accounts[:SHOWN],
        tracked=report.tracked,
    )
