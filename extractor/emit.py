"""Outputs: facts/1 (the exchange format), the full JSON record, and the rich terminal view."""
from __future__ import annotations

import json
from typing import Any

from models import DateFact, DateRange, Location, Quantity, Report

FACT_TYPES = ("count", "hours", "date", "date_range", "location")


def to_facts(report: Report) -> dict[str, Any]:
    """Project a Report onto facts/1 (see the contract): flat, offsets into the source."""
    period = None
    if report.period:
        p = report.period
        period = {"start": p.start.isoformat(), "end": p.end.isoformat(),
                  "start_char": p.span.start if p.span else None, "end_char": p.span.end if p.span else None}
    review = report.review
    touched = {c.fact: c.action for c in review.corrections if c.applied and c.fact and c.action in ("edit", "add")} \
        if review else {}
    facts = []
    for f in report.facts:
        if f.type not in FACT_TYPES:
            continue
        d: dict[str, Any] = {"id": f.id, "type": f.type, "section": f.section}
        if isinstance(f, Quantity):
            d["value"] = f.value
        elif isinstance(f, DateFact):
            d["value"] = f.value.isoformat()
        elif isinstance(f, DateRange):
            d["value"] = [f.start.isoformat(), f.end.isoformat()]
        elif isinstance(f, Location):
            d["value"] = f.value
        d.update(start=f.span.start, end=f.span.end, text=f.span.text)
        if isinstance(f, Quantity):
            if f.subject:
                d["subject"] = f.subject
            if f.part_of:
                d["part_of"] = f.part_of
                d["label"] = f.label
            if f.subset:
                d["subset"] = True
            if f.approximate:
                d["approximate"] = True
            if f.planned:
                d["planned"] = True
        if isinstance(f, Location):
            d["kind"] = f.kind
        if f.provenance and f.provenance.rule:
            d["rule"] = f.provenance.rule
        if f.provenance is not None:           # a PDF or a scan: where it was read, how surely
            if f.provenance.page is not None:
                d["page"] = f.provenance.page
            if f.provenance.confidence is not None:
                d["confidence"] = f.provenance.confidence
        if f.id in touched:                    # a person's correction: "edit" or "add"
            d["corrected"] = touched[f.id]
        facts.append(d)
    findings = []
    for fd in report.findings:
        d = {"code": fd.code, "severity": fd.severity, "section": fd.section}
        if fd.evidence:
            ev = fd.evidence[0]
            d.update(start=ev.start, end=ev.end, text=ev.text)
        d["message"] = fd.message
        findings.append(d)
    out: dict[str, Any] = {
        "contract": "facts/1",
        "source": report.source.name,
        "organisation": report.organisation,
        "org_key": report.org_key,
        "document": {"kind": report.kind, "period": period},
        "sections": [{"code": s.code, "title": s.title, "start": s.start, "end": s.end} for s in report.sections],
        "facts": facts,
        "findings": findings,
    }
    if review is not None:      # an archived record people reviewed: it is the corrected one, and says so
        out["review"] = {"corrected": any(c.applied for c in review.in_force),
                         "verified": review.verified, "verified_by": review.verified_by,
                         "verified_at": review.verified_at,
                         "corrections": len(review.in_force),
                         "unmatched": len(review.unmatched)}
    return out


def dumps_facts(report: Report) -> str:
    return json.dumps(to_facts(report), ensure_ascii=False, indent=1)


def dumps_json(report: Report) -> str:
    return report.model_dump_json(indent=1, exclude_none=False)
