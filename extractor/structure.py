"""Document structure: report kind, reporting period and section headings."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .lexicon import lexicon, sections_data
from .text import WORDS, View, alternation, choice, initials, leading_words, word_before
from .text import fold as text_fold

# the days of one digit and of two
DAY_ONE, DAY_TWO = "[1-9]", r"0[1-9]|[12]\d|3[01]"

# Day and month numbers begin with a bare \d and test the digit they began with by look-behind:
# a pattern that begins with a character class lets the regex engine skip straight to the
# characters that can start a match, where a leading look-behind or optional part makes it try
# every position of the text. Same numbers, same order of trial as 0?[1-9]|[12]\d|3[01].
# `not_after`: fixed-width look-behinds the text before the number must not end with.
def day(*not_after: str, then: str | None = None, whole: bool = False) -> str:
    """01–09, 1–31: one digit tried before two. Most digits of a text are no day, so the
    cheapest tests that reject most of them come first: the first `not_after` look-behind
    (digits glued to a number), then `then` (what must follow the day), then the other
    look-behinds. `whole`: the longest, which `then` (beginning with no digit) must follow."""
    return _number(r"(?:(?<=0)[1-9]|(?<=[12])\d??|(?<=3)[01]??|(?<=[4-9]))", not_after, then,
                   (DAY_ONE, DAY_TWO) if whole else None)


def month(*not_after: str, then: str | None = None) -> str:
    """01–09, 1–12: one digit tried before two."""
    return _number(r"(?:(?<=0)[1-9]|(?<=1)[0-2]??|(?<=[2-9]))", not_after, then)


def _number(rest: str, not_after: tuple[str, ...], then: str | None, whole: tuple[str, str] | None = None) -> str:
    """`whole`: the numbers of one digit (a class) and of two (a look-behind) for a number
    taken whole. The look-ahead takes a second digit if there is one, and `then` (beginning
    with no digit) must follow: no number of three digits passes it. What the number is comes
    after the look-behinds, and none of its tests is tried again when what follows fails."""
    behind = guard(*not_after[1:])
    if whole:
        number = rf"(?:\d(?<={whole[1]})|(?<={whole[0]})(?!\d))"
        return rf"\d{guard(*not_after[:1])}(?=\d?+{then or ''})(?>{behind}{number})"
    ahead = rf"(?=\d?{then})" if then else ""
    return rf"\d{guard(*not_after[:1])}{ahead}{behind}{rest}"


# a day inside a list, after its first day: the longest, never given back (a non-digit follows
# it); each branch begins with the class it tests, which the engine checks before entering it
DAY_IN_LIST = r"(?>[12]\d?|3[01]?|0[1-9]|[4-9])"


def guard(*not_after: str) -> str:
    """Look-behinds checked one character into a match: "the text before it does not end with
    X" is (?<!X.) there."""
    return "".join(f"(?<!{x}.)" for x in not_after)


D = day()
M = month()
Y = r"(?:19|20)\d\d"
SEP = r"[.\-/]"
R_SUFFIX = r"(?:\s?r\.|\s?roku|\s?r\b)?"
ROMAN_MONTH = "(?:XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)"   # "15 III 2022": months in Roman numerals


@cache
def ordinal_day() -> str:
    """A day written in ordinal words, "siódmego", "dwudziestego czwartego" (lexicon:
    ordinal_days), for a pattern compiled without re.I; `ordinal_day_value` checks that a
    second word is a unit after a ten."""
    words = lexicon().ordinal_days
    units = [w for w, n in words.items() if n < 10]
    first = leading_words(words, r"\w")
    return rf"{first}(?!\w)(?:\s{{1,3}}(?i:{choice(units)})(?!\w))?"


def ordinal_day_value(text: str) -> int:
    """The day a day written in digits or ordinal words names: "dwudziestego czwartego" -> 24;
    0 for words that name no day ("pierwszego drugiego")."""
    if text.isdigit():
        return int(text)
    words = lexicon().ordinal_days
    values = [words.get(w.lower(), 0) for w in text.split()]
    if len(values) == 2 and not (values[0] in (20, 30) and 0 < values[1] < 10):
        return 0
    return sum(values)


@dataclass
class PeriodMatch:
    start: dt.date
    end: dt.date
    span: tuple[int, int]
    origin: str = "header"
    precision: int = 2      # 2: days written, 1: months (a quarter, "wrzesień–listopad"), 0: years


@dataclass
class Heading:
    start: int          # heading start
    end: int            # heading end (text may continue on the same line)
    title: str
    code: str
    canonical: str | None = None
    typo_of: str | None = None          # the known name when the heading is a misspelling of it
    typo_score: float = 0.0
    numbered: bool = False              # "1. ANIMACJA LOKALNA"
    roman: bool = False                 # "II. Zespół Interdyscyplinarny": numbered I, II, III …
    colon: bool = False                 # a mixed-case label line: "Działania animacyjne:"


@dataclass
class Structure:
    kind: str | None = None
    kind_span: tuple[int, int] | None = None
    organisation: str | None = None
    period: PeriodMatch | None = None
    period_candidates: list[PeriodMatch] = field(default_factory=list)
    period_impossible: tuple[int, int] | None = None  # "31.02.2020 – 30.06.2020": no such day
    headings: list[Heading] = field(default_factory=list)
    header_end: int = 0


# --- helpers -------------------------------------------------------------------------------

def fold(s: str) -> str:
    """Lower-case, strip diacritics (ł too) and spaces: for typo-tolerant comparisons."""
    return text_fold(s, joiner="")


# a month-like word: one start per word (checked one letter in), bounded; case-insensitive
_W = r"[a-ząćęłńóśźżA-ZĄĆĘŁŃÓŚŹŻ](?<![^\W\d_].)(?i:[a-ząćęłńóśźż]{2,11}+(?![a-ząćęłńóśźż]))"


