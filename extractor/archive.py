"""The archive: every converted report in one SQLite file, for listing and comparison.

    from extractor.archive import Archive
    with Archive("reports.sqlite") as ar:
        ar.upsert(report, path="corpus/owes-olsztyn_2018-09-01_2018-11-30.txt")
        ar.reports(org="owes-olsztyn")

Reports are keyed by the sha256 of the file's bytes: importing the same content again is a
no-op (nothing is written when the stored record is identical), a changed extraction of the
same content replaces that report's rows in one transaction.

The schema is versioned with `PRAGMA user_version` and an ordered list of migrations
(`MIGRATIONS`); opening an older archive migrates it, each step in its own transaction.
The library never prints.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SprawozdaniaError
from .organisation import Identity, apply_identity, org_key, organisation_from_name
from .orgs import Directory, Link, Seen

if TYPE_CHECKING:
    from models import Report

    from .indicators import Taxonomy


class ArchiveError(SprawozdaniaError):
    """The archive cannot be opened or used (not SQLite, newer schema, missing …)."""


# --- schema -------------------------------------------------------------------------------

_V1 = [
    """CREATE TABLE reports (
        sha256         TEXT PRIMARY KEY,          -- of the source file's bytes
        path           TEXT NOT NULL,             -- where it was first seen
        name           TEXT NOT NULL,             -- file name
        organisation   TEXT,
        kind           TEXT,                      -- partial | final | annual
        period_start   TEXT,                      -- ISO date
        period_end     TEXT,
        record_version TEXT NOT NULL,             -- models.SCHEMA_VERSION of `record`
        record         TEXT NOT NULL,             -- the full Report as JSON
        record_sha256  TEXT NOT NULL,             -- of `record`: unchanged re-imports write nothing
        imported_at    TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    )""",
    """CREATE TABLE sections (
        report     TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        ord        INTEGER NOT NULL,
        code       TEXT NOT NULL,
        canonical  TEXT,
        title      TEXT NOT NULL,
        start_char INTEGER NOT NULL,
        end_char   INTEGER NOT NULL,
        PRIMARY KEY (report, ord)
    )""",
    """CREATE TABLE facts (
        report      TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        id          TEXT NOT NULL,
        type        TEXT NOT NULL,                -- count | hours | date | date_range | location | amount
        section     TEXT,
        value_num   REAL,                         -- count, hours, amount
        value_text  TEXT,                         -- date, 'start/end' range, place name
        subject     TEXT,
        label       TEXT,
        part_of     TEXT,
        subset      INTEGER NOT NULL DEFAULT 0,
        approximate INTEGER NOT NULL DEFAULT 0,
        planned     INTEGER NOT NULL DEFAULT 0,
        start_char  INTEGER NOT NULL,
        end_char    INTEGER NOT NULL,
        text        TEXT NOT NULL,
        PRIMARY KEY (report, id)
    )""",
    """CREATE TABLE findings (
        report     TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        ord        INTEGER NOT NULL,
        code       TEXT NOT NULL,
        severity   TEXT NOT NULL,
        section    TEXT,
        message    TEXT NOT NULL,
        start_char INTEGER,
        end_char   INTEGER,
        text       TEXT,
        PRIMARY KEY (report, ord)
    )""",
    "CREATE INDEX reports_org_period ON reports(organisation, period_start, period_end)",
]

_V2 = [
    "ALTER TABLE reports ADD COLUMN org_key TEXT",
    "ALTER TABLE reports ADD COLUMN taxonomy_version INTEGER",
    "ALTER TABLE facts ADD COLUMN indicator TEXT",
    "ALTER TABLE facts ADD COLUMN indicator_rule TEXT",
    """CREATE TABLE indicator_values (
        report    TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        section   TEXT NOT NULL,                  -- canonical section, else its code ('' = none)
        key       TEXT NOT NULL,                  -- indicator code, or '?unit:lemma' when unknown
        indicator TEXT,                           -- taxonomy code (NULL for an unknown subject)
        subject   TEXT,                           -- lemma of the first fact
        unit      TEXT NOT NULL,                  -- count | hours
        measure   TEXT NOT NULL,                  -- flow | stock
        value     REAL NOT NULL,
        approximate INTEGER NOT NULL DEFAULT 0,
        fact_ids  TEXT NOT NULL,                  -- JSON list of the facts summed or taken
        PRIMARY KEY (report, section, key)
    )""",
    """CREATE TABLE report_paths (
        report     TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        path       TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (report, path)
    )""",
    "CREATE INDEX reports_org_key ON reports(org_key, period_start, period_end)",
    "CREATE INDEX facts_indicator ON facts(indicator)",
]


def _backfill_v2(conn: sqlite3.Connection) -> None:
    """Fill what v2 added for reports archived by v1: org key, paths and indicator values."""
    rows = conn.execute("SELECT sha256, path, organisation, imported_at FROM reports").fetchall()
    for sha, path, org, imported in rows:
        conn.execute("UPDATE reports SET org_key = ? WHERE sha256 = ?", (org_key(org), sha))
        conn.execute("INSERT OR IGNORE INTO report_paths(report, path, first_seen) VALUES (?, ?, ?)",
                     (sha, path, imported))
    _reindex(conn, only_stale=False)


_FACTS_COLS = ("report, id, type, section, value_num, value_text, subject, label, part_of, subset, approximate, "
               "planned, start_char, end_char, text, indicator, indicator_rule, page, confidence")
_VALUES_COLS = "report, section, key, indicator, subject, unit, measure, value, approximate, fact_ids"

# the organisation as the report gives it, before aliases (reports.org_key is after them)
_V5_REPORT_COLUMNS = (
    ("found_key", "TEXT"),      # --org, else the header's, else the file name's key
    ("org_origin", "TEXT"),     # header | option | file_name: where found_key comes from
    ("name_origin", "TEXT"),    # option | header | key: where `organisation` (this report's name) comes from
    ("header_key", "TEXT"),     # the key of the centre the header names
    ("file_key", "TEXT"),       # the key the file name gives
)
_V5 = [
    "CREATE INDEX IF NOT EXISTS reports_identity ON reports(found_key, org_origin, name_origin, header_key, file_key, "
    "organisation, period_start)",
    """CREATE TABLE IF NOT EXISTS org_aliases (
        alias      TEXT PRIMARY KEY,              -- a key ...
        target     TEXT NOT NULL,                 -- ... that is another key of this one (itself: kept apart)
        org_key    TEXT NOT NULL,                 -- the organisation's key alias resolves to
        origin     TEXT NOT NULL,                 -- user | option | file_name (see extractor.orgs)
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS organisations (
        org_key      TEXT PRIMARY KEY,
        organisation TEXT,                        -- the one display name
        reports      INTEGER NOT NULL,
        keys         TEXT NOT NULL                -- org_key and every key joined to it, space-separated
    )""",
    """CREATE TABLE IF NOT EXISTS indicators (
        code             TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        unit             TEXT NOT NULL,           -- count | hours
        measure          TEXT NOT NULL,           -- flow | stock
        taxonomy_version INTEGER NOT NULL
    )""",
    "DROP VIEW IF EXISTS values_long",
    "DROP VIEW IF EXISTS facts_long",
    "DROP VIEW IF EXISTS findings_long",
]
# whole numbers stored as integers (NUMERIC affinity: 30.0 is kept as 30, 2.5 as 2.5); planned values
_V5_FACTS = [
    """CREATE TABLE facts_v5 (
        report      TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        id          TEXT NOT NULL,
        type        TEXT NOT NULL,
        section     TEXT,
        value_num   NUMERIC,
        value_text  TEXT,
        subject     TEXT,
        label       TEXT,
        part_of     TEXT,
        subset      INTEGER NOT NULL DEFAULT 0,
        approximate INTEGER NOT NULL DEFAULT 0,
        planned     INTEGER NOT NULL DEFAULT 0,
        start_char  INTEGER NOT NULL,
        end_char    INTEGER NOT NULL,
        text        TEXT NOT NULL,
        indicator   TEXT,
        indicator_rule TEXT,
        page        INTEGER,
        confidence  REAL,
        PRIMARY KEY (report, id)
    )""",
    f"INSERT INTO facts_v5({_FACTS_COLS}) SELECT {_FACTS_COLS} FROM facts",
    "DROP TABLE facts",
    "ALTER TABLE facts_v5 RENAME TO facts",
    "CREATE INDEX facts_indicator ON facts(indicator)",
]
_V5_VALUES = [
    """CREATE TABLE indicator_values_v5 (
        report    TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        section   TEXT NOT NULL,
        key       TEXT NOT NULL,
        indicator TEXT,
        subject   TEXT,
        unit      TEXT NOT NULL,
        measure   TEXT NOT NULL,
        value     NUMERIC NOT NULL,
        approximate INTEGER NOT NULL DEFAULT 0,
        planned   INTEGER NOT NULL DEFAULT 0,     -- a target ("zakładaliśmy 70"), beside the achieved value
        fact_ids  TEXT NOT NULL,
        PRIMARY KEY (report, section, key, planned)
    )""",
    f"INSERT INTO indicator_values_v5({_VALUES_COLS}) SELECT {_VALUES_COLS} FROM indicator_values",
    "DROP TABLE indicator_values",
    "ALTER TABLE indicator_values_v5 RENAME TO indicator_values",
]
# the long tables, for the sqlite3 shell, DuckDB, pandas and spreadsheets
_V5_VIEWS = [
    """CREATE VIEW values_long AS
    SELECT r.org_key, o.organisation, r.kind, r.period_start, r.period_end, v.section, v.indicator,
           i.name AS indicator_name, v.subject, v.unit, v.measure, v.value, v.approximate, v.planned,
           r.name AS report, r.sha256
    FROM indicator_values v JOIN reports r ON r.sha256 = v.report
    LEFT JOIN organisations o ON o.org_key = r.org_key
    LEFT JOIN indicators i ON i.code = v.indicator
    ORDER BY r.org_key IS NULL, r.org_key, r.period_start IS NULL, r.period_start, r.period_end, r.name,
             v.section, v.indicator IS NULL, v.indicator, v.subject, v.unit, v.planned""",
    """CREATE VIEW facts_long AS
    SELECT r.org_key, o.organisation, r.kind, r.period_start, r.period_end, f.section, f.id AS fact, f.type,
           f.value_num, f.value_text, f.subject, f.indicator, i.name AS indicator_name, f.label, f.part_of,
           f.subset, f.approximate, f.planned, f.start_char, f.end_char, f.text, f.page, f.confidence,
           r.name AS report, r.sha256
    FROM facts f JOIN reports r ON r.sha256 = f.report
    LEFT JOIN organisations o ON o.org_key = r.org_key
    LEFT JOIN indicators i ON i.code = f.indicator
    ORDER BY r.org_key IS NULL, r.org_key, r.period_start IS NULL, r.period_start, r.period_end, r.name,
             f.start_char, f.id""",
    """CREATE VIEW findings_long AS
    SELECT r.org_key, o.organisation, r.kind, r.period_start, r.period_end, x.section, x.severity, x.code,
           x.message, x.start_char, x.end_char, x.text AS evidence, r.name AS report, r.sha256
    FROM findings x JOIN reports r ON r.sha256 = x.report
    LEFT JOIN organisations o ON o.org_key = r.org_key
    ORDER BY r.org_key IS NULL, r.org_key, r.period_start IS NULL, r.period_start, r.period_end, r.name,
             CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, x.start_char, x.ord""",
]


def _column_type(conn: sqlite3.Connection, table: str, column: str) -> str | None:
    return next((r[2] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] == column), None)


def _migrate_v5(conn: sqlite3.Connection) -> None:
    """Schema v5, each step only when the archive lacks it; then `_backfill_v5`."""
    for col, decl in _V5_REPORT_COLUMNS:
        if _column_type(conn, "reports", col) is None:
            conn.execute(f"ALTER TABLE reports ADD COLUMN {col} {decl}")
    for stmt in _V5:
        conn.execute(stmt)
    if (_column_type(conn, "facts", "value_num") or "").upper() != "NUMERIC":
        for stmt in _V5_FACTS:
            conn.execute(stmt)
    if _column_type(conn, "indicator_values", "planned") is None:
        for stmt in _V5_VALUES:
            conn.execute(stmt)
    for stmt in _V5_VIEWS:
        conn.execute(stmt)
    _backfill_v5(conn)


def _backfill_v5(conn: sqlite3.Connection) -> None:
    """What v5 added for reports archived before: each report's identity (the header's centre
    from its record, the file name's key, an organisation given with --org when neither gave
    one), the alias store with the links compare made on the fly, display names, the indicators."""
    from .organisation import identify

    rows = conn.execute("SELECT sha256, name, organisation, record FROM reports").fetchall()
    for sha, name, stored, rec in rows:
        try:
            data = json.loads(rec)
            header = data.get("organisation") if data.get("organisation_from") in (None, "header") else None
        except (ValueError, AttributeError):
            header = None
        explicit = stored if stored and not header and not organisation_from_name(name) else None
        ident = identify(header, name, explicit)
        conn.execute("UPDATE reports SET organisation = ?, found_key = ?, org_origin = ?, name_origin = ?, "
                     "header_key = ?, file_key = ?, org_key = ? WHERE sha256 = ?",
                     (ident.name, ident.key, ident.origin, ident.name_origin, ident.header_key, ident.file_key,
                      ident.key, sha))
    _refresh_organisations(conn)
    _reindex(conn, only_stale=False)            # planned values, whole numbers as integers
    _sync_indicators(conn, None)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]
    after: Callable[[sqlite3.Connection], None] | None = None


def _rekey_v3(conn: sqlite3.Connection) -> None:
    """Organisation keys as extractor.organisation reads names: one key however a centre's name
    is written ("OWES w Olsztynie", "Ośrodek Wsparcia Ekonomii Społecznej w Olsztynie")."""
    for sha, org in conn.execute("SELECT sha256, organisation FROM reports").fetchall():
        conn.execute("UPDATE reports SET org_key = ? WHERE sha256 = ?", (org_key(org), sha))


_V4 = {"page": "INTEGER",       # PDF or scan page the fact was read on (1-based)
       "confidence": "REAL"}    # scan: lowest OCR confidence of its words (0..1)


def _backfill_v4(conn: sqlite3.Connection) -> None:
    """facts.page and facts.confidence (unless a file labelled older already has them), filled
    from the stored records (provenance)."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(facts)")}
    for col, kind in _V4.items():
        if col not in have:
            conn.execute(f"ALTER TABLE facts ADD COLUMN {col} {kind}")
    for sha, record in conn.execute("SELECT sha256, record FROM reports").fetchall():
        try:
            facts = json.loads(record).get("facts") or []
        except (ValueError, AttributeError):
            continue
        rows = [((f.get("provenance") or {}).get("page"), (f.get("provenance") or {}).get("confidence"), sha, f["id"])
                for f in facts if isinstance(f, dict) and "id" in f and f.get("provenance")]
        conn.executemany("UPDATE facts SET page = ?, confidence = ? WHERE report = ? AND id = ?",
                         [r for r in rows if r[0] is not None or r[1] is not None])


