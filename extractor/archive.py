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

import dataclasses
import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SprawozdaniaError
from .organisation import org_key, organisation_from_name

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


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "reports, sections, facts, findings", tuple(_V1)),
    Migration(2, "indicators: facts.indicator, indicator_values; organisation key; report paths",
              tuple(_V2), _backfill_v2),
    Migration(3, "organisation keys: one per centre however its name is written", (), _rekey_v3),
    Migration(4, "facts.page and facts.confidence: where a fact of a PDF or a scan was read, how surely",
              (), _backfill_v4),
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


def _record(report: Report) -> tuple[str, str]:
    """The stored JSON record (without the text) and its hash (independent of the file name)."""
    rec = report.model_dump_json(exclude={"text"})
    data = json.loads(rec)
    data["source"]["name"] = ""
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


_REPORT_COLS = ("sha256, path, name, organisation, org_key, kind, period_start, period_end, "
                "imported_at, updated_at, taxonomy_version")


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


def _write_children(conn: sqlite3.Connection, sha: str, report: Report, taxonomy: Taxonomy) -> None:
    from .indicators import assign_indicators, indicator_values

    matches = assign_indicators(report, taxonomy)
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
    conn.executemany(
        "INSERT INTO indicator_values(report, section, key, indicator, subject, unit, measure, value, "
        "approximate, fact_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sha, v.section, v.key, v.indicator, v.subject, v.unit, v.measure, v.value, int(v.approximate),
          json.dumps(v.fact_ids)) for v in indicator_values(report, taxonomy)])


def _delete_children(conn: sqlite3.Connection, sha: str) -> None:
    for table in ("sections", "facts", "findings", "indicator_values"):
        conn.execute(f"DELETE FROM {table} WHERE report = ?", (sha,))


def _reindex(conn: sqlite3.Connection, only_stale: bool = True, taxonomy: Taxonomy | None = None) -> int:
    """Re-assign indicators of stored reports from their records (no re-extraction)."""
    from models import Report

    from .indicators import load_taxonomy

    tax = taxonomy or load_taxonomy()
    sql = "SELECT sha256, record FROM reports"
    args: tuple[Any, ...] = ()
    if only_stale:
        sql += " WHERE taxonomy_version IS NULL OR taxonomy_version != ?"
        args = (tax.version,)
    n = 0
    for sha, rec in conn.execute(sql, args).fetchall():
        try:
            report = Report.model_validate_json(rec)
        except ValueError:      # a record the current models cannot read: keep its rows as they are
            continue
        _delete_children(conn, sha)
        _write_children(conn, sha, report, tax)
        new_rec, new_hash = _record(report)
        conn.execute("UPDATE reports SET record = ?, record_sha256 = ?, taxonomy_version = ? WHERE sha256 = ?",
                     (new_rec, new_hash, tax.version, sha))
        n += 1
    return n


# --- the archive --------------------------------------------------------------------------

