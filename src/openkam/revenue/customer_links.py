"""ERP customer ids linked to accounts in bulk, for the account import.

An account file from another CRM often carries the account's ids in the ERP ("ALFKI",
"10023; 10024"). The import reads every id of the source once (`customer_links_load`), decides
row by row, and writes the new ids and the new links of each chunk in a few statements
(`customer_links_write`). The caller records the links in its own audit entries (the
account import: in each account's entry) and checks access (only the head links ids); all of
it runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from openkam.accounts.importing.bulk import Bulk
from openkam.revenue.models import Customer


@dataclass(frozen=True, slots=True)
class CustomerLink:
    code: str
    account_id: int
    account_name: str
    # The customer id's row when it exists already (unlinked); None creates it.
    customer_id: int | None = None
    country: str = ""


def customer_links_load(*, source: str) -> dict[str, tuple[int, int | None]]:
    """code -> (customer id, linked account id or None) of every customer id of `source`."""
    return {
        code: (pk, account_id)
        for pk, code, account_id in Customer.objects.filter(source=source)
        .order_by()
        .values_list("pk", "code", "account_id")
        .iterator(chunk_size=5000)
    }


def customer_links_write(
    *, bulk: Bulk, source: str, links: Sequence[CustomerLink]
) -> tuple[int, int]:
    """Create the new customer ids and link the existing ones; answers (created, linked).

    `bulk` is the import's openkam.accounts.importing.bulk.Bulk (ids and bulk writes). The
    caller records the links in the audit entry of each account.
    """
    if not links:
        return 0, 0
    if bulk.vendor == "postgresql":
        # As the revenue import does: nobody adds or relinks customer ids meanwhile.
        with bulk.raw.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Customer._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    stamp = bulk.timestamp(timezone.now())
    new_rows: list[tuple[Any, ...]] = []
    relinks: list[tuple[Any, ...]] = []
    for link in links:
        if link.customer_id is None:
            new_rows.append(
                (
                    source,
                    link.code,
                    link.account_name[:200],
                    link.country,
                    link.account_id,
                    stamp,
                    stamp,
                )
            )
        else:
            relinks.append((link.account_id, stamp, link.customer_id))
    bulk.insert(
        Customer._meta.db_table,
        ("source", "code", "name", "country", "account_id", "created_at", "updated_at"),
        new_rows,
    )
    bulk.update(Customer._meta.db_table, ("account_id", "updated_at"), relinks)
    return len(new_rows), len(relinks)
