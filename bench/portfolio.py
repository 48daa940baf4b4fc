"""Portfolio analytics speed: the portfolio selector and page over the rollup of ~1M lines.

Generates (once per database) the daily revenue rollup of about a million order lines:
5,000 ERP customer ids over three years (4,500 linked to 4,000 accounts, 500 unmatched, plus
cash sales without a customer id), order frequencies and sizes skewed like a real wholesaler's
(a few large customers, a long tail), 80 % of customers invoicing in EUR and the others in
NOK, SEK and HUF with a daily exchange rate each business day.

Two shapes (`--shape`): `retail` has invoices of 18 lines on average, as the real UCI Online
Retail II file (525,461 lines in 28,816 invoices, 20,233 customer-days): about 50,000 rollup
rows for a million lines. `dense` has orders of 3.7 lines (a distributor whose customers order
several times a week): about 250,000 rollup rows for the same million lines, the harder case.
Use one database per shape. Then it times, for the last 12 full months of data:
- the portfolio selector (`portfolio_analyse`) for the head (the whole company) and for a KAM,
- the portfolio page (`GET /insights/portfolio/`, rendered with its charts and table) and the
  API (`GET /api/v1/analytics/portfolio`) for the head,
and prints p50/p95 and the number of SQL queries of each.

    env -u DATABASE_URL KAM_DATA_DIR=var/bench-portfolio .venv/bin/python bench/portfolio.py
    createdb -h 127.0.0.1 -U postgres openkam_bench_portfolio  # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openkam_bench_portfolio \
        KAM_DATA_DIR=var/bench-portfolio-pg .venv/bin/python bench/portfolio.py

Options: --shape retail|dense (default retail), --runs N (default 20), --regenerate (drop the
generated data first).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openkam.settings")
# The test client talks plain HTTP to "testserver".
os.environ.setdefault("KAM_HTTPS", "false")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier  # noqa: E402
from openkam.currency.models import ExchangeRate  # noqa: E402
from openkam.insights.selectors import PortfolioFilters, portfolio_analyse  # noqa: E402
from openkam.revenue.models import NO_CUSTOMER_KEY, Customer, DailyRevenue  # noqa: E402
from openkam.users.models import Role, User  # noqa: E402

SEED = 5
CUSTOMERS = 5000
LINKED = 4500
ACCOUNTS = 4000
KAMS = 8
START = date(2023, 1, 1)
END = date(2025, 12, 31)
TARGET_LINES = 1_000_000
SOURCE = "bench-portfolio"
CURRENCIES = [("EUR", 0.80, None), ("NOK", 0.10, 11.5), ("SEK", 0.05, 11.2), ("HUF", 0.05, 390.0)]


LINES_PER_ORDER = {"retail": 18.2, "dense": 3.7}


def generate(shape: str) -> None:
    rng = random.Random(SEED)
    print(f"Generating the rollup of ~1M lines, {shape} shape (once per database)…", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        _head, _ = User.objects.get_or_create(
            username="bench-head", defaults={"role": Role.HEAD, "first_name": "Bench"}
        )
        kams = [
            User.objects.get_or_create(
                username=f"bench-kam{i}", defaults={"role": Role.KAM, "first_name": f"KAM {i}"}
            )[0]
            for i in range(KAMS)
        ]
        tiers = [Tier.KEY] * 3 + [Tier.GROWTH] * 12 + [Tier.MAINTAIN] * 35 + [Tier.OTHER] * 50
        accounts = Account.objects.bulk_create(
            [
                Account(
                    name=f"Bench account {i:04d}",
                    owner=kams[i % KAMS],
                    tier=tiers[i % len(tiers)] if i >= 40 else Tier.KEY,
                    country=rng.choice(["NO", "SE", "HU", "BG", "GB", "RU"]),
                )
                for i in range(ACCOUNTS)
            ],
            batch_size=2000,
        )
        AccountTeamMember.objects.bulk_create(
            [
                AccountTeamMember(account=a, user=a.owner, team_role=TeamRole.KAM_LEAD)
                for a in accounts
            ],
            batch_size=2000,
        )
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    source=f"{SOURCE}-{shape}",
                    code=f"B{i:05d}",
                    name=f"Bench customer {i}",
                    account=accounts[i % ACCOUNTS] if i < LINKED else None,
                )
                for i in range(CUSTOMERS)
            ],
            batch_size=2000,
        )
        rates = []
        for code, _share, level in CURRENCIES:
            if level is None:
                continue
            day, value = START - timedelta(days=7), level
            while day <= END:
                if day.weekday() < 5:
                    value *= math.exp(rng.gauss(0, 0.004))
                    rates.append(
                        ExchangeRate(
                            base="EUR",
                            quote=code,
                            effective_date=day,
                            rate=Decimal(f"{value:.6f}"),
                            source="bench",
                        )
                    )
                day += timedelta(days=1)
        ExchangeRate.objects.bulk_create(rates, batch_size=2000, ignore_conflicts=True)

        days = (END - START).days + 1
        # Order frequency per customer: a long tail (log-normal), ~1.6 orders a month on average.
        weights = [rng.lognormvariate(0, 1.1) for _ in range(CUSTOMERS)]
        months = days / 30.4375
        lines_per_order = LINES_PER_ORDER[shape]
        orders_wanted = TARGET_LINES / lines_per_order
        scale = orders_wanted / (sum(weights))
        rows: list[DailyRevenue] = []
        total_lines = 0
        for customer, weight in zip([*customers, None], [*weights, 3000.0 / scale], strict=True):
            orders = max(1, int(weight * scale))
            currency = "EUR"
            if customer is not None:
                pick = rng.random()
                for code, share, _level in CURRENCIES:
                    if pick < share:
                        currency = code
                        break
                    pick -= share
            factor = {"EUR": 1, "NOK": 11.5, "SEK": 11.2, "HUF": 390}[currency]
            ticket = rng.lognormvariate(5.5, 0.8)
            per_day: dict[date, list[float]] = {}
            for _ in range(orders):
                day = START + timedelta(days=rng.randrange(days))
                n_lines = max(1, round(rng.expovariate(1 / lines_per_order)))
                amount = sum(ticket * rng.uniform(0.2, 1.8) for _ in range(n_lines))
                sale = 1
                if rng.random() < 0.03:
                    amount, sale = -amount * 0.3, 0  # a credit note: a document, no order
                entry = per_day.setdefault(day, [0.0, 0, 0, 0])
                entry[0] += amount * factor
                entry[1] += n_lines
                entry[2] += 1
                entry[3] += sale
            for day, (amount, n_lines, documents, sales) in per_day.items():
                total_lines += n_lines
                rows.append(
                    DailyRevenue(
                        customer=customer,
                        customer_key=customer.pk if customer else NO_CUSTOMER_KEY,
                        date=day,
                        currency=currency,
                        amount=Decimal(f"{amount:.2f}"),
                        lines=n_lines,
                        documents=documents,
                        orders=sales,
                    )
                )
            if len(rows) >= 20000:
                DailyRevenue.objects.bulk_create(rows, batch_size=5000)
                rows = []
        DailyRevenue.objects.bulk_create(rows, batch_size=5000)
    print(
        f"  {DailyRevenue.objects.count():,} daily rows for {total_lines:,} lines "
        f"over {months:.0f} months, in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def drop() -> None:
    with transaction.atomic():
        DailyRevenue.objects.filter(customer__source__startswith=SOURCE).delete()
        DailyRevenue.objects.filter(customer__isnull=True).delete()
        Customer.objects.filter(source__startswith=SOURCE).delete()
        ExchangeRate.objects.filter(source="bench").delete()
        AccountTeamMember.objects.filter(account__name__startswith="Bench account").delete()
        Account.objects.filter(name__startswith="Bench account").delete()


def timed(label: str, runs: int, action) -> None:
    """Wall-clock p50/p95, and the CPU time of this process (p50): on a busy machine the wall
    clock also counts waiting for a core; on SQLite the CPU time is what an idle machine
    would take (PostgreSQL's own work happens in the server and is not in it)."""
    # The warm-up run (caches of the database and of Python) counts the queries; the timed
    # runs go without Django's query capture, whose debug cursor a server does not run.
    with CaptureQueriesContext(connection) as captured:
        action()
    queries = len(captured)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    print(
        f"  {label:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
        f"   CPU p50 {statistics.median(cpu):7.1f} ms   {queries:2d} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(LINES_PER_ORDER), default="retail")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    stored = Customer.objects.filter(source__startswith=SOURCE).values_list("source", flat=True)
    if args.regenerate or (stored.exists() and stored.first() != f"{SOURCE}-{args.shape}"):
        drop()
    if not Customer.objects.filter(source=f"{SOURCE}-{args.shape}").exists():
        generate(args.shape)
    rows = DailyRevenue.objects.count()
    lines = sum(DailyRevenue.objects.values_list("lines", flat=True).iterator(chunk_size=50000))
    print(
        f"Database: {connection.vendor}; {args.shape} shape: {rows:,} rollup rows"
        f" for {lines:,} lines; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )

    head = User.objects.get(username="bench-head")
    kam = User.objects.get(username="bench-kam0")
    filters = PortfolioFilters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    print("Period 2025-01-01 - 2025-12-31 (previous year and rolling 12 months compared):")
    timed("selector, head (company, 4,000 accounts)", args.runs,
          lambda: portfolio_analyse(user=head, filters=filters))  # fmt: skip
    timed("selector, KAM (500 accounts)", args.runs,
          lambda: portfolio_analyse(user=kam, filters=filters))  # fmt: skip
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Static file URLs without `collectstatic` (whose manifest the page would otherwise need).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(head)
    query = "?from=2025-01-01&to=2025-12-31"

    def page() -> None:
        response = client.get("/insights/portfolio/" + query)
        assert response.status_code == 200, response.status_code

    def api() -> None:
        response = client.get("/api/v1/analytics/portfolio" + query)
        assert response.status_code == 200, response.content[:300]

    timed("page GET /insights/portfolio/, head", args.runs, page)
    timed("API GET /api/v1/analytics/portfolio, head", args.runs, api)


if __name__ == "__main__":
    main()
