# ruff: noqa: S608 -- SQL assembled from model table names only.
"""Recomputing DailyRevenue from the lines (`kam revenue rebuild`).

The import keeps the rollup in step incrementally; this is the reference it must agree
with, and the repair after anything that changed lines outside an import.
"""

from __future__ import annotations

from django.db import connection, transaction

from openkam.revenue.models import DailyRevenue, RevenueLine

DAILY = DailyRevenue._meta.db_table
LINES = RevenueLine._meta.db_table


@transaction.atomic
def rollups_rebuild() -> int:
    """Replace every DailyRevenue row by sums over the lines; returns the number of rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DAILY}")
        # Per document first: a document is an order where its lines of the day add up to a
        # sale (credit notes and cancellations are documents, not orders).
        cursor.execute(
            f"INSERT INTO {DAILY} (customer_key, customer_id, date, currency, amount, lines, "
            f"documents, orders) SELECT COALESCE(customer_id, 0), customer_id, date, currency, "
            f"SUM(net), SUM(n), COUNT(*), SUM(CASE WHEN ROUND(net, 4) > 0 THEN 1 ELSE 0 END) "
            f"FROM "
            f"(SELECT customer_id, date, currency, document, SUM(amount) AS net, COUNT(*) AS n "
            f"FROM {LINES} GROUP BY customer_id, date, currency, document) AS per_document "
            f"GROUP BY customer_id, date, currency"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {DAILY}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0
