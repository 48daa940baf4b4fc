"""Reading account rows, deciding what each does, and handing the decisions to the output.

Each row is an account to create, a stored account to update (matched by registration number
in its country, else by exact name: a re-import never duplicates), or an account that is
already as the file says (unchanged). Empty cells leave stored values as they are.

Parents may be named (by name or registration number) before or after their subsidiaries
in the file. A row whose parent is not known yet waits, in memory, until the whole file has
been read (`flush`); so do the rows below it in the hierarchy. Every other row is written
with its chunk. Cycles are refused on the row that would close them.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from openkam.accounts.importing.bulk import Bulk
from openkam.accounts.importing.cells import blank_row, cached, text_cell
from openkam.accounts.importing.lookups import (
    ChoiceLookup,
    OwnerLookup,
    country_code,
    currency_code,
    key,
    number_key,
    split_ids,
    web_address,
)
from openkam.accounts.importing.output import AccountOutput, Planned
from openkam.accounts.importing.registry import (
    PLAIN_FIELDS,
    STORED_INDEX,
    Deferred,
    Entry,
    MatchProblem,
    Registry,
)
from openkam.accounts.models import Tier
from openkam.core.errors import ForbiddenError
from openkam.currency.currencies import currency_for_country
from openkam.imports.engine import Plan, RowError
from openkam.imports.targets import ChunkResult, Writer
from openkam.imports.values import ValueProblem
from openkam.revenue.customer_links import customer_links_load
from openkam.users.models import User

WRITE_SLICE = 5000
# While the writer thread runs, Python hands the GIL between the threads every 0.5 ms instead
# of 5 ms: the writer needs it for every row it binds or streams between two waits on the
# database, and with the default it waited up to 5 ms each time the reading thread was busy,
# leaving the database idle (measured on PostgreSQL: 10.6-11.2 s instead of 11.1-13.6 s).
SWITCH_INTERVAL = 0.0005


class _Rejected(Exception):  # noqa: N818 - carries the row errors
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


@dataclass(slots=True)
class _Waiting:
    """A row that waits for its parent until the end of the file."""

    planned: Planned
    parent_text: str
    row: list[Any] = field(default_factory=list)


class AccountsWriter(Writer):
    def __init__(self, *, plan: Plan, batch_id: int | None, dry_run: bool) -> None:
        # No actor: the command line without --user, run by whoever runs the server.
        actor = getattr(plan, "actor", None)
        if actor is not None and not plan.target.may_import(actor):
            raise ForbiddenError(_("Only the head of key accounts imports accounts."))
        self.plan = plan
        self.actor: User | None = actor
        self.writing = not dry_run
        self.bulk = Bulk()
        self.bulk.serialise("accounts_import")
        self.pool: ThreadPoolExecutor | None = None
        self.pending: Future[tuple[list[RowError], list[Planned]]] | None = None
        self.switch_interval = sys.getswitchinterval()  # restored when the pool ends
        if self.writing:
            self.bulk.check_constraints_at_once()
        self.index = plan.index
        self.width = len(plan.header) if plan.format == "csv" else 0
        self.source = plan.options.get("source") or "erp"
        self.owners = OwnerLookup()
        default_owner = plan.options.get("owner", "")
        self.default_owner: User | None = self.owners(default_owner) if default_owner else actor
        self.registry = Registry()
        self.customers = customer_links_load(source=self.source)
        self.claimed: dict[str, int] = {}  # customer id -> row of this file that claims it
        self.output = AccountOutput(
            bulk=self.bulk, actor=actor, registry=self.registry, source=self.source
        )
        tiers = ChoiceLookup(Tier)
        self.convert: dict[str, Callable[[Any], Any]] = {
            "country": cached(country_code),
            "tier": cached(tiers),
            "owner": cached(self.owners),
            "currency": cached(currency_code),
            # Every account has its own address: a cache would only grow.
            "website": lambda v: web_address("" if v is None else str(v), max_length=200),
            "customer_ids": lambda v: split_ids(v),
        }
        limits = {spec.name: spec.max_length for spec in plan.target.fields}
        self.converters: list[tuple[str, int, Callable[[Any], Any]]] = [
            (name, position, self.convert.get(name) or text_cell(limits[name]))
            for name, position in self.index.items()
        ]
        self.waiting: list[_Waiting] = []
        self.country_currencies: dict[str, str] = {}
        self.blank_rows = 0
        self.created = self.updated = self.unchanged = 0
        self.parents_set = self.owners_changed = 0
        self.customers_created = self.customers_linked = 0
        self.temporary_id = 0

    # --- one row ----------------------------------------------------------------------

    def _values(self, row: list[Any], row_no: int) -> dict[str, Any]:
        if self.width and len(row) != self.width:
            _values, problems = self.plan.convert_row(row, row_no)  # names the count problem
            raise _Rejected(problems)
        values: dict[str, Any] = {}
        try:
            for name, position, convert in self.converters:
                values[name] = convert(row[position])
        except ValueProblem:
            # Rare: convert the row again field by field to report every problem in it.
            errors: list[RowError] = []
            for name, position, convert in self.converters:
                try:
                    convert(row[position])
                except ValueProblem as problem:
                    errors.append(self.plan.error(row_no, name, row, str(problem)))
            raise _Rejected(errors) from None
        return values

    def _new_id(self) -> int:
        # Temporary until written (output.AccountOutput.write takes the real ids): the file
        # is read while the previous chunk is written, without touching the database.
        self.temporary_id -= 1
        return self.temporary_id

    def _row(self, row: list[Any], row_no: int) -> Planned | _Waiting | None:
        if blank_row(row):
            self.blank_rows += 1
            return None
        values = self._values(row, row_no)
        plan, registry = self.plan, self.registry
        errors: list[RowError] = []

        def fail(name: str, reason: str) -> None:
            errors.append(plan.error(row_no, name, row, reason))

        name = values.get("name", "")
        number = values.get("registration_number", "")
        country = values.get("country")
        name_key, number_k = key(name) if name else "", number_key(number) if number else ""
        try:
            entry = registry.match(name_key=name_key, country=country, number=number_k)
        except MatchProblem as problem:
            fail(problem.field, str(problem))
            raise _Rejected(errors) from None
        if entry is not None and entry.row:
            fail(
                "registration_number" if number and "name" not in self.index else "name",
                _("is the same account as row %(row)s") % {"row": entry.row},
            )
            raise _Rejected(errors)
        if entry is None:
            earlier = registry.failed_row(name=name, registration_number=number)
            if earlier is not None:
                fail(
                    "name",
                    _("is the same account as row %(row)s, which has errors") % {"row": earlier},
                )
                raise _Rejected(errors)
            planned = self._create(values, row_no, fail)
            planned.keys = (name_key, number_k)
        else:
            planned = self._update(entry, values, row_no, fail)
        parent_text = values.get("parent", "")
        waiting = False
        if parent_text and not errors:
            try:
                parent_id = registry.parent(parent_text, child_id=planned.entry.id, final=False)
            except Deferred:
                waiting = True
            except ValueProblem as problem:
                fail("parent", str(problem))
            else:
                planned.set_parent(parent_id)
        self._claim_customer_ids(planned, values.get("customer_ids", []), fail)
        if errors:
            registry.remember_failure(name=name, registration_number=number, row=row_no)
            raise _Rejected(errors)
        self._accept(planned)
        if waiting:
            planned.entry.deferred = True
            return _Waiting(planned=planned, parent_text=parent_text, row=row)
        return planned

    def _create(
        self, values: dict[str, Any], row_no: int, fail: Callable[[str, str], None]
    ) -> Planned:
        name = values.get("name", "")
        if not name:
            fail("name", _("the account name is missing (it is needed for a new account)"))
        country = values.get("country") or ""
        currency = values.get("currency") or self._country_currency(country)
        entry = Entry(
            id=self._new_id(),
            name=name,
            country=country,
            registration_number=values.get("registration_number", ""),
            parent_id=None,
            row=row_no,
        )
        owner = values.get("owner") or self.default_owner
        if owner is None:
            fail(
                "owner",
                _("names no owner; fill the owner column or choose a default owner"),
            )
        else:
            self.output.remember_user(owner)
        final = {
            "name": name,
            "legal_name": values.get("legal_name", ""),
            "registration_number": entry.registration_number,
            "vat_number": values.get("vat_number", ""),
            "industry": values.get("industry", ""),
            "country": country,
            "currency": currency,
            "website": values.get("website", ""),
            "tier": values.get("tier") or Tier.OTHER,
            "notes": values.get("notes", ""),
            "parent_id": None,
            "owner_id": owner.pk if owner is not None else None,
            "version": 1,
        }
        return Planned(row=row_no, entry=entry, final=final, before=None)

    def _country_currency(self, country: str) -> str:
        """The currency a new account of `country` is invoiced in, as account_create picks it."""
        currency = self.country_currencies.get(country)
        if currency is None:
            currency = self.country_currencies[country] = currency_for_country(country) or str(
                settings.KAM_REPORTING_CURRENCY
            )
        return currency

    def _update(
        self, entry: Entry, values: dict[str, Any], row_no: int, fail: Callable[[str, str], None]
    ) -> Planned:
        stored = entry.stored
        assert stored is not None
        before = {name: stored[index] for name, index in STORED_INDEX.items()}
        final = dict(before)
        for name in PLAIN_FIELDS:
            value = values.get(name)
            if value:
                final[name] = value
        owner = values.get("owner")
        if owner is not None:
            self.output.remember_user(owner)
            final["owner_id"] = owner.pk
        number = final["registration_number"]
        if number and (
            number != before["registration_number"] or final["country"] != before["country"]
        ):
            taken = [
                self.registry.entries[i]
                for i in self.registry.by_number.get(number_key(number), [])
                if i != entry.id and self.registry.entries[i].country == final["country"]
            ]
            if taken:
                fail(
                    "registration_number",
                    _("is the registration number of %(name)s in the same country")
                    % {"name": taken[0].name},
                )
        entry.row = row_no
        return Planned(row=row_no, entry=entry, final=final, before=before)

    def _claim_customer_ids(
        self, planned: Planned, codes: list[str], fail: Callable[[str, str], None]
    ) -> None:
        for code in codes:
            earlier = self.claimed.get(code)
            if earlier is not None:
                fail(
                    "customer_ids",
                    _("customer id %(code)s is already given to the account of row %(row)s")
                    % {"code": code, "row": earlier},
                )
                continue
            stored = self.customers.get(code)
            if stored is not None and stored[1] is not None:
                if stored[1] == planned.entry.id:
                    continue  # linked already: nothing to do
                owner = self.registry.entries.get(stored[1])
                fail(
                    "customer_ids",
                    _("customer id %(code)s belongs to %(account)s; unlink it there first")
                    % {"code": code, "account": owner.name if owner else "?"},
                )
                continue
            planned.links.append((code, stored[0] if stored is not None else None))

    def _accept(self, planned: Planned) -> None:
        """Record an accepted row in what later rows look up."""
        entry = planned.entry
        for code, _customer in planned.links:
            self.claimed[code] = planned.row
        if planned.before is None:
            self.registry.add(entry, name_key=planned.keys[0], number=planned.keys[1])
        else:
            entry.name = planned.final["name"]
            entry.country = planned.final["country"]
            entry.registration_number = planned.final["registration_number"]
            self.registry.index(entry)
        if planned.final["parent_id"] is not None:
            entry.parent_id = planned.final["parent_id"]

    def _count(self, planned: Planned) -> None:
        before = planned.before
        if before is None:
            self.created += 1
        elif planned.changed:
            self.updated += 1
        else:
            self.unchanged += 1
        parent = planned.final["parent_id"]
        if parent is not None and (before is None or before["parent_id"] != parent):
            self.parents_set += 1
        if before is not None and before["owner_id"] != planned.final["owner_id"]:
            self.owners_changed += 1
        for _code, customer in planned.links:
            if customer is None:
                self.customers_created += 1
            else:
                self.customers_linked += 1

    # --- chunks -------------------------------------------------------------------------

    def write_chunk(self, rows: list[list[Any]], first_row: int) -> ChunkResult:
        result = ChunkResult()
        ready: list[Planned] = []
        for offset, row in enumerate(rows):
            row_no = first_row + offset
            try:
                outcome = self._row(row, row_no)
            except _Rejected as rejected:
                result.errors.extend(rejected.errors)
            else:
                if isinstance(outcome, _Waiting):
                    self.waiting.append(outcome)
                elif outcome is not None:
                    ready.append(outcome)
            # Hand over in slices smaller than the engine's chunks: the writer thread starts
            # sooner, and less of the reading and of the writing goes unoverlapped.
            if len(ready) >= WRITE_SLICE:
                result.errors.extend(self._write(ready))
                ready = []
        result.errors.extend(self._write(ready))
        return result

    def flush(self) -> ChunkResult:
        """Rows that waited for their parent: resolve them now that the file is read."""
        result = ChunkResult()
        registry = self.registry
        refused: dict[int, str] = {}  # account id -> reason (for rows below it)
        decided: list[_Waiting] = []
        for waiting in self.waiting:
            planned = waiting.planned
            try:
                parent_id = registry.parent(
                    waiting.parent_text, child_id=planned.entry.id, final=True
                )
            except ValueProblem as problem:
                refused[planned.entry.id] = str(problem)
                result.errors.append(
                    self.plan.error(planned.row, "parent", waiting.row, str(problem))
                )
                continue
            planned.set_parent(parent_id)
            planned.entry.parent_id = parent_id
            decided.append(waiting)
        # A row below a refused one is refused too, down the hierarchy.
        changed = True
        while changed:
            changed = False
            for waiting in list(decided):
                parent = waiting.planned.final["parent_id"]
                if parent in refused:
                    row = registry.entries[parent].row
                    reason = _("names the account of row %(row)s, which has errors") % {"row": row}
                    refused[waiting.planned.entry.id] = reason
                    result.errors.append(
                        self.plan.error(waiting.planned.row, "parent", waiting.row, reason)
                    )
                    decided.remove(waiting)
                    changed = True
        for account_id in refused:
            registry.entries[account_id].deferred = False
        ready = sorted((w.planned for w in decided), key=lambda p: p.row)
        for planned in ready:
            planned.entry.deferred = False
        result.errors.extend(self._write(ready))
        result.errors.extend(self._collect())
        self.waiting = []
        self.output.hand_over()
        return result

    def _write(self, ready: list[Planned]) -> list[RowError]:
        """Hand a chunk's decisions to the writer thread; answers the errors of the chunk
        written before (the thread writes one chunk while this thread reads the next)."""
        if self.writing and ready:
            self.output.prepare(ready)  # while the writer thread still writes the chunk before
        errors = self._collect()
        if not ready:
            return errors
        if self.writing:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kam-import")
                self.switch_interval = sys.getswitchinterval()
                sys.setswitchinterval(min(self.switch_interval, SWITCH_INTERVAL))
            self.pending = self.pool.submit(self.output.write, ready)
        else:
            for planned in ready:
                self._count(planned)
        return errors

    def _collect(self) -> list[RowError]:
        if self.pending is None:
            return []
        pending, self.pending = self.pending, None
        errors, written = pending.result()
        for planned in written:
            self._count(planned)
        return errors

    def close(self) -> None:
        # The writer thread must be done before the transaction ends, whatever happened.
        if self.pending is not None:
            with contextlib.suppress(Exception):  # failing already: all is rolled back
                self.pending.result()
            self.pending = None
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
            sys.setswitchinterval(self.switch_interval)
        self.bulk.close()

    def finish(self) -> dict[str, Any]:
        return {
            "blank_rows": self.blank_rows,
            "rows_written": self.created + self.updated + self.unchanged,
            "accounts_created": self.created,
            "accounts_updated": self.updated,
            "accounts_unchanged": self.unchanged,
            "parents_set": self.parents_set,
            "customer_ids_created": self.customers_created,
            "customer_ids_linked": self.customers_linked,
            "owners_changed": self.owners_changed,
            "source": self.source,
            "vendor": connection.vendor,
        }
