"""Which apps put which kinds of records into the search index.

Each app that has searchable records describes them in its own `search_index.py` module with
`register(kind=..., label=..., documents=...)`; `discover()` imports those modules (as the
admin discovers `admin.py`), so the search app never imports the apps that call it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentData:
    """One record's searchable text, as the app that owns the record describes it."""

    kind: str
    object_id: int
    account_id: int | None
    title: str
    body: str
    url: str
    date: datetime.date | None = None


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any
    # Every document of this kind, for `kam search reindex`; iterate in chunks.
    documents: Callable[[], Iterable[DocumentData]]
    order: int = 100


_SOURCES: dict[str, Source] = {}
_DISCOVERED = False

# Labels of the kinds the contract names, so results read well even before discovery.
DEFAULT_LABELS: dict[str, Any] = {
    "account": _("Account"),
    "stakeholder": _("Person"),
    "interaction": _("Interaction"),
    "knowledge": _("Knowledge"),
}


def register(
    *,
    kind: str,
    label: Any,
    documents: Callable[[], Iterable[DocumentData]],
    order: int = 100,
) -> None:
    _SOURCES[kind] = Source(kind=kind, label=label, documents=documents, order=order)


def discover() -> None:
    global _DISCOVERED
    if not _DISCOVERED:
        autodiscover_modules("search_index")
        _DISCOVERED = True


def sources() -> list[Source]:
    discover()
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.kind))


def kind_label(kind: str) -> Any:
    discover()
    source = _SOURCES.get(kind)
    if source is not None:
        return source.label
    return DEFAULT_LABELS.get(kind, kind.replace("_", " ").capitalize())


def kind_choices() -> list[tuple[str, Any]]:
    """Kinds a reader can filter by: registered ones, else the contract's four."""
    registered = sources()
    if registered:
        return [(s.kind, s.label) for s in registered]
    return list(DEFAULT_LABELS.items())
