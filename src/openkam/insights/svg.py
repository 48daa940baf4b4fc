"""A small kit for charts drawn on the server as SVG: no JavaScript, nothing fetched, allowed by
the strict Content Security Policy (colours come from classes in app.css, never from inline
styles), readable in a screenshot and printable.

Every chart is an `<svg role="img">` with a title and a description for screen readers;
shapes carry a `<title>` that browsers show on hover. Colours always come with text: legends,
labels on the lines, values on the bars.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ScaleFn = Callable[[float], float]
LabelFn = Callable[[float], str]

# Rough width of a character of the chart font (12 units), to place legends and labels.
CHAR_WIDTH = 6.6


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from at most `low` to at least `high` (0 included when the range
    spans it)."""
    if high <= low:
        high = low + 1
    step = nice_step(high - low, count)
    first = math.floor(low / step + 1e-9) * step
    ticks = [round(first, 10)]
    while ticks[-1] < high - 1e-9 and len(ticks) < 50:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


@dataclass
class Canvas:
    width: int
    height: int
    left: int = 56
    right: int = 16
    top: int = 34
    bottom: int = 40
    parts: list[str] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.left

    @property
    def x1(self) -> float:
        return self.width - self.right

    @property
    def y0(self) -> float:
        return self.top

    @property
    def y1(self) -> float:
        return self.height - self.bottom

    @property
    def plot_width(self) -> float:
        return self.x1 - self.x0

    @property
    def plot_height(self) -> float:
        return self.y1 - self.y0

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str) -> None:
        self.add(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" class="{cls}"/>')

    def rect(self, x: float, y: float, w: float, h: float, cls: str, tip: str = "") -> None:
        inner = f"<title>{escape(tip)}</title>" if tip else ""
        self.add(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(max(h, 0))}"'
            f' class="{cls}">{inner}</rect>'
        )

    def circle(self, cx: float, cy: float, r: float, cls: str, tip: str = "") -> None:
        inner = f"<title>{escape(tip)}</title>" if tip else ""
        self.add(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" class="{cls}">{inner}</circle>')

    def polyline(self, points: Sequence[tuple[float, float]], cls: str, tip: str = "") -> None:
        if not points:
            return
        inner = f"<title>{escape(tip)}</title>" if tip else ""
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.add(f'<polyline points="{coords}" class="{cls}">{inner}</polyline>')

    def path(self, d: str, cls: str, tip: str = "") -> None:
        inner = f"<title>{escape(tip)}</title>" if tip else ""
        self.add(f'<path d="{d}" class="{cls}">{inner}</path>')

    def text(
        self,
        x: float,
        y: float,
        content: str,
        cls: str = "chart__label",
        anchor: str = "start",
        baseline: str = "middle",
    ) -> None:
        self.add(
            f'<text x="{_n(x)}" y="{_n(y)}" class="{cls}" text-anchor="{anchor}"'
            f' dominant-baseline="{baseline}">{escape(content)}</text>'
        )

    def legend(
        self, items: Sequence[tuple[str, str]], y: float = 14, x: float | None = None
    ) -> None:
        """Swatch and label for each (class, label), left to right from the plot's left."""
        cursor = self.x0 if x is None else x
        for cls, label in items:
            self.rect(cursor, y - 5, 12, 10, f"chart__swatch {cls}")
            self.text(cursor + 16, y, label, "chart__legend")
            cursor += 16 + len(label) * CHAR_WIDTH + 18

    def y_axis(
        self, ticks: Sequence[float], scale: ScaleFn, label: LabelFn, title: str = ""
    ) -> None:
        for tick in ticks:
            y = scale(tick)
            self.line(self.x0, y, self.x1, y, "chart__grid" if tick else "chart__zero")
            self.text(self.x0 - 6, y, label(tick), "chart__tick", anchor="end")
        if title:
            self.add(
                f'<text class="chart__axis-title" text-anchor="middle"'
                f' transform="translate(12 {_n((self.y0 + self.y1) / 2)}) rotate(-90)">'
                f"{escape(title)}</text>"
            )

    def x_title(self, title: str) -> None:
        self.text((self.x0 + self.x1) / 2, self.height - 6, title, "chart__axis-title", "middle")

    def render(self, title: str, description: str, cls: str = "") -> SafeString:
        digest = hashlib.blake2s(f"{title}|{description}".encode(), digest_size=4).hexdigest()
        slug = f"chart-{digest}"
        body = "".join(self.parts)
        return mark_safe(  # noqa: S308 -- every text above went through escape()
            f'<svg class="chart {cls}" viewBox="0 0 {self.width} {self.height}"'
            f' role="img" aria-labelledby="{slug}-t {slug}-d" preserveAspectRatio="xMidYMid meet">'
            f'<title id="{slug}-t">{escape(title)}</title>'
            f'<desc id="{slug}-d">{escape(description)}</desc>{body}</svg>'
        )


def linear(domain: tuple[float, float], pixels: tuple[float, float]) -> ScaleFn:
    (d0, d1), (p0, p1) = domain, pixels
    span = (d1 - d0) or 1.0

    def scale(value: float) -> float:
        return p0 + (value - d0) / span * (p1 - p0)

    return scale


def empty_chart(width: int, height: int, title: str, message: str) -> SafeString:
    canvas = Canvas(width, height)
    canvas.rect(0, 0, width, height, "chart__empty-bg")
    canvas.text(width / 2, height / 2, message, "chart__empty", "middle")
    return canvas.render(title, message, "chart--empty")
