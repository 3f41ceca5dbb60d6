"""Indicator taxonomy: fact subjects (lemma phrases) onto stable codes (data/indicators.toml).

    from extractor.indicators import assign_indicators, indicator_values
    assign_indicators(report)          # fills Quantity.indicator in place
    rows = indicator_values(report)    # one value per (section, indicator) of the report

A subject the taxonomy does not know keeps its lemma: it gets no code, but it still has its
own row (`IndicatorValue.key` starts with "?"), so nothing a report counts is dropped.
The library never prints.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from .datafiles import DataFileError, Table, parse_toml, validate

if TYPE_CHECKING:
    from models import Report

    from .lexicon import Lexicon

Unit = Literal["count", "hours"]
Measure = Literal["flow", "stock"]
UNITS: tuple[str, ...] = ("count", "hours")
MEASURES: tuple[str, ...] = ("flow", "stock")
Reconcile = Literal["sum", "last", "max", "none"]
# the rules a measure allows (the first is its default): a flow adds up over periods, a stock
# is a level (the covered period's last, or the highest of them)
RECONCILE_RULES: dict[str, tuple[str, ...]] = {"flow": ("sum", "none"), "stock": ("last", "max", "none")}
RECONCILE_DEFAULT = {m: rules[0] for m, rules in RECONCILE_RULES.items()}
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
NO_SUBJECT = "(bez przedmiotu)"
NO_SECTION = ""


class TaxonomyError(DataFileError, ValueError):
    """indicators.toml is malformed (duplicate code, unknown unit, pattern on two codes …)."""


def normalise_phrase(text: str) -> str:
    """Case-folded, punctuation to spaces (keeping '/' and '-' inside words), spaces collapsed."""
    t = unicodedata.normalize("NFC", text).casefold()
    t = re.sub(r"[^\w/\-]+", " ", t)
    t = re.sub(r"(?<!\w)[/\-]|[/\-](?!\w)", " ", t)
    return " ".join(t.split())


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    measure: str
    patterns: tuple[str, ...]
    prefix: bool = True          # may a subject merely starting with a one-word pattern match?
    # how a covering (final, annual) report's figure is checked against the reports it covers:
    # "sum" of their figures (flows), the "last" one's or their "max" (stocks), or "none"
    reconcile: str = ""

    @property
    def reconcile_rule(self) -> str:
        return self.reconcile or RECONCILE_DEFAULT[self.measure]


@dataclass(frozen=True)
class Match:
    indicator: Indicator
    rule: str            # "exact", "prefix", "contains" or "fuzzy"
    score: float = 100.0

    @property
    def describe(self) -> str:
        return self.rule if self.rule != "fuzzy" else f"fuzzy:{self.score:.0f}"


@dataclass
class Taxonomy:
    version: int
    indicators: dict[str, Indicator]
    fuzzy_score: float = 88.0
    fuzzy_min_length: int = 5
    # per unit: normalised pattern -> indicator code
    _exact: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    # per unit: (pattern tokens, code), longest first
    _multi: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict, repr=False)
    _memo: dict[tuple[str, str], Match | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for unit in UNITS:
            exact: dict[str, str] = {}
            for ind in self.indicators.values():
                if ind.unit != unit:
                    continue
                for p in ind.patterns:
                    n = normalise_phrase(p)
                    if not n:
                        raise TaxonomyError(f"{ind.code}: empty pattern {p!r}")
                    other = exact.get(n)
                    if other is not None and other != ind.code:
                        raise TaxonomyError(f"pattern {p!r} ({unit}) belongs to both {other} and {ind.code}")
                    exact[n] = ind.code
            self._exact[unit] = exact
            self._multi[unit] = sorted(((tuple(n.split()), c) for n, c in exact.items()),
                                       key=lambda x: (-len(x[0]), -len(" ".join(x[0]))))

    def get(self, code: str) -> Indicator | None:
        return self.indicators.get(code)

    def match(self, subject: str | None, unit: str) -> Match | None:
        """The indicator a subject of this unit ("count" or "hours") names, or None."""
        if not subject or unit not in self._exact:
            return None
        memo_key = (subject, unit)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._match(normalise_phrase(subject), unit)
        return self._memo[memo_key]

    def _match(self, s: str, unit: str) -> Match | None:
        if not s:
            return None
        exact = self._exact[unit]
        code = exact.get(s)
        if code is not None:
            return Match(self.indicators[code], "exact")
        toks = tuple(s.split())
        best: tuple[int, int, str, str] | None = None   # (-len, position, rule, code)
        first_word: str | None = None                   # a one-word pattern the subject starts with
        for ptoks, code in self._multi[unit]:
            n = len(ptoks)
            if n > len(toks):
                continue
            if n == 1:
                if first_word is None and toks[0] == ptoks[0] and self.indicators[code].prefix:
                    first_word = code
                continue
            if toks[:n] == ptoks:
                cand = (-n, 0, "prefix", code)
            else:
                pos = next((i for i in range(1, len(toks) - n + 1) if toks[i:i + n] == ptoks), None)
                if pos is None:
                    continue
                cand = (-n, pos, "contains", code)
            if best is None or cand[:2] < best[:2]:
                best = cand
        if best is not None:
            return Match(self.indicators[best[3]], best[2])
        if len(s) >= self.fuzzy_min_length:
            from rapidfuzz import fuzz, process

            hit = process.extractOne(s, list(exact), scorer=fuzz.ratio, score_cutoff=self.fuzzy_score)
            if hit is not None:
                return Match(self.indicators[exact[hit[0]]], "fuzzy", float(hit[1]))
        if first_word is not None:       # weakest: "spotkanie ono", "PES planujących"
            return Match(self.indicators[first_word], "prefix")
        return None


class _IndicatorEntry(Table):
    code: str
    name: str | None = None
    unit: Unit
    measure: Measure = "flow"
    patterns: tuple[str, ...] = Field(min_length=1)
    prefix: bool = True
    reconcile: Reconcile | None = None

    @model_validator(mode="after")
    def _reconcile_fits_measure(self) -> _IndicatorEntry:
        if self.reconcile is not None and self.reconcile not in RECONCILE_RULES[self.measure]:
            raise ValueError(f"reconcile = {self.reconcile!r} does not fit measure = {self.measure!r} "
                             f"(a {self.measure} allows {', '.join(RECONCILE_RULES[self.measure])})")
        return self

    @field_validator("code")
    @classmethod
    def _upper_snake(cls, v: str) -> str:
        if not _CODE_RE.match(v):
            raise ValueError(f"code must be UPPER_SNAKE, got {v!r}")
        return v


class _IndicatorsFile(Table):
    """extractor/data/indicators.toml (or a taxonomy given by path)."""

    version: int
    fuzzy_score: float = Field(default=88.0, ge=0, le=100)
    fuzzy_min_length: int = Field(default=5, ge=0)
    indicator: tuple[_IndicatorEntry, ...] = ()


def _parse(data: dict[str, Any], where: str) -> Taxonomy:
    try:
        parsed = validate(_IndicatorsFile, data, where)
    except DataFileError as e:
        raise TaxonomyError(str(e)) from None
    inds: dict[str, Indicator] = {}
    for ind in parsed.indicator:
        if ind.code in inds:
            raise TaxonomyError(f"{where}: duplicate code {ind.code}")
        inds[ind.code] = Indicator(code=ind.code, name=ind.name or ind.code, unit=ind.unit, measure=ind.measure,
                                   patterns=ind.patterns, prefix=ind.prefix, reconcile=ind.reconcile or "")
    return Taxonomy(version=parsed.version, indicators=inds, fuzzy_score=parsed.fuzzy_score,
                    fuzzy_min_length=parsed.fuzzy_min_length)


def parse_taxonomy(text: str, where: str = "<taxonomy>") -> Taxonomy:
    try:
        data = parse_toml(text, where)
    except DataFileError as e:
        raise TaxonomyError(str(e)) from None
    return _parse(data, where)


@cache
def load_taxonomy(path: str | None = None) -> Taxonomy:
    """The taxonomy shipped in extractor/data/indicators.toml (or the file at `path`)."""
    if path is None:
        text = resources.files("extractor.data").joinpath("indicators.toml").read_text(encoding="utf-8")
        return parse_taxonomy(text, "indicators.toml")
    return parse_taxonomy(Path(path).read_text(encoding="utf-8"), path)


# --- reports ------------------------------------------------------------------------------

def _lexicon() -> Lexicon:
    from .lexicon import lexicon

    return lexicon()


def section_key(code: str | None, canonical: str | None = None) -> str:
    """The key a section is compared under: its canonical name when known, else its code;
    task labels are numbered alike ("ZADANIE II" and "ZADANIE 2" are one key)."""
    if canonical:
        return canonical
    if not code:
        return NO_SECTION
    m = re.fullmatch(r"(ZADANIE|ZAD\.?)\s*([IVX]+|\d+)\.?", code.strip(), re.IGNORECASE)
    if m:
        num = m.group(2).upper()
        n = int(num) if num.isdigit() else _lexicon().roman.get(num)
        if n:
            return f"ZADANIE {n}"
    return code


def section_keys(report: Report) -> dict[str, str]:
    """Section code -> comparison key for every section of the report."""
    keys: dict[str, str] = {}
    for s in report.sections:
        keys.setdefault(s.code, section_key(s.code, s.canonical))
    return keys


def subject_key(unit: str, subject: str | None) -> str:
    """Row key of a subject the taxonomy does not know (unit and lemma, never dropped)."""
    return f"?{unit}:{subject or NO_SUBJECT}"


def assign_indicators(report: Report, taxonomy: Taxonomy | None = None) -> dict[str, Match]:
    """Fill `indicator` of every count/hours fact whose subject the taxonomy knows (in place).

    Parts of a breakdown (`part_of`) have no subject of their own and stay unassigned.
    Returns fact id -> Match for the facts assigned.
    """
    from models import Quantity

    tax = taxonomy or load_taxonomy()
    matched: dict[str, Match] = {}
    for f in report.facts:
        if not isinstance(f, Quantity) or f.part_of is not None:
            continue
        m = tax.match(f.subject, f.type)
        f.indicator = m.indicator.code if m else None
        if m:
            matched[f.id] = m
    return matched


@dataclass
class IndicatorValue:
    """One report's figure for one indicator (or unknown subject) in one section."""

    section: str                 # section key ("" outside any section)
    key: str                     # indicator code, or "?unit:lemma" for an unknown subject
    indicator: str | None        # code when the taxonomy knows the subject
    subject: str | None          # lemma of the first fact
    unit: str
    measure: str
    value: float
    fact_ids: list[str]
    approximate: bool = False
    planned: bool = False        # a target ("zakładaliśmy 70"), not an achieved figure

    @property
    def label(self) -> str:
        return self.indicator or (self.subject or NO_SUBJECT)


