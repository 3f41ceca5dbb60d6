"""Places: localities, counties, communes and voivodeships, canonical nominative names.

Morfeusz2 tells geographic names apart (qualifier `nazwa_geograficzna`) and gives their
lemma ("Ornecie" -> "Orneta"); multi-word names are rebuilt in the nominative
("Lidzbarku Warmińskim" -> "Lidzbark Warmiński", "Dobrym Mieście" -> "Dobre Miasto").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import morph
from .lexicon import lexicon, load_data
from .text import Tok, View, Word, word_at

_CASE_OF_PREP = {"w": "loc", "we": "loc", "przy": "loc", "z": "gen", "ze": "gen", "do": "gen", "od": "gen",
                 "spod": "gen", "koło": "gen", "k": "gen", "dla": "gen", "pod": "inst"}
_POWIAT = ("powiat", "powiatu", "powiecie", "powiatem", "powiaty", "powiatach", "powiatów", "powiatami", "powiatom")
_GMINA = ("gmina", "gminy", "gminie", "gminę", "gminą", "gminach", "gmin", "gminami", "gminom")
_WOJ = ("województwo", "województwa", "województwie", "województwem", "województwach", "województw")


@dataclass
class PlaceMention:
    start: int
    end: int
    value: str
    kind: str
    rule: str
    typo: tuple[str, str] | None = None   # (as written, corrected)


@cache
def _towns() -> frozenset[str]:
    return frozenset(load_data("places.toml")["towns"])


def _quoted(norm: str) -> list[tuple[int, int]]:
    """Regions inside quotation marks: titles of events and initiatives."""
    out = []
    for m in re.finditer(r'"[^"\n]{1,200}(?:\n[^"\n]{1,200})?"', norm):
        out.append((m.start(), m.end()))
    return out


def _geo_readings(word: str, case: str | None) -> list[morph.Interp]:
    lx = lexicon()
    out = []
    for i in morph.analyse(word):
        if i.pos == "subst" and (i.geo or i.geo_part) and (case is None or case in i.case):
            if i.geo and i.lemma in lx.not_localities:
                continue
            out.append(i)
    return out


def _adj_readings(word: str, case: str | None) -> list[morph.Interp]:
    return [i for i in morph.analyse(word) if i.pos == "adj" and (case is None or case in i.case)]


def _pick(readings: list[morph.Interp], plural_form: bool = False) -> morph.Interp:
    towns = _towns()
    for i in readings:
        if i.lemma in towns:
            return i
    geo = [i for i in readings if i.geo] or readings
    if plural_form:
        pt = [i for i in geo if i.pt]
        if pt:
            return pt[0]
    return geo[0]


def _single(word: str, case: str | None, before_name: bool = False) -> str | None:
    """One-word place name; `before_name`: a capitalised word follows, so an adjectival
    reading ("w Olsztyńskich Dniach Seniora") is the start of another name, not a place."""
    if "-" in word:  # "Rucianem-Nidzie" -> "Ruciane-Nida"; "Rutka-Tartak" stays
        parts = [_single(p, case) or _single(p, "nom") for p in word.split("-")]
        return "-".join(p for p in parts if p) if all(parts) else None
    r = [i for i in _geo_readings(word, case) if i.geo]
    if not r or before_name and any(i.pos == "adj" and (case is None or case in i.case) for i in morph.analyse(word)):
        return None
    plural = all("pl" in i.number for i in r) and any(i.pt for i in r)
    return _pick(r, plural).lemma


def resolve_name(words: list[str], case: str | None, before_name: bool = False) -> str | None:
    """Nominative canonical name of a run of capitalised words, or None if not a place."""
    if len(words) == 1:
        return _single(words[0], case, before_name)
    towns = _towns()
    found: list[str] = []
    for h, w in enumerate(words):
        for head in sorted(_geo_readings(w, case), key=lambda i: (not i.pt, not i.geo)):
            name = _compose(words, h, head, case)
            if name:
                if name in towns:
                    return name
                found.append(name)
    if found and found[0] not in lexicon().not_localities:
        return found[0]
    return None


def _compose(words: list[str], h: int, head: morph.Interp, case: str | None) -> str | None:
    """Rebuild a multi-word name around its head noun, adjectives agreeing in the nominative."""
    number = "pl" if head.pt or ("pl" in head.number and "sg" not in head.number) else "sg"
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
        if w is None or not (w.text[0].isupper() and not w.text.isupper()):
            break
        if run and view.norm[run[-1].end:w.start] not in (" ", "\n", " \n", "\n "):
            break
        run.append(w)
        k = w.last + 1
    return run


def _locality_at(view: View, i: int, case: str | None) -> tuple[list[Word], str] | None:
    run = _cap_run(view, i)
    for n in range(len(run), 0, -1):
        name = resolve_name([w.text for w in run[:n]], case, before_name=n < len(run))
        if name:
            return run[:n], name
    return None


_LIST_BEFORE = re.compile(r"(?:[(,:;]|\s[-–]|\bi|\boraz|•)\s*$")
_LIST_AFTER = re.compile(r"\s*(?:[),;:]|\s?[-–]\s|\s?\d|\n|\.(?:\s|$)|\s(?:i|oraz)\s|$)")


def find_places(view: View) -> list[PlaceMention]:
    lx = lexicon()
    norm = view.norm
    toks = view.toks
    quoted = _quoted(norm)
    out: list[PlaceMention] = []
    used: set[int] = set()

    def in_quotes(pos: int) -> bool:
        return any(a < pos < b for a, b in quoted)

    def add(start: int, end: int, value: str, kind: str, rule: str, typo: tuple[str, str] | None = None) -> None:
        if not in_quotes(start):
            out.append(PlaceMention(start, end, value, kind, rule, typo))

    for idx, t in enumerate(toks):
        if idx in used or not t.is_word:
            continue
        low = t.text.lower()
        nxt = toks[idx + 1] if idx + 1 < len(toks) else None
        # --- counties: "w powiecie mrągowskim", "powicie kętrzyńskim", "powiatach subregionu: ełckim, …"
        kw = _keyword(t, view, _POWIAT, "pow")
        if kw is not None and not _inside_name(view, t):
            adjs = _adj_list(view, _skip_to_list(view, idx + 1 + kw[1]), ("ski", "cki", "dzki"))
            for n, (a_tok, a_lemma) in enumerate(adjs):
                typo = (t.text, kw[0]) if kw[0] != low and n == 0 and not kw[1] else None
                add(t.start if n == 0 else a_tok.start, a_tok.end, "powiat " + a_lemma, "county", "county", typo)
                used.add(a_tok.i)
            if adjs:
                for a_tok, a_lemma in _elided_counties(view, adjs[-1][0]):
                    add(a_tok.start, a_tok.end, "powiat " + a_lemma, "county", "county_elided")
                    used.add(a_tok.i)
            continue
        kw = _keyword(t, view, _WOJ, "woj")
        if kw is not None and not _inside_name(view, t):
            voiv = _voivodeship_adj(view, idx + 1 + kw[1])
            if voiv:
                add(t.start, voiv[1], "województwo " + voiv[0], "voivodeship", "voivodeship")
            continue
        kw = _keyword(t, view, _GMINA, "gm")
        if kw is not None and (not _inside_name(view, t) or (nxt is not None and nxt.text == ":")):
            j = idx + 1 + kw[1]
            if j < len(toks) and toks[j].text == ":":
                j += 1
            if j < len(toks) and toks[j].text.lower() in ("miejska", "miejskiej", "wiejska", "wiejskiej",
                                                          "miejsko-wiejska", "miejsko-wiejskiej"):
                j += 1
            for n, (words, name) in enumerate(_name_list(view, j, None)):
                add(t.start if n == 0 and words[0].start - t.end < 4 else words[0].start, words[-1].end,
                    "gmina " + name, "commune", "commune")
                used.update(range(words[0].last - 2, words[-1].last + 1))
            continue
        # --- localities after a preposition: "w Lidzbarku Warmińskim", "w Ełku (16.07.), Piszu i Olecku"
        if low in lx.place_prepositions or t.text in lx.place_prepositions:
            if low == "k" and not (nxt and nxt.text == "."):
                continue
            j = idx + 1 + (1 if low == "k" else 0)
            if j >= len(toks) or view.norm[toks[j - 1].end:toks[j].start] not in (" ", "\n"):
                continue
            for words, name in _name_list(view, j, _CASE_OF_PREP.get(low)):
                add(words[0].start, words[-1].end, name, "locality", "preposition")
                used.update(range(words[0].last, words[-1].last + 1))
            continue
        # --- a branch named by its town: "IPS Olsztyn", "biuro Giżycko"
        if t.text in lx.site_prefixes and nxt is not None and norm[t.end:nxt.start] == " ":
            for words, name in _name_list(view, idx + 1, "nom"):
                add(words[0].start, words[-1].end, name, "locality", "site")
                used.update(range(words[0].last, words[-1].last + 1))
            continue
        # --- a bare town in a list: "(Olecko – 23.07., Giżycko – 10.09.)", "(Kraków, Nowy Targ)"
        if t.text[0].isupper() and not t.text.isupper() and _LIST_BEFORE.search(norm[max(0, t.start - 8):t.start]):
            prev = view.prev_tok(t.start)
            if prev is not None and prev.text in lx.own_name_heads:
                continue
            hit = _locality_at(view, idx, "nom")
            if hit is not None:
                words, name = hit
                if _LIST_AFTER.match(norm, words[-1].end) and _list_context(view, words[0].start, words[-1].end):
                    add(words[0].start, words[-1].end, name, "locality", "list")
                    used.update(range(words[0].last, words[-1].last + 1))
    out.sort(key=lambda p: p.start)
    return out


def _list_context(view: View, start: int, end: int) -> bool:
    """A bare name counts as a place only inside brackets, after a dash or colon, or beside
    other places — not as the first word of a sentence."""
    s, _ = view.sentence(start)
    before = view.norm[s:start]
    if not before.strip():
        return False
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
    if low == abbrev and view.norm[t.end:t.end + 1] == ".":
        return abbrev + ".", 1
    if low in forms:
        return low, 0
    if len(low) >= 5 and low[:3] == forms[0][:3]:
        from rapidfuzz import fuzz, process

        best = process.extractOne(low, forms, scorer=fuzz.ratio)
        if best and best[1] >= 84:
            return best[0], 0
    return None


def _inside_name(view: View, t: Tok) -> bool:
    """'Powiatu Lidzbarskiego' inside 'Targi … Powiatu Lidzbarskiego': capitalised mid-sentence."""
    if not t.text[0].isupper():
        return False
    s, _ = view.sentence(t.start)
    return view.norm[s:t.start].strip() not in ("", "-", "•", "*")


def _adj_list(view: View, j: int, endings: tuple[str, ...]) -> list[tuple[Tok, str]]:
    """'olsztyńskim i giżyckim', 'olecki, gołdapski i giżycki' -> [(token, lemma), …]."""
    toks = view.toks
    out: list[tuple[Tok, str]] = []
    if j < len(toks) and toks[j].text == ":":
        j += 1
    while j < len(toks):
        t = toks[j]
        if not t.is_word:
            break
        lem = next((a.lemma for a in morph.analyse(t.text.lower()) if a.pos == "adj"
                    and a.lemma.endswith(endings)), None)
        if lem is None:
            break
        out.append((t, lem))
        j += 1
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


_BETWEEN = re.compile(r"\s*(?:\([^()\n]{0,40}\)|\s[-–]\s?[\d.\s]{2,14}(?=[,)]))?\s*(,|\bi\b|\boraz\b)\s*")


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
        nxt = _locality_at(view, k, case)
        if nxt is None and case is None:
            run = _cap_run(view, k, 2)
            if run and any(i.geo for w in run for i in morph.analyse(w.text.split("-")[0])):
                nxt = (run, resolve_name([w.text for w in run], "nom") or " ".join(w.text for w in run))
        if nxt is None:
            break
        out.append(nxt)
    return out
