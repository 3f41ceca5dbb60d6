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
from .text import Tok, View

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
    for m in re.finditer(r'"[^"\n]{1,200}"', norm):
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


def _pick(readings: list[morph.Interp]) -> morph.Interp:
    towns = _towns()
    for i in readings:
        if i.lemma in towns:
            return i
    geo = [i for i in readings if i.geo]
    return geo[0] if geo else readings[0]


def resolve_name(words: list[str], case: str | None) -> str | None:
    """Nominative canonical name of a run of capitalised words, or None if not a place."""
    if len(words) == 1:
        r = [i for i in _geo_readings(words[0], case) if i.geo]
        return _pick(r).lemma if r else None
    for h, w in enumerate(words):
        heads = _geo_readings(w, case)
        if not heads:
            continue
        head = _pick(heads)
        number = "pl" if head.pt or "pl" in head.number and "sg" not in head.number else "sg"
        gender = next((g for g in ("m3", "f", "n", "m1", "m2") if g in head.gender), "m3")
        out = []
        ok = True
        for k, other in enumerate(words):
            if k == h:
                out.append(head.lemma)
                continue
            adjs = [a for a in _adj_readings(other, case)
                    if (head.case & a.case) and (number in a.number)]
            if not adjs:
                ok = False
                break
            form = morph.adj_form(adjs[0].lemma, number, "nom", gender)
            if not form:
                ok = False
                break
            out.append(form[:1].upper() + form[1:])
        if ok:
            name = " ".join(out)
            if name in lexicon().not_localities:
                return None
            return name
    return None


def _cap_run(view: View, i: int, limit: int = 3) -> list[Tok]:
    toks = view.toks
    run: list[Tok] = []
    k = i
    while k < len(toks) and len(run) < limit:
        t = toks[k]
        if not (t.is_word and t.text[0].isupper() and not t.text.isupper()):
            break
        if run and view.norm[run[-1].end:t.start] != " ":
            break
        run.append(t)
        k += 1
    return run


def _locality_at(view: View, i: int, case: str | None) -> tuple[list[Tok], str] | None:
    run = _cap_run(view, i)
    for n in range(len(run), 0, -1):
        name = resolve_name([t.text for t in run[:n]], case)
        if name:
            return run[:n], name
    return None


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
        if in_quotes(start):
            return
        out.append(PlaceMention(start, end, value, kind, rule, typo))

    for idx, t in enumerate(toks):
        if idx in used or not t.is_word:
            continue
        low = t.text.lower()
        nxt = toks[idx + 1] if idx + 1 < len(toks) else None
        # --- counties: "w powiecie mrągowskim", "powicie kętrzyńskim", "powiaty: olecki, gołdapski i giżycki"
        kw = _keyword(t, view, _POWIAT, "pow")
        if kw is not None and not _inside_name(view, t):
            adjs = _adj_list(view, idx + 1 + kw[1], ("ski", "cki", "dzki"))
            for n, (a_tok, a_lemma) in enumerate(adjs):
                start = t.start if n == 0 else a_tok.start
                typo = (t.text, kw[0]) if kw[0] != low and n == 0 and not kw[1] else None
                add(start, a_tok.end, "powiat " + a_lemma, "county", "county", typo)
            continue
        kw = _keyword(t, view, _WOJ, "woj")
        if kw is not None and not _inside_name(view, t):
            j = idx + 1 + kw[1]
            name = _voivodeship_adj(view, j)
            if name:
                add(t.start, name[1], "województwo " + name[0], "voivodeship", "voivodeship")
            continue
        kw = _keyword(t, view, _GMINA, "gm")
        if kw is not None and not _inside_name(view, t):
            j = idx + 1 + kw[1]
            if j < len(toks) and toks[j].text.lower() in ("miejska", "miejskiej", "wiejska", "wiejskiej",
                                                          "miejsko-wiejska", "miejsko-wiejskiej"):
                j += 1
            for run_toks, name in _name_list(view, j, None):
                add(t.start if run_toks[0].i == j else run_toks[0].start, run_toks[-1].end,
                    "gmina " + name, "commune", "commune")
            continue
        # --- localities after a preposition: "w Lidzbarku Warmińskim", "w Ełku, Gołdapi i Olecku"
        if low in lx.place_prepositions or t.text in lx.place_prepositions:
            if low == "k" and not (nxt and nxt.text == "."):
                continue
            j = idx + 1 + (1 if low == "k" else 0)
            if j >= len(toks) or view.norm[toks[j - 1].end:toks[j].start] != " ":
                continue
            case = _CASE_OF_PREP.get(low)
            for run_toks, name in _name_list(view, j, case):
                add(run_toks[0].start, run_toks[-1].end, name, "locality", "preposition")
                used.update(r.i for r in run_toks)
            continue
        # --- a branch named by its town: "IPS Olsztyn", "biuro Giżycko"
        if t.text in lx.site_prefixes and nxt is not None and norm[t.end:nxt.start] == " ":
            for run_toks, name in _name_list(view, idx + 1, "nom"):
                add(run_toks[0].start, run_toks[-1].end, name, "locality", "site")
                used.update(r.i for r in run_toks)
    out.sort(key=lambda p: p.start)
    return out


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
    return view.norm[s:t.start].strip() != ""


def _adj_list(view: View, j: int, endings: tuple[str, ...]) -> list[tuple[Tok, str]]:
    """'olsztyńskim i giżyckim', ': olecki, gołdapski i giżycki' -> [(token, lemma), …]."""
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


def _name_list(view: View, j: int, case: str | None) -> list[tuple[list[Tok], str]]:
    """A place and the places coordinated with it: 'Ełku, Gołdapi i Olecku'."""
    toks = view.toks
    out: list[tuple[list[Tok], str]] = []
    first = _locality_at(view, j, case)
    if first is None:
        # communes are often named in the nominative after "gminie": keep the name as written
        if case is None and j < len(toks):
            run = _cap_run(view, j, 2)
            if run and any(i.geo for w in run for i in morph.analyse(w.text)):
                name = resolve_name([w.text for w in run], "nom") or " ".join(w.text for w in run)
                return [(run, name)]
        return out
    out.append(first)
    k = first[0][-1].i + 1
    while k + 1 < len(toks) and (toks[k].text == "," or toks[k].text in ("i", "oraz")):
        nxt = _locality_at(view, k + 1, case)
        if nxt is None:
            break
        out.append(nxt)
        k = nxt[0][-1].i + 1
    return out
