"""Global search: one interface over PostgreSQL full-text search and SQLite FTS5.

Results respect access the same way every list does: a document is found only when its
account is in `accounts_visible_to(user)` (company-wide documents, without an account, by
everyone with client access; a person shared into a visible account through that account).
A search runs two queries whatever the size of the index: the ranked page of ids with the
total, then the page's documents with their snippets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from openkam.accounts.selectors import accounts_visible_to
from openkam.search.query import MARK_END, MARK_START, parse, snippet_html, to_fts5
from openkam.search.registry import kind_label
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import Role

# Ranking reads every matching document; a word that occurs in half the index would make
# that slow. Ranking stops at this many matches (the page says "more than").
MAX_CANDIDATES = 2000
MAX_QUERY_CHARS = 300
# PostgreSQL checks a phrase on at most this many documents holding all its words.
PHRASE_CANDIDATES = 5000
# Long transcripts: the snippet is cut from the first part only, to keep highlighting cheap.
SNIPPET_SOURCE_CHARS = 30_000


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: SafeString
    account_id: int | None
    account_name: str | None
    rank: float
    date: datetime.date | None = None

    @property
    def kind_label(self) -> Any:
        return kind_label(self.kind)


@dataclass
class SearchResults:
    query: str
    items: list[SearchHit] = field(default_factory=list)
    total: int = 0
    capped: bool = False  # more matches than were ranked: `total` is a lower bound
    # PostgreSQL looked for a phrase among the first PHRASE_CANDIDATES documents only.
    phrase_capped: bool = False


def _sql(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _access(user: Any) -> tuple[str, tuple[Any, ...]] | None:
    """The WHERE clause limiting documents to what `user` may read; None for no client data."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if role == Role.HEAD:
        return "1 = 1", ()
    if role not in (Role.KAM, Role.SPECIALIST):
        return None
    visible = accounts_visible_to(user).values("id")
    # People whose home account is visible are found through account_id; those shared into a
    # visible account (group purchasing) through that account's list of shared people.
    shared = Stakeholder.other_accounts.through.objects.filter(account__in=visible).values(
        "stakeholder_id"
    )
    people_sql, people_params = _sql(shared)
    if connection.vendor == "postgresql":
        # The visible ids as an array (one small query) let PostgreSQL AND the account index
        # with the full-text index; with a subquery it scans every matching document instead
        # (380 ms rather than 90 ms for a common word, for a KAM with 250 of 10,000 accounts).
        ids = list(accounts_visible_to(user).values_list("id", flat=True))
        clause = (
            "(d.account_id IS NULL OR d.account_id = ANY(%s)"
            f" OR (d.kind = 'stakeholder' AND d.object_id IN ({people_sql})))"
        )
        return clause, (ids, *people_params)
    accounts_sql, accounts_params = _sql(visible)
    clause = (
        f"(d.account_id IS NULL OR d.account_id IN ({accounts_sql})"
        f" OR (d.kind = 'stakeholder' AND d.object_id IN ({people_sql})))"
    )
    return clause, accounts_params + people_params


def search(
    *, user: Any, query: str, kind: str = "", limit: int = 20, offset: int = 0
) -> SearchResults:
    """Ranked documents matching `query` that `user` may read, with highlighted snippets."""
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    results = SearchResults(query=query)
    if not query:
        return results
    access = _access(user)
    if access is None:
        return results
    limit = max(1, min(limit, int(getattr(settings, "KAM_API_MAX_LIMIT", 200))))
    offset = max(0, offset)
    if connection.vendor == "postgresql":
        rows, results.phrase_capped = _postgres_page(query, access, kind, limit, offset)
    elif connection.vendor == "sqlite":
        rows = _sqlite_page(query, access, kind, limit, offset)
    else:  # pragma: no cover - OpenKAM supports PostgreSQL and SQLite
        raise NotImplementedError(f"search is not available on {connection.vendor}")
    if not rows:
        return results
    results.total = rows[0][2]
    results.capped = results.total >= MAX_CANDIDATES
    ranks = {row[0]: row[1] for row in rows}
    documents = (
        _postgres_documents(query, list(ranks))
        if connection.vendor == "postgresql"
        else _sqlite_documents(query, list(ranks))
    )
    by_id = {doc[0]: doc for doc in documents}
    for doc_id, rank, _total in rows:
        doc = by_id.get(doc_id)
        if doc is None:
            continue
        _id, kind_, object_id, title, url, account_id, account_name, snippet, day = doc
        results.items.append(
            SearchHit(
                kind=kind_,
                object_id=object_id,
                title=title,
                url=url,
                snippet=snippet_html(snippet or ""),
                account_id=account_id,
                account_name=account_name,
                rank=float(rank or 0),
                date=_as_date(day),
            )
        )
    return results


def _as_date(value: Any) -> datetime.date | None:
    # SQLite answers raw SQL with ISO strings, PostgreSQL with dates.
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _kind_clause(kind: str) -> tuple[str, tuple[Any, ...]]:
    return (" AND d.kind = %s", (kind,)) if kind else ("", ())


# --- PostgreSQL ------------------------------------------------------------------------------


