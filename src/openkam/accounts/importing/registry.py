"""The accounts an import knows: those stored, and those the file creates, by id, name and
registration number. It answers which stored account a row is (so that a re-import updates
instead of duplicating) and which account a parent reference names, and refuses cycles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from openkam.accounts.importing.lookups import key, number_key
from openkam.accounts.models import Account
from openkam.imports.values import ValueProblem

# The columns of a stored account the import reads (and, for updates, compares and writes).
STORED = (
    "id",
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
)
# Where each stored value sits in a record read with STORED.
STORED_INDEX = {name: position for position, name in enumerate(STORED) if name != "id"}
# The stored values an update compares and replaces as they are (the parent, the owner and the
# ERP ids are resolved on their own; the version is the update's own).
PLAIN_FIELDS = tuple(n for n in STORED if n not in ("id", "parent_id", "owner_id", "version"))


class MatchProblem(ValueProblem):
    """Several known accounts fit a row; `field` is the column that made them fit."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class Deferred(Exception):  # noqa: N818 - a signal, not an error
    """The parent is not known yet: it may come later in the file."""

    def __init__(self, parent_id: int | None = None) -> None:
        self.parent_id = parent_id


@dataclass(slots=True)
class Entry:
    id: int
    name: str
    country: str
    registration_number: str
    parent_id: int | None
    # The stored record (STORED order) of an existing account; None for one the file creates.
    stored: tuple[Any, ...] | None = None
    row: int = 0  # the file row that created or updated it; 0 when untouched
    deferred: bool = False  # its row waits for a parent that comes later in the file


class Registry:
    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_number: dict[str, list[int]] = {}
        # Name and number keys of rows refused with errors: references to them say so.
        self.failed: dict[str, int] = {}
        for record in Account.objects.order_by().values_list(*STORED).iterator(chunk_size=5000):
            entry = Entry(
                id=record[0],
                name=record[1],
                country=record[6],
                registration_number=record[3],
                parent_id=record[9],
                stored=record,
            )
            self.add(entry)

    def add(self, entry: Entry, *, name_key: str = "", number: str = "") -> None:
        self.entries[entry.id] = entry
        self.index(entry, name_key=name_key, number=number)

    def index(self, entry: Entry, *, name_key: str = "", number: str = "") -> None:
        """Make `entry` findable by its name and number (keys given when already computed)."""
        if entry.name:
            ids = self.by_name.setdefault(name_key or key(entry.name), [])
            if entry.id not in ids:
                ids.append(entry.id)
        if entry.registration_number:
            ids = self.by_number.setdefault(number or number_key(entry.registration_number), [])
            if entry.id not in ids:
                ids.append(entry.id)

    def remember_failure(self, *, name: str, registration_number: str, row: int) -> None:
        if name:
            self.failed.setdefault("n:" + key(name), row)
        if registration_number:
            self.failed.setdefault("r:" + number_key(registration_number), row)

    # --- which account a row is -----------------------------------------------------------

    def match(self, *, name_key: str, country: str | None, number: str) -> Entry | None:
        """The known account a row describes (`name_key` and `number` as key() and
        number_key() make them): by registration number (in its country when the row names
        one), else by exact name unless the row's country or number contradict the stored
        ones. Raises MatchProblem when several accounts fit."""
        if number:
            ids = self.by_number.get(number, [])
            found = [
                self.entries[i] for i in ids if not country or self.entries[i].country == country
            ]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise MatchProblem(
                    _(
                        "is the registration number of %(count)s accounts in different "
                        "countries; add a country column to tell them apart"
                    )
                    % {"count": len(found)},
                    field="registration_number",
                )
        if not name_key:
            return None
        found = []
        for i in self.by_name.get(name_key, []):
            entry = self.entries[i]
            if (
                number
                and entry.registration_number
                and number_key(entry.registration_number) != number
            ):
                continue
            if country and entry.country and entry.country != country:
                continue
            found.append(entry)
        if len(found) > 1:
            raise MatchProblem(
                _(
                    "is the name of %(count)s accounts; add their registration numbers or "
                    "countries to tell them apart"
                )
                % {"count": len(found)},
                field="name",
            )
        return found[0] if found else None

    def failed_row(self, *, name: str, registration_number: str) -> int | None:
        if registration_number and ("r:" + number_key(registration_number)) in self.failed:
            return self.failed["r:" + number_key(registration_number)]
        if name and ("n:" + key(name)) in self.failed:
            return self.failed["n:" + key(name)]
        return None

    # --- parents ------------------------------------------------------------------------

    def parent(self, text: str, *, child_id: int, final: bool) -> int:
        """The id of the account `text` names (registration number or name) as the parent of
        `child_id`. Raises ValueProblem, or Deferred when it is unknown and later rows of the
        file may still create it (`final` False)."""
        numbers = self.by_number.get(number_key(text), [])
        names = self.by_name.get(key(text), [])
        ids = numbers if len(numbers) == 1 or not names else names
        if len(ids) > 1:
            raise ValueProblem(
                _("is the name of %(count)s accounts; name the parent by its registration number")
                % {"count": len(ids)}
                if ids is names
                else _(
                    "is the registration number of %(count)s accounts in different countries; "
                    "name the parent by its name"
                )
                % {"count": len(ids)}
            )
        if not ids:
            row = self.failed.get("r:" + number_key(text)) or self.failed.get("n:" + key(text))
            if row is not None:
                raise ValueProblem(
                    _("names the account of row %(row)s, which has errors") % {"row": row}
                )
            if not final:
                raise Deferred()
            raise ValueProblem(_("is no account in OpenKAM or in this file"))
        parent_id = ids[0]
        if parent_id == child_id:
            raise ValueProblem(_("is the account itself; an account cannot be its own parent"))
        self.refuse_cycle(child_id=child_id, parent_id=parent_id)
        if self.entries[parent_id].deferred and not final:
            raise Deferred(parent_id)
        return parent_id

    def refuse_cycle(self, *, child_id: int, parent_id: int) -> None:
        chain = [parent_id]
        current = self.entries[parent_id].parent_id
        seen = {parent_id}
        while current is not None and current not in seen:
            if current == child_id:
                names = [self.entries[i].name for i in [child_id, *chain, child_id]]
                raise ValueProblem(
                    _("would make a circle in the hierarchy: %(path)s")
                    % {"path": " → ".join(names)}
                )
            seen.add(current)
            chain.append(current)
            entry = self.entries.get(current)
            current = entry.parent_id if entry is not None else None
