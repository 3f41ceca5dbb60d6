"""`sprawozdania archive list|show|reindex`: what the SQLite archive holds."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cli import app
from ..errors import one_line
from ..i18n import tr
from ._common import ARCHIVE_HELP, TranslatedGroup, archive_path, console, err, is_wide
from ._common import console as out_console

if TYPE_CHECKING:
    from ..archive import Archive

archive_app = typer.Typer(
    help="The SQLite archive of converted reports (filled by `sprawozdania batch --archive FILE`).",
    no_args_is_help=True, rich_markup_mode=None, cls=TranslatedGroup)
app.add_typer(archive_app, name="archive")


class ListFormat(StrEnum):
    table = "table"
    json = "json"


ArchiveOpt = Annotated[Path | None, typer.Option("--archive", "-a", metavar="FILE", help=ARCHIVE_HELP, show_default=False,
                                                 readable=False)]


def _open(path: Path | None) -> Archive:
    from ..archive import Archive, ArchiveError

    p = archive_path(path)
    try:
        return Archive(p, create=False)
    except ArchiveError as e:
        err(str(e))
        raise typer.Exit(2) from None


@archive_app.command("list")
def list_cmd(
    archive: ArchiveOpt = None,
    org: Annotated[str | None, typer.Option("--org", metavar="KEY", help="Only this organisation (a key, a joined key or a name).")]
    = None,
    kind: Annotated[str | None, typer.Option("--kind", metavar="KIND", help="Only partial, final or annual reports.")]
    = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List archived reports by organisation and period, and which organisation keys are joined.

    Example: sprawozdania archive list --archive reports.sqlite --org owes-olsztyn
    """
    with _open(archive) as ar:
        ar_refresh(ar)
        rows = ar.reports(org=org, kind=kind)
        counts = {r[0]: r[1:] for r in ar.conn.execute(
            "SELECT r.sha256, (SELECT count(*) FROM sections WHERE report = r.sha256), "
            "(SELECT count(*) FROM facts WHERE report = r.sha256), "
            "(SELECT count(*) FROM findings WHERE report = r.sha256), "
            "(SELECT count(*) FROM indicator_values WHERE report = r.sha256 AND indicator IS NOT NULL) "
            "FROM reports r")}
        version = ar.schema_version
        shown = {r.org_key for r in rows}
        orgs = [(k, n, c, ar.members(k)) for k, n, c in ar.organisations() if k is not None and k in shown]
        links = {a: (t, origin) for a, t, _o, origin in ar.aliases()}
    if fmt is ListFormat.json:
        out = [{"sha256": r.sha256, "path": r.path, "name": r.name, "org_key": r.org_key,
                "organisation": r.organisation, "kind": r.kind,
                "period": [r.period_start.isoformat(), r.period_end.isoformat()]
                if r.period_start and r.period_end else None,
                "sections": counts[r.sha256][0], "facts": counts[r.sha256][1], "findings": counts[r.sha256][2],
                "indicators": counts[r.sha256][3], "imported_at": r.imported_at, "updated_at": r.updated_at}
               for r in rows]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return
    from rich import box
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from ..view import kind_label

    con = console()
    wide = is_wide(con)
    t = Table(title=escape(tr("{archive}: reports: {n} (schema v{version})", archive=one_line(str(archive_path(archive))),
                              n=len(rows), version=version)),
              title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, show_edge=False)
    t.add_column("org_key", no_wrap=True, overflow="ellipsis" if not wide else "fold", max_width=None if wide else 22)
    t.add_column(tr("organisation"), no_wrap=True, overflow="ellipsis" if not wide else "fold",
                 max_width=None if wide else 26)
    t.add_column(tr("kind"), no_wrap=True, min_width=7)
    t.add_column(tr("period"), no_wrap=True, min_width=21)
    for col in ("facts", "findings", "indicators"):
        t.add_column(tr(col), justify="right", no_wrap=True, min_width=len(tr(col)))
    t.add_column("sha256", no_wrap=True, min_width=10)
    t.add_column(tr("file"), no_wrap=not wide, overflow="ellipsis" if not wide else "fold")
    for r in rows:
        period = (f"{r.period_start:%Y-%m-%d}/{r.period_end:%Y-%m-%d}" if r.period_start and r.period_end
                  else f"[red]{escape(tr('none'))}[/]")
        c = counts[r.sha256]
        t.add_row(Text(r.org_key or "—"), Text(one_line(r.organisation or "—")), kind_label(r.kind), period,
                  str(c[1]), str(c[2]), str(c[3]), r.sha256[:10], Text(one_line(r.name)))
    con.print(t)
    if orgs:
        ot = Table(title=escape(tr("Organisations ({n}): keys joined by `archive alias`, --org or file names",
                                   n=len(orgs))),
                   title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, show_edge=False)
        for col in ("org_key", "organisation", "reports", "joined keys"):
            ot.add_column(tr(col), justify="right" if col == "reports" else "left", overflow="fold")
        for key, name, n, members in orgs:
            joined = ", ".join(f"{m} ({links[m][1]})" for m in members[1:] if m in links)
            apart = [a for a, (tgt, _o) in links.items() if a == tgt == key]
            if apart:
                joined = (joined + "; " if joined else "") + tr("kept apart")
            ot.add_row(Text(key), Text(one_line(name or "—")), str(n), Text(joined or "—"))
        con.print(ot)


