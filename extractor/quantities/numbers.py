"""Numbers and their roles: every figure written in the text (digits, grouped thousands, number
words), and the rules that decide a number is no fact — a year, money, a percentage, a
reference, a code, an ordinal … (each a `Role`).

The deciding rules run number by number in the order of rules.toml (stage "decide"); the first
that answers decides. Rules of hours and counts take part in the same cascade (hours.py,
counts.py): "240 h" is decided there.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache

from .. import morph
from ..lexicon import lexicon
from ..rules import ordered, rule
from ..text import View, alternation, fold, is_word_char, last_word, leading_words, words_opening_like
from .model import ROLE_OF, Candidate, Context, Num, Qty, Role

_GROUPED = re.compile(r"\d(?<![\d,.].)\d{0,2}(?=[ .]\d{3})(?:(?: \d{3})+|(?:\.\d{3})+(?![.\d]))(?:,\d+)?(?![\d])")
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
# these too begin with their first character's class (the look-behind after it)
_PAGE = re.compile(r"[Ss](?<!\w.)(?:trona|tr\.|\.)\s*\d+\s*(?:z|/|of)\s*\d+\b")
_POSTCODE = re.compile(r"\d(?<![\d-].)\d-\d{3}(?![\d-])")
# "15%", "15 proc.", "15 procent" — not "48 procedur" ("proc" alone ends the word or takes a dot)
_PERCENT = re.compile(r"\s?(?:%|proc(?:\.|(?!\w))|procent\w*)", re.I)


@rule("numbers", "numbers.find", kind="pass")
def find_numbers(ctx: Context) -> None:
    """Every number in the text not inside a date or time: digits, 1 204 556, number words.
    Phones, page footers, ages and postcodes are claimed first: a number inside one has its role."""
    view = ctx.view
    norm = view.norm
    nums: list[Num] = []
    for rx in _PHONES:
        for m in rx.finditer(norm):
            view.claim(m.start(), m.end(), Role.PHONE)
    for m in _PAGE.finditer(norm):
        view.claim(m.start(), m.end(), Role.PAGE)
    for rx in _AGES:
        for m in rx.finditer(norm):
            view.claim(m.start(), m.end(), Role.AGE)
    for m in _POSTCODE.finditer(norm):
        if not view.is_claimed(m.start(), m.end()):
            view.claim(m.start(), m.end(), Role.POSTCODE)
    taken = bytearray(len(norm) + 1)
    for rx in (_GROUPED, _PLAIN):
        for m in rx.finditer(norm):
            s, e = m.start(), m.end()
            if taken.find(1, s, e) >= 0:
                continue
            # (a tab, which the normalised text shows as a space, parts a table's cells, never
            # the thousands of one number: "ubóstwo<TAB>412<TAB>980")
            if rx is _GROUPED and ("\t" in view.text[s:e] or not _grouping_ok(norm, s, e)):
                continue
            what = view.is_claimed(s, e)
            taken[s:e] = b"\x01" * (e - s)
            digits = m.group().replace(" ", "")
            digits = (digits.replace(".", "") if rx is _GROUPED else digits).replace(",", ".")
            if len(digits.split(".")[0]) > 12:
                nums.append(Num(s, e, 0.0, role=Role.CODE))  # an account number, not a figure
                continue
            nums.append(Num(s, e, float(digits), role=ROLE_OF[what] if what else None))
    nums.extend(_number_words(view))
    nums.sort(key=lambda n: n.start)
    ctx.nums = nums


@lru_cache(maxsize=100_000)  # called for every word of every text: each word looked up once
def _number_word(word: str) -> int | None:
    low = word.lower()
    forms = morph.number_forms()
    if low in forms:
        return forms[low]
    if low.isascii() and len(low) > 3 and not morph.known_as_written(low):  # "dwadziescia", no Polish letters
        fixed = morph.restore_diacritics(low, "num")
        return forms.get(fixed) if fixed else None
    return None


@cache
def _number_word_candidates() -> tuple[re.Pattern[str], frozenset[str]]:
    """Every whole word `_number_word` or the adverbs can read — a form, also as typed without
    Polish letters (all a restored spelling can come from) — and a pattern of the words that
    open like one: one scan finds the words worth a look, instead of a look at every token."""
    forms = morph.number_forms()
    words = frozenset({*forms, *(fold(f) for f in forms), *_adverb_forms()})
    return re.compile(words_opening_like(words)), words


def _number_words(view: View) -> list[Num]:
    """'pięciu grup', 'dwadzieścia pięć': a run of number words, each smaller than the one before."""
    number_word = _number_word
    norm, toks, starts = view.norm, view.toks, view.starts
    adverbs = _adverb_forms()
    out: list[Num] = []
    after = 0   # the first token not yet read into a number
    rx, candidates = _number_word_candidates()
    for m in rx.finditer(norm):
        if m.group().lower() not in candidates:
            continue
        i = bisect_left(starts, m.start())
        if i < after:
            continue
        t = toks[i]
        times = adverbs.get(t.text.lower())
        if times is not None and not view.is_claimed(t.start, t.end):
            out.append(Num(t.start, t.end, times, words=True, times=True))  # "czterokrotnie"
            after = i + 1
            continue
        first = number_word(t.text)
        if first is not None and _in_a_name(view, i):
            continue   # "w uroczystość Trzech Króli", "Trzech Braci": a number word in a name
        if first is not None and not view.is_claimed(t.start, t.end):
            value = first
            j = i
            while j + 1 < len(toks) and toks[j + 1].is_word and norm[toks[j].end:toks[j + 1].start] == " ":
                more = number_word(toks[j + 1].text)
                if more is None or more >= value:
                    break
                value += more
                j += 1
            out.append(Num(t.start, toks[j].end, value, words=True))
            after = j + 1
    return out


def _in_a_name(view: View, i: int) -> bool:
    """The number word at token `i` is written with a capital inside a sentence and the word
    after it too: part of a proper name ("Święto Trzech Króli"), not a figure."""
    toks, norm = view.toks, view.norm
    t = toks[i]
    if not t.text[:1].isupper() or t.text.isupper() or i + 2 >= len(toks):
        return False
    nxt = toks[i + 2] if not toks[i + 1].is_word and norm[t.end:toks[i + 1].end].isspace() else toks[i + 1]
    if not (nxt.is_word and nxt.text[:1].isupper() and norm[t.end:nxt.start] == " "):
        return False
    s, _e = view.sentence(t.start)
    return norm[s:t.start].strip(" \n\t\"'(–-•*") != ""    # a capital at a sentence's start says nothing


def _grouping_ok(norm: str, start: int, end: int) -> bool:
    """'1 204 556,20 zł', '3 000 osób', '1.250 godzin' are one number; so is one that ends a clause
    after a verb or a marker ('z czego rozpatrzono 1 148, a …', 'łącznie 2 140.') or fills a
    table's cell ('; 7 938;') — not one after a name ('Orneta 4 120; Pieniężno 3 090': a count
    and a figure)."""
    rest = norm[end:end + 12].lstrip()
    if not rest:
        return False
    if rest[0].isalpha() or rest[0] in "%":
        return True
    if rest[0] not in ",;).(":
        return False
    before = norm[max(0, start - 40):start]
    if before.rstrip(" \t")[-1:] in (";", "|", "\n", ":", "", "-"):   # (a dash: "obiady – 1 900,")
        return True
    found = last_word(before.rstrip(" \t").rstrip("."))   # the word before ("ok." without its dot)
    if found is None:
        return False
    word = before[found[0]:found[1]].lower()
    return word in _marker_words() or any(a.pos in lexicon().grammar.verb_tags for a in morph.analyse(word))


@cache
def _marker_words() -> frozenset[str]:
    mk = lexicon().markers
    return frozenset(w.lower().rstrip(".") for w in (*mk.total, *mk.approximate, "ich") if " " not in w)


_RANGE_DASH = re.compile(r" ?- ?")
_RANGE_WORDS = re.compile(r" (?:do|-) ")


@rule("numbers", "numbers.ranges", kind="pass")
def mark_ranges(ctx: Context) -> None:
    """'10–15 osób', 'ok. 20-30 osób', 'od 5 do 8 osób', '2-3 godziny': a range is one
    approximate figure (the upper one, named by the noun after it); the lower one is no fact.
    '1/2 etatu' is a fraction."""
    norm = ctx.norm
    nums = ctx.nums
    for a, b in zip(nums, nums[1:], strict=False):
        if a.role or b.role or a.words != b.words or not a.value < b.value:
            continue
        if a.year_shaped and b.year_shaped:
            continue  # "na lata 2014–2020": years, each read as one
        gap = norm[a.end:b.start]
        if gap == "/" and not a.words and b.value <= 10 and not norm[a.start - 1:a.start].isalnum() \
                and not norm[b.end:b.end + 1].isalnum() and norm[a.start - 1:a.start] != "/":
            a.role = b.role = Role.FRACTION  # "1/2 etatu", "3/4 czasu pracy"
            a.rule = b.rule = "numbers.ranges"
            continue
        w = norm[max(0, a.start - 4):a.start].lower()
        opened = w.endswith("od ") and (len(w) < 4 or not is_word_char(w[0]))
        if not (_RANGE_DASH.fullmatch(gap) or opened and _RANGE_WORDS.fullmatch(gap)):
            continue
        if re.match(r"\.\d", norm[b.end:b.end + 2]) or re.match(r"\d[.:]", norm[a.end - 1:a.end + 1]):
            continue  # a date or clock-time range belongs to the dates
        if not opened and norm[a.start - 1:a.start].isalpha():
            continue
        a.role, a.rule = Role.RANGE, "numbers.ranges"
        b.low = a


@rule("quantities", "numbers.range_spans", kind="pass")
def range_spans(ctx: Context) -> None:
    """A figure of a range spans the whole range ("od 5 do 8 osób") and is approximate."""
    for q in ctx.qtys + ctx.parts + ctx.amounts:
        low = q.num.low
        if low is None or q.start != q.num.start:
            continue
        start = low.start
        if ctx.norm[max(0, start - 3):start].lower().endswith("od "):
            start -= 3
        q.start = start
        q.approximate = True


# --- the cascade: what is this number? -----------------------------------------------------

@rule("numbers", "numbers.decide", kind="pass")
def decide(ctx: Context) -> None:
    """Ask the rules of stage "decide", number by number, what each number is; the first that
    answers with a role or a quantity decides."""
    cascade = ordered("decide")
    view = ctx.view
    for n in ctx.nums:
        if n.role:
            continue
        before = view.prev_word(n.start, 1)
        c = Candidate(n, view.next_tok(n.end), before[0] if before else None, ctx.norm[n.end:n.end + 20])
        for r in cascade:
            found = r.fn(ctx, c)
            if found is None:
                continue
            if isinstance(found, Qty):
                found.rule = r.name
                if n.role:  # money: an amount, and no count
                    n.rule = r.name
                (ctx.amounts if found.kind == "amount" else ctx.qtys).append(found)
            else:
                n.role, n.rule = found, r.name
            break


@cache
def _money_re() -> re.Pattern[str]:
    """'45 tys. zł', '310 000 PLN', '1500,- zł', '200,-- PLN': multipliers and currencies from
    the lexicon."""
    units = lexicon().units
    return re.compile(rf"(?:,-{{1,2}})?\s?(?:({alternation(units.money_multipliers)})\s?)?"
                      rf"({alternation(units.money)})(?![^\W\d_])", re.I)


@rule("decide", "numbers.money")
def money(ctx: Context, c: Candidate) -> Qty | None:
    """'45 tys. zł', '310 000 PLN', '1 204 556,20 zł': an amount of money, never a count."""
    m = _money_re().match(c.after)
    if not m or c.n.words:
        return None
    n = c.n
    mult = lexicon().units.money_multipliers.get((m.group(1) or "").lower(), 1) if m.group(1) else 1
    n.role = Role.MONEY
    return Qty("amount", n.start, n.end + m.end(), n.value * mult, n)


@rule("decide", "numbers.percent")
def percent(ctx: Context, c: Candidate) -> Role | None:
    """'58 %', '12 proc.', '40 procent'."""
    return Role.PERCENT if _PERCENT.match(c.after) else None


@rule("decide", "numbers.year")
def year(ctx: Context, c: Candidate) -> Role | None:
    """'2019 r.', 'w 2020' — but 'ponad 2000 h', '1950 uczestników' are figures."""
    from .hours import is_hour_unit

    n = c.n
    if n.year_shaped and not (c.nxt is not None and is_hour_unit(ctx.view, c.nxt)) \
            and not _plural_noun_follows(ctx.view, n):
        return Role.YEAR
    return None


def _plural_noun_follows(view: View, n: Num) -> bool:
    """'1950 uczestników': a counted noun in the genitive plural right after the number."""
    nxt = view.next_tok(n.end)
    if nxt is None or not nxt.is_word or view.norm[n.end:nxt.start] != " ":
        return False
    return any(i.pos == "subst" and "pl" in i.number and "gen" in i.case and i.lemma not in lexicon().units.not_counted
               for i in morph.analyse(nxt.text))


@rule("decide", "numbers.enumeration")
def enumeration(ctx: Context, c: Candidate) -> Role | None:
    """'2.DZIAŁANIA DORADCZE:', '1. Animacja lokalna', '3) Szkolenia': a number that opens its line."""
    n, norm, view = c.n, ctx.norm, ctx.view
    if not n.words and view.blank_before(n.start, view.line_start(n.start), " \t•*-") and \
            re.match(r"[.)][ \t]*[A-ZĄĆĘŁŃÓŚŹŻ]", norm[n.end:n.end + 6]):
        return Role.ENUMERATION
    return None


@rule("decide", "numbers.after_slash")
def after_slash(ctx: Context, c: Candidate) -> Role | None:
    """'82/3' after a street: the number after a slash is what the number before it is."""
    prev = c.prev
    if prev is not None and prev.text == "/" and prev.start == c.n.start - 1:
        before = ctx.num_ending_at(prev.start)
        if before is not None and before.role:
            return before.role
    return None


@rule("decide", "numbers.reference")
def reference(ctx: Context, c: Candidate) -> Role | None:
    """'m. V', 'pkt 3', 'ul. Długa 5', 'nr 12', 'ISO 9001', '§ 5': a number after a word that
    makes it a reference (lexicon [words_before_non_count])."""
    if c.prev is not None and _is_reference_word(ctx.view, c.n):
        return Role.REFERENCE
    return None


def _is_reference_word(view: View, n: Num) -> bool:
    lx = lexicon()
    words_before = lx.words_before_non_count.words
    words = view.prev_word(n.start, 3)
    w0 = words[0]
    if w0.text == "." and len(words) > 1:
        cand = words[1].text + "."
        if cand in words_before or cand.lower() in words_before:
            return True
    if w0.text in words_before or w0.text.lower() in words_before:
        return w0.end + 2 >= n.start
    if w0.text == "§":
        return True
    # street address: "ul. Kościuszki 12"
    if w0.is_word and w0.text[0].isupper() and len(words) > 2 and words[1].text == "." and \
            words[2].text.lower() in ("ul", "al", "pl"):
        return True
    return False


def _is_acronym_label(word: str) -> bool:
    return lexicon().acronym_base(word) is not None or (word.isupper() and len(word) >= 2)


@rule("decide", "numbers.glued_code")
def glued_code(ctx: Context, c: Candidate) -> Role | None:
    """'CoV2', 'A4': a number glued to letters (not to an acronym: 'PUP4' is a breakdown item) is
    no count; it stays unexplained (Role.GLUED), since nothing says what it is."""
    prev = c.prev
    if prev is not None and prev.end == c.n.start and prev.is_word and not _is_acronym_label(prev.text):
        return Role.GLUED
    return None


@rule("decide", "numbers.hyphen_code")
def hyphen_code(ctx: Context, c: Candidate) -> Role | None:
    """'SARS-CoV-2', 'COVID-19' — but not 'gminy-5, szkoły-3' in a list."""
    view, prev = ctx.view, c.prev
    if prev is not None and prev.text == "-" and prev.end == c.n.start:
        p2 = view.prev_tok(prev.start)
        if p2 is not None and p2.end == prev.start and p2.is_word and lexicon().acronym_base(p2.text) is None \
                and (p2.text.isupper() and len(p2.text) > 2 or not _list_item_at(view, p2.start, c.n.end)):
            return Role.CODE
    return None


_LIST_AFTER = re.compile(r"\s*(?:[,;)]|\.?\s*(?:\n|$)|\.\s+[A-ZĄĆĘŁŃÓŚŹŻ]|\s(?:i|oraz|a)\s)")


def _list_item_at(view: View, start: int, end: int) -> bool:
    """`norm[start:end]` ("gminy-5", "Kluby Seniora/Domy Kultury-4") stands as an item of a list:
    a separator (or a line start) before its label and one after it."""
    norm = view.norm
    line_start = view.line_start(start)
    if norm[end:end + 1].isdigit() or not _LIST_AFTER.match(norm, end):
        return False
    # back over the item's label: words, slashes and hyphens, at most six words
    i, words = start, 0
    while words < 6:
        k = i
        while k > line_start and norm[k - 1] == " ":
            k -= 1
        j = k
        while j > line_start and (norm[j - 1].isalpha() or norm[j - 1] in "/-."):
            j -= 1
        word = norm[j:k]
        if j == k or word.islower() and any(x.pos in ("prep", "conj") for x in morph.analyse(word)):
            break  # no word, or a preposition ("przed SARS-CoV-2"): no label of a list item
        i, words = j, words + 1
    before = norm[max(line_start, i - 12):i].rstrip()
    if before.endswith(("-", "•", "*")):  # a bullet
        before = before[:-1].rstrip()
    last = before.rsplit(maxsplit=1)
    opened = not before or before.endswith((":", ",", ";", "(")) or \
        (len(last) == 2 and last[1] in lexicon().grammar.list_conjunctions)
    return opened and (start - line_start < 12 or i - line_start < 12 or
                       bool(re.search(r"[:,;(]", norm[line_start:start])))


@rule("decide", "numbers.compound")
def compound(ctx: Context, c: Candidate) -> Role | None:
    """'2-dniowe', '3-osobowa': a number that is part of an adjective."""
    nxt = c.nxt
    if nxt is not None and nxt.text == "-" and nxt.start == c.n.end:
        n3 = ctx.view.next_tok(nxt.end)
        if n3 is not None and n3.start == nxt.end and n3.is_word and n3.text[0].islower():
            return Role.COMPOUND
    return None


@rule("decide", "numbers.rate")
def rate(ctx: Context, c: Candidate) -> Role | None:
    """'po 23 050 zł na jedno miejsce', 'po 16 godzin na grupę': a figure per unit."""
    p = c.prev_text.lower()
    if p == "po" or p == "na" and c.n.words and c.n.value == 1:
        return Role.RATE
    return None


@rule("decide", "numbers.one_of")
def one_of(ctx: Context, c: Candidate) -> Role | None:
    """'jeden z uczestników' — but 'jedna z Kostrzyna' counts."""
    n = c.n
    if n.words and c.nxt_text.lower() in ("z", "ze") and n.value == 1:
        after_z = ctx.view.next_tok(c.nxt.end) if c.nxt is not None else None
        if after_z is None or not after_z.text[:1].isupper():
            return Role.PHRASE
    return None


@rule("decide", "numbers.ordinal")
def ordinal(ctx: Context, c: Candidate) -> Role | None:
    """'3. edycja', '12. spotkanie': a number with a dot before a lower-case word that is no noun."""
    from .counts import noun_at

    nxt, n = c.nxt, c.n
    if nxt is not None and nxt.text == "." and nxt.start == n.end and not n.words:
        n3 = ctx.view.next_tok(nxt.end)
        if n3 is not None and n3.is_word and n3.text.islower() and ctx.norm[nxt.end:n3.start] == " " \
                and not noun_at(ctx.view, n3):
            return Role.ORDINAL
    return None


@cache
def _frequency_after() -> re.Pattern[str]:
    """A frequency right after a figure and at most two words (its unit or noun): "7 godzin
    dziennie", "dwa razy w tygodniu", "24,6 os./dzień"."""
    frequency = lexicon().times.frequency  # and as typed without Polish letters ("w miesiacu")
    markers = alternation([*frequency, *(fold(m, keep_l=False) for m in frequency)], gap=r"\s{1,3}")
    return re.compile(rf"[ \t]{{0,3}}(?:[^\W\d_]{{1,20}}\.?[ \t]{{1,3}}){{0,2}}?(?i:{markers})(?![^\W\d_])")


