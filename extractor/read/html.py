"""HTML pages (the seed report was published as one): the visible text in reading order.

Parsed with the standard library's html.parser, which never fetches anything, never fails
on broken markup and decodes every entity. Block elements (p, div, h1–h6, li, tr, …) start
a new paragraph, <br> a new line; scripts, styles, forms and navigation are dropped; white
space collapses as a browser collapses it (non-breaking spaces stay). List items keep a
bullet or number and stay one line apart; table rows become tab-separated lines. When the
page marks its content with <main> (or role="main") or <article>, only that is read, so
menus, sidebars and footers of the site do not end up in the report.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from html.parser import HTMLParser

from ._common import Extracted, collapse, join_blocks
from .txt import LEGACY, bom_encoding, decode_text, polish_score

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr", "keygen", "basefont", "frame", "isindex"})
SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object",
                  "canvas", "select", "textarea", "button", "nav", "audio", "video", "map", "datalist"})
BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
                   "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
                   "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu",
                   "ol", "p", "pre", "section", "summary", "table", "caption", "ul", "tbody", "thead",
                   "tfoot", "tr", "td", "th"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# a table cell with more paragraphs than this holds text laid out in a table (pages of the
# 1990s and 2000s, or a table never closed), not a figure: its row is read as paragraphs
LAYOUT_PARAGRAPHS = 3
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
                   "ascii": "cp1252", "iso8859-1": "cp1252", "x-user-defined": "cp1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{1,40})""", re.I)
_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|p|div|br|h[1-6]|table|span|ul|ol|li|a|b|i|"
                  r"strong|em|font|center|section|article|main)\b[^<>]{0,2000}>", re.I)


def looks_like_html(text: str, ext: str = "") -> bool:
    """Markup, by content: a doctype or <html>/<head>/<body>, or a text that opens with
    HTML tags; with an .html name any HTML tag will do."""
    head = text[:8192].lstrip("\ufeff \t\r\n").lower()
    if head.startswith("<!doctype html") or re.search(r"<(?:html|head|body)\b", head):
        return True
    if head.startswith("<") and _TAG.search(head[:4096]):
        return True
    return ext in (".html", ".htm", ".xhtml") and bool(_TAG.search(head))


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    name = _WHATWG_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "utf-8" if codec.startswith("utf-16") else name  # a meta tag readable as ASCII is not UTF-16