def _month_re(names: dict[str, int]) -> str:
    return choice(names)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    lx = lexicon()
    mon = _month_re(lx.months)
    # every pattern begins with the class of its first character (see day(), leading_words);
    # "od" before a range and "za" before a year are added by find_periods
    quarter = leading_words(["IV", "III", "II", "I", "1", "2", "3", "4", "pierwszy", "drugi", "trzeci", "czwarty"], r"\w")
    half = leading_words(["II", "I", "1", "2", "pierwsze", "drugie"], r"\w")
    years = leading_words([("w", r"\s+latach"), ("za", r"\s+lata"), ("okres", "(?:ie)?"), ("kadencj", r"\w*")], r"\w")
    # "od 1 marca 2019 r. do 30 czerwca 2019 r.": a month name must follow the first day (its
    # first letter is the gate, tested at every digit; the pattern matches the name)
    d_sep, d_dot = day(r"[\d.]", then=SEP), day(r"[\d.]", then=r"\.")
    d_month = day(then=r"\s++" + initials(lx.months))
    d_roman = day(r"[\d.]", then=r"[.\s][IVX]")
    m_sep = month(r"[\d.]", then=r"[./]")
    year_digits = r"[12](?<!\w.)(?:(?<=1)9|(?<=2)0)\d\d"
    # "rok 2019", "w roku sprawozdawczym 2022" (lexicon: year_qualifiers)
    qualifier = rf"(?:\s+(?:{alternation(sorted(lx.year_qualifiers.words))})\w{{0,5}})?"
    rok = leading_words([("rok", "u?" + qualifier)], r"\w")
    return {
        "numeric": re.compile(
            rf"(?P<d1>{d_sep}){SEP}(?P<m1>{M}){SEP} ?(?P<y1>{Y}){R_SUFFIX}"
            rf"\s*(?:-|do|,|i|–)?\s*"
            rf"(?P<d2>{D}){SEP}(?P<m2>{M}){SEP} ?(?P<y2>{Y})(?!\d)", re.I),
        "iso": re.compile(rf"(?P<y1>{Y})-(?P<m1>{M})-(?P<d1>{D})\s*(?:-|do)\s*(?P<y2>{Y})-(?P<m2>{M})-(?P<d2>{D})(?!\d)"),
        # "01.09 – 30.11.2018": the year written once
        "numeric_short": re.compile(
            rf"(?P<d1>{d_dot})\.(?P<m1>{M})\.?\s*(?:-|do)\s*(?P<d2>{D})\.(?P<m2>{M})\.(?P<y2>{Y})(?!\d)"),
        # "09.2018 – 11.2018"
        "month_numeric": re.compile(
            rf"(?P<m1>{m_sep})[./](?P<y1>{Y})\s*(?:r\.)?\s*(?:-|do)\s*(?P<m2>{M})[./](?P<y2>{Y})(?!\d)"),
        # "od 1 I 2022 r. do 31 XII 2022 r.": Roman months (the numerals in capitals)
        "roman": re.compile(
            rf"(?P<d1>{d_roman})[.\s](?P<m1>{ROMAN_MONTH})(?:[.\s]\s?(?P<y1>{Y}){R_SUFFIX})?\s*(?:-|do)\s*"
            rf"(?P<d2>{D})[.\s](?P<m2>{ROMAN_MONTH})[.\s]\s?(?P<y2>{Y}){R_SUFFIX}"),
        "words": re.compile(
            rf"(?P<d1>{d_month})\s++(?P<m1>{mon})(?>\s*+(?P<y1>{Y})?{R_SUFFIX})(?:\s*+\([^()\n]{{0,80}}\))?\s*+(?:-|do)\s*+"
            rf"(?P<d2>{D})\s++(?P<m2>{mon})\s*(?P<y2>{Y}){R_SUFFIX}", re.I),
        # "od pierwszego kwietnia do trzydziestego września 2022 roku"
        "words_ordinal": re.compile(
            rf"(?P<d1>{ordinal_day()})\s++(?P<m1>(?i:{mon}))(?:\s++(?P<y1>{Y}){R_SUFFIX})?\s++(?i:do)\s++"
            rf"(?P<d2>{ordinal_day()})\s++(?P<m2>(?i:{mon}))\s+(?P<y2>{Y}){R_SUFFIX}"),
        # "w latach 2016–2019", "za lata 2019-2020"
        "years": re.compile(rf"{years}(?i:\s+(?P<y1>{Y})\s*(?:r\.)?\s*(?:-|do)\s*(?P<y2>{Y})(?!\d))"),
        # "rok 2019", "2019 r."
        "year": re.compile(rf"{rok}(?i:\s+(?P<y>{Y})\b)"),
        # "rok szkolny 2021/2022", "w roku akademickim 2022–2023", "rok szkolny 2020/21"
        # (lexicon: school_years)
        "school_year": re.compile(leading_words([("rok", r"u?\s+(?P<kind>" + alternation(
            [sy.stem for sy in lx.school_years]) + r")\w{0,5}")], r"\w")
            + rf"(?i:\s+(?P<y1>{Y})\s*[/–-]\s*(?P<y2>{Y}|\d\d)(?!\d))"),
        "year_r": re.compile(rf"(?P<y>{year_digits})(?i:\s*(?:r\.|rok))"),
        "quarter": re.compile(rf"(?P<q>{quarter})(?i:\.?\s*(?:kwarta[łl]\w*|kw\.)\s*(?P<y>{Y}))"),
        "half": re.compile(rf"(?P<h>{half})(?i:\.?\s*p[óo][łl]rocz\w*\s*(?P<y>{Y}))"),
        "month": re.compile(rf"(?P<m>{_W})(?i:\s{{1,3}}(?P<y>{Y})(?:\s?r\.|\s{{1,3}}roku|\s{{1,3}}rok)?"
                            rf"(?!\s{{0,3}}[-–]))"),
        # "w miesiącach wrześniu i październiku 2013"
        "months_and": re.compile(rf"(?P<m1>{_W})(?i:\s{{1,3}}i\s{{1,3}}(?P<m2>{_W})\s{{1,3}}(?P<y>{Y}))"),
        # "styczeń – czerwiec 2023", "od stycznia do końca czerwca 2023 roku"
        "months": re.compile(
            rf"(?P<m1>{_W})(?i:\s{{0,3}}+(?:(?P<y1>{Y}){R_SUFFIX})?\s{{0,3}}(?:-|do(?:\s{{1,3}}ko[ńn]ca)?)\s{{0,3}}"
            rf"(?P<m2>{_W})\s{{1,3}}(?P<y>{Y}))"),
    }


