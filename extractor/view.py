"""Readable terminal view of a Report (rich)."""
from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from models import Amount, DateFact, DateRange, Finding, Location, Quantity, Report

from .errors import one_line
from .i18n import tr
from .lines import LineIndex

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def kind_label(kind: str | None) -> str:
    """A report kind as the interface says it ('partial' -> 'częściowe' in Polish)."""
    return tr(kind) if kind in ("partial", "final", "annual") else "—"


def severity(sev: str) -> Text:
    return Text(tr(sev), style=SEVERITY_STYLE.get(sev, ""))


def _value(f: object) -> str:
    if isinstance(f, Quantity):
        v = f.value
        s = str(int(v)) if float(v).is_integer() else str(v)
        return ("~" if f.approximate else "") + s + (f" ({tr('planned')})" if f.planned else "")
    if isinstance(f, DateFact):
        return f.value.isoformat()
    if isinstance(f, DateRange):
        return f"{f.start.isoformat()} – {f.end.isoformat()}"
    if isinstance(f, Location):
        return f"{f.value} [{f.kind}]"
    if isinstance(f, Amount):
        return f"{f.value:,.2f} {f.currency}".replace(",", " ")
    return ""


def _t(s: str, style: str = "") -> Text:
    """Text from a file name or a report, as the terminal must get it: no control characters
    or escape sequences (shown escaped), no markup."""
    return Text(one_line(s), style=style)


def render_report(console: Console, rep: Report) -> None:
    head = Text()
    head.append(one_line(rep.source.name), style="bold")
    head.append("   " + tr("kind: {kind}", kind=kind_label(rep.kind)))
    if rep.org_key:
        head.append("   " + one_line(tr("organisation: {name} ({key})", name=rep.organisation or rep.org_key,
                                        key=rep.org_key)))
    if rep.period:
        p = rep.period
        head.append("   " + tr("period: {start} – {end}", start=f"{p.start:%d.%m.%Y}", end=f"{p.end:%d.%m.%Y}"))
        if p.origin == "body":
            head.append(" " + tr("(from the body)"))
    else:
        head.append("   " + tr("period: none"), style="red")
    counts: dict[str, int] = {}
    for f in rep.facts:
        counts[f.type] = counts.get(f.type, 0) + 1
    head.append("\n" + tr("facts: {counts}", counts=", ".join(f"{k} {v}" for k, v in sorted(counts.items()))))
    head.append("   " + tr("numbers explained: {explained}/{numbers}", explained=rep.stats.explained,
                           numbers=rep.stats.numbers))

    secs = Table(title=tr("Sections"), show_edge=False, expand=False)
    secs.add_column(tr("code"))
    secs.add_column(tr("heading"))
    secs.add_column(tr("characters"), justify="right")
    for s in rep.sections:
        secs.add_row(_t(s.code), _t(s.title), f"{s.start}–{s.end}")

    facts = Table(title=tr("Facts"), show_edge=False)
    for col in ("id", "section", "type", "value", "text", "subject / part"):
        facts.add_column(tr(col), overflow="fold")
    for f in rep.facts:
        extra = ""
        if isinstance(f, Quantity):
            extra = f"↳ {f.part_of}: {f.label}" if f.part_of else (f.subject or "")
        facts.add_row(f.id, _t(f.section or "—"), f.type, _t(_value(f)),
                      _t(f.span.text.replace("\n", " ")), _t(extra))

    parts: list[object] = [head, secs, facts]
    if rep.findings:
        fnd = Table(title=tr("Findings"), show_edge=False)
        for col in ("severity", "code", "section", "message", "evidence"):
            fnd.add_column(tr(col), overflow="fold")
        for x in rep.findings:
            ev = x.evidence[0].text.replace("\n", " ") if x.evidence else ""
            fnd.add_row(severity(x.severity), x.code, _t(x.section or "—"), _t(x.message), _t(ev))
        parts.append(fnd)
    # on a terminal the panel fills its width; to a pipe or a file it is as wide as its tables
    console.print(Panel(Group(*parts), title=tr("report"), expand=console.is_terminal))  # type: ignore[arg-type]


ORDER = {"error": 0, "warning": 1, "info": 2}


