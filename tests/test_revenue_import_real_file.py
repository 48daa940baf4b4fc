"""The real UCI Online Retail II export (../shared/data): a slice imports with the mapping
recognised from its header, its net total equals the raw file's, and a re-import adds nothing.
The full-file speed is measured by bench/import.py, never here."""

from __future__ import annotations

import csv
import gzip
import itertools
from decimal import Decimal
from pathlib import Path

import pytest

from openkam.revenue.models import Customer, RevenueLine
from tests.factories_revenue import assert_rollup_matches_lines, import_file, net_total, plan

pytestmark = pytest.mark.django_db

SOURCE = (
    Path(__file__).resolve().parent.parent.parent
    / "shared/data/online-retail-ii-2009-2010/online_retail_II_year_2009_2010.csv.gz"
)
ROWS = 30_000


@pytest.fixture
def uci_slice(tmp_path: Path) -> tuple[Path, Decimal, int]:
    if not SOURCE.exists():
        pytest.skip(f"the UCI Online Retail II file is absent ({SOURCE})")
    target = tmp_path / "uci-slice.csv.gz"
    total = Decimal(0)
    with (
        gzip.open(SOURCE, "rt", encoding="utf-8", newline="") as source,
        gzip.open(target, "wt", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(source), csv.writer(out)
        writer.writerow(next(reader))
        for row in itertools.islice(reader, ROWS):
            writer.writerow(row)
            total += Decimal(row[3]) * Decimal(row[5])
    return target, total.quantize(Decimal("0.01")), ROWS


def test_the_uci_header_is_recognised_with_certainty(uci_slice):
    path, _total, _rows = uci_slice
    the_plan = plan(path, options={"currency": "GBP"})
    assert the_plan.ok
    assert the_plan.columns == {
        "Invoice": "document",
        "StockCode": "product",
        "Description": "description",
        "Quantity": "quantity",
        "InvoiceDate": "date",
        "Price": "unit_price",
        "Customer ID": "customer",
        "Country": "country",
    }
    assert the_plan.date_format == "%Y-%m-%d"
    assert the_plan.decimal_style == "point"


def test_a_slice_of_the_uci_file_imports_with_the_raw_files_net_total(uci_slice):
    path, total, rows = uci_slice
    result = import_file(path, options={"currency": "GBP"})
    assert result.ok
    assert result.rows_imported == rows
    assert RevenueLine.objects.count() == rows
    assert net_total() == total
    assert result.summary["credit_lines"] > 0  # cancellations (invoices starting with C)
    assert RevenueLine.objects.filter(customer__isnull=True).exists()  # cash sales
    assert_rollup_matches_lines()
    again = import_file(path, options={"currency": "GBP"})
    assert again.summary["documents_new"] == 0
    assert RevenueLine.objects.count() == rows
    assert net_total() == total
    assert Customer.objects.count() == result.summary["customers_new"]
    assert_rollup_matches_lines()
