"""Tables out of the archive: the SQL views, `archive export` in every format, compare's CSV
(long and wide) and HTML charts — each read back as an analyst would (sqlite3, pandas, openpyxl).

Values asserted are the ones the reports state plainly (see tests/test_compare.py):
"Spotkania animacyjne … – 30 spotkań" in the first quarter of OWES Olsztyn, 24, 27, 21, 33 after.
"""
from __future__ import annotations

import csv
import gc
import io
import json
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.chart import Bar, bar_chart, nice_ticks
from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUARTERS = ["2018-09-01_2018-11-30", "2018-12-01_2019-02-28", "2019-03-01_2019-05-31", "2019-06-01_2019-08-31",
            "2019-09-01_2019-11-30"]
STARTS = [q[:10] for q in QUARTERS]
ANIM = [30, 24, 27, 21, 33]
runner = CliRunner()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five Olsztyn quarters, its final report, and a report of another centre."""
    d = tmp_path_factory.mktemp("exp")
    src = d / "in"
    src.mkdir()
    for p in [*(CORPUS / f"owes-olsztyn_{q}.txt" for q in QUARTERS), CORPUS / "owes-olsztyn_2018-01-01_2019-12-31.txt",
              CORPUS / "owes-elk_2019-07-01_2019-09-30.txt"]:
        shutil.copy(p, src / p.name)
    db = d / "a.sqlite"
    r = runner.invoke(app, ["batch", str(src), "-o", str(d / "out"), "--archive", str(db), "-j", "2", "--no-progress"])
    assert r.exit_code == 0, r.output
    return db


# --- the views ---------------------------------------------------------------------------------

def test_views_answer_an_analysts_query_in_sqlite(archive: Path) -> None:
    con = sqlite3.connect(archive)
    try:
        rows = con.execute("SELECT period_start, value, typeof(value), indicator_name, unit FROM values_long "
                           "WHERE org_key = 'owes-olsztyn' AND kind = 'partial' AND section = 'CPS' "
                           "AND indicator = 'ANIM_SPOTKANIA' AND planned = 0 ORDER BY period_start").fetchall()
        assert rows == [(s, v, "integer", "Spotkania animacyjne", "count") for s, v in zip(STARTS, ANIM, strict=True)]
        # the auditor's question: every error, with its words and where they are
        errors = con.execute("SELECT organisation, report, code, evidence, start_char FROM findings_long "
                             "WHERE severity = 'error'").fetchall()
        assert errors and all(e[0] and e[1] and e[2] and e[3] is not None for e in errors)
        facts = con.execute("SELECT org_key, text, start_char, end_char FROM facts_long WHERE type = 'hours' "
                            "AND indicator = 'MENTORING' AND period_start = ?", (STARTS[0],)).fetchall()
        assert facts == [("owes-olsztyn", "mentoring biznesowy 240 h", facts[0][2], facts[0][2] + 25)]
        names = dict(con.execute("SELECT code, name FROM indicators"))
        assert names["ANIM_SPOTKANIA"] == "Spotkania animacyjne" and len(names) >= 20
        assert con.execute("SELECT org_key, organisation FROM organisations ORDER BY org_key").fetchall() == [
            ("owes-elk", "OWES Subregion Ełcki"), ("owes-olsztyn", "OWES Olsztyn")]
    finally:
        con.close()


def test_pandas_reads_the_views_with_one_query(archive: Path) -> None:
    pd = pytest.importorskip("pandas")
    con = sqlite3.connect(archive)
    try:
        df = pd.read_sql("SELECT * FROM values_long WHERE org_key = 'owes-olsztyn' AND kind = 'partial'", con)
    finally:
        con.close()
    table = df[df.indicator == "ANIM_SPOTKANIA"].pivot(index="period_start", columns="section", values="value")
    assert list(table["CPS"]) == ANIM
    assert str(df["value"].dtype).startswith("int")


# --- archive export --------------------------------------------------------------------------------

def test_export_csv_is_the_long_table_with_a_bom_when_asked(archive: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "--org", "OWES Olsztyn", "--kind", "partial"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert list(rows[0]) == ["org_key", "organisation", "kind", "period_start", "period_end", "section", "indicator",
                             "indicator_name", "subject", "unit", "measure", "value", "approximate", "planned",
                             "report", "sha256"]
    anim = [row["value"] for row in rows if row["indicator"] == "ANIM_SPOTKANIA" and row["section"] == "CPS"]
    assert anim == [str(v) for v in ANIM]                    # whole numbers without ".0"
    assert {row["org_key"] for row in rows} == {"owes-olsztyn"}
    out = tmp_path / "v.csv"
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "--bom", "-o", str(out)])
    assert r.exit_code == 0, r.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbforg_key,") and "Ełcki".encode() in raw
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "--org", "owes-nigdzie"])
    assert r.exit_code == 2 and "no reports of organisation 'owes-nigdzie'" in r.output


def test_export_jsonl_facts_table(archive: Path) -> None:
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "-f", "jsonl", "-t", "facts",
                            "--org", "owes-elk"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    assert rows and {x["organisation"] for x in rows} == {"OWES Subregion Ełcki"}
    assert all(isinstance(x["start_char"], int) and x["text"] for x in rows)


def test_export_xlsx_has_a_sheet_per_table_with_frozen_headers(archive: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "sub" / "a.xlsx"
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["values", "facts", "findings", "reports", "organisations", "indicators"]
    ws = wb["values"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    anim = [x for x in rows if x["org_key"] == "owes-olsztyn" and x["kind"] == "partial"
            and x["indicator"] == "ANIM_SPOTKANIA" and x["section"] == "CPS"]
    assert [x["value"] for x in anim] == ANIM
    assert anim[0]["period_start"].date().isoformat() == STARTS[0]        # a date, not text
    assert runner.invoke(app, ["archive", "export", "--archive", str(archive), "-f", "xlsx"]).exit_code == 2


def test_export_parquet_reads_back_in_pandas(archive: Path, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "v.parquet"
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "-f", "parquet", "-o", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(out)
    sel = df[(df.indicator == "ANIM_SPOTKANIA") & (df.kind == "partial") & (df.section == "CPS")]
    assert list(sel.value) == ANIM


def test_export_parquet_without_pyarrow_is_one_line_naming_the_extra(archive: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)        # as if it were not installed
    out = tmp_path / "v.parquet"
    gc.disable()   # nothing left open by the error may wait for the collector to be let go
    try:
        r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "-f", "parquet", "-o", str(out)])
        assert r.exit_code == 2
        assert r.output == "error: --format parquet needs pyarrow: pip install 'sprawozdania[parquet]'\n"
        assert not out.exists()
        con = sqlite3.connect(str(archive), timeout=0.5, isolation_level=None)   # the archive is free to write
        con.execute("CREATE TABLE probe (x)")      # a commit: no reader may hold the file
        con.execute("DROP TABLE probe")
        con.close()
    finally:
        gc.enable()


def test_export_facts_writes_one_facts_file_per_report(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "facts"
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "-f", "facts", "-o", str(out)])
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 7 and f"owes-olsztyn_{QUARTERS[0]}.facts.json" in files
    doc = json.loads((out / "owes-elk_2019-07-01_2019-09-30.facts.json").read_text(encoding="utf-8"))
    assert doc["contract"] == "facts/1" and doc["org_key"] == "owes-elk" and doc["facts"]
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    r = runner.invoke(app, ["archive", "export", "--archive", str(archive), "-f", "facts", "-o",
                            str(tmp_path / "a-file")])
    assert r.exit_code == 2 and r.output.startswith("error: cannot write")


# --- compare's CSV and HTML ---------------------------------------------------------------------------

def test_compare_csv_keeps_approximate_values_and_the_organisation(archive: Path) -> None:
    base = ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind", "partial", "-f", "csv"]
    r = runner.invoke(app, base)
    assert r.exit_code == 0
    assert r.stderr == "note: 1 final report left out by --kind partial; run without --kind to include it\n"
    table = list(csv.reader(io.StringIO(r.stdout)))
    head = table[0]
    assert head[-2:] == ["org_key", "organisation"]
    approx = [i for i, h in enumerate(head) if h.startswith("~ ")]
    assert [head[i][2:] for i in approx] == [q.replace("_", "/") for q in QUARTERS]
    people = next(row for row in table[1:] if row[0] == "IPS" and row[2] == "osoba")   # "ok. 154 osób" last
    assert people[5:10][-1] == "154" and [people[i] for i in approx] == ["", "0", "0", "0", "1"]
    assert {row[-1] for row in table[1:]} == {"OWES Olsztyn"}


def test_compare_long_csv_reads_in_pandas_without_picking_columns(archive: Path, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    out = tmp_path / "long.csv"
    r = runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind", "partial",
                            "-f", "csv", "--long", "-o", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out)
    anim = df[(df.section == "CPS") & (df.indicator == "ANIM_SPOTKANIA")]
    assert list(anim.value) == ANIM and list(anim.period_start) == STARTS
    assert list(anim.change.fillna(0)) == [0, -6, 3, -6, 12] and list(anim.cumulative) == [30, 54, 81, 102, 135]
    assert len(df) == df.groupby(["section", "indicator", "name", "unit"], dropna=False).ngroups * 5
    people = df[(df.section == "IPS") & (df.name == "osoba")]
    assert list(people.approximate.fillna(-1)) == [-1, 0, 0, 0, 1]
    assert runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--long"]).exit_code == 2


def test_compare_html_is_a_self_contained_page_with_a_chart_per_indicator(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.html"
    r = runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind", "partial",
                            "--known-only", "-f", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert not re.search(r"(?:src|href)=\"https?:", page)                     # nothing from the network
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    j = json.loads(runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind",
                                       "partial", "--known-only", "-f", "json"]).output)
    assert len(svgs) == len(j["rows"])
    anim = next(s for s in svgs if "CPS · Spotkania animacyjne<" in s)
    assert 'role="img"' in anim
    assert re.search(r"<desc id=\"[^\"]+\">2018-09–2018-11: 30; 2018-12–2019-02: 24; 2019-03–2019-05: 27; "
                     r"2019-06–2019-08: 21; 2019-09–2019-11: 33</desc>", anim)
    assert "1 final report left out by --kind partial" in page


def test_compare_says_what_it_left_out_and_how_to_include_it(archive: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind", "partial"])
    assert r.exit_code == 0
    assert "1 final report left out by --kind partial; run without --kind to include it" in r.output
    doc = json.loads(runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind",
                                         "partial", "-f", "json"]).output)
    assert [(x["reason"], x["reports"]) for x in doc["left_out"]] == [
        ("kind", ["owes-olsztyn_2018-01-01_2019-12-31.txt"])]
    # a report no text, file name or option names: counted when compare picks the only organisation
    db = tmp_path / "b.sqlite"
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CORPUS / f"owes-olsztyn_{QUARTERS[0]}.txt", src / "a.txt")
    (src / "notatka.txt").write_text("Sprawozdanie częściowe za okres 01.01.2019 – 31.03.2019\n\nANIMACJA\n"
                                     "Odbyło się 7 spotkań animacyjnych.", encoding="utf-8")
    runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "o"), "--archive", str(db), "--org", "owes-olsztyn",
                        "-j", "1", "--no-progress"])
    runner.invoke(app, ["batch", str(src / "notatka.txt"), "-o", str(tmp_path / "o2"), "--archive", str(db),
                        "-j", "1", "--no-progress", "--force"])
    with sqlite3.connect(db) as con:
        con.execute("UPDATE reports SET found_key = NULL, org_key = NULL WHERE name = 'notatka.txt'")
    r = runner.invoke(app, ["compare", "--archive", str(db)])
    assert r.exit_code == 0, r.output
    assert ("1 report with no organisation left out (notatka.txt); include it with `sprawozdania batch FILE… "
            "--org owes-olsztyn --archive …`") in r.output.replace("\n", " ").replace("  ", " ")


# --- the chart renderer ---------------------------------------------------------------------------------

def test_bar_chart_is_accessible_and_marks_approximate_and_missing_values() -> None:
    svg = bar_chart("Doradztwo <prawne>", [Bar("I kw.", 12), Bar("II kw.", None), Bar("III kw.", 7.5, True)],
                    unit="h", chart_id="x", missing="brak")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert '<title id="x-t">Doradztwo &lt;prawne&gt;</title>' in svg
    assert '<desc id="x-d">I kw.: 12 h; II kw.: brak; III kw.: ~7.5 h</desc>' in svg
    assert svg.count("<rect ") == 3                         # two bars and the hatching's background
    assert 'fill="url(#x-h)"' in svg and ">~7.5<" in svg and ">—<" in svg
    assert nice_ticks(33) == [0, 10, 20, 30, 40] and nice_ticks(240) == [0, 100, 200, 300]
    assert nice_ticks(0) == [0.0, 1.0]
