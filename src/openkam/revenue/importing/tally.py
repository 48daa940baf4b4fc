"""The rollup changes of an order-lines import: net amount, lines, documents and orders per
(customer, day, currency) of the lines written, less those of the stored lines their
documents replace. Documents are replaced whole, so the counts stay exact; a document is an
order under a key when its lines there add up to a sale, which is known once the whole file
has been read (a document's lines may come in several chunks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openkam.revenue.importing.backends import Backend, RollupDelta
from openkam.revenue.models import NO_CUSTOMER_KEY


def _sale(net: Any) -> bool:
    """Whether a document's net amount is a sale (an order): above zero at the stored
    precision. On SQLite amounts are summed as floats, and +x - x may miss zero by 1e-17."""
    return bool(round(net, 4) > 0)


class RollupTally:
    """Mixed into the writer; expects its backend, source, number type and counters."""

    db: Backend
    source: str
    number: Any
    # document -> [last position, key it was first counted under, its net amount there]
    documents: dict[str, list[Any]]
    # (document, key) of a document's lines under another key: their net amount
    extra_document_keys: dict[tuple[str, tuple[Any, ...]], Any]
    # key -> [net amount, lines, documents, orders]
    added: dict[tuple[Any, ...], list[Any]]
    removed: dict[tuple[Any, ...], list[Any]]
    documents_new: int
    documents_replaced: int
    lines_replaced: int

    def _count_replaced(self, new_documents: list[str], *, delete: bool) -> None:
        self.documents_new += len(new_documents)
        if not new_documents:
            return
        old = self.db.take_documents(self.source, new_documents, delete=delete)
        if not old:
            return
        removed = self.removed
        replaced: set[str] = set()
        nets: dict[tuple[str, tuple[Any, ...]], Any] = {}  # (document, key) -> net amount
        for document, customer, day, currency, amount in old:
            key = (customer, day, currency)
            entry = removed.get(key)
            if entry is None:
                entry = removed[key] = [self.number(0), 0, 0, 0]
            value = self.number(amount)
            entry[0] += value
            entry[1] += 1
            nets[(document, key)] = nets.get((document, key), 0) + value
            replaced.add(document)
        for (_document, key), net in nets.items():
            removed[key][2] += 1
            if _sale(net):
                removed[key][3] += 1
        self.lines_replaced += len(old)
        self.documents_replaced += len(replaced)
        self.documents_new -= len(replaced)

    def _add(self, lines: Iterable[tuple[Any, ...]]) -> None:
        """Fold written lines into the rollup additions (documents counted once per key)."""
        added = self.added
        added_get = added.get
        documents = self.documents
        extra = self.extra_document_keys
        zero = self.number(0)
        for line in lines:
            key = (line[3], line[4], line[10])
            entry = added_get(key)
            if entry is None:
                entry = added[key] = [zero, 0, 0, 0]
            amount = line[9]
            entry[0] += amount
            entry[1] += 1
            state = documents[line[1]]
            if state[1] == key:
                state[2] += amount
            elif state[1] is None:
                state[1] = key
                state[2] += amount
                entry[2] += 1
            else:
                other = (line[1], key)
                if other not in extra:
                    extra[other] = zero
                    entry[2] += 1
                extra[other] += amount

    def _count_orders(self) -> None:
        """Documents that add up to a sale under their key are orders (once the whole file is
        read: a document's lines may come in several chunks)."""
        added = self.added
        for state in self.documents.values():
            if state[1] is not None and _sale(state[2]):
                added[state[1]][3] += 1
        for (_document, key), net in self.extra_document_keys.items():
            if _sale(net):
                added[key][3] += 1

    def _rollup_deltas(self) -> list[RollupDelta]:
        self._count_orders()
        deltas: list[RollupDelta] = []
        for key in self.added.keys() | self.removed.keys():
            plus = self.added.get(key, (0, 0, 0, 0))
            minus = self.removed.get(key, (0, 0, 0, 0))
            customer, day, currency = key
            delta = (
                NO_CUSTOMER_KEY if customer is None else customer,
                customer,
                day,
                currency,
                plus[0] - minus[0],
                plus[1] - minus[1],
                plus[2] - minus[2],
                plus[3] - minus[3],
            )
            if delta[5] or delta[6] or delta[7] or delta[4]:
                deltas.append(delta)
        return deltas
