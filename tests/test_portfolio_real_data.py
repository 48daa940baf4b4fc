"""On the real UCI Online Retail II file (2009-2010): after `kam import orders`, the portfolio
report's total equals the file's net total, computed here from the raw CSV."""

from __future__ import annotations

import csv
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

FILE = (
    Path(__file__).resolve().parents[2]
    / "shared/data/online-retail-ii-2009-2010"
    / ("online_retail_II_year_2009_2010.csv.gz")
)

pytestmark = pytest.mark.skipif(not FILE.exists(), reason=f"{FILE} is not on this machine")


def file_net_total() -> Decimal:
    total = Decimal(0)
    with gzip.open(FILE, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            total += Decimal(row["Quantity"]) * Decimal(row["Price"])
    return total.quantize(Decimal("0.01"))


@pytest.mark.django_db(transaction=True)
def test_the_portfolio_total_of_the_real_file_equals_its_net_total():
    call_command("import", "orders", str(FILE), "--currency", "GBP", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "report", "portfolio", "--from", "2009-12-01", "--to", "2010-12-31",
        "--currency", "GBP", "--format", "json", stdout=out,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    expected = file_net_total()
    assert Decimal(report["total_revenue"]) == expected
    # No customer id is linked to an account yet: all of it is unassigned, apart.
    assert Decimal(report["unassigned_revenue"]) == expected
    assert report["accounts"] == []
