"""Polish morphology through Morfeusz2 (SGJP dictionary): lemmas, tags and inflection.

One analyser per process, built on first use; analyses and generated forms are cached per
word form, so a corpus pays for each distinct word once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

GEO = "nazwa_geograficzna"
GEO_PART = "człon_nazwy_geograficznej"
FIRST_NAME = "imię"
SURNAME = "nazwisko"
INSTITUTION = "nazwa_instytucji"


@dataclass(frozen=True)
class Interp:
    form: str
    lemma: str          # without Morfeusz's ":Sm3"-style homonym suffix
    pos: str            # subst, adj, num, prep, ...
    number: frozenset[str]
    case: frozenset[str]
    gender: frozenset[str]
    quals: tuple[str, ...]
    pt: bool            # plurale tantum ("Piecki")
    aspect: str | None = None  # verbs: perf | imperf

    @property
    def geo(self) -> bool:
        return GEO in self.quals

    @property
    def geo_part(self) -> bool:
        return GEO_PART in self.quals


@cache
def _morfeusz() -> Any:
    import morfeusz2  # heavy-ish: imported on first analysis, never for --help

    return morfeusz2.Morfeusz(expand_tags=False)


_CASES = {"nom", "gen", "dat", "acc", "inst", "loc", "voc"}
_NUMBERS = {"sg", "pl"}
_GENDERS = {"m1", "m2", "m3", "f", "n"}


def _parse(form: str, lemma: str, tag: str, quals: list[str]) -> Interp:
    fields = tag.split(":")
    number: set[str] = set()
    case: set[str] = set()
    gender: set[str] = set()
    pt = False
    aspect = None
    for f in fields[1:]:
        alts = set(f.split("."))
        if alts <= _NUMBERS:
            number |= alts
        elif alts <= _CASES:
            case |= alts
        elif alts <= _GENDERS:
            gender |= alts
        elif f == "pt":
            pt = True
        elif f in ("perf", "imperf"):
            aspect = f
    if pt:
        number = {"pl"}
    return Interp(form, lemma.split(":")[0], fields[0], frozenset(number), frozenset(case),
                  frozenset(gender), tuple(quals), pt, aspect)


def _raw(word: str) -> tuple[Interp, ...]:
    out = []
    for _s, _e, (form, lemma, tag, quals, _q2) in _morfeusz().analyse(word):
        if _s != 0:  # Morfeusz splits some forms ("ES-u"): keep first-segment readings only
            continue
        out.append(_parse(form, lemma, tag, quals))
    return tuple(out)


_DIACRITIC = {"a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "źż",
              "A": "Ą", "C": "Ć", "E": "Ę", "L": "Ł", "N": "Ń", "O": "Ó", "S": "Ś", "Z": "ŹŻ"}
MAX_VARIANTS = 1024


@lru_cache(maxsize=50_000)
def restore_diacritics(word: str, want: str | None = None) -> str | None:
    """'spotkan' -> 'spotkań', 'Bialogardzie' -> 'Białogardzie': the first variant with Polish
    letters that Morfeusz knows, for text typed without diacritics. None when none is known.
    `want` = a part of speech the variant must have ("adj": 'Slaskim' -> 'Śląskim', not the
    surname 'Ślaskim')."""
    slots = [(i, _DIACRITIC[ch]) for i, ch in enumerate(word) if ch in _DIACRITIC]
    total = 1
    for _, alts in slots:
        total *= len(alts) + 1
    if not slots or total > MAX_VARIANTS:
        return None
    # fewest substitutions first: the closest known spelling wins
    from itertools import combinations, product

    for k in range(1, min(len(slots), 4) + 1):
        for chosen in combinations(slots, k):
            for letters in product(*(alts for _, alts in chosen)):
                chars = list(word)
                for (i, _), letter in zip(chosen, letters, strict=True):
                    chars[i] = letter
                cand = "".join(chars)
                if any(i.pos != "ign" and (want is None or i.pos == want) for i in _raw(cand)):
                    return cand
    return None


@lru_cache(maxsize=200_000)
def analyse(word: str) -> tuple[Interp, ...]:
    """All interpretations of one word form (a single token, no spaces). An unknown word
    written without Polish letters is read as its restored spelling ('uczestnikow')."""
    if not word or " " in word:
        return ()
    out = _raw(word)
    if word.isascii() and word.isalpha() and len(word) > 2 and all(i.pos == "ign" for i in out):
        fixed = restore_diacritics(word)
        if fixed is not None:
            return _common_first(_raw(fixed))
    return _common_first(out)


@cache
def _preferred_lemmas() -> frozenset[str]:
    from .lexicon import lexicon

    return lexicon().preferred_lemmas.words


def _common_first(an: tuple[Interp, ...]) -> tuple[Interp, ...]:
    """Two common nouns with the same form ('gminy': gmin or gmina, 'umów': um or umowa): the
    genre's word first (lexicon: preferred_lemmas), else the lemma with more readings of the
    form, as the likelier word (a stable order otherwise)."""
    lemmas: dict[str, int] = {}
    for i in an:
        if i.pos == "subst":
            if i.geo or i.lemma[:1].isupper():
                return an  # a proper name is weighed elsewhere (places)
            lemmas[i.lemma] = lemmas.get(i.lemma, 0) + 1
    if len(lemmas) < 2:
        return an
    preferred = _preferred_lemmas()
    if len(set(lemmas.values())) < 2 and not preferred.intersection(lemmas):
        return an
    rank = {lem: (lem not in preferred, -n) for lem, n in lemmas.items()}
    subst = sorted((i for i in an if i.pos == "subst"), key=lambda i: rank[i.lemma])
    it = iter(subst)
    return tuple(next(it) if i.pos == "subst" else i for i in an)


def known(word: str) -> bool:
    return any(i.pos != "ign" for i in analyse(word))


@lru_cache(maxsize=100_000)
def known_as_written(word: str) -> bool:
    """Known to Morfeusz exactly as spelt (no diacritic restoration)."""
    return any(i.pos != "ign" for i in _raw(word))


@lru_cache(maxsize=100_000)
def noun_lemma(word: str) -> str | None:
    """Lemma of the word read as a common noun (or gerund), None if it cannot be one."""
    best = None
    for i in analyse(word):
        if i.pos == "subst" and not i.geo and "nazwisko" not in i.quals and "imię" not in i.quals:
            lem = i.lemma
            return lem if word[:1].isupper() and lem[:1].isupper() else lem.lower() if not word[:1].isupper() else lem
        if i.pos in ("ger", "depr") and best is None:
            best = i.lemma
    return best


def is_future(word: str) -> bool:
    """A verb form that speaks of the future: 'zorganizujemy', 'przeprowadzi' (a perfective
    non-past form), 'będzie', 'będą'."""
    an = analyse(word)
    verbs = [i for i in an if i.pos in ("fin", "bedzie")]
    return bool(verbs) and len(verbs) == len(an) and all(i.pos == "bedzie" or i.aspect == "perf" for i in verbs)


def is_noun(word: str) -> bool:
    return any(i.pos in ("subst", "ger", "depr", "brev") for i in analyse(word))


def is_adj(word: str) -> bool:
    return any(i.pos in ("adj", "ppas", "pact") for i in analyse(word))


def only_adj(word: str) -> bool:
    an = analyse(word)
    return bool(an) and all(i.pos in ("adj", "ppas", "pact", "adja", "adjp") for i in an)


def lemma(word: str) -> str:
    """A single best lemma: noun first, then adjective, then anything; the form itself if unknown."""
    an = analyse(word)
    for pos in (("subst",), ("adj", "ppas", "pact"), ("ger",), ("num",)):
        for i in an:
            if i.pos in pos and "nazwisko" not in i.quals and "imię" not in i.quals:
                return i.lemma
    if an and an[0].pos != "ign":
        return an[0].lemma
    return _guess_lemma(word)


@cache
def _unknown_endings() -> tuple[tuple[str, str], ...]:
    from .lexicon import lexicon

    endings = lexicon().unknown_word_endings.endings
    return tuple(sorted(endings.items(), key=lambda kv: -len(kv[0])))


def guessed_noun(word: str) -> bool:
    """A word the dictionary lacks whose case ending marks it a noun ("mentoringu")."""
    return not known(word) and _guess_lemma(word) != word


def _guess_lemma(word: str) -> str:
    """A lemma for a word the dictionary lacks, by its case ending (lexicon: unknown_word_endings)."""
    low = word.lower()
    for ending, base in _unknown_endings():
        if low.endswith(ending) and len(low) > len(ending) + 2:
            return word[:-len(ending)] + base
    return word


@lru_cache(maxsize=50_000)
def adj_form(adj_lemma: str, number: str, case: str, gender: str) -> str | None:
    """Inflect an adjective lemma: adj_form('warmiński', 'sg', 'nom', 'm3') -> 'warmiński'."""
    try:
        forms = _morfeusz().generate(adj_lemma)
    except RuntimeError:
        return None
    for form, _lem, tag, _q, _q2 in forms:
        i = _parse(form, _lem, tag, [])
        if i.pos == "adj" and number in i.number and case in i.case and gender in i.gender \
                and tag.endswith(":pos"):
            return str(form)
    return None


@cache
def noun_forms(lemma: str) -> tuple[str, ...]:
    """All forms of a common noun, lower-case, the lemma first: noun_forms('gmina') ->
    ('gmina', 'gminy', …)."""
    out = [lemma]
    try:
        forms = _morfeusz().generate(lemma)
    except RuntimeError:
        return (lemma,)
    for form, lem, tag, _q, _q2 in forms:
        if tag.startswith("subst") and lem.split(":")[0] == lemma and form.lower() not in out:
            out.append(form.lower())
    return tuple(out)


@lru_cache(maxsize=20_000)
def participle_form(word: str, number: str, case: str, gender: str) -> str | None:
    """Make a participle agree with its noun: participle_form('objęte', 'sg', 'nom', 'f') ->
    'objęta', ('monitorujące', 'sg', 'nom', 'f') -> 'monitorująca'."""
    part = next((i for i in analyse(word) if i.pos in ("pact", "ppas")), None)
    if part is None:
        return None
    try:
        forms = _morfeusz().generate(part.lemma)
    except RuntimeError:
        return None
    for form, _lem, tag, _q, _q2 in forms:
        i = _parse(form, _lem, tag, [])
        if i.pos == part.pos and i.aspect == part.aspect and number in i.number and case in i.case \
                and gender in i.gender and tag.endswith(":aff") and form[:2].lower() == word[:2].lower():
            return str(form)
    return None


@lru_cache(maxsize=20_000)
def number_forms() -> dict[str, int]:
    """Every inflected form of the lexicon's number words -> value ('pięciu' -> 5)."""
    from .lexicon import lexicon

    out: dict[str, int] = {}
    for lem, value in lexicon().number_words.items():
        out[lem] = value
        try:
            for form, _lem, tag, _q, _q2 in _morfeusz().generate(lem):
                if tag.startswith(("num", "adj")) or lem in ("oba", "obydwa"):
                    out.setdefault(form.lower(), value)
        except RuntimeError:
            continue
    return out
