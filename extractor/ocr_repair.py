"""Repairs of OCR slips, a reader-side stage that runs only on text read by OCR.

    text, back, repairs = repair_ocr(text_as_read, regions)

OCR makes slips a typed report never has: "3O" for "30", "06,09." for "06.09.", "20:10" for
"20.10" among dates, "8i 14" and "WTZi1w" where a space was lost, "spotkan" for "spotkań",
a heading broken over two lines, "»" for a bullet. Each rule (extractor/data/ocr_repair.toml,
checked when loaded by the model `OcrRepairFile`) finds such places in the text as read; the repairs are applied in one
pass and `back` (an OffsetMap) leads every offset of the repaired text back to the text as
read, so the record's offsets index what the archivist sees in the scan's text. Each repair
is returned (`Repair`: where, the text as read, the text as repaired, the rule), and
`extractor.extract` turns it into an `ocr_repair` finding: nothing is repaired silently.
Only `regions` of the text are repaired (the pages OCR read; a PDF's typed pages are not).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import Field, field_validator

from .datafiles import Table, read_toml, validate
from .read._common import OffsetMap

RULES_FILE = "ocr_repair.toml"


@dataclass(frozen=True)
class Repair:
    start: int          # in the text as read
    end: int
    read: str           # the text as read there
    repaired: str       # what it became
    rule: str


def _lookalikes(v: dict[str, str], target: Callable[[str], bool], what: str) -> dict[str, str]:
    """Single characters that are not `what` (a digit, a capital) mapped to single ones that are."""
    for k, c in v.items():
        if len(k) != 1 or target(k) or len(c) != 1 or not target(c):
            raise ValueError(f"lookalikes map single characters that are no {what} to single {what}s, not {k!r} = {c!r}")
    return v


class _Digits(Table):
    lookalikes: dict[str, str]
    separators: str = Field(min_length=1)

    @field_validator("lookalikes")
    @classmethod
    def _one_char_to_digit(cls, v: dict[str, str]) -> dict[str, str]:
        return _lookalikes(v, str.isdigit, "digit")


def _single_chars(v: tuple[str, ...]) -> tuple[str, ...]:
    if not all(len(c) == 1 for c in v):
        raise ValueError(f"single characters only, not {[c for c in v if len(c) != 1]!r}")
    return v


class _DateLists(Table):
    misread: tuple[str, ...]
    gap: int = Field(ge=0)
    check_chars = field_validator("misread")(_single_chars)


class _Glued(Table):
    words: tuple[str, ...]
    check_chars = field_validator("words")(_single_chars)


class _Diacritics(Table):
    min_share: float = Field(ge=0, le=1)
    min_length: int = Field(ge=1)


class _Headings(Table):
    score: float = Field(gt=0, le=100)


class _Bullets(Table):
    marks: tuple[str, ...]
    bullet: str = Field(min_length=1)
    check_chars = field_validator("marks")(_single_chars)


class _Capitals(Table):
    lookalikes: dict[str, str]
    min_capitals: int = Field(ge=1)

    @field_validator("lookalikes")
    @classmethod
    def _one_char_to_capital(cls, v: dict[str, str]) -> dict[str, str]:
        return _lookalikes(v, str.isupper, "capital")


class _DigitConfusions(Table):
    pairs: tuple[str, ...]

    @field_validator("pairs")
    @classmethod
    def _two_digits(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [p for p in v if len(p) != 2 or not p.isdigit() or p[0] == p[1]]
        if bad:
            raise ValueError(f"pairs of two different digits, not {bad!r}")
        return v


class OcrRepairFile(Table):
    """extractor/data/ocr_repair.toml: the rules of the OCR repairs."""

    version: int
    digits: _Digits
    date_lists: _DateLists
    glued: _Glued
    diacritics: _Diacritics
    headings: _Headings
    bullets: _Bullets
    capitals: _Capitals
    digit_confusions: _DigitConfusions


@dataclass(frozen=True)
class Rules:
    file: OcrRepairFile
    sections: tuple[str, ...] = ()                # known section names (sections.toml)
    abbreviations: frozenset[str] = frozenset()   # "godz." … (lexicon.toml)


def parse_rules(data: dict[str, Any], sections: tuple[str, ...] = (), abbreviations: frozenset[str] = frozenset()
                ) -> Rules:
    """The rules from the TOML's data; DataFileError naming the file and the key when unusable."""
    return Rules(validate(OcrRepairFile, data, RULES_FILE), sections, abbreviations)