# findings across reports (`sprawozdania audit --archive`): each with every span of its evidence
_V6 = [
    """CREATE TABLE IF NOT EXISTS cross_findings (
        id         INTEGER PRIMARY KEY,
        org_key    TEXT NOT NULL,                 -- the organisation whose reports were checked
        ord        INTEGER NOT NULL,
        code       TEXT NOT NULL,                 -- cross_report_mismatch | coverage_gap | period_gap …
        severity   TEXT NOT NULL,
        section    TEXT,
        indicator  TEXT,                          -- taxonomy code, or '?unit:lemma'
        message    TEXT NOT NULL,                 -- Polish, with the arithmetic
        periods    TEXT NOT NULL,                 -- JSON list of 'start/end' of the periods involved
        checked_at TEXT NOT NULL,
        UNIQUE (org_key, ord)
    )""",
    """CREATE TABLE IF NOT EXISTS cross_evidence (
        finding    INTEGER NOT NULL REFERENCES cross_findings(id) ON DELETE CASCADE,
        ord        INTEGER NOT NULL,
        report     TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char   INTEGER NOT NULL,
        text       TEXT NOT NULL,
        line       INTEGER,                       -- 1-based, when the file was at hand at the check
        col        INTEGER,
        PRIMARY KEY (finding, ord)
    )""",
    "CREATE INDEX IF NOT EXISTS cross_evidence_report ON cross_evidence(report)",
    "DROP VIEW IF EXISTS cross_findings_long",
    """CREATE VIEW cross_findings_long AS
    SELECT f.org_key, o.organisation, f.severity, f.code, f.section, f.indicator, f.message, f.periods,
           e.ord AS evidence_ord, r.name AS report, r.kind, r.period_start, r.period_end, e.start_char,
           e.end_char, e.line, e.col AS "column", e.text AS evidence, e.report AS sha256, f.checked_at
    FROM cross_findings f LEFT JOIN cross_evidence e ON e.finding = f.id
    LEFT JOIN reports r ON r.sha256 = e.report
    LEFT JOIN organisations o ON o.org_key = f.org_key
    ORDER BY f.org_key, CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.ord, e.ord""",
]
_V7 = [
    """CREATE TABLE IF NOT EXISTS corrections (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        report     TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
        action     TEXT NOT NULL,                 -- edit | delete | add | verify | unverify (| undo, v8)
        fact_type  TEXT,                          -- the fact corrected: its type, span and value as
        start_char INTEGER,                       -- extracted (the anchor; never its id, which changes
        end_char   INTEGER,                       -- when rules change)
        text       TEXT,                          -- the words of the span when it was made
        extracted  TEXT,                          -- JSON: the value as extracted
        old        TEXT,                          -- JSON object: the fields before
        new        TEXT,                          -- JSON object: the fields after (add: the new fact's)
        who        TEXT NOT NULL,
        at         TEXT NOT NULL,                 -- ISO 8601 UTC
        reason     TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS corrections_report ON corrections(report, id)",
]

def _add_undoes_v8(conn: sqlite3.Connection) -> None:
    """corrections.undoes: an undo takes back one earlier correction (edit, delete, add), which
    stays in the history (unless a file labelled older already has the column)."""
    if "undoes" not in {r[1] for r in conn.execute("PRAGMA table_info(corrections)")}:
        conn.execute("ALTER TABLE corrections ADD COLUMN undoes INTEGER REFERENCES corrections(id)")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "reports, sections, facts, findings", tuple(_V1)),
    Migration(2, "indicators: facts.indicator, indicator_values; organisation key; report paths",
              tuple(_V2), _backfill_v2),
    Migration(3, "organisation keys: one per centre however its name is written", (), _rekey_v3),
    Migration(4, "facts.page and facts.confidence: where a fact of a PDF or a scan was read, how surely",
              (), _backfill_v4),
    Migration(5, "organisations: alias store, one display name, each report's identity; indicators table; "
                 "whole numbers as integers; planned values; long views", (), _migrate_v5),
    Migration(6, "findings across reports (reconciliation of final and annual reports with the periodic ones) "
                 "with every span of their evidence", tuple(_V6)),
    Migration(7, "corrections: people's corrections and verification, beside the extracted records",
              tuple(_V7)),
    Migration(8, "corrections.undoes: a correction taken back by a later one (undo), kept in the history",
              (), _add_undoes_v8),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def _user_version(conn: sqlite3.Connection) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise ArchiveError(f"archive schema version {version} is newer than this program's "
                           f"({SCHEMA_VERSION}); upgrade sprawozdania")
    return version


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply the migrations above the archive's user_version up to `target`, each atomically.
    Returns the versions applied (by this connection: another one opening the same archive
    at the same time may have applied some of them)."""
    current = _user_version(conn)
    done = []
    for m in MIGRATIONS:
        if m.version <= current or m.version > target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # under the write lock: another connection may have migrated since the last read
            current = _user_version(conn)
            if m.version <= current:
                conn.execute("COMMIT")
                continue
            for stmt in m.statements:
                conn.execute(stmt)
            if m.after is not None:
                m.after(conn)
            conn.execute(f"PRAGMA user_version = {int(m.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:       # SQLite ends it itself on some errors (a full disk)
                conn.execute("ROLLBACK")
            raise
        current = m.version
        done.append(m.version)
    return done


# --- helpers ------------------------------------------------------------------------------

def organisation_of(report: Report, path: str | Path | None = None, fallback: str | None = None) -> str | None:
    """The report's organisation: from its text, else from the file name, else `fallback`."""
    if report.organisation:
        return report.organisation
    name = Path(path).name if path is not None else report.source.name
    return organisation_from_name(name) or fallback


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


_IDENTITY_FIELDS = ("organisation", "org_key", "organisation_from")


def _record(report: Report) -> tuple[str, str]:
    """The stored JSON record (without the text) and its hash (independent of the file name and
    of the organisation, which the archive keeps in columns of its own and resolves)."""
    rec = report.model_dump_json(exclude={"text", "review"})
    data = json.loads(rec)
    data["source"]["name"] = ""
    for k in _IDENTITY_FIELDS:
        data.pop(k, None)
    h = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return rec, h


@dataclass(frozen=True)
class ReportRow:
    sha256: str
    path: str
    name: str
    organisation: str | None
    org_key: str | None
    kind: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    imported_at: str
    updated_at: str
    taxonomy_version: int | None


_REPORT_COLS = ("r.sha256, r.path, r.name, coalesce(o.organisation, r.organisation), r.org_key, r.kind, "
                "r.period_start, r.period_end, r.imported_at, r.updated_at, r.taxonomy_version")
_REPORTS = "reports r LEFT JOIN organisations o ON o.org_key = r.org_key"


def _identity_row(i: Identity) -> tuple[Any, ...]:
    """reports columns organisation, found_key, org_origin, name_origin, header_key, file_key."""
    return (i.name, i.key, i.origin, i.name_origin, i.header_key, i.file_key)


def _row(r: tuple[Any, ...]) -> ReportRow:
    def d(x: str | None) -> dt.date | None:
        return dt.date.fromisoformat(x) if x else None

    return ReportRow(r[0], r[1], r[2], r[3], r[4], r[5], d(r[6]), d(r[7]), r[8], r[9], r[10])


def _fact_row(sha: str, f: Any, rule: str | None) -> tuple[Any, ...]:
    from models import Amount, DateFact, DateRange, Location, Quantity

    num: float | None = None
    txt: str | None = None
    subject = label = part_of = indicator = None
    subset = approx = planned = False
    if isinstance(f, Quantity):
        num = f.value
        subject, label, part_of, indicator = f.subject, f.label, f.part_of, f.indicator
        subset, approx, planned = f.subset, f.approximate, f.planned
    elif isinstance(f, Amount):
        num = f.value
        label = f.currency
    elif isinstance(f, DateFact | DateRange):
        txt = f.flat_value
    elif isinstance(f, Location):
        txt = f.flat_value
        label = f.kind
    prov = f.provenance
    return (sha, f.id, f.type, f.section, num, txt, subject, label, part_of, int(subset), int(approx),
            int(planned), f.span.start, f.span.end, f.span.text, indicator, rule if indicator else None,
            prov.page if prov else None, prov.confidence if prov else None)


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))


