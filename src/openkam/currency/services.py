"""Writes of exchange rates: by hand (one rate) or from a CSV file (all rows or none)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.errors import ForbiddenError
from openkam.core.models import AuditAction, AuditEntry
from openkam.currency.csv_import import ParsedRate, RateImportResult, parse_rates_csv
from openkam.currency.models import ExchangeRate
from openkam.currency.rates import BGN_PER_EUR, FIXED_RATES
from openkam.currency.selectors import exchange_rate_get, rates_can_edit

RATE_FIELDS = ("base", "quote", "effective_date", "rate", "source")


def _require_maintainer(actor: Any) -> None:
    # actor None is the system itself: the demo loader, migrations, `kam rates import`.
    if actor is not None and not rates_can_edit(user=actor):
        raise ForbiddenError(
            _("Only the head of key accounts and administrators maintain exchange rates.")
        )


def fixed_pair_error(base: str, quote: str) -> str | None:
    if (base, quote) in FIXED_RATES or (quote, base) in FIXED_RATES:
        return _(
            "BGN is fixed at %(rate)s per EUR (Bulgaria uses the euro since 1 January 2026); "
            "OpenKAM applies that rate itself."
        ) % {"rate": BGN_PER_EUR}
    return None


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
    _require_maintainer(actor)
    base, quote = base.strip().upper(), quote.strip().upper()
    if message := fixed_pair_error(base, quote):
        raise ValidationError({"quote": message})
    if base == quote:
        raise ValidationError({"quote": _("A rate converts between two different currencies.")})
    if rate <= 0:
        raise ValidationError({"rate": _("A rate must be above zero.")})
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
            source=source.strip(),
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
    existing.source = source.strip()
    existing.full_clean()
    existing.save(update_fields=["rate", "source", "updated_at"])
    if changes := diff(before, snapshot(existing, RATE_FIELDS)):
        audit_record(actor=actor, action=AuditAction.UPDATE, target=existing, changes=changes)
    return existing


@transaction.atomic
def exchange_rate_delete(*, actor: Any, rate_id: int) -> None:
    _require_maintainer(actor)
    row = exchange_rate_get(rate_id=rate_id)
    row = ExchangeRate.objects.select_for_update().get(pk=row.pk)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=row,
        changes=diff(snapshot(row, RATE_FIELDS), {}),
    )
    row.delete()


def exchange_rates_import(
    *, actor: Any, content: bytes | str, dry_run: bool = False, source: str = ""
) -> RateImportResult:
    """Import rates from CSV (date, base, quote, rate[, source]): every row or none.

    Any row error leaves the table untouched and is reported with its line and column. A dry
    run checks the file and reports what it would create and change, writing nothing.
    """
    _require_maintainer(actor)
    result = parse_rates_csv(content)
    for row in result.rows:
        if message := fixed_pair_error(row.base, row.quote):
            result.add_error(row.line, "quote", message)
    if result.errors:
        return result
    with transaction.atomic():
        _plan(result, default_source=source.strip())
        if dry_run:
            return result
        _write(result, actor=actor)
    result.written = True
    return result


def _plan(result: RateImportResult, *, default_source: str) -> None:
    """Sort the rows into new, changed and unchanged against the table (locked meanwhile)."""
    existing: dict[tuple[str, str, date], ExchangeRate] = {}
    pairs = {(row.base, row.quote) for row in result.rows}
    dates = [row.effective_date for row in result.rows]
    if pairs:
        rows = ExchangeRate.objects.select_for_update().filter(
            base__in={b for b, _q in pairs},
            quote__in={q for _b, q in pairs},
            effective_date__gte=min(dates),
            effective_date__lte=max(dates),
        )
        existing = {(r.base, r.quote, r.effective_date): r for r in rows}
    for row in result.rows:
        row.source = row.source or default_source
        current = existing.get((row.base, row.quote, row.effective_date))
        if current is None:
            result.to_create.append(row)
        elif current.rate != row.rate or current.source != row.source:
            row.existing = current
            result.to_update.append(row)
        else:
            result.unchanged += 1


def _write(result: RateImportResult, *, actor: Any) -> None:
    creator = actor if getattr(actor, "pk", None) else None
    created = ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(
                base=row.base,
                quote=row.quote,
                effective_date=row.effective_date,
                rate=row.rate,
                source=row.source,
                created_by=creator,
            )
            for row in result.to_create
        ],
        batch_size=1000,
    )
    if not all(r.pk for r in created):
        # Backends that do not return ids from bulk inserts: read them back in one query.
        keys = {(r.base, r.quote, r.effective_date) for r in created}
        created = [
            r
            for r in ExchangeRate.objects.filter(
                base__in={k[0] for k in keys}, quote__in={k[1] for k in keys}
            )
            if (r.base, r.quote, r.effective_date) in keys
        ]
    updated: list[tuple[ExchangeRate, dict[str, dict[str, str]]]] = []
    now = timezone.now()
    for row in result.to_update:
        current = row.existing
        assert current is not None
        before = snapshot(current, RATE_FIELDS)
        current.rate, current.source = row.rate, row.source
        current.updated_at = now  # bulk_update does not apply auto_now
        updated.append((current, diff(before, snapshot(current, RATE_FIELDS))))
    ExchangeRate.objects.bulk_update(
        [r for r, _c in updated], ["rate", "source", "updated_at"], batch_size=1000
    )
    # One audit entry per rate, written in bulk: an import of years of daily rates must not
    # take one INSERT per row.
    kind = ContentType.objects.get_for_model(ExchangeRate)
    entries = [
        AuditEntry(
            actor=creator,
            action=AuditAction.CREATE,
            target_type=kind,
            target_id=r.pk,
            target_repr=str(r)[:300],
            root_type=kind,
            root_id=r.pk,
            changes=diff({}, snapshot(r, RATE_FIELDS)),
        )
        for r in created
    ] + [
        AuditEntry(
            actor=creator,
            action=AuditAction.UPDATE,
            target_type=kind,
            target_id=r.pk,
            target_repr=str(r)[:300],
            root_type=kind,
            root_id=r.pk,
            changes=changes,
        )
        for r, changes in updated
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


__all__ = [
    "ParsedRate",
    "RateImportResult",
    "exchange_rate_delete",
    "exchange_rate_set",
    "exchange_rates_import",
]