# what ends right before the year of a full date: "30.09.", "16 marca ", "2-"
_DATE_BEFORE = re.compile(r"\d[.\-/] ?$|\d\s+[^\W\d_]{3,12}\s+$")

_QUARTER = {"i": 1, "1": 1, "pierwszy": 1, "ii": 2, "2": 2, "drugi": 2, "iii": 3, "3": 3, "trzeci": 3,
            "iv": 4, "4": 4, "czwarty": 4}
_HALF = {"i": 1, "1": 1, "pierwsze": 1, "ii": 2, "2": 2, "drugie": 2}


def _month_of(word: str) -> int | None:
    lx = lexicon()
    w = word.lower()
    if w in lx.months:
        return lx.months[w]
    from .morph import analyse

    for i in analyse(w):
        if i.lemma in lx.month_lemmas:
            return lx.month_lemmas[i.lemma]
    return None


@cache
def _month_nominatives() -> frozenset[str]:
    """Month names in the nominative ('listopad'): a title naming one month as its period."""
    return frozenset(lexicon().month_lemmas)


def _last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_periods(norm: str, start: int, end: int, origin: str = "header",
                 whole_units: bool = True, impossible: list[tuple[int, int]] | None = None) -> list[PeriodMatch]:
    """Every way a title states a period, in the region [start, end); a period written with a
    day the calendar lacks ("31.02.2020") goes to `impossible` when given."""
    pats = _patterns()
    region = norm[start:end]
    out: list[PeriodMatch] = []

    def add(a: dt.date | None, b: dt.date | None, s: int, e: int, precision: int = 2) -> None:
        if a and b:
            out.append(PeriodMatch(a, b, (start + s, start + e), origin, precision))
        elif impossible is not None:
            impossible.append((start + s, start + e))

    for key in ("numeric", "iso"):
        for m in pats[key].finditer(region):
            g = m.groupdict()
            add(_safe_date(int(g["y1"]), int(g["m1"]), int(g["d1"])),
                _safe_date(int(g["y2"]), int(g["m2"]), int(g["d2"])), m.start(), m.end())
    for m in pats["numeric_short"].finditer(region):
        ys, ms1, ms2 = int(m["y2"]), int(m["m1"]), int(m["m2"])
        add(_safe_date(ys if ms1 <= ms2 else ys - 1, ms1, int(m["d1"])), _safe_date(ys, ms2, int(m["d2"])),
            m.start(), m.end())
    for m in pats["month_numeric"].finditer(region):
        add(dt.date(int(m["y1"]), int(m["m1"]), 1), _last_day(int(m["y2"]), int(m["m2"])), m.start(), m.end(), 1)
    for m in (*pats["words"].finditer(region), *pats["words_ordinal"].finditer(region)):
        m1, m2 = _month_of(m["m1"]), _month_of(m["m2"])
        y2 = int(m["y2"])
        y1 = int(m["y1"]) if m["y1"] else (y2 if m1 and m2 and m1 <= m2 else y2 - 1)
        if m1 and m2:
            add(_safe_date(y1, m1, ordinal_day_value(m["d1"])), _safe_date(y2, m2, ordinal_day_value(m["d2"])),
                word_before(region, m.start(), "od"), m.end())
    for m in pats["roman"].finditer(region):
        m1, m2, y2 = lexicon().roman[m["m1"]], lexicon().roman[m["m2"]], int(m["y2"])
        y1 = int(m["y1"]) if m["y1"] else (y2 if m1 <= m2 else y2 - 1)
        add(_safe_date(y1, m1, int(m["d1"])), _safe_date(y2, m2, int(m["d2"])),
            word_before(region, m.start(), "od"), m.end())
    for m in pats["school_year"].finditer(region):
        y1, y2 = int(m["y1"]), int(m["y2"])
        if y2 < 100:                               # "2020/21"
            y2 += y1 // 100 * 100
        starts = next(sy.starts for sy in lexicon().school_years if m["kind"].lower().startswith(sy.stem))
        if y2 == y1 + 1:
            add(dt.date(y1, starts, 1), dt.date(y2, starts, 1) - dt.timedelta(days=1), m.start(), m.end(), 1)
    for m in pats["years"].finditer(region):
        y1, y2 = int(m["y1"]), int(m["y2"])
        add(dt.date(y1, 1, 1), dt.date(y2, 12, 31), m.start("y1"), m.end(), 0)
    for m in pats["quarter"].finditer(region):
        q, y = _QUARTER[m["q"].lower()], int(m["y"])
        add(dt.date(y, 3 * q - 2, 1), _last_day(y, 3 * q), m.start(), m.end(), 1)
    for m in pats["half"].finditer(region):
        h, y = _HALF[m["h"].lower()], int(m["y"])
        add(dt.date(y, 6 * h - 5, 1), _last_day(y, 6 * h), m.start(), m.end(), 1)
    for m in pats["months"].finditer(region):
        m1, m2 = _month_of(m["m1"]), _month_of(m["m2"])
        if not (m1 and m2):
            continue
        y = int(m["y"])
        y1 = int(m["y1"]) if m["y1"] else (y if m1 <= m2 else y - 1)
        add(dt.date(y1, m1, 1), _last_day(y, m2), m.start(), m.end(), 1)
    for m in pats["months_and"].finditer(region):
        m1, m2 = _month_of(m["m1"]), _month_of(m["m2"])
        if m1 and m2 and m1 < m2:
            y = int(m["y"])
            add(dt.date(y, m1, 1), _last_day(y, m2), m.start(), m.end(), 1)
    if not out and whole_units:
        # "Okres sprawozdawczy: listopad 2021 r.", "działalność KIS w listopadzie 2021 r."
        for m in pats["month"].finditer(region):
            mo = _month_of(m["m"])
            after_w = word_before(region, m.start(), "w") != m.start() or word_before(region, m.start(), "we") != m.start()
            if mo and (m["m"].lower() in _month_nominatives() or after_w):
                y = int(m["y"])
                add(dt.date(y, mo, 1), _last_day(y, mo), word_before(region, m.start(), "w"), m.end(), 1)
                break
    if not out and whole_units:
        # the first "rok 2019" or "2019 r." (the former where both start at once), "za" included —
        # not the year of a full date ("Grudziądz, 16 marca 2020 r.", "stan na 30.09.2020 r.")
        found = [m for key in ("year", "year_r") for m in pats[key].finditer(region)
                 if not _DATE_BEFORE.search(region, max(0, m.start("y") - 16), m.start("y"))]
        if found:
            m = min(found, key=lambda m: m.start())
            y = int(m["y"])
            add(dt.date(y, 1, 1), dt.date(y, 12, 31), word_before(region, m.start(), "za"), m.end(), 0)
    out.sort(key=lambda p: p.span[0])
    # a longer match that contains a shorter one wins ("od 1 marca 2019 r. do …" over a year)
    kept: list[PeriodMatch] = []
    for p in sorted(out, key=lambda p: (p.span[0], -(p.span[1] - p.span[0]))):
        if any(k.span[0] <= p.span[0] and p.span[1] <= k.span[1] for k in kept):
            continue
        kept.append(p)
    return kept


