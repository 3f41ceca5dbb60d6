"""Comparison across periods: indicator x period for one organisation, from the archive.

    from extractor.archive import Archive
    from extractor.compare import build_comparison, to_csv
    with Archive("reports.sqlite") as ar:
        cmp = build_comparison(ar, org="owes-olsztyn", factor=2.0)
    print(to_csv(cmp))

Periods come in chronological order; each row (section, indicator) has its value per period,
the absolute and percentage change from the previous period, and cumulative totals (flows
only: a stock such as "PS objęte wsparciem" is a level, its running sum means nothing).
Findings across periods: gaps or overlaps between consecutive periods, an indicator that
appears or disappears, a change beyond a factor. The library never prints.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import SprawozdaniaError

if TYPE_CHECKING:
    from models import CrossEvidence, Reconciliation

    from .archive import Archive, ReportRow
    from .reconcile import Covering

DEFAULT_FACTOR = 2.0
# Period lengths differing by more than this share make flows compare per day.
LENGTH_TOLERANCE = 0.10


class CompareError(SprawozdaniaError):
    """Nothing to compare (no such organisation, ambiguous organisation, no periods …)."""


@dataclass(frozen=True)
class PeriodColumn:
    sha256: str
    name: str
    kind: str | None
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Row:
    section: str
    key: str
    indicator: str | None
    name: str
    unit: str
    measure: str
    values: list[float | None]
    approximate: list[bool]
    change: list[float | None] = field(default_factory=list)
    change_pct: list[float | None] = field(default_factory=list)
    cumulative: list[float | None] = field(default_factory=list)
    # one per covering report (Comparison.covering): its figure, never in the sequence or in Σ
    covering_values: list[float | None] = field(default_factory=list)
    covering_approximate: list[bool] = field(default_factory=list)
    # one per covering report: agrees | differs | unverifiable, None when it states no figure
    verdicts: list[str | None] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.indicator is not None


@dataclass(frozen=True)
class CrossFinding:
    code: str
    severity: str
    message: str
    section: str | None = None
    indicator: str | None = None
    periods: tuple[str, ...] = ()
    evidence: tuple[CrossEvidence, ...] = ()     # every span involved, each in its report


@dataclass
class Comparison:
    """One organisation's indicators x periods.

    periods: the columns, chronological (one periodic report each: covering reports, whose period
    contains those of two or more others, are in `covering`, with `reconciliation`); rows: one per (section, indicator or
    unknown subject), each with a value per period and what derives from it (change, change %,
    cumulative); findings: across periods; skipped: reports of this organisation not compared
    (no usable period, an older duplicate of a period); left_out: reports the selection did not
    take (another kind, no organisation), each group with how to include it.
    """

    organisation: str
    periods: list[PeriodColumn]
    rows: list[Row]
    findings: list[CrossFinding]
    factor: float
    taxonomy_version: int
    skipped: list[str] = field(default_factory=list)
    org_key: str = ""
    left_out: list[LeftOut] = field(default_factory=list)
    # reports whose period contains those of two or more others (final, annual): columns of
    # their own beside `periods`, reconciled with the periodic reports they cover
    covering: list[Covering] = field(default_factory=list)
    reconciliation: Reconciliation | None = None


def _num(v: float | None) -> float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 4)


def fmt_num(v: float | None, pct: bool = False, signed: bool = False) -> str:
    """'' for missing; integers without decimals; percentages with one decimal."""
    if v is None:
        return ""
    if pct:
        return f"{v:+.1f}" if signed else f"{v:.1f}"
    if float(v).is_integer():
        return f"{int(v):+d}" if signed else str(int(v))
    return f"{v:+.2f}" if signed else f"{v:.2f}".rstrip("0").rstrip(".")


def _resolve_org(archive: Archive, org: str | None) -> str:
    """The organisation key to compare: the one `org` names (a key, an alias or a written name,
    through the archive's alias store), or the archive's only organisation."""
    orgs = [(k, n, c) for k, n, c in archive.organisations() if k is not None]
    listed = ", ".join(f"{k} ({n}, {c})" if n and n != k else f"{k} ({c})" for k, n, c in orgs)
    if org is None:
        if len(orgs) == 1:
            return orgs[0][0]
        if not orgs:
            raise CompareError("the archive holds no report with a known organisation; give the reports one with "
                               "`sprawozdania batch … --org KEY --archive …`")
        raise CompareError(f"several organisations in the archive, choose one with --org: {listed}")
    key = archive.resolve(org)
    if key is None or key not in {k for k, _n, _c in orgs}:
        raise CompareError(f"no reports of organisation {org!r} in the archive (known: {listed or 'none'})")
    return key


@dataclass(frozen=True)
class LeftOut:
    """Reports the comparison did not take, why, and how to take them."""

    reason: str               # kind | no_organisation | period_missing | period_invalid | duplicate_period
    reports: tuple[str, ...]  # file names
    message: str              # how many, why, how to include them (one line, English)


def _left_out(archive: Archive, key: str, kind: str | None, org_given: bool) -> list[LeftOut]:
    out = []
    if kind is not None:
        others = [r for r in archive.reports(org=key) if r.kind != kind]
        by_kind: dict[str, list[str]] = {}
        for r in others:
            by_kind.setdefault(r.kind or "unknown kind", []).append(r.name)
        for k, names in sorted(by_kind.items()):
            n = len(names)
            reports = f"{n} {k} report" if k != "unknown kind" else f"{n} report"
            reports += ("s" if n != 1 else "") + (" of unknown kind" if k == "unknown kind" else "")
            out.append(LeftOut("kind", tuple(names), f"{reports} left out by --kind {kind}; run without --kind to "
                                                     f"include {'them' if n != 1 else 'it'}"))
    if not org_given:
        unknown = [r.name for r in archive.reports() if r.org_key is None]
        if unknown:
            n = len(unknown)
            out.append(LeftOut("no_organisation", tuple(unknown),
                               f"{n} report{'s' if n != 1 else ''} with no organisation left out "
                               f"({', '.join(unknown[:3])}{', …' if n > 3 else ''}); include "
                               f"{'them' if n != 1 else 'it'} with `sprawozdania batch FILE… --org {key} "
                               "--archive …`"))
    return out


def _choose_periods(reports: list[ReportRow], findings: list[CrossFinding], skipped: list[str]
                    ) -> list[PeriodColumn]:
    by_period: dict[tuple[dt.date, dt.date], list[ReportRow]] = {}
    for r in reports:
        if r.period_start is None or r.period_end is None:
            skipped.append(r.name)
            findings.append(CrossFinding("period_missing", "info",
                                         f"{r.name}: brak okresu sprawozdawczego – pominięto w porównaniu"))
            continue
        if r.period_end < r.period_start:
            skipped.append(r.name)
            findings.append(CrossFinding("period_invalid", "error",
                                         f"{r.name}: okres {r.period_start:%d.%m.%Y}–{r.period_end:%d.%m.%Y} "
                                         "kończy się przed początkiem – pominięto w porównaniu"))
            continue
        by_period.setdefault((r.period_start, r.period_end), []).append(r)
    cols = []
    for (start, end), rs in sorted(by_period.items()):
        rs = sorted(rs, key=lambda r: (r.updated_at, r.name))
        chosen = rs[-1]
        if len(rs) > 1:
            others = [r.name for r in rs[:-1]]
            skipped.extend(others)
            findings.append(CrossFinding(
                "duplicate_period", "warning",
                f"Okres {start:%d.%m.%Y}–{end:%d.%m.%Y}: {len(rs)} sprawozdania; porównano ostatnio "
                f"zarchiwizowane {chosen.name}, pominięto: {', '.join(others)}",
                periods=(f"{start.isoformat()}/{end.isoformat()}",)))
        cols.append(PeriodColumn(chosen.sha256, chosen.name, chosen.kind, start, end))
    return cols


def period_evidence(archive: Archive, cols: list[PeriodColumn]) -> dict[str, CrossEvidence]:
    """The words that give each report's period (its record's period span), by sha256."""
    from models import CrossEvidence

    out = {}
    for c in cols:
        p = archive.record(c.sha256).period
        if p is not None and p.span is not None:
            out[c.sha256] = CrossEvidence(sha256=c.sha256, source=c.name, start=p.span.start, end=p.span.end,
                                          text=p.span.text)
    return out


def _period_findings(cols: list[PeriodColumn], spans: dict[str, CrossEvidence] | None = None) -> list[CrossFinding]:
    out = []
    spans = spans or {}
    for a, b in zip(cols, cols[1:], strict=False):
        pair = (a.label, b.label)
        ev = tuple(spans[c.sha256] for c in (a, b) if c.sha256 in spans)
        if b.start > a.end + dt.timedelta(days=1):
            gap = (b.start - a.end).days - 1
            out.append(CrossFinding(
                "period_gap", "warning",
                f"Luka {gap} dni między okresami {a.start:%d.%m.%Y}–{a.end:%d.%m.%Y} i "
                f"{b.start:%d.%m.%Y}–{b.end:%d.%m.%Y} ({a.end + dt.timedelta(days=1):%d.%m.%Y}–"
                f"{b.start - dt.timedelta(days=1):%d.%m.%Y} bez sprawozdania)", periods=pair, evidence=ev))
        elif b.start <= a.end:
            overlap_end = min(a.end, b.end)
            days = (overlap_end - b.start).days + 1
            how = "zawiera" if b.end <= a.end else "zachodzi na"
            out.append(CrossFinding(
                "period_overlap", "warning",
                f"Okres {a.start:%d.%m.%Y}–{a.end:%d.%m.%Y} {how} okres {b.start:%d.%m.%Y}–{b.end:%d.%m.%Y} "
                f"({days} dni wspólnych: wartości mogą być liczone podwójnie)", periods=pair, evidence=ev))
    return out


def _row_name(indicator: str | None, subject: str | None, unit: str, names: dict[str, str]) -> str:
    if indicator:
        return names.get(indicator, indicator)
    from .indicators import NO_SUBJECT

    return subject or NO_SUBJECT


def _row_finding(row: Row, a: PeriodColumn, b: PeriodColumn, code: str, severity: str, message: str) -> CrossFinding:
    """A finding on one row between two consecutive periods; the message after the row's name."""
    what = f"{row.section + ': ' if row.section else ''}{row.name}"
    return CrossFinding(code, severity, f"{what}: {message}", section=row.section or None,
                        indicator=row.indicator or row.key, periods=(a.label, b.label))


