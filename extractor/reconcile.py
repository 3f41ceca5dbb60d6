"""Reconciliation: a final or annual report's figures against the periodic reports it covers.

    from extractor.archive import Archive
    from extractor.compare import build_comparison
    with Archive("reports.sqlite") as ar:
        cmp = build_comparison(ar, org="owes-nidzica")
    cmp.reconciliation        # models.Reconciliation: per covering report and indicator, a verdict

A report is *covering* when its period contains the periods of two or more other reports of
the same organisation (the kind does not decide: a final report of one quarter covers nothing).
The other reports that are not covering are the *periodic* ones: compare's columns. A covering
report is checked against the periodic reports inside its period (a covering report nested in
another, an annual report inside a project's final one, is checked on its own):

- a flow (meetings, hours, participants) against the sum of the covered periods;
- a stock (groups supported, enterprises operating) against the last covered period (the one
  ending on the covering report's last day), or against their maximum when the taxonomy says so;
- the verdict: agrees; differs (`cross_report_mismatch`, an error; a warning when a figure
  involved is approximate, "ok. 150"); cannot be checked — days of the covering period no
  covered report reports on (`coverage_gap` names them), a periodic report straddling the
  covering report's boundary (`coverage_straddle`), covered reports overlapping each other
  (flows would count twice), or the indicator missing in a covered report.

Indicators are matched per compare row (section and indicator); a subject the taxonomy does not
know is reconciled by its lemma as a flow, and marked so (`by_lemma`). Every figure carries the
evidence of its words (each fact's span, in its report). The library never prints.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models import CrossEvidence, ReconciledIndicator, Reconciliation, ReportRef

    from .archive import Archive
    from .compare import CrossFinding, PeriodColumn

# default rule per measure when the taxonomy says none (and for subjects it does not know: flows)
DEFAULT_RULE = {"flow": "sum", "stock": "last"}
KIND_PL = {"partial": "częściowe", "final": "końcowe", "annual": "roczne"}


@dataclass
class Covering:
    """A covering report with the periodic reports inside its period and what keeps them from
    telling its whole period (gaps, reports across its boundary, overlaps among them)."""

    column: PeriodColumn
    covered: list[PeriodColumn]                   # periodic reports inside, chronological
    nested: list[PeriodColumn] = field(default_factory=list)      # covering reports inside
    straddling: list[PeriodColumn] = field(default_factory=list)  # periodic reports across a boundary
    gaps: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    overlapping: bool = False                     # two covered reports share days

    @property
    def last(self) -> PeriodColumn | None:
        """The covered report of the covering period's last day (the latest starting one)."""
        ends = [c for c in self.covered if c.end == self.column.end]
        return max(ends, key=lambda c: c.start) if ends else None


def _inside(a: PeriodColumn, b: PeriodColumn) -> bool:
    """a's period lies within b's (and is not the same period)."""
    return b.start <= a.start and a.end <= b.end and (a.start, a.end) != (b.start, b.end)


def _gaps(start: dt.date, end: dt.date, cols: Iterable[PeriodColumn]) -> list[tuple[dt.date, dt.date]]:
    out = []
    cursor = start
    for c in sorted(cols, key=lambda c: (c.start, c.end)):
        if c.start > cursor:
            out.append((cursor, min(c.start - dt.timedelta(days=1), end)))
        cursor = max(cursor, c.end + dt.timedelta(days=1))
    if cursor <= end:
        out.append((cursor, end))
    return out


def split_periods(cols: list[PeriodColumn]) -> tuple[list[PeriodColumn], list[Covering]]:
    """(periodic columns, covering reports), both chronological; `cols` one report per period."""
    covering_ids = {c.sha256 for c in cols if sum(_inside(o, c) for o in cols if o is not c) >= 2}
    periodic = [c for c in cols if c.sha256 not in covering_ids]
    out = []
    for c in cols:
        if c.sha256 not in covering_ids:
            continue
        covered = [p for p in periodic if _inside(p, c)]
        straddling = [p for p in periodic if p not in covered and p.start <= c.end and p.end >= c.start]
        ordered = sorted(covered, key=lambda p: (p.start, p.end))
        overlapping = any(b.start <= a.end for a, b in zip(ordered, ordered[1:], strict=False))
        out.append(Covering(c, ordered, [o for o in cols if o.sha256 in covering_ids and _inside(o, c)],
                            straddling, _gaps(c.start, c.end, covered), overlapping))
    return periodic, out


def fmt_period(start: dt.date, end: dt.date) -> str:
    return f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"


def _num(v: float | None) -> str:
    from .compare import fmt_num

    return fmt_num(v)


@dataclass
class _Figure:
    column: PeriodColumn
    value: float | None
    approximate: bool
    fact_ids: list[str]


