"""Demo revenue: an ERP export of the last 24 months, imported through the real import.

Each demo account gets one ERP customer id (groups with sites: one per site as well, all
linked to the account), and invoices in the account's currency whose size follows its tier:
key accounts buy most and most often, with a few large clients weighing heavily, as in a real
wholesaler's book. Some invoices are credit notes. Cash sales without a customer id and a
handful of customer ids that no account owns yet (the "unassigned" revenue the head links on
the customer-id page) complete the picture.

The lines are written as a CSV export and imported with the engine `kam import orders` uses,
so the demo also shows an import in the history. Idempotent: once the demo export has been
imported, a second run does nothing.
"""

from __future__ import annotations

import csv
import random
import tempfile
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from openkam.accounts.models import Account, Tier
from openkam.imports.engine import ImportSettings, plan_import, run_import
from openkam.imports.models import ImportBatch, ImportKind
from openkam.imports.services import batch_create_for_file, batch_record
from openkam.imports.targets import get_target
from openkam.revenue.models import Customer
from openkam.revenue.services import customers_link
from openkam.users.models import User

FILE_NAME = "demo-erp-export-24-months.csv"
SOURCE = "erp"
MONTHS = 24
# Roughly what one euro buys; prices are set in euros and shown in the account's currency.
PER_EURO = {
    "EUR": "1",
    "NOK": "11.6",
    "SEK": "11.2",
    "HUF": "395",
    "RUB": "98",
    "GBP": "0.85",
    "BGN": "1.95583",
    "USD": "1.08",
    "DKK": "7.46",
    "PLN": "4.3",
}
PRODUCTS = (
    ("HX-200", "Hydraulic pump HX-200", 1850),
    ("HX-210", "Hydraulic pump HX-210, stainless", 2450),
    ("SV-40", "Servo valve SV-40", 640),
    ("SV-45", "Servo valve SV-45 with sensor", 890),
    ("FL-10", "Filter element FL-10", 38),
    ("FL-12", "Filter element FL-12, fine", 46),
    ("SK-5", "Seal kit SK-5", 24),
    ("HS-2", "High-pressure hose HS-2, 2 m", 72),
    ("CT-1", "Control unit CT-1", 3900),
    ("SRV-H", "Service hour, technician", 95),
    ("SRV-T", "Travel, flat rate", 180),
    ("TRN-1", "Operator training, one day", 1200),
)
# (invoices per month, lines per invoice, quantity scale) by tier.
PROFILE = {
    Tier.KEY: (5, 6, 6),
    Tier.GROWTH: (3, 4, 3),
    Tier.MAINTAIN: (2, 3, 2),
    Tier.OTHER: (1, 2, 1),
}
CENT = Decimal("0.01")
HEADER = [
    "Invoice",
    "Line",
    "Invoice date",
    "Customer no",
    "Customer name",
    "Item no",
    "Description",
    "Quantity",
    "Unit price",
    "Currency",
    "Country",
    "Sales rep",
]


def _month_start(day: date, back: int) -> date:
    year, month = day.year, day.month - back
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


def _price(euros: int, currency: str, rng: random.Random) -> Decimal:
    rate = Decimal(PER_EURO.get(currency, "1"))
    discount = Decimal(1) - Decimal(rng.randint(0, 12)) / 100
    return (Decimal(euros) * rate * discount).quantize(CENT, rounding=ROUND_HALF_UP)


