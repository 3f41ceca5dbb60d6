"""Lemma phrases for subjects and labels: "grup inicjatywnych/PES/PS" -> "grupa inicjatywna/PES/PS"."""
from __future__ import annotations

import re
from functools import lru_cache

from . import morph
from .lexicon import lexicon

_GENDER_ORDER = ("f", "n", "m3", "m1", "m2")


def _head(word: str) -> tuple[str, str, str] | None:
    """(lemma, gender, number) when `word` can be a common noun; 'os.' (with its dot) expands."""
    lx = lexicon()
    base = lx.acronym_base(word)
    if base:
        return base, "", "sg"
    if word.endswith(".") and word.lower() in lx.abbreviations:
        return lx.abbreviations[word.lower()], "", "sg"
    word = word.rstrip(".")
    an = _masculine_first(morph.analyse(word))
    for pos in ("subst", "ger"):
        for i in an:
            if i.pos == pos and "nazwisko" not in i.quals and "imię" not in i.quals:
                g = next((x for x in _GENDER_ORDER if x in i.gender), "n")
                return i.lemma, g, "pl" if i.pt else "sg"
    if not morph.known(word) and word.isalpha() and word.islower() and len(word) > 3:
        return morph.lemma(word), "", "sg"  # unknown common word: its case ending replaced ("mentoringu")
    return None


def _masculine_first(an: tuple[morph.Interp, ...]) -> list[morph.Interp]:
    """'Uczestnicy' is uczestnik or uczestnica: a plural of people reads as the masculine lemma."""
    males = [i for i in an if i.pos == "subst" and "m1" in i.gender]
    out = list(an)
    for m in males:
        if any(f.pos == "subst" and "f" in f.gender and f.lemma.startswith(m.lemma[:-2]) and f.lemma != m.lemma
               for f in an):
            out.remove(m)
            out.insert(0, m)
    return out


def _adj_lemma(word: str) -> str | None:
    for i in morph.analyse(word):
        if i.pos in ("adj", "pact", "ppas"):
            return i.lemma if i.pos == "adj" else None
    return None


@lru_cache(maxsize=20_000)
def lemma_phrase(text: str) -> str:
    """Lemmatise a short noun phrase, keeping acronyms and the slash structure."""
    parts = [p.strip() for p in text.strip().split("/") if p.strip()]
    return "/".join(_phrase(p) for p in parts) if parts else text.strip()


def _phrase(text: str) -> str:
    # a prepositional complement stays as written: "miejsce pracy w przedsiębiorstwach społecznych"
    m = re.search(r"\s(?:w|we|z|ze|dla|na|do|o|przy|po|od)\s", text)
    if m and m.start() > 0:
        return (_phrase(text[:m.start()]) + text[m.start():]).strip()
    words = re.findall(r"\w(?:(?<=[^\W\d_])[^\W\d_]*+\.?|(?<=\d)\d*+)", text)  # words, numbers
    while words and words[0].lower().rstrip(".") in lexicon().phrases.leading_prepositions:
        words = words[1:]
    if not words:
        return text
    out: list[str] = []
    head: tuple[str, str, str] | None = None
    pending_adj: list[str] = []
    frozen = False
    for k, w in enumerate(words):
        bare = w.rstrip(".")
        if head is None:
            nxt = words[k + 1].rstrip(".") if k + 1 < len(words) else ""
            adj_first = morph.only_adj(bare) or (
                nxt and _adj_lemma(bare) is not None and _head(nxt) is not None and not morph.only_adj(nxt))
            h = _head(w) if not adj_first else None
            if h is None:
                adj = _adj_lemma(bare)
                if adj:
                    pending_adj.append(adj)
                    continue
                out.append(w if morph.known(bare) else morph.lemma(w))  # "Mentoringu" -> Mentoring
                continue
            head = h
            lem, g, num = h
            for a in pending_adj:
                out.append(_agree(a, g, num))
            pending_adj = []
            out.append(lem)
            continue
        adj = _adj_lemma(bare) if not bare.isupper() and not frozen else None
        if adj and head[1]:
            out.append(_agree(adj, head[1], head[2]))
        elif not frozen and head[1] and (part := morph.participle_form(bare, head[2], "nom", head[1])):
            out.append(part)  # "osoby objęte wsparciem" -> "osoba objęta wsparciem"
        else:
            out.append(w)
            frozen = True  # after a genitive complement the rest stays as written: "ekonomii społecznej"
    out.extend(pending_adj)
    return " ".join(out)


def _agree(adj_lemma: str, gender: str, number: str) -> str:
    if not gender:
        return adj_lemma
    return morph.adj_form(adj_lemma, number, "nom", gender) or adj_lemma


def head_lemma(word: str) -> str | None:
    h = _head(word)
    return h[0].lower() if h else None
