"""Reconciliation of covering (final, annual) reports with the periodic reports they cover,
through the command line, on corpus/series (one centre's quarters, two annual reports and a
project's final report; see corpus/series/README.md for what each must give)."""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.archive import Archive
from extractor.cli import app
from extractor.compare import build_comparison
from extractor.indicators import TaxonomyError, parse_taxonomy

ROOT = Path(__file__).resolve().parent.parent
SERIES = ROOT / "corpus" / "series"
runner = CliRunner()

PERIODIC = ["2021-01-01/2021-03-31", "2021-04-01/2021-06-30", "2021-07-01/2021-09-30", "2021-10-01/2021-12-31",
            "2022-01-01/2022-03-31", "2022-04-01/2022-06-30", "2022-10-01/2022-12-31"]
ANNUAL_2021, FINAL, ANNUAL_2022 = "2021-01-01/2021-12-31", "2021-01-01/2022-06-30", "2022-01-01/2022-12-31"
# (covering report, section, row key) -> verdict: the table of corpus/series/README.md
VERDICTS = {
    (ANNUAL_2021, "ZADANIE 1", "ANIM_SPOTKANIA"): "agrees",
    (ANNUAL_2021, "ZADANIE 1", "?count:wolontariusz"): "agrees",
    (ANNUAL_2021, "ZADANIE 2", "DOR_BIZNESOWE"): "differs",
    (ANNUAL_2021, "ZADANIE 2", "WIZYTY_STUDYJNE"): "unverifiable",
    (ANNUAL_2021, "ZADANIE 2", "GRUPY_INICJATYWNE"): "agrees",
    (ANNUAL_2021, "ZADANIE 3", "PS"): "differs",
    (FINAL, "ZADANIE 1", "ANIM_SPOTKANIA"): "agrees",
    (FINAL, "ZADANIE 1", "?count:wolontariusz"): "differs",
    (FINAL, "ZADANIE 2", "DOR_BIZNESOWE"): "agrees",
    (FINAL, "ZADANIE 2", "GRUPY_INICJATYWNE"): "agrees",
    (FINAL, "ZADANIE 3", "PS"): "agrees",
    (ANNUAL_2022, "ZADANIE 1", "ANIM_SPOTKANIA"): "unverifiable",
    (ANNUAL_2022, "ZADANIE 1", "?count:wolontariusz"): "unverifiable",
    (ANNUAL_2022, "ZADANIE 2", "DOR_BIZNESOWE"): "unverifiable",
    (ANNUAL_2022, "ZADANIE 2", "GRUPY_INICJATYWNE"): "agrees",     # a stock needs only the last quarter
    (ANNUAL_2022, "ZADANIE 3", "PS"): "differs",
}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it (its own process, output piped)."""
    return subprocess.run([sys.executable, "-c", "from extractor.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "SPRAWOZDANIA_LANG": "pl", "COLUMNS": "200"})


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("series")
    db = d / "reports.sqlite"
    r = cli("batch", str(SERIES), "-o", str(d / "out"), "--archive", str(db), "--no-progress")
    assert r.returncode == 0, r.stderr
    return db


def test_compare_keeps_covering_reports_out_of_the_periods_and_sigma(archive: Path) -> None:
    r = cli("compare", "--archive", str(archive), "--format", "json")
    assert r.returncode == 1, r.stderr                 # error findings: the mismatches
    doc = json.loads(r.stdout)
    assert [p["label"] for p in doc["periods"]] == PERIODIC
    assert [c["label"] for c in doc["covering"]] == [ANNUAL_2021, FINAL, ANNUAL_2022]
    assert doc["covering"][1]["covers"] == PERIODIC[:6]       # the final report: only part of the series
    rows = {(row["section"], row["key"]): row for row in doc["rows"]}
    anim = rows[("ZADANIE 1", "ANIM_SPOTKANIA")]
    assert anim["values"] == [27, 31, 22, 32, 25, 29, 30]
    assert anim["cumulative"][3] == 112 and anim["cumulative"][-1] == 196     # the quarters only
    assert anim["covering_values"] == [112, 166, 108] and anim["verdicts"] == ["agrees", "agrees", "unverifiable"]
    assert anim["change_pct"][1:] == [14.8, -29.0, 45.5, -21.9, 16.0, 3.4]     # no jump to a covering report
    codes = [f["code"] for f in doc["findings"]]
    assert "period_overlap" not in codes                    # a covering report overlaps its quarters by design
    assert codes.count("period_gap") == 1                   # the missing III quarter of 2022
    assert not [f for f in doc["findings"] if f["code"] == "change_beyond_factor"]
    got = {(cv["report"]["start"] + "/" + cv["report"]["end"], ri["section"], ri["key"]): ri["verdict"]
           for cv in doc["reconciliation"]["covering"] for ri in cv["indicators"]}
    assert got == VERDICTS


def test_audit_archive_names_exactly_the_disagreeing_indicators_with_arithmetic_and_evidence(archive: Path) -> None:
    r = cli("audit", "--archive", str(archive), "--no-info")
    assert r.returncode == 1, r.stderr
    out = r.stdout
    errors = [line for line in out.splitlines() if line.startswith("błąd cross_report_mismatch")]
    assert len(errors) == 4, out
    assert any("Doradztwo biznesowe [h]: 251 ≠ 78 + 64 + 71 + 48 = 261" in e and "roczne 01.01.2021–31.12.2021" in e
               for e in errors)
    assert any("14 ≠ 13" in e and "roczne 01.01.2021–31.12.2021" in e for e in errors)
    assert any("17 ≠ 16" in e and "roczne 01.01.2022–31.12.2022" in e for e in errors)
    assert any("wolontariusz (wg lematu, spoza taksonomii): 29 ≠ 4 + 6 + 3 + 5 + 5 + 4 = 27" in e for e in errors)
    # every figure's evidence: file, line:column, the quoted words, in every report involved
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("błąd cross_report_mismatch") and "251 ≠" in line)
    block = "\n".join(lines[at + 1:]).split("\nbłąd", 1)[0]
    places = re.findall(r"^ +(\S+):(\d+):(\d+) \[\d+:\d+\] «(.+)»$", block, re.M)
    assert [(Path(f).name, t) for f, _l, _c, t in places] == [
        ("owes-nidzica_2021-01-01_2021-12-31.txt", "251 h"), ("owes-nidzica_2021-01-01_2021-03-31.txt", "78 h"),
        ("owes-nidzica_2021-04-01_2021-06-30.txt", "64 h"), ("owes-nidzica_2021-07-01_2021-09-30.txt", "71 h"),
        ("owes-nidzica_2021-10-01_2021-12-31.txt", "48 h")]
    for f, line, col, text in places:        # line:column point at the words in the file
        rows = (ROOT / f).read_text(encoding="utf-8").splitlines()
        assert rows[int(line) - 1][int(col) - 1:].startswith(text)
    gap = next(line for line in out.splitlines() if "coverage_gap" in line)
    assert "roczne 01.01.2022–31.12.2022" in gap and "01.07.2022–30.09.2022 (92 dni)" in gap
    assert "ANIM_SPOTKANIA" in gap and "GRUPY_INICJATYWNE" not in gap


def test_audit_archive_json_follows_the_schema_and_the_archive_keeps_every_piece_of_evidence(archive: Path) -> None:
    from models import Reconciliation

    r = cli("audit", "--archive", str(archive), "--org", "OWES w Nidzicy", "--format", "json")
    assert r.returncode == 1
    [doc] = json.loads(r.stdout)
    rec = Reconciliation.model_validate(doc)
    final = next(cv for cv in rec.covering if cv.report.kind == "final")
    vol = next(ri for ri in final.indicators if ri.key == "?count:wolontariusz")
    assert vol.by_lemma and vol.rule == "sum" and vol.stated.value == 29 and vol.expected == 27
    assert [c.value for c in vol.covered] == [4, 6, 3, 5, 5, 4]
    assert [c.evidence[0].text for c in vol.covered] == ["4 wolontariuszy", "6 wolontariuszy", "3 wolontariuszy",
                                                         "5 wolontariuszy", "5 wolontariuszy", "4 wolontariuszy"]
    a22 = next(cv for cv in rec.covering if cv.report.start.year == 2022)
    assert [(g.start.isoformat(), g.end.isoformat()) for g in a22.gaps] == [("2022-07-01", "2022-09-30")]
    ps = next(ri for ri in a22.indicators if ri.key == "PS")
    assert ps.rule == "last" and ps.arithmetic == "17 ≠ 16" and ps.covered[-1].report.source.endswith("2022-12-31.txt")
    mismatch = next(f for f in rec.findings if f.code == "cross_report_mismatch" and "251" in f.message)
    assert len(mismatch.evidence) == 5 and all(e.line and e.column for e in mismatch.evidence)
    schema = json.loads(cli("schema", "--of", "reconciliation").stdout)
    assert schema["title"] == "Reconciliation" and "covering" in schema["properties"]
    con = sqlite3.connect(archive)
    try:
        rows = con.execute("SELECT report, evidence, line, \"column\" FROM cross_findings_long "
                           "WHERE code = 'cross_report_mismatch' AND message LIKE '%251 ≠%' ORDER BY evidence_ord"
                           ).fetchall()
        assert [r[1] for r in rows] == ["251 h", "78 h", "64 h", "71 h", "48 h"]
        assert all(r[2] and r[3] for r in rows)
        assert con.execute("SELECT count(*) FROM cross_findings WHERE severity = 'error'").fetchone()[0] == 4
    finally:
        con.close()
    with Archive(archive) as ar:
        stored = [f for _k, f, _at in ar.cross_findings("owes-nidzica")]
    assert [f.code for f in stored if f.severity == "error"] == ["cross_report_mismatch"] * 4


def _series_copy(tmp_path: Path, names: list[str], edits: dict[str, tuple[str, str]] | None = None) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for n in names:
        text = (SERIES / n).read_text(encoding="utf-8")
        if edits and n in edits:
            old, new = edits[n]
            assert old in text
            text = text.replace(old, new)
        (src / n).write_text(text, encoding="utf-8")
    return src


YEAR_2021 = ["owes-nidzica_2021-01-01_2021-03-31.txt", "owes-nidzica_2021-04-01_2021-06-30.txt",
             "owes-nidzica_2021-07-01_2021-09-30.txt", "owes-nidzica_2021-10-01_2021-12-31.txt",
             "owes-nidzica_2021-01-01_2021-12-31.txt"]


def test_audit_archive_exits_0_when_the_annual_report_agrees_and_1_when_it_does_not(tmp_path: Path) -> None:
    annual = YEAR_2021[-1]
    src = _series_copy(tmp_path, YEAR_2021, {annual: ("251 h", "261 h")})
    text = (src / annual).read_text(encoding="utf-8").replace("14 przedsiębiorstw", "13 przedsiębiorstw")
    (src / annual).write_text(text, encoding="utf-8")
    db = tmp_path / "a.sqlite"
    assert runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--archive", str(db),
                               "--no-progress"]).exit_code == 0
    r = runner.invoke(app, ["audit", "--archive", str(db)])
    assert r.exit_code == 0, r.output
    assert "cross_report_mismatch" not in r.output and "261 = 78 + 64 + 71 + 48 = 261" in r.output
    # the same quarters and the annual report that says 251: exit 1, the one indicator named
    (src / annual).write_text(text.replace("261 h", "251 h"), encoding="utf-8")
    assert runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--archive", str(db),
                               "--no-progress"]).exit_code == 0
    r = runner.invoke(app, ["--lang", "en", "audit", "--archive", str(db), "--no-info"])
    assert r.exit_code == 1
    assert [line.split(" ", 2)[1] for line in r.output.splitlines() if line.startswith("error ")] == [
        "cross_report_mismatch"]
    # the superseded copy of the annual report (same period) is not a covering report of its own
    assert "251 ≠ 78 + 64 + 71 + 48 = 261" in r.output


def test_approximate_figure_that_differs_is_a_warning(tmp_path: Path) -> None:
    annual = YEAR_2021[-1]
    src = _series_copy(tmp_path, YEAR_2021, {annual: ("łącznie 112 spotkań", "łącznie ok. 115 spotkań")})
    db = tmp_path / "a.sqlite"
    assert runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--archive", str(db),
                               "--no-progress"]).exit_code == 0
    with Archive(db) as ar:
        cmp = build_comparison(ar)
    anim = [f for f in cmp.findings if f.code == "cross_report_mismatch" and f.indicator == "ANIM_SPOTKANIA"]
    assert [f.severity for f in anim] == ["warning"]
    assert "115 ≠ 27 + 31 + 22 + 32 = 112" in anim[0].message and "przybliżone" in anim[0].message


HEAD = "Ośrodek Wsparcia Ekonomii Społecznej w Działdowie\nSprawozdanie {kind} za okres {start} – {end}\n\n" \
       "ZADANIE I – ANIMACJA\n\nAnimatorzy przeprowadzili {n} spotkań animacyjnych. Wsparciem objęto {g} grup " \
       "inicjatywnych.\n"


def _report(folder: Path, kind: str, start: str, end: str, n: int, g: int) -> None:
    name = f"owes-dzialdowo_{'-'.join(reversed(start.split('.')))}_{'-'.join(reversed(end.split('.')))}.txt"
    (folder / name).write_text(HEAD.format(kind=kind, start=start, end=end, n=n, g=g), encoding="utf-8")


def test_a_report_across_the_boundary_makes_flows_uncheckable_and_periodic_overlaps_are_still_warned(
        tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _report(src, "częściowe", "01.01.2023", "31.03.2023", 10, 2)
    _report(src, "częściowe", "01.03.2023", "30.06.2023", 12, 3)      # overlaps the first quarter by March
    _report(src, "częściowe", "01.07.2023", "30.09.2023", 8, 3)
    _report(src, "częściowe", "01.10.2023", "31.01.2024", 9, 4)       # across the year's end
    _report(src, "roczne", "01.01.2023", "31.12.2023", 39, 4)
    db = tmp_path / "a.sqlite"
    assert runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--archive", str(db),
                               "--no-progress"]).exit_code == 0
    with Archive(db) as ar:
        cmp = build_comparison(ar)
    assert [p.label for p in cmp.periods] == ["2023-01-01/2023-03-31", "2023-03-01/2023-06-30",
                                              "2023-07-01/2023-09-30", "2023-10-01/2024-01-31"]
    [cov] = cmp.covering
    assert [p.label for p in cov.straddling] == ["2023-10-01/2024-01-31"]
    overlaps = [f for f in cmp.findings if f.code == "period_overlap"]
    assert [f.periods for f in overlaps] == [("2023-01-01/2023-03-31", "2023-03-01/2023-06-30")]
    codes = {f.code for f in cmp.findings}
    assert {"coverage_straddle", "coverage_gap"} <= codes and "cross_report_mismatch" not in codes
    assert cmp.reconciliation is not None
    assert {ri.key: ri.verdict for ri in cmp.reconciliation.covering[0].indicators} == {
        "ANIM_SPOTKANIA": "unverifiable", "GRUPY_INICJATYWNE": "unverifiable"}


def test_one_report_inside_another_is_not_covering(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _report(src, "częściowe", "01.01.2023", "31.03.2023", 10, 2)
    _report(src, "końcowe", "01.01.2023", "30.06.2023", 10, 2)       # contains one report only
    db = tmp_path / "a.sqlite"
    assert runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--archive", str(db),
                               "--no-progress"]).exit_code == 0
    with Archive(db) as ar:
        cmp = build_comparison(ar)
    assert not cmp.covering and len(cmp.periods) == 2
    assert [f.code for f in cmp.findings if f.code == "period_overlap"] == ["period_overlap"]


def test_audit_archive_bad_input_exits_2(tmp_path: Path, archive: Path) -> None:
    r = runner.invoke(app, ["audit", "--archive", str(tmp_path / "none.sqlite")])
    assert r.exit_code == 2 and "no archive at" in r.output
    r = runner.invoke(app, ["audit", "--archive", str(archive), "--org", "owes-nikt"])
    assert r.exit_code == 2 and "owes-nikt" in r.output
    r = runner.invoke(app, ["audit", "--org", "owes-nidzica"])
    assert r.exit_code == 2 and "--org goes with --archive" in r.output
    r = runner.invoke(app, ["audit"])
    assert r.exit_code == 2


def test_taxonomy_says_how_to_reconcile_and_rejects_a_rule_that_does_not_fit_the_measure() -> None:
    base = 'version = 1\n[[indicator]]\ncode = "X"\nunit = "count"\npatterns = ["x"]\n'
    tax = parse_taxonomy(base + 'measure = "stock"\nreconcile = "max"\n', "t.toml")
    assert tax.indicators["X"].reconcile_rule == "max"
    assert parse_taxonomy(base, "t.toml").indicators["X"].reconcile_rule == "sum"
    with pytest.raises(TaxonomyError, match=r"t\.toml.*indicator\.0.*reconcile = 'sum' does not fit measure = "
                                            r"'stock'"):
        parse_taxonomy(base + 'measure = "stock"\nreconcile = "sum"\n', "t.toml")
    with pytest.raises(TaxonomyError, match="indicator.0.reconcile"):
        parse_taxonomy(base + 'reconcile = "average"\n', "t.toml")


def test_compare_csv_and_html_show_the_covering_reports_beside_the_periods(archive: Path, tmp_path: Path) -> None:
    import csv
    import io

    r = runner.invoke(app, ["compare", "--archive", str(archive), "-f", "csv"])
    table = list(csv.reader(io.StringIO(r.stdout)))
    head = table[0]
    assert head[5:12] == PERIODIC and head[-2:] == ["org_key", "organisation"]
    i = head.index(f"annual {ANNUAL_2021}")
    assert head[i + 1:i + 3] == [f"expected {ANNUAL_2021}", f"verdict {ANNUAL_2021}"]
    dor = next(row for row in table[1:] if row[1] == "DOR_BIZNESOWE")
    assert dor[i:i + 3] == ["251", "261", "differs"]
    long = list(csv.DictReader(io.StringIO(runner.invoke(app, ["compare", "--archive", str(archive), "-f", "csv",
                                                               "--long"]).stdout)))
    cov = [x for x in long if x["indicator"] == "DOR_BIZNESOWE" and x["role"] == "covering"]
    assert [(x["kind"], x["value"], x["expected"], x["verdict"]) for x in cov] == [
        ("annual", "251", "261", "differs"), ("final", "373", "373", "agrees"), ("annual", "200", "", "unverifiable")]
    page = tmp_path / "p.html"
    assert runner.invoke(app, ["compare", "--archive", str(archive), "-f", "html", "-o", str(page)]).exit_code == 1
    html = page.read_text(encoding="utf-8")
    from extractor.i18n import tr

    assert f"<h2>{tr('Reconciliation')}</h2>" in html and "251 ≠ 78 + 64 + 71 + 48 = 261" in html and "«78 h»" in html