class Archive:
    """One SQLite file. Use as a context manager; one writer at a time (SQLite locks)."""

    def __init__(self, path: str | Path, *, create: bool = True, taxonomy: Taxonomy | None = None) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise ArchiveError(f"no archive at {self.path}")
        if self.path.exists() and self.path.is_dir():
            raise ArchiveError(f"{self.path} is a directory, not an archive file")
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

    def upsert(self, report: Report, path: str | Path | None = None, organisation: str | None = None) -> str:
        """Store a report under its content hash: 'added', 'updated' or 'unchanged'.

        `organisation` overrides the one found in the text or the file name.
        """
        sha = report.source.sha256
        if not sha:
            raise ArchiveError(f"{report.source.name}: report has no content hash (source.sha256)")
        src = str(path) if path is not None else report.source.name
        from .indicators import assign_indicators

        assign_indicators(report, self.taxonomy)
        found = organisation or organisation_of(report, src)
        rec, rec_hash = _record(report)
        now = _now()
        with self._tx() as c:
            old = c.execute("SELECT record_sha256, organisation, taxonomy_version FROM reports WHERE sha256 = ?",
                            (sha,)).fetchone()
            # the same content under a name that says nothing keeps the organisation it had
            org = found or (old[1] if old is not None else None)
            if old is not None:
                c.execute("INSERT OR IGNORE INTO report_paths(report, path, first_seen) VALUES (?, ?, ?)",
                          (sha, src, now))
            if old is not None and old[0] == rec_hash and old[1] == org and old[2] == self.taxonomy.version:
                return "unchanged"
            p = report.period
            values = (org, org_key(org), report.kind, p.start.isoformat() if p else None,
                      p.end.isoformat() if p else None, report.schema_version, rec, rec_hash, now,
                      self.taxonomy.version)
            if old is None:
                c.execute("INSERT INTO reports(sha256, path, name, organisation, org_key, kind, period_start, "
                          "period_end, record_version, record, record_sha256, updated_at, taxonomy_version, "
                          "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (sha, src, Path(src).name, *values, now))
                c.execute("INSERT INTO report_paths(report, path, first_seen) VALUES (?, ?, ?)", (sha, src, now))
                status = "added"
            else:
                c.execute("UPDATE reports SET organisation = ?, org_key = ?, kind = ?, period_start = ?, "
                          "period_end = ?, record_version = ?, record = ?, record_sha256 = ?, updated_at = ?, "
                          "taxonomy_version = ? WHERE sha256 = ?", (*values, sha))
                _delete_children(c, sha)
                status = "updated"
            _write_children(c, sha, report, self.taxonomy)
        return status

    def reindex(self, force: bool = False) -> int:
        """Re-assign indicators of reports indexed with another taxonomy version (all with
        `force`). Returns how many reports were re-indexed."""
        with self._tx() as c:
            return _reindex(c, only_stale=not force, taxonomy=self.taxonomy)

    def delete(self, sha256: str) -> bool:
        with self._tx() as c:
            return c.execute("DELETE FROM reports WHERE sha256 = ?", (sha256,)).rowcount > 0

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
        """Reports (of one organisation, by name or key), in chronological order."""
        sql = f"SELECT {_REPORT_COLS} FROM reports WHERE 1 = 1"
        args: list[Any] = []
        if org is not None:
            sql += " AND org_key = ?"
            args.append(org_key(org))
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        sql += " ORDER BY org_key IS NULL, org_key, period_start IS NULL, period_start, period_end, name"
        names = self._display_names()
        out = []
        for r in self.conn.execute(sql, args):
            row = _row(r)
            if row.org_key in names:  # one name per organisation, whichever report gave it
                row = dataclasses.replace(row, organisation=names[row.org_key])
            out.append(row)
        return out

    def _name_counts(self) -> dict[str, Counter[str]]:
        """Per organisation key, how many reports give each name (in chronological order)."""
        counts: dict[str, Counter[str]] = {}
        for key, name in self.conn.execute(
                "SELECT org_key, organisation FROM reports WHERE org_key IS NOT NULL AND organisation IS NOT NULL "
                "ORDER BY period_start IS NULL, period_start, period_end, name"):
            counts.setdefault(key, Counter())[name] += 1
        return counts

    def display_name(self, keys: set[str]) -> str | None:
        """The name an organisation (one or more keys) is shown by: the one its texts give most
        often ("OWES Olsztyn"; a tie goes to the earliest report), a file-name slug
        ("owes-olsztyn") only when no report of it gives a name."""
        total: Counter[str] = Counter()
        for key, c in self._name_counts().items():
            if key in keys:
                total.update(c)
        given = [(n, k) for n, k in total.items() if n not in keys] or list(total.items())
        return max(given, key=lambda nk: nk[1])[0] if given else None  # max keeps the first of equals

    def _display_names(self) -> dict[str, str]:
        names = {}
        for key in self._name_counts():
            name = self.display_name({key})
            if name:
                names[key] = name
        return names

    def find(self, ref: str) -> list[ReportRow]:
        """Reports a reference names: a sha256 (or a prefix of 6+ characters), a path, a file name."""
        ref = ref.strip()
        rows = []
        if re.fullmatch(r"[0-9a-fA-F]{6,64}", ref):
            rows = self.conn.execute(f"SELECT {_REPORT_COLS} FROM reports WHERE sha256 LIKE ?",
                                     (ref.lower() + "%",)).fetchall()
        if not rows:
            rows = self.conn.execute(
                f"SELECT {_REPORT_COLS} FROM reports WHERE sha256 IN "
                "(SELECT report FROM report_paths WHERE path = ? OR path LIKE ? ESCAPE '\\') OR name = ?",
                (ref, "%/" + ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"), Path(ref).name)
            ).fetchall()
        return [_row(r) for r in rows]

    def paths(self, sha256: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT path FROM report_paths WHERE report = ? ORDER BY first_seen, path", (sha256,))]

    def indicator_rows(self, shas: list[str], sections: Collection[str] | None = None
                       ) -> Iterator[tuple[Any, ...]]:
        """(report, section, key, indicator, subject, unit, measure, value, approximate, fact_ids),
        of the given section keys only when `sections` is given."""
        if not shas or (sections is not None and not sections):
            return iter(())
        sql = (f"SELECT report, section, key, indicator, subject, unit, measure, value, approximate, fact_ids "
               f"FROM indicator_values WHERE report IN ({','.join('?' * len(shas))})")
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
        """(key, its display name, number of reports) per organisation."""
        names = self._display_names()
        return [(r[0], names.get(r[0], r[1]), r[2]) for r in self.conn.execute(
            "SELECT org_key, min(organisation), count(*) FROM reports GROUP BY org_key "
            "ORDER BY org_key IS NULL, org_key")]

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
