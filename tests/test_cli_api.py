"""Library API, CLI commands and the facts/1 contract, end to end."""
from __future__ import annotations

import json
import os
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
    # the contract's keys, and the top-level organisation it allows (with its key)
    assert set(doc) == {"contract", "source", "organisation", "org_key", "document", "sections", "facts", "findings"}
    assert (doc["org_key"], doc["organisation"]) == ("owes-olsztyn", "OWES Olsztyn")
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


# --- output files, gold files, settings: one error line, exit code 2 ----------------------

def _stray(folder):
    """Temp files a write could leave behind (.part, .NAME.PID.tmp)."""
    return [p.name for p in folder.rglob("*") if p.name.endswith((".part", ".tmp"))]


@pytest.mark.parametrize("fmt", ["json", "facts", "rich"])
def test_unwritable_output_is_one_error_line_and_exit_2(tmp_path, fmt):
    folder = tmp_path / "folder"
    folder.mkdir()
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("x", encoding="utf-8")
    for target, reason in ((folder, "is a folder"), (a_file / "x.json", "is not a folder")):
        res = runner.invoke(app, ["extract", str(SEED), "-f", fmt, "-o", str(target)])
        assert res.exit_code == 2, res.output
        assert res.output.startswith(f"error: cannot write {target}: ") and reason in res.output
        assert len(res.output.splitlines()) == 1 and "Traceback" not in res.output
    assert _stray(tmp_path) == [] and not (tmp_path / "folder.part").exists()
    assert a_file.read_text(encoding="utf-8") == "x"


def test_a_write_that_fails_late_leaves_no_temp_file(tmp_path, monkeypatch):
    import extractor.output

    monkeypatch.setattr(extractor.output, "check_target", lambda path: None)   # only the write itself can fail
    res = runner.invoke(app, ["extract", str(SEED), "-f", "facts", "-o", str(tmp_path)])
    assert res.exit_code == 2
    assert res.output == f"error: cannot write {tmp_path}: Is a directory\n"
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith(f".{tmp_path.name}.")]


