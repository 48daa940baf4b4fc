from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.models import AuditAction
from openkam.currency.models import ExchangeRate

RATE_FIELDS = ("base", "quote", "effective_date", "rate", "source")


@transaction.atomic
def exchange_rate_set(
    *,
    actor: Any,
    base: str,
    quote: str,
    effective_date: date,
    rate: Decimal,
    source: str = "",
) -> ExchangeRate:
    """Record the rate in force from `effective_date`; the same day again replaces it."""
    base, quote = base.strip().upper(), quote.strip().upper()
    existing = (
        ExchangeRate.objects.select_for_update()
        .filter(base=base, quote=quote, effective_date=effective_date)
        .first()
    )
    if existing is None:
        row = ExchangeRate(
            base=base,
            quote=quote,
            effective_date=effective_date,
            rate=rate,
            source=source,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        row.full_clean()
        row.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=row,
            changes=diff({}, snapshot(row, RATE_FIELDS)),
        )
        return row
    before = snapshot(existing, RATE_FIELDS)
    existing.rate = rate
    existing.source = source
    existing.full_clean()
    existing.save(update_fields=["rate", "source", "updated_at"])
    if changes := diff(before, snapshot(existing, RATE_FIELDS)):
        audit_record(actor=actor, action=AuditAction.UPDATE, target=existing, changes=changes)
    return existing
