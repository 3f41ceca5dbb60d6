"""What every reader shares: limits, the reader result, the failure type, text tidying."""
from __future__ import annotations

import bisect
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any

from ..errors import ConfigError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps on what one input may cost. Defaults suit reports (a few pages, a few MB with
    images); each can be set by keyword, or from the environment by `Limits.from_env()`
    (SPRAWOZDANIA_MAX_BYTES, SPRAWOZDANIA_MAX_UNPACKED, SPRAWOZDANIA_MAX_RATIO,
    SPRAWOZDANIA_MAX_MEMBERS, SPRAWOZDANIA_MAX_CHARS, SPRAWOZDANIA_MAX_PAGES), and one setting
    that is not a cap: the OCR word confidence under which a fact gets a low_confidence
    warning (SPRAWOZDANIA_OCR_MIN_CONFIDENCE, 1-100)."""

    max_bytes: int = 50 * MiB          # size of the input file
    max_unpacked: int = 100 * MiB      # bytes a .docx/.odt may expand to (all members, as declared and as read)
    max_ratio: int = 100               # compression ratio of any member read (zip bombs run 1000:1 and up)
    ratio_grace: int = 1 * MiB         # members smaller than this are not held to the ratio
    max_members: int = 10_000          # entries in an archive
    max_chars: int = 5_000_000         # characters of extracted text
    max_pages: int = 2_000             # PDF pages
    ocr_min_confidence: int = 60       # OCR word confidence (0-100) under which a fact is flagged

    @classmethod
    def from_env(cls, **overrides: int | None) -> Limits:
        """The defaults, overridden by SPRAWOZDANIA_<FIELD> variables that are set, then by
        `overrides`. Raises ConfigError for a value that is not a positive whole number
        (byte sizes may end in K, M or G: 10M is 10 MiB)."""
        limits = _limits_from(tuple(os.environ.get(var, "").strip() for var in _env_names().values()))
        kw = {k: v for k, v in overrides.items() if v is not None}
        return replace(limits, **kw) if kw else limits   # (every file of a batch asks: built once)


@cache
def _env_names() -> dict[str, str]:
    return {f.name: f"SPRAWOZDANIA_{f.name.upper()}" for f in fields(Limits)}


@cache
def _limits_from(values: tuple[str, ...]) -> Limits:
    """Limits from the raw values of the SPRAWOZDANIA_<FIELD> variables ("" where unset)."""
    kw: dict[str, int] = {}
    for (name, var), raw in zip(_env_names().items(), values, strict=True):
        if raw:
            kw[name] = _env_int(var, raw, name in _BYTE_SIZES)
            if name == "ocr_min_confidence" and kw[name] > 100:
                raise ConfigError(f"{var}={raw!r}: a confidence is at most 100")
    return Limits(**kw)


_BYTE_SIZES = frozenset({"max_bytes", "max_unpacked", "ratio_grace"})
_NUMBER = re.compile(r"(\d[\d_]*)\s*(?:([KMG])(?:I?B)?|B)?", re.IGNORECASE)   # 50, 50M, 50 MiB, 1_000


def parse_size(raw: str) -> int:
    """A size in bytes as people write it: 52428800, 50M, 50 MiB, 2G, 1_000 (K, M, G are
    powers of 1024). Raises ValueError for anything else."""
    m = _NUMBER.fullmatch(raw.strip())
    if m is None:
        raise ValueError(f"not a size: {raw!r}")
    value: int = int(m.group(1).replace("_", "")) * 1024 ** "_KMG".index((m.group(2) or "_").upper())
    return value


def _env_int(var: str, raw: str, size: bool) -> int:
    try:
        if not size and not raw[-1].isdigit():
            raise ValueError(raw)
        value = parse_size(raw)
    except ValueError:
        example = "a number of bytes such as 52428800 or 50M" if size else "such as 2000"
        raise ConfigError(f"{var}={raw!r}: not a positive whole number ({example})") from None
    if value <= 0:
        raise ConfigError(f"{var}={raw!r}: must be greater than 0")
    return value


class ReadFailure(Exception):
    """Raised by the format readers (which do not know the path); the dispatcher turns it
    into a `ReadError` naming the file."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass
class Extracted:
    text: str
    encoding: str | None = None
    pages: list[int] | None = None       # start offset of each page (PDF, images)
    warnings: list[str] = field(default_factory=list)
    words: list[Any] = field(default_factory=list)      # OCR words (extractor.read._pages.Word)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (1-based)


# --- text tidying --------------------------------------------------------------------------