def _write_children(conn: sqlite3.Connection, sha: str, report: Report, taxonomy: Taxonomy) -> None:
    from .indicators import assign_indicators, indicator_values

    matches = assign_indicators(report, taxonomy)
    planned = _has_column(conn, "indicator_values", "planned")     # from schema v5 on
    conn.executemany(
        "INSERT INTO sections(report, ord, code, canonical, title, start_char, end_char) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(sha, i, s.code, s.canonical, s.title, s.start, s.end) for i, s in enumerate(report.sections)])
    rows = [_fact_row(sha, f, matches[f.id].describe if f.id in matches else None) for f in report.facts]
    # an earlier migration's back-fill writes facts before step 4 has added page and confidence
    provenance = any(r[1] == "page" for r in conn.execute("PRAGMA table_info(facts)"))
    conn.executemany(
        "INSERT INTO facts(report, id, type, section, value_num, value_text, subject, label, part_of, "
        "subset, approximate, planned, start_char, end_char, text, indicator, indicator_rule"
        + (", page, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" if provenance else
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        rows if provenance else [r[:-2] for r in rows])
    conn.executemany(
        "INSERT INTO findings(report, ord, code, severity, section, message, start_char, end_char, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sha, i, x.code, x.severity, x.section, x.message,
          x.evidence[0].start if x.evidence else None, x.evidence[0].end if x.evidence else None,
          x.evidence[0].text if x.evidence else None) for i, x in enumerate(report.findings)])
    values = indicator_values(report, taxonomy, planned=planned)
    if planned:
        conn.executemany(
            "INSERT INTO indicator_values(report, section, key, indicator, subject, unit, measure, value, "
            "approximate, planned, fact_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(sha, v.section, v.key, v.indicator, v.subject, v.unit, v.measure, v.value, int(v.approximate),
              int(v.planned), json.dumps(v.fact_ids)) for v in values])
    else:
        conn.executemany(
            "INSERT INTO indicator_values(report, section, key, indicator, subject, unit, measure, value, "
            "approximate, fact_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(sha, v.section, v.key, v.indicator, v.subject, v.unit, v.measure, v.value, int(v.approximate),
              json.dumps(v.fact_ids)) for v in values])


