"""Reading people rows, matching them to the people already there, writing them in bulk.

Each row names the person's account (by name, registration number or ERP customer id; or
the import's default account) and the person. Within the account, a row is matched to a
stored person by e-mail address, else by full name (as the vCard import matches cards): a
match is updated (version bumped, audited), anything else created. Empty cells leave stored
values as they are. Access: the head imports into any account; a KAM only into the accounts
they may edit, and a row for any other account is refused with the same words whether or
not that account exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from openkam.accounts.importing.bulk import Bulk
from openkam.accounts.importing.lookups import (
    ChoiceLookup,
    email_address,
    key,
    number_key,
    text_value,
    web_address,
)
from openkam.accounts.models import Account
from openkam.accounts.selectors import accounts_visible_to
from openkam.core.errors import ForbiddenError
from openkam.imports.engine import Plan, RowError
from openkam.imports.readers import FileProblem
from openkam.imports.targets import ChunkResult, Writer
from openkam.imports.values import ValueProblem
from openkam.revenue.customer_links import customer_links_load
from openkam.stakeholders.importing.output import PeopleOutput
from openkam.stakeholders.importing.values import (
    CHOICES,
    PERSON_FIELDS,
    STORED,
    Person,
    address_text,
    cached,
    influence_converter,
    split_name,
)
from openkam.stakeholders.models import Attitude, Stakeholder


class _Rejected(Exception):  # noqa: N818 - carries the row errors
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


class StakeholdersWriter(Writer):
    def __init__(self, *, plan: Plan, batch_id: int | None, dry_run: bool) -> None:
        actor = getattr(plan, "actor", None)  # None: the command line, with every right
        if actor is not None and not plan.target.may_import(actor):
            raise ForbiddenError(_("Your role cannot import people."))
        self.plan = plan
        self.actor = actor
        self.writing = not dry_run
        self.bulk = Bulk()
        self.bulk.serialise("stakeholders_import")
        self.index = plan.index
        self.width = len(plan.header) if plan.format == "csv" else 0
        self.head = actor is None or actor.is_head
        accounts = Account.objects.all() if actor is None else accounts_visible_to(actor)
        self.accounts: dict[int, str] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_number: dict[str, list[int]] = {}
        for pk, name, number in accounts.order_by().values_list(
            "pk", "name", "registration_number"
        ):
            self.accounts[pk] = name
            self.by_name.setdefault(key(name), []).append(pk)
            if number:
                self.by_number.setdefault(number_key(number), []).append(pk)
        self.customers: dict[str, int] = {}
        if "customer_id" in self.index:
            source = plan.options.get("source") or "erp"
            for code, (_pk, account_id) in customer_links_load(source=source).items():
                if account_id in self.accounts:
                    self.customers[code] = account_id
        self.default_account = self._default_account(plan.options.get("account", ""))
        self.people: dict[int, dict[str, list[tuple[Any, ...]]]] = {}  # account -> key -> rows
        self.touched: dict[int, int] = {}  # person id -> row of this file
        self.new_keys: dict[tuple[int, str], int] = {}  # (account, key) -> row of a new person
        self.temporary = 0
        self.blank_rows = 0
        self.created = self.updated = self.unchanged = 0
        self.accounts_touched: set[int] = set()
        self.converters = self._converters()
        self.output = PeopleOutput(bulk=self.bulk, actor=actor)

    # --- setup ----------------------------------------------------------------------------

    def _default_account(self, value: str) -> int | None:
        """The account of rows that name none: given by id or exact name, among those the
        importing user may edit (others are refused in the same words as missing ones)."""
        value = value.strip()
        if not value:
            return None
        if value.isdigit() and int(value) in self.accounts:
            return int(value)
        ids = self.by_name.get(key(value), [])
        if len(ids) == 1:
            return ids[0]
        # The whole file is refused (as an unreadable one is): nothing to write anywhere.
        if len(ids) > 1:
            raise FileProblem(
                _("%(count)s accounts are named %(account)s; choose the account by its id.")
                % {"count": len(ids), "account": value}
            )
        raise FileProblem(
            _("There is no account %(account)s you may import people into.") % {"account": value}
        )

    def _converters(self) -> list[tuple[str, int, Callable[[Any], Any]]]:
        plan = self.plan
        result: list[tuple[str, int, Callable[[Any], Any]]] = []
        for name, position in self.index.items():
            spec = plan.target.field(name)
            convert: Callable[[Any], Any]
            if name in CHOICES:
                lookup = ChoiceLookup(CHOICES[name])
                convert = cached(lookup)
            elif name == "email":
                convert = lambda v: email_address("" if v is None else str(v))  # noqa: E731
            elif name == "profile_url":
                convert = lambda v: web_address("" if v is None else str(v), max_length=300)  # noqa: E731
            elif name == "influence":
                convert = influence_converter(plan.converter(spec))
            elif spec.kind == "date":
                convert = plan.converter(spec)
            else:
                limit = spec.max_length
                convert = _text(limit)
            result.append((name, position, convert))
        return result

    # --- one row ----------------------------------------------------------------------

    def _values(self, row: list[Any], row_no: int) -> dict[str, Any]:
        if self.width and len(row) != self.width:
            _values, problems = self.plan.convert_row(row, row_no)
            raise _Rejected(problems)
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for name, position, convert in self.converters:
            try:
                values[name] = convert(row[position])
            except ValueProblem as problem:
                errors.append(self.plan.error(row_no, name, row, str(problem)))
        if errors:
            raise _Rejected(errors)
        return values

    def _account(self, values: dict[str, Any], row: list[Any], row_no: int) -> int:
        """The account a row names: by ERP customer id, registration number or name, or the
        import's default account. Refused in the same words whether an account the user may
        not edit exists or not."""
        found: dict[str, int] = {}
        asked: list[tuple[str, str]] = []
        for name, lookup in (
            ("customer_id", lambda v: [self.customers[v]] if v in self.customers else []),
            ("account_number", lambda v: self.by_number.get(number_key(v), [])),
            ("account", lambda v: self.by_name.get(key(v), [])),
        ):
            value = values.get(name) or ""
            if not value:
                continue
            asked.append((name, value))
            ids = lookup(value)
            if len(ids) > 1:
                raise _Rejected(
                    [
                        self.plan.error(
                            row_no,
                            name,
                            row,
                            _(
                                "names %(count)s accounts; identify the account by its "
                                "registration number"
                            )
                            % {"count": len(ids)},
                        )
                    ]
                )
            if ids:
                found[name] = ids[0]
        if len(set(found.values())) > 1:
            names = ", ".join(self.accounts[i] for i in dict.fromkeys(found.values()))
            raise _Rejected(
                [
                    self.plan.error(
                        row_no,
                        next(iter(found)),
                        row,
                        _("the account columns name different accounts: %(names)s")
                        % {"names": names},
                    )
                ]
            )
        if found:
            return next(iter(found.values()))
        if asked:
            name, value = asked[-1] if len(asked) == 1 else asked[0]
            reason = _("is no account in OpenKAM") if self.head else _("is no account you may edit")
            raise _Rejected([self.plan.error(row_no, name, row, reason)])
        if self.default_account is not None:
            return self.default_account
        raise _Rejected([self.plan.error(row_no, "account", row, _("names no account"))])

    def _row(self, row: list[Any], row_no: int) -> tuple[list[Any], int, dict[str, Any]] | None:
        if not row or all(cell is None or str(cell).strip() == "" for cell in row):
            self.blank_rows += 1
            return None
        values = self._values(row, row_no)
        return row, self._account(values, row, row_no), values

    def _person(
        self, row: list[Any], row_no: int, account_id: int, values: dict[str, Any]
    ) -> Person:
        errors: list[RowError] = []

        def fail(name: str, reason: str) -> None:
            errors.append(self.plan.error(row_no, name, row, reason))

        first = values.get("first_name", "")
        last = values.get("last_name", "")
        full = values.get("full_name", "")
        if full and not (first or last):
            first, last = split_name(full)
            if len(first) > 100 or len(last) > 100:
                fail("full_name", _("has a first or last name longer than 100 characters"))
        if not last and first and not full:
            first, last = "", first
        if not last:
            fail(
                "full_name" if "full_name" in self.index else "last_name",
                _("the person's name is missing"),
            )
        email = values.get("email", "")
        address = address_text(values)
        given = {
            "first_name": first,
            "last_name": last,
            "job_title": values.get("job_title", ""),
            "department": values.get("department", ""),
            "level": values.get("level", ""),
            "buying_role": values.get("buying_role", ""),
            "attitude": values.get("attitude", ""),
            "influence": values.get("influence"),
            "email": email,
            "phone": values.get("phone", ""),
            "mobile": values.get("mobile", ""),
            "address": address,
            "profile_url": values.get("profile_url", ""),
            "preferred_channel": values.get("preferred_channel", ""),
            "last_verified_on": values.get("last_verified"),
        }
        if errors:
            raise _Rejected(errors)
        stored, match_key = self._match(account_id, first, last, email, row, row_no)
        if stored is None:
            # New people: the model's defaults where the file says nothing; never verified
            # unless the file says when (an import is not a confirmation by the user).
            final = dict(given)
            final["attitude"] = given["attitude"] or Attitude.NEUTRAL
            final["influence"] = given["influence"] or 3
            self.new_keys[(account_id, match_key)] = row_no
            if email:
                self.new_keys[(account_id, "@" + email.casefold())] = row_no
            return Person(row=row_no, account_id=account_id, final=final, before=None)
        before = dict(zip(STORED, stored, strict=True))
        final = {name: before[name] for name in PERSON_FIELDS}
        for name, value in given.items():
            if value not in (None, ""):
                final[name] = value
        self.touched[before["id"]] = row_no
        return Person(
            row=row_no, account_id=account_id, final=final, before=before, person_id=before["id"]
        )

    def _match(
        self, account_id: int, first: str, last: str, email: str, row: list[Any], row_no: int
    ) -> tuple[tuple[Any, ...] | None, str]:
        name_key = key(f"{first} {last}".strip())
        people = self.people[account_id]
        column = "email" if email else ("full_name" if "full_name" in self.index else "last_name")
        candidates: list[tuple[Any, ...]] = []
        if email:
            candidates = people.get("@" + email.casefold(), [])
            earlier = self.new_keys.get((account_id, "@" + email.casefold()))
            if earlier is not None:
                raise _Rejected(
                    [
                        self.plan.error(
                            row_no,
                            column,
                            row,
                            _("is the same person as row %(row)s") % {"row": earlier},
                        )
                    ]
                )
        if not candidates:
            candidates = [
                p for p in people.get(name_key, []) if not email or not p[STORED.index("email")]
            ]
            earlier = self.new_keys.get((account_id, name_key))
            if earlier is not None and not candidates:
                raise _Rejected(
                    [
                        self.plan.error(
                            row_no,
                            column,
                            row,
                            _("is the same person as row %(row)s") % {"row": earlier},
                        )
                    ]
                )
        if len(candidates) > 1:
            raise _Rejected(
                [
                    self.plan.error(
                        row_no,
                        column,
                        row,
                        _(
                            "%(count)s people of %(account)s have this name; add their e-mail "
                            "addresses to tell them apart"
                        )
                        % {"count": len(candidates), "account": self.accounts[account_id]},
                    )
                ]
            )
        if candidates:
            earlier = self.touched.get(candidates[0][0])
            if earlier is not None:
                raise _Rejected(
                    [
                        self.plan.error(
                            row_no,
                            column,
                            row,
                            _("is the same person as row %(row)s") % {"row": earlier},
                        )
                    ]
                )
            return candidates[0], name_key
        return None, name_key

    def _load_people(self, account_ids: set[int]) -> None:
        wanted = [pk for pk in account_ids if pk not in self.people]
        for pk in wanted:
            self.people[pk] = {}
        if not wanted:
            return
        rows = Stakeholder.objects.filter(account_id__in=wanted).order_by("pk").values_list(*STORED)
        email_at = STORED.index("email")
        for stored in rows.iterator(chunk_size=5000):
            index = self.people[stored[1]]
            full = key(f"{stored[2]} {stored[3]}".strip())
            index.setdefault(full, []).append(stored)
            if stored[email_at]:
                index.setdefault("@" + stored[email_at].casefold(), []).append(stored)

    # --- chunks -------------------------------------------------------------------------

    def write_chunk(self, rows: list[list[Any]], first_row: int) -> ChunkResult:
        result = ChunkResult()
        accepted: list[tuple[int, list[Any], int, dict[str, Any]]] = []
        for offset, row in enumerate(rows):
            row_no = first_row + offset
            try:
                outcome = self._row(row, row_no)
            except _Rejected as rejected:
                result.errors.extend(rejected.errors)
                continue
            if outcome is not None:
                accepted.append((row_no, *outcome))
        self._load_people({account_id for _r, _row, account_id, _v in accepted})
        people: list[Person] = []
        for row_no, row, account_id, values in accepted:
            try:
                people.append(self._person(row, row_no, account_id, values))
            except _Rejected as rejected:
                result.errors.extend(rejected.errors)
        result.errors.extend(self._write(people))
        return result

    def _write(self, people: list[Person]) -> list[RowError]:
        for person in people:
            person.changes = self.output.changes(person)
        changed = [p for p in people if p.before is None or p.changes]
        errors: list[RowError] = []
        if self.writing and changed:
            errors = self.output.stale([p for p in changed if p.before is not None])
            failed = {e.row for e in errors}
            people = [p for p in people if p.row not in failed]
            self.output.insert([p for p in changed if p.row not in failed])
        for person in people:
            self.accounts_touched.add(person.account_id)
            if person.before is None:
                self.created += 1
            elif person.changes:
                self.updated += 1
            else:
                self.unchanged += 1
        return errors

    def finish(self) -> dict[str, Any]:
        return {
            "blank_rows": self.blank_rows,
            "rows_written": self.created + self.updated + self.unchanged,
            "people_created": self.created,
            "people_updated": self.updated,
            "people_unchanged": self.unchanged,
            "accounts": len(self.accounts_touched),
        }

    def close(self) -> None:
        self.bulk.close()


def _text(limit: int | None) -> Callable[[Any], str]:
    def convert(raw: Any) -> str:
        return text_value(raw, max_length=limit)

    return convert
