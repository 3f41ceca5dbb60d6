"""The pipeline's patterns are written from the class of their first character so the regex
engine can skip to candidates (tests/test_robustness.py times them). Each rewritten form must
find exactly what its plain form finds: here the plain form stays as the specification, and
hypothesis compares the two on text made of the characters that matter to them."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import dates, quantities, structure, text
from extractor.places import _LIST_BEFORE

_ALPHABET = "0123456789 \n.,:;-–/()%+#aiorząłgdzhtelATIOZR_²"
_TEXT = st.text(alphabet=_ALPHABET, max_size=60) | st.lists(st.sampled_from([
    "12", "3", "01", "31", "32", "0", ".", ", ", " i ", " oraz ", "-", " - ", "do ", "tel. ", "89 523 45 67",
    "+48 600 100 200", " lat", "w wieku ", "godz. ", "9.30", "15:45", "h", "%", "proc", "rok ", "2019",
    " a także ", "/", "   ", "\n",
]), max_size=14).map("".join)
SETTINGS = settings(max_examples=400, deadline=None, derandomize=True)


def spans(p: re.Pattern[str], s: str) -> list[tuple[int, int, tuple[str | None, ...]]]:
    return [(m.start(), m.end(), m.groups()) for m in p.finditer(s)]


PAIRS = {
    "day": (r"(?:0?[1-9]|[12]\d|3[01])", structure.D),
    "month": (r"(?:0?[1-9]|1[0-2])", structure.M),
    "token": (r"\d+|[^\W\d_]+|\S", text.TOKEN_RE.pattern),
    "time": (r"(?<![\d.])(?:\d{1,2})[:.]\d{2}\s?-\s?\d{1,2}[:.]\d{2}(?!\d)|(?<![\d.])\d{1,2}:\d{2}(?!\d)",
             dates._TIME.pattern),
    "clock": (r"(?<![\d.,])(?:[01]?\d|2[0-4])\.(?:00|1[3-9]|[2-5]\d)(?![\d.]|\.\d)", dates._CLOCK.pattern),
    "plain": (r"(?<![\d])\d+(?:,\d+|\.\d{1,2}(?=\s?(?:h\b|godz|%|proc)))?(?![\d])", quantities._PLAIN.pattern),
    "items": (r"[ \n]{0,3}(?:,|;|[ \n]{1,3}(?:i|oraz|a[ \n]{1,3}także|a)[ \n]{1,3})[ \n]{0,3}",
              quantities._ITEM_SPLIT.pattern),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
@SETTINGS
@given(s=_TEXT)
def test_fast_form_finds_what_the_plain_form_finds(name: str, s: str) -> None:
    plain, fast = (re.compile(p) for p in PAIRS[name])
    if plain.groups == fast.groups:
        assert spans(fast, s) == spans(plain, s)
    else:
        assert [m.span() for m in fast.finditer(s)] == [m.span() for m in plain.finditer(s)]
    for k in range(len(s) + 1):  # also where the callers match at a position
        a, b = plain.match(s, k), fast.match(s, k)
        assert (a and a.span()) == (b and b.span())


@SETTINGS
@given(s=_TEXT)
def test_list_opener_before_a_place(s: str) -> None:
    plain = re.compile(r"(?:[(,:;\n]|\s[-–]|\bi|\boraz|•)\s*$")
    for k in range(len(s) + 1):
        window = s[max(0, k - 8):k]
        assert bool(_LIST_BEFORE.search(window)) == bool(plain.search(window))


@SETTINGS
@given(s=_TEXT)
def test_phone_and_age_claims_cover_what_one_pattern_did(s: str) -> None:
    phone = re.compile(r"(?:tel\.?|telefon\w*|fax|kom\.?|nr\s+tel\.?)\s*:?\s*(?:\+48\s?)?(?:\(?\d{2,3}\)?[\s-]?)?"
                       r"\d{3}[\s-]?\d{2,3}[\s-]?\d{2,3}|(?<![\d])(?:\+48\s?)?\d{3}[\s-]\d{3}[\s-]\d{3}(?![\d])"
                       r"|(?<![\d])\d{2}\s\d{3}\s\d{2}\s\d{2}(?![\d])", re.I)
    age = re.compile(r"\bw\s+wieku\s+(?:od\s+)?\d{1,3}\s?(?:-|do)\s?\d{1,3}(?:\s+lat)?|\b\d{1,3}\s?-\s?\d{1,3}\s+lat\b"
                     r"|\b(?:powyżej|poniżej|do|od)\s+\d{1,3}\s+(?:roku\s+życia|r\.\s?ż\.|lat)", re.I)
    for plain, split in ((phone, quantities._PHONES), (age, quantities._AGES)):
        covered = {i for m in plain.finditer(s) for i in range(*m.span())}
        now = {i for rx in split for m in rx.finditer(s) for i in range(*m.span())}
        assert covered <= now
        # and nothing the plain pattern could not match on its own at that start
        for rx in split:
            for m in rx.finditer(s):
                assert plain.match(s, m.start()), (s, m.span())


def test_leading_words_is_case_insensitive_and_whole_word() -> None:
    p = re.compile(text.leading_words(["około", ("ok", r"\."), "blisko"], r"\w") + r"\s*$")
    assert p.search("było OKOŁO ") and p.search("(Ok. ") and p.search("Blisko")
    assert not p.search("zbytok. ") and not p.search("ok ") and not p.search("bliskości")
    assert p.pattern.startswith("[")  # a class first: the engine can skip to candidates


@SETTINGS
@given(s=_TEXT)
def test_last_word_is_what_the_end_anchored_pattern_found(s: str) -> None:
    m = re.search(r"([^\W\d_]+)\s*:?\s*$", s)
    found = text.last_word(s)
    assert (m and m.span(1)) == found
    assert all(text.is_letter(c) == bool(re.fullmatch(r"[^\W\d_]", c)) for c in s)
