"""All domain rule modules in tests/access/, found by name and merged: a domain adds a module,
nothing else."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

import tests.access
from tests.access import Operation, Page, World

MODULES: tuple[ModuleType, ...] = tuple(
    importlib.import_module(f"tests.access.{info.name}")
    for info in sorted(pkgutil.iter_modules(tests.access.__path__), key=lambda i: i.name)
    if info.name != "registry"
)


def _merged(attribute: str) -> dict[Any, Any]:
    merged: dict[Any, Any] = {}
    for module in MODULES:
        entries = getattr(module, attribute, {})
        clash = set(merged) & set(entries)
        assert not clash, f"{module.__name__}.{attribute} repeats rules: {sorted(clash)}"
        merged.update(entries)
    return merged


PAGES: dict[str, Page] = _merged("PAGES")
OPERATIONS: dict[tuple[str, str], Operation] = _merged("OPERATIONS")


def populate(world: World) -> None:
    for module in MODULES:
        fill = getattr(module, "populate", None)
        if fill is not None:
            world.params.update(fill(world))
