"""The SQLite archive: idempotent upsert by content hash, migrations, list/show commands."""
from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract
from extractor.archive import (
    SCHEMA_VERSION,
    Archive,
    ArchiveError,
    migrate,
    org_key,
    organisation_from_name,
    organisation_of,
)
from extractor.batch import run_batch
from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
OLSZTYN = sorted(CORPUS.glob("owes-olsztyn_20*-*_*.txt"))
runner = CliRunner()

# The schema as version 1 of sprawozdania created it (frozen: never edit, it is history).
V1_SCHEMA = """
CREATE TABLE reports (
    sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, name TEXT NOT NULL, organisation TEXT, kind TEXT,
    period_start TEXT, period_end TEXT, record_version TEXT NOT NULL, record TEXT NOT NULL,
    record_sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE sections (
    report TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE, ord INTEGER NOT NULL,
    code TEXT NOT NULL, canonical TEXT, title TEXT NOT NULL, start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL, PRIMARY KEY (report, ord));
CREATE TABLE facts (
    report TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE, id TEXT NOT NULL, type TEXT NOT NULL,
    section TEXT, value_num REAL, value_text TEXT, subject TEXT, label TEXT, part_of TEXT,
    subset INTEGER NOT NULL DEFAULT 0, approximate INTEGER NOT NULL DEFAULT 0, planned INTEGER NOT NULL DEFAULT 0,
    start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (report, id));
CREATE TABLE findings (
    report TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE, ord INTEGER NOT NULL, code TEXT NOT NULL,
    severity TEXT NOT NULL, section TEXT, message TEXT NOT NULL, start_char INTEGER, end_char INTEGER, text TEXT,
    PRIMARY KEY (report, ord));
CREATE INDEX reports_org_period ON reports(organisation, period_start, period_end);
PRAGMA user_version = 1;
"""


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_upsert_is_idempotent_by_content_hash(tmp_path: Path) -> None:
    rep = extract(OLSZTYN[1])
    db = tmp_path / "a.sqlite"
    with Archive(db) as ar:
        assert ar.schema_version == SCHEMA_VERSION
        assert ar.upsert(rep, path=str(OLSZTYN[1])) == "added"
        counts = ar.counts()
        assert counts["reports"] == 1 and counts["facts"] == len(rep.facts)
        assert counts["indicator_values"] > 0
    before = _dump(db)
    with Archive(db) as ar:
        assert ar.upsert(extract(OLSZTYN[1]), path=str(OLSZTYN[1])) == "unchanged"
    assert _dump(db) == before
    # the same bytes under another name: one report, both paths remembered
    copy = tmp_path / "kopia.txt"
    shutil.copy(OLSZTYN[1], copy)
    with Archive(db) as ar:
        assert ar.upsert(extract(copy), path=str(copy)) == "unchanged"
        assert ar.counts()["reports"] == 1
        sha = rep.source.sha256
        assert sha is not None
        assert set(ar.paths(sha)) == {str(OLSZTYN[1]), str(copy)}
        # a changed extraction of the same content replaces the rows in one go
        rep2 = extract(OLSZTYN[1])
        rep2.findings = []
        assert ar.upsert(rep2, path=str(OLSZTYN[1])) == "updated"
        assert ar.counts()["findings"] == 0 and ar.counts()["reports"] == 1


