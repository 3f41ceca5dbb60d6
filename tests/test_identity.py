"""One identity per organisation: --org wins, file names stop before dates and report words, an
alias store in the archive that every command uses, one display name in every output.

The reports are a few sentences of our own, not taken from the corpus.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract
from extractor.archive import _V1, _V2, Archive
from extractor.cli import app
from extractor.compare import build_comparison
from extractor.organisation import identify, name_from_key, organisation_from_name
from extractor.orgs import Directory, Seen

runner = CliRunner()
BODY = ("\n\nANIMACJA LOKALNA\nAnimatorzy przeprowadzili {n} spotkań animacyjnych z sołtysami.\n\n"
        "DORADZTWO\nUdzielono {h} h doradztwa prawnego.\n")


def _report(d: Path, name: str, head: str, period: str, n: int, h: int = 4) -> Path:
    p = d / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(f"{head}\nSprawozdanie częściowe za okres {period}" + BODY.format(n=n, h=h), encoding="utf-8")
    return p


Q = ["01.01.2021 – 31.03.2021", "01.04.2021 – 30.06.2021", "01.07.2021 – 30.09.2021", "01.10.2021 – 31.12.2021"]


# --- names from file names --------------------------------------------------------------------

@pytest.mark.parametrize(("name", "org"), [
    ("owes-olsztyn-final-2018-09_2019-08.txt", "owes-olsztyn"),
    ("owes-braniewo-koncowe-2020_wersja2.docx", "owes-braniewo"),
    ("cwes-ilawa-2021-q3.odt", "cwes-ilawa"),
    ("owes-nowe-miasto-sprawozdanie-roczne.pdf", "owes-nowe-miasto"),
    ("owes-nidzica-roczne.txt", "owes-nidzica"),
    ("owes-nidzica.txt", None),                       # nothing ends the name: not the convention
    ("owes-2019_2020.txt", None),                     # no name before the date
    ("sprawozdanie-owes-elk_2019.txt", None),         # does not start with an acronym
])
def test_a_file_name_gives_the_name_before_dates_and_report_words(name: str, org: str | None) -> None:
    assert organisation_from_name(name) == org


def test_a_key_without_a_name_is_shown_as_the_gazetteer_writes_the_place() -> None:
    assert name_from_key("owes-zielona-gora") == "OWES Zielona Góra"
    assert name_from_key("cwes-ostroda") == "CWES Ostróda"
    assert name_from_key("owes-subregion-mazurski") == "OWES Subregion Mazurski"   # no place: capitalised
    assert name_from_key("fundacja-x") == "fundacja-x"


def test_explicit_organisation_wins_then_header_then_file_name() -> None:
    i = identify("OWES Subregion Nidzicki", "owes-nidzica_2021-01-01_2021-03-31.txt", "owes-mazury")
    assert (i.key, i.origin, i.header_key, i.file_key) == ("owes-mazury", "option", "owes-subregion-nidzicki",
                                                            "owes-nidzica")
    assert i.name == "OWES Mazury"                   # a bare key is shown as a name
    i = identify("OWES Subregion Nidzicki", "owes-nidzica_2021-01-01_2021-03-31.txt")
    assert (i.key, i.origin, i.name) == ("owes-subregion-nidzicki", "header", "OWES Subregion Nidzicki")
    i = identify(None, "owes-nidzica_2021-01-01_2021-03-31.txt")
    assert (i.key, i.origin, i.name, i.name_origin) == ("owes-nidzica", "file_name", "OWES Nidzica", "key")
    i = identify(None, "raport.txt", "Ośrodek Wsparcia Ekonomii Społecznej w Nidzicy")
    assert (i.key, i.name, i.name_origin) == ("owes-nidzica", "Ośrodek Wsparcia Ekonomii Społecznej w Nidzicy",
                                              "option")
    assert identify(None, "raport.txt").key is None


def test_the_record_carries_its_organisation(tmp_path: Path) -> None:
    p = _report(tmp_path, "owes-nidzica_2021-01-01_2021-03-31.txt", "Informacja", Q[0], 5)
    r = runner.invoke(app, ["extract", str(p), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert (doc["org_key"], doc["organisation"], doc["organisation_from"]) == ("owes-nidzica", "OWES Nidzica",
                                                                               "file_name")
    facts = json.loads(runner.invoke(app, ["extract", str(p), "--format", "facts"]).output)
    assert (facts["org_key"], facts["organisation"]) == ("owes-nidzica", "OWES Nidzica")


# --- the store's rules, on identities alone -----------------------------------------------------

def test_derived_links_do_not_depend_on_the_order_reports_come_in() -> None:
    seen = [Seen("owes-subregion-walecki", "header", "OWES Subregion Wałecki", "header", "owes-subregion-walecki",
                 "owes-walcz"),
            Seen("owes-walcz", "header", "OWES Wałcz", "header", "owes-walcz", "owes-walcz"),
            Seen("owes-subregion-pilski", "header", "OWES Subregion Pilski", "header", "owes-subregion-pilski",
                 "owes-pila"),
            Seen("owes-pila", "file_name", "OWES Piła", "key", None, "owes-pila")]
    for order in (seen, seen[::-1], seen[1::2] + seen[::2]):
        d = Directory.build(order)
        assert d.resolve("owes-subregion-pilski") == "owes-pila"           # the file names join them
        assert d.resolve("owes-subregion-walecki") == "owes-subregion-walecki"   # a text gives owes-walcz
        assert d.names["owes-pila"] == "OWES Subregion Pilski"             # a header's name before a key's


def test_a_centre_some_files_are_named_for_is_not_joined_to_another() -> None:
    seen = [Seen("owes-goldap", "header", "OWES Gołdap", "header", "owes-goldap", "owes-olecko"),
            Seen("owes-goldap", "file_name", "OWES Gołdap", "key", None, "owes-goldap")]
    assert Directory.build(seen).resolve("owes-goldap") == "owes-goldap"


# --- the archive and the commands ----------------------------------------------------------------

@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """Three quarters of one centre: its headers say 'Subregion Gołdapski', its file names
    owes-goldap, the third one's name says nothing; and a centre whose report names none (its
    file name does)."""
    d = tmp_path / "in"
    _report(d, "owes-goldap_2021-01-01_2021-03-31.txt", "OWES Subregion Gołdapski", Q[0], 5)
    _report(d, "owes-goldap_2021-04-01_2021-06-30.txt", "Ośrodek Wsparcia Ekonomii Społecznej Subregionu "
            "Gołdapskiego", Q[1], 8)
    _report(d, "raport-iii-kwartal.txt", "OWES Subregion Gołdapski", Q[2], 6)
    _report(d, "owes-braniewo_2021-01-01_2021-03-31.txt", "Informacja kwartalna", Q[0], 3)
    return d


def _batch(src: Path, out: Path, db: Path, *extra: str) -> None:
    r = runner.invoke(app, ["batch", str(src), "-o", str(out), "--archive", str(db), "-j", "1", "--no-progress",
                            "-f", "jsonl", *extra])
    assert r.exit_code == 0, r.output


def test_keys_the_file_names_join_are_one_organisation_in_sql(reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _batch(reports, tmp_path / "out", db)
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT org_key, organisation, period_start, value FROM values_long "
                           "WHERE org_key = 'owes-goldap' AND indicator = 'ANIM_SPOTKANIA' ORDER BY period_start"
                           ).fetchall()
        # the header's key joined to the file names' key, also for the file whose name says nothing
        assert rows == [("owes-goldap", "OWES Subregion Gołdapski", "2021-01-01", 5),
                        ("owes-goldap", "OWES Subregion Gołdapski", "2021-04-01", 8),
                        ("owes-goldap", "OWES Subregion Gołdapski", "2021-07-01", 6)]
        assert con.execute("SELECT alias, org_key, origin FROM org_aliases").fetchall() == [
            ("owes-subregion-goldapski", "owes-goldap", "file_name")]
    finally:
        con.close()
    # every output of the batch: one key and one name per organisation
    rows = [json.loads(line) for line in (tmp_path / "out" / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    names = {(r["org_key"], r["organisation"]) for r in rows}
    assert names == {("owes-goldap", "OWES Subregion Gołdapski"), ("owes-braniewo", "OWES Braniewo")}
    one = json.loads((tmp_path / "out" / "raport-iii-kwartal.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert one["org_key"] == "owes-goldap"
    # compare finds the centre by any of its keys and names
    for org in ("owes-goldap", "OWES Subregion Gołdapski", "owes-subregion-goldapski"):
        r = runner.invoke(app, ["compare", "--archive", str(db), "--org", org, "-f", "json"])
        assert r.exit_code == 0, r.output
        doc = json.loads(r.output)
        assert doc["org_key"] == "owes-goldap" and len(doc["periods"]) == 3


def test_archive_alias_joins_and_separates_keys(reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _batch(reports, tmp_path / "out", db)
    r = runner.invoke(app, ["archive", "alias", "owes-braniewo", "owes-goldap", "--archive", str(db)])
    assert r.exit_code == 0, r.output
    assert r.output == "owes-goldap → owes-braniewo (OWES Subregion Gołdapski), reports: 4\n"
    with Archive(db) as ar:
        assert {r.org_key for r in ar.reports()} == {"owes-braniewo"}
        assert ar.members("owes-braniewo") == ["owes-braniewo", "owes-goldap", "owes-subregion-goldapski"]
    r = runner.invoke(app, ["archive", "list", "--archive", str(db)])
    assert "owes-goldap (user), owes-subregion-goldapski (file_name)" in r.output
    r = runner.invoke(app, ["archive", "alias", "--remove", "owes-goldap", "--archive", str(db)])
    assert r.exit_code == 0 and r.output == "owes-goldap: separated\n"
    # a link the file names give, undone by the user, stays undone
    r = runner.invoke(app, ["archive", "alias", "--remove", "owes-subregion-goldapski", "--archive", str(db)])
    assert r.exit_code == 0, r.output
    with Archive(db) as ar:
        keys = sorted(k for k, _n, _c in ar.organisations())
        assert keys == ["owes-braniewo", "owes-subregion-goldapski"]     # (no report is owes-goldap's own)
    _batch(reports, tmp_path / "out", db, "--force")
    with Archive(db) as ar:
        assert ar.resolve("owes-subregion-goldapski") == "owes-subregion-goldapski"
    r = runner.invoke(app, ["archive", "alias", "--remove", "owes-mazury", "--archive", str(db)])
    assert r.exit_code == 1 and "not joined to any organisation: owes-mazury" in r.output
    assert runner.invoke(app, ["archive", "alias", "owes-goldap", "--archive", str(db)]).exit_code == 2
    assert runner.invoke(app, ["archive", "alias", "a", "b", "--archive", str(tmp_path / "none.sqlite")]
                         ).exit_code == 2


def test_a_text_naming_the_file_names_key_keeps_them_apart_until_the_user_joins(reports: Path, tmp_path: Path
                                                                                ) -> None:
    """'OWES Gołdap' in one header, 'OWES Subregion Gołdapski' in others, every file owes-goldap_…:
    the file names may be named for another centre than the text, so the user decides."""
    _report(reports, "owes-goldap_2021-10-01_2021-12-31.txt", "OWES Gołdap", Q[3], 9)
    db = tmp_path / "a.sqlite"
    _batch(reports, tmp_path / "out", db)
    with Archive(db) as ar:
        assert sorted(k for k, _n, _c in ar.organisations()) == ["owes-braniewo", "owes-goldap",
                                                                 "owes-subregion-goldapski"]
    r = runner.invoke(app, ["archive", "alias", "owes-goldap", "OWES Subregion Gołdapski", "--archive", str(db)])
    assert r.exit_code == 0, r.output
    with Archive(db) as ar:
        assert len(build_comparison(ar, org="owes-goldap").periods) == 4
        n = ar.conn.execute("SELECT count(DISTINCT report) FROM values_long WHERE org_key = 'owes-goldap'").fetchone()
        assert n == (4,)


def test_batch_org_wins_and_joins_what_the_reports_say(reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    src = tmp_path / "one"
    src.mkdir()
    shutil.copy(reports / "owes-goldap_2021-01-01_2021-03-31.txt", src / "owes-goldap-final-2021-01_2021-03.txt")
    _batch(src, tmp_path / "out", db, "--org", "owes-mazury")
    with Archive(db) as ar:
        assert [r.org_key for r in ar.reports()] == ["owes-mazury"]
        links = {a: (k, o) for a, _t, k, o in ar.aliases()}
        assert links == {"owes-goldap": ("owes-mazury", "option"),
                         "owes-subregion-goldapski": ("owes-mazury", "option")}
        rec = ar.record(ar.reports()[0].sha256)
        assert (rec.org_key, rec.organisation) == ("owes-mazury", "OWES Mazury")
    row = json.loads((tmp_path / "out" / "owes-goldap-final-2021-01_2021-03.jsonl").read_text(
        encoding="utf-8").splitlines()[0])
    assert (row["org_key"], row["organisation"]) == ("owes-mazury", "OWES Mazury")


def test_archive_show_gives_the_record_with_its_organisation(reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    _batch(reports, tmp_path / "out", db)
    r = runner.invoke(app, ["archive", "show", "raport-iii-kwartal.txt", "--archive", str(db), "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert (doc["org_key"], doc["organisation"]) == ("owes-goldap", "OWES Subregion Gołdapski")
    r = runner.invoke(app, ["archive", "show", "owes-braniewo_2021-01-01_2021-03-31.txt", "--archive", str(db),
                            "-f", "json"])
    assert json.loads(r.output)["organisation"] == "OWES Braniewo"      # named by no text: not null


def test_migration_4_keeps_an_archive_of_schema_3(tmp_path: Path) -> None:
    """An archive as version 3 wrote it: organisation as text or file name gave it, compare's
    links computed on the fly. Migration 5 turns the links into alias rows."""
    d = tmp_path / "in"
    ps = [_report(d, "owes-goldap_2021-01-01_2021-03-31.txt", "OWES Subregion Gołdapski", Q[0], 5),
          _report(d, "owes-goldap_2021-04-01_2021-06-30.txt", "Informacja", Q[1], 8)]
    db = tmp_path / "v3.sqlite"
    con = sqlite3.connect(db)
    for stmt in [*_V1, *_V2]:
        con.execute(stmt)
    for p, org in zip(ps, ["OWES Subregion Gołdapski", "owes-goldap"], strict=True):
        rep = extract(p)
        rep.organisation, rep.org_key, rep.organisation_from = (org if "Subregion" in org else None), None, None
        rec = rep.model_dump_json(exclude={"text"})
        con.execute("INSERT INTO reports(sha256, path, name, organisation, org_key, kind, period_start, period_end, "
                    "record_version, record, record_sha256, imported_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '1.0', ?, 'x', '2024-01-01', '2024-01-01')",
                    (rep.source.sha256, str(p), p.name, org, org.lower().replace(" ", "-").replace("ł", "l"),
                     rep.kind, rep.period.start.isoformat() if rep.period else None,
                     rep.period.end.isoformat() if rep.period else None, rec))
        con.execute("INSERT INTO facts(report, id, type, section, value_num, start_char, end_char, text) "
                    "VALUES (?, 'f1', 'count', NULL, 5.0, 0, 1, 'x')", (rep.source.sha256,))
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    with Archive(db) as ar:
        assert ar.migrated == [4, 5, 6, 7, 8]
        assert {r.org_key for r in ar.reports()} == {"owes-goldap"}
        assert ar.aliases() == [("owes-subregion-goldapski", "owes-goldap", "owes-goldap", "file_name")]
        assert ar.organisations() == [("owes-goldap", "OWES Subregion Gołdapski", 2)]
        types = ar.conn.execute("SELECT DISTINCT typeof(value_num) FROM facts WHERE type = 'count'").fetchall()
        assert types == [("integer",)]                              # 5.0 is now the whole number 5
        assert ar.conn.execute("SELECT count(*) FROM values_long WHERE org_key = 'owes-goldap'").fetchone()[0] > 0


# --- batch folders --------------------------------------------------------------------------------

def test_batch_archive_folder_is_created_and_a_failed_start_leaves_nothing(reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "a.sqlite"
    _batch(reports, tmp_path / "out", db)
    assert db.exists()
    # commands that only read an archive still refuse a missing one
    r = runner.invoke(app, ["archive", "list", "--archive", str(tmp_path / "missing" / "a.sqlite")])
    assert r.exit_code == 2 and not (tmp_path / "missing").exists()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database " * 100)
    out = tmp_path / "never"
    r = runner.invoke(app, ["batch", str(reports), "-o", str(out), "--archive", str(junk), "--no-progress"])
    assert r.exit_code == 2 and "not a usable archive" in r.output
    assert not out.exists()                       # the folder it would have made is gone again
    (tmp_path / "kept").mkdir()
    r = runner.invoke(app, ["batch", str(reports), "-o", str(tmp_path / "kept"), "--archive", str(junk),
                            "--no-progress"])
    assert r.exit_code == 2 and list((tmp_path / "kept").iterdir()) == []     # no stray .lock
    assert not (tmp_path / "out" / ".lock").exists()                          # nor after a good batch


def test_a_batch_reads_back_only_the_outputs_whose_organisation_changes(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The end-of-run pass that gives each output its organisation's one key reads an output of
    this run only when the key or name it was written with is not the one wanted; an output of an
    earlier run (rewritten since, perhaps) is always read."""
    from extractor import orgs
    from extractor.batch import run_batch

    d, out = tmp_path / "in", tmp_path / "out"
    _report(d, "owes-goldap_2021-01-01_2021-03-31.txt", "OWES Subregion Gołdapski", Q[0], 5)
    _report(d, "raport-iii-kwartal.txt", "OWES Subregion Gołdapski", Q[2], 6)
    _report(d, "owes-braniewo_2021-01-01_2021-03-31.txt", "Informacja kwartalna", Q[0], 3)
    read: list[str] = []
    rewrite = orgs._rewrite
    monkeypatch.setattr(orgs, "_rewrite", lambda path, *a: read.append(path.name) or rewrite(path, *a))

    def key(name: str) -> str:
        return json.loads((out / name).read_text(encoding="utf-8"))["org_key"]

    run_batch([d], out, workers=1)
    assert "raport-iii-kwartal.json" in read and "owes-braniewo_2021-01-01_2021-03-31.json" not in read
    assert key("raport-iii-kwartal.json") == key("owes-goldap_2021-01-01_2021-03-31.json") == "owes-goldap"
    # without the report that joined the two keys, the old output goes back to its own key
    (d / "owes-goldap_2021-01-01_2021-03-31.txt").unlink()
    read.clear()
    run_batch([d], out, workers=1)
    assert "raport-iii-kwartal.json" in read and key("raport-iii-kwartal.json") == "owes-subregion-goldapski"
