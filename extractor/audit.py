"""Checks over a Report: findings an auditor can act on, each pointing at its evidence."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from functools import cache
from typing import Any

from models import Count, DateFact, DateRange, Finding, Hours, Quantity, Report, Span

from .text import WORDS, View

# the rule of the date that dates the document itself ("Olsztyn, 15.07.2021 r.")
DOCUMENT_DATE = "dates.document_date"

Check = Callable[[Report, Any], list[Finding]]     # (report, View of its text, or None)
CHECKS: list[Check] = []
# the checks whose findings follow from the facts, with the codes they give and whether they
# read the text too: run again when a person corrects the facts (see recheck)
ON_FACTS: dict[Check, tuple[tuple[str, ...], bool]] = {}


def check(*codes: str, reads_text: bool = False) -> Callable[[Check], Check]:
    """Register a check. `codes`: the finding codes it gives from the facts (none: it reads only
    the text and the period, and a correction of the facts leaves its findings as they are);
    `reads_text`: it needs the text as well (a View), not the facts alone."""
    def register(fn: Check) -> Check:
        CHECKS.append(fn)
        if codes:
            ON_FACTS[fn] = (codes, reads_text)
        return fn
    return register


def span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def _num(v: float | int) -> str:
    return str(int(v)) if float(v).is_integer() else str(v).replace(".", ",")


@check()
def period_checks(report: Report, view: View) -> list[Finding]:
    p = report.period
    if p is None:
        if any(f.code == "period_invalid" for f in report.findings):
            return []  # a period was written, with a day the calendar lacks
        return [Finding(code="period_missing", severity="error",
                        message="Nie znaleziono okresu sprawozdawczego; daty bez roku nie mogą być rozstrzygnięte.")]
    out = []
    ev = [p.span] if p.span else []
    if p.end < p.start:
        out.append(Finding(code="period_invalid", severity="error", evidence=ev,
                           message=f"Okres kończy się ({p.end:%d.%m.%Y}) przed początkiem ({p.start:%d.%m.%Y})."))
    else:
        longest = {"partial": 400, "annual": 400, "final": 8 * 366}.get(report.kind or "", 8 * 366)
        if p.days > longest or p.days < 7:
            what = {"partial": "częściowego", "annual": "rocznego", "final": "końcowego"}.get(report.kind or "", "")
            out.append(Finding(code="period_invalid", severity="warning", evidence=ev,
                               message=f"Okres trwa {p.days} dni — nieprawdopodobnie "
                                       f"{'długo' if p.days >= 7 else 'krótko'} dla sprawozdania {what}".rstrip() + "."))
    return out


@check("sum_mismatch", "part_exceeds_total")
def sum_checks(report: Report, view: View | None) -> list[Finding]:
    out = []
    by_id = {f.id: f for f in report.facts if isinstance(f, Quantity)}
    parts: dict[str, list[Quantity]] = {}
    for f in report.facts:
        if isinstance(f, Quantity) and f.part_of:
            parts.setdefault(f.part_of, []).append(f)
    for tid, ps in parts.items():
        total = by_id.get(tid)
        if total is None:
            continue
        what = total.subject or "pozycji"
        sec = f"{total.section}: " if total.section else ""
        ev = [total.span] + [p.span for p in ps]
        ids = [total.id] + [p.id for p in ps]
        if any(p.subset for p in ps):
            for p in ps:
                if p.value > total.value:
                    out.append(Finding(code="part_exceeds_total", severity="error", section=total.section,
                                       evidence=[total.span, p.span], facts=[total.id, p.id],
                                       message=f"{sec}część {_num(p.value)} ({p.label}) przekracza całość {_num(total.value)}"))
            continue
        s = sum(p.value for p in ps)
        if abs(s - total.value) > 1e-9:
            out.append(Finding(
                code="sum_mismatch", severity="error", section=total.section, evidence=ev, facts=ids,
                message=f"{sec}{_num(total.value)} ({what}) podano łącznie, a części sumują się do "
                        f"{_num(s)} ({'+'.join(_num(p.value) for p in ps)})"))
        for p in ps:
            if p.value > total.value:
                out.append(Finding(code="part_exceeds_total", severity="error", section=total.section,
                                   evidence=[total.span, p.span], facts=[total.id, p.id],
                                   message=f"{sec}część {_num(p.value)} ({p.label}) większa niż całość {_num(total.value)}"))
    return out


@check("date_outside_period")
def date_checks(report: Report, view: View | None) -> list[Finding]:
    p = report.period
    if p is None or p.end < p.start:
        return []
    out = []
    for f in report.facts:
        if isinstance(f, DateFact) and f.provenance and f.provenance.rule == DOCUMENT_DATE and \
                p.end <= f.value <= p.end + dt.timedelta(days=366):
            continue  # the report dated and signed after its period: as it should be
        if isinstance(f, DateFact) and not (p.start <= f.value <= p.end):
            out.append(Finding(code="date_outside_period", severity="warning", section=f.section,
                               evidence=[f.span], facts=[f.id],
                               message=f"Data {f.value:%d.%m.%Y} leży poza okresem "
                                       f"{p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}"))
        elif isinstance(f, DateRange) and (f.start < p.start or f.end > p.end):
            out.append(Finding(code="date_outside_period", severity="warning", section=f.section,
                               evidence=[f.span], facts=[f.id],
                               message=f"Zakres {f.start:%d.%m.%Y}–{f.end:%d.%m.%Y} wykracza poza okres "
                                       f"{p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}"))
    return out


@cache
def _empty_name_re() -> re.Pattern[str]:
    from .lexicon import lexicon
    from .text import leading_words

    words = leading_words(lexicon().markers.empty_name, r"[^\W\d_]")
    # the marker followed by nothing, by punctuation or a preposition, or by empty quotes ("pn. „”")
    return re.compile(rf"(?m:({words})(?:(?P<quotes>[ \t]{{0,3}}[„\x22«“][ \t]{{0,3}}[”\x22»“])|"
                      rf"(?=\s*(?:$|[,;.)]|\s+(?i:z|ze|w|we|i|oraz|dla|na|do)\s))))")


def _weekdays() -> re.Pattern[str]:
    from .text import leading_words

    return re.compile(leading_words(["pon", "pn", "wt", "śr", "sr", "czw", "pt", "sob", "niedz", "nd"], r"\w")
                      + r"\.,?\s*")


_WEEKDAYS = _weekdays()


@check()
def empty_name(report: Report, view: View) -> list[Finding]:
    from .text import is_letter

    text = view.text
    out = []
    for m in _empty_name_re().finditer(text):
        if _WEEKDAYS.search(text[max(0, m.start() - 14):m.start()]) or _WEEKDAYS.match(text, m.end() + 1):
            continue  # "(pon., śr., pt.)" — days of the week
        # evidence: the noun before the marker plus the marker ("inicjatywy pn.")
        end = m.start()  # back over spaces and the word before (no copy of the text before it)
        while end > 0 and text[end - 1].isspace():
            end -= 1
        start = end
        while start > 0 and is_letter(text[start - 1]):
            start -= 1
        if start == end:
            start = m.start()
        sec = _section_at(report, m.start())
        out.append(Finding(code="empty_name", severity="warning", section=sec,
                           evidence=[span(text, start, m.end())],
                           message=f"{sec + ': ' if sec else ''}po '{m.group(1)}' brak nazwy"))
    return out


@check("absurd_value")
def absurd_values(report: Report, view: View | None) -> list[Finding]:
    out = []
    p = report.period
    for f in report.facts:
        if isinstance(f, Hours) and p is not None and p.end >= p.start and f.value > p.days * 24:
            out.append(Finding(code="absurd_value", severity="error", section=f.section, evidence=[f.span],
                               facts=[f.id],
                               message=f"{_num(f.value)} h to więcej niż liczy okres ({p.days} dni = {p.days * 24} h)"))
        elif isinstance(f, Count) and f.value > 100_000:
            out.append(Finding(code="absurd_value", severity="warning", section=f.section, evidence=[f.span],
                               facts=[f.id], message=f"Liczba {_num(f.value)} jest nieprawdopodobnie duża"))
    return out


@check("inconsistent_repeat", reads_text=True)
def inconsistent_repeat(report: Report, view: View) -> list[Finding]:
    """The same indicator stated twice in one section with different values: another sentence
    saying the same with the same verb ("przeprowadzono"). Linear in the facts: for each
    (indicator, verb) only the first mention and the first from another sentence are kept."""
    out = []
    verbs_at: dict[tuple[int, int], frozenset[str]] = {}

    def verbs(sent: tuple[int, int]) -> frozenset[str]:
        if sent not in verbs_at:
            verbs_at[sent] = _verbs(view.text[sent[0]:sent[1]])
        return verbs_at[sent]

    order = {f.id: i for i, f in enumerate(report.facts)}
    # (section, type, indicator, verb) -> the first mention, and the first in another sentence
    firsts: dict[tuple[str | None, str, str, str], list[tuple[Quantity, tuple[int, int]]]] = {}
    for f in report.facts:
        if not isinstance(f, Quantity) or f.part_of or f.planned or f.approximate:
            continue
        key_name = f.indicator or (f.subject if f.subject and " " in f.subject else None)
        if key_name is None:
            continue
        sent = view.sentence(f.span.start)
        vs = verbs(sent)
        cands = []
        for v in vs:
            for e, e_sent in firsts.get((f.section, f.type, key_name, v), []):
                if e_sent != sent:
                    cands.append(e)
                    break
        first = min(cands, key=lambda e: order[e.id]) if cands else None
        for v in vs:
            kept = firsts.setdefault((f.section, f.type, key_name, v), [])
            if not kept or len(kept) == 1 and kept[0][1] != sent:
                kept.append((f, sent))
        if first is not None and first.value != f.value:
            sec = f"{f.section}: " if f.section else ""
            out.append(Finding(
                code="inconsistent_repeat", severity="warning", section=f.section,
                evidence=[first.span, f.span], facts=[first.id, f.id],
                message=f"{sec}'{key_name}' podano dwukrotnie z różnymi wartościami: "
                        f"{_num(first.value)} i {_num(f.value)}"))
    return out


def _verbs(sentence: str) -> frozenset[str]:
    from . import morph

    out = set()
    for w in WORDS.findall(sentence):
        for i in morph.analyse(w):
            if i.pos in ("fin", "praet", "imps", "ppas", "pred"):
                out.add(i.lemma)
    return frozenset(out)


def _section_at(report: Report, pos: int) -> str | None:
    for s in report.sections:
        if s.start <= pos < s.end:
            return s.code
    return None


def run_checks(report: Report, view: View) -> list[Finding]:
    out: list[Finding] = []
    for fn in CHECKS:
        out.extend(fn(report, view))
    return out


def finding_order(f: Finding) -> tuple[int, str]:
    """The order of a report's findings: by where their evidence starts, then by code."""
    return (f.evidence[0].start if f.evidence else -1, f.code)


