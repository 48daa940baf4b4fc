"""Shared pieces of the people import: stored columns, choice fields, names and addresses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from openkam.core.choices import Level
from openkam.imports.values import ValueProblem
from openkam.stakeholders.models import Attitude, BuyingRole, Channel
from openkam.stakeholders.services import EDITABLE_FIELDS

STORED = (
    "id",
    "account_id",
    "first_name",
    "last_name",
    "job_title",
    "department",
    "level",
    "buying_role",
    "attitude",
    "influence",
    "email",
    "phone",
    "mobile",
    "address",
    "profile_url",
    "preferred_channel",
    "last_verified_on",
    "version",
    "status",
    "persona",
    "reports_to_id",
)
# Fields a row may set, as stored.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "department",
    "level",
    "buying_role",
    "attitude",
    "influence",
    "email",
    "phone",
    "mobile",
    "address",
    "profile_url",
    "preferred_channel",
    "last_verified_on",
)
INSERT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "account_id",
    *PERSON_FIELDS,
    "status",
    "persona",
)
AUDITED = (*EDITABLE_FIELDS, "last_verified_on")
CHOICES: dict[str, type[models.TextChoices]] = {
    "level": Level,
    "buying_role": BuyingRole,
    "attitude": Attitude,
    "preferred_channel": Channel,
}
# Patronymics end so: "Иванов Иван Иванович" is family name, first name, patronymic.
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|инична)$", re.IGNORECASE)


def split_name(text: str) -> tuple[str, str]:
    """(first name, last name) of a full name: "Maria Anders", "Anders, Maria", and the
    Russian order of "Иванов Иван Иванович"."""
    text = " ".join(text.split())
    if "," in text:
        last, _sep, first = text.partition(",")
        return first.strip(), last.strip()
    parts = text.split(" ")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 3 and _PATRONYMIC.search(parts[2]) and not _PATRONYMIC.search(parts[0]):
        return f"{parts[1]} {parts[2]}", parts[0]
    return " ".join(parts[:-1]), parts[-1]


@dataclass
class Person:
    row: int
    account_id: int
    final: dict[str, Any]
    before: dict[str, Any] | None  # stored values of a matched person
    person_id: int | None = None
    changes: dict[str, dict[str, str]] = field(default_factory=dict)


def cached(convert: Callable[[str], Any]) -> Callable[[Any], Any]:
    done: dict[Any, Any] = {}

    def lookup(raw: Any) -> Any:
        if raw not in done:
            try:
                done[raw] = convert("" if raw is None else str(raw))
            except ValueProblem as problem:
                done[raw] = problem
        result = done[raw]
        if isinstance(result, ValueProblem):
            raise result
        return result

    return lookup


def influence_converter(parse: Callable[[Any], Any]) -> Callable[[Any], int | None]:
    def convert(raw: Any) -> int | None:
        value = parse(raw)
        if value is not None and not 1 <= value <= 5:
            raise ValueProblem(_("is not a number from 1 to 5"))
        return value

    return convert


def address_text(values: dict[str, Any]) -> str:
    """One address from its parts: street; postal code and city; region; country."""
    town = " ".join(p for p in (values.get("postal_code", ""), values.get("city", "")) if p)
    parts = [values.get("address", ""), town, values.get("region", ""), values.get("country", "")]
    return "\n".join(p for p in parts if p)
