"""Writing the people an import adds or changes: rows, audit entries and search documents in
a few statements per chunk (what stakeholder_create and stakeholder_update write, in bulk)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.accounts.importing.bulk import Bulk, content_type_id
from openkam.accounts.models import Account
from openkam.core.models import AuditAction
from openkam.imports.engine import RowError
from openkam.search.registry import DocumentData
from openkam.stakeholders.importing.values import (
    AUDITED,
    CHOICES,
    INSERT_COLUMNS,
    PERSON_FIELDS,
    Person,
)
from openkam.stakeholders.models import Stakeholder, StakeholderStatus, field_label


class PeopleOutput:
    def __init__(self, *, bulk: Bulk, actor: Any) -> None:
        self.bulk = bulk
        self.actor = actor
        self.stakeholder_type = content_type_id(Stakeholder)
        self.account_type = content_type_id(Account)
        self.labels = {name: field_label(Stakeholder, name) for name in AUDITED}
        self.url = reverse("stakeholders:detail", args=[999999999]).replace("999999999", "{}")
        self.left_label = str(_("left the company"))

    def stale(self, updates: list[Person]) -> list[RowError]:
        if not updates:
            return []
        ids = [p.person_id for p in updates if p.person_id is not None]
        current = dict(self.bulk.locked_versions(Stakeholder, ids))
        return [
            RowError(
                p.row,
                "",
                f"{p.final['first_name']} {p.final['last_name']}".strip(),
                _("someone changed this person during the import; import the file again"),
            )
            for p in updates
            if current.get(p.person_id) != (p.before or {}).get("version")
        ]

    def display(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if name in CHOICES:
            return str(CHOICES[name](value).label)
        return str(value)

    def changes(self, person: Person) -> dict[str, dict[str, str]]:
        changes: dict[str, dict[str, str]] = {}
        before = person.before
        for name in AUDITED:
            if name not in person.final:
                continue  # reports_to and persona: never set by an import
            old = self.display(name, before[name]) if before is not None else ""
            new = self.display(name, person.final[name])
            if old != new:
                changes[name] = {"label": self.labels[name], "old": old, "new": new}
        return changes

    def insert(self, people: list[Person]) -> None:
        bulk = self.bulk
        now = timezone.now()
        stamp = bulk.timestamp(now)
        actor_id = self.actor.pk if self.actor is not None else None
        new_rows: list[tuple[Any, ...]] = []
        update_rows: list[tuple[Any, ...]] = []
        audit: list[tuple[Any, ...]] = []
        documents: list[DocumentData] = []
        for person in people:
            final = person.final
            if person.before is None:
                person.person_id = bulk.new_id(Stakeholder)
                version, action = 1, AuditAction.CREATE
                new_rows.append(
                    (
                        person.person_id,
                        stamp,
                        stamp,
                        1,
                        person.account_id,
                        *(final[name] for name in PERSON_FIELDS),
                        StakeholderStatus.ACTIVE,
                        "",
                    )
                )
                status = StakeholderStatus.ACTIVE
            else:
                version, action = int(person.before["version"]) + 1, AuditAction.UPDATE
                update_rows.append(
                    (*(final[name] for name in PERSON_FIELDS), version, stamp, person.person_id)
                )
                status = person.before["status"]
            full_name = " ".join(p for p in (final["first_name"], final["last_name"]) if p)
            audit.append(
                (
                    stamp,
                    actor_id,
                    action,
                    self.stakeholder_type,
                    person.person_id,
                    full_name[:300],
                    self.account_type,
                    person.account_id,
                    version,
                    bulk.json(person.changes),
                )
            )
            documents.append(self.document(person, full_name, status))
        bulk.insert(Stakeholder._meta.db_table, INSERT_COLUMNS, new_rows)
        bulk.update(
            Stakeholder._meta.db_table, (*PERSON_FIELDS, "version", "updated_at"), update_rows
        )
        bulk.audit(audit)
        bulk.search_documents(documents, now=now)

    def document(self, person: Person, full_name: str, status: str) -> DocumentData:
        # The same text as stakeholders.search_index.stakeholder_document.
        final = person.final
        body = " ".join(
            part
            for part in (
                final["job_title"],
                final["department"],
                final["email"],
                final["phone"],
                final["mobile"],
                self.display("buying_role", final["buying_role"]),
                self.left_label if status == StakeholderStatus.LEFT else "",
            )
            if part
        )
        assert person.person_id is not None
        return DocumentData(
            kind="stakeholder",
            object_id=person.person_id,
            account_id=person.account_id,
            title=full_name,
            body=body,
            url=self.url.format(person.person_id),
        )
