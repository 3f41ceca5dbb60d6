"""Counts, hours and breakdowns; numbers that are not facts are classified, not dropped.

Order of work: numbers are found (digits, grouped thousands, number words); what is not a
fact is explained (years, money, percentages, phones, postcodes, references, durations);
then hours, counts and bracketed counts; then breakdown lists are linked to their totals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from . import morph
from .lexicon import lexicon
from .phrases import _adj_lemma, head_lemma, lemma_phrase
from .text import Tok, View, Word, alternation, is_word_char, last_word, leading_words, word_at


@dataclass(eq=False)  # identity: two mentions of "12" are different numbers
class Num:
    start: int
    end: int
    value: float
    words: bool = False           # written in words
    role: str | None = None       # why it is not a fact: year, money, percent, …
    low: Num | None = None        # "10–15 osób", "od 5 do 8": the range's lower figure

    @property
    def int_value(self) -> float | int:
        return int(self.value) if float(self.value).is_integer() else self.value

    @property
    def year_shaped(self) -> bool:
        """Four digits that could be a year: "2019", "1998"."""
        return not self.words and self.value == int(self.value) and 1900 <= self.value <= 2099 \
            and self.end - self.start == 4


@dataclass(eq=False)
class Qty:
    kind: str                     # count | hours | amount
    start: int
    end: int
    value: float | int
    num: Num
    subject: str | None = None
    label: str | None = None
    parent: Qty | None = None
    subset: bool = False
    approximate: bool = False
    planned: bool = False
    rule: str = ""
    parts: list[Qty] = field(default_factory=list)


_GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?=[ .]\d{3})(?:(?: \d{3})+|(?:\.\d{3})+(?![.\d]))(?:,\d+)?(?![\d])")
# a decimal point before a unit ("2.5 h", "7.5 godz.") — elsewhere "2.5" reads as a date
_PLAIN = re.compile(r"\d(?<!\d.)\d*+(?:,\d++|\.\d\d?+(?=\s?(?:h\b|godz|%|proc)))?")  # no digit follows it
# Phone numbers and ages are not counts. Each pattern begins with the class of its first
# character (words through text.leading_words), so the regex engine skips to candidates.
# (spaces and a colon taken whole: a number cannot begin with them; a digit or "(" must come next)
_PHONE_AFTER_WORD = (r"(?i:\s*+:?+\s*+(?:\+48\s?+)?(?=[(\d])(?:\(?\d{2,3}\)?[\s-]?)?\d{3}[\s-]?\d{2,3}[\s-]?\d{2,3})")
_PHONES = (
    re.compile(leading_words([("tel", r"\.?"), ("telefon", r"\w*"), "fax", ("kom", r"\.?"), ("nr", r"\s+tel\.?")])
               + _PHONE_AFTER_WORD),
    # "+48 89 523 45 67", "600 100 200", "89 523 45 67"
    re.compile(r"[+\d](?=\d)(?<!\d.)(?:(?<=\+)48\s?\d{3}[\s-]\d{3}[\s-]\d{3}|(?<=\d)\d\d[\s-]\d{3}[\s-]\d{3}"
               r"|(?<=\d)\d\s\d{3}\s\d{2}\s\d{2})(?!\d)"),
)
_AGES = (
    re.compile(leading_words([("w", r"(?i:\s+wieku\s+(?:od\s+)?\d{1,3}\s?(?:-|do)\s?\d{1,3}(?:\s+lat)?)"),
                              *((w, r"(?i:\s+\d{1,3}\s+(?:roku\s+życia|r\.\s?ż\.|lat))")
                                for w in ("powyżej", "poniżej", "do", "od"))], r"\w")),
    re.compile(r"\d(?<!\w.)\d{0,2}\s?-\s?\d{1,3}\s+(?i:lat)\b"),  # "18-25 lat"
)
_PAGE = re.compile(r"\b(?:[Ss]trona|[Ss]tr\.|[Ss]\.)\s*\d+\s*(?:z|/|of)\s*\d+\b")
_POSTCODE = re.compile(r"(?<![\d-])\d{2}-\d{3}(?![\d-])")
_PERCENT = re.compile(r"\s?(?:%|proc\.?|procent\w*)", re.I)


def _service_heads() -> frozenset[str]:
    lx = lexicon()
    return lx.services.consultancy | lx.services.hours_subjects


@cache
def _marker_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Markers a window before a number ends with: approximate ("około"), planned ("planowane")."""
    lx = lexicon()
    approx = re.compile(leading_words(lx.markers.approximate, r"[^\s(]") + r"\s*$")
    marker = leading_words(lx.markers.planned, r"[^\s(:]")
    planned = re.compile(rf"(?P<marker>{marker})\b(?:[^.;,()]|\.(?!\s+[A-ZĄĆĘŁŃÓŚŹŻ])){{0,40}}$")
    return approx, planned


def find_numbers(view: View) -> list[Num]:
    """Every number in the text not inside a date or time: digits, 1 204 556, number words."""
    norm = view.norm
    nums: list[Num] = []
    for rx in _PHONES:
        for m in rx.finditer(norm):
            view.claim(m.start(), m.end(), "phone")
    for m in _PAGE.finditer(norm):
        view.claim(m.start(), m.end(), "page")
    for rx in _AGES:
        for m in rx.finditer(norm):
            view.claim(m.start(), m.end(), "age")
    for m in _POSTCODE.finditer(norm):
        if not view.is_claimed(m.start(), m.end()):
            view.claim(m.start(), m.end(), "postcode")
    taken = bytearray(len(norm) + 1)
    for rx in (_GROUPED, _PLAIN):
        for m in rx.finditer(norm):
            s, e = m.start(), m.end()
            if any(taken[s:e]):
                continue
            if rx is _GROUPED and not _grouping_ok(norm, e):
                continue
            what = view.is_claimed(s, e)
            taken[s:e] = b"\x01" * (e - s)
            digits = m.group().replace(" ", "")
            digits = (digits.replace(".", "") if rx is _GROUPED else digits).replace(",", ".")
            if len(digits.split(".")[0]) > 12:
                nums.append(Num(s, e, 0.0, role="code"))  # an account number, not a figure
                continue
            nums.append(Num(s, e, float(digits), role=what))
    # number words: "pięciu grup", "dwadzieścia pięć"
    forms = morph.number_forms()

    def number_word(word: str) -> int | None:
        low = word.lower()
        if low in forms:
            return forms[low]
        if low.isascii() and len(low) > 3 and not morph.known_as_written(low):  # "dwadziescia", no Polish letters
            fixed = morph.restore_diacritics(low, "num")
            return forms.get(fixed) if fixed else None
        return None

    toks = view.toks
    i = 0
    while i < len(toks):
        t = toks[i]
        first = number_word(t.text) if t.is_word else None
        if first is not None and not view.is_claimed(t.start, t.end):
            value = first
            j = i
            while j + 1 < len(toks) and toks[j + 1].is_word and norm[toks[j].end:toks[j + 1].start] == " ":
                more = number_word(toks[j + 1].text)
                if more is None or more >= value:
                    break
                value += more
                j += 1
            nums.append(Num(t.start, toks[j].end, value, words=True))
            i = j + 1
            continue
        i += 1
    nums.sort(key=lambda n: n.start)
    return nums


def _grouping_ok(norm: str, end: int) -> bool:
    """'1 204 556,20 zł', '3 000 osób', '1.250 godzin' are one number; '13 140' inside a list is not likely."""
    rest = norm[end:end + 12].lstrip()
    return bool(rest) and (rest[0].isalpha() or rest[0] in "%")