def _delete_children(conn: sqlite3.Connection, sha: str) -> None:
    for table in ("sections", "facts", "findings", "indicator_values"):
        conn.execute(f"DELETE FROM {table} WHERE report = ?", (sha,))


def _reindex(conn: sqlite3.Connection, only_stale: bool = True, taxonomy: Taxonomy | None = None) -> int:
    """Re-assign indicators of stored reports from their records (no re-extraction); the tables
    hold the corrected records."""
    from .indicators import assign_indicators, load_taxonomy

    tax = taxonomy or load_taxonomy()
    sql = "SELECT sha256 FROM reports"
    args: tuple[Any, ...] = ()
    if only_stale:
        sql += " WHERE taxonomy_version IS NULL OR taxonomy_version != ?"
        args = (tax.version,)
    n = 0
    for (sha,) in conn.execute(sql, args).fetchall():
        try:
            report = _stored_report(conn, sha)
        except ValueError:      # a record the current models cannot read: keep its rows as they are
            continue
        _delete_children(conn, sha)
        _write_children(conn, sha, _corrected(conn, sha, report.model_copy(deep=True)), tax)
        assign_indicators(report, tax)
        new_rec, new_hash = _record(report)
        conn.execute("UPDATE reports SET record = ?, record_sha256 = ?, taxonomy_version = ? WHERE sha256 = ?",
                     (new_rec, new_hash, tax.version, sha))
        n += 1
    if n and _has_table(conn, "indicators"):
        _sync_indicators(conn, tax)
    return n


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() \
        is not None


def _stored_report(conn: sqlite3.Connection, sha: str) -> Report:
    """The record archived for `sha` as a Report, exactly as extracted (KeyError: no such report;
    ValueError: a record the models cannot read). Read only through here (see Archive.record)."""
    from models import Report

    row = conn.execute("SELECT record FROM reports WHERE sha256 = ?", (sha,)).fetchone()
    if row is None:
        raise KeyError(sha)
    return Report.model_validate_json(row[0])


_CORRECTION_COLS = "id, action, fact_type, start_char, end_char, text, extracted, old, new, who, at, reason, undoes"


def _corrections(conn: sqlite3.Connection, sha: str) -> list[Any]:
    """The corrections of one report, in the order they were made (none before schema v7)."""
    from models import Correction

    if not _has_table(conn, "corrections"):
        return []

    def js(x: str | None) -> Any:
        return json.loads(x) if x is not None else None

    return [Correction(id=r[0], action=r[1], fact_type=r[2], start=r[3], end=r[4], text=r[5], extracted=js(r[6]),
                       old=js(r[7]), new=js(r[8]), who=r[9], at=r[10], reason=r[11], undoes=r[12])
            for r in conn.execute(f"SELECT {_CORRECTION_COLS} FROM corrections WHERE report = ? ORDER BY id", (sha,))]


