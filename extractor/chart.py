"""Charts as inline SVG: pure Python, no JavaScript, no network, readable printed.

    from extractor.chart import Bar, bar_chart
    svg = bar_chart("Spotkania animacyjne", [Bar("2018-09", 30), Bar("2018-12", 24, approximate=True),
                                              Bar("2019-03", None)], unit="h")

One bar per value in the order given (periods, chronologically), its value written above it;
an approximate value is hatched and written "~24", a missing one is a gap marked "—". The
`<svg>` carries `role="img"`, a `<title>` and a `<desc>` that lists every value, so a screen
reader (or a search in the page) reads the figures without seeing the bars; black text and
outlines on a light fill keep it legible in black-and-white print. Used by `compare --format
html`; the same function draws an organisation's charts wherever else they are shown.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from html import escape

WIDTH = 560
HEIGHT = 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 16, 44
FILL = "#8fb3d9"
STROKE = "#1f3b5c"


@dataclass(frozen=True)
class Bar:
    label: str                   # under the bar; a line break ("2018-09\n2018-11") gives two lines
    value: float | None          # None: no value for this label
    approximate: bool = False


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def nice_ticks(top: float, n: int = 4) -> list[float]:
    """0 and round steps (1, 2 or 5 × 10^k) up to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    count = math.ceil(top / step - 1e-9)
    return [i * step for i in range(count + 1)]


def bar_chart(title: str, bars: list[Bar], *, unit: str = "", width: int = WIDTH, height: int = HEIGHT,
              chart_id: str | None = None, missing: str = "none") -> str:
    """One inline SVG bar chart (see the module docstring). `unit` is written after the values in
    the description ("h"); `chart_id` makes the ids of title, description and hatching unique in
    a page (by default a hash of the title and labels); `missing` stands for a label without a
    value in the description."""
    cid = chart_id or "c" + hashlib.sha1((title + "|".join(b.label for b in bars)).encode()).hexdigest()[:10]
    known = [b.value for b in bars if b.value is not None]
    ticks = nice_ticks(max(known, default=0.0))
    top = ticks[-1] or 1.0
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    slot = plot_w / max(1, len(bars))
    bar_w = max(4.0, min(56.0, slot * 0.6))
    suffix = f" {unit}" if unit else ""
    desc = "; ".join(f"{b.label.replace(chr(10), '–')}: "
                     + (missing if b.value is None else ("~" if b.approximate else "") + _fmt(b.value) + suffix)
                     for b in bars)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" aria-labelledby="{cid}-t {cid}-d" font-family="sans-serif">',
           f'<title id="{cid}-t">{escape(title)}</title>',
           f'<desc id="{cid}-d">{escape(desc)}</desc>',
           f'<defs><pattern id="{cid}-h" width="6" height="6" patternUnits="userSpaceOnUse" '
           f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
           f'<line x1="0" y1="0" x2="0" y2="6" stroke="{STROKE}" stroke-width="2"/></pattern></defs>']
    base = _TOP + plot_h
    for t in ticks:
        y = base - plot_h * t / top
        out.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{width - _RIGHT}" y2="{y:.1f}" stroke="#c8c8c8" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#000">'
                   f'{escape(_fmt(t))}</text>')
    out.append(f'<line x1="{_LEFT}" y1="{base}" x2="{width - _RIGHT}" y2="{base}" stroke="#000" stroke-width="1"/>')
    for i, b in enumerate(bars):
        cx = _LEFT + slot * (i + 0.5)
        if b.value is None:
            out.append(f'<text x="{cx:.1f}" y="{base - 4}" font-size="12" text-anchor="middle" fill="#000">—</text>')
        else:
            h = plot_h * b.value / top
            fill = f"url(#{cid}-h)" if b.approximate else FILL
            out.append(f'<rect x="{cx - bar_w / 2:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{fill}" stroke="{STROKE}" stroke-width="1"/>')
            shown = ("~" if b.approximate else "") + _fmt(b.value)
            out.append(f'<text x="{cx:.1f}" y="{base - h - 4:.1f}" font-size="12" text-anchor="middle" '
                       f'fill="#000">{escape(shown)}</text>')
        for k, line in enumerate(b.label.split("\n")):
            out.append(f'<text x="{cx:.1f}" y="{base + 15 + 13 * k}" font-size="11" text-anchor="middle" '
                       f'fill="#000">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["Bar", "bar_chart", "nice_ticks"]
