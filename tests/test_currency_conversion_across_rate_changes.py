"""Conversions use the rate in force on each transaction's date, whatever changes around it,
say which rate they used, and refuse (naming currency and date) when no rate is in force."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from openkam.currency.rates import BGN_PER_EUR, MissingRateError, RateBook, convert_amount
from openkam.currency.services import exchange_rate_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Requests may leave another user's language active in this thread.
    translation.activate("en")
    yield
    translation.activate("en")


CENT = Decimal("0.01")


def _rate(base, quote, day, rate, source="ECB"):
    exchange_rate_set(
        actor=None,
        base=base,
        quote=quote,
        effective_date=day,
        rate=Decimal(rate),
        source=source,
    )


@pytest.fixture
def monthly_nok():
    """EUR/NOK on the first of every month of 2025: 11.00, 11.10, ... 12.10."""
    for month in range(1, 13):
        _rate("EUR", "NOK", date(2025, month, 1), f"{11 + (month - 1) / 10:.2f}")


def test_every_day_of_a_year_converts_at_the_rate_of_its_own_month(monthly_nok):
    book = RateBook("EUR", ["NOK"])
    day = date(2025, 1, 1)
    while day.year == 2025:
        converted, used = book.convert(Decimal("1000"), "NOK", day)
        expected_rate = Decimal(f"{11 + (day.month - 1) / 10:.2f}")
        assert used.effective_date == date(2025, day.month, 1), day
        assert converted.quantize(CENT) == (Decimal("1000") / expected_rate).quantize(CENT), day
        day += timedelta(days=1)


def test_the_day_before_a_change_keeps_the_old_rate_and_the_day_of_it_takes_the_new(monthly_nok):
    book = RateBook("NOK", ["EUR"])
    before, used_before = book.convert(Decimal("100"), "EUR", date(2025, 6, 30))
    on, used_on = book.convert(Decimal("100"), "EUR", date(2025, 7, 1))
    assert (before, on) == (Decimal("1150.00"), Decimal("1160.00"))
    assert (used_before.effective_date, used_on.effective_date) == (
        date(2025, 6, 1),
        date(2025, 7, 1),
    )


def test_the_last_rate_stays_in_force_until_a_newer_one_arrives(monthly_nok):
    converted, used = RateBook("NOK", ["EUR"]).convert(Decimal("1"), "EUR", date(2027, 3, 1))
    assert converted == Decimal("12.10")
    assert used.effective_date == date(2025, 12, 1)


def test_a_rate_corrected_later_changes_only_its_own_period(monthly_nok):
    _rate("EUR", "NOK", date(2025, 3, 1), "11.25")  # the same pair and day again: a correction
    book = RateBook("NOK", ["EUR"])
    assert book.convert(Decimal("1"), "EUR", date(2025, 3, 31))[0] == Decimal("11.25")
    assert book.convert(Decimal("1"), "EUR", date(2025, 4, 1))[0] == Decimal("11.30")
    assert book.convert(Decimal("1"), "EUR", date(2025, 2, 28))[0] == Decimal("11.10")


def test_two_currencies_meet_through_the_euro_with_each_leg_at_its_own_date():
    _rate("EUR", "NOK", date(2025, 1, 1), "11.00")
    _rate("EUR", "NOK", date(2025, 4, 1), "12.00")
    _rate("EUR", "SEK", date(2025, 1, 1), "11.50")
    _rate("EUR", "SEK", date(2025, 2, 15), "11.00")
    book = RateBook("SEK", ["NOK"])
    march, used_march = book.convert(Decimal("1100"), "NOK", date(2025, 3, 1))
    april, used_april = book.convert(Decimal("1200"), "NOK", date(2025, 4, 2))
    assert march.quantize(CENT) == Decimal("1100.00")  # 1100 NOK = 100 EUR = 1100 SEK
    assert april.quantize(CENT) == Decimal("1100.00")  # 1200 NOK = 100 EUR = 1100 SEK
    assert used_march.effective_date == date(2025, 2, 15)  # the later of the two legs
    assert used_april.effective_date == date(2025, 4, 1)
    assert [leg.effective_date for leg in used_april.legs] == [date(2025, 4, 1), date(2025, 2, 15)]
    assert "via EUR" in used_april.describe()


def test_the_reverse_pair_serves_across_its_changes():
    _rate("EUR", "HUF", date(2025, 1, 1), "400")
    _rate("EUR", "HUF", date(2025, 7, 1), "390")
    book = RateBook("EUR", ["HUF"])
    assert book.convert(Decimal("40000"), "HUF", date(2025, 6, 30))[0] == Decimal("100")
    assert book.convert(Decimal("39000"), "HUF", date(2025, 7, 1))[0] == Decimal("100")


# --- Bulgaria: the lev is fixed to the euro, before and after 1 January 2026 ---------------


@pytest.mark.parametrize(
    "day", [date(2015, 6, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 9, 1)]
)
def test_lev_convert_to_euro_at_the_fixed_rate_on_any_date(day):
    converted, used = RateBook("EUR", ["BGN"]).convert(Decimal("1955.83"), "BGN", day)
    assert converted.quantize(CENT) == Decimal("1000.00")
    assert used.source == "fixed euro rate"
    assert used.effective_date is None


def test_historical_lev_reach_the_krone_through_the_euro_rate_of_their_own_date():
    _rate("EUR", "NOK", date(2025, 11, 1), "11.70")
    _rate("EUR", "NOK", date(2026, 1, 1), "11.50")
    book = RateBook("NOK", ["BGN", "EUR"])
    december, used = book.convert(BGN_PER_EUR * 100, "BGN", date(2025, 12, 31))
    january, _used = book.convert(BGN_PER_EUR * 100, "BGN", date(2026, 1, 2))
    assert december.quantize(CENT) == Decimal("1170.00")
    assert january.quantize(CENT) == Decimal("1150.00")
    assert used.legs[0].source == "fixed euro rate"
    # Since 2026 Bulgarian accounts invoice in euro: the same value converts identically.
    assert book.convert(Decimal("100"), "EUR", date(2026, 1, 2))[0] == Decimal("1150.00")


def test_a_euro_amount_reports_in_lev_at_the_fixed_rate():
    converted, _used = RateBook("BGN", ["EUR"]).convert(Decimal("100"), "EUR", date(2024, 5, 5))
    assert converted == Decimal("195.583")


def test_nobody_can_enter_a_rate_for_the_fixed_pair():
    with pytest.raises(ValidationError) as refused:
        _rate("BGN", "EUR", date(2025, 1, 1), "0.5")
    assert "1.95583" in str(refused.value)


# --- Missing rates are errors, never 1:1 ---------------------------------------------------


def test_a_date_before_the_first_rate_is_an_error_naming_currency_and_date(monthly_nok):
    with pytest.raises(MissingRateError) as missing:
        RateBook("EUR", ["NOK"]).convert(Decimal("1"), "NOK", date(2024, 12, 31))
    assert (missing.value.currency, missing.value.on) == ("NOK", date(2024, 12, 31))
    assert "NOK" in str(missing.value)
    assert "2024-12-31" in str(missing.value)


def test_a_missing_second_leg_through_the_euro_is_an_error_too(monthly_nok):
    with pytest.raises(MissingRateError, match="NOK to SEK"):
        RateBook("SEK", ["NOK"]).convert(Decimal("1"), "NOK", date(2025, 5, 1))


def test_the_missing_rate_error_speaks_the_users_language():
    with translation.override("hu"), pytest.raises(MissingRateError) as missing:
        RateBook("EUR", ["SEK"]).convert(Decimal("1"), "SEK", date(2026, 2, 3))
    assert str(missing.value).startswith("Nincs 2026-02-03 napon érvényes SEK → EUR árfolyam")


# --- Saying which rate was used -----------------------------------------------------------


def test_the_rate_used_is_described_in_the_readers_language(monthly_nok):
    _converted, used = RateBook("NOK", ["EUR"]).convert(Decimal("1"), "EUR", date(2025, 2, 10))
    assert used.describe() == "1 EUR = 11.1 NOK (ECB, since 2025-02-01)"
    with translation.override("nb"):
        assert used.describe() == "1 EUR = 11,1 NOK (ECB, fra 2025-02-01)"
    _c, fixed = RateBook("EUR", ["BGN"]).convert(Decimal("1"), "BGN", date(2025, 2, 10))
    with translation.override("ru"):
        assert "фиксированный курс к евро" in fixed.describe()


def test_the_default_target_is_the_reporting_currency(settings, monthly_nok):
    settings.KAM_REPORTING_CURRENCY = "NOK"
    converted, used = convert_amount(amount=Decimal("10"), currency="EUR", on=date(2025, 1, 5))
    assert (converted, used.quote) == (Decimal("110.00"), "NOK")


def test_a_book_converts_a_thousand_amounts_with_one_query(monthly_nok, django_assert_num_queries):
    with django_assert_num_queries(1):
        book = RateBook("EUR", ["NOK", "BGN"])
        for offset in range(1000):
            day = date(2025, 1, 1) + timedelta(days=offset % 365)
            book.convert(Decimal("100"), "NOK" if offset % 2 else "BGN", day)
