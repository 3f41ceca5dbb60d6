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
from ._common import ARCHIVE_HELP, archive_path, err

if TYPE_CHECKING:
    from ..archive import Archive

archive_app = typer.Typer(
    help="The SQLite archive of converted reports (filled by `sprawozdania batch --archive FILE`).",
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(archive_app, name="archive")


class ListFormat(StrEnum):
    table = "table"
    json = "json"


ArchiveOpt = Annotated[Path | None, typer.Option("--archive", "-a", help=ARCHIVE_HELP, show_default=False,
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
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only partial, final or annual reports.")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List archived reports by organisation and period.

    Example: sprawozdania archive list --archive reports.sqlite --org owes-olsztyn
    """
    with _open(archive) as ar:
        rows = ar.reports(org=org, kind=kind)
        counts = {r[0]: r[1:] for r in ar.conn.execute(
            "SELECT r.sha256, (SELECT count(*) FROM sections WHERE report = r.sha256), "
            "(SELECT count(*) FROM facts WHERE report = r.sha256), "
            "(SELECT count(*) FROM findings WHERE report = r.sha256), "
            "(SELECT count(*) FROM indicator_values WHERE report = r.sha256 AND indicator IS NOT NULL) "
            "FROM reports r")}
        version = ar.schema_version
    if fmt is ListFormat.json:
        out = [{"sha256": r.sha256, "path": r.path, "name": r.name, "organisation": r.organisation,
                "kind": r.kind, "period": [r.period_start.isoformat(), r.period_end.isoformat()]
                if r.period_start and r.period_end else None,
                "sections": counts[r.sha256][0], "facts": counts[r.sha256][1], "findings": counts[r.sha256][2],
                "indicators": counts[r.sha256][3], "imported_at": r.imported_at, "updated_at": r.updated_at}
               for r in rows]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"{escape(one_line(str(archive_path(archive))))}: {len(rows)} reports (schema v{version})",
              title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, show_edge=False)
    t.add_column("organisation", no_wrap=True, overflow="ellipsis", min_width=12, max_width=24)
    t.add_column("kind", no_wrap=True, min_width=7)
    t.add_column("period", no_wrap=True, min_width=21)
    for col in ("facts", "findings", "indicators"):
        t.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    t.add_column("sha256", no_wrap=True, min_width=10)
    t.add_column("file", no_wrap=True, overflow="ellipsis")
    for r in rows:
        period = (f"{r.period_start:%Y-%m-%d}/{r.period_end:%Y-%m-%d}" if r.period_start and r.period_end
                  else "[red]none[/]")
        c = counts[r.sha256]
        t.add_row(Text(one_line(r.organisation or "—")), r.kind or "—", period, str(c[1]), str(c[2]), str(c[3]),
                  r.sha256[:10], Text(one_line(r.name)))
    Console().print(t)


@archive_app.command("show")
def show_cmd(
    ref: Annotated[str, typer.Argument(help="sha256 (or a prefix of 6+), path or file name of a report.")],
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
            err(f"no report {ref!r} in {ar.path}")
            raise typer.Exit(1)
        if len(hits) > 1:
            err(f"{ref!r} names {len(hits)} reports: " + ", ".join(f"{h.sha256[:12]} {h.name}" for h in hits))
            raise typer.Exit(1)
        row = hits[0]
        if fmt is ListFormat.json:
            rec = ar.conn.execute("SELECT record FROM reports WHERE sha256 = ?", (row.sha256,)).fetchone()[0]
            sys.stdout.write(rec + "\n")
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
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from ..compare import fmt_num

    console = Console()
    period = (f"{row.period_start:%d.%m.%Y} – {row.period_end:%d.%m.%Y}" if row.period_start and row.period_end
              else "none")
    console.print(f"[bold]{escape(one_line(row.name))}[/]  organisation: {escape(one_line(row.organisation or '—'))}  "
                  f"kind: {row.kind or '—'}  "
                  f"period: {period}\nsha256 {row.sha256}  facts: {nfacts}  archived {row.imported_at}"
                  f"{'' if row.updated_at == row.imported_at else ', updated ' + row.updated_at}", highlight=False)
    for p in paths:
        console.print(f"  [dim]{escape(one_line(p))}[/]", highlight=False)
    st = Table(title="Sections", title_justify="left")
    for col in ("code", "compared as", "heading"):
        st.add_column(col)
    for code, canonical, title in sections:
        st.add_row(Text(one_line(code)), Text(one_line(canonical or "—")), Text(one_line(title)))
    console.print(st)
    vt = Table(title="Indicator values", title_justify="left")
    for col in ("section", "indicator", "name / subject", "unit", "value", "facts"):
        vt.add_column(col, justify="right" if col == "value" else "left")
    for _sha, sec, _key, ind, subject, unit, _measure, value, approx, ids in values:
        vt.add_row(Text(one_line(sec or "—")), ind or "[dim]?[/]",
                   Text(one_line(names.get(ind, ind) if ind else (subject or "—"))),
                   unit, ("~" if approx else "") + fmt_num(value), ", ".join(json.loads(ids)))
    console.print(vt)
    if findings:
        ft = Table(title="Findings", title_justify="left")
        for col in ("severity", "code", "section", "message"):
            ft.add_column(col, overflow="fold")
        for sev, code, sec, msg in findings:
            ft.add_row(sev, code, Text(one_line(sec or "—")), Text(one_line(msg)))
        console.print(ft)


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
        print(f"re-indexed {n} report{'s' if n != 1 else ''} with taxonomy v{ar.taxonomy.version}")
