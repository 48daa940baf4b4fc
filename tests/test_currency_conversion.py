"""Converting amounts at the rate in force on the transaction date."""

from datetime import date
from decimal import Decimal

import pytest

from openkam.currency.rates import MissingRateError, RateBook
from openkam.currency.services import exchange_rate_set

pytestmark = pytest.mark.django_db


def _rate(base, quote, day, rate):
    exchange_rate_set(actor=None, base=base, quote=quote, effective_date=day, rate=Decimal(rate))


def test_an_amount_converts_at_the_rate_in_force_on_its_date_across_a_rate_change():
    _rate("EUR", "NOK", date(2026, 1, 1), "11.50")
    _rate("EUR", "NOK", date(2026, 6, 1), "11.80")
    book = RateBook("NOK", ["EUR"])
    before, used_before = book.convert(Decimal("100"), "EUR", date(2026, 5, 31))
    after, used_after = book.convert(Decimal("100"), "EUR", date(2026, 6, 1))
    assert before == Decimal("1150.00")
    assert after == Decimal("1180.00")
    assert used_before.effective_date == date(2026, 1, 1)
    assert "11.8" in used_after.describe()


def test_a_rate_is_used_in_reverse_when_only_the_opposite_pair_is_known():
    _rate("EUR", "SEK", date(2026, 1, 1), "10")
    converted, _used = RateBook("EUR", ["SEK"]).convert(Decimal("50"), "SEK", date(2026, 3, 1))
    assert converted == Decimal("5")


def test_a_missing_rate_names_the_currency_and_the_date_instead_of_converting_one_to_one():
    _rate("EUR", "NOK", date(2026, 6, 1), "11.80")
    with pytest.raises(MissingRateError) as caught:
        RateBook("NOK", ["EUR"]).convert(Decimal("1"), "EUR", date(2026, 5, 1))
    assert "EUR" in str(caught.value)
    assert "2026-05-01" in str(caught.value)


def test_historical_leva_convert_to_euro_at_the_fixed_rate():
    converted, used = RateBook("EUR", ["BGN"]).convert(Decimal("195.583"), "BGN", date(2019, 7, 1))
    assert converted.quantize(Decimal("0.01")) == Decimal("100.00")
    assert used.source == "fixed euro rate"


def test_leva_reach_another_currency_through_the_euro():
    _rate("EUR", "NOK", date(2020, 1, 1), "10")
    converted, used = RateBook("NOK", ["BGN"]).convert(Decimal("195.583"), "BGN", date(2021, 1, 1))
    assert converted.quantize(Decimal("0.01")) == Decimal("1000.00")
    assert "via EUR" in used.source