def sorted_findings(rep: Report, show_info: bool = True) -> list[Finding]:
    """Errors, then warnings, then info; each in the order of the text."""
    shown = [f for f in rep.findings if show_info or f.severity != "info"]
    return sorted(shown, key=lambda f: (ORDER[f.severity], f.evidence[0].start if f.evidence else -1))


def evidence_places(rep: Report, f: Finding, index: LineIndex | None) -> list[dict[str, object]]:
    """Every evidence span of a finding with its line and column (1-based, in the text the file
    decodes to), and the sentences they stand in, each once and in the order of the text."""
    out: list[dict[str, object]] = []
    for e in f.evidence:
        d: dict[str, object] = {"start": e.start, "end": e.end, "text": e.text}
        if index is not None:
            d["line"], d["column"] = index.line_col(e.start)
        out.append(d)
    return out


def sentences_of(f: Finding, index: LineIndex | None) -> list[tuple[int, str]]:
    """(line, sentence) of each distinct sentence the evidence stands in."""
    if index is None:
        return []
    seen: dict[tuple[int, int], tuple[int, str]] = {}
    for e in f.evidence:
        s, t = index.sentence(e.start, e.end)
        if (s, t) not in seen:
            seen[(s, t)] = (index.line(s), " ".join(index.text[s:t].split()))
    return [seen[k] for k in sorted(seen)]


def render_findings(console: Console, rep: Report, show_info: bool = True) -> None:
    """One table per report, errors first, each finding with every piece of its evidence (line:
    column and offsets) and the sentence it stands in."""
    shown = sorted_findings(rep, show_info)
    share = rep.stats.explained_share
    title = one_line(rep.source.name) + " — " + tr("findings: {n}; numbers explained {explained}/{numbers} ({share})",
                                         n=len(shown), explained=rep.stats.explained, numbers=rep.stats.numbers,
                                         share=f"{share:.0%}")
    if not shown:
        console.print(Text(title + " — " + tr("no findings"), style="green"))
        return
    index = LineIndex(rep.text) if rep.text is not None else None
    t = Table(title=escape(title), show_lines=True, title_justify="left")
    for col in ("severity", "code", "section", "message", "evidence (line:column, characters) and sentence"):
        t.add_column(tr(col), overflow="fold")
    for f in shown:
        ev = Text()
        for i, d in enumerate(evidence_places(rep, f, index)):
            where = f"{d['line']}:{d['column']}, " if "line" in d else ""
            ev.append(("\n" if i else "") + f"„{one_line(str(d['text']).replace(chr(10), ' '))}” ({where}{d['start']}–{d['end']})")
        for line, sentence in sentences_of(f, index):
            ev.append("\n" + tr("l. {line}: ", line=line), style="dim")
            ev.append(one_line(sentence.replace(chr(10), " ")), style="italic")
        t.add_row(severity(f.severity), f.code, _t(f.section or "—"), _t(f.message), ev)
    console.print(t)


def render_audit_summary(console: Console, reports: list[Report], unreadable: int, show_info: bool = True) -> None:
    """Over many reports: how many were checked, and the findings by severity and code."""
    by_code: dict[tuple[str, str], list[int]] = {}
    for i, rep in enumerate(reports):
        for f in sorted_findings(rep, show_info):
            by_code.setdefault((f.severity, f.code), []).append(i)
    sev = {s: sum(len(v) for (sv, _c), v in by_code.items() if sv == s) for s in ORDER}
    with_errors = len({i for (s, _c), v in by_code.items() if s == "error" for i in v})
    head = (tr("Summary — reports checked: {n}", n=len(reports))
            + (tr(", unreadable: {n}", n=unreadable) if unreadable else "")
            + tr(", with errors: {n}; errors: {errors}, warnings: {warnings}", n=with_errors, errors=sev["error"],
                 warnings=sev["warning"])
            + (tr(", info: {n}", n=sev["info"]) if show_info else ""))
    console.print(Text(head, style="bold"))
    t = Table()
    for col in ("severity", "code", "findings", "reports"):
        t.add_column(tr(col), justify="right" if col in ("findings", "reports") else "left")
    for (s, code), idx in sorted(by_code.items(), key=lambda kv: (ORDER[kv[0][0]], -len(kv[1]), kv[0][1])):
        t.add_row(severity(s), code, str(len(idx)), str(len(set(idx))))
    console.print(t)