_BODY_TRIGGER = re.compile(leading_words(["projekt", "realizac", "realizow", "trwa", "okres", "sprawozdawcz", "działal"]))
# a paragraph about the report itself ("To sprawozdanie trafi do …"): its span of whole months is
# the period the report covers
_REPORT_WORD = re.compile(leading_words([("sprawozdani", r"\w{0,3}"), ("raport", r"\w{0,3}")], r"\w"))
_BODY_START_END = re.compile(leading_words([("rozpocz", (
    r"\w{0,12}\s{1,3}(?:się\s{1,3})?(?:w|z|od)\s{1,3}(?:początkiem\s{1,3}|dniem\s{1,3})?"
    r"(?P<m1>[a-ząćęłńóśźż]{3,12})\s{1,3}(?P<y1>(?:19|20)\d\d)"
    r"[^.]{0,80}?zako[ńn]cz\w{0,12}\s{1,3}(?:się\s{1,3})?(?:(?:w|z|wraz\s{1,3}z)\s{1,3})?"
    r"(?:końcem\s{1,3}|koncem\s{1,3}|dniem\s{1,3})?(?P<m2>[a-ząćęłńóśźż]{3,12})\s{1,3}(?P<y2>(?:19|20)\d\d)"))]))


# "realizowano od 1 września 2019 r. i zakończono z ostatnim dniem lutego 2020 roku"
_BODY_FROM_UNTIL = re.compile(leading_words([("od", (
    r"\s{1,3}(?P<d1>[0-3]?\d)\s{1,3}(?P<m1>[a-ząćęłńóśźż]{3,12})\s{1,3}(?P<y1>(?:19|20)\d\d)(?:\s?r\.|\s{1,3}roku)?"
    r"[^.]{0,60}?zako[ńn]cz\w{0,12}\s{1,3}(?:się\s{1,3})?(?:(?:z|wraz\s{1,3}z)\s{1,3})?"
    r"(?:ostatnim\s{1,3}dniem|końcem|koncem)\s{1,3}(?P<m2>[a-ząćęłńóśźż]{3,12})\s{1,3}(?P<y2>(?:19|20)\d\d)"
    r"(?:\s?r\.|\s{1,3}roku)?"))], r"\w"))


def find_body_period(view: View, start: int) -> PeriodMatch | None:
    """A final report may state its period only in the body ("projekt trwał od … do …",
    "realizowano od 1 września 2019 r. i zakończono z ostatnim dniem lutego 2020 roku"), and so
    may a letter, in the paragraph that speaks of the report ("… tym razem od stycznia do końca
    czerwca 2023 roku. To sprawozdanie trafi do …")."""
    norm = view.norm
    for m in _BODY_FROM_UNTIL.finditer(norm, start):
        m1, m2 = _month_of(m["m1"]), _month_of(m["m2"])
        first = _safe_date(int(m["y1"]), m1, int(m["d1"])) if m1 else None
        if first and m2 and not _cited(view, m.span()):
            return PeriodMatch(first, _last_day(int(m["y2"]), m2), (m.start(), m.end()), "body")
    for m in _BODY_START_END.finditer(norm, start):
        m1, m2 = _month_of(m["m1"]), _month_of(m["m2"])
        if m1 and m2:
            return PeriodMatch(dt.date(int(m["y1"]), m1, 1), _last_day(int(m["y2"]), m2),
                               (m.start(), m.end()), "body")
    # a body names dates, not whole years: "realizowany od 2016 r." is no period
    for p in find_periods(norm, start, len(norm), origin="body", whole_units=False):
        if _cited(view, p.span):
            continue
        s, e = view.sentence(p.span[0])
        if (_BODY_TRIGGER.search(norm[s:e]) or _REPORT_WORD.search(norm, *view.paragraph(p.span[0]))) \
                and (p.end - p.start).days >= 28:
            return p
    return None


# --- kind ----------------------------------------------------------------------------------

@cache
def _kinds() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The words that tell a report's kind (sections.toml [kinds])."""
    return tuple((re.compile(leading_words([(w, r"\w*") for w in stems], r"\w")), kind)
                 for kind, stems in sections_data().kinds.items())


def find_kind(norm: str, end: int) -> tuple[str | None, tuple[int, int] | None]:
    best: tuple[int, str, tuple[int, int]] | None = None
    for rx, kind in _kinds():
        m = rx.search(norm, 0, end)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind, (m.start(), m.end()))
    return (best[1], best[2]) if best else (None, None)


# --- headings ------------------------------------------------------------------------------

_TASK = re.compile(
    r"(?P<label>(?P<word>" + "|".join(re.escape(w.rstrip(".")) + (r"\.?" if w.endswith(".") else "")
                                      for w in sorted(sections_data().labels, key=len, reverse=True))
    + r")\s*(?P<num>\d{1,2}|[IVX]{1,4})\b\.?)\s*[:.\-]?\s*", re.I)


