"""`kam import orders FILE` and `kam revenue`: mapping printed, open points named with the
option that settles them, a summary, and exit codes that scripts can rely on."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openkam.accounts.models import Account
from openkam.imports.models import ImportBatch, ImportStatus, MappingProfile
from openkam.revenue.models import Customer, DailyRevenue, RevenueLine
from tests.factories_revenue import assert_rollup_matches_lines, write_export

pytestmark = pytest.mark.django_db

ORDERS = (
    "Invoice,InvoiceDate,Customer ID,StockCode,Description,Quantity,Price,Country\n"
    "1001,2026-01-15 09:30:00,13085,85048,GLASS BALL,12,6.95,United Kingdom\n"
    "1001,2026-01-15 09:30:00,13085,79323P,PINK LIGHTS,12,6.75,United Kingdom\n"
    "C1002,2026-01-16 10:00:00,13085,85048,GLASS BALL,-1,6.95,United Kingdom\n"
    "1003,2026-01-16 11:00:00,,22041,FRAME,48,2.10,Norway\n"
    "1004,2026-01-17 12:00:00,14000,22041,FRAME,1,2.10,Norway\n"
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    # Amounts are joined to their currency code by a no-break space.
    return out.getvalue().replace("\xa0", " "), err.getvalue()


def fails(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", *args, stdout=io.StringIO(), stderr=err)
    return failure.value.returncode, err.getvalue() + str(failure.value)


def test_a_recognised_file_is_imported_and_the_mapping_and_summary_printed(tmp_path):
    path = write_export(tmp_path, ORDERS)
    out, _err = run("orders", str(path), "--currency", "GBP")
    assert "Customer ID  ->  customer id" in out
    assert "InvoiceDate  ->  date" in out
    assert "Imported 5 lines." in out
    assert "Net revenue in the file" in out
    assert "260.35 GBP" in out
    assert "No customer id" in out
    assert "100.80 GBP" in out
    assert RevenueLine.objects.count() == 5
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.SUCCEEDED
    assert batch.rows_imported == 5
    assert_rollup_matches_lines()


def test_a_second_run_adds_nothing(tmp_path):
    path = write_export(tmp_path, ORDERS)
    run("orders", str(path))
    out, _err = run("orders", str(path))
    assert "0 new, 4 imported again (replaced)" in out
    assert RevenueLine.objects.count() == 5


def test_dry_run_writes_nothing_not_even_a_batch(tmp_path):
    out, _err = run("orders", str(write_export(tmp_path, ORDERS)), "--dry-run")
    assert "Dry run: 5 lines would be imported" in out
    assert RevenueLine.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert Customer.objects.count() == 0


def test_an_incomplete_mapping_stops_with_exit_2_naming_the_option(tmp_path):
    path = write_export(tmp_path, "Nr,When,Who,Total (NOK)\n1,2026-01-15,C-1,10\n")
    code, err = fails("orders", str(path))
    assert code == 2
    assert "--map 'COLUMN=date'" in err
    assert "Nothing" in err or "not complete" in err
    assert RevenueLine.objects.count() == 0
    out, _err = run(
        "orders",
        str(path),
        "--map",
        "Nr=document",
        "--map",
        "When=date",
        "--map",
        "Who=customer",
        "--map",
        "Total (NOK)=amount",
        "--currency",
        "NOK",
    )
    assert "Imported 1 line." in out


def test_ambiguous_dates_stop_and_name_both_formats(tmp_path):
    path = write_export(tmp_path, "Invoice,Date,Customer,Amount\n1,03/04/2026,C-1,10\n")
    code, err = fails("orders", str(path))
    assert code == 2
    assert "--date-format '%d/%m/%Y' or --date-format '%m/%d/%Y'" in err
    run("orders", str(path), "--date-format", "%d/%m/%Y")
    assert str(RevenueLine.objects.get().date) == "2026-04-03"


def test_row_errors_exit_1_with_a_report_naming_each_row_and_nothing_written(tmp_path):
    bad = ORDERS + "1005,2026-01-18 09:00:00,13085,X,Y,1,abc,UK\n1006,yesterday,13085,X,Y,1,1,UK\n"
    report = tmp_path / "errors.csv"
    code, err = fails("orders", str(write_export(tmp_path, bad)), "--errors", str(report))
    assert code == 1
    assert "row 7, column Price: 'abc' is not a number" in err
    assert "row 8, column InvoiceDate: 'yesterday'" in err
    assert "--accept-skipping-errors" in err
    assert RevenueLine.objects.count() == 0
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["row", "column", "value", "reason"]
    assert [r[0] for r in rows[1:]] == ["7", "8"]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    assert batch.error_count == 2


def test_accepting_to_skip_imports_the_good_rows(tmp_path):
    bad = ORDERS + "1005,2026-01-18 09:00:00,13085,X,Y,1,abc,UK\n"
    out, _err = run("orders", str(write_export(tmp_path, bad)), "--accept-skipping-errors")
    assert "Imported 5 lines." in out
    assert "Rows skipped (errors)             1" in out


def test_a_wrong_delimiter_is_refused(tmp_path):
    code, err = fails("orders", str(write_export(tmp_path, ORDERS)), "--delimiter", ";")
    assert code == 2
    assert "No column is mapped to the customer id" in err


def test_a_mapping_is_saved_and_reused_by_name(tmp_path):
    path = write_export(tmp_path, "Nr;Dato;Kunde;Sum\n1;15.01.2026;C-1;1 234,50\n")
    run(
        "orders",
        str(path),
        "--map",
        "Sum=amount",
        "--save-mapping",
        "Visma",
        "--dry-run",
        "--currency",
        "NOK",
    )
    assert MappingProfile.objects.get(name="Visma").columns["Sum"] == "amount"
    out, _err = run("orders", str(path), "--mapping", "Visma")
    assert "Imported 1 line." in out
    assert RevenueLine.objects.get().amount == Decimal("1234.5000")
    assert RevenueLine.objects.get().currency == "NOK"


def test_an_unknown_saved_mapping_is_named(tmp_path):
    code, err = fails("orders", str(write_export(tmp_path, ORDERS)), "--mapping", "Nope")
    assert code == 2
    assert "Nope" in err


def test_a_missing_file_exits_1(tmp_path):
    code, err = fails("orders", str(tmp_path / "absent.csv"))
    assert code == 1
    assert "There is no file" in err


def test_without_a_terminal_the_command_never_prompts(tmp_path):
    path = write_export(tmp_path, "Invoice,Date,Customer,Amount\n1,03/04/2026,C-1,10\n")
    env = {**os.environ, "KAM_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    kam = Path(sys.executable).parent / "kam"
    done = subprocess.run(
        [str(kam), "import", "orders", str(path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--date-format" in done.stderr


def test_revenue_link_creates_accounts_for_unmatched_ids_above_a_minimum(tmp_path, head):
    run("orders", str(write_export(tmp_path, ORDERS)), "--currency", "GBP")
    out = io.StringIO()
    call_command("revenue", "link", "--create-missing", "--min-revenue", "100", stdout=out)
    assert "1 account created and linked." in out.getvalue()
    account = Account.objects.get()
    assert account.name == "Customer 13085"
    assert account.country == "GB"
    assert account.currency == "GBP"
    assert Customer.objects.get(code="13085").account == account
    assert Customer.objects.get(code="14000").account is None


def test_revenue_link_links_named_ids_to_an_account(tmp_path, head):
    run("orders", str(write_export(tmp_path, ORDERS)))
    from tests.factories import AccountFactory

    account = AccountFactory(owner=head)
    call_command(
        "revenue", "link", "13085", "14000", "--account", str(account.pk), stdout=io.StringIO()
    )
    assert set(account.erp_customers.values_list("code", flat=True)) == {"13085", "14000"}
    with pytest.raises(CommandError, match="Unknown customer ids"):
        call_command("revenue", "link", "999", "--account", str(account.pk))


def test_revenue_rebuild_recomputes_the_rollup_from_the_lines(tmp_path):
    run("orders", str(write_export(tmp_path, ORDERS)))
    expected = set(DailyRevenue.objects.values_list("customer_key", "date", "lines", "documents"))
    DailyRevenue.objects.all().delete()
    out = io.StringIO()
    call_command("revenue", "rebuild", stdout=out)
    assert "Rollups rebuilt: 4 rows." in out.getvalue()
    assert (
        set(DailyRevenue.objects.values_list("customer_key", "date", "lines", "documents"))
        == expected
    )