def _fill(row: Row, cols: list[PeriodColumn], factor: float, out: list[CrossFinding]) -> None:
    n = len(cols)
    row.change = [None] * n
    row.change_pct = [None] * n
    row.cumulative = [None] * n
    running: float | None = None
    for i, v in enumerate(row.values):
        if row.measure == "flow" and (v is not None or running is not None):
            running = (running or 0) + (v or 0)
            row.cumulative[i] = _num(running)
        if i == 0:
            continue
        prev = row.values[i - 1]
        a, b = cols[i - 1], cols[i]
        in_a, in_b = f"{a.start:%d.%m.%Y}–{a.end:%d.%m.%Y}", f"{b.start:%d.%m.%Y}–{b.end:%d.%m.%Y}"
        if prev is not None and v is not None:
            row.change[i] = _num(v - prev)
            row.change_pct[i] = round((v - prev) / prev * 100, 1) if prev else None
            per_day = row.measure == "flow" and abs(a.days - b.days) > LENGTH_TOLERANCE * max(a.days, b.days)
            x, y = (prev / a.days, v / b.days) if per_day else (prev, v)
            if (x == 0 and y > 0) or (x > 0 and y == 0) or (x > 0 and (y / x >= factor or x / y >= factor)):
                ratio = "∞" if x == 0 or y == 0 else f"{max(x, y) / min(x, y):.1f}"
                trend = "wzrost" if y > x else "spadek"
                basis = " (na dzień; okresy różnej długości)" if per_day else ""
                out.append(_row_finding(row, a, b, "change_beyond_factor", "warning",
                                        f"{trend} {fmt_num(prev)} → {fmt_num(v)} ({ratio}×{basis}, "
                                        f"próg {factor:g}×) między {in_a} a {in_b}"))
        elif prev is not None and v is None:
            out.append(_row_finding(row, a, b, "indicator_disappeared", "info",
                                    f"było {fmt_num(prev)} w {in_a}, brak w {in_b}"))
        elif prev is None and v is not None:
            out.append(_row_finding(row, a, b, "indicator_appeared", "info",
                                    f"pojawia się w {in_b} ({fmt_num(v)}), brak w {in_a}"))


