"""`sprawozdania compare`: indicator x period for one organisation, from the archive."""
from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cli import app
from ..errors import one_line
from ..i18n import tr, translate
from ._common import (
    ARCHIVE_HELP,
    OUTPUT_HELP,
    check_output,
    fail,
    note,
    open_for_reading,
    render_output,
    write_output,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ..compare import Comparison


class CompareFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    html = "html"


class Kind(StrEnum):
    partial = "partial"
    final = "final"
    annual = "annual"


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
VERDICT_MARK = {"agrees": ("✓", "green"), "differs": ("≠", "bold red"), "unverifiable": ("?", "yellow")}


@app.command(epilog="Exit codes: 0 compared; 1 compared, with error findings (e.g. an invalid period); "
                    "2 nothing to compare or a bad invocation.")
def compare(
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="FILE", help=ARCHIVE_HELP, show_default=False,
                                                 readable=False)] = None,
    org: Annotated[str | None, typer.Option(
        "--org", metavar="KEY", help="Organisation (name or key such as owes-olsztyn); optional when the archive holds one.")]
    = None,
    section: Annotated[str | None, typer.Option("--section", metavar="CODE", help="Only this section (canonical name or code, "
                                                                    "e.g. CPS).")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only reports of this kind.")] = None,
    factor: Annotated[float, typer.Option("--factor", metavar="F",
                                          help="Flag a change between consecutive periods by this factor or more.")]
    = 2.0,
    known_only: Annotated[bool, typer.Option("--known-only", help="Only taxonomy indicators (hide subjects the "
                                                                   "taxonomy does not know).")] = False,
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f", help="table; csv; json; html: a page with a "
                                                                       "chart per indicator.")]
    = CompareFormat.table,
    long: Annotated[bool, typer.Option("--long", help="CSV in long form: one row per indicator and period.")]
    = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=OUTPUT_HELP,
                                                                readable=False)] = None,
) -> None:
    """Compare an organisation's reports across periods: values, changes, cumulative totals, findings.

    CSV: one row per (section, indicator), one column per period (chronological), then the
    change from the previous period (Δ, Δ%), cumulative totals (Σ, flows only), whether each
    value is approximate (~ columns, 1 or 0) and the organisation. With --long: one row per
    indicator and period (org_key, organisation, section, indicator, name, unit, measure,
    period_start, period_end, kind, report, value, approximate, change, change_pct, cumulative).
    HTML: one self-contained page (no script, no network) with a bar chart per indicator.

    Reports the selection leaves out (another --kind, no organisation) are counted, with how
    to include them: under the table, on stderr with CSV, in the JSON and the page.

    Examples:

      sprawozdania compare --archive reports.sqlite --org owes-olsztyn --format csv --long -o olsztyn.csv

      sprawozdania compare --archive reports.sqlite --org owes-olsztyn --format html -o olsztyn.html
    """
    from ..archive import ArchiveError
    from ..compare import CompareError, build_comparison, check_factor, to_csv, to_html, to_json

    try:
        check_factor(factor)
    except CompareError as e:
        raise fail(f"--factor: {e}") from None
    if long and fmt is not CompareFormat.csv:
        raise fail("--long goes with --format csv")
    check_output(output)
    try:
        with open_for_reading(archive) as ar:
            cmp = build_comparison(ar, org=org, section=section, kind=kind.value if kind else None,
                                   factor=factor, known_only=known_only)
    except (ArchiveError, CompareError) as e:
        raise fail(str(e)) from None
    if fmt is CompareFormat.csv:       # JSON and HTML carry them, the table lists them at its end
        for lo in cmp.left_out:
            note(lo.message)
    if fmt is CompareFormat.table:
        render_output(output, lambda console: render_comparison(console, cmp))
    elif fmt is CompareFormat.csv:
        write_output(output, to_csv(cmp, long=long))
    elif fmt is CompareFormat.html:
        write_output(output, to_html(cmp))
    else:
        write_output(output, json.dumps(to_json(cmp), ensure_ascii=False, indent=1))
    if any(f.severity == "error" for f in cmp.findings):
        raise typer.Exit(1)


def _head(start: dt.date, end: dt.date) -> str:
    """Compact period label: months when the period runs from a 1st to a month's end."""
    whole = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    return f"{start:%Y-%m}\n{end:%Y-%m}" if whole else f"{start:%Y-%m-%d}\n{end:%Y-%m-%d}"


