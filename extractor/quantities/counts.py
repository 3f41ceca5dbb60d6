"""Counts: a number and what it counts — "30 spotkań", "3 IPSy", "pięciu grup", "Grupy
inicjatywne (8)", "spotkania animacyjne – 22", "Osoby objęte wsparciem: 45", "(zakładaliśmy 70)"."""
from __future__ import annotations

import re
from functools import cache

from .. import morph
from ..lexicon import lexicon
from ..phrases import _adj_lemma, lemma_phrase
from ..rules import rule
from ..text import WORDS, Tok, View, Word, alternation, last_word, word_at
from .common import (
    HEAD_BRACKET_END,
    ITEM_END,
    agree_list,
    clause_start,
    dehyphen,
    figure_words,
    is_finite_verb,
    marker_res,
    measured,
    names_a_thing,
    skip_words,
    vote_before,
)
from .model import Candidate, Context, Num, Qty, Role


def noun_at(view: View, t: Tok) -> bool:
    lx = lexicon()
    if lx.acronym_base(t.text):
        return True
    if view.norm[t.end:t.end + 1] == "." and (t.text.lower() + ".") in lx.abbreviations:
        return True
    return morph.is_noun(t.text)


# --- deciding rules: the noun after the number ----------------------------------------------

_MULTIPLIER = re.compile(r"\s?(tys\.|tysięcy|tysiące|tysiąca|mln\.?|milion\w*)\s")


@rule("decide", "counts.thousands")
def thousands(ctx: Context, c: Candidate) -> Qty | None:
    """'2 tys. osób', 'ponad 1,5 tysiąca uczestników': the multiplier is part of the figure."""
    n = c.n
    m_tys = _MULTIPLIER.match(c.after)
    if not m_tys or n.words:
        return None
    mult = lexicon().units.money_multipliers.get(m_tys.group(1).lower(), 1000)
    scaled = Num(n.start, n.end + m_tys.end() - 1, n.value * mult)
    noun = counted_noun(ctx.view, scaled) or elliptic(ctx.view, scaled)
    if noun is not None and noun[1] is not None:
        return Qty("count", n.start, noun[0], scaled.int_value, n, subject=noun[1])
    return None


@rule("decide", "counts.times")
def times(ctx: Context, c: Candidate) -> Qty | None:
    """'zarząd zebrał się czterokrotnie', 'Zarząd zebrał się 19 razy': a count of events; what
    is counted is its clause's subject (the first noun in the nominative before it)."""
    n, view = c.n, ctx.view
    if n.times:
        end = n.end
    elif c.nxt is not None and c.nxt_text.lower() in lexicon().times.times_words and c.nxt.start <= n.end + 1:
        end = c.nxt.end
    else:
        return None
    from .breakdowns import context_subject

    return Qty("count", n.start, end, n.int_value, n, subject=context_subject(view, clause_start(view, n.start), n.start))


@rule("decide", "counts.noun")
def number_noun(ctx: Context, c: Candidate) -> Qty | Role | None:
    """'30 spotkań', '12 nowych miejsc pracy', '3 IPSy', '9 spot.': the counted noun after the
    number (a time unit after it makes a duration: '3 dni')."""
    n = c.n
    noun = counted_noun(ctx.view, n)
    if noun is None:
        return None
    end, subject = noun
    if subject is None:
        return Role.DURATION
    return Qty("count", n.start, end, n.int_value, n, subject=subject)


@rule("decide", "counts.noun_bracket")
def noun_bracket(ctx: Context, c: Candidate) -> Qty | None:
    """'Grupy inicjatywne (8)': the noun phrase before a bracketed number."""
    n = c.n
    if c.prev_text == "(" and c.nxt_text == ")" and not n.words:
        ph = _phrase_before(ctx.view, c.prev.start if c.prev else n.start)
        if ph is not None:
            s, subject = ph
            return Qty("count", s, c.nxt.end if c.nxt else n.end, n.int_value, n, subject=subject)
    return None


@cache
def _pronoun_before() -> re.Pattern[str]:
    """'… ich', '… ich łącznie', '… ich ok.' right before a figure."""
    mk = lexicon().markers
    return re.compile(rf"(?<![^\W\d_])(?i:ich)(?:\s{{1,3}}(?i:{alternation([*mk.total, *mk.approximate])}))?\s{{1,3}}$")


