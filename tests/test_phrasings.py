"""The phrasing corpus (tests/phrasings/*.toml): each text gives exactly the facts listed, each
found by the rule named; numbers that are no fact get the role named. See tests/phrasings/README.md."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extractor.rules import stages

HERE = Path(__file__).resolve().parent / "phrasings"
_OPTIONAL = ("text", "subject", "label", "approximate", "planned", "subset", "kind")


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in sorted(HERE.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["case"], 1):
            out.append((f"{path.stem}-{i}", data["header"], case))
    return out


CASES = _cases()


def _value(f: Any) -> Any:
    if f.type == "date":
        return f.value.isoformat()
    if f.type == "date_range":
        return [f.start.isoformat(), f.end.isoformat()]
    return f.value


def _got(report: Any, f: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    """The fact as the case describes it: type, value, rule and the keys the case lists."""
    d = {"type": f.type, "value": _value(f), "rule": f.provenance.rule if f.provenance else None}
    for key in _OPTIONAL:
        if key in wanted:
            d[key] = f.span.text if key == "text" else getattr(f, key, None)
    if "part_of" in wanted:
        total = report.fact(f.part_of) if getattr(f, "part_of", None) else None
        d["part_of"] = total.span.text if total else None
    return d


@cache
def _nlp() -> Any:
    """The extractor's pipeline, with doc.spans written (extract_text's leaves them out)."""
    from extractor.pipeline import build_nlp

    return build_nlp(spans=True)


def _run(header: str, text: str) -> tuple[Any, Any]:
    doc = _nlp()(header + text)
    return doc, doc._.spr_report


@pytest.mark.parametrize("header, case", [(h, c) for _n, h, c in CASES], ids=[n for n, _h, _c in CASES])
def test_phrasing(header: str, case: dict[str, Any]) -> None:
    doc, report = _run(header, case["text"])
    facts = [f for f in report.facts if f.span.start >= len(header) and f.type != "amount"]
    wanted = case.get("facts", [])
    got = [_got(report, f, w) for f, w in zip(facts, wanted, strict=False)]
    assert got == wanted[:len(got)], "facts differ"
    assert len(facts) == len(wanted), [(f.type, f.span.text) for f in facts[len(wanted):]] or "facts missing"
    for r in case.get("roles", []):
        span = next((s for s in doc.spans["numbers"] if s.start_char >= len(header) and s.text == r["text"]), None)
        assert span is not None, f"no number {r['text']!r}"
        num = next(n for n in doc._.spr_extraction.numbers.nums if n.start == span.start_char)
        assert str(num.role) == r["role"], r
        if "rule" in r:
            assert num.rule == r["rule"], r
    codes = {fd.code for fd in report.findings if fd.evidence and fd.evidence[0].start >= len(header)}
    for code in case.get("findings", []):
        assert code in codes, (code, codes)


def test_every_rule_that_finds_something_has_a_case() -> None:
    """A rule of the numbers' cascade or a sweep finds facts or roles: each is named by a case."""
    named = {f["rule"] for _n, _h, c in CASES for f in c.get("facts", [])} | \
        {r["rule"] for _n, _h, c in CASES for r in c.get("roles", []) if "rule" in r}
    rules = stages()
    finders = [r.name for r in rules["decide"]] + [r.name for r in rules["quantities"] if r.kind == "sweep"] + \
        ["numbers.ranges", "breakdowns.lists", "breakdowns.totals_after"]
    assert not [r for r in finders if r not in named], "rules without a phrasing case"
