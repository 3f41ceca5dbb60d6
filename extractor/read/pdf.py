"""PDF with a text layer, through pdfminer.six's layout analysis.

pdfminer groups the characters of a page into text boxes in reading order; a box is a
paragraph, split further where a line is a heading (upper case), ends a sentence well short
of the right margin, or starts a bullet. Lines of a paragraph are joined with a space, and
a word hyphenated across a line break is joined back ("przedsię-" + "biorstw"). Pages are
separated like paragraphs, except a sentence running on to the next page, which is joined;
`Extracted.pages` holds where each page starts in the text.

Pages without a text layer — scanned images, or fonts without a Unicode mapping ("(cid:12)"
glyphs) — are rendered and read by OCR (extractor.read.ocr); a PDF with neither text nor
images is refused; blank pages among others are a warning.
"""
from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ._common import Extracted, Limits, ReadFailure, tidy
from ._pages import Block, assemble

if TYPE_CHECKING:
    from .ocr import OcrOptions

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
_SPACES = re.compile(r"[ \t]{2,}")
_CID = re.compile(r"\(cid:\d+\)")
_BULLET = re.compile(r"^\s*(?:[•◦▪●■□○►✓–\-*\uf0b7\uf0a7]|\d{1,2}[.)])\s")
_HYPHENATED = re.compile(r"[^\W\d_][-\u00ad]$")
_SENTENCE_END = re.compile(r"[.:!?;]\s*$")
_NUMBER_MARK = re.compile(r"^\s*(\d{1,2})\s?[.)]\s")
# a line that ends waiting for its figure: "szkoły -", "uczestnicy –", "razem:" is not one (a list)
_AWAITS_VALUE = re.compile(r"\w\s*[-–]$")


def _runs_on(ptext: str, text: str, paras: list[tuple[list[int], bool]], lines: list[tuple[str, float, float]]
             ) -> bool:
    """A line that opens like a list item but goes on with the line above: after a label that
    waits for its figure ("szkoły -" / "2 . Spotkania …"), or a number other than 1 where no
    numbered list runs and the line above ends no sentence (a line wrapped before a number and
    its dot: "… uczestników było łącznie" / "3. edycji nie przeprowadzono …")."""
    if _AWAITS_VALUE.search(ptext.rstrip()):
        return True
    m = _NUMBER_MARK.match(text)
    if m is None or int(m[1]) == 1 or _SENTENCE_END.search(ptext):
        return False
    last = paras[-1] if paras else None
    before = _NUMBER_MARK.match(lines[last[0][0]][0]) if last and last[1] else None
    return not (before and int(before[1]) == int(m[1]) - 1)


def _quiet() -> None:
    """pdfminer logs warnings about damaged files; with no logging set up Python would print
    them on stderr. A NullHandler keeps them for applications that configure logging."""
    log = logging.getLogger("pdfminer")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _clean_line(s: str) -> str:
    """One line of a PDF: ligatures spelt out, white space single (a PDF has no meaningful
    double spaces; justified lines and layout gaps produce them)."""
    return _SPACES.sub(" ", tidy(s.translate(_LIGATURES)).replace("\n", " ")).strip()


def join_lines(lines: list[str]) -> str:
    out = ""
    for ln in lines:
        if not out:
            out = ln
        elif _HYPHENATED.search(out) and ln[:1].islower():
            out = out[:-1] + ln
        else:
            out = out + " " + ln
    return out


def paragraph_groups(lines: list[tuple[str, float, float]], x0: float, x1: float,
                     bullet_re: re.Pattern[str] = _BULLET) -> list[tuple[list[int], bool]]:
    """Lines of one text box (text, left, right) grouped into paragraphs: (line indices,
    is list item). Shared with the OCR reader, whose lines come with the same coordinates
    (and whose bullets may be read as other marks: `bullet_re`)."""
    width = max(x1 - x0, 1.0)
    # justified text: most lines reach the right edge, so any short line ends a paragraph;
    # ragged text: a line is short only well before the edge
    full = sum(1 for _t, _a, b in lines if b >= x1 - 2.0)
    end_ratio = 0.85 if full >= 0.6 * len(lines) else 0.65
    paras: list[tuple[list[int], bool]] = []
    prev: tuple[str, float, float] | None = None
    for i, line in enumerate(lines):
        text, _lx0, _lx1 = line
        if not text:
            continue
        bullet = bool(bullet_re.match(text)) and not (prev is not None and _runs_on(prev[0], text, paras, lines))
        new = prev is None or bullet
        if prev is not None and not new:
            ptext, _px0, px1 = prev
            short = px1 < x0 + end_ratio * width
            very_short = px1 < x0 + 0.5 * width
            if _is_heading(ptext) != _is_heading(text):
                new = True  # an upper-case heading line above or below text
            elif short and _SENTENCE_END.search(ptext):
                new = True  # the last line of a paragraph
            elif very_short and (text[:1].isupper() or text[:1].isdigit()):
                new = True  # a title or an address line
        if new:
            paras.append(([i], bullet))
        else:
            paras[-1][0].append(i)
        prev = line
    return paras


