"""Each audit check fires on a sentence of our own and stays silent on its corrected variant."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract, extract_text
from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
HEAD = "Sprawozdanie częściowe za okres 01.04.2021 – 30.06.2021\n\nANIMACJA LOKALNA (AL)\n\n"
runner = CliRunner()


def codes(body, head=HEAD):
    rep = extract_text(head + body)
    return [f.code for f in rep.findings], rep


@pytest.mark.parametrize("code, bad, good", [
    ("sum_mismatch", "Odbyło się 20 spotkań: 8 w GOPS, 9 w PUP i 4 w szkołach.",
     "Odbyło się 21 spotkań: 8 w GOPS, 9 w PUP i 4 w szkołach."),
    ("part_exceeds_total", "Wsparto 40 osób, w tym 52 kobiety.", "Wsparto 60 osób, w tym 52 kobiety."),
    ("date_outside_period", "Targi odbyły się 14.07.", "Targi odbyły się 14.06."),
    ("date_outside_period", "Szkolenie 29.06-02.07.", "Szkolenie 28-29.06."),
    ("empty_name", "Przystąpiono do akcji pn. z Caritas.", "Przystąpiono do akcji pn. „Zielony Ogród” z Caritas."),
    ("empty_name", "Zorganizowano warsztat pt. „ ” dla 9 osób.", "Zorganizowano warsztat pt. „Spółdzielnia” dla 9 osób."),
    ("empty_name", 'Ruszył konkurs o nazwie "" w szkołach.', 'Ruszył konkurs o nazwie "Moja wieś" w szkołach.'),
    ("absurd_value", "Udzielono 9000 h doradztwa prawnego.", "Udzielono 90 h doradztwa prawnego."),
    ("typo", "Spotkanie w powicie ełckim.", "Spotkanie w powiecie ełckim."),
    ("unexplained_number", "Zakupiono sprzęt 17 i przekazano go dalej.", "Zakupiono 17 laptopów i przekazano je dalej."),
    ("inconsistent_repeat", "Przeprowadzono 12 spotkań animacyjnych w gminach. Później przeprowadzono 14 spotkań "
     "animacyjnych.", "Przeprowadzono 12 spotkań animacyjnych w gminach. Później przeprowadzono 12 spotkań "
     "animacyjnych."),
])
def test_check_fires_and_stays_silent(code, bad, good):
    got_bad, _ = codes(bad)
    got_good, _ = codes(good)
    assert code in got_bad
    assert code not in got_good


def test_weekday_abbreviations_are_not_an_empty_name():
    got, _ = codes("Biuro czynne 3 dni w tygodniu (pon., śr., pt.).")
    assert "empty_name" not in got


def test_period_checks():
    got, _ = codes("Tekst.", "Sprawozdanie za okres 01.05.2021 – 01.03.2021\n\nAL\n\n")
    assert "period_invalid" in got
    got, rep = codes("Tekst.", "Sprawozdanie częściowe za okres 01.01.2019 – 31.12.2021\n\nANIMACJA\n\n")
    assert "period_invalid" in got and [f.severity for f in rep.findings if f.code == "period_invalid"] == ["warning"]
    got, _ = codes("Odbyło się 5 spotkań 12.03.", "Sprawozdanie z działań\n\nANIMACJA (AN)\n\n")
    assert "period_missing" in got and "date_unresolved" in got


def test_heading_typo_shows_original_and_correction():
    _, rep = codes("Tekst.", "Sprawozdanie za okres 01.01.2020 – 31.03.2020\n\nINKUBATOR PRZEDSIEBIORCZOSCI SPOLECZNEJ\n\n")
    typo = [f for f in rep.findings if f.code == "typo"][0]
    assert "PRZEDSIEBIORCZOSCI" in typo.message and "Przedsiębiorczości" in typo.message


def test_sum_mismatch_shows_the_arithmetic_and_evidence():
    _, rep = codes("Odbyło się 20 spotkań: 8 w GOPS, 9 w PUP i 4 w szkołach.")
    f = [f for f in rep.findings if f.code == "sum_mismatch"][0]
    assert "20" in f.message and "21" in f.message and "8+9+4" in f.message
    assert [e.text for e in f.evidence] == ["20 spotkań", "8 w GOPS", "9 w PUP", "4 w szkołach"]


def test_seed_gives_its_gold_findings_and_no_false_ones():
    rep = extract(ROOT / "corpus" / "owes-olsztyn_2018-09-01_2018-11-30.txt")
    gold = json.loads((ROOT / "corpus" / "gold" / "owes-olsztyn_2018-09-01_2018-11-30.facts.json").read_text())
    got = {(f.code, f.section, f.evidence[0].text if f.evidence else None) for f in rep.findings
           if f.code in ("sum_mismatch", "date_outside_period", "period_missing", "empty_name")}
    want = {(f["code"], f["section"], f.get("text")) for f in gold["findings"]}
    assert got == want
    assert rep.stats.explained == rep.stats.numbers


def test_audit_cli_exit_codes_and_json(tmp_path):
    seed = str(ROOT / "corpus" / "owes-olsztyn_2018-09-01_2018-11-30.txt")
    res = runner.invoke(app, ["audit", seed])
    assert res.exit_code == 1 and "sum_mismatch" in res.stdout and "„78 spotkania”" in res.stdout
    res = runner.invoke(app, ["audit", seed, "--fail-on", "never", "--format", "json"])
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc[0]["source"].endswith(".txt") and any(f["code"] == "empty_name" for f in doc[0]["findings"])
    clean = tmp_path / "clean.txt"
    clean.write_text(HEAD + "Odbyło się 5 spotkań (12.05).", encoding="utf-8")
    assert runner.invoke(app, ["audit", str(clean)]).exit_code == 0
    assert runner.invoke(app, ["audit", str(clean), "--fail-on", "warning"]).exit_code == 0
    late = tmp_path / "late.txt"
    late.write_text(HEAD + "Odbyło się 5 spotkań (12.08).", encoding="utf-8")
    assert runner.invoke(app, ["audit", str(late)]).exit_code == 0
    assert runner.invoke(app, ["audit", str(late), "--fail-on", "warning"]).exit_code == 1
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert runner.invoke(app, ["audit", str(late), str(empty)]).exit_code == 2


def test_findings_in_extract_outputs():
    seed = str(ROOT / "corpus" / "owes-olsztyn_2018-09-01_2018-11-30.txt")
    facts = json.loads(runner.invoke(app, ["extract", seed, "-f", "facts"]).stdout)
    full = json.loads(runner.invoke(app, ["extract", seed, "-f", "json"]).stdout)
    assert {f["code"] for f in facts["findings"]} == {f["code"] for f in full["findings"]}
