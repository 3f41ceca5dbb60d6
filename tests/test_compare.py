"""batch -> archive -> compare over five consecutive quarters of OWES Olsztyn, plus the taxonomy.

Expected values were read off the reports (corpus/owes-olsztyn_*.txt); only figures the
text states plainly are asserted: "Spotkania animacyjne … – 30 spotkań", "mentoring
biznesowy 240 h", "Udział w 7 spotkaniach wzięło 96 uczniów", "pracę kontynuowało 22 PS" …
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract
from extractor.archive import Archive
from extractor.cli import app
from extractor.compare import CompareError, build_comparison, to_csv, to_json
from extractor.indicators import (
    TaxonomyError,
    assign_indicators,
    indicator_values,
    load_taxonomy,
    parse_taxonomy,
    section_key,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUARTERS = ["2018-09-01_2018-11-30", "2018-12-01_2019-02-28", "2019-03-01_2019-05-31", "2019-06-01_2019-08-31",
            "2019-09-01_2019-11-30"]
FILES = [CORPUS / f"owes-olsztyn_{q}.txt" for q in QUARTERS]
FINAL = CORPUS / "owes-olsztyn_2018-01-01_2019-12-31.txt"
LABELS = [q.replace("_", "/") for q in QUARTERS]
runner = CliRunner()

# (section, indicator) -> value per quarter, as the reports state them
EXPECTED = {
    ("CPS", "ANIM_SPOTKANIA"): [30, 24, 27, 21, 33],
    ("CPS", "MENTORING"): [240, 186, 210, 165, 228],
    ("CPS", "DOR_PRAWNE"): [2, 9, 7, 4, 6],
    ("CPS", "GRUPY_ZALOZYCIELSKIE"): [30, 26, 28, 19, 31],
    ("IPS", "ANIM_SPOTKANIA"): [78, 52, 64, 46, 85],
    ("IPS", "UCZNIOWIE"): [96, 118, 203, None, 241],
    ("IPS", "PS"): [22, 24, 26, 27, 29],
    ("IPS", "GRUPY_INICJATYWNE"): [8, 6, 7, 5, 9],
    ("IPS", "IPS"): [3, 3, 3, 3, 3],
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five quarters and the final report of the same years, through `sprawozdania batch`."""
    d = tmp_path_factory.mktemp("cmp")
    src = d / "in"
    src.mkdir()
    for p in [*FILES, FINAL]:
        shutil.copy(p, src / p.name)
    db = d / "olsztyn.sqlite"
    r = runner.invoke(app, ["batch", str(src), "-o", str(d / "out"), "--archive", str(db), "--workers", "2",
                            "--no-progress"])
    assert r.exit_code == 0, r.output
    return db


def _rows(cmp):
    return {(r.section, r.indicator): r for r in cmp.rows if r.indicator}


def test_five_quarters_give_the_expected_table(archive: Path) -> None:
    with Archive(archive) as ar:
        cmp = build_comparison(ar, org="owes-olsztyn", kind="partial")
    assert [p.label for p in cmp.periods] == LABELS          # chronological
    rows = _rows(cmp)
    for key, values in EXPECTED.items():
        assert rows[key].values == values, key
    anim = rows[("CPS", "ANIM_SPOTKANIA")]
    assert anim.change == [None, -6, 3, -6, 12]
    assert anim.change_pct == [None, -20.0, 12.5, -22.2, 57.1]
    assert anim.cumulative == [30, 54, 81, 102, 135]
    pupils = rows[("IPS", "UCZNIOWIE")]
    assert pupils.change == [None, 22, 85, None, None]
    assert pupils.cumulative == [96, 214, 417, 417, 658]     # a missing quarter adds nothing
    assert rows[("IPS", "PS")].measure == "stock" and rows[("IPS", "PS")].cumulative == [None] * 5
    assert rows[("CPS", "MENTORING")].unit == "hours"
    codes = {(f.code, f.section, f.indicator, f.periods[-1]) for f in cmp.findings}
    assert not [f for f in cmp.findings if f.code in ("period_gap", "period_overlap")]
    assert ("indicator_disappeared", "IPS", "UCZNIOWIE", LABELS[3]) in codes
    assert ("indicator_appeared", "IPS", "UCZNIOWIE", LABELS[4]) in codes
    assert ("change_beyond_factor", "CPS", "DOR_PRAWNE", LABELS[1]) in codes     # 2 h -> 9 h
    assert not any(c[0] == "change_beyond_factor" and c[2] == "ANIM_SPOTKANIA" for c in codes)