def decode_html(data: bytes) -> tuple[str, str]:
    """BOM, then valid UTF-8, then the <meta> charset unless a Polish code page reads the
    text clearly better (pages declared as ISO-8859-1 but written in cp1250 are common),
    then the plain-text detection."""
    bom = bom_encoding(data)
    if bom:
        codec, name, n = bom
        return data[n:].decode(codec, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared and declared != "utf-8":
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None:
            score = polish_score(text)[0]
            for enc in LEGACY:
                alt = data.decode(enc, errors="replace")
                if polish_score(alt)[0] > score + 2:
                    return alt, enc
            return text, declared
    return decode_text(data)


class _Scope(HTMLParser):
    """First pass: does the page mark its main content?"""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.main = False
        self.article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main" or any(k == "role" and (v or "").lower() == "main" for k, v in attrs):
            self.main = True
        elif tag == "article":
            self.article = True


class _Text(HTMLParser):
    def __init__(self, scope: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.scope = scope                      # "main", "article" or None (whole page)
        self.stack: list[tuple[str, bool, bool, bool]] = []   # (tag, skips, scopes, pre)
        self.open: Counter[str] = Counter()     # tags on the stack (an end tag is looked up in O(1))
        self.skip = 0
        self.inside = 0
        self.pre = 0
        self.blocks: list[tuple[str, bool]] = []
        self.buf: list[str] = []
        self.item = False
        self.marker = ""                        # the bullet or number a list item opened with
        self.lists: list[list[int]] = []        # [is ordered, counter]
        self.tables = 0                         # open <table> elements (nested ones flatten)
        self.rows: list[str] = []               # rows of the outermost table
        self.cells: list[list[str]] | None = None   # cells of the current row, each as paragraphs
        self.cell: list[str] | None = None      # paragraphs of the current cell
        self.layout = False                     # the current row holds a heading

    # --- output --------------------------------------------------------------------------
    @property
    def emitting(self) -> bool:
        return self.skip == 0 and (self.scope is None or self.inside > 0)

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        if self.marker and text.strip() == self.marker.strip():
            text = ""                           # a list item with nothing in it
        self.marker = ""
        if self.tables:
            if text.strip():
                if self.cell is None:
                    self.cell = []
                self.cell.append(_clean(text, False).replace("\n", " "))
            return
        if text.strip():
            self.blocks.append((_clean(text, self.pre > 0), self.item))
        self.item = False

    def end_cell(self) -> None:
        self.flush()
        if self.cell is not None:
            if self.cells is None:
                self.cells = []
            self.cells.append(self.cell)
            self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        if self.cells is not None:
            if self.layout or any(len(c) > LAYOUT_PARAGRAPHS for c in self.cells):
                if self.rows:                   # the data rows before it stay one block
                    self.blocks.append(("\n".join(self.rows), False))
                    self.rows = []
                self.blocks.extend((p, False) for c in self.cells for p in c)
            elif any(self.cells):
                self.rows.append("\t".join(" ".join(c) for c in self.cells))
            self.cells = None
        self.layout = False

    def end_table(self) -> None:
        self.end_row()
        if self.rows:
            self.blocks.append(("\n".join(self.rows), False))
        self.rows = []

    # --- parser events -------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        is_scope = self.scope is not None and (
            tag == self.scope or self.scope == "main" and any(
                k == "role" and (v or "").lower() == "main" for k, v in attrs))
        if tag in VOID:
            if tag == "br" and self.emitting:
                self.buf.append("\n")
            elif tag == "hr":
                self.flush()
            return
        if tag in ("p", "li", "dt", "dd") and self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)  # <p>a<p>b, <li>a<li>b
        if tag in BLOCK:
            if tag in ("td", "th"):
                self.end_cell()
                self.cell = []
            elif tag == "tr":
                self.end_row()
            elif tag == "table":
                self.flush()
                self.tables += 1
            else:
                self.flush()
        if tag in HEADINGS and self.tables:
            self.layout = True
        skips = tag in SKIP
        pre = tag in ("pre", "listing", "plaintext", "xmp")
        self.stack.append((tag, skips, is_scope, pre))
        self.open[tag] += 1
        self.skip += skips
        self.inside += is_scope
        self.pre += pre
        if tag in ("ul", "ol", "menu", "dir"):
            start = next((int(v) for k, v in attrs if k == "start" and v and v.strip().isdigit()), 1) \
                if tag == "ol" else 1
            self.lists.append([tag == "ol", start - 1])
        elif tag == "li" and self.emitting:
            self.item = True
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                self.marker = f"{self.lists[-1][1]}. "
            else:
                self.marker = "• "
            self.buf.append(self.marker)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self.handle_starttag(tag, attrs)
        else:  # <div/>: opens and closes
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open[tag]:
            if tag in ("p", "br"):  # </p> without <p>, </br>: a break, as browsers do
                self.flush() if tag == "p" else self.buf.append("\n")
            return
        while self.stack:
            name, skips, is_scope, pre = self.stack.pop()
            self.open[name] -= 1
            self._closed(name)
            self.skip -= skips
            self.inside -= is_scope
            self.pre -= pre
            if name == tag:
                break

    def _closed(self, name: str) -> None:
        if name in ("td", "th"):
            self.end_cell()
        elif name == "tr":
            self.end_row()
        elif name == "table":
            if self.tables == 1:
                self.end_table()
            self.tables = max(self.tables - 1, 0)
        elif name in BLOCK:
            self.flush()
        if name in ("ul", "ol", "menu", "dir") and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self.emitting:
            self.buf.append(data if self.pre else collapse(data))

    def close(self) -> None:
        super().close()
        while self.stack:
            self.handle_endtag(self.stack[-1][0])
        if self.tables:
            self.end_table()
            self.tables = 0
        self.flush()


def _clean(text: str, pre: bool) -> str:
    if pre:
        return text.strip("\n")
    lines = [collapse(line).strip(" ") for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def html_to_text(markup: str) -> str:
    probe = _Scope()
    probe.feed(markup)
    probe.close()
    scope = "main" if probe.main else "article" if probe.article else None
    parser = _Text(scope)
    parser.feed(markup)
    parser.close()
    return join_blocks(parser.blocks)


def read_html(data: bytes) -> Extracted:
    text, enc = decode_html(data)
    return Extracted(html_to_text(text), enc)
