#!/usr/bin/env python3
"""Render typed corpus reports as scans: page images and image-only PDFs, seeded.

    render_scans.py corpus/owes-olsztyn_2018-09-01_2018-11-30.txt -o /tmp/scans \
        --dpi 300 --rotate 0.8 --blur 0.6 --as pdf
    render_scans.py corpus/*.txt -o /tmp/scans --preset speckle-jpeg --as png

Each report is laid out on A4 pages the way it is typed (a paragraph per line of the .txt,
a blank line between paragraphs, upper-case headings in bold) in a font with Polish
letters, then degraded as a scanner or a copier would: rotation, blur, speckle (dust and
dropouts), JPEG artefacts, a lower resolution. The same arguments and seed give the same
bytes. Output: OUT/<report stem>.<preset>.<png|tif|jpg|pdf> (PNG and JPEG: one file a page,
"-p2" before the suffix from the second page on; TIFF and PDF: one multi-page file). Needs
Pillow and numpy (both dependencies of the package) and the DejaVu fonts (Debian
fonts-dejavu-core, installed by `make deps`).
"""
from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")
FONTS = {"serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"), "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")}


@dataclass(frozen=True)
class Degrade:
    """How a page is rendered and spoilt."""

    dpi: int = 300
    rotate: float = 0.0        # degrees, counter-clockwise
    blur: float = 0.0          # Gaussian radius in pixels at 300 dpi (scaled to the dpi)
    speckle: float = 0.0       # share of pixels flipped (dust on white, dropouts in ink)
    jpeg: int | None = None    # JPEG quality the page passes through
    columns: int = 1
    font: str = "serif"
    size: float = 11.0         # points


# the degradations the tests and `make ocr-eval` use, by name
PRESETS: dict[str, Degrade] = {
    "clean-300": Degrade(),
    "rot-blur-300": Degrade(rotate=0.8, blur=0.7),
    "rot-neg-300": Degrade(rotate=-1.5, blur=0.5, font="sans"),
    "clean-200": Degrade(dpi=200),
    "rot-blur-200": Degrade(dpi=200, rotate=-0.6, blur=0.6, font="sans"),
    "speckle-jpeg-300": Degrade(speckle=0.004, jpeg=35, blur=0.4),
    "speckle-jpeg-200": Degrade(dpi=200, speckle=0.003, jpeg=40, font="sans"),
    "two-column-300": Degrade(columns=2, size=10.0, rotate=0.4, blur=0.5),
}


def _font(name: str, bold: bool, px: int) -> Any:
    from PIL import ImageFont

    file = FONTS[name][1 if bold else 0]
    for d in FONT_DIRS:
        p = Path(d) / file
        if p.exists():
            return ImageFont.truetype(str(p), px)
    raise SystemExit(f"error: font {file} not found in {', '.join(FONT_DIRS)} (install fonts-dejavu-core)")


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _wrap(text: str, font: Any, width: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        cand = f"{cur} {word}" if cur else word
        if cur and font.getlength(cand) > width:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def layout(text: str, d: Degrade) -> list[Any]:
    """The clean pages (grayscale PIL images) of a typed report."""
    from PIL import Image, ImageDraw

    px = round(d.size / 72 * d.dpi)
    regular, bold = _font(d.font, False, px), _font(d.font, True, px)
    w, h = round(8.27 * d.dpi), round(11.69 * d.dpi)
    margin = round(0.9 * d.dpi)
    gutter = round(0.35 * d.dpi)
    col_w = (w - 2 * margin - (d.columns - 1) * gutter) / d.columns
    lead = round(px * 1.35)
    pages: list[Any] = []
    page: Any = None
    draw: Any = None
    col = 0
    y = 0

    def new_page() -> None:
        nonlocal page, draw, col, y
        page = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(page)
        pages.append(page)
        col, y = 0, margin

    new_page()
    for para in text.replace("\r\n", "\n").split("\n"):
        if not para.strip():
            y += lead // 2
            continue
        font = bold if _is_heading(para) else regular
        for line in _wrap(para.replace("\t", "    "), font, col_w):
            if y + lead > h - margin:
                col += 1
                y = margin
                if col >= d.columns:
                    new_page()
            x = margin + col * (col_w + gutter)
            draw.text((x, y), line, font=font, fill=0)
            y += lead
    return pages


def degrade(page: Any, d: Degrade, seed: int) -> Any:
    """A clean page spoilt as `d` says (deterministic for the seed)."""
    import numpy as np
    from PIL import Image, ImageFilter

    img = page
    if d.rotate:
        img = img.rotate(d.rotate, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if d.blur:
        img = img.filter(ImageFilter.GaussianBlur(d.blur * d.dpi / 300))
    if d.speckle:
        rng = np.random.default_rng(seed)
        a = np.asarray(img).copy()
        flip = rng.random(a.shape) < d.speckle
        a[flip & (a > 128)] = rng.integers(0, 90, int((flip & (a > 128)).sum()), dtype=np.uint8)
        a[flip & (a <= 128)] = 235
        img = Image.fromarray(a)
    if d.jpeg is not None:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=d.jpeg)
        buf.seek(0)
        img = Image.open(buf)
        img.load()
    return img


def render(text: str, d: Degrade, seed: int = 1) -> list[Any]:
    """The pages of a typed report as degraded scans."""
    return [degrade(p, d, seed * 1000 + i) for i, p in enumerate(layout(text, d))]


def save(pages: list[Any], out: Path, kind: str, dpi: int) -> list[Path]:
    """Write pages as `kind` (png, jpg, tif, pdf) at `out` (its suffix is replaced)."""
    res = (dpi, dpi)
    if kind in ("tif", "pdf"):
        path = out.with_suffix("." + kind)
        import time

        when = time.gmtime(1577836800)                     # fixed dates: the same bytes on every run
        extra: dict[str, Any] = {"resolution": float(dpi), "creationDate": when, "modDate": when} \
            if kind == "pdf" else {"dpi": res, "compression": "tiff_deflate"}
        pages[0].save(path, save_all=True, append_images=pages[1:], **extra)
        return [path]
    paths = []
    for i, p in enumerate(pages):
        path = out.with_name(out.stem + (f"-p{i + 1}" if i else "") + "." + kind)
        if kind == "jpg":
            p.save(path, "JPEG", quality=90, dpi=res)
        else:
            p.save(path, "PNG", dpi=res, optimize=True)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reports", nargs="+", type=Path)
    ap.add_argument("-o", "--out", type=Path, required=True)
    ap.add_argument("--preset", choices=sorted(PRESETS), default="clean-300")
    ap.add_argument("--as", dest="kind", choices=("png", "jpg", "tif", "pdf"), default="png")
    ap.add_argument("--dpi", type=int)
    ap.add_argument("--rotate", type=float)
    ap.add_argument("--blur", type=float)
    ap.add_argument("--speckle", type=float)
    ap.add_argument("--jpeg", type=int)
    ap.add_argument("--columns", type=int)
    ap.add_argument("--font", choices=sorted(FONTS))
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    d = PRESETS[a.preset]
    d = replace(d, **{k: v for k in ("dpi", "rotate", "blur", "speckle", "jpeg", "columns", "font")
                      if (v := getattr(a, k)) is not None})
    a.out.mkdir(parents=True, exist_ok=True)
    for rep in a.reports:
        pages = render(rep.read_text(encoding="utf-8"), d, a.seed)
        for p in save(pages, a.out / f"{rep.stem}.{a.preset}.x", a.kind, d.dpi):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
