"""Dates and date ranges: numeric day.month[.year], day lists, Roman months, month names.

Year-less dates are resolved against the reporting period (also across New Year); full
month-name dates go through one cached dateparser parser, never a bare "16.11"
(dateparser would read that as a time of day).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .lexicon import lexicon
from .structure import DAY_IN_LIST, ROMAN_MONTH, D, M, PeriodMatch, Y, day, ordinal_day, ordinal_day_value
from .text import View, alternation, choice, initials, leading_words, word_before

R = r"(?:\s?r\.|\s?roku\b|r\b)?"
# a two-digit year, only after a numeric day.month. ("3.01.20", "5-6.05.21"): 2000 + yy
Y2 = r"(?:(?:19|20)\d\d|\d\d(?!\d|[.,]\d|\s?(?:h\b|godz|%|proc)))"


def _year(y: str | None) -> int | None:
    if not y:
        return None
    return int(y) + 2000 if len(y) == 2 else int(y)


@dataclass
class DateMention:
    start: int
    end: int
    day: int
    month: int
    year: int | None
    rule: str


@dataclass
class RangeMention:
    start: int
    end: int
    a: DateMention
    b: DateMention
    rule: str


_ROM = ROMAN_MONTH
# a day not glued to a preceding number ("3,4" is a decimal)
_NB = (r"[\d./:]", r"\d,")


@cache
def _month_names() -> tuple[str, ...]:
    """The month names of more than three letters ("maja", "listopada", "marzec")."""
    return tuple(k for k in lexicon().months if len(k) > 3)


@cache
def _month_words() -> tuple[str, str]:
    """The month names as a pattern, and the classes of their initials: what may follow a day,
    tested at every digit before the day is read."""
    return choice(_month_names()), initials(_month_names())


@cache
def _list_forms() -> dict[str, tuple[str, str, str]]:
    """rule -> (and_sep, end, month) of each form of day list: "i"/"oraz" and the white space
    around it; how what follows the last day begins; the month with its year."""
    mon, ini = _month_words()
    and_dot = r"\s{1,2}+(?:i|oraz)"
    return {
        # (without re.I, which would make every test of the digits, white space and commas slower;
        # "i" and "oraz" as re.I matches them, each begun by a class the engine checks first)
        "list_words": (r"\s?+(?:[Iiİı]|[Oo][Rr][Aa][Zz])", r"\s++" + ini, rf"\s++(?P<m>{mon})(?i:\s+(?P<y>{Y}){R})?"),
        "list_roman": (and_dot, r"\.", rf"\.(?P<m>{_ROM})(?:\.(?P<y>{Y}){R}|\.|(?![\w.]))"),
        "list_numeric": (and_dot, r"\.", rf"\.(?P<m>{M})(?:\.(?P<y>{Y2}){R}|\.|(?![\d.]))"),
    }


# A day list: at least two days, commas between them, "i"/"oraz" allowed before the last; at most
# 31 days; then the month. A list does not start at a day that follows "N, " where N is a one- or
# two-digit day at the start of the text or after a character that is no digit, dot, colon or
# slash: the run N belongs to is the list, or there is none. So a list can start only where such
# a run begins, and the runs are found from the months that end them, in the reversed text
# (_reversed_list_starts); a list's pattern is then matched once at each place found. (Scanning
# forwards, the pattern would be tried at every number of a text, each try read up to where it
# fails: on "1,2,3 1,2,3 …" that took about the 100 ms per 1 MB this project allows a pattern.)

def _days(and_sep: str, end: str, month: str) -> str:
    """The days of a list and its month. Each day is taken whole (a non-digit follows it), and
    so is each run of ", day": what follows a list's days is its month, which no comma begins,
    so nothing taken need be given back. The first day is checked first to be followed by the
    second and what may follow it (up to the month after "i" and a day). It needs no
    look-behind: the pattern is matched only where _reversed_list_starts() found a run of days
    to begin, which is never right after a digit, dot, colon or slash, nor a digit and a comma."""
    comma_day = rf"\s?+,\s?+{DAY_IN_LIST}"
    and_last = rf"{and_sep}\s?+\d\d?+{end}"  # (the look-ahead need not be exact: the match is)
    # the second day is taken whole (a comma, "i" or the month, no digit, follows it)
    first = day(then=rf"(?:\s?+,\s?+{DAY_IN_LIST}(?:\s?+,|{and_last}|{end})|{and_last})", whole=True)
    return rf"(?P<days>{first}(?:{comma_day}){{0,29}}+(?:{and_sep}\s?{DAY_IN_LIST}|{comma_day})?){month}"


@cache
def _day_lists() -> dict[str, re.Pattern[str]]:
    """rule -> the pattern of a day list ("(3,4,7,9.11)", "3, 4 i 7.11", "3 i 4 maja 2019 r.",
    "3i4 maja"), matched where _reversed_list_starts() finds that one may start."""
    return {rule: re.compile(_days(*form)) for rule, form in _list_forms().items()}


# A day of a list in the reversed text (1–9, 01–09, 10–31 read backwards), whole, and not glued
# to a dot, colon or slash before it: "21" is 12, "90" is 09
_DAY_REVERSED = r"(?:[1-9](?![\d./:])|(?:[1-9]0|\d[12]|[01]3)(?![\d./:]))"
_COMMA_REVERSED = r"\s?+,\s?+"


@cache
def _reversed_list_starts() -> dict[str, re.Pattern[str]]:
    """rule -> a pattern run over the reversed text: a month as the list's form writes it,
    its last day, and the run of days before it, read backwards. Where that run begins is the
    only place a list ending there can start: each other day of the run follows "N, " with N a
    day, and a day glued to a dot, colon or slash ends the run, since it cannot begin a list.
    A run of more than 31 days gives no place, nor does one that begins right after a digit and
    a comma ("3,4" is a decimal). The month and the days are read as the forward patterns read
    them (what those read, this does, and a little more): _day_lists() decides."""
    # the month names read backwards begin with the letter nearest the days ("maja" is "ajam",
    # begun by an "a" almost any text is full of), so the pattern begins with the class of their
    # first letters and reads the names by look-behinds, once a day and a separator are seen to
    # follow; the numeric month begins with its dot, the Roman with the numeral
    by_length: dict[int, list[str]] = {}
    for name in _month_names():
        by_length.setdefault(len(name), []).append(name[::-1])
    names = "|".join(f"(?<=(?i:{alternation(v)}))" for _, v in sorted(by_length.items()))
    ahead = r"\d\d?+\s?+(?:,\s?+\d\d?+(?![\d./:])|[IiİıZz])"  # a last day, a separator, a day
    months = {
        "list_words": rf"{_month_words()[1]}(?=\s++{ahead})(?:{names})\s++",
        "list_roman": rf"[IVX](?<!\w.)(?:(?<=I)(?:IIV|IV|IX|II?|V|X)?|(?<=[VX])I?)\.(?={ahead})",
        "list_numeric": rf"\.(?={ahead})(?:(?<=[1-9]\.)(?<!\d.\.)|(?<=[1-9]0\.|[0-2]1\.)(?<!\d..\.))",
    }
    ands = {"list_words": r"\s?+(?:[Iiİı]|[Zz][Aa][Rr][Oo])\s?+", "list_roman": r"\s?+(?:i|zaro)\s{1,2}+"}
    ands["list_numeric"] = ands["list_roman"]
    # the days are read once, never given back: where the run ends is then tested
    return {rule: re.compile(
        rf"{months[rule]}(?>{_DAY_REVERSED}(?:{_COMMA_REVERSED}|{ands[rule]}){_DAY_REVERSED}"
        rf"(?:{_COMMA_REVERSED}{_DAY_REVERSED}){{0,29}}+)(?!,\d|{_COMMA_REVERSED}{_DAY_REVERSED})") for rule in months}


def _lists_in(norm: str, rule: str, reversed_norm: str | None = None) -> Iterator[re.Match[str]]:
    """The day lists of one form in `norm`, leftmost first, none overlapping, each read where
    _reversed_list_starts() finds a place for it. `reversed_norm`: norm[::-1], if at hand."""
    rev = norm[::-1] if reversed_norm is None else reversed_norm
    starts = [len(norm) - m.end() for m in _reversed_list_starts()[rule].finditer(rev)]
    done = 0
    for start in reversed(starts):
        # (a list ends at its month or year, where no run of days begins: never less than done)
        if start >= done and (m := _day_lists()[rule].match(norm, start)) is not None:
            done = m.end()
            yield m


_DIGITS = re.compile(r"\d+")


@cache
def _ordinal_re() -> re.Pattern[str]:
    return re.compile(ordinal_day())


@cache
def _patterns() -> list[tuple[str, re.Pattern[str] | None]]:
    mon, ini = _month_words()

    def d0(then: str) -> str:
        return day(*_NB, then=then)

    d_dot = d0(r"\.")
    d_dot_dash = d0(r"\.?\s?-")
    # "3 - 5 maja", "3 maja do 5 czerwca", "3 maja 2019 - …": a dash, "do", a month or a year next
    d_to = d0(rf"\s*+(?:[-dD]|{ini}|19|20)")
    d_to_roman = d0(r"(?:\s*+(?:-|do)|[.\s][IVX])")
    d_sep = d0(r"[.\-/]")
    d_roman = d0(r"(?:\.\s?|\s)[IVX]")
    d_bare = day(r"[\d.,/:\w]", then=r"\s[IVX]")
    d_month = d0(r"\s+" + ini)
    od = ordinal_day()
    return [
        # ranges first: they own their numbers; a leading "od" is added by find_dates
        ("range_dm_dm", re.compile(
            rf"(?P<d1>{d_dot})\.(?P<m1>{M})\.?(?:(?P<y1>{Y}){R})?\s?-\s?(?P<d2>{D})\.(?P<m2>{M})"
            rf"(?:\.(?P<y2>{Y2}){R}|\.|(?![\d]))")),
        ("range_d_dm", re.compile(
            rf"(?P<d1>{d_dot_dash})\.?\s?-\s?(?P<d2>{D})\.(?P<m2>{M})(?:\.(?P<y2>{Y2}){R}|\.|(?![\d.]))")),
        # the first day's month and year are taken whole: a dash or "do" must follow them, and
        # none of them could give back what begins one
        ("range_words", re.compile(
            rf"(?P<d1>{d_to})(?>(?:\s++(?P<m1>{mon}))?(?:\s++(?P<y1>{Y}){R})?)\s*+(?:-|do)\s*+"
            rf"(?P<d2>{D})\s++(?P<m2>{mon})(?:\s+(?P<y2>{Y}){R})?", re.I)),
        # "od pierwszego kwietnia do trzydziestego września 2022 roku": days in ordinal words
        ("range_ordinal", re.compile(
            rf"(?P<d1>{od})(?:\s++(?P<m1>(?i:{mon})))?(?:\s++(?P<y1>{Y}){R})?\s++(?i:do)\s++"
            rf"(?P<d2>{od})\s++(?P<m2>(?i:{mon}))(?!\w)(?:\s+(?P<y2>{Y}){R})?")),
        ("range_roman", re.compile(
            rf"(?P<d1>{d_to_roman})(?:[.\s](?P<m1>{_ROM})(?:[.\s]\s?(?P<y1>{Y}){R})?)?\s*(?:-|do)\s*"
            rf"(?P<d2>{D})[.\s](?P<m2>{_ROM})(?:[.\s]\s?(?P<y2>{Y}){R}|\.|(?=[\s,;)]|$))")),
        # day lists sharing one month: read by _lists_in
        ("list_words", None), ("list_roman", None), ("list_numeric", None),
        # single dates
        ("dmy_numeric", re.compile(rf"(?P<d>{d_sep})[.\-/](?P<m>{M})(?:[\-/]|\.[ \n]?)(?P<y>{Y}){R}(?!\d)")),
        ("dmy_short", re.compile(rf"(?P<d>{d_dot})\.(?P<m>{M})\.(?P<y>{Y2}){R}(?!\d)")),
        ("iso", re.compile(rf"(?P<y>(?:1(?<!\d.)9|2(?<!\d.)0)\d\d)-(?P<m>{M})-(?P<d>{D})(?!\d)")),  # {Y}, no digit before
        ("roman", re.compile(rf"(?P<d>{d_roman})(?:\.\s?|\s)(?P<m>{_ROM})(?:\.\s?|\s)(?P<y>{Y}){R}")),
        ("roman_short", re.compile(rf"(?P<d>{d_dot})\.(?P<m>{_ROM})\.(?!\w)")),
        # "(12 stycznia i 9 IV)": a day and a Roman month, closed by punctuation
        ("roman_bare", re.compile(rf"(?P<d>{d_bare})\s(?P<m>{_ROM})(?=\s?[),;]|\.(?:\s|$)|\s(?:i|oraz)\s)")),
        ("words", re.compile(rf"(?P<d>{d_month})\s+(?P<m>{mon})\b(?:\s+(?P<y>{Y}){R})?", re.I)),
        # "siódmego i ósmego sierpnia", "w dniu dwudziestego marca"
        ("list_ordinal", re.compile(
            rf"(?P<days>{od}(?:(?:\s*+,\s*+|\s++(?i:i|oraz)\s++){od})+)\s++(?P<m>(?i:{mon}))(?!\w)(?:\s+(?P<y>{Y}){R})?")),
        ("words_ordinal", re.compile(rf"(?P<d>{od})\s++(?P<m>(?i:{mon}))(?!\w)(?:\s+(?P<y>{Y}){R})?")),
        ("dm_numeric", re.compile(rf"(?P<d>{d_dot})\.(?P<m>{M})(?:\.(?!\d)|(?![\d]))(?!\s?(?:h\b|godz|%|proc))")),
    ]


# each begins with the class of its first character (see structure.day): "9:00-15:30", "10.45"
_TIME = re.compile(r"\d(?<![\d.].)(?=\d?[:.]\d\d)(?:\d?[:.]\d{2}\s?-\s?\d{1,2}[:.]\d{2}(?!\d)|\d?:\d{2}(?!\d))")
# opening hours written as whole hours: "czynne pn-pt 8-16", "w godz. 9-15"
_HOURS_RANGE = re.compile(
    leading_words([("czynn", r"\w*"), ("otwart", r"\w*"), ("godz", r"\.?"), "godzinach",
                   *((w, r"\.?") for w in ("pn", "pon", "wt", "śr", "czw", "pt", "sob", "nd"))])
    + r"(?i:\s*(?:-\s*(?:pt|sob|nd|niedz)\.?\s*)?(?P<r>(?:[01]?\d|2[0-4])\s?-\s?(?:[01]?\d|2[0-4]))(?!\d|\.\d))")
# does a window end with "godz." (a bare "10.30" after it is a time): "w godz.", "od godz." end so too
_TIME_CTX = re.compile(leading_words([("godz", r"\.?"), "godzinach", "godzinie"]) + r"\s*$")


# "9.00", "15.30", "10.45": hours and minutes that cannot be a day and month
_CLOCK = re.compile(r"\d(?<![\d.,].)(?=\d?\.)(?:(?<=[01])\d|(?<=2)[0-4])?\.(?:00|1[3-9]|[2-5]\d)(?![\d.]|\.\d)")


def _month(token: str) -> int:
    lx = lexicon()
    t = token.lower()
    if t in lx.months:
        return lx.months[t]
    return lx.roman.get(token.upper(), 0) or int(token)


def find_times(view: View) -> None:
    """Claim times of day ("9:00-15:30", "godz. 10.00") so no date or count takes them."""
    for m in _CLOCK.finditer(view.norm):
        view.claim(m.start(), m.end(), "time")
    for m in _HOURS_RANGE.finditer(view.norm):
        view.claim(m.start("r"), m.end("r"), "time")
    for m in _TIME.finditer(view.norm):
        txt = m.group()
        before = view.norm[max(0, m.start() - 14):m.start()]
        if ":" in txt or _TIME_CTX.search(before):
            view.claim(m.start(), m.end(), "time")


# "2.1. Rekrutacja", "4.3. Na terenach wiejskich …": a decimal outline number opening a line
_OUTLINE = re.compile(r"(?m)^[ \t]*+(\d{1,2})\.(\d{1,2})\.(?=[ \t]+[^\W\d_])")


def claim_outline_numbers(view: View) -> None:
    """Numbers of a decimal outline ("1.1.", "1.2.", "2.1." opening lines) are no dates: lines
    opened by N.1. and N.2. (N the same) mark an outline, and every N.1., N.2., … of it (the
    second number running from 1 without a gap, "3.1." alone too) is claimed as an enumeration.
    A list of dates opening lines ("1.10. …", "2.10. …") keeps its dates: their second number
    does not run 1, 2, … under one first number."""
    found: dict[str, list[re.Match[str]]] = {}
    for m in _OUTLINE.finditer(view.norm):
        found.setdefault(m[1], []).append(m)
    seconds = {n: sorted({int(m[2]) for m in ms}) for n, ms in found.items()}
    if not any(ks[:2] == [1, 2] for ks in seconds.values()):
        return
    for n, ms in found.items():   # in an outline, a part with one subsection ("3.1.") is one too
        if seconds[n] == list(range(1, len(seconds[n]) + 1)):
            for m in ms:
                view.claim(m.start(1), m.end(), "enumeration")


def find_dates(view: View, exclude: list[tuple[int, int]]) -> tuple[list[DateMention], list[RangeMention]]:
    norm = view.norm
    dates: list[DateMention] = []
    ranges: list[RangeMention] = []
    for ex_start, ex_end in exclude:
        view.claim(ex_start, ex_end, "period")
    claim_outline_numbers(view)

    def free(s: int, e: int) -> bool:
        return not view.is_claimed(s, e)

    rev = norm[::-1]
    for rule, rx in _patterns():
        for m in _lists_in(norm, rule, rev) if rx is None else rx.finditer(norm):
            s, e = m.start(), m.end()
            if rule in ("range_words", "range_roman", "range_ordinal"):
                s = word_before(norm, s, "od")  # "od 3 do 5 maja": the range starts at "od"
            # trailing spaces swallowed by an optional group are not part of the date
            while e > s and norm[e - 1] == " ":
                e -= 1
            if not free(s, e) or _is_reference(view, s):
                continue
            g = m.groupdict()
            if rule.startswith("range"):
                m2 = _month(g["m2"])
                m1 = _month(g["m1"]) if g.get("m1") else m2
                y2 = _year(g.get("y2"))
                y1 = _year(g.get("y1"))
                if y1 is None and y2 is not None:
                    y1 = y2 if m1 <= m2 else y2 - 1
                a = DateMention(s, s, ordinal_day_value(g["d1"]), m1, y1, rule)
                b = DateMention(e, e, ordinal_day_value(g["d2"]), m2, y2, rule)
                if not (_valid(a) and _valid(b)):
                    continue
                if (m1, a.day) > (m2, b.day) and (y1 is None or y1 == y2) and m1 - m2 < 6:
                    continue  # "20-10.11" read backwards is not a range
                ranges.append(RangeMention(s, e, a, b, rule))
            elif rule.startswith("list"):
                mo = _month(g["m"])
                y = _year(g.get("y"))
                days = [(d.start(), d.end(), ordinal_day_value(d.group()))
                        for d in (_ordinal_re() if rule == "list_ordinal" else _DIGITS).finditer(g["days"])]
                if len(days) < 2 or any(x[2] >= y_[2] for x, y_ in zip(days, days[1:], strict=False)):
                    continue
                base = m.start("days")
                for i, (ds, de, d) in enumerate(days):
                    last = i == len(days) - 1
                    dm = DateMention(base + ds, e if last else base + de, d, mo, y, rule)
                    if _valid(dm):
                        dates.append(dm)
            else:
                dm = DateMention(s, e, ordinal_day_value(g["d"]), _month(g["m"]), _year(g.get("y")), rule)
                if not _valid(dm):
                    continue
                if rule == "dm_numeric" and _looks_like_number(view, s, e):
                    continue
                dates.append(dm)
            view.claim(s, e, "date")
    dates.sort(key=lambda d: d.start)
    dates, merged = _merge_pairs(norm, dates)
    ranges = sorted(ranges + merged, key=lambda r: r.start)
    return dates, ranges


_PAIR_DASH = re.compile(r"\s*-\s*$")
_PAIR_DO = re.compile(r"\s+do\s+$")
_OD = re.compile(r"\bod\s+$", re.I)


def _merge_pairs(norm: str, dates: list[DateMention]) -> tuple[list[DateMention], list[RangeMention]]:
    """'od 30.09 do 4.10', '20.VI.2019 – 23.VI.2019': two dates that make one range."""
    out: list[DateMention] = []
    ranges: list[RangeMention] = []
    i = 0
    while i < len(dates):
        a = dates[i]
        if i + 1 < len(dates):
            b = dates[i + 1]
            between = norm[a.end:b.start]
            od = _OD.search(norm[max(0, a.start - 4):a.start])
            if (_PAIR_DASH.match(between) or od and _PAIR_DO.match(between)) and a.rule == b.rule or \
                    od and _PAIR_DO.match(between):
                ya = a.year
                if ya is None and b.year is not None:
                    ya = b.year if (a.month, a.day) <= (b.month, b.day) else b.year - 1
                a2 = DateMention(a.start, a.end, a.day, a.month, ya, a.rule)
                if (b.year is None or ya is None or (ya, a.month, a.day) <= (b.year, b.month, b.day)) and \
                        (a.month, a.day) != (b.month, b.day):
                    start = a.start - (len(od.group()) if od else 0)
                    ranges.append(RangeMention(start, b.end, a2, b, "pair"))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out, ranges


def _valid(d: DateMention) -> bool:
    if not (1 <= d.month <= 12 and 1 <= d.day <= 31):
        return False
    try:
        dt.date(d.year or 2000, d.month, d.day)
    except ValueError:
        return False
    return True


def _is_reference(view: View, start: int) -> bool:
    """'pkt 3.2', 'art. 12.1' — numbers after a reference word are not dates."""
    prev = view.prev_word(start, 2)
    if not prev or "\n" in view.norm[prev[0].end:start]:
        return False  # "… – 12 godz.⏎12 maja …": the word before is on the line above
    words = {t.text.lower() for t in prev if t.is_word}
    return bool(words & lexicon().words_before_non_date.words) and prev[0].end + 2 >= start


def _looks_like_number(view: View, s: int, e: int) -> bool:
    """'2.5 etatu' or a numbered heading '1.2. DZIAŁANIA' — not a day.month."""
    rest = view.norm[e:e + 40].lstrip()
    if view.blank_before(s, view.line_start(s)) and re.match(r"[A-ZĄĆĘŁŃÓŚŹŻ]{3,}", rest):
        return True
    return False


def resolve_year(day: int, month: int, period: PeriodMatch | None, fallback_year: int | None,
                 hint_year: int | None = None) -> int | None:
    """The year that puts day.month inside the period, else the nearest to it. When several
    years fit (a final report over 2017–2019), the year the text last named (`hint_year`) wins."""
    if period is None:
        return hint_year or fallback_year
    best: tuple[int, int, int] | None = None
    for y in range(period.start.year - 1, period.end.year + 2):
        try:
            d = dt.date(y, month, day)
        except ValueError:
            continue
        if period.start <= d <= period.end:
            dist = 0
        else:
            dist = min(abs((d - period.start).days), abs((d - period.end).days))
        rank = (dist, 0 if y == hint_year else 1, y)
        if best is None or rank < best:
            best = rank
    return best[2] if best else None


# (?:19|20)\d\d after no digit, dot or comma, begun by its first digit's class
_YEAR = re.compile(r"((?:1(?<![\d.,]1)9|2(?<![\d.,]2)0)\d\d)(?!\d)")


def year_hints(norm: str) -> list[tuple[int, int]]:
    """(position, year) of every year the text names, for year-less dates that follow."""
    return [(m.start(), int(m.group(1))) for m in _YEAR.finditer(norm)]


def hint_before(hints: list[tuple[int, int]], pos: int, floor: int) -> int | None:
    """The last year named before `pos`, not before `floor` (the section start)."""
    year = None
    for p, y in hints:
        if p >= pos:
            break
        if p >= floor:
            year = y
    return year


# "12 kwietnia 2019": a day, a month's name, a year — the shape the "words" rule finds
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\s+(\d{4})")


def parse_month_name_date(text: str) -> dt.date | None:
    """A full month-name date ("12 kwietnia 2019"). dateparser reads the month's name, once
    per name (a call costs milliseconds, and a folder of reports names hundreds of different
    days); the day and year are numbers, checked against the calendar here. Another shape is
    read by dateparser whole."""
    m = _DAY_MONTH_YEAR.fullmatch(text)
    if m is None:
        return _dateparser_date(text)
    month = month_of_name(m.group(2))
    if month is None:
        return None
    try:
        return dt.date(int(m.group(3)), month, int(m.group(1)))
    except ValueError:            # "30 lutego 2019": no such day
        return None


@lru_cache(maxsize=1024)
def month_of_name(word: str) -> int | None:
    """The month a name stands for, in any case and inflection ("kwietnia", "Maj"), as dateparser
    reads it; None when it reads none."""
    d = _dateparser_date(f"1 {word} 2000")
    return d.month if d is not None else None


@lru_cache(maxsize=1024)
def _dateparser_date(text: str) -> dt.date | None:
    data = _dateparser().get_date_data(text)
    return data.date_obj.date() if data and data.date_obj else None


@cache
def _dateparser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["pl"], settings={
        "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_TIME_AS_PERIOD": False})