@cache
def rules() -> Rules:
    from .lexicon import lexicon, sections_data

    names = tuple(n for sec in sections_data().section for n in sec.names)
    abbr = frozenset(k.lower() for k in lexicon().abbreviations)
    return parse_rules(read_toml(RULES_FILE), names, abbr)


# --- the rules: each yields (start, end, replacement, rule) in the text as read ---------------

Edit = tuple[int, int, str, str]


@cache
def _number_token(chars: str | None = None, seps: str | None = None) -> re.Pattern[str]:
    """A token of digits, look-alike letters and number separators (the rules' by default)."""
    d = rules().file.digits
    chars = "".join(d.lookalikes) if chars is None else chars
    seps = d.separators if seps is None else seps
    cls = re.escape(chars) + r"\d"
    return re.compile(rf"(?<![\w{re.escape(seps)}])[{cls}]+(?:[{re.escape(seps)}][{cls}]+)*(?![\w])")


@cache
def _separator(seps: str | None = None) -> re.Pattern[str]:
    return re.compile(f"([{re.escape(rules().file.digits.separators if seps is None else seps)}])")


@cache
def _glued_word(words: str | None = None) -> re.Pattern[str]:
    """A one-letter word between a digit and a letter or digit, or after a letter before a digit."""
    w = re.escape("".join(rules().file.glued.words) if words is None else words)
    return re.compile(rf"(?<=\d)([{w}])(?=\d|[^\W\d_]|\s)|(?<=[^\W\d_\s])([{w}])(?=\d)")


@cache
def _bullet_mark(marks: str | None = None) -> re.Pattern[str]:
    m = re.escape("".join(rules().file.bullets.marks) if marks is None else marks)
    return re.compile(rf"(?m)^[^\S\n]*([{m}])(?=[^\S\n])")


def _digits(text: str, r: Rules) -> list[Edit]:
    out: list[Edit] = []
    look = r.file.digits.lookalikes
    for m in _number_token("".join(look), r.file.digits.separators).finditer(text):
        tok = m[0]
        if not any(c.isdigit() for c in tok) or not any(c in look for c in tok):
            continue
        pos = m.start()
        for part in _separator(r.file.digits.separators).split(tok):
            if any(c.isdigit() for c in part):
                for i, c in enumerate(part):
                    if c in look:
                        out.append((pos + i, pos + i + 1, look[c], "digit_lookalike"))
            pos += len(part)
    return out


_DAY_MONTH = re.compile(r"(?<![\w.,:;])(\d{1,2})([.,:;])(\d{1,2})(\.?)(?![\w]|[.,:;]\d)")


_LIST_GAP = re.compile(r"[\s,;()]*(?:i|oraz)?[\s,;()]*")


def _valid(day: str, month: str) -> bool:
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _date_lists(text: str, r: Rules) -> list[Edit]:
    found = [m for m in _DAY_MONTH.finditer(text) if _valid(m[1], m[3])]
    out: list[Edit] = []
    for k, m in enumerate(found):
        if m[2] not in "".join(r.file.date_lists.misread):
            continue
        # a date of a list: a neighbour written with a dot, a short list separator away
        near = []
        if k > 0:
            near.append((found[k - 1], text[found[k - 1].end():m.start()]))
        if k + 1 < len(found):
            near.append((found[k + 1], text[m.end():found[k + 1].start()]))
        in_list = any(o[2] == "." and len(gap) <= r.file.date_lists.gap and _LIST_GAP.fullmatch(gap)
                      for o, gap in near)
        alone = m[2] == "," and len(m[3]) == 2 and m[4] == "."
        if in_list or alone:
            out.append((m.start(2), m.end(2), ".", "date_separator"))
    return out