def classify(view: View, nums: list[Num]) -> list[Qty]:
    """Give each number a role (year, money, …) or make it a count/hours/amount candidate."""
    lx = lexicon()
    norm = view.norm
    out: list[Qty] = []
    for n in nums:
        if n.role:
            continue
        nxt = view.next_tok(n.end)
        nxt_text = nxt.text if nxt else ""
        after = norm[n.end:n.end + 20]
        before_words = [t for t in view.prev_word(n.start, 3)]
        prev = before_words[0] if before_words else None
        prev_text = prev.text if prev else ""
        # money: "45 tys. zł", "310 000 PLN", "1 204 556,20 zł"
        m_money = _money_re().match(after)
        if m_money and not n.words:
            mult = lx.units.money_multipliers.get((m_money.group(1) or "").lower(), 1) if m_money.group(1) else 1
            n.role = "money"
            out.append(Qty("amount", n.start, n.end + m_money.end(), n.value * mult, n, rule="money"))
            continue
        if _PERCENT.match(after):
            n.role = "percent"
            continue
        if n.year_shaped and not (nxt is not None and _is_hour_unit(view, nxt)) and not _plural_noun_follows(view, n):
            n.role = "year"  # "2019 r.", "w 2020" — but "ponad 2000 h", "1950 uczestników" are figures
            continue
        line_start = norm.rfind("\n", 0, n.start) + 1
        if not norm[line_start:n.start].strip(" \t•*-") and not n.words and \
                re.match(r"[.)][ \t]*[A-ZĄĆĘŁŃÓŚŹŻ]", norm[n.end:n.end + 6]):
            n.role = "enumeration"  # "2.DZIAŁANIA DORADCZE:", "1. Animacja lokalna", "3) Szkolenia"
            continue
        if prev is not None and prev.text == "/" and prev.start == n.start - 1:
            before = next((x for x in nums if x.end == prev.start), None)
            if before is not None and before.role:
                n.role = before.role  # "82/3" after a street: the same address
                continue
        if prev is not None and _is_reference_word(view, prev, n):
            n.role = "reference"
            continue
        if prev is not None and prev.end == n.start and prev.is_word and not _is_acronym_label(prev.text):
            n.role = "code"  # glued to letters: "CoV2", "A4"
            continue
        if prev is not None and prev.text == "-" and prev.end == n.start:
            p2 = view.prev_tok(prev.start)
            if p2 is not None and p2.end == prev.start and p2.is_word and lx.acronym_base(p2.text) is None \
                    and not _list_item_at(view, p2.start, n.end):
                n.role = "code"  # "SARS-CoV-2", "COVID-19" — but not "gminy-5, szkoły-3" in a list
                continue
        if nxt is not None and nxt.text == "-" and nxt.start == n.end:
            n3 = view.next_tok(nxt.end)
            if n3 is not None and n3.start == nxt.end and n3.is_word and n3.text[0].islower():
                n.role = "compound"  # "2-dniowe", "3-osobowa"
                continue
        if prev_text.lower() == "po" or prev_text.lower() == "na" and n.words and n.value == 1:
            n.role = "rate"  # "po 23 050 zł na jedno miejsce", "po 16 godzin na grupę"
            continue
        if n.words and nxt_text.lower() in ("z", "ze") and n.value == 1:
            after_z = view.next_tok(nxt.end) if nxt is not None else None
            if after_z is None or not after_z.text[:1].isupper():
                n.role = "phrase"  # "jeden z uczestników" — but "jedna z Kostrzyna" counts
                continue
        if nxt is not None and nxt_text == "." and nxt.start == n.end and not n.words:
            n3 = view.next_tok(nxt.end)
            if n3 is not None and n3.is_word and n3.text.islower() and norm[nxt.end:n3.start] == " " \
                    and not _noun_at(view, n3):
                n.role = "ordinal"
                continue
        # hours: "240 h", "17h", "12 godz.", "40 godzin"
        if nxt is not None and _is_hour_unit(view, nxt) and prev_text.lower() not in ("godz", "godz."):
            unit_end = nxt.end + (1 if norm[nxt.end:nxt.end + 1] == "." and nxt.text.lower() == "godz" else 0)
            out.append(Qty("hours", n.start, unit_end, n.int_value, n, rule="hours_unit"))
            continue
        m_tys = re.match(r"\s?(tys\.|tysięcy|tysiące|tysiąca|mln\.?|milion\w*)\s", after)
        if m_tys and not n.words:
            scaled = Num(n.start, n.end + m_tys.end() - 1, n.value * lx.units.money_multipliers.get(m_tys.group(1).lower(), 1000))
            noun = _counted_noun(view, scaled) or _elliptic(view, scaled)
            if noun is not None and noun[1] is not None:
                out.append(Qty("count", n.start, noun[0], scaled.int_value, n, subject=noun[1], rule="number_noun"))
                continue
        noun = _counted_noun(view, n)
        if noun is not None:
            end, subject = noun
            if subject is None:
                n.role = "duration"
                continue
            out.append(Qty("count", n.start, end, n.int_value, n, subject=subject, rule="number_noun"))
            continue
        # "Grupy inicjatywne (8)"
        if prev_text == "(" and nxt_text == ")" and not n.words:
            ph = _phrase_before(view, prev.start if prev else n.start)
            if ph is not None:
                s, subject = ph
                out.append(Qty("count", s, nxt.end if nxt else n.end, n.int_value, n, subject=subject,
                               rule="noun_bracket"))
                continue
        ell = _elliptic(view, n)
        if ell is not None:
            out.append(Qty("count", n.start, ell[0], n.int_value, n, subject=ell[1], rule="elliptic"))
    return out


_LIST_AFTER = re.compile(r"\s*(?:[,;)]|\.?\s*(?:\n|$)|\s(?:i|oraz|a)\s)")


def _list_item_at(view: View, start: int, end: int) -> bool:
    """`norm[start:end]` ("gminy-5") stands as an item of a list: a separator (or a line
    start) before it and one after it."""
    line_start = view.norm.rfind("\n", 0, start) + 1
    before = view.norm[max(line_start, start - 12):start].rstrip()
    if before.endswith(("-", "•", "*")):  # a bullet
        before = before[:-1].rstrip()
    words = before.rsplit(maxsplit=1)
    opened = not before or before.endswith((":", ",", ";", "(")) or \
        (len(words) == 2 and words[1] in ("i", "oraz", "a"))
    return opened and bool(_LIST_AFTER.match(view.norm, end)) \
        and (start - line_start < 12 or bool(re.search(r"[:,;(]", view.norm[line_start:start])))


@cache
def _money_re() -> re.Pattern[str]:
    """'45 tys. zł', '310 000 PLN', '1500,- zł', '200,-- PLN': multipliers and currencies from
    the lexicon."""
    lx = lexicon()
    alt = alternation
    return re.compile(rf"(?:,-{{1,2}})?\s?(?:({alt(lx.units.money_multipliers)})\s?)?({alt(lx.units.money)})(?![^\W\d_])", re.I)


def _plural_noun_follows(view: View, n: Num) -> bool:
    """'1950 uczestników': a counted noun in the genitive plural right after the number."""
    nxt = view.next_tok(n.end)
    if nxt is None or not nxt.is_word or view.norm[n.end:nxt.start] != " ":
        return False
    return any(i.pos == "subst" and "pl" in i.number and "gen" in i.case and i.lemma not in lexicon().units.not_counted
               for i in morph.analyse(nxt.text))


def _is_acronym_label(word: str) -> bool:
    return lexicon().acronym_base(word) is not None or (word.isupper() and len(word) >= 2)


def _is_reference_word(view: View, prev: Tok, n: Num) -> bool:
    lx = lexicon()
    words = []
    t: Tok | None = prev
    # "m. V", "pkt 3", "ul. Długa 5", "nr 12", "ISO 9001", "lata 2021"
    for _ in range(3):
        if t is None:
            break
        words.append(t)
        t = view.prev_tok(t.start)
    w0 = words[0]
    if w0.text == "." and len(words) > 1:
        cand = words[1].text + "."
        if cand in lx.words_before_non_count.words or cand.lower() in lx.words_before_non_count.words:
            return True
    if w0.text in lx.words_before_non_count.words or w0.text.lower() in lx.words_before_non_count.words:
        return w0.end + 2 >= n.start
    if w0.text == "§":
        return True
    # street address: "ul. Kościuszki 12"
    if w0.is_word and w0.text[0].isupper() and len(words) > 2 and words[1].text == "." and \
            words[2].text.lower() in ("ul", "al", "pl"):
        return True
    return False


def _is_hour_unit(view: View, t: Tok) -> bool:
    low = t.text.lower()
    if low == "h":
        after = view.norm[t.end:t.end + 1]
        return not after.isalpha()
    return low in lexicon().units.hours


def _noun_at(view: View, t: Tok) -> bool:
    lx = lexicon()
    if lx.acronym_base(t.text):
        return True
    if view.norm[t.end:t.end + 1] == "." and (t.text.lower() + ".") in lx.abbreviations:
        return True
    return morph.is_noun(t.text)


