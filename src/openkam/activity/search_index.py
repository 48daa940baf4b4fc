"""Interactions in the global search (subject, texts, transcript, people, file names), kept
in step by the activity services and rebuilt by `kam search reindex`."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.activity.models import Attachment, Interaction
from openkam.activity.services import interaction_search_body
from openkam.search.registry import DocumentData, register
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

CHUNK = 2000


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
