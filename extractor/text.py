"""The text as the recognisers see it: a 1:1 normalised copy, tokens, lines and sentences.

Normalisation only substitutes single characters (non-breaking spaces, dashes, typographic
quotes), so every offset into `norm` is an offset into the original text.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from .lexicon import lexicon

_SUBST = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\t": " ",
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u201e": '"', "\u201d": '"', "\u201c": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2019": "'", "\u2018": "'", "\u201a": "'", "\ufeff": " ", "\r": "\n", "\u2022": "•",
    "\u25cf": "•", "\u25aa": "•", "\u2023": "•", "\uf0b7": "•",
})


def normalise(text: str) -> str:
    """Same length as `text`; only single characters replaced (the \r of a Windows line end
    becomes a space, a lone \r a line break)."""
    out = text.replace("\r\n", " \n").translate(_SUBST)
    assert len(out) == len(text)
    return out


def alternation(words: Iterable[str], gap: str | None = None) -> str:
    """Words as one regex alternation, each escaped, longest first so that a word wins over its
    prefix ("w tym" over "w"), then in alphabetical order (the same pattern in every process, whatever
    the order of a set of words); with `gap`, a space inside a word matches that pattern instead."""
    out = (re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    return "|".join(w.replace(r"\ ", gap) for w in out) if gap is not None else "|".join(out)


def choice(words: Iterable[str], gap: str | None = None) -> str:
    """alternation() as one group, the words grouped by their first letter, each group opening
    with a class of that letter in both cases outside re.I: the engine checks it before entering
    the group, where a long list (the month names) would otherwise be tried word by word. The
    rest of each word matches case-insensitively, so use it where case does not matter."""
    groups: dict[str, list[str]] = {}
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        groups.setdefault(w[0].lower(), []).append(w[1:])
    parts = []
    for first, rests in groups.items():
        parts.append(f"{cases(first)}(?i:{alternation(rests, gap) if any(rests) else ''})")
    return "(?-i:" + "|".join(parts) + ")"


# characters re.I matches with a letter that is not their case: "ſ" is s, the Kelvin sign k,
# and dotted and dotless I are i
_FOLDS = "\u0130\u0131\u017f\u212a"


def cases(chars: Iterable[str]) -> str:
    """A class of these characters as re.I matches them: cases("m") is "[Mm]", cases("s") is
    "[Ssſ]". (It stands where re.I is not in force, in front of words matched under it.)"""
    found = {x for c in chars for x in (c.lower(), c.upper(), *_FOLDS)
             if len(x) == 1 and re.fullmatch(re.escape(c), x, re.I)}
    return "[" + re.escape("".join(sorted(found))) + "]"


def words_opening_like(words: Iterable[str]) -> str:
    """A pattern of the whole words of a text that begin with a first letter of `words` (any
    case): it begins with the class of those letters, so the engine skips to them instead of
    trying every position, and reads each such word in one possessive run. The caller keeps
    the words whose lower case is in its set."""
    return rf"{initials(words)}(?<![^\W\d_].)[^\W\d_]*+"


def initials(words: Iterable[str]) -> str:
    """A class of the words' first letters in both cases: a cheap gate in a look-ahead ("a month
    name may follow"), where trying a long alternation of the words themselves at every candidate
    costs more than the rest of the pattern; the pattern itself then matches the words."""
    return cases(w[0] for w in words if w)


def leading_words(words: Iterable[str | tuple[str, str]], not_after: str | None = None) -> str:
    """Case-insensitive words for the start of a pattern, written so the regex engine can skip to
    candidates: a class of their first letters in both cases, then the rest of each word (longest
    first), confirmed by a look-behind of the whole word. A leading alternation under re.I, a
    leading look-behind or an optional part would make it try every position of the text instead.
    A word may come as (word, pattern): what must follow that word. `not_after`: what the character
    before the word must not be (a class, checked one character in). Compile the pattern without
    re.I; put its other case-insensitive parts in (?i:…)."""
    pairs = sorted({(w, "") if isinstance(w, str) else w for w in words}, key=lambda p: (-len(p[0]), p))
    # each branch opens with a class of its second letter, which the engine checks before
    # entering it, so a candidate costs little more than the branch that fits; words with the
    # same second letter share one class (words with different ones never both fit, so their
    # order does not matter; a one-letter word with a pattern after it fits anything, so then the
    # branches stay one per word, in order)
    split = [(cases(w[1]) if len(w) > 1 else "", f"(?i:{re.escape(w[2:])}(?<={re.escape(w)}){after})")
             for w, after in pairs if len(w) > 1 or after]
    groups: dict[str, list[str]] = {}
    for second, rest in split:
        groups.setdefault(second, []).append(rest)
    if "" in groups:
        branches = [second + rest for second, rest in split]
    else:
        branches = [second + (rest[0] if len(rest) == 1 else f"(?:{'|'.join(rest)})") for second, rest in groups.items()]
    ones = [w for w, after in pairs if len(w) == 1 and not after]
    if ones:  # one-letter words last, in one class
        branches.append(f"(?<={cases(ones)})")
    before = f"(?<!{not_after}.)" if not_after else ""
    return f"{initials(w for w, _ in pairs)}{before}(?:{'|'.join(branches)})"


def is_word_char(c: str) -> bool:
    """\\w for one character: a letter, a digit or "_"."""
    return c.isalnum() or c == "_"


def is_letter(c: str) -> bool:
    """[^\\W\\d_] for one character: a word character that is neither a digit nor "_"."""
    return c.isalnum() and not c.isdecimal()


def last_word(s: str) -> tuple[int, int] | None:
    """(start, end) of the letters `s` ends with, before white space and at most one colon
    (what ([^\\W\\d_]+)\\s*:?\\s*$ finds), without a regex scanning all of `s`."""
    end = len(s.rstrip())
    if end and s[end - 1] == ":":
        end = len(s[:end - 1].rstrip())
    start = end
    while start > 0 and is_letter(s[start - 1]):
        start -= 1
    return (start, end) if start < end else None


def word_before(text: str, s: int, word: str) -> int:
    """Where a match starting at s begins when `word` (any case, a whole word) and white space
    come right before it ("od 3 do 5 maja", "za rok 2019"); else s."""
    i = s
    while i > 0 and text[i - 1].isspace():
        i -= 1
    k = i - len(word)
    if i < s and k >= 0 and text[k:i].lower() == word and (k == 0 or not is_word_char(text[k - 1])):
        return k
    return s


def fold(s: str, *, joiner: str | None = None, keep_l: bool = True) -> str:
    """The one comparison form of the package: lower case, diacritics stripped, other non-ASCII
    characters dropped ('Ełk' -> 'elk', 'Łódź' -> 'lodz'). `joiner` also replaces every run of
    characters other than a-z and 0-9 with it and trims it from the ends ('' for typo-tolerant
    heading matching, '-' for keys). `keep_l=False` drops 'ł' as the facts/1 contract's score.py
    does ('Ełk' -> 'ek'), so scoring agrees with it."""
    if joiner is None and keep_l and len(s) <= _FOLD_CACHED_LEN:     # a word: most are asked again
        out = _FOLDED.get(s)
        if out is None:
            if len(_FOLDED) >= _FOLD_CACHE_SIZE:
                _FOLDED.clear()
            out = _FOLDED[s] = unicodedata.normalize("NFKD", s.replace("ł", "l").replace("Ł", "L")).encode(
                "ascii", "ignore").decode().lower()
        return out
    key = (s, joiner, keep_l)
    if len(s) <= _FOLD_CACHED_LEN:
        out = _FOLDED_WITH.get(key)
        if out is not None:
            return out
    if keep_l:
        s = s.replace("ł", "l").replace("Ł", "L")
    out = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    if joiner is not None:
        out = joiner.join(_NOT_ALNUM.sub(" ", out).split())
    if len(key[0]) <= _FOLD_CACHED_LEN:
        if len(_FOLDED_WITH) >= _FOLD_CACHE_SIZE:
            _FOLDED_WITH.clear()
        _FOLDED_WITH[key] = out
    return out


_NOT_ALNUM = re.compile("[^a-z0-9]+")
# fold's memos of short strings (words), emptied when full so that memory stays bounded
_FOLDED: dict[str, str] = {}
_FOLDED_WITH: dict[tuple[str, str | None, bool], str] = {}
_FOLD_CACHED_LEN = 40
_FOLD_CACHE_SIZE = 200_000

# a run of letters (a word without its digits, hyphens or apostrophes)
WORDS = re.compile(r"[^\W\d_]+")
# digits, letters, or one other character: \d+|[^\W\d_]+|\S written from the first character
TOKEN_RE = re.compile(r"\S(?:(?<=\d)\d*+|(?<=[^\W\d_])[^\W\d_]*+|)")


class Tok:
    """A token of the normalised text: digits, letters, or one other character. Made for every
    token of every text, so a plain class with slots (a frozen dataclass costs three times as
    much to build); treat it as immutable."""

    __slots__ = ("end", "i", "is_word", "start", "text")

    def __init__(self, i: int, start: int, end: int, text: str) -> None:
        self.i = i
        self.start = start
        self.end = end
        self.text = text
        self.is_word = text[0].isalpha()

    def __repr__(self) -> str:
        return f"Tok({self.i}, {self.start}, {self.end}, {self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tok) and (self.i, self.start, self.end, self.text) == \
            (other.i, other.start, other.end, other.text)

    def __hash__(self) -> int:
        return hash((self.i, self.start, self.end, self.text))

    @property
    def is_digit(self) -> bool:
        return self.text[0].isdigit()

    @property
    def is_title(self) -> bool:
        return self.text[0].isupper() and (len(self.text) == 1 or not self.text[1:].isupper())


class _MatchTok(Tok):
    """A Tok made straight from its match: one call a token instead of four."""

    __slots__ = ()

    def __init__(self, i: int, m: re.Match[str]) -> None:  # noqa: D107
        self.i = i
        self.start, self.end = m.span()
        self.text = text = m.group()
        self.is_word = text[0].isalpha()


def tokenize(norm: str) -> list[Tok]:
    return [_MatchTok(i, m) for i, m in enumerate(TOKEN_RE.finditer(norm))]


_NEWLINE = re.compile("\n")
_BLANK_PAIR = re.compile("\n\n")


@dataclass
class View:
    """Original text, its normalised twin, tokens and sentence boundaries."""

    text: str
    norm: str = ""
    toks: list[Tok] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    sent_bounds: list[int] = field(default_factory=list)
    line_breaks: list[int] = field(default_factory=list)
    blank_pairs: list[int] = field(default_factory=list)   # "\n\n", left to right, not overlapping
    claimed: list[tuple[int, int, str]] = field(default_factory=list)
    _mask: bytearray = field(default_factory=bytearray)
    _kinds: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.norm:
            self.norm = normalise(self.text)
        if not self.toks:
            self.toks = tokenize(self.norm)
        self.starts = [t.start for t in self.toks]
        self._mask = bytearray(len(self.norm) + 1)
        self.line_breaks = [m.start() for m in _NEWLINE.finditer(self.norm)]
        self.blank_pairs = [m.start() for m in _BLANK_PAIR.finditer(self.norm)]
        self.sent_bounds = _sentence_bounds(self.norm, self.toks, self.starts)

    # --- tokens -------------------------------------------------------------------------
    def tok_index(self, pos: int) -> int:
        """Index of the first token starting at or after `pos`."""
        return bisect_left(self.starts, pos)

    def tok_containing(self, pos: int) -> int:
        """Index of the token that covers `pos` (or the last one starting before it)."""
        return max(0, bisect_right(self.starts, pos) - 1)

    def tokens_between(self, start: int, end: int) -> list[Tok]:
        return self.toks[bisect_left(self.starts, start):bisect_left(self.starts, end)]

    def prev_tok(self, pos: int) -> Tok | None:
        i = bisect_left(self.starts, pos) - 1
        return self.toks[i] if i >= 0 else None

    def next_tok(self, pos: int) -> Tok | None:
        i = bisect_left(self.starts, pos)
        return self.toks[i] if i < len(self.toks) else None

    def prev_word(self, pos: int, n: int = 1) -> list[Tok]:
        i = bisect_left(self.starts, pos) - 1
        out: list[Tok] = []
        while i >= 0 and len(out) < n:
            out.append(self.toks[i])
            i -= 1
        return out

    # --- lines --------------------------------------------------------------------------
    def line_start(self, pos: int) -> int:
        """Start of the line holding `pos` (a line break at `pos` ends the line before):
        `norm.rfind("\\n", 0, pos) + 1` in O(log n)."""
        i = bisect_left(self.line_breaks, pos)
        return self.line_breaks[i - 1] + 1 if i else 0

    def line_end(self, pos: int) -> int:
        """The first line break at or after `pos`, else the text's length."""
        i = bisect_left(self.line_breaks, pos)
        return self.line_breaks[i] if i < len(self.line_breaks) else len(self.norm)

    def lines_before(self, pos: int) -> int:
        """Line breaks before `pos` less the blank-line pairs among them: about the number of
        non-empty lines above the line of `pos` (`pos` at a line start)."""
        return bisect_left(self.line_breaks, pos) - bisect_right(self.blank_pairs, pos - 2)

    def lines_after(self, pos: int) -> int:
        """The same below a line end `pos` (a line break or the text's end, after a non-empty line)."""
        return len(self.line_breaks) - bisect_left(self.line_breaks, pos) - \
            (len(self.blank_pairs) - bisect_left(self.blank_pairs, pos))

    def blank_before(self, pos: int, line_start: int, chars: str | None = None) -> bool:
        """Only `chars` (white space when None) stand between `line_start` and `pos`: what
        `not norm[line_start:pos].strip(chars)` says, looked at from `pos` back, so a long line
        costs nothing."""
        norm, i = self.norm, pos
        while i > line_start and (norm[i - 1].isspace() if chars is None else norm[i - 1] in chars):
            i -= 1
        return i == line_start

    # --- sentences ----------------------------------------------------------------------
    def sentence(self, pos: int) -> tuple[int, int]:
        """[start, end) of the sentence holding `pos`."""
        i = bisect_right(self.sent_bounds, pos)
        start = self.sent_bounds[i - 1] if i > 0 else 0
        end = self.sent_bounds[i] if i < len(self.sent_bounds) else len(self.norm)
        return start, end

    def paragraph(self, pos: int) -> tuple[int, int]:
        """[start, end) of the paragraph holding `pos`: between blank lines ("\n\n")."""
        i = bisect_right(self.blank_pairs, pos - 2)
        start = self.blank_pairs[i - 1] + 2 if i > 0 else 0
        end = self.blank_pairs[i] if i < len(self.blank_pairs) else len(self.norm)
        return start, end

    # --- claimed regions (dates, times, money …) ----------------------------------------
    def claim(self, start: int, end: int, what: str) -> None:
        """Mark [start, end) as taken by a non-fact or a date; the mask holds 1 + the index of
        the claim's kind, so a lookup costs the length of the span, not the number of claims."""
        self.claimed.append((start, end, what))
        if what not in self._kinds:
            self._kinds.append(what)
        k = self._kinds.index(what) + 1
        self._mask[start:end] = bytes([k]) * (end - start)

    def is_claimed(self, start: int, end: int) -> str | None:
        taken = self._mask[start:end].lstrip(b"\x00")   # from the first claimed character on
        return self._kinds[taken[0] - 1] if taken else None