def check_factor(factor: float) -> None:
    """The change factor flags a value that grows or falls by it or more: a finite number
    above 1 (1 or less would flag every change, NaN or infinity none)."""
    if not (math.isfinite(factor) and factor > 1):
        raise CompareError(f"the change factor must be a finite number greater than 1, got {factor}")


def _section_keys(archive: Archive, shas: list[str], section: str) -> set[str]:
    """The comparison keys `section` names in these reports: a key, a heading's code or
    canonical name (in any case), or a task label written another way ("Zad. 2" for
    "ZADANIE 2"). CompareError, listing the sections there are, when it names none."""
    from .indicators import section_key

    names: dict[str, set[str]] = {}        # casefolded name -> keys
    for code, canonical in archive.section_names(shas):
        key = section_key(code, canonical)
        for name in (key, code, canonical):
            if name:
                names.setdefault(name.casefold(), set()).add(key)
    for row in archive.indicator_rows(shas):
        if row[1]:
            names.setdefault(row[1].casefold(), set()).add(row[1])
    want = section.strip()
    hit = names.get(want.casefold()) or names.get(section_key(want).casefold())
    if not hit:
        known = sorted({k for ks in names.values() for k in ks}, key=str.casefold)
        raise CompareError(f"no section {section!r} in the compared reports (sections: "
                           f"{', '.join(known) if known else 'none'})")
    return hit