def _counted_noun(view: View, n: Num) -> tuple[int, str | None] | None:
    """For 'N [adv] [adj…] noun…': (end of the counted phrase, subject lemma phrase).
    Subject None means a time unit or similar: not a count."""
    lx = lexicon()
    norm = view.norm
    i = view.tok_index(n.end)
    toks = view.toks
    k = i
    adjs = 0
    prev_end = n.end
    while k < len(toks):
        w = word_at(view, k)
        t = toks[k]
        gap = norm[prev_end:t.start]
        if "\n\n" in gap or gap.strip(" \n") or len(gap) > 3:
            return None
        if w is None:
            return None
        if "\n" in gap and w.text[:1].isupper() and not w.text.isupper():
            return None  # "Warsztaty: 12\nUczestnicy: 180": a figure ends its line, a row begins
        low = w.text.lower()
        if low in lx.vague_numbers.words or low in morph.number_forms():
            return None
        base = lx.acronym_base(w.text)
        if base is None and w.text.isupper() and len(w.text) > 1 and morph.known(w.text.lower()):
            return None  # "3\nZADANIE": a heading word in capitals, not a counted noun
        abbrev = (low + ".") in lx.abbreviations and norm[w.end:w.end + 1] == "."
        if base:
            end = _extend_phrase(view, w.last)
            return end, lemma_phrase(_dehyphen(norm[toks[i].start:end]))
        if abbrev:
            exp = lx.abbreviations[low + "."]
            if exp in lx.units.not_counted or exp in ("moduł", "rok", "numer", "punkt", "strona", "około", "minimum",
                                                "tysiąc", "na temat", "do spraw", "pod nazwą", "pod tytułem"):
                return None if exp not in ("tydzień", "rok", "miesiąc") else (w.end, None)
            if exp == "godzina":
                return None
            end = max(_extend_phrase(view, w.last + 1), w.end + 1) if w.last + 1 < len(toks) else w.end + 1
            phrase = lemma_phrase(_dehyphen(norm[toks[i].start:end]))
            return end, phrase if morph.is_noun(exp.split()[0]) else None
        if low in lx.months or low in lx.month_lemmas:
            return None
        an = morph.analyse(w.text)
        if not an or all(a.pos == "ign" for a in an):
            return None
        is_noun = any(a.pos in ("subst", "ger") for a in an)
        adj_only = all(a.pos in ("adj", "pact", "ppas", "adja") for a in an)
        if not adj_only and adjs < 2 and any(a.pos == "adj" for a in an) and _noun_next(view, w):
            adj_only = True  # "12 nowych miejsc pracy", "3 nowe PS": an adjective before its noun
        if adj_only and adjs < 2:
            adjs += 1
            k, prev_end = w.last + 1, w.end
            continue
        if k == i and all(a.pos == "adv" for a in an):  # "5 nowo powstałych PS"
            k, prev_end = w.last + 1, w.end
            continue
        if not is_noun:
            return None
        lem = morph.noun_lemma(w.text) or w.text
        if lem in lx.units.not_counted or lem.lower() in lx.units.not_counted:
            return (w.end, None)
        if w.text[0].isupper() and not any(a.pos == "subst" and not a.lemma[0].isupper() for a in an):
            return None  # a proper name: "2 Olsztyn"
        end = _extend_phrase(view, w.last)
        return end, lemma_phrase(_dehyphen(norm[toks[i].start:end]))
    return None


def _noun_next(view: View, w: Word) -> bool:
    nxt = word_at(view, w.last + 1)
    if nxt is None or view.norm[w.end:nxt.start] not in (" ", "\n"):
        return False
    if lexicon().acronym_base(nxt.text):
        return True
    an = morph.analyse(nxt.text)
    return any(a.pos == "subst" for a in an) and not any(a.pos == "adj" for a in an)


def _dehyphen(s: str) -> str:
    return re.sub(r"-\s*\n\s*(?=[a-ząćęłńóśźż])", "", s).replace("\n", " ")


def _elliptic(view: View, n: Num) -> tuple[int, str] | None:
    """'46 szkoleń …, w tym 12 wyjazdowych': a number with adjectives only, the noun implied."""
    i = view.tok_index(n.end)
    toks = view.toks
    if i >= len(toks) or view.norm[n.end:toks[i].start] != " " or not toks[i].is_word:
        return None
    t = toks[i]
    if not morph.only_adj(t.text):
        return None
    after = view.norm[t.end:t.end + 3]
    if not re.match(r"\s*(?:[,.;)]|$|\s(?:i|oraz|a)\s)", after):
        return None
    return t.end, lemma_phrase(t.text)


def _extend_phrase(view: View, k: int) -> int:
    """End of the counted phrase from its head token: agreeing adjectives and slash lists
    ("grup inicjatywnych/PES/PS", "spółdzielni socjalnych")."""
    toks = view.toks
    norm = view.norm
    end = toks[k].end
    if norm[end:end + 1] == "." and (toks[k].text.lower() + ".") in lexicon().abbreviations:
        end += 1
    j = k + 1
    taken = 0
    head_forms = [a for a in morph.analyse(toks[k].text) if a.pos in ("subst", "ger")]
    complements = lexicon().phrases.complements
    while j < len(toks) and taken < 4:
        t = toks[j]
        gap = norm[end:t.start]
        if t.text == "/" and gap == "" and j + 1 < len(toks) and toks[j + 1].is_word:
            end = toks[j + 1].end
            j += 2
            taken += 1
            continue
        if gap not in (" ", "\n", " \n") or not t.is_word:
            break
        w = word_at(view, j)
        if w is not None and not any(a.pos in ("pact", "ppas") for a in morph.analyse(w.text)) and (
                _adj_lemma(w.text) and not morph.is_noun(w.text) or _agrees(w.text, head_forms)):
            end = w.end
            j = w.last + 1
            taken += 1
            continue
        if w is not None and taken == 0 and w.text.lower() in complements:
            end = w.end  # "miejsc pracy", "podmiotów ekonomii"
            j = w.last + 1
            taken += 1
            continue
        break
    return end


def _agrees(word: str, heads: list[morph.Interp]) -> bool:
    """An adjective reading that agrees with the head noun ('doradztwa księgowego')."""
    return any(a.pos == "adj" and a.case & h.case and a.number & h.number for a in morph.analyse(word)
               for h in heads)


def _phrase_before(view: View, pos: int) -> tuple[int, str] | None:
    """The noun phrase right before a bracket: 'Grupy inicjatywne (8)'."""
    toks = view.toks
    i = view.tok_index(pos) - 1
    words: list[Tok] = []
    while i >= 0 and len(words) < 4:
        t = toks[i]
        if not t.is_word or "\n" in view.norm[t.end:(words[-1].start if words else pos)]:
            break
        an = morph.analyse(t.text)
        if not (morph.is_noun(t.text) or morph.is_adj(t.text) or lexicon().acronym_base(t.text)) or \
                any(a.pos in ("prep", "conj", "fin", "praet", "qub") for a in an):
            break
        words.insert(0, t)
        i -= 1
    while words and not (morph.is_noun(words[0].text) or lexicon().acronym_base(words[0].text)):
        words = words[1:]
    if not words:
        return None
    s = words[0].start
    return s, lemma_phrase(view.norm[s:words[-1].end])


# --- hours subjects, markers, unit-less consultancy hours ------------------------------------

def _clause_start(view: View, pos: int) -> int:
    """Start of the clause that ends at `pos`: after the last , ; : ( ) of the sentence — looked
    for within 200 characters, so a sentence without punctuation costs no more than that."""
    s, _ = view.sentence(pos)
    s = max(s, pos - 200)
    seg = view.norm[s:pos]
    cut = max(seg.rfind(","), seg.rfind(";"), seg.rfind(":"), seg.rfind("("), seg.rfind(")"))
    return s + cut + 1 if cut >= 0 else s


_CONJ = {"i", "oraz", "a", "lub", "albo", "czy", "także", "również"}
_VERB_POS = {"fin", "praet", "imps", "inf", "impt", "pcon", "pant", "bedzie", "winien", "pred"}


@cache
def _skip_words() -> frozenset[str]:
    """Words between a figure and its noun phrase that name neither: the approximate and total
    markers and the fillers of "w wymiarze 40 h", "w liczbie 5" (lexicon)."""
    lx = lexicon()
    words = {w.rstrip(".").lower() for m in lx.markers.approximate + lx.markers.total + lx.markers.fillers for w in m.split()}
    return frozenset(words)


def _np_before(view: View, cs: int, pos: int) -> tuple[int, list[str], int] | None:
    """The noun phrase that ends right before `pos` (verbs and markers in between skipped):
    (start offset, words, end offset). 'Szkolenie z księgowości trwało 16 godz.' -> 'Szkolenie z
    księgowości'; a word hyphenated at a line end is one word ('bizneso-\nwe')."""
    toks = [t for t in view.tokens_between(cs, pos)]
    words: list[Tok] = []
    k = len(toks) - 1
    # skip trailing verbs, markers and punctuation ("trwało", "wyniosło łącznie", "–", ":")
    while k >= 0 and (not toks[k].is_word or toks[k].text.lower() in _skip_words() or
                      any(a.pos in _VERB_POS for a in morph.analyse(toks[k].text))):
        if toks[k].is_digit:
            return None
        k -= 1
    if k >= 0 and toks[k].text.lower() in _CONJ:
        return None  # "… oraz 20 h doradztwa księgowego": the service is named after the unit
    while k >= 0:
        t = toks[k]
        if t.text == "/" or t.text == "." and k > 0 and (toks[k - 1].text.lower() + ".") in lexicon().abbreviations:
            k -= 1
            continue
        if not t.is_word:
            break
        if k >= 2 and toks[k - 1].text == "-" and toks[k - 2].is_word and toks[k - 2].end == toks[k - 1].start \
                and "\n" in view.norm[toks[k - 1].end:t.start] and t.text[0].islower():
            # "marketingo-\nwe": a word hyphenated at a line end
            t = Tok(toks[k - 2].i, toks[k - 2].start, t.end, toks[k - 2].text + t.text)
            k -= 2
        an = morph.analyse(t.text)
        if t.text.lower() in _CONJ or any(a.pos in _VERB_POS for a in an) and not morph.is_noun(t.text):
            break
        if any(a.pos == "prep" for a in an) and not morph.is_noun(t.text):
            # keep "z księgowości" inside a phrase, not a phrase-initial preposition
            if not words:
                break
            prev = toks[k - 1] if k > 0 else None
            if prev is None or not prev.is_word or not (morph.is_noun(prev.text) or not morph.known(prev.text)):
                break
        words.insert(0, t)
        k -= 1
        if len(words) >= 5:
            break
    while words and any(a.pos == "prep" for a in morph.analyse(words[0].text)) and not morph.is_noun(words[0].text):
        words = words[1:]
    if not words:
        return None
    if any((head_lemma(w.text + "." if view.norm[w.end:w.end + 1] == "." else w.text) or "") in lexicon().units.not_counted
           for w in words) \
            and not any(head_lemma(w.text) in _service_heads() for w in words):
        return None  # "2016 r. – 120 h": a year, not the service
    return words[0].start, [w.text for w in words], words[-1].end


