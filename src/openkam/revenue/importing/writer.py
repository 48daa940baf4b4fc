"""Converting and writing order lines, chunk by chunk, at the speed of the database.

The fast path converts a row with dictionary look-ups: every distinct raw value (a date, a
price, a customer id) is parsed strictly once per file and cached, so a year of lines costs
a few thousand real parses. Any row the fast path cannot take (an unknown value that does
not parse, a missing field, a blank row) goes through the strict path, which converts field
by field, names each problem, and otherwise produces exactly what the fast path would.

Identity and re-imports: a line is (source, document, line_no); without a line-number column
the line number is the position in its document. When a document appears for the first time
in a file, its stored lines (from earlier imports) are removed before its new lines are
written, so a document that comes again replaces its lines and nothing is counted twice.

Rollups: the net amount and the counts of lines, documents and orders per (customer, day,
currency) of the new lines are added to DailyRevenue, and those of the removed lines
subtracted, in the same transaction (tally.py).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from openkam.imports.engine import Plan, RowError
from openkam.imports.targets import ChunkResult, Writer
from openkam.imports.values import POINT, ValueProblem
from openkam.revenue.importing.backends import (
    Backend,
    ChunkWriteError,
    backend_for_connection,
)
from openkam.revenue.importing.caches import (
    AMOUNT_LIMIT,
    FOUR_PLACES,
    PRICE_LIMIT,
    ValueCaches,
)
from openkam.revenue.importing.summary import writer_summary
from openkam.revenue.importing.tally import RollupTally

MISS = object()


class _RowRejected(Exception):  # noqa: N818 - carries the row errors, not an error itself
    """Raised inside the strict path with the errors of one row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


