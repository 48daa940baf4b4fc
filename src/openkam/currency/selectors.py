"""Reads of exchange rates. Rates are reference data, not client data: everyone signed in
reads them (a KAM must be able to check the rate a report used); the head of key accounts and
administrators maintain them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from openkam.core.errors import NotFoundError
from openkam.currency.models import ExchangeRate
from openkam.users.models import Role

MAINTAINERS = (Role.HEAD, Role.ADMIN)


def rates_can_read(*, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def rates_can_edit(*, user: Any) -> bool:
    return rates_can_read(user=user) and user.role in MAINTAINERS


@dataclass(frozen=True)
class RateFilters:
    base: str = ""
    quote: str = ""
    date_from: date | None = None
    date_to: date | None = None


def exchange_rate_list(*, filters: RateFilters) -> QuerySet[ExchangeRate]:
    """Rates newest first; a currency filter matches the pair in either direction."""
    qs = ExchangeRate.objects.select_related("created_by")
    base, quote = filters.base.upper(), filters.quote.upper()
    if base and quote:
        qs = qs.filter(base__in=(base, quote), quote__in=(base, quote))
    elif base or quote:
        code = base or quote
        qs = qs.filter(base=code) | qs.filter(quote=code)
    if filters.date_from:
        qs = qs.filter(effective_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(effective_date__lte=filters.date_to)
    return qs.order_by("-effective_date", "base", "quote", "-id")


def exchange_rate_get(*, rate_id: int) -> ExchangeRate:
    try:
        return ExchangeRate.objects.get(pk=rate_id)
    except (ExchangeRate.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("Exchange rate not found.")) from None


def exchange_rates_current(*, on: date) -> QuerySet[ExchangeRate]:
    """For each pair, the rate in force on `on`: one query, whatever the number of rows."""
    latest = (
        ExchangeRate.objects.filter(
            base=OuterRef("base"), quote=OuterRef("quote"), effective_date__lte=on
        )
        .order_by("-effective_date")
        .values("effective_date")[:1]
    )
    return (
        ExchangeRate.objects.filter(effective_date__lte=on)
        .filter(effective_date=Subquery(latest))
        .order_by("base", "quote")
    )


def exchange_rate_pairs() -> list[tuple[str, str]]:
    return list(
        ExchangeRate.objects.order_by("base", "quote").values_list("base", "quote").distinct()
    )