def _glued(text: str, r: Rules) -> list[Edit]:
    out: list[Edit] = []
    # "8i 14", "i1w", "1w": a one-letter word between a digit and a letter or digit
    for m in _glued_word("".join(r.file.glued.words)).finditer(text):
        s = m.start()
        before, after = text[s - 1] if s else " ", text[s + 1] if s + 1 < len(text) else " "
        tok_start = s
        while tok_start > 0 and not text[tok_start - 1].isspace():
            tok_start -= 1
        tok_end = s + 1
        while tok_end < len(text) and not text[tok_end].isspace():
            tok_end += 1
        tok = text[tok_start:tok_end]
        if not any(c.isdigit() for c in tok):
            continue
        if before.isalpha():
            # after letters only when they are a capitalised acronym ("WTZi1w"), never inside a word
            j = s
            while j > 0 and text[j - 1].isalpha():
                j -= 1
            if not (s - j >= 2 and text[j:s].isupper()):
                continue
        if after.isalpha() and after.islower() and not before.isdigit():
            continue
        if after.isalpha() and before.isdigit() and text[s + 1:s + 2].isalpha() and (
                s + 2 < len(text) and text[s + 2].isalpha()):
            continue          # "5lat": the letter starts a word, not a one-letter word
        rep = (" " if not before.isspace() else "") + m[0] + (" " if not after.isspace() else "")
        out.append((s, s + 1, rep, "lost_space"))
    return out


_WORD = re.compile(r"(?<![\w\d])[^\W\d_]+(?![\w\d])")
_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def _diacritics(text: str, r: Rules) -> list[Edit]:
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c in _POLISH for c in letters) < r.file.diacritics.min_share * len(letters):
        return []
    from . import morph

    out: list[Edit] = []
    for m in _WORD.finditer(text):
        word = m[0]
        if len(word) < r.file.diacritics.min_length or any(c in _POLISH for c in word) or word.isupper():
            continue
        if text[m.end():m.end() + 1] == "." and (len(word) <= 5 or word.lower() + "." in r.abbreviations):
            continue          # an abbreviation ("godz.", "zakł.") is not a word missing its letters
        if morph.known_as_written(word):
            continue
        fixed = morph.restore_diacritics(word)
        if fixed and fixed != word:
            for i, (a, b) in enumerate(zip(word, fixed, strict=True)):
                if a != b:
                    out.append((m.start() + i, m.start() + i + 1, b, "diacritics"))
    return out


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's text without the white space around it."""
    out = []
    pos = 0
    for line in text.split("\n"):
        core = line.strip()
        start = pos + (line.index(core) if core else 0)
        out.append((start, start + len(core)))
        pos += len(line) + 1
    return out


def _without_acronym_tail(line: str) -> str:
    """The line without a closing "(…)" such as a heading's "(CPS)"; read from the right, so
    linear in the line however many brackets it holds."""
    body = line.rstrip()
    if not body.endswith(")"):
        return line
    start = body.find("(", body.rfind(")", 0, len(body) - 1) + 1, len(body) - 1)
    return line if start < 0 else body[:start]


def _headings(text: str, r: Rules) -> list[Edit]:
    if not r.sections:
        return []
    from rapidfuzz import fuzz, process

    from .text import fold

    names = [fold(n, joiner=" ") for n in r.sections]

    def caps(line: str) -> bool:
        letters = [c for c in line if c.isalpha()]
        return len(letters) >= 3 and all(c.isupper() for c in letters)

    def score(line: str) -> float:
        core = fold(_without_acronym_tail(line), joiner=" ")
        best = process.extractOne(core, names, scorer=fuzz.ratio)
        return float(best[1]) if best else 0.0

    out: list[Edit] = []
    lines = [(s, e) for s, e in _lines(text) if e > s]
    for (a0, a1), (b0, b1) in zip(lines, lines[1:], strict=False):
        first, second = text[a0:a1], text[b0:b1]
        if text[a1:b0].strip() or not caps(first) or not caps(second) or "(" in first:
            continue
        if score(first + " " + second) >= r.file.headings.score > max(score(first), score(second)):
            out.append((a1, b0, " ", "heading_join"))
    return out


def _bullets(text: str, r: Rules) -> list[Edit]:
    return [(m.start(1), m.end(1), r.file.bullets.bullet, "bullet")
            for m in _bullet_mark("".join(r.file.bullets.marks)).finditer(text)]


