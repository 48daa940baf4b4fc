"""Checking the filters of a portfolio report, the same way for the page, the API and the
command line: each bad value is refused with the name of its field and the reason."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from openkam.accounts.models import Tier
from openkam.insights.selectors import PortfolioFilters

MAX_PERIOD_DAYS = 366 * 10
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


def portfolio_filters(
    *,
    date_from: date,
    date_to: date,
    tiers: Iterable[str] = (),
    owner_ids: Iterable[int] = (),
    countries: Iterable[str] = (),
    account_ids: Iterable[int] = (),
    currency: str = "",
    abc_a: int | None = None,
    abc_b: int | None = None,
) -> PortfolioFilters:
    errors: dict[str, list[str]] = {}
    if date_to < date_from:
        errors.setdefault("to", []).append(_("The end of the period is before its start."))
    elif (date_to - date_from).days >= MAX_PERIOD_DAYS:
        errors.setdefault("to", []).append(_("A period can be at most ten years long."))
    tier_values = tuple(dict.fromkeys(t for t in tiers if t))
    unknown = [t for t in tier_values if t not in Tier.values]
    if unknown:
        errors.setdefault("tier", []).append(
            _("Unknown tier %(tier)s: use one of %(tiers)s.")
            % {"tier": ", ".join(unknown), "tiers": ", ".join(Tier.values)}
        )
    code = (currency or "").strip()
    if code and not _CURRENCY.match(code):
        errors.setdefault("currency", []).append(
            _("Use a three-letter ISO 4217 currency code, e.g. EUR, NOK, SEK.")
        )
    a, b = abc_a, abc_b
    for name, value in (("abc_a", a), ("abc_b", b)):
        if value is not None and not 0 < value < 100:
            errors.setdefault(name, []).append(_("Give a percentage between 1 and 99."))
    # Compared with the configured limit when only one of them is given.
    a_used = a if a is not None else settings.KAM_ABC_A_PERCENT
    b_used = b if b is not None else settings.KAM_ABC_B_PERCENT
    if a_used >= b_used and not (errors.get("abc_a") or errors.get("abc_b")):
        errors.setdefault("abc_b" if b is not None else "abc_a", []).append(
            _("The B limit (%(b)s %%) must be above the A limit (%(a)s %%).")
            % {"a": a_used, "b": b_used}
        )
    if errors:
        raise ValidationError(errors)
    return PortfolioFilters(
        date_from=date_from,
        date_to=date_to,
        tiers=tier_values,
        owner_ids=tuple(dict.fromkeys(int(o) for o in owner_ids)),
        countries=tuple(dict.fromkeys(c.strip().upper() for c in countries if c.strip())),
        account_ids=tuple(dict.fromkeys(int(i) for i in account_ids)),
        currency=code.upper(),
        abc_a=a,
        abc_b=b,
    )


def parse_ids(text: str) -> list[int]:
    """ "12, 15 18" -> [12, 15, 18]; anything else is refused naming the bad part."""
    ids = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        if not part.isdigit():
            raise ValidationError(
                {"accounts": [_("%(value)s is not an account id.") % {"value": part}]}
            )
        ids.append(int(part))
    return ids
