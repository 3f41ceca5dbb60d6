"""Scanned pages into text: Tesseract 5 with its Polish model, through pytesseract.

    from extractor.read.ocr import read_image, ocr_pdf_pages, ocr_page_count, unavailable

A page is read once by `tesseract -l pol --psm 3` (automatic page layout: columns become
blocks, read one after the other) at the resolution it was scanned in (a PDF page is
rendered by pypdfium2 at 300 dpi, where Tesseract reads best). Tesseract's words come with
boxes and confidences (0–100); they are laid out into paragraphs by the rules the PDF
reader uses for its lines (extractor.read.pdf.paragraph_groups) plus a break at a gap of
more than a line, and every word is kept with its page and confidence (`Word`), so facts
can say where they were read and how surely.

Tesseract runs with one thread (OMP_THREAD_LIMIT=1 unless set): on a shared two-core
machine its OpenMP threads spin and made a page take about 11 s instead of 2.5 s; pages are
spread over processes instead (`sprawozdania batch`).

OCR results are cached by the file's sha256 and the page number (`OcrOptions.cache`, or
SPRAWOZDANIA_OCR_CACHE, a folder; `batch` uses OUTDIR/.ocr): the cache holds Tesseract's
words and boxes, not the text, so a change in layout or repair rules costs no OCR. An entry
made by another Tesseract version or other settings is not used.

pytesseract, pypdfium2 and Pillow are imported only when a scan is read.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ._common import Extracted, ReadFailure, tidy
from ._pages import Block

LANG = "pol"
PDF_DPI = 300
PSM = 3
CACHE_ENV = "SPRAWOZDANIA_OCR_CACHE"
# what a cached page depends on besides the engine: bump when preparation or settings change
SETTINGS = {"lang": LANG, "psm": PSM, "pdf_dpi": PDF_DPI, "prepare": 1}
INSTALL_HINT = "`make deps` installs it as root"
ILLEGIBLE = 50        # median word confidence (0-100) under which a page holds no text

PageData = dict[str, Any]


@dataclass
class OcrOptions:
    """How scans are read: where OCR results are cached (None: SPRAWOZDANIA_OCR_CACHE, or
    no cache), the file's sha256 (the cache key; set by the reader), a progress callback
    called after each page with (pages done, pages to read)."""

    cache: str | Path | None = None
    sha256: str | None = None
    on_page: Callable[[int, int], None] | None = None

    def cache_dir(self) -> Path | None:
        raw = self.cache if self.cache is not None else os.environ.get(CACHE_ENV, "").strip()
        return Path(raw) if raw and str(raw).lower() not in ("off", "none", "0") else None


# --- the engine -----------------------------------------------------------------------------

@cache
def unavailable() -> str | None:
    """Why OCR cannot run here (one line naming what to install), or None."""
    try:
        import pytesseract
    except ImportError:
        return "the Python package pytesseract is not installed (pip install pytesseract)"
    try:
        version = pytesseract.get_tesseract_version()
    except Exception:  # noqa: BLE001 - TesseractNotFoundError, or a binary that does not run
        return f"Tesseract is not installed (Debian package tesseract-ocr; {INSTALL_HINT})"
    if getattr(version, "major", 5) < 4:
        return f"Tesseract {version} is too old (4 or later needed; Debian package tesseract-ocr)"
    try:
        langs = pytesseract.get_languages(config="")
    except Exception:  # noqa: BLE001
        langs = []
    if LANG not in langs:
        return f"Tesseract has no Polish model (Debian package tesseract-ocr-{LANG}; {INSTALL_HINT})"
    return None


@cache
def engine() -> str:
    """The engine and model, as recorded with cached pages: 'tesseract 5.3.0 pol'."""
    import pytesseract

    return f"tesseract {pytesseract.get_tesseract_version()} {LANG}"


def require(what: str) -> None:
    why = unavailable()
    if why:
        raise ReadFailure("ocr_unavailable", f"{what} needs OCR, but {why}")


def ocr_image(img: Any, dpi: int) -> PageData:
    """Tesseract's words on one page image: [text, confidence 0-100, left, top, width, height,
    block, paragraph, line] each, with the page size and the time it took."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    t0 = time.perf_counter()
    if img.mode not in ("L", "1"):
        img = img.convert("L")
    data = pytesseract.image_to_data(img, lang=LANG, config=f"--psm {PSM} --dpi {dpi}",
                                     output_type=pytesseract.Output.DICT)
    words = []
    for i, text in enumerate(data["text"]):
        if int(data["level"][i]) != 5 or not str(text).strip():
            continue
        words.append([str(text).strip(), float(data["conf"][i]), int(data["left"][i]), int(data["top"][i]),
                      int(data["width"][i]), int(data["height"][i]), int(data["block_num"][i]),
                      int(data["par_num"][i]), int(data["line_num"][i])])
    return {"width": img.width, "height": img.height, "dpi": dpi, "words": words,
            "seconds": round(time.perf_counter() - t0, 2)}


