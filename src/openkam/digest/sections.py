"""The digest's sections, contributed by the apps that know the problems.

Commitments contribute overdue, soon-due and rescheduled promises; cadence the accounts and
key people beyond their contact interval. Apps that arrive later add theirs the same way,
from their `AppConfig.ready()`:

    from openkam.digest.sections import DigestSection, register

    register(DigestSection(
        key="complaints", title=_("Open complaints"), order=40,
        collect=open_complaints,                       # (SectionScope) -> SectionResult
        template="complaints/digest_section.html",      # one account's items, as HTML
        text_template="complaints/digest_section.txt",  # the same as plain text
    ))

`collect` receives every account of the digest at once and must answer in a fixed number of
queries. It returns, per account id, a list of JSON-serialisable items (dates as ISO
strings; they are archived with the digest), each with a "severity": "danger" and "warning"
make the account one with problems, "info" is reported without alarm. Its `summary` adds
department-wide figures (numbers) to the digest's headline.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openkam.accounts.models import Account

PROBLEM_SEVERITIES = ("danger", "warning")


@dataclass(frozen=True)
class SectionScope:
    accounts: list[Account]
    today: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    due_soon_days: int


@dataclass
class SectionResult:
    items: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: Any  # a lazy translation, rendered in the reader's language
    order: int
    collect: Callable[[SectionScope], SectionResult]
    template: str
    text_template: str


_SECTIONS: dict[str, DigestSection] = {}


def register(section: DigestSection) -> None:
    _SECTIONS[section.key] = section


def registered_sections() -> list[DigestSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def section_by_key(key: str) -> DigestSection | None:
    return _SECTIONS.get(key)
