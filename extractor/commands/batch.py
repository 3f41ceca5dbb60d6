"""`sprawozdania batch`: convert many reports in parallel, resumable, into a folder (and archive)."""
from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cli import app
from ..errors import one_line
from ..i18n import tr, translate
from ._common import check_limits, err, fail
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
OUTDIR/errors.jsonl), or the disk filled up (run again to resume); 2 nothing usable (every file failed, no inputs found) or a bad invocation;
130 interrupted (Ctrl-C) – run the same command again to resume."""


@app.command(epilog=EXIT_CODES)
def batch(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT",
        help="Report files, folders (searched recursively for report files) and glob patterns.",
        show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="OUTDIR", help="Output folder (created if missing).",
                                         show_default=False, readable=False)],
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, metavar="N",
                                                help="Worker processes (default: all cores).")] = None,
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="FILE",
                                                 help="Also store every report in this SQLite archive.",
                                                 readable=False)] = None,
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
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0, metavar="SECONDS",
        help="Time budget of each file; a file over it is stopped and recorded as failed (kind timeout). "
             "Default: scaled to the file, 60 s + 30 s a MiB + 30 s a page to scan. 0: no limit.",
        show_default=False)] = None,
    max_memory: Annotated[str | None, typer.Option(
        "--max-memory", metavar="SIZE",
        help="Memory budget of a worker (e.g. 2G, 500M); a file over it is stopped and recorded as failed "
             "(kind memory). Default: 3G. 0: no limit.", show_default=False)] = None,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Try again files that failed for time or memory in an earlier run (a re-run "
                               "skips them otherwise).")] = False,
) -> None:
    """Convert many reports with N worker processes; one bad file never stops the batch.

    Outputs are written atomically; a re-run skips files already converted (same content
    sha256), so an interrupted batch is resumed by running it again. Failures are listed
    in the summary and in OUTDIR/errors.jsonl. Scans (images, PDFs without a text layer)
    are read by OCR page by page over the workers; OUTDIR/.ocr caches what OCR read.

    Each file has a time and a memory budget (--timeout, --max-memory): a file over its budget
    is stopped without disturbing the others, and a re-run does not try it again unless
    --retry-failed. A full disk stops the batch with one line; run it again when there is space.

    Example: sprawozdania batch corpus -o out --archive reports.sqlite --workers 2

    Example: sprawozdania batch 'skany/*.pdf' -o out --timeout 600 --max-memory 4G
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
    from ..batch import BatchError, Budget, run_batch
    from ..read._common import parse_size

    def _term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    check_limits()                                    # workers read with the same limits
    try:
        memory = parse_size(max_memory) if max_memory is not None else None
    except ValueError:
        raise fail(f"--max-memory {max_memory!r}: not a size (such as 2G, 500M or 0 for no limit)") from None
    budget = Budget(timeout=timeout, max_memory=memory)
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
            bar.update(task, advance=1, last=escape(one_line(Path(o.path).name)[:40]))   # the column reads markup

    pages = bar.add_task(tr("OCR pages"), total=None, last="", visible=False)

    def on_pages(n: int) -> None:                      # scans: their pages are read first, in parallel
        bar.update(pages, total=n, visible=n > 0)

    def on_page(path: str, done: int, of: int) -> None:
        bar.update(pages, advance=1, last=escape(f"{one_line(Path(path).name)[:32]} p. {done}/{of}"))

    try:
        with bar:
            result = run_batch(inputs, output, fmt=fmt.value, workers=workers, archive=archive, force=force,
                               org=org, budget=budget, retry_failed=retry_failed, on_plan=on_plan,
                               on_result=on_result, on_pages=on_pages, on_page=on_page)
    except (BatchError, ArchiveError) as e:
        err(str(e))
        raise typer.Exit(2) from None
    finally:
        signal.signal(signal.SIGTERM, old_term)
    _summary(console, result)
    if review:
        from .web_cmd import write_batch_reviews

        write_batch_reviews(result, archive)
    if result.stopped:
        err(f"{result.stopped}; the batch stopped, {result.not_converted} file(s) not converted "
            "(run it again when there is space: it resumes)")
    for problem in result.problems:
        err(problem)
    raise typer.Exit(result.exit_code)


def _summary(console: Console, r: BatchResult) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text


    conv, skip, fail = r.converted, r.skipped, r.failed
    how = tr("workers: {n}", n=r.workers) if r.workers else tr("nothing to convert")
    console.print(f"[bold]batch[/] → {escape(one_line(str(r.outdir)))}  ({r.fmt}, {escape(how)})", highlight=False)
    t = Table(show_header=False)
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row(tr("converted"), str(len(conv)))
    t.add_row(tr("up to date (skipped)"), str(len(skip)))
    t.add_row(tr("failed"), f"[red]{len(fail)}[/]" if fail else "0")
    if r.ignored:
        kinds = [f"{k or tr('no suffix')} {n}" for k, n in list(r.ignored_kinds.items())[:6]]
        more = len(r.ignored_kinds) - len(kinds)
        t.add_row(tr("not reports (ignored)"), f"{r.ignored} ({', '.join(kinds)}{', …' if more > 0 else ''})"
                  if kinds else str(r.ignored))
    arch = [o.archive for o in conv if o.archive]
    if arch:
        t.add_row(tr("archive"), ", ".join(f"{tr(k)} {arch.count(k)}" for k in ("added", "updated", "unchanged")
                                       if arch.count(k)))
    if conv:
        t.add_row(tr("facts / findings"), f"{sum(o.facts for o in conv)} / {sum(o.findings for o in conv)}")
    rate = ", " + tr("{rate} files/s", rate=f"{len(conv) / r.seconds:.1f}") if conv and r.seconds > 0 else ""
    t.add_row(tr("time"), f"{r.seconds:.1f} s{rate}")
    if r.combined:
        t.add_row(tr("all rows"), Text(one_line(str(r.outdir / r.combined))))
    if r.stopped:
        t.add_row(f"[red]{escape(tr('stopped: no space'))}[/]", tr("{n} not converted", n=r.not_converted))
    if r.interrupted:
        t.add_row(f"[yellow]{escape(tr('interrupted'))}[/]", tr("run again to resume"))
    console.print(t)
    if fail:
        ft = Table(title=escape(tr("Failed ({n}) – also in {path}", n=len(fail),
                                   path=one_line(str(r.outdir / "errors.jsonl")))),
                   title_justify="left")
        ft.add_column(tr("file"), overflow="fold")
        ft.add_column(tr("kind of error"))
        ft.add_column(tr("reason"), overflow="fold")
        for o in sorted(fail, key=lambda o: o.path):
            ft.add_row(Text(one_line(o.path)), Text(o.error_kind or ""), Text(one_line(translate(o.reason or ""))))
        console.print(ft)
    if r.held:
        n = len(r.held)
        console.print(f"skipped {n} file{'s' if n != 1 else ''} that failed for time or memory in an earlier "
                      "run; --retry-failed to try them again", highlight=False)
