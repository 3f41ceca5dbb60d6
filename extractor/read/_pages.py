"""Pages of paragraphs into one text: what the PDF reader and the OCR reader share.

A page is a list of `Block`s (a paragraph, whether it is a list item, whether it sits in
the top or bottom margin, and for OCR the words it was read from). `assemble` drops running
headers and footers, joins a sentence that runs on to the next page, lays the paragraphs
out as the .txt corpus has them and says where each page and each OCR word lands in the
text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._common import join_blocks_at

_SENTENCE_END = re.compile(r"[.:!?;]\s*$")
_HYPHENATED = re.compile(r"[^\W\d_][-\u00ad]$")
_PAGE_NO = re.compile(r"^(?:-\s*)?(?:strona|str\.|s\.|page)?\s*\d+(?:\s*(?:z|/|of|ze)\s*\d+)?(?:\s*-)?$", re.I)


@dataclass(frozen=True)
class Word:
    """A word read by OCR: where it is in a text, its page (1-based) and confidence (0..1)."""

    start: int
    end: int
    page: int
    confidence: float


@dataclass
class Block:
    text: str                 # one paragraph, stripped, without line breaks
    item: bool = False        # a list item (joined to the next item by one line break)
    margin: bool = False      # in the top or bottom tenth of the page
    words: list[tuple[int, int, float]] = field(default_factory=list)   # OCR: (start, end, conf) in `text`


def furniture(pages: list[list[Block]]) -> set[tuple[int, int]]:
    """(page, block) of running headers and footers: blocks in the top or bottom margin
    that are a page number or repeat on other pages (digits aside)."""
    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.lower()).strip()

    seen: dict[str, set[int]] = {}
    for k, blocks in enumerate(pages):
        for b in blocks:
            if b.margin:
                seen.setdefault(key(b.text), set()).add(k)
    out = set()
    for k, blocks in enumerate(pages):
        for i, b in enumerate(blocks):
            if b.margin and len(b.text) <= 200 and (_PAGE_NO.match(b.text) or len(seen.get(key(b.text), ())) >= 2):
                out.add((k, i))
    return out


def assemble(pages: list[list[Block]]) -> tuple[str, list[int], list[Word]]:
    """The text of the pages, where each page starts in it, and the OCR words in it."""
    drop = furniture(pages)
    blocks: list[Block] = []
    owner: list[list[tuple[int, int, int, float]]] = []   # per block: (start, end, page, conf) in its text
    marks: list[tuple[int, int]] = []                      # (block index, offset in it) where a page starts
    for k, page in enumerate(pages):
        body = [b for i, b in enumerate(page) if (k, i) not in drop]
        mark = (len(blocks), 0)
        if body and blocks and not _SENTENCE_END.search(blocks[-1].text) and body[0].text[:1].islower() \
                and not body[0].item:
            # the sentence runs on from the previous page
            prev = blocks[-1]
            first = body.pop(0)
            if _HYPHENATED.search(prev.text):
                at = len(prev.text) - 1
                joined = prev.text[:-1] + first.text
                owner[-1] = [(s, min(e, at), p, c) for s, e, p, c in owner[-1]]
            else:
                at = len(prev.text) + 1
                joined = prev.text + " " + first.text
            blocks[-1] = Block(joined, prev.item, prev.margin)
            owner[-1] += [(s + at, e + at, k + 1, c) for s, e, c in first.words]
            mark = (len(blocks) - 1, at)
        marks.append(mark)
        for b in body:
            blocks.append(b)
            owner.append([(s, e, k + 1, c) for s, e, c in b.words])
    text, starts = join_blocks_at([(b.text, b.item) for b in blocks])
    pages_at = [starts[b] + off if b < len(starts) else len(text) for b, off in marks]
    words: list[Word] = []
    for i, ws in enumerate(owner):
        base = starts[i]
        words.extend(Word(base + s, base + e, p, c) for s, e, p, c in ws if e > s)
    return text, pages_at, words
