"""What global search may find in the knowledge base: title, kind, tags and text. Library
entries carry no account, so every reader with client access finds them."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openkam.knowledge.models import KnowledgeEntry
from openkam.search.registry import DocumentData, register


def knowledge_document(entry: KnowledgeEntry) -> DocumentData:
    body = "\n".join(
        part
        for part in (str(entry.get_kind_display()), entry.tags.replace(",", ", "), entry.body)
        if part
    )
    return DocumentData(
        kind="knowledge",
        object_id=entry.pk,
        account_id=entry.account_id,
        title=entry.title,
        body=body,
        url=reverse("knowledge:detail", args=[entry.pk]),
    )


def _documents() -> Iterator[DocumentData]:
    for entry in KnowledgeEntry.objects.order_by("pk").iterator(chunk_size=1000):
        yield knowledge_document(entry)


register(kind="knowledge", label=_("Knowledge"), documents=_documents, order=40)
