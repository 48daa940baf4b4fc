"""Amounts of money as people read them: the number in their locale, then the ISO code.

OpenKAM always shows the ISO 4217 code after the number ("1 234,56 NOK", "1,234.56 EUR"), never
a symbol: "kr" is ambiguous between NOK and SEK, and a KAM comparing accounts in several
currencies must see at a glance which one each figure is in. The number follows the active
language's separators and grouping (a non-breaking space in nb, sv, hu, bg and ru), whatever
USE_THOUSAND_SEPARATOR says, and the code is joined to it by a non-breaking space.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

# Currencies shown without minor units. The forint's fillér went out in 1999: Hungarian
# invoices and reports show whole forints, although ISO 4217 still lists two decimals.
WHOLE_UNIT_CURRENCIES = frozenset({"HUF", "JPY", "KRW", "ISK", "CLP"})
NBSP = "\xa0"


def currency_decimals(currency: str) -> int:
    return 0 if (currency or "").upper() in WHOLE_UNIT_CURRENCIES else 2


def format_number(value: Decimal | int | float | str, decimals: int = 0) -> str:
    """A number with the active locale's separators and grouping, rounded half up."""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0,00"
    return str(number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True))


def format_money(
    amount: Decimal | int | float | str | None, currency: str, *, decimals: int | None = None
) -> str:
    """E.g. format_money(Decimal("1234.5"), "NOK") -> "1 234,50 NOK" when Norwegian is active.

    An empty amount gives "—"; `decimals` overrides the currency's own (0 for dashboards).
    """
    if amount is None or amount == "":
        return "—"
    try:
        Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {amount!r}") from exc
    code = (currency or "").upper()
    places = currency_decimals(code) if decimals is None else decimals
    text = format_number(amount, places)
    return f"{text}{NBSP}{code}" if code else text
