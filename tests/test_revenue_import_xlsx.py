# ruff: noqa: DTZ001 -- spreadsheet cells hold naive date-times, as Excel writes them.
"""XLSX workbooks are read streamed (openpyxl read-only): native dates and numbers need no
format, numeric customer ids keep their digits, a sheet can be chosen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from openkam.imports.readers import open_table
from openkam.revenue.models import Customer
from tests.factories_revenue import import_file, lines, net_total, plan

pytestmark = pytest.mark.django_db


def _workbook(path, rows, *, sheet="Sales", extra_sheet=False):
    book = openpyxl.Workbook()
    if extra_sheet:
        book.active.title = "Notes"
        book.active.append(["Exported from the ERP"])
        ws = book.create_sheet(sheet)
    else:
        ws = book.active
        ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


ROWS = [
    ["Invoice", "Invoice date", "Customer ID", "Customer name", "Quantity", "Unit price"],
    [10001, datetime(2026, 1, 15, 9, 30), 13085, "Havbris AS", 12, 6.95],
    [10001, datetime(2026, 1, 15, 9, 30), 13085, "Havbris AS", 1, 1234.5],
    ["C10002", date(2026, 1, 16), 13085.0, "Havbris AS", -1, 6.95],
    [None, None, None, None, None, None],
    [10003, 46039, None, None, 2, 0.1],  # an Excel serial typed as a plain number
]


def test_a_workbook_is_imported_with_native_dates_and_numbers(tmp_path):
    path = _workbook(tmp_path / "sales.xlsx", ROWS)
    with open_table(path) as table:
        assert table.format == "xlsx"
        assert table.sheet == "Sales"
    result = import_file(path)
    assert result.ok, result.errors
    assert result.blank_rows == 1
    assert [(line.document, line.date) for line in lines()] == [
        ("10001", date(2026, 1, 15)),
        ("10001", date(2026, 1, 15)),
        ("10003", date(2026, 1, 17)),
        ("C10002", date(2026, 1, 16)),
    ]
    assert net_total() == Decimal("1311.15")
    assert list(Customer.objects.values_list("code", flat=True)) == ["13085"]


def test_a_sheet_is_chosen_by_name(tmp_path):
    path = _workbook(tmp_path / "sales.xlsx", ROWS, extra_sheet=True)
    assert not plan(path).ok  # the first sheet holds a note, not the lines
    import_file(path, sheet="Sales")
    assert len(lines()) == 4


def test_an_xlsx_row_error_names_the_row_as_excel_shows_it(tmp_path):
    rows = [*ROWS[:3], [10004, datetime(2026, 1, 18), 13085, "Havbris AS", "many", 1]]
    result = import_file(_workbook(tmp_path / "sales.xlsx", rows))
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "Quantity", "many")]
