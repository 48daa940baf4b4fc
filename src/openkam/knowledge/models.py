"""What the company knows about its key clients, and how it answers unusual situations.

An entry either belongs to one account (its needs, pains, decision criteria, history facts,
standard answers for that client) and is read by those who see the account, or it has no
account and sits in the company-wide library (standard answers and questionnaires for
unusual situations, seed 002) that everybody with client access reads and the head and KAMs
maintain. Any text can point to an entry with a `[[kb:<id>]]` reference.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.core.models import VersionedModel


class KnowledgeKind(models.TextChoices):
    NEED = "need", _("Need")
    PAIN = "pain", _("Pain point")
    DECISION_CRITERION = "decision_criterion", _("Decision criterion")
    HISTORY_FACT = "history_fact", _("History fact")
    STANDARD_ANSWER = "standard_answer", _("Standard answer")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")


# What an account's entry can be, and what the library holds.
ACCOUNT_KINDS = (
    KnowledgeKind.NEED,
    KnowledgeKind.PAIN,
    KnowledgeKind.DECISION_CRITERION,
    KnowledgeKind.HISTORY_FACT,
    KnowledgeKind.STANDARD_ANSWER,
)
LIBRARY_KINDS = (KnowledgeKind.STANDARD_ANSWER, KnowledgeKind.QUESTIONNAIRE)


class KnowledgeEntry(VersionedModel):
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="knowledge",
        help_text=_("Empty for the company-wide library."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=KnowledgeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # Normalised "tag one,tag two" (trimmed, no duplicates): simple to filter on every database.
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")
        indexes = [
            models.Index(fields=["account", "kind", "title"]),
            models.Index(fields=["kind", "title"]),
            models.Index(fields=["-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_library(self) -> bool:
        return self.account_id is None

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def reference(self) -> str:
        """What to write in a note to link here."""
        return f"[[kb:{self.pk}]]"
