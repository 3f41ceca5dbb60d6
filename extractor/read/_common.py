"""What every reader shares: limits, the reader result, the failure type, text tidying."""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps on what one input may cost. Defaults suit reports (a few pages, a few MB with
    images); each can be set by keyword, or from the environment by `Limits.from_env()`
    (SPRAWOZDANIA_MAX_BYTES, SPRAWOZDANIA_MAX_UNPACKED, SPRAWOZDANIA_MAX_RATIO,
    SPRAWOZDANIA_MAX_MEMBERS, SPRAWOZDANIA_MAX_CHARS, SPRAWOZDANIA_MAX_PAGES)."""

    max_bytes: int = 50 * MiB          # size of the input file
    max_unpacked: int = 100 * MiB      # bytes a .docx/.odt may expand to (all members, as declared and as read)
    max_ratio: int = 100               # compression ratio of any member read (zip bombs run 1000:1 and up)
    ratio_grace: int = 1 * MiB         # members smaller than this are not held to the ratio
    max_members: int = 10_000          # entries in an archive
    max_chars: int = 5_000_000         # characters of extracted text
    max_pages: int = 2_000             # PDF pages

    @classmethod
    def from_env(cls, **overrides: int | None) -> Limits:
        kw: dict[str, int] = {}
        for f in fields(cls):
            raw = os.environ.get(f"SPRAWOZDANIA_{f.name.upper()}")
            if raw:
                try:
                    kw[f.name] = int(raw.replace("_", ""))
                except ValueError:
                    pass
        kw.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **kw)


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
    pages: list[int] | None = None       # start offset of each page (PDF)
    warnings: list[str] = field(default_factory=list)


# --- text tidying --------------------------------------------------------------------------

# invisible format characters a reader drops (soft hyphen, zero-width space, word joiner, BOM)
_DROP = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\ufffe\uffff"))
# C0/C1 controls other than tab and newline: never text, often a sign of a wrong decoding
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_LINE_ENDS = re.compile(r"\r\n?|\u2028|\x85")


def tidy(text: str) -> str:
    """The text every reader hands on: Unicode NFC (so "e" + combining ogonek is "ę"), "\\n"
    line ends, form feeds as line breaks, paragraph separators as blank lines, no control or
    invisible format characters."""
    text = _LINE_ENDS.sub("\n", text)
    text = text.replace("\u2029", "\n\n").replace("\x0c", "\n")
    text = _CONTROLS.sub("", text.translate(_DROP))
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


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