def render_comparison(console: Console, cmp: Comparison) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from ..compare import fmt_num
    from ._common import is_wide

    wide = is_wide(console)
    t = Table(title=escape(tr("{org}: {n} periods, {rows} rows (taxonomy v{version}; Σ = cumulative, flows only)",
                              org=one_line(cmp.organisation), n=len(cmp.periods), rows=len(cmp.rows),
                              version=cmp.taxonomy_version)), title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, show_edge=False)
    # the indicator's name only when the terminal has room for it besides the periods
    with_names = console.width >= 34 + 9 * (len(cmp.periods) + 1) + 30
    t.add_column(tr("section"), no_wrap=True)
    t.add_column(tr("indicator"), no_wrap=True, overflow="ellipsis",
                 max_width=None if wide else 22 if with_names else 18)
    if with_names:
        t.add_column(tr("name"), no_wrap=True, overflow="ellipsis", max_width=None if wide else 34)
    for p in cmp.periods:
        t.add_column(_head(p.start, p.end), justify="right", no_wrap=True, min_width=7)
    t.add_column("Σ", justify="right", no_wrap=True, min_width=5)
    # each covering report (final, annual) in a column group of its own, beside the periods and Σ
    for cv in cmp.covering:
        c = cv.column
        t.add_column(f"{tr(c.kind) if c.kind else '⊃'}\n" + _head(c.start, c.end), justify="right", no_wrap=True,
                     min_width=7, style="italic")
    for r in cmp.rows:
        cells: list[Text | str] = []
        for i, v in enumerate(r.values):
            cell = Text(("~" if r.approximate[i] else "") + fmt_num(v) if v is not None else "—",
                        style="" if v is not None else "dim")
            change = r.change[i] if i else None
            if change is not None:
                style = "green" if change > 0 else "red" if change < 0 else "dim"
                cell.append(f"\n{fmt_num(change, signed=True)}", style=style)
                pct = r.change_pct[i]
                cell.append(f"\n{pct:+.0f}%" if pct is not None else "\n", style=style)
            cells.append(cell)
        total = next((c for c in reversed(r.cumulative) if c is not None), None)
        ind = Text(r.indicator, style="bold") if r.indicator else Text("?", style="dim")
        name = Text(one_line(r.name), style="" if r.indicator else "italic dim")
        if not with_names and not r.indicator:
            ind = Text(f"?{one_line(r.name)}", style="italic dim")
        if r.unit == "hours":
            ind.append(" [h]", style="dim")
        covering: list[Text] = []
        for i in range(len(cmp.covering)):
            v, verdict = r.covering_values[i], r.verdicts[i]
            cell = Text(("~" if r.covering_approximate[i] else "") + fmt_num(v) if v is not None else "—",
                        style="" if v is not None else "dim")
            if verdict is not None:
                mark, style = VERDICT_MARK[verdict]
                cell.append(f" {mark}", style=style)
            covering.append(cell)
        t.add_row(Text(one_line(r.section or "—")), ind, *([name] if with_names else []), *cells,
                  fmt_num(total) if total is not None else "", *covering)
    console.print(t)
    if cmp.covering:
        console.print(Text(tr("{n} covering report(s) in columns of their own (✓ agrees with the periods it covers, "
                              "≠ differs, ? cannot be checked); not in Σ", n=len(cmp.covering)), style="dim"))
    if cmp.reconciliation is not None and cmp.reconciliation.covering:
        from .audit_archive import render_reconciliation

        render_reconciliation(console, cmp.reconciliation, show_findings=False)
    if cmp.findings:
        ft = Table(title=escape(tr("Findings across periods ({n})", n=len(cmp.findings))), title_justify="left",
                   box=None,
                   show_header=False, pad_edge=False)
        ft.add_column(no_wrap=True)
        ft.add_column(no_wrap=True)
        ft.add_column(overflow="fold")
        for f in cmp.findings:
            ft.add_row(Text(tr(f.severity), style=SEVERITY_STYLE.get(f.severity, "")), f.code, Text(one_line(f.message)))
        console.print(ft)
    for lo in cmp.left_out:
        console.print(Text(tr("note:") + " " + translate(lo.message), style="dim"))