def test_output_without_permission_is_one_error_line(tmp_path, monkeypatch):
    import extractor.output

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(extractor.output.os, "replace", refuse)   # as in a folder one may not write to
    target = tmp_path / "seed.json"
    res = runner.invoke(app, ["extract", str(SEED), "-f", "json", "-o", str(target)])
    assert res.exit_code == 2
    assert res.output == f"error: cannot write {target}: Permission denied\n"
    assert not target.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_output_in_a_read_only_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        res = runner.invoke(app, ["extract", str(SEED), "-f", "facts", "-o", str(locked / "seed.json")])
        assert res.exit_code == 2
        assert res.output == f"error: cannot write {locked / 'seed.json'}: Permission denied\n"
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_output_folders_are_created(tmp_path):
    for fmt, name in (("facts", "a/b/seed.facts.json"), ("rich", "c/view.txt")):
        res = runner.invoke(app, ["extract", str(SEED), "-f", fmt, "-o", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        assert (tmp_path / name).read_text(encoding="utf-8").strip()
    assert json.loads((tmp_path / "a/b/seed.facts.json").read_text(encoding="utf-8"))["contract"] == "facts/1"
    assert "Lidzbark Warmiński" in (tmp_path / "c/view.txt").read_text(encoding="utf-8")
    assert _stray(tmp_path) == []


def test_extract_help_names_the_formats_read():
    res = runner.invoke(app, ["extract", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    for fmt in (".txt", ".docx", ".odt", ".fodt", ".pdf", ".html"):
        assert fmt in res.output


@pytest.mark.parametrize(("content", "says"), [
    ('{"facts": [', "not valid JSON (Expecting value at line 1"),
    ('{"facts": [], "sections": []}', 'no "source"'),
    ('[1, 2]', "not an object"),
    ('{"source": "seed.txt", "sections": [], "facts": {}}', '"facts" is missing or not a list'),
    ('{"source": "seed.txt", "sections": [], "facts": [{"id": "f1", "type": "count"}]}',
     'facts[0] has no "section", "value", "start", "end"'),
    ('{"source": "seed.txt", "sections": [], "facts": [{"id": "f1", "type": "count", "section": ["CPS"], '
     '"value": 3, "start": 0, "end": 1}]}', '"section" and "part_of" must be strings or null'),
    ('{"source": "seed.txt", "sections": [], "facts": [{"id": "f1", "type": "date_range", "section": "CPS", '
     '"value": [["2018-01-01"]], "start": 0, "end": 1}]}', '"value" must be a string, a number or a list'),
    ('{"source": "seed.txt", "sections": [], "facts": [], "findings": [{"code": "sum_mismatch", "section": {}}]}',
     '"findings" is not a list of objects'),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_eval_names_an_unusable_gold_file(tmp_path, content, says):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "owes-olsztyn_2018-09-01_2018-11-30.facts.json").write_bytes(SEED_GOLD.read_bytes())
    bad = gold / "zly.facts.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    res = runner.invoke(app, ["eval", str(SEED.parent), "--gold", str(gold)])
    assert res.exit_code == 2, res.output
    assert res.output.splitlines() == [res.output.splitlines()[0]]          # one line, nothing scored
    assert res.output.startswith(f"error: {bad}: ") and says in res.output, res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, (KeyError, ValueError))


def test_eval_names_every_unusable_gold_file_and_scores_nothing(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "owes-olsztyn_2018-09-01_2018-11-30.facts.json").write_bytes(SEED_GOLD.read_bytes())
    (gold / "a.facts.json").write_text("{", encoding="utf-8")
    (gold / "b.facts.json").write_text('{"source": "x.txt", "sections": []}', encoding="utf-8")
    res = runner.invoke(app, ["eval", str(SEED.parent), "--gold", str(gold)])
    assert res.exit_code == 2, res.output
    assert res.output.splitlines() == [
        f"error: {gold / 'a.facts.json'}: not valid JSON (Expecting property name enclosed in double quotes at "
        "line 1, column 2)",
        f'error: {gold / "b.facts.json"}: not a facts/1 gold file: "facts" is missing or not a list']


@pytest.mark.parametrize("value", ["abc", "-5", "0", "10x", "1.5"])
@pytest.mark.parametrize("command", ["extract", "audit", "batch", "eval"])
def test_a_bad_limit_in_the_environment_is_an_error(tmp_path, value, command):
    args = {"extract": ["extract", str(SEED)], "audit": ["audit", str(SEED)],
            "batch": ["batch", str(SEED), "-o", str(tmp_path / "out"), "--no-progress"],
            "eval": ["eval", str(SEED.parent)]}[command]
    res = runner.invoke(app, args, env={"SPRAWOZDANIA_MAX_BYTES": value})
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"error: SPRAWOZDANIA_MAX_BYTES={value!r}: ") and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_a_limit_with_a_size_suffix_is_accepted():
    res = runner.invoke(app, ["extract", str(SEED), "-f", "facts"], env={"SPRAWOZDANIA_MAX_BYTES": "10M"})
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["extract", str(SEED), "-f", "facts"], env={"SPRAWOZDANIA_MAX_BYTES": "1K"})
    assert res.exit_code == 2 and "too large" in res.output and "limit 1024" in res.output


def test_rich_view_shows_bracketed_text_as_it_is(tmp_path):
    """Text in [brackets] (place kinds, file names) is shown, not read as rich markup."""
    rep = tmp_path / "[bold]raport_2018.txt"
    rep.write_text("Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCENTRUM PRZEDSIĘBIORCZOŚCI "
                   "SPOŁECZNEJ (CPS)\n\nOdbyło się 5 spotkań w Ełku (12.10).", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(rep)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "Ełk [locality]" in res.output and "[bold]raport_2018.txt" in res.output
    res = runner.invoke(app, ["audit", str(rep), "--fail-on", "never"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "[bold]raport_2018.txt" in res.output