def ar_refresh(ar: Archive) -> None:
    """Resolve organisations once more before reading (a batch stopped before its end)."""
    ar.refresh_organisations()


@archive_app.command("alias", epilog="Exit codes: 0 joined (or removed); 1 --remove of a key joined to none; "
                                     "2 no such archive or a bad invocation.")
def alias_cmd(
    keys: Annotated[list[str], typer.Argument(
        metavar="KEY ALIAS",
        help="The organisation's key (or name), then the keys or names to join to it; with --remove, the keys "
             "to separate.", show_default=False)],
    archive: ArchiveOpt = None,
    remove: Annotated[bool, typer.Option("--remove", help="Separate these keys from the organisation they are "
                                                          "joined to (also one the file names joined).")] = False,
) -> None:
    """Join organisation keys: reports under any of them are then one organisation's.

    The first key stays the organisation's key (what SQL, exports and compare show); the
    others become its aliases. `archive list` shows which keys are joined.

    Example: sprawozdania archive alias owes-walbrzych owes-subregion-walbrzyski --archive reports.sqlite
    """
    from ..archive import ArchiveError

    if not remove and len(keys) < 2:
        err(tr("give the organisation's key, then at least one key to join to it (KEY ALIAS...)"))
        raise typer.Exit(2)
    with _open(archive) as ar:
        try:
            if remove:
                missing = []
                for k in keys:
                    if ar.unalias(k):
                        print(tr("{key}: separated", key=k))
                    else:
                        missing.append(k)
                if missing:
                    err(tr("not joined to any organisation: {keys}", keys=", ".join(missing)))
                    raise typer.Exit(1)
                return
            for a in keys[1:]:
                akey, org = ar.alias(keys[0], a)
                n = len(ar.reports(org=org))
                print(tr("{alias} → {org} ({name}), reports: {n}", alias=akey, org=org,
                         name=ar.display_name(org) or org, n=n))
        except ArchiveError as e:
            err(str(e))
            raise typer.Exit(2) from None