def build_comparison(archive: Archive, org: str | None = None, section: str | None = None,
                     kind: str | None = None, factor: float = DEFAULT_FACTOR,
                     known_only: bool = False) -> Comparison:
    """Indicator x period table of one organisation (the only one when `org` is None),
    of one section when `section` is given (see `_section_keys`)."""
    check_factor(factor)
    key = _resolve_org(archive, org)
    reports = archive.reports(org=key, kind=kind)
    left_out = _left_out(archive, key, kind, org is not None)
    if not reports:
        notes = "; ".join(lo.message for lo in left_out)
        raise CompareError(f"no {kind + ' ' if kind else ''}reports of {org or key} in the archive"
                           + (f" ({notes})" if notes else ""))
    findings: list[CrossFinding] = []
    skipped: list[str] = []
    every = _choose_periods(reports, findings, skipped)
    if not every:
        raise CompareError(f"no report of {org or key} has a usable period")
    from .reconcile import reconcile, split_periods

    cols, coverings = split_periods(every)
    spans = period_evidence(archive, every)
    findings.extend(_period_findings(cols, spans))       # between periodic reports only
    tax = archive.taxonomy
    names = {c: i.name for c, i in tax.indicators.items()}
    order = {c: i for i, c in enumerate(tax.indicators)}
    index = {c.sha256: i for i, c in enumerate(cols)}
    cover_index = {cv.column.sha256: i for i, cv in enumerate(coverings)}
    shas = [c.sha256 for c in every]
    sections = _section_keys(archive, shas, section) if section is not None else None
    rows: dict[tuple[str, str], Row] = {}
    values: dict[tuple[str, str, str], tuple[float, bool, list[str]]] = {}
    for sha, sec, rkey, ind, subject, unit, measure, value, approx, ids in archive.indicator_rows(shas, sections):
        if known_only and ind is None:
            continue
        row = rows.get((sec, rkey))
        if row is None:
            row = rows[(sec, rkey)] = Row(sec, rkey, ind, _row_name(ind, subject, unit, names), unit, measure,
                                          [None] * len(cols), [False] * len(cols),
                                          covering_values=[None] * len(coverings),
                                          covering_approximate=[False] * len(coverings),
                                          verdicts=[None] * len(coverings))
        values[(sha, sec, rkey)] = (_num(value) or 0, bool(approx), json.loads(ids))
        if sha in index:
            row.values[index[sha]] = _num(value)
            row.approximate[index[sha]] = bool(approx)
        else:
            row.covering_values[cover_index[sha]] = _num(value)
            row.covering_approximate[cover_index[sha]] = bool(approx)
    ordered = sorted(rows.values(), key=lambda r: (r.section == "", r.section, r.indicator is None,
                                                   order.get(r.indicator or "", 0), r.unit, r.name))
    per_row: list[CrossFinding] = []
    for r in ordered:
        # findings only for taxonomy indicators: an unknown lemma coming and going is noise
        _fill(r, cols, factor, per_row if r.indicator else [])
    name = archive.display_name(key) or key
    rec, rec_findings = reconcile(archive, key, name, coverings, values,
                                  [(r.section, r.key, r.indicator, r.name, r.unit, r.measure) for r in ordered],
                                  spans)
    by_row = {(r.section, r.key): r for r in ordered}
    for i, cv in enumerate(rec.covering):
        for ri in cv.indicators:
            by_row[(ri.section, ri.key)].verdicts[i] = ri.verdict
    all_findings = findings + rec_findings + per_row
    rec.findings = [finding_record(f) for f in all_findings]
    return Comparison(organisation=name, periods=cols, rows=ordered, findings=all_findings, factor=factor,
                      taxonomy_version=tax.version, skipped=skipped, org_key=key, left_out=left_out,
                      covering=coverings, reconciliation=rec)


def finding_record(f: CrossFinding) -> Any:
    """The finding as models.CrossFindingRecord (what the JSON and the archive carry)."""
    from models import CrossFindingRecord

    return CrossFindingRecord(code=f.code, severity=f.severity, message=f.message, section=f.section,
                              indicator=f.indicator, periods=list(f.periods), evidence=list(f.evidence))