def test_second_batch_run_changes_nothing_in_the_archive(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in OLSZTYN[1:4]:
        shutil.copy(p, src / p.name)
    db = tmp_path / "a.sqlite"
    first = run_batch([src], tmp_path / "out", archive=db, workers=2)
    assert [o.archive for o in first.converted] == ["added"] * 3
    before = _dump(db)
    second = run_batch([src], tmp_path / "out", archive=db, workers=2)
    assert len(second.skipped) == 3 and not second.converted
    assert _dump(db) == before
    forced = run_batch([src], tmp_path / "out", archive=db, workers=2, force=True)
    assert [o.archive for o in forced.converted] == ["unchanged"] * 3
    assert _dump(db) == before
    # an archive that lost a report gets it back without converting the rest again
    with Archive(db) as ar:
        victim = ar.reports()[0]
        assert ar.delete(victim.sha256)
    again = run_batch([src], tmp_path / "out", archive=db, workers=1)
    assert [Path(o.path).name for o in again.converted] == [victim.name] and len(again.skipped) == 2


def test_migration_from_schema_v1_keeps_reports_and_adds_indicators(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    con = sqlite3.connect(db)
    con.executescript(V1_SCHEMA)
    reps = [extract(p) for p in OLSZTYN[1:3]]
    for p, rep in zip(OLSZTYN[1:3], reps, strict=True):
        for f in rep.facts:                     # v1 knew nothing of indicators
            if hasattr(f, "indicator"):
                f.indicator = None
        rec = rep.model_dump_json(exclude={"text"})
        con.execute("INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (rep.source.sha256, str(p), p.name, "owes-olsztyn", rep.kind,
                     rep.period.start.isoformat() if rep.period else None,
                     rep.period.end.isoformat() if rep.period else None, rep.schema_version, rec, "x",
                     "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"))
        con.executemany("INSERT INTO facts(report, id, type, section, value_num, subject, start_char, end_char, text) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [(rep.source.sha256, f.id, f.type, f.section, getattr(f, "value", None)
                          if f.type in ("count", "hours") else None, getattr(f, "subject", None),
                          f.span.start, f.span.end, f.span.text) for f in rep.facts])
    con.commit()
    con.close()
    with Archive(db) as ar:
        assert ar.migrated == [2, 3, 4, 5, 6, 7, 8] and ar.schema_version == SCHEMA_VERSION == 8
        assert ar.counts()["reports"] == 2
        rows = ar.reports(org="OWES Olsztyn")                # found by key
        assert len(rows) == 2 and rows[0].org_key == "owes-olsztyn" and rows[0].taxonomy_version is not None
        assert ar.paths(rows[0].sha256) == [str(OLSZTYN[1])]
        values = {(r[1], r[3]): r[7] for r in ar.indicator_rows([rows[0].sha256])}
        assert values[("CPS", "ANIM_SPOTKANIA")] == 30
        assert values[("IPS", "UCZNIOWIE")] == 96
        indicators = ar.conn.execute("SELECT count(*) FROM facts WHERE indicator IS NOT NULL").fetchone()[0]
        assert indicators > 0
        assert ar.stale() == 0
    with Archive(db) as ar:                                   # nothing left to migrate
        assert ar.migrated == []


def test_archive_refuses_newer_schema_and_non_archives(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    con.close()
    with pytest.raises(ArchiveError, match="newer"):
        Archive(newer)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ArchiveError, match="not a usable archive"):
        Archive(junk)
    with pytest.raises(ArchiveError, match="no archive"):
        Archive(tmp_path / "missing.sqlite", create=False)


def test_failed_migration_leaves_the_archive_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import extractor.archive as archive_mod

    db = tmp_path / "old.sqlite"
    con = sqlite3.connect(db)
    con.executescript(V1_SCHEMA)
    con.close()
    before = _dump(db)

    def boom(conn: sqlite3.Connection) -> None:
        raise RuntimeError("interrupted mid-migration")

    broken = (archive_mod.MIGRATIONS[0], archive_mod.Migration(2, "broken", archive_mod.MIGRATIONS[1].statements,
                                                               boom))
    monkeypatch.setattr(archive_mod, "MIGRATIONS", broken)
    with pytest.raises(RuntimeError):
        Archive(db)
    assert _dump(db) == before


