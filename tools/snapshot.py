#!/usr/bin/env python3
"""The corpus's facts/1 output, kept as a snapshot that a change of the rules must reproduce.

    python tools/snapshot.py check    # compare every corpus report with tests/snapshots/corpus.facts.json
    python tools/snapshot.py write    # take the snapshot again (after a deliberate, listed change)

A deliberate difference is listed in tests/snapshots/differences.toml with its reason; `check`
applies those entries to the snapshot before comparing (see tests/test_snapshot.py).
"""
from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "snapshots" / "corpus.facts.json"
DIFFERENCES = ROOT / "tests" / "snapshots" / "differences.toml"
# keys of facts/1 a change may add without changing what is scored
OPTIONAL = ("rule", "page", "confidence", "organisation", "org_key")


# corpus/beyond, beyond2, beyond3 and beyond4 measure the rules for other kinds of bodies: their output is meant to change as
# those rules grow, so it is scored (eval, the corpus guard), not held to a snapshot; corpus/series
# (for reconciliation) is held to its gold by the corpus guard at F1 1.0, every fact as annotated
NOT_SNAPSHOT = ("beyond", "beyond2", "beyond3", "beyond4", "series")


def corpus_reports() -> list[Path]:
    return sorted(p for p in (ROOT / "corpus").rglob("*.txt")
                  if "gold" not in p.parts and not set(NOT_SNAPSHOT) & set(p.relative_to(ROOT / "corpus").parts))


def scored(doc: dict[str, Any]) -> dict[str, Any]:
    """facts/1 without the optional keys the scorer ignores, and without fact ids (which number
    the facts in text order, so one fact more renumbers all after it): a part names its total by
    the total's [start, end]. Facts in text order."""
    out = {k: v for k, v in doc.items() if k not in OPTIONAL}
    span_of = {f["id"]: [f["start"], f["end"]] for f in doc["facts"] if "id" in f}
    facts = []
    for f in doc["facts"]:
        g = {k: v for k, v in f.items() if k not in OPTIONAL and k != "id"}
        if "part_of" in g and g["part_of"] in span_of:
            g["part_of"] = span_of[g["part_of"]]
        facts.append(g)
    out["facts"] = sorted(facts, key=lambda f: (f["start"], f["end"], f["type"], str(f.get("value"))))
    return out


def current(paths: list[Path] | None = None) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from extractor import extract
    from extractor.emit import to_facts

    return {str(p.relative_to(ROOT)): scored(to_facts(extract(p))) for p in (paths or corpus_reports())}


def expected() -> dict[str, Any]:
    snap = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if DIFFERENCES.exists():
        for d in tomllib.loads(DIFFERENCES.read_text(encoding="utf-8")).get("difference", []):
            apply_difference(snap, d)
    return snap


def _matches(item: dict[str, Any], where: dict[str, Any]) -> bool:
    return all(item.get(k) == v for k, v in where.items())


def apply_difference(snap: dict[str, Any], d: dict[str, Any]) -> None:
    """One listed difference: in report `report`, the `facts`/`findings` item matching `where` (and
    starting inside `within = [start, end]` when given) is replaced by `now` (removed when `now`
    is absent), or `add` is appended; with `count = N`, exactly N items match and all are removed.
    Every entry must apply."""
    doc = snap[d["report"]]
    items = doc[d.get("list", "facts")]
    if "where" in d:
        lo, hi = d.get("within", (0, 1 << 62))
        hits = [i for i, it in enumerate(items) if _matches(it, d["where"]) and lo <= it.get("start", -1) < hi]
        want = d.get("count", 1)
        if len(hits) != want:
            raise ValueError(f"differences.toml: {d['report']}: {d['where']} matches {len(hits)} items, not {want}")
        if want > 1:
            for i in reversed(hits):
                del items[i]
            return
        if "now" in d:
            items[hits[0]] = {**items[hits[0]], **d["now"]}
        else:
            del items[hits[0]]
    if "add" in d:  # TOML has no null: a fact added without a section is in none
        items.append({"section": None, **d["add"]} if d.get("list", "facts") == "facts" else d["add"])
        if d.get("list", "facts") == "facts":
            items.sort(key=lambda f: (f["start"], f["end"], f["type"], str(f.get("value"))))


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "normalise":  # the snapshot in the form scored() gives, without extracting again
        snap = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
        SNAPSHOT.write_text(json.dumps({k: scored(v) for k, v in snap.items()}, ensure_ascii=False, indent=0,
                                       sort_keys=True) + "\n", encoding="utf-8")
        return 0
    if cmd == "write":
        SNAPSHOT.write_text(json.dumps(current(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                            encoding="utf-8")
        print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
        return 0
    exp, now = expected(), current()
    bad = 0
    for name in sorted(set(exp) | set(now)):
        if exp.get(name) != now.get(name):
            bad += 1
            print(f"differs: {name}")
    print(f"{len(now) - bad}/{len(now)} reports as in the snapshot")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
