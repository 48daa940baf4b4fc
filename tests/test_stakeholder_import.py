"""Importing people into decision-making units: the Northwind customers' contacts (after the
same file made the accounts), localised and XLSX files, matching on re-import, row errors,
and who may import into which account."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from openkam.accounts.models import Account
from openkam.core.audit import audit_entries_for
from openkam.core.choices import Level
from openkam.core.errors import ForbiddenError
from openkam.core.models import AuditAction, AuditEntry
from openkam.imports.engine import run_import
from openkam.imports.models import ImportBatch, ImportStatus
from openkam.search.models import SearchDocument
from openkam.stakeholders.importing.values import split_name
from openkam.stakeholders.models import Attitude, BuyingRole, Stakeholder
from openkam.stakeholders.search_index import stakeholder_document
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_people_import import (
    NORTHWIND_CUSTOMERS,
    import_file,
    plan,
    reasons,
    shared_file,
    write_csv,
    write_xlsx,
)
from tests.factories_stakeholders import StakeholderFactory
from tests.pages import submit, text

pytestmark = pytest.mark.django_db


def _import(path: Path, actor, **kwargs):
    return import_file(path, "stakeholders", actor=actor, **kwargs)


# --- the same export gives accounts and their contacts ---------------------------------------


def test_northwind_gives_accounts_then_their_contacts_from_the_same_file(head):
    path = shared_file(NORTHWIND_CUSTOMERS)
    assert import_file(path, "accounts", actor=head).ok
    prepared = plan(path, "stakeholders", actor=head)
    assert prepared.columns["contact_name"] == "full_name"
    assert prepared.columns["contact_title"] == "job_title"
    assert prepared.columns["company_name"] == "account"
    assert prepared.columns["customer_id"] == "customer_id"
    result = _import(path, head)
    assert result.ok, reasons(result)
    assert result.summary["people_created"] == 91
    assert result.summary["accounts"] == 91
    maria = Stakeholder.objects.select_related("account").get(last_name="Anders")
    assert maria.first_name == "Maria"
    assert maria.job_title == "Sales Representative"
    assert maria.account.name == "Alfreds Futterkiste"
    assert maria.address == "Obere Str. 57\n12209 Berlin\nGermany"
    assert maria.phone == "030-0074321"
    assert maria.last_verified_on is None  # imported, not confirmed by anybody
    assert maria.attitude == Attitude.NEUTRAL
    assert maria.influence == 3
    # Audited on the account's history and findable, as stakeholder_create leaves them.
    (entry,) = audit_entries_for(maria.account).filter(
        target_id=maria.pk, target_type__model="stakeholder"
    )
    assert entry.action == AuditAction.CREATE
    assert entry.changes["job_title"]["new"] == "Sales Representative"
    document = SearchDocument.objects.get(kind="stakeholder", object_id=maria.pk)
    expected = stakeholder_document(maria)
    assert (document.title, document.body, document.url, document.account_id) == (
        expected.title,
        expected.body,
        expected.url,
        maria.account_id,
    )


def test_reimporting_matches_people_and_only_changed_ones_are_updated(head, tmp_path):
    account = AccountFactory(name="Havbris AS")
    text = (
        "Company,Name,Title,E-mail\n"
        "Havbris AS,Kari Nordmann,CFO,kari@havbris.no\n"
        "Havbris AS,Ola Nordmann,Buyer,\n"
    )
    assert _import(write_csv(tmp_path, text), head).ok
    kari = Stakeholder.objects.get(email="kari@havbris.no")
    again = (
        "Company,Name,Title,E-mail\n"
        "Havbris AS,Kari Nordmann-Berg,CEO,KARI@havbris.no\n"  # matched by e-mail
        "Havbris AS,Ola Nordmann,,\n"  # matched by name; empty cells keep the title
    )
    result = _import(write_csv(tmp_path, again, name="again.csv"), head)
    assert result.ok, reasons(result)
    assert (result.summary["people_updated"], result.summary["people_unchanged"]) == (1, 1)
    kari.refresh_from_db()
    assert (kari.last_name, kari.job_title, kari.version) == ("Nordmann-Berg", "CEO", 2)
    assert kari.email == "KARI@havbris.no"
    update = audit_entries_for(account).get(
        target_id=kari.pk, target_type__model="stakeholder", action=AuditAction.UPDATE
    )
    assert update.changes["job_title"] == {"label": "job title", "old": "CFO", "new": "CEO"}
    assert update.version == 2
    assert Stakeholder.objects.get(last_name="Nordmann").job_title == "Buyer"
    assert Stakeholder.objects.count() == 2


# --- localised files --------------------------------------------------------------------------


def test_a_russian_semicolon_file_with_dates_and_labels_in_russian(head, tmp_path):
    AccountFactory(name="Волга ООО", registration_number="1027700132195", country="RU")
    text = (
        "ОГРН;ФИО;Должность;Уровень;Роль;Отношение;Влияние;Эл. почта;Дата проверки\n"
        "1027700132195;Иванов Иван Иванович;Генеральный директор;Топ-менеджер;"
        "Лицо, принимающее решение;Сторонник;5;ivanov@volga.ru;15.03.2026\n"
        "1027700132195;Петрова Анна Сергеевна;Закупщик;Специалист;Экономический покупатель;"
        "Скептик;2;;01.02.2026\n"
    )
    result = _import(write_csv(tmp_path, text, encoding="cp1251"), head)
    assert result.ok, reasons(result)
    ivanov = Stakeholder.objects.get(email="ivanov@volga.ru")
    assert (ivanov.last_name, ivanov.first_name) == ("Иванов", "Иван Иванович")
    assert (ivanov.level, ivanov.buying_role, ivanov.attitude, ivanov.influence) == (
        Level.EXECUTIVE,
        BuyingRole.DECISION_MAKER,
        Attitude.SUPPORTER,
        5,
    )
    assert ivanov.last_verified_on == datetime.date(2026, 3, 15)
    petrova = Stakeholder.objects.get(last_name="Петрова")
    assert (petrova.buying_role, petrova.attitude) == (BuyingRole.ECONOMIC_BUYER, Attitude.SCEPTIC)


def test_an_xlsx_address_book_with_real_dates_imports_into_the_chosen_account(head, tmp_path):
    account = AccountFactory(name="Fjord Logistics AS")
    path = write_xlsx(
        tmp_path,
        [
            ["Fornavn", "Etternavn", "Stilling", "Mobil", "Innflytelse", "Sist bekreftet"],
            ["Kari", "Nordmann", "Innkjøpssjef", "+47 900 00 000", 4, datetime.date(2026, 1, 5)],
            ["Per", "Hansen", "Lagersjef", None, None, None],
        ],
    )
    result = _import(path, head, options={"account": str(account.pk)})
    assert result.ok, reasons(result)
    kari = Stakeholder.objects.get(last_name="Nordmann")
    assert kari.account == account
    assert (kari.mobile, kari.influence) == ("+47 900 00 000", 4)
    assert kari.last_verified_on == datetime.date(2026, 1, 5)
    assert Stakeholder.objects.get(last_name="Hansen").influence == 3


def test_names_are_split_as_people_write_them():
    assert split_name("Maria Anders") == ("Maria", "Anders")
    assert split_name("Anders, Maria") == ("Maria", "Anders")
    assert split_name("Jean-Paul de la Fontaine") == ("Jean-Paul de la", "Fontaine")
    assert split_name("Иванов Иван Иванович") == ("Иван Иванович", "Иванов")
    assert split_name("Georgi Ivanov Petrov") == ("Georgi Ivanov", "Petrov")
    assert split_name("Madonna") == ("", "Madonna")


# --- errors, dry run, all or nothing --------------------------------------------------------


def test_bad_rows_are_reported_and_nothing_is_written(head, tmp_path):
    AccountFactory(name="Havbris AS")
    StakeholderFactory(
        account=Account.objects.get(name="Havbris AS"), first_name="Ola", last_name="Twin", email=""
    )
    StakeholderFactory(
        account=Account.objects.get(name="Havbris AS"), first_name="Ola", last_name="Twin", email=""
    )
    text = (
        "Company,Name,E-mail,Influence,Buying role\n"
        "Havbris AS,Good Person,good@havbris.no,4,champion\n"
        "Havbris AS,Bad Mail,not-an-address,,\n"
        "Havbris AS,Too Strong,,7,\n"
        "Havbris AS,Odd Role,,,Emperor\n"
        "Havbris AS,,,,\n"
        "Nowhere AS,Lost Soul,,,\n"
        "Havbris AS,Good Again,GOOD@havbris.no,,\n"
        "Havbris AS,Ola Twin,,,\n"
    )
    result = _import(write_csv(tmp_path, text), head)
    assert not result.ok
    errors = {row: (column, value, reason) for row, column, value, reason in reasons(result)}
    assert errors[3] == ("E-mail", "not-an-address", "is not an e-mail address")
    assert errors[4] == ("Influence", "7", "is not a number from 1 to 5")
    assert errors[5][2].startswith("is not one of: Decision maker, Economic buyer")
    assert errors[6] == ("Name", "", "the person's name is missing")
    assert errors[7] == ("Company", "Nowhere AS", "is no account in OpenKAM")
    assert errors[8] == ("E-mail", "GOOD@havbris.no", "is the same person as row 2")
    assert errors[9][2] == (
        "2 people of Havbris AS have this name; add their e-mail addresses to tell them apart"
    )
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert Stakeholder.objects.count() == 2


def test_a_dry_run_counts_and_writes_nothing(head, tmp_path):
    AccountFactory(name="Havbris AS")
    text = "Company,Name\nHavbris AS,Kari Nordmann\nHavbris AS,Ola Nordmann\n"
    entries = AuditEntry.objects.count()
    result = _import(write_csv(tmp_path, text), head, dry_run=True)
    assert result.ok
    assert result.summary["people_created"] == 2
    assert Stakeholder.objects.count() == 0
    assert AuditEntry.objects.count() == entries
    assert not SearchDocument.objects.filter(kind="stakeholder").exists()


def test_with_consent_good_rows_are_imported_without_the_bad_ones(head, tmp_path):
    AccountFactory(name="Havbris AS")
    text = "Company,Name,E-mail\nHavbris AS,Kari Nordmann,kari@x.no\nHavbris AS,Bad,bad@\n"
    result = _import(write_csv(tmp_path, text), head, accept_skipping_errors=True)
    assert (result.rows_imported, result.rows_skipped) == (1, 1)
    assert list(Stakeholder.objects.values_list("last_name", flat=True)) == ["Nordmann"]


# --- access -----------------------------------------------------------------------------------


def test_a_kam_imports_into_their_accounts_only_and_learns_nothing_of_others(
    kam, other_kam, tmp_path
):
    AccountFactory(name="Mine AS", owner=kam)
    AccountFactory(name="Theirs AS", owner=other_kam)
    text = (
        "Company,Name\n"
        "Mine AS,Kari Nordmann\n"
        "Theirs AS,Ola Nordmann\n"  # exists, but not the KAM's
        "Ghost AS,Per Hansen\n"  # does not exist
    )
    result = _import(write_csv(tmp_path, text), kam, accept_skipping_errors=True)
    errors = {row: reason for row, _column, _value, reason in reasons(result)}
    assert errors == {3: "is no account you may edit", 4: "is no account you may edit"}
    assert list(Stakeholder.objects.values_list("account__name", flat=True)) == ["Mine AS"]


def test_a_kam_may_not_name_another_kams_account_as_the_default(kam, other_kam, tmp_path):
    theirs = AccountFactory(name="Theirs AS", owner=other_kam)
    path = write_csv(tmp_path, "Name,Title\nOla Nordmann,CFO\n")
    prepared = plan(path, "stakeholders", actor=kam, options={"account": str(theirs.pk)})
    result = run_import(prepared)
    assert result.refused
    assert "There is no account" in result.failure
    assert not Stakeholder.objects.exists()


def test_specialists_do_not_import_people(specialist, tmp_path):
    AccountFactory(name="Havbris AS")
    prepared = plan(
        write_csv(tmp_path, "Company,Name\nHavbris AS,Kari\n"), "stakeholders", actor=specialist
    )
    with pytest.raises(ForbiddenError):
        run_import(prepared)


def test_the_command_imports_people_as_a_kam(kam, tmp_path):
    AccountFactory(name="Mine AS", owner=kam)
    path = write_csv(tmp_path, "Company;Contact name;Title\nMine AS;Kari Nordmann;CFO\n")
    out = io.StringIO()
    call_command(
        "import", "stakeholders", str(path), "--user", "kam", stdout=out, stderr=io.StringIO()
    )
    assert "new: 1, changed: 0, unchanged: 0" in out.getvalue()
    assert Stakeholder.objects.get().account.name == "Mine AS"


# --- pages -----------------------------------------------------------------------------------


def test_a_kam_imports_people_from_their_accounts_page(
    kam, client_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    account = AccountFactory(name="Mine AS", owner=kam)
    client = client_for(kam)
    people = text(client.get(reverse("stakeholders:account", args=[account.pk])))
    link = f"{reverse('imports:upload', args=['stakeholders'])}?account=Mine%20AS"
    assert link in people
    content = "Fornavn;Etternavn;Stilling\nKari;Nordmann;Innkjøpssjef\nOla;Hansen;Lagersjef\n"
    response = submit(
        client, link, {"file": SimpleUploadedFile("kontakter.csv", content.encode("utf-8"))}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    assert batch.mapping["options"]["account"] == "Mine AS"
    data = {
        "column_0": "first_name",
        "column_1": "last_name",
        "column_2": "job_title",
        "option_account": "Mine AS",
        "option_source": "erp",
    }
    assert submit(client, reverse("imports:mapping", args=[batch.pk]), data).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:start", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.SUCCEEDED, batch.failure
    assert set(account.stakeholders.values_list("last_name", flat=True)) == {"Nordmann", "Hansen"}
    page = text(client.get(reverse("imports:detail", args=[batch.pk])))
    assert "new: 2, changed: 0, unchanged: 0" in page


def test_a_specialist_sees_no_people_import(specialist, client_for):
    account = AccountFactory(name="Theirs AS")
    TeamMemberFactory(account=account, user=specialist)
    client = client_for(specialist)
    page = text(client.get(reverse("stakeholders:account", args=[account.pk])))
    assert "Import from a spreadsheet" not in page
    assert client.get(reverse("imports:upload", args=["stakeholders"])).status_code == 403


def test_the_command_puts_people_without_an_account_column_into_the_named_one(kam, tmp_path):
    AccountFactory(name="Mine AS", owner=kam)
    path = write_csv(tmp_path, "Name;Title\nKari Nordmann;CFO\n")
    call_command(
        "import",
        "stakeholders",
        str(path),
        "--user",
        "kam",
        "--option",
        "account=Mine AS",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Stakeholder.objects.get().account.name == "Mine AS"


def test_a_kam_imports_people_over_the_api(
    kam, api_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    account = AccountFactory(name="Mine AS", owner=kam)
    api = api_for(kam)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports",
            {
                "file": SimpleUploadedFile("people.csv", b"Name,Title\nKari Nordmann,CFO\n"),
                "kind": "stakeholders",
                "options": f'{{"account": "{account.pk}"}}',
            },
        )
    assert response.status_code == 202, response.content
    assert api.get(f"/api/v1/imports/{response.json()['id']}").json()["status"] == "succeeded"
    assert account.stakeholders.get().job_title == "CFO"


@pytest.fixture
def _language_reset():
    """Pages activate the user's language in the test's thread; later tests expect English."""
    yield
    translation.deactivate()


@pytest.mark.usefixtures("_language_reset")
def test_background_row_errors_are_written_in_the_language_of_the_importer(
    kam, client_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    kam.language = "nb"
    kam.save(update_fields=["language"])
    AccountFactory(name="Mine AS", owner=kam)
    client = client_for(kam)
    link = f"{reverse('imports:upload', args=['stakeholders'])}?account=Mine%20AS"
    content = b"Fornavn;Etternavn;E-post\nKari;Nordmann;kari@\n"
    submit(client, link, {"file": SimpleUploadedFile("kontakter.csv", content)})
    batch = ImportBatch.objects.get()
    data = {
        "column_0": "first_name",
        "column_1": "last_name",
        "column_2": "email",
        "option_account": "Mine AS",
        "option_source": "erp",
    }
    submit(client, reverse("imports:mapping", args=[batch.pk]), data)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, reverse("imports:check", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.errors == [[2, "E-post", "kari@", "er ikke en e-postadresse"]]
