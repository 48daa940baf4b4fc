"""Revenue import speed on the real UCI Online Retail II file, against the database floor.

In one run, on the database configured by the environment (SQLite in KAM_DATA_DIR by default,
PostgreSQL when DATABASE_URL is set):

1. imports the file end to end with the engine `kam import orders` uses (read, detect,
   map, validate, convert, match customers, dedupe, write lines, update rollups), into
   empty revenue tables; prints the time, rows/s and the peak RSS of the process;
2. measures the floor: the same file read with the csv module and its rows written as they
   are, with no conversion, into a plain table of the same columns without any index or
   constraint, in one transaction: `executemany` on SQLite, `COPY ... FROM STDIN` on
   PostgreSQL. The ratio import / floor is the figure the target (<= 2) is about;
3. imports the file again: nothing may be added (every invoice replaces itself);
4. cross-checks: the net total of the raw file (sum of quantity x price, computed here with
   Decimal) against the sum of the imported lines and of the daily rollup, and the rollup
   maintained by the import against one rebuilt from the lines.

The bench wipes the revenue tables of the database it runs on: give it its own.

    env -u DATABASE_URL KAM_DATA_DIR=var/bench-import .venv/bin/python bench/import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openkam_bench_import \
        KAM_DATA_DIR=var/bench-import-pg .venv/bin/python bench/import.py

Options: --file PATH (default: the UCI 2009-2010 file under ../shared/data), --runs N (best
of N for the import and the floor, default 1).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openkam.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from openkam.imports.engine import ImportSettings, plan_import, run_import  # noqa: E402
from openkam.imports.targets import get_target  # noqa: E402
from openkam.revenue.models import Customer, DailyRevenue, RevenueLine  # noqa: E402
from openkam.revenue.rollups import rollups_rebuild  # noqa: E402

DEFAULT_FILE = (
    Path(__file__).resolve().parent.parent.parent
    / "shared/data/online-retail-ii-2009-2010/online_retail_II_year_2009_2010.csv.gz"
)
FLOOR_COLUMNS = (
    "source, document, line_no, customer_code, date, product, description, quantity, "
    "unit_price, amount, currency, cost, country, sales_rep, batch_id"
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def wipe() -> None:
    """Empty the revenue tables the way an empty database has them: TRUNCATE on PostgreSQL
    (a DELETE would leave half a million dead rows in the table and its index)."""
    tables = [m._meta.db_table for m in (RevenueLine, DailyRevenue, Customer)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def import_once(path: Path) -> tuple[float, object]:
    started = time.perf_counter()
    plan = plan_import(path, get_target("orders"), ImportSettings(options={"currency": "GBP"}))
    if not plan.ok:
        raise SystemExit(f"mapping problems: {plan.problems}")
    result = run_import(plan)
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"import refused: {result.failure} {result.errors[:5]}")
    return elapsed, result


def _rows(path: Path):  # type: ignore[no-untyped-def]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


def floor_once(path: Path) -> float:
    """csv-parse the file and write its rows unconverted into an unindexed table."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        types = (
            "source text, document text, line_no integer, customer_code text, date date, "
            "product text, description text, quantity numeric, unit_price numeric, "
            "amount numeric, currency text, cost numeric, country text, sales_rep text, "
            "batch_id bigint"
        )
        with raw.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_floor")
            cursor.execute(f"CREATE TABLE bench_floor ({types})")
        raw.commit()
        started = time.perf_counter()
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY bench_floor ({FLOOR_COLUMNS}) FROM STDIN") as copy,
        ):
            write = copy.write_row
            for n, r in enumerate(_rows(path)):
                write(
                    (
                        "bench",
                        r[0],
                        n,
                        r[6],
                        r[4],
                        r[1],
                        r[2],
                        r[3],
                        r[5],
                        r[5],
                        "GBP",
                        None,
                        r[7],
                        "",
                        None,
                    )
                )
        raw.commit()
        elapsed = time.perf_counter() - started
        with raw.cursor() as cursor:
            cursor.execute("DROP TABLE bench_floor")
        raw.commit()
        return elapsed
    types = (
        "source varchar(100), document varchar(100), line_no integer, customer_code "
        "varchar(100), date date, product varchar(100), description text, quantity decimal, "
        "unit_price decimal, amount decimal, currency varchar(3), cost decimal, country "
        "varchar(100), sales_rep varchar(100), batch_id bigint"
    )
    raw.execute("DROP TABLE IF EXISTS bench_floor")
    raw.execute(f"CREATE TABLE bench_floor ({types})")
    raw.execute("PRAGMA cache_size = -65536")  # the same page cache the import uses
    started = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    raw.executemany(
        f"INSERT INTO bench_floor ({FLOOR_COLUMNS}) VALUES ({', '.join('?' * 15)})",
        (
            (
                "bench",
                r[0],
                n,
                r[6],
                r[4],
                r[1],
                r[2],
                r[3],
                r[5],
                r[5],
                "GBP",
                None,
                r[7],
                "",
                None,
            )
            for n, r in enumerate(_rows(path))
        ),
    )
    raw.execute("COMMIT")
    elapsed = time.perf_counter() - started
    raw.execute("DROP TABLE bench_floor")
    raw.execute("PRAGMA cache_size = -2000")
    return elapsed


