"""The commitments section of the digest: overdue and soon-due promises, and the reschedules
of the period with what the client was told. Three queries for any number of accounts."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from openkam.commitments.models import Commitment, CommitmentReschedule, CommitmentStatus
from openkam.digest.sections import DigestSection, SectionResult, SectionScope, register


def _item(commitment: Commitment, kind: str, severity: str, today: datetime.date) -> dict[str, Any]:
    return {
        "type": kind,
        "severity": severity,
        "id": commitment.pk,
        "title": commitment.title,
        "direction": commitment.direction,
        "owner": str(commitment.owner),
        "person": str(commitment.stakeholder) if commitment.stakeholder_id else "",
        "due_date": commitment.due_date.isoformat(),
        "days": abs((commitment.due_date - today).days),
        "reschedules": commitment.reschedule_count,
    }


def collect(scope: SectionScope) -> SectionResult:
    ids = [a.pk for a in scope.accounts]
    today = scope.today
    soon = today + datetime.timedelta(days=scope.due_soon_days)
    result = SectionResult()
    open_rows = (
        Commitment.objects.filter(
            account_id__in=ids, status=CommitmentStatus.OPEN, due_date__lte=soon
        )
        .select_related("owner", "stakeholder")
        .order_by("due_date", "id")
    )
    overdue = due_soon = 0
    for commitment in open_rows:
        if commitment.due_date < today:
            item = _item(commitment, "overdue", "danger", today)
            overdue += 1
        else:
            item = _item(commitment, "due_soon", "warning", today)
            due_soon += 1
        result.items.setdefault(commitment.account_id, []).append(item)
    moved = (
        CommitmentReschedule.objects.filter(
            commitment__account_id__in=ids,
            recorded_at__date__gte=scope.period_start,
            recorded_at__date__lte=scope.period_end,
        )
        .select_related("commitment", "recorded_by")
        .order_by("recorded_at", "id")
    )
    reschedules = late_notice = 0
    for row in moved:
        reschedules += 1
        late_notice += 0 if row.told_in_advance else 1
        result.items.setdefault(row.commitment.account_id, []).append(
            {
                "type": "rescheduled",
                "severity": "info" if row.told_in_advance else "warning",
                "id": row.commitment_id,
                "title": row.commitment.title,
                "direction": row.commitment.direction,
                "old_due_date": row.old_due_date.isoformat(),
                "new_due_date": row.new_due_date.isoformat(),
                "told_in_advance": row.told_in_advance,
                "informed_via": row.get_informed_via_display(),
                "client_message": row.client_message,
                "reason": row.reason,
            }
        )
    finished = Commitment.objects.filter(
        account_id__in=ids,
        status=CommitmentStatus.DONE,
        completed_on__gte=scope.period_start,
        completed_on__lte=scope.period_end,
    ).values_list("completed_on", "due_date")
    kept = late = 0
    for completed_on, due_date in finished:
        if completed_on is not None and completed_on <= due_date:
            kept += 1
        else:
            late += 1
    overall = Commitment.objects.filter(account_id__in=ids).aggregate(
        came_due=Count(
            "id",
            filter=Q(status=CommitmentStatus.DONE)
            | Q(status=CommitmentStatus.OPEN, due_date__lt=today),
        ),
        kept=Count("id", filter=Q(status=CommitmentStatus.DONE, completed_on__lte=F("due_date"))),
    )
    result.summary = {
        "kept_pct": (
            round(100.0 * overall["kept"] / overall["came_due"], 1) if overall["came_due"] else None
        ),
        "overdue": overdue,
        "due_soon": due_soon,
        "reschedules": reschedules,
        "reschedules_late_notice": late_notice,
        "kept_in_period": kept,
        "late_in_period": late,
    }
    return result


def register_section() -> None:
    register(
        DigestSection(
            key="commitments",
            title=_("Promises"),
            order=10,
            collect=collect,
            template="commitments/digest_section.html",
            text_template="commitments/digest_section.txt",
        )
    )
