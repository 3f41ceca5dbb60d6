"""Pieces several quantity rules share: clauses, the noun phrase before a figure, subjects,
markers of approximate and planned figures."""
from __future__ import annotations

import re
from functools import cache

from .. import morph
from ..lexicon import lexicon
from ..phrases import _adj_lemma, head_lemma, lemma_phrase
from ..text import Tok, View, alternation, leading_words


@cache
def verb_tags() -> frozenset[str]:
    """Morfeusz tags of every verb form (lexicon [grammar] verb_tags)."""
    return lexicon().grammar.verb_tags


@cache
def finite_tags() -> frozenset[str]:
    return lexicon().grammar.finite_verb_tags


def is_verb(word: str) -> bool:
    return any(a.pos in verb_tags() for a in morph.analyse(word))


def is_finite_verb(word: str) -> bool:
    return any(a.pos in finite_tags() for a in morph.analyse(word))


_LINE_END_HYPHEN = re.compile(r"-\s*\n\s*(?=[a-ząćęłńóśźż])")


def dehyphen(s: str) -> str:
    """Undo a line-end hyphenation and join lines: 'bizneso-\\nwe' -> 'biznesowe'."""
    return _LINE_END_HYPHEN.sub("", s).replace("\n", " ") if "\n" in s else s


def service_heads() -> frozenset[str]:
    lx = lexicon()
    return lx.services.consultancy | lx.services.hours_subjects


@cache
def marker_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Markers a window before a number ends with: approximate ("około"), planned ("planowane")."""
    lx = lexicon()
    approx = re.compile(leading_words(lx.markers.approximate, r"[^\s(]") + r"\s*$")
    marker = leading_words(lx.markers.planned, r"[^\s(:]")
    planned = re.compile(rf"(?P<marker>{marker})\b(?:[^.;,()]|\.(?!\s+[A-ZĄĆĘŁŃÓŚŹŻ])){{0,40}}$")
    return approx, planned


@cache
def _prep_patterns() -> dict[str, re.Pattern[str]]:
    """A preposition of a [grammar] list between spaces (at the start, for label ones)."""
    g = lexicon().grammar
    return {
        "label_prepositions": re.compile(rf"^\s*(?:{alternation(g.label_prepositions)})\s+"),
        "complement_prepositions": re.compile(rf"\s(?:{alternation(g.complement_prepositions)})\s"),
        "head_prepositions": re.compile(rf"\s(?:{alternation(g.head_prepositions)})\s"),
    }


def _prep_re(which: str) -> re.Pattern[str]:
    return _prep_patterns()[which]


def strip_label_preposition(text: str) -> str:
    """'w UG/UM' -> 'UG/UM': a breakdown label without its leading preposition."""
    return _prep_re("label_prepositions").sub("", text)


def clause_start(view: View, pos: int) -> int:
    """Start of the clause that ends at `pos`: after the last , ; : ( ) of the sentence — looked
    for within 200 characters, so a sentence without punctuation costs no more than that."""
    s, _ = view.sentence(pos)
    s = max(s, pos - 200)
    seg = view.norm[s:pos]
    cut = max(seg.rfind(","), seg.rfind(";"), seg.rfind(":"), seg.rfind("("), seg.rfind(")"))
    return s + cut + 1 if cut >= 0 else s


@cache
def skip_words() -> frozenset[str]:
    """Words between a figure and its noun phrase that name neither: the approximate and total
    markers and the fillers of "w wymiarze 40 h", "w liczbie 5" (lexicon)."""
    mk = lexicon().markers
    return frozenset(w.rstrip(".").lower() for m in mk.approximate + mk.total + mk.fillers for w in m.split())


def np_before(view: View, cs: int, pos: int) -> tuple[int, list[str], int] | None:
    """The noun phrase that ends right before `pos` (verbs and markers in between skipped):
    (start offset, words, end offset). 'Szkolenie z księgowości trwało 16 godz.' -> 'Szkolenie z
    księgowości'; a word hyphenated at a line end is one word ('bizneso-\\nwe')."""
    lx = lexicon()
    conj = lx.grammar.conjunctions
    toks = list(view.tokens_between(cs, pos))
    words: list[Tok] = []
    k = len(toks) - 1
    # skip trailing verbs, markers and punctuation ("trwało", "wyniosło łącznie", "–", ":")
    while k >= 0 and (not toks[k].is_word or toks[k].text.lower() in skip_words() or is_verb(toks[k].text)):
        if toks[k].is_digit:
            return None
        k -= 1
    if k >= 0 and toks[k].text.lower() in conj:
        return None  # "… oraz 20 h doradztwa księgowego": the service is named after the unit
    while k >= 0:
        t = toks[k]
        if t.text == "/" or t.text == "." and k > 0 and (toks[k - 1].text.lower() + ".") in lx.abbreviations:
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
        if t.text.lower() in conj or any(a.pos in verb_tags() for a in an) and not morph.is_noun(t.text):
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
    if any((head_lemma(w.text + "." if view.norm[w.end:w.end + 1] == "." else w.text) or "") in lx.units.not_counted
           for w in words) \
            and not any(head_lemma(w.text) in service_heads() for w in words):
        return None  # "2016 r. – 120 h": a year, not the service
    return words[0].start, [w.text for w in words], words[-1].end


