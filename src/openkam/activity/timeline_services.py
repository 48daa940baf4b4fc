"""Writes to an account's timeline: the events other apps put there (a promise made or kept,
a person who left, ...). Interactions show on the timeline too, but the interaction services
write those; an event depends on nothing of theirs, so it lives apart from them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.activity.models import TimelineEvent


@transaction.atomic
def timeline_event_record(
    *,
    account: Any,
    occurred_at: datetime.datetime,
    kind: str,
    title: str,
    body: str = "",
    actor: Any = None,
    source_type: str = "",
    source_id: int | None = None,
    stakeholder: Any = None,
) -> TimelineEvent:
    """Put something that happened on an account's timeline (called by other apps' services
    inside their transaction). Events are a record of what happened: they are not audited
    themselves, the change that caused them is."""
    if not (title or "").strip():
        raise ValidationError({"title": _("A timeline event needs a title.")})
    event = TimelineEvent(
        account=account,
        occurred_at=occurred_at,
        kind=kind,
        title=title.strip()[:300],
        body=body or "",
        actor=actor if getattr(actor, "pk", None) else None,
        source_type=source_type or "",
        source_id=source_id,
        stakeholder=stakeholder,
    )
    event.full_clean()
    event.save()
    return event
