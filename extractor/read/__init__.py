"""Reading report files into text: one interface, `read(path) -> Source`.

    from extractor.read import read
    src = read("raport.docx")          # Source(path, text, format, encoding, sha256, pages, warnings)

The format is told by content — magic bytes and archive structure — not by the file name
(the name only breaks a tie between plain text and a bare HTML fragment). Readers:
txt (UTF-8 with or without BOM, UTF-16/32, cp1250, ISO-8859-2, CP852, Mac CE), html,
docx, odt (and flat .fodt), pdf (pages without a text layer read by OCR), and scans as
png, jpeg or tiff images (OCR: extractor.read.ocr). Every reader keeps the paragraph
structure the .txt corpus has (a paragraph or heading per line, a blank line between), and
offsets of facts index `Source.text`; where the reader changed the text it decoded
(a .txt tidied, OCR text repaired), `Source.raw` holds that text, `Source.maps` lead back to
it, and the record's offsets index it (`Source.record_text`).

Anything that is not a readable report raises `ReadError` with a one-line reason and a
`kind` (see extractor.errors); an unexpected failure inside a reader is turned into one too,
so a damaged file never surfaces as a traceback. Limits (file size, archive expansion and
ratio, text length, PDF pages) are in `Limits`; the environment can set them
(SPRAWOZDANIA_MAX_BYTES=… and so on).
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReadError
from ._common import Extracted, Limits, OffsetMap, ReadFailure, tidy_mapped
from ._pages import Word
from .ocr import IMAGES, OcrOptions
from .txt import POLISH, binary_bytes, bom_encoding, decode_text, utf16_without_bom

if TYPE_CHECKING:
    from ..ocr_repair import Repair

__all__ = ["FORMATS", "IMAGE_FORMATS", "SUFFIXES", "Limits", "MAX_BYTES", "OcrOptions", "ReadError", "Source",
           "Word", "check_report", "decode_text", "detect_format", "read", "read_bytes"]

MAX_BYTES = Limits().max_bytes
FORMATS = ("txt", "html", "docx", "odt", "pdf", "png", "jpeg", "tiff")
IMAGE_FORMATS = ("png", "jpeg", "tiff")
# file names a folder scan takes for reports: what the readers read, and the formats people
# save reports in that are refused with a clear reason rather than skipped in silence
SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".docx", ".docm", ".dotx", ".odt", ".ott", ".fodt",
            ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".doc", ".rtf")


@dataclass(frozen=True)
class Source:
    path: str
    text: str
    format: str               # one of FORMATS
    encoding: str | None      # how the bytes were decoded (txt, html); None for docx/odt/pdf
    sha256: str               # of the file's bytes
    # PDF and scans: where each page starts in `record_text`
    pages: list[int] | None = None
    warnings: tuple[str, ...] = field(default=())  # readable, but something was off
    # a .txt file: the string it decodes to, when tidying changed it (CRLF, soft hyphens …);
    # a scan: the text as OCR read it, when repairs changed it; and the maps from offsets in
    # `text` back to offsets in `raw`
    raw: str | None = None
    maps: list[OffsetMap] = field(default_factory=list)
    # a scan: every word OCR read (offsets in `record_text`, page, confidence 0..1), the pages
    # OCR read (1-based), and the repairs of OCR slips that made `text` from `raw`
    words: tuple[Word, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    repairs: tuple[Repair, ...] = ()

    @property
    def record_text(self) -> str:
        """The text the record's offsets index: `raw` when the reader changed it, else `text`."""
        return self.raw if self.raw is not None else self.text


# --- format detection ---------------------------------------------------------------------