def _subject_phrase(view: View, start: int, end: int) -> str:
    """Lemma phrase of a service: the head noun in the nominative, its adjectives agreeing,
    a prepositional complement kept as written ('szkolenie z księgowości')."""
    text = _dehyphen(view.norm[start:end]).strip(" -:")
    m = re.search(r"\s(?:z|ze|dla|w|we|na|do|o)\s", text)
    head, rest = (text[:m.start()], text[m.start():]) if m else (text, "")
    out = lemma_phrase(head) + rest
    return out[:1].lower() + out[1:] if out[:1].isupper() and not out.split()[0].isupper() else out


def hours_subjects(view: View, qtys: list[Qty]) -> None:
    """'mentoring biznesowy 240 h' -> subject and span start; 'kadrowe 17h' takes the head
    noun of the list it is in ('doradztwo'); '120 godzin doradztwa' takes the noun after."""
    lx = lexicon()
    done: list[Qty] = []
    for q in sorted((q for q in qtys if q.kind == "hours"), key=lambda q: q.start):
        cs = _clause_start(view, q.start)
        sent_start, _ = view.sentence(q.start)
        after = view.next_tok(q.end)
        named_after = after is not None and after.is_word and view.norm[q.end:after.start] == " " and \
            (any(a.pos == "subst" and "gen" in a.case for a in morph.analyse(after.text)) or
             morph.guessed_noun(after.text)) and \
            not any(a.pos == "prep" for a in morph.analyse(after.text))
        np = None if named_after else _np_before(view, cs, q.start)
        if np is not None:
            ph_start, words, ph_end = np
            first = words[0]
            first_is_adj = _adj_lemma(first) is not None and not lx.acronym_base(first) and \
                (morph.only_adj(first) or head_lemma(first) not in lx.services.consultancy | lx.services.hours_subjects)
            inherited = _list_head(view, sent_start, q.start, done) if first_is_adj else None
            if inherited:
                adj_text = _dehyphen(view.norm[ph_start:q.start]).strip(" -:")
                q.subject = inherited + " " + _agree_list(adj_text, inherited)
            else:
                q.subject = _subject_phrase(view, ph_start, ph_end)
                exp = lx.abbreviations.get(first.lower() + ".") if view.norm[ph_start + len(first):ph_start + len(first) + 1] == "." else None
                if exp and exp in lx.services.consultancy:
                    rest = view.norm[ph_start + len(first) + 1:q.start].strip(" -:")
                    q.subject = (exp + " " + _agree_list(rest, exp)).strip()
            between = view.norm[ph_start:q.start]
            if not any(any(a.pos in _VERB_POS for a in morph.analyse(w)) for w in re.findall(r"[^\W\d_]+", between)):
                q.start = ph_start
        else:
            nxt = view.next_tok(q.end)
            if nxt is not None and nxt.is_word and view.norm[q.end:nxt.start] == " " and \
                    (morph.is_noun(nxt.text) or morph.guessed_noun(nxt.text)):
                q.subject = _subject_phrase(view, nxt.start, _extend_phrase(view, nxt.i))
            else:
                colon = view.norm.rfind(":", sent_start, q.start)
                head_np = _np_before(view, sent_start, colon) if colon > sent_start else None
                if head_np is not None and (head_lemma(head_np[1][-1]) or "") in lexicon().units.not_counted:
                    head_np = None  # "… coaching zespołów w kolejnych latach:" ends in a time phrase
                if head_np is None and colon > sent_start:
                    # "… mentoring biznesowy w kolejnych latach:": the phrase before its complement
                    m = list(re.finditer(r"\s(?:w|we|z|ze|na|dla|do|od|po|przez)\s", view.norm[sent_start:colon]))
                    if m:
                        colon = sent_start + m[-1].start()
                        head_np = _np_before(view, sent_start, colon)
                if head_np is not None:  # "mentoring biznesowy w latach: 2016 r. – 120 h"
                    q.subject = _subject_phrase(view, head_np[0], colon)
        done.append(q)


def _agree_list(text: str, head: str) -> str:
    """Adjectives after an inherited head agree with it: 'prawne/księgowe' + doradztwo."""
    g = None
    for i in morph.analyse(head):
        if i.pos == "subst":
            g = next((x for x in ("n", "f", "m3", "m1", "m2") if x in i.gender), None)
            break
    out = []
    for part in re.split(r"([\s/](?:(?<=/)\s*|\s*+/\s*|\s*))", text):
        if not part.strip() or "/" in part:
            out.append(part if "/" in part else " ")
            continue
        adj = _adj_lemma(part)
        if adj and g:
            out.append(morph.adj_form(adj, "sg", "nom", g) or part)
        else:
            out.append(part)
    return re.sub(r"\s+", " ", "".join(out)).replace(" / ", "/").strip()


def _list_head(view: View, sent_start: int, pos: int, qtys: list[Qty]) -> str | None:
    """The consultancy head a unit-less list item inherits: the subject head of an earlier
    hours fact in the sentence, or a service noun before the list's colon."""
    lx = lexicon()
    prev = [q for q in qtys if q.kind == "hours" and sent_start <= q.start < pos and q.subject]
    if prev:
        head = prev[-1].subject.split()[0]  # type: ignore[union-attr]
        if head in lx.services.consultancy:
            return head
    pre = view.norm[sent_start:pos]
    colon = pre.rfind(":")
    if colon < 0:
        return None
    # "Doradztwo indywidualne (stan na koniec maja 2022 r.):" — the bracket says nothing of the head
    head_text = re.sub(r"\([^()]*\)", " ", pre[max(0, colon - 80):colon])
    words = re.findall(r"[^\W\d_]+\.?", head_text)[-4:]
    for w in words:
        exp = lx.abbreviations.get(w.lower()) if w.endswith(".") else None
        hl = exp or head_lemma(w.rstrip("."))
        if hl in lx.services.consultancy:
            return hl
    return None


_UNIT_IN_HEAD = re.compile(r"\((?:w\s+)?(?:godz\.?|godzinach|h)\)\s*:\s*[^:]*$", re.I)


def unitless_hours(view: View, nums: list[Num], qtys: list[Qty]) -> list[Qty]:
    """'doradztwo: księgowe 48, prawne 6, marketingowe 12 h', 'dor. prawne/księgowe 36',
    'Doradztwo (w godz.): prawne 16, z zakresu zamówień publicznych 8'."""
    lx = lexicon()
    used = {id(q.num) for q in qtys}
    out: list[Qty] = []
    for n in nums:
        if n.role or id(n) in used:
            continue
        nxt = view.next_tok(n.end)
        if nxt is not None and nxt.text not in ",;.)-" and nxt.text.lower() not in ("i", "oraz", "a") \
                and "\n" not in view.norm[n.end:nxt.start]:
            continue
        cs = _clause_start(view, n.start)
        words = [t for t in view.tokens_between(cs, n.start) if t.is_word]
        if not words or len(words) > 4:
            continue
        s, _ = view.sentence(n.start)
        first = words[0].text
        first_exp = lx.abbreviations.get(first.lower() + ".") if view.norm[words[0].end:words[0].end + 1] == "." else None
        head = first_exp or head_lemma(first)
        if head in lx.services.consultancy:
            rest = view.norm[words[0].end + (1 if first_exp else 0):n.start].strip(" -:")
            subject = (head + " " + _agree_list(rest, head)).strip() if rest else head
        else:
            unit_in_head = bool(_UNIT_IN_HEAD.search(view.norm[s:n.start]))
            inherited = _list_head(view, s, n.start, qtys + out) \
                if _adj_lemma(first) is not None or unit_in_head else None
            if inherited is None:
                continue
            subject = inherited + " " + _agree_list(view.norm[words[0].start:n.start].strip(" -:"), inherited)
        out.append(Qty("hours", words[0].start, n.end, n.int_value, n, subject=subject, rule="hours_list"))
        used.add(id(n))
    return out