# --- outputs ------------------------------------------------------------------------------

def to_csv(cmp: Comparison, long: bool = False) -> str:
    """Wide (default): one row per (section, indicator), one column per period; then the changes
    from the previous period (Δ, Δ%), the cumulative totals (Σ, flows only), whether each
    period's value is approximate (~: 1 for a value written "ok. 150", the table's "~150"), the
    days no report covers before each period after the first (a Δ across such days is no change
    from the period just before), the covering reports, and the organisation. Long (`long`): one
    row per indicator x period (see `long_rows`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if long:
        w.writerow(LONG_COLUMNS)
        for lr in long_rows(cmp):
            w.writerow(["" if lr[c] is None else fmt_num(lr[c], pct=c == "change_pct") if c in _NUMERIC
                        else int(lr[c]) if isinstance(lr[c], bool) else lr[c] for c in LONG_COLUMNS])
        return buf.getvalue()
    labels = [p.label for p in cmp.periods]
    covering = [cv.column for cv in cmp.covering]
    gaps = ["" if n is None else n for n in days_before(cmp)][1:]
    w.writerow(["section", "indicator", "name", "unit", "measure", *labels,
                *(f"Δ {lb}" for lb in labels[1:]), *(f"Δ% {lb}" for lb in labels[1:]),
                *(f"Σ {lb}" for lb in labels), *(f"~ {lb}" for lb in labels),
                *(f"days without report before {lb}" for lb in labels[1:]),
                *(h for c in covering for h in (f"{c.kind or 'covering'} {c.label}", f"expected {c.label}",
                                                 f"verdict {c.label}")),
                "org_key", "organisation"])
    expected = _expected(cmp)
    for r in cmp.rows:
        w.writerow([r.section, r.indicator or "", r.name, r.unit, r.measure,
                    *(fmt_num(v) for v in r.values),
                    *(fmt_num(v) for v in r.change[1:]),
                    *(fmt_num(v, pct=True) for v in r.change_pct[1:]),
                    *(fmt_num(v) for v in r.cumulative),
                    *("" if v is None else int(a) for v, a in zip(r.values, r.approximate, strict=True)),
                    *gaps,
                    *(x for i in range(len(covering))
                      for x in (("~" if r.covering_approximate[i] else "") + fmt_num(r.covering_values[i]),
                                fmt_num(expected.get((i, r.section, r.key))), r.verdicts[i] or "")),
                    cmp.org_key, cmp.organisation])
    return buf.getvalue()


def _expected(cmp: Comparison) -> dict[tuple[int, str, str], float | None]:
    """(covering index, section, key) -> what the covered reports add up to."""
    if cmp.reconciliation is None:
        return {}
    return {(i, ri.section, ri.key): ri.expected for i, cv in enumerate(cmp.reconciliation.covering)
            for ri in cv.indicators}


LONG_COLUMNS = ("org_key", "organisation", "section", "indicator", "name", "unit", "measure", "period_start",
                "period_end", "kind", "report", "value", "approximate", "change", "change_pct", "cumulative",
                "role", "expected", "verdict", "days_without_report_before")
_NUMERIC = ("value", "change", "change_pct", "cumulative", "expected", "days_without_report_before")


def long_rows(cmp: Comparison) -> list[dict[str, Any]]:
    """One dict per (row, period) — every period of every row, the value empty (None) where the
    report has none — with the columns LONG_COLUMNS: what pandas reads without picking columns.
    `days_without_report_before`: the days no report covers before the period (None for the
    first): a change across them is no change from the period just before.
    Then the covering reports' figures (role "covering"; role "periodic" for the periods), each
    with what the covered reports add up to (`expected`) and the verdict; filter on role before
    summing."""
    out = []
    gaps = days_before(cmp)
    for r in cmp.rows:
        for i, p in enumerate(cmp.periods):
            v = r.values[i]
            out.append({"org_key": cmp.org_key, "organisation": cmp.organisation, "section": r.section,
                        "indicator": r.indicator or "", "name": r.name, "unit": r.unit, "measure": r.measure,
                        "period_start": p.start.isoformat(), "period_end": p.end.isoformat(), "kind": p.kind or "",
                        "report": p.name, "value": v, "approximate": None if v is None else r.approximate[i],
                        "change": r.change[i], "change_pct": r.change_pct[i], "cumulative": r.cumulative[i],
                        "role": "periodic", "expected": None, "verdict": None,
                        "days_without_report_before": gaps[i]})
    expected = _expected(cmp)
    for r in cmp.rows:
        for i, cv in enumerate(cmp.covering):
            p, v = cv.column, r.covering_values[i]
            if v is None:
                continue
            out.append({"org_key": cmp.org_key, "organisation": cmp.organisation, "section": r.section,
                        "indicator": r.indicator or "", "name": r.name, "unit": r.unit, "measure": r.measure,
                        "period_start": p.start.isoformat(), "period_end": p.end.isoformat(), "kind": p.kind or "",
                        "report": p.name, "value": v, "approximate": r.covering_approximate[i],
                        "change": None, "change_pct": None, "cumulative": None, "role": "covering",
                        "expected": expected.get((i, r.section, r.key)), "verdict": r.verdicts[i],
                        "days_without_report_before": None})
    return out


_HTML_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #000; max-width: 62em; }
h1 small, h3 code { font-weight: normal; color: #333; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.date { white-space: nowrap; }
section.indicator { margin: 1.5em 0; break-inside: avoid; page-break-inside: avoid; }
.note { color: #333; }
@media print { body { margin: 0; } a { color: #000; } }
"""


