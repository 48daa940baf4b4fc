# ruff: noqa: S608 -- SQL assembled from model table names and fixed fragments; every value
# is a query parameter.
"""The SQL an order-line import runs, for SQLite and for PostgreSQL.

Both work on the raw DB-API connection inside Django's transaction: lines go in with
`executemany` (SQLite) or `COPY ... FROM STDIN` (PostgreSQL), never one ORM object at a time.
On PostgreSQL a chunk's COPY stays open while Python converts the next chunk, so that the
server inserts while the client parses (two cores, both busy).
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from openkam.revenue.models import Customer, DailyRevenue, RevenueLine

LINE_COLUMNS = (
    "source",
    "document",
    "line_no",
    "customer_id",
    "date",
    "product",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "currency",
    "cost",
    "country",
    "sales_rep",
    "batch_id",
)
# SQLite: lines per INSERT statement, as many as SQLite's parameter limit allows (32,766 since
# 3.32; 999 before). Fewer statements mean fewer waits for Python's lock in the insert thread:
# 2,000 took the UCI import from 3.36 s (500) to 3.12 s.
ROWS_PER_STATEMENT = 2000
LINES = RevenueLine._meta.db_table
CUSTOMERS = Customer._meta.db_table
DAILY = DailyRevenue._meta.db_table
# (document, customer_id, date, currency, amount) of stored lines of replaced documents
OldLine = tuple[str, int | None, str, str, Any]
# (customer_key, customer_id, date, currency, amount, lines, documents)
# (customer key, customer id, date, currency, amount, lines, documents, orders)
RollupDelta = tuple[int, int | None, str, str, Any, int, int, int]


def _old_lines(rows: Iterable[tuple[Any, ...]]) -> list[OldLine]:
    """Stored lines with their dates as ISO text, the form the import's rollup keys use."""
    return [
        (doc, customer, day.isoformat() if isinstance(day, date) else day, cur, amount)
        for doc, customer, day, cur, amount in rows
    ]


class ChunkWriteError(Exception):
    """The database refused a chunk (duplicate line identity, value out of range)."""