@rule("decide", "counts.pronoun")
def pronoun_count(ctx: Context, c: Candidate) -> Qty | None:
    """'Prowadziliśmy cykl warsztatów. Odbyło się ich łącznie 16', 'posiłek – w ciągu roku wydano
    ich 5 480': a figure after the pronoun counts the noun it stands for, the last common noun
    before it (in its sentence or the one before) that no preposition governs, that is no
    genitive attribute of a plural noun before it and no span of time."""
    n, view = c.n, ctx.view
    norm = view.norm
    m = _pronoun_before().search(norm, max(0, n.start - 30), n.start)
    if m is None:
        return None
    s, _ = view.sentence(m.start())
    ws, _ = view.sentence(max(0, s - 1))
    words = [t for t in view.tokens_between(ws, m.start()) if t.is_word]
    gram = lexicon().grammar
    for k in range(len(words) - 1, -1, -1):
        w = words[k].text
        if not w.islower():
            continue
        nouns = [i for i in morph.analyse(w) if i.pos == "subst"]
        if not nouns or any(i.pos in gram.verb_tags for i in morph.analyse(w)):
            continue
        governed = [x.text.lower() for x in words[max(0, k - 2):k]]
        if governed and any(i.pos == "subst" and "pl" in i.number for i in morph.analyse(governed[-1])) and \
                any("gen" in i.case for i in nouns):
            continue   # "mieszkańców gminy": the genitive after a plural noun belongs to it ("cykl warsztatów" not)
        if any(i.pos == "prep" for g in governed[-1:] for i in morph.analyse(g)) or \
                nouns[0].lemma in gram.time_nouns or \
                len(governed) == 2 and any(i.pos == "prep" for i in morph.analyse(governed[0])) and \
                any(i.pos == "subst" for i in morph.analyse(governed[1])):
            continue   # "w ciągu roku", "dla seniorów": a complement, not what is counted
        return Qty("count", m.start(), n.end, n.int_value, n, subject=lemma_phrase(w))
    return None


@rule("decide", "counts.elliptic")
def elliptic_count(ctx: Context, c: Candidate) -> Qty | None:
    """'46 szkoleń …, w tym 12 wyjazdowych': a number with adjectives only, the noun implied."""
    ell = elliptic(ctx.view, c.n)
    if ell is None:
        return None
    return Qty("count", c.n.start, ell[0], c.n.int_value, c.n, subject=ell[1])


def _governed_by(n: Num, word: str) -> bool:
    """Whether `word` can be a noun in the form the number `n` takes: the nominative singular
    after 1, the nominative or accusative plural after 2–4 (not 12–14), else the genitive plural.
    A word of no known noun reading passes (an acronym, a typo): this only rules out."""
    if not float(n.value).is_integer():
        return True
    v = int(n.value)
    nouns = [i for i in morph.analyse(word.lower()) if i.pos in ("subst", "adj")]
    if not nouns:
        return True
    if v == 1:
        want = [("sg", "nom"), ("sg", "acc")]
    elif v % 10 in (2, 3, 4) and v % 100 not in (12, 13, 14):
        want = [("pl", "nom"), ("pl", "acc"), ("pl", "gen")]   # "22 osoby", also "2 osób" in m1
    else:
        want = [("pl", "gen")]
    return any(num in i.number and case in i.case for i in nouns for num, case in want)


def counted_noun(view: View, n: Num) -> tuple[int, str | None] | None:
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
        if "\n" in gap and k == i and not _governed_by(n, w.text):
            return None  # "wykonanie: 8\nzajęcia komputerowe": the next line's noun is not in the case 8 takes
        low = w.text.lower()
        if low in lx.vague_numbers.words or low in morph.number_forms():
            return None
        base = lx.acronym_base(w.text)
        if base is None and w.text.isupper() and len(w.text) > 1 and morph.known(w.text.lower()):
            return None  # "3\nZADANIE": a heading word in capitals, not a counted noun
        abbrev = (low + ".") in lx.abbreviations and norm[w.end:w.end + 1] == "."
        if base:
            end = extend_phrase(view, w.last)
            return end, lemma_phrase(dehyphen(norm[toks[i].start:end]))
        if abbrev:
            exp = lx.abbreviations[low + "."]
            if exp in lx.units.not_counted or exp in lx.grammar.not_counted_abbreviations:
                return None if exp not in lx.grammar.time_abbreviations else (w.end, None)
            if exp == "godzina":
                return None
            end = max(extend_phrase(view, w.last + 1), w.end + 1) if w.last + 1 < len(toks) else w.end + 1
            phrase = lemma_phrase(dehyphen(norm[toks[i].start:end]))
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
        end = extend_phrase(view, w.last)
        return end, lemma_phrase(dehyphen(norm[toks[i].start:end]))
    return None