@archive_app.command("show")
def show_cmd(
    ref: Annotated[str, typer.Argument(metavar="REPORT", help="sha256 (or a prefix of 6+), path or file name of a report.")],
    archive: ArchiveOpt = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table, or the stored record as JSON.")]
    = ListFormat.table,
) -> None:
    """Show one archived report: sections, indicator values, findings.

    Example: sprawozdania archive show owes-olsztyn_2018-09-01_2018-11-30.txt
    """
    with _open(archive) as ar:
        hits = ar.find(ref)
        if not hits:
            err(tr("no report {ref} in {archive}", ref=repr(ref), archive=ar.path))
            raise typer.Exit(1)
        if len(hits) > 1:
            err(f"{ref!r} names {len(hits)} reports: " + ", ".join(f"{h.sha256[:12]} {h.name}" for h in hits))
            raise typer.Exit(1)
        row = hits[0]
        if fmt is ListFormat.json:
            sys.stdout.write(ar.record(row.sha256).model_dump_json() + "\n")
            return
        paths = ar.paths(row.sha256)
        sections = ar.conn.execute("SELECT code, canonical, title FROM sections WHERE report = ? ORDER BY ord",
                                   (row.sha256,)).fetchall()
        order = {c: i for i, c in enumerate(ar.taxonomy.indicators)}
        values = sorted(ar.indicator_rows([row.sha256]),
                        key=lambda v: (v[1] == "", v[1], v[3] is None, order.get(v[3], 0), v[5], v[4] or ""))
        findings = ar.conn.execute("SELECT severity, code, section, message FROM findings WHERE report = ? "
                                   "ORDER BY ord", (row.sha256,)).fetchall()
        nfacts = ar.conn.execute("SELECT count(*) FROM facts WHERE report = ?", (row.sha256,)).fetchone()[0]
        names = {c: i.name for c, i in ar.taxonomy.indicators.items()}
        review = ar.record(row.sha256).review
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from ..compare import fmt_num
    from ..view import kind_label, severity

    console = out_console()
    period = (f"{row.period_start:%d.%m.%Y} – {row.period_end:%d.%m.%Y}" if row.period_start and row.period_end
              else tr("none"))
    org = one_line(f"{row.organisation} ({row.org_key})" if row.organisation and row.org_key
                   else row.organisation or "—")
    head = tr("organisation: {org}  kind: {kind}  period: {period}", org=org, kind=kind_label(row.kind), period=period)
    when = tr("archived {at}", at=row.imported_at) + (
        "" if row.updated_at == row.imported_at else tr(", updated {at}", at=row.updated_at))
    console.print(f"[bold]{escape(one_line(row.name))}[/]  {escape(head)}\nsha256 {row.sha256}  "
                  f"{escape(tr('facts: {counts}', counts=nfacts))}  {escape(when)}", highlight=False)
    for p in paths:
        console.print(f"  [dim]{escape(one_line(p))}[/]", highlight=False)
    if review is not None:
        n = len(review.in_force)
        line = tr("corrected record: {n} correction(s), {unmatched} whose fact no longer appears",
                  n=n, unmatched=len(review.unmatched))
        if review.verified:
            line += "; " + tr("verified by {who}, {at}", who=review.verified_by,
                                at=f"{(review.verified_at or '')[:10]} {(review.verified_at or '')[11:16]} UTC")
        console.print(f"[bold yellow]{escape(line)}[/]", highlight=False)
    st = Table(title=tr("Sections"), title_justify="left")
    for col in ("code", "compared as", "heading"):
        st.add_column(tr(col))
    for code, canonical, title in sections:
        st.add_row(Text(one_line(code)), Text(one_line(canonical or "—")), Text(one_line(title)))
    console.print(st)
    vt = Table(title=tr("Indicator values"), title_justify="left")
    for col in ("section", "indicator", "name / subject", "unit", "value", "facts"):
        vt.add_column(tr(col), justify="right" if col == "value" else "left")
    for _sha, sec, _key, ind, subject, unit, _measure, value, approx, ids in values:
        vt.add_row(Text(one_line(sec or "—")), ind or "[dim]?[/]",
                   Text(one_line(names.get(ind, ind) if ind else (subject or "—"))),
                   tr(unit), ("~" if approx else "") + fmt_num(value), ", ".join(json.loads(ids)))
    console.print(vt)
    if findings:
        ft = Table(title=tr("Findings"), title_justify="left")
        for col in ("severity", "code", "section", "message"):
            ft.add_column(tr(col), overflow="fold")
        for sev, code, sec, msg in findings:
            ft.add_row(severity(sev), code, Text(one_line(sec or "—")), Text(one_line(msg)))
        console.print(ft)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    jsonl = "jsonl"
    facts = "facts"


class ExportTable(StrEnum):
    values = "values"
    facts = "facts"
    findings = "findings"
    reports = "reports"
    organisations = "organisations"
    indicators = "indicators"


