"""Checks over a Report: findings an auditor can act on, each pointing at its evidence."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache

from models import Count, DateFact, DateRange, Finding, Hours, Quantity, Report, Span

Check = Callable[[Report, str], list[Finding]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def _num(v: float | int) -> str:
    return str(int(v)) if float(v).is_integer() else str(v).replace(".", ",")


@check
def period_checks(report: Report, text: str) -> list[Finding]:
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


@check
def sum_checks(report: Report, text: str) -> list[Finding]:
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


@check
def date_checks(report: Report, text: str) -> list[Finding]:
    p = report.period
    if p is None or p.end < p.start:
        return []
    out = []
    for f in report.facts:
        if isinstance(f, DateFact) and f.provenance and f.provenance.rule == "document_date" and \
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


@check
def empty_name(report: Report, text: str) -> list[Finding]:
    from .text import is_letter

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


@check
def absurd_values(report: Report, text: str) -> list[Finding]:
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


@check
def inconsistent_repeat(report: Report, text: str) -> list[Finding]:
    """The same indicator stated twice in one section with different values."""
    seen: dict[tuple[str | None, str, str], list[Quantity]] = {}
    out = []
    verbs_at: dict[tuple[int, int], set[str]] = {}

    def verbs(pos: int) -> set[str]:
        key = _sentence(text, pos)
        if key not in verbs_at:
            verbs_at[key] = _verbs(text, pos)
        return verbs_at[key]

    for f in report.facts:
        if not isinstance(f, Quantity) or f.part_of or f.planned or f.approximate:
            continue
        key_name = f.indicator or (f.subject if f.subject and " " in f.subject else None)
        if key_name is None:
            continue
        key = (f.section, f.type, key_name)
        earlier = seen.setdefault(key, [])
        earlier.append(f)
        # a restatement: another sentence saying the same with the same verb ("przeprowadzono")
        first = next((e for e in earlier[:-1] if _sentence(text, e.span.start) != _sentence(text, f.span.start)
                      and verbs(e.span.start) & verbs(f.span.start)), None)
        if first is not None and first.value != f.value:
            sec = f"{f.section}: " if f.section else ""
            out.append(Finding(
                code="inconsistent_repeat", severity="warning", section=f.section,
                evidence=[first.span, f.span], facts=[first.id, f.id],
                message=f"{sec}'{key_name}' podano dwukrotnie z różnymi wartościami: "
                        f"{_num(first.value)} i {_num(f.value)}"))
    return out


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [e for e in (text.find(". ", pos), text.find("\n", pos)) if e >= 0]
    return start, min(ends) if ends else len(text)


def _verbs(text: str, pos: int) -> set[str]:
    from . import morph

    s, e = _sentence(text, pos)
    out = set()
    for w in re.findall(r"[^\W\d_]+", text[s:e]):
        for i in morph.analyse(w):
            if i.pos in ("fin", "praet", "imps", "ppas", "pred"):
                out.add(i.lemma)
    return out


def _section_at(report: Report, pos: int) -> str | None:
    for s in report.sections:
        if s.start <= pos < s.end:
            return s.code
    return None


def run_checks(report: Report, text: str) -> list[Finding]:
    out: list[Finding] = []
    for fn in CHECKS:
        out.extend(fn(report, text))
    return out