def test_csv_has_one_row_per_section_indicator_and_one_column_per_period(archive: Path) -> None:
    with Archive(archive) as ar:
        text = to_csv(build_comparison(ar, org="owes-olsztyn", kind="partial"))
    table = list(csv.reader(io.StringIO(text)))
    head = table[0]
    assert head[:5] == ["section", "indicator", "name", "unit", "measure"]
    assert head[5:10] == LABELS
    assert head[10:14] == [f"Δ {lb}" for lb in LABELS[1:]]
    assert head[14:18] == [f"Δ% {lb}" for lb in LABELS[1:]]
    assert head[18:23] == [f"Σ {lb}" for lb in LABELS]
    keys = [(r[0], r[1] or r[2], r[3]) for r in table[1:]]
    assert len(keys) == len(set(keys))                     # one row per (section, indicator)
    by_key = {(r[0], r[1]): r for r in table[1:] if r[1]}
    anim = by_key[("CPS", "ANIM_SPOTKANIA")]
    assert anim[2] == "Spotkania animacyjne" and anim[3] == "count" and anim[4] == "flow"
    assert anim[5:10] == ["30", "24", "27", "21", "33"]
    assert anim[10:14] == ["-6", "3", "-6", "12"]
    assert anim[14:18] == ["-20.0", "12.5", "-22.2", "57.1"]
    assert anim[18:23] == ["30", "54", "81", "102", "135"]
    assert by_key[("IPS", "UCZNIOWIE")][5:10] == ["96", "118", "203", "", "241"]
    assert by_key[("IPS", "PS")][18:23] == [""] * 5


def test_overlap_gap_and_duplicate_period_findings(archive: Path, tmp_path: Path) -> None:
    with Archive(archive) as ar:
        cmp = build_comparison(ar, org="owes-olsztyn")      # the final report covers all quarters
        # it is a covering report: a column group of its own, not a period, no overlap with its quarters
        assert [p.label for p in cmp.periods] == LABELS
        assert [cv.column.label for cv in cmp.covering] == ["2018-01-01/2019-12-31"]
        assert not [f for f in cmp.findings if f.code == "period_overlap"]
        gaps = [f for f in cmp.findings if f.code == "coverage_gap"]
        assert len(gaps) == 1 and "01.01.2018–31.08.2018 (243 dni), 01.12.2019–31.12.2019 (31 dni)" in gaps[0].message
    db = tmp_path / "gap.sqlite"
    shutil.copy(archive, db)
    with Archive(db) as ar:
        third = next(r for r in ar.reports() if r.name == FILES[2].name)
        ar.delete(third.sha256)
        cmp = build_comparison(ar, org="owes-olsztyn", kind="partial")
        gaps = [f for f in cmp.findings if f.code == "period_gap"]
        assert [f.periods for f in gaps] == [(LABELS[1], LABELS[3])]
        assert "92 dni" in gaps[0].message
        # the HTML marks each change from a period that is not the one just before, and says why
        from extractor.compare import html_body
        from extractor.i18n import set_lang

        set_lang("pl")
        try:
            html = html_body(cmp)
        finally:
            set_lang(None)
        section = html[html.index("ANIM_SPOTKANIA"):]
        section = section[:section.index("</section>")]
        assert section.count("*</td>") == 2                              # its Δ and Δ%, the others plain
        assert "* 2019-06 – 2019-08: dni bez sprawozdania przed nim: 92 (01.03.2019 – 31.05.2019)" in section
        # and JSON says it for each period, for whoever computes changes themselves
        assert [p["days_without_report_before"] for p in to_json(cmp)["periods"]] == [None, 0, 92, 0]
        # and so do both CSVs: a column per period after the first (wide), a field of each row (long)
        import csv as csvmod
        import io

        from extractor.compare import to_csv

        wide = list(csvmod.DictReader(io.StringIO(to_csv(cmp))))
        labels = [p.label for p in cmp.periods]
        assert [wide[0][f"days without report before {lb}"] for lb in labels[1:]] == ["0", "92", "0"]
        long = list(csvmod.DictReader(io.StringIO(to_csv(cmp, long=True))))
        first = [r for r in long if (r["section"], r["indicator"]) == (long[0]["section"], long[0]["indicator"])]
        assert [r["days_without_report_before"] for r in first] == ["", "0", "92", "0"]
        # a second report for a period already archived (a corrected copy): one column, a finding
        fixed = tmp_path / "owes-olsztyn_poprawione.txt"
        fixed.write_text(FILES[0].read_text(encoding="utf-8").replace("30 spotkań", "31 spotkań"),
                         encoding="utf-8")
        ar.upsert(extract(fixed), path=str(fixed))
        cmp = build_comparison(ar, org="owes-olsztyn", kind="partial")
        assert len(cmp.periods) == 4
        assert [f.code for f in cmp.findings].count("duplicate_period") == 1
        assert _rows(cmp)[("CPS", "ANIM_SPOTKANIA")].values[0] == 31      # the latest archived wins


