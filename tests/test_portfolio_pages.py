"""The portfolio dashboard, its CSV export and the revenue panel of the dossier, as people use
them (the figures themselves are checked in test_portfolio_analytics.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.accounts.models import Tier
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_insights import customer_of, daily, quarter_book
from tests.pages import text

PORTFOLIO = reverse("insights:portfolio")
EXPORT = reverse("insights:portfolio_export")
Q1 = "?from=2024-01-01&to=2024-03-31"


@pytest.fixture
def book(head, kam, other_kam):
    return quarter_book(kam=kam, other_kam=other_kam)


def test_the_head_sees_totals_charts_and_the_ranked_table(head, book, client_for):
    response = client_for(head).get(PORTFOLIO + Q1)
    assert response.status_code == 200
    page = text(response)
    for chart in ("chart--pareto", "chart--gauge", "chart--concentration", "chart--hhi",
                  "chart--tiers", "chart--quadrant"):  # fmt: skip
        assert f'class="chart {chart}"' in page, chart
    assert "4,000" in page  # total revenue
    assert "Unassigned revenue" in page
    assert "Unassigned (no account)" in page  # the table's last row, so the column adds up
    rows = response.context["rows"]
    assert [r.name for r in rows] == ["Aurora", "Cedar", "Birch", "Elm", "Fir"]
    assert "Above the typical band" in page  # key accounts: 72.5 %
    assert "NOK → EUR" in page  # the rates used


def test_a_kam_sees_their_portfolio_without_company_figures(kam, book, client_for):
    response = client_for(kam).get(PORTFOLIO + Q1)
    page = text(response)
    assert [r.name for r in response.context["rows"]] == ["Aurora", "Birch", "Fir"]
    assert "Revenue of your accounts" in page
    assert "Unassigned" not in page
    assert "Cedar" not in page
    assert "4,000" not in page


def test_the_period_defaults_to_the_last_12_full_months(head, client_for):
    response = client_for(head).get(PORTFOLIO)
    today = timezone.localdate()
    filters = response.context["filters"]
    assert filters.date_to == today.replace(day=1) - timedelta(days=1)
    assert filters.date_from.day == 1
    assert (filters.date_to - filters.date_from).days in range(364, 366)
    assert "No accounts to analyse yet." in text(response)


def test_filters_narrow_the_table_and_say_what_the_shares_are_of(head, book, client_for):
    response = client_for(head).get(PORTFOLIO + Q1 + "&tier=key")
    page = text(response)
    assert [r.name for r in response.context["rows"]] == ["Aurora", "Cedar"]
    assert "shares are of the revenue of the selected accounts" in page
    assert "Share of company revenue" in page


def test_an_htmx_request_gets_only_the_results(head, book, client_for):
    response = client_for(head).get(PORTFOLIO + Q1, headers={"HX-Request": "true"})
    page = text(response)
    assert "<html" not in page
    assert "chart--pareto" in page


def test_bad_filters_are_refused_with_the_reason(head, book, client_for):
    page = text(client_for(head).get(PORTFOLIO + "?from=2024-03-01&to=2024-01-01"))
    assert "The end of the period is before its start." in page
    page = text(client_for(head).get(PORTFOLIO + Q1 + "&currency=EURO"))
    assert "Ensure this value has at most 3 characters" in page
    page = text(client_for(head).get(PORTFOLIO + Q1 + "&abc_a=90&abc_b=85"))
    assert "must be above the A limit" in page


def test_a_missing_rate_is_shown_with_its_currency_and_date(head, book, client_for):
    daily(customer_of(book["elm"], "E-9"), "2024-02-10", "100", "SEK")
    response = client_for(head).get(PORTFOLIO + Q1)
    assert response.status_code == 200
    page = text(response)
    assert "There is no exchange rate from SEK to EUR in force on 10.02.2024" in page
    assert "chart--pareto" not in page


def test_the_csv_export_lists_every_account_and_the_unassigned_revenue(head, book, client_for):
    response = client_for(head).get(EXPORT + Q1)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "portfolio-2024-01-01-2024-03-31.csv" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Rank", "Account id", "Account", "Tier"]
    assert [r[2] for r in body] == [
        "Aurora",
        "Cedar",
        "Birch",
        "Elm",
        "Fir",
        "Unassigned (no account)",
    ]
    revenue = header.index("Revenue")
    assert sum(Decimal(r[revenue]) for r in body) == Decimal("4000")
    assert body[0][header.index("ABC class")] == "A"
    assert body[0][header.index("Share")] == "0.375000"


def test_the_csv_export_of_a_kam_has_only_their_accounts(kam, book, client_for):
    content = client_for(kam).get(EXPORT + Q1).content.decode("utf-8-sig")
    names = [r[2] for r in list(csv.reader(io.StringIO(content)))[1:]]
    assert names == ["Aurora", "Birch", "Fir"]


def _spread(kam, count: int) -> None:
    """`count` more accounts with two customer ids and revenue in two currencies each."""
    for number in range(count):
        account = AccountFactory(name=f"Spread {number:03d}", owner=kam, tier=Tier.MAINTAIN)
        TeamMemberFactory(account=account)
        for code in ("x", "y"):
            customer = customer_of(account, f"S{number}-{code}")
            daily(customer, date(2024, 1, 5) + timedelta(days=number % 80), "120")
            daily(customer, date(2024, 2, 1) + timedelta(days=number % 50), "900", "NOK")


def test_the_page_runs_the_same_number_of_queries_for_5_and_for_45_accounts(
    head, kam, book, client_for, django_assert_num_queries
):
    client = client_for(head)
    client.get(PORTFOLIO + Q1)  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(PORTFOLIO + Q1)
    _spread(kam, 40)
    with django_assert_num_queries(len(few)):
        response = client.get(PORTFOLIO + Q1)
    assert len(response.context["rows"]) == 45
    # Session and user, the KAMs and countries of the filters, the selected accounts, the
    # foreign (currency, day) pairs, the rates (and on SQLite their temporary table: create,
    # empty, fill), revenue per account and per month.
    assert len(few) <= 12


def test_the_export_runs_the_same_number_of_queries_whatever_the_size(
    head, kam, book, client_for, django_assert_num_queries
):
    client = client_for(head)
    with CaptureQueriesContext(connection) as few:
        client.get(EXPORT + Q1)
    _spread(kam, 30)
    with django_assert_num_queries(len(few)):
        client.get(EXPORT + Q1)


# --- Navigation ----------------------------------------------------------------------------


def test_head_and_kams_find_the_portfolio_in_the_navigation(head, kam, specialist, client_for):
    for user in (head, kam):
        assert f'href="{PORTFOLIO}"' in text(client_for(user).get(reverse("web:home")))
    assert f'href="{PORTFOLIO}"' not in text(client_for(specialist).get(reverse("web:home")))


def test_a_specialist_may_not_open_the_portfolio(specialist, client_for):
    assert client_for(specialist).get(PORTFOLIO).status_code == 403


# --- The dossier's revenue panel -------------------------------------------------------------


def _recent_revenue(account) -> None:
    today = timezone.localdate()
    main = customer_of(account, "R-100", name="Nordlys Energi AS")
    site = customer_of(account, "R-200", name="Nordlys Energi Bergen")
    daily(main, today - timedelta(days=10), "1000")
    daily(main, today - timedelta(days=40), "2000", documents=2)
    daily(site, today - timedelta(days=200), "500")
    daily(main, today - timedelta(days=500), "700")  # 12 months before
    daily(main, today - timedelta(days=900), "50")  # first purchase, out of the chart


def test_the_dossier_loads_the_revenue_panel_lazily(kam, client_for):
    account = AccountFactory(name="Nordlys", owner=kam)
    page = text(client_for(kam).get(reverse("accounts:detail", args=[account.pk])))
    assert f'hx-get="{reverse("insights:account_panel", args=[account.pk])}"' in page


def test_the_revenue_panel_shows_24_months_totals_and_the_erp_customer_ids(kam, client_for):
    account = AccountFactory(name="Nordlys", owner=kam)
    _recent_revenue(account)
    url = reverse("insights:account_panel", args=[account.pk])
    response = client_for(kam).get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page
    assert 'class="chart chart--months"' in page
    r = response.context["r"]
    assert len(r.months) == 24
    assert r.revenue_12m == Decimal("3500")
    assert r.revenue_previous_12m == Decimal("700")
    assert r.growth_12m == Decimal("4")
    assert r.orders_12m == 4
    assert r.first_purchase == timezone.localdate() - timedelta(days=900)
    assert r.days_since_last_purchase == 10
    assert [c.code for c in r.customers] == ["R-100", "R-200"]
    assert "Nordlys Energi Bergen" in page


def test_without_javascript_the_panel_is_a_page_of_its_own(kam, client_for):
    account = AccountFactory(name="Nordlys", owner=kam)
    page = text(client_for(kam).get(reverse("insights:account_panel", args=[account.pk])))
    assert "<html" in page
    assert "No revenue for this account yet." in page


def test_the_panel_runs_the_same_number_of_queries_for_one_and_for_many_customer_ids(
    kam, client_for, django_assert_num_queries
):
    account = AccountFactory(name="Nordlys", owner=kam)
    _recent_revenue(account)
    client = client_for(kam)
    url = reverse("insights:account_panel", args=[account.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers={"HX-Request": "true"})
    today = timezone.localdate()
    for number in range(15):
        customer = customer_of(account, f"M-{number}")
        daily(customer, today - timedelta(days=number * 20), "10", "EUR")
    with django_assert_num_queries(len(few)):
        client.get(url, headers={"HX-Request": "true"})


def test_a_period_without_revenue_shows_empty_charts_not_errors(head, book, client_for):
    response = client_for(head).get(PORTFOLIO + "?from=2030-01-01&to=2030-03-31")
    assert response.status_code == 200
    assert text(response).count("No revenue in this period.") >= 4


def test_the_panel_marks_months_it_cannot_convert(kam, client_for):
    account = AccountFactory(name="Nordlys", owner=kam)
    today = timezone.localdate()
    daily(customer_of(account, "R-1"), today - timedelta(days=3), "500", "SEK")  # no SEK rate
    daily(customer_of(account, "R-2"), today - timedelta(days=3), "100")
    url = reverse("insights:account_panel", args=[account.pk])
    response = client_for(kam).get(url, headers={"HX-Request": "true"})
    page = text(response)
    assert "Some revenue cannot be converted" in page
    assert "There is no exchange rate from SEK to EUR" in page
    r = response.context["r"]
    assert r.months[-1][1] is None  # this month needs the missing rate
    assert r.revenue_12m is None
