"""`sprawozdania review` (a self-contained review page per report) and `sprawozdania serve` (the
local web application over an archive). The web framework is imported only by `serve`."""
from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cli import app
from ..i18n import tr
from ._common import ARCHIVE_HELP, archive_path, check_limits, check_output, err, fail, write_output

if TYPE_CHECKING:
    from models import Report

    from ..batch import BatchResult


def review_html(report: Report, path: str | Path) -> str:
    """The review page of a report extracted with keep_text (its scanned pages beside the text)."""
    from ..read.ocr import ocr_pages_of
    from ..review import page_images, render_review

    images: list[tuple[int, str]] = []
    pages = ocr_pages_of(path)
    if pages:
        try:
            images = page_images(path, pages)
        except Exception as e:  # noqa: BLE001 - the page is written without its images
            err(tr("{path}: page images left out ({detail})", path=path, detail=f"{type(e).__name__}: {e}"))
    return render_review(report, report.text or "", images=images)


def review_path(output: Path) -> Path:
    """Where `batch --review` writes the page of an output file: beside it, `.review.html`."""
    name = output.name
    for ext in (".facts.json", ".json", ".jsonl", ".csv"):
        if name.endswith(ext):
            name = name[: -len(ext)]
            break
    return output.with_name(name + ".review.html")


def write_batch_reviews(result: BatchResult, archive: Path | None) -> int:
    """`batch --review`: a review page beside the output of every report converted or up to date
    (missing pages only for those), of the archived — corrected — record when there is an archive.
    A report that fails here is one line; the batch's outputs stand. Returns the pages written."""
    from .. import extract as do_extract
    from ..archive import Archive
    from ..errors import SprawozdaniaError
    from ..read.ocr import OcrOptions

    ocr = OcrOptions(cache=result.outdir / ".ocr")
    ar = Archive(archive, create=False) if archive is not None and archive.exists() else None
    written = 0
    try:
        for o in result.converted + result.skipped:
            if not o.output:
                continue
            target = review_path(result.outdir / o.output)
            if o.status == "skipped" and target.exists():
                continue
            try:
                rep = do_extract(o.path, keep_text=True, ocr=ocr)
                if ar is not None and o.sha256 and ar.has(o.sha256):
                    text, rep = rep.text, ar.record(o.sha256)
                    rep.text = text
                write_output(target, review_html(rep, o.path))
                written += 1
            except (SprawozdaniaError, OSError, typer.Exit) as e:
                err(tr("{path}: no review page ({detail})", path=o.path, detail=str(e) or type(e).__name__))
    finally:
        if ar is not None:
            ar.close()
    print(tr("review pages: {n}", n=written))
    return written


@app.command(epilog="Exit codes: 0 written; 2 a report could not be read (the others are written) or a bad "
                    "invocation.")
def review(
    reports: Annotated[list[Path], typer.Argument(metavar="REPORT", show_default=False,
                                                  help="Report files (any format extract reads, scans too).")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="The page (one report), or a folder for one page per report; default: REPORT.review.html beside "
             "each report.")] = None,
) -> None:
    """Write a self-contained review page (HTML, no network) of each report: the text with every fact
    highlighted by type and each finding's evidence underlined, the detail of a clicked fact, the
    audit with links to its evidence, filters, keyboard navigation (j/k facts, n findings); the scan
    beside the text for scanned reports. It can be mailed and opened anywhere.

    Examples:

      sprawozdania review corpus/owes-olsztyn_2018-09-01_2018-11-30.txt -o review.html

      sprawozdania review corpus/*.txt -o reviews/
    """
    from .. import ReadError
    from .. import extract as do_extract

    check_limits()
    many = len(reports) > 1
    if output is not None and not many and not output.is_dir() and not str(output).endswith(os.sep):
        check_output(output)
    failed = 0
    for path in reports:
        try:
            rep = do_extract(path, keep_text=True)
        except ReadError as e:
            err(str(e))
            failed += 1
            continue
        if output is None:
            target = path.with_name(path.name + ".review.html")
        elif many or output.is_dir() or str(output).endswith(os.sep):
            target = output / (path.name + ".review.html")
        else:
            target = output
        write_output(target, review_html(rep, path))
        print(target)
    if failed:
        raise typer.Exit(2)


@app.command(epilog="Stop it with Ctrl-C. Exit codes: 0 stopped; 2 no such archive, the port is taken or a bad "
                    "invocation.")
def serve(
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="FILE", help=ARCHIVE_HELP,
                                                 show_default=False)] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (localhost only unless you say "
                                                     "otherwise).")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option("--port", "-p", min=0, max=65535,
                                             help="Port; default: a free one, printed.")] = None,
    user: Annotated[str | None, typer.Option("--user", "-u", metavar="NAME",
                                             help="Who makes the corrections; default: the system user.")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Refuse every write (corrections, joins).")]
    = False,
) -> None:
    """Serve the archive as a local web application: reports by organisation and period (search,
    filters, verified state), each report's review page with corrections (change a fact's value,
    subject, label or link, delete a spurious fact, add a missed one from words selected in the
    text, mark the report verified), organisation pages with the compare table, a chart per
    indicator and joining keys that are one centre. Corrections are kept in the archive's own
    table (who, when, old and new value, reason), never in the extracted record.

    Examples:

      sprawozdania serve --archive reports.sqlite

      sprawozdania serve --archive reports.sqlite --port 8080 --user anna --read-only
    """
    from ..archive import ArchiveError

    who = (user or "").strip() or _system_user()
    path = archive_path(archive)
    try:
        from ..web import create_app, free_socket
        from ..web import serve as run
    except ImportError as e:
        raise fail(tr("serve needs the web packages ({detail}); pip install -e .", detail=str(e))) from None
    try:
        web_app = create_app(path, user=who, read_only=read_only)
    except ArchiveError as e:
        raise fail(str(e)) from None
    try:
        sock = free_socket(host, port)
    except OSError as e:
        raise fail(tr("cannot listen on {host}:{port} ({detail})", host=host, port=port or 0,
                      detail=e.strerror or str(e))) from None
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(tr("serving {archive} at http://{host}:{port}/ as {user}{ro} (Ctrl-C stops)", archive=path, host=shown,
             port=bound, user=who, ro=tr(", read-only") if read_only else ""), flush=True)
    try:
        run(web_app, sock)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
