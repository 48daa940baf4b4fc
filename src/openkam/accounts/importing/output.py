"""Writing the decisions of an account import: accounts, owners on their teams, audit entries,
search documents and ERP customer-id links, a chunk at a time, in a few statements each.

What is written is what `account_create` and `account_update` write for one account (the
owner leads the team; every created or changed account gets an audit entry with its changes
and a new version; the search index follows), only in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from openkam.accounts.importing.bulk import Bulk, content_type_id
from openkam.accounts.importing.lookups import field_label
from openkam.accounts.importing.registry import Entry, Registry
from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier
from openkam.core.choices import Level
from openkam.core.models import AuditAction
from openkam.imports.engine import RowError
from openkam.revenue.customer_links import CustomerLink, customer_links_write
from openkam.search.services import search_text
from openkam.users.models import User

ACCOUNT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "name",
    "legal_name",
    "registration_number",
    "vat_number",
    "industry",
    "country",
    "currency",
    "website",
    "parent_id",
    "tier",
    "owner_id",
    "notes",
)
# Columns an update writes: every editable one (the values are final, unchanged ones included).
UPDATE_COLUMNS = (
    "name",
    "legal_name",
    "registration_number",
    "vat_number",
    "industry",
    "country",
    "currency",
    "website",
    "parent_id",
    "tier",
    "owner_id",
    "notes",
    "version",
    "updated_at",
)
# Audit order of the fields (as services.EDITABLE_FIELDS), with the key of their final value.
AUDITED = (
    ("name", "name"),
    ("legal_name", "legal_name"),
    ("registration_number", "registration_number"),
    ("vat_number", "vat_number"),
    ("industry", "industry"),
    ("country", "country"),
    ("currency", "currency"),
    ("website", "website"),
    ("parent", "parent_id"),
    ("tier", "tier"),
    ("owner", "owner_id"),
    ("notes", "notes"),
)
# Audited fields shown as stored (text), without a look-up.
_PLAIN = frozenset(
    {
        "name",
        "legal_name",
        "registration_number",
        "vat_number",
        "industry",
        "currency",
        "website",
        "notes",
    }
)
# Without id: the database numbers team members (nothing refers to them during the import).
TEAM_COLUMNS = ("account_id", "user_id", "team_role", "level", "created_at", "updated_at")
TEAM_TABLE = AccountTeamMember._meta.db_table
ACCOUNT_TABLE = Account._meta.db_table


@dataclass(slots=True)
class Planned:
    """What one row does to one account: `final` values (keys of registry.STORED), and the
    stored ones in `before` for an update (None for a new account)."""

    row: int
    entry: Entry
    final: dict[str, Any]
    before: dict[str, Any] | None
    # (customer id code, existing unlinked customer row or None) to link to the account
    links: list[tuple[str, int | None]] = field(default_factory=list)
    # key() of the name and number_key() of the registration number, for the registry
    keys: tuple[str, str] = ("", "")
    # Made by AccountOutput.prepare in the reading thread: the audit entry's changes (JSON
    # text) and the search document's body, so that the writer thread only sends rows.
    audit_changes: str = ""
    title: str = ""
    body: str = ""
    _fields_changed: bool | None = None

    def set_parent(self, parent_id: int) -> None:
        self.final["parent_id"] = parent_id
        self._fields_changed = None

    @property
    def fields_changed(self) -> bool:
        if self.before is None:
            return True
        if self._fields_changed is None:
            before, final = self.before, self.final
            self._fields_changed = any(final[k] != before[k] for k in before if k != "version")
        return self._fields_changed

    @property
    def changed(self) -> bool:
        return self.fields_changed or bool(self.links)


class AccountOutput:
    def __init__(self, *, bulk: Bulk, actor: User | None, registry: Registry, source: str) -> None:
        self.bulk = bulk
        self.actor = actor
        self.registry = registry
        self.source = source
        self.account_type = content_type_id(Account)
        self.labels = {name: field_label(Account, name) for name, _key in AUDITED}
        # The audit changes are written as JSON text piece by piece: the start of each
        # field's entry is the same in every row (json's encoder took 18 µs an account).
        self.change_heads = {
            name: f'{encode_basestring(name)}: {{"label": {encode_basestring(str(label))}, '
            for name, label in [
                *self.labels.items(),
                ("customer_ids", _("ERP customer ids")),
            ]
        }
        self.tier_labels = {value: str(label) for value, label in Tier.choices}
        self.users: dict[int, str] = {
            pk: str(user) for pk, user in ((u.pk, u) for u in User.objects.all())
        }
        self.country_names: dict[str, str] = {}
        self.url = reverse("accounts:detail", args=[999999999]).replace("999999999", "{}")
        self.language = translation.get_language()
        self.real_ids: dict[int, int] = {}  # temporary id of a new account -> its id
        self.actor_id = actor.pk if actor is not None else None
        self.handovers: list[tuple[int, int]] = []  # (account id, previous owner id)

    def remember_user(self, user: User) -> None:
        self.users.setdefault(user.pk, str(user))

    # --- display values (as core.audit.display_value shows them) ---------------------------

    def _display(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if name == "country":
            if value not in self.country_names:
                self.country_names[value] = str(countries.name(value))
            return self.country_names[value]
        if name == "tier":
            return self.tier_labels.get(value, value)
        if name == "owner":
            return self.users.get(value, "")
        if name == "parent":
            entry = self.registry.entries.get(value)
            return entry.name if entry is not None else ""
        return str(value)

    def _changes(self, planned: Planned) -> list[tuple[str, str, str]]:
        """(field, old, new) of each audited field the row sets or changes (as core.audit.diff
        records them)."""
        changes: list[tuple[str, str, str]] = []
        before = planned.before
        final = planned.final
        display = self._display
        if before is None:  # a new account: every value it was given (as core.audit.diff)
            for name, key in AUDITED:
                value = final[key]
                if value is not None and value != "":
                    new = value if name in _PLAIN else display(name, value)
                    if new:
                        changes.append((name, "", new))
            return changes
        for name, key in AUDITED:
            old = display(name, before.get(key))
            new = display(name, final[key])
            if old != new:
                changes.append((name, old, new))
        return changes

    def _changes_json(self, changes: list[tuple[str, str, str]]) -> str:
        """The audit entry's changes, {field: {"label", "old", "new"}}, as JSON text."""
        heads = self.change_heads
        return (
            "{"
            + ", ".join(
                [
                    f'{heads[name]}"old": {encode_basestring(old)}, '
                    f'"new": {encode_basestring(new)}}}'
                    for name, old, new in changes
                ]
            )
            + "}"
        )

    def _body(self, final: dict[str, Any]) -> str:
        # The same text as accounts.search_index.account_document, without building models.
        parts = [
            final["legal_name"],
            final["registration_number"],
            final["vat_number"],
            final["industry"],
            self._display("country", final["country"]),
            final["website"],
            final["notes"],
        ]
        return "\n".join(p for p in parts if p)

    def _document(self, account_id: int, planned: Planned) -> tuple[Any, ...]:
        return (
            "account",
            account_id,
            account_id,
            planned.title,
            planned.body,
            self.url.format(account_id),
            None,
        )

    def prepare(self, ready: list[Planned]) -> None:
        """Make the audit changes and search text of rows about to be written. Runs in the
        reading thread, which would otherwise wait for the writer thread: that one then only
        sends rows (measured: a third of its Python work moved off the critical path)."""
        for planned in ready:
            changed = planned.fields_changed
            if changed:
                planned.title, planned.body = search_text(
                    planned.final["name"], self._body(planned.final)
                )
            if changed or planned.links:
                changes = self._changes(planned) if changed else []
                if planned.links:
                    codes = ", ".join(code for code, _customer in planned.links)
                    changes.append(("customer_ids", "", codes))
                planned.audit_changes = self._changes_json(changes)

    # --- writing ----------------------------------------------------------------------

    def _stale(self, updates: list[Planned]) -> list[RowError]:
        """Updates of accounts someone changed since the import read them (PostgreSQL lets
        others write meanwhile): refused, so that nobody's edit is silently overwritten."""
        if not updates:
            return []
        rows = self.bulk.locked_versions(Account, [p.entry.id for p in updates])
        current = dict(rows)
        return [
            RowError(
                p.row,
                "",
                p.entry.name,
                _("someone changed this account during the import; import the file again"),
            )
            for p in updates
            if current.get(p.entry.id) != (p.before or {}).get("version")
        ]

    def write(self, ready: list[Planned]) -> tuple[list[RowError], list[Planned]]:
        """Write the rows' decisions; answers the rows refused meanwhile (accounts changed
        by someone else) and the rows written. Runs in the import's writer thread: raw SQL on
        the transaction's connection only (the ORM would open another connection there)."""
        with translation.override(self.language):
            return self._write(ready)

    def _write(self, ready: list[Planned]) -> tuple[list[RowError], list[Planned]]:
        updates = [p for p in ready if p.before is not None and p.fields_changed]
        errors = self._stale(updates)
        if errors:
            failed = {e.row for e in errors}
            ready = [p for p in ready if p.row not in failed]
            updates = [p for p in updates if p.row not in failed]
        creates = [p for p in ready if p.before is None]
        # New accounts got temporary (negative) ids while the file was read; their real ids
        # are taken now, all of a slice first, so that parents in the same slice resolve.
        real = self.real_ids
        for planned, account_id in zip(
            creates, self.bulk.new_ids(Account, len(creates)), strict=True
        ):
            real[planned.entry.id] = account_id
        for planned in updates:
            before = planned.before
            assert before is not None
            planned.final["version"] = int(before["version"]) + 1
            if planned.final["owner_id"] != before["owner_id"]:
                self.handovers.append((planned.entry.id, before["owner_id"]))
        now = timezone.now()
        stamp = self.bulk.timestamp(now)
        bulk = self.bulk
        # Rows are made while they are sent: the database inserts one while the next is made.
        if creates:
            bulk.insert(
                Account._meta.db_table,
                ACCOUNT_COLUMNS,
                (self._account_row(p, stamp) for p in creates),
            )
            # The owner leads the team, as account_create makes it (the account's creation
            # entry names the owner; the team needs no entry of its own): one INSERT ...
            # SELECT from the accounts just written, no row made or sent from Python.
            condition, params = bulk.ids_in("id", [real[p.entry.id] for p in creates])
            bulk.execute(
                f"INSERT INTO {TEAM_TABLE} ({', '.join(TEAM_COLUMNS)}) "  # noqa: S608 - model names
                f"SELECT id, owner_id, %s, %s, created_at, created_at FROM {ACCOUNT_TABLE} "
                f"WHERE {condition}",
                (TeamRole.KAM_LEAD.value, Level.HEAD_OF_DEPARTMENT.value, *params),
            )
        if updates:
            bulk.update(
                Account._meta.db_table,
                UPDATE_COLUMNS,
                [self._update_row(p, stamp) for p in updates],
            )
        audited = [p for p in ready if p.before is None or p.fields_changed or p.links]
        if audited:
            bulk.audit(self._audit_row(p, stamp) for p in audited)
        if creates:
            bulk.search_rows(
                (self._document(real[p.entry.id], p) for p in creates), now=now, new=True
            )
        if updates:
            bulk.search_rows([self._document(p.entry.id, p) for p in updates], now=now)
        links = [
            CustomerLink(
                code=code,
                account_id=real.get(p.entry.id, p.entry.id),
                account_name=p.final["name"],
                customer_id=customer_id,
                country=p.final["country"],
            )
            for p in ready
            for code, customer_id in p.links
        ]
        customer_links_write(bulk=bulk, source=self.source, links=links)
        return errors, ready

    def _parent(self, planned: Planned) -> int | None:
        parent_id = planned.final["parent_id"]
        if parent_id is not None and parent_id < 0:
            return self.real_ids[parent_id]
        return parent_id

    def _account_row(self, planned: Planned, stamp: Any) -> tuple[Any, ...]:
        final = planned.final
        return (
            self.real_ids[planned.entry.id],
            stamp,
            stamp,
            1,
            final["name"],
            final["legal_name"],
            final["registration_number"],
            final["vat_number"],
            final["industry"],
            final["country"],
            final["currency"],
            final["website"],
            self._parent(planned),
            final["tier"],
            final["owner_id"],
            final["notes"],
        )

    def _update_row(self, planned: Planned, stamp: Any) -> tuple[Any, ...]:
        final = planned.final
        values = [final[c] for c in UPDATE_COLUMNS[:-2]]
        values[UPDATE_COLUMNS.index("parent_id")] = self._parent(planned)
        return (*values, final["version"], stamp, planned.entry.id)

    def _audit_row(self, planned: Planned, stamp: Any) -> tuple[Any, ...]:
        """The audit entry of a created or changed account (or of one that only got new
        customer ids: an update entry at its unchanged version)."""
        final = planned.final
        if planned.before is None:
            action, version = AuditAction.CREATE, 1
        else:
            action, version = AuditAction.UPDATE, final["version"]
        account_id = self.real_ids.get(planned.entry.id, planned.entry.id)
        return (
            stamp,
            self.actor_id,
            action,
            self.account_type,
            account_id,
            final["name"][:300],
            self.account_type,
            account_id,
            version,
            planned.audit_changes,
        )

    def hand_over(self) -> None:
        """A new owner leads the team and the previous one leaves it, as when the head
        assigns an owner by hand (rare in an import: one account at a time, through the ORM,
        so in the import's own thread once the writes are done)."""
        from openkam.accounts.services import _hand_over

        handovers, self.handovers = self.handovers, []
        if not handovers:
            return
        accounts = Account.objects.select_related("owner").in_bulk([a for a, _o in handovers])
        old_owners = User.objects.in_bulk([o for _a, o in handovers])
        for account_id, old_owner_id in handovers:
            _hand_over(
                actor=self.actor,  # type: ignore[arg-type]  # None: audit entry without actor
                account=accounts[account_id],
                old_owner=old_owners[old_owner_id],
            )
