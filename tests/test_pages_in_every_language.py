"""The main pages in every shipped language: translated text, the language chosen per user (or
on the sign-in page before there is a user), and dates, numbers and amounts in the locale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from openkam.core.money import format_money
from openkam.currency.services import exchange_rate_set
from openkam.users.models import User
from tests.factories import AccountFactory
from tests.pages import csrf_token, submit, text

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
# What each language must show, and English the page must no longer show.
EXPECTED = {
    "nb": {"Accounts": "Kunder", "Overview": "Oversikt", "Exchange rates": "Valutakurser",
           "Sign out": "Logg ut", "Sign in": "Logg inn", "Profile": "Profil"},
    "sv": {"Accounts": "Kunder", "Overview": "Översikt", "Exchange rates": "Valutakurser",
           "Sign out": "Logga ut", "Sign in": "Logga in", "Profile": "Profil"},
    "hu": {"Accounts": "Ügyfelek", "Overview": "Áttekintés", "Exchange rates": "Árfolyamok",
           "Sign out": "Kijelentkezés", "Sign in": "Bejelentkezés", "Profile": "Profil"},
    "bg": {"Accounts": "Клиенти", "Overview": "Преглед", "Exchange rates": "Валутни курсове",
           "Sign out": "Изход", "Sign in": "Вход", "Profile": "Профил"},
    "ru": {"Accounts": "Клиенты", "Overview": "Обзор", "Exchange rates": "Курсы валют",
           "Sign out": "Выйти", "Sign in": "Войти", "Profile": "Профиль"},
}  # fmt: skip
KEY_TIER = {
    "nb": "Nøkkelkunde",
    "sv": "Nyckelkund",
    "hu": "Kulcsügyfél",
    "bg": "Ключов клиент",
    "ru": "Ключевой клиент",
}
SHORT_DATE = {  # 25 November 2026 as each locale writes it in tables
    "en": "25.11.2026",
    "nb": "25.11.2026",
    "sv": "2026-11-25",
    "hu": "2026.11.25.",
    "bg": "25.11.2026",
    "ru": "25.11.2026",
}
LONG_DATE = {
    "en": "5 Mar 2026",
    "nb": "5. mars 2026",
    "sv": "5 mars 2026",
    "hu": "2026. március 5.",
    "bg": "5 март 2026 г.",
    "ru": "5 марта 2026 г.",
}
MONEY = {  # -1234567.125 NOK and 1234567.5 HUF
    "en": ("-1,234,567.13 NOK", "1,234,568 HUF"),
    "nb": ("-1 234 567,13 NOK", "1 234 568 HUF"),
    "sv": ("-1 234 567,13 NOK", "1 234 568 HUF"),
    "hu": ("-1 234 567,13 NOK", "1 234 568 HUF"),
    "bg": ("-1 234 567,13 NOK", "1 234 568 HUF"),
    "ru": ("-1 234 567,13 NOK", "1 234 568 HUF"),
}
LANGUAGES = list(EXPECTED)


@pytest.fixture(autouse=True)
def _english_afterwards():
    # Requests activate the user's language in this thread and leave it active: reset it, so
    # that later tests start in English.
    yield
    translation.activate("en")


def _nbsp(value: str) -> str:
    return value.replace(" ", NBSP)


@pytest.fixture
def portfolio(head):
    account = AccountFactory(name="Fjordkraft Nord", owner=head, tier="key", currency="NOK")
    exchange_rate_set(
        actor=None,
        base="EUR",
        quote="NOK",
        effective_date=date(2026, 1, 1),
        rate=Decimal("11.7425"),
        source="Norges Bank",
    )
    return account


def _speaks(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_speak_the_users_language(language, head, portfolio, client_for):
    client = client_for(_speaks(head, language))
    words = EXPECTED[language]
    pages = {
        "home": reverse("web:home"),
        "accounts": reverse("accounts:list"),
        "account": reverse("accounts:detail", args=[portfolio.pk]),
        "rates": reverse("currency:rates"),
        "profile": reverse("users:profile"),
        "tier approvals": reverse("accounts:tier_requests"),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = text(response)
        assert f'<html lang="{language}">' in page, name
        assert response["Content-Language"] == language, name
        for english, translated in words.items():
            if english in ("Sign in", "Profile"):
                continue
            assert translated in page, f"{name}: no {translated!r}"
            assert f">{english}<" not in page, f"{name}: English {english!r} left"
    assert KEY_TIER[language] in text(client.get(pages["accounts"]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_follows_the_browser_and_the_switcher(language, client):
    browser = client.get(reverse("users:login"), headers={"Accept-Language": language})
    assert EXPECTED[language]["Sign in"] in text(browser)
    switched = client.post(
        reverse("set_language"),
        {
            "language": language,
            "next": reverse("users:login"),
            "csrfmiddlewaretoken": csrf_token(client),
        },
    )
    assert switched.status_code == 302
    # The choice sticks (cookie) whatever the browser asks for.
    page = text(client.get(reverse("users:login"), headers={"Accept-Language": "en"}))
    assert f'<html lang="{language}">' in page
    assert EXPECTED[language]["Sign in"] in page
    assert f'<option value="{language}" selected>' in page


def test_the_users_own_language_wins_over_the_browser(kam, client_for):
    client = client_for(_speaks(kam, "sv"))
    page = text(client.get(reverse("web:home"), headers={"Accept-Language": "ru"}))
    assert "Översikt" in page


def test_without_a_language_of_their_own_a_user_reads_the_browsers(kam, client_for):
    page = text(client_for(kam).get(reverse("web:home"), headers={"Accept-Language": "hu"}))
    assert "Áttekintés" in page


def test_a_user_chooses_their_language_in_the_profile(kam, client_for):
    client = client_for(kam)
    response = submit(
        client,
        reverse("users:profile"),
        {"first_name": kam.first_name, "last_name": kam.last_name, "language": "bg"},
    )
    assert response.status_code == 302
    kam.refresh_from_db()
    assert kam.language == "bg"
    page = text(client.get(response["Location"]))
    assert "Профилът ви е запазен." in page
    assert '<option value="bg" selected>Български</option>' in page or "Български" in page


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_pages_show_dates_in_the_locale(language, head, client_for):
    account = AccountFactory(owner=head, name="Datum AS")
    type(account).objects.filter(pk=account.pk).update(
        updated_at=account.updated_at.replace(year=2026, month=11, day=25, hour=12)
    )
    page = text(client_for(_speaks(head, language)).get(reverse("accounts:list")))
    assert SHORT_DATE[language] in page


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_amounts_dates_and_numbers_follow_the_locale(language):
    template = Template(
        '{% load money %}{{ debit|money:"NOK" }}|{{ forint|money:"HUF" }}|'
        '{% money forint "EUR" decimals=0 %}|{{ big|number }}|{{ day|date:"DATE_FORMAT" }}'
    )
    with translation.override(language):
        debit, forint, euros, big, day = template.render(
            Context(
                {
                    "debit": Decimal("-1234567.125"),
                    "forint": Decimal("1234567.5"),
                    "big": 9876543,
                    "day": date(2026, 3, 5),
                }
            )
        ).split("|")
    thousands = "," if language == "en" else NBSP
    assert (debit, forint) == tuple(_nbsp(value) for value in MONEY[language])
    assert euros == f"1{thousands}234{thousands}568{NBSP}EUR"
    assert big == f"9{thousands}876{thousands}543"
    assert day == LONG_DATE[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_converter_shows_amounts_and_the_rate_in_the_locale(
    language, kam, portfolio, client_for
):
    page = text(
        client_for(_speaks(kam, language)).get(
            reverse("currency:convert") + "?amount=11742.50&currency=NOK&on=2026-02-01&target=EUR"
        )
    )
    assert _nbsp("11 742,50 NOK") + " = " + _nbsp("1 000,00 EUR") in page
    assert "1 NOK = 0,0851607 EUR (Norges Bank" in page


def test_money_is_empty_safe_and_names_its_currency():
    translation.activate("en")
    assert format_money(None, "NOK") == "—"
    assert format_money(Decimal("0.004"), "EUR") == f"0.00{NBSP}EUR"
    assert format_money(Decimal("-0.004"), "EUR") == f"0.00{NBSP}EUR"  # no "-0.00"
    assert format_money(12, "sek") == f"12.00{NBSP}SEK"


def test_the_history_reads_in_the_readers_language_whoever_wrote_it(head, kam, client_for):
    from openkam.accounts.services import account_create

    with translation.override("en"):  # written by someone reading English
        account = account_create(
            actor=head, name="Volga Trade", owner=kam, country="RU", tier="growth"
        ).account
    page = text(client_for(_speaks(kam, "ru")).get(reverse("accounts:history", args=[account.pk])))
    assert "создал(а)" in page
    assert "категория: <ins>Рост</ins>" in page
    assert "валюта: <ins>RUB</ins>" in page
    assert "tier:" not in page