class _Evidence:
    """The spans of facts, read through Archive.record (the one way to a report's record)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._spans: dict[str, dict[str, Any]] = {}

    def spans(self, sha: str, fact_ids: list[str]) -> list[Any]:
        if sha not in self._spans:
            rec = self.archive.record(sha)
            self._spans[sha] = {f.id: f.span for f in rec.facts}
        got = self._spans[sha]
        return sorted((got[i] for i in fact_ids if i in got), key=lambda s: s.start)


def ref(c: PeriodColumn) -> ReportRef:
    from models import ReportRef

    return ReportRef(sha256=c.sha256, source=c.name, kind=c.kind, start=c.start, end=c.end)


def _what(cov: Covering) -> str:
    kind = KIND_PL.get(cov.column.kind or "", "")
    return f"Sprawozdanie {kind + ' ' if kind else ''}{fmt_period(cov.column.start, cov.column.end)}".strip()


def reconcile(archive: Archive, org_key: str, organisation: str, coverings: list[Covering],
              values: dict[tuple[str, str, str], tuple[float, bool, list[str]]],
              rows: list[tuple[str, str, str | None, str, str, str]],
              period_spans: dict[str, CrossEvidence] | None = None,
              ) -> tuple[Reconciliation, list[CrossFinding]]:
    """Reconcile each covering report's rows. `values`: (sha, section, key) -> (value,
    approximate, fact ids); `rows`: (section, key, indicator, name, unit, measure) of the rows
    compared, in their order; `period_spans`: the words giving each report's period (evidence
    of the findings on periods), by sha256."""
    from models import (
        CoveredFigure,
        CoveringReconciliation,
        DayRange,
        ReconciledIndicator,
        Reconciliation,
    )

    from .compare import CrossFinding

    tax = archive.taxonomy
    ev = _Evidence(archive)
    findings: list[CrossFinding] = []
    out = []
    spans = period_spans or {}
    for cov in coverings:
        c = cov.column
        what = _what(cov)
        inds: list[ReconciledIndicator] = []
        gap_text = ", ".join(f"{fmt_period(a, b)} ({(b - a).days + 1} dni)" for a, b in cov.gaps)
        unverifiable_by_gap: list[str] = []
        for section, key, indicator, name, unit, measure in rows:
            stated = values.get((c.sha256, section, key))
            if stated is None:
                continue
            ind = tax.get(indicator) if indicator else None
            rule = ind.reconcile_rule if ind is not None else DEFAULT_RULE.get(measure, "sum")
            none: tuple[float | None, bool, list[str]] = (None, False, [])
            figs = [_Figure(p, *values.get((p.sha256, section, key), none)) for p in cov.covered]
            label = f"{section + ': ' if section else ''}{name}" + (" [h]" if unit == "hours" else "")

            def fig(f: _Figure) -> CoveredFigure:
                return CoveredFigure(report=ref(f.column), value=f.value, approximate=f.approximate,
                                     evidence=ev.spans(f.column.sha256, f.fact_ids))

            stated_fig = _Figure(c, stated[0], stated[1], stated[2])
            reason: str | None = None
            used: list[_Figure] = []
            expected: float | None = None
            arithmetic: str | None = None
            if rule == "none":
                reason = "wskaźnik nie jest uzgadniany (taksonomia: reconcile = \"none\")"
            elif rule == "sum":
                missing = [f.column for f in figs if f.value is None]
                if cov.gaps:
                    reason = f"brak sprawozdań za {gap_text}"
                    unverifiable_by_gap.append(indicator or name)
                elif cov.straddling:
                    reason = "okres przekracza granicę: " + ", ".join(
                        f"{p.name} ({fmt_period(p.start, p.end)})" for p in cov.straddling)
                elif cov.overlapping:
                    reason = "okresy objętych sprawozdań zachodzą na siebie (suma liczyłaby dni podwójnie)"
                elif missing:
                    reason = "brak wskaźnika w: " + ", ".join(f"{p.name} ({fmt_period(p.start, p.end)})"
                                                              for p in missing)
                else:
                    used = figs
                    expected = sum(f.value or 0 for f in figs)
                    arithmetic = " + ".join(_num(f.value) for f in figs) + f" = {_num(expected)}"
            else:       # last | max: a level
                last = cov.last
                lasting = [p for p in cov.straddling if p.end > c.end]
                if rule == "last" and (last is None or lasting):
                    uncovered = [g for g in cov.gaps if g[1] == c.end]
                    reason = (f"brak sprawozdania kończącego się {c.end:%d.%m.%Y}"
                              + (f" (brak sprawozdań za {fmt_period(*uncovered[0])})" if uncovered else "")
                              + (f"; okres przekracza granicę: {', '.join(p.name for p in lasting)}"
                                 if lasting else ""))
                    if uncovered:
                        unverifiable_by_gap.append(indicator or name)
                elif rule == "last":
                    f = next(f for f in figs if f.column is last)
                    if f.value is None:
                        lc = f.column
                        reason = f"brak wskaźnika w ostatnim okresie: {lc.name} ({fmt_period(lc.start, lc.end)})"
                    else:
                        used = [f]
                        expected = f.value
                        arithmetic = _num(f.value)
                else:   # max
                    have = [f for f in figs if f.value is not None]
                    if cov.gaps:
                        reason = f"brak sprawozdań za {gap_text}"
                        unverifiable_by_gap.append(indicator or name)
                    elif not have or len(have) < len(figs):
                        reason = "brak wskaźnika w: " + ", ".join(f.column.name for f in figs if f.value is None)
                    else:
                        used = have
                        expected = max(f.value or 0 for f in have)
                        arithmetic = f"max({', '.join(_num(f.value) for f in have)}) = {_num(expected)}"
            approximate = stated_fig.approximate or any(f.approximate for f in used)
            if expected is None:
                verdict = "unverifiable"
            elif abs(float(stated[0]) - float(expected)) < 1e-9:
                verdict = "agrees"
            else:
                verdict = "differs"
            ri = ReconciledIndicator(
                section=section, key=key, indicator=indicator, name=name, by_lemma=indicator is None, unit=unit,
                measure=measure, rule=rule, stated=fig(stated_fig), covered=[fig(f) for f in figs],
                expected=expected, verdict=verdict, reason=reason,
                arithmetic=(f"{_num(stated[0])} {'=' if verdict == 'agrees' else '≠'} {arithmetic}"
                            if arithmetic else None))
            inds.append(ri)
            if verdict == "differs":
                lemma = " (wg lematu, spoza taksonomii)" if indicator is None else ""
                approx = "; wartości przybliżone" if approximate else ""
                basis = ("suma okresów" if rule == "sum" else "ostatni okres" if rule == "last"
                         else "największa wartość okresów")
                findings.append(CrossFinding(
                    "cross_report_mismatch", "warning" if approximate else "error",
                    f"{what}, {label}{lemma}: {ri.arithmetic} ({basis}: "
                    + ", ".join(f"{f.column.name} {_num(f.value)}" for f in used) + f"{approx})",
                    section=section or None, indicator=indicator or key,
                    periods=(c.label, *(f.column.label for f in used)),
                    evidence=tuple(_evidence(ri, {f.column.sha256 for f in used}))))
            elif verdict == "unverifiable" and rule != "none" and not cov.gaps and not cov.straddling:
                findings.append(CrossFinding(
                    "cross_report_unverifiable", "info", f"{what}, {label}: nie można sprawdzić – {reason}",
                    section=section or None, indicator=indicator or key, periods=(c.label,),
                    evidence=tuple(_evidence(ri, None))))
        if cov.gaps:
            days = sum((b - a).days + 1 for a, b in cov.gaps)
            unchecked = list(dict.fromkeys(unverifiable_by_gap))
            findings.append(CrossFinding(
                "coverage_gap", "warning",
                f"{what}: brak sprawozdań okresowych za {gap_text}"
                + (f" – łącznie {days} dni" if len(cov.gaps) > 1 else "")
                + (f"; nie można sprawdzić: {', '.join(unchecked)}" if unchecked else ""),
                periods=(c.label, *(p.label for p in cov.covered)),
                evidence=tuple(spans[p.sha256] for p in (c, *cov.covered) if p.sha256 in spans)))
        for p in cov.straddling:
            findings.append(CrossFinding(
                "coverage_straddle", "warning",
                f"{what}: sprawozdanie {p.name} ({fmt_period(p.start, p.end)}) przekracza granicę jego okresu – "
                "wskaźników przepływu (i stanu na jego koniec) nie można sprawdzić",
                periods=(c.label, p.label),
                evidence=tuple(spans[x.sha256] for x in (c, p) if x.sha256 in spans)))
        out.append(CoveringReconciliation(report=ref(c), covered=[ref(p) for p in cov.covered],
                                          nested=[ref(p) for p in cov.nested],
                                          straddling=[ref(p) for p in cov.straddling],
                                          gaps=[DayRange(start=a, end=b) for a, b in cov.gaps], indicators=inds))
    return Reconciliation(organisation=organisation, org_key=org_key, taxonomy_version=tax.version,
                          covering=out), findings


def _evidence(ri: ReconciledIndicator, used: set[str] | None) -> list[CrossEvidence]:
    """Every span of every figure involved: the stated one's, then each covered report's (those
    in `used` only, when given: a stock's last period)."""
    from models import CrossEvidence

    out = []
    for f in [ri.stated, *(c for c in ri.covered if used is None or c.report.sha256 in used)]:
        for s in f.evidence:
            out.append(CrossEvidence(sha256=f.report.sha256, source=f.report.source, start=s.start, end=s.end,
                                     text=s.text))
    return out


__all__ = ["DEFAULT_RULE", "Covering", "fmt_period", "reconcile", "split_periods"]