_SENTENCE_MARK = re.compile(r"[.!?]")


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(a.lower() for a in lexicon().abbreviations)


def _sentence_bounds(norm: str, toks: list[Tok], starts: list[int]) -> list[int]:
    """Offsets where a sentence starts: after a line break, or after . ! ? followed by a
    capital (not when the dot closes a known abbreviation or a number)."""
    lx = lexicon()
    abbrevs = _abbreviations()
    bounds = [0]
    n = len(toks)
    for m in _SENTENCE_MARK.finditer(norm):   # each mark is a token of its own
        k = bisect_left(starts, m.start())
        t = toks[k]
        nxt = toks[k + 1] if k + 1 < n else None
        if nxt is None:
            continue
        gap = norm[t.end:nxt.start]
        if not gap and nxt.text not in '"•':
            # glued: "(17.05.).Spotk." -> a capitalised word right after the dot still starts one
            if not (nxt.is_word and nxt.is_title and len(nxt.text) > 2 and t.text == "."):
                continue
        if not (nxt.text[0].isupper() or nxt.text == '"' or "\n" in gap and (nxt.text in "•-" or nxt.is_digit)):
            continue
        prev = toks[k - 1] if k else None
        if t.text == "." and prev is not None and prev.end == t.start:
            if prev.is_word and (prev.text.lower() + "." in abbrevs or len(prev.text) == 1):
                # "nt." "m." "m.in. Olsztyn" continue the sentence; "… 8 os. Mentoring" ends it
                if "\n" not in gap and prev.text.lower() + "." not in lx.terminal_abbreviations.words:
                    continue
        bounds.append(nxt.start)
    for m in re.finditer(r"\n", norm):
        if _line_break_ends_sentence(norm, m.start()):
            bounds.append(m.end())
    return sorted(set(bounds))