def to_html(cmp: Comparison) -> str:
    """A self-contained page (no script, no network): the periods, then per row a bar chart over
    the periods (extractor.chart) with its values, changes and cumulative totals, then the
    findings across periods and the reports left out (the body is `html_body`, which the served
    organisation page shows too)."""
    from html import escape

    from .i18n import lang, tr

    title = tr("{org} — periods compared", org=cmp.organisation)
    out = ["<!DOCTYPE html>", f'<html lang="{lang()}">', "<head>", '<meta charset="utf-8">',
           f"<title>{escape(title)}</title>", f"<style>{_HTML_STYLE}</style>", "</head>", "<body>",
           f"<h1>{escape(cmp.organisation)} <small>{escape(cmp.org_key)}</small></h1>",
           html_body(cmp), "</body>", "</html>"]
    return "\n".join(out) + "\n"


def html_body(cmp: Comparison, report_url: Callable[[str], str] | None = None) -> str:
    """The comparison as an HTML fragment: periods, a chart and a table per row, findings across
    periods, reports left out. `report_url(sha256)`: a link for each period's report, and for
    each figure and finding's words, into its report."""
    from html import escape

    from .chart import Bar, bar_chart
    from .i18n import tr, translate

    def cell(v: float | None, pct: bool = False, signed: bool = False, gap: str = "") -> str:
        text = (f"{v:+.1f}%" if pct else fmt_num(v, signed=signed)) if v is not None else ""
        if gap and v is not None:      # a change from a period that is not the one just before
            return f'<td class="num" title="{escape(gap)}">{escape(text)}*</td>'
        return f'<td class="num">{escape(text)}</td>'

    out = ["<p>" + escape(tr("periods: {n}, rows: {rows} (taxonomy v{version}; Σ = cumulative, flows only; "
                             "~ = approximate)", n=len(cmp.periods), rows=len(cmp.rows),
                             version=cmp.taxonomy_version)) + "</p>",
           f"<table><thead><tr><th>{escape(tr('period'))}</th><th>{escape(tr('kind'))}</th>"
           f"<th>{escape(tr('report'))}</th></tr></thead><tbody>"]
    for p in cmp.periods:
        kind = tr(p.kind) if p.kind else "—"
        name = (f'<a href="{escape(report_url(p.sha256))}">{escape(p.name)}</a>' if report_url
                else escape(p.name))
        out.append(f"<tr><td>{p.start:%d.%m.%Y} – {p.end:%d.%m.%Y}</td><td>{escape(kind)}</td>"
                   f"<td>{name}</td></tr>")
    out.append("</tbody></table>")
    if cmp.covering:
        note = tr("Each covers the periods of two or more reports above; its figures are reconciled with theirs, "
                  "never added to Σ.")
        out.append(f"<h2>{escape(tr('Covering reports'))}</h2><p class=\"note\">{escape(note)}</p>"
                   f"<table><thead><tr><th>{escape(tr('period'))}</th><th>{escape(tr('kind'))}</th>"
                   f"<th>{escape(tr('report'))}</th><th>{escape(tr('covers'))}</th></tr></thead><tbody>")
        for cv in cmp.covering:
            p = cv.column
            out.append(f"<tr><td>{p.start:%d.%m.%Y} – {p.end:%d.%m.%Y}</td><td>{escape(tr(p.kind) if p.kind else '—')}"
                       f"</td><td>{escape(p.name)}</td><td>{escape(', '.join(c.name for c in cv.covered))}</td></tr>")
        out.append("</tbody></table>")
    heads = [f"{p.start:%Y-%m}\n{p.end:%Y-%m}" if p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1
             else f"{p.start:%Y-%m-%d}\n{p.end:%Y-%m-%d}" for p in cmp.periods]
    gaps = [tr("days without a report before it: {days} ({start} – {end})", days=n,
               start=f"{p.start - dt.timedelta(days=n):%d.%m.%Y}", end=f"{p.start - dt.timedelta(days=1):%d.%m.%Y}")
            if n is not None and n > 0 else "" for p, n in zip(cmp.periods, days_before(cmp), strict=True)]
    for n, r in enumerate(cmp.rows):
        unit = "h" if r.unit == "hours" else ""
        what = f"{r.section + ' · ' if r.section else ''}{r.name}"
        code = f" <code>{escape(r.indicator)}</code>" if r.indicator else ""
        out.append(f'<section class="indicator"><h3>{escape(what)}{code}{" [h]" if unit else ""}</h3>')
        out.append(bar_chart(what + (f" [{unit}]" if unit else ""),
                             [Bar(h, v, a) for h, v, a in zip(heads, r.values, r.approximate, strict=True)],
                             unit=unit, chart_id=f"r{n}", missing=tr("no value")))
        out.append("<table><thead><tr><th></th>"
                   + "".join('<th class="num">' + "<br>".join(f'<span class="date">{escape(x)}</span>'
                                                              for x in h.split(chr(10))) + "</th>" for h in heads)
                   + f"</tr></thead><tbody><tr><th>{escape(tr('value'))}</th>"
                   + "".join(f'<td class="num">{"~" if a else ""}{escape(fmt_num(v))}</td>' if v is not None
                             else '<td class="num">—</td>' for v, a in zip(r.values, r.approximate, strict=True))
                   + "</tr><tr><th>Δ</th>" + "".join(cell(v, signed=True, gap=g) for v, g in zip(r.change, gaps, strict=True))
                   + "</tr><tr><th>Δ%</th>" + "".join(cell(v, pct=True, gap=g) for v, g in zip(r.change_pct, gaps,
                                                                                               strict=True)) + "</tr>"
                   + ("<tr><th>Σ</th>" + "".join(cell(v) for v in r.cumulative) + "</tr>"
                      if r.measure == "flow" else "")
                   + "</tbody></table>"
                   + "".join(f'<p class="note">* {escape(heads[i].replace(chr(10), " – "))}: {escape(g)}</p>'
                             for i, g in enumerate(gaps) if g and (r.change[i] is not None or r.change_pct[i] is not None))
                   + "".join(f'<p class="note">{escape(tr(cv.column.kind) if cv.column.kind else "")} '
                             f"{cv.column.start:%d.%m.%Y} – {cv.column.end:%d.%m.%Y}: "
                             f'{"~" if r.covering_approximate[i] else ""}{escape(fmt_num(r.covering_values[i]))} — '
                             f"{escape(tr(r.verdicts[i] or 'unverifiable'))}</p>"
                             for i, cv in enumerate(cmp.covering) if r.covering_values[i] is not None)
                   + "</section>")
    if cmp.reconciliation is not None and cmp.reconciliation.covering:
        out.extend(reconciliation_html(cmp.reconciliation, report_url))
    if cmp.findings:
        out.append(f"<h2>{escape(tr('Findings across periods ({n})', n=len(cmp.findings)))}</h2><ul>")
        out.extend(f"<li><strong>{escape(tr(f.severity))}</strong> <code>{escape(f.code)}</code> "
                   f"{escape(f.message)}"
                   + ('<br><small class="evidence">' + "<br>".join(
                       evidence_html(e.sha256, e.source, e.start, e.end, e.text, report_url) for e in f.evidence)
                      + "</small>" if f.evidence else "")
                   + "</li>" for f in cmp.findings)
        out.append("</ul>")
    if cmp.left_out:
        out.append(f"<h2>{escape(tr('Reports left out'))}</h2><ul>")
        out.extend(f'<li class="note">{escape(translate(lo.message))}</li>' for lo in cmp.left_out)
        out.append("</ul>")
    return "\n".join(out)


