"""Test inputs made at run time: a .txt report rendered as .docx, .odt, .html and .pdf, and
bad files (empty, binary, truncated, encrypted, zip bombs, XXE, scanned PDF).

The renderings follow the .txt conventions the readers undo: a blank line separates
paragraphs, a line starting with "• " is a list item, an upper-case line is a heading.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "owes-olsztyn_2018-09-01_2018-11-30.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"


def blocks(text: str) -> list[list[str]]:
    """Paragraph blocks (separated by blank lines), each a list of lines."""
    return [[ln for ln in b.split("\n")] for b in re.split(r"\n\s*\n", text.strip("\n")) if b.strip()]


def is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


# --- .docx ------------------------------------------------------------------------------------

def to_docx(text: str) -> bytes:
    from docx import Document

    doc = Document()
    def add_lines(lines: list[str]) -> None:
        """Lines of one paragraph, kept apart by line breaks."""
        p = doc.add_paragraph()
        for k, ln in enumerate(lines):
            r = p.add_run(ln)
            if k < len(lines) - 1:
                r.add_break()

    for block in blocks(text):
        run: list[str] = []
        for ln in block:
            if ln.startswith("• "):
                if run:
                    add_lines(run)
                    run = []
                doc.add_paragraph(ln[2:], style="List Bullet")
            elif len(block) == 1 and is_heading(ln):
                doc.add_heading(ln, level=2)
            else:
                run.append(ln)
        if run:
            add_lines(run)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """A copy of a zip with some members replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names:
            dst.writestr(name, replace.get(name, src.read(name)))
        for name, blob in replace.items():
            if name not in names:
                dst.writestr(name, blob)
    return out.getvalue()


# --- .odt -------------------------------------------------------------------------------------

