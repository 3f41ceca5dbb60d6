"""Readable terminal view of a Report (rich)."""
from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from models import Amount, DateFact, DateRange, Location, Quantity, Report

from .errors import one_line

KIND_PL = {"partial": "częściowe", "final": "końcowe", "annual": "roczne"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _value(f: object) -> str:
    if isinstance(f, Quantity):
        v = f.value
        s = str(int(v)) if float(v).is_integer() else str(v)
        return ("~" if f.approximate else "") + s + (" (plan)" if f.planned else "")
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
    head.append(f"   rodzaj: {KIND_PL.get(rep.kind or '', '—')}")
    if rep.period:
        p = rep.period
        head.append(f"   okres: {p.start:%d.%m.%Y} – {p.end:%d.%m.%Y}")
        if p.origin == "body":
            head.append(" (z treści)")
    else:
        head.append("   okres: brak", style="red")
    counts: dict[str, int] = {}
    for f in rep.facts:
        counts[f.type] = counts.get(f.type, 0) + 1
    head.append("\nfakty: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    head.append(f"   liczby wyjaśnione: {rep.stats.explained}/{rep.stats.numbers}")

    secs = Table(title="Sekcje", show_edge=False, expand=False)
    secs.add_column("kod")
    secs.add_column("nagłówek")
    secs.add_column("znaki", justify="right")
    for s in rep.sections:
        secs.add_row(_t(s.code), _t(s.title), f"{s.start}–{s.end}")

    facts = Table(title="Fakty", show_edge=False)
    for col in ("id", "sekcja", "typ", "wartość", "tekst", "przedmiot / część"):
        facts.add_column(col, overflow="fold")
    for f in rep.facts:
        extra = ""
        if isinstance(f, Quantity):
            extra = f"↳ {f.part_of}: {f.label}" if f.part_of else (f.subject or "")
        facts.add_row(f.id, _t(f.section or "—"), f.type, _t(_value(f)),
                      _t(f.span.text.replace("\n", " ")), _t(extra))

    parts: list[object] = [head, secs, facts]
    if rep.findings:
        fnd = Table(title="Ustalenia", show_edge=False)
        for col in ("waga", "kod", "sekcja", "komunikat", "dowód"):
            fnd.add_column(col, overflow="fold")
        for x in rep.findings:
            ev = x.evidence[0].text.replace("\n", " ") if x.evidence else ""
            fnd.add_row(Text(x.severity, style=SEVERITY_STYLE[x.severity]), x.code, _t(x.section or "—"),
                        _t(x.message), _t(ev))
        parts.append(fnd)
    console.print(Panel(Group(*parts), title="sprawozdanie", expand=True))  # type: ignore[arg-type]


def render_findings(console: Console, rep: Report, show_info: bool = True) -> None:
    """One table per report, errors first, each finding with its quoted evidence."""
    order = {"error": 0, "warning": 1, "info": 2}
    shown = [f for f in rep.findings if show_info or f.severity != "info"]
    share = rep.stats.explained_share
    title = (f"{one_line(rep.source.name)} — ustalenia: {len(shown)}; liczby wyjaśnione "
             f"{rep.stats.explained}/{rep.stats.numbers} ({share:.0%})")
    if not shown:
        console.print(Text(title + " — brak uwag", style="green"))
        return
    t = Table(title=escape(title), show_lines=False, title_justify="left")
    for col in ("waga", "kod", "sekcja", "komunikat", "dowód (znaki)"):
        t.add_column(col, overflow="fold")
    for f in sorted(shown, key=lambda f: (order[f.severity], f.evidence[0].start if f.evidence else -1)):
        ev = "; ".join(f"„{e.text.replace(chr(10), ' ')}” ({e.start}–{e.end})" for e in f.evidence[:3])
        if len(f.evidence) > 3:
            ev += f"; … (+{len(f.evidence) - 3})"
        t.add_row(Text(f.severity, style=SEVERITY_STYLE[f.severity]), f.code, _t(f.section or "—"),
                  _t(f.message), _t(ev))
    console.print(t)