class _LateLock:
    """A connection on which another opener migrates the archive between the moment this
    one reads the schema version and the moment it takes the write lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.raced = False

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql == "BEGIN IMMEDIATE" and not self.raced:
            self.raced = True
            Archive(self.path).close()
        return self.conn.execute(sql, *args)


def test_migration_rechecks_the_version_under_the_write_lock(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    late = _LateLock(db)
    try:
        assert migrate(late) == []            # the other opener did every step; none is run twice
    finally:
        late.conn.close()
    with Archive(db) as ar:
        assert ar.schema_version == SCHEMA_VERSION and ar.migrated == []
    old = tmp_path / "old.sqlite"             # an old archive: the same when the other one upgrades it
    con = sqlite3.connect(old)
    con.executescript(V1_SCHEMA)
    con.close()
    late = _LateLock(old)
    try:
        assert migrate(late) == []
    finally:
        late.conn.close()


def test_archives_opened_at_the_same_time_are_migrated_once(tmp_path: Path) -> None:
    """Several processes (here threads, each with its own connection) opening one new archive
    at once: every one gets a usable archive, the schema is created once."""
    for attempt in range(8):
        db = tmp_path / f"new{attempt}.sqlite"
        start = threading.Barrier(4)
        failures: list[BaseException] = []

        def open_it(db: Path = db, start: threading.Barrier = start, failures: list[BaseException] = failures
                    ) -> None:
            start.wait()
            try:
                with Archive(db) as ar:
                    assert ar.schema_version == SCHEMA_VERSION
            except BaseException as e:  # noqa: BLE001 - collected and asserted on below
                failures.append(e)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == [], failures
        with Archive(db) as ar:
            assert ar.counts()["reports"] == 0
            assert [r[0] for r in ar.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "AND name = 'reports'")] == ["reports"]


def test_organisation_from_text_name_or_option() -> None:
    assert organisation_from_name("owes-olsztyn_2018-09-01_2018-11-30.txt") == "owes-olsztyn"
    assert organisation_from_name("raport.txt") is None
    assert org_key("OWES  Ełk") == org_key("owes-elk") == "owes-elk"
    rep = extract(OLSZTYN[1])
    rep.organisation = None  # a text that names no centre: the file name, then the option
    assert organisation_of(rep, "x/owes-olsztyn_2018-09-01_2018-11-30.txt") == "owes-olsztyn"
    assert organisation_of(rep, "raport.txt", "OWES Olsztyn") == "OWES Olsztyn"
    rep.organisation = "OWES Olsztyn (z tekstu)"
    assert organisation_of(rep, "owes-x_2018.txt", "inna") == "OWES Olsztyn (z tekstu)"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("arch")
    db = d / "a.sqlite"
    with Archive(db) as ar:
        for p in OLSZTYN[1:3]:
            ar.upsert(extract(p), path=str(p))
    return db


def test_archive_list_and_show_commands(archive: Path) -> None:
    r = runner.invoke(app, ["archive", "list", "--archive", str(archive), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [x["period"] for x in rows] == [["2018-09-01", "2018-11-30"], ["2018-12-01", "2019-02-28"]]
    assert {org_key(x["organisation"]) for x in rows} == {"owes-olsztyn"}
    r = runner.invoke(app, ["archive", "list", "--archive", str(archive)], env={"COLUMNS": "160"})
    assert r.exit_code == 0 and "owes-olsztyn" in r.output and "2018-12-01" in r.output
    r = runner.invoke(app, ["archive", "show", OLSZTYN[1].name, "--archive", str(archive)], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    assert "ANIM_SPOTKANIA" in r.output and "Spotkania animacyjne" in r.output
    sha = rows[0]["sha256"]
    r = runner.invoke(app, ["archive", "show", sha[:10], "--archive", str(archive), "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.output)["source"]["sha256"] == sha
    r = runner.invoke(app, ["archive", "show", "nie-ma-takiego.txt", "--archive", str(archive)])
    assert r.exit_code == 1
    r = runner.invoke(app, ["archive", "list", "--archive", str(archive.parent / "none.sqlite")])
    assert r.exit_code == 2


def test_reindex_after_taxonomy_change(archive: Path, tmp_path: Path) -> None:
    from extractor.indicators import load_taxonomy, parse_taxonomy

    db = tmp_path / "copy.sqlite"
    shutil.copy(archive, db)
    text = (ROOT / "extractor" / "data" / "indicators.toml").read_text(encoding="utf-8")
    v = load_taxonomy().version
    newer = parse_taxonomy(text.replace(f"version = {v}\n", f"version = {v + 1}\n", 1)
                           .replace('code = "UCZNIOWIE"', 'code = "UCZNIOWIE_SZKOL"'))
    with Archive(db, taxonomy=newer) as ar:
        assert ar.stale() == 2
        assert ar.reindex() == 2 and ar.stale() == 0
        codes = {r[0] for r in ar.conn.execute("SELECT DISTINCT indicator FROM indicator_values")}
        assert "UCZNIOWIE_SZKOL" in codes and "UCZNIOWIE" not in codes
        assert ar.reindex() == 0