def _phrase_before_dash(norm: str, start: int, pos: int) -> tuple[int, str] | None:
    """'… spotkania animacyjne – ' before `pos`: (phrase start, phrase) — the words between the
    last list boundary (line start, bullet, ',', ';', '(', ':') and a dash or colon."""
    window = norm[start:pos]
    stripped = window.rstrip(" ")
    if not stripped or stripped[-1] not in "-:":
        return None
    body = stripped[:-1].rstrip(" ")
    cut = max(body.rfind(c) for c in "\n•;(,:")
    phrase = body[cut + 1:]
    lead = len(phrase) - len(phrase.lstrip(" -"))
    phrase = phrase[lead:]
    if not phrase or not phrase[0].isalpha() or len(phrase) > 60 or any(ch.isdigit() or ch in ")" for ch in phrase):
        return None
    return start + cut + 1 + lead, phrase
_ITEM_END = re.compile(r"\s*(?:[,;.)(/:]|\n|$)")


@cache
def _measure_heads() -> tuple[tuple[str, str], ...]:
    """(head, kind) of the lexicon's measure heads, the longest first."""
    heads = lexicon().measure_heads
    return tuple((h, heads[h]) for h in sorted(heads, key=len, reverse=True))


def _measured(label: str) -> tuple[str, str]:
    """A row label's kind and subject: 'Liczba godzin doradztwa' is ('hours', 'doradztwo'),
    'Liczba uczestników' ('count', 'uczestnik'), anything else ('count', its lemma phrase)."""
    label = _dehyphen(label).strip()
    low = label.lower()
    for head, kind in _measure_heads():
        if low.startswith(head + " ") and label[len(head):].strip():
            return kind, lemma_phrase(label[len(head):].strip())
    return "count", lemma_phrase(label)


_ROW_LABEL = re.compile(r"[ \t]{0,40}(?:[-•*][ \t]{0,10}|\d{1,2}[.)][ \t]{1,10}|[a-z][)][ \t]{1,10})?"
                        r"(?P<label>[^\W\d_][^\n\d:;,()–]{1,80}?)(?:[ \t]{0,10}[:–-][ \t]{0,10}|\t[ \t]{0,10}|[ ]{1,3})$")
_ROW_END = re.compile(r"[ \t]*\.?[ \t]*(?:\n|$)")


def row_counts(view: View, nums: list[Num], qtys: list[Qty]) -> list[Qty]:
    """Table rows and label lines: 'Liczba spotkań animacyjnych<TAB>24', 'Szkolenia 6',
    'Osoby objęte wsparciem: 45' — a line that is a noun-phrase label and one figure."""
    used = {id(q.num) for q in qtys}
    out: list[Qty] = []
    norm = view.norm
    for n in nums:
        if n.role or id(n) in used or n.words or not _ROW_END.match(norm, n.end):
            continue
        line_start = norm.rfind("\n", 0, n.start) + 1
        m = _ROW_LABEL.match(norm, line_start, n.start)
        if not m:
            continue
        label = m["label"].strip(" \t-–")
        words = re.findall(r"[^\W\d_]+", label)
        if not words or len(words) > 8 or all(w.lower() in _figure_words() for w in words):
            continue
        if all(w.lower() in lexicon().markers.total for w in words):
            continue  # "razem 35": a total, named by what it adds up
        if not any(morph.is_noun(w) or lexicon().acronym_base(w) for w in words):
            continue
        if any(a.pos in ("fin", "praet", "inf", "impt", "imps", "bedzie") for w in words for a in morph.analyse(w)):
            continue
        kind, subject = _measured(label)
        out.append(Qty(kind, m.start("label"), n.end, n.int_value, n, subject=subject, rule="row"))
        used.add(id(n))
    return out


def noun_number_counts(view: View, nums: list[Num], qtys: list[Qty]) -> list[Qty]:
    """'spotkania animacyjne – 22', 'szkolenia: 7', 'PS w inkubacji – 10': the noun first."""
    used = {id(q.num) for q in qtys}
    out: list[Qty] = []
    for n in nums:
        if n.role or id(n) in used or not _ITEM_END.match(view.norm, n.end):
            continue
        line_start = view.norm.rfind("\n", 0, n.start) + 1
        s, _ = view.sentence(n.start)
        found = _phrase_before_dash(view.norm, max(line_start, s, n.start - 90), n.start)
        if found is None:
            continue
        ph_start, phrase = found
        phrase = _dehyphen(phrase).strip()
        words = re.findall(r"[^\W\d_]+", phrase)
        if not words or len(words) > 5:
            continue
        if all(w.lower() in _figure_words() for w in words):
            continue  # "plan – 24", "wykonanie – 27": the counted thing is named by the line's head
        if all(w.lower() in lexicon().markers.total for w in words):
            continue  # "razem – 35": a total of the list before it (totals_after_lists)
        if not any(morph.is_noun(w) or lexicon().acronym_base(w) for w in words):
            continue
        if any(a.pos in ("fin", "praet", "inf", "impt", "imps") for w in words for a in morph.analyse(w)):
            continue
        kind, subject = _measured(phrase)
        out.append(Qty(kind, ph_start, n.end, n.int_value, n, subject=subject, rule="noun_number"))
        used.add(id(n))
    return out


@cache
def _figure_words() -> frozenset[str]:
    """Words that name a kind of figure, not a counted thing: plan, wykonanie, …"""
    lx = lexicon()
    return frozenset(w.lower() for w in lx.markers.planned + lx.markers.achieved if " " not in w)


_HEAD = re.compile(r"\s*+(?:[-•*]\s*+)?(?P<head>[^\W\d_][^:\n]{2,80}?)\s*:\s")


def head_counts(view: View, nums: list[Num], qtys: list[Qty]) -> list[Qty]:
    """'• Miejsca pracy: zakładaliśmy 96, osiągnięto 104', 'Nowe PS: plan – 24, wykonanie – 27':
    bare numbers after a line's 'Head:' count what the head names."""
    used = {id(q.num) for q in qtys}
    out: list[Qty] = []
    for n in nums:
        if n.role or id(n) in used or n.words and n.value == 1 or not _ITEM_END.match(view.norm, n.end):
            continue
        line_start = view.sentence(n.start)[0]  # a sentence may run over flattened PDF lines
        m = _HEAD.match(view.norm, line_start, n.start)
        if not m:
            continue
        words = re.findall(r"[^\W\d_]+", m["head"])
        if not words or len(words) > 8 or not any(morph.is_noun(w) or lexicon().acronym_base(w) for w in words):
            continue
        s, _ = view.sentence(n.start)
        if s > m.end():
            continue  # the head is in an earlier sentence
        kind, subject = _measured(m["head"])
        out.append(Qty(kind, n.start, n.end, n.int_value, n, subject=subject, rule="head"))
        used.add(id(n))
    return out


def postposed_subsets(view: View, nums: list[Num], qtys: list[Qty]) -> list[Qty]:
    """'ok. 40 grup – 14 z nich przekształciło się …': a subset of the count before it."""
    used = {id(q.num) for q in qtys}
    out: list[Qty] = []
    for n in nums:
        m = re.match(r"\s+(?:z|spośród|spomiędzy)\s+nich\b", view.norm[n.end:n.end + 20])
        if n.role or id(n) in used or not m:
            continue
        s, _ = view.sentence(n.start)
        before = [q for q in qtys if q.kind == "count" and s <= q.start < n.start and q.parent is None]
        if not before:
            continue
        q = Qty("count", n.start, n.end + m.end(), n.int_value, n, label="z nich", rule="subset_after")
        q.parent, q.subset = before[-1], True
        before[-1].parts.append(q)
        out.append(q)
        used.add(id(n))
    return out


