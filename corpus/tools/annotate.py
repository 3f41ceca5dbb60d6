#!/usr/bin/env python3
"""Turn a hand-written gold annotation (TOML) into facts/1 with checked offsets.

Usage: annotate.py corpus/gold/src/NAME.toml [...]   (writes corpus/gold/NAME.facts.json)
       annotate.py --check corpus/gold/src/*.toml      (verify the JSON is up to date)
See corpus/ANNOTATION.md. Standard library only.
"""
from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

TYPES = {"count", "hours", "date", "date_range", "location"}
KINDS = {"partial", "final", "annual"}
PLACE_KINDS = {"locality", "county", "commune", "voivodeship"}
FACT_KEYS = {"id", "type", "text", "value", "subject", "part_of", "label", "kind",
             "approximate", "planned", "after"}


class AnnotationError(Exception):
    pass


def find(text: str, needle: str, start: int, what: str) -> int:
    pos = text.find(needle, start)
    if pos < 0:
        where = "anywhere" if text.find(needle) < 0 else f"after offset {start}"
        raise AnnotationError(f"{what}: text {needle!r} not found {where}")
    return pos


def build(src: Path) -> tuple[Path, dict]:
    ann = tomllib.loads(src.read_text(encoding="utf-8"))
    corpus = src.resolve().parent.parent.parent
    report = corpus / ann["source"]
    text = report.read_bytes().decode("utf-8")
    if ann.get("kind") not in KINDS | {None}:
        raise AnnotationError(f"kind {ann.get('kind')!r} is not one of {sorted(KINDS)}")

    period = None
    if "period" in ann:
        p = ann["period"]
        s = find(text, p["text"], 0, "period")
        period = {"start": p["start"], "end": p["end"], "start_char": s,
                  "end_char": s + len(p["text"])}

    sections = []
    cursor = 0
    for sec in ann.get("sections", []):
        s = find(text, sec["heading"], cursor, f"section {sec['code']}")
        sections.append({"code": sec["code"], "title": sec["heading"].strip(), "start": s})
        cursor = s + len(sec["heading"])
    for i, sec in enumerate(sections):
        sec["end"] = sections[i + 1]["start"] if i + 1 < len(sections) else len(text)

    def section_at(pos: int) -> str | None:
        for sec in sections:
            if sec["start"] <= pos < sec["end"]:
                return sec["code"]
        return None

    facts = []
    ids: set[str] = set()
    cursor = 0
    for n, f in enumerate(ann.get("facts", []), 1):
        unknown = set(f) - FACT_KEYS
        if unknown:
            raise AnnotationError(f"fact {n} ({f.get('text')!r}): unknown keys {sorted(unknown)}")
        if f["type"] not in TYPES:
            raise AnnotationError(f"fact {n}: type {f['type']!r} is not one of {sorted(TYPES)}")
        if "after" in f:
            cursor = find(text, f["after"], cursor, f"fact {n} after") + len(f["after"])
        s = find(text, f["text"], cursor, f"fact {n}")
        cursor = s
        fid = f.get("id") or f"f{n}"
        if fid in ids:
            raise AnnotationError(f"fact {n}: duplicate id {fid!r}")
        ids.add(fid)
        out = {"id": fid, "type": f["type"], "section": section_at(s), "value": f["value"],
               "start": s, "end": s + len(f["text"]), "text": f["text"]}
        for key in ("subject", "part_of", "label", "kind", "approximate", "planned"):
            if key in f:
                out[key] = f[key]
        check_value(out, n)
        facts.append(out)
    for f in facts:
        if "part_of" in f and f["part_of"] not in ids:
            raise AnnotationError(f"fact {f['id']}: part_of {f['part_of']!r} names no fact")

    findings = []
    for fd in ann.get("findings", []):
        out = {"code": fd["code"], "severity": fd.get("severity", "error"), "section": None}
        if "text" in fd:
            start = 0
            if "after" in fd:
                start = find(text, fd["after"], 0, f"finding {fd['code']} after") + len(fd["after"])
            s = find(text, fd["text"], start, f"finding {fd['code']}")
            out.update(section=section_at(s), start=s, end=s + len(fd["text"]), text=fd["text"])
        out["message"] = fd.get("message", "")
        findings.append(out)

    doc = {"contract": "facts/1", "source": ann["source"],
           "document": {"kind": ann.get("kind"), "period": period},
           "sections": sections, "facts": facts, "findings": findings}
    return corpus / "gold" / (Path(ann["source"]).stem + ".facts.json"), doc


def check_value(f: dict, n: int) -> None:
    t, v = f["type"], f["value"]
    if t in ("count", "hours") and not isinstance(v, (int, float)):
        raise AnnotationError(f"fact {n}: {t} value must be a number")
    if t == "date" and not (isinstance(v, str) and len(v) == 10):
        raise AnnotationError(f"fact {n}: date value must be YYYY-MM-DD")
    if t == "date_range" and not (isinstance(v, list) and len(v) == 2 and v[0] <= v[1]):
        raise AnnotationError(f"fact {n}: date_range value must be [start, end], start <= end")
    if t == "location" and f.get("kind") not in PLACE_KINDS:
        raise AnnotationError(f"fact {n}: location needs kind in {sorted(PLACE_KINDS)}")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"]
    bad = 0
    for src in paths:
        try:
            dest, doc = build(src)
        except (AnnotationError, KeyError, tomllib.TOMLDecodeError, OSError) as e:
            print(f"{src}: {e}", file=sys.stderr)
            bad += 1
            continue
        rendered = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        if check:
            if not dest.exists() or dest.read_text(encoding="utf-8") != rendered:
                print(f"{dest}: out of date with {src}", file=sys.stderr)
                bad += 1
        else:
            dest.write_text(rendered, encoding="utf-8")
            print(f"{dest}: {len(doc['facts'])} facts, {len(doc['sections'])} sections")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
