"""GET /api/v1/analytics/portfolio and /api/v1/analytics/accounts/{id}/revenue: the JSON a
script reads, with amounts as decimal strings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openkam.insights.api import PortfolioOut
from tests.factories import AccountFactory
from tests.factories_insights import customer_of, daily, quarter_book

URL = "/api/v1/analytics/portfolio"
Q1 = {"from": "2024-01-01", "to": "2024-03-31"}


@pytest.fixture
def book(head, kam, other_kam):
    return quarter_book(kam=kam, other_kam=other_kam)


def test_the_head_gets_the_company_figures_as_decimal_strings(head, book, api_for):
    response = api_for(head).get(URL, Q1)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["currency"] == "EUR"
    assert data["scope"] == "company"
    assert data["period"] == {"from": "2024-01-01", "to": "2024-03-31", "days": 91}
    assert data["previous_period"]["from"] == "2023-10-01"
    assert data["total_revenue"] == "4000.00"
    assert data["unassigned_revenue"] == "400.00"
    assert data["unassigned"] == {
        "unmatched_customers_revenue": "250.00",
        "no_customer_revenue": "150.00",
        "unmatched_customers": 1,
    }
    assert data["hhi"] == "3472.22"
    assert data["key_account_share"] == "0.725000"
    assert data["key_account_status"] == "high"
    assert data["key_account_band"] == {"low": "0.300000", "high": "0.550000", "alarm": "0.750000"}
    assert data["top1_share"] == "0.375000"
    first = data["accounts"][0]
    assert {k: first[k] for k in ("id", "name", "revenue", "share", "cumulative_share")} == {
        "id": book["aurora"].pk,
        "name": "Aurora",
        "revenue": "1500.00",
        "share": "0.375000",
        "cumulative_share": "0.375000",
    }
    assert [a["abc_class"] for a in data["accounts"]] == ["A", "A", "A", "B", "C"]
    assert first["growth"] == "2.000000"
    assert first["first_purchase"] == "2022-09-01"
    assert data["rates"][0]["currency"] == "NOK"
    assert data["rates"][0]["first_rate"]["effective_date"] == "2024-01-01"
    assert len(data["series"]) == 3
    # The answer is written without a second validation pass: it must match its schema.
    PortfolioOut.model_validate(data)


def test_a_kam_gets_their_portfolio_and_no_unassigned_revenue(kam, book, api_for):
    data = api_for(kam).get(URL, Q1).json()
    assert data["scope"] == "portfolio"
    assert data["total_revenue"] == "2000.00"
    assert data["unassigned_revenue"] is None
    assert data["unassigned"] is None
    assert [a["name"] for a in data["accounts"]] == ["Aurora", "Birch", "Fir"]


def test_filters_repeat_their_parameter(head, book, api_for):
    data = api_for(head).get(URL, {**Q1, "tier": ["key", "maintain"]}).json()
    assert [a["name"] for a in data["accounts"]] == ["Aurora", "Cedar", "Elm"]
    assert data["scope"] == "selection"
    assert data["total_revenue"] == "3100.00"
    assert data["selection_share"] == "0.775000"
    listed = api_for(head).get(URL, {**Q1, "account_id": [book["birch"].pk]}).json()
    assert [a["name"] for a in listed["accounts"]] == ["Birch"]


def test_another_currency_can_be_asked_for(head, book, api_for):
    data = api_for(head).get(URL, {**Q1, "currency": "nok"}).json()
    assert data["currency"] == "NOK"
    assert data["accounts"][0]["revenue"] == "15500.00"


def test_bad_filters_answer_422_naming_the_field(head, book, api_for):
    response = api_for(head).get(URL, {"from": "2024-03-01", "to": "2024-01-01"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "to", "reason": "The end of the period is before its start."}
    ]
    response = api_for(head).get(URL, {**Q1, "tier": "platinum"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tier"
    response = api_for(head).get(URL, {"from": "yesterday"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"


def test_a_missing_rate_answers_422_naming_currency_and_date(head, book, api_for):
    daily(customer_of(book["elm"], "E-9"), "2024-02-10", "100", "SEK")
    response = api_for(head).get(URL, Q1)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "SEK" in detail
    assert "2024-02-10" in detail


def test_the_account_revenue_endpoint_gives_months_totals_and_customer_ids(kam, api_for):
    account = AccountFactory(name="Nordlys", owner=kam)
    today = timezone.localdate()
    customer = customer_of(account, "R-1", name="Nordlys AS")
    daily(customer, today - timedelta(days=5), "100.25")
    daily(customer, today - timedelta(days=380), "50")
    response = api_for(kam).get(f"/api/v1/analytics/accounts/{account.pk}/revenue")
    assert response.status_code == 200, response.content
    data = response.json()
    assert len(data["months"]) == 24
    assert data["revenue_12_months"] == "100.25"
    assert data["revenue_previous_12_months"] == "50.00"
    assert data["growth_12_months"] == "1.005000"
    assert data["customers"][0]["code"] == "R-1"
    assert data["last_purchase"] == (today - timedelta(days=5)).isoformat()