# (magic at offset 0, what it is) for formats we do not read: a clear "unsupported" beats "binary"
_MAGIC = [
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable (ELF)"), (b"{\\rtf", "an RTF document (save it as .docx or .pdf)"),
    (b"%!PS", "a PostScript file"), (b"AT&TFORM", "a DjVu document"),
    (b"SQLite format 3\x00", "an SQLite database"),
]
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_NOTE = " (save scans as PNG, JPEG, TIFF or PDF)"


def _unsupported(what: str) -> ReadFailure:
    return ReadFailure("unsupported", f"unsupported format: {what}")


def _ole_kind(data: bytes) -> ReadFailure:
    """An OLE2 compound file: a password-protected Office file (the OOXML package is inside,
    encrypted) or a legacy .doc/.xls/.ppt."""
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return ReadFailure("encrypted", "password-protected Office document (remove the password and save again)")
    if "WordDocument".encode("utf-16-le") in data:
        return _unsupported("a legacy Word 97-2003 .doc (save it as .docx)")
    return _unsupported("a legacy Microsoft Office file (OLE2)")


def _zip_kind(data: bytes, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = ""
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size < 200 and not info.flag_bits & 0x1:
                    mimetype = zf.read("mimetype")[:200].decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, RuntimeError,
            NotImplementedError) as e:
        what = {".docx": "Word document (.docx)", ".odt": "OpenDocument text (.odt)"}.get(ext, "zip archive")
        raise ReadFailure("corrupt", f"damaged or truncated {what} ({e})") from None
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        return "odt"
    if mimetype.startswith("application/vnd.oasis.opendocument."):
        raise _unsupported(f"OpenDocument {mimetype.rsplit('.', 1)[-1]} (not a text document)")
    if mimetype == "application/epub+zip":
        raise _unsupported("an EPUB e-book")
    if "word/document.xml" in names or any(n.startswith("word/") for n in names) and "[Content_Types].xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise _unsupported("an Excel workbook (.xlsx)")
    if "ppt/presentation.xml" in names:
        raise _unsupported("a PowerPoint presentation (.pptx)")
    if "content.xml" in names and "META-INF/manifest.xml" in names:
        return "odt"
    raise _unsupported("a zip archive that is not a .docx or .odt document (unpack it first)")


def detect_format(data: bytes, name: str = "") -> str:
    """'txt', 'html', 'docx', 'odt', 'pdf' or an image ('png', 'jpeg', 'tiff'), told by content; `name` only
    settles text-or-HTML. Raises ReadFailure for what is not a report format."""
    ext = Path(name).suffix.lower()
    head = data[:8]
    if not data.strip():
        raise ReadFailure("empty", "empty file" if not data else "empty file (only white space)")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(data, ext)
    if head.startswith(_OLE):
        raise _ole_kind(data)
    for magic, image in IMAGES.items():
        if data.startswith(magic):
            return image
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _unsupported(what + (_IMAGE_NOTE if "image" in what else ""))
    bom = bom_encoding(data)
    if bom is None and utf16_without_bom(data) is None and binary_bytes(data):
        raise ReadFailure("binary", "binary data, not a text report")
    if bom is not None and bom[0] != "utf-8":
        probe = data[bom[2]:bom[2] + 32768].decode(bom[0], errors="replace")
    elif bom is None and utf16_without_bom(data):
        probe = data[:32768].decode(utf16_without_bom(data) or "utf-16-le", errors="replace")
    else:
        probe = data[:32768].decode("latin-1")
    from .html import looks_like_html

    stripped = probe.lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    if stripped.startswith("<?xml") or stripped.startswith("<office:document"):
        if re.search(r"<office:document\b", stripped[:4096]) and \
                "application/vnd.oasis.opendocument.text" in stripped[:4096]:
            return "odt"
        if not looks_like_html(stripped, ext):
            if "schemas.microsoft.com/office/word" in stripped[:4096] or "<?mso-application" in stripped[:1024]:
                raise _unsupported("a Word 2003 XML document (save it as .docx)")
            raise _unsupported("an XML document")
    if looks_like_html(probe, ext):
        return "html"
    return "txt"


# --- checks on the text ---------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_LATIN = re.compile("[^\u0000-\u024f\u1e00-\u1eff]")   # removed: what is left is Latin (or ASCII)
_ASCII = re.compile("[\u0000-\u007f]+")
_DROP_POLISH = str.maketrans("", "", "".join(POLISH))


def check_report(text: str) -> None:
    """Refuse text that is clearly not a report, with ReadFailure("not_a_report").

    The rule, meant to let any short real report through (one sentence is enough):
    - there is at least one word (two or more letters in a row);
    - letters are at least a fifth of the characters that are not white space (numbers
      and punctuation alone are data, not prose);
    - most letters are Latin (a Polish report is; Cyrillic or CJK mean another document or
      a wrong decoding);
    - it is not noise: bytes that decode only to noise (binary data read through a code page
      that has a letter at nearly every byte) give accented letters almost throughout, most of
      them letters Polish does not use, where Polish writes about one letter in twelve with a
      diacritic, nearly all of them its own eighteen; so more than a quarter of the letters
      accented and more than half of those foreign to Polish is noise;
    - it is not one long run without spaces (encoded data: base64, hex): at least half of
      the non-space characters are in tokens of at most 40 characters;
    - it is not JSON.
    """
    sample = text[:200_000]
    if not _WORD.search(sample):
        raise ReadFailure("not_a_report", "not a report: the text has no words")
    # counted by str methods and regexes, not a loop per character: every file of a batch comes here
    tokens = sample.split()
    nonspace = sum(map(len, tokens))
    letters = "".join(filter(str.isalpha, sample))
    if len(letters) < nonspace / 5:
        raise ReadFailure("not_a_report", f"not a report: only {len(letters)} letters in {nonspace} characters "
                                          "(numbers or symbols, not prose)")
    latin = len(_NOT_LATIN.sub("", letters))
    if latin < len(letters) / 2:
        script = unicodedata.name(next(c for c in letters if c >= "\u0250"), "?").split(" ")[0].title()
        raise ReadFailure("not_a_report", f"not a report: the text is not in Latin script (mostly {script})")
    accented = _ASCII.sub("", letters)
    foreign = len(accented.translate(_DROP_POLISH))
    if len(letters) >= 20 and len(accented) > len(letters) / 4 and foreign > len(accented) / 2:
        raise ReadFailure("not_a_report", f"not a report: noise ({foreign} of {len(letters)} letters are accented "
                                          "letters Polish does not use: binary data or a wrong decoding)")
    long_chars = sum(n for n in map(len, tokens) if n > 40)   # runs of over 40 characters without a space
    if long_chars > nonspace / 2:
        raise ReadFailure("not_a_report", "not a report: no word structure (encoded data?)")
    if sample.lstrip()[:1] in "{[":
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            raise ReadFailure("not_a_report", "not a report: JSON data")


# --- the dispatcher ------------------------------------------------------------------------

def _extract(fmt: str, data: bytes, limits: Limits, ocr: OcrOptions | None = None) -> Extracted:
    if fmt == "txt":
        from .txt import read_txt

        return read_txt(data)
    if fmt == "html":
        from .html import read_html

        return read_html(data)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(data, limits)
    if fmt == "odt":
        from .odt import read_fodt, read_odt

        return read_odt(data, limits) if data[:4] == b"PK\x03\x04" else read_fodt(data, limits)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, limits, ocr)
    if fmt in IMAGE_FORMATS:
        from .ocr import read_image

        return read_image(data, limits, ocr)
    raise _unsupported(fmt)


