"""The portfolio's charts, drawn as SVG from a `Portfolio` (see svg.py for the conventions)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from openkam.accounts.models import Tier
from openkam.core.money import format_number
from openkam.insights.formatting import (
    axis_formatter,
    compact,
    month_label,
    percent,
    short_month,
    signed_percent,
    status_label,
)
from openkam.insights.selectors import SCOPE_COMPANY, Portfolio
from openkam.insights.svg import CHAR_WIDTH, Canvas, empty_chart, linear, nice_ticks

MAX_CURVE_POINTS = 300
QUADRANT_ACCOUNTS = 40
QUADRANT_LABELS = 8


def _pct_tick(value: float) -> str:
    return percent(value / 100, 0)


def pareto(p: Portfolio) -> SafeString:
    title = _("Pareto curve: cumulative share of revenue by account")
    rows = p.rows
    if not rows or p.total_revenue <= 0:
        return empty_chart(560, 300, title, _("No revenue in this period."))
    c = Canvas(560, 300, left=52, right=20, top=34, bottom=42)
    sx = linear((0, 100), (c.x0, c.x1))
    sy = linear((0, 100), (c.y1, c.y0))
    n = len(rows)
    counts = {k: p.abc[k][0] for k in "ABC"}
    # Class zones: A, then B, then C along the ranked accounts.
    edge = 0.0
    for klass in "ABC":
        width = counts[klass] / n * 100
        if width > 0:
            c.rect(
                sx(edge), c.y0, sx(edge + width) - sx(edge), c.plot_height, f"zone zone--{klass}"
            )
            if sx(edge + width) - sx(edge) > 14:
                c.text(sx(edge + width / 2), c.y1 - 10, klass, "chart__zone-label", "middle")
        edge += width
    c.y_axis(nice_ticks(0, 100, 5), sy, _pct_tick, _("Cumulative share"))
    for tick in (0, 20, 40, 60, 80, 100):
        c.text(sx(tick), c.y1 + 14, _pct_tick(tick), "chart__tick", "middle")
    c.x_title(_("Accounts ranked by revenue, largest first (share of accounts)"))
    for threshold, label in ((p.abc_a, _("A up to %(n)s %%")), (p.abc_b, _("B up to %(n)s %%"))):
        c.line(c.x0, sy(threshold), c.x1, sy(threshold), "chart__reference")
        c.text(c.x1 - 4, sy(threshold) + 9, label % {"n": threshold}, "chart__note", "end")
    c.line(sx(0), sy(0), sx(100), sy(100), "chart__diagonal")
    step = max(1, math.ceil(n / MAX_CURVE_POINTS))
    points = [(sx(0), sy(0))]
    for index in range(0, n, step):
        row = rows[index]
        points.append((sx((index + 1) / n * 100), sy(float(row.cumulative_share or 0) * 100)))
    last = rows[-1]
    points.append((sx(100), sy(float(last.cumulative_share or 0) * 100)))
    c.polyline(points, "chart__line series--primary")
    assigned = float(last.cumulative_share or 0) * 100
    unassigned = p.scope == SCOPE_COMPANY and p.unassigned_revenue and p.unassigned_revenue > 0
    if unassigned and 100 - assigned >= 3:
        # Where the accounts end: the gap to 100 % is revenue that belongs to no account.
        c.line(c.x0, sy(assigned), c.x1, sy(assigned), "chart__reference chart__reference--muted")
        c.text(
            sx(50),
            sy(assigned) - 6,
            _("All accounts: %(share)s; the rest is unassigned")
            % {"share": percent(assigned / 100)},
            "chart__note",
            "middle",
        )
    c.legend(
        [
            ("series--primary", _("Cumulative share")),
            ("chart__diagonal-swatch", _("Equal shares")),
            ("zone--A", _("Class A")),
            ("zone--B", _("Class B")),
            ("zone--C", _("Class C")),
        ]
    )
    description = _(
        "%(a)s accounts are in class A, %(b)s in class B and %(c)s in class C; the top account "
        "has %(top)s of revenue."
    ) % {"a": counts["A"], "b": counts["B"], "c": counts["C"], "top": percent(p.top1_share)}
    return c.render(title, description, "chart--pareto")


def concentration_shares(p: Portfolio) -> SafeString:
    title = _("Concentration over time: share of the largest accounts")
    series = p.series
    if not series:
        return empty_chart(560, 300, title, _("No revenue in this period."))
    c = Canvas(560, 300, left=52, right=20, top=52, bottom=36)
    sy = linear((0, 100), (c.y1, c.y0))
    slots = len(series)
    band = c.plot_width / slots

    def x(i: int) -> float:
        return c.x0 + band * (i + 0.5)

    if p.scope == SCOPE_COMPANY:
        band_cfg = p.band
        c.rect(
            c.x0,
            sy(band_cfg["high"]),
            c.plot_width,
            sy(band_cfg["low"]) - sy(band_cfg["high"]),
            "chart__band",
            _("Typical share of key accounts: %(low)s–%(high)s %%")
            % {"low": band_cfg["low"], "high": band_cfg["high"]},
        )
        c.line(c.x0, sy(band_cfg["alarm"]), c.x1, sy(band_cfg["alarm"]), "chart__alarm")
        c.text(c.x0 + 4, sy(band_cfg["alarm"]) - 6, _("Mono-dependency"), "chart__note")
    c.y_axis(nice_ticks(0, 100, 5), sy, _pct_tick, _("Share of revenue"))
    lines = [
        ("top1_share", "series--1", _("Largest account")),
        ("top5_share", "series--2", _("Top 5")),
        ("top10_share", "series--3", _("Top 10")),
        ("key_share", "series--key", _("Key accounts")),
    ]
    for attr, cls, label in lines:
        points = []
        for i, point in enumerate(series):
            value = getattr(point, attr)
            if value is None:
                continue
            y = sy(float(value) * 100)
            points.append((x(i), y))
            if slots <= 24:
                c.circle(
                    x(i),
                    y,
                    2.6,
                    f"chart__dot {cls}",
                    f"{label}, {month_label(point.start, point.months)}: {percent(value)}",
                )
        c.polyline(points, f"chart__line {cls}")
    _month_axis(c, [s.start for s in series], series[0].months, x)
    c.legend([(cls, label) for _attr, cls, label in lines])
    if p.scope == SCOPE_COMPANY:
        c.legend(
            [
                ("chart__band-swatch", _("Typical key-account band")),
                ("chart__alarm-swatch", _("Alarm")),
            ],
            y=32,
        )
    return c.render(
        title,
        _("Per period: the share of the largest account, the top 5, the top 10 and key accounts."),
        "chart--concentration",
    )


def _month_axis(c: Canvas, starts: list[date], months: int, x: Callable[[int], float]) -> None:
    slots = len(starts)
    # A label needs about 48 units ("Sep 26", "Q3 2026"): skip some when the slots are narrower.
    every = max(1, math.ceil(48 / (c.plot_width / max(slots, 1))))
    for i, start in enumerate(starts):
        if i % every == 0:
            label = month_label(start, 3) if months == 3 else short_month(start)
            c.text(x(i), c.y1 + 14, label, "chart__tick", "middle")


def concentration_hhi(p: Portfolio) -> SafeString:
    title = _("Herfindahl-Hirschman index per period")
    series = list(p.series)
    values = [float(s.hhi) for s in series if s.hhi is not None]
    if not values:
        return empty_chart(560, 300, title, _("No revenue in this period."))
    c = Canvas(560, 300, left=60, right=20, top=34, bottom=36)
    whole = float(p.hhi) if p.hhi is not None else None
    ticks = nice_ticks(0, max([*values, whole or 0]) * 1.1, 5)
    sy = linear((0, ticks[-1]), (c.y1, c.y0))
    band = c.plot_width / len(series)

    def x(i: int) -> float:
        return c.x0 + band * (i + 0.5)

    c.y_axis(ticks, sy, lambda v: format_number(v, 0), _("HHI (0–10,000)"))
    bar = min(28.0, band * 0.6)
    for i, point in enumerate(series):
        if point.hhi is None:
            continue
        value = float(point.hhi)
        equivalent = 10000 / value if value else 0
        c.rect(
            x(i) - bar / 2,
            sy(value),
            bar,
            sy(0) - sy(value),
            "chart__bar series--primary",
            _("%(period)s: HHI %(hhi)s, as concentrated as %(n)s equal accounts")
            % {
                "period": month_label(point.start, point.months),
                "hhi": format_number(value, 0),
                "n": compact(equivalent) if equivalent >= 10 else f"{equivalent:.1f}",
            },
        )
    if whole is not None:
        # Over the whole period revenue spreads over more accounts than in any one month.
        c.line(c.x0, sy(whole), c.x1, sy(whole), "chart__reference")
        c.text(
            c.x1 - 4,
            sy(whole) - 6,
            _("Whole period: %(hhi)s") % {"hhi": format_number(whole, 0)},
            "chart__note",
            "end",
        )
    _month_axis(c, [s.start for s in series], series[0].months, x)
    c.legend([("series--primary", _("HHI over accounts with positive revenue"))])
    return c.render(
        title,
        _("The HHI of each period; 10,000 means one account has all the revenue."),
        "chart--hhi",
    )


def revenue_by_tier(p: Portfolio) -> SafeString:
    title = _("Revenue by tier")
    tiers = p.tiers
    top = max([float(t.revenue) for t in tiers] + [float(t.previous_revenue or 0) for t in tiers])
    if top <= 0:
        return empty_chart(560, 240, title, _("No revenue in this period."))
    labels = []
    for tier in tiers:
        growth = f" · {signed_percent(tier.growth, 0)}" if tier.growth is not None else ""
        labels.append(f"{compact(tier.revenue, p.currency)} · {percent(tier.share, 0)}{growth}")
    right = int(max(len(label) for label in labels) * CHAR_WIDTH * 0.95) + 14
    c = Canvas(560, 60 + 46 * len(tiers), left=80, right=right, top=34, bottom=26)
    ticks = nice_ticks(0, top, 4)
    sx = linear((0, ticks[-1]), (c.x0, c.x1))
    tick_label = axis_formatter(ticks)
    for tick in ticks:
        c.line(sx(tick), c.y0, sx(tick), c.y1, "chart__grid")
        c.text(sx(tick), c.y1 + 12, tick_label(tick), "chart__tick", "middle")
    row_height = c.plot_height / len(tiers)
    for i, (tier, label) in enumerate(zip(tiers, labels, strict=True)):
        y = c.y0 + row_height * i + 6
        c.text(c.x0 - 8, y + 10, tier.label, "chart__label", "end")
        current, previous = float(tier.revenue), float(tier.previous_revenue or 0)
        c.rect(
            sx(0),
            y,
            max(sx(max(current, 0)) - sx(0), 0),
            16,
            f"chart__bar tier--{tier.tier}",
            f"{tier.label}: {compact(current, p.currency)}",
        )
        if tier.previous_revenue is not None:
            c.rect(
                sx(0),
                y + 19,
                max(sx(max(previous, 0)) - sx(0), 0),
                7,
                "chart__bar chart__bar--previous",
                _("%(tier)s, previous period: %(amount)s")
                % {"tier": tier.label, "amount": compact(previous, p.currency)},
            )
        c.text(sx(max(current, 0)) + 6, y + 9, label, "chart__value")
    # Bars take their tier's colour: the legend tells the periods apart by the bars' shape.
    c.rect(c.x0, 9, 12, 10, "chart__swatch chart__swatch--current")
    c.text(c.x0 + 16, 14, _("This period"), "chart__legend")
    offset = c.x0 + 16 + len(_("This period")) * CHAR_WIDTH + 18
    c.rect(offset, 11, 12, 5, "chart__bar--previous")
    c.text(offset + 16, 14, _("Previous period"), "chart__legend")
    return c.render(
        title,
        "; ".join(f"{t.label}: {label}" for t, label in zip(tiers, labels, strict=True)),
        "chart--tiers",
    )


def growth_share_quadrant(p: Portfolio) -> SafeString:
    title = _("Growth against share")
    points = [r for r in p.rows if r.revenue > 0 and r.growth is not None][:QUADRANT_ACCOUNTS]
    if len(points) < 2:
        return empty_chart(
            560, 340, title, _("Growth needs revenue in this and the previous period.")
        )
    c = Canvas(560, 340, left=56, right=20, top=34, bottom=44)
    shares = [max(float(r.share or 0) * 100, 0.001) for r in points]
    average = 100 / max(1, sum(1 for r in p.rows if r.revenue > 0))
    low = min(min(shares), average) / 1.6
    high = min(100.0, max(max(shares), average) * 1.6)

    def sx(value: float) -> float:
        value = min(max(value, low), high)
        return (
            c.x0
            + (math.log10(value) - math.log10(low))
            / (math.log10(high) - math.log10(low))
            * c.plot_width
        )

    growths = [float(r.growth or 0) * 100 for r in points]
    g_low = max(-100.0, min(min(growths), -10.0))
    g_high = min(300.0, max(max(growths), 10.0))
    ticks = nice_ticks(g_low, g_high, 5)
    sy = linear((ticks[0], ticks[-1]), (c.y1, c.y0))
    mid_x = sx(average)
    # Quadrants: large and growing, large and shrinking, small and growing, small and shrinking.
    c.rect(mid_x, c.y0, c.x1 - mid_x, sy(0) - c.y0, "quadrant quadrant--star")
    c.rect(mid_x, sy(0), c.x1 - mid_x, c.y1 - sy(0), "quadrant quadrant--risk")
    c.y_axis(ticks, sy, lambda v: percent(v / 100, 0), _("Growth on the previous period"))
    candidates = [m * 10**e for e in range(-3, 3) for m in (1, 2, 5)]
    marks = [v for v in candidates if low <= v <= high]
    if len(marks) > 7:
        marks = [v for v in marks if str(v).lstrip("0.").startswith("1")]
    for mark in marks:
        c.line(sx(mark), c.y0, sx(mark), c.y1, "chart__grid")
        decimals = 0 if mark >= 1 else (1 if mark >= 0.1 else 2)
        c.text(sx(mark), c.y1 + 14, percent(mark / 100, decimals), "chart__tick", "middle")
    c.line(mid_x, c.y0, mid_x, c.y1, "chart__reference")
    c.x_title(_("Share of revenue (logarithmic)"))
    c.text(c.x1 - 4, c.y0 + 10, _("Large and growing"), "chart__quadrant-label", "end")
    c.text(c.x1 - 4, c.y1 - 8, _("Large and shrinking"), "chart__quadrant-label", "end")
    c.text(c.x0 + 4, c.y0 + 10, _("Small and growing"), "chart__quadrant-label")
    c.text(c.x0 + 4, c.y1 - 8, _("Small and shrinking"), "chart__quadrant-label")
    biggest = float(points[0].revenue)
    placed: list[tuple[float, float, float, float]] = []
    for index, row in enumerate(points):
        share = max(float(row.share or 0) * 100, 0.001)
        growth = float(row.growth or 0) * 100
        clipped = growth > ticks[-1] or growth < ticks[0]
        y = sy(min(max(growth, ticks[0]), ticks[-1]))
        radius = 3 + 6 * math.sqrt(float(row.revenue) / biggest)
        tip = _("%(name)s: %(share)s of revenue, growth %(growth)s") % {
            "name": row.name,
            "share": percent(row.share),
            "growth": signed_percent(row.growth),
        }
        c.circle(
            sx(share),
            y,
            radius,
            f"chart__point tier--{row.tier}" + (" chart__point--clipped" if clipped else ""),
            tip,
        )
        if index < QUADRANT_LABELS:
            name = row.name if len(row.name) <= 18 else row.name[:17] + "…"
            spot = _label_spot(c, sx(share), y, radius, len(name) * 5.9, placed)
            if spot is not None:
                lx, ly, anchor = spot
                c.text(lx, ly, name, "chart__point-label", anchor)
    c.legend([(f"tier--{t.value}", str(t.label)) for t in Tier])
    return c.render(
        title,
        _(
            "The %(n)s largest accounts with a growth figure; the vertical line is the "
            "average share."
        )
        % {"n": len(points)},
        "chart--quadrant",
    )


def _label_spot(
    c: Canvas,
    x: float,
    y: float,
    radius: float,
    width: float,
    placed: list[tuple[float, float, float, float]],
) -> tuple[float, float, str] | None:
    """Where a point's label fits without covering another label: right, left, above or
    below the point, inside the plot; None when nowhere (the tooltip still names it)."""
    height = 12.0
    options = [
        (x + radius + 3, y, "start", x + radius + 3, y - height / 2),
        (x, y - radius - 8, "middle", x - width / 2, y - radius - 8 - height / 2),
        (x, y + radius + 9, "middle", x - width / 2, y + radius + 9 - height / 2),
        (x - radius - 3, y, "end", x - radius - 3 - width, y - height / 2),
    ]
    for lx, ly, anchor, bx, by in options:
        box = (bx, by, bx + width, by + height)
        inside = c.x0 <= box[0] and box[2] <= c.x1 and c.y0 <= box[1] and box[3] <= c.y1
        clear = all(
            box[2] <= other[0] or other[2] <= box[0] or box[3] <= other[1] or other[3] <= box[1]
            for other in placed
        )
        if inside and clear:
            placed.append(box)
            return lx, ly, anchor
    return None


def _arc(cx: float, cy: float, r_out: float, r_in: float, p0: float, p1: float) -> str:
    """A ring segment of a half circle from fraction p0 to p1 (0 at the left, 1 at the right)."""

    def point(r: float, p: float) -> tuple[float, float]:
        angle = math.pi * (1 - p)
        return cx + r * math.cos(angle), cy - r * math.sin(angle)

    (ax, ay), (bx, by) = point(r_out, p0), point(r_out, p1)
    (cx2, cy2), (dx, dy) = point(r_in, p1), point(r_in, p0)
    return (
        f"M{ax:.1f},{ay:.1f} A{r_out},{r_out} 0 0 1 {bx:.1f},{by:.1f}"
        f" L{cx2:.1f},{cy2:.1f} A{r_in},{r_in} 0 0 0 {dx:.1f},{dy:.1f} Z"
    )


def key_share_gauge(p: Portfolio) -> SafeString:
    title = _("Key accounts' share of revenue")
    value = p.key_account_share
    c = Canvas(320, 222, left=0, right=0, top=0, bottom=0)
    cx, cy, r_out, r_in = 160.0, 142.0, 118.0, 90.0
    band = p.band
    segments = [
        (0, band["low"], "gauge--low"),
        (band["low"], band["high"], "gauge--typical"),
        (band["high"], band["alarm"], "gauge--high"),
        (band["alarm"], 100, "gauge--alarm"),
    ]
    for start, end, cls in segments:
        c.path(_arc(cx, cy, r_out, r_in, start / 100, end / 100), f"gauge__band {cls}")
    for mark in (0, band["low"], band["high"], band["alarm"], 100):
        angle = math.pi * (1 - mark / 100)
        tx, ty = cx + (r_out + 12) * math.cos(angle), cy - (r_out + 12) * math.sin(angle)
        anchor = "end" if mark < 40 else ("start" if mark > 60 else "middle")
        c.text(tx, ty, _pct_tick(mark), "chart__tick", anchor)
    if value is not None:
        fraction = min(max(float(value), 0.0), 1.0)
        angle = math.pi * (1 - fraction)
        nx, ny = cx + (r_out + 4) * math.cos(angle), cy - (r_out + 4) * math.sin(angle)
        c.line(cx, cy, nx, ny, "gauge__needle")
        c.circle(cx, cy, 6, "gauge__hub")
    # Under the hub, so that the needle never crosses the figure.
    c.text(cx, cy + 34, percent(value) if value is not None else "—", "gauge__value", "middle")
    label = status_label(p.key_status) if p.scope == SCOPE_COMPANY else ""
    if label:
        c.text(cx, cy + 64, label, f"gauge__status gauge__status--{p.key_status}", "middle")
    description = _(
        "Key accounts have %(value)s of revenue; typical is %(low)s–%(high)s %%, above "
        "%(alarm)s %% the company depends on them."
    ) % {"value": percent(value), "low": band["low"], "high": band["high"], "alarm": band["alarm"]}
    return c.render(title, description, "chart--gauge")


def account_months(
    months: list[tuple[date, Decimal | None]], currency: str, split_at: int
) -> SafeString:
    """Monthly net revenue of one account; the months from `split_at` on are the last 12.
    A month with a day that has no exchange rate is drawn as a gap marked "?"."""
    title = _("Monthly revenue, last 24 months")
    values = [float(v) if v is not None else None for _m, v in months]
    known = [v for v in values if v is not None]
    if not any(known) and len(known) == len(values):
        return empty_chart(560, 240, title, _("No revenue in these 24 months."))
    c = Canvas(560, 250, left=66, right=12, top=34, bottom=30)
    ticks = nice_ticks(min([0.0, *known]), max([0.0, *known]), 4)
    sy = linear((ticks[0], ticks[-1]), (c.y1, c.y0))
    c.y_axis(ticks, sy, axis_formatter(ticks), currency)
    band = c.plot_width / len(months)
    for i, ((start, _value), v) in enumerate(zip(months, values, strict=True)):
        x = c.x0 + band * i + band * 0.15
        if v is None:
            c.text(x + band * 0.35, sy(0) - 8, "?", "chart__missing", "middle")
            continue
        top, bottom = (sy(v), sy(0)) if v >= 0 else (sy(0), sy(v))
        cls = "series--primary" if i >= split_at else "chart__bar--earlier"
        if v < 0:
            cls = "chart__bar--negative"
        tip = f"{month_label(start)}: {compact(v, currency)}"
        c.rect(x, top, band * 0.7, bottom - top, f"chart__bar {cls}", tip)
    for i, (start, _value) in enumerate(months):
        if i % 3 == 0:
            label = short_month(start)
            c.text(c.x0 + band * (i + 0.5), c.y1 + 14, label, "chart__tick", "middle")
    legend = [
        ("chart__bar--earlier", _("12 months before")),
        ("series--primary", _("Last 12 months")),
    ]
    if any(v is not None and v < 0 for v in values):
        legend.append(("chart__bar--negative", _("Net credit")))
    c.legend(legend, y=12)
    description = "; ".join(
        f"{month_label(start)}: {compact(v, currency) if v is not None else '?'}"
        for (start, _value), v in zip(months, values, strict=True)
    )
    return c.render(title, description, "chart--months")
