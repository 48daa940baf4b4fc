"""Which currencies OpenKAM offers, what they are called, and which one a country invoices in.

Accounts and amounts store ISO 4217 codes. The names below cover the markets OpenKAM's users
work in; any other valid code is accepted and shown as its code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.currency.models import ExchangeRate

CURRENCY_NAMES = {
    "EUR": _("Euro"),
    "NOK": _("Norwegian krone"),
    "SEK": _("Swedish krona"),
    "DKK": _("Danish krone"),
    "ISK": _("Icelandic króna"),
    "HUF": _("Hungarian forint"),
    "BGN": _("Bulgarian lev"),
    "RUB": _("Russian rouble"),
    "GBP": _("Pound sterling"),
    "USD": _("US dollar"),
    "CHF": _("Swiss franc"),
    "PLN": _("Polish złoty"),
    "CZK": _("Czech koruna"),
    "RON": _("Romanian leu"),
    "RSD": _("Serbian dinar"),
    "UAH": _("Ukrainian hryvnia"),
    "TRY": _("Turkish lira"),
    "CNY": _("Chinese yuan"),
    "JPY": _("Japanese yen"),
    "CAD": _("Canadian dollar"),
    "AUD": _("Australian dollar"),
}

# Euro area members (Bulgaria from 1 January 2026, see EURO_ADOPTION).
EURO_AREA = frozenset(
    [
        "AT",
        "BE",
        "HR",
        "CY",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PT",
        "SK",
        "SI",
        "ES",
        "BG",
    ]
)
EURO_ADOPTION = {"BG": (date(2026, 1, 1), "BGN")}
NATIONAL_CURRENCY = {
    "NO": "NOK",
    "SE": "SEK",
    "DK": "DKK",
    "IS": "ISK",
    "HU": "HUF",
    "RU": "RUB",
    "GB": "GBP",
    "US": "USD",
    "CH": "CHF",
    "LI": "CHF",
    "PL": "PLN",
    "CZ": "CZK",
    "RO": "RON",
    "RS": "RSD",
    "UA": "UAH",
    "TR": "TRY",
    "CN": "CNY",
    "JP": "JPY",
    "CA": "CAD",
    "AU": "AUD",
}


def reporting_currency() -> str:
    return str(settings.KAM_REPORTING_CURRENCY)


def currency_for_country(country: str, on: date | None = None) -> str | None:
    """The currency a company in `country` (ISO 3166 alpha-2) invoices in on `on` (today)."""
    code = (country or "").upper()
    on = on or timezone.localdate()
    if code in EURO_ADOPTION:
        since, before = EURO_ADOPTION[code]
        return "EUR" if on >= since else before
    if code in EURO_AREA:
        return "EUR"
    return NATIONAL_CURRENCY.get(code)


def currency_name(code: str) -> str:
    name = CURRENCY_NAMES.get((code or "").upper())
    return str(name) if name else code


def currency_label(code: str) -> str:
    """ "NOK · Norwegian krone" (in the active language), or the bare code when unnamed."""
    name = CURRENCY_NAMES.get((code or "").upper())
    return f"{code} · {name}" if name else code


def currencies_in_rate_table() -> set[str]:
    bases = ExchangeRate.objects.order_by().values_list("base", flat=True).distinct()
    quotes = ExchangeRate.objects.order_by().values_list("quote", flat=True).distinct()
    return set(bases) | set(quotes)


def currency_choices(extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The named currencies, those in the rate table and `extra`, by code."""
    codes = set(CURRENCY_NAMES) | currencies_in_rate_table() | {reporting_currency()}
    codes |= {code for code in extra if code}
    return [(code, currency_label(code)) for code in sorted(codes)]