def read_bytes(data: bytes, path: str = "<bytes>", *, limits: Limits | None = None,
               ocr: OcrOptions | None = None) -> Source:
    """`read` for bytes already in memory; `path` names them in messages and picks nothing
    but the text/HTML tie-break. `ocr`: how scans are read (cache, progress)."""
    limits = limits or Limits.from_env()
    sha = hashlib.sha256(data).hexdigest()
    ocr = replace(ocr or OcrOptions(), sha256=sha)
    repairs: tuple[Repair, ...] = ()
    try:
        if len(data) > limits.max_bytes:
            raise ReadFailure("too_large", f"too large ({len(data)} bytes > limit {limits.max_bytes})")
        fmt = detect_format(data, path)
        got = _extract(fmt, data, limits, ocr)
        # OCR text is made of tidied words already (and its words' offsets index it as it is)
        text, maps = (got.text, []) if got.ocr_pages else tidy_mapped(got.text)
        if len(text) > limits.max_chars:
            raise ReadFailure("too_large", f"text too long ({len(text)} characters > limit {limits.max_chars})")
        if not text.strip():
            raise ReadFailure("empty", "empty file (no text)" if fmt == "txt" else f"empty {fmt} document (no text)")
        if got.ocr_pages:
            from ..ocr_repair import repair_ocr

            raw = text
            text, omap, repairs = repair_ocr(raw, _ocr_regions(raw, got.pages, got.ocr_pages))
            maps = [omap] if repairs else []
        check_report(text)
    except ReadFailure as e:
        raise ReadError(path, e.reason, e.kind) from None
    except MemoryError:
        raise ReadError(path, "too large to read in memory", "too_large") from None
    except RecursionError:
        raise ReadError(path, "damaged file: structure nested too deeply", "corrupt") from None
    except Exception as e:  # a reader tripped on a damaged file: still one clear line
        what = locals().get("fmt", "file")
        raise ReadError(path, f"damaged or unreadable {what} ({type(e).__name__}: {str(e)[:200]})", "corrupt") from None
    if got.ocr_pages:
        return Source(path, text, fmt, None, sha, got.pages, tuple(got.warnings), raw=raw if maps else None,
                      maps=maps, words=tuple(got.words), ocr_pages=tuple(got.ocr_pages), repairs=repairs)
    if fmt != "txt" or not maps:  # other formats: the extracted text is the source text
        maps = []
    return Source(path, text, fmt, got.encoding, sha, got.pages, tuple(got.warnings),
                  raw=got.text if maps else None, maps=maps)


