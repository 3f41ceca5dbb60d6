"""Places: localities, counties, communes and voivodeships, canonical nominative names.

Morfeusz2 tells geographic names apart (qualifier `nazwa_geograficzna`) and gives their
lemma ("Ornecie" -> "Orneta"); multi-word names are rebuilt in the nominative
("Lidzbarku Warmińskim" -> "Lidzbark Warmiński", "Dobrym Mieście" -> "Dobre Miasto").
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from . import morph
from .lexicon import lexicon, places_data
from .text import Tok, View, Word, is_word_char, word_at
from .text import fold as _fold


@dataclass
class PlaceMention:
    start: int
    end: int
    value: str
    kind: str
    rule: str
    typo: tuple[str, str] | None = None   # (as written, corrected)


class _Towns(frozenset):  # type: ignore[type-arg]
    """Town names; membership also ignores diacritics ("Bielsko-Biala" lists Bielsko-Biała)."""

    folded: frozenset[str]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (frozenset.__contains__(self, name) or _fold(name) in self.folded)


@cache
def _towns() -> _Towns:
    """Hand-listed towns plus the GeoNames gazetteer of Polish places."""
    from importlib import resources

    raw = resources.files("extractor.data").joinpath("gazetteer_pl.txt").read_text(encoding="utf-8")
    names = {line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")}
    towns = _Towns(names | set(places_data().towns))
    towns.folded = frozenset(_fold(n) for n in towns)
    return towns


@cache
def _stem_index() -> dict[str, list[tuple[str, str]]]:
    """Single-word gazetteer names by their first four folded letters."""
    idx: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(_towns()):  # sorted: the same tie-break in every process
        if " " in name or "-" in name:
            continue
        f = _fold(name)
        idx.setdefault(f[:4], []).append((f, name))
    return idx


def gazetteer_stem(form: str) -> str | None:
    """A gazetteer name this inflected form can belong to: 'Polanowie' -> 'Polanów',
    'Karlinie' -> 'Karlino' (the name's stem is a prefix of the form, a short ending remains)."""
    f = _fold(form)
    best: tuple[int, str] | None = None
    for gf, name in _stem_index().get(f[:4], []):
        n = 0
        for a, b in zip(gf, f, strict=False):
            if a != b:
                break
            n += 1
        if n >= max(4, len(gf) - 2) and len(f) - n <= 4 and (best is None or n > best[0]):
            best = (n, name)
    return best[1] if best else None


def _quoted(norm: str) -> list[tuple[int, int]]:
    """Regions inside quotation marks: titles of events and initiatives."""
    out = []
    for m in re.finditer(r'"[^"\n]{1,200}(?:\n[^"\n]{1,200})?"', norm):
        out.append((m.start(), m.end()))
    return out


def _geo_readings(word: str, case: str | None, lenient: bool = False) -> list[morph.Interp]:
    lx = lexicon()
    an = morph.analyse(word)
    if word.isascii() and not any(i.geo and (case is None or case in i.case) for i in an):
        fixed = morph.restore_diacritics(word)  # "Sianow" (typed without ó) in the nominative
        if fixed is not None:
            an = morph.analyse(fixed)
    ambiguous = any(i.pos == "adj" for i in an)
    if any(i.geo and i.lemma in lx.places.not_localities and (case is None or case in i.case) for i in an):
        return []  # "z Niemiec" names the country, not the village Niemce
    out = []
    for i in an:
        if i.pos == "subst" and (i.geo or i.geo_part) and (case is None or case in i.case):
            if i.geo and i.lemma in lx.places.not_localities:
                continue  # regions, countries, rivers
            if i.geo and i.lemma in lx.places.common_word_names and \
                    (ambiguous or i.lemma == word or i.lemma not in _towns() and _common_noun_too(word, i)) and \
                    not (lenient and i.lemma in _towns()):
                continue  # "Nowe"/"Dobra"/"w Oddziale" as words; "w Nowem" is unambiguous
            out.append(i)
    return out


def _common_noun_too(word: str, geo: morph.Interp) -> bool:
    """The same form is a common noun of the same lemma in the same case ("Oddziale": oddział)."""
    return any(i.pos == "subst" and not i.geo and not i.geo_part and i.lemma == geo.lemma.lower()
               and i.case & geo.case for i in morph.analyse(word.lower()))


def _adj_readings(word: str, case: str | None) -> list[morph.Interp]:
    out = [i for i in morph.analyse(word) if i.pos == "adj" and (case is None or case in i.case)]
    if not out and word.isascii():
        fixed = morph.restore_diacritics(word, "adj")  # "Slaskim" is a surname; "Śląskim" the adjective
        if fixed is not None:
            out = [i for i in morph.analyse(fixed) if i.pos == "adj" and (case is None or case in i.case)]
    return out


def _pick(readings: list[morph.Interp], plural_form: bool = False) -> morph.Interp:
    towns = _towns()
    known = [i for i in readings if i.lemma in towns]
    if known:
        # "Wieliczkach": the plurale tantum Wieliczki, not the town Wieliczka in the plural
        return next((i for i in known if i.pt), known[0]) if plural_form else known[0]
    geo = [i for i in readings if i.geo] or readings
    if plural_form:
        pt = [i for i in geo if i.pt]
        if pt:
            return pt[0]
    return geo[0]


def _single(word: str, case: str | None, before_name: bool = False, lenient: bool = False) -> str | None:
    """One-word place name; `before_name`: a capitalised word follows, so an adjectival
    reading ("w Olsztyńskich Dniach Seniora") is the start of another name, not a place."""
    if "-" in word:
        return _hyphenated(word, case)
    r = [i for i in _geo_readings(word, case, lenient) if i.geo]
    if not r or before_name and any(i.pos == "adj" and (case is None or case in i.case) for i in morph.analyse(word)):
        return None
    plural = all("pl" in i.number for i in r) and any(i.pt for i in r)
    best = _pick(r, plural).lemma
    if best not in _towns() and case != "nom":
        # Morfeusz knows a village of another name: "Polanowie" read as Polanowo, the town is Polanów;
        # but not a town whose own forms Morfeusz knows and this word is not one of ("Lwowa" is not
        # a form of Lwówek, "Mszanowie" not one of Mszana)
        stem = gazetteer_stem(word)
        if stem is not None and _could_be_form_of(word, stem):
            return stem
    return best


def _could_be_form_of(word: str, name: str) -> bool:
    """Whether `word` may inflect the place `name`: yes when Morfeusz lists it among the name's
    forms, or when Morfeusz does not know the name at all (then the gazetteer's stem match decides)."""
    forms = morph.noun_forms(name)
    return len(forms) == 1 or word.lower() in forms


def _hyphenated(word: str, case: str | None) -> str | None:
    """'Rucianem-Nidzie' -> 'Ruciane-Nida', 'Golubiu-Dobrzyniu' -> 'Golub-Dobrzyń'."""
    from itertools import product

    options = []
    for part in word.split("-"):
        lemmas = [i.lemma[:1].upper() + i.lemma[1:] for i in morph.analyse(part)
                  if i.pos == "subst" and (case is None or case in i.case)]  # "Zdroju" -> Zdrój
        lemmas += [part] if not lemmas or case in (None, "nom") else []
        options.append(list(dict.fromkeys(lemmas)))
    combos = ["-".join(c) for c in product(*options)]
    for c in combos:
        if c in _towns():
            return c
    geo_any = any(i.geo for p in word.split("-") for i in morph.analyse(p))
    return combos[0] if combos and geo_any else None


def resolve_name(words: list[str], case: str | None, before_name: bool = False,
                 lenient: bool = False) -> str | None:
    """Nominative canonical name of a run of capitalised words, or None if not a place.
    `lenient`: the name stands in a list of places, so a town named like a common word counts."""
    return _resolve_name(tuple(words), case, before_name, lenient)


@lru_cache(maxsize=50_000)  # the same few hundred names in every report: look each up once
def _resolve_name(words: tuple[str, ...], case: str | None, before_name: bool, lenient: bool) -> str | None:
    if len(words) == 1:
        return _single(words[0], case, before_name, lenient)
    towns = _towns()
    if " ".join(words) not in towns and _person(words):
        return None
    found: list[str] = []
    for h, w in enumerate(words):
        for head in sorted(_geo_readings(w, case, lenient), key=lambda i: (i.lemma not in towns, not i.pt, not i.geo)):
            name = _compose(words, h, head, case)
            if name:
                if name in towns:
                    return name
                if head.geo:  # "Podkarpackich Targach" (a fair) is no town named "Podkarpacki Targ"
                    found.append(name)
    # every word a geographic noun in the same case: "Wysokiem Mazowieckiem" -> "Wysokie Mazowieckie"
    readings = [[i for i in _geo_readings(w, case) if i.geo] for w in words]
    if all(readings):
        for combo in _cases_agree(readings):
            name = " ".join(i.lemma for i in combo)
            if name in towns:
                return name
    if found and found[0] not in lexicon().places.not_localities | lexicon().places.common_word_names:
        return found[0]
    return gazetteer_phrase(words, case)


def _person(words: tuple[str, ...]) -> bool:
    """A first name and a surname in the nominative ("Sporządziła: Elżbieta Gronowska"), not a place
    (a place after a preposition is in another case: "w Rudzie Śląskiej")."""
    return len(words) == 2 and \
        any(morph.FIRST_NAME in i.quals and "nom" in i.case for i in morph.analyse(words[0])) and \
        any(morph.SURNAME in i.quals and "nom" in i.case for i in morph.analyse(words[1]))


@cache
def _phrase_index() -> dict[tuple[int, str], list[tuple[list[str], str]]]:
    """Multi-word gazetteer names by (word count, first three folded letters)."""
    idx: dict[tuple[int, str], list[tuple[list[str], str]]] = {}
    for name in sorted(_towns()):  # sorted: the same tie-break in every process
        parts = name.split()
        if len(parts) > 1:
            idx.setdefault((len(parts), _fold(parts[0])[:3]), []).append(([_fold(p) for p in parts], name))
    return idx


def gazetteer_phrase(words: Sequence[str], case: str | None) -> str | None:
    """A multi-word gazetteer name the run spells, inflected or not: 'Nowa Karczma',
    'Nowej Karczmie' (each word keeps the name word's stem, a short ending differs)."""
    folded = [_fold(w) for w in words]
    for parts, name in _phrase_index().get((len(words), folded[0][:3]), []):
        if folded == parts and case in (None, "nom"):
            return name
        if case != "nom" and all(_stem_ok(p, f) for p, f in zip(parts, folded, strict=True)):
            return name
    return None


def _stem_ok(name_word: str, form: str) -> bool:
    n = 0
    for a, b in zip(name_word, form, strict=False):
        if a != b:
            break
        n += 1
    return n >= max(3, len(name_word) - 3) and len(form) - n <= 4


def _cases_agree(readings: list[list[morph.Interp]]) -> list[tuple[morph.Interp, ...]]:
    from itertools import product

    return [c for c in product(*readings) if frozenset.intersection(*(i.case for i in c))]


def _compose(words: Sequence[str], h: int, head: morph.Interp, case: str | None) -> str | None:
    """Rebuild a multi-word name around its head noun, adjectives agreeing in the nominative."""
    number = "pl" if head.pt or ("pl" in head.number and "sg" not in head.number) else "sg"
    if number == "pl" and not head.pt:
        return None  # "Starych Jabłonkach" is Stare Jabłonki, not a plural of the village Jabłonka
    gender = next((g for g in ("m3", "f", "n", "m1", "m2") if g in head.gender), "m3")
    out = []
    for k, other in enumerate(words):
        if k == h:
            out.append(head.lemma)
            continue
        adjs = [a for a in _adj_readings(other, case) if (head.case & a.case) and number in a.number]
        if not adjs:
            return None
        form = morph.adj_form(adjs[0].lemma, number, "nom", gender if number == "sg" else "n")
        if not form:
            return None
        out.append(form[:1].upper() + form[1:])
    return " ".join(out)


def _cap_run(view: View, i: int, limit: int = 3) -> list[Word]:
    run: list[Word] = []
    k = i
    while len(run) < limit:
        w = word_at(view, k)
        if w is not None and w.text.isupper() and len(w.text) >= 4 and lexicon().acronym_base(w.text) is None:
            # a title in capitals: "ŚRODOWISKOWY DOM SAMOPOMOCY W ZWOLENIU" — read as "Zwoleniu"
            w = Word(w.start, w.end, "-".join(p.capitalize() for p in w.text.split("-")), w.last)
        if w is None or not (w.text[0].isupper() and not w.text.isupper()):
            break
        if run and view.norm[run[-1].end:w.start] not in (" ", "\n", " \n", "\n "):
            break
        run.append(w)
        k = w.last + 1
    return run


def _name_goes_on(word: str) -> bool:
    """A capitalised word after a town's form that continues a proper name instead: a common
    noun in the genitive ('Gospodyń'), an institution's name ('Szkolnego Koła Caritas') or an
    adjective that is no part of a place name."""
    an = morph.analyse(word)
    if not an or any(a.geo or a.geo_part for a in an):
        return False
    return any(a.pos == "subst" and ("gen" in a.case and not a.lemma[:1].isupper() or morph.INSTITUTION in a.quals)
               for a in an)


_RIVER = re.compile(r" (nad|pod) ([A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż]+(?: [A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż]+)?)")


def _locality_at(view: View, i: int, case: str | None, lenient: bool = False) -> tuple[list[Word], str] | None:
    run = _cap_run(view, i)
    for n in range(len(run), 0, -1):
        name = resolve_name([w.text for w in run[:n]], case, before_name=n < len(run), lenient=lenient)
        if name and n < len(run) and _name_goes_on(run[n].text):
            return None  # "w Kole Gospodyń Wiejskich", "przy Sądzie Rejonowym": a name, not a town
        if name:
            words = run[:n]
            m = _RIVER.match(view.norm, words[-1].end)
            if m:  # "Rudniku nad Sanem" -> "Rudnik nad Sanem"
                k = view.tok_containing(m.end() - 1)
                return words + [Word(view.toks[k].start, m.end(), m.group(2), k)], f"{name} {m.group(1)} {m.group(2)}"
            return words, name
    return None


def ends_with_list_opener(norm: str) -> bool:
    """Does the text end with a list opener (then white space): "(", ",", ":", ";", a new line,
    a dash after a space, "i", "oraz", "•"? Looked at from the end backwards (no regex scan)."""
    end = len(norm)
    while end > 0 and norm[end - 1].isspace():
        if norm[end - 1] == "\n":
            return True
        end -= 1
    if end == 0:
        return False
    c = norm[end - 1]
    if c in "(,:;•":
        return True
    if c in "-–":
        return end >= 2 and norm[end - 2].isspace()
    for word in ("i", "oraz"):
        k = end - len(word)
        if k >= 0 and norm[k:end] == word and (k == 0 or not is_word_char(norm[k - 1])):
            return True
    return False
_LIST_AFTER = re.compile(r"\s*(?:[(),;:]|\s?[-–]\s|\s?\d|\n|\.(?:\s|$)|\s(?:i|oraz)\s|$)")
# a town with its voivodeship in brackets: "Kraków (woj. małopolskie)"
_VOIVODESHIP_AFTER = re.compile(r"[ \t]?\([ \t]?(?:woj\.|województwo)")


def find_places(view: View, header_end: int = 0) -> list[PlaceMention]:
    """All place mentions; bare names in lists count only after the header (the title block
    names the centre itself: "Ośrodek … – Koszalin")."""
    lx = lexicon()
    norm = view.norm
    toks = view.toks
    quoted = _quoted(norm)
    out: list[PlaceMention] = []
    used: set[int] = set()

    quote_mask = bytearray(len(norm) + 1)
    for a, b in quoted:
        quote_mask[a + 1:b] = b"\x01" * (b - a - 1)

    def in_quotes(pos: int) -> bool:
        return bool(quote_mask[pos])

    def add(start: int, end: int, value: str, kind: str, rule: str, typo: tuple[str, str] | None = None) -> None:
        if not in_quotes(start):
            out.append(PlaceMention(start, end, value, kind, rule, typo))

    places = lx.places   # read once: the loop below looks at every word of the text
    prepositions, site_prefixes, place_nouns = places.prepositions, places.site_prefixes, places.place_nouns
    genitive_heads, acronym_base, n_toks = places.place_genitive_heads, lx.acronym_base, len(toks)
    for idx, t in enumerate(toks):
        if idx in used or not t.is_word:
            continue
        low = t.text.lower()
        nxt = toks[idx + 1] if idx + 1 < n_toks else None
        # --- counties: "w powiecie mrągowskim", "powicie kętrzyńskim", "powiatach subregionu: ełckim, …"
        kw = _keyword(t, view, morph.noun_forms("powiat"), "pow") if low[:2] == "po" else None
        if kw is not None and not _inside_name(view, t):
            adjs = _adj_list(view, _skip_to_list(view, idx + 1 + kw[1]), ("ski", "cki", "dzki"))
            for n, adj in enumerate(adjs):
                typo = (t.text, kw[0]) if kw[0] != low and n == 0 and not kw[1] else None
                add(t.start if n == 0 else adj.start, adj.end, "powiat " + adj.lemma, "county", "county", typo)
                used.add(adj.i)
            if adjs:
                for a_tok, a_lemma in _elided_counties(view, view.toks[adjs[-1].i]):
                    add(a_tok.start, a_tok.end, "powiat " + a_lemma, "county", "county_elided")
                    used.add(a_tok.i)
            continue
        kw = _keyword(t, view, morph.noun_forms("województwo"), "woj") if low[:2] == "wo" else None
        if kw is not None and not _inside_name(view, t):
            voiv = _voivodeship_adj(view, idx + 1 + kw[1])
            if voiv:
                add(t.start, voiv[1], "województwo " + voiv[0], "voivodeship", "voivodeship")
            continue
        kw = _keyword(t, view, morph.noun_forms("gmina"), "gm") if low[:2] == "gm" else None
        # "gminy: …", and "Gminy Zwoleń" (a commune named right after a capitalised "Gmina")
        if kw is not None and (not _inside_name(view, t) or nxt is not None and (
                nxt.text == ":" or nxt.is_title and norm[t.end:nxt.start] == " ")):
            j = idx + 1 + kw[1]
            if j < len(toks) and toks[j].text in (":", "("):  # "gminy: …", "z dwiema gminami (Kaczory, …)"
                j += 1
            w = word_at(view, j)
            if w is not None and _COMMUNE_KIND.fullmatch(w.text.lower()):  # "gmin wiejskich (…)"
                j = w.last + 1
                if j + 1 < len(toks) and toks[j].text == "-" and _COMMUNE_KIND.fullmatch(toks[j + 1].text.lower()):
                    j += 2  # "miejsko-wiejską"
                if j < len(toks) and toks[j].text in (":", "("):
                    j += 1
            elif nxt is not None and nxt.is_word and not nxt.is_title:
                j = _skip_to_list(view, j)  # "ośmiu gmin powiatu sokólskiego: Sokółka, …"
            for n, (words, name) in enumerate(_name_list(view, j, "nom") or _name_list(view, j, None)):
                add(t.start if n == 0 and words[0].start - t.end < 4 else words[0].start, words[-1].end,
                    "gmina " + name, "commune", "commune")
                used.update(range(view.tok_index(words[0].start) - 2, words[-1].last + 1))
            continue
        # --- localities after a preposition: "w Lidzbarku Warmińskim", "w Ełku (16.07.), Piszu i Olecku"
        if low in prepositions or t.text in prepositions:
            if low == "k" and not (nxt and nxt.text == "."):
                continue
            j = idx + 1 + (1 if low == "k" else 0)
            if j >= len(toks) or view.norm[toks[j - 1].end:toks[j].start] not in (" ", "\n"):
                continue
            for words, name in _name_list(view, j, lexicon().grammar.preposition_cases.get(low)):
                add(words[0].start, words[-1].end, name, "locality", "preposition")
                used.update(range(view.tok_index(words[0].start), words[-1].last + 1))
            continue
        # --- a branch or place named by its town: "IPS Olsztyn", "biuro Giżycko", "miejscowość Nowy Duninów"
        # — and after any institution's acronym: "GOPS Kowal", "MOPS Kraków", the centre's own "OWES Olsztyn"
        if (t.text in site_prefixes or acronym_base(t.text) is not None or low in place_nouns) \
                and nxt is not None and norm[t.end:nxt.start] == " ":
            names = _name_list(view, idx + 1, "nom")
            if not names and low in place_nouns:
                names = _name_list(view, idx + 1, None)  # "miejscowość Nowa Karczma": a name as written
            for words, name in names:
                add(words[0].start, words[-1].end, name, "locality", "site")
                used.update(range(view.tok_index(words[0].start), words[-1].last + 1))
            continue
        # --- a place as the genitive of a noun that calls for one: "z mieszkańcami Brynka", "wójt Dywit"
        if nxt is not None and nxt.text[:1].isupper() and norm[t.end:nxt.start] == " " and \
                any(a.pos == "subst" and a.lemma in genitive_heads for a in morph.analyse(t.text)):
            for words, name in _name_list(view, idx + 1, "gen"):
                add(words[0].start, words[-1].end, name, "locality", "genitive")
                used.update(range(view.tok_index(words[0].start), words[-1].last + 1))
            continue
        # --- a bare town in a list: "(Olecko – 23.07., Giżycko – 10.09.)", "(Kraków, Nowy Targ)"
        if t.start >= header_end and t.text[0].isupper() and not t.text.isupper() and (
                ends_with_list_opener(norm[max(0, t.start - 8):t.start]) or
                any(_VOIVODESHIP_AFTER.match(norm, w.end) for w in _cap_run(view, idx, 2))):  # "Kraków (woj. …)"
            # right after another place of the list ("Kożuchów i Sława") a common-word name counts
            after_place = bool(out) and re.fullmatch(r"\s*+(?:,|\bi|\boraz)\s*", norm[out[-1].end:t.start]) is not None
            hit = _locality_at(view, idx, "nom", lenient=after_place)
            if hit is not None:
                words, name = hit
                if _VOIVODESHIP_AFTER.match(norm, words[-1].end) or \
                        _LIST_AFTER.match(norm, words[-1].end) and _list_context(view, words[0].start, words[-1].end):
                    add(words[0].start, words[-1].end, name, "locality", "list")
                    used.update(range(view.tok_index(words[0].start), words[-1].last + 1))
    out.sort(key=lambda p: p.start)
    return out


# "gmina miejska", "gmin wiejskich", "gminę miejsko-wiejską"
_COMMUNE_KIND = re.compile(r"(?:miejsk|wiejsk|miejsko-wiejsk)[a-ząćęłńóśźż]{1,4}")


def _list_context(view: View, start: int, end: int) -> bool:
    """A bare name counts as a place only inside brackets, after a dash or colon, or beside
    other places — not as the first word of a sentence."""
    s, _ = view.sentence(start)
    before = view.norm[s:start]
    if not before.strip():
        # a sign-off line: "Rzeszów, 28.01.2020 r."
        return bool(re.match(r",\s*\d{1,2}[.\s]\s*(?:\d{1,2}|[IVX]+|[a-ząćęłńóśźż]+)[.\s]\s*\d{4}", view.norm[end:end + 30]))
    if re.match(r"\s*[-–•*]\s+$", before):
        return True  # a bulleted line that starts with the place: "- Świecie, 19.03.2022 – 9 os."
    if before.rfind("(") > before.rfind(")"):
        return True  # inside an open bracket: "(Sulechów, …, Kożuchów i Sława)"
    return bool(re.search(r"[(:]|\s[-–]\s|•", before[-60:])) or bool(re.search(r"[(,]", before[-3:]))


def _elided_counties(view: View, last: Tok) -> list[tuple[Tok, str]]:
    """'9 w powiecie ełckim, 7 w oleckim i 3 w piskim': the noun is said once."""
    _, s_end = view.sentence(last.start)
    out = []
    for m in re.finditer(r"\b(?:w|we)\s+([a-ząćęłńóśźż]+(?:skim|ckim|dzkim))\b", view.norm[last.end:s_end]):
        k = view.tok_index(last.end + m.start(1))
        t = view.toks[k]
        nxt = view.toks[k + 1] if k + 1 < len(view.toks) else None
        if nxt is not None and nxt.is_word and nxt.text not in ("i", "oraz", "a"):
            continue  # "w olsztyńskim urzędzie" — an adjective of another noun
        lem = next((a.lemma for a in morph.analyse(t.text) if a.pos == "adj" and "loc" in a.case), None)
        if lem:
            out.append((t, lem))
    return out


def _skip_to_list(view: View, j: int) -> int:
    """'powiatach subregionu: ełckim, …', 'powiatów woj. podlaskiego: suwalskiego, …'."""
    toks = view.toks
    for k in range(j, min(j + 5, len(toks))):
        if toks[k].text == ":":
            return k + 1
        if toks[k].text in (",", ";", ".") and not (k > j and toks[k - 1].text.lower() in ("woj", "gm", "pow")):
            break
    return j


def _keyword(t: Tok, view: View, forms: tuple[str, ...], abbrev: str) -> tuple[str, int] | None:
    """(the correct form, tokens to skip) when `t` is the keyword, misspelt or abbreviated."""
    low = t.text.lower()
    if low[:2] != forms[0][:2]:
        return None
    if low == abbrev and view.norm[t.end:t.end + 1] == ".":
        return abbrev + ".", 1
    if low in forms:
        return low, 0
    if len(low) >= 5 and low[:3] == forms[0][:3]:
        best = _misspelt(low, forms)
        if best is not None:
            return best, 0
    return None


@lru_cache(maxsize=20_000)  # "powstały", "powodu", "powiatu" …: each word compared once
def _misspelt(low: str, forms: tuple[str, ...]) -> str | None:
    """The form `low` misspells ("powicie" for "powiecie"), or None."""
    from rapidfuzz import fuzz, process

    best = process.extractOne(low, forms, scorer=fuzz.ratio)
    return best[0] if best and best[1] >= 84 else None


def _inside_name(view: View, t: Tok) -> bool:
    """'Powiatu Lidzbarskiego' inside 'Targi … Powiatu Lidzbarskiego': capitalised mid-sentence."""
    if not t.text[0].isupper():
        return False
    s, _ = view.sentence(t.start)
    return view.norm[s:t.start].strip() not in ("", "-", "•", "*")


@dataclass(frozen=True)
class AdjWord:
    start: int
    end: int
    i: int          # index of its last token
    lemma: str


def _adj_at(view: View, j: int, endings: tuple[str, ...]) -> AdjWord | None:
    """A county-like adjective at token j, also hyphenated: 'golubsko-dobrzyńskim'."""
    toks = view.toks
    t = toks[j]
    if not t.is_word:
        return None
    if j + 2 < len(toks) and toks[j + 1].text == "-" and toks[j + 1].start == t.end and \
            toks[j + 2].start == toks[j + 1].end and toks[j + 2].is_word:
        second = toks[j + 2]
        lem = next((a.lemma for a in morph.analyse(second.text.lower()) if a.pos == "adj"
                    and a.lemma.endswith(endings)), None)
        if lem and t.text.lower().endswith("o"):
            return AdjWord(t.start, second.end, j + 2, f"{t.text.lower()}-{lem}")
    lem = next((a.lemma for a in morph.analyse(t.text.lower()) if a.pos == "adj" and a.lemma.endswith(endings)),
               None)
    return AdjWord(t.start, t.end, j, lem) if lem else None


def _adj_list(view: View, j: int, endings: tuple[str, ...]) -> list[AdjWord]:
    """'olsztyńskim i giżyckim', 'olecki, gołdapski i giżycki', 'kolneńskim (74) i grajewskim'."""
    toks = view.toks
    out: list[AdjWord] = []
    if j < len(toks) and toks[j].text == ":":
        j += 1
    while j < len(toks):
        a = _adj_at(view, j, endings)
        if a is None:
            break
        out.append(a)
        j = a.i + 1
        if j < len(toks) and toks[j].text == "(":  # "(74)", "(Kolno, Mały Płock)"
            close = view.norm.find(")", toks[j].end, toks[j].end + 80)
            if close < 0:
                break
            j = view.tok_index(close + 1)
        m = re.match(r"\s*[-–:]\s*\d+", view.norm[a.end:a.end + 12])  # "brzeski - 4, kluczborski - 3"
        if m:
            j = view.tok_index(a.end + m.end())
        if j < len(toks) and (toks[j].text == "," or toks[j].text in ("i", "oraz")):
            j += 1
            continue
        break
    return out


def _voivodeship_adj(view: View, j: int) -> tuple[str, int] | None:
    toks = view.toks
    if j >= len(toks) or not toks[j].is_word:
        return None
    t = toks[j]
    if j + 2 < len(toks) and toks[j + 1].text == "-" and toks[j + 2].is_word and \
            toks[j + 1].start == t.end and toks[j + 2].start == toks[j + 1].end:
        second = toks[j + 2]
        lem = next((a.lemma for a in morph.analyse(second.text.lower()) if a.pos == "adj"), None)
        if lem:
            form = morph.adj_form(lem, "sg", "nom", "n") or lem
            return f"{t.text.lower()}-{form}", second.end
    lem = next((a.lemma for a in morph.analyse(t.text.lower()) if a.pos == "adj"), None)
    if lem and lem.endswith(("ski", "cki", "dzki")):
        return morph.adj_form(lem, "sg", "nom", "n") or lem, t.end
    return None


# what may stand between two places of a list: a bracket or "– 23.07." and a comma or "i"; the
# whitespace is bounded so a long run of spaces costs nothing
_BETWEEN = re.compile(r"[ \n]{0,3}(?:\([^()\n]{0,40}\)|[ \n][-–] ?[\d. ]{2,14}(?=[,)]))?[ \n]{0,3}"
                      r"(,|\bi\b|\boraz\b)[ \n]{0,3}")


def _name_list(view: View, j: int, case: str | None) -> list[tuple[list[Word], str]]:
    """A place and the places coordinated with it: 'Ełku (16.07.), Piszu (6.08.) i Węgorzewie'."""
    out: list[tuple[list[Word], str]] = []
    first = _locality_at(view, j, case)
    if first is None and case is None:
        # communes are often named in the nominative after "gminie": keep the name as written
        run = _cap_run(view, j, 2)
        if run and any(i.geo for w in run for i in morph.analyse(w.text.split("-")[0])):
            name = resolve_name([w.text for w in run], "nom") or " ".join(w.text for w in run)
            first = (run, name)
    if first is None:
        return out
    out.append(first)
    while True:
        end = out[-1][0][-1].end
        m = _BETWEEN.match(view.norm, end)
        if not m:
            break
        k = view.tok_index(m.end())
        nxt = _locality_at(view, k, case, lenient=True)
        if nxt is None and case is None:
            run = _cap_run(view, k, 2)
            if run and any(i.geo for w in run for i in morph.analyse(w.text.split("-")[0])):
                nxt = (run, resolve_name([w.text for w in run], "nom") or " ".join(w.text for w in run))
        if nxt is None:
            break
        out.append(nxt)
    return out
