"""From recognised mentions to a validated models.Report."""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from models import (
    Amount,
    Count,
    DateFact,
    DateRange,
    Fact,
    Finding,
    Hours,
    Location,
    Period,
    Provenance,
    Report,
    Section,
    SourceInfo,
    Span,
    Stats,
)

from .audit import DOCUMENT_DATE, finding_order, run_checks
from .citations import claim_citations
from .dates import (
    DateMention,
    RangeMention,
    find_dates,
    find_times,
    hint_before,
    parse_month_name_date,
    resolve_year,
    year_hints,
)
from .lexicon import lexicon
from .places import PlaceMention, find_places
from .quantities import Context, Num, Qty, Role, run_stage
from .quantities.model import CLAIMS_EXPLAIN
from .structure import Structure, analyse_structure
from .text import View

_M = TypeVar("_M", bound=BaseModel)


_set = object.__setattr__


def _constructed(cls: type[_M], values: dict[str, Any]) -> _M:
    """`cls.model_construct(**values)` for values that name every field: what it does, less the
    defaults it would look up (a fact's span and provenance are built about a hundred times a
    report). tests/test_models.py checks that both build the same object."""
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def _provenance(rule: str) -> Provenance:
    return _constructed(Provenance, {"rule": rule, "page": None, "confidence": None})


def _span(text: str, s: int, e: int) -> Span:
    """A span of the text: consistent by construction (its text is the slice), so built without
    re-running the validators; the Report and every fact are still validated."""
    if not 0 <= s <= e <= len(text):
        raise ValueError(f"span {s}-{e} outside the text ({len(text)} characters)")
    return _constructed(Span, {"start": s, "end": e, "text": text[s:e]})


@dataclass
class Extraction:
    """What the stages find in one text, stage by stage (the spaCy components of
    extractor/pipeline.py each fill one part; `assemble` turns it into a Report)."""

    view: View
    doc: Any = None                      # the spaCy Doc the stages run on
    structure: Structure | None = None
    exclude: list[tuple[int, int]] = field(default_factory=list)   # the period's words: no dates there
    dates: list[DateMention] | None = None
    ranges: list[RangeMention] = field(default_factory=list)
    numbers: Context | None = None       # numbers, then quantities, on one context
    places: list[PlaceMention] | None = None
    done: list[str] = field(default_factory=list)   # the stages run, in order


def read_structure(ext: Extraction) -> None:
    """Legal references claimed first (no period, date or figure in them); then kind, period,
    sections and author; the period's own words are claimed (no dates there)."""
    claim_citations(ext.view)
    st = ext.structure = analyse_structure(ext.view)
    ext.exclude = [p.span for p in st.period_candidates] or ([st.period.span] if st.period else []) or \
        ([st.period_impossible] if st.period_impossible else [])
    for a, b in ext.exclude:
        ext.view.claim(a, b, "period")


def read_dates(ext: Extraction) -> None:
    find_times(ext.view)
    ext.dates, ext.ranges = find_dates(ext.view, ext.exclude)


def read_numbers(ext: Extraction) -> None:
    ext.numbers = Context(ext.view, doc=ext.doc)
    run_stage(ext.numbers, "numbers")


def read_quantities(ext: Extraction) -> None:
    assert ext.numbers is not None
    run_stage(ext.numbers, "quantities")


def read_places(ext: Extraction) -> None:
    st = ext.structure
    assert st is not None
    ext.places = find_places(ext.view, st.header_end if st.headings else 0)


# what may stand between two dates of one list: "31 marca i 1 kwietnia 2023 r."
_LISTED_WITH = re.compile(r"[ \n]{0,3}(?:,|i|oraz)[ \n]{1,3}|[ \n]{0,3},[ \n]{0,3}")


