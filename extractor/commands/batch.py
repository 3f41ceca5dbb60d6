"""`sprawozdania batch`: convert many reports in parallel, resumable, into a folder (and archive)."""
from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cli import app
from ..i18n import tr, translate
from ._common import check_limits, err
from ._common import console as out_console

if TYPE_CHECKING:
    from rich.console import Console

    from ..batch import BatchResult, Outcome


class BatchFormat(StrEnum):
    json = "json"
    facts = "facts"
    jsonl = "jsonl"
    csv = "csv"


EXIT_CODES = """Exit codes: 0 every file converted or already up to date; 1 some files failed (see
OUTDIR/errors.jsonl); 2 nothing usable (every file failed, no inputs found) or a bad invocation;
130 interrupted (Ctrl-C) – run the same command again to resume."""


@app.command(epilog=EXIT_CODES)
def batch(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT",
        help="Report files, folders (searched recursively for report files) and glob patterns.",
        show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="OUTDIR", help="Output folder (created if missing).",
                                         show_default=False)],
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, metavar="N",
                                                help="Worker processes (default: all cores).")] = None,
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="FILE",
                                                 help="Also store every report in this SQLite archive.")] = None,
    fmt: Annotated[BatchFormat, typer.Option(
        "--format", "-f", help="json: full record per file; facts: facts/1 per file; jsonl/csv: one row per "
                               "fact, per file and all together in OUTDIR/all.jsonl|all.csv.")] = BatchFormat.json,
    force: Annotated[bool, typer.Option("--force", help="Convert again files already converted.")] = False,
    org: Annotated[str | None, typer.Option(
        "--org", metavar="KEY", help="The organisation every input is from (a key or a name): it wins over the "
                                     "centre a header or a file name gives, and the archive joins their keys to it.")]
    = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress",
                                           help="Show the progress bar (on stderr).")] = True,
    review: Annotated[bool, typer.Option("--review", help="Also write a review page (HTML) beside each output: "
                                                          "OUTDIR/<file>.review.html.")] = False,
) -> None:
    """Convert many reports with N worker processes; one bad file never stops the batch.

    Outputs are written atomically; a re-run skips files already converted (same content
    sha256), so an interrupted batch is resumed by running it again. Failures are listed
    in the summary and in OUTDIR/errors.jsonl. Scans (images, PDFs without a text layer)
    are read by OCR page by page over the workers; OUTDIR/.ocr caches what OCR read.

    Example: sprawozdania batch corpus -o out --archive reports.sqlite --workers 2
    """
    import signal

    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Column

    from ..archive import ArchiveError
    from ..batch import BatchError, run_batch

    def _term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    check_limits()                                    # workers read with the same limits
    old_term = signal.signal(signal.SIGTERM, _term)   # a polite kill stops like Ctrl-C
    console = out_console()
    errc = Console(stderr=True)
    bar = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(bar_width=24),
                   MofNCompleteColumn(), TextColumn("•"), TimeElapsedColumn(), TextColumn("• " + tr("ETA")),
                   TimeRemainingColumn(),
                   TextColumn("[dim]{task.fields[last]}", table_column=Column(no_wrap=True, overflow="ellipsis",
                                                                              max_width=28)),
                   console=errc, disable=not progress, transient=False)
    task = bar.add_task(tr("scanning"), total=None, last="")

    def on_plan(todo: int, up_to_date: int) -> None:
        bar.update(task, total=todo, visible=todo > 0,
                   description=tr("converting ({n} up to date)", n=up_to_date) if up_to_date else tr("converting"))

    def on_result(o: Outcome) -> None:
        if o.stage == "convert":
            bar.update(task, advance=1, last=escape(Path(o.path).name[:40]))   # the column reads markup

    pages = bar.add_task("OCR pages", total=None, last="", visible=False)

    def on_pages(n: int) -> None:                      # scans: their pages are read first, in parallel
        bar.update(pages, total=n, visible=n > 0)

    def on_page(path: str, done: int, of: int) -> None:
        bar.update(pages, advance=1, last=escape(f"{Path(path).name[:32]} p. {done}/{of}"))

    try:
        with bar:
            result = run_batch(inputs, output, fmt=fmt.value, workers=workers, archive=archive, force=force,
                               org=org, on_plan=on_plan, on_result=on_result, on_pages=on_pages,
                               on_page=on_page)
    except (BatchError, ArchiveError) as e:
        err(str(e))
        raise typer.Exit(2) from None
    finally:
        signal.signal(signal.SIGTERM, old_term)
    _summary(console, result)
    if review:
        from .web_cmd import write_batch_reviews

        write_batch_reviews(result, archive)
    raise typer.Exit(result.exit_code)


def _summary(console: Console, r: BatchResult) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    conv, skip, fail = r.converted, r.skipped, r.failed
    how = tr("workers: {n}", n=r.workers) if r.workers else tr("nothing to convert")
    console.print(f"[bold]batch[/] → {escape(str(r.outdir))}  ({r.fmt}, {escape(how)})", highlight=False)
    t = Table(show_header=False)
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row(tr("converted"), str(len(conv)))
    t.add_row(tr("up to date (skipped)"), str(len(skip)))
    t.add_row(tr("failed"), f"[red]{len(fail)}[/]" if fail else "0")
    if r.ignored:
        t.add_row(tr("not reports (ignored)"), str(r.ignored))
    arch = [o.archive for o in conv if o.archive]
    if arch:
        t.add_row(tr("archive"), ", ".join(f"{tr(k)} {arch.count(k)}" for k in ("added", "updated", "unchanged")
                                       if arch.count(k)))
    if conv:
        t.add_row(tr("facts / findings"), f"{sum(o.facts for o in conv)} / {sum(o.findings for o in conv)}")
    rate = ", " + tr("{rate} files/s", rate=f"{len(conv) / r.seconds:.1f}") if conv and r.seconds > 0 else ""
    t.add_row(tr("time"), f"{r.seconds:.1f} s{rate}")
    if r.combined:
        t.add_row(tr("all rows"), Text(str(r.outdir / r.combined)))
    if r.interrupted:
        t.add_row(f"[yellow]{escape(tr('interrupted'))}[/]", tr("run again to resume"))
    console.print(t)
    if fail:
        ft = Table(title=escape(tr("Failed ({n}) – also in {path}", n=len(fail), path=r.outdir / "errors.jsonl")),
                   title_justify="left")
        ft.add_column(tr("file"), overflow="fold")
        ft.add_column(tr("kind of error"))
        ft.add_column(tr("reason"), overflow="fold")
        for o in sorted(fail, key=lambda o: o.path):
            ft.add_row(Text(o.path), Text(o.error_kind or ""), Text(translate(o.reason or "")))
        console.print(ft)
