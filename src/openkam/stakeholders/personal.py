"""Personal notes of a stakeholder (birthday, family, hobbies, values, free notes): how they are
written and how their changes are recorded without keeping their values in the history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.audit import audit_record
from openkam.core.models import AuditAction
from openkam.stakeholders.models import PersonalNote, Stakeholder, field_label
from openkam.users.models import User

PERSONAL_FIELDS = ("birthday", "family", "hobbies", "values", "notes")


def personal_changes(before: PersonalNote | None, after: PersonalNote | None) -> dict[str, Any]:
    """Which personal fields changed, without their values.

    The audit log outlives the data: an erasure request removes the notes, and no copy of a
    birthday or a family detail may stay behind in the history.
    """
    changes: dict[str, Any] = {}
    for name in PERSONAL_FIELDS:
        old = getattr(before, name, None) if before else None
        new = getattr(after, name, None) if after else None
        if (old or None) != (new or None):
            label = field_label(PersonalNote, name)
            changes[name] = {
                "label": label,
                "old": _("(recorded)") if old else "",
                "new": _("(changed)") if new else _("(erased)"),
            }
    return changes


def write_personal(
    *, actor: User, person: Stakeholder, values: Mapping[str, Any]
) -> PersonalNote | None:
    unknown = set(values) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    note = PersonalNote.objects.select_for_update().filter(stakeholder=person).first()
    before = None
    if note is not None:
        before = PersonalNote(**{name: getattr(note, name) for name in PERSONAL_FIELDS})
    else:
        note = PersonalNote(stakeholder=person)
    for name, value in values.items():
        if name == "birthday":
            note.birthday = value or None
        else:
            setattr(note, name, (value or "").strip())
    if note.birthday and note.birthday > timezone.localdate():
        raise ValidationError({"birthday": _("A birthday cannot be in the future.")})
    changes = personal_changes(before, None if note.is_empty else note)
    if not changes:
        return None if note.is_empty else note
    if note.is_empty:
        if note.pk is not None:
            note.delete()
        result = None
    else:
        note.full_clean()
        note.save()
        result = note
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=person,
        root=person.account,
        version=person.version,
        changes=changes,
    )
    return result
