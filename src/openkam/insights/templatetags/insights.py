"""`{% load insights %}`: shares, growth and compact amounts of the portfolio analytics."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from openkam.insights.formatting import compact, percent, signed_percent

register = template.Library()


@register.filter(name="pct")
def pct_filter(value: Any, decimals: int = 1) -> str:
    """0.375 -> "37.5 %" ("—" when there is no figure)."""
    return percent(value, int(decimals))


@register.filter(name="signed_pct")
def signed_pct_filter(value: Any, decimals: int = 1) -> str:
    """Growth: 0.12 -> "+12.0 %"."""
    return signed_percent(value, int(decimals))


@register.filter(name="trend")
def trend_filter(value: Any) -> str:
    """The CSS modifier of a growth figure: up, down or flat."""
    if value is None:
        return "none"
    number = Decimal(str(value))
    if number > Decimal("0.0005"):
        return "up"
    if number < Decimal("-0.0005"):
        return "down"
    return "flat"


@register.filter(name="compact")
def compact_filter(value: Any, currency: str = "") -> str:
    if value is None or value == "":
        return "—"
    return compact(Decimal(str(value)), str(currency or ""))