def planned_counts(view: View, nums: list[Num], qtys: list[Qty]) -> list[Qty]:
    """'utworzyliśmy 88 miejsc pracy (zakładaliśmy 70)', '… 40 miejsc pracy – utworzono 43':
    a bare number after a planning word or a verb takes the subject of the figure before it."""
    _approx, planned_re = _marker_res()
    used = {id(q.num) for q in qtys}
    out: list[Qty] = []
    for n in nums:
        if n.role or id(n) in used or n.words and n.value == 1:
            continue
        before = view.norm[max(0, n.start - 30):n.start]
        found = last_word(before)
        if not found:
            continue
        word, tail = before[found[0]:found[1]], before[found[0]:]  # "zaplanowano", "zaplanowano: "
        s, _ = view.sentence(n.start)
        prev = [q for q in qtys if q.kind in ("count", "hours") and s <= q.start < n.start and q.parent is None]
        is_planned = bool(planned_re.search(" " + tail.rstrip()))
        if not is_planned:
            # "utworzono 43, z czego …": a verb, a bare number, and a figure earlier in the sentence
            if not prev or not _ITEM_END.match(view.norm, n.end) or \
                    not any(a.pos in ("fin", "praet", "imps") for a in morph.analyse(word)):
                continue
        kind = prev[-1].kind if prev else "count"
        subject = prev[-1].subject if prev else None
        q = Qty(kind, n.start - len(tail), n.end,
                n.int_value, n, subject=subject, rule="planned" if is_planned else "bare_after_verb")
        q.planned = is_planned
        out.append(q)
        used.add(id(n))
    return out


def mark_flags(view: View, qtys: list[Qty]) -> None:
    approx, planned = _marker_res()
    lx = lexicon()
    for q in qtys:
        before = view.norm[max(0, q.num.start - 40):q.num.start]
        if approx.search(before):
            q.approximate = True
        m = planned.search(before)
        if m:
            marker = m["marker"]
            rest = [w for w in re.findall(r"[^\W\d_]+", m.group()[m.end("marker") - m.start():])
                    if w.lower() not in _skip_words()]
            if any(a.pos in ("praet", "imps") for w in rest for a in morph.analyse(w)):
                pass  # "realizacji planu przeprowadzono 12": done, whatever the plan said
            elif not rest and any(marker.lower().startswith(w) for w in lx.markers.planned_needs_complement):
                pass  # "założono 4 spółdzielnie": founded, not assumed
            else:
                q.planned = True  # "zakładano utworzenie 40 miejsc", "Plan na 2022 r. obejmuje 10 szkoleń"
        if not q.planned and q.parent is None and _future_clause(view, q.num.start):
            q.planned = True  # "zorganizujemy 3 wizyty", "będą przeprowadzone 4 szkolenia"


def _future_clause(view: View, pos: int) -> bool:
    """The clause before `pos` is in the future tense."""
    cs = _clause_start(view, pos)
    return any(t.is_word and morph.is_future(t.text) for t in view.tokens_between(cs, pos))


# --- breakdowns ------------------------------------------------------------------------------

# ", " "; " " i " " oraz " " a także ": up to 3 spaces around a comma, up to 6 before a word;
# written from the first character (a class) so the engine skips to candidates
# after a space, a gate: a separator's comma or word must come within six characters
_ITEM_SPLIT = re.compile(r"[ \n,;](?:(?<=[,;])|(?=[ \n]{0,5}+[,;ioa])(?:[ \n]{0,2}+[,;]|[ \n]{0,5}+(?:i|oraz|a[ \n]{1,3}także|a)"
                         r"[ \n]{1,3}))[ \n]{0,3}")


def _split_items(view: View, start: int, end: int) -> list[tuple[int, int]]:
    """Split a list into items; brackets are kept inside their item, and a fragment after
    'i'/'oraz' without a number continues the previous item ('w urzędach gmin i miast')."""
    seg = view.norm[start:end]
    # brackets are masked (kept inside their item, their commas no separators) with a character
    # that no separator pattern eats
    masked = re.sub(r"\([^()]*\)", lambda m: "#" * len(m.group()), seg)
    if "," in masked and ";" in masked:
        cut = masked.index(";")
        seg, masked = seg[:cut], masked[:cut]
    items: list[tuple[int, int]] = []
    pos = 0
    seps: list[str] = []
    for m in _ITEM_SPLIT.finditer(masked):
        items.append((pos, m.start()))
        seps.append(m.group().strip())
        pos = m.end()
    items.append((pos, len(seg.rstrip(" .;\n"))))
    merged: list[tuple[int, int]] = []
    carry: int | None = None  # start of a fragment waiting for the item after it
    for k, (a, b) in enumerate(items):
        has_num = bool(re.search(r"\d", masked[a:b])) or _has_number_word(masked[a:b])
        short = len(re.findall(r"[^\W\d_]+", masked[a:b])) <= 3
        if not has_num and short and k + 1 < len(items) and seps[k] in ("i", "oraz") and \
                not re.match(r"\s*\d", masked[items[k + 1][0]:items[k + 1][1]]):
            carry = a  # "parafie i KGW: 3": the next item's label starts here
            continue
        if merged and not has_num and k > 0 and seps[k - 1] in ("i", "oraz") and \
                k + 1 < len(items) and short:
            merged[-1] = (merged[-1][0], b)  # "8 w urzędach gmin i miast"
            continue
        merged.append((carry if carry is not None else a, b))
        carry = None
    return [(start + a, start + b) for a, b in merged if b > a]


def _has_number_word(text: str) -> bool:
    forms = morph.number_forms()
    return any(w.lower() in forms for w in re.findall(r"[^\W\d_]+", text))


def _subset_opener() -> re.Pattern[str]:
    """The subset marker after a total ("…, w tym 5 …", "(z czego 3 …)") or a marker of a full
    breakdown ("…, tj. 10 prawnych i 8 księgowych"): `sub` is set for a subset."""
    lx = lexicon()

    def alt(words: tuple[str, ...]) -> str:
        return alternation(words, gap="[ \n]{1,3}")

    return re.compile(
        r"(?P<skip>(?:[^\d():;]|\([^()]{0,200}\)){0,120}?)[ \n]{0,3},?[ \n]{0,3}(?P<paren>\()?[ \n]{0,3}"
        rf"(?:(?P<sub>{alt(lx.markers.subset)})|{alt(lx.markers.breakdown)})(?![^\W\d_])[ \n]{{0,3}}:?[ \n]{{0,3}}", re.I)


_SUBSET_OPENER = _subset_opener()  # only ever .match()ed at the end of a total


def _counts_in(counts: list[Qty], start: int, end: int) -> list[Qty]:
    """The counts (sorted by start) that start in [start, end)."""
    from bisect import bisect_left

    starts = [q.start for q in counts]
    return counts[bisect_left(starts, start):bisect_left(starts, end)]


def _find_list(view: View, tot: Qty, start: int, limit: int, counts: list[Qty]) -> tuple[int, int, bool] | None:
    """Where the list after a total opens: (open_at, limit, subset) or None. `start` is where to
    look from (the total's end, or the end of a list already read)."""
    norm = view.norm
    tail = norm[start:limit]
    m_sub = _SUBSET_OPENER.match(tail)
    if m_sub and not m_sub["sub"] and (start != tot.end or len(re.findall(r"[^\W\d_]+", m_sub["skip"])) > 3):
        m_sub = None  # a full breakdown follows its total at once
    if m_sub and not any(start <= q.start < start + len(m_sub["skip"]) and q is not tot and
                         not _in_brackets(norm, start, q.start) for q in _counts_in(counts, start, start + len(m_sub["skip"]))):
        open_at = start + m_sub.end()
        if m_sub["paren"] and ")" in norm[open_at:limit]:
            limit = norm.index(")", open_at)
        return open_at, limit, bool(m_sub["sub"])
    if start != tot.end:
        return None  # after a first list only a subset ("…, z czego …") may follow
    if tot.kind == "hours" and not re.match(r"\s*(?:\(|:)|(?:(?!\b(?:oraz|i|a|także)\b)[^\d:(),;]){0,40}:", tail):
        return None  # hours lists are separate services, not parts, unless introduced
    # a colon after a bracket first ("9 miejsc pracy (zakładano 8): w Szprotawie – 4, …"),
    # then a colon, bracket or dash right after the total
    m_open = re.match(r"(?:[^\d:()]|\([^()]{0,40}\)){0,80}?\s?:\s?", tail) or \
        re.match(r"[^\d:(),;]{0,80}?(?:\s?\(\s?|\s-\s?|-\s|\s-(?=[^\W\d]))", tail)  # "5 os., księgowe – 7": no opener
    if not m_open or len(re.findall(r"[^\W\d_]+", tail[:m_open.end()])) > 10:
        return None
    open_at = start + m_open.end()
    if m_open.group().rstrip().endswith("(") and ")" in norm[open_at:limit]:
        limit = norm.index(")", open_at)
    return open_at, limit, False


