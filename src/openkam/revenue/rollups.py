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
        cursor.execute(
            f"INSERT INTO {DAILY} (customer_key, customer_id, date, currency, amount, lines, "
            f"documents) SELECT COALESCE(customer_id, 0), customer_id, date, currency, "
            f"SUM(amount), COUNT(*), COUNT(DISTINCT document) FROM {LINES} "
            f"GROUP BY customer_id, date, currency"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {DAILY}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0
