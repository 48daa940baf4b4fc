"""Demo exchange rates: one rate per month and pair for the last three years.

The values follow the euro reference rates of the period (rounded anchors per quarter,
interpolated by month with a small deterministic wobble) and their source says "ECB (demo)":
close to the real rates, not the real rates.
Loaded first, so that the other apps' demo revenue in NOK, SEK, HUF, RUB, GBP and USD can be
converted into the reporting currency. BGN needs no rows: it is fixed at 1.95583 per EUR.

Idempotent: once the demo rates are in (a rate with the demo source exists, or the audit log
shows one was added), a later run adds none, so rates someone deleted or corrected stay as they
left them and a run in a later month does not extend the series. Before that, a day and
currency someone entered by hand keeps its rate.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from openkam.core.models import AuditAction, AuditEntry
from openkam.currency.models import ExchangeRate
from openkam.currency.services import exchange_rate_set

SOURCE = "ECB (demo)"

# Euros in each currency at the start of each quarter; later quarters repeat the last value.
ANCHORS: dict[str, list[tuple[date, str]]] = {
    "NOK": [
        (date(2023, 7, 1), "11.45"),
        (date(2023, 10, 1), "11.55"),
        (date(2024, 1, 1), "11.35"),
        (date(2024, 4, 1), "11.70"),
        (date(2024, 7, 1), "11.60"),
        (date(2024, 10, 1), "11.80"),
        (date(2025, 1, 1), "11.75"),
        (date(2025, 4, 1), "11.60"),
        (date(2025, 7, 1), "11.85"),
        (date(2025, 10, 1), "11.70"),
        (date(2026, 1, 1), "11.65"),
        (date(2026, 4, 1), "11.55"),
        (date(2026, 7, 1), "11.60"),
        (date(2026, 10, 1), "11.70"),
    ],
    "SEK": [
        (date(2023, 7, 1), "11.85"),
        (date(2023, 10, 1), "11.60"),
        (date(2024, 1, 1), "11.25"),
        (date(2024, 4, 1), "11.55"),
        (date(2024, 7, 1), "11.40"),
        (date(2024, 10, 1), "11.45"),
        (date(2025, 1, 1), "11.50"),
        (date(2025, 4, 1), "10.95"),
        (date(2025, 7, 1), "11.15"),
        (date(2025, 10, 1), "11.00"),
        (date(2026, 1, 1), "10.90"),
        (date(2026, 4, 1), "10.85"),
        (date(2026, 7, 1), "10.95"),
        (date(2026, 10, 1), "10.90"),
    ],
    "HUF": [
        (date(2023, 7, 1), "378.0"),
        (date(2023, 10, 1), "388.0"),
        (date(2024, 1, 1), "380.5"),
        (date(2024, 4, 1), "393.0"),
        (date(2024, 7, 1), "396.0"),
        (date(2024, 10, 1), "400.5"),
        (date(2025, 1, 1), "411.0"),
        (date(2025, 4, 1), "403.0"),
        (date(2025, 7, 1), "399.5"),
        (date(2025, 10, 1), "390.0"),
        (date(2026, 1, 1), "386.0"),
        (date(2026, 4, 1), "384.0"),
        (date(2026, 7, 1), "389.0"),
        (date(2026, 10, 1), "387.5"),
    ],
    "RUB": [
        (date(2023, 7, 1), "98.0"),
        (date(2023, 10, 1), "103.5"),
        (date(2024, 1, 1), "99.5"),
        (date(2024, 4, 1), "99.0"),
        (date(2024, 7, 1), "94.5"),
        (date(2024, 10, 1), "104.0"),
        (date(2025, 1, 1), "108.5"),
        (date(2025, 4, 1), "93.0"),
        (date(2025, 7, 1), "92.0"),
        (date(2025, 10, 1), "95.5"),
        (date(2026, 1, 1), "94.0"),
        (date(2026, 4, 1), "96.5"),
        (date(2026, 7, 1), "98.0"),
        (date(2026, 10, 1), "97.0"),
    ],
    "GBP": [
        (date(2023, 7, 1), "0.8580"),
        (date(2023, 10, 1), "0.8660"),
        (date(2024, 1, 1), "0.8620"),
        (date(2024, 4, 1), "0.8550"),
        (date(2024, 7, 1), "0.8450"),
        (date(2024, 10, 1), "0.8360"),
        (date(2025, 1, 1), "0.8300"),
        (date(2025, 4, 1), "0.8450"),
        (date(2025, 7, 1), "0.8620"),
        (date(2025, 10, 1), "0.8700"),
        (date(2026, 1, 1), "0.8680"),
        (date(2026, 4, 1), "0.8640"),
        (date(2026, 7, 1), "0.8710"),
        (date(2026, 10, 1), "0.8750"),
    ],
    "USD": [
        (date(2023, 7, 1), "1.0900"),
        (date(2023, 10, 1), "1.0600"),
        (date(2024, 1, 1), "1.0900"),
        (date(2024, 4, 1), "1.0750"),
        (date(2024, 7, 1), "1.0850"),
        (date(2024, 10, 1), "1.0900"),
        (date(2025, 1, 1), "1.0350"),
        (date(2025, 4, 1), "1.0800"),
        (date(2025, 7, 1), "1.1700"),
        (date(2025, 10, 1), "1.1650"),
        (date(2026, 1, 1), "1.1700"),
        (date(2026, 4, 1), "1.1550"),
        (date(2026, 7, 1), "1.1600"),
        (date(2026, 10, 1), "1.1620"),
    ],
}
DECIMALS = {"HUF": 2, "RUB": 4}


def _month_starts(today: date, years: int = 3) -> list[date]:
    first = date(today.year - years, today.month, 1)
    months = []
    current = first
    while current <= today:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _anchor_value(currency: str, day: date) -> Decimal:
    """Interpolate between the quarter anchors around `day`."""
    anchors = ANCHORS[currency]
    if day <= anchors[0][0]:
        return Decimal(anchors[0][1])
    for (start, low), (end, high) in pairwise(anchors):
        if start <= day < end:
            share = Decimal((day - start).days) / Decimal((end - start).days)
            return Decimal(low) + (Decimal(high) - Decimal(low)) * share
    return Decimal(anchors[-1][1])


def monthly_rates(today: date, seed: int) -> list[tuple[date, str, Decimal]]:
    rng = random.Random(seed)
    rows = []
    for day in _month_starts(today):
        for currency in ANCHORS:
            wobble = Decimal(str(round(rng.uniform(-0.006, 0.006), 5)))
            places = Decimal(1).scaleb(-DECIMALS.get(currency, 4))
            value = (_anchor_value(currency, day) * (1 + wobble)).quantize(places)
            rows.append((day, currency, value))
    return rows


def _loaded_before() -> bool:
    if ExchangeRate.objects.filter(source=SOURCE).exists():
        return True
    return AuditEntry.objects.filter(
        action=AuditAction.CREATE,
        target_type=ContentType.objects.get_for_model(ExchangeRate),
        changes__source__new=SOURCE,
    ).exists()


def load(*, users: dict[str, Any], seed: int) -> str:
    if _loaded_before():
        return (
            f"Exchange rates: {ExchangeRate.objects.count()} rates; the demo rates were loaded "
            "before (0 created by this run)."
        )
    existing = {
        (row.quote, row.effective_date): row.rate
        for row in ExchangeRate.objects.filter(base="EUR", quote__in=list(ANCHORS))
    }
    created = 0
    for day, currency, value in monthly_rates(timezone.localdate(), seed):
        if (currency, day) in existing:
            continue  # idempotent: a rate someone corrected by hand stays as they left it
        exchange_rate_set(
            actor=None, base="EUR", quote=currency, effective_date=day, rate=value, source=SOURCE
        )
        created += 1
    return (
        f"Exchange rates: {ExchangeRate.objects.count()} monthly EUR rates for "
        f"{', '.join(ANCHORS)} ({created} created by this run)."
    )
