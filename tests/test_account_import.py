"""Importing accounts from another CRM or a spreadsheet: real exports (Northwind customers,
Maven's accounts with parent companies), localised files, XLSX, row errors, the dry run, the
all-or-nothing rule, and re-imports that update instead of duplicating."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier
from openkam.accounts.search_index import account_document
from openkam.core.audit import audit_entries_for
from openkam.core.errors import ForbiddenError
from openkam.core.models import AuditAction, AuditEntry
from openkam.imports.engine import run_import
from openkam.imports.models import ImportBatch, ImportStatus
from openkam.revenue.models import Customer
from openkam.search.models import SearchDocument
from openkam.search.selectors import search
from openkam.search.services import search_text
from openkam.users.models import Role
from tests.factories import AccountFactory, UserFactory
from tests.factories_people_import import (
    MAVEN_ACCOUNTS,
    NORTHWIND_CUSTOMERS,
    import_file,
    plan,
    reasons,
    shared_file,
    write_csv,
    write_xlsx,
)
from tests.pages import submit, text

pytestmark = pytest.mark.django_db

MAVEN_COUNTRY = {"office_location": "country"}


def _import(path: Path, actor, **kwargs):
    return import_file(path, "accounts", actor=actor, **kwargs)


# --- real exports ------------------------------------------------------------------------


def test_northwind_customers_become_accounts_with_their_erp_ids(head):
    path = shared_file(NORTHWIND_CUSTOMERS)
    prepared = plan(path, "accounts", actor=head)
    assert prepared.columns == {
        "customer_id": "customer_ids",
        "company_name": "name",
        "country": "country",
    }
    result = _import(path, head)
    assert result.ok, reasons(result)
    assert result.summary["accounts_created"] == 91
    assert result.summary["customer_ids_created"] == 91
    alfki = Account.objects.get(name="Alfreds Futterkiste")
    assert alfki.country == "DE"
    assert alfki.currency == "EUR"  # the country's currency, as a new account gets it
    assert alfki.owner == head
    assert Account.objects.get(name="Around the Horn").country == "GB"  # "UK"
    assert Account.objects.filter(country="US").count() == 13  # "USA"
    assert Customer.objects.get(code="ALFKI").account == alfki
    lead = AccountTeamMember.objects.get(account=alfki)
    assert (lead.user, lead.team_role) == (head, TeamRole.KAM_LEAD)


def test_reimporting_the_same_export_changes_nothing(head):
    path = shared_file(NORTHWIND_CUSTOMERS)
    _import(path, head)
    entries = AuditEntry.objects.count()
    result = _import(path, head)
    assert result.ok
    assert result.summary["accounts_created"] == 0
    assert result.summary["accounts_unchanged"] == 91
    assert Account.objects.count() == 91
    assert Customer.objects.count() == 91
    assert AuditEntry.objects.count() == entries
    assert set(Account.objects.values_list("version", flat=True)) == {1}


def test_maven_accounts_are_refused_whole_for_two_unknown_countries(head):
    path = shared_file(MAVEN_ACCOUNTS)
    result = _import(path, head, columns=MAVEN_COUNTRY)
    assert not result.ok
    assert reasons(result) == [
        (
            5,
            "office_location",
            "Philipines",
            "is not a country OpenKAM knows; did you mean Philippines?",
        ),
        (
            37,
            "office_location",
            "Korea",
            "could be South Korea or North Korea; write the country's full name or ISO code",
        ),
    ]
    assert Account.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_maven_accounts_with_skipping_keep_their_parents_even_named_before_they_come(head):
    path = shared_file(MAVEN_ACCOUNTS)
    result = _import(path, head, columns=MAVEN_COUNTRY, accept_skipping_errors=True)
    assert result.ok
    assert result.rows_imported == 83
    assert result.rows_skipped == 2
    assert result.summary["parents_set"] == 15
    # Cheers (row 11) names Massive Dynamic, which comes further down the file.
    cheers = Account.objects.select_related("parent").get(name="Cheers")
    assert cheers.parent is not None
    assert cheers.parent.name == "Massive Dynamic"
    acme = Account.objects.get(name="Acme Corporation")
    assert set(acme.children.values_list("name", flat=True)) == {
        "Bluth Company",
        "Codehow",
        "Donquadtech",
        "Iselectrics",
    }
    assert acme.industry == "technolgy"  # as the file writes it: industry is free text


# --- what an import writes -----------------------------------------------------------------

NORWEGIAN = (
    "Firmanavn;Org.nr.;Land;Kundeansvarlig;Kundekategori;Nettside;Morselskap;Kundenr\n"
    "Havbris AS;912 345 678;Norge;kam;Nøkkelkunde;www.havbris.no;;K-1, K-2\n"
    "Havbris Sverige AB;556677-8899;Sverige;kam@example.com;growth;;912345678;K-3\n"
    "Fjellvind AS;998877665;NO;;Other;https://fjellvind.no/om;Havbris AS;\n"
)


def test_a_norwegian_semicolon_file_in_windows_1252_is_read_and_linked(head, kam, tmp_path):
    path = write_csv(tmp_path, NORWEGIAN, encoding="cp1252")
    result = _import(path, head)
    assert result.ok, reasons(result)
    havbris = Account.objects.get(name="Havbris AS")
    assert (havbris.country, havbris.tier, havbris.owner) == ("NO", Tier.KEY, kam)
    assert havbris.website == "https://www.havbris.no"
    assert havbris.currency == "NOK"
    sweden = Account.objects.get(name="Havbris Sverige AB")
    # The parent named by its registration number, written without spaces.
    assert (sweden.parent, sweden.owner, sweden.tier, sweden.currency) == (
        havbris,
        kam,
        Tier.GROWTH,
        "SEK",
    )
    assert Account.objects.get(name="Fjellvind AS").parent == havbris
    assert set(havbris.erp_customers.values_list("code", flat=True)) == {"K-1", "K-2"}
    assert AccountTeamMember.objects.filter(account=havbris, user=kam).exists()


def test_every_created_account_is_audited_and_searchable(head, kam, tmp_path):
    _import(write_csv(tmp_path, NORWEGIAN), head)
    havbris = Account.objects.get(name="Havbris AS")
    (entry,) = audit_entries_for(havbris).filter(target_id=havbris.pk, target_type__model="account")
    assert entry.action == AuditAction.CREATE
    assert entry.actor == head
    assert entry.version == 1
    assert entry.changes["name"]["new"] == "Havbris AS"
    assert entry.changes["tier"]["new"] == "Key"
    assert entry.changes["country"]["new"] == "Norway"
    assert entry.changes["customer_ids"]["new"] == "K-1, K-2"
    document = SearchDocument.objects.get(kind="account", object_id=havbris.pk)
    expected = account_document(havbris)
    # Stored as the one-by-one path stores it, with the parts of compound words
    # (www.havbris.no) that PostgreSQL's parser would otherwise keep as one token.
    assert (document.title, document.body, document.url) == (
        *search_text(expected.title, expected.body),
        expected.url,
    )
    assert "www" in document.body.split()


def test_the_search_finds_imported_accounts_at_once_and_a_renamed_one_by_its_new_name(
    head, kam, tmp_path
):
    # The import writes documents set-based (SQLite: one statement per slice, which the
    # full-text triggers index like any other insert or update).
    _import(write_csv(tmp_path, NORWEGIAN), head)
    found = search(user=head, query="Fjellvind")
    assert [hit.title for hit in found.items] == ["Fjellvind AS"]
    assert [hit.title for hit in search(user=kam, query="Havbris Sverige").items] == [
        "Havbris Sverige AB"
    ]
    renamed = NORWEGIAN.replace("Fjellvind AS;998877665", "Fjellvind Holding AS;998877665")
    assert _import(write_csv(tmp_path, renamed, name="renamed.csv"), head).ok
    assert [hit.title for hit in search(user=head, query="Holding").items] == [
        "Fjellvind Holding AS"
    ]
    assert SearchDocument.objects.filter(kind="account").count() == 3


def test_a_reimport_updates_changed_accounts_bumps_their_version_and_audits_it(
    head, kam, other_kam, tmp_path
):
    _import(write_csv(tmp_path, NORWEGIAN), head)
    havbris = Account.objects.get(name="Havbris AS")
    changed = (
        "Firmanavn;Org.nr.;Land;Kundeansvarlig;Kundekategori;Bransje\n"
        "Havbris Holding AS;912345678;Norge;kam_other;;Fiskeri\n"  # renamed, matched by number
        "Fjellvind AS;;;;;\n"  # matched by name, nothing to change
    )
    result = _import(write_csv(tmp_path, changed, name="again.csv"), head)
    assert result.ok, reasons(result)
    assert result.summary["accounts_updated"] == 1
    assert result.summary["accounts_unchanged"] == 1
    assert result.summary["owners_changed"] == 1
    havbris.refresh_from_db()
    assert (havbris.name, havbris.industry, havbris.owner, havbris.tier, havbris.version) == (
        "Havbris Holding AS",
        "Fiskeri",
        other_kam,
        Tier.KEY,
        2,
    )
    assert havbris.website == "https://www.havbris.no"  # an empty cell keeps the value
    update = audit_entries_for(havbris).filter(
        action=AuditAction.UPDATE, target_id=havbris.pk, target_type__model="account"
    )
    assert update.get().changes["name"] == {
        "label": "name",
        "old": "Havbris AS",
        "new": "Havbris Holding AS",
    }
    # The new owner leads the team; the previous one left it.
    lead = AccountTeamMember.objects.get(account=havbris, team_role=TeamRole.KAM_LEAD)
    assert lead.user == other_kam
    assert not AccountTeamMember.objects.filter(account=havbris, user=kam).exists()
    assert Account.objects.get(name="Fjellvind AS").version == 1


def test_an_xlsx_workbook_with_numeric_registration_numbers_imports(head, tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["Company name", "Registration number", "Country", "Tier", "Customer IDs"],
            ["Balaton Trade Kft.", 1234567890, "Magyarország", "Kulcsügyfél", 10023],
            ["Vitosha OOD", 204567123, "България", "maintain", "V-1;V-2"],
            [None, None, None, None, None],
            ["Volga LLC", "7701234567", "Россия", "", ""],
        ],
    )
    result = _import(path, head)
    assert result.ok, reasons(result)
    assert result.blank_rows == 1
    balaton = Account.objects.get(name="Balaton Trade Kft.")
    assert (balaton.registration_number, balaton.country, balaton.tier, balaton.currency) == (
        "1234567890",
        "HU",
        Tier.KEY,
        "HUF",
    )
    assert Customer.objects.get(code="10023").account == balaton
    vitosha = Account.objects.get(name="Vitosha OOD")
    assert (vitosha.country, vitosha.tier) == ("BG", Tier.MAINTAIN)
    assert Account.objects.get(name="Volga LLC").country == "RU"


def test_a_dry_run_counts_everything_and_writes_nothing(head, kam, tmp_path):
    result = _import(write_csv(tmp_path, NORWEGIAN), head, dry_run=True)
    assert result.ok
    assert result.dry_run
    assert result.summary["accounts_created"] == 3
    assert result.summary["parents_set"] == 2
    assert result.summary["customer_ids_created"] == 3
    assert Account.objects.count() == 0
    assert Customer.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert SearchDocument.objects.count() == 0


# --- row errors ----------------------------------------------------------------------------


def test_a_nul_character_in_a_name_is_a_row_error_and_the_other_rows_wait(head, kam, tmp_path):
    text = "Name,Country,Owner\nGood AS,NO,kam\nBro\x00ken AS,NO,kam\n"
    result = _import(write_csv(tmp_path, text), head)
    assert not result.ok
    assert [(row, column, value) for row, column, value, _reason in reasons(result)] == [
        (3, "Name", "Bro\u2400ken AS")
    ]
    assert Account.objects.count() == 0
    skipped = _import(write_csv(tmp_path, text), head, accept_skipping_errors=True)
    assert skipped.ok
    assert list(Account.objects.values_list("name", flat=True)) == ["Good AS"]


def test_each_bad_value_is_reported_with_row_column_value_and_reason(head, kam, tmp_path):
    AccountFactory(name="Taken AS", country="NO", registration_number="111222333", owner=kam)
    AccountFactory(name="Twin AS", country="SE", owner=kam)
    AccountFactory(name="Twin AS", country="DK", owner=kam)
    text = (
        "Name,Registration number,Country,Owner,Tier,Website,Parent,Customer ID\n"
        "Good AS,900000001,NO,kam,key,,,\n"
        ",900000002,NO,,,,,\n"
        "Bad owner AS,,NO,nobody,,,,\n"
        "Bad tier AS,,NO,,Platinum,,,\n"
        "Bad web AS,,NO,,,not a web address,,\n"
        "Orphan AS,,NO,,,,Nowhere Group,\n"
        "Good AS,,NO,,,,,\n"
        "Twin AS,,,,,,,\n"
        "Specialist owned AS,,NO,spec,,,,\n"
    )
    UserFactory(username="spec", role=Role.SPECIALIST, first_name="Siri", last_name="Spec")
    result = _import(write_csv(tmp_path, text), head)
    assert not result.ok
    errors = {row: (column, value, reason) for row, column, value, reason in reasons(result)}
    assert errors == {
        3: ("Name", "", "the account name is missing (it is needed for a new account)"),
        4: ("Owner", "nobody", "is no active user's login or e-mail address"),
        5: ("Tier", "Platinum", "is not one of: Key, Growth, Maintain, Other"),
        6: ("Website", "not a web address", "is not a web address"),
        7: ("Parent", "Nowhere Group", "is no account in OpenKAM or in this file"),
        8: ("Name", "Good AS", "is the same account as row 2"),
        9: (
            "Name",
            "Twin AS",
            "is the name of 2 accounts; add their registration numbers or countries to tell "
            "them apart",
        ),
        10: (
            "Owner",
            "spec",
            "Siri Spec is not a key account manager or the head, who own accounts",
        ),
    }
    assert result.rows_skipped == 8
    assert Account.objects.count() == 3  # nothing written


def test_cycles_in_the_parent_chain_are_row_errors(head, kam, tmp_path):
    top = AccountFactory(name="Top AS", owner=kam)
    AccountFactory(name="Middle AS", owner=kam, parent=top)
    text = (
        "Name,Parent\n"
        "Alpha AS,Beta AS\n"  # Alpha and Beta name each other
        "Beta AS,Alpha AS\n"
        "Top AS,Middle AS\n"  # Middle is below Top already
        "Gamma AS,Gamma AS\n"
    )
    result = _import(write_csv(tmp_path, text), head, accept_skipping_errors=True)
    errors = {row: reason for row, _column, _value, reason in reasons(result)}
    assert errors[4] == "would make a circle in the hierarchy: Top AS → Middle AS → Top AS"
    assert errors[5] == "is the account itself; an account cannot be its own parent"
    assert "circle" in errors[3] or "circle" in errors[2]
    assert set(errors) == {2, 3, 4, 5}
    top.refresh_from_db()
    assert top.parent is None
    assert not Account.objects.filter(name__in=["Alpha AS", "Beta AS", "Gamma AS"]).exists()


def test_a_customer_id_of_another_account_is_refused(head, kam, tmp_path):
    owner = AccountFactory(name="Owner AS", owner=kam)
    Customer.objects.create(code="C-1", name="Owner", account=owner)
    text = "Name,Customer ID\nNew AS,C-1\nOther AS,C-2;C-2\nThird AS,C-2\n"
    result = _import(write_csv(tmp_path, text), head)
    assert reasons(result) == [
        (2, "Customer ID", "C-1", "customer id C-1 belongs to Owner AS; unlink it there first"),
        (4, "Customer ID", "C-2", "customer id C-2 is already given to the account of row 3"),
    ]


def test_with_consent_the_good_rows_are_imported_and_the_bad_ones_reported(head, tmp_path):
    text = "Name,Country\nGood AS,NO\nBad AS,Atlantis\nAlso good AB,SE\n"
    result = _import(write_csv(tmp_path, text), head, accept_skipping_errors=True)
    assert result.ok
    assert (result.rows_imported, result.rows_skipped) == (2, 1)
    assert sorted(Account.objects.values_list("name", flat=True)) == ["Also good AB", "Good AS"]


# --- access ----------------------------------------------------------------------------------


def test_only_the_head_imports_accounts(kam, specialist, tmp_path):
    path = write_csv(tmp_path, "Name,Country\nSneaky AS,NO\n")
    for user in (kam, specialist):
        prepared = plan(path, "accounts", actor=user)
        assert not prepared.target.may_import(user)
        with pytest.raises(ForbiddenError):
            run_import(prepared)
    assert not Account.objects.exists()


# --- command line ---------------------------------------------------------------------------


def test_the_command_imports_accounts_as_the_named_user(head, kam, tmp_path):
    path = write_csv(tmp_path, NORWEGIAN, encoding="cp1252")
    out = io.StringIO()
    call_command(
        "import", "accounts", str(path), "--user", "head", stdout=out, stderr=io.StringIO()
    )
    assert "Firmanavn" in out.getvalue()
    assert "new: 3, changed: 0, unchanged: 0" in out.getvalue()
    # An account list is rows, and has no amounts or dates whose format would matter.
    assert "Imported 3 rows." in out.getvalue()
    assert "decimal" not in out.getvalue()
    assert Account.objects.count() == 3
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.status, batch.created_by) == (
        "accounts",
        ImportStatus.SUCCEEDED,
        head,
    )


def test_the_command_refuses_a_kam(kam, tmp_path):
    path = write_csv(tmp_path, "Name,Country\nSneaky AS,NO\n")
    with pytest.raises(CommandError) as failure:
        call_command("import", "accounts", str(path), "--user", "kam", stdout=io.StringIO())
    assert failure.value.returncode == 2
    assert not Account.objects.exists()


# --- pages -----------------------------------------------------------------------------------


def test_the_head_imports_accounts_through_the_pages(
    head, kam, client_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client = client_for(head)
    listing = text(client.get(reverse("accounts:list")))
    assert "Import accounts" in listing
    upload = reverse("imports:upload", args=["accounts"])
    assert client.get(upload).status_code == 200
    response = submit(
        client, upload, {"file": SimpleUploadedFile("crm.csv", NORWEGIAN.encode("utf-8"))}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    page = text(client.get(response["Location"]))
    assert 'value="name" selected' in page  # Firmanavn recognised
    # Nothing to ask about dates or decimal commas in an account list.
    assert 'name="date_format"' not in page
    assert 'name="decimal_style"' not in page
    data = {
        f"column_{i}": name
        for i, name in enumerate(
            [
                "name",
                "registration_number",
                "country",
                "owner",
                "tier",
                "website",
                "parent",
                "customer_ids",
            ]
        )
    }
    data.update({"option_source": "erp"})
    assert submit(client, reverse("imports:mapping", args=[batch.pk]), data).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:check", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED
    assert not Account.objects.exists()
    page = text(client.get(reverse("imports:detail", args=[batch.pk])))
    assert "new: 3, changed: 0, unchanged: 0" in page
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:start", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.SUCCEEDED
    assert Account.objects.count() == 3
    assert Account.objects.get(name="Havbris AS").owner == kam
    page = text(client.get(reverse("imports:detail", args=[batch.pk])))
    assert "3 rows imported." in page
    assert "lines imported" not in page
    assert "decimal point" not in page


def test_a_kam_sees_no_account_import(kam, client_for):
    client = client_for(kam)
    assert "Import accounts" not in text(client.get(reverse("accounts:list")))
    assert client.get(reverse("imports:upload", args=["accounts"])).status_code == 403


def test_the_command_takes_the_default_owner_as_an_option(head, kam, tmp_path):
    path = write_csv(tmp_path, "Name,Country\nOwned AS,NO\n")
    call_command(
        "import",
        "accounts",
        str(path),
        "--user",
        "head",
        "--option",
        "owner=kam@example.com",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Account.objects.get().owner == kam


def test_the_command_names_the_options_a_kind_has(head, tmp_path):
    path = write_csv(tmp_path, "Name,Country\nOwned AS,NO\n")
    with pytest.raises(CommandError) as failure:
        call_command(
            "import", "accounts", str(path), "--option", "colour=red", stdout=io.StringIO()
        )
    assert failure.value.returncode == 2
    assert "owner, source" in str(failure.value)


# --- API ---------------------------------------------------------------------------------------


def test_the_head_imports_accounts_over_the_api(
    head, kam, api_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    api = api_for(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports",
            {
                "file": SimpleUploadedFile("crm.csv", b"Company name,Country\nApi AS,NO\n"),
                "kind": "accounts",
                "options": '{"owner": "kam"}',
            },
        )
    assert response.status_code == 202, response.content
    detail = api.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert detail["status"] == "succeeded"
    assert detail["summary"]["accounts_created"] == 1
    assert Account.objects.get().owner == kam


def test_the_api_refuses_accounts_imports_from_a_kam_and_unknown_options(head, kam, api_for):
    upload = SimpleUploadedFile("crm.csv", b"Company name,Country\nApi AS,NO\n")
    response = api_for(kam).post("/api/v1/imports", {"file": upload, "kind": "accounts"})
    assert response.status_code == 403
    upload = SimpleUploadedFile("crm.csv", b"Company name,Country\nApi AS,NO\n")
    response = api_for(head).post(
        "/api/v1/imports", {"file": upload, "kind": "accounts", "options": '{"colour": "red"}'}
    )
    assert response.status_code == 422
    assert not Account.objects.exists()