def subject_phrase(view: View, start: int, end: int) -> str:
    """Lemma phrase of a service: the head noun in the nominative, its adjectives agreeing,
    a prepositional complement kept as written ('szkolenie z księgowości')."""
    text = dehyphen(view.norm[start:end]).strip(" -:")
    m = _prep_re("complement_prepositions").search(text)
    head, rest = (text[:m.start()], text[m.start():]) if m else (text, "")
    out = lemma_phrase(head) + rest
    return out[:1].lower() + out[1:] if out[:1].isupper() and not out.split()[0].isupper() else out


def agree_list(text: str, head: str) -> str:
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


@cache
def _measure_heads() -> tuple[tuple[str, str], ...]:
    """(head, kind) of the lexicon's measure heads, the longest first."""
    heads = lexicon().measure_heads
    return tuple((h, heads[h]) for h in sorted(heads, key=len, reverse=True))


def measured(label: str) -> tuple[str, str | None]:
    """A row label's kind and subject: 'Liczba godzin doradztwa' is ('hours', 'doradztwo'),
    'Liczba uczestników' ('count', 'uczestnik'), anything else ('count', its lemma phrase)."""
    label = dehyphen(label).strip()
    low = label.lower()
    for head, kind in _measure_heads():
        if low.startswith(head + " ") and label[len(head):].strip():
            return kind, lemma_phrase(label[len(head):].strip())
        if low == head and kind != "count":   # a column headed "liczba godzin": hours of its rows
            return kind, None
    return "count", lemma_phrase(label)


@cache
def figure_words() -> frozenset[str]:
    """Words that name a kind of figure, not a counted thing: plan, wykonanie, …"""
    mk = lexicon().markers
    return frozenset(w.lower() for w in mk.planned + mk.achieved if " " not in w)


# what may follow a figure that ends a list item: punctuation, a line end, the end
ITEM_END = re.compile(r"\s*(?:[,;.)(/:]|\n|$)")
# a line's head whose bracket closes right before the colon that opens its list on the next
# line: "Wypisy według przyczyny (razem 12):"
HEAD_BRACKET_END = re.compile(r"[ \t]*\)[ \t]*:[ \t]*\n")


@cache
def _tally() -> re.Pattern[str]:
    """A side of a vote and its figure: "za – 14", "wstrzymało się: 2" (lexicon votes)."""
    return re.compile("(" + leading_words(lexicon().votes.sides, r"\w") + r")(?=\s*+[-:]\s*+\d)")


def vote_side(view: View, label: str, pos: int) -> str | None:
    """What the figure at `pos` counts when `label` is a side of a vote ("przeciw" -> "głos
    przeciw") in a sentence that tallies two sides at least; else None."""
    sides = lexicon().votes.sides
    side = sides.get(" ".join(label.lower().split()))
    if side is None:
        return None
    s, e = view.sentence(pos)
    tallied = {sides[" ".join(m[1].lower().split())] for m in _tally().finditer(view.norm, s, e)}
    return side if len(tallied) >= 2 else None


@cache
def _side_before() -> re.Pattern[str]:
    return re.compile("(" + leading_words(lexicon().votes.sides, r"\w") + r")\s*+[-:]\s*+$")


def vote_before(view: View, pos: int) -> tuple[int, str] | None:
    """(start, what it counts) of the side of a vote right before the figure at `pos`
    ("… – za – 15": "głos za"), in a sentence that tallies two sides at least."""
    m = _side_before().search(view.norm, max(view.sentence(pos)[0], pos - 40), pos)
    side = vote_side(view, m[1], pos) if m else None
    return (m.start(1), side) if m and side else None


def names_a_thing(words: list[str]) -> bool:
    """Some word of a label is a noun or a known acronym."""
    return any(morph.is_noun(w) or lexicon().acronym_base(w) for w in words)
