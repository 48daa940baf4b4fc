"""Portfolio analytics computed from the revenue rollup, checked against figures worked out by
hand on a small portfolio (every expected number below is written out, not recomputed).

The portfolio, in EUR, for the first quarter of 2024 (previous period: Q4 2023):

| account | tier     | owner     | Q1 2024                                   | Q4 2023 |
|---------|----------|-----------|-------------------------------------------|---------|
| Aurora  | key      | kam       | 1000 - 200 (credit) + 5000 NOK + 2500 NOK | 500     |
| Cedar   | key      | other_kam | 1400                                      | 0       |
| Birch   | growth   | kam       | 500                                       | 800     |
| Elm     | maintain | other_kam | 200                                       | 0       |
| Fir     | other    | kam       | nothing ever                              | 0       |
| unmatched customer id U        | 250                                       |         |
| lines without a customer id    | 150                                       |         |

NOK: 1 EUR = 10 NOK from 2024-01-01 and 12.5 NOK from 2024-03-01, so 5000 NOK on
2024-02-20 is 500 EUR and 2500 NOK on 2024-03-05 is 200 EUR: Aurora has 1500 EUR.
Total revenue 1500 + 1400 + 500 + 200 + 250 + 150 = 4000 EUR.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from openkam.currency.rates import MissingRateError
from openkam.insights.selectors import PortfolioFilters, portfolio_analyse
from tests.factories_insights import customer_of, daily, quarter_book

Q1 = {"date_from": date(2024, 1, 1), "date_to": date(2024, 3, 31)}


def d(value: str) -> Decimal:
    return Decimal(value)


def close(value: Decimal | None, expected: str, places: int = 6) -> bool:
    assert value is not None
    return abs(value - Decimal(expected)) < Decimal(10) ** -places


@pytest.fixture
def book(head, kam, other_kam):
    return quarter_book(kam=kam, other_kam=other_kam)


def rows_by_name(portfolio):
    return {row.name: row for row in portfolio.rows}


def test_the_head_sees_the_company_total_with_unassigned_revenue_in_it(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert p.scope == "company"
    assert p.currency == "EUR"
    assert p.total_revenue == d("4000")
    assert p.accounts_revenue == d("3600")
    assert p.unassigned_revenue == d("400")
    assert p.unassigned_unmatched == d("250")
    assert p.unassigned_no_customer == d("150")
    assert p.unmatched_customers == 1


def test_accounts_are_ranked_with_shares_of_the_total_and_cumulative_shares(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert [r.name for r in p.rows] == ["Aurora", "Cedar", "Birch", "Elm", "Fir"]
    assert [r.rank for r in p.rows] == [1, 2, 3, 4, 5]
    assert [r.revenue for r in p.rows] == [d("1500"), d("1400"), d("500"), d("200"), d("0")]
    assert [r.share for r in p.rows] == [d("0.375"), d("0.35"), d("0.125"), d("0.05"), d("0")]
    assert [r.cumulative_share for r in p.rows] == [
        d("0.375"),
        d("0.725"),
        d("0.85"),
        d("0.9"),
        d("0.9"),
    ]


def test_abc_classes_take_the_accounts_that_reach_80_then_95_percent(head, book):
    # Birch starts at 72.5 % and crosses 80 %: it is among those that reach 80 %, so A.
    # Elm starts at 85 %: B. Fir has no revenue: C. Unassigned revenue (10 %) counts in the
    # total, so the accounts never reach 95 %.
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert [r.abc_class for r in p.rows] == ["A", "A", "A", "B", "C"]
    assert p.abc == {
        "A": (3, d("3400")),
        "B": (1, d("200")),
        "C": (1, d("0")),
    }


def test_abc_thresholds_can_be_changed_per_report(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1, abc_a=50, abc_b=80))
    # Aurora starts at 0 (A), Cedar at 37.5 % (A), Birch at 72.5 % (B), Elm at 85 % (C).
    assert [r.abc_class for r in p.rows] == ["A", "A", "B", "C", "C"]


def test_the_hhi_uses_the_shares_of_accounts_with_positive_revenue_among_themselves(head, book):
    # (1500² + 1400² + 500² + 200²) / 3600² × 10,000 = 4,500,000 / 12,960,000 × 10,000
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert close(p.hhi, "3472.222222")
    assert p.hhi_accounts == 4
    assert close(p.equivalent_accounts, "2.88")


def test_top_n_shares_are_shares_of_the_total(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert p.top1_share == d("0.375")
    assert p.top5_share == d("0.9")
    assert p.top10_share == d("0.9")


def test_key_accounts_share_is_judged_against_the_band_and_the_alarm(head, book, settings):
    # Aurora and Cedar are key: 2900 of 4000 = 72.5 %: above the 30-55 % band, under 75 %.
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert p.key_revenue == d("2900")
    assert p.key_account_share == d("0.725")
    assert p.key_status == "high"
    settings.KAM_KEY_SHARE_ALARM_PERCENT = 70
    assert portfolio_analyse(user=head, filters=PortfolioFilters(**Q1)).key_status == "alarm"
    settings.KAM_KEY_SHARE_HIGH_PERCENT = 69
    settings.KAM_KEY_SHARE_ALARM_PERCENT = 80
    settings.KAM_KEY_SHARE_LOW_PERCENT = 30
    assert portfolio_analyse(user=head, filters=PortfolioFilters(**Q1)).key_status == "high"


def test_growth_compares_with_the_previous_quarter_and_the_rolling_12_months(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert p.previous == type(p.period)(date(2023, 10, 1), date(2023, 12, 31))
    rows = rows_by_name(p)
    assert rows["Aurora"].previous_revenue == d("500")
    assert rows["Aurora"].growth == d("2")  # 1500 against 500
    assert rows["Birch"].growth == d("-0.375")  # 500 against 800
    assert rows["Cedar"].growth is None
    assert rows["Cedar"].is_new
    # Rolling 12 months to 31 March 2024: 300 + 500 + 1500; the 12 months before: 1150.
    assert rows["Aurora"].rolling_12m == d("2300")
    assert rows["Aurora"].rolling_12m_previous == d("1150")
    assert rows["Aurora"].growth_12m == d("1")
    # The company: 4000 against 500 + 800.
    assert p.previous_total == d("1300")
    assert close(p.growth, "2.076923")


def test_purchase_history_gives_first_and_last_purchase_orders_and_recency(head, book):
    rows = rows_by_name(portfolio_analyse(user=head, filters=PortfolioFilters(**Q1)))
    aurora = rows["Aurora"]
    assert aurora.first_purchase == date(2022, 9, 1)
    assert aurora.last_purchase == date(2024, 3, 5)  # the credit of 15 Feb is no purchase
    assert aurora.recency_days == 26  # to the end of the period
    assert aurora.documents == 5
    assert aurora.orders == 4  # the credit note is a document, not an order
    assert aurora.purchase_days == 3
    # 4 orders in 91 days, a month being 30.4375 days.
    assert close(aurora.orders_per_month, "1.337912")  # 4 × 30.4375 / 91
    assert rows["Fir"].first_purchase is None
    assert rows["Fir"].recency_days is None


def test_revenue_by_tier_sums_the_accounts_of_each_tier(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    tiers = {t.tier: t for t in p.tiers}
    assert tiers["key"].revenue == d("2900")
    assert tiers["key"].accounts == 2
    assert tiers["growth"].revenue == d("500")
    assert tiers["maintain"].share == d("0.05")
    assert tiers["other"].revenue == d("0")
    assert tiers["key"].previous_revenue == d("500")


def test_a_kam_sees_shares_of_their_own_portfolio_and_no_company_figures(kam, book):
    p = portfolio_analyse(user=kam, filters=PortfolioFilters(**Q1))
    assert p.scope == "portfolio"
    assert [r.name for r in p.rows] == ["Aurora", "Birch", "Fir"]
    assert p.total_revenue == d("2000")
    assert p.unassigned_revenue is None
    assert p.unmatched_customers is None
    assert p.scope_revenue is None
    assert [r.share for r in p.rows] == [d("0.75"), d("0.25"), d("0")]
    assert [r.abc_class for r in p.rows] == ["A", "A", "C"]
    assert p.hhi == d("6250")  # (1500² + 500²) / 2000² × 10,000
    assert p.key_account_share == d("0.75")
    assert p.key_status == "none"  # the band judges the company, not a portfolio


def test_filters_narrow_to_a_selection_whose_revenue_is_the_base(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1, tiers=("key",)))
    assert p.scope == "selection"
    assert [r.name for r in p.rows] == ["Aurora", "Cedar"]
    assert p.total_revenue == d("2900")
    assert close(p.rows[0].share, "0.517241")
    assert p.scope_revenue == d("4000")
    assert p.selection_share == d("0.725")
    assert p.key_status == "none"


def test_filters_by_owner_country_and_explicit_accounts(head, kam, book):
    by_owner = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1, owner_ids=(kam.pk,)))
    assert {r.name for r in by_owner.rows} == {"Aurora", "Birch", "Fir"}
    by_country = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1, countries=("SE",)))
    assert {r.name for r in by_country.rows} == {"Cedar", "Elm"}
    assert by_country.total_revenue == d("1600")
    listed = portfolio_analyse(
        user=head,
        filters=PortfolioFilters(**Q1, account_ids=(book["elm"].pk, book["birch"].pk)),
    )
    assert [r.name for r in listed.rows] == ["Birch", "Elm"]


def test_a_kam_cannot_reach_other_accounts_through_the_account_filter(kam, book):
    p = portfolio_analyse(user=kam, filters=PortfolioFilters(**Q1, account_ids=(book["cedar"].pk,)))
    assert p.rows == []
    assert p.total_revenue == d("0")


def test_the_rates_used_are_reported(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    (nok,) = p.rates
    assert (nok.currency, nok.target, nok.days) == ("NOK", "EUR", 2)
    assert (nok.first_day, nok.last_day) == (date(2024, 2, 20), date(2024, 3, 5))
    assert (nok.min_rate, nok.max_rate) == (d("0.08"), d("0.1"))
    assert nok.first.effective_date == date(2024, 1, 1)
    assert nok.last.effective_date == date(2024, 3, 1)


def test_another_reporting_currency_converts_everything_at_the_day_rates(head, book):
    # In NOK: EUR amounts × 10 before March and × 12.5 from March; NOK as they are.
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1, currency="NOK"))
    rows = rows_by_name(p)
    # Aurora: 1000×10 - 200×10 + 5000 + 2500 = 15500.
    assert rows["Aurora"].revenue == d("15500")
    # Birch 500 on 15 March × 12.5; Elm 200 on 31 March × 12.5.
    assert rows["Birch"].revenue == d("6250")
    assert rows["Elm"].revenue == d("2500")


def test_a_missing_rate_is_an_error_naming_the_currency_and_the_date(head, book):
    daily(customer_of(book["elm"], "E-2"), "2024-02-10", "100", "SEK")
    with pytest.raises(MissingRateError) as error:
        portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert "SEK" in str(error.value)
    assert "2024-02-10" in str(error.value)


def test_a_missing_rate_in_the_previous_period_withholds_growth_and_says_why(head, book):
    daily(customer_of(book["elm"], "E-2"), "2023-12-10", "100", "NOK")  # before any NOK rate
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert p.total_revenue == d("4000")
    assert p.growth is None
    assert p.previous_total is None
    assert rows_by_name(p)["Aurora"].growth is None
    assert any("NOK" in w and "2023-12-10" in w for w in p.warnings)


def test_concentration_over_time_gives_one_point_per_month(head, book):
    p = portfolio_analyse(user=head, filters=PortfolioFilters(**Q1))
    assert [s.start for s in p.series] == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    january, february, march = p.series
    # January: Aurora 1000, Cedar 1400: total 2400.
    assert january.total == d("2400")
    assert close(january.top1_share, "0.583333")
    assert close(january.hhi, str((1000**2 + 1400**2) / 2400**2 * 10000))
    assert january.key_share == d("1")
    # February: Aurora -200 + 500 = 300, unmatched 250: total 550; top-1 is Aurora.
    assert february.total == d("550")
    assert close(february.top1_share, str(300 / 550))
    assert february.hhi == d("10000")
    # March: Aurora 200, Birch 500, Elm 200, no customer 150: 1050.
    assert march.total == d("1050")
    assert close(march.top5_share, str(900 / 1050))
    assert march.active_accounts == 3


def test_long_periods_are_shown_by_quarter(head, book):
    p = portfolio_analyse(
        user=head, filters=PortfolioFilters(date_from=date(2022, 1, 1), date_to=date(2024, 3, 31))
    )
    starts = [s.start for s in p.series]
    assert starts[0] == date(2022, 7, 1)  # the first quarter with revenue
    assert all(s.months == 3 for s in p.series)
    assert starts[-1] == date(2024, 1, 1)
    assert p.series[-1].total == d("4000")


def test_a_period_that_is_not_whole_months_compares_with_as_many_days_before(head, book):
    p = portfolio_analyse(
        user=head, filters=PortfolioFilters(date_from=date(2024, 1, 10), date_to=date(2024, 1, 20))
    )
    assert (p.previous.start, p.previous.end) == (date(2023, 12, 30), date(2024, 1, 9))
    assert p.total_revenue == d("2400")


def test_first_purchase_goes_back_before_the_compared_periods(head, book):
    daily(customer_of(book["birch"], "B-old"), "2019-05-01", "75")
    rows = rows_by_name(portfolio_analyse(user=head, filters=PortfolioFilters(**Q1)))
    assert rows["Birch"].first_purchase == date(2019, 5, 1)
    assert rows["Birch"].revenue == d("500")  # an old sale is no revenue of the period


def test_a_period_without_revenue_gives_zeros_and_no_shares(head, book):
    p = portfolio_analyse(
        user=head, filters=PortfolioFilters(date_from=date(2030, 1, 1), date_to=date(2030, 3, 31))
    )
    assert p.total_revenue == d("0")
    assert all(r.share is None for r in p.rows)
    assert p.hhi is None
    assert p.key_account_share is None
    assert p.series == []
    assert rows_by_name(p)["Aurora"].last_purchase == date(2024, 3, 5)
