"""The value caches of the order-lines writer: each distinct raw value of a file (a date,
a price, a currency, a line number) is parsed strictly once, then found by dictionary
look-up. A cache miss also watches the values seen, to switch the fast path to rounding
and range checks only when the file needs them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from openkam.imports.engine import Plan, _parse_integer
from openkam.imports.values import POINT, ValueProblem, _date_part, parse_date, parse_number

CACHE_LIMIT = 200_000
# numeric(18,4): 14 digits before the point; unit prices (18,6): 12.
AMOUNT_LIMIT = Decimal("1e14")
PRICE_LIMIT = Decimal("1e12")
FOUR_PLACES = Decimal("0.0001")


class ValueCaches:
    """Mixed into the writer; expects `plan`, `number`, `style` and the cache dicts."""

    plan: Plan
    number: Any
    style: str = POINT
    careful: bool
    default_currency: str
    dates: dict[Any, str]
    date_parts: dict[Any, str]
    numbers: dict[Any, Any]
    currencies: dict[str, str]
    line_numbers: dict[Any, int]
    max_quantity: Decimal
    max_price: Decimal
    quantity_places: int
    price_places: int
    customers: dict[str, int | None]
    customer_names: dict[int, str]
    customer_accounts: dict[int, int | None]
    new_customers: list[tuple[int, str, str, str, str]]
    next_customer_id: int
    source: str

    def _date(self, raw: Any) -> str:
        # Values with a time of day ("2009-12-01 07:45:00") are many; their date parts few.
        part = _date_part(raw) if isinstance(raw, str) else raw
        text = self.date_parts.get(part)
        if text is None:
            value = parse_date(raw, self.plan.date_format)
            if value is None:
                raise ValueProblem(_("is missing"))
            text = self.date_parts[part] = value.isoformat()
        if len(self.dates) > CACHE_LIMIT:
            self.dates.clear()
        self.dates[raw] = text
        return text

    def _number(self, raw: Any, *, limit: Decimal = AMOUNT_LIMIT, places: int = 4) -> Any:
        value = parse_number(raw, self.style)
        if value is not None:
            if abs(value) >= limit:
                raise ValueProblem(_("is too large"))
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > places:
                value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            value = self.number(value)
        if len(self.numbers) > CACHE_LIMIT:
            self.numbers.clear()
        self.numbers[raw] = value
        return value

    def _quantity(self, raw: Any) -> Any:
        value = self._number(raw)
        self._watch(value, "quantity")
        return value

    def _price(self, raw: Any) -> Any:
        value = self._number(raw, limit=PRICE_LIMIT, places=6)
        self._watch(value, "price")
        return value

    def _watch(self, value: Any, kind: str) -> None:
        """Products of quantity and price need rounding to 4 places or a range check only
        when the values seen so far could produce one that overflows or has more places."""
        if value is None:
            return
        exact = Decimal(str(value))
        exponent = exact.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if kind == "quantity":
            self.max_quantity = max(self.max_quantity, abs(exact))
            self.quantity_places = max(self.quantity_places, places)
        else:
            self.max_price = max(self.max_price, abs(exact))
            self.price_places = max(self.price_places, places)
        if self.number is Decimal and self.quantity_places + self.price_places > 4:
            self.careful = True
        if self.max_quantity * self.max_price >= AMOUNT_LIMIT:
            self.careful = True

    def _currency(self, raw: str) -> str:
        code = raw.strip().upper() or self.default_currency
        if len(code) != 3 or not code.isalpha() or not code.isascii():
            raise ValueProblem(_("is not a three-letter currency code (e.g. EUR, NOK)"))
        self.currencies[raw] = code
        return code

    def _line_number(self, raw: Any) -> int:
        value = _parse_integer(raw)
        if value is None:
            raise ValueProblem(_("is missing"))
        if not 0 <= value < 2**31:
            raise ValueProblem(_("is out of range"))
        self.line_numbers[raw] = value
        return value

    def _careful_amount(self, amount: Any) -> Any:
        if self.number is Decimal:
            amount = amount.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
        if abs(amount) >= AMOUNT_LIMIT:
            raise ValueProblem(_("is too large"))
        return amount

    def _customer(self, code: str, name: str, country: str) -> int:
        cid = self.next_customer_id
        self.next_customer_id += 1
        self.customers[code] = cid
        self.customer_names[cid] = name
        self.customer_accounts[cid] = None
        self.new_customers.append((cid, self.source, code, name, country))
        return cid
