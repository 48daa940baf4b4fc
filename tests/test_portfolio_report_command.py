"""`kam report portfolio`: the same analysis on the command line, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories_insights import customer_of, daily, quarter_book

Q1 = ["--from", "2024-01-01", "--to", "2024-03-31"]


@pytest.fixture
def book(head, kam, other_kam):
    return quarter_book(kam=kam, other_kam=other_kam)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "portfolio", *args, stdout=out)
    return out.getvalue()


def test_json_carries_the_company_figures(book):
    data = json.loads(run(*Q1, "--format", "json"))
    assert data["total_revenue"] == "4000.00"
    assert data["unassigned_revenue"] == "400.00"
    assert data["hhi"] == "3472.22"
    assert data["key_account_share"] == "0.725000"
    assert [a["name"] for a in data["accounts"]] == ["Aurora", "Cedar", "Birch", "Elm", "Fir"]
    assert data["accounts"][0]["abc_class"] == "A"
    assert data["rates"][0]["currency"] == "NOK"


def test_the_table_prints_a_summary_and_the_ranking(book):
    out = run(*Q1)
    assert "Total revenue: 4000.00 EUR" in out
    assert "Unassigned revenue: 400.00 EUR" in out
    assert "HHI: 3472.22" in out
    assert "Above the typical band" in out
    lines = out.splitlines()
    ranking = [line for line in lines if line.strip().startswith(("1 ", "2 ", "3 "))]
    assert ranking[0].split()[1] == "Aurora"
    assert "Rates NOK→EUR: 2 days" in out


def test_csv_adds_up_to_the_total(book):
    rows = list(csv.reader(io.StringIO(run(*Q1, "--format", "csv"))))
    revenue = rows[0].index("Revenue")
    assert sum(Decimal(r[revenue]) for r in rows[1:]) == Decimal("4000")


def test_filters_and_another_currency(book):
    data = json.loads(run(*Q1, "--format", "json", "--tier", "key", "--currency", "NOK"))
    assert data["currency"] == "NOK"
    assert [a["name"] for a in data["accounts"]] == ["Aurora", "Cedar"]


def test_as_a_kam_the_report_covers_their_portfolio(kam, book):
    data = json.loads(run(*Q1, "--format", "json", "--as", kam.username))
    assert data["scope"] == "portfolio"
    assert data["unassigned_revenue"] is None
    assert data["total_revenue"] == "2000.00"


def test_an_owner_filter_takes_usernames(kam, book):
    data = json.loads(run(*Q1, "--format", "json", "--owner", kam.username))
    assert {a["name"] for a in data["accounts"]} == {"Aurora", "Birch", "Fir"}
    with pytest.raises(CommandError, match="--owner: no user nobody"):
        run(*Q1, "--owner", "nobody")


def test_bad_input_stops_with_a_clear_error(book, specialist):
    with pytest.raises(CommandError, match="'2024-13-01' is not a date"):
        run("--from", "2024-13-01")
    with pytest.raises(CommandError, match="--to: The end of the period is before its start"):
        run("--from", "2024-03-01", "--to", "2024-01-01")
    with pytest.raises(CommandError, match="--abc-b: The B limit"):
        run(*Q1, "--abc-a", "90", "--abc-b", "85")
    with pytest.raises(CommandError, match="the portfolio analysis is for the head"):
        run(*Q1, "--as", specialist.username)


def test_a_missing_rate_stops_naming_currency_and_date(book):
    daily(customer_of(book["elm"], "E-9"), "2024-02-10", "100", "SEK")
    with pytest.raises(CommandError, match="SEK to EUR in force on 2024-02-10"):
        run(*Q1)


def test_the_report_can_be_written_to_a_file(book, tmp_path):
    target = tmp_path / "portfolio.json"
    run(*Q1, "--format", "json", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["total_revenue"] == "4000.00"
