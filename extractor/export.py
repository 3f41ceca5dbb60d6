"""Tables out of the archive: CSV, JSON Lines, Excel (xlsx), Parquet, or one facts/1 file per report.

    from extractor.archive import Archive
    from extractor.export import export_table, export_xlsx
    with Archive("reports.sqlite", create=False) as ar:
        export_table(ar, "values", "csv", "values.csv")
        export_xlsx(ar, "reports.xlsx", org="owes-olsztyn")

The tables are the archive's long views (`values_long`, `facts_long`, `findings_long`), the
reports, the organisations with their joined keys and the indicators of the taxonomy: one row
per value, fact, finding …, every row with its organisation and period, so a spreadsheet or
pandas filters and pivots them without joining anything. Whole numbers are integers, flags
0/1, dates ISO (real dates in xlsx and Parquet). openpyxl and pyarrow are imported only here,
when such a file is written. The library never prints.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SprawozdaniaError
from .output import atomic_write

if TYPE_CHECKING:
    from .archive import Archive

FORMATS = ("csv", "xlsx", "parquet", "jsonl", "facts")
_ORDER = ("ORDER BY org_key IS NULL, org_key, period_start IS NULL, period_start, period_end, report")


class ExportError(SprawozdaniaError):
    """The export cannot be written as asked (no such organisation, a missing optional library …)."""


@dataclass(frozen=True)
class Table:
    name: str          # the sheet's name, the value of --table
    sql: str           # rows of the whole archive; filtered by org_key and kind
    title: str         # one line on what a row is


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("values", "SELECT * FROM values_long", "indicator values: one row per report, section and indicator "
                                                 "(planned figures in rows of their own)"),
    Table("facts", "SELECT * FROM facts_long", "facts: one row per fact, with its offsets and words"),
    Table("findings", "SELECT * FROM findings_long", "findings: one row per finding, errors first"),
    Table("reports", "SELECT r.org_key, o.organisation, r.kind, r.period_start, r.period_end, r.name AS report, "
                     "r.path, r.sha256, (SELECT count(*) FROM facts WHERE report = r.sha256) AS facts, "
                     "(SELECT count(*) FROM findings WHERE report = r.sha256) AS findings, r.imported_at, "
                     "r.updated_at FROM reports r LEFT JOIN organisations o ON o.org_key = r.org_key",
          "reports: one row per archived report"),
    Table("organisations", "SELECT org_key, organisation, reports, keys FROM organisations",
          "organisations: the key, the one display name, the reports, every key joined to it"),
    Table("indicators", "SELECT code, name, unit, measure, taxonomy_version FROM indicators ORDER BY code",
          "the taxonomy's indicators: code, name, unit, measure"),
)}
_DATE_COLUMNS = ("period_start", "period_end")
_PER_REPORT = ("values", "facts", "findings", "reports")


def _where(archive: Archive, org: str | None, kind: str | None, table: str) -> tuple[str, list[Any]]:
    if table not in _PER_REPORT and table != "organisations":
        return "", []
    clauses, args = [], []
    if org is not None:
        clauses.append("org_key = ?")
        args.append(resolve_org(archive, org))
    if kind is not None and table in _PER_REPORT:
        clauses.append("kind = ?")
        args.append(kind)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def resolve_org(archive: Archive, org: str) -> str:
    """The organisation key `org` names; ExportError listing the known keys when none."""
    key = archive.resolve(org)
    known = [k for k, _n, _c in archive.organisations() if k is not None]
    if key not in known:
        raise ExportError(f"no reports of organisation {org!r} in the archive (known: {', '.join(known) or 'none'})")
    return key


def rows(archive: Archive, table: str, org: str | None = None, kind: str | None = None
         ) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """(column names, rows) of one table (see TABLES), of one organisation and kind when given."""
    t = TABLES[table]
    where, args = _where(archive, org, kind, table)
    sql = f"SELECT * FROM ({t.sql}){where}"
    if table in _PER_REPORT:
        sql += " " + _ORDER + (", start_char" if table in ("facts", "findings") else "")
    cur = archive.conn.execute(sql, args)
    return [d[0] for d in cur.description], iter(cur)


def to_csv_text(columns: Sequence[str], data: Iterator[tuple[Any, ...]], bom: bool = False) -> str:
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")              # Excel then reads the file as UTF-8
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in data:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def to_jsonl_text(columns: Sequence[str], data: Iterator[tuple[Any, ...]]) -> str:
    return "".join(json.dumps(dict(zip(columns, r, strict=True)), ensure_ascii=False) + "\n" for r in data)


def _typed(columns: Sequence[str], r: tuple[Any, ...]) -> list[Any]:
    """ISO dates of the period as dates (spreadsheets and Parquet sort and filter them as dates)."""
    out = list(r)
    for i, c in enumerate(columns):
        if c in _DATE_COLUMNS and isinstance(out[i], str):
            try:
                out[i] = dt.date.fromisoformat(out[i])
            except ValueError:
                pass
    return out


def export_table(archive: Archive, table: str, fmt: str, path: str | Path | None, *, org: str | None = None,
                 kind: str | None = None, bom: bool = False) -> str | None:
    """One table as csv or jsonl (to `path`, or returned as text when `path` is None), or as
    parquet (to `path`). Returns the text when not written."""
    if fmt == "parquet":   # what parquet needs, before a query is left open by the error
        if path is None:
            raise ExportError("--format parquet writes a file: give -o FILE")
        _pyarrow()
    columns, data = rows(archive, table, org, kind)
    if fmt == "csv":
        text = to_csv_text(columns, data, bom)
    elif fmt == "jsonl":
        text = to_jsonl_text(columns, data)
    elif fmt == "parquet":
        assert path is not None
        _write_parquet(Path(path), columns, data)
        return None
    else:
        raise ExportError(f"a table cannot be exported as {fmt!r}")
    if path is None:
        return text
    atomic_write(path, text)
    return None


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("--format parquet needs pyarrow: pip install 'sprawozdania[parquet]'") from None
    return pa, pq


def _write_parquet(path: Path, columns: Sequence[str], data: Iterator[tuple[Any, ...]]) -> None:
    pa, pq = _pyarrow()
    records = [_typed(columns, r) for r in data]
    arrays = []
    for i, _c in enumerate(columns):
        values = [r[i] for r in records]
        if any(isinstance(v, float) for v in values):     # whole and fractional numbers: one float column
            values = [float(v) if isinstance(v, int) else v for v in values]
        arrays.append(pa.array(values))
    buf = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(arrays, names=list(columns)), buf)
    atomic_write(path, buf.getvalue().to_pybytes())


def export_xlsx(archive: Archive, path: str | Path, *, org: str | None = None, kind: str | None = None,
                tables: Sequence[str] = tuple(TABLES)) -> dict[str, int]:
    """One workbook, one sheet per table (frozen header row, filters on, widths to fit). Returns
    the number of rows per sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    counts = {}
    for name in tables:
        columns, data = rows(archive, name, org, kind)
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        records = [_typed(columns, r) for r in data]
        for i, c in enumerate(columns):
            longest = max([len(c), *(len(str(r[i])) for r in records[:500] if r[i] is not None)])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(60, longest + 2)
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(records) + 1}"
        header = []
        for c in columns:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for r in records:
            ws.append([_cell(ws, v) for v in r])
        counts[name] = len(records)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write(path, buf.getvalue())
    return counts


