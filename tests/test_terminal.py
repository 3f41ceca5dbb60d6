"""Terminal output that survives a pipe; audit evidence an auditor can follow; readable help.

Piped output is tested in a real subprocess with stdout a pipe and COLUMNS=80, as `> file`
and `| less` see it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.lines import LineIndex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "owes-olsztyn_2018-09-01_2018-11-30.txt"
runner = CliRunner()


def _piped(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
    env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-c", "from extractor.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=600, env=env, cwd=cwd)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("term")
    src = d / "in"
    src.mkdir()
    long_name = src / ("owes-olsztyn_2018-09-01_2018-11-30-wersja-ostateczna-po-korekcie-"
                       "zatwierdzona-przez-zarzad.txt")
    shutil.copy(SEED, long_name)
    shutil.copy(CORPUS / "owes-elk_2019-07-01_2019-09-30.txt", src)
    db = d / "a.sqlite"
    r = runner.invoke(app, ["batch", str(src), "-o", str(d / "out"), "--archive", str(db), "-j", "1",
                            "--no-progress"])
    assert r.exit_code == 0, r.output
    return db


# --- every column in full when stdout is not a terminal ----------------------------------------

def test_archive_list_to_a_pipe_keeps_every_column(archive: Path) -> None:
    res = _piped("archive", "list", "--archive", archive)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    row = next(line for line in lines if "wersja-ostateczna" in line)
    for cell in ("owes-olsztyn", "OWES Olsztyn", "partial", "2018-09-01/2018-11-30",
                 "zatwierdzona-przez-zarzad.txt"):
        assert cell in row, row
    assert "…" not in res.stdout                                  # nothing cut short
    head = next(line for line in lines if line.startswith("org_key"))
    assert head.split() == ["org_key", "organisation", "kind", "period", "facts", "findings", "indicators",
                            "sha256", "file"]
    assert all(line == line.rstrip() for line in lines)           # no padding at the line ends
    assert "owes-subregion-elcki (file_name)" in res.stdout       # the joined keys


def test_eval_total_line_is_one_line_in_a_pipe() -> None:
    res = _piped("eval", "corpus")
    assert res.returncode == 0, res.stderr
    total = [line for line in res.stdout.splitlines() if line.startswith("TOTAL")]
    assert len(total) == 1                                      # the whole line, not wrapped at 80 columns
    assert total[0].startswith("TOTAL facts F1=") and " grounded=" in total[0] and " findingsF1=" in total[0]
    assert len(total[0]) > 80


def test_extract_and_audit_to_a_pipe_keep_whole_cells(tmp_path: Path) -> None:
    res = _piped("extract", SEED)
    assert res.returncode == 0, res.stderr
    assert "mentoring biznesowy 240 h" in res.stdout
    assert "…" not in res.stdout
    res = _piped("audit", SEED, "--fail-on", "never")
    line = next(x for x in res.stdout.splitlines() if "sum_mismatch" in x)
    assert "78 (spotkanie animacyjne) podano łącznie, a części sumują się do 77 (13+14+13+33+3+1)" in line


# --- audit evidence ------------------------------------------------------------------------------

def test_audit_json_gives_line_column_every_part_and_the_sentence() -> None:
    r = runner.invoke(app, ["audit", str(SEED), "--format", "json", "--fail-on", "never"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)[0]
    sev = [f["severity"] for f in doc["findings"]]
    assert sev == sorted(sev, key=["error", "warning", "info"].index)           # errors first
    mismatch = next(f for f in doc["findings"] if f["code"] == "sum_mismatch")
    text = SEED.read_text(encoding="utf-8")
    assert len(mismatch["evidence"]) == 7                                        # the total and all six parts
    for ev in mismatch["evidence"]:
        assert text[ev["start"]:ev["end"]] == ev["text"]
        line = text.split("\n")[ev["line"] - 1]
        assert line[ev["column"] - 1:].startswith(ev["text"])
    assert mismatch["sentences"] == [{"line": 9, "text": mismatch["sentences"][0]["text"]}]
    sentence = mismatch["sentences"][0]["text"]
    assert sentence.startswith("Przeprowadzono spotkania animacyjne") and sentence.endswith("i 1 w ŚDS.")


def test_audit_table_lists_every_part_and_sums_up_many_files(tmp_path: Path) -> None:
    bad = tmp_path / "pusty.txt"
    bad.write_text("", encoding="utf-8")
    files = [SEED, CORPUS / "owes-mragowo_2022-04-01_2022-09-30.txt", bad]
    res = _piped("audit", *files, "--no-info", "--lang", "pl")              # (--lang anywhere on the line)
    assert res.returncode == 2                                                   # an unreadable input
    out = res.stdout
    assert "(+" not in out and "„1 w ŚDS” (9:" in out
    assert "w. 9: Przeprowadzono spotkania animacyjne" in out
    summary = out[out.index("Podsumowanie"):]
    assert "sprawozdania sprawdzone: 2, nieczytelne: 1, z błędami: 2; błędy: 2" in summary
    assert "sum_mismatch" in summary


# --- the line/column helper ---------------------------------------------------------------------

def test_line_index_and_sentences_on_text_of_our_own() -> None:
    text = ("Wstęp.\n\nZADANIE 2\nOdbyło się ok. 40 spotkań m.in. w Ełku. W tym 12 w szkołach, a 3 w ul. "
            "Nowej.\n- 5 osób\n- 6 osób\nProwadzono doradztwo w\nLidzbarku Warmińskim przez 3 dni.")
    idx = LineIndex(text)
    assert idx.line_col(0) == (1, 1) and idx.line_col(text.index("ZADANIE")) == (3, 1)
    assert idx.line_col(text.index("40")) == (4, 16)
    assert idx.sentence_text(text.index("40")) == "Odbyło się ok. 40 spotkań m.in. w Ełku."
    assert idx.sentence_text(text.index("3 w")) == "W tym 12 w szkołach, a 3 w ul. Nowej."
    assert idx.sentence_text(text.index("6 osób")) == "- 6 osób"
    assert idx.sentence_text(text.index("ZADANIE")) == "ZADANIE 2"
    assert idx.sentence_text(text.index("3 dni")) == "Prowadzono doradztwo w Lidzbarku Warmińskim przez 3 dni."


# --- help, version, options ---------------------------------------------------------------------

def test_version_and_readable_argument_names() -> None:
    from importlib.metadata import version

    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output == f"sprawozdania {version('sprawozdania')}\n"
    # audit takes files, or --archive instead of them
    for args, usage in ((["extract"], "REPORT..."), (["audit"], "[REPORT...]"), (["batch"], "INPUT..."),
                        (["eval"], "[CORPUS]"), (["archive", "show"], "REPORT"), (["archive", "alias"], "KEY ALIAS...")):
        r = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "120"})
        assert r.exit_code == 0
        assert r.output.startswith(f"Usage: sprawozdania {' '.join(args)} [OPTIONS] {usage}"), r.output[:200]
        assert "{" not in r.output.split("\n")[0] and "<list[" not in r.output


def test_extract_type_shows_only_some_facts() -> None:
    r = runner.invoke(app, ["extract", str(SEED), "--type", "count,hours", "-f", "facts"])
    assert r.exit_code == 0, r.output
    types = {f["type"] for f in json.loads(r.output)["facts"]}
    assert types == {"count", "hours"}
    r = runner.invoke(app, ["extract", str(SEED), "--type", "hours,liczba"])
    assert r.exit_code == 2
    assert r.output == ("error: --type: unknown fact type liczba (types: count, hours, date, date_range, location, "
                        "amount)\n")


def test_help_imports_no_table_or_model_library() -> None:
    code = ("import sys; from extractor.cli import app\n"
            "try:\n    app(['archive', 'export', '--help'])\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('openpyxl', 'pyarrow', 'pandas', 'spacy', 'models') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "HEAVY []" in out.stdout
