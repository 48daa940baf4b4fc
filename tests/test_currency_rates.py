"""Exchange rates: entered by hand, imported from CSV (all rows or none), read and converted
on pages, over the API and on the command line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from openkam.core.errors import ForbiddenError
from openkam.core.models import AuditEntry
from openkam.currency.models import ExchangeRate
from openkam.currency.services import exchange_rate_set, exchange_rates_import
from tests.pages import submit, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Requests may leave another user's language active in this thread.
    translation.activate("en")
    yield
    translation.activate("en")


RATES = reverse("currency:rates")
IMPORT = reverse("currency:rate_import")
API = "/api/v1/currency"


def _rate(base="EUR", quote="NOK", day=date(2026, 1, 1), rate="11.50", source="ECB"):
    return exchange_rate_set(
        actor=None, base=base, quote=quote, effective_date=day, rate=Decimal(rate), source=source
    )


def _csv(*rows: str, header: str = "date,base,quote,rate,source") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


# --- By hand -------------------------------------------------------------------------------


def test_the_head_enters_a_rate_and_sees_it_in_force_on_the_rates_page(head, client_for):
    client = client_for(head)
    response = submit(
        client,
        reverse("currency:rate_create"),
        {
            "base": "EUR",
            "quote": "NOK",
            "effective_date": "2026-02-01",
            "rate": "11.7425",
            "source": "Norges Bank",
        },
    )
    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.base, rate.quote, rate.rate) == ("EUR", "NOK", Decimal("11.7425"))
    assert rate.created_by == head
    page = text(client.get(RATES))
    assert "EUR/NOK" in page
    assert "11.7425" in page
    assert "Norges Bank" in page
    assert AuditEntry.objects.filter(target_id=rate.pk, action="create").exists()


def test_a_norwegian_head_types_the_rate_with_a_decimal_comma(head, client_for):
    head.language = "nb"
    head.save(update_fields=["language"])
    response = submit(
        client_for(head),
        reverse("currency:rate_create"),
        {"base": "EUR", "quote": "SEK", "effective_date": "2026-02-01", "rate": "11,138"},
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get().rate == Decimal("11.138")


def test_the_same_pair_and_date_again_replaces_the_rate(head):
    _rate(rate="11.50")
    exchange_rate_set(
        actor=head,
        base="eur",
        quote="nok",
        effective_date=date(2026, 1, 1),
        rate=Decimal("11.60"),
        source="ECB",
    )
    assert ExchangeRate.objects.get().rate == Decimal("11.60")


def test_a_rate_for_the_fixed_lev_is_refused_with_the_reason(head, client_for):
    response = submit(
        client_for(head),
        reverse("currency:rate_create"),
        {"base": "EUR", "quote": "BGN", "effective_date": "2026-02-01", "rate": "1.9"},
    )
    assert response.status_code == 200
    assert "1.95583" in text(response)
    assert not ExchangeRate.objects.exists()


def test_a_rate_of_zero_is_refused_on_its_field(head, client_for):
    response = submit(
        client_for(head),
        reverse("currency:rate_create"),
        {"base": "EUR", "quote": "NOK", "effective_date": "2026-02-01", "rate": "0"},
    )
    assert response.status_code == 200
    assert 'id="rate_error"' in text(response) or "rate" in response.context["form"].errors
    assert not ExchangeRate.objects.exists()


def test_the_head_corrects_a_rate_and_deletes_another(head, client_for):
    keep, drop = _rate(), _rate(quote="SEK", rate="11.1")
    client = client_for(head)
    submit(client, reverse("currency:rate_edit", args=[keep.pk]), {"rate": "11.55", "source": "x"})
    keep.refresh_from_db()
    assert (keep.rate, keep.source) == (Decimal("11.55"), "x")
    submit(client, reverse("currency:rate_delete", args=[drop.pk]))
    assert not ExchangeRate.objects.filter(pk=drop.pk).exists()
    assert AuditEntry.objects.filter(target_id=drop.pk, action="delete").exists()


def test_a_kam_reads_the_rates_but_may_not_change_them(kam, client_for):
    rate = _rate()
    client = client_for(kam)
    page = text(client.get(RATES))
    assert "11.5" in page
    assert reverse("currency:rate_create") not in page
    assert reverse("currency:rate_edit", args=[rate.pk]) not in page
    with pytest.raises(ForbiddenError):
        exchange_rate_set(
            actor=kam,
            base="EUR",
            quote="NOK",
            effective_date=date(2026, 3, 1),
            rate=Decimal("12"),
        )


def test_the_rates_page_filters_by_currency_in_either_direction(head, client_for):
    _rate(base="EUR", quote="NOK")
    _rate(base="NOK", quote="SEK", rate="0.95")
    _rate(base="EUR", quote="HUF", rate="390")
    response = client_for(head).get(
        RATES + "?currency=NOK", headers={"HX-Request": "true", "HX-Target": "rate-results"}
    )
    rows = list(response.context["rates"])
    assert {(r.base, r.quote) for r in rows} == {("EUR", "NOK"), ("NOK", "SEK")}


def test_the_rates_page_runs_the_same_number_of_queries_for_5_and_for_60_rates(
    head, client_for, django_assert_num_queries
):
    client = client_for(head)
    for month in range(1, 6):
        _rate(day=date(2025, month, 1))
    client.get(RATES)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(RATES)
    for quote in ("SEK", "HUF", "GBP", "RUB", "USD"):
        for month in range(1, 12):
            _rate(quote=quote, day=date(2025, month, 1), rate="2")
    with django_assert_num_queries(len(few)):
        client.get(RATES)


# --- Converting ----------------------------------------------------------------------------


def test_the_converter_page_says_which_rate_it_used(kam, client_for):
    _rate(rate="11.50", day=date(2026, 1, 1))
    _rate(rate="11.80", day=date(2026, 6, 1))
    response = client_for(kam).get(
        reverse("currency:convert") + "?amount=1180&currency=NOK&on=2026-06-15&target=EUR"
    )
    page = text(response)
    assert "1,180.00\xa0NOK = 100.00\xa0EUR" in page
    assert "since 2026-06-01" in page


def test_the_converter_names_the_currency_and_date_of_a_missing_rate(kam, client_for):
    _rate(day=date(2026, 6, 1))
    page = text(
        client_for(kam).get(
            reverse("currency:convert") + "?amount=5&currency=NOK&on=2026-05-31&target=EUR"
        )
    )
    assert "No exchange rate from NOK to EUR in force on 2026-05-31" in page


# --- CSV import ----------------------------------------------------------------------------


def test_a_dry_run_reports_what_the_file_would_do_and_writes_nothing(head):
    _rate(day=date(2026, 1, 1), rate="11.50")
    result = exchange_rates_import(
        actor=head,
        content=_csv(
            "2026-01-01,EUR,NOK,11.50,ECB",
            "2026-02-01,EUR,NOK,11.62,ECB",
            "2026-02-01,EUR,SEK,11.20,ECB",
        ),
        dry_run=True,
    )
    assert result.ok
    assert (len(result.to_create), len(result.to_update), result.unchanged) == (2, 0, 1)
    assert ExchangeRate.objects.count() == 1


def test_an_import_writes_every_row_and_audits_each_rate(head):
    _rate(day=date(2026, 1, 1), rate="11.50")
    result = exchange_rates_import(
        actor=head,
        content=_csv("2026-01-01,EUR,NOK,11.55,ECB", "2026-02-01,EUR,NOK,11.62,ECB"),
    )
    assert result.written
    assert (len(result.to_create), len(result.to_update)) == (1, 1)
    assert list(ExchangeRate.objects.order_by("effective_date").values_list("rate", flat=True)) == [
        Decimal("11.55"),
        Decimal("11.62"),
    ]
    assert AuditEntry.objects.filter(action="update").count() == 1
    assert AuditEntry.objects.filter(action="create").count() == 2  # the first rate + the new one


def test_one_bad_row_leaves_the_table_untouched_and_every_error_names_its_line_and_column(head):
    result = exchange_rates_import(
        actor=head,
        content=_csv(
            "2026-01-01,EUR,NOK,11.50,ECB",
            "2026-13-01,EUR,SEK,11.2,ECB",
            "2026-02-01,EURO,SEK,11.2,ECB",
            "2026-02-01,EUR,HUF,-3,ECB",
            "2026-02-01,EUR,HUF,abc,ECB",
            "2026-02-01,EUR,EUR,1,ECB",
        ),
    )
    assert not result.written
    assert ExchangeRate.objects.count() == 0
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "date"),
        (4, "base"),
        (5, "rate"),
        (6, "rate"),
        (7, "quote"),
    ]
    assert "2026-13-01" in result.errors[0].message


def test_a_file_that_gives_one_pair_and_day_two_rates_is_refused(head):
    result = exchange_rates_import(
        actor=head,
        content=_csv("2026-01-01,EUR,NOK,11.50,", "2026-01-01,EUR,NOK,11.60,"),
    )
    assert [(e.line, e.column) for e in result.errors] == [(3, "rate")]
    assert "Line 2" in result.errors[0].message


def test_semicolons_decimal_commas_and_day_first_dates_are_read_as_spreadsheets_save_them(head):
    content = "\ufeffDate;Base;Quote;Rate\n31.01.2026;eur;huf;389,64\n".encode()
    result = exchange_rates_import(actor=head, content=content, source="MNB")
    assert result.written
    rate = ExchangeRate.objects.get()
    assert (rate.effective_date, rate.quote, rate.rate, rate.source) == (
        date(2026, 1, 31),
        "HUF",
        Decimal("389.64"),
        "MNB",
    )


def test_a_file_without_the_needed_columns_says_which_are_missing(head):
    result = exchange_rates_import(actor=head, content=b"day,from,to,rate\n2026-01-01,EUR,NOK,1\n")
    assert len(result.errors) == 1
    assert "date, base, quote" in result.errors[0].message


def test_the_import_page_checks_then_imports(head, client_for):
    client = client_for(head)
    content = _csv("2026-01-01,EUR,NOK,11.50,ECB")
    checked = submit(
        client,
        IMPORT,
        {"file": SimpleUploadedFile("r.csv", content), "action": "check"},
        htmx=True,
    )
    assert "The file is valid" in text(checked)
    assert not ExchangeRate.objects.exists()
    imported = submit(
        client,
        IMPORT,
        {"file": SimpleUploadedFile("r.csv", content), "action": "import"},
        htmx=True,
    )
    assert "Imported." in text(imported)
    assert ExchangeRate.objects.count() == 1


def test_the_import_page_lists_row_errors(head, client_for):
    response = submit(
        client_for(head),
        IMPORT,
        {"file": SimpleUploadedFile("r.csv", _csv("2026-01-01,EUR,NOK,x,")), "action": "import"},
    )
    page = text(response)
    assert "nothing was saved" in page
    assert "“x” is not a number." in page
    assert not ExchangeRate.objects.exists()


def test_kam_rates_import_imports_a_file_and_reports_errors_without_writing(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(_csv("2026-01-01,EUR,NOK,11.50,ECB", "2026-01-01,EUR,SEK,11.1,ECB"))
    out = StringIO()
    call_command("rates", "import", str(good), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not ExchangeRate.objects.exists()
    call_command("rates", "import", str(good), stdout=out)
    assert ExchangeRate.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("2026-02-01,EUR,NOK,11.50,ECB", "2026-02-01,EUR,SEK,,ECB"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 error; nothing was imported"):
        call_command("rates", "import", str(bad), stdout=out, stderr=err)
    assert "line 3 [rate]" in err.getvalue()
    assert ExchangeRate.objects.count() == 2
    current = StringIO()
    call_command("rates", "current", "--on", "2026-03-01", stdout=current)
    assert "EUR/NOK  11.5" in current.getvalue()


# --- API -----------------------------------------------------------------------------------


def test_the_api_lists_reads_and_filters_rates(kam, api_for):
    first = _rate(day=date(2026, 1, 1))
    _rate(quote="SEK", rate="11.1")
    client = api_for(kam)
    listed = client.get(f"{API}/rates?currency=SEK").json()
    assert listed["total"] == 1
    assert listed["items"][0]["quote"] == "SEK"
    one = client.get(f"{API}/rates/{first.pk}").json()
    assert (one["base"], one["quote"], Decimal(one["rate"])) == ("EUR", "NOK", Decimal("11.5"))
    current = client.get(f"{API}/rates/current?on=2026-01-15").json()
    assert {(r["base"], r["quote"]) for r in current} == {("EUR", "NOK"), ("EUR", "SEK")}


def test_the_api_sets_and_deletes_a_rate_for_the_head_only(head, kam, api_for):
    body = {"base": "EUR", "quote": "NOK", "effective_date": "2026-03-01", "rate": "11.9"}
    assert (
        api_for(kam).post(f"{API}/rates", body, content_type="application/json").status_code == 403
    )
    created = api_for(head).post(f"{API}/rates", body, content_type="application/json")
    assert created.status_code == 201
    rate_id = created.json()["id"]
    assert api_for(head).delete(f"{API}/rates/{rate_id}").status_code == 204
    assert api_for(head).get(f"{API}/rates/{rate_id}").status_code == 404


def test_the_api_import_answers_422_with_each_row_error_and_saves_nothing(head, api_for):
    content = _csv("2026-01-01,EUR,NOK,11.5,", "2026-01-01,EUR,XX,1,")
    response = api_for(head).post(
        f"{API}/rates/import", {"file": SimpleUploadedFile("r.csv", content)}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "quote",
            "line": 3,
            "reason": "“XX” is not a three-letter ISO 4217 currency code.",
        }
    ]
    assert not ExchangeRate.objects.exists()


def test_the_api_import_dry_run_reports_per_pair(head, api_for):
    content = _csv("2026-01-01,EUR,NOK,11.5,", "2026-02-01,EUR,NOK,11.6,")
    response = api_for(head).post(
        f"{API}/rates/import?dry_run=true", {"file": SimpleUploadedFile("r.csv", content)}
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["dry_run"], report["written"], report["created"]) == (True, False, 2)
    assert report["pairs"] == [
        {
            "base": "EUR",
            "quote": "NOK",
            "rows": 2,
            "first_date": "2026-01-01",
            "last_date": "2026-02-01",
        }
    ]
    assert not ExchangeRate.objects.exists()


def test_the_api_converts_and_says_which_rate_it_used(kam, api_for):
    _rate(rate="11.50", day=date(2026, 1, 1))
    _rate(rate="11.80", day=date(2026, 6, 1))
    answer = api_for(kam).get(f"{API}/convert?amount=1150&currency=NOK&on=2026-05-31&to=EUR")
    assert answer.status_code == 200
    body = answer.json()
    assert Decimal(body["converted"]).quantize(Decimal("0.01")) == Decimal("100.00")
    assert body["effective_date"] == "2026-01-01"
    assert body["source"] == "ECB"
    missing = api_for(kam).get(f"{API}/convert?amount=1&currency=HUF&on=2026-05-31&to=EUR")
    assert missing.status_code == 422
    assert "HUF" in missing.json()["detail"]
    assert "2026-05-31" in missing.json()["detail"]


def test_api_messages_follow_the_language_of_the_token_owner(kam, api_for):
    kam.language = "ru"
    kam.save(update_fields=["language"])
    missing = api_for(kam).get(f"{API}/convert?amount=1&currency=HUF&on=2026-05-31&to=EUR")
    assert missing.json()["detail"].startswith("Нет курса из HUF в EUR")
