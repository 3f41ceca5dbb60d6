"""Library API, CLI commands and the facts/1 contract, end to end."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract, extract_text
from extractor.cli import app
from extractor.emit import to_facts
from models import Report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "owes-olsztyn_2018-09-01_2018-11-30.txt"
SEED_GOLD = ROOT / "corpus" / "gold" / "owes-olsztyn_2018-09-01_2018-11-30.facts.json"
runner = CliRunner()


def test_api_returns_validated_report():
    rep = extract(SEED)
    assert isinstance(rep, Report)
    Report.model_validate_json(rep.model_dump_json())
    text = SEED.read_text(encoding="utf-8")
    for f in rep.facts:
        assert text[f.span.start:f.span.end] == f.span.text
    for fd in rep.findings:
        for ev in fd.evidence:
            assert text[ev.start:ev.end] == ev.text


def test_extract_text_keeps_offsets_with_nbsp_and_dashes():
    text = "Sprawozdanie częściowe za okres 01.09.2018\u00a0– 30.11.2018\n\nANIMACJA (AN)\n\nOdbyło się\u00a012\u00a0spotkań\u2014w Ełku(12.10)."
    rep = extract_text(text)
    for f in rep.facts:
        assert text[f.span.start:f.span.end] == f.span.text
    assert {f.type for f in rep.facts} == {"count", "location", "date"}


def test_facts_contract_shape():
    doc = to_facts(extract(SEED))
    assert doc["contract"] == "facts/1"
    assert set(doc) == {"contract", "source", "document", "sections", "facts", "findings"}
    for f in doc["facts"]:
        assert f["type"] in {"count", "hours", "date", "date_range", "location"}
        assert {"id", "start", "end", "text", "value", "section"} <= set(f)


def test_seed_scores_one_with_the_reference_scorer(tmp_path):
    out = tmp_path / "seed.json"
    res = runner.invoke(app, ["extract", str(SEED), "--format", "facts", "-o", str(out)])
    assert res.exit_code == 0, res.output
    ref = subprocess.run([sys.executable, str(ROOT / "tests" / "reference" / "score.py"), str(SEED_GOLD), str(out),
                          "--quiet"], capture_output=True, text=True, check=True)
    last = ref.stdout.strip().splitlines()[-1]
    assert "F1=1.000 P=1.000 R=1.000 period=1/1 links=1.000" in last and "findingsF1=1.000" in last


def test_eval_agrees_with_reference_scorer(tmp_path):
    """The project's eval and the contract's score.py give the same totals on the corpus."""
    from extractor.evaluate import Totals, score

    golds = sorted((ROOT / "corpus" / "gold").glob("*.facts.json"))
    pairs = []
    total = Totals()
    for g in golds:
        gold = json.loads(g.read_text(encoding="utf-8"))
        pred = to_facts(extract(ROOT / "corpus" / gold["source"]))
        # perturb predictions so the comparison also covers errors: drop every 7th fact
        pred["facts"] = [f for i, f in enumerate(pred["facts"]) if i % 7 != 3]
        p = tmp_path / g.name
        p.write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        pairs += [str(g), str(p)]
        total.add(score(gold, pred))
    ref = subprocess.run([sys.executable, str(ROOT / "tests" / "reference" / "score.py"), "--pairs", *pairs,
                          "--quiet"], capture_output=True, text=True, check=True)
    assert ref.stdout.strip().splitlines()[-1] == total.total_line()


def test_extract_formats_and_output_file(tmp_path):
    res = runner.invoke(app, ["extract", str(SEED), "--format", "json"])
    assert res.exit_code == 0
    rep = Report.model_validate_json(res.stdout)
    assert rep.kind == "partial" and len(rep.sections) == 2
    res = runner.invoke(app, ["extract", str(SEED)])
    assert res.exit_code == 0 and "CPS" in res.stdout and "sum_mismatch" in res.stdout
    out = tmp_path / "view.txt"
    res = runner.invoke(app, ["extract", str(SEED), "-o", str(out)])
    assert res.exit_code == 0 and "Lidzbark Warmiński" in out.read_text(encoding="utf-8")


def test_extract_bad_input_is_one_line_and_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    res = runner.invoke(app, ["extract", str(empty)])
    assert res.exit_code == 2
    assert "empty" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["extract", str(tmp_path / "missing.txt")])
    assert res.exit_code == 2 and "missing.txt" in res.output


def test_schema_command():
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    assert schema["title"] == "Report" and "facts" in schema["properties"]


def test_help_does_not_import_the_pipeline():
    code = ("import sys; from extractor.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('spacy', 'morfeusz2', 'dateparser', 'models') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "HEAVY []" in out.stdout


@pytest.mark.parametrize("bad", ["", "   \n\n", "12345", "\x00\x01", "ZADANIE\n" * 3])
def test_degenerate_text_gives_a_valid_report(bad):
    rep = extract_text(bad)
    Report.model_validate_json(rep.model_dump_json())
    assert rep.period is None and [f.code for f in rep.findings if f.code == "period_missing"] == ["period_missing"]
    assert [f for f in rep.facts if f.type != "amount"] == []


@pytest.mark.parametrize("body", ["Wsparcie: bizneso-\nwe 12 h.", "o-\ne 0h", "1" * 5000, "(" * 300 + "12 osób",
                                  "\u0301\u0328" * 50, "Ą" * 2000, "12.12.12.12.12.12", "– – – 5 –"])
def test_odd_input_gives_a_valid_report_without_invented_facts(body):
    rep = extract_text(body)
    Report.model_validate_json(rep.model_dump_json())
    assert rep.period is None and any(f.code == "period_missing" for f in rep.findings)
    for f in rep.facts:
        assert body[f.span.start:f.span.end] == f.span.text


def test_crlf_text_reads_like_lf():
    lf = "Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCPS (CPS)\nOdbyło się 19\nspotkań w Lidzbarku\nWarmińskim."
    crlf = lf.replace("\n", "\r\n")
    a, b = extract_text(lf), extract_text(crlf)
    assert [(f.type, getattr(f, "value", None)) for f in a.facts] == [(f.type, getattr(f, "value", None)) for f in b.facts]
    for f in b.facts:
        assert crlf[f.span.start:f.span.end] == f.span.text


def test_one_failing_report_does_not_lose_the_others(tmp_path, monkeypatch):
    import extractor

    good = tmp_path / "good.txt"
    good.write_text("Sprawozdanie za okres 01.09.2018 – 30.11.2018\n\nCPS (CPS)\nOdbyło się 5 spotkań.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("Sprawozdanie – raport, który wywróci ekstraktor", encoding="utf-8")
    real = extractor.extract

    def flaky(path, **kw):
        if str(path).endswith("bad.txt"):
            raise RuntimeError("boom")
        return real(path, **kw)

    monkeypatch.setattr(extractor, "extract", flaky)
    res = runner.invoke(app, ["extract", str(good), str(bad), "-f", "facts"])
    assert res.exit_code == 2
    docs = json.loads(res.stdout)
    assert [d["source"] for d in docs] == ["good.txt"]
    assert "bad.txt: internal error" in res.output
