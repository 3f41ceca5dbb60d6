"""facts/1 gold scoring for `sprawozdania eval` — the same rule as the contract's score.py.

A predicted fact is placed in the gold section containing its start offset; counts, hours,
dates and ranges match as a multiset of (section, value), preferring overlapping spans;
locations as a set per section; a breakdown link counts when the matched part points at
the matched total. Checked findings (sum_mismatch, date_outside_period, period_missing)
match as a set of (code, section).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SprawozdaniaError
from .text import fold

TYPES = ("count", "hours", "date", "date_range", "location")
CHECKED_FINDINGS = ("sum_mismatch", "date_outside_period", "period_missing")

Triple = tuple[int, int, int]
FACT_KEYS = ("id", "type", "section", "value", "start", "end")


class GoldError(SprawozdaniaError):
    """A gold file cannot be scored against: unreadable, not JSON, or not facts/1.
    The message is one line, "PATH: what is wrong"."""


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a facts/1 gold file (the parts `score` relies on); GoldError if unusable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GoldError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise GoldError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise GoldError(f"{path}: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    problem = gold_problem(doc)
    if problem:
        raise GoldError(f"{path}: not a facts/1 gold file: {problem}")
    return doc  # type: ignore[no-any-return]


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_name(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, str) or _is_num(v)


def gold_problem(doc: Any) -> str | None:
    """What keeps `doc` from being a facts/1 gold document, or None."""
    if not isinstance(doc, dict):
        return f"the top level is a JSON {type(doc).__name__}, not an object"
    if "source" not in doc:
        return 'no "source" (the name of the report file it is the gold for)'
    if not isinstance(doc["source"], str) or not doc["source"].strip():
        return '"source" is not a file name'
    for key in ("sections", "facts"):
        if not isinstance(doc.get(key), list):
            return f'"{key}" is missing or not a list'
    for i, sec in enumerate(doc["sections"]):
        if not isinstance(sec, dict) or "code" not in sec or not (_is_num(sec.get("start"))
                                                                   and _is_num(sec.get("end"))):
            return f'sections[{i}] is not an object with "code" and numeric "start" and "end"'
    for i, f in enumerate(doc["facts"]):
        if not isinstance(f, dict):
            return f"facts[{i}] is not an object"
        missing = [k for k in FACT_KEYS if k not in f]
        if missing:
            return f"facts[{i}] has no " + ", ".join(f'"{k}"' for k in missing)
        if not (_is_num(f["start"]) and _is_num(f["end"])):
            return f'facts[{i}]: "start" and "end" must be numbers'
        if not (isinstance(f["id"], str) and isinstance(f["type"], str)):
            return f'facts[{i}]: "id" and "type" must be strings'
        if not (_is_name(f["section"]) and _is_name(f.get("part_of"))):
            return f'facts[{i}]: "section" and "part_of" must be strings or null'
        value = f["value"]
        if not (_is_scalar(value) or isinstance(value, list) and all(_is_scalar(v) for v in value)):
            return f'facts[{i}]: "value" must be a string, a number or a list of them'
    findings = doc.get("findings", [])
    if not isinstance(findings, list) or not all(
            isinstance(x, dict) and isinstance(x.get("code"), str) and _is_name(x.get("section"))
            for x in findings):
        return '"findings" is not a list of objects with a string "code" (and "section" a string or null)'
    document = doc.get("document")
    if document is not None and (not isinstance(document, dict)
                                 or not isinstance(document.get("period") or {}, dict)):
        return '"document" is not an object (with "period" an object or null)'
    return None


def norm_text(s: Any) -> str:
    s = fold(str(s), keep_l=False)
    return " ".join(s.replace("-", " ").split())


def norm_value(ftype: str, v: Any) -> Any:
    if ftype in ("count", "hours"):
        try:
            return float(v)
        except (TypeError, ValueError):
            return None
    if ftype == "date_range":
        return tuple(v) if isinstance(v, (list, tuple)) else None
    if ftype == "location":
        return norm_text(v)
    return str(v)


def _gold_section(gold: dict[str, Any], pos: int) -> str | None:
    for sec in gold["sections"]:
        if sec["start"] <= pos < sec["end"]:
            return str(sec["code"])
    return None


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("start") is not None and b.get("start") is not None and \
        a["start"] < b["end"] and b["start"] < a["end"]


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else (1.0 if not ngold else 0.0)
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Score:
    period_ok: bool = False
    sections: Triple = (0, 0, 0)
    types: dict[str, Triple] = field(default_factory=dict)
    grounded: tuple[int, int] = (0, 0)
    links: tuple[int, int] = (0, 0)
    findings: Triple = (0, 0, 0)
    missed: list[dict[str, Any]] = field(default_factory=list)     # gold facts not matched
    spurious: list[dict[str, Any]] = field(default_factory=list)   # predicted facts not matched


def _place(gold: dict[str, Any], f: dict[str, Any], by_code: bool) -> str | None:
    if not by_code and isinstance(f.get("start"), int):
        return _gold_section(gold, f["start"])
    codes = {norm_text(s["code"]): s["code"] for s in gold["sections"]}
    return codes.get(norm_text(f.get("section") or ""), f.get("section"))


def score(gold: dict[str, Any], pred: dict[str, Any], by_code: bool = False) -> Score:
    res = Score()
    gdoc, pdoc = gold.get("document") or {}, pred.get("document") or {}
    gp, pp = gdoc.get("period"), pdoc.get("period")

    def key(per: dict[str, Any] | None) -> tuple[Any, Any] | None:
        return (per.get("start"), per.get("end")) if per else None

    res.period_ok = key(gp) == key(pp)
    gsec = {norm_text(s["code"]) for s in gold["sections"]}
    psec = {norm_text(s.get("code", "")) for s in pred.get("sections", [])}
    res.sections = (len(gsec & psec), len(psec), len(gsec))

    pfacts = [dict(f) for f in pred.get("facts", []) if f.get("type") in TYPES]
    for f in pfacts:
        f["_sec"] = _place(gold, f, by_code)
    match: dict[str, int] = {}
    matched_pred: set[int] = set()
    for t in TYPES:
        gs = [g for g in gold["facts"] if g["type"] == t]
        ps = [i for i, f in enumerate(pfacts) if f["type"] == t]
        if t == "location":
            gkeys = {(g["section"], norm_value(t, g["value"])) for g in gs}
            pkeys = {(pfacts[i]["_sec"], norm_value(t, pfacts[i].get("value"))) for i in ps}
            tp = len(gkeys & pkeys)
            res.types[t] = (tp, len(pkeys), len(gkeys))
            res.missed += [g for g in gs if (g["section"], norm_value(t, g["value"])) not in pkeys]
            seen = set()
            for i in ps:
                k = (pfacts[i]["_sec"], norm_value(t, pfacts[i].get("value")))
                if k not in gkeys and k not in seen:
                    res.spurious.append(pfacts[i])
                    seen.add(k)
            continue
        free = set(ps)
        tp = 0
        for g in gs:
            k = (g["section"], norm_value(t, g["value"]))
            cands = [i for i in free if (pfacts[i]["_sec"], norm_value(t, pfacts[i].get("value"))) == k]
            if not cands:
                res.missed.append(g)
                continue
            cands.sort(key=lambda i: (not _overlaps(pfacts[i], g), abs((pfacts[i].get("start") or 0) - g["start"])))
            i = cands[0]
            free.discard(i)
            match[g["id"]] = i
            matched_pred.add(i)
            tp += 1
        res.types[t] = (tp, len(ps), len(gs))
        res.spurious += [pfacts[i] for i in sorted(free)]
    res.grounded = (sum(_overlaps(pfacts[match[g["id"]]], g) for g in gold["facts"] if g["id"] in match),
                    len(match))
    pid = {f.get("id"): i for i, f in enumerate(pfacts) if f.get("id") is not None}
    parts = [g for g in gold["facts"] if g.get("part_of")]
    ok = 0
    for g in parts:
        mi = match.get(g["id"])
        if mi is None:
            continue
        parent = pfacts[mi].get("part_of")
        if parent is not None and pid.get(parent) is not None and pid[parent] == match.get(g["part_of"]):
            ok += 1
    res.links = (ok, len(parts))
    gf = {(f["code"], f.get("section")) for f in gold.get("findings", []) if f["code"] in CHECKED_FINDINGS}
    pf = {(f["code"], _place(gold, f, by_code)) for f in pred.get("findings", []) if f.get("code") in CHECKED_FINDINGS}
    res.findings = (len(gf & pf), len(pf), len(gf))
    return res


def _add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


@dataclass
class Totals:
    types: dict[str, Triple] = field(default_factory=lambda: {t: (0, 0, 0) for t in TYPES})
    sections: Triple = (0, 0, 0)
    findings: Triple = (0, 0, 0)
    periods: tuple[int, int] = (0, 0)
    links: tuple[int, int] = (0, 0)
    grounded: tuple[int, int] = (0, 0)

    def add(self, s: Score) -> None:
        for t, v in s.types.items():
            self.types[t] = _add(self.types[t], v)  # type: ignore[assignment]
        self.sections = _add(self.sections, s.sections)  # type: ignore[assignment]
        self.findings = _add(self.findings, s.findings)  # type: ignore[assignment]
        self.periods = _add(self.periods, (int(s.period_ok), 1))  # type: ignore[assignment]
        self.links = _add(self.links, s.links)  # type: ignore[assignment]
        self.grounded = _add(self.grounded, s.grounded)  # type: ignore[assignment]

    @property
    def facts(self) -> Triple:
        out: tuple[int, ...] = (0, 0, 0)
        for t in TYPES:
            out = _add(out, self.types[t])
        return out  # type: ignore[return-value]

    @property
    def f1(self) -> float:
        return prf(*self.facts)[2]

    @property
    def link_accuracy(self) -> float:
        return self.links[0] / self.links[1] if self.links[1] else 1.0

    @property
    def findings_f1(self) -> float:
        return prf(*self.findings)[2]

    def total_line(self) -> str:
        p, r, f = prf(*self.facts)
        gr = self.grounded[0] / self.grounded[1] if self.grounded[1] else 1.0
        return (f"TOTAL facts F1={f:.3f} P={p:.3f} R={r:.3f} period={self.periods[0]}/{self.periods[1]} "
                f"links={self.link_accuracy:.3f} grounded={gr:.3f} findingsF1={self.findings_f1:.3f}")
