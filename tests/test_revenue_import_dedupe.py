"""Re-imports never duplicate: a line is (source, document, line number or position); a
document that comes again replaces its lines; identical rows inside one document are kept;
credit notes reduce revenue; rollups follow every change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from openkam.revenue.models import NO_CUSTOMER_KEY, Customer, DailyRevenue, RevenueLine
from tests.factories_revenue import (
    assert_rollup_matches_lines,
    import_file,
    lines,
    net_total,
    write_export,
)

pytestmark = pytest.mark.django_db

HEADER = "Invoice,Date,Customer,Product,Quantity,Price\n"
JANUARY = HEADER + (
    "1001,2026-01-15,C-1,P-1,2,10.00\n"
    "1001,2026-01-15,C-1,P-1,2,10.00\n"  # the same item twice on one invoice: both count
    "1002,2026-01-16,C-2,P-2,1,50.00\n"
    "1003,2026-01-16,,P-3,1,5.00\n"  # a cash sale: no customer id
)


def test_identical_rows_inside_one_document_are_both_kept(tmp_path):
    import_file(write_export(tmp_path, JANUARY))
    assert [(line.document, line.line_no) for line in lines()] == [
        ("1001", 1),
        ("1001", 2),
        ("1002", 1),
        ("1003", 1),
    ]
    assert net_total() == Decimal("95.00")
    assert_rollup_matches_lines()


def test_importing_the_same_file_again_adds_nothing(tmp_path):
    path = write_export(tmp_path, JANUARY)
    import_file(path)
    before = net_total()
    result = import_file(path)
    assert RevenueLine.objects.count() == 4
    assert net_total() == before
    assert result.summary["documents_replaced"] == 3
    assert result.summary["documents_new"] == 0
    assert result.summary["lines_replaced"] == 4
    assert result.summary["net_change"] == {"EUR": "0.00"}
    assert_rollup_matches_lines()


def test_a_document_that_comes_again_replaces_its_stored_lines(tmp_path):
    import_file(write_export(tmp_path, JANUARY, name="jan.csv"))
    corrected = HEADER + "1001,2026-01-15,C-1,P-1,3,10.00\n1004,2026-01-20,C-2,P-9,1,7.00\n"
    import_file(write_export(tmp_path, corrected, name="fix.csv"))
    assert [(line.document, line.line_no, line.amount) for line in lines()] == [
        ("1001", 1, Decimal("30.0000")),
        ("1002", 1, Decimal("50.0000")),
        ("1003", 1, Decimal("5.0000")),
        ("1004", 1, Decimal("7.0000")),
    ]
    assert_rollup_matches_lines()


def test_an_overlapping_period_replaces_only_the_documents_it_contains(tmp_path):
    import_file(write_export(tmp_path, JANUARY, name="jan.csv"))
    overlap = HEADER + "1002,2026-01-16,C-2,P-2,1,50.00\n1005,2026-02-01,C-1,P-1,1,1.00\n"
    result = import_file(write_export(tmp_path, overlap, name="overlap.csv"))
    assert result.summary["documents_replaced"] == 1
    assert result.summary["documents_new"] == 1
    assert net_total() == Decimal("96.00")
    assert_rollup_matches_lines()


def test_lines_of_one_document_far_apart_in_the_file_continue_its_numbering(tmp_path):
    text = (
        HEADER
        + "1001,2026-01-15,C-1,P-1,1,1\n1002,2026-01-15,C-1,P-2,1,2\n1001,2026-01-15,C-1,P-3,1,3\n"
    )
    import_file(write_export(tmp_path, text))
    assert [(line.document, line.line_no, line.product) for line in lines()] == [
        ("1001", 1, "P-1"),
        ("1001", 2, "P-3"),
        ("1002", 1, "P-2"),
    ]


def test_explicit_line_numbers_identify_lines(tmp_path):
    text = "Invoice,Line,Date,Customer,Amount\n1001,10,2026-01-15,C-1,5\n1001,20,2026-01-15,C-1,6\n"
    import_file(write_export(tmp_path, text))
    assert [line.line_no for line in lines()] == [10, 20]


def test_the_same_line_number_twice_in_a_document_is_a_row_error(tmp_path):
    text = "Invoice,Line,Date,Customer,Amount\n1001,10,2026-01-15,C-1,5\n1001,10,2026-01-15,C-1,6\n"
    result = import_file(write_export(tmp_path, text))
    assert result.refused
    assert [(e.row, e.column) for e in result.errors] == [(3, "Line")]
    assert "more than once" in result.errors[0].reason
    assert RevenueLine.objects.count() == 0


def test_negative_quantities_are_credits_that_reduce_revenue(tmp_path):
    text = HEADER + "1001,2026-01-15,C-1,P-1,2,10.00\nC1001,2026-01-17,C-1,P-1,-1,10.00\n"
    result = import_file(write_export(tmp_path, text))
    assert net_total() == Decimal("10.00")
    assert result.summary["credit_lines"] == 1
    assert result.error_count == 0


def test_an_invoice_prefix_marks_credit_notes_with_positive_amounts(tmp_path):
    text = "Invoice,Date,Customer,Amount\nF-1,2026-01-15,C-1,100\nKR-1,2026-01-16,C-1,40\n"
    import_file(write_export(tmp_path, text), options={"currency": "NOK", "credit_prefix": "KR"})
    assert [line.amount for line in lines()] == [Decimal("100.0000"), Decimal("-40.0000")]
    assert net_total() == Decimal("60.00")


def test_revenue_without_customer_id_is_kept_as_no_customer(tmp_path):
    import_file(write_export(tmp_path, JANUARY))
    cash = DailyRevenue.objects.get(customer_key=NO_CUSTOMER_KEY)
    assert cash.customer_id is None
    assert cash.amount == Decimal("5.00")
    assert RevenueLine.objects.filter(customer__isnull=True).count() == 1


def test_customer_ids_are_created_once_per_source_and_reused(tmp_path):
    import_file(write_export(tmp_path, JANUARY, name="a.csv"))
    import_file(
        write_export(tmp_path, JANUARY, name="b.csv"), options={"currency": "EUR", "source": "shop"}
    )
    assert sorted(Customer.objects.values_list("source", "code")) == [
        ("erp", "C-1"),
        ("erp", "C-2"),
        ("shop", "C-1"),
        ("shop", "C-2"),
    ]
    assert RevenueLine.objects.count() == 8  # same invoice numbers, different systems


def test_a_file_without_invoice_numbers_groups_a_customers_day_into_one_document(tmp_path):
    text = "Date,Customer,Amount\n2026-01-15,C-1,10\n2026-01-15,C-1,15\n2026-01-16,C-1,1\n"
    path = write_export(tmp_path, text)
    import_file(path)
    import_file(path)
    assert [(line.document, line.line_no) for line in lines()] == [
        ("2026-01-15/C-1", 1),
        ("2026-01-15/C-1", 2),
        ("2026-01-16/C-1", 1),
    ]


def test_the_rollup_counts_documents_per_customer_day_and_currency(tmp_path):
    text = (
        "Invoice,Date,Customer,Amount,Currency\n"
        "1,2026-01-15,C-1,10,NOK\n1,2026-01-15,C-1,5,NOK\n"
        "2,2026-01-15,C-1,7,SEK\n3,2026-01-15,C-1,1,NOK\n"
    )
    import_file(write_export(tmp_path, text))
    rows = {(r.currency, r.lines, r.documents, r.amount) for r in DailyRevenue.objects.all()}
    assert rows == {("NOK", 3, 2, Decimal("16.00")), ("SEK", 1, 1, Decimal("7.00"))}
    assert DailyRevenue.objects.get(currency="NOK").date == date(2026, 1, 15)
    assert_rollup_matches_lines()


def test_cost_or_margin_is_stored_as_cost(tmp_path):
    text = "Invoice,Date,Customer,Amount,Margin\n1,2026-01-15,C-1,100,30\n"
    import_file(write_export(tmp_path, text))
    assert lines()[0].cost == Decimal("70.0000")
