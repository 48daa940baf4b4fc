"""Account import speed: 100,000 accounts from a CRM export, on the configured database.

Writes a realistic CSV of 100,000 companies (a semicolon-separated export with Norwegian,
Swedish, Hungarian, Bulgarian, Russian and English country names and tier labels, owners by
login or e-mail, web addresses without a scheme, 12 % subsidiaries naming their parent by
name or registration number - some before the parent's own row, 30 % with one or two ERP
customer ids), then, on the database of the environment (SQLite in KAM_DATA_DIR by default,
PostgreSQL when DATABASE_URL is set):

1. imports it into an empty account table with the engine `kam import accounts` uses (map,
   read values, match, resolve parents, write accounts, owners on their teams, audit entries,
   search documents and customer-id links): time, rows/s and the peak RSS of the process;
2. imports the same file again: every account is matched and unchanged, nothing is written;
3. a dry run of a file in which every tenth account changed its industry and tier;
4. checks the counts (accounts, team leads, audit entries, search documents, customer ids).

Target: step 1 under 10 s (the DjangoCRM peer imports 230 companies a second). The bench
empties the accounts of the database it runs on: give it its own.

    env -u DATABASE_URL KAM_DATA_DIR=var/bench-accounts .venv/bin/python bench/accounts_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openkam_bench_accounts \
        KAM_DATA_DIR=var/bench-accounts-pg .venv/bin/python bench/accounts_import.py

Options: --rows N (default 100000), --runs N (best of N for step 1, default 1).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openkam.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from openkam.accounts.models import Account, AccountTeamMember  # noqa: E402
from openkam.core.models import AuditEntry  # noqa: E402
from openkam.imports.engine import ImportSettings, plan_import, run_import  # noqa: E402
from openkam.imports.targets import get_target  # noqa: E402
from openkam.revenue.models import Customer  # noqa: E402
from openkam.search.models import SearchDocument  # noqa: E402
from openkam.users.models import Role, User  # noqa: E402

SEED = 11
KAMS = 12
HEADER = [
    "Firmanavn",
    "Juridisk navn",
    "Org.nr.",
    "MVA-nummer",
    "Bransje",
    "Land",
    "Nettside",
    "Morselskap",
    "Kundeansvarlig",
    "Kundekategori",
    "Valuta",
    "Kundenr",
    "Notater",
]
COUNTRIES = [
    "Norge",
    "NO",
    "Sverige",
    "SE",
    "Magyarország",
    "HU",
    "България",
    "BG",
    "Россия",
    "Deutschland",
    "Germany",
    "DK",
    "Finland",
    "United Kingdom",
    "UK",
    "Polska",
    "PL",
]
TIERS = ["Nøkkelkunde", "key", "Growth", "Vekst", "maintain", "Other", "", "", ""]
INDUSTRIES = ["Manufacturing", "Retail", "Logistics", "Energy", "Food", "Pharma", "Construction"]
WORDS = [
    "Nord",
    "Fjord",
    "Aurora",
    "Baltic",
    "Danube",
    "Volga",
    "Polar",
    "Granite",
    "Cedar",
    "Harbor",
    "Summit",
    "Vega",
    "Orion",
    "Atlas",
    "Birch",
    "Falcon",
    "Viking",
    "Tisza",
]
FORMS = ["AS", "AB", "Kft.", "ООД", "ООО", "GmbH", "Ltd", "ASA", "Zrt."]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(path: Path, rows: int, *, changed: bool = False) -> None:
    rng = random.Random(SEED)
    owners = [f"bench-kam{i}" for i in range(KAMS)] + [
        f"bench-kam{i}@example.com" for i in range(KAMS)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADER)
        for i in range(rows):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i:06d} {rng.choice(FORMS)}"
            number = f"{900000000 + i}"
            parent = ""
            if i > 20 and rng.random() < 0.12:
                # Mostly an earlier account, by name or number; 1 in 10 a later one.
                target = i + rng.randint(1, 50) if rng.random() < 0.1 else rng.randint(0, i - 1)
                if target < rows:
                    parent = f"{900000000 + target}"
            industry = rng.choice(INDUSTRIES)
            tier = rng.choice(TIERS)
            if changed and i % 10 == 0:
                industry, tier = "Changed industry", "Maintain"
            ids = ""
            if rng.random() < 0.3:
                ids = f"C{i:07d}" + (f"; D{i:07d}" if rng.random() < 0.2 else "")
            out.writerow(
                [
                    name,
                    f"{name} (legal)" if rng.random() < 0.5 else "",
                    number,
                    f"NO{number}MVA" if rng.random() < 0.4 else "",
                    industry,
                    rng.choice(COUNTRIES),
                    f"www.company{i}.example" if rng.random() < 0.6 else "",
                    parent,
                    rng.choice(owners),
                    tier,
                    "",
                    ids,
                    "Migrated from the old CRM" if rng.random() < 0.1 else "",
                ]
            )


def wipe() -> None:
    tables = [
        SearchDocument._meta.db_table,
        AuditEntry._meta.db_table,
        AccountTeamMember._meta.db_table,
        Customer._meta.db_table,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"UPDATE {Account._meta.db_table} SET parent_id = NULL")
        cursor.execute(f"DELETE FROM {Account._meta.db_table}")
    if connection.vendor == "sqlite":
        # Rebuild the full-text index and the file as an empty database has them (deleted
        # rows leave FTS5 segments that make the next inserts three times slower).
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        # An empty table, as a new installation has it (deleted rows leave dead index
        # entries that the next inserts pay for).
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join([*tables, Account._meta.db_table])} CASCADE")
            for table in [*tables, Account._meta.db_table]:
                cursor.execute(f"VACUUM ANALYZE {table}")


def users() -> User:
    head, _ = User.objects.get_or_create(
        username="bench-head", defaults={"role": Role.HEAD, "first_name": "Bench"}
    )
    for i in range(KAMS):
        User.objects.get_or_create(
            username=f"bench-kam{i}",
            defaults={
                "role": Role.KAM,
                "first_name": f"KAM {i}",
                "email": f"bench-kam{i}@example.com",
            },
        )
    return head


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on
    this machine and its /proc entry is readable (else None)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(path: Path, head: User, *, dry_run: bool = False) -> tuple[float, object]:
    """Wall-clock seconds of one import (and its CPU seconds in this process, printed: the
    machine is shared, and on SQLite the database work runs in this process too; on
    PostgreSQL also the CPU seconds of the server's backend when it runs on this machine)."""
    target = get_target("accounts")
    server = server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    plan = plan_import(path, target, ImportSettings(), actor=head)
    assert plan.ok, plan.problems
    result = run_import(plan, dry_run=dry_run)
    seconds = time.perf_counter() - started
    assert result.ok, (result.failure, result.errors[:5])
    line = f"  ({seconds:.2f} s wall, {time.process_time() - cpu:.2f} s CPU in this process"
    after = server_cpu()
    if server is not None and after is not None:
        line += f", {after - server:.2f} s CPU in the database server"
    print(line + ")")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    head = users()
    work = Path(tempfile.mkdtemp(prefix="kam-bench-accounts-"))
    path, changed = work / "accounts.csv", work / "accounts-changed.csv"
    write_file(path, args.rows)
    write_file(changed, args.rows, changed=True)
    size = path.stat().st_size / 1024 / 1024
    print(f"database                 {connection.vendor}")
    print(f"load average (1 min)     {os.getloadavg()[0]:.1f} before (2 cores, shared)")
    print(f"file                     {args.rows:,} accounts, {size:.1f} MB")
    timings = []
    result: object = None
    for _run in range(args.runs):
        wipe()
        seconds, result = run(path, head)
        timings.append(seconds)
    best = min(timings)
    rss = peak_rss_mb()
    summary = result.summary  # type: ignore[attr-defined]
    print(
        f"import (empty database)  {best:8.2f} s  {args.rows / best:10,.0f} rows/s  "
        f"(target < 10 s; DjangoCRM peer: 230 rows/s)"
    )
    print(
        f"  created {summary['accounts_created']:,}, parents {summary['parents_set']:,}, "
        f"customer ids {summary['customer_ids_created']:,}"
    )
    print(f"peak RSS                 {rss:8.0f} MB")
    seconds, again = run(path, head)
    s = again.summary  # type: ignore[attr-defined]
    print(
        f"re-import (unchanged)    {seconds:8.2f} s  {args.rows / seconds:10,.0f} rows/s  "
        f"created {s['accounts_created']}, updated {s['accounts_updated']}, "
        f"unchanged {s['accounts_unchanged']:,}"
    )
    seconds, check = run(changed, head, dry_run=True)
    s = check.summary  # type: ignore[attr-defined]
    print(
        f"dry run (10 % changed)   {seconds:8.2f} s  {args.rows / seconds:10,.0f} rows/s  "
        f"would update {s['accounts_updated']:,}, unchanged {s['accounts_unchanged']:,}"
    )
    counts = {
        "accounts": Account.objects.count(),
        "team leads": AccountTeamMember.objects.count(),
        "audit entries": AuditEntry.objects.count(),
        "search documents": SearchDocument.objects.filter(kind="account").count(),
        "customer ids": Customer.objects.filter(account__isnull=False).count(),
    }
    print("counts                   " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    assert counts["accounts"] == args.rows == counts["team leads"] == counts["search documents"]
    print(f"load average (1 min)     {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