def _noun_next(view: View, w: Word) -> bool:
    nxt = word_at(view, w.last + 1)
    if nxt is None or view.norm[w.end:nxt.start] not in (" ", "\n"):
        return False
    if lexicon().acronym_base(nxt.text):
        return True
    an = morph.analyse(nxt.text)
    return any(a.pos == "subst" for a in an) and not any(a.pos == "adj" for a in an)


def elliptic(view: View, n: Num) -> tuple[int, str] | None:
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


def extend_phrase(view: View, k: int) -> int:
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


# --- sweeps: a label before the figure -------------------------------------------------------

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


@rule("quantities", "counts.noun_number")
def noun_number(ctx: Context, n: Num) -> Qty | None:
    """'spotkania animacyjne – 22', 'szkolenia: 7', 'PS w inkubacji – 10': the noun first."""
    view = ctx.view
    if not ITEM_END.match(view.norm, n.end):
        return None
    vote = vote_before(view, n.start)
    if vote is not None:   # "za – 15, przeciw – 0, wstrzymało się – 1": votes of each side
        return Qty("count", vote[0], n.end, n.int_value, n, subject=vote[1])
    line_start = view.line_start(n.start)
    s, _ = view.sentence(n.start)
    found = _phrase_before_dash(view.norm, max(line_start, s, n.start - 90), n.start)
    if found is None:
        return None
    ph_start, phrase = found
    phrase = dehyphen(phrase).strip()
    words = WORDS.findall(phrase)
    if not words or len(words) > 5:
        return None
    if all(w.lower() in figure_words() for w in words):
        return None  # "plan – 24", "wykonanie – 27": the counted thing is named by the line's head
    if all(w.lower() in lexicon().markers.total for w in words):
        return None  # "razem – 35": a total of the list before it (breakdowns.totals_after)
    if not names_a_thing(words):
        return None
    if any(a.pos in ("fin", "praet", "inf", "impt", "imps") for w in words for a in morph.analyse(w)):
        return None
    kind, subject = measured(phrase)
    return Qty(kind, ph_start, n.end, n.int_value, n, subject=subject)


# what opens an answer's line before its figure: a dash or a bullet, "Odp.:"
_OPEN = r"[ \t]*(?:[-•*][ \t]*|(?i:odp(?:owiedź)?\.?)[ \t]*:?[ \t]*)?"
_ANSWER = re.compile(_OPEN + r"(?:\d[\d ]*[ \t]+z[ \t]+)?")    # "– 19 z " before the whole's 24


@rule("quantities", "counts.answer")
def answer_count(ctx: Context, n: Num) -> Qty | None:
    """A question and its answer: "Ilu uczestników ukończyło IPZS?" / "– 19 z 24." — the figure
    that opens the answer (and the whole it is taken "z" of) counts what the question asks
    about; "Ile godzin wsparcia zrealizowano?" / "– 1 240" are hours (lexicon grammar.how_many)."""
    view = ctx.view
    norm = view.norm
    ls = view.line_start(n.start)
    m = _ANSWER.match(norm, ls, n.start)
    if m is None or m.end() != n.start or ls < 2:
        return None
    q_end = ls - 1
    q = norm[view.line_start(q_end):q_end].rstrip()
    if not q.endswith("?"):
        return None
    words = WORDS.findall(q)
    ask = next((i for i, w in enumerate(words) if w.lower() in lexicon().grammar.how_many), None)
    if ask is None:
        return None
    phrase: list[str] = []
    for w in words[ask + 1:]:
        if any(a.pos in lexicon().grammar.verb_tags for a in morph.analyse(w)):
            break
        phrase.append(w)
    if not phrase or not names_a_thing(phrase):
        return None
    kind, subject = measured("liczba " + " ".join(phrase))
    return Qty(kind, n.start, n.end, n.int_value, n, subject=subject)


@cache
def _bracket_total() -> re.Pattern[str]:
    """A total marker opening a bracket right before the figure: "(razem " of "(razem 12):"."""
    return re.compile(r"\([ \t]*(?P<marker>" + alternation(lexicon().markers.total) + r")[ \t]*:?[ \t]*$", re.I)


