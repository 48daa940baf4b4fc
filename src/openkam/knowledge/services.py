"""Writes to the knowledge base. Account entries are maintained by whoever may change the
account; the library by the head and the KAMs. Every write is audited (on the account's
history, or on the library entry itself) and kept in step with the search index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_get
from openkam.core.audit import audit_entries_for, audit_record, diff, snapshot
from openkam.core.errors import ConflictError, ForbiddenError
from openkam.core.models import AuditAction
from openkam.knowledge.models import ACCOUNT_KINDS, LIBRARY_KINDS, KnowledgeEntry
from openkam.knowledge.search_index import knowledge_document
from openkam.knowledge.selectors import (
    knowledge_can_create,
    knowledge_can_edit,
    knowledge_get,
    normalise_tags,
)
from openkam.search.services import search_document_delete, search_document_upsert
from openkam.users.models import User

FIELDS = ("kind", "title", "body", "tags")


def _index(entry: KnowledgeEntry) -> None:
    doc = knowledge_document(entry)
    search_document_upsert(
        kind=doc.kind,
        object_id=doc.object_id,
        account_id=doc.account_id,
        title=doc.title,
        body=doc.body,
        url=doc.url,
    )


def _check_kind(entry: KnowledgeEntry) -> None:
    allowed = LIBRARY_KINDS if entry.account_id is None else ACCOUNT_KINDS
    if entry.kind and entry.kind not in allowed:
        labels = ", ".join(str(k.label) for k in allowed)
        where = _("the company library") if entry.account_id is None else _("an account")
        raise ValidationError(
            {
                "kind": _("Entries of %(where)s are one of: %(kinds)s.")
                % {"where": where, "kinds": labels}
            }
        )


def _root(entry: KnowledgeEntry) -> Account | KnowledgeEntry:
    return entry.account if entry.account is not None else entry


@transaction.atomic
def knowledge_create(
    *,
    actor: User,
    kind: str,
    title: str,
    body: str = "",
    tags: str | list[str] = "",
    account_id: int | None = None,
) -> KnowledgeEntry:
    """Write an entry for an account, or for the library when `account_id` is None."""
    account = account_get(user=actor, account_id=account_id) if account_id is not None else None
    if not knowledge_can_create(user=actor, account=account):
        raise ForbiddenError(
            _("Only the head and the KAMs maintain the library.")
            if account is None
            else _("You may read this account's knowledge but not change it.")
        )
    entry = KnowledgeEntry(
        account=account,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        tags=normalise_tags(tags),
        created_by=actor,
        updated_by=actor,
    )
    _check_kind(entry)
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=entry,
        root=_root(entry),
        version=entry.version,
        changes=diff({}, snapshot(entry, FIELDS)),
    )
    _index(entry)
    return entry


def _locked(*, actor: User, entry_id: int) -> KnowledgeEntry:
    entry = knowledge_get(user=actor, entry_id=entry_id)
    if not knowledge_can_edit(user=actor, entry=entry):
        raise ForbiddenError(
            _("Only the head and the KAMs maintain the library.")
            if entry.account_id is None
            else _("You may read this account's knowledge but not change it.")
        )
    return (
        KnowledgeEntry.objects.select_for_update(of=("self",))
        .select_related("account")
        .get(pk=entry.pk)
    )


def _conflict(entry: KnowledgeEntry, expected_version: int) -> ConflictError:
    changes = [
        e
        for e in audit_entries_for(_root(entry)).filter(
            target_id=entry.pk, version__gt=expected_version
        )
        if e.target_type.model_class() is KnowledgeEntry
    ]
    who = ", ".join(sorted({str(e.actor) for e in changes if e.actor})) or _("someone else")
    return ConflictError(
        _(
            "%(who)s changed “%(title)s” after you opened it (now version %(version)s, you "
            "edited version %(expected)s). Nothing was saved: review their change below."
        )
        % {
            "who": who,
            "title": entry.title,
            "version": entry.version,
            "expected": expected_version,
        },
        current=entry,
        changes=changes,
    )


@transaction.atomic
def knowledge_update(
    *, actor: User, entry_id: int, expected_version: int, changes: Mapping[str, Any]
) -> KnowledgeEntry:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    entry = _locked(actor=actor, entry_id=entry_id)
    if entry.version != expected_version:
        raise _conflict(entry, expected_version)
    before = snapshot(entry, FIELDS)
    for name, value in changes.items():
        if name == "tags":
            entry.tags = normalise_tags(value or "")
        elif value is not None:
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
    _check_kind(entry)
    entry.full_clean()
    field_changes = diff(before, snapshot(entry, FIELDS))
    if field_changes:
        entry.version += 1
        entry.updated_by = actor
        entry.save(update_fields=[*field_changes, "version", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=entry,
            root=_root(entry),
            version=entry.version,
            changes=field_changes,
        )
        _index(entry)
    return entry


@transaction.atomic
def knowledge_delete(*, actor: User, entry_id: int, expected_version: int | None = None) -> None:
    entry = _locked(actor=actor, entry_id=entry_id)
    if expected_version is not None and entry.version != expected_version:
        raise _conflict(entry, expected_version)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=entry,
        root=_root(entry),
        version=entry.version,
        changes=diff(snapshot(entry, FIELDS), {}),
    )
    entry_pk = entry.pk
    entry.delete()
    search_document_delete(kind="knowledge", object_id=entry_pk)