def test_compare_command_formats_and_options(archive: Path, tmp_path: Path) -> None:
    base = ["compare", "--archive", str(archive), "--org", "OWES Olsztyn", "--kind", "partial"]
    r = runner.invoke(app, [*base, "--format", "json", "--section", "IPS"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert [p["label"] for p in doc["periods"]] == LABELS
    assert {row["section"] for row in doc["rows"]} == {"IPS"}
    r = runner.invoke(app, [*base, "--format", "csv", "--known-only", "-o", str(tmp_path / "c.csv")])
    assert r.exit_code == 0
    rows = list(csv.reader(open(tmp_path / "c.csv", encoding="utf-8")))   # noqa: SIM115
    assert all(row[1] for row in rows[1:])                                 # only taxonomy codes
    r = runner.invoke(app, [*base, "--factor", "10", "--format", "json"])
    assert not [f for f in json.loads(r.output)["findings"] if f["code"] == "change_beyond_factor"]
    r = runner.invoke(app, base, env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "ANIM_SPOTKANIA" in r.output and "2018-09" in r.output and "-20%" in r.output
    assert runner.invoke(app, [*base, "--factor", "1"]).exit_code == 2
    assert runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-nigdzie"]).exit_code == 2
    r = runner.invoke(app, ["compare", "--archive", str(tmp_path / "brak.sqlite")])
    assert r.exit_code == 2


def test_unknown_section_is_an_error_that_lists_the_sections(archive: Path) -> None:
    base = ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind", "partial", "-f", "json"]
    r = runner.invoke(app, [*base, "--section", "XYZ"])
    assert r.exit_code == 2
    assert r.output == "error: no section 'XYZ' in the compared reports (sections: CPS, IPS)\n"
    r = runner.invoke(app, [*base, "--section", "ips"])              # any case
    assert r.exit_code == 0, r.output
    assert {row["section"] for row in json.loads(r.output)["rows"]} == {"IPS"}


def test_a_section_without_facts_gives_no_rows_and_no_error(tmp_path: Path) -> None:
    db = tmp_path / "one.sqlite"
    rep = tmp_path / "owes-test_2019-01-01_2019-03-31.txt"
    rep.write_text("Sprawozdanie częściowe za okres 01.01.2019 – 31.03.2019\n\n"
                   "CENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)\n\nOdbyło się 5 spotkań animacyjnych.\n\n"
                   "INKUBATOR PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (IPS)\n\nPrace trwają.", encoding="utf-8")
    with Archive(db) as ar:
        ar.upsert(extract(rep), path=str(rep))
        assert {r.section for r in build_comparison(ar).rows} == {"CPS"}
        assert build_comparison(ar, section="IPS").rows == []
        assert [r.section for r in build_comparison(ar, section="cps").rows] == ["CPS"]
        with pytest.raises(CompareError, match=r"no section 'ZADANIE 9' .*\(sections: CPS, IPS\)"):
            build_comparison(ar, section="ZADANIE 9")


def test_section_by_heading_code_or_task_label(tmp_path: Path) -> None:
    db = tmp_path / "tasks.sqlite"
    rep = tmp_path / "owes-test_2019-01-01_2019-03-31.txt"
    rep.write_text("Sprawozdanie częściowe za okres 01.01.2019 – 31.03.2019\n\nZADANIE II – ANIMACJA\n\n"
                   "Odbyło się 5 spotkań animacyjnych.", encoding="utf-8")
    with Archive(db) as ar:
        ar.upsert(extract(rep), path=str(rep))
        keys = {r.section for r in build_comparison(ar).rows}
        assert keys == {"ZADANIE 2"}
        for name in ("ZADANIE 2", "zadanie II", "Zad. 2"):
            assert {r.section for r in build_comparison(ar, section=name).rows} == keys, name


@pytest.mark.parametrize("factor", ["nan", "inf", "-inf", "-2", "0", "1"])
def test_factor_must_be_a_finite_number_above_one(archive: Path, factor: str) -> None:
    r = runner.invoke(app, ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--factor", factor])
    assert r.exit_code == 2
    assert r.output.startswith("error: --factor: the change factor must be a finite number greater than 1")
    with Archive(archive) as ar, pytest.raises(CompareError, match="finite number greater than 1"):
        build_comparison(ar, org="owes-olsztyn", factor=float(factor))


def test_compare_output_file_errors_and_folders(archive: Path, tmp_path: Path) -> None:
    base = ["compare", "--archive", str(archive), "--org", "owes-olsztyn", "--kind", "partial"]
    for fmt in ("table", "csv", "json"):
        r = runner.invoke(app, [*base, "-f", fmt, "-o", str(tmp_path)])
        assert r.exit_code == 2 and r.output == f"error: cannot write {tmp_path}: is a folder, not a file\n"
        out = tmp_path / fmt / "sub" / f"cmp.{fmt}"
        r = runner.invoke(app, [*base, "-f", fmt, "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert "ANIM_SPOTKANIA" in out.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".part"))]


def test_compare_needs_an_organisation_when_there_are_several(tmp_path: Path) -> None:
    db = tmp_path / "two.sqlite"
    with Archive(db) as ar:
        ar.upsert(extract(FILES[0]), path=str(FILES[0]))
        elk = CORPUS / "owes-elk_2019-07-01_2019-09-30.txt"
        ar.upsert(extract(elk), path=str(elk))
        with pytest.raises(CompareError, match="several organisations"):
            build_comparison(ar)
        # the file names' "owes-elk" finds the centre its texts call "OWES Subregion Ełcki"
        assert build_comparison(ar, org="owes-elk").organisation == "OWES Subregion Ełcki"


def test_json_output_is_serialisable(archive: Path) -> None:
    with Archive(archive) as ar:
        doc = to_json(build_comparison(ar, org="owes-olsztyn", kind="partial"))
    json.dumps(doc)
    assert doc["taxonomy_version"] == load_taxonomy().version


# --- the taxonomy -----------------------------------------------------------------------------

@pytest.mark.parametrize(("subject", "unit", "code"), [
    ("spotkanie animacyjne", "count", "ANIM_SPOTKANIA"),
    ("spotkania animacyjne", "count", "ANIM_SPOTKANIA"),
    ("spotkanie animacyjne dotyczących", "count", "ANIM_SPOTKANIA"),       # prefix
    ("spotkanie animacyjen", "count", "ANIM_SPOTKANIA"),                   # fuzzy (typo)
    ("mentoring biznesowy", "hours", "MENTORING"),
    ("cały okres projektu prowadziliśmy mentoring biznesowy", "hours", "MENTORING"),   # contains
    ("doradztwo prawne", "hours", "DOR_PRAWNE"),
    ("kadrowe", "hours", "DOR_KADROWE"),
    ("zakres marketingu", "hours", "DOR_MARKETINGOWE"),
    ("grupa inicjatywna", "count", "GRUPY_INICJATYWNE"),
    ("GI", "count", "GRUPY_INICJATYWNE"),
    ("uczeń", "count", "UCZNIOWIE"),
    ("PS, które utworzyły miejsca pracy", "count", "PS"),
    ("PS", "count", "PS"),
    ("IPS", "count", "IPS"),
    ("szkolenie", "count", "SZKOLENIA"),
    ("szkolenie", "hours", "SZKOLENIA_H"),                                 # same words, other unit
    ("doradztwo", "hours", "DORADZTWO"),
])
def test_subjects_map_to_stable_codes(subject: str, unit: str, code: str) -> None:
    m = load_taxonomy().match(subject, unit)
    assert m is not None and m.indicator.code == code


@pytest.mark.parametrize(("subject", "unit"), [
    ("osoba", "count"), ("PES/PS", "count"), ("mentoring biznesowy", "count"), ("uczeń", "hours"),
    ("doradztwo prawne/księgowe", "hours"), ("ps", "hours"), (None, "count"), ("", "count"),
])
def test_unknown_subjects_get_no_code(subject: str | None, unit: str) -> None:
    assert load_taxonomy().match(subject, unit) is None


def test_unknown_subjects_are_kept_not_dropped() -> None:
    rep = extract(FILES[2])
    assign_indicators(rep)
    values = indicator_values(rep)
    quantities = [f for f in rep.facts if f.type in ("count", "hours") and not getattr(f, "part_of", None)
                  and not getattr(f, "planned", False)]
    covered = {i for v in values for i in v.fact_ids}
    assert covered == {f.id for f in quantities}                  # every top-level figure has a row
    unknown = [v for v in values if v.indicator is None]
    assert all(v.key.startswith("?") and v.key.endswith(v.subject or "(bez przedmiotu)") for v in unknown)


def test_taxonomy_file_is_valid_and_checked() -> None:
    tax = load_taxonomy()
    assert tax.version >= 1 and len(tax.indicators) >= 20
    assert {"ANIM_SPOTKANIA", "MENTORING", "DOR_PRAWNE", "DOR_KADROWE", "GRUPY_INICJATYWNE", "UCZNIOWIE", "PS",
            "IPS"} <= set(tax.indicators)
    with pytest.raises(TaxonomyError, match="both"):
        parse_taxonomy('version = 1\n[[indicator]]\ncode = "A"\nunit = "count"\npatterns = ["x"]\n'
                       '[[indicator]]\ncode = "B"\nunit = "count"\npatterns = ["X"]\n')
    with pytest.raises(TaxonomyError, match="unit"):
        parse_taxonomy('version = 1\n[[indicator]]\ncode = "A"\nunit = "kg"\npatterns = ["x"]\n')
    with pytest.raises(TaxonomyError, match="UPPER_SNAKE"):
        parse_taxonomy('version = 1\n[[indicator]]\ncode = "a-b"\nunit = "count"\npatterns = ["x"]\n')


def test_section_keys_align_task_labels() -> None:
    assert section_key("ZADANIE II") == section_key("ZADANIE 2") == section_key("Zad. 2") == "ZADANIE 2"
    assert section_key("CENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ", "CPS") == "CPS"
    assert section_key("ZADANIE IV") == "ZADANIE 4" and section_key("ZADANIE IX") == "ZADANIE 9"
    assert section_key(None) == ""
