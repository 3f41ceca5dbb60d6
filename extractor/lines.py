"""Where an offset stands in a text: its line and column, and the sentence around it.

    from extractor.lines import LineIndex
    idx = LineIndex(text)              # line starts found once
    idx.line_col(1672)                 # (12, 41): 1-based, as editors count
    idx.sentence(1672)                 # (1631, 1790): [start, end) of the sentence holding it

Offsets are those of the facts and findings: into the text the file decodes to (facts/1),
so a line is what an editor shows for the file. A sentence ends at . ! ? or … followed by a
space and a capital (not after an abbreviation of the lexicon, "m.in.", "ok.", or a single
letter), at a blank line, and at a line break after such punctuation or before a list item;
it never reaches past a paragraph. Used by `audit` and anything else that points at words.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")
_BULLET = re.compile(r"[ \t]*(?:[-–—•*▪◦]|\d{1,2}[.)]|[a-z][)])\s")
MAX_SENTENCE = 600      # a longer run (a flattened table) is cut around the offset
SHORT_LINE = 50         # a line shorter than this, without punctuation, is a heading or a label


@cache
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """(abbreviations a sentence goes on after, those that often end one): the lexicon's."""
    from .lexicon import lexicon

    lx = lexicon()
    terminal = frozenset(a.casefold() for a in lx.terminal_abbreviations.words)
    inner = frozenset(a.casefold() for a in lx.abbreviations if a.casefold() not in terminal) | {
        "m.in.", "np.", "ok.", "tj.", "tzw.", "ul.", "nr.", "pn.", "pt.", "tzn.", "wg.", "ww.", "jw.", "pkt."}
    return inner, terminal


class LineIndex:
    """The start of every line of `text`, found once; lookups by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.starts = starts

    def line(self, offset: int) -> int:
        """1-based line number of `offset`."""
        return bisect_right(self.starts, offset)

    def line_col(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based; the column counts characters from the line's start."""
        i = bisect_right(self.starts, offset)
        return i, offset - self.starts[i - 1] + 1

    def _ends_sentence(self, m: re.Match[str]) -> bool:
        text = self.text
        after = text[m.end():m.end() + 40].lstrip(" \t\u00a0")
        if not after:
            return True
        if after[0] == "\n":
            return True
        if not (after[0].isupper() or after[0] in "„\"'"):
            return False
        if m.group()[0] == ".":
            before = text[max(0, m.start() - 20):m.start()]
            last = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
            w = (last + ".").casefold().lstrip("(„\"'") if last else ""
            inner, terminal = _abbreviations()
            if w in terminal:
                return True
            if w in inner or len(w.strip(".")) == 1 and w[0].isalpha():     # "m.in. Olsztyn", "J. Nowak"
                return False
        return True

    def _break_ends_sentence(self, nl: int) -> bool:
        """A line break at `nl` ends a sentence: at a blank line, after sentence punctuation, before
        a list item, after a short line (a heading); not inside a paragraph flattened from a PDF
        ('przeprowadzili 19\nspotkań', 'w Lidzbarku\nWarmińskim')."""
        text = self.text
        before = text[text.rfind("\n", 0, nl) + 1:nl].rstrip()
        nxt_end = text.find("\n", nl + 1)
        nxt = text[nl + 1:nxt_end if nxt_end >= 0 else len(text)]
        if not before or not nxt.strip():
            return True
        if before[-1] in ".!?…:;" or _BULLET.match(nxt):
            return True
        first = nxt.lstrip()[:1]
        if before[-1] in "-,–" or first.islower() or first.isdigit():
            return False
        last = before.rsplit(None, 1)[-1]
        if last.islower() and len(last) <= 3:      # a line ending in a short word ("w", "na", "i") goes on
            return False
        return len(before.strip()) < SHORT_LINE

    def sentence(self, start: int, end: int | None = None) -> tuple[int, int]:
        """[start, end) of the sentence holding text[start:end] (of the sentences, when it spans
        several), without the spaces around it; at most about MAX_SENTENCE characters."""
        text = self.text
        end = start if end is None else max(start, end)
        lo = max(0, start - MAX_SENTENCE)
        hi = min(len(text), end + MAX_SENTENCE)
        s = lo
        for m in _END.finditer(text, lo, start):
            if self._ends_sentence(m):
                s = m.end()
        nl = text.rfind("\n", lo, start)
        while nl >= s:
            if self._break_ends_sentence(nl):
                s = nl + 1
                break
            nl = text.rfind("\n", lo, nl)
        e = hi
        for m in _END.finditer(text, end, hi):
            if self._ends_sentence(m):
                e = m.end()
                break
        nl = text.find("\n", end, e)
        while 0 <= nl < e:
            if self._break_ends_sentence(nl):
                e = nl
                break
            nl = text.find("\n", nl + 1, e)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        return s, e

    def sentence_text(self, start: int, end: int | None = None) -> str:
        """The sentence (see `sentence`) on one line: its line breaks as spaces."""
        s, e = self.sentence(start, end)
        return " ".join(self.text[s:e].split())


__all__ = ["MAX_SENTENCE", "LineIndex"]