_TASK_LINE = re.compile(r"(?m)^[ \t]*" + _TASK.pattern, re.I)


def _label_code(word: str) -> str:
    """'Zad.' -> ZADANIE, 'Część' -> CZĘŚĆ (sections.toml labels)."""
    labels = sections_data().labels
    w = word.lower()
    return labels.get(w) or labels.get(w + ".") or word.upper()
# "(CPS)", "(W)", and mixed-case acronyms with two capitals: "(DiS)", "(AiD)"
_ACR_END = re.compile(r"\(\s*(?P<acr>[A-ZĄĆĘŁŃÓŚŹŻ]{1,8}|[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{1,2}[A-ZĄĆĘŁŃÓŚŹŻ]"
                      r"[A-Za-ząćęłńóśźżĄĆĘŁŃÓŚŹŻ]{0,3})\s*\)")
_ENUM = re.compile(r"^(?:\d{1,2}|[IVX]{1,4})[.)/]\s*")
_CAPS_WORD = re.compile(r"[A-ZĄĆĘŁŃÓŚŹŻ0-9][A-ZĄĆĘŁŃÓŚŹŻ0-9\-/&,]*")


@cache
def _known_names() -> list[tuple[str, str, str, str]]:
    """(folded name, display name, canonical, folded words)."""
    out = []
    for sec in sections_data().section:
        for name in sec.names:
            out.append((fold(name), name, sec.canonical, " ".join(fold(w) for w in name.split())))
    return out


@cache
def _title_words() -> frozenset[str]:
    return frozenset(fold(w) for w in sections_data().title_words)


@lru_cache(maxsize=8192)  # headings repeat from report to report
def match_known(title: str) -> tuple[str, str, float] | None:
    """Best known section name for a heading text: (display name, canonical, score)."""
    from rapidfuzz import fuzz

    f = fold(_ACR_END.sub("", title))
    if len(f) < 4:
        return None
    words = " ".join(fold(w) for w in _ACR_END.sub("", title).split())
    best = None
    for fname, name, canon, fwords in _known_names():
        # glued or misspelt words (ratio on the folded string) or reordered words (token sort)
        score = max(fuzz.ratio(f, fname), fuzz.token_sort_ratio(words, fwords))
        if best is None or score > best[2]:
            best = (name, canon, score)
    return best


def _caps_prefix(line: str) -> int:
    """Length of the upper-case run that opens `line` (words, dashes, '(ACR)')."""
    pos = 0
    last_good = 0
    n = len(line)
    while pos < n:
        ws = len(line[pos:]) - len(line[pos:].lstrip(" "))
        p = pos + ws
        if p >= n:
            break
        m = _ACR_END.match(line, p)
        if m:
            last_good = pos = m.end()
            if line[pos:pos + 1].strip():
                break  # "ANIMACJA I DORADZTWO (AiD)W 2020 r. …": the text is glued to the acronym
            continue
        m = _CAPS_WORD.match(line, p)
        if m and re.search(r"[^\W\d_]", m.group()):
            nxt = line[m.end():m.end() + 1]
            if nxt and nxt.isalpha() and nxt.islower():  # "Przedsiębiorczości" — a capitalised word
                break
            pos = m.end()
            last_good = pos
            continue
        if line[p] in "-:":
            pos = p + 1
            continue
        break
    return last_good


def _drop_sentence_start(line: str, end: int) -> int:
    """'… INKUBACYJNE W okresie' -> the heading ends before 'W' (a sentence starts there)."""
    rest = line[end:]
    if rest.strip() and rest.lstrip()[:1].islower():
        head = line[:end].rstrip()
        m = re.search(r"\s([A-ZĄĆĘŁŃÓŚŹŻ]{1,2})$", head)
        if m and not re.search(r"\([A-ZĄĆĘŁŃÓŚŹŻ]+\)$", head):
            return m.start()
    return end


_SPACED = re.compile(r"(?:[^\W\d_] ){3,}[^\W\d_](?![^\W\d_])")


def _first_word(line: str) -> str:
    """The first word of a line, folded; a letter-spaced one read whole ("S P R A W O Z D A N I E")."""
    m = _SPACED.match(line)
    return fold(m.group().replace(" ", "") if m else line.split(" ")[0])


def _is_title(line: str) -> bool:
    """A title line: it opens with a title word ("Sprawozdanie …", "S P R A W O Z D A N I E")."""
    return _first_word(line) in _title_words()


def _title_line_start(norm: str) -> int:
    """Offset of the report's title line ("Sprawozdanie …") among its first lines, else 0:
    lines above it are a letterhead, not sections."""
    pos = 0
    for n, raw in enumerate(norm.split("\n")):
        if n > 5:
            break
        if raw.strip() and _is_title(raw.strip()):
            return pos
        pos += len(raw) + 1
    return 0


_NUMBERED_LINE = re.compile(r"^[ \t]{0,20}(?P<num>\d{1,2})[.)/][ \t]*(?P<title>[A-ZĄĆĘŁŃÓŚŹŻ][^\d\n]{2,70}?)[ \t:]*$", re.M)


def _numbered_titles(norm: str) -> set[int]:
    """Line starts of '1. Animacja lokalna', '2) Wsparcie inkubacyjne' that number a document's
    sections: short titles without a verb or a full stop, numbered 1, 2, … in order, each with
    text between it and the next — not the items of a numbered list."""
    cands = []
    for m in _NUMBERED_LINE.finditer(norm):
        title = m["title"].strip()
        if title.endswith((".", ",", ";")) or len(title.split()) > 8 or \
                any(a.pos in ("fin", "praet", "imps") for w in title.split() for a in _analyse(w.strip(",:;"))):
            continue
        cands.append((m.start(), m.end(), int(m["num"])))
    if len(cands) < 2 or [c[2] for c in cands] != list(range(cands[0][2], cands[0][2] + len(cands))):
        return set()
    for (_s, e, _n), (s2, _e2, _n2) in zip(cands, cands[1:], strict=False):
        between = norm[e:s2].strip()
        if not between or all(re.match(r"\s*+(?:\d{1,2}[.)]|[-•*])", ln) for ln in between.split("\n") if ln.strip()):
            return set()  # consecutive numbered lines: a list
    return {s for s, _e, _n in cands}