@cache
def _folded(words: frozenset[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


@cache
def _adverb_forms() -> dict[str, int]:
    """The multiplicative adverbs, also as typed without Polish letters ("pieciokrotnie")."""
    adverbs = lexicon().times.adverbs
    return {**{fold(k): v for k, v in adverbs.items()}, **adverbs}


@rule("decide", "numbers.average")
def average(ctx: Context, c: Candidate) -> Role | None:
    """'średnio 17 osób dziennie', 'przeciętnie 8 uczestników': an average, no count."""
    if c.prev is not None and c.prev.is_word and fold(c.prev_text) in _folded(lexicon().times.average):
        return Role.AVERAGE
    view = ctx.view
    m = _average_head().match(view.norm, view.line_start(c.n.start), c.n.start)
    return Role.AVERAGE if m else None


@cache
def _average_head() -> re.Pattern[str]:
    """A line's label that names an average, then the figure: "Średnie dzienne obłożenie: 44"."""
    stems = lexicon().times.average_heads
    return re.compile(r"[ \t]*(?:[-•*][ \t]*)?" + leading_words([(w, r"\w*") for w in stems], r"\w")
                      + r"[^:\n]{0,60}:[ \t]*$")


@rule("decide", "numbers.every")
def every(ctx: Context, c: Candidate) -> Role | None:
    """'co dwa tygodnie', 'co 3 miesiące': a frequency."""
    if c.prev is not None and c.prev_text.lower() in lexicon().times.every and c.prev.end + 2 >= c.n.start:
        return Role.FREQUENCY
    return None


@rule("decide", "numbers.frequency")
def frequency(ctx: Context, c: Candidate) -> Role | None:
    """'7 godzin dziennie, 35 tygodniowo', 'dwa razy w tygodniu', '24,6 os./dzień': a figure per
    unit of time, no total."""
    return Role.FREQUENCY if _frequency_after().match(ctx.norm, c.n.end) else None


_DECIMAL = re.compile(r",\d|\.\d{1,2}$")


@rule("decide", "numbers.decimal")
def decimal(ctx: Context, c: Candidate) -> Role | None:
    """'2,4 tony', '844,00', '23,5 punktu procentowego': a figure with decimals is a measure, an
    amount or an average, never a count (hours may have decimals: "2,5 h" is read before)."""
    if not c.n.words and _DECIMAL.search(ctx.norm, c.n.start, c.n.end):
        return Role.DECIMAL
    return None


_FIELD_LABEL = re.compile(r" [A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{2,}")


@rule("decide", "numbers.field")
def field_number(ctx: Context, c: Candidate) -> Role | None:
    """'1 Organ administracji publicznej … 2 Rodzaj zadania …': the number of a form's field,
    run into its label — a small number right before a capitalised common word."""
    n = c.n
    if n.words or n.value > 30 or not _FIELD_LABEL.match(ctx.norm, n.end):
        return None
    word = ctx.view.next_tok(n.end)
    if word is None or lexicon().acronym_base(word.text):
        return None
    an = morph.analyse(word.text)
    if any(a.pos in ("subst", "ger", "adj") and not a.lemma[:1].isupper() for a in an):  # a common word
        return Role.ENUMERATION
    return None
