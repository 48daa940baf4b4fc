"""Bulk writes for the account and people imports, on SQLite and PostgreSQL.

Rows go in with `executemany` on SQLite and `COPY ... FROM STDIN` on PostgreSQL, never one
ORM object at a time: a hundred thousand accounts are five hundred thousand rows with their
owners on the team, their audit entries and their search documents. Ids of new records are
taken in advance (the import links team members, audit entries and parents to them before
anything is written): on SQLite from MAX(id), safe because the transaction holds SQLite's one
write lock; on PostgreSQL from the table's identity sequence, safe for concurrent writers.
"""

# ruff: noqa: S608 - table and column names come from model metadata, values are parameters
from __future__ import annotations

import itertools
import json
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from psycopg.types.json import set_json_dumps

from openkam.core.models import AuditEntry
from openkam.search.models import SearchDocument
from openkam.search.registry import DocumentData
from openkam.search.services import search_text

AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "action",
    "target_type_id",
    "target_id",
    "target_repr",
    "root_type_id",
    "root_id",
    "version",
    "changes",
)
ID_BLOCK = 1000
# SQLite: rows per INSERT (a statement of many rows runs without the GIL; larger statements
# only cost memory for their compiled program).
ROWS_PER_STATEMENT = 500


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class Bulk:
    """Raw writes on the connection of Django's current transaction."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"Imports do not support {self.vendor}.")
        # The connection of the current transaction (the writer thread uses it too: Django's
        # `connection` is per thread, this object is not).
        self.raw: Any = connection.connection
        self.ops = connection.ops
        self._next_ids: dict[str, int] = {}
        self._free_ids: dict[str, list[int]] = {}
        self._sequences: dict[str, str] = {}  # table -> its id sequence (PostgreSQL)
        self._cache_size: int | None = None
        self._types: dict[str, dict[str, int]] = {}
        self._immediate = False
        self._max_variables = 0
        if self.vendor == "sqlite":
            # A larger page cache keeps the indexes of a hundred thousand rows in memory.
            self._cache_size = int(self.raw.execute("PRAGMA cache_size").fetchone()[0])
            self.raw.execute("PRAGMA cache_size = -65536")
            self._max_variables = self.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    def check_constraints_at_once(self) -> None:
        """PostgreSQL: check foreign keys at the end of each statement rather than at commit,
        so that the checks of a chunk run while the next chunk is read (the commit would run
        them all at the end, one after the other)."""
        if self.vendor == "postgresql":
            with self.raw.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self._immediate = True

    def close(self) -> None:
        if self._cache_size is not None:
            self.raw.execute(f"PRAGMA cache_size = {self._cache_size}")
            self._cache_size = None
        if self._immediate:
            with self.raw.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's mode, as found
            self._immediate = False

    # --- values ----------------------------------------------------------------------------

    def timestamp(self, value: datetime) -> Any:
        return self.ops.adapt_datetimefield_value(value) if self.vendor == "sqlite" else value

    # One encoder for the whole import: json.dumps with options builds a new one per call.
    json = staticmethod(json.JSONEncoder(ensure_ascii=False).encode)

    # --- locking and ids ---------------------------------------------------------------

    def serialise(self, name: str) -> None:
        """One import of this kind at a time (SQLite: the transaction's write lock does it)."""
        if self.vendor == "postgresql":
            with self.raw.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"openkam.{name}",))

    def new_ids(self, model: type[models.Model], count: int) -> list[int]:
        """`count` ids no row of `model` has, nor will get from anybody else (one query)."""
        if count <= 0:
            return []
        if self.vendor == "sqlite":
            return [self.new_id(model) for _i in range(count)]
        with self.raw.cursor() as cursor:
            # The sequence's name once, not per row (pg_get_serial_sequence for each of
            # 100,000 ids took the server 0.7 s).
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                (self._sequence(model._meta.db_table), count),
            )
            return [int(row[0]) for row in cursor.fetchall()]

    def _sequence(self, table: str) -> str:
        name = self._sequences.get(table)
        if name is None:
            with self.raw.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
                name = self._sequences[table] = str(cursor.fetchone()[0])
        return name

    def new_id(self, model: type[models.Model]) -> int:
        """An id no row of `model` has, nor will get from anybody else."""
        table = model._meta.db_table
        if self.vendor == "sqlite":
            if table not in self._next_ids:
                # Past the AUTOINCREMENT counter too: ids of deleted rows are never reused
                # (their audit entries would show in the new record's history).
                cursor = self.raw.execute(
                    f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
                    f"COALESCE((SELECT MAX(id) FROM {_quote(table)}), 0)) + 1",
                    (table,),
                )
                self._next_ids[table] = int(cursor.fetchone()[0])
            value = self._next_ids[table]
            self._next_ids[table] = value + 1
            return value
        free = self._free_ids.setdefault(table, [])
        if not free:
            with self.raw.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                    (self._sequence(table), ID_BLOCK),
                )
                free.extend(reversed([int(row[0]) for row in cursor.fetchall()]))
        return free.pop()

    # --- writes ------------------------------------------------------------------------

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Rows may be a generator: on PostgreSQL each row is sent as it is made."""
        if isinstance(rows, Sequence) and not rows:
            return
        names = ", ".join(_quote(c) for c in columns)
        if self.vendor == "sqlite":
            head = f"INSERT INTO {_quote(table)} ({names}) VALUES "
            self._sqlite_values(head, len(columns), rows)
            return
        # Binary COPY: the server converts nothing from text (a quarter less of its work).
        types = self._column_types(table, columns)
        with self.raw.cursor() as cursor:
            set_json_dumps(_json_text, context=cursor)
            with cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                write = copy.write_row
                for row in rows:
                    write(row)

    def _sqlite_values(
        self, head: str, width: int, rows: Iterable[Sequence[Any]], tail: str = ""
    ) -> None:
        """`head` VALUES (...), (...), ... `tail` for as many rows at a time as SQLite takes
        parameters: one statement runs without Python's lock, so the reading thread goes on
        meanwhile. `executemany` needs the lock back after every row, and the two threads took
        turns instead of working at once (measured: 100,000 accounts 18.6 s -> see bench)."""
        per = max(1, min(ROWS_PER_STATEMENT, self._max_variables // width))
        one = "(" + ", ".join("?" * width) + ")"
        execute = self.raw.execute
        for batch in itertools.batched(rows, per):
            marks = ", ".join([one] * len(batch))
            execute(f"{head}{marks}{tail}", [value for row in batch for value in row])

    def _column_types(self, table: str, columns: Sequence[str]) -> list[int]:
        """PostgreSQL type oids of `columns`, for the binary COPY."""
        known = self._types.get(table)
        if known is None:
            with self.raw.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                    "AND attnum > 0 AND NOT attisdropped",
                    (table,),
                )
                known = self._types[table] = {name: int(oid) for name, oid in cursor.fetchall()}
        return [known[column] for column in columns]

    def update(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, key: str = "id"
    ) -> None:
        """UPDATE `columns` by `key`; each row is (*values, key)."""
        if not rows:
            return
        if self.vendor == "sqlite":
            sets = ", ".join(f"{_quote(c)} = ?" for c in columns)
            self.raw.executemany(f"UPDATE {_quote(table)} SET {sets} WHERE {_quote(key)} = ?", rows)
            return
        # PostgreSQL: COPY into a temporary copy of the columns, then one UPDATE ... FROM.
        # One temporary table per column set (a transaction may update different sets).
        temp = f"import_update_{table}_{zlib.crc32(','.join(columns).encode()):08x}"
        names = ", ".join(_quote(c) for c in (*columns, key))
        with self.raw.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_quote(temp)} ON COMMIT DROP AS "
                f"SELECT {names} FROM {_quote(table)} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {_quote(temp)}")
            with cursor.copy(f"COPY {_quote(temp)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{_quote(c)} = t.{_quote(c)}" for c in columns)
            cursor.execute(
                f"UPDATE {_quote(table)} AS o SET {sets} FROM {_quote(temp)} AS t "
                f"WHERE o.{_quote(key)} = t.{_quote(key)}"
            )

    def audit(self, rows: Iterable[Sequence[Any]]) -> None:
        """Audit entries as tuples in AUDIT_COLUMNS order (changes already JSON text)."""
        self.insert(AuditEntry._meta.db_table, AUDIT_COLUMNS, rows)

    def search_documents(
        self, documents: Iterable[DocumentData], *, now: datetime, new: bool = False
    ) -> None:
        """Create or refresh search documents, as search.services.search_documents_upsert
        does (same cleaning), without building an ORM object per document: the FTS5 triggers
        (SQLite) and the generated tsvector column (PostgreSQL) index them as usual. `new`:
        documents of records created by this transaction with ids from bulk.new_id."""
        if isinstance(documents, Sequence) and not documents:
            return
        rows = (
            (d.kind, d.object_id, d.account_id, *search_text(d.title, d.body), d.url, d.date)
            for d in documents
        )
        self.search_rows(rows, now=now, new=new)

    def search_rows(
        self, documents: Iterable[Sequence[Any]], *, now: datetime, new: bool = False
    ) -> None:
        """search_documents for documents as (kind, object id, account id, title, body, url,
        date), title and body as search.services.search_text makes them."""
        stamp = self.timestamp(now)
        rows = (
            (kind, object_id, account_id, title, body, url[:500], date, stamp)
            for kind, object_id, account_id, title, body, url, date in documents
        )
        table = SearchDocument._meta.db_table
        columns = ("kind", "object_id", "account_id", "title", "body", "url", "date", "updated_at")
        if self.vendor == "sqlite":
            # One statement for all the documents, not one per document (executemany): FTS5
            # writes its pending terms out at every statement that fires its trigger, so
            # that a statement per document leaves a segment per document to merge (measured:
            # 3.3 s instead of 0.5 s of full-text indexing for 100,000 accounts; 500 documents
            # a statement still cost 1 s more than one statement for 5,000).
            values = [[*row[:6], None if row[6] is None else str(row[6]), row[7]] for row in rows]
            if not values:
                return
            picks = ", ".join(f"json_extract(j.value, '$[{i}]')" for i in range(len(columns)))
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
            # WHERE true: SQLite's parser needs it between INSERT ... SELECT and ON CONFLICT.
            self.raw.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picks} "
                f"FROM json_each(?) AS j WHERE true "
                f"ON CONFLICT (kind, object_id) DO UPDATE SET {updates}",
                (self.json(values),),
            )
            return
        if new:
            # Records whose ids the sequence has just given out cannot have documents yet.
            self.insert(table, columns, rows)
            return
        # PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT.
        names = ", ".join(columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
        with self.raw.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS import_search_documents ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            cursor.execute("TRUNCATE import_search_documents")
            with cursor.copy(f"COPY import_search_documents ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM import_search_documents "
                f"ON CONFLICT (kind, object_id) DO UPDATE SET {updates}"
            )

    def locked_versions(self, model: type[models.Model], ids: Sequence[int]) -> list[Any]:
        """(id, version) of rows, locked until the end of the transaction on PostgreSQL
        (SQLite's one write lock is held already)."""
        table = _quote(model._meta.db_table)
        if self.vendor == "postgresql":
            return self.fetch(
                f"SELECT id, version FROM {table} WHERE id IN (SELECT unnest(%s::bigint[])) "
                f"FOR UPDATE",
                (list(ids),),
            )
        return self.fetch(
            f"SELECT id, version FROM {table} WHERE id IN (SELECT value FROM json_each(%s))",
            (self.json(list(ids)),),
        )

    def ids_in(self, column: str, ids: Sequence[int]) -> tuple[str, tuple[Any, ...]]:
        """A condition `column` IN `ids` with one parameter (however many ids), and it."""
        if self.vendor == "postgresql":
            return f"{_quote(column)} = ANY(%s::bigint[])", (list(ids),)
        return f"{_quote(column)} IN (SELECT value FROM json_each(%s))", (self.json(list(ids)),)

    def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        if self.vendor == "sqlite":
            self.raw.execute(sql.replace("%s", "?"), tuple(params))
            return
        with self.raw.cursor() as cursor:
            cursor.execute(sql, tuple(params))

    def fetch(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
            return list(self.raw.execute(sql, tuple(params)).fetchall())
        with self.raw.cursor() as cursor:
            cursor.execute(sql, tuple(params))
            return list(cursor.fetchall())


def _json_text(value: Any) -> str:
    """JSON for a jsonb column of a COPY: audit changes arrive encoded already."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def content_type_id(model: type[models.Model]) -> int:
    return ContentType.objects.get_for_model(model).pk