_ROMAN_LINE = re.compile(r"^[ \t]{0,20}(?P<num>[IVX]{1,5})\.[ \t]+(?P<rest>[A-ZĄĆĘŁŃÓŚŹŻ„\"][^\n]*)", re.M)


def _roman_titles(norm: str) -> dict[int, str]:
    """Line start -> heading text of 'I. Wprowadzenie', 'II. Zespół Interdyscyplinarny …' when a
    document numbers its sections I, II, III … in order, each with text after it — the heading
    cut from the sentence a flattened PDF glued to it."""
    cands = []
    for m in _ROMAN_LINE.finditer(norm):
        num = lexicon().roman.get(m["num"])
        if num is None:
            continue
        cands.append((m.start(), m.end(), num, m["num"] + ". " + _glued_title(m["rest"])))
    # the longest run numbered 1, 2, 3 … from I
    best: list[tuple[int, int, int, str]] = []
    run: list[tuple[int, int, int, str]] = []
    for c in cands:
        if c[2] == 1:
            run = [c]
        elif run and c[2] == run[-1][2] + 1:
            run.append(c)
        else:
            continue
        if len(run) > len(best):
            best = list(run)
    if len(best) < 2:
        return {}
    return {s: t for s, _e, _n, t in best}


_WORD_RUN = re.compile(r"\S+")


def _glued_title(rest: str) -> str:
    """'Wprowadzenie Gminny Program …' -> 'Wprowadzenie'; 'Grupy robocze W 2018 r. …' -> 'Grupy
    robocze'; a heading alone on its line is kept whole. A generic section name (sections.toml)
    that opens the line is the heading; else the words up to a capitalised word after a lower-case
    one, after a closing quotation mark, or one that restates the heading's first word."""
    rest = rest.rstrip()
    if rest.upper() == rest or len(rest.split()) <= 6 and not re.search(r"[.:;]\s+[A-ZĄĆĘŁŃÓŚŹŻ]", rest):
        return rest.rstrip(" :.")
    low = text_fold(rest)
    for name in sorted(sections_data().generic_names, key=len, reverse=True):
        f = text_fold(name)
        if low.startswith(f) and (len(low) == len(f) or not low[len(f)].isalnum()):
            return rest[:len(name)]
    words = list(_WORD_RUN.finditer(rest))
    end = words[0].end() if words else len(rest)
    seen_lower = False
    for prev, w in zip(words, words[1:], strict=False):
        t = w.group().lstrip("„\"")
        if not t or not t[0].isalnum():
            break
        cap = t[0].isupper()
        if cap and (seen_lower or prev.group().endswith(("”", "\"")) or text_fold(t) == text_fold(words[0].group())):
            break
        seen_lower = seen_lower or t[0].islower()
        end = w.end()
    return rest[:end].rstrip(" :.,;")


def find_headings(view: View) -> list[Heading]:
    out: list[Heading] = []
    norm = view.norm
    pos = 0
    first_line = True
    letterhead_end = _title_line_start(norm)
    numbered_titles = _numbered_titles(norm)
    # roman-numbered titles are the top level unless parts or tasks are ("Część II" holds "I. Koszty …")
    roman_titles = {} if _TASK_LINE.search(norm) else _roman_titles(norm)
    in_title = False  # inside the title block: the title line and the lines that go on with it
    seen_title = False
    for raw in norm.split("\n"):
        line_start = pos
        pos += len(raw) + 1
        stripped = raw.strip()
        if not stripped:
            in_title = False
        if not stripped or line_start < letterhead_end:
            continue
        lead = len(raw) - len(raw.lstrip())
        ls = line_start + lead
        # "Sprawozdanie …", "Informacja za okres …": a title line, before any heading
        # (one title: a later line that opens with a title word, "PODSUMOWANIE WSKAŹNIKÓW", is a heading)
        is_title = not out and not seen_title and _is_title(stripped)
        seen_title = seen_title or is_title
        in_title = in_title or is_title
        if first_line:
            first_line = False
            if is_title:
                continue
        if line_start in roman_titles:
            rh = _finish(view.text[ls:ls + len(roman_titles[line_start])], ls, None)
            rh.numbered = rh.roman = True
            out.append(rh)
            in_title = False
            continue
        if in_title and not out and not _TASK.match(stripped) and not _ACR_END.search(stripped):
            continue  # "WARSZTATU TERAPII ZAJĘCIOWEJ W RADZIEJOWIE", "za rok 2017." under the title
        if stripped[0].isdigit():
            # numbered sub-headings inside a section are not sections ("2.DZIAŁANIA DORADCZE:"), unless
            # they carry a section acronym; numbered headings that are the top level are
            top = not out or out[-1].numbered and not out[-1].roman
            h = _numbered_heading(stripped, ls, top)
            if h is None and top and line_start in numbered_titles:
                h = _finish(stripped, ls, None)
                h.numbered = True
            if h:
                out.append(h)
            continue
        if is_title or stripped[0] in "•-*":
            continue  # title lines and bullets
        h = _task_heading(stripped, ls) or _caps_heading(stripped, ls) or \
            _named_heading(stripped, ls, out[-1].title if out else "", any(x.colon for x in out),
                           norm[pos:pos + 3].lstrip()[:1] in ("-", "•", "*", "–"))
        if h:
            h.colon = h.colon or stripped.endswith(":")  # "ANIMACJA I ROZWÓJ LOKALNY:" — a label-line style
            out.append(h)
    return out


def _arabic(numeral: str) -> int | str:
    if numeral.isdigit():
        return int(numeral)
    return lexicon().roman.get(numeral.upper(), numeral)


