"""Files leave the disk when their rows leave the database, however that happens (a service,
or a cascade from a deleted interaction or account), and only once the deletion commits:
a rolled-back deletion keeps its files."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openkam.activity.models import Attachment


def remove_file(sender: type[Attachment], instance: Attachment, **kwargs: Any) -> None:
    name = instance.file.name
    if not name:
        return
    storage = instance.file.storage
    transaction.on_commit(lambda: storage.delete(name), using=kwargs.get("using"))
