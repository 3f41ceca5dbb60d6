"""Legal and administrative references: no date, number or year in them is a fact.

"ustawy z dnia 12 marca 2004 r. o pomocy społecznej", "Uchwała Nr XII/45/11 Rady Miejskiej z dnia
5 maja 2011 r.", "Dz. U. z 2016 r. poz. 930", "§ 5 ust. 2", "art. 18 ust. 4", "pkt 4.2",
"Poddziałanie 9.1.2", "KRS 0000534219", "umowy nr ZS.524.14.2019 z dnia 26.04.2019 r." — their
dates and numbers are claimed in the text ("reference", "code") before the period, dates and
numbers are read, so none becomes a fact, a period or a year that dates the sentence, and no
`date_outside_period` is raised for them. The words are data: lexicon.toml [citations].

The place in "Rady Miejskiej w Chodczu" is not claimed: a place after an institution is a place.
"""
from __future__ import annotations

import re
from functools import cache

from .lexicon import lexicon
from .text import View, choice, leading_words

_NUM_DATE = r"\d{1,2}\s?[.\-/]\s?\d{1,2}\s?[.\-/]\s?(?:19|20)\d\d"
_R = r"(?:\s?r\.|\s?roku\b|\s?r\b)?"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    cx = lexicon().citations
    months = choice(k for k in lexicon().months if len(k) > 3)
    date = rf"(?:{_NUM_DATE}|\d{{1,2}}\s++{months}\s++(?:19|20)\d\d){_R}"
    journal = choice(cx.journals, gap=r"\s?")
    item = r"(?:z\s(?:19|20)\d\d\s?r\.|Nr\s?\d+|poz\.\s?\d+|(?:19|20)\d\d\s?r\.|z\s?późn\.\s?zm\.)"
    return {
        # "z dnia 12 marca 2004 r.", "Z DNIA 24 KWIETNIA 2003 R.", "z dn. 26.04.2019"
        "dated": re.compile(leading_words([("z", rf"(?i:\s++(?:dnia|dn\.)\s*+{date})")], r"\w")),
        "act": re.compile(leading_words([(a, r"\w*") for a in cx.acts], r"\w")),
        # "Dz. U. z 2019 r. poz. 1507 z późn. zm.", "Dz. U. Nr 63, poz. 587"
        "journal": re.compile(rf"{journal}(?i:(?:[\s,]{{0,3}}{item}){{1,6}})"),
        "registry": re.compile(leading_words(cx.registries, r"\w") + r"(?![^\W\d_])\s*+:?\s*+\d[\d -]{4,24}\d"),
        "article": re.compile(leading_words(cx.articles, r"\w") + r"(?i:\s?+\d+[a-z]?(?:\.\d+)*)"),
        "measure": re.compile(leading_words(cx.measures, r"\w") + r"(?![^\W\d_])(?i:\s++(?:\d+(?:\.\d+)*|[IVX]{1,5}\b))"),
        # case and contract numbers: "ZS.524.14.2019", "XII/45/11", "PS-IV.9410.3.2014", "1234/ABC/2018"
        "code": re.compile(r"[A-ZĄĆĘŁŃÓŚŹŻ](?<![\w./-].)(?=[A-ZĄĆĘŁŃÓŚŹŻ.\-]{0,30}[./-]\d)"
                           r"[A-ZĄĆĘŁŃÓŚŹŻ]{0,9}(?:[.\-][A-ZĄĆĘŁŃÓŚŹŻ]{1,10})*[./-]\d+(?:[./-][\dA-ZĄĆĘŁŃÓŚŹŻ]+)+(?![\w/])"),
        "code_number": re.compile(r"\d(?<![\w./-].)\d*/[A-ZĄĆĘŁŃÓŚŹŻ]{1,10}/\d+(?![\w/])"),
    }


def claim_citations(view: View) -> list[tuple[int, int]]:
    """Claim the dates, numbers and codes of every reference in the text; returns the claimed
    spans (in text order)."""
    norm = view.norm
    pats = _patterns()
    window = lexicon().citations.act_window
    out: list[tuple[int, int]] = []
    for m in pats["dated"].finditer(norm):
        s, _e = view.sentence(m.start())
        if pats["act"].search(norm, max(s, m.start() - window), m.start()):
            out.append((m.start(), m.end()))
    for key in ("journal", "registry", "article", "measure", "code", "code_number"):
        for m in pats[key].finditer(norm):
            out.append((m.start(), m.end()))
    for a, b in out:
        view.claim(a, b, "reference")
    return sorted(out)