def _finish(title: str, start: int, code: str | None) -> Heading:
    title = title.strip().rstrip(":.- ").strip()
    m = _ACR_END.search(title)
    acr = m["acr"] if m and m.end() >= len(title) - 1 else None
    if code is None:
        code = acr or title.upper()
    task = _TASK.match(title)
    name = _ACR_END.sub("", title[task.end():] if task else title).strip(" -:.")
    name = _ENUM.sub("", name)  # "I. Animacja lokalna", "2) Inkubacja": the number is no typo
    known = match_known(name) if name else None
    sx = sections_data()
    canonical = None
    typo_of, typo_score = None, 0.0
    if acr and any(s.canonical == acr for s in sx.section):
        canonical = acr
    if task:
        # a centre numbers its tasks: "ZADANIE II", "Zad. 2" and "ZADANIE 2. … (IPS)" align across years
        canonical = _label_code(task["word"]) + " " + str(_arabic(task["num"]))
    elif known and known[2] >= sx.match_score:
        canonical = canonical or known[1]
    if known and known[2] >= sx.match_score:
        from rapidfuzz import fuzz

        written, correct = " ".join(name.lower().split()), known[0].lower()
        spelled = fuzz.ratio(written, correct)  # letters as written: a reordering is no typo
        if written != correct and spelled >= sx.typo_score:
            typo_of, typo_score = known[0], spelled
    return Heading(start, start + len(title), title, code, canonical, typo_of, typo_score)


def _task_heading(line: str, ls: int) -> Heading | None:
    m = _TASK.match(line)
    if not m:
        return None
    num = m["num"]
    rest = line[m.end():]
    cap = _caps_prefix(rest)
    cap = _drop_sentence_start(rest, cap) if cap else 0
    if cap:
        title = line[:m.end() + cap]
    elif not rest or len(rest) <= 60 and not rest.rstrip().endswith("."):
        title = line  # "Zadanie 3 Inkubatory przedsiębiorczości" or a bare label line
    else:
        title = m["label"]
        if line[m.end("label"):m.end()].strip().startswith(":"):
            title = line[:line.index(":", m.end("label")) + 1]
    acr = _ACR_END.search(title)
    # "ZADANIE 3. INKUBATORY … (IPS)": the acronym names the section
    code = f"{_label_code(m['word'])} {num.upper()}"
    return _finish(title, ls, None if acr and acr.end() >= len(title.rstrip(" :.")) - 1 else code)


def _caps_heading(line: str, ls: int) -> Heading | None:
    lx = lexicon()
    cap = _caps_prefix(line)
    if not cap:
        return None
    cap = _drop_sentence_start(line, cap)
    head = line[:cap].strip()
    words = [w for w in WORDS.findall(head) if len(w) >= 2]
    letters = sum(len(w) for w in words)
    has_acr = bool(_ACR_END.search(head))
    if head.split(" ")[0] in lx.places.own_name_heads:
        return None
    alone = cap >= len(line.rstrip(" :"))
    if len(words) == 1 and alone and words[0] == head.rstrip(" :") and (
            _section_acronym(head.rstrip(" :")) or text_fold(words[0]) in _generic_names()):
        return _finish(head, ls, None)  # "CPS", "WNIOSKI" alone on its line
    if not (has_acr and words or len(words) >= 2 and letters >= 10 or len(words) == 1 and letters >= 8
            and alone):
        return None
    if not has_acr and _names_organisation(head):
        return None  # "FUNDACJA ROZWOJU WSI", "URZĄD GMINY DYWITY": an organisation, not a section
    rest = line[cap:].lstrip(" :-–")
    if rest and rest[0].islower() and not has_acr:
        # "CIS/KIS/ZAZ/WTZ z terenu powiatu …", "PANDEMIA COVID-19 ograniczyła …": a sentence
        # that opens with capitals; a heading glued to its text is followed by a capitalised
        # word ("… INKUBACYJNE W okresie")
        known = match_known(head)
        if not (known and known[2] >= sections_data().match_score):
            return None
    return _finish(head, ls, None)


@cache
def _generic_names() -> frozenset[str]:
    return frozenset(text_fold(n) for n in sections_data().generic_names)


@cache
def _section_acronyms() -> frozenset[str]:
    return frozenset(sec.canonical for sec in sections_data().section
                     if sec.canonical.isupper() and " " not in sec.canonical)


def _section_acronym(word: str) -> bool:
    return word in _section_acronyms()


def _names_organisation(head: str) -> bool:
    known = match_known(head)
    if known and known[2] >= sections_data().match_score:
        return False
    f = " ".join(fold(w) for w in head.split())
    return any(f == w or f.startswith(w + " ") for w in _organisation_words())


@cache
def _organisation_words() -> tuple[str, ...]:
    return tuple(fold(w) for w in sections_data().organisation_words)


def _named_heading(line: str, ls: int, current: str = "", colon_style: bool = False,
                   bullets_follow: bool = False) -> Heading | None:
    """Mixed-case headings alone on their line: a known section name ('Inkubator
    Przedsiębiorczości Społecznej:', 'Promocja i informacja:'), 'Name (ACR)', or a short
    Title Case label ending with a colon ('Usługi Szkoleniowe i Doradcze:'). A label followed
    by text on the same line ('Szkolenia: Moduł II …') is not a heading, unless it names a known
    section in a document whose sections are all written so."""
    sx = sections_data()
    cand = line.rstrip()
    if ":" in cand[:-1]:
        # "Doradztwo i szkolenia:Udzielono …" — only a known section name of two words or more
        label = cand[:cand.index(":")].rstrip()
        known = match_known(label)
        words = [w for w in WORDS.findall(label) if len(w) > 3]
        if (not current or colon_style) and label[:1].isupper() and len(words) >= 2 and len(label.split()) <= 6 \
                and known and known[2] >= sx.inline_match_score:
            return _colon(_finish(label, ls, None))
        return None  # inside a section written otherwise: a label of its text
    if cand.endswith(":"):
        cand = cand[:-1].rstrip()
    if not cand[:1].isupper() or len(cand) > 80 or cand.endswith((".", ",", ";")) or len(cand.split()) > 8:
        return None
    if re.search(r"\d", cand):
        return None
    acr = _ACR_END.search(cand)
    known = match_known(cand)
    content = [w for w in WORDS.findall(cand) if len(w) > 3]
    # one word with a colon that the current section already names ("Szkolenia:" inside
    # "USŁUGI DORADCZE I SZKOLENIOWE") labels a list in it, not a new section
    sublabel = len(content) == 1 and (fold(content[0])[:max(5, len(content[0]) - 3)] in fold(current)
                                      or bool(current) and not colon_style)
    if acr and acr.end() >= len(cand) - 1 or known and known[2] >= sx.match_score and not sublabel:
        return _colon(_finish(cand, ls, None))
    # a document whose headings are label lines ("Działania animacyjne:") goes on in that style:
    # "Inkubacja i miejsca pracy:" — but not a sentence that introduces a list, nor a list label
    if colon_style and line.rstrip().endswith(":") and not sublabel and not bullets_follow and \
            len(cand.split()) <= 6 and not any(a.pos in ("fin", "praet", "imps") for w in cand.split()
                                               for a in _analyse(w)):
        return _colon(_finish(cand, ls, None))
    if line.rstrip().endswith(":") and len(content) >= 2 and all(w[0].isupper() for w in content):
        return _finish(cand, ls, None)
    return None