def recheck(report: Report, changed: set[str], added: list[Span], deleted: AbstractSet[str] = frozenset(),
            revalued: AbstractSet[str] = frozenset()) -> None:
    """The findings of a report whose facts a person corrected: `changed`, the ids of the facts
    edited, added or unlinked from a deleted total; `added`, the spans of the added ones;
    `deleted`, the ids of the facts deleted; `revalued`, those whose value a person set.

    The checks on the facts run again — a total corrected to what its parts add up to loses its
    sum_mismatch, a part corrected to more than its total gains part_exceeds_total. A check that
    reads the text too runs again when the record has its text; without it (an archived record),
    its findings on a changed fact are dropped, no longer known to hold, and the others kept.
    A finding on a deleted fact goes; one asking a person to check how a fact was read (OCR's
    low_confidence) goes once a person has set that fact's value; a number no fact explained is
    explained by a fact a person added over it. The findings of the text and the period stay,
    in their order; the new ones take their places by where their evidence starts."""
    import heapq

    view = View(report.text) if report.text is not None else None
    rerun = [fn for fn, (_codes, text) in ON_FACTS.items() if view is not None or not text]
    codes = {c for fn in rerun for c in ON_FACTS[fn][0]}
    stale = {c for fn, (cs, _text) in ON_FACTS.items() if fn not in rerun for c in cs}
    kept = []
    for f in report.findings:
        ids = set(f.facts)
        if f.code in codes or ids & deleted or (f.code in stale and ids & changed):
            continue
        if f.code in RESOLVED_BY_A_VALUE and ids & revalued:
            continue
        if f.code == "unexplained_number" and f.evidence and any(
                s.start <= f.evidence[0].start and f.evidence[0].end <= s.end for s in added):
            continue
        kept.append(f)
    new = sorted((x for fn in rerun for x in fn(report, view)), key=finding_order)
    report.findings = list(heapq.merge(kept, new, key=finding_order))


# findings that ask a person to check a fact's reading: settled when a person sets its value
RESOLVED_BY_A_VALUE = frozenset({"low_confidence"})