@archive_app.command("export", epilog="Exit codes: 0 written; 2 no such archive or organisation, a file that "
                                      "cannot be written, or a bad invocation.")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv or jsonl: one table (--table); xlsx: "
                                              "every table, a sheet each; parquet: one table; facts: one facts/1 "
                                              "file per report into the folder -o.")] = ExportFormat.csv,
    table: Annotated[ExportTable, typer.Option("--table", "-t", help="values: indicator values; facts; findings; "
                                               "reports; organisations; indicators.")] = ExportTable.values,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="PATH", help="File to write (a folder for --format facts); "
                                                "csv and jsonl go to stdout without it.")] = None,
    archive: ArchiveOpt = None,
    org: Annotated[str | None, typer.Option("--org", metavar="KEY", help="Only this organisation (a key, a joined key "
                                                                         "or a name).")] = None,
    kind: Annotated[str | None, typer.Option("--kind", metavar="KIND", help="Only partial, final or annual reports.")]
    = None,
    bom: Annotated[bool, typer.Option("--bom", help="CSV: start with a byte-order mark, so Excel reads it as UTF-8.")]
    = False,
    verified: Annotated[bool, typer.Option("--verified", help="facts: only reports a person marked verified (gold "
                                                              "files for `sprawozdania eval`).")] = False,
) -> None:
    """Write the archive's tables for a spreadsheet, pandas or another database.

    Every row carries its organisation (org_key, organisation), kind and period, so the
    tables filter and pivot without joins; whole numbers are integers, flags 0/1.

    Examples:

      sprawozdania archive export --format csv --org owes-olsztyn -o olsztyn-values.csv

      sprawozdania archive export --format xlsx -o reports.xlsx

      sprawozdania archive export --format facts -o facts/

      sprawozdania archive export --format facts --verified -o mycorpus/gold/
    """
    from ..export import ExportError, export_facts, export_table, export_xlsx
    from ..output import check_target, describe

    if verified and fmt is not ExportFormat.facts:
        err(tr("--verified goes with --format facts"))
        raise typer.Exit(2)
    if fmt in (ExportFormat.xlsx, ExportFormat.parquet, ExportFormat.facts) and output is None:
        err(tr("--format {fmt} writes a folder: give -o FOLDER", fmt=fmt.value) if fmt is ExportFormat.facts
            else tr("--format {fmt} writes a file: give -o FILE", fmt=fmt.value))
        raise typer.Exit(2)
    if output is not None:
        try:
            if fmt is ExportFormat.facts:
                if output.exists() and not output.is_dir():
                    raise NotADirectoryError(20, "is a file, not a folder", str(output))   # (translated by err)
            else:
                check_target(output)
        except OSError as e:
            err(describe(e, output))
            raise typer.Exit(2) from None
    with _open(archive) as ar:
        ar.refresh_organisations()
        try:
            if fmt is ExportFormat.xlsx:
                counts = export_xlsx(ar, output, org=org, kind=kind)  # type: ignore[arg-type]
                print(tr("{path}: rows per sheet: {counts}", path=output,
                         counts=", ".join(f"{k} {n}" for k, n in counts.items())), file=sys.stderr)
            elif fmt is ExportFormat.facts:
                n = export_facts(ar, output, org=org, kind=kind, verified=verified)  # type: ignore[arg-type]
                print(tr("{path}: facts/1 files: {n}", path=output, n=n), file=sys.stderr)
            else:
                text = export_table(ar, table.value, fmt.value, output, org=org, kind=kind, bom=bom)
                if text is not None:
                    sys.stdout.write(text)
        except ExportError as e:
            err(str(e))
            raise typer.Exit(2) from None
        except OSError as e:
            err(describe(e, output or "-"))
            raise typer.Exit(2) from None


@archive_app.command("reindex")
def reindex_cmd(
    archive: ArchiveOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Re-index every report, not only stale ones.")] = False,
) -> None:
    """Re-assign indicators of archived reports after the taxonomy changed (no re-extraction).

    Example: sprawozdania archive reindex --archive reports.sqlite
    """
    import sqlite3

    from ..batch import no_space

    with _open(archive) as ar:
        try:
            n = ar.reindex(force=force)
        except sqlite3.Error as e:         # nothing changed: the re-index is one transaction
            err(f"cannot write archive {ar.path}: no space left on device" if no_space(e) else f"{ar.path}: {e}")
            raise typer.Exit(2) from None
        print(tr("re-indexed reports: {n} (taxonomy v{version})", n=n, version=ar.taxonomy.version))
