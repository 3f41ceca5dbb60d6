"""The pipeline's patterns are written from the class of their first character so the regex
engine can skip to candidates (tests/test_robustness.py times them). Each rewritten form must
find exactly what its plain form finds: here the plain form stays as the specification, and
hypothesis compares the two on text made of the characters that matter to them."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import dates, structure, text
from extractor.places import ends_with_list_opener
from extractor.quantities import breakdowns, numbers

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
    "plain": (r"(?<![\d])\d+(?:,\d+|\.\d{1,2}(?=\s?(?:h\b|godz|%|proc)))?(?![\d])", numbers._PLAIN.pattern),
    "items": (r"[ \n]{0,3}(?:,|;|[ \n]{1,3}(?:i|oraz|a[ \n]{1,3}także|a)[ \n]{1,3})[ \n]{0,3}",
              breakdowns._ITEM_SPLIT.pattern),
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
        assert ends_with_list_opener(window) == bool(plain.search(window))


@SETTINGS
@given(s=_TEXT)
def test_phone_and_age_claims_cover_what_one_pattern_did(s: str) -> None:
    phone = re.compile(r"(?:tel\.?|telefon\w*|fax|kom\.?|nr\s+tel\.?)\s*:?\s*(?:\+48\s?)?(?:\(?\d{2,3}\)?[\s-]?)?"
                       r"\d{3}[\s-]?\d{2,3}[\s-]?\d{2,3}|(?<![\d])(?:\+48\s?)?\d{3}[\s-]\d{3}[\s-]\d{3}(?![\d])"
                       r"|(?<![\d])\d{2}\s\d{3}\s\d{2}\s\d{2}(?![\d])", re.I)
    age = re.compile(r"\bw\s+wieku\s+(?:od\s+)?\d{1,3}\s?(?:-|do)\s?\d{1,3}(?:\s+lat)?|\b\d{1,3}\s?-\s?\d{1,3}\s+lat\b"
                     r"|\b(?:powyżej|poniżej|do|od)\s+\d{1,3}\s+(?:roku\s+życia|r\.\s?ż\.|lat)", re.I)
    for plain, split in ((phone, numbers._PHONES), (age, numbers._AGES)):
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
    assert all(text.is_word_char(c) == bool(re.fullmatch(r"\w", c)) for c in s)


# --- the date patterns against the plain forms they were written from -------------------------

_D, _M, _Y = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d\d"
_R = dates.R
_NB = r"(?<![\d./:])(?<!\d,)"
_W = r"[a-ząćęłńóśźż]{3,12}(?![a-ząćęłńóśźż])"


def _plain_dates() -> dict[str, re.Pattern[str]]:
    from extractor.lexicon import lexicon

    mon = "(?:" + text.alternation(k for k in lexicon().months if len(k) > 3) + ")"
    smon = "(?:" + text.alternation(lexicon().months) + ")"
    # a list does not start right after "N, " where N is a one- or two-digit day-like number (not
    # glued to another; at the start of the text or not): the run it belongs to is the list, or
    # there is none
    after_day = "".join(rf"(?<!{before}{n}{sep})" for before in ("^", r"[^\d./:]")
                        for n in ("[1-9]", "(?:0[1-9]|[12]\\d|3[01])") for sep in (",", r",\s", r"\s,", r"\s,\s"))
    days = rf"{_NB}{after_day}(?P<days>{_D}(?:\s?,\s?{_D}){{0,29}}\s?(?:,|\si|\soraz)\s?{_D})"
    days_words = days.replace(r"\si|\soraz", "i|oraz")
    return {
        "range_d_dm": re.compile(rf"{_NB}(?P<d1>{_D})\.?\s?-\s?(?P<d2>{_D})\.(?P<m2>{_M})(?:\.(?P<y2>{dates.Y2}){_R}|\.|(?![\d.]))"),
        "range_words": re.compile(rf"(?:\bod\s+)?{_NB}(?P<d1>{_D})(?:\s+(?P<m1>{mon}))?(?:\s+(?P<y1>{_Y}){_R})?\s*(?:-|do)\s*"
                                  rf"(?P<d2>{_D})\s+(?P<m2>{mon})(?:\s+(?P<y2>{_Y}){_R})?", re.I),
        "list_numeric": re.compile(rf"{days}\.(?P<m>{_M})(?:\.(?P<y>{dates.Y2}){_R}|\.|(?![\d.]))"),
        "list_words": re.compile(rf"{days_words}\s+(?P<m>{mon})(?:\s+(?P<y>{_Y}){_R})?", re.I),
        "list_roman": re.compile(rf"{days}\.(?P<m>(?:XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I))(?:\.(?P<y>{_Y}){_R}|\.|(?![\w.]))"),
        "dmy_numeric": re.compile(rf"{_NB}(?P<d>{_D})[.\-/](?P<m>{_M})(?:[\-/]|\.[ \n]?)(?P<y>{_Y}){_R}(?!\d)"),
        "roman": re.compile(rf"{_NB}(?P<d>{_D})(?:\.\s?|\s)(?P<m>(?:XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I))(?:\.\s?|\s)(?P<y>{_Y}){_R}"),
        "words": re.compile(rf"{_NB}(?P<d>{_D})\s+(?P<m>{mon})\b(?:\s+(?P<y>{_Y}){_R})?", re.I),
        "quarter": re.compile(rf"\b(?P<q>(?:IV|III|II|I|1|2|3|4|pierwszy|drugi|trzeci|czwarty))\.?\s*(?:kwarta[łl]\w*|kw\.)"
                              rf"\s*(?P<y>{_Y})", re.I),
        "months": re.compile(rf"(?<![^\W\d_])(?P<m1>{_W})\s{{0,3}}(?:(?P<y1>{_Y}){structure.R_SUFFIX})?\s{{0,3}}(?:-|do)"
                             rf"\s{{0,3}}(?P<m2>{_W})\s{{1,3}}(?P<y>{_Y})", re.I),
        "years": re.compile(rf"\b(?:w\s+latach|za\s+lata|okres(?:ie)?)\s+(?P<y1>{_Y})\s*(?:r\.)?\s*(?:-|do)\s*(?P<y2>{_Y})(?!\d)",
                            re.I),
        "structure words": re.compile(
            rf"(?:od\s+)?(?P<d1>{_D})\s+(?P<m1>{smon})\s*(?P<y1>{_Y})?{structure.R_SUFFIX}\s*(?:-|do)\s*"
            rf"(?P<d2>{_D})\s+(?P<m2>{smon})\s*(?P<y2>{_Y}){structure.R_SUFFIX}", re.I),
    }


_DATE_TEXT = st.lists(st.sampled_from([
    "1", "3", "12", "30", "31", "45", "01", ".", ". ", ",", ", ", " ", "  ", "-", " - ", " i ", "i", " oraz ",
    "do ", "od ", "Od ", "11", "2019", "19", " r.", " roku", " marca", " Maja", " mar", "listopada", " XI", "IV",
    "/", ":", "x", "\n", "kwartał ", "II ", "Pierwszy ", "kw.", "w latach ", "ZA LATA ", "okresie ", "Marzec", "zzzzzzzzzzzzzz",
]), max_size=16).map("".join)


@pytest.mark.parametrize("name", ["range_d_dm", "range_words", "list_numeric", "list_words", "list_roman", "dmy_numeric", "roman",
                                  "words", "structure words", "quarter", "months", "years"])
@settings(max_examples=1500, deadline=None, derandomize=True)
@given(s=_DATE_TEXT)
def test_date_pattern_finds_what_its_plain_form_finds(name: str, s: str) -> None:
    plain = _plain_dates()[name]
    if name == "structure words":
        fast = structure._patterns()["words"]
    elif name in ("quarter", "months", "years"):
        fast = structure._patterns()[name]
    else:
        fast = dict(dates._patterns())[name]
    got = [(text.word_before(s, start, "od") if "words" in name and "range" in name or name == "structure words"
            else start, end, g) for start, end, g in _found(name, fast, s)]
    assert got == [(m.start(), m.end(), m.groupdict()) for m in plain.finditer(s)]


def _found(name: str, fast: re.Pattern[str] | None, s: str) -> list[tuple[int, int, dict[str, str | None]]]:
    """(start, end, groups) of a pattern's matches; the day lists (no pattern of their own in
    dates._patterns()) as dates._lists_in reads them."""
    found = dates._lists_in(s, name) if fast is None else fast.finditer(s)
    return [(m.start(), m.end(), m.groupdict()) for m in found]


# long runs of numbers: past the 31 days a list may have, and runs in which no list starts
_NUMBER = st.sampled_from([str(i) for i in range(1, 46)] + ["05", "100"])
_SEP = st.sampled_from([", ", ",", " , ", " ,", " ", ",  ", "\n", " i "])  # what a run of numbers is made of
_RUN = st.builds(
    lambda head, filler, days, tail: head + "".join(n + sep for n, sep in filler + days) + tail,
    st.sampled_from(["", "x ", "(", "5.", "1,", "2019, "]),
    st.integers(0, 90).flatmap(lambda n: st.lists(st.tuples(_NUMBER, _SEP), min_size=n, max_size=n)),
    st.integers(0, 31).flatmap(lambda n: st.lists(st.tuples(st.sampled_from([str(i) for i in range(1, 32)]),
                                                          st.just(", ")), min_size=n, max_size=n)),
    st.sampled_from(["4.11", "4.11.2019", "4 maja", "4.XI", "4 i 5.11", "4. ", "4", "4 i 5 maja", "4" + " " * 195 + "maja",
                     "4\n\nmaja"]))


@pytest.mark.parametrize("name", ["list_numeric", "list_words", "list_roman"])
@settings(max_examples=600, deadline=None, derandomize=True)
@given(s=_RUN)
def test_day_lists_in_long_runs_are_what_the_plain_form_finds(name: str, s: str) -> None:
    plain, fast = _plain_dates()[name], dict(dates._patterns())[name]
    assert _found(name, fast, s) == [(m.start(), m.end(), m.groupdict()) for m in plain.finditer(s)]


@pytest.mark.parametrize("s", [
    "1, 45, 7, 8" + " " * 195 + "maja", "1, 45, 7, 8" + "\n" * 195 + "maja", "7, 8" + " " * 200 + "maja",  # a long gap
    "1, " * 30 + "4 i 5.11", "x " + "1, " * 30 + "4 i 5.11", "x " + "1, " * 29 + "4 i 5.11",  # 32 days are too many
    ", ".join(str(i) for i in range(1, 32)) + ".11", "x " + ", ".join(str(i) for i in range(1, 33)) + ".11",
    "1, 45, " + ", ".join(str(i) for i in range(1, 32)) + " maja", "1 i " * 30 + "2 maja",
    "x 5, 6 i 7, 8 maja", "x 5, 6 i 7, 8.11", "x 5, 6, 45, 7, 8.11", "5, 6, 7, 8" + ", 9" * 30 + ".11",
    # where a run of days begins: after a number glued to a dot, colon or slash, or after a decimal
    "5.1, 6, 7.11", "5.1, 6 i 7 maja", "x 12:30, 6, 7.XI", "1/2, 3 i 4.11", "100,5, 6.11", "3,5, 6.11", "45, 6, 7.XII",
    "2019, 3 i 4.IV.2019 r.", "1, 2 i 3.XIIa", "1, 2 i 3.13", "1, 2 i 3.123", "30 , 31  oraz 31.12.2019",
    # letters re.I reads as s, k and i: "ſ", the Kelvin sign, dotless and dotted I
    "3 i 4 \u017ftycznia", "3 i 4 \u212awietnia", "3 \u0131 4 maja", "3 \u0130 4 MAJA",
])
@pytest.mark.parametrize("name", ["list_numeric", "list_words", "list_roman"])
def test_day_lists_at_their_bounds(name: str, s: str) -> None:
    plain, fast = _plain_dates()[name], dict(dates._patterns())[name]
    assert _found(name, fast, s) == [(m.start(), m.end(), m.groupdict()) for m in plain.finditer(s)]
