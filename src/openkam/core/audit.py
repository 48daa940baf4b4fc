"""Writing and reading the audit log. Services call `audit_record` inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from openkam.core.models import AuditAction, AuditEntry

Snapshot = dict[str, tuple[str, str]]  # field name -> (label, display value)


def display_value(instance: models.Model, field: models.Field[Any, Any]) -> str:
    """The value of `field` as a user reads it: choice labels, related names, blanks as empty."""
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    value = getattr(instance, field.name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> Snapshot:
    meta = instance._meta
    result: Snapshot = {}
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field)
        result[name] = (str(field.verbose_name), display_value(instance, field))
    return result


def diff(before: Snapshot, after: Snapshot) -> dict[str, dict[str, str]]:
    # Fields missing on one side count as empty, so that a deletion (`after` is {}) records
    # every value the record had, as a creation records every value it was given.
    changes: dict[str, dict[str, str]] = {}
    for name in [*after, *(name for name in before if name not in after)]:
        label, new = after.get(name) or (before[name][0], "")
        old = before.get(name, (label, ""))[1]
        if old != new:
            changes[name] = {"label": label, "old": old, "new": new}
    return changes


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model,
    changes: dict[str, dict[str, str]],
    root: models.Model | None = None,
    version: int | None = None,
) -> AuditEntry:
    root = root if root is not None else target
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:300],
        root_type=ContentType.objects.get_for_model(root),
        root_id=root.pk,
        version=version,
        changes=changes,
    )


def audit_entries_for(root: models.Model) -> models.QuerySet[AuditEntry]:
    """The history shown on a record's page, newest first, with the actor in the same query."""
    return AuditEntry.objects.filter(
        root_type=ContentType.objects.get_for_model(root), root_id=root.pk
    ).select_related("actor", "target_type")


def audit_entries_for_roots(
    model: type[models.Model], root_ids: models.QuerySet[Any], *, limit: int
) -> list[AuditEntry]:
    """The latest entries across many records (e.g. every account a user may see)."""
    return list(
        AuditEntry.objects.filter(
            root_type=ContentType.objects.get_for_model(model), root_id__in=root_ids
        ).select_related("actor", "target_type")[:limit]
    )
