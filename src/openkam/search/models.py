"""The search index: one row per searchable record, maintained by the services of each app.

The full-text structures are vendor specific and created by the migration with RunSQL: on
PostgreSQL a generated `search_vector` tsvector column with a GIN index, on SQLite an FTS5
table kept in step by triggers. The ORM only ever reads and writes the plain columns below.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.BigIntegerField()
    # The account whose visibility governs the document; NULL for company-wide records
    # (e.g. the knowledge library) that every user with client access may read.
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=500)
    # When the record happened, if it is an event in time (an interaction): shown in results.
    date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
