"""The review page: one report's text with every fact highlighted, for a person to check.

    from extractor.review import render_review
    html = render_review(report, text)                      # a self-contained page (sprawozdania review)
    html = render_review(report, text, editable=True, …)    # the served page (sprawozdania serve) adds
                                                            # the correction controls

One renderer for both: the same template (extractor/data/templates/review.html), styles and
script, inline — no network, no CDN, no build step. The report text is always escaped; facts
are `<mark>` elements nested where they overlap (a fact crossing another is cut into pieces that
nest), each finding's evidence is underlined by severity. Jinja2 is imported when a page is made.
"""
from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models import Report

TEMPLATES = Path(__file__).parent / "data" / "templates"
FACT_TYPES = ("count", "hours", "date", "date_range", "location", "amount")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    kind: str        # "f" (fact) or "e" (evidence of a finding)
    key: str         # fact id, or "finding index:evidence index"
    cls: str

    def open_tag(self) -> str:
        if self.kind == "f":
            return f'<mark class="f {self.cls}" data-f="{escape(self.key)}">'
        return f'<span class="ev {self.cls}" data-x="{escape(self.key)}">'

    def close_tag(self) -> str:
        return "</mark>" if self.kind == "f" else "</span>"


def marked_text(text: str, report: Report, corrected: set[str] | frozenset[str] = frozenset()) -> str:
    """The text as HTML (escaped), every fact a `<mark class="f t-TYPE" data-f=ID>` and every
    piece of a finding's evidence a `<span class="ev sev-SEVERITY" data-x="N:K">`, properly nested:
    elements open in the order (start, longest first) and one that crosses another is closed and
    opened again around it, so each fact's words are covered by elements with its id."""
    n = len(text)
    items: list[_Item] = []
    for f in report.facts:
        s, e = max(0, min(f.span.start, n)), max(0, min(f.span.end, n))
        if e > s:
            items.append(_Item(s, e, "f", f.id, f"t-{f.type}" + (" corrected" if f.id in corrected else "")))
    for i, x in enumerate(report.findings):
        for k, ev in enumerate(x.evidence):
            s, e = max(0, min(ev.start, n)), max(0, min(ev.end, n))
            if e > s:
                items.append(_Item(s, e, "e", f"{i}:{k}", f"sev-{x.severity}"))
    order = {id(it): (it.start, -it.end, it.kind, it.key) for it in items}
    cuts = sorted({0, n, *(it.start for it in items), *(it.end for it in items)})
    out: list[str] = []
    stack: list[_Item] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        active = sorted((it for it in items if it.start <= a and it.end >= b), key=lambda it: order[id(it)])
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep] is active[keep]:
            keep += 1
        for it in reversed(stack[keep:]):
            out.append(it.close_tag())
        for it in active[keep:]:
            out.append(it.open_tag())
        stack = active
        out.append(escape(text[a:b], quote=False))
    for it in reversed(stack):
        out.append(it.close_tag())
    return "".join(out)


def opening_at(start: int | None, end: int | None) -> str:
    """The URL fragment that opens a review page at characters start–end of its text: at the
    finding whose evidence starts there, else at the fact holding them, else with them
    highlighted (review.js). Empty without a span."""
    return f"#at={start}-{end}" if start is not None and end is not None else ""


def opening_finding(index: int) -> str:
    """The URL fragment that opens a review page at its finding number `index` (from 0, in the
    record's order: the archive's findings.ord)."""
    return f"#x{index}"