@cache
def _capitals_word(chars: str | None = None) -> re.Pattern[str]:
    """A word of letters and look-alikes of capitals (the rules' by default), whole."""
    look = re.escape("".join(rules().file.capitals.lookalikes) if chars is None else chars)
    return re.compile(rf"(?<![\w{look}])(?=[^\W\d_]|[{look}])(?:[^\W\d_]|[{look}])++(?![\w{look}])")


def _capitals(text: str, r: Rules) -> list[Edit]:
    """'lPS' -> 'IPS': a look-alike in a word whose other letters are capitals, enough of them."""
    look = r.file.capitals.lookalikes
    out: list[Edit] = []
    for m in _capitals_word("".join(look)).finditer(text):
        word = m[0]
        others = [c for c in word if c not in look]
        if len(others) < r.file.capitals.min_capitals or not all(c.isupper() for c in others) \
                or len(others) == len(word):
            continue
        out.extend((m.start() + i, m.start() + i + 1, look[c], "capital_lookalike")
                   for i, c in enumerate(word) if c in look)
    return out


RULE_ORDER = (_headings, _bullets, _date_lists, _glued, _digits, _capitals, _diacritics)


def repair_ocr(text: str, regions: list[tuple[int, int]] | None = None, rules_: Rules | None = None
               ) -> tuple[str, OffsetMap, tuple[Repair, ...]]:
    """The text with OCR slips repaired, an OffsetMap from it back to `text`, and the repairs
    (offsets in `text`). Only `regions` (start, end) are touched (all of it when None)."""
    r = rules_ or rules()
    spans = regions if regions is not None else [(0, len(text))]
    edits: list[Edit] = []
    for rule in RULE_ORDER:
        for start, end, rep, name in rule(text, r):
            if any(s <= start and end <= e for s, e in spans) and text[start:end] != rep:
                edits.append((start, end, rep, name))
    edits.sort(key=lambda e: (e[0], e[1]))
    kept: list[Edit] = []
    for e in edits:               # an earlier rule's edit wins where two touch the same characters
        if kept and e[0] < kept[-1][1]:
            continue
        kept.append(e)
    out: list[str] = []
    offs: list[tuple[int, int, int, int]] = []
    pos = new = 0
    for start, end, rep, _name in kept:
        out.append(text[pos:start])
        new += start - pos
        offs.append((new, new + len(rep), start, end))
        out.append(rep)
        new += len(rep)
        pos = end
    out.append(text[pos:])
    return "".join(out), OffsetMap(offs), _grouped(text, kept)


def _word_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The word around text[start:end]: letters and digits, with the separators of numbers
    and dates inside it ("0l.09.2Ol8"), not the punctuation around it."""
    def inside(i: int, step: int) -> bool:
        c = text[i]
        return c.isalnum() or c in _INNER and 0 <= i + step < len(text) and text[i + step].isalnum()

    ws, we = start, end
    while ws > 0 and inside(ws - 1, -1):
        ws -= 1
    while we < len(text) and inside(we, 1):
        we += 1
    return ws, we


_INNER = frozenset(".,:;-/|!")


def _grouped(text: str, kept: list[Edit]) -> tuple[Repair, ...]:
    """One Repair per word a rule touched, all its edits there together ('3O' → '30', not
    'O' → '0'); a joined heading shows both its lines."""
    groups: dict[tuple[int, int, str], list[Edit]] = {}
    for e in kept:
        start, end, _rep, name = e
        if name == "heading_join":
            ws, we = text.rfind("\n", 0, start) + 1, text.find("\n", end)
        else:
            ws, we = _word_at(text, start, end)
        groups.setdefault((ws, we if we >= 0 else len(text), name), []).append(e)
    out = []
    for (ws, we, name), es in groups.items():
        pieces, pos = [], ws
        for a, b, rep, _n in es:
            pieces += [text[pos:a], rep]
            pos = b
        pieces.append(text[pos:we])
        out.append(Repair(ws, we, text[ws:we], "".join(pieces), name))
    return tuple(sorted(out, key=lambda r: (r.start, r.end)))
