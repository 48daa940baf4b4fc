"""All or nothing: row errors come back as a report (row, column, value, reason) and nothing
is written unless the user accepts skipping those rows; a dry run writes nothing at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openkam.imports.readers import FileProblem
from openkam.revenue.models import Customer, DailyRevenue, RevenueLine
from tests.factories_revenue import import_file, net_total, plan, write_export

pytestmark = pytest.mark.django_db

GOOD = (
    "Invoice,Date,Customer,Quantity,Price\n"
    "1001,2026-01-15,C-1,2,10.00\n1002,2026-01-16,C-2,1,5.00\n"
)
BAD = (
    "Invoice,Date,Customer,Quantity,Price\n"
    "2001,2026-01-15,C-1,2,10.00\n"
    "2002,2026-13-40,C-2,1,5.00\n"
    "2003,2026-01-16,C-3,two,5.00\n"
    "2004,2026-01-16,C-4,1,12,50\n"
    "2005,2026-01-16,C-5,1,\n"
    ",2026-01-16,C-6,1,1.00\n"
)


def _snapshot():
    return (
        list(RevenueLine.objects.values_list("document", "line_no", "amount").order_by("document")),
        list(DailyRevenue.objects.values_list("customer_key", "amount").order_by("customer_key")),
        sorted(Customer.objects.values_list("code", flat=True)),
    )


def test_row_errors_name_the_row_column_value_and_reason_and_nothing_is_written(tmp_path):
    import_file(write_export(tmp_path, GOOD, name="good.csv"))
    before = _snapshot()
    result = import_file(write_export(tmp_path, BAD, name="bad.csv"))
    assert result.refused
    assert not result.ok
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert found == {
        (3, "Date", "2026-13-40"),
        (4, "Quantity", "two"),
        (5, "", "2004,2026-01-16,C-4,1,12,50"),
        (6, "Price", ""),
        (7, "Invoice", ""),
    }
    reasons = {e.row: e.reason for e in result.errors}
    assert "format yyyy-mm-dd" in reasons[3]
    assert "not a number" in reasons[4]
    assert "6 fields where the header has 5" in reasons[5]
    assert "quantity and unit price" in reasons[6]
    assert "invoice or order number is missing" in reasons[7]
    assert result.rows_imported == 0
    assert _snapshot() == before


def test_accepting_to_skip_rows_with_errors_imports_the_others(tmp_path):
    result = import_file(write_export(tmp_path, BAD), accept_skipping_errors=True)
    assert result.ok
    assert result.rows_read == 6
    assert result.rows_skipped == 5
    assert result.rows_imported == 1
    assert net_total() == Decimal("20.00")


def test_a_dry_run_validates_and_counts_but_writes_nothing(tmp_path):
    path = write_export(tmp_path, GOOD)
    result = import_file(path, dry_run=True)
    assert result.ok
    assert result.dry_run
    assert result.rows_imported == 2
    assert result.summary["net_revenue"] == {"EUR": "25.00"}
    assert result.summary["customers_new"] == 2
    assert _snapshot() == ([], [], [])


def test_a_dry_run_of_a_reimport_reports_what_it_would_replace(tmp_path):
    path = write_export(tmp_path, GOOD)
    import_file(path)
    before = _snapshot()
    result = import_file(path, dry_run=True)
    assert result.summary["documents_replaced"] == 2
    assert result.summary["lines_replaced"] == 2
    assert _snapshot() == before


def test_a_dry_run_of_a_bad_file_reports_every_bad_row(tmp_path):
    result = import_file(write_export(tmp_path, BAD), dry_run=True)
    assert result.error_count == 5
    assert _snapshot() == ([], [], [])


def test_a_file_read_with_the_wrong_delimiter_is_refused_before_any_row(tmp_path):
    path = write_export(tmp_path, GOOD.replace(",", ";"))
    the_plan = plan(path, delimiter=",")
    assert not the_plan.ok
    assert "No column is mapped" in " ".join(p.message for p in the_plan.problems)


def test_a_file_without_a_required_column_is_refused(tmp_path):
    path = write_export(tmp_path, "Invoice,Customer,Quantity,Price\n1,C-1,1,1\n")
    the_plan = plan(path)
    assert not the_plan.ok


def test_an_unreadable_byte_sequence_refuses_the_whole_file(tmp_path):
    path = tmp_path / "orders.csv"
    # UTF-8 for the sniffed start, then a stray Windows-1252 byte much later.
    path.write_bytes(
        GOOD.encode()
        + ("1003,2026-01-17,C-3,1,1.00\n" * 20000).encode()
        + b"1004,2026-01-17,\xe6,1,1\n"
    )
    result = import_file(path)
    assert result.refused
    assert "not valid UTF-8" in result.failure
    assert RevenueLine.objects.count() == 0


def test_a_huge_amount_is_a_row_error_not_a_database_failure(tmp_path):
    path = write_export(tmp_path, "Invoice,Date,Customer,Amount\n1,2026-01-15,C-1,1e20\n")
    result = import_file(path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Amount")]
    assert "too large" in result.errors[0].reason


def test_blank_lines_are_skipped_and_counted(tmp_path):
    result = import_file(write_export(tmp_path, GOOD + "\n,,,,\n"))
    assert result.ok
    assert result.blank_rows == 2
    assert result.rows_imported == 2


def test_a_nul_character_deep_in_the_file_is_a_row_error_naming_row_and_column(tmp_path):
    # Past the sniffed start of the file, where only the rows themselves can tell.
    filler = "".join(f"{3000 + i},2026-01-17,C-3,1,1.00\n" for i in range(20000))
    path = write_export(tmp_path, GOOD + filler + "9999,2026-01-17,C-\x009,1,1.00\n")
    result = import_file(path)
    assert result.refused
    assert [(e.row, e.column, e.value) for e in result.errors] == [(20004, "Customer", "C-␀9")]
    assert "NUL character" in result.errors[0].reason
    assert RevenueLine.objects.count() == 0
    skipped = import_file(path, accept_skipping_errors=True)
    assert skipped.ok
    assert (skipped.rows_read, skipped.rows_imported, skipped.blank_rows) == (20003, 20002, 0)


def test_a_nul_character_in_a_column_that_is_not_imported_does_no_harm(tmp_path):
    text = "Invoice,Date,Customer,Quantity,Price,Remark\n1001,2026-01-15,C-1,2,10.00,a\x00b\n"
    result = import_file(write_export(tmp_path, text), columns={"Remark": ""})
    assert result.ok, result.errors
    assert result.rows_imported == 1


def test_a_binary_file_named_csv_is_refused_as_not_text(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200))
    with pytest.raises(FileProblem, match=r"not a text \(CSV\) file"):
        plan(path)
