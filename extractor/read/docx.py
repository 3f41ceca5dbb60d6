"""Word .docx (Office Open XML, transitional and strict): the body in reading order.

Paragraphs and headings each become a paragraph of text; automatic list numbering is
written out ("• ", "1. ", "a) ") and consecutive list items are kept one line apart, as in
the .txt corpus; table rows become lines with tab-separated cells; text boxes follow the
paragraph that anchors them; footnotes and endnotes come last. Tracked deletions, field
codes, comments and the table of contents (it repeats the headings) are left out, and so
are page headers and footers (page furniture, not report text).
"""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ._common import Extracted, Limits, ReadFailure, join_blocks
from ._xml import MAX_DEPTH, local, parse_xml, too_deep
from ._zip import SafeZip

W_NS = frozenset({"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                  "http://purl.oclc.org/ooxml/wordprocessingml/main"})
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

WHAT = "Word document (.docx)"
Block = tuple[str, bool]

# inline elements whose content is not text of the document
_SKIP_INLINE = frozenset({"pPr", "rPr", "del", "moveFrom", "delText", "delInstrText", "footnoteReference",
                          "endnoteReference", "commentReference", "annotationRef", "fldData", "tblPr",
                          "sectPr", "tcPr", "trPr", "tblGrid", "bookmarkStart", "bookmarkEnd",
                          "lastRenderedPageBreak", "proofErr", "permStart", "permEnd"})
# block-level wrappers whose children are blocks
_BLOCK_WRAPPERS = frozenset({"body", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "txbxContent",
                             "footnote", "endnote", "tc", "hdr", "ftr"})


def _attr(el: ET.Element, name: str) -> str | None:
    for ns in W_NS:
        v = el.get(f"{{{ns}}}{name}")
        if v is not None:
            return v
    return el.get(name)


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        ns, tag = local(c.tag)
        if tag == name and ns in W_NS:
            return c
    return None


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = _letters(n)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        s = _roman(n)
        return s.lower() if fmt == "lowerRoman" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Numbering:
    nums: dict[str, str] = field(default_factory=dict)                              # numId -> abstractNumId
    levels: dict[str, dict[int, tuple[str, str, int]]] = field(default_factory=dict)  # abstract -> ilvl -> fmt
    styles: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)  # style -> numPr, basedOn

    @classmethod
    def load(cls, numbering: ET.Element | None, styles: ET.Element | None) -> _Numbering:
        n = cls()
        if numbering is not None:
            for el in numbering:
                ns, tag = local(el.tag)
                if ns not in W_NS:
                    continue
                if tag == "abstractNum":
                    lv: dict[int, tuple[str, str, int]] = {}
                    for lvl in el:
                        if local(lvl.tag)[1] != "lvl":
                            continue
                        fmt_el, text_el, start_el = _child(lvl, "numFmt"), _child(lvl, "lvlText"), _child(lvl, "start")
                        lv[_int(_attr(lvl, "ilvl"), 0)] = (
                            (_attr(fmt_el, "val") if fmt_el is not None else None) or "decimal",
                            (_attr(text_el, "val") if text_el is not None else None) or "",
                            _int(_attr(start_el, "val") if start_el is not None else None, 1))
                    n.levels[_attr(el, "abstractNumId") or ""] = lv
                elif tag == "num":
                    a = _child(el, "abstractNumId")
                    n.nums[_attr(el, "numId") or ""] = (_attr(a, "val") if a is not None else None) or ""
        if styles is not None:
            for st in styles:
                if local(st.tag)[1] != "style":
                    continue
                ppr = _child(st, "pPr")
                num_id, ilvl = _num_pr(ppr)
                based = _child(st, "basedOn")
                n.styles[_attr(st, "styleId") or ""] = (num_id, ilvl, _attr(based, "val") if based is not None else None)
        return n

    def of_style(self, style: str | None) -> tuple[str | None, int | None]:
        seen = 0
        while style and seen < 20:
            entry = self.styles.get(style)
            if entry is None:
                return None, None
            if entry[0] is not None:
                return entry[0], entry[1]
            style, seen = entry[2], seen + 1
        return None, None


def _int(s: str | None, default: int) -> int:
    try:
        return int(s) if s is not None else default
    except ValueError:
        return default


def _num_pr(ppr: ET.Element | None) -> tuple[str | None, int | None]:
    num_pr = _child(ppr, "numPr")
    if num_pr is None:
        return None, None
    nid, lvl = _child(num_pr, "numId"), _child(num_pr, "ilvl")
    return (_attr(nid, "val") if nid is not None else None,
            _int(_attr(lvl, "val"), 0) if lvl is not None else None)


class _Walker:
    def __init__(self, numbering: _Numbering, skip_toc: bool = True) -> None:
        self.numbering = numbering
        self.skip_toc = skip_toc
        self.fields: list[list[str | bool]] = []   # [instruction, is TOC]
        self.toc = 0
        self.counters: dict[str, list[int]] = {}

    # --- blocks ----------------------------------------------------------------------------
    def container(self, el: ET.Element, depth: int, out: list[Block]) -> None:
        if depth > MAX_DEPTH:
            raise too_deep("word/document.xml")
        for child in el:
            ns, tag = local(child.tag)
            if ns == MC_NS:
                if tag == "AlternateContent":
                    alt = _choice(child)
                    if alt is not None:
                        self.container(alt, depth + 1, out)
                continue
            if ns not in W_NS:
                continue
            if tag == "p":
                self.paragraph(child, depth + 1, out)
            elif tag == "tbl":
                self.table(child, depth + 1, out)
            elif tag == "sdt":
                if not _is_toc_sdt(child):
                    content = _child(child, "sdtContent")
                    if content is not None:
                        self.container(content, depth + 1, out)
            elif tag in _BLOCK_WRAPPERS:
                self.container(child, depth + 1, out)

    def paragraph(self, p: ET.Element, depth: int, out: list[Block]) -> None:
        parts: list[str] = []
        nested: list[Block] = []
        self.inline(p, depth, parts, nested)
        text = "".join(parts)
        prefix, item = self.prefix(p) if text.strip() else ("", False)
        out.append((prefix + text, item))
        out.extend(nested)

    def table(self, tbl: ET.Element, depth: int, out: list[Block]) -> None:
        rows = []
        for tr in _descend(tbl, "tr"):
            cells = []
            for tc in _descend(tr, "tc"):
                blocks: list[Block] = []
                self.container(tc, depth + 2, blocks)
                cells.append(" ".join(b[0].strip() for b in blocks if b[0].strip()))
            if any(cells):
                rows.append("\t".join(cells))
        out.append(("\n".join(rows), False))

    # --- runs ------------------------------------------------------------------------------
    def inline(self, el: ET.Element, depth: int, parts: list[str], nested: list[Block]) -> None:
        if depth > MAX_DEPTH:
            raise too_deep("word/document.xml")
        for child in el:
            ns, tag = local(child.tag)
            if ns == MC_NS:
                if tag == "AlternateContent":
                    alt = _choice(child)
                    if alt is not None:
                        self.inline(alt, depth + 1, parts, nested)
                continue
            if ns not in W_NS:
                self.inline(child, depth + 1, parts, nested)  # drawing wrappers hold text boxes
                continue
            if tag in _SKIP_INLINE:
                continue
            visible = self.toc == 0
            if tag == "t":
                if visible:
                    parts.append(child.text or "")
            elif tag == "tab":
                if visible:
                    parts.append("\t")
            elif tag in ("br", "cr"):
                if visible:
                    parts.append("\n")
            elif tag == "noBreakHyphen":
                if visible:
                    parts.append("-")
            elif tag == "sym":
                code = _attr(child, "char")
                if visible and code:
                    try:
                        parts.append(chr(int(code, 16)))
                    except ValueError:
                        pass
            elif tag == "fldChar":
                self.field_char(_attr(child, "fldCharType"))
            elif tag == "instrText":
                if self.fields:
                    self.fields[-1][0] = str(self.fields[-1][0]) + (child.text or "")
            elif tag == "txbxContent":
                self.container(child, depth + 1, nested)
            elif tag == "p":
                self.paragraph(child, depth + 1, nested)
            elif tag == "tbl":
                self.table(child, depth + 1, nested)
            else:
                self.inline(child, depth + 1, parts, nested)

    def field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append(["", False])
        elif kind == "separate" and self.fields:
            top = self.fields[-1]
            if self.skip_toc and not top[1] and str(top[0]).strip().upper().startswith("TOC"):
                top[1] = True
                self.toc += 1
        elif kind == "end" and self.fields:
            if self.fields.pop()[1]:
                self.toc -= 1

    # --- numbering -------------------------------------------------------------------------
    def prefix(self, p: ET.Element) -> tuple[str, bool]:
        ppr = _child(p, "pPr")
        num_id, ilvl = _num_pr(ppr)
        if num_id is None:
            style = _child(ppr, "pStyle")
            s_num, s_lvl = self.numbering.of_style(_attr(style, "val") if style is not None else None)
            num_id, ilvl = s_num, ilvl if ilvl is not None else s_lvl
        if num_id is None or num_id == "0":
            return "", False
        ilvl = min(max(ilvl or 0, 0), 8)
        levels = self.numbering.levels.get(self.numbering.nums.get(num_id, ""), {})
        fmt, pattern, _start = levels.get(ilvl, ("bullet", "", 1))
        if fmt == "bullet":
            return "• ", True
        if fmt == "none":
            return "", True
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        for k in range(ilvl + 1, 9):
            counts[k] = 0

        def value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lfmt, _pat, start = levels.get(k, ("decimal", "", 1))
            return format_number(start + max(counts[k], 1) - 1, lfmt)

        label = re.sub(r"%([1-9])", value, pattern) if pattern else format_number(
            _start + counts[ilvl] - 1, fmt) + "."
        return (label + " ") if label.strip() else "", True


def _choice(alt: ET.Element) -> ET.Element | None:
    """The first mc:Choice of an mc:AlternateContent (its Fallback repeats the same text)."""
    fallback = None
    for c in alt:
        tag = local(c.tag)[1]
        if tag == "Choice":
            return c
        if tag == "Fallback" and fallback is None:
            fallback = c
    return fallback


def _is_toc_sdt(sdt: ET.Element) -> bool:
    pr = _child(sdt, "sdtPr")
    if pr is None:
        return False
    for el in pr.iter():
        if local(el.tag)[1] == "docPartGallery":
            val = _attr(el, "val") or ""
            return "table of contents" in val.lower()
    return False


def _descend(el: ET.Element, name: str, depth: int = 0) -> list[ET.Element]:
    """Children named `name`, looking through sdt/customXml wrappers."""
    out: list[ET.Element] = []
    for c in el:
        ns, tag = local(c.tag)
        if ns not in W_NS:
            continue
        if tag == name:
            out.append(c)
        elif tag in ("sdt", "sdtContent", "customXml") and depth < 20:
            out.extend(_descend(c, name, depth + 1))
    return out


# --- the package -----------------------------------------------------------------------------

def _rels(z: SafeZip, part: str) -> list[tuple[str, str]]:
    """(relationship type, target part) of a part, internal targets only."""
    base = posixpath.dirname(part)
    rels_name = posixpath.join(base, "_rels", posixpath.basename(part) + ".rels")
    if not z.has(rels_name):
        return []
    root = parse_xml(z.read(rels_name), rels_name)
    out = []
    for r in root:
        if local(r.tag)[1] != "Relationship" or r.get("TargetMode") == "External":
            continue
        target = r.get("Target") or ""
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(base, target))
        out.append((r.get("Type") or "", path))
    return out