def box_paragraphs(lines: list[tuple[str, float, float]], x0: float, x1: float) -> list[tuple[str, bool]]:
    """Lines of one text box (text, left, right) into paragraphs (text, is list item)."""
    return [(join_lines([lines[i][0] for i in group]), item) for group, item in paragraph_groups(lines, x0, x1)]


def _walk(obj: Any, boxes: list[Any], counts: dict[str, int], depth: int = 0) -> None:
    from pdfminer.layout import LTChar, LTFigure, LTImage, LTTextBox

    for el in obj:
        if isinstance(el, LTTextBox):
            boxes.append(el)
        elif isinstance(el, LTImage):
            counts["images"] += 1
        elif isinstance(el, LTFigure) and depth < 50:
            _walk(el, boxes, counts, depth + 1)
        elif isinstance(el, LTChar):
            counts["loose"] += 1


def _merge_boxes(boxes: list[Any]) -> list[tuple[list[Any], float, float]]:
    """Boxes that continue one another, as (lines, left, right). pdfminer starts a new box
    where a line is not aligned with the one above, which splits list items with a hanging
    indent: a box right below another, indented a little and opening in lower case, is the
    same paragraph."""
    from pdfminer.layout import LTTextLine

    out: list[tuple[list[Any], float, float]] = []
    prev: Any = None
    for box in boxes:
        lines = [ln for ln in box if isinstance(ln, LTTextLine)]
        if not lines:
            continue
        if prev is not None and out:
            last = out[-1][0][-1]
            first = lines[0]
            height = max(float(last.height), 1.0)
            gap = float(last.y0) - float(first.y1)
            indent = float(first.x0) - float(last.x0)
            text = first.get_text().lstrip()
            if -0.3 * height <= gap <= 0.8 * height and -2.0 <= indent <= 4 * height \
                    and (text[:1].islower() or indent > 0.5 * height) and not _SENTENCE_END.search(last.get_text()) \
                    and not _BULLET.match(text):
                group, x0, x1 = out[-1]
                out[-1] = (group + lines, min(x0, float(box.x0)), max(x1, float(box.x1)))
                prev = box
                continue
        out.append((lines, float(box.x0), float(box.x1)))
        prev = box
    return out


def _page_blocks(layout: Any, counts: dict[str, int]) -> list[Block]:
    """The paragraphs of one page, each marked when it sits in the top or bottom margin."""
    boxes: list[Any] = []
    _walk(layout, boxes, counts)
    y0, y1 = float(layout.y0), float(layout.y1)
    band = 0.1 * max(y1 - y0, 1.0)
    out: list[Block] = []
    for group, x0, x1 in _merge_boxes(boxes):
        lines = []
        for ln in group:
            raw = ln.get_text()
            counts["cid"] += sum(len(m) for m in _CID.findall(raw))
            raw = _CID.sub("", raw)
            counts["chars"] += len(raw.strip())
            lines.append((_clean_line(raw), float(ln.x0), float(ln.x1)))
        top, bottom = max(float(ln.y1) for ln in group), min(float(ln.y0) for ln in group)
        margin = bottom > y1 - band or top < y0 + band
        out.extend(Block(text, item, margin) for text, item in box_paragraphs(lines, x0, x1))
    return out


def _open(data: bytes) -> Any:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    parser = PDFParser(io.BytesIO(data))
    try:
        return PDFDocument(parser, password="")
    except PDFPasswordIncorrect:
        raise ReadFailure("encrypted", "password-protected PDF (it cannot be opened without its password)") from None
    except PDFEncryptionError as e:
        raise ReadFailure("encrypted", f"encrypted PDF that cannot be decrypted ({e})") from None
    except NotImplementedError as e:
        raise ReadFailure("encrypted" if "crypt" in str(e).lower() else "corrupt",
                          f"PDF uses a feature that cannot be read ({e})") from None


def _pages(data: bytes) -> Iterator[Any]:
    from pdfminer.pdfpage import PDFPage

    yield from PDFPage.create_pages(_open(data))


# pdfminer puts a page's text boxes in reading order by clustering them, which weighs every
# pair: nothing for the tens of boxes of a page of prose, 11-19 s for the 900 boxes of a
# damaged 2.7 kB file the fuzzer made (13 s for a grid of 612 cells). A page with more boxes
# than this is read by position instead — top to bottom, then left to right, as pdfminer
# orders boxes when told not to cluster them — in n log n (0.7 s for the grid).
MAX_CLUSTERED_BOXES = 200