def reconciliation_html(rec: Reconciliation, report_url: Callable[[str], str] | None = None) -> list[str]:
    """A table per covering report: each indicator's stated figure, the arithmetic against the
    reports it covers, the verdict, and every figure's words (report, offsets, quoted) — with
    `report_url(sha256)`, each a link to the words in their report (review.opening_at)."""
    from html import escape

    from .i18n import tr

    out = [f"<h2>{escape(tr('Reconciliation'))}</h2>"]
    for cv in rec.covering:
        r = cv.report
        out.append(f"<h3>{escape(tr(r.kind) if r.kind else '')} {r.start:%d.%m.%Y} – {r.end:%d.%m.%Y} "
                   f"<code>{escape(r.source)}</code></h3>")
        if cv.gaps:
            out.append('<p class="note">' + escape(tr("not covered: {days}", days=", ".join(
                f"{g.start:%d.%m.%Y} – {g.end:%d.%m.%Y}" for g in cv.gaps))) + "</p>")
        out.append(f"<table><thead><tr><th>{escape(tr('section'))}</th><th>{escape(tr('indicator'))}</th>"
                   f"<th>{escape(tr('stated'))}</th><th>{escape(tr('covered reports'))}</th>"
                   f"<th>{escape(tr('verdict'))}</th><th>{escape(tr('evidence'))}</th></tr></thead><tbody>")
        for ri in cv.indicators:
            figs = [ri.stated, *(c for c in ri.covered if c.value is not None)]
            ev = "<br>".join(evidence_html(f.report.sha256, f.report.source, s.start, s.end, s.text, report_url)
                             for f in figs for s in f.evidence)
            name = (ri.indicator or ri.name) + (f" ({tr('by lemma')})" if ri.by_lemma else "")
            out.append(f"<tr><td>{escape(ri.section or '—')}</td><td>{escape(name)}</td>"
                       f'<td class="num">{"~" if ri.stated.approximate else ""}{escape(fmt_num(ri.stated.value))}</td>'
                       f"<td>{escape(ri.arithmetic or ri.reason or '')}</td><td>{escape(tr(ri.verdict))}</td>"
                       f"<td>{ev}</td></tr>")
        out.append("</tbody></table>")
    return out


