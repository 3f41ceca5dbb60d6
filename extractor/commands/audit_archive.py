"""`sprawozdania audit --archive`: every check across the reports of an archive.

Per organisation (or the one `--org` names): the comparison's findings across periods and the
reconciliation of each covering report (final, annual) with the periodic reports it covers.
Each finding is printed with the arithmetic and every figure's evidence (file, line:column,
quoted words) and stored in the archive (`cross_findings`, `cross_evidence`).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..i18n import tr
from ._common import console, fail, open_for_reading, warn, write_output

if TYPE_CHECKING:
    from rich.console import Console

    from models import CrossFindingRecord, Reconciliation

    from ..archive import Archive

RANK = {"info": 0, "warning": 1, "error": 2}
# readers of these formats are quick; a scan would be read by OCR again only to count lines
_LOCATABLE = {".txt", ".text", ".md", ".docx", ".odt", ".fodt", ".html", ".htm", ".pdf"}


class _Places:
    """Line and column of evidence: the report's text read again from its archived path, when
    the file is still there with the same content (its sha256); else none."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._index: dict[str, tuple[str, Any] | None] = {}
        self._paths: dict[str, list[str]] = {}

    def path_and_index(self, sha: str) -> tuple[str, Any] | None:
        if sha not in self._index:
            from ..lines import LineIndex
            from ..read import ReadError, read

            found: tuple[str, Any] | None = None
            paths = self.archive.paths(sha)
            self._paths[sha] = paths
            for p in paths:
                if Path(p).suffix.lower() not in _LOCATABLE or not Path(p).is_file():
                    continue
                try:
                    src = read(p)
                except ReadError:
                    continue
                if src.sha256 == sha:
                    found = (p, LineIndex(src.record_text))
                    break
            self._index[sha] = found
        return self._index[sha]

    def fill(self, f: CrossFindingRecord) -> None:
        """Line and column of every piece of evidence (while the archive is open)."""
        for e in f.evidence:
            got = self.path_and_index(e.sha256)
            if got is not None and got[1].text[e.start:e.end] == e.text:
                e.line, e.column = got[1].line_col(e.start)

    def file(self, sha: str, name: str) -> str:
        """Where the report is: its path as archived (the first one seen), else its file name."""
        got = self._index.get(sha)
        if got is not None:
            return got[0]
        paths = self._paths.get(sha) or []
        return paths[0] if paths else name


def audit_archive(archive: Path | None, org: str | None, fmt: str, fail_on: str, show_info: bool) -> None:
    from ..archive import ArchiveError
    from ..compare import CompareError, build_comparison

    threshold = {"error": 2, "warning": 1, "never": 99}[fail_on]
    results: list[tuple[Reconciliation, _Places]] = []
    try:
        with open_for_reading(archive) as ar:
            if org is not None:
                key = ar.resolve(org)
                keys = [k for k, _n, _c in ar.organisations() if k is not None and k == key]
                if not keys:
                    known = ", ".join(k for k, _n, _c in ar.organisations() if k) or "none"
                    raise fail(f"no reports of organisation {org!r} in the archive (known: {known})")
            else:
                keys = [k for k, _n, _c in ar.organisations() if k is not None]
                if not keys:
                    raise fail("the archive holds no report with a known organisation")
            for key in keys:
                try:
                    cmp = build_comparison(ar, org=key)
                except CompareError as e:
                    warn(f"{key}: {e}")
                    continue
                rec = cmp.reconciliation
                assert rec is not None
                places = _Places(ar)
                for f in rec.findings:
                    places.fill(f)
                ar.store_cross_findings(key, rec.findings)
                results.append((rec, places))
    except ArchiveError as e:
        raise fail(str(e)) from None
    worst = max((RANK[f.severity] for rec, _p in results for f in rec.findings), default=-1)
    if fmt == "json":
        docs = []
        for rec, _p in results:
            d = rec.model_dump(mode="json")
            if not show_info:
                d["findings"] = [f for f in d["findings"] if f["severity"] != "info"]
            docs.append(d)
        write_output(None, json.dumps(docs, ensure_ascii=False, indent=1))
    else:
        con = console()
        for rec, places in results:
            render_reconciliation(con, rec, places, show_info)
    if worst >= threshold:
        raise typer.Exit(1)


VERDICT_STYLE = {"agrees": "green", "differs": "bold red", "unverifiable": "yellow"}


def render_reconciliation(con: Console, rec: Reconciliation, places: _Places | None = None,
                          show_info: bool = True, show_findings: bool = True) -> None:
    """The reconciliation table of one organisation (covering report × indicator: stated,
    expected, verdict), then its findings across reports, each with every figure's evidence."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from ..compare import fmt_num
    from .compare import SEVERITY_STYLE

    errors = sum(f.severity == "error" for f in rec.findings)
    if show_findings:
        con.print(Text(f"{rec.organisation} ({rec.org_key}): " + tr(
            "{n} covering report(s), {errors} error(s) across reports", n=len(rec.covering), errors=errors),
            style="bold"))
    for cv in rec.covering:
        r = cv.report
        t = Table(title=escape(tr("{kind} report {start} – {end} ({source}) against {n} periodic report(s)",
                                  kind=tr(r.kind) if r.kind else "", start=f"{r.start:%d.%m.%Y}",
                                  end=f"{r.end:%d.%m.%Y}", source=r.source, n=len(cv.covered)).strip()),
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column(tr("section"), no_wrap=True)
        t.add_column(tr("indicator"), overflow="fold")
        t.add_column(tr("stated"), justify="right")
        t.add_column(tr("covered reports"), overflow="fold")
        t.add_column(tr("verdict"), no_wrap=True)
        for ri in cv.indicators:
            name = (ri.indicator or f"?{ri.name}") + (" [h]" if ri.unit == "hours" else "")
            t.add_row(ri.section or "—", Text(name, style="" if ri.indicator else "italic"),
                      ("~" if ri.stated.approximate else "") + fmt_num(ri.stated.value),
                      Text(ri.arithmetic or ri.reason or ""),
                      Text(tr(ri.verdict), style=VERDICT_STYLE[ri.verdict]))
        con.print(t)
        for a in cv.gaps:
            con.print(Text(tr("not covered: {start} – {end}", start=f"{a.start:%d.%m.%Y}", end=f"{a.end:%d.%m.%Y}"),
                           style="yellow"))
    if not show_findings:
        return
    shown = [f for f in rec.findings if show_info or f.severity != "info"]
    if shown:
        con.print(Text(tr("Findings across reports ({n})", n=len(shown)), style="bold"))
    for f in shown:
        line = Text()
        line.append(tr(f.severity), style=SEVERITY_STYLE.get(f.severity, ""))
        line.append(f" {f.code} ")
        line.append(f.message)
        con.print(line)
        for e in f.evidence:
            where = places.file(e.sha256, e.source) if places is not None else e.source
            at = f":{e.line}:{e.column}" if e.line is not None else ""
            con.print(Text(f"    {where}{at} [{e.start}:{e.end}] «{e.text}»", style="dim" if not at else ""))
    con.print()


__all__ = ["audit_archive", "render_reconciliation"]
