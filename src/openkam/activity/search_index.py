"""Interactions in the global search (subject, texts, transcript, people, file names), kept
in step by the activity services and rebuilt by `kam search reindex`."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.activity.models import Attachment, Interaction
from openkam.search.registry import DocumentData, register
from openkam.search.services import search_document_upsert
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

CHUNK = 2000


def interaction_search_body(interaction: Interaction) -> str:
    """What finds an interaction: its texts, the people in it and the names of its files."""
    people = [str(u) for u in interaction.our_participants.all()]
    people += [s.full_name for s in interaction.their_participants.all()]
    files = [a.original_name for a in interaction.attachments.all()]
    parts = [
        interaction.summary,
        interaction.outcome,
        interaction.next_step,
        " ".join(people),
        " ".join(files),
        interaction.transcript,
    ]
    return "\n".join(part for part in parts if part)


def interaction_search_title(interaction: Interaction) -> str:
    return f"{interaction.subject} ({interaction.get_kind_display()}, {interaction.account.name})"


def index_interaction(interaction: Interaction) -> None:
    """Rewrite the interaction's search document: the services call it after every change to
    the interaction, its people or its files, inside their transaction."""
    search_document_upsert(
        kind="interaction",
        object_id=interaction.pk,
        account_id=interaction.account_id,
        title=interaction.subject,
        body=interaction_search_body(interaction),
        url=reverse("activity:interaction_detail", args=[interaction.pk]),
        date=timezone.localdate(interaction.occurred_at),
    )


def documents() -> Iterator[DocumentData]:
    qs = Interaction.objects.order_by("pk").prefetch_related(
        Prefetch(
            "our_participants",
            queryset=User.objects.only("id", "first_name", "last_name", "username"),
        ),
        Prefetch(
            "their_participants", queryset=Stakeholder.objects.only("id", "first_name", "last_name")
        ),
        Prefetch(
            "attachments", queryset=Attachment.objects.only("id", "interaction_id", "original_name")
        ),
    )
    for interaction in qs.iterator(chunk_size=CHUNK):
        yield DocumentData(
            kind="interaction",
            object_id=interaction.pk,
            account_id=interaction.account_id,
            title=interaction.subject,
            body=interaction_search_body(interaction),
            url=reverse("activity:interaction_detail", args=[interaction.pk]),
            date=timezone.localdate(interaction.occurred_at),
        )


register(kind="interaction", label=_("Interaction"), documents=documents, order=30)