# --- the cache ------------------------------------------------------------------------------

def _cache_file(folder: Path, sha256: str, page: int) -> Path:
    return folder / f"{sha256}.p{page}.json"


def cached_page(opts: OcrOptions | None, page: int) -> PageData | None:
    folder = opts.cache_dir() if opts else None
    if folder is None or opts is None or not opts.sha256:
        return None
    try:
        entry = json.loads(_cache_file(folder, opts.sha256, page).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("engine") != engine() or entry.get("settings") != SETTINGS:
        return None
    data = entry.get("page")
    return data if isinstance(data, dict) and isinstance(data.get("words"), list) else None


def store_page(opts: OcrOptions | None, page: int, data: PageData) -> None:
    """Keep a page's OCR result; a cache that cannot be written is skipped, not fatal."""
    folder = opts.cache_dir() if opts else None
    if folder is None or opts is None or not opts.sha256:
        return
    from ..output import atomic_write

    entry = {"engine": engine(), "settings": SETTINGS, "sha256": opts.sha256, "page_number": page, "page": data}
    try:
        atomic_write(_cache_file(folder, opts.sha256, page), json.dumps(entry, ensure_ascii=False))
    except OSError:
        pass


# --- layout: words into paragraphs ------------------------------------------------------------

# a list item's mark as OCR reads it: a bullet is often read as », «, °, ·, © or e
_OCR_BULLET = re.compile(r"^\s*(?:[•◦▪●■□○►✓–\-*»«°·©¢]|\d{1,2}[.)])\s")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})


@dataclass
class _Line:
    words: list[tuple[str, float]]
    x0: int
    x1: int
    top: int
    bottom: int

    @property
    def text(self) -> str:
        return " ".join(w for w, _c in self.words)


def _lines(data: PageData) -> list[list[_Line]]:
    """The page's lines, grouped by Tesseract's blocks, in reading order."""
    blocks: dict[int, dict[tuple[int, int], _Line]] = {}
    for text, conf, left, top, width, height, block, par, line in data["words"]:
        word = " ".join(tidy(str(text).translate(_LIGATURES)).split())
        if not word:
            continue
        lines = blocks.setdefault(block, {})
        ln = lines.get((par, line))
        if ln is None:
            lines[(par, line)] = _Line([(word, conf)], left, left + width, top, top + height)
        else:
            ln.words.append((word, conf))
            ln.x0, ln.x1 = min(ln.x0, left), max(ln.x1, left + width)
            ln.top, ln.bottom = min(ln.top, top), max(ln.bottom, top + height)
    return [list(lines.values()) for lines in blocks.values()]


def legible(data: PageData) -> bool:
    """Whether OCR read text on the page: the median confidence of its words is at least
    ILLEGIBLE. Pictures, stains and glyphs drawn from a missing font read as a few words of
    confidence 0-40; real text, even a poor scan, at 80 and more."""
    confs = [float(w[1]) for w in data["words"]]
    return bool(confs) and statistics.median(confs) >= ILLEGIBLE


_CAPS_WORD = re.compile(r"[^\W\d_]{4,}")


def _opens_with_heading(text: str) -> bool:
    """A line that opens with a heading in capitals ("ZADANIE I - ANIMACJA LOKALNA W okresie …"):
    its first word of four letters or more and the word after it are in capitals."""
    words = text.split()
    return len(words) >= 2 and bool(_CAPS_WORD.fullmatch(words[0].strip(":.-"))) and words[0].isupper() \
        and words[1].isupper() and any(c.isalpha() for c in words[1])


def _regroup(run: list[_Line], groups: list[tuple[list[int], bool]]) -> list[tuple[list[int], bool]]:
    """Paragraphs as a scan shows them: a paragraph of several lines whose last line does not
    end a sentence goes on in the next line (a short line there is not its end: "w Lidzbarku"
    / "Warmińskim"), and a line that opens with a heading in capitals starts a new paragraph
    (a heading run into its text)."""
    from .pdf import _SENTENCE_END, _is_heading

    out: list[tuple[list[int], bool]] = []
    for group, item in groups:
        last = run[out[-1][0][-1]].text if out else ""
        if out and not item and len(out[-1][0]) >= 2 and not _SENTENCE_END.search(last) \
                and not _is_heading(last) and not _opens_with_heading(run[group[0]].text) \
                and not _is_heading(run[group[0]].text):
            out[-1][0].extend(group)
        else:
            out.append((list(group), item))
    split: list[tuple[list[int], bool]] = []
    for group, item in out:
        cur = [group[0]]
        for i in group[1:]:
            if _opens_with_heading(run[i].text):
                split.append((cur, item))
                cur, item = [i], False
            else:
                cur.append(i)
        split.append((cur, item))
    return split


