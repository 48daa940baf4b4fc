"""What a vCard file turns into: contacts in OpenKAM's terms, cards and their errors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

# Apple writes a birthday without a year as 1604-MM-DD plus X-APPLE-OMIT-YEAR=1604; vCard 4.0
# writes --MMDD. We store such a birthday with the year NO_YEAR.
SUPPORTED_VERSIONS = ("2.1", "3.0", "4.0")
PRODID = "-//OpenKAM//OpenKAM//EN"

# Our own properties, so that two OpenKAM installations (or an export and a re-import) keep
# the decision-making-unit data that vCard has no property for.
X_FIELDS = {
    "X-OPENKAM-LEVEL": "level",
    "X-OPENKAM-BUYING-ROLE": "buying_role",
    "X-OPENKAM-ATTITUDE": "attitude",
    "X-OPENKAM-INFLUENCE": "influence",
    "X-OPENKAM-CHANNEL": "preferred_channel",
    "X-OPENKAM-PERSONA": "persona",
    "X-OPENKAM-VERIFIED": "last_verified_on",
}
X_PERSONAL = {
    "X-OPENKAM-FAMILY": "family",
    "X-OPENKAM-HOBBIES": "hobbies",
    "X-OPENKAM-VALUES": "values",
}


@dataclass
class Contact:
    """One person as a vCard describes them, in OpenKAM's terms."""

    first_name: str = ""
    last_name: str = ""
    job_title: str = ""
    department: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    address: str = ""
    profile_url: str = ""
    level: str = ""
    buying_role: str = ""
    attitude: str = ""
    influence: int | None = None
    preferred_channel: str = ""
    persona: str = ""
    last_verified_on: datetime.date | None = None
    # Personal notes: only written out for readers who may see them.
    birthday: datetime.date | None = None
    notes: str = ""
    family: str = ""
    hobbies: str = ""
    values: str = ""
    # What the card carried that OpenKAM has no place for (shown in the import preview).
    dropped: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def personal(self) -> dict[str, Any]:
        return {
            "birthday": self.birthday,
            "notes": self.notes,
            "family": self.family,
            "hobbies": self.hobbies,
            "values": self.values,
        }


@dataclass(frozen=True)
class CardError:
    """Why a card (or a line outside any card, card=None) cannot be imported."""

    card: int | None
    line: int
    reason: str


@dataclass
class ParsedCard:
    number: int  # 1-based position in the file
    line: int  # the line of its BEGIN:VCARD
    version: str = ""
    contact: Contact | None = None
    errors: list[CardError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.contact is not None and not self.errors


@dataclass
class ParsedFile:
    cards: list[ParsedCard]
    errors: list[CardError]  # problems outside any card

    @property
    def good(self) -> list[ParsedCard]:
        return [c for c in self.cards if c.ok]

    @property
    def bad(self) -> list[ParsedCard]:
        return [c for c in self.cards if not c.ok]

    @property
    def all_errors(self) -> list[CardError]:
        errors = list(self.errors)
        for card in self.cards:
            errors.extend(card.errors)
        return sorted(errors, key=lambda e: (e.line, e.card or 0))


@dataclass
class Property:
    name: str
    group: str
    params: dict[str, list[str]]
    value: str  # decoded to text; escapes not yet resolved
    line: int


class LineError(Exception):
    pass
