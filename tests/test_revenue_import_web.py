"""The import pages and API as the head uses them: upload, confirm the mapping, dry run,
import in the background (immediate task backend here), report and error CSV; the
customer-id page that links ERP ids to accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.accounts.models import Account
from openkam.imports.models import ImportBatch, ImportStatus
from openkam.imports.progress import ProgressWriter
from openkam.revenue.models import Customer, RevenueLine
from tests.factories import AccountFactory
from tests.factories_revenue import assert_rollup_matches_lines
from tests.pages import submit, text

CSV = (
    "Fakturanr;Fakturadato;Kundenr;Kundenavn;Antall;Enhetspris\n"
    "F-1;15.01.2026;K-1;Havbris AS;2;1 000,50\n"
    "F-1;15.01.2026;K-1;Havbris AS;1;99,00\n"
    "F-2;16.01.2026;K-2;Fjellvind AS;3;10,00\n"
)
BAD = CSV + "F-3;32.01.2026;K-3;Nord AS;1;5,00\nF-4;17.01.2026;K-3;Nord AS;x;5,00\n"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _upload(client, content: str, name: str = "visma.csv"):
    token_page = client.get(reverse("imports:upload", args=["orders"]))
    assert token_page.status_code == 200
    return submit(
        client,
        reverse("imports:upload", args=["orders"]),
        {"file": SimpleUploadedFile(name, content.encode("utf-8"))},
    )


def _mapping_data(**extra: str) -> dict[str, str]:
    return {
        "column_0": "document",
        "column_1": "date",
        "column_2": "customer",
        "column_3": "customer_name",
        "column_4": "quantity",
        "column_5": "unit_price",
        "option_currency": "NOK",
        "option_source": "visma",
        **extra,
    }


def test_the_head_imports_a_file_through_the_pages(
    head, client_for, django_capture_on_commit_callbacks
):
    client = client_for(head)
    response = _upload(client, CSV)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    page = text(client.get(response["Location"]))
    assert "Confirm how the columns are read" in page
    assert "Havbris AS" in page  # sample rows next to the columns
    assert 'value="customer" selected' in page  # Kundenr recognised
    response = submit(
        client, reverse("imports:mapping", args=[batch.pk]), _mapping_data(save_as="Visma")
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping["confirmed"]
    assert batch.source == "visma"

    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:check", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED
    assert batch.dry_run
    assert batch.rows_imported == 3
    assert RevenueLine.objects.count() == 0
    page = text(client.get(reverse("imports:detail", args=[batch.pk])))
    assert "Dry run report" in page
    assert "Every row can be imported" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, reverse("imports:start", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.SUCCEEDED
    assert RevenueLine.objects.count() == 3
    assert RevenueLine.objects.filter(source="visma", currency="NOK").count() == 3
    assert Customer.objects.get(code="K-1").name == "Havbris AS"
    page = text(client.get(reverse("imports:detail", args=[batch.pk])))
    assert "3 lines imported." in page
    assert "2,130.00 NOK" in page or "2 130,00" in page or "2,130.00" in page
    assert_rollup_matches_lines()
    history = text(client.get(reverse("imports:list")))
    assert "visma.csv" in history
    assert "Imported" in history


def test_a_saved_mapping_is_offered_and_applied_at_upload(head, client_for):
    client = client_for(head)
    _upload(client, CSV, name="first.csv")
    first = ImportBatch.objects.get()
    submit(client, reverse("imports:mapping", args=[first.pk]), _mapping_data(save_as="Visma"))
    page = text(client.get(reverse("imports:upload", args=["orders"])))
    assert '<option value="Visma">Visma</option>' in page
    response = submit(
        client,
        reverse("imports:upload", args=["orders"]),
        {"file": SimpleUploadedFile("second.csv", CSV.encode()), "profile": "Visma"},
    )
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    assert response["Location"] == reverse("imports:detail", args=[second.pk])
    assert second.mapping["confirmed"]
    assert second.mapping["options"]["currency"] == "NOK"


def test_rows_with_errors_stop_the_import_until_the_user_accepts_skipping_them(
    head, client_for, django_capture_on_commit_callbacks
):
    client = client_for(head)
    _upload(client, BAD)
    batch = ImportBatch.objects.get()
    submit(client, reverse("imports:mapping", args=[batch.pk]), _mapping_data())
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:check", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.error_count == 2
    page = text(client.get(reverse("imports:detail", args=[batch.pk])))
    assert "The check found 2 rows with errors." in page
    assert "32.01.2026" in page
    assert "Fakturadato" in page
    csv = client.get(reverse("imports:errors_csv", args=[batch.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode()
    assert body.splitlines()[0] == "row,column,value,reason"
    assert "5,Fakturadato,32.01.2026," in body
    assert "6,Antall,x," in body
    # Without consent: refused, nothing written.
    response = submit(client, reverse("imports:start", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED
    assert RevenueLine.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:start", args=[batch.pk]), {"accept_skipping_errors": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.SUCCEEDED
    assert batch.rows_skipped == 2
    assert RevenueLine.objects.count() == 3


def test_an_incomplete_mapping_is_shown_again_with_what_is_missing(head, client_for):
    client = client_for(head)
    _upload(client, CSV)
    batch = ImportBatch.objects.get()
    data = _mapping_data(column_1="")
    response = submit(client, reverse("imports:mapping", args=[batch.pk]), data)
    assert response.status_code == 422
    assert "No column is mapped to the date." in text(response)
    batch.refresh_from_db()
    assert not batch.mapping.get("confirmed")


def test_an_unreadable_upload_is_refused_on_the_form(head, client_for):
    client = client_for(head)
    response = submit(
        client,
        reverse("imports:upload", args=["orders"]),
        {"file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)},
    )
    assert response.status_code == 200
    assert "old Excel .xls file" in text(response)
    assert ImportBatch.objects.count() == 0


def test_a_file_over_the_import_size_limit_is_refused_on_the_form_and_the_api(
    head, client_for, api_for, settings
):
    settings.KAM_IMPORT_MAX_MB = 1
    big = "Nr,Dag,Kunde,Total\n" + "1,2026-01-15,C-1,5\n" * 60_000  # about 1.2 MB
    response = _upload(client_for(head), big, name="big.csv")
    assert response.status_code == 200
    assert "big.csv is 1.1 MB; an import takes files of at most 1 MB." in text(response)
    answer = api_for(head).post(
        "/api/v1/imports", {"file": SimpleUploadedFile("big.csv", big.encode("utf-8"))}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "file"
    assert ImportBatch.objects.count() == 0


def test_the_progress_bar_polls_while_running_and_reloads_when_done(head, client_for):
    client = client_for(head)
    _upload(client, CSV)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    ProgressWriter(batch.pk, phase="import")(12000, 0.4)
    response = client.get(reverse("imports:progress", args=[batch.pk]))
    body = text(response)
    assert 'hx-trigger="every 1s"' in body
    assert '<progress class="import-progress__bar" max="100" value="40">' in body
    assert "12,000 rows read" in body
    assert "HX-Refresh" not in response
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.SUCCEEDED)
    response = client.get(reverse("imports:progress", args=[batch.pk]))
    assert response["HX-Refresh"] == "true"


def test_revenue_imports_and_customer_ids_are_the_heads_only(kam, client_for):
    client = client_for(kam)
    # A KAM may import other kinds of data (people), so the history opens, without revenue.
    assert "Import Revenue" not in text(client.get(reverse("imports:list")))
    assert client.get(reverse("imports:upload", args=["orders"])).status_code == 403
    assert client.get(reverse("revenue:customers")).status_code == 403


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_import_history_runs_a_fixed_number_of_queries(
    head, client_for, django_assert_num_queries
):
    client = client_for(head)
    for n in range(2):
        _upload(client, CSV, name=f"f{n}.csv")
    few = _queries(client, reverse("imports:list"))
    for n in range(6):
        _upload(client, CSV, name=f"g{n}.csv")
    with django_assert_num_queries(few):
        client.get(reverse("imports:list"))


# --- customer ids ----------------------------------------------------------------------------


def _imported(head, client_for, django_capture_on_commit_callbacks):
    client = client_for(head)
    _upload(client, CSV)
    batch = ImportBatch.objects.get()
    submit(client, reverse("imports:mapping", args=[batch.pk]), _mapping_data())
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:start", args=[batch.pk]))
    return client


def test_unmatched_customer_ids_are_listed_with_their_revenue(
    head, client_for, django_capture_on_commit_callbacks
):
    client = _imported(head, client_for, django_capture_on_commit_callbacks)
    page = text(client.get(reverse("revenue:customers")))
    assert "K-1" in page
    assert "Havbris AS" in page
    assert "2,100.00 NOK" in page.replace("\xa0", " ")
    assert "unassigned" in page


def test_the_head_links_selected_ids_to_an_account(
    head, client_for, django_capture_on_commit_callbacks
):
    client = _imported(head, client_for, django_capture_on_commit_callbacks)
    account = AccountFactory(owner=head, name="Havbris Group")
    ids = list(Customer.objects.values_list("pk", flat=True))
    response = submit(
        client,
        reverse("revenue:customers_action"),
        {"customers": ids, "action": "link", "account": account.pk},
    )
    assert response.status_code == 302
    assert set(account.erp_customers.values_list("code", flat=True)) == {"K-1", "K-2"}
    page = text(client.get(reverse("revenue:customers")))
    assert "Every customer id with revenue is linked" in page
    matched = text(client.get(reverse("revenue:customers") + "?status=matched"))
    assert "Havbris Group" in matched


def test_the_head_creates_accounts_for_unmatched_ids_in_bulk(
    head, client_for, django_capture_on_commit_callbacks
):
    client = _imported(head, client_for, django_capture_on_commit_callbacks)
    submit(client, reverse("revenue:customers_create_missing"), {"min_revenue": "1000"})
    account = Account.objects.get()
    assert account.name == "Havbris AS"
    assert account.currency == "NOK"
    assert Customer.objects.get(code="K-1").account == account
    assert Customer.objects.get(code="K-2").account is None


def test_the_customer_id_page_runs_a_fixed_number_of_queries(
    head, client_for, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client = _imported(head, client_for, django_capture_on_commit_callbacks)
    few = _queries(client, reverse("revenue:customers"))
    for n in range(30):
        customer = Customer.objects.create(code=f"X-{n}")
        customer.daily_revenue.create(
            customer_key=customer.pk,
            date="2026-01-01",
            currency="NOK",
            amount=n,
            lines=1,
            documents=1,
        )
    with django_assert_num_queries(few):
        client.get(reverse("revenue:customers"))


# --- API -------------------------------------------------------------------------------------


def test_an_import_is_started_and_followed_over_the_api(
    head, api_for, django_capture_on_commit_callbacks
):
    api = api_for(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports",
            {
                "file": SimpleUploadedFile("orders.csv", CSV.encode()),
                "columns": '{"Antall": "quantity", "Enhetspris": "unit_price"}',
                "currency": "NOK",
            },
        )
    assert response.status_code == 202, response.content
    batch_id = response.json()["id"]
    detail = api.get(f"/api/v1/imports/{batch_id}").json()
    assert detail["status"] == "succeeded"
    assert detail["rows_imported"] == 3
    assert detail["summary"]["net_revenue"] == {"NOK": "2130.00"}
    listing = api.get("/api/v1/imports").json()
    assert listing["total"] == 1
    assert listing["items"][0]["id"] == batch_id


def test_an_uncertain_mapping_answers_422_naming_what_is_open(head, api_for):
    response = api_for(head).post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("orders.csv", b"Nr,Dag,Kunde,Total\n1,2026-01-15,C-1,5\n")},
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert "map" in fields


def test_row_errors_are_read_page_by_page_over_the_api(
    head, api_for, django_capture_on_commit_callbacks
):
    api = api_for(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports",
            {
                "file": SimpleUploadedFile("bad.csv", BAD.encode()),
                "currency": "NOK",
                "dry_run": "true",
            },
        )
    batch_id = response.json()["id"]
    errors = api.get(f"/api/v1/imports/{batch_id}/errors?limit=1&offset=1").json()
    assert errors["total"] == 2
    assert errors["items"] == [
        {"row": 6, "column": "Antall", "value": "x", "reason": "is not a number"}
    ]


def test_customer_ids_are_listed_and_linked_over_the_api(
    head, api_for, client_for, django_capture_on_commit_callbacks
):
    _imported(head, client_for, django_capture_on_commit_callbacks)
    api = api_for(head)
    rows = api.get("/api/v1/revenue/customers").json()
    assert [(r["code"], r["revenue"]) for r in rows["items"]] == [
        ("K-1", "2100.0000"),
        ("K-2", "30.0000"),
    ] or [(r["code"], Decimal(r["revenue"])) for r in rows["items"]] == [
        ("K-1", Decimal("2100")),
        ("K-2", Decimal("30")),
    ]
    account = AccountFactory(owner=head)
    k1 = Customer.objects.get(code="K-1")
    response = api.post(
        "/api/v1/revenue/customers/link",
        {"customer_ids": [k1.pk], "account_id": account.pk},
        content_type="application/json",
    )
    assert response.json() == {"changed": 1}
    response = api.post(
        "/api/v1/revenue/customers/create-accounts", {}, content_type="application/json"
    )
    assert response.status_code == 201
    assert [a["name"] for a in response.json()] == ["Fjellvind AS"]


def test_the_upload_page_says_what_a_mapping_needs_and_what_each_field_accepts(head, client_for):
    page = text(client_for(head).get(reverse("imports:upload", args=["orders"])))
    assert "Needed: the customer id" in page
    # Each field says what it takes, from the parsers themselves: every date order detection
    # tries, the number styles, the length of codes.
    assert "dd.mm.yyyy" in page
    assert "yyyy.mm.dd" in page
    assert "Excel serial day numbers" in page
    assert "1 234,56" in page
    assert "A three-letter currency code such as EUR or NOK" in page
    assert "Negative for returns." in page


def test_choice_fields_of_the_account_import_list_their_choices(head, client_for):
    page = text(client_for(head).get(reverse("imports:upload", args=["accounts"])))
    assert "Needed: the account name." in page
    assert "One of: Key, Growth, Maintain, Other" in page