def page_blocks(data: PageData) -> list[Block]:
    """One page's paragraphs, each with its words' offsets and confidences (0..1); none
    when the page is not legible."""
    from .pdf import _HYPHENATED, _SENTENCE_END, paragraph_groups

    if not legible(data):
        return []
    height = max(int(data.get("height") or 1), 1)
    out: list[Block] = []
    blocks = [b for b in _lines(data) if b]
    if not blocks:
        return []
    line_h = statistics.median(ln.bottom - ln.top for b in blocks for ln in b) or 1
    # runs of lines one below the other: a gap of more than about a line starts a new run; a
    # block Tesseract began right below the last one, at the same left edge, goes on with it
    # when the text plainly runs on: the last line ends no sentence and the next one opens in
    # lower case (a column beside it begins higher up and does not)
    runs: list[list[_Line]] = []
    for lines in blocks:
        for k, ln in enumerate(lines):
            prev = runs[-1][-1] if runs else None
            gap = ln.top - prev.bottom if prev is not None else 0
            # (lines of a tilted page overlap a little: their boxes are taller than the text)
            if prev is not None and gap <= 0.9 * line_h and (
                    k > 0 or gap >= -0.5 * line_h and abs(ln.x0 - prev.x0) <= 2 * line_h
                    and ln.text[:1].islower() and not _SENTENCE_END.search(prev.text)):
                runs[-1].append(ln)
            else:
                runs.append([ln])
    if True:
        for run in runs:
            x0, x1 = min(ln.x0 for ln in run), max(ln.x1 for ln in run)
            groups = paragraph_groups([(ln.text, ln.x0, ln.x1) for ln in run], x0, x1, _OCR_BULLET)
            for group, item in _regroup(run, groups):
                text = ""
                words: list[tuple[int, int, float]] = []
                for i in group:
                    ln = run[i]
                    if text:
                        if _HYPHENATED.search(text) and ln.text[:1].islower():
                            text = text[:-1]          # "przedsię-" + "biorstw"
                            if words:
                                s, e, c = words[-1]
                                words[-1] = (s, min(e, len(text)), c)
                        else:
                            text += " "
                    for k, (w, conf) in enumerate(ln.words):
                        if k:
                            text += " "
                        words.append((len(text), len(text) + len(w), max(0.0, min(conf, 100.0)) / 100))
                        text += w
                top, bottom = min(run[i].top for i in group), max(run[i].bottom for i in group)
                margin = bottom < 0.1 * height or top > 0.9 * height
                out.append(Block(text, item, margin, words))
    return out


# --- images and PDF pages ---------------------------------------------------------------------

def _frames(data: bytes, max_pages: int, what: str = "image") -> tuple[list[Any], str]:
    """The pages of an image file (a multi-page TIFF has several) and the format's name."""
    import io

    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        fmt = (img.format or "image").lower()
        frames = []
        for k, frame in enumerate(ImageSequence.Iterator(img)):
            if k >= max_pages:
                raise ReadFailure("too_large", f"image has more than {max_pages} pages (limit)")
            frame.load()
            frames.append(frame.copy())
    except Image.DecompressionBombError as e:
        raise ReadFailure("unsafe", f"image too large to decode safely ({e})") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as e:
        raise ReadFailure("corrupt", f"damaged or truncated {what} ({type(e).__name__}: {e})") from None
    if not frames:
        raise ReadFailure("corrupt", f"damaged {what}: no pages")
    return frames, fmt


def _dpi(img: Any) -> int:
    """The resolution the image says it was scanned at; else guessed from an A4 page."""
    dpi = img.info.get("dpi")
    try:
        value = int(round(float(dpi[0] if isinstance(dpi, tuple) else dpi)))
    except (TypeError, ValueError, IndexError):
        value = 0
    if 70 <= value <= 1200:
        return value
    return max(70, min(1200, round(max(int(img.width), int(img.height)) / 11.69)))


def _read_pages(get: Callable[[int], tuple[Any, int]], pages: list[int], opts: OcrOptions | None
                ) -> dict[int, PageData]:
    out: dict[int, PageData] = {}
    for done, k in enumerate(pages, 1):
        data = cached_page(opts, k)
        if data is None:
            img, dpi = get(k)
            data = ocr_image(img, dpi)
            store_page(opts, k, data)
        out[k] = data
        if opts is not None and opts.on_page is not None:
            opts.on_page(done, len(pages))
    return out