def _corrected(conn: sqlite3.Connection, sha: str, report: Report) -> Report:
    """The record with its corrections applied (extractor.corrections); as it is when it has none."""
    rows = _corrections(conn, sha)
    if not rows:
        return report
    from .corrections import apply_corrections

    return apply_corrections(report, rows)


def _undoable(current: Report, cid: int | None) -> None:
    """Refuses (CorrectionError) an undo of `cid` unless it is an edit, delete or add of this
    record not undone yet, and no later correction in force needs the fact it added."""
    from .corrections import CorrectionError

    review = current.review
    target = next((c for c in review.corrections if c.id == cid), None) if review and cid is not None else None
    if target is None:
        raise CorrectionError(f"undo: no correction {cid!r} of this report")
    if not target.of_a_fact:
        raise CorrectionError(f"undo: correction {cid} is a {target.action}, not an edit, delete or add")
    if target.undone_by is not None:
        raise CorrectionError(f"undo: correction {cid} was undone already (by {target.undone_by})")
    assert review is not None
    needs = [c.id for c in review.in_force if c.id > target.id and target.action == "add" and c.fact == target.fact
             and c.fact is not None]
    if needs:
        raise CorrectionError(f"undo: correction {needs[0]} changes the fact {cid} added — undo it first")


def _span(start: int, end: int, text: str) -> Any:
    from models import Span

    return Span(start=start, end=end, text=text)


def _sync_indicators(conn: sqlite3.Connection, taxonomy: Taxonomy | None) -> None:
    """The `indicators` table as the taxonomy has it (codes, names, units, measures)."""
    from .indicators import load_taxonomy

    tax = taxonomy or load_taxonomy()
    have = {r[0]: r[1:] for r in conn.execute("SELECT code, name, unit, measure, taxonomy_version FROM indicators")}
    want = {c: (i.name, i.unit, i.measure, tax.version) for c, i in tax.indicators.items()}
    if have == want:
        return
    conn.execute("DELETE FROM indicators")
    conn.executemany("INSERT INTO indicators(code, name, unit, measure, taxonomy_version) VALUES (?, ?, ?, ?, ?)",
                     [(c, *v) for c, v in want.items()])


def _seen(conn: sqlite3.Connection) -> list[Seen]:
    return [Seen(key, origin, name, name_origin, hkey, fkey, start) for key, origin, name_origin, hkey, fkey, name, start
            in conn.execute("SELECT found_key, org_origin, name_origin, header_key, file_key, organisation, "
                            "period_start FROM reports WHERE found_key IS NOT NULL")]


def _directory(conn: sqlite3.Connection) -> Directory:
    users = [Link(a, t, "user") for a, t in conn.execute("SELECT alias, target FROM org_aliases WHERE origin = 'user'")]
    return Directory.build(_seen(conn), users)


def _refresh_organisations(conn: sqlite3.Connection) -> bool:
    """Resolve every report's organisation through the alias store (the user's links and those
    the reports give, see extractor.orgs) and store the result: org_aliases, reports.org_key,
    organisations. Writes only what changed; returns whether anything did."""
    d = _directory(conn)
    changed = False
    have = {r[0]: r[1:] for r in conn.execute("SELECT alias, target, org_key, origin FROM org_aliases")}
    want = {a: (lk.target, d.resolve(a), lk.origin) for a, lk in d.links.items()}
    now = _now()
    for alias in have.keys() - want.keys():
        conn.execute("DELETE FROM org_aliases WHERE alias = ?", (alias,))
        changed = True
    for alias, row in want.items():
        if have.get(alias) != row:
            conn.execute("INSERT INTO org_aliases(alias, target, org_key, origin, created_at) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT(alias) DO UPDATE SET target = excluded.target, org_key = excluded.org_key, "
                         "origin = excluded.origin", (alias, *row, now))
            changed = True
    for found, current in conn.execute("SELECT DISTINCT found_key, org_key FROM reports").fetchall():
        new = d.resolve(found) if found is not None else None
        if new != current:
            conn.execute("UPDATE reports SET org_key = ? WHERE found_key IS ? AND org_key IS ?", (new, found, current))
            changed = True
    have_orgs: dict[str, tuple[Any, ...]] = {
        r[0]: r[1:] for r in conn.execute("SELECT org_key, organisation, reports, keys FROM organisations")}
    want_orgs: dict[str, tuple[Any, ...]] = {org: (d.names.get(org), n, " ".join(d.members(org))) for org, n in d.counts.items()}
    for org in have_orgs.keys() - want_orgs.keys():
        conn.execute("DELETE FROM organisations WHERE org_key = ?", (org,))
        changed = True
    for org, row in want_orgs.items():
        if have_orgs.get(org) != row:
            conn.execute("INSERT INTO organisations(org_key, organisation, reports, keys) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT(org_key) DO UPDATE SET organisation = excluded.organisation, "
                         "reports = excluded.reports, keys = excluded.keys", (org, *row))
            changed = True
    return changed


# --- the archive --------------------------------------------------------------------------

