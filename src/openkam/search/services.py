"""Writes to the search index. The services of each app call these inside their own transaction,
so a record and its document change together (and roll back together).

Personal notes are never passed here: what is indexed can be found by every reader of the
account.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db import transaction

from openkam.search.models import SearchDocument
from openkam.search.registry import DocumentData, sources

# A tsvector holds at most 1 MB; long transcripts are indexed by their first part.
MAX_BODY_CHARS = 200_000
UPDATE_FIELDS = ["account", "title", "body", "url", "date", "updated_at"]


def _clean(text: str, limit: int) -> str:
    # PostgreSQL text cannot hold NUL; pasted text sometimes carries it.
    return (text or "").replace("\x00", " ")[:limit]


# Words joined by dots, @, slashes or underscores (file names, e-mail addresses, domains):
# PostgreSQL's parser keeps them as one token, so "offer" would not find "offer.pdf".
_COMPOUND = re.compile(r"\w+(?:[._@/]+\w+)+")
_SEPARATORS = re.compile(r"[._@/]+")


def _with_parts(title: str, body: str) -> str:
    """The body, plus the parts of compound words of title and body, so that both databases
    find a part as a word of its own."""
    # Only the few words holding a separator go through the expression (a compound never
    # spans white space): running it over every word cost 17 µs a document, which a
    # 100,000-account import pays a hundred thousand times.
    words = [
        word
        for word in f"{title} {body[:MAX_BODY_CHARS]}".split()
        if "." in word or "@" in word or "/" in word or "_" in word
    ]
    parts = {
        part
        for word in words
        for token in _COMPOUND.findall(word)
        for part in _SEPARATORS.split(token)
        if part
    }
    if not parts:
        return body
    return f"{body}\n{' '.join(sorted(parts))}"


def search_text(title: str, body: str) -> tuple[str, str]:
    """The title and body a document is stored with (cleaned, cut, compound words' parts
    added): bulk writers store exactly what search_documents_upsert would."""
    title = _clean(title, 300) or "—"
    return title, _clean(_with_parts(title, _clean(body, MAX_BODY_CHARS)), MAX_BODY_CHARS + 20_000)


def _document(data: DocumentData) -> SearchDocument:
    title, body = search_text(data.title, data.body)
    return SearchDocument(
        kind=data.kind,
        object_id=data.object_id,
        account_id=data.account_id,
        title=title,
        body=body,
        url=data.url[:500],
        date=data.date,
    )


def search_document_upsert(
    *,
    kind: str,
    object_id: int,
    account_id: int | None,
    title: str,
    body: str,
    url: str,
    date: datetime.date | None = None,
) -> None:
    """Create or refresh the document of one record (one statement: INSERT ... ON CONFLICT).

    `account_id` is the account whose readers may find the record; None for company-wide
    records that every user with client access may read. `date` (optional) is shown beside
    results that happened on a day, such as interactions.
    """
    search_documents_upsert(
        [
            DocumentData(
                kind=kind,
                object_id=object_id,
                account_id=account_id,
                title=title,
                body=body,
                url=url,
                date=date,
            )
        ]
    )


def search_documents_upsert(documents: Iterable[DocumentData], *, batch_size: int = 1000) -> int:
    """Create or refresh many documents in batches; answers how many were written."""
    written = 0
    batch: list[SearchDocument] = []
    for data in documents:
        batch.append(_document(data))
        if len(batch) >= batch_size:
            written += _flush(batch)
            batch = []
    if batch:
        written += _flush(batch)
    return written


def _flush(batch: list[SearchDocument]) -> int:
    SearchDocument.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=UPDATE_FIELDS,
    )
    return len(batch)


def search_document_delete(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


def search_documents_delete(*, kind: str, object_ids: Iterable[int]) -> None:
    SearchDocument.objects.filter(kind=kind, object_id__in=list(object_ids)).delete()


@transaction.atomic
def search_index_rebuild(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the documents of every registered source (or of `kinds`) from the records.

    Documents of records that no longer exist are removed; the answer counts per kind.
    """
    counts: dict[str, int] = {}
    for source in sources():
        if kinds is not None and source.kind not in kinds:
            continue
        SearchDocument.objects.filter(kind=source.kind).delete()
        counts[source.kind] = search_documents_upsert(source.documents())
    return counts