@rule("quantities", "counts.bracket_total")
def bracket_total(ctx: Context, n: Num) -> Qty | None:
    """'Przyjęcia według podmiotu kierującego (razem 14):' and the list below it: the bracket's
    figure is the total of what the line's head names (its items are linked to it as parts)."""
    view = ctx.view
    norm = view.norm
    if n.words or not HEAD_BRACKET_END.match(norm, n.end, n.end + 8):
        return None
    ls = view.line_start(n.start)
    m = _bracket_total().search(norm, max(ls, n.start - 24), n.start)
    if m is None:
        return None
    head = norm[ls:m.start()].strip()
    if not head or len(head) > 80 or any(c in head for c in "():") or not head[0].isalpha():
        return None
    words = WORDS.findall(head)
    if not words or not names_a_thing(words):
        return None
    if head[1:2].islower():   # the capital that opens the line is no part of the name
        head = head[0].lower() + head[1:]
    kind, subject = measured(head)
    return Qty(kind, m.start("marker"), n.end, n.int_value, n, subject=subject)


_SAMPLE = re.compile(r"(?<![^\W\d_])[nN][ \t]?=[ \t]?$")


@rule("quantities", "counts.sample")
def sample_count(ctx: Context, n: Num) -> Qty | None:
    """'ścieżkę reintegracji (n=14)', '71% (n=24)': the number of people (or cases) a statement
    covers, written the statistician's way."""
    m = _SAMPLE.search(ctx.view.norm, max(0, n.start - 4), n.start) if not n.words else None
    return Qty("count", m.start(), n.end, n.int_value, n) if m else None


@rule("quantities", "counts.copula")
def copula_count(ctx: Context, n: Num) -> Qty | None:
    """'Rodzin wielodzietnych było 61, a rodzin niepełnych 83', 'Spotkań z rodzicami było 6',
    'Członków jest obecnie 48': the clause opens with what is counted, in the genitive plural, then
    a form of "być" (lexicon grammar.copula) and the figure, fillers between them; after "a", the
    form may be left out when the clause before it has one."""
    view = ctx.view
    if n.words or not ITEM_END.match(view.norm, n.end):
        return None
    cs = clause_start(view, n.start)
    words = WORDS.findall(view.norm[cs:n.start])
    lx = lexicon()
    copula = lx.grammar.copula
    after_a = bool(words) and words[0].lower() == "a"
    if words and words[0].lower() in lx.grammar.conjunctions:
        words = words[1:]
    skip = skip_words() | set(lx.grammar.copula_fillers)
    while words and words[-1].lower() in skip:
        words.pop()
    if words and words[-1].lower() in copula:
        words.pop()
    elif not (after_a and any(w.lower() in copula for w in WORDS.findall(view.norm[view.sentence(cs)[0]:cs]))):
        return None
    if not 1 <= len(words) <= 5:
        return None
    first = morph.analyse(words[0])
    if not any(i.pos in ("subst", "ger") and "gen" in i.case and "pl" in i.number for i in first):
        return None   # "W roku 2022 było 61 …": no counted noun opens the clause
    if any(i.lemma in lx.grammar.time_nouns for i in first):
        return None   # "Dni roboczych było 21": a span of time
    # after a preposition or a participle, its complement in any case ("z rodzicami", "zagrożonych
    # bezdomnością")
    in_phrase = False
    for w in words[1:]:
        readings = morph.analyse(w)
        if any(i.pos == "prep" for i in readings):
            in_phrase = True
            continue
        if not any(i.pos in ("subst", "ger", "adj", "ppas", "pact") and (in_phrase or "gen" in i.case)
                   for i in readings):
            return None
        in_phrase = in_phrase or any(i.pos in ("ppas", "pact") for i in readings)
    start = view.norm.index(words[0], cs)
    return Qty("count", start, n.end, n.int_value, n, subject=lemma_phrase(" ".join(words)))


_HEAD = re.compile(r"\s*+(?:[-•*]\s*+)?(?P<head>[^\W\d_][^:\n]{2,80}?)\s*:\s")