class Archive:
    """One SQLite file. Use as a context manager; one writer at a time (SQLite locks)."""

    def __init__(self, path: str | Path, *, create: bool = True, taxonomy: Taxonomy | None = None) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise ArchiveError(f"no archive at {self.path}")
        if self.path.exists() and self.path.is_dir():
            raise ArchiveError(f"{self.path} is a directory, not an archive file")
        if create and not self.path.exists():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)     # as `-o` does
            except OSError as e:
                raise ArchiveError(f"{self.path}: cannot create its folder ({e.strerror or e})") from None
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
        except sqlite3.Error as e:
            raise ArchiveError(f"{self.path}: cannot open ({e})") from None
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.migrated = migrate(self.conn)
        except sqlite3.DatabaseError as e:
            self.conn.close()
            if getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                raise ArchiveError(f"cannot write archive {self.path}: no space left on device ({e})") from None
            raise ArchiveError(f"{self.path}: not a usable archive ({e})") from None
        except BaseException:
            self.conn.close()
            raise
        self._taxonomy = taxonomy

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            from .indicators import load_taxonomy

            self._taxonomy = load_taxonomy()
        return self._taxonomy

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _tx(self) -> _Tx:
        return _Tx(self.conn)

    # -- writing --

    def upsert(self, report: Report, path: str | Path | None = None, organisation: str | None = None,
               refresh: bool = True) -> str:
        """Store a report under its content hash: 'added', 'updated' or 'unchanged'.

        `organisation` (as `--org`) wins over the centre the header names and the file name's;
        a key either of them gives is joined to it (see extractor.orgs). `refresh=False` leaves
        resolving the organisations to `refresh_organisations()` (a batch calls it once at the end).
        """
        sha = report.source.sha256
        if not sha:
            raise ArchiveError(f"{report.source.name}: report has no content hash (source.sha256)")
        src = str(path) if path is not None else report.source.name
        from .indicators import assign_indicators

        assign_indicators(report, self.taxonomy)
        explicit = organisation or (report.org_key if report.organisation_from == "option" else None)
        ident = apply_identity(report, Path(src).name, explicit)
        rec, rec_hash = _record(report)
        now = _now()
        with self._tx() as c:
            old = c.execute("SELECT record_sha256, taxonomy_version, organisation, found_key, org_origin, name_origin, "
                            "header_key, file_key FROM reports WHERE sha256 = ?", (sha,)).fetchone()
            found = _identity_row(ident)
            if ident.key is None and old is not None:
                found = tuple(old[2:])   # the same content under a name that says nothing keeps its organisation
            if old is not None:
                c.execute("INSERT OR IGNORE INTO report_paths(report, path, first_seen) VALUES (?, ?, ?)",
                          (sha, src, now))
            if old is not None and old[0] == rec_hash and old[1] == self.taxonomy.version and tuple(old[2:]) == found:
                return "unchanged"
            p = report.period
            values = (report.kind, p.start.isoformat() if p else None, p.end.isoformat() if p else None,
                      report.schema_version, rec, rec_hash, now, self.taxonomy.version, *found, found[1])
            cols = ("kind, period_start, period_end, record_version, record, record_sha256, updated_at, "
                    "taxonomy_version, organisation, found_key, org_origin, name_origin, header_key, file_key, org_key")
            if old is None:
                c.execute(f"INSERT INTO reports(sha256, path, name, imported_at, {cols}) "
                          f"VALUES ({', '.join('?' * (4 + len(values)))})", (sha, src, Path(src).name, now, *values))
                c.execute("INSERT INTO report_paths(report, path, first_seen) VALUES (?, ?, ?)", (sha, src, now))
                status = "added"
            else:
                sets = ", ".join(f"{col.strip()} = ?" for col in cols.split(","))
                c.execute(f"UPDATE reports SET {sets} WHERE sha256 = ?", (*values, sha))
                _delete_children(c, sha)
                status = "updated"
            _write_children(c, sha, _corrected(c, sha, report.model_copy(deep=True)), self.taxonomy)
            _sync_indicators(c, self.taxonomy)
            if refresh:
                _refresh_organisations(c)
            else:   # resolved now through the links stored; the links this report gives come with the refresh
                c.execute("UPDATE reports SET org_key = coalesce((SELECT org_key FROM org_aliases WHERE alias = ?), ?) "
                          "WHERE sha256 = ?", (found[1], found[1], sha))
        return status

    def refresh_organisations(self) -> bool:
        """Resolve the organisations again (see `upsert(refresh=False)`); True when anything changed."""
        with self._tx() as c:
            return _refresh_organisations(c)

    def reindex(self, force: bool = False) -> int:
        """Re-assign indicators of reports indexed with another taxonomy version (all with
        `force`). Returns how many reports were re-indexed."""
        with self._tx() as c:
            return _reindex(c, only_stale=not force, taxonomy=self.taxonomy)

    def delete(self, sha256: str) -> bool:
        with self._tx() as c:
            gone = c.execute("DELETE FROM reports WHERE sha256 = ?", (sha256,)).rowcount > 0
            if gone:
                _refresh_organisations(c)
            return gone

    # -- reading --

    def has(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM reports WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def known_hashes(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT sha256 FROM reports")}

    def stale(self) -> int:
        """Reports indexed with another taxonomy version than the current one."""
        return int(self.conn.execute(
            "SELECT count(*) FROM reports WHERE taxonomy_version IS NULL OR taxonomy_version != ?",
            (self.taxonomy.version,)).fetchone()[0])

    def reports(self, org: str | None = None, kind: str | None = None) -> list[ReportRow]:
        """Reports (of one organisation: a key, an alias or a name), in chronological order; each
        with its organisation's one display name."""
        sql = f"SELECT {_REPORT_COLS} FROM {_REPORTS} WHERE 1 = 1"
        args: list[Any] = []
        if org is not None:
            sql += " AND r.org_key = ?"
            args.append(self.resolve(org))
        if kind is not None:
            sql += " AND r.kind = ?"
            args.append(kind)
        sql += " ORDER BY r.org_key IS NULL, r.org_key, r.period_start IS NULL, r.period_start, r.period_end, r.name"
        return [_row(r) for r in self.conn.execute(sql, args)]

    def resolve(self, org: str) -> str | None:
        """The organisation key a key, an alias or a written name ('OWES w Ełku') stands for."""
        key = org_key(org)
        if key is None:
            return None
        row = self.conn.execute("SELECT org_key FROM org_aliases WHERE alias = ?", (key,)).fetchone()
        return row[0] if row else key

    def display_name(self, key: str | None) -> str | None:
        """The one name an organisation is shown by (see extractor.orgs.Directory)."""
        if key is None:
            return None
        row = self.conn.execute("SELECT organisation FROM organisations WHERE org_key = ?",
                                (self.resolve(key) or key,)).fetchone()
        return row[0] if row else None

    def aliases(self) -> list[tuple[str, str, str, str]]:
        """(alias, target, org_key, origin) of every link in the store, by organisation."""
        return [(r[0], r[1], r[2], r[3]) for r in self.conn.execute(
            "SELECT alias, target, org_key, origin FROM org_aliases ORDER BY org_key, alias")]

    def alias(self, key: str, alias: str) -> tuple[str, str]:
        """Join `alias` (a key or a name) to the organisation of `key`: every report of either is
        then one organisation's, under `key`'s organisation key. Returns (alias key, org_key).
        Joining a key to itself keeps it apart from any organisation the reports would join it to."""
        target, akey = org_key(key), org_key(alias)
        if target is None or akey is None:
            raise ArchiveError(f"not an organisation key or name: {key if target is None else alias!r}")
        with self._tx() as c:
            if akey != target:
                d = _directory(c)
                if d.resolve(target) == akey or d._reaches(target, akey):
                    # the alias is the organisation `key` belongs to: turn the link round
                    c.execute("DELETE FROM org_aliases WHERE alias = ? AND origin = 'user'", (target,))
            c.execute("INSERT INTO org_aliases(alias, target, org_key, origin, created_at) VALUES (?, ?, ?, 'user', ?) "
                      "ON CONFLICT(alias) DO UPDATE SET target = excluded.target, origin = 'user'",
                      (akey, target, target, _now()))
            _refresh_organisations(c)
            row = c.execute("SELECT org_key FROM org_aliases WHERE alias = ?", (akey,)).fetchone()
        return akey, row[0] if row else akey

    def unalias(self, alias: str) -> bool:
        """Undo a link: `alias` (a key or a name) is its own organisation again, also when the
        reports would join it (a link of the key to itself, 'user'). False when it was joined to none."""
        akey = org_key(alias)
        if akey is None:
            raise ArchiveError(f"not an organisation key or name: {alias!r}")
        with self._tx() as c:
            row = c.execute("SELECT target FROM org_aliases WHERE alias = ?", (akey,)).fetchone()
            if row is None or row[0] == akey:
                return False
            c.execute("DELETE FROM org_aliases WHERE alias = ?", (akey,))
            if _directory(c).resolve(akey) != akey:      # a link the reports give: keep it apart
                c.execute("INSERT INTO org_aliases(alias, target, org_key, origin, created_at) "
                          "VALUES (?, ?, ?, 'user', ?)", (akey, akey, akey, _now()))
            _refresh_organisations(c)
        return True

    def identity(self, sha256: str) -> tuple[str | None, str | None] | None:
        """(org_key, display name) of an archived report; None when there is no such report."""
        row = self.conn.execute("SELECT r.org_key, o.organisation FROM reports r LEFT JOIN organisations o "
                                "ON o.org_key = r.org_key WHERE r.sha256 = ?", (sha256,)).fetchone()
        return (row[0], row[1]) if row else None

    def record(self, sha256: str) -> Report:
        """The report archived under `sha256` — the one way to read a record (export, compare, the
        archive's tables all go through here): the stored record with people's corrections applied
        (`report.review` lists them, and those whose fact no longer appears; None when there are
        none) and the archive's organisation (org_key after aliases, the one display name).
        KeyError when there is no such report."""
        report = _corrected(self.conn, sha256, _stored_report(self.conn, sha256))
        row = self.conn.execute("SELECT r.org_key, o.organisation, r.org_origin FROM reports r LEFT JOIN organisations o "
                                "ON o.org_key = r.org_key WHERE r.sha256 = ?", (sha256,)).fetchone()
        report.org_key, report.organisation = row[0], row[1] if row[1] is not None else report.organisation
        report.organisation_from = row[2]
        return report

    # -- corrections --

    def corrections(self, sha256: str) -> list[Any]:
        """Every correction of a report (models.Correction), in the order made; `record()` tells
        which of them apply to the record as it is now."""
        return _corrections(self.conn, sha256)

    def correct(self, sha256: str, action: str, *, who: str, fact: str | None = None,
                changes: dict[str, Any] | None = None, reason: str | None = None,
                add: dict[str, Any] | None = None, undoes: int | None = None) -> int:
        """Record a correction of an archived report and refresh its rows (facts, indicator values)
        from the corrected record; the extracted record is not touched. `fact`: the id of a fact
        of `record()` (edit, delete); `changes`: value, subject, label, part_of (a fact id or
        None), kind; `add`: type, start, end, text (the words selected) and the fields of the
        new fact; `undoes` (action "undo"): the id of an edit, delete or add of this report to take
        back — it stays in the history, marked undone. Returns the correction's id.
        CorrectionError for a value of the wrong kind, an unknown fact, a correction that cannot
        be undone; KeyError for an unknown report."""
        from .corrections import (
            EDITABLE,
            CorrectionError,
            fact_anchor,
            fact_at,
            fields_of,
            flat_value,
            new_fact,
            parse_value,
        )

        stored = _stored_report(self.conn, sha256)
        current = self.record(sha256)
        by_id = {f.id: f for f in current.facts}

        def link(fid: Any) -> dict[str, Any] | None:
            if fid in (None, ""):
                return None
            total = by_id.get(str(fid))
            if total is None or total.type not in ("count", "hours"):
                raise CorrectionError(f"part_of: no count or hours fact {fid!r} in this report")
            return fact_anchor(total)

        def fields(ftype: str, given: dict[str, Any]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, v in given.items():
                if k not in EDITABLE:
                    raise CorrectionError(f"{k!r} cannot be corrected (one of {', '.join(EDITABLE)})")
                if k == "value":
                    out[k] = parse_value(ftype, v)
                elif k == "part_of":
                    if ftype not in ("count", "hours"):
                        raise CorrectionError(f"a {ftype} fact is part of no total")
                    out[k] = link(v)
                elif k in ("subject", "label"):
                    if ftype not in ("count", "hours"):
                        raise CorrectionError(f"a {ftype} fact has no {k}")
                    out[k] = " ".join(str(v).split()) or None if v is not None else None
                elif k == "kind":
                    if ftype != "location":
                        raise CorrectionError(f"a {ftype} fact has no kind of place")
                    out[k] = v
            return out

        row: tuple[Any, ...]
        new: dict[str, Any] | None
        old: dict[str, Any] | None
        if action in ("verify", "unverify"):
            row = (None, None, None, None, None, None, None)
        elif action == "undo":
            _undoable(current, undoes)
            row = (None, None, None, None, None, None, None)
        elif action == "add":
            a = dict(add or {})
            ftype, start, end, words = a.pop("type", None), a.pop("start", None), a.pop("end", None), a.pop("text", None)
            if not isinstance(start, int) or not isinstance(end, int) or not isinstance(words, str) \
                    or not 0 <= start < end or len(words) != end - start:
                raise CorrectionError("a fact added needs the words selected: start < end and their text")
            new = fields(str(ftype), a)
            new_fact("c0", str(ftype), _span(start, end, words), None,
                     {**new, "part_of": None})                   # checks the type and the fields
            same = fact_at(current.facts, ftype, start, end)
            if same is not None:   # (it would be kept unapplied: a double click must not look like a new fact)
                raise CorrectionError(f"the report already has this fact: {same.id}")
            row = (ftype, start, end, words, None, None, new)
        elif action in ("edit", "delete"):
            f = by_id.get(str(fact))
            if f is None:
                raise CorrectionError(f"no fact {fact!r} in this report")
            if str(f.id).startswith("c") and f.id not in {g.id for g in stored.facts}:
                added = next(c for c in _corrections(self.conn, sha256) if f"c{c.id}" == f.id)
                extracted = (added.new or {}).get("value")
            else:
                extracted = flat_value(next(g for g in stored.facts if g.id == f.id))
            old = fields_of(f)
            if old.get("part_of"):
                old["part_of"] = fact_anchor(by_id[old["part_of"]]) if old["part_of"] in by_id else None
            new = fields(f.type, changes or {}) if action == "edit" else None
            if action == "edit":
                if not new:
                    raise CorrectionError("nothing to change")
                old = {k: old.get(k) for k in new}
            row = (f.type, f.span.start, f.span.end, f.span.text, extracted, old, new)
        else:
            raise CorrectionError(f"{action!r} is not a correction (edit, delete, add, verify, unverify, undo)")
        ftype, start, end, words, extracted, old, new = row
        with self._tx() as c:
            if c.execute("SELECT 1 FROM reports WHERE sha256 = ?", (sha256,)).fetchone() is None:
                raise KeyError(sha256)
            cur = c.execute(
                "INSERT INTO corrections(report, action, fact_type, start_char, end_char, text, extracted, old, new, "
                "who, at, reason, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sha256, action, ftype, start, end, words,
                 None if action not in ("edit", "delete") else json.dumps(extracted, ensure_ascii=False),
                 None if old is None else json.dumps(old, ensure_ascii=False),
                 None if new is None else json.dumps(new, ensure_ascii=False), who, _now(), reason or None,
                 undoes if action == "undo" else None))
            cid = int(cur.lastrowid or 0)
            if action not in ("verify", "unverify"):
                _delete_children(c, sha256)
                _write_children(c, sha256, _corrected(c, sha256, _stored_report(c, sha256)), self.taxonomy)
        return cid

    def review_states(self) -> dict[str, tuple[bool, int]]:
        """sha256 → (verified, number of corrections of facts in force: not undone) of every
        report anyone reviewed."""
        from models import FACT_ACTIONS

        out: dict[str, tuple[bool, int]] = {}
        undone = {r[0] for r in self.conn.execute("SELECT undoes FROM corrections WHERE action = 'undo'")}
        for cid, sha, action in self.conn.execute("SELECT id, report, action FROM corrections ORDER BY id"):
            verified, n = out.get(sha, (False, 0))
            if action in ("verify", "unverify"):
                out[sha] = (action == "verify", n)
            else:
                out[sha] = (verified, n + (action in FACT_ACTIONS and cid not in undone))
        return out

    def find(self, ref: str) -> list[ReportRow]:
        """Reports a reference names: a sha256 (or a prefix of 6+ characters), a path, a file name."""
        ref = ref.strip()
        rows = []
        if re.fullmatch(r"[0-9a-fA-F]{6,64}", ref):
            rows = self.conn.execute(f"SELECT {_REPORT_COLS} FROM {_REPORTS} WHERE sha256 LIKE ?",
                                     (ref.lower() + "%",)).fetchall()
        if not rows:
            rows = self.conn.execute(
                f"SELECT {_REPORT_COLS} FROM {_REPORTS} WHERE sha256 IN "
                "(SELECT report FROM report_paths WHERE path = ? OR path LIKE ? ESCAPE '\\') OR name = ?",
                (ref, "%/" + ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"), Path(ref).name)
            ).fetchall()
        return [_row(r) for r in rows]

    def paths(self, sha256: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT path FROM report_paths WHERE report = ? ORDER BY first_seen, path", (sha256,))]

    def indicator_rows(self, shas: list[str], sections: Collection[str] | None = None
                       ) -> Iterator[tuple[Any, ...]]:
        """(report, section, key, indicator, subject, unit, measure, value, approximate, fact_ids) of
        the achieved figures (planned ones are rows of their own in the table), of the given section
        keys only when `sections` is given."""
        if not shas or (sections is not None and not sections):
            return iter(())
        sql = (f"SELECT report, section, key, indicator, subject, unit, measure, value, approximate, fact_ids "
               f"FROM indicator_values WHERE planned = 0 AND report IN ({','.join('?' * len(shas))})")
        args: list[Any] = list(shas)
        if sections is not None:
            sql += f" AND section IN ({','.join('?' * len(sections))})"
            args.extend(sections)
        return iter(self.conn.execute(sql + " ORDER BY section, key", args).fetchall())

    def section_names(self, shas: list[str]) -> list[tuple[str, str | None]]:
        """(code, canonical name) of every section of these reports, each pair once."""
        if not shas:
            return []
        return [(r[0], r[1]) for r in self.conn.execute(
            f"SELECT DISTINCT code, canonical FROM sections WHERE report IN ({','.join('?' * len(shas))}) "
            "ORDER BY code, canonical", list(shas))]

    def organisations(self) -> list[tuple[str | None, str | None, int]]:
        """(key, its display name, number of reports) per organisation; (None, None, n) for the
        reports no text, file name or option gave an organisation."""
        out: list[tuple[str | None, str | None, int]] = [
            (r[0], r[1], r[2]) for r in self.conn.execute("SELECT org_key, organisation, reports FROM organisations "
                                                          "ORDER BY org_key")]
        unknown = self.conn.execute("SELECT count(*) FROM reports WHERE org_key IS NULL").fetchone()[0]
        if unknown:
            out.append((None, None, int(unknown)))
        return out

    def members(self, org: str) -> list[str]:
        """Every key of an organisation, its org_key first."""
        row = self.conn.execute("SELECT keys FROM organisations WHERE org_key = ?", (org,)).fetchone()
        return row[0].split() if row else [org]

    def store_cross_findings(self, org: str, findings: list[Any]) -> None:
        """Replace the findings across reports stored for organisation `org` (its key) with
        `findings` (models.CrossFindingRecord), each with every span of its evidence. Evidence
        without line and column gets those an earlier check stored for the same words."""
        now = _now()
        with self._tx() as c:
            # line and column found by an earlier check (the files at hand then) are kept
            places = {(r[0], r[1], r[2]): (r[3], r[4]) for r in c.execute(
                "SELECT e.report, e.start_char, e.end_char, e.line, e.col FROM cross_evidence e JOIN cross_findings f "
                "ON f.id = e.finding WHERE f.org_key = ? AND e.line IS NOT NULL", (org,))}
            for f in findings:
                for e in f.evidence:
                    if e.line is None and (e.sha256, e.start, e.end) in places:
                        e.line, e.column = places[(e.sha256, e.start, e.end)]
            c.execute("DELETE FROM cross_findings WHERE org_key = ?", (org,))
            known = self.known_hashes()
            for i, f in enumerate(findings):
                fid = c.execute("INSERT INTO cross_findings(org_key, ord, code, severity, section, indicator, message, "
                                "periods, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                (org, i, f.code, f.severity, f.section, f.indicator, f.message,
                                 json.dumps(f.periods), now)).lastrowid
                c.executemany("INSERT INTO cross_evidence(finding, ord, report, start_char, end_char, text, line, col) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              [(fid, j, e.sha256, e.start, e.end, e.text, e.line, e.column)
                               for j, e in enumerate(f.evidence) if e.sha256 in known])

    def cross_findings(self, org: str | None = None) -> list[tuple[str, Any, str]]:
        """(org_key, models.CrossFindingRecord, checked_at) of the findings across reports the
        last check stored (of one organisation's key when `org` is given), errors first."""
        from models import CrossEvidence, CrossFindingRecord

        sql = ("SELECT f.id, f.org_key, f.code, f.severity, f.section, f.indicator, f.message, f.periods, f.checked_at "
               "FROM cross_findings f")
        args: list[Any] = []
        if org is not None:
            sql += " WHERE f.org_key = ?"
            args.append(org)
        sql += " ORDER BY f.org_key, CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.ord"
        out = []
        for fid, key, code, sev, sec, ind, msg, periods, at in self.conn.execute(sql, args).fetchall():
            ev = [CrossEvidence(sha256=r[0], source=r[1] or "", start=r[2], end=r[3], text=r[4], line=r[5], column=r[6])
                  for r in self.conn.execute(
                      "SELECT e.report, r.name, e.start_char, e.end_char, e.text, e.line, e.col FROM cross_evidence e "
                      "LEFT JOIN reports r ON r.sha256 = e.report WHERE e.finding = ? ORDER BY e.ord", (fid,))]
            out.append((key, CrossFindingRecord(code=code, severity=sev, message=msg, section=sec, indicator=ind,
                                                periods=json.loads(periods), evidence=ev), at))
        return out

    def counts(self) -> dict[str, int]:
        return {t: int(self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("reports", "sections", "facts", "findings", "indicator_values", "report_paths")}


class _Tx:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any exception, Ctrl-C included)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:    # SQLite ends it itself on some errors (a full disk)
            self.conn.execute("ROLLBACK")


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Archive", "ArchiveError", "Migration", "ReportRow", "migrate",
           "org_key", "organisation_from_name", "organisation_of"]