def _line_break_ends_sentence(norm: str, pos: int) -> bool:
    """A line break ends a sentence after a blank line, before a bullet, after sentence
    punctuation or a short (title-like) line; not inside a paragraph flattened from a PDF
    ('przeprowadzili 19\nspotkań', 'w Lidzbarku\nWarmińskim')."""
    prev_start = norm.rfind("\n", 0, pos) + 1
    prev = norm[prev_start:pos].rstrip()
    nxt_end = norm.find("\n", pos + 1)
    nxt = norm[pos + 1:nxt_end if nxt_end >= 0 else len(norm)].lstrip()
    if not prev or not nxt:
        return True
    if nxt[0] in "•*" or re.match(r"\d+[.)]\s*[^\W\d]", nxt):
        return True
    if nxt[0] == "-":
        # a dash bullet, unless a long flattened line breaks mid-phrase ("biznesowe\n– 720 godz.")
        prev_is_bullet = prev.lstrip()[:1] in "-•*"
        return prev[-1] in ".!?;:," or prev_is_bullet or len(prev) < 50
    if prev[-1] in ".!?;":
        return True
    if prev[-1] in "-," or nxt[0].islower() or nxt[0].isdigit():
        return False
    return len(prev) < 50


class Word:
    """A word from token i to token `last`: its text de-hyphenated ("Bisz-\\ntynek" ->
    "Bisztynek"). Made for most words of every text: a plain class with slots, immutable by
    convention."""

    __slots__ = ("end", "last", "start", "text")

    def __init__(self, start: int, end: int, text: str, last: int) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.last = last


def word_at(view: View, i: int) -> Word | None:
    """The word starting at token i, joining a line-end hyphenation ("Ol-\\nsztynie")
    and hyphenated names ("Rucianem-Nidzie")."""
    toks = view.toks
    if i >= len(toks) or not toks[i].is_word:
        return None
    t = toks[i]
    text, end, last = t.text, t.end, i
    while last + 2 < len(toks) and toks[last + 1].text == "-" and toks[last + 1].start == end \
            and toks[last + 2].is_word:
        gap = view.norm[toks[last + 1].end:toks[last + 2].start]
        nxt = toks[last + 2]
        if gap.strip(" ") == "\n" and nxt.text[0].islower():
            text += nxt.text
        elif gap == "" and nxt.text[0].isupper():
            text += "-" + nxt.text
        else:
            break
        end, last = nxt.end, last + 2
    return Word(t.start, end, text, last)