def _main_part(z: SafeZip) -> str:
    for typ, path in _rels(z, ""):
        if typ.endswith("/officeDocument") and z.has(path):
            return path
    if z.has("word/document.xml"):
        return "word/document.xml"
    raise ReadFailure("corrupt", f"damaged {WHAT}: no main document part (word/document.xml)")


def read_docx(data: bytes, limits: Limits) -> Extracted:
    z = SafeZip(data, limits, WHAT)
    main = _main_part(z)
    rels = _rels(z, main)

    def part(kind: str) -> ET.Element | None:
        for typ, path in rels:
            if typ.endswith("/" + kind) and z.has(path):
                return parse_xml(z.read(path), path)
        return None

    root = parse_xml(z.read(main), main)
    body = _child(root, "body")
    if body is None:
        raise ReadFailure("corrupt", f"damaged {WHAT}: {main} has no body")
    numbering = _Numbering.load(part("numbering"), part("styles"))
    notes = [n for n in (part("footnotes"), part("endnotes")) if n is not None]

    def walk(skip_toc: bool) -> tuple[list[Block], int]:
        w = _Walker(numbering, skip_toc)
        blocks: list[Block] = []
        w.container(body, 0, blocks)
        for root_notes in notes:
            for note in root_notes:
                if local(note.tag)[1] in ("footnote", "endnote") and _attr(note, "type") in (None, "normal"):
                    w.container(note, 1, blocks)
        return blocks, w.toc

    blocks, open_toc = walk(True)
    if open_toc:  # an unterminated TOC field would hide the rest: read it all instead
        blocks, _ = walk(False)
    return Extracted(join_blocks(blocks))