@rule("quantities", "counts.head")
def head_count(ctx: Context, n: Num) -> Qty | None:
    """'• Miejsca pracy: zakładaliśmy 96, osiągnięto 104', 'Nowe PS: plan – 24, wykonanie – 27':
    bare numbers after a line's 'Head:' count what the head names."""
    view = ctx.view
    if n.words and n.value == 1 or not ITEM_END.match(view.norm, n.end):
        return None
    line_start = view.sentence(n.start)[0]  # a sentence may run over flattened PDF lines
    m = _HEAD.match(view.norm, line_start, n.start)
    if not m:
        return None
    words = WORDS.findall(m["head"])
    if not words or len(words) > 8 or not names_a_thing(words):
        return None
    s, _ = view.sentence(n.start)
    if s > m.end():
        return None  # the head is in an earlier sentence
    kind, subject = measured(m["head"])
    return Qty(kind, n.start, n.end, n.int_value, n, subject=subject)


_ROW_LABEL = re.compile(r"[ \t]{0,40}(?:[-•*][ \t]{0,10}|\d{1,2}[.)][ \t]{1,10}|[a-z][)][ \t]{1,10})?"
                        r"(?P<label>[^\W\d_][^\n\d:;,()–|]{1,80}?)(?:[ \t]{0,10}[:–|-][ \t]{0,10}|\t[ \t]{0,10}|[ ]{1,3})$")
_ROW_END = re.compile(r"[ \t]*\.?[ \t]*(?:\n|$)")


@rule("quantities", "counts.row")
def row_count(ctx: Context, n: Num) -> Qty | None:
    """Table rows and label lines: 'Liczba spotkań animacyjnych<TAB>24', 'Szkolenia 6',
    'Osoby objęte wsparciem: 45' — a line that is a noun-phrase label and one figure."""
    view = ctx.view
    norm = view.norm
    if n.words or not _ROW_END.match(norm, n.end):
        return None
    m = _ROW_LABEL.match(norm, view.line_start(n.start), n.start)
    if not m:
        return None
    label = m["label"].strip(" \t-–")
    words = WORDS.findall(label)
    if not words or len(words) > 8 or all(w.lower() in figure_words() for w in words):
        return None
    if all(w.lower() in lexicon().markers.total for w in words):
        return None  # "razem 35": a total, named by what it adds up
    if not names_a_thing(words):
        return None
    if any(a.pos in ("fin", "praet", "inf", "impt", "imps", "bedzie") for w in words for a in morph.analyse(w)):
        return None
    kind, subject = measured(label)
    return Qty(kind, m.start("label"), n.end, n.int_value, n, subject=subject)


@cache
def _achieved_words() -> frozenset[str]:
    """The one-word markers of what was achieved: "wykonanie", "osiągnięto" (lexicon markers)."""
    return frozenset(w.lower() for w in lexicon().markers.achieved if " " not in w)


@rule("quantities", "counts.planned")
def planned_count(ctx: Context, n: Num) -> Qty | None:
    """'utworzyliśmy 88 miejsc pracy (zakładaliśmy 70)', '… 40 miejsc pracy – utworzono 43',
    'zaplanowano 20 zajęć, wykonanie 18': a bare number after a planning word, a verb or a word of
    what was achieved takes the subject of the figure before it ('wykonanie: 18' after a row's
    name is counts.head's)."""
    view = ctx.view
    _approx, planned_re = marker_res()
    if n.words and n.value == 1:
        return None
    before = view.norm[max(0, n.start - 30):n.start]
    found = last_word(before)
    if not found:
        return None
    word, tail = before[found[0]:found[1]], before[found[0]:]  # "zaplanowano", "zaplanowano: "
    s, _ = view.sentence(n.start)
    prev = [q for q in ctx.qtys_between(s, n.start) if q.kind in ("count", "hours") and q.parent is None]
    is_planned = bool(planned_re.search(" " + tail.rstrip()))
    if not is_planned:
        # "utworzono 43, z czego …": a verb, a bare number, and a figure earlier in the sentence;
        # "zaplanowano 20 zajęć, wykonanie 18": what was done, after what was planned
        if not prev or not ITEM_END.match(view.norm, n.end) or \
                not (is_finite_verb(word) or word.lower() in _achieved_words()):
            return None
    kind = prev[-1].kind if prev else "count"
    subject = prev[-1].subject if prev else None
    return Qty(kind, n.start - len(tail), n.end, n.int_value, n, subject=subject, planned=is_planned)


@rule("quantities", "counts.subject_from_context", kind="pass")
def subject_from_context(ctx: Context) -> None:
    """'Spotkania animacyjne … – 30 spotkań' -> subject 'spotkanie animacyjne'."""
    view = ctx.view
    for q in ctx.qtys:
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
                q.subject = head + " " + agree_list(nxt.text, head)
                break