def raw_total(path: Path) -> tuple[int, Decimal]:
    rows, total = 0, Decimal(0)
    for r in _rows(path):
        rows += 1
        total += Decimal(r[3]) * Decimal(r[5])
    return rows, total


def rollup_snapshot() -> set[tuple[object, ...]]:
    return {
        (
            row.customer_key,
            row.date,
            row.currency,
            round(row.amount, 2),
            row.lines,
            row.documents,
            row.orders,
        )
        for row in DailyRevenue.objects.all()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"{args.file} is absent (the bench needs ../shared/data).")
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    print(f"database: {vendor}; file: {args.file.name}; {os.cpu_count()} CPUs")

    imports, import_cpu = [], []
    result = None
    for _run in range(args.runs):
        wipe()
        cpu = cpu_seconds()
        elapsed, result = import_once(args.file)
        imports.append(elapsed)
        import_cpu.append(cpu_seconds() - cpu)
    rss = peak_rss_mb()
    best = min(imports)
    assert result is not None
    rows = result.rows_read  # type: ignore[attr-defined]
    floors, floor_cpu = [], []
    for _run in range(args.runs):
        cpu = cpu_seconds()
        floors.append(floor_once(args.file))
        floor_cpu.append(cpu_seconds() - cpu)
    floor = min(floors)
    again, second = import_once(args.file)

    lines = RevenueLine.objects.count()
    file_rows, file_total = raw_total(args.file)
    from django.db.models import Sum

    lines_total = RevenueLine.objects.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    rollup_total = DailyRevenue.objects.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    maintained = rollup_snapshot()
    rollups_rebuild()
    rebuilt = rollup_snapshot()

    cent = Decimal("0.01")
    print(f"rows in file               {file_rows:>12,}")
    print(f"import, end to end         {best:>12.2f} s   {rows / best:>10,.0f} rows/s")
    print(
        f"floor ({'COPY' if vendor == 'postgresql' else 'executemany'}, csv-parsed rows) "
        f"{floor:>5.2f} s   {rows / floor:>10,.0f} rows/s"
    )
    print(f"ratio import / floor       {best / floor:>12.2f}   (target <= 2)")
    print(
        f"client CPU import / floor  {min(import_cpu):>8.2f} s / {min(floor_cpu):.2f} s "
        f"= {min(import_cpu) / min(floor_cpu):.2f}  (this process only; the machine is shared)"
    )
    print(f"load average               {os.getloadavg()[0]:>12.2f}")
    print(f"peak RSS (import)          {rss:>12.0f} MB  (target < 300)")
    print(
        f"second import              {again:>12.2f} s   lines before {rows:,}, after {lines:,}; "
        f"documents replaced {second.summary['documents_replaced']:,}, "  # type: ignore[attr-defined]
        f"new {second.summary['documents_new']:,}"
    )  # type: ignore[attr-defined]
    print(f"net total of the raw file  {file_total.quantize(cent):>15,}")
    print(f"net total of the lines     {Decimal(lines_total).quantize(cent):>15,}")
    print(f"net total of the rollup    {Decimal(rollup_total).quantize(cent):>15,}")
    checks = {
        "lines == file rows": lines == file_rows,
        "lines total == file total": Decimal(lines_total).quantize(cent)
        == file_total.quantize(cent),
        "rollup total == file total": Decimal(rollup_total).quantize(cent)
        == file_total.quantize(cent),
        "maintained rollup == rebuilt rollup": maintained == rebuilt,
        "second import added nothing": lines == rows,
    }
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
