"""Orders are the documents that sell: credit notes and cancellations are documents of the
rollup but not orders, so that order counts and frequencies are not inflated by returns."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from openkam.revenue.models import DailyRevenue
from tests.factories_revenue import assert_rollup_matches_lines, import_file, write_export

pytestmark = pytest.mark.django_db

HEADER = "Invoice,Date,Customer,Quantity,Price\n"
DAY = (
    "1001,2026-01-15,C-1,2,10.00\n"  # an invoice of two lines
    "1001,2026-01-15,C-1,1,5.00\n"
    "1002,2026-01-15,C-1,1,7.00\n"  # another invoice
    "C1003,2026-01-15,C-1,-1,10.00\n"  # a cancellation (negative quantity)
    "1004,2026-01-15,C-1,1,3.00\n"  # an invoice whose return is larger than its sale
    "1004,2026-01-15,C-1,-1,8.00\n"
)


def _day() -> DailyRevenue:
    return DailyRevenue.objects.get()


def test_a_day_counts_every_document_but_only_those_that_sell_as_orders(tmp_path):
    result = import_file(write_export(tmp_path, HEADER + DAY))
    assert result.ok, result.errors
    row = _day()
    assert (row.documents, row.orders, row.lines) == (4, 2, 6)
    assert_rollup_matches_lines()


def test_a_reimported_invoice_that_became_a_credit_is_no_longer_an_order(tmp_path):
    import_file(write_export(tmp_path, HEADER + DAY))
    corrected = HEADER + "1002,2026-01-15,C-1,-1,7.00\n"
    result = import_file(write_export(tmp_path, corrected, name="corrected.csv"))
    assert result.ok, result.errors
    row = _day()
    assert (row.documents, row.orders) == (4, 1)
    assert_rollup_matches_lines()


def test_a_credit_that_becomes_an_invoice_again_is_an_order_again(tmp_path):
    import_file(write_export(tmp_path, HEADER + DAY))
    import_file(write_export(tmp_path, HEADER + "1004,2026-01-15,C-1,1,3.00\n", name="fix.csv"))
    assert (_day().documents, _day().orders) == (4, 3)
    assert_rollup_matches_lines()


def test_the_migration_fills_the_orders_of_existing_rows_from_the_lines(tmp_path):
    import_file(write_export(tmp_path, HEADER + DAY))
    DailyRevenue.objects.update(orders=0)
    migration = importlib.import_module("openkam.revenue.migrations.0002_daily_orders")
    with connection.cursor() as cursor:
        for statement in migration.FILL:
            cursor.execute(statement)
    assert _day().orders == 2
