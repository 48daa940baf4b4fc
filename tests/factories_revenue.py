"""Helpers for revenue import tests: write an export in any encoding, import it as the
command and the pages do, and read back what the database holds."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Sum

from openkam.imports.engine import ImportResult, ImportSettings, Plan, plan_import, run_import
from openkam.imports.targets import get_target
from openkam.revenue.models import DailyRevenue, RevenueLine
from openkam.revenue.rollups import rollups_rebuild


def write_export(
    directory: Path, text: str, *, name: str = "orders.csv", encoding: str = "utf-8"
) -> Path:
    """The text as a file in `encoding` (gzip-compressed when the name ends in .gz)."""
    path = directory / name
    data = text.encode(encoding)
    if name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def plan(path: Path, **settings: Any) -> Plan:
    return plan_import(path, get_target("orders"), ImportSettings(**settings))


def import_file(
    path: Path,
    *,
    dry_run: bool = False,
    accept_skipping_errors: bool = False,
    **settings: Any,
) -> ImportResult:
    settings.setdefault("options", {"currency": "EUR"})
    the_plan = plan(path, **settings)
    assert the_plan.ok, [p.message for p in the_plan.problems]
    return run_import(the_plan, dry_run=dry_run, accept_skipping_errors=accept_skipping_errors)


def lines() -> list[RevenueLine]:
    return list(RevenueLine.objects.order_by("document", "line_no"))


def net_total() -> Decimal:
    return Decimal(RevenueLine.objects.aggregate(s=Sum("amount"))["s"] or 0).quantize(
        Decimal("0.01")
    )


def rollup() -> set[tuple[Any, ...]]:
    return {
        (r.customer_key, r.date, r.currency, round(r.amount, 2), r.lines, r.documents, r.orders)
        for r in DailyRevenue.objects.all()
    }


def assert_rollup_matches_lines() -> None:
    """The rollup the import maintained equals one recomputed from the lines."""
    maintained = rollup()
    rollups_rebuild()
    assert maintained == rollup()