def link_breakdowns(view: View, qtys: list[Qty], nums: list[Num]) -> list[Qty]:
    """Find lists of parts after totals and link them; returns new part quantities."""
    norm = view.norm
    by_start = {q.num.start: q for q in qtys}
    free_nums = {n.start: n for n in nums if not n.role}
    new: list[Qty] = []
    counts = sorted((q for q in qtys if q.kind in ("count", "hours")), key=lambda q: q.start)
    claimed_parts: set[int] = set()
    for tot in counts:
        if tot.parent is not None or id(tot) in claimed_parts or tot.planned and tot.rule == "planned":
            continue
        s_start, s_end = view.sentence(tot.start)
        opened = norm.rfind("(", s_start, tot.start)
        limit = s_end
        if opened > norm.rfind(")", s_start, tot.start):  # the total is inside a bracket
            close = norm.find(")", tot.end, s_end)
            limit = close if close >= 0 else s_end
        start = tot.end
        for _round in range(2):  # "41 spotkań (w tym 17 online), z czego w I kwartale 19, …"
            found = _find_list(view, tot, start, limit, counts)
            if found is None:
                break
            open_at, list_end, subset = found
            line_end = norm.find("\n", tot.end)  # "…, w tym:" and the list on the lines below
            bullets = _bullet_lines(norm, line_end) \
                if line_end >= 0 and (line_end < open_at or not norm[open_at:line_end].strip()) else []
            parts: list[Qty] = []
            for s0, e0 in bullets or _split_items(view, open_at, list_end):
                part = _item(view, s0, e0, free_nums, by_start)
                if part is None:
                    break
                if tot.kind == "hours":
                    part.kind = "hours"
                parts.append(part)
            if len(parts) < (1 if subset else 2):
                break
            target = tot
            total = sum(p.value for p in parts)
            if not subset and total != tot.value:
                # "9 miejsc pracy w 3 nowych PS (…): … (4), … (3), … (2)": the figure the parts add up to
                target = next((q for q in counts if s_start <= q.start < open_at and q.value == total and
                               q.parent is None and not q.planned and q.kind == tot.kind), tot)
            for p in parts:
                old = by_start.get(p.num.start)
                if old is not None and old in qtys:
                    claimed_parts.add(id(old))
                    qtys.remove(old)
                p.parent = target
                p.subset = subset
                target.parts.append(p)
                new.append(p)
                free_nums.pop(p.num.start, None)
            start = max(p.end for p in parts)
            if list_end < limit and norm[list_end:list_end + 1] == ")":
                start = max(start, list_end + 1)
    _retarget_subsets(view, counts, new)
    return new


def _retarget_subsets(view: View, counts: list[Qty], parts: list[Qty]) -> None:
    """'14 szkoleń … dla 173 uczestników, z czego 9 szkoleń …': a subset that names its noun
    belongs to the earlier total with the same noun."""
    for p in parts:
        if p.subset and p.parent is not None and p.kind != p.parent.kind:
            # "7 szkoleń (łącznie 60 godz.), w tym szkolenie … – 24 godziny": hours belong to hours
            s, _ = view.sentence(p.start)
            same_kind = [q for q in counts if s <= q.start < p.start and q.parent is None and q.kind == p.kind]
            if same_kind:
                p.parent.parts.remove(p)
                p.parent = same_kind[-1]
                same_kind[-1].parts.append(p)
                continue
        if not p.subset or p.parent is None or not p.label:
            continue
        head = p.label.split()[0]
        parent_head = (p.parent.subject or "").split()[:1]
        if parent_head == [head]:
            continue
        s, _ = view.sentence(p.start)
        same = [q for q in counts if s <= q.start < p.parent.start and q.parent is None and q.subject
                and q.subject.split()[0] == head]
        if same:
            p.parent.parts.remove(p)
            p.parent = same[-1]
            same[-1].parts.append(p)


def _item(view: View, s: int, e: int, free_nums: dict[int, Num], by_start: dict[int, Qty]) -> Qty | None:
    """One breakdown item: exactly one number and a short label, in either order."""
    norm = view.norm
    s += len(norm[s:e]) - len(norm[s:e].lstrip())
    text = re.sub(r"\([^()]*\)", "", norm[s:e])
    nums: list[Num] = []
    for t in view.tokens_between(s, e):  # the item's own tokens, not every number of the text
        n = free_nums.get(t.start)
        q = by_start.get(t.start)
        if n is None and q is not None and q.kind in ("count", "hours"):
            n = q.num
        if n is not None and n not in nums and not _in_brackets(norm, s, t.start):
            nums.append(n)
    if not nums:
        m = re.search(r"\(\s*(\d+)\s*\)\s*$", norm[s:e])  # "osób bezrobotnych (11)"
        if m:
            n0 = free_nums.get(s + m.start(1)) or (by_start[s + m.start(1)].num if s + m.start(1) in by_start else None)
            if n0 is not None:
                label_text = norm[s:s + m.start()]
                first = s
                verbs = [w for w in re.finditer(r"[^\W\d_]+", label_text)
                         if w[0] == "się" or any(a.pos in _VERB_POS for a in morph.analyse(w[0]))
                         and not morph.is_noun(w[0])]
                if verbs:  # "Spotkania odbyły się w Ełku (5)": the item is what follows the verb
                    rest = label_text[verbs[-1].end():]
                    first = s + verbs[-1].end() + len(rest) - len(rest.lstrip())
                    label_text = rest
                label_text = label_text.strip(" -:,")
                label = lemma_phrase(_dehyphen(re.sub(r"^\s*(?:w|we|z|ze|na|dla|do|u)\s+", "", label_text)))
                return Qty("count", first, s + m.end(), n0.int_value, n0, label=label, rule="breakdown_item")
    if len(nums) != 1:
        return None
    n = nums[0]
    if len(re.findall(r"[^\W\d_]+", text)) > 9 or "\n\n" in text:
        return None
    cut = norm.find("(", n.end, e)
    e_label = cut if cut >= 0 else e
    label_text = (norm[s:n.start] + " " + norm[n.end:e_label]).strip(" -:()\n")
    label_text = label_text.strip().strip("-").strip()
    if not label_text or not re.search(r"[^\W\d_]", label_text):
        return None
    if any(morph.analyse(w) and all(a.pos in ("fin", "praet", "imps") for a in morph.analyse(w))
           for w in re.findall(r"[^\W\d_]+", norm[s:n.start])):
        return None  # "utworzono 43": a statement of its own, not a category ("5 planuje …" is one)
    kind = "count"
    after = norm[n.end:e].strip().lower()
    if re.match(r"(?:h|godz\w*)\b", after):
        kind = "hours"
    start = s if n.start > s and norm[s:n.start].strip(" -") else n.start
    end = max(n.end, len(norm[:e_label].rstrip(" \n")))
    label = lemma_phrase(_dehyphen(re.sub(r"^\s*(?:w|we|z|ze|na|dla|do|u)\s+", "", label_text)))
    return Qty(kind, start, end, n.int_value, n, label=label, rule="breakdown_item")


def _in_brackets(norm: str, s: int, pos: int) -> bool:
    return norm.rfind("(", s, pos) > norm.rfind(")", s, pos)


@cache
def _total_re() -> re.Pattern[str]:
    """What a window before a total ends with: a total word and up to two words ("razem",
    "łącznie utworzono:")."""
    return re.compile(leading_words(lexicon().markers.total) + r"(?:\s+[^\W\d_]+){0,2}\s*:?\s*$")


def totals_after_lists(view: View, qtys: list[Qty], nums: list[Num]) -> list[Qty]:
    """'UG/UM 5, PUP 4, OPS 3 – razem 12 spotkań': a total after its breakdown."""
    norm = view.norm
    new: list[Qty] = []
    total_re = _total_re()
    qtys += _bare_totals(view, nums, qtys, total_re)
    by_start = {q.num.start: q for q in qtys}
    free_nums = {n.start: n for n in nums if not n.role}
    for tot in sorted((q for q in qtys if q.kind in ("count", "hours") and not q.parts and q.parent is None),
                      key=lambda q: q.start):
        anchor = tot.num.start
        before = norm[max(0, anchor - 30):anchor]
        m_tot = total_re.search(before.rstrip(" -("))
        if not m_tot:
            continue
        between = re.findall(r"[^\W\d_]+", m_tot.group())[1:]
        if between and not all(w == "się" or any(a.pos in ("fin", "praet", "imps") for a in morph.analyse(w))
                               for w in between):
            continue  # "Razem utworzono 15 …" is a total; "łącznie dla 28 grup" is not
        s, _ = view.sentence(anchor)
        seg_end = anchor - len(before) + (total_re.search(before.rstrip(" -(")).start())  # type: ignore[union-attr]
        line_start = norm.rfind("\n", 0, seg_end) + 1
        if not view.norm[line_start:seg_end].strip(" -•*\n"):
            bullets = _bullet_parts(view, line_start, qtys, tot.kind)
            if len(bullets) >= 2:
                for bq in bullets:
                    bq.parent = tot
                    bq.label = lemma_phrase(_bullet_label(view, bq))
                    bq.subject = None
                    tot.parts.append(bq)
                continue
        seg = norm[s:seg_end].rstrip(" -(,;")
        # the list is the part after the last colon (or the whole sentence start)
        colon = seg.rfind(":")
        base = s + colon + 1 if colon >= 0 else s
        seg = norm[base:base + len(seg) - (base - s)]
        parts: list[Qty] = []
        pos = 0
        bounds = []
        for m in _ITEM_SPLIT.finditer(seg):
            bounds.append((pos, m.start()))
            pos = m.end()
        bounds.append((pos, len(seg)))
        for a, b in bounds:
            p = _item(view, base + a, base + b, free_nums, by_start)
            if p is not None and p.kind != tot.kind and p.kind == "hours":
                p = None  # "… 12 h, 5 h" are not parts of a count of groups
            if p is None:
                parts = []
                continue
            parts.append(p)
        if len(parts) >= 2:
            for p in parts:
                old = by_start.get(p.num.start)
                if old is not None and old in qtys:
                    qtys.remove(old)
                p.kind = tot.kind
                p.parent = tot
                tot.parts.append(p)
                new.append(p)
    return new


