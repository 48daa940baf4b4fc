"""The measures of revenue concentration, as pure functions over revenue figures.

Definitions (domain.md, section 1; thresholds are settings the head can change):
- share: an account's net revenue divided by the total revenue of what is analysed (for the
  whole company that total includes revenue with no account).
- ABC class: accounts ranked by revenue, largest first; A are the largest accounts that
  together reach A % (80 %) of the total, i.e. an account is A when the accounts ranked above
  it make less than A %; B likewise up to B % (95 %); C the rest, and every account without
  positive revenue.
- Herfindahl-Hirschman index: over the accounts with positive net revenue, each one's share of
  their sum, squared and summed, on the 0-10,000 scale (10,000: one account has it all).
  10,000 / HHI is the number of equal-sized accounts that would be as concentrated.
- growth: (now - before) / before, when before is positive; no figure otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

HUNDRED = Decimal(100)
TEN_THOUSAND = Decimal(10000)


def share(part: Decimal, total: Decimal) -> Decimal | None:
    return part / total if total > 0 else None


def growth(now: Decimal, before: Decimal) -> Decimal | None:
    return (now - before) / before if before > 0 else None


def abc_classes(
    revenues: Sequence[Decimal], total: Decimal, a_percent: int, b_percent: int
) -> list[tuple[Decimal | None, str]]:
    """(cumulative share, class) for revenues already sorted largest first."""
    a_limit, b_limit = Decimal(a_percent) / HUNDRED, Decimal(b_percent) / HUNDRED
    result: list[tuple[Decimal | None, str]] = []
    running = Decimal(0)
    for revenue in revenues:
        before = running / total if total > 0 else None
        running += revenue
        cumulative = running / total if total > 0 else None
        if revenue <= 0 or before is None:
            klass = "C"
        elif before < a_limit:
            klass = "A"
        elif before < b_limit:
            klass = "B"
        else:
            klass = "C"
        result.append((cumulative, klass))
    return result


def hhi(revenues: Sequence[Decimal]) -> Decimal | None:
    positive = [r for r in revenues if r > 0]
    total = sum(positive, Decimal(0))
    if total <= 0:
        return None
    return sum(((r / total) ** 2 for r in positive), Decimal(0)) * TEN_THOUSAND


def hhi_from_sums(positive: Decimal, squares: Decimal) -> Decimal | None:
    """The HHI from the sum and the sum of squares of the positive revenues."""
    return squares / (positive * positive) * TEN_THOUSAND if positive > 0 else None


def top_share(revenues_desc: Sequence[Decimal], n: int, total: Decimal) -> Decimal | None:
    return share(sum((r for r in revenues_desc[:n] if r > 0), Decimal(0)), total)


def key_share_status(value: Decimal | None, low: int, high: int, alarm: int) -> str:
    """Where the key accounts' share stands against the typical band and the alarm."""
    if value is None:
        return "none"
    percent = value * HUNDRED
    if percent > alarm:  # "above 75 % the supplier is mono-dependent"
        return "alarm"
    if percent > high:
        return "high"
    if percent >= low:
        return "typical"
    return "low"
