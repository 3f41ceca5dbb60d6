"""The rules may be reorganised, but the corpus's scored output may not change unnoticed.

tests/snapshots/corpus.facts.json is the facts/1 output (without the optional keys) of every
corpus report; a deliberate difference is an entry of tests/snapshots/differences.toml with its
reason. `python tools/snapshot.py check` prints which reports differ.
"""
from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("snapshot_tool", ROOT / "tools" / "snapshot.py")
snapshot = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["snapshot_tool"] = snapshot
_spec.loader.exec_module(snapshot)  # type: ignore[union-attr]

_REPORTS = snapshot.corpus_reports()
_EXPECTED = snapshot.expected()


def test_snapshot_covers_the_corpus():
    assert sorted(_EXPECTED) == sorted(str(p.relative_to(ROOT)) for p in _REPORTS)


def test_every_listed_difference_has_a_reason():
    if snapshot.DIFFERENCES.exists():
        for d in tomllib.loads(snapshot.DIFFERENCES.read_text(encoding="utf-8")).get("difference", []):
            assert d.get("reason", "").strip(), d


@pytest.mark.parametrize("path", _REPORTS, ids=lambda p: p.name)
def test_report_as_in_snapshot(path):
    name = str(path.relative_to(ROOT))
    now = snapshot.current([path])[name]
    exp = _EXPECTED[name]
    assert now["document"] == exp["document"]
    assert now["sections"] == exp["sections"]
    assert now["findings"] == exp["findings"]
    missing = [f for f in exp["facts"] if f not in now["facts"]]
    extra = [f for f in now["facts"] if f not in exp["facts"]]
    assert not missing and not extra, (missing[:5], extra[:5])
    assert now == exp
