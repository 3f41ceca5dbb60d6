"""The `sprawozdania` command line: a thin layer over the library API.

Heavy modules (spaCy, Morfeusz, pydantic models) are imported inside the commands, so
`sprawozdania --help` stays fast.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .commands._common import (
    LANG_HELP,
    OUTPUT_HELP,
    StdoutGuard,
    TranslatedGroup,
    check_limits,
    check_output,
    console,
    err,
    fail,
    install_click_translations,
    output_failed,
    readable_arguments,
    render_output,
    use_lang,
    write_output,
)
from .errors import one_line
from .i18n import tr

if TYPE_CHECKING:
    from rich.console import Console

readable_arguments()
install_click_translations()
app = typer.Typer(
    cls=TranslatedGroup,
    name="sprawozdania",
    help="Polish activity reports (sprawozdania) into validated, source-grounded records.\n\n"
         "Examples:\n\n"
         "  sprawozdania extract corpus/owes-olsztyn_2018-09-01_2018-11-30.txt\n\n"
         "  sprawozdania extract REPORT.txt --format facts -o REPORT.facts.json\n\n"
         "  sprawozdania batch corpus -o out --archive reports.sqlite\n\n"
         "  sprawozdania compare --archive reports.sqlite --org owes-olsztyn --format html -o olsztyn.html\n\n"
         "  sprawozdania archive export --archive reports.sqlite --format xlsx -o reports.xlsx\n\n"
         "  sprawozdania --lang en audit REPORT.txt",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("sprawozdania")
        except PackageNotFoundError:
            v = "unknown"
        typer.echo(f"sprawozdania {v}")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", metavar="pl|en", help=LANG_HELP)] = None,
) -> None:
    """Polish activity reports (sprawozdania) into validated, source-grounded records."""
    use_lang(lang)


FACT_TYPES = ("count", "hours", "date", "date_range", "location", "amount")


def _fact_types(value: str | None) -> set[str] | None:
    """--type count,hours: the fact types to show (an unknown one is an error naming the valid ones)."""
    if value is None:
        return None
    types = {t.strip() for t in value.split(",") if t.strip()}
    bad = sorted(types - set(FACT_TYPES))
    if bad or not types:
        err(tr("--type: unknown fact type {bad} (types: {types})", bad=", ".join(bad) or repr(value),
               types=", ".join(FACT_TYPES)))
        raise typer.Exit(2)
    return types


class ExtractFormat(str, Enum):
    rich = "rich"
    json = "json"
    facts = "facts"


def _extract_all(paths: list[Path], keep_text: bool = False) -> tuple[list, int]:  # type: ignore[type-arg]
    """Extract every file; a file that cannot be read, or that the extractor fails on, is
    reported on one line and the others go on. Returns (reports, number failed)."""
    from extractor import ReadError
    from extractor import extract as do_extract

    out = []
    failed = 0
    for path in paths:
        try:
            out.append(do_extract(path, keep_text=keep_text))
        except ReadError as e:
            err(str(e))
            failed += 1
        except Exception as e:  # noqa: BLE001 — one report's failure must not lose the others
            err(tr("{path}: internal error while extracting ({detail})", path=path, detail=f"{type(e).__name__}: {e}"))
            failed += 1
    return out, failed


@app.command()
def extract(
    reports: Annotated[list[Path], typer.Argument(
        metavar="REPORT", show_default=False,
        help="Report files: .txt, .docx, .odt/.fodt, .pdf, .html, and scans (.png, .jpg, .tif, PDFs without a "
             "text layer: read by OCR); the format is told by content.", readable=False)],
    fmt: Annotated[ExtractFormat, typer.Option("--format", "-f", help="rich view, full JSON record, or facts/1.")]
    = ExtractFormat.rich,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=OUTPUT_HELP,
                                                readable=False)] = None,
    with_text: Annotated[bool, typer.Option("--text", help="Include the decoded text in --format json.")] = False,
    types: Annotated[str | None, typer.Option("--type", "-t", metavar="TYPE,...", help="Only facts of these types "
                                              f"({', '.join(FACT_TYPES)}), e.g. --type count,hours.")] = None,
) -> None:
    """Extract kind, period, sections, facts and findings from reports.

    With several reports, --format json/facts prints a JSON array.

    Examples:

      sprawozdania extract corpus/owes-olsztyn_2018-09-01_2018-11-30.txt --format facts

      sprawozdania extract REPORT.txt --type count,hours > facts.txt
    """
    from .emit import to_facts

    only = _fact_types(types)
    check_limits()
    check_output(output)
    results, failed = _extract_all(reports, keep_text=with_text)
    if only is not None:
        for rep in results:
            rep.facts = [f for f in rep.facts if f.type in only]
    if not results:
        pass              # nothing to write: every report failed, each on its error line
    elif fmt is ExtractFormat.rich:
        from .view import render_report

        def draw(console: Console) -> None:
            for rep in results:
                render_report(console, rep)

        render_output(output, draw)
    else:
        if fmt is ExtractFormat.facts:
            docs = [to_facts(r) for r in results]
        else:
            docs = [json.loads(r.model_dump_json()) for r in results]
        payload = docs[0] if len(docs) == 1 and len(reports) == 1 else docs
        write_output(output, json.dumps(payload, ensure_ascii=False, indent=1))
    if failed:
        raise typer.Exit(2)


@app.command("eval")
def eval_cmd(
    corpus: Annotated[Path, typer.Argument(metavar="CORPUS", help="Corpus folder: reports, with gold in CORPUS/gold/.",
                                           readable=False)]
    = Path("corpus"),
    gold_dir: Annotated[Path | None, typer.Option("--gold", metavar="FOLDER", help="Gold folder (default CORPUS/gold).",
                                                  readable=False)] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List missed and spurious facts per report.")]
    = False,
    by_style: Annotated[bool, typer.Option("--by-style", help="Also total per organisation prefix.")] = False,
    by_body: Annotated[bool, typer.Option("--by-body", help="Also total per kind of body (OWES, KIS/CIS, WTZ, "
                                          "ŚDS, OPS, PCPR, other), told by the author's acronym.")] = False,
    min_f1: Annotated[float | None, typer.Option(metavar="F1", help="Exit 1 when facts F1 is below this.")] = None,
    min_links: Annotated[float | None, typer.Option(metavar="SHARE", help="Exit 1 when link accuracy is below this.")] = None,
    min_findings_f1: Annotated[float | None, typer.Option(metavar="F1", help="Exit 1 when checked-findings F1 is below.")]
    = None,
) -> None:
    """Score every report that has gold facts/1 (the contract's rule) and print P/R/F1.

    Example: sprawozdania eval corpus/beyond --by-body
    """
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from extractor import extract as do_extract

    from .emit import to_facts
    from .evaluate import TYPES, GoldError, Totals, load_gold, prf, score
    from .organisation import OTHER_BODY, body_of

    check_limits()
    con = console()
    gdir = gold_dir or corpus / "gold"
    golds = sorted(gdir.glob("*.facts.json"))
    if not golds:
        err(tr("no gold files (*.facts.json) in {folder}", folder=gdir))
        raise typer.Exit(2)
    loaded = []
    for gpath in golds:          # every unusable gold file named, before any scoring
        try:
            loaded.append(load_gold(gpath))
        except GoldError as e:
            err(str(e))
    if len(loaded) < len(golds):
        raise typer.Exit(2)
    total = Totals()
    styles: dict[str, Totals] = {}
    bodies: dict[str, Totals] = {}
    rows = []
    for gold in loaded:
        rpath = corpus / gold["source"]
        key = None
        try:
            report = do_extract(rpath)
            key = report.org_key
            pred = to_facts(report)
        except Exception as e:  # noqa: BLE001 — scored as an empty prediction, like the reference scorer
            err(tr("{path}: no usable prediction ({detail})", path=rpath, detail=f"{type(e).__name__}: {e}"))
            pred = {"facts": [], "sections": [], "findings": [], "document": {}}
        s = score(gold, pred)
        total.add(s)
        bodies.setdefault(body_of(key), Totals()).add(s)
        style = gold["source"].split("_")[0]
        styles.setdefault(style, Totals()).add(s)
        one = Totals()
        one.add(s)
        rows.append((gold["source"], s, one))
        if errors:
            for g in s.missed:
                line = one_line(f"{gold['source']} {g['section']} {g['type']} {g['value']!r} «{g.get('text', '')}»")
                con.print(f"  [red]{escape(tr('missed'))}[/]   " + escape(line), highlight=False)
            for sp in s.spurious:
                line = one_line(f"{gold['source']} {sp.get('_sec')} {sp['type']} {sp.get('value')!r} "
                                f"«{sp.get('text', '')}»")
                con.print(f"  [yellow]{escape(tr('spurious'))}[/] " + escape(line), highlight=False)
    t = Table(title=tr("Reports ({n})", n=len(rows)))
    for col in ("report", "period", "facts F1", "P", "R", "links", "findings"):
        t.add_column(tr(col), justify="left" if col == "report" else "right")
    for name, s, one in rows:
        p, r, f = prf(*one.facts)
        lk = f"{s.links[0]}/{s.links[1]}"
        fd = f"{s.findings[0]}/{s.findings[1]}/{s.findings[2]}"
        t.add_row(Text(one_line(name)), tr("ok") if s.period_ok else tr("WRONG"), f"{f:.3f}", f"{p:.3f}", f"{r:.3f}", lk, fd)
    con.print(t)
    tt = Table(title=tr("By type"))
    for col in ("type", "P", "R", "F1", "tp/pred/gold"):
        tt.add_column(tr(col), justify="right")
    for typ in (*TYPES, "sections", "findings"):
        v = total.types[typ] if typ in TYPES else getattr(total, typ)
        p, r, f = prf(*v)
        tt.add_row(typ, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", "/".join(map(str, v)))
    con.print(tt)
    if by_style:
        st = Table(title=tr("By organisation (style)"))
        for col in ("style", "reports", "facts F1", "links", "findings F1"):
            st.add_column(tr(col), justify="right")
        for name, tot in sorted(styles.items()):
            st.add_row(Text(one_line(name)), str(tot.periods[1]), f"{tot.f1:.3f}", f"{tot.link_accuracy:.3f}",
                       f"{tot.findings_f1:.3f}")
        con.print(st)
    if by_body:
        bt = Table(title=tr("By kind of body"))
        for col in ("kind of body", "reports", "periods", "facts F1", "P", "R", "links", "findings F1"):
            bt.add_column(tr(col), justify="right")
        for name, tot in sorted(bodies.items()):
            p, r, _f = prf(*tot.facts)
            bt.add_row(Text(tr(name) if name == OTHER_BODY else name), str(tot.periods[1]), f"{tot.periods[0]}/{tot.periods[1]}", f"{tot.f1:.3f}",
                       f"{p:.3f}", f"{r:.3f}", f"{tot.link_accuracy:.3f}", f"{tot.findings_f1:.3f}")
        con.print(bt)
    con.print(Text(total.total_line()), highlight=False)
    short = []
    if min_f1 is not None and total.f1 < min_f1 - 1e-9:
        short.append(f"facts F1 {total.f1:.3f} < {min_f1}")
    if min_links is not None and total.link_accuracy < min_links - 1e-9:
        short.append(f"links {total.link_accuracy:.3f} < {min_links}")
    if min_findings_f1 is not None and total.findings_f1 < min_findings_f1 - 1e-9:
        short.append(f"findings F1 {total.findings_f1:.3f} < {min_findings_f1}")
    if short:
        con.print(f"[bold red]{escape(tr('below the guard:'))}[/] " + "; ".join(short), highlight=False)
        raise typer.Exit(1)


class AuditFormat(str, Enum):
    table = "table"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


@app.command()
def audit(
    reports: Annotated[list[Path] | None, typer.Argument(metavar="REPORT", show_default=False,
                                                         help="Report files to check.", readable=False)] = None,
    fmt: Annotated[AuditFormat, typer.Option("--format", "-f", help="Rich tables or JSON.")] = AuditFormat.table,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when a finding has this severity or worse.")]
    = FailOn.error,
    show_info: Annotated[bool, typer.Option("--info/--no-info", help="Show info findings (typos, numbers "
                                            "not captured).")] = True,
    archive: Annotated[Path | None, typer.Option("--archive", "-a", metavar="FILE", show_default=False,
                                                 help="Check across the reports of this archive instead: final "
                                                      "and annual reports against the periodic reports they "
                                                      "cover, gaps and overlaps of periods.")] = None,
    org: Annotated[str | None, typer.Option("--org", metavar="KEY", help="With --archive: only this organisation "
                                                                          "(name or key).")] = None,
) -> None:
    """Check that a report's figures hold together; every finding quotes its evidence.

    Exit codes: 0 no finding at or above --fail-on, 1 some, 2 an input could not be read.

    Example: sprawozdania audit corpus/*.txt --fail-on warning

    Across reports: sprawozdania audit --archive reports.sqlite --org owes-nidzica
    """
    if archive is not None or org is not None:
        if reports:
            raise fail("give report files or --archive, not both")
        if archive is None:
            raise fail("--org goes with --archive")
        from .commands.audit_archive import audit_archive

        audit_archive(archive, org, fmt.value, fail_on.value, show_info)
        return
    if not reports:
        raise fail("give report files to check, or --archive FILE to check across archived reports")
    rank = {"info": 0, "warning": 1, "error": 2}
    threshold = {"error": 2, "warning": 1, "never": 99}[fail_on.value]
    check_limits()
    results, failed = _extract_all(reports, keep_text=True)
    unreadable = failed > 0
    worst = max((rank[f.severity] for r in results for f in r.findings), default=-1)
    if fmt is AuditFormat.json:
        from .lines import LineIndex
        from .view import evidence_places, sentences_of, sorted_findings

        docs = []
        for r in results:
            index = LineIndex(r.text) if r.text is not None else None
            found = []
            for f in sorted_findings(r, show_info):
                d = json.loads(f.model_dump_json())
                d["evidence"] = evidence_places(r, f, index)
                d["sentences"] = [{"line": line, "text": t} for line, t in sentences_of(f, index)]
                found.append(d)
            docs.append({"source": r.source.name, "numbers": r.stats.numbers, "explained": r.stats.explained,
                         "findings": found})
        write_output(None, json.dumps(docs, ensure_ascii=False, indent=1))
    else:
        from .view import render_audit_summary, render_findings

        con = console()
        for r in results:
            render_findings(con, r, show_info=show_info)
        if len(results) + failed > 1:
            render_audit_summary(con, results, failed, show_info=show_info)
    if unreadable:
        raise typer.Exit(2)
    if worst >= threshold:
        raise typer.Exit(1)


class SchemaOf(str, Enum):
    report = "report"
    reconciliation = "reconciliation"


@app.command()
def schema(
    of: Annotated[SchemaOf, typer.Option("--of", help="report: the Report record; reconciliation: what `audit "
                                                      "--archive --format json` prints per organisation.")]
    = SchemaOf.report,
) -> None:
    """Print the JSON Schema of the Report record (generated from the models).

    Example: sprawozdania schema > report.schema.json
    """
    from models import Reconciliation, Report

    model = Report if of is SchemaOf.report else Reconciliation
    write_output(None, json.dumps(model.model_json_schema(), ensure_ascii=False, indent=1))


from .commands import archive_cmd, batch, compare, web_cmd  # noqa: E402,F401,I001  (registers commands)


def main() -> None:
    """The console entry point: `--lang X` is taken wherever it stands on the command line. A
    write to standard output that fails — a full disk under `extract > file`, a closed pipe —
    ends as one line (nothing for a closed pipe), not a traceback; exit code 2."""
    import os

    from .i18n import ENV, LangError, check, lang_from_argv

    found, args = lang_from_argv(sys.argv[1:])
    if found is not None:
        try:
            os.environ[ENV] = check(found, "--lang")      # for this process and its workers
        except LangError as e:
            err(str(e))
            sys.exit(2)
    sys.stdout = StdoutGuard(sys.stdout)
    try:
        try:
            app(args=args, prog_name="sprawozdania")
        finally:
            sys.stdout.flush()           # here, where a failure can still be reported
    except OSError as e:
        code = output_failed(e)
        if code is None:
            raise
        sys.exit(code)


if __name__ == "__main__":
    main()