@functools.cache
def _aggregator() -> type:
    """pdfminer's PDFPageAggregator, with pages that cluster at most MAX_CLUSTERED_BOXES boxes."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTPage, LTTextGroup

    class ByPosition(LTTextGroup):
        def analyze(self, laparams: Any) -> None:
            super().analyze(laparams)
            self._objs.sort(key=lambda box: (-box.y0, box.x0))

    class Page(LTPage):
        def group_textboxes(self, laparams: Any, boxes: Any) -> Any:
            if len(boxes) > MAX_CLUSTERED_BOXES:
                return [ByPosition(list(boxes))]
            return super().group_textboxes(laparams, boxes)

    class Aggregator(PDFPageAggregator):
        def begin_page(self, page: Any, ctm: Any) -> None:
            super().begin_page(page, ctm)
            self.cur_item = Page(self.pageno, self.cur_item.bbox)

    return Aggregator


def read_pdf(data: bytes, limits: Limits, ocr: OcrOptions | None = None) -> Extracted:
    """The text of a PDF; pages without a text layer (a scan, or glyphs without a Unicode
    mapping) are read by OCR (extractor.read.ocr), their words kept with page and confidence."""
    _quiet()
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.psexceptions import PSException

    rsrc = PDFResourceManager(caching=True)
    # char_margin 3 (pdfminer: 2) keeps the wide word gaps of justified lines in one line
    device = _aggregator()(rsrc, laparams=LAParams(all_texts=True, char_margin=3.0))
    interp = PDFPageInterpreter(rsrc, device)
    counts = {"images": 0, "chars": 0, "cid": 0, "loose": 0}
    per_page: list[list[Block]] = []
    empty_pages: list[int] = []        # no text and nothing to read: blank
    scanned: list[int] = []            # no usable text layer, but images or unmapped glyphs: OCR
    failed_pages: list[int] = []
    n = 0
    pages = _pages(data)
    while True:
        try:
            page = next(pages)
        except StopIteration:
            break
        except ReadFailure:
            raise
        except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
                RecursionError) as e:
            if n == 0:
                raise ReadFailure("corrupt", f"damaged PDF ({type(e).__name__}: {e})") from None
            failed_pages.append(n + 1)
            break
        n += 1
        if n > limits.max_pages:
            raise ReadFailure("too_large", f"PDF has more than {limits.max_pages} pages (limit)")
        before = dict(counts)
        try:
            interp.process_page(page)
            page_blocks = _page_blocks(device.get_result(), counts)
        except ReadFailure:
            raise
        except Exception:  # a damaged page: keep the others
            failed_pages.append(n)
            page_blocks = []
        if counts["chars"] > limits.max_chars:
            raise ReadFailure("too_large", f"PDF text is longer than {limits.max_chars} characters (limit)")
        chars, cid = counts["chars"] - before["chars"], counts["cid"] - before["cid"]
        if n not in failed_pages and (cid > chars or chars == 0 and counts["images"] > before["images"]):
            scanned.append(n)
            page_blocks = []
        elif chars == 0:
            empty_pages.append(n)
        per_page.append(page_blocks)
    if n == 0:
        raise ReadFailure("corrupt", "damaged PDF: no pages")
    if len(failed_pages) == n:
        raise ReadFailure("corrupt", "damaged PDF: no page could be read")
    warnings = []
    read_by_ocr: list[int] = []
    if scanned:
        from .ocr import ocr_pdf_pages

        for k, blocks in ocr_pdf_pages(data, scanned, ocr, unmapped=counts["cid"] > 0).items():
            per_page[k - 1] = blocks
        read_by_ocr = [k for k in scanned if per_page[k - 1]]
        empty_pages = sorted(empty_pages + [k for k in scanned if not per_page[k - 1]])
    if not any(per_page):
        if scanned:
            what = "PDF text has no Unicode mapping (fonts without ToUnicode)" if counts["cid"] else \
                "PDF has no text layer"
            raise ReadFailure("no_text_layer", f"{what} and OCR found no legible text on its {n} page(s)")
        raise ReadFailure("no_text_layer", f"PDF has no text layer and no scanned image ({n} blank page(s))")
    text, pages_at, words = assemble(per_page)
    if empty_pages:
        warnings.append(f"page(s) without text: {_ranges(empty_pages)}")
    if failed_pages:
        warnings.append(f"page(s) that could not be read: {_ranges(failed_pages)}")
    return Extracted(text, None, pages_at, warnings, words=words, ocr_pages=read_by_ocr)


def _ranges(ns: list[int]) -> str:
    out: list[str] = []
    for k in ns:
        if out and out[-1].split("-")[-1] == str(k - 1):
            out[-1] = out[-1].split("-")[0] + f"-{k}"
        else:
            out.append(str(k))
    return ", ".join(out)



def page_count(data: bytes, limit: int = 100_000) -> int | None:
    """How many pages a PDF has, from its page tree's count (no page is laid out): what a time
    budget for reading it, OCR of scanned pages above all, is scaled by. None when the file
    cannot be opened as a PDF; at most `limit`."""
    _quiet()
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    try:
        doc = _open(data)
        count = resolve1(resolve1(doc.catalog["Pages"]).get("Count"))
        if not isinstance(count, int) or count < 0:      # no usable count: walk the tree
            count = 0
            for _ in PDFPage.create_pages(doc):
                count += 1
                if count >= limit:
                    break
        return min(count, limit)
    except Exception:  # noqa: BLE001 - a damaged PDF: its reader says why, this is only an estimate
        return None
