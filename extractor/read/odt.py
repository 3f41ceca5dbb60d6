"""OpenDocument text (.odt, and the flat single-file .fodt): the body in reading order.

Same shape as the .docx reader: paragraphs and headings on their own, list items with
their bullet or number one line apart, table rows as tab-separated lines, frames after
their paragraph, notes last; tracked deletions, annotations and indexes (the table of
contents) are left out. ODF collapses white space in text and spells out extra spaces
with <text:s>, which is honoured.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ._common import Extracted, Limits, ReadFailure, collapse, join_blocks
from ._xml import MAX_DEPTH, local, parse_xml, too_deep
from ._zip import SafeZip

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

WHAT = "OpenDocument text (.odt)"
TEXT_MIMETYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template",
                  "application/vnd.oasis.opendocument.text-master")
Block = tuple[str, bool]

_SKIP_BLOCK = frozenset({(TEXT, "tracked-changes"), (TEXT, "sequence-decls"), (TEXT, "variable-decls"),
                         (TEXT, "user-field-decls"), (TEXT, "table-of-content"), (TEXT, "alphabetical-index"),
                         (TEXT, "illustration-index"), (TEXT, "table-index"), (TEXT, "object-index"),
                         (TEXT, "user-index"), (TEXT, "bibliography"), (OFFICE, "forms"),
                         (OFFICE, "annotation"), (TABLE, "table-columns"), (TABLE, "table-column")})
_SKIP_INLINE = frozenset({(OFFICE, "annotation"), (TEXT, "note-citation"), (TEXT, "tracked-changes"),
                          (TEXT, "ruby-text"), ("urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0", "title"),
                          ("urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0", "desc")})


@dataclass
class _ListLevel:
    bullet: bool = True
    fmt: str = "1"
    prefix: str = ""
    suffix: str = "."
    start: int = 1


def _list_styles(*roots: ET.Element | None) -> dict[str, dict[int, _ListLevel]]:
    out: dict[str, dict[int, _ListLevel]] = {}
    for root in roots:
        if root is None:
            continue
        for st in root.iter(f"{{{TEXT}}}list-style"):
            levels: dict[int, _ListLevel] = {}
            for lv in st:
                ns, tag = local(lv.tag)
                level = _int(lv.get(f"{{{TEXT}}}level"), 1)
                if tag == "list-level-style-number":
                    levels[level] = _ListLevel(
                        False, lv.get(f"{{{STYLE}}}num-format") or "1", lv.get(f"{{{STYLE}}}num-prefix") or "",
                        lv.get(f"{{{STYLE}}}num-suffix") or "", _int(lv.get(f"{{{TEXT}}}start-value"), 1))
                elif tag in ("list-level-style-bullet", "list-level-style-image"):
                    levels[level] = _ListLevel(True)
            out[st.get(f"{{{STYLE}}}name") or ""] = levels
    return out


def _int(s: str | None, default: int) -> int:
    try:
        return int(s) if s is not None else default
    except ValueError:
        return default


def _number(n: int, fmt: str) -> str:
    from .docx import format_number

    return format_number(n, {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman",
                             "I": "upperRoman"}.get(fmt, "decimal")) if fmt else ""


@dataclass
class _Walker:
    styles: dict[str, dict[int, _ListLevel]]
    notes: list[Block] = field(default_factory=list)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def blocks(self, el: ET.Element, depth: int, out: list[Block]) -> None:
        if depth > MAX_DEPTH:
            raise too_deep("content.xml")
        for child in el:
            key = local(child.tag)
            ns, tag = key
            if key in _SKIP_BLOCK:
                continue
            if ns == TEXT and tag in ("p", "h"):
                self.paragraph(child, depth + 1, out, "", False)
            elif ns == TEXT and tag == "list":
                self.a_list(child, depth + 1, out, child.get(f"{{{TEXT}}}style-name") or "", 1)
            elif ns == TABLE and tag == "table":
                self.table(child, depth + 1, out)
            elif ns == DRAW and tag == "frame" or ns == DRAW and tag == "text-box":
                self.blocks(child, depth + 1, out)
            elif ns == TEXT and tag in ("section", "index-body", "list-item", "list-header", "note-body",
                                        "soft-page-break"):
                self.blocks(child, depth + 1, out)
            elif ns in (TEXT, OFFICE, DRAW) and tag in ("text", "body", "a", "g"):
                self.blocks(child, depth + 1, out)

    def a_list(self, lst: ET.Element, depth: int, out: list[Block], style: str, level: int) -> None:
        if depth > MAX_DEPTH:
            raise too_deep("content.xml")
        style = lst.get(f"{{{TEXT}}}style-name") or style
        if level == 1 and lst.get(f"{{{TEXT}}}continue-numbering") != "true":
            for k in [k for k in self.counters if k[0] == style]:
                del self.counters[k]
        for item in lst:
            ns, tag = local(item.tag)
            if ns != TEXT or tag not in ("list-item", "list-header"):
                continue
            prefix = ""
            if tag == "list-item":
                lv = self.styles.get(style, {}).get(level, _ListLevel())
                if lv.bullet:
                    prefix = "• "
                else:
                    n = self.counters.get((style, level), lv.start - 1) + 1
                    self.counters[(style, level)] = n
                    for k in [k for k in self.counters if k[0] == style and k[1] > level]:
                        del self.counters[k]
                    label = f"{lv.prefix}{_number(n, lv.fmt)}{lv.suffix}".strip()
                    prefix = label + " " if label else ""
            first = True
            for child in item:
                cns, ctag = local(child.tag)
                if cns == TEXT and ctag in ("p", "h"):
                    self.paragraph(child, depth + 1, out, prefix if first else "", True)
                    first = False
                elif cns == TEXT and ctag == "list":
                    self.a_list(child, depth + 1, out, style, level + 1)
                else:
                    self.blocks(child, depth + 1, out)

    def table(self, tbl: ET.Element, depth: int, out: list[Block]) -> None:
        rows = []
        for row in tbl.iter(f"{{{TABLE}}}table-row"):
            cells = []
            for cell in row:
                if local(cell.tag) != (TABLE, "table-cell"):
                    continue
                blocks: list[Block] = []
                self.blocks(cell, depth + 2, blocks)
                cells.append(" ".join(b[0].strip() for b in blocks if b[0].strip()))
            if any(cells):
                rows.append("\t".join(cells))
        out.append(("\n".join(rows), False))

    def paragraph(self, p: ET.Element, depth: int, out: list[Block], prefix: str, item: bool) -> None:
        parts: list[str] = []
        nested: list[Block] = []
        self.inline(p, depth, parts, nested, in_list=item)
        text = "".join(parts).strip(" ")
        out.append(((prefix + text) if text.strip() else "", item))
        out.extend(nested)

    def inline(self, el: ET.Element, depth: int, parts: list[str], nested: list[Block], in_list: bool) -> None:
        if depth > MAX_DEPTH:
            raise too_deep("content.xml")
        if el.text:
            parts.append(collapse(el.text))
        for child in el:
            key = local(child.tag)
            ns, tag = key
            if key in _SKIP_INLINE or (in_list and key == (TEXT, "number")):
                pass
            elif ns == TEXT and tag == "s":
                parts.append(" " * min(_int(child.get(f"{{{TEXT}}}c"), 1), 1000))
            elif ns == TEXT and tag == "tab":
                parts.append("\t")
            elif ns == TEXT and tag == "line-break":
                parts.append("\n")
            elif ns == TEXT and tag == "note":
                body = next((c for c in child if local(c.tag) == (TEXT, "note-body")), None)
                if body is not None:
                    self.blocks(body, depth + 1, self.notes)
            elif ns == DRAW and tag in ("frame", "text-box"):
                self.blocks(child, depth + 1, nested)
            elif ns == TEXT and tag in ("p", "h", "list") or ns == TABLE and tag == "table":
                self.blocks(_wrap(child), depth + 1, nested)
            else:
                self.inline(child, depth + 1, parts, nested, in_list)
            if child.tail:
                parts.append(collapse(child.tail))


def _wrap(el: ET.Element) -> ET.Element:
    w = ET.Element("wrap")
    w.append(el)
    return w


def _encrypted(z: SafeZip) -> bool:
    name = "META-INF/manifest.xml"
    if not z.has(name):
        return False
    root = parse_xml(z.read(name), name)
    for entry in root.iter(f"{{{MANIFEST}}}file-entry"):
        if entry.get(f"{{{MANIFEST}}}full-path") == "content.xml":
            return any(local(c.tag)[1] == "encryption-data" for c in entry)
    return False


def odf_mimetype(z: SafeZip) -> str | None:
    if z.has("mimetype"):
        return z.read_text("mimetype", 200).strip()
    return None


def _extract(content: ET.Element, styles: ET.Element | None) -> Extracted:
    body = next((c for c in content if local(c.tag) == (OFFICE, "body")), None)
    office_text = next((c for c in body if local(c.tag) == (OFFICE, "text")), None) if body is not None else None
    if office_text is None:
        raise ReadFailure("unsupported", "OpenDocument file is not a text document (no office:text body)")
    w = _Walker(_list_styles(content, styles))
    blocks: list[Block] = []
    w.blocks(office_text, 0, blocks)
    return Extracted(join_blocks(blocks + w.notes))


def read_odt(data: bytes, limits: Limits) -> Extracted:
    z = SafeZip(data, limits, WHAT)
    mt = odf_mimetype(z)
    if mt is not None and mt not in TEXT_MIMETYPES:
        raise ReadFailure("unsupported", f"OpenDocument file of type {mt}, not a text document")
    if _encrypted(z):
        raise ReadFailure("encrypted", f"{WHAT} is password-protected")
    if not z.has("content.xml"):
        raise ReadFailure("corrupt", f"damaged {WHAT}: no content.xml")
    content = parse_xml(z.read("content.xml"), "content.xml")
    styles = parse_xml(z.read("styles.xml"), "styles.xml") if z.has("styles.xml") else None
    return _extract(content, styles)


def read_fodt(data: bytes, limits: Limits) -> Extracted:
    """Flat OpenDocument: one XML file with styles and body together."""
    root = parse_xml(data, "flat OpenDocument XML")
    return _extract(root, None)