def assemble(ext: Extraction, source: SourceInfo, keep_text: bool = False) -> Report:
    """The validated Report from what the stages found: ids, years of dates, sections, audit."""
    view, st = ext.view, ext.structure
    assert st is not None and ext.dates is not None and ext.numbers is not None and ext.places is not None
    text = view.text
    sections = _sections(view, st)

    sec_starts = [s.start for s in sections]

    def section_at(pos: int) -> str | None:
        i = bisect_right(sec_starts, pos) - 1
        return sections[i].code if i >= 0 and pos < sections[i].end else None

    period = None
    if st.period:
        period = Period(start=st.period.start, end=st.period.end, span=_span(text, *st.period.span),
                        origin="body" if st.period.origin == "body" else "header")
    dates, ranges = ext.dates, ext.ranges
    qtys, nums = ext.numbers.result(), ext.numbers.nums
    places = ext.places

    fallback_year = None
    if st.period is None:
        years = Counter(int(m.group()) for m in re.finditer(r"(?<!\d)(?:19|20)\d\d(?!\d)", view.norm)
                        if view.is_claimed(m.start(), m.end()) != "reference")
        fallback_year = years.most_common(1)[0][0] if years else None

    period_spans = [p.span for p in st.period_candidates] + ([st.period.span] if st.period else [])
    hints = [(p, y) for p, y in year_hints(view.norm) if not any(a <= p < b for a, b in period_spans)
             and view.is_claimed(p, p + 4) != "reference"]

    def section_start(pos: int) -> int:
        return next((s.start for s in reversed(sections) if s.start <= pos), 0)

    # years named on their own ("W I połowie 2015 r."), not as part of a date, the period, a
    # reference or a span of years ("na lata 2014–2020")
    bare_years = [(p, y) for p, y in hints if view.is_claimed(p, p + 4) is None and not _in_year_span(view.norm, p)]
    bare_at = [p for p, _y in bare_years]

    def sentence_year(pos: int) -> int | None:
        """The year a sentence names, which a year-less date in it takes: the last before the
        date, else the first after it."""
        s, e = view.sentence(pos)
        i, j = bisect_left(bare_at, s), bisect_left(bare_at, e)
        if i == j:
            return None
        before = [y for p, y in bare_years[i:j] if p < pos]
        return before[-1] if before else bare_years[i][1]

    dated = sorted((d.start, d.month, d.day, d.year) for d in dates if d.year is not None)
    dated_at = [x[0] for x in dated]

    def listed_year(day: int, month: int, end: int) -> int | None:
        """'31 marca i 1 kwietnia 2023 r.': the year of the dated mention the date is listed
        with (only 'i', 'oraz' or a comma between them), the year before when that one comes
        earlier in the calendar ('12 grudnia i 5 stycznia 2020 r.')."""
        i = bisect_right(dated_at, end - 1)
        if i == len(dated) or not _LISTED_WITH.fullmatch(view.norm, end, dated[i][0]):
            return None
        _p, m2, d2, y2 = dated[i]
        return y2 if (month, day) <= (m2, d2) else y2 - 1

    def year_of(day: int, month: int, pos: int, end: int | None = None) -> int | None:
        named = sentence_year(pos)
        if named is not None:
            return named
        listed = listed_year(day, month, end) if end is not None else None
        if listed is not None:
            return listed
        return resolve_year(day, month, st.period, fallback_year, hint_before(hints, pos, section_start(pos)))

    findings: list[Finding] = []
    if st.period_impossible:
        a, b = st.period_impossible
        findings.append(Finding(code="period_invalid", severity="error", evidence=[_span(text, a, b)],
                                message=f"Okres sprawozdawczy „{text[a:b]}” zawiera datę, której nie ma w kalendarzu."))
    items: list[tuple[int, Any]] = []   # (start, mention) in text order; ids follow that order

    for d in dates:
        y = d.year if d.year is not None else year_of(d.day, d.month, d.start, d.end)
        if y is None:
            findings.append(Finding(code="date_unresolved", severity="warning", section=section_at(d.start),
                                    evidence=[_span(text, d.start, d.end)],
                                    message="Data bez roku, a okres sprawozdawczy nieznany"))
            continue
        value = _date(y, d.month, d.day, text[d.start:d.end] if d.rule == "words" and d.year else None)
        if value is not None:
            items.append((d.start, (d, value)))
    for r in ranges:
        yb = r.b.year if r.b.year is not None else year_of(r.b.day, r.b.month, r.start)
        if yb is None:
            continue
        ya = r.a.year if r.a.year is not None else (yb if (r.a.month, r.a.day) <= (r.b.month, r.b.day) else yb - 1)
        first, last = _date(ya, r.a.month, r.a.day), _date(yb, r.b.month, r.b.day)
        if first is not None and last is not None and first <= last:
            items.append((r.start, (r, (first, last))))
    items += [(q.start, q) for q in qtys]
    items += [(p.start, p) for p in places]
    items.sort(key=lambda x: x[0])

    ids = {id(item): f"f{n}" for n, (_s, item) in enumerate(items, 1)}
    facts: list[Fact] = []
    for _start, item in items:
        fid = ids[id(item)]
        if isinstance(item, Qty):
            facts.append(_quantity(text, item, fid, ids, section_at))
        elif isinstance(item, PlaceMention):
            facts.append(Location(id=fid, section=section_at(item.start), span=_span(text, item.start, item.end),
                                  value=item.value, kind=item.kind,
                                  provenance=_provenance(rule=f"places.{item.rule}")))
            if item.typo:
                findings.append(Finding(code="typo", severity="info", section=section_at(item.start),
                                        evidence=[_span(text, item.start, item.start + len(item.typo[0]))],
                                        message=f"'{item.typo[0]}' odczytano jako '{item.typo[1]}'"))
        else:
            mention, value = item
            rule = DOCUMENT_DATE if isinstance(mention, DateMention) and \
                is_document_date(view, mention.start, mention.end) else f"dates.{mention.rule}"
            common = dict(id=fid, section=section_at(mention.start), span=_span(text, mention.start, mention.end),
                          provenance=_provenance(rule=rule))
            if isinstance(mention, RangeMention):
                facts.append(DateRange(start=value[0], end=value[1], **common))
            else:
                facts.append(DateFact(value=value, **common))
    for h in st.headings:
        if h.typo_of:
            findings.append(Finding(code="typo", severity="info", section=h.code,
                                    evidence=[_span(text, h.start, h.end)],
                                    message=f"Nagłówek '{h.title}' odczytano jako '{h.typo_of}'"))

    explained_roles = {r for r in Role if r.explains}
    fact_nums = {id(q.num) for q in qtys} | {id(q.num.low) for q in qtys if q.num.low is not None}
    digit_nums = [x for x in nums if not x.words]
    explained = sum(1 for x in digit_nums if x.role in explained_roles or id(x) in fact_nums)
    report = Report(
        source=source, kind=st.kind, organisation=st.organisation,
        kind_span=_span(text, *st.kind_span) if st.kind_span else None,
        period=period, sections=sections, facts=facts, findings=findings,
        stats=Stats(numbers=len(digit_nums), explained=explained),
        text=text if keep_text else None,
    )
    report.findings.extend(run_checks(report, view))
    _unexplained(report, view, digit_nums, explained_roles, fact_nums, section_at)
    report.findings.sort(key=finding_order)
    return report