def _json_for_script(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' as such."""
    return (json.dumps(data, ensure_ascii=False, default=str)
            .replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def _value(f: Any) -> Any:
    from .compare import fmt_num

    if f.type in ("count", "hours", "amount"):
        return ("~" if getattr(f, "approximate", False) else "") + fmt_num(f.value) + (" h" if f.type == "hours" else "") \
            + (f" {f.currency}" if f.type == "amount" else "")
    if f.type == "date":
        return f.value.isoformat()
    if f.type == "date_range":
        return f"{f.start.isoformat()} – {f.end.isoformat()}"
    if f.type == "location":
        return f"{f.value} ({f.kind})"
    return str(getattr(f, "value", ""))


def page_data(report: Report, text: str) -> dict[str, Any]:
    """What the page's script shows: each fact's resolved value and details, each finding."""
    from .corrections import flat_value
    from .lines import LineIndex

    idx = LineIndex(text)
    n = len(text)
    corrected: dict[str, str] = {}
    if report.review:
        for c in report.review.corrections:
            if c.applied and c.fact and c.action in ("edit", "add"):
                corrected[c.fact] = c.action
    parts: dict[str, list[str]] = {}
    for f in report.facts:
        p = getattr(f, "part_of", None)
        if p:
            parts.setdefault(p, []).append(f.id)
    facts = []
    for f in report.facts:
        line, col = idx.line_col(min(f.span.start, n))
        prov = f.provenance
        facts.append({
            "id": f.id, "type": f.type, "value": _value(f), "raw": flat_value(f), "text": f.span.text,
            "start": f.span.start, "end": f.span.end, "section": f.section, "line": line, "col": col,
            "subject": getattr(f, "subject", None), "label": getattr(f, "label", None),
            "part_of": getattr(f, "part_of", None), "parts": parts.get(f.id, []),
            "indicator": getattr(f, "indicator", None), "kind": getattr(f, "kind", None),
            "approximate": getattr(f, "approximate", False), "planned": getattr(f, "planned", False),
            "subset": getattr(f, "subset", False),
            "rule": prov.rule if prov else None, "page": prov.page if prov else None,
            "confidence": prov.confidence if prov else None, "corrected": corrected.get(f.id)})
    findings = []
    for i, x in enumerate(report.findings):
        first = x.evidence[0].start if x.evidence else None
        findings.append({"i": i, "code": x.code, "severity": x.severity, "message": x.message,
                         "section": x.section, "facts": x.facts,
                         "line": idx.line(min(first, n)) if first is not None else None,
                         "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in x.evidence]})
    return {"facts": facts, "findings": findings}


def page_images(path: str | Path, pages: list[int], width: int = 1000, limit: int = 40) -> list[tuple[int, str]]:
    """(page, data: URL of a PNG) of the pages given (1-based) of a scanned PDF or image,
    rendered by pypdfium2 or read by Pillow, scaled to `width` pixels, at most `limit` pages."""
    from PIL import Image

    data = Path(path).read_bytes()
    out: list[tuple[int, str]] = []

    def encode(img: Any) -> str:
        img = img.convert("L")
        if img.width > width:
            img = img.resize((width, max(1, round(img.height * width / img.width))))
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True)
        return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")

    if data[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            for k in pages[:limit]:
                if 1 <= k <= len(pdf):
                    page = pdf[k - 1]
                    scale = width / max(1.0, page.get_width())
                    out.append((k, encode(page.render(scale=scale).to_pil())))
        finally:
            pdf.close()
        return out
    with Image.open(io.BytesIO(data)) as img:
        for k in pages[:limit]:
            try:
                img.seek(k - 1)
            except EOFError:
                break
            out.append((k, encode(img.copy())))
    return out


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


_ENV: Any = None


def environment() -> Any:
    """The one Jinja2 environment of the pages (autoescaping on everywhere)."""
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV


def asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render_review(report: Report, text: str, *, editable: bool = False, images: list[tuple[int, str]] | None = None,
                  nav: list[tuple[str, str]] | None = None, archive_note: str | None = None,
                  unmatched: list[Any] | None = None, read_only: bool = False, export_url: str | None = None,
                  api: str = "", text_missing: bool = False, across: list[tuple[Any, list[Any]]] | None = None) -> str:
    """The review page of one report (see the module docstring). `text`: the text the record's
    offsets index. `editable`: the served page with correction controls; `nav`: links (label,
    url) above the page; `images`: page images of a scan (page_images); `across`: findings across
    the organisation's reports with evidence in this one, each with its spans here."""
    from markupsafe import Markup

    from .i18n import lang, tr
    from .webtexts import texts

    counts: dict[str, dict[str, int]] = {}
    for f in report.facts:
        counts.setdefault(f.section or "—", {}).setdefault(f.type, 0)
        counts[f.section or "—"][f.type] += 1
    sev = {s: sum(1 for x in report.findings if x.severity == s) for s in SEVERITIES}
    review = report.review
    corrected = {c.fact for c in review.corrections if c.applied and c.fact} if review else set()
    T = texts()
    return str(environment().get_template("review.html").render(
        T=T, texts_json=Markup(_json_for_script(T)), api=api, text_missing=text_missing,
        lang=lang(), tr=tr, report=report, marked=Markup(marked_text(text, report, corrected)),
        data=Markup(_json_for_script(page_data(report, text))), css=Markup(asset("review.css")),
        js=Markup(asset("review.js")), editable=editable, images=images or [], nav=nav or [],
        counts=counts, severities=sev, fact_types=FACT_TYPES, review=review, archive_note=archive_note,
        unmatched=unmatched if unmatched is not None else (review.unmatched if review else []),
        read_only=read_only, export_url=export_url, kind=tr(report.kind) if report.kind else None,
        across=across or [], opening_at=opening_at, opening_finding=opening_finding))


__all__ = ["environment", "marked_text", "opening_at", "opening_finding", "page_data", "page_images", "render_review"]