def _colon(h: Heading) -> Heading:
    h.colon = True
    return h


def _analyse(word: str) -> tuple:  # type: ignore[type-arg]
    from .morph import analyse

    return analyse(word)


def _numbered_heading(line: str, ls: int, top: bool = False) -> Heading | None:
    """'3. WSPARCIE TWORZENIA PRZEDSIĘBIORSTW SPOŁECZNYCH (WTPS)': a numbered heading that names
    its section with an acronym is a section; so is '1. ANIMACJA LOKALNA' at the top level of a
    document numbered that way; '2.DZIAŁANIA DORADCZE:' inside a section is not."""
    m = re.match(r"\d{1,2}[.)/]\s*", line)
    if not m:
        return None
    h = _caps_heading(line[m.end():], ls + m.end())
    if h is None:
        return None
    if _ACR_END.search(h.title):
        out = _finish(line[:m.end()] + h.title, ls, h.code)
    elif top and m.group().strip().endswith(".") and " " in m.group() + h.title:
        out = _finish(line[:m.end()] + h.title, ls, None)
        out.canonical = h.canonical
    else:
        return None
    out.numbered = True
    return out


def find_organisation(view: View, first_heading: int | None) -> str | None:
    """The reporting centre as the header names it: 'OWES Olsztyn', 'CWES Ostróda', 'OWES Subregion
    Ełcki' (from 'Ośrodek Wsparcia Ekonomii Społecznej – Subregion Ełcki'); never one the body
    names (a partner or a beneficiary). See extractor/organisation.py."""
    from .organisation import find_author
    from .organisation import header_end as org_header_end

    return find_author(view.norm, org_header_end(view.norm, first_heading))


def _cited(view: View, span: tuple[int, int]) -> bool:
    """Part of a legal reference ("ustawy z dnia 12 marca 2004 r."): no period."""
    return view.is_claimed(*span) == "reference"


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _title_block_end(norm: str) -> int:
    """End of the title block — the title line and the lines right below it, up to a blank line
    ("INFORMACJA O DZIAŁALNOŚCI / WARSZTATU TERAPII … / za rok 2017.") — or 0 without a title."""
    start = _title_line_start(norm)
    first = norm[start:norm.find("\n", start) if "\n" in norm[start:] else len(norm)].strip()
    if not first or not _is_title(first):
        return 0
    blank = _BLANK_LINE.search(norm, start)
    return blank.start() if blank else len(norm)


@cache
def _mail_field() -> re.Pattern[str]:
    return re.compile(rf"(?i:{alternation(sorted(lexicon().mail_header.words))})[ \t]{{0,3}}:[^\n]*(?:\n|$)")


def _mail_header_end(norm: str) -> int:
    """End of an e-mail's header ("Od: …", "Do: …", "Temat: …" from the first line on), or 0."""
    pos = 0
    while m := _mail_field().match(norm, pos):
        pos = m.end()
    return pos if norm[:pos].count("\n") >= 2 else 0


def analyse_structure(view: View) -> Structure:
    st = Structure()
    st.headings = find_headings(view)
    norm = view.norm
    first = st.headings[0].start if st.headings else None
    # the header: up to the first heading, else the first two non-empty lines
    if first is not None:
        header_end = first
    else:
        lines = [m.end() for m in re.finditer(r"(?m)^[^\n]*\S[^\n]*(\n|$)", norm)][:2]
        header_end = max(lines[-1] if lines else len(norm), _title_block_end(norm), _mail_header_end(norm))
    header_end = min(header_end, max(len(norm), 0))
    st.header_end = header_end
    st.kind, st.kind_span = find_kind(norm, header_end)
    st.organisation = find_organisation(view, first)
    impossible: list[tuple[int, int]] = []
    cands = [p for p in find_periods(norm, 0, header_end, impossible=impossible) if not _cited(view, p.span)]
    impossible = [s for s in impossible if not _cited(view, s)]
    if not cands and st.kind == "annual":
        m = next((m for m in re.finditer(r"(?<![\d.])((?:19|20)\d\d)(?![\d.])", norm[:header_end])
                  if not _cited(view, m.span())), None)
        if m:
            y = int(m.group(1))
            cands = [PeriodMatch(dt.date(y, 1, 1), dt.date(y, 12, 31), (m.start(), m.end()))]
    st.period_candidates = cands
    if cands:
        # the most precise period, the first of those: exact dates beat a title's years
        # ("ZA KADENCJĘ 2016–2018" … "od 11 czerwca 2016 r. do 9 czerwca 2018 r.")
        best = max(cands, key=lambda p: p.precision)
        st.period = cands[0] if (cands[0].start, cands[0].end) == (best.start, best.end) else best
    elif impossible:
        st.period_impossible = impossible[0]
    else:
        st.period = find_body_period(view, header_end)
    p = st.period
    if st.kind is None and p is not None and p.origin == "header" and p.start.year == p.end.year \
            and (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31):
        st.kind = "annual"  # "za rok 2016.", "Podsumowanie roku 2016": a calendar year is a year's report
    return st