def _rows(accounts: list[Account], rng: random.Random, today: date) -> list[list[Any]]:
    rows: list[list[Any]] = []
    number = 500_000
    weights = {a.pk: rng.choice((1, 1, 1, 2, 3, 8)) for a in accounts}
    for account in accounts:
        codes = [f"{10_000 + account.pk}"]
        if account.parent_id is not None:
            codes = [f"{10_000 + account.parent_id}-{account.pk:02d}"]
        per_month, per_invoice, scale = PROFILE.get(Tier(account.tier), PROFILE[Tier.OTHER])
        weight = weights[account.pk]
        currency = account.currency or "EUR"
        country = str(getattr(account.country, "name", "") or "")
        rep = str(account.owner) if account.owner_id else ""
        for back in range(MONTHS, -1, -1):
            start = _month_start(today, back)
            # Growth over the period for most accounts, decline for some.
            trend = 1 + (MONTHS - back) / MONTHS * (0.4 if account.pk % 5 else -0.5)
            invoices = max(0, round(per_month * trend * rng.uniform(0.5, 1.3)))
            for _invoice in range(invoices):
                day = start + timedelta(days=rng.randint(0, 27))
                if day > today:
                    continue
                number += 1
                credit = rng.random() < 0.04
                document = f"{'CN' if credit else 'INV'}-{number}"
                for line in range(1, rng.randint(1, per_invoice) + 1):
                    code, name, euros = rng.choice(PRODUCTS)
                    # Fewer units of the expensive items: a line is worth a few thousand euros.
                    quantity = rng.randint(1, 3) * max(1, scale * weight // (1 + euros // 200))
                    if credit:
                        quantity = -max(1, quantity // 4)
                    rows.append(
                        [
                            document,
                            line,
                            day.isoformat(),
                            rng.choice(codes),
                            account.name,
                            code,
                            name,
                            quantity,
                            _price(euros, currency, rng),
                            currency,
                            country,
                            rep,
                        ]
                    )
    return rows


def _extras(rng: random.Random, today: date, currency: str) -> list[list[Any]]:
    """Cash sales without a customer id, and customers no account owns yet."""
    rows: list[list[Any]] = []
    unknown = [
        ("77012", "Vestkyst Marine Service AS", "Norway", "NOK"),
        ("77045", "Kovács és Társa Kft.", "Hungary", "HUF"),
        ("77101", "Svenska Hydraulikgrossisten AB", "Sweden", "SEK"),
        ("77188", "Tehnoinvest OOD", "Bulgaria", "EUR"),
    ]
    number = 900_000
    for back in range(MONTHS, -1, -1):
        start = _month_start(today, back)
        for _sale in range(rng.randint(2, 6)):
            day = start + timedelta(days=rng.randint(0, 27))
            if day > today:
                continue
            number += 1
            code, name, euros = rng.choice(PRODUCTS[4:8])
            rows.append(
                [
                    f"CASH-{number}",
                    1,
                    day.isoformat(),
                    "",
                    "",
                    code,
                    name,
                    rng.randint(1, 6),
                    _price(euros, currency, rng),
                    currency,
                    "",
                    "",
                ]
            )
        if back % 2 == 0:
            customer, customer_name, country, cur = rng.choice(unknown)
            day = start + timedelta(days=rng.randint(0, 27))
            if day <= today:
                number += 1
                code, name, euros = rng.choice(PRODUCTS)
                rows.append(
                    [
                        f"INV-{number}",
                        1,
                        day.isoformat(),
                        customer,
                        customer_name,
                        code,
                        name,
                        rng.randint(2, 20),
                        _price(euros, cur, rng),
                        cur,
                        country,
                        "",
                    ]
                )
    return rows


def load(*, users: dict[str, User], seed: int) -> str:
    if ImportBatch.objects.filter(kind=ImportKind.ORDERS, file_name=FILE_NAME).exists():
        return "revenue: demo export already imported"
    accounts = list(Account.objects.select_related("owner").order_by("pk"))
    if not accounts:
        return "revenue: no accounts"
    rng = random.Random(seed)
    today = timezone.localdate()
    reporting = "EUR"
    rows = _rows(accounts, rng, today) + _extras(rng, today, reporting)
    head = users["head"]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FILE_NAME
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)
        settings = ImportSettings(options={"source": SOURCE, "currency": reporting})
        plan = plan_import(path, get_target(ImportKind.ORDERS), settings, actor=head)
        if not plan.ok:
            raise RuntimeError(f"demo export does not map: {plan.problems}")
        batch = batch_create_for_file(
            actor=head, kind=ImportKind.ORDERS, path=path, settings=plan.settings()
        )
        result = run_import(plan, batch_id=batch.pk)
        batch_record(batch=batch, result=result)
    if not result.ok:
        raise RuntimeError(f"demo import refused: {result.failure} {result.errors[:3]}")
    linked = 0
    customers = {c.code: c.pk for c in Customer.objects.filter(source=SOURCE)}
    for account in accounts:
        codes = [f"{10_000 + account.pk}"]
        if account.parent_id is not None:
            codes.append(f"{10_000 + account.parent_id}-{account.pk:02d}")
        ids = [customers[code] for code in codes if code in customers]
        if ids:
            linked += customers_link(actor=head, customer_ids=ids, account_id=account.pk)
    return (
        f"revenue: {result.rows_imported} invoice lines over {MONTHS} months imported, "
        f"{linked} customer ids linked to accounts"
    )
