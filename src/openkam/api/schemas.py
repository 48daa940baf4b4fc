"""Schemas that several apps' APIs answer with, defined once so the OpenAPI schema has one
definition of each."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from openkam.core.models import AuditEntry


class ChangeOut(Schema):
    field: str
    old: str | None
    new: str | None


class ChangeEntryOut(Schema):
    """One audit entry of a record: who changed which fields from what to what."""

    at: datetime.datetime
    actor: str | None
    action: str
    version: int | None
    changes: list[ChangeOut]

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str | None:
        return str(obj.actor) if obj.actor else None

    @staticmethod
    def resolve_changes(obj: AuditEntry) -> list[dict[str, Any]]:
        return obj.change_rows
