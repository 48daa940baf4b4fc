"""`{% load money %}`: amounts and numbers in the reader's locale.

- `{{ amount|money:currency }}` -> "1 234,56 NOK" (nb), "1,234.56 NOK" (en); "—" when empty.
- `{% money amount currency decimals=0 %}` -> whole units, e.g. for dashboards.
- `{{ value|number }}` / `{{ value|number:1 }}` -> a grouped number with that many decimals.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from openkam.core.money import format_money, format_number

register = template.Library()


@register.filter(name="money")
def money_filter(amount: Any, currency: str = "") -> str:
    return format_money(amount, str(currency or ""))


@register.simple_tag(name="money")
def money_tag(amount: Any, currency: str, decimals: int | None = None) -> str:
    return format_money(amount, str(currency or ""), decimals=decimals)


@register.filter(name="number")
def number_filter(value: Any, decimals: int = 0) -> str:
    if value is None or value == "":
        return "—"
    try:
        return format_number(Decimal(str(value)), int(decimals))
    except (InvalidOperation, ValueError):
        return str(value)