def _cell(ws: Any, v: Any) -> Any:
    if isinstance(v, dt.date):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=v)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return v


def export_facts(archive: Archive, folder: str | Path, *, org: str | None = None, kind: str | None = None,
                 verified: bool = False) -> int:
    """One facts/1 file per report (`<file name>.facts.json`, the content hash added when two
    reports share a name), from the archived record as the archive gives it (Archive.record:
    with people's corrections applied); only reports marked verified with `verified`.
    Returns the number written."""
    from .emit import dumps_facts

    out = Path(folder)
    where, args = _where(archive, org, kind, "reports")
    shas = [r[0] for r in archive.conn.execute(f"SELECT sha256 FROM ({TABLES['reports'].sql}){where} {_ORDER}",
                                               args)]
    if verified:
        states = archive.review_states()
        shas = [s for s in shas if states.get(s, (False, 0))[0]]
    taken: set[str] = set()
    for sha in shas:
        rep = archive.record(sha)
        stem = rep.source.name.rsplit(".", 1)[0] if "." in rep.source.name else rep.source.name
        name = f"{stem}.facts.json"
        if name.casefold() in taken:
            name = f"{stem}.{sha[:8]}.facts.json"
        taken.add(name.casefold())
        atomic_write(out / name, dumps_facts(rep) + "\n")
    return len(shas)


__all__ = ["FORMATS", "TABLES", "ExportError", "Table", "export_facts", "export_table", "export_xlsx", "rows",
           "to_csv_text", "to_jsonl_text"]