def _postgres_page(
    query: str, access: tuple[str, tuple[Any, ...]], kind: str, limit: int, offset: int
) -> tuple[list[tuple[int, float, int]], bool]:
    """The ranked page and whether a phrase was only looked for among the first candidates.

    A GIN index knows which documents hold a word, not where: a phrase ("price increase", or
    a hyphenated word) is checked on each document holding all its words, reading its vector
    from the table. With common words that is tens of thousands of documents (250 ms and
    more), so phrases are checked on the first PHRASE_CANDIDATES documents that hold all the
    words, and the page says so.
    """
    kind_sql, kind_params = _kind_clause(kind)
    if not _has_phrase(query):
        sql = f"""
            WITH hits AS (
                SELECT d.id, ts_rank(d.search_vector, q.query) AS rank
                FROM search_searchdocument d,
                     websearch_to_tsquery('simple'::regconfig, %s) AS q(query)
                WHERE d.search_vector @@ q.query AND {access[0]}{kind_sql}
                LIMIT %s
            )
            SELECT id, rank, count(*) OVER (), 0 FROM hits
            ORDER BY rank DESC, id DESC
            LIMIT %s OFFSET %s
        """  # noqa: S608 (the clauses are ours; every value is a parameter)
        params = (query, *access[1], *kind_params, MAX_CANDIDATES, limit, offset)
    else:
        # querytree() keeps what an index can answer (no negations); the phrase operators
        # become AND, so the candidates hold every word, anywhere.
        sql = f"""
            WITH q AS (SELECT websearch_to_tsquery('simple'::regconfig, %s) AS query),
            candidates AS (
                SELECT d.id, d.search_vector
                FROM search_searchdocument d, q
                WHERE d.search_vector @@ regexp_replace(
                        querytree(q.query), '<(-|[0-9]+)>', '&', 'g')::tsquery
                    AND {access[0]}{kind_sql}
                LIMIT %s
            ),
            hits AS (
                SELECT c.id, ts_rank(c.search_vector, q.query) AS rank
                FROM candidates c, q
                WHERE c.search_vector @@ q.query
                LIMIT %s
            )
            -- One row at least (id NULL when nothing matched) to carry the candidates' count.
            SELECT h.id, h.rank, count(h.id) OVER (), (SELECT count(*) FROM candidates)
            FROM (SELECT 1) AS one LEFT JOIN hits h ON TRUE
            ORDER BY h.rank DESC NULLS LAST, h.id DESC
            LIMIT %s OFFSET %s
        """  # noqa: S608 (the clauses are ours; every value is a parameter)
        params = (
            query,
            *access[1],
            *kind_params,
            PHRASE_CANDIDATES,
            MAX_CANDIDATES,
            limit,
            offset,
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    phrase_capped = bool(rows) and rows[0][3] >= PHRASE_CANDIDATES
    return [(row[0], row[1], row[2]) for row in rows if row[0] is not None], phrase_capped


def _has_phrase(query: str) -> bool:
    return any(len(words) > 1 for group in parse(query).groups for words in group)


def _postgres_documents(query: str, ids: list[int]) -> list[tuple[Any, ...]]:
    options = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=28, MinWords=10, '
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    sql = """
        SELECT d.id, d.kind, d.object_id, d.title, d.url, d.account_id, a.name,
               ts_headline('simple'::regconfig, left(d.body, %s),
                           websearch_to_tsquery('simple'::regconfig, %s), %s),
               d.date
        FROM search_searchdocument d
        LEFT JOIN accounts_account a ON a.id = d.account_id
        WHERE d.id = ANY(%s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (SNIPPET_SOURCE_CHARS, query, options, ids))
        return list(cursor.fetchall())


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_page(
    query: str, access: tuple[str, tuple[Any, ...]], kind: str, limit: int, offset: int
) -> list[tuple[int, float, int]]:
    expression = to_fts5(query)
    if not expression:
        return []
    kind_sql, kind_params = _kind_clause(kind)
    # bm25 weights: a match in the title counts ten times one in the text. Lower is better.
    # Access is decided on search_scope, the narrow copy of the documents' access columns.
    # When more than MAX_CANDIDATES match, the newest documents are the ones ranked (FTS5
    # walks its lists backwards at no extra cost).
    sql = f"""
        SELECT id, rank, count(*) OVER () FROM (
            SELECT d.id AS id, bm25(search_fts, 10.0, 1.0) AS rank
            FROM search_fts JOIN search_scope d ON d.id = search_fts.rowid
            WHERE search_fts MATCH %s AND {access[0]}{kind_sql}
            ORDER BY search_fts.rowid DESC
            LIMIT %s
        )
        ORDER BY rank ASC, id DESC
        LIMIT %s OFFSET %s
    """  # noqa: S608 (the clauses are ours; every value is a parameter)
    params = (expression, *access[1], *kind_params, MAX_CANDIDATES, limit, offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], -float(row[1]), row[2]) for row in cursor.fetchall()]


def _sqlite_documents(query: str, ids: list[int]) -> list[tuple[Any, ...]]:
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"""
        SELECT d.id, d.kind, d.object_id, d.title, d.url, d.account_id, a.name,
               snippet(search_fts, 1, %s, %s, '…', 24), d.date
        FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid
        LEFT JOIN accounts_account a ON a.id = d.account_id
        WHERE search_fts MATCH %s AND search_fts.rowid IN ({placeholders})
    """  # noqa: S608 (placeholders only)
    with connection.cursor() as cursor:
        cursor.execute(sql, (MARK_START, MARK_END, to_fts5(query), *ids))
        return list(cursor.fetchall())