def _bare_totals(view: View, nums: list[Num], qtys: list[Qty], total_re: re.Pattern[str]) -> list[Qty]:
    """'w Ełku (5), Olecku (4) i Gołdapi (3) – łącznie 12', 'kobiety – 20, mężczyźni – 15,
    razem – 35': a figure after a total marker that names nothing counts what the sentence
    counts — the head before the list's colon, else the sentence's first noun."""
    norm = view.norm
    used = {id(q.num) for q in qtys}
    out: list[Qty] = []
    for n in nums:
        if n.role or id(n) in used or n.words or not _ITEM_END.match(norm, n.end):
            continue
        before = norm[max(0, n.start - 30):n.start]
        m = total_re.search(before.rstrip(" -(:"))
        if not m or len(re.findall(r"[^\W\d_]+", m.group())) != 1:
            continue
        marker_start = n.start - len(before) + m.start()
        s, _ = view.sentence(n.start)
        if not re.search(r"\d", norm[s:marker_start]):
            continue  # no list before it
        subject = _context_subject(view, s, marker_start)
        if subject is None:
            continue
        out.append(Qty("count", marker_start, n.end, n.int_value, n, subject=subject, rule="bare_total"))
        used.add(id(n))
    return out


def _context_subject(view: View, s: int, pos: int) -> str | None:
    """What a sentence counts: its 'Head:' before a colon, else its first common noun in the
    nominative that no preposition governs ('Spotkania odbyły się w …' -> spotkanie)."""
    norm = view.norm
    colon = norm.rfind(":", s, pos)
    if colon >= 0:
        head = norm[s:colon].strip(" -•*\n")
        words = re.findall(r"[^\W\d_]+", head)
        if words and len(words) <= 6 and any(morph.is_noun(w) for w in words):
            return _measured(head)[1]
    prev_prep = False
    for t in view.tokens_between(s, pos):
        if not t.is_word:
            continue
        an = morph.analyse(t.text)
        if any(a.pos == "prep" for a in an):
            prev_prep = True
            continue
        nom = [a for a in an if a.pos in ("subst", "ger") and "nom" in a.case and not a.geo and not a.lemma[:1].isupper()]
        if nom and not prev_prep:
            return lemma_phrase(t.text)
        if any(a.pos in _VERB_POS for a in an):
            return None  # the verb came before any subject
        prev_prep = False
    return None


def _bullet_lines(norm: str, pos: int) -> list[tuple[int, int]]:
    """The bulleted lines that start right after `pos` (a line end): their content spans."""
    out: list[tuple[int, int]] = []
    while pos < len(norm) and norm[pos] == "\n":
        start = pos + 1
        end = norm.find("\n", start)
        end = len(norm) if end < 0 else end
        m = re.match(r"\s*[-•*]\s+", norm[start:end])
        if not m:
            break
        out.append((start + m.end(), start + len(norm[start:end].rstrip(" ,;."))))
        pos = end
    return out


def _bullet_parts(view: View, line_start: int, qtys: list[Qty], kind: str = "count") -> list[Qty]:
    """'- Grudziądz, 12.03.2022 – 14 os.' lines right above a 'Razem: 34 osoby' line, one figure each."""
    norm = view.norm
    out: list[Qty] = []
    end = line_start - 1
    while end > 0:
        start = norm.rfind("\n", 0, end) + 1
        line = norm[start:end]
        if not re.match(r"\s*(?:[-•*]|\d{1,2}[.)])\s", line):
            break
        here = [q for q in qtys if start <= q.start < end and q.kind == kind and q.parent is None and not q.parts]
        if len(here) != 1:
            break
        out.insert(0, here[0])
        end = start - 1
    return out


def _bullet_label(view: View, q: Qty) -> str:
    line_start = view.norm.rfind("\n", 0, q.start) + 1
    text = view.norm[line_start:q.start]
    text = re.sub(r"^\s*[-•*]\s*", "", text)
    text = re.sub(r"[\d.]+", " ", text)
    return re.sub(r"[\s,–-]+$", "", re.sub(r"\s+", " ", text)).strip() or "pozycja"


def subject_from_context(view: View, qtys: list[Qty]) -> None:
    """'Spotkania animacyjne … – 30 spotkań' -> subject 'spotkanie animacyjne'."""
    for q in qtys:
        if q.kind != "count" or not q.subject or q.parent is not None or " " in q.subject:
            continue
        head = q.subject.split()[0]
        s, _ = view.sentence(q.start)
        for t in view.tokens_between(max(s, q.start - 300), q.start):  # the phrase is near its figure
            if not t.is_word or head.lower() not in {i.lemma.lower() for i in morph.analyse(t.text)
                                                     if i.pos in ("subst", "ger")}:
                continue
            nxt = view.next_tok(t.end)
            if nxt is not None and nxt.is_word and view.norm[t.end:nxt.start] == " " and \
                    _adj_lemma(nxt.text) and not morph.is_noun(nxt.text):
                q.subject = head + " " + _agree_list(nxt.text, head)
                break


_RANGE_DASH = re.compile(r" ?- ?")
_RANGE_WORDS = re.compile(r" (?:do|-) ")


def mark_ranges(view: View, nums: list[Num]) -> None:
    """'10–15 osób', 'ok. 20-30 osób', 'od 5 do 8 osób', '2-3 godziny': a range is one
    approximate figure (the upper one, named by the noun after it); the lower one is no fact."""
    norm = view.norm
    for a, b in zip(nums, nums[1:], strict=False):
        if a.role or b.role or a.words != b.words or not a.value < b.value:
            continue
        if a.year_shaped and b.year_shaped:
            continue  # "na lata 2014–2020": years, each read as one
        gap = norm[a.end:b.start]
        if gap == "/" and not a.words and b.value <= 10 and not norm[a.start - 1:a.start].isalnum() \
                and not norm[b.end:b.end + 1].isalnum() and norm[a.start - 1:a.start] != "/":
            a.role = b.role = "fraction"  # "1/2 etatu", "3/4 czasu pracy"
            continue
        w = norm[max(0, a.start - 4):a.start].lower()
        opened = w.endswith("od ") and (len(w) < 4 or not is_word_char(w[0]))
        if not (_RANGE_DASH.fullmatch(gap) or opened and _RANGE_WORDS.fullmatch(gap)):
            continue
        if re.match(r"\.\d", norm[b.end:b.end + 2]) or re.match(r"\d[.:]", norm[a.end - 1:a.end + 1]):
            continue  # a date or clock-time range belongs to the dates
        if not opened and norm[a.start - 1:a.start].isalpha():
            continue
        a.role = "range"
        b.low = a


def _range_spans(view: View, qtys: list[Qty]) -> None:
    """A figure of a range spans the whole range and is approximate."""
    for q in qtys:
        low = q.num.low
        if low is None or q.start != q.num.start:
            continue
        start = low.start
        if view.norm[max(0, start - 3):start].lower().endswith("od "):
            start -= 3
        q.start = start
        q.approximate = True


def extract_quantities(view: View) -> tuple[list[Qty], list[Num]]:
    nums = find_numbers(view)
    mark_ranges(view, nums)
    qtys = classify(view, nums)
    amounts = [q for q in qtys if q.kind == "amount"]
    qtys = [q for q in qtys if q.kind != "amount"]
    hours_subjects(view, qtys)
    qtys += unitless_hours(view, nums, qtys)
    qtys += noun_number_counts(view, nums, qtys)
    qtys += head_counts(view, nums, qtys)
    qtys += row_counts(view, nums, qtys)
    qtys += planned_counts(view, nums, qtys)
    qtys.sort(key=lambda q: q.start)
    parts = postposed_subsets(view, nums, qtys)
    parts += link_breakdowns(view, qtys, nums)
    parts += totals_after_lists(view, qtys, nums)
    subject_from_context(view, qtys)
    allq = sorted(qtys + parts + amounts, key=lambda q: q.start)
    _range_spans(view, allq)
    allq.sort(key=lambda q: q.start)
    mark_flags(view, allq)
    return allq, nums