def to_odt(text: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import ListLevelProperties, Style, TextProperties
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P

    doc = OpenDocumentText()
    bullets = ListStyle(name="Bullets")
    lvl = ListLevelStyleBullet(level=1, bulletchar="•")
    lvl.addElement(ListLevelProperties(minlabelwidth="0.25in"))
    bullets.addElement(lvl)
    doc.automaticstyles.addElement(bullets)
    bold = Style(name="Heading", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.styles.addElement(bold)

    def para(line: str, cls: type = P, **kw: object) -> object:
        p = cls(**kw)
        _odf_text(p, line)
        return p

    def lines_para(lines: list[str]) -> object:
        """Lines of one paragraph, kept apart by <text:line-break/>."""
        from odf.text import LineBreak

        p = P()
        for k, ln in enumerate(lines):
            if k:
                p.addElement(LineBreak())
            _odf_text(p, ln)
        return p

    for block in blocks(text):
        lst = None
        run: list[str] = []
        for ln in block:
            if ln.startswith("• "):
                if run:
                    doc.text.addElement(lines_para(run))
                    run = []
                if lst is None:
                    lst = List(stylename=bullets)
                    doc.text.addElement(lst)
                item = ListItem()
                item.addElement(para(ln[2:]))
                lst.addElement(item)
                continue
            lst = None
            if len(block) == 1 and is_heading(ln):
                doc.text.addElement(para(ln, H, outlinelevel=2, stylename=bold))
            else:
                run.append(ln)
        if run:
            doc.text.addElement(lines_para(run))
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def _odf_text(p: object, line: str) -> None:
    """Text with runs of spaces as <text:s>, as ODF writers do (odfpy's addText keeps them raw)."""
    from odf.text import S

    for k, piece in enumerate(re.split(r"( {2,})", line)):
        if k % 2:
            p.addText(" ")  # type: ignore[attr-defined]
            p.addElement(S(c=len(piece) - 1))  # type: ignore[attr-defined]
        elif piece:
            p.addText(piece)  # type: ignore[attr-defined]


# --- .html ------------------------------------------------------------------------------------

def to_html(text: str, charset: str = "utf-8") -> bytes:
    """A web page as a CMS publishes one: navigation, header and footer around <main>."""
    from html import escape

    body = []
    for block in blocks(text):
        items = [ln for ln in block if ln.startswith("• ")]
        if len(block) == 1 and is_heading(block[0]):
            body.append(f"<h2 class=\"wp-block-heading\">{escape(block[0])}</h2>")
            continue
        html_lines: list[str] = []
        run: list[str] = []

        def flush(run: list[str], out: list[str]) -> None:
            if run:
                out.append("<p>" + "<br>\n".join(escape(ln).replace("  ", " &nbsp;") for ln in run) + "</p>")
                run.clear()

        for ln in block:
            if ln.startswith("• "):
                flush(run, html_lines)
                if not html_lines or not html_lines[-1].startswith(("<ul>", "<li>")):
                    html_lines.append("<ul>")
                html_lines.append(f"<li>{escape(ln[2:]).replace('  ', ' &nbsp;')}</li>")
            else:
                if html_lines and html_lines[-1].startswith("<li>"):
                    html_lines.append("</ul>")
                run.append(ln)
        flush(run, html_lines)
        if items and html_lines[-1].startswith("<li>"):
            html_lines.append("</ul>")
        body.append("\n".join(html_lines))
    page = f"""<!DOCTYPE html>
<html lang="pl"><head><meta charset="{charset}"><title>Sprawozdanie – OWES</title>
<style>body {{ font-family: sans-serif }} p::before {{ content: "x" }}</style>
<script>var stats = "<p>12 spotkań</p>"; if (a < b && c > d) {{ track(3); }}</script></head>
<body><nav><ul><li><a href="/">Strona główna</a></li><li><a href="/kontakt">Kontakt: tel. 89 123 45 67</a></li></ul></nav>
<header class="site-header"><p>Ośrodek Wsparcia Ekonomii Społecznej – 25 lat doświadczenia</p></header>
<main id="main"><article>
{chr(10).join(body)}
</article></main>
<aside><h3>Ostatnie wpisy</h3><p>Szkolenie 12.03.2019 – 40 osób</p></aside>
<footer><p>© 2019 OWES, ul. Kościuszki 5, 10-503 Olsztyn</p></footer>
</body></html>
"""
    return page.encode(charset)


# --- .pdf -------------------------------------------------------------------------------------

# glyph names of the Adobe standard Latin set for what a Polish report needs beyond ASCII;
# a simple font's /Differences maps codes 128… to them, so no font has to be embedded
_GLYPHS = {"ą": "aogonek", "ć": "cacute", "ę": "eogonek", "ł": "lslash", "ń": "nacute", "ó": "oacute",
           "ś": "sacute", "ź": "zacute", "ż": "zdotaccent", "Ą": "Aogonek", "Ć": "Cacute", "Ę": "Eogonek",
           "Ł": "Lslash", "Ń": "Nacute", "Ó": "Oacute", "Ś": "Sacute", "Ź": "Zacute", "Ż": "Zdotaccent",
           "–": "endash", "—": "emdash", "„": "quotedblbase", "”": "quotedblright", "“": "quotedblleft",
           "•": "bullet", "…": "ellipsis", "’": "quoteright", "é": "eacute", "ü": "udieresis", "ö": "odieresis",
           "\u00a0": "space", "ﬁ": "fi", "ﬂ": "fl"}
_CODES = {ch: 128 + k for k, ch in enumerate(_GLYPHS)}


def _pdf_string(s: str) -> str:
    out = []
    for ch in s:
        code = _CODES.get(ch, ord(ch) if " " <= ch <= "~" else ord("?"))
        c = chr(code)
        out.append("\\" + c if c in "()\\" else c if code < 128 else f"\\{code:03o}")
    return "(" + "".join(out) + ")"


def wrap(line: str, width: int) -> list[str]:
    """Break a line at spaces (single spaces; runs of spaces stay inside a line)."""
    out: list[str] = []
    cur = ""
    for word in re.split(r"(?<! ) (?! )", line):
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        out.append(cur)
    return out


def pdf_document(pages: list[list[tuple[float, float, str]]] | None = None, *, images: int = 0,
                 size: float = 10.0, cid: bool = False) -> bytes:
    """A PDF 1.4 file: on each page, text lines at (x, y) in Helvetica (Polish letters by
    glyph name), or `images` pages holding only a small grey image (a 'scan'). With `cid`,
    the font is a composite font without a ToUnicode map: glyphs with no known text."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    diffs = " ".join(f"/{name}" for name in _GLYPHS.values())
    if cid:
        font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Unknown /Encoding /Identity-H "
                   b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Unknown "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>] >>")
    else:
        font = add(f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
                   f"/BaseEncoding /WinAnsiEncoding /Differences [128 {diffs}] >> >>".encode())
    pages_id = add(b"")  # filled in below
    kids = []
    for lines in pages or []:
        ops = [f"BT /F1 {size:g} Tf"]
        for x, y, s in lines:
            shown = "<" + "".join(f"{ord(ch) % 65536:04X}" for ch in s) + ">" if cid else _pdf_string(s)
            ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {shown} Tj")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Resources "
                        f"<< /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()))
    for _ in range(images):
        pix = bytes(range(0, 256, 4)) * 64
        img = add(b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % len(zlib.compress(pix))
                  + zlib.compress(pix) + b"\nendstream")
        stream = b"q 500 0 0 700 48 70 cm /Im1 Do Q"
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Resources "
                        f"<< /XObject << /Im1 {img} 0 R >> >> /Contents {content} 0 R >>".encode()))
    objs[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                          f"/Count {len(kids)} >>").encode()
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref)
    return bytes(out)


def to_pdf(text: str, *, width: int = 95, per_page: int = 60) -> bytes:
    """The report laid out in A4 pages: lines wrapped at `width` characters, a gap between
    paragraphs, list items indented."""
    pages: list[list[tuple[float, float, str]]] = [[]]
    y = 800.0
    for block in blocks(text):
        for ln in block:
            item = ln.startswith("• ")
            for k, piece in enumerate(wrap(ln, width)):
                if len(pages[-1]) >= per_page or y < 60:
                    pages.append([])
                    y = 800.0
                pages[-1].append((56.0 if item and k == 0 else 66.0 if item else 56.0, y, piece))
                y -= 12.0
        y -= 14.0
    return pdf_document(pages)


def encrypt_pdf(data: bytes, user_password: str = "tajne", owner_password: str = "właściciel") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# --- bad archives -----------------------------------------------------------------------------

def zip_bomb_ratio(size: int = 40 * 1024 * 1024) -> bytes:
    """A .docx whose document.xml is `size` bytes of one repeated word: ~1000:1."""
    minimal = to_docx("Sprawozdanie\n\nTreść.")
    bomb = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/' \
           b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + b"spotkanie " * (size // 10) + \
           b"</w:t></w:r></w:p></w:body></w:document>"
    return rezip(minimal, {"word/document.xml": bomb})


def zip_bomb_declared(declared: int = 10 * 1024 ** 3) -> bytes:
    """A .docx whose central directory claims a huge uncompressed size for a member."""
    data = bytearray(to_docx("Sprawozdanie\n\nTreść."))
    # patch the uncompressed-size field (offset 24) of every central directory entry
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        data[pos + 24:pos + 28] = (min(declared, 0xFFFFFFFE)).to_bytes(4, "little")
        pos += 4
    return bytes(data)


XXE_DOCUMENT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Sprawozdanie &xxe;</w:t></w:r></w:p></w:body></w:document>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""


def xxe_docx(document: bytes = XXE_DOCUMENT) -> bytes:
    return rezip(to_docx("Sprawozdanie\n\nTreść."), {"word/document.xml": document})


def encrypted_odt() -> bytes:
    """An .odt whose manifest says content.xml is encrypted (as LibreOffice writes it)."""
    manifest = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="3021">
  <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k"
   manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc"
   manifest:initialisation-vector="AAAA"/></manifest:encryption-data>
 </manifest:file-entry>
</manifest:manifest>"""
    return rezip(to_odt("Sprawozdanie\n\nTreść."), {"META-INF/manifest.xml": manifest,
                                                      "content.xml": bytes(range(256)) * 12})


def encrypted_office() -> bytes:
    """The start of an OLE2 compound file holding an encrypted OOXML package: the magic and
    the UTF-16 stream names (EncryptionInfo, EncryptedPackage) that say what it is."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
                     for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return head + names + bytes(range(256)) * 8