def evidence_html(sha256: str, source: str, start: int, end: int, text: str,
                  report_url: Callable[[str], str] | None = None) -> str:
    """One span of evidence: 'file [start:end] «words»', a link to the words in their report
    when `report_url` gives the report's page."""
    from html import escape

    from .review import opening_at

    label = f"{escape(source)} [{start}:{end}] «{escape(text)}»"
    if report_url is None:
        return label
    return f'<a href="{escape(report_url(sha256) + opening_at(start, end))}">{label}</a>'


def days_before(cmp: Comparison) -> list[int | None]:
    """For each period, the days no report covers between the period before it and this one
    (0: it follows at once; negative: they overlap; None for the first): a change (Δ) from a
    period after a gap is not a change from the period just before."""
    return [None if q is None else (p.start - q.end).days - 1
            for q, p in zip([None, *cmp.periods[:-1]], cmp.periods, strict=True)]


def to_json(cmp: Comparison) -> dict[str, Any]:
    return {
        "organisation": cmp.organisation,
        "org_key": cmp.org_key,
        "taxonomy_version": cmp.taxonomy_version,
        "factor": cmp.factor,
        "periods": [{"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(), "days": p.days,
                     "kind": p.kind, "source": p.name, "sha256": p.sha256, "days_without_report_before": n}
                    for p, n in zip(cmp.periods, days_before(cmp), strict=True)],
        "covering": [{"label": cv.column.label, "start": cv.column.start.isoformat(), "end": cv.column.end.isoformat(),
                      "days": cv.column.days, "kind": cv.column.kind, "source": cv.column.name,
                      "sha256": cv.column.sha256, "covers": [p.label for p in cv.covered]} for cv in cmp.covering],
        "rows": [{"section": r.section, "indicator": r.indicator, "key": r.key, "name": r.name, "unit": r.unit,
                  "measure": r.measure, "values": r.values, "approximate": r.approximate,
                  "change": r.change, "change_pct": r.change_pct, "cumulative": r.cumulative,
                  "covering_values": r.covering_values, "covering_approximate": r.covering_approximate,
                  "verdicts": r.verdicts}
                 for r in cmp.rows],
        "findings": [finding_record(f).model_dump(mode="json") for f in cmp.findings],
        "reconciliation": cmp.reconciliation.model_dump(mode="json", exclude={"findings"})
        if cmp.reconciliation is not None else None,
        "skipped": cmp.skipped,
        "left_out": [{"reason": lo.reason, "reports": list(lo.reports), "message": lo.message} for lo in cmp.left_out],
    }


__all__ = ["DEFAULT_FACTOR", "LONG_COLUMNS", "CompareError", "Comparison", "CrossFinding", "LeftOut", "PeriodColumn",
           "Row", "build_comparison", "check_factor", "fmt_num", "html_body", "long_rows", "to_csv", "to_html", "to_json"]