class RevenueWriter(RollupTally, ValueCaches, Writer):
    def __init__(self, *, plan: Plan, batch_id: int | None, dry_run: bool) -> None:
        self.plan = plan
        self.batch_id = batch_id
        self.dry_run = dry_run
        self.writing = not dry_run
        self.db: Backend = backend_for_connection()
        options = plan.options
        self.source = options["source"]
        self.default_currency = options["currency"].upper()
        self.credit_prefix = options.get("credit_prefix", "")
        self.index = plan.index
        self.width = len(plan.header) if plan.format == "csv" else 0
        self.style = plan.decimal_style or POINT
        self.number = self.db.number_type
        self.db.lock()
        # customer code -> id ("" -> None: revenue of no customer)
        self.customers: dict[str, int | None] = {"": None}
        self.customer_names: dict[int, str] = {}
        self.customer_accounts: dict[int, int | None] = {}
        for cid, code, name, account_id in self.db.load_customers(self.source):
            self.customers[code] = cid
            self.customer_names[cid] = name
            self.customer_accounts[cid] = account_id
        self.next_customer_id = self.db.next_customer_id()
        self.new_customers: list[tuple[int, str, str, str, str]] = []
        self.renamed: dict[int, str] = {}
        # document -> [last position, key it was first counted under, its net amount there]
        self.documents: dict[str, list[Any]] = {}
        # (document, key) of a document's lines under another key: their net amount
        self.extra_document_keys: dict[tuple[str, tuple[Any, ...]], Any] = {}
        self.added: dict[tuple[Any, ...], list[Any]] = {}
        self.removed: dict[tuple[Any, ...], list[Any]] = {}
        self.dates: dict[Any, str] = {}
        self.date_parts: dict[Any, str] = {}
        self.numbers: dict[Any, Any] = {}
        self.currencies: dict[str, str] = {}
        self.line_numbers: dict[Any, int] = {}
        self.careful = False  # products may need rounding or a range check (see _number)
        self.max_quantity = self.max_price = Decimal(0)
        self.quantity_places = self.price_places = 0
        self.blank_rows = 0
        self._strict_new_documents: list[str] = []
        self.documents_new = 0
        self.documents_replaced = 0
        self.lines_replaced = 0
        self.credit_lines = 0
        self.pending: tuple[list[tuple[Any, ...]], list[int]] | None = None

    # --- the fast path --------------------------------------------------------------------

    def _convert(
        self, rows: list[list[Any]], first_row: int
    ) -> tuple[list[tuple[Any, ...]], list[int], list[str], list[int]]:
        """(lines, their row numbers if needed, documents new to this file, rows for the
        strict path)."""
        index = self.index
        ci = index.get("customer", -1)
        cni = index.get("customer_name", -1)
        di = index["date"]
        doi = index.get("document", -1)
        li = index.get("line_no", -1)
        pi = index.get("product", -1)
        dsi = index.get("description", -1)
        qi = index.get("quantity", -1)
        upi = index.get("unit_price", -1)
        ai = index.get("amount", -1)
        cui = index.get("currency", -1)
        coi = index.get("cost", -1)
        mi = index.get("margin", -1)
        cti = index.get("country", -1)
        si = index.get("sales_rep", -1)
        width = self.width
        source, batch_id = self.source, self.batch_id
        currency_default = self.default_currency
        prefix = self.credit_prefix
        customers_get = self.customers.get
        dates_get, numbers_get = self.dates.get, self.numbers.get
        currencies_get, line_numbers_get = self.currencies.get, self.line_numbers.get
        documents_get = self.documents.get
        documents = self.documents
        new_customer = self._customer
        date_miss, quantity_miss, price_miss = self._date, self._quantity, self._price
        number_miss, currency_miss, line_miss = self._number, self._currency, self._line_number
        careful_amount = self._careful_amount
        names, renamed = self.customer_names, self.renamed
        track_rows = li >= 0
        out: list[tuple[Any, ...]] = []
        out_rows: list[int] = []
        new_documents: list[str] = []
        bad: list[int] = []
        append, new_append, bad_append = out.append, new_documents.append, bad.append
        row_append = out_rows.append
        credits = 0
        # Whether every row has the header's width is checked once per chunk, in C; only a
        # ragged chunk pays for the check row by row.
        check_width = width if width and set(map(len, rows)) != {width} else 0
        for offset, row in enumerate(rows):
            try:
                if check_width and len(row) != check_width:
                    raise IndexError
                code = row[ci].strip() if ci >= 0 else ""
                raw = row[di]
                day = dates_get(raw)
                if day is None:
                    day = date_miss(raw)
                if ai >= 0:
                    raw = row[ai]
                    amount = numbers_get(raw, MISS)
                    if amount is MISS:
                        amount = number_miss(raw)
                    if amount is None:
                        raise ValueError
                if qi >= 0:
                    raw = row[qi]
                    quantity = numbers_get(raw, MISS)
                    if quantity is MISS:
                        quantity = quantity_miss(raw)
                else:
                    quantity = None
                if upi >= 0:
                    raw = row[upi]
                    price = numbers_get(raw, MISS)
                    if price is MISS:
                        price = price_miss(raw)
                else:
                    price = None
                if ai < 0:
                    amount = quantity * price  # None * ... raises: strict path explains
                    if self.careful:
                        amount = careful_amount(amount)
                if doi >= 0:
                    document = row[doi].strip()
                    if not document:
                        raise ValueError
                else:
                    document = f"{day}/{code}"
                if cui >= 0:
                    raw = row[cui]
                    currency = currencies_get(raw)
                    if currency is None:
                        currency = currency_miss(raw)
                else:
                    currency = currency_default
                if coi >= 0:
                    raw = row[coi]
                    cost = numbers_get(raw, MISS)
                    if cost is MISS:
                        cost = number_miss(raw)
                elif mi >= 0:
                    raw = row[mi]
                    margin = numbers_get(raw, MISS)
                    if margin is MISS:
                        margin = number_miss(raw)
                    cost = None if margin is None else amount - margin
                else:
                    cost = None
                if li >= 0:
                    raw = row[li]
                    line_no = line_numbers_get(raw)
                    if line_no is None:
                        line_no = line_miss(raw)
                product = row[pi].strip() if pi >= 0 else ""
                description = row[dsi].strip() if dsi >= 0 else ""
                country = row[cti].strip() if cti >= 0 else ""
                rep = row[si].strip() if si >= 0 else ""
                name = row[cni].strip() if cni >= 0 else ""
                if (
                    len(code) > 100
                    or len(document) > 100
                    or len(product) > 100
                    or len(country) > 100
                    or len(rep) > 100
                    or len(name) > 200
                ):
                    raise ValueError
                if prefix and amount > 0 and document.startswith(prefix):
                    amount = -amount
                    if quantity is not None:
                        quantity = -quantity
                # Everything converted: from here on nothing raises, state may change.
                if amount < 0:
                    credits += 1
                customer: Any = customers_get(code, MISS)
                if customer is MISS:
                    customer = new_customer(code, name, country)
                elif name and customer is not None and names[customer] != name:
                    names[customer] = renamed[customer] = name
                state = documents_get(document)
                if state is None:
                    state = documents[document] = [0, None, 0]
                    new_append(document)
                if li < 0:
                    line_no = state[0] = state[0] + 1
                append(
                    (
                        source,
                        document,
                        line_no,
                        customer,
                        day,
                        product,
                        description,
                        quantity,
                        price,
                        amount,
                        currency,
                        cost,
                        country,
                        rep,
                        batch_id,
                    )
                )
                if track_rows:
                    row_append(first_row + offset)
            except Exception:  # anything odd: the strict path finds and names the problem
                bad_append(offset)
        self.credit_lines += credits
        return out, out_rows, new_documents, bad

    # --- the strict path ------------------------------------------------------------------

    def _strict(self, row: list[Any], row_no: int) -> tuple[Any, ...] | None:
        """The line of one row, or None for a blank row; raises _RowRejected."""
        if not row or all(cell in (None, "") or str(cell).strip() == "" for cell in row):
            self.blank_rows += 1
            return None
        plan = self.plan
        values, errors = plan.convert_row(row, row_no)
        if errors:
            raise _RowRejected(errors)
        index = self.index

        def fail(name: str, reason: str) -> None:
            errors.append(plan.error(row_no, name, row, reason))

        if values.get("date") is None:
            fail("date", _("the date is missing"))
        code = values.get("customer") or ""
        document = values.get("document") or ""
        if "document" in index and not document:
            fail("document", _("the invoice or order number is missing"))
        if "line_no" in index and values.get("line_no") is None:
            fail("line_no", _("the line number is missing"))
        quantity: Any = values.get("quantity")
        price: Any = values.get("unit_price")
        amount = values.get("amount")
        if "amount" in index:
            if amount is None:
                fail("amount", _("the amount is missing"))
        elif quantity is None or price is None:
            fail(
                "quantity" if quantity is None else "unit_price",
                _("quantity and unit price are both needed to compute the amount"),
            )
        currency_raw = row[index["currency"]] if "currency" in index else ""
        try:
            currency = self._currency(str(currency_raw or ""))
        except ValueProblem as problem:
            fail("currency", str(problem))
        for name, limit in (("quantity", AMOUNT_LIMIT), ("unit_price", PRICE_LIMIT)):
            value = values.get(name)
            if value is not None and abs(value) >= limit:
                fail(name, _("is too large"))
        if errors:
            raise _RowRejected(errors)
        day = values["date"]
        if amount is None:
            amount = quantity * price
        amount = amount.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
        if abs(amount) >= AMOUNT_LIMIT:
            fail("amount" if "amount" in index else "quantity", _("the amount is too large"))
            raise _RowRejected(errors)
        if not document:
            document = f"{day.isoformat()}/{code}"
        if "cost" in index:
            cost = values.get("cost")
        elif "margin" in index and values.get("margin") is not None:
            cost = amount - values["margin"]
        else:
            cost = None
        if self.credit_prefix and amount > 0 and document.startswith(self.credit_prefix):
            amount = -amount
            quantity = -quantity if quantity is not None else None
        if amount < 0:
            self.credit_lines += 1
        number = self.number

        def to_db(value: Decimal | None, places: int = 4) -> Any:
            if value is None:
                return None
            return number(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

        customer: Any = self.customers.get(code, MISS)
        name = values.get("customer_name") or ""
        country = values.get("country") or ""
        if customer is MISS:
            customer = self._customer(code, name, country)
        elif name and customer is not None and self.customer_names[customer] != name:
            self.customer_names[customer] = self.renamed[customer] = name
        state = self.documents.get(document)
        if state is None:
            state = self.documents[document] = [0, None, 0]
            self._strict_new_documents.append(document)
        if "line_no" in index:
            line_no = values["line_no"]
        else:
            line_no = state[0] = state[0] + 1
        return (
            self.source,
            document,
            line_no,
            customer,
            day.isoformat(),
            values.get("product") or "",
            values.get("description") or "",
            to_db(quantity),
            to_db(price, 6),
            to_db(amount),
            currency,
            to_db(cost),
            country,
            values.get("sales_rep") or "",
            self.batch_id,
        )

    # --- writing ----------------------------------------------------------------------------

    def write_chunk(self, rows: list[list[Any]], first_row: int) -> ChunkResult:
        result = ChunkResult()
        lines, line_rows, new_documents, bad = self._convert(rows, first_row)
        self._strict_new_documents = new_documents
        for offset in bad:
            row_no = first_row + offset
            try:
                line = self._strict(rows[offset], row_no)
            except _RowRejected as rejected:
                result.errors.extend(rejected.errors)
                continue
            if line is not None:
                lines.append(line)
                if "line_no" in self.index:
                    line_rows.append(row_no)
        # The previous chunk's COPY has been running while this one was converted.
        result.errors.extend(self._complete_pending())
        if not self.writing:
            self._count_replaced(new_documents, delete=False)
            self._add(lines)
            return result
        self._count_replaced(new_documents, delete=True)
        self.db.start_chunk(lines)
        self.pending = (lines, line_rows)
        return result

    def flush(self) -> ChunkResult:
        return ChunkResult(errors=self._complete_pending())

    def _complete_pending(self) -> list[RowError]:
        if self.pending is None:
            return []
        lines, line_rows = self.pending
        self.pending = None
        try:
            self.db.end_chunk()
        except ChunkWriteError:
            errors, keep = self._diagnose(lines, line_rows)
            if not errors:
                raise
            if self.writing and keep:
                self.db.start_chunk(keep)
                self.db.end_chunk()
            self._add(keep)
            return errors
        self._add(lines)
        return []

    def _diagnose(
        self, lines: list[tuple[Any, ...]], line_rows: list[int]
    ) -> tuple[list[RowError], list[tuple[Any, ...]]]:
        """Why the database refused a chunk: the same (document, line) twice in the file."""
        documents = sorted({line[1] for line in lines})
        stored = self.db.existing_keys(self.source, documents)
        errors: list[RowError] = []
        keep: list[tuple[Any, ...]] = []
        seen: set[tuple[str, int]] = set()
        for position, line in enumerate(lines):
            key = (line[1], line[2])
            row_no = line_rows[position] if position < len(line_rows) else 0
            if key in stored or key in seen:
                errors.append(
                    self.plan.error(
                        row_no,
                        "line_no",
                        None,
                        _("line %(line)s of %(document)s appears more than once in the file")
                        % {"line": line[2], "document": line[1]},
                    )
                )
                continue
            seen.add(key)
            keep.append(line)
        return errors, keep

    def finish(self) -> dict[str, Any]:
        # flush() has completed the last chunk.
        deltas = self._rollup_deltas()
        if self.writing:
            self.db.insert_customers(self.new_customers)
            self.db.rename_customers((name, cid) for cid, name in self.renamed.items())
            self.db.apply_rollups(deltas)
        return writer_summary(self)

    def close(self) -> None:
        self.db.abort()
        self.db.finish()