class Backend:
    vendor = ""
    number_type: type = Decimal

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw: Any = connection.connection

    # --- customers ---------------------------------------------------------------------
    def lock(self) -> None:
        """Serialise imports and keep customer ids stable until commit."""

    def load_customers(self, source: str) -> list[tuple[int, str, str, int | None]]:
        cursor = self.raw.cursor()
        cursor.execute(
            f"SELECT id, code, name, account_id FROM {CUSTOMERS} WHERE source = {self.p}",
            (source,),
        )
        return list(cursor.fetchall())

    def next_customer_id(self) -> int:
        cursor = self.raw.cursor()
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {CUSTOMERS}")
        return int(cursor.fetchone()[0])

    def insert_customers(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        """(id, source, code, name, country) of new customer ids."""
        if not rows:
            return
        now = timezone.now()
        p = self.p
        self.raw.cursor().executemany(
            f"INSERT INTO {CUSTOMERS} (id, source, code, name, country, account_id, "
            f"created_at, updated_at) VALUES ({p}, {p}, {p}, {p}, {p}, NULL, {p}, {p})",
            [(*row, self.timestamp(now), self.timestamp(now)) for row in rows],
        )

    def rename_customers(self, names: Iterable[tuple[str, int]]) -> None:
        p = self.p
        self.raw.cursor().executemany(
            f"UPDATE {CUSTOMERS} SET name = {p} WHERE id = {p}", list(names)
        )

    def timestamp(self, value: Any) -> Any:
        return value

    @property
    def p(self) -> str:
        return "%s"

    # --- lines -------------------------------------------------------------------------
    def take_documents(
        self, source: str, documents: Sequence[str], *, delete: bool
    ) -> list[OldLine]:
        raise NotImplementedError

    def start_chunk(self, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def end_chunk(self) -> None:
        """Complete the chunk started last; raises ChunkWriteError if the database refused
        it (the chunk is then undone, the rest of the transaction stays)."""

    def abort(self) -> None:
        """Leave an open COPY after an error elsewhere."""

    def existing_keys(self, source: str, documents: Sequence[str]) -> set[tuple[str, int]]:
        raise NotImplementedError

    # --- rollups -----------------------------------------------------------------------
    def apply_rollups(self, deltas: Sequence[RollupDelta]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Undo session settings made for the import."""


class SQLiteBackend(Backend):
    vendor = "sqlite"
    # SQLite stores decimals as REAL whatever Python passes; floats skip the conversion.
    number_type = float

    @property
    def p(self) -> str:
        return "?"

    def timestamp(self, value: Any) -> Any:
        return value.isoformat(sep=" ")

    def __init__(self) -> None:
        super().__init__()
        self._max_variables = self.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    def lock(self) -> None:
        # The transaction holds SQLite's write lock already (BEGIN IMMEDIATE). A larger page
        # cache keeps the primary-key index in memory while a year of lines goes in.
        self._cache_size = self.raw.execute("PRAGMA cache_size").fetchone()[0]
        self.raw.execute("PRAGMA cache_size = -65536")

    def finish(self) -> None:
        self.raw.execute(f"PRAGMA cache_size = {int(self._cache_size)}")

    def take_documents(
        self, source: str, documents: Sequence[str], *, delete: bool
    ) -> list[OldLine]:
        import json

        verb = (
            "DELETE FROM" if delete else "SELECT document, customer_id, date, currency, amount FROM"
        )
        returning = " RETURNING document, customer_id, date, currency, amount" if delete else ""
        cursor = self.raw.execute(
            f"{verb} {LINES} WHERE source = ? AND document IN "
            f"(SELECT value FROM json_each(?)){returning}",
            (source, json.dumps(list(documents))),
        )
        return _old_lines(cursor.fetchall())

    def start_chunk(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert the chunk in a thread while Python converts the next chunk. The rows go in
        as multi-row INSERT ... VALUES statements: SQLite runs each statement without Python's
        lock, whereas `executemany` needs the lock back after every row, so that the two
        threads took turns instead of working at once. Nothing else touches the connection
        until end_chunk() has joined the thread."""
        width = len(LINE_COLUMNS)
        per = max(1, min(ROWS_PER_STATEMENT, self._max_variables // width))
        one = "(" + ", ".join("?" * width) + ")"
        head = f"INSERT INTO {LINES} ({', '.join(LINE_COLUMNS)}) VALUES "
        full = head + ", ".join([one] * per)
        execute = self.raw.execute
        self.raw.execute("SAVEPOINT revenue_chunk")
        self._error: BaseException | None = None

        def insert() -> None:
            try:
                for batch in itertools.batched(rows, per):
                    sql = full if len(batch) == per else head + ", ".join([one] * len(batch))
                    execute(sql, list(itertools.chain.from_iterable(batch)))
            except BaseException as exc:  # handed to end_chunk()
                self._error = exc

        self._thread: threading.Thread | None = threading.Thread(
            target=insert, name="revenue-import-insert"
        )
        self._thread.start()

    def end_chunk(self) -> None:
        thread = getattr(self, "_thread", None)
        if thread is None:
            return
        thread.join()
        self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            self.raw.execute("ROLLBACK TO SAVEPOINT revenue_chunk")
            self.raw.execute("RELEASE SAVEPOINT revenue_chunk")
            raise ChunkWriteError(str(error)) from error
        self.raw.execute("RELEASE SAVEPOINT revenue_chunk")

    def abort(self) -> None:
        thread = getattr(self, "_thread", None)
        if thread is None:
            return
        thread.join()
        self._thread = None
        self._error = None
        self.raw.execute("ROLLBACK TO SAVEPOINT revenue_chunk")
        self.raw.execute("RELEASE SAVEPOINT revenue_chunk")

    def existing_keys(self, source: str, documents: Sequence[str]) -> set[tuple[str, int]]:
        import json

        cursor = self.raw.execute(
            f"SELECT document, line_no FROM {LINES} WHERE source = ? AND document IN "
            f"(SELECT value FROM json_each(?))",
            (source, json.dumps(list(documents))),
        )
        return set(cursor.fetchall())

    def apply_rollups(self, deltas: Sequence[RollupDelta]) -> None:
        # Deltas that add go through an upsert; those that take lines away only update: a
        # negative count in an upsert's VALUES fails the CHECK (lines >= 0) before the
        # conflict is seen (their keys exist anyway).
        adding = [d for d in deltas if d[5] >= 0 and d[6] >= 0 and d[7] >= 0]
        self.raw.executemany(
            f"INSERT INTO {DAILY} (customer_key, customer_id, date, currency, amount, lines, "
            f"documents, orders) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT (customer_key, date, currency) DO UPDATE SET "
            f"amount = amount + excluded.amount, lines = lines + excluded.lines, "
            f"documents = documents + excluded.documents, orders = orders + excluded.orders",
            adding,
        )
        self.raw.executemany(
            f"UPDATE {DAILY} SET amount = amount + ?, lines = lines + ?, "
            f"documents = documents + ?, orders = orders + ? "
            f"WHERE customer_key = ? AND date = ? AND currency = ?",
            [
                (d[4], d[5], d[6], d[7], d[0], d[2], d[3])
                for d in deltas
                if d[5] < 0 or d[6] < 0 or d[7] < 0
            ],
        )
        self.raw.execute(f"DELETE FROM {DAILY} WHERE lines <= 0")


class PostgresBackend(Backend):
    vendor = "postgresql"
    number_type = Decimal

    def __init__(self) -> None:
        super().__init__()
        self._cursor = self.raw.cursor()
        self._copy_manager: Any = None
        self._copy: Any = None

    def lock(self) -> None:
        # SHARE ROW EXCLUSIVE conflicts with itself: one import at a time, and nobody adds
        # or relinks customer ids while this one allocates them. Readers are not blocked.
        self._cursor.execute(f"LOCK TABLE {CUSTOMERS} IN SHARE ROW EXCLUSIVE MODE")

    def take_documents(
        self, source: str, documents: Sequence[str], *, delete: bool
    ) -> list[OldLine]:
        # IN (SELECT ..., unnest(...)) plans as one index probe per document whatever the
        # table's statistics say; "document = ANY(%s)" made the planner scan every line of
        # the source while a first import had left the statistics at "empty table".
        if delete:
            sql = (
                f"DELETE FROM {LINES} WHERE (source, document) IN "
                f"(SELECT %s, unnest(%s::text[])) "
                f"RETURNING document, customer_id, date, currency, amount"
            )
        else:
            sql = (
                f"SELECT document, customer_id, date, currency, amount FROM {LINES} "
                f"WHERE (source, document) IN (SELECT %s, unnest(%s::text[]))"
            )
        self._cursor.execute(sql, (source, list(documents)))
        return _old_lines(self._cursor.fetchall())

    def start_chunk(self, rows: list[tuple[Any, ...]]) -> None:
        self._cursor.execute("SAVEPOINT revenue_chunk")
        self._copy_manager = self._cursor.copy(
            f"COPY {LINES} ({', '.join(LINE_COLUMNS)}) FROM STDIN"
        )
        self._copy = self._copy_manager.__enter__()
        write = self._copy.write_row
        try:
            for row in rows:
                write(row)
        except Exception:
            self.abort()
            raise

    def end_chunk(self) -> None:
        if self._copy_manager is None:
            return
        manager, self._copy_manager, self._copy = self._copy_manager, None, None
        try:
            manager.__exit__(None, None, None)
        except Exception as exc:
            self._cursor.execute("ROLLBACK TO SAVEPOINT revenue_chunk")
            self._cursor.execute("RELEASE SAVEPOINT revenue_chunk")
            raise ChunkWriteError(str(exc)) from exc
        self._cursor.execute("RELEASE SAVEPOINT revenue_chunk")

    def abort(self) -> None:
        if self._copy_manager is None:
            return
        manager, self._copy_manager, self._copy = self._copy_manager, None, None
        # The COPY is abandoned on purpose: whatever it says on the way out is moot.
        with contextlib.suppress(Exception):
            manager.__exit__(RuntimeError, RuntimeError("import aborted"), None)
        self._cursor.execute("ROLLBACK TO SAVEPOINT revenue_chunk")
        self._cursor.execute("RELEASE SAVEPOINT revenue_chunk")

    def existing_keys(self, source: str, documents: Sequence[str]) -> set[tuple[str, int]]:
        self._cursor.execute(
            f"SELECT document, line_no FROM {LINES} WHERE (source, document) IN "
            f"(SELECT %s, unnest(%s::text[]))",
            (source, list(documents)),
        )
        return set(self._cursor.fetchall())

    def next_customer_id(self) -> int:
        return super().next_customer_id()

    def insert_customers(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        if not rows:
            return
        now = timezone.now()
        with self._cursor.copy(
            f"COPY {CUSTOMERS} (id, source, code, name, country, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row((*row, now, now))
        if rows:
            # The ids were allocated here, not by the identity sequence: move it past them.
            self._cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{CUSTOMERS}', 'id'), "
                f"(SELECT MAX(id) FROM {CUSTOMERS}))"
            )

    def apply_rollups(self, deltas: Sequence[RollupDelta]) -> None:
        cursor = self._cursor
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS revenue_rollup_delta (customer_key bigint, "
            "customer_id bigint, date date, currency varchar(3), amount numeric, lines integer, "
            "documents integer, orders integer) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE revenue_rollup_delta")
        with cursor.copy("COPY revenue_rollup_delta FROM STDIN") as copy:
            for delta in deltas:
                copy.write_row(delta)
        # Deltas that add (all of them on a first import) go through one upsert. Those that
        # take lines away only update: CHECK (lines >= 0) is tested on the row an INSERT
        # proposes, before ON CONFLICT could turn it into an update; their keys exist.
        cursor.execute(
            f"INSERT INTO {DAILY} AS d (customer_key, customer_id, date, currency, amount, "
            f"lines, documents, orders) SELECT customer_key, customer_id, date, currency, "
            f"amount, lines, documents, orders FROM revenue_rollup_delta "
            f"WHERE lines >= 0 AND documents >= 0 AND orders >= 0 "
            f"ON CONFLICT (customer_key, date, currency) DO UPDATE SET "
            f"amount = d.amount + excluded.amount, lines = d.lines + excluded.lines, "
            f"documents = d.documents + excluded.documents, orders = d.orders + excluded.orders"
        )
        cursor.execute(
            f"UPDATE {DAILY} AS d SET amount = d.amount + r.amount, lines = d.lines + r.lines, "
            f"documents = d.documents + r.documents, orders = d.orders + r.orders "
            f"FROM revenue_rollup_delta AS r "
            f"WHERE (r.lines < 0 OR r.documents < 0 OR r.orders < 0) "
            f"AND d.customer_key = r.customer_key AND d.date = r.date AND d.currency = r.currency"
        )
        cursor.execute(f"DELETE FROM {DAILY} WHERE lines <= 0")


def backend_for_connection() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"Revenue import does not support {connection.vendor}.")