def read_image(data: bytes, limits: Any, opts: OcrOptions | None = None) -> Extracted:
    """A scanned page, or a multi-page TIFF, read by OCR: an `Extracted` with its words."""
    from ._pages import assemble

    what = next((f"{name.upper()} image" for magic, name in IMAGES.items() if data.startswith(magic)), "image")
    frames, fmt = _frames(data, limits.max_pages, what)
    require(f"a scanned {what}")
    got = _read_pages(lambda k: (frames[k - 1], _dpi(frames[k - 1])), list(range(1, len(frames) + 1)), opts)
    per_page = [page_blocks(got[k]) for k in range(1, len(frames) + 1)]
    if not any(per_page):
        raise ReadFailure("empty", f"OCR found no legible text in the {fmt.upper()} image ({len(frames)} page(s))")
    text, pages_at, words = assemble(per_page)
    empty = [k for k, b in enumerate(per_page, 1) if not b]
    warnings = [f"page(s) without text: {', '.join(map(str, empty))}"] if empty else []
    return Extracted(text, None, pages_at, warnings, words=words, ocr_pages=[k for k, b in enumerate(per_page, 1) if b])


def _pdf_renderer(data: bytes) -> Callable[[int], tuple[Any, int]]:
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise ReadFailure("ocr_unavailable", "a scanned PDF needs OCR, but the Python package pypdfium2 is not "
                                             "installed (pip install pypdfium2)") from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ReadFailure("corrupt", f"damaged PDF: its pages cannot be rendered for OCR ({e})") from None

    def render(k: int) -> tuple[Any, int]:
        try:
            img = pdf[k - 1].render(scale=PDF_DPI / 72, grayscale=True).to_pil()
        except (pdfium.PdfiumError, IndexError) as e:
            raise ReadFailure("corrupt", f"damaged PDF: page {k} cannot be rendered for OCR ({e})") from None
        return img, PDF_DPI

    return render


def ocr_pdf_pages(data: bytes, pages: list[int], opts: OcrOptions | None = None, *, unmapped: bool = False
                  ) -> dict[int, list[Block]]:
    """Paragraphs of the PDF pages given (1-based), read by OCR."""
    from .pdf import _ranges

    what = "glyphs without a Unicode mapping" if unmapped else "no text layer"
    require(f"PDF page(s) {_ranges(pages)} ({what})")
    todo = [k for k in pages if cached_page(opts, k) is None]
    render = _pdf_renderer(data) if todo else (lambda k: (None, PDF_DPI))
    got = _read_pages(render, pages, opts)
    return {k: page_blocks(got[k]) for k in pages}


# --- how much OCR a file needs, without doing it ------------------------------------------------

def ocr_pages_of(path: str | Path) -> list[int]:
    """The pages (1-based) of a file that need OCR, told cheaply (no OCR, no layout analysis):
    every page of an image; the pages of a PDF with no text in their text layer (pdfium's
    count: an estimate, a PDF whose fonts lack a Unicode mapping counts as text here, and the
    reader then reads those pages by OCR itself); none for other formats and for files that
    cannot be opened (the reader says why)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return []
    try:
        if b"%PDF-" in head:
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            try:
                return [k for k, page in enumerate(pdf, 1) if page.get_textpage().count_chars() == 0]
            finally:
                pdf.close()
        if head.startswith(IMAGE_MAGIC):
            from PIL import Image

            with Image.open(path) as img:
                return list(range(1, int(getattr(img, "n_frames", 1)) + 1))
    except Exception:  # noqa: BLE001 - unreadable: the reader will say why
        return []
    return []


def ocr_page_count(path: str | Path) -> int:
    """How many pages of a file need OCR (`ocr_pages_of`), for a time budget: about 2.5 s a
    page on a two-core machine, one page per process."""
    return len(ocr_pages_of(path))


def ocr_file_page(path: str | Path, page: int, cache: str | Path) -> float:
    """OCR one page of a file into the cache (a batch spreads a scan's pages over its workers;
    reading the file then finds them there). Returns the seconds OCR took (0 when cached).
    Raises ReadFailure when the page cannot be read; the reader of the whole file reports it."""
    import hashlib

    require("a scanned page")
    data = Path(path).read_bytes()
    opts = OcrOptions(cache=cache, sha256=hashlib.sha256(data).hexdigest())
    if cached_page(opts, page) is not None:
        return 0.0
    if data[:1024].find(b"%PDF-") >= 0:
        img, dpi = _pdf_renderer(data)(page)
    else:
        from ._common import Limits

        frames, _fmt = _frames(data, Limits.from_env().max_pages)
        img, dpi = frames[page - 1], _dpi(frames[page - 1])
    got = ocr_image(img, dpi)
    store_page(opts, page, got)
    return float(got["seconds"])


# magic bytes of the image formats read by OCR, and their format names
IMAGES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"II*\x00": "tiff", b"MM\x00*": "tiff"}
IMAGE_MAGIC = tuple(IMAGES)
