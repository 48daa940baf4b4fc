"""Every account has the currency it is invoiced in: from its country unless chosen, shown,
filtered and exchanged over the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openkam.accounts.models import Account
from openkam.accounts.services import account_create, account_update
from openkam.core.models import AuditEntry
from openkam.currency.currencies import currency_for_country
from tests.factories import AccountFactory
from tests.pages import submit, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "currency"),
    [
        ("NO", "NOK"),
        ("SE", "SEK"),
        ("HU", "HUF"),
        ("BG", "EUR"),
        ("RU", "RUB"),
        ("GB", "GBP"),
        ("DE", "EUR"),
        ("", "EUR"),  # no country: the reporting currency
        ("AQ", "EUR"),  # a country without a known currency: the reporting currency
    ],
)
def test_a_new_account_is_invoiced_in_its_countrys_currency(head, country, currency):
    account = account_create(actor=head, name="Client", owner=head, country=country).account
    assert account.currency == currency


def test_bulgaria_invoiced_in_lev_until_2026_and_in_euro_since():
    assert currency_for_country("BG", date(2025, 12, 31)) == "BGN"
    assert currency_for_country("BG", date(2026, 1, 1)) == "EUR"


def test_the_reporting_currency_setting_is_the_default_without_a_country(head, settings):
    settings.KAM_REPORTING_CURRENCY = "NOK"
    assert account_create(actor=head, name="X", owner=head).account.currency == "NOK"


def test_a_chosen_currency_wins_over_the_country_and_is_stored_in_capitals(head):
    account = account_create(
        actor=head, name="Client", owner=head, country="NO", currency="eur"
    ).account
    assert account.currency == "EUR"


def test_a_currency_that_is_no_iso_code_is_refused_on_its_field(head):
    account = AccountFactory(owner=head)
    with pytest.raises(ValidationError) as refused:
        account_update(
            actor=head,
            account_id=account.pk,
            expected_version=account.version,
            changes={"currency": "KRONER"},
        )
    assert "currency" in refused.value.message_dict


def test_changing_the_currency_is_audited(head):
    account = AccountFactory(owner=head, currency="EUR")
    account_update(
        actor=head,
        account_id=account.pk,
        expected_version=account.version,
        changes={"currency": "NOK"},
    )
    entry = AuditEntry.objects.filter(target_id=account.pk, action="update").latest("at")
    assert entry.changes["currency"]["old"] == "EUR"
    assert entry.changes["currency"]["new"] == "NOK"


def test_the_form_offers_currencies_and_leaves_the_choice_to_the_country_by_default(
    head, client_for
):
    client = client_for(head)
    form = text(client.get(reverse("accounts:create")))
    assert 'name="currency"' in form
    assert "NOK · Norwegian krone" in form
    response = submit(
        client,
        reverse("accounts:create"),
        {"name": "Budapest Foods", "country": "HU", "tier": "other", "owner": head.pk},
    )
    assert response.status_code == 302
    assert Account.objects.get(name="Budapest Foods").currency == "HUF"


def test_the_edit_form_keeps_and_changes_the_currency(head, client_for):
    account = AccountFactory(owner=head, country="SE", currency="SEK", name="Malmö Bygg")
    client = client_for(head)
    page = text(client.get(reverse("accounts:edit", args=[account.pk])))
    assert '<option value="SEK" selected>' in page
    submit(
        client,
        reverse("accounts:edit", args=[account.pk]),
        {
            "name": account.name,
            "country": "SE",
            "currency": "EUR",
            "tier": account.tier,
            "owner": head.pk,
            "version": account.version,
        },
    )
    account.refresh_from_db()
    assert account.currency == "EUR"
    assert "EUR" in text(client.get(reverse("accounts:detail", args=[account.pk])))


def test_the_account_list_filters_by_currency(kam, client_for):
    AccountFactory(owner=kam, name="Oslo Fisk", currency="NOK")
    AccountFactory(owner=kam, name="Sofia Trade", country="BG", currency="EUR")
    response = client_for(kam).get(reverse("accounts:list") + "?currency=NOK")
    names = [account.name for account in response.context["accounts"]]
    assert names == ["Oslo Fisk"]
    assert '<option value="EUR">EUR</option>' in text(response)


def test_the_api_reads_sets_and_filters_the_currency(kam, api_for):
    client = api_for(kam)
    created = client.post(
        "/api/v1/accounts",
        {"name": "Kazan Steel", "country": "RU"},
        content_type="application/json",
    ).json()
    assert created["currency"] == "RUB"
    changed = client.patch(
        f"/api/v1/accounts/{created['id']}",
        {"version": created["version"], "currency": "EUR"},
        content_type="application/json",
    ).json()
    assert changed["currency"] == "EUR"
    assert client.get("/api/v1/accounts?currency=eur").json()["total"] == 1
    assert client.get("/api/v1/accounts?currency=RUB").json()["total"] == 0
    refused = client.patch(
        f"/api/v1/accounts/{created['id']}",
        {"version": changed["version"], "currency": "E1"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "currency"