_SPAN_OF_YEARS = re.compile(r"(?:19|20)\d\d\s?[-/–]\s?(?:19|20)\d\d")


def _in_year_span(norm: str, pos: int) -> bool:
    """The year at `pos` is one end of a span of years: "2014–2020", "2019/2020"."""
    return bool(_SPAN_OF_YEARS.match(norm, pos) or _SPAN_OF_YEARS.search(norm, max(0, pos - 7), pos + 4))


def is_document_date(view: View, start: int, end: int) -> bool:
    """The date that dates the report itself: 'Olsztyn, 15.07.2021 r.' alone on a line, or a
    sign-off ('Sporządziła: …, 14.07.2021') — near the top or the end of the text."""
    lx = lexicon()
    norm = view.norm
    ls, le = view.line_start(start), view.line_end(end)
    a, b = ls, le  # the line without the white space around it, found without copying it
    while a < b and norm[a].isspace():
        a += 1
    while b > a and norm[b - 1].isspace():
        b -= 1
    if b - a > 100:
        return False
    line = norm[a:b]
    before = norm[ls:start].strip()
    after = norm[end:le].strip(" .")
    dated = re.fullmatch(r"(?:[A-ZĄĆĘŁŃÓŚŹŻ][\w.-]*(?:\s+[A-ZĄĆĘŁŃÓŚŹŻ\w.-]+){0,2}\s*,)?\s*(?:dnia|dn\.)?", before) \
        is not None and re.fullmatch(r"(?:r|roku)?", after) is not None
    low = line.lower()
    signed = any(low.startswith(w) and not low[len(w):len(w) + 1].isalpha() for w in lx.document_date.signoff)
    if not (dated or signed):
        return False
    n = lx.document_date.edge_lines
    return view.lines_before(ls) < n or view.lines_after(le) < n


def _quantity(text: str, q: Qty, fid: str, ids: dict[int, str],
              section_at: Callable[[int], str | None]) -> Fact:
    common: dict[str, Any] = dict(id=fid, section=section_at(q.start), span=_span(text, q.start, q.end),
                                  provenance=_provenance(rule=q.rule))
    if q.kind == "amount":
        return Amount(value=q.value, **common)
    cls = Hours if q.kind == "hours" else Count
    return cls(value=q.value, subject=q.subject if q.parent is None else None, label=q.label,
               part_of=ids.get(id(q.parent)) if q.parent is not None else None, subset=q.subset,
               approximate=q.approximate, planned=q.planned, **common)


def _unexplained(report: Report, view: View, nums: list[Num], roles: set[Role], fact_nums: set[int],
                 section_at: Callable[[int], str | None]) -> None:
    text = view.text
    for x in nums:
        if x.role in roles or id(x) in fact_nums:
            continue
        if view.is_claimed(x.start, x.end) in CLAIMS_EXPLAIN:
            continue
        s, e = max(0, x.start - 25), min(len(text), x.end + 25)
        report.findings.append(Finding(
            code="unexplained_number", severity="info", section=section_at(x.start),
            evidence=[_span(text, x.start, x.end)],
            message=f"Liczba {text[x.start:x.end]} nie została rozpoznana jako fakt: „…{text[s:e].strip()}…”"))


def _date(y: int, m: int, d: int, month_name_text: str | None = None) -> dt.date | None:
    if month_name_text:
        t = month_name_text.rstrip()
        for suffix in ("roku", "r.", "r"):
            if t.endswith(suffix):
                t = t[: -len(suffix)].rstrip()
                break
        parsed = parse_month_name_date(t)
        if parsed is not None:
            return parsed
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _sections(view: View, st: Structure) -> list[Section]:
    out = []
    hs = st.headings
    for i, h in enumerate(hs):
        end = hs[i + 1].start if i + 1 < len(hs) else len(view.text)
        out.append(Section(code=h.code, title=view.text[h.start:h.end], canonical=h.canonical,
                           heading=_span(view.text, h.start, h.end), start=h.start, end=end))
    return out