def indicator_values(report: Report, taxonomy: Taxonomy | None = None, planned: bool = False
                     ) -> list[IndicatorValue]:
    """Aggregate a report's top-level count/hours facts per (section key, indicator).

    Flows add up; for a stock the first mention in the section is the figure. Parts of
    breakdowns are left out; planned figures too, unless `planned` (then they are values of
    their own, `planned=True`, beside the achieved ones). Call `assign_indicators` first;
    facts without an indicator are grouped by unit and lemma.
    """
    from models import Quantity

    tax = taxonomy or load_taxonomy()
    skeys = section_keys(report)
    out: dict[tuple[str, str, bool], IndicatorValue] = {}
    for f in report.facts:
        if not isinstance(f, Quantity) or f.part_of is not None or f.planned and not planned:
            continue
        sec = skeys.get(f.section or "", section_key(f.section)) if f.section else NO_SECTION
        ind = tax.get(f.indicator) if f.indicator else None
        key = ind.code if ind else subject_key(f.type, f.subject)
        measure = ind.measure if ind else "flow"
        cur = out.get((sec, key, f.planned))
        if cur is None:
            out[(sec, key, f.planned)] = IndicatorValue(
                section=sec, key=key, indicator=ind.code if ind else None, subject=f.subject, unit=f.type,
                measure=measure, value=f.value, fact_ids=[f.id], approximate=f.approximate, planned=f.planned)
            continue
        cur.fact_ids.append(f.id)
        if measure == "flow":
            cur.value += f.value
            cur.approximate = cur.approximate or f.approximate
    for v in out.values():
        if float(v.value).is_integer():
            v.value = int(v.value)
    return list(out.values())


__all__ = [
    "IndicatorValue", "Indicator", "Match", "Taxonomy", "TaxonomyError", "assign_indicators",
    "indicator_values", "load_taxonomy", "normalise_phrase", "parse_taxonomy", "section_key",
    "section_keys", "subject_key",
]
