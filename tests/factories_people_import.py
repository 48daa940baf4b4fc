"""Helpers for the account and people import tests: write a CSV or XLSX file, import it as the
command and the pages do (the engine with the importing user), and skip tests that need the
shared data sets when they are absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openkam.imports.engine import ImportResult, ImportSettings, Plan, plan_import, run_import
from openkam.imports.targets import get_target

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
NORTHWIND_CUSTOMERS = SHARED / "northwind" / "csv" / "customers.csv"
MAVEN_ACCOUNTS = SHARED / "maven-crm-sales-opportunities" / "accounts.csv"


def shared_file(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sets are not installed)")
    return path


def write_csv(
    directory: Path, text: str, *, name: str = "file.csv", encoding: str = "utf-8"
) -> Path:
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(directory: Path, rows: list[list[Any]], *, name: str = "file.xlsx") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = directory / name
    workbook.save(path)
    return path


def plan(path: Path, kind: str, *, actor: Any, **settings: Any) -> Plan:
    return plan_import(path, get_target(kind), ImportSettings(**settings), actor=actor)


def import_file(
    path: Path,
    kind: str,
    *,
    actor: Any,
    dry_run: bool = False,
    accept_skipping_errors: bool = False,
    **settings: Any,
) -> ImportResult:
    prepared = plan(path, kind, actor=actor, **settings)
    assert prepared.ok, [p.message for p in prepared.problems]
    return run_import(prepared, dry_run=dry_run, accept_skipping_errors=accept_skipping_errors)


def reasons(result: ImportResult) -> list[tuple[int, str, str, str]]:
    """Row errors as (row, column, value, reason)."""
    return [(e.row, e.column, e.value, e.reason) for e in result.errors]
