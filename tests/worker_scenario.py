"""A scene for `kam worker` processes, set up and read back in the workers' own database
(run in a subprocess by tests/test_worker.py through `kam shell`).

The scene: a head and a KAM with a key account; three of the KAM's promises overdue, two due
tomorrow, and an overdue one owned by a specialist on the team. With the digest period that
ended last Sunday due, the schedule must send exactly these e-mails:
- the KAM: 3 overdue alerts, 2 reminders, 1 alert about the specialist's overdue promise,
  1 digest of their accounts;
- the specialist: 1 overdue alert;
- the head: 1 department digest.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter

from django.utils import timezone

from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier
from openkam.commitments.models import Commitment
from openkam.digest.models import Digest
from openkam.notifications.models import JobRun, Notification, OutgoingEmail
from openkam.users.models import Role, User

EXPECTED = {
    "kam@example.com": 7,
    "specialist@example.com": 1,
    "head@example.com": 1,
}


def setup() -> None:
    head = User.objects.create(
        username="head", role=Role.HEAD, email="head@example.com", first_name="Hedda"
    )
    kam = User.objects.create(
        username="kam", role=Role.KAM, email="kam@example.com", first_name="Kari"
    )
    specialist = User.objects.create(
        username="specialist",
        role=Role.SPECIALIST,
        email="specialist@example.com",
        first_name="Siri",
    )
    account = Account.objects.create(name="Nordlys Energi", tier=Tier.KEY, owner=kam)
    AccountTeamMember.objects.create(account=account, user=kam, team_role=TeamRole.KAM_LEAD)
    AccountTeamMember.objects.create(account=account, user=specialist, team_role=TeamRole.TECHNICAL)
    today = timezone.localdate()

    def promise(title: str, days: int, owner: User) -> None:
        due = today + datetime.timedelta(days=days)
        Commitment.objects.create(
            account=account,
            title=title,
            owner=owner,
            created_by=kam,
            due_date=due,
            original_due_date=due,
        )

    for n in range(3):
        promise(f"Overdue promise {n}", -(n + 2), kam)
    for n in range(2):
        promise(f"Promise due tomorrow {n}", 1, kam)
    promise("Specialist's overdue test report", -3, specialist)
    print(json.dumps({"head": head.pk, "kam": kam.pk}))


def report() -> None:
    print(
        json.dumps(
            {
                "notifications": Notification.objects.count(),
                "notification_keys_unique": Notification.objects.values("recipient", "key")
                .distinct()
                .count(),
                "emails": dict(Counter(OutgoingEmail.objects.values_list("status", flat=True))),
                "email_attempts": sorted(OutgoingEmail.objects.values_list("attempts", flat=True)),
                "runs": {
                    f"{run.job}:{run.period}": {
                        "finished": run.finished_at is not None,
                        "attempts": run.attempts,
                    }
                    for run in JobRun.objects.all()
                },
                "digests": list(Digest.objects.order_by("scope").values_list("scope", flat=True)),
            }
        )
    )
