"""People's corrections of an archived record, applied to it when it is read; the findings on
the facts follow the corrected facts (extractor.audit.recheck).

    from extractor.corrections import apply_corrections, fact_anchor
    report = apply_corrections(report, corrections)     # report.review: what was applied, what not

A correction is anchored to what it corrects — the fact's type, span (start, end) and value as
extracted — never to the fact's id, which changes when rules change. So a correction survives
a re-extraction of the same file as long as the extraction finds that fact again; one whose fact
no longer appears is kept with `applied = False`, for a person to look at, never dropped.

Actions: `edit` (new value, subject, label or link to a total — `part_of` is itself an anchor
of the total: its type, start and end), `delete` (a spurious fact), `add` (a missed fact, from
the words a person selected), `verify` / `unverify` (the whole report; the latest one counts).
The extracted record itself is never changed: the archive keeps corrections in their own table.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from models import (
    Amount,
    Correction,
    Count,
    DateFact,
    DateRange,
    Hours,
    Location,
    Quantity,
    Report,
    Review,
    Span,
)

from .errors import SprawozdaniaError

EDITABLE = ("value", "subject", "label", "part_of", "kind")
ADDABLE_TYPES = ("count", "hours", "date", "date_range", "location", "amount")
PLACE_KINDS = ("locality", "county", "commune", "voivodeship")


class CorrectionError(SprawozdaniaError):
    """A correction that cannot be made: a value of the wrong kind, a span outside the text …"""


def flat_value(f: Any) -> Any:
    """The value a fact is anchored by, as JSON (a number, an ISO date, 'start/end', a name)."""
    return f.flat_value


def fact_anchor(f: Any) -> dict[str, Any]:
    return {"type": f.type, "start": f.span.start, "end": f.span.end}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


def parse_value(ftype: str, value: Any) -> Any:
    """A value typed by a person, as the fact type holds it (CorrectionError when it cannot be)."""
    try:
        if ftype in ("count", "hours", "amount"):
            if isinstance(value, str):
                value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
            v = float(value)
            if v < 0 or v != v or v in (float("inf"), float("-inf")):
                raise ValueError
            return int(v) if v.is_integer() else v
        if ftype == "date":
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        if ftype == "date_range":
            parts = value if isinstance(value, list | tuple) else str(value).replace("–", "/").split("/")
            if len(parts) != 2:
                raise ValueError
            a, b = (dt.date.fromisoformat(str(p).strip()) for p in parts)
            if b < a:
                raise CorrectionError("a date range cannot end before it starts")
            return f"{a.isoformat()}/{b.isoformat()}"
        if ftype == "location":
            name = " ".join(str(value).split())
            if not name:
                raise ValueError
            return name
    except CorrectionError:
        raise
    except (TypeError, ValueError):
        pass
    what = {"count": "a number ≥ 0", "hours": "a number ≥ 0", "amount": "a number ≥ 0",
            "date": "a date YYYY-MM-DD", "date_range": "two dates YYYY-MM-DD/YYYY-MM-DD",
            "location": "a place name"}.get(ftype, "a value")
    raise CorrectionError(f"{value!r} is not {what} for a {ftype} fact")


def _set_value(f: Any, value: Any) -> None:
    if isinstance(f, Quantity | Amount):
        f.value = value
    elif isinstance(f, DateFact):
        f.value = dt.date.fromisoformat(value)
    elif isinstance(f, DateRange):
        a, b = value.split("/")
        f.start, f.end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    elif isinstance(f, Location):
        f.value = value


def new_fact(fid: str, ftype: str, span: Span, section: str | None, fields: dict[str, Any]) -> Any:
    """A fact a person added (its value already parsed with parse_value)."""
    v: Any = fields.get("value")
    if ftype in ("count", "hours"):
        cls = Count if ftype == "count" else Hours
        return cls(id=fid, section=section, span=span, value=v, subject=fields.get("subject") or None,
                   label=fields.get("label") or None)
    if ftype == "amount":
        return Amount(id=fid, section=section, span=span, value=v)
    if ftype == "date":
        return DateFact(id=fid, section=section, span=span, value=dt.date.fromisoformat(v))
    if ftype == "date_range":
        a, b = v.split("/")
        return DateRange(id=fid, section=section, span=span, start=dt.date.fromisoformat(a),
                         end=dt.date.fromisoformat(b))
    if ftype == "location":
        kind = fields.get("kind") or "locality"
        if kind not in PLACE_KINDS:
            raise CorrectionError(f"{kind!r} is not a kind of place ({', '.join(PLACE_KINDS)})")
        return Location(id=fid, section=section, span=span, value=v, kind=kind)
    raise CorrectionError(f"{ftype!r} is not a fact type ({', '.join(ADDABLE_TYPES)})")


def _section_at(report: Report, pos: int) -> str | None:
    for s in report.sections:
        if s.start <= pos < s.end:
            return s.code
    return None


def _find(facts: list[Any], origin: dict[str, Any], c: Correction) -> Any | None:
    for f in facts:
        if (f.type == c.fact_type and f.span.start == c.start and f.span.end == c.end
                and _same(origin[f.id], c.extracted)):
            return f
    return None


def fact_at(facts: Iterable[Any], ftype: Any, start: Any, end: Any) -> Any | None:
    """The fact of that type over exactly those characters (an anchor's fact), or None."""
    return next((f for f in facts if f.type == ftype and f.span.start == start and f.span.end == end), None)


def _resolve_link(facts: list[Any], link: Any) -> str | None:
    """`part_of` of a correction: an anchor {type, start, end} of the total (or None)."""
    f = fact_at(facts, link.get("type"), link.get("start"), link.get("end")) if link else None
    return str(f.id) if f is not None else None


def apply_corrections(report: Report, corrections: Iterable[Correction]) -> Report:
    """Apply corrections (in the order they were made) to a record as extracted; sets
    `report.review`. A correction whose fact is not in the record is kept with applied=False; so
    is one an undo took back (undone_by: the undo's id), which then changes nothing."""
    facts: list[Any] = list(report.facts)
    origin: dict[str, Any] = {f.id: flat_value(f) for f in facts}     # the anchor value of each fact
    review = Review()
    changed: set[str] = set()         # ids of the facts edited, added, or unlinked from a deleted total
    added: list[Span] = []
    deleted: set[str] = set()
    revalued: set[str] = set()        # facts whose value a person set
    corrections = list(corrections)
    undone = {c.undoes: c.id for c in corrections if c.action == "undo" and c.undoes is not None}
    for c0 in corrections:
        c = c0.model_copy(deep=True)
        c.applied, c.fact, c.undone_by = True, None, undone.get(c.id)
        if c.undone_by is not None or c.action == "undo":   # taken back (kept in the history), or the undo
            c.applied = c.undone_by is None
            review.corrections.append(c)
            continue
        if c.action in ("verify", "unverify"):
            review.verified = c.action == "verify"
            review.verified_by, review.verified_at = (c.who, c.at) if review.verified else (None, None)
            review.corrections.append(c)
            continue
        if c.action == "add":
            fields = dict(c.new or {})
            text = report.text
            if c.start is None or c.end is None or c.fact_type is None:
                c.applied = False
            elif (found := fact_at(facts, c.fact_type, c.start, c.end)) is not None:
                c.applied = False         # a re-extraction found it: the added fact is not needed twice
                c.fact = found.id
            else:
                words = text[c.start:c.end] if text is not None else (c.text or "")
                if text is not None and c.text is not None and words != c.text:
                    c.applied = False     # the text differs: its words are no longer there
                else:
                    fid = f"c{c.id}"
                    link = _resolve_link(facts, fields.pop("part_of", None))
                    f = new_fact(fid, c.fact_type, Span(start=c.start, end=c.end, text=words),
                                 _section_at(report, c.start), fields)
                    if isinstance(f, Quantity) and link:
                        f.part_of = link
                    facts.append(f)
                    origin[fid] = flat_value(f)
                    c.fact = fid
                    changed.add(fid)
                    added.append(f.span)
            review.corrections.append(c)
            continue
        f = _find(facts, origin, c)
        if f is None:
            c.applied = False
        elif c.action == "delete":
            facts.remove(f)
            for g in facts:           # its parts are parts of nothing now
                if isinstance(g, Quantity) and g.part_of == f.id:
                    g.part_of = None
                    changed.add(g.id)
            c.fact = f.id
            deleted.add(f.id)
        else:
            for k, v in (c.new or {}).items():
                if k == "value":
                    _set_value(f, v)
                    revalued.add(f.id)
                elif k == "part_of" and isinstance(f, Quantity):
                    f.part_of = _resolve_link(facts, v)
                elif k in ("subject", "label") and isinstance(f, Quantity):
                    setattr(f, k, v or None)
                elif k == "kind" and isinstance(f, Location) and v in PLACE_KINDS:
                    f.kind = v
            c.fact = f.id
            changed.add(f.id)
        review.corrections.append(c)
    facts.sort(key=lambda f: (f.span.start, f.span.end))
    report.facts = facts
    report.review = review
    if changed or deleted:
        from .audit import recheck

        recheck(report, changed, added, deleted, revalued)
    return report


def fields_of(f: Any) -> dict[str, Any]:
    """The editable fields of a fact as they are (old values of an edit)."""
    out: dict[str, Any] = {"value": flat_value(f)}
    if isinstance(f, Quantity):
        out.update(subject=f.subject, label=f.label, part_of=f.part_of)
    if isinstance(f, Location):
        out["kind"] = f.kind
    return out


__all__ = ["ADDABLE_TYPES", "EDITABLE", "CorrectionError", "apply_corrections", "fact_anchor", "fact_at", "fields_of",
           "flat_value", "new_fact", "parse_value"]