# invisible format characters a reader drops (soft hyphen, zero-width space, word joiner, BOM)
_DROP_CHARS = "\u00ad\u200b\u2060\ufeff\ufffe\uffff"
# every place tidying changes: line ends, paragraph separators and form feeds, invisible
# format characters, and C0/C1 controls other than tab and newline (never text, often a sign
# of a wrong decoding)
_EDITS = re.compile(r"\r\n?|[\u2028\x85\x0c]|(\u2029)|[" + _DROP_CHARS + r"\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# a base character and the combining marks after it (what NFC may compose)
_COMBINING = re.compile(r".?[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+", re.S)


class OffsetMap:
    """Where the characters of a changed text came from in the text it was made from: the
    edits (new start, new end, old start, old end), everything between them copied as is."""

    def __init__(self, edits: list[tuple[int, int, int, int]]) -> None:
        self._ts = [e[0] for e in edits]
        self._te = [e[1] for e in edits]
        self._rs = [e[2] for e in edits]
        self._re = [e[3] for e in edits]
        self._delta = [e[3] - e[1] for e in edits]  # old - new after each edit

    def __bool__(self) -> bool:
        return bool(self._ts)

    def start(self, t: int) -> int:
        """The old offset of the character at new offset `t` (a span's start)."""
        i = bisect.bisect_right(self._te, t)  # edits ending at or before t (deletions at t too)
        if i < len(self._ts) and self._ts[i] <= t < self._te[i]:
            return self._rs[i]
        return t + (self._delta[i - 1] if i else 0)

    def end(self, t: int) -> int:
        """The old offset just after the character before new offset `t` (a span's end)."""
        i = bisect.bisect_left(self._te, t)  # edits ending before t
        if i < len(self._ts) and self._te[i] == t and self._ts[i] < t:
            i += 1  # an edit whose output ends exactly at t belongs to the span
        if i < len(self._ts) and self._ts[i] < t < self._te[i]:
            return self._re[i]
        return t + (self._delta[i - 1] if i else 0)


def _apply(text: str, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> tuple[str, OffsetMap]:
    out: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    pos = new = 0
    for m in pattern.finditer(text):
        rep = repl(m)
        if rep == m[0]:
            continue
        out.append(text[pos:m.start()])
        new += m.start() - pos
        edits.append((new, new + len(rep), m.start(), m.end()))
        out.append(rep)
        new += len(rep)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), OffsetMap(edits)


def _edit(m: re.Match[str]) -> str:
    s = m[0]
    if s[0] in "\r\u2028\x85\x0c":
        return "\n"
    return "\n\n" if m[1] else ""


def tidy_mapped(text: str) -> tuple[str, list[OffsetMap]]:
    """`tidy`, and how to map offsets in its result back to `text`: apply the maps from last
    to first (empty when nothing changed)."""
    maps: list[OffsetMap] = []
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text, m = _apply(text, _COMBINING, lambda m: unicodedata.normalize("NFC", m[0]))
        maps.append(m)
        if not unicodedata.is_normalized("NFC", text):  # compatibility singletons and the like
            text, m = _apply(text, re.compile(r"[^\x00-\u02ff]"), lambda m: unicodedata.normalize("NFC", m[0]))
            maps.append(m)
    text, m = _apply(text, _EDITS, _edit)
    maps.append(m)
    return text, [m for m in maps if m]


def tidy(text: str) -> str:
    """The text every reader hands on: Unicode NFC (so "e" + combining ogonek is "ę"), "\\n"
    line ends, form feeds as line breaks, paragraph separators as blank lines, no control or
    invisible format characters."""
    return tidy_mapped(text)[0]


_WS = re.compile(r"[ \t\r\n\f\v]+")


def collapse(s: str) -> str:
    """Runs of whitespace as one space (non-breaking spaces are kept)."""
    return _WS.sub(" ", s)


def join_blocks(blocks: list[tuple[str, bool]]) -> str:
    """Paragraphs as the .txt corpus has them: each on its own line(s), a blank line between;
    consecutive list items (flag True) only a line break apart."""
    return join_blocks_at(blocks)[0]


def join_blocks_at(blocks: list[tuple[str, bool]]) -> tuple[str, list[int]]:
    """`join_blocks`, and where each block starts in the text (an empty block: where the
    next one starts)."""
    out: list[str] = []
    starts: list[int] = []
    pos = 0
    prev_item = False
    pending = 0
    for text, item in blocks:
        text = "\n".join(line.strip(" ") for line in text.strip().split("\n"))
        if not text.strip():
            pending += 1
            continue
        if out:
            sep = "\n" if item and prev_item else "\n\n"
            out.append(sep)
            pos += len(sep)
        starts.extend([pos] * (pending + 1))
        pending = 0
        out.append(text)
        pos += len(text)
        prev_item = item
    if out:
        out.append("\n")
    starts.extend([pos] * pending)
    return "".join(out), starts