def _ocr_regions(text: str, pages: list[int] | None, ocr_pages: list[int]) -> list[tuple[int, int]]:
    """The parts of the text that OCR read (a PDF may have typed pages among scanned ones)."""
    if not pages:
        return [(0, len(text))]
    bounds = [*pages, len(text)]
    return [(bounds[k - 1], bounds[k]) for k in ocr_pages if k <= len(pages)]


def read(path: str | Path, max_bytes: int | None = None, *, limits: Limits | None = None,
         ocr: OcrOptions | None = None) -> Source:
    """Read one report file: format and encoding detected, text extracted and tidied.
    Raises ReadError (one-line reason, a `kind`) for anything that is not a readable report."""
    if limits is None:
        limits = Limits.from_env(max_bytes=max_bytes)
    elif max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    name = str(path)
    try:
        # opened without blocking and checked on the open file: a named pipe or a device (or a
        # file swapped for one) is refused, never waited on
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        why = "a symbolic link loop" if e.errno == errno.ELOOP else e.strerror or str(e)
        raise ReadError(name, f"cannot open ({why})", "missing") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ReadError(name, "is a directory, not a file", "unsupported")
        if not stat.S_ISREG(st.st_mode):
            what = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else \
                "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
            raise ReadError(name, f"not a regular file: {what}", "unsupported")
        if st.st_size > limits.max_bytes:
            raise ReadError(name, f"too large ({st.st_size} bytes > limit {limits.max_bytes}; "
                                  "set SPRAWOZDANIA_MAX_BYTES to change it)", "too_large")
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        try:
            data = f.read(limits.max_bytes + 1)
        except OSError as e:
            raise ReadError(name, f"cannot read ({e.strerror or e})", "missing") from None
    return read_bytes(data, name, limits=limits, ocr=ocr)
