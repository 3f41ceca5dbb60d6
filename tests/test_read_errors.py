"""Bad input: one clear line naming the file and the reason, a `kind`, never a traceback;
exit code 2 from the command line, a reported failure among other files; the limits."""
from __future__ import annotations

import base64
import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import require_ocr
from readfixtures import (
    BILLION_LAUGHS,
    FIXTURES,
    SEED,
    encrypt_pdf,
    encrypted_odt,
    encrypted_office,
    pdf_document,
    rezip,
    to_docx,
    to_odt,
    to_pdf,
    xxe_docx,
    zip_bomb_declared,
    zip_bomb_ratio,
)

from extractor import ConfigError, ReadError, SprawozdaniaError
from extractor.read import Limits, read, read_bytes

SEED_TEXT = SEED.read_text(encoding="utf-8")
_rng = random.Random(20181130)
NOISE = bytes(_rng.randrange(256) for _ in range(4096))
DOCX = to_docx(SEED_TEXT)


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    return buf.getvalue()


def rezip_without(data: bytes, drop: list[str]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return zip_of({n: src.read(n) for n in src.namelist() if n not in drop})


def corrupt_member(data: bytes, name: str) -> bytes:
    """Flip bytes inside one member's compressed data (its CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    buf = bytearray(data)
    for k in range(start + 10, start + min(info.compress_size, 200), 7):
        buf[k] ^= 0x5A
    return bytes(buf)


def _xlsx() -> bytes:
    with zipfile.ZipFile(io.BytesIO(DOCX)) as zf:
        word = [n for n in zf.namelist() if n.startswith("word/")]
    return rezip_without(rezip(DOCX, {"xl/workbook.xml": b"<workbook/>"}), word)


BAD: dict[str, tuple[bytes, str, str]] = {
    # name: (bytes, kind, words the reason must contain)
    "empty.txt": (b"", "empty", "empty"),
    "blank.txt": (b" \n\t\r\n ", "empty", "empty"),
    "bom-only.txt": (b"\xef\xbb\xbf\n", "empty", "empty"),
    "noise.bin": (NOISE, "binary", "binary"),
    "noise.txt": (b"\x00\x01\x02\x03" + NOISE, "binary", "binary"),
    "elf.txt": (b"\x7fELF\x02\x01\x01" + NOISE, "unsupported", "executable"),
    "scan.png": (b"\x89PNG\r\n\x1a\n" + NOISE, "corrupt", "damaged or truncated PNG"),
    "scan.jpg": (b"\xff\xd8\xff\xe0" + NOISE, "corrupt", "damaged or truncated JPEG"),
    "raport.rtf": (b"{\\rtf1\\ansi Sprawozdanie}", "unsupported", "RTF"),
    "raport.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + NOISE, "unsupported", ".doc"),
    "tabela.xlsx": (_xlsx(), "unsupported", "Excel"),
    "archiwum.zip": (zip_of({"raport.txt": SEED_TEXT.encode()}), "unsupported", "zip archive"),
    "ods.odt": (rezip(to_odt("x"), {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
                "unsupported", "spreadsheet"),
    "truncated.docx": (DOCX[: len(DOCX) // 2], "corrupt", "truncated"),
    "truncated.odt": (to_odt(SEED_TEXT)[:700], "corrupt", "truncated"),
    "crc.docx": (corrupt_member(DOCX, "word/document.xml"), "corrupt", "damaged"),
    "no-body.docx": (rezip(DOCX, {"word/document.xml": b"<w:document xmlns:w='http://schemas.openxmlformats.org/"
                                                       b"wordprocessingml/2006/main'/>"}), "corrupt", "no body"),
    "not-xml.docx": (rezip(DOCX, {"word/document.xml": b"<w:document>\x00 nie XML"}), "corrupt", "XML"),
    "encrypted.docx": (encrypted_office(), "encrypted", "password"),
    "encrypted.odt": (encrypted_odt(), "encrypted", "password"),
    "encrypted.pdf": (encrypt_pdf(to_pdf(SEED_TEXT)), "encrypted", "password"),
    "bomb.docx": (zip_bomb_ratio(), "unsafe", "zip bomb"),
    "bomb-declared.docx": (zip_bomb_declared(), "unsafe", "zip bomb"),
    "xxe.docx": (xxe_docx(), "unsafe", "DTD"),
    "billion-laughs.docx": (xxe_docx(BILLION_LAUGHS), "unsafe", "DTD"),
    "scan.pdf": (pdf_document(images=3), "no_text_layer", "no text layer"),
    "blank.pdf": (pdf_document([[]]), "no_text_layer", "no text layer"),
    "cid.pdf": (pdf_document([[(56, 800, "Sprawozdanie: 5 spotkań.")]], cid=True), "no_text_layer", "Unicode"),
    "truncated.pdf": (to_pdf(SEED_TEXT)[:400], "corrupt", "PDF"),
    "garbage.pdf": (b"%PDF-1.7\n" + NOISE, "corrupt", "PDF"),
    "numbers.txt": (b"12 15 20 30 45\n2019 2020\n" * 30, "not_a_report", "no words"),
    "table.csv": (b"miejsce;liczba;data\n" + b"1;2;3.04.2019\n" * 200, "not_a_report", "not prose"),
    "data.json": (b'{"contract": "facts/1", "facts": [{"value": 3, "type": "count"}]}', "not_a_report", "JSON"),
    "base64.txt": (base64.b64encode(NOISE * 4), "not_a_report", "encoded data"),
    "cyrylica.txt": ("Отчёт о деятельности центра за первый квартал".encode(), "not_a_report", "Latin"),
    # bytes that a code page reads as letters almost throughout: noise, not a cp1250 report
    "high-bytes.txt": (bytes(_rng.choice(range(128, 256)) if _rng.random() > 0.15 else 32 for _ in range(100_000)),
                       "not_a_report", "noise"),
    "high-bytes-words.txt": (b" ".join(bytes(_rng.randrange(128, 256) for _ in range(7)) for _ in range(3000)),
                             "not_a_report", "noise"),
    "controls.txt": (b"Sprawozdanie \x01\x02\x03\x04 " * 50, "binary", "binary"),
    "xml.txt": (b'<?xml version="1.0"?><root><item>1</item></root>', "unsupported", "XML"),
}


NEEDS_OCR = {"scan.pdf", "cid.pdf"}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_clear_line(name: str, tmp_path: Path) -> None:
    data, kind, words = BAD[name]
    if name in NEEDS_OCR:
        require_ocr()             # these are read by OCR, which finds no legible text in them
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as err:
        read(path)
    e = err.value
    assert isinstance(e, SprawozdaniaError)
    assert e.kind == kind, str(e)
    assert e.kind in ReadError.KINDS
    assert str(e).startswith(f"{path}: ")
    assert words.lower() in str(e).lower(), str(e)
    assert "\n" not in str(e) and "Traceback" not in str(e)
    assert e.__cause__ is None and e.__suppress_context__  # nothing chained into a traceback


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as err:
        read(tmp_path / "nie-ma.txt")
    assert err.value.kind == "missing" and "nie-ma.txt" in str(err.value)
    with pytest.raises(ReadError) as err:
        read(tmp_path)
    assert "directory" in str(err.value)


def test_file_name_with_newline_stays_one_line(tmp_path: Path) -> None:
    path = tmp_path / "zły\nplik.txt"
    path.write_bytes(b"")
    with pytest.raises(ReadError) as err:
        read(path)
    assert "\n" not in str(err.value) and "\\n" in str(err.value)


def test_unexpected_reader_failure_becomes_a_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import extractor.read.docx as docx_reader

    def boom(data: bytes, limits: Limits) -> None:
        raise KeyError("w:numId")

    monkeypatch.setattr(docx_reader, "read_docx", boom)
    with pytest.raises(ReadError) as err:
        read_bytes(DOCX, "raport.docx")
    assert err.value.kind == "corrupt" and "KeyError" in str(err.value)


def test_a_stray_control_byte_does_not_make_a_report_binary() -> None:
    """Binary is told by the share of control bytes, not by one: a NUL or an escape slipped
    into a report, or NUL padding after it (a crash, a fixed-size copy), is read past."""
    seed = SEED.read_bytes()
    for data in (seed[:700] + b"\x00" + seed[700:], seed + b"\x00" * 20_000, seed[:50] + b"\x1b[1m" + seed[50:],
                 b"\x00" + seed):
        src = read_bytes(data, "x.txt")
        assert src.format == "txt" and "Sprawozdanie" in src.text and "\x00" not in src.text
        assert len(src.text) >= len(SEED_TEXT)


def test_accented_text_in_polish_or_another_latin_language_is_not_noise() -> None:
    for text in ("Zażółć gęślą jaźń: ŹDŹBŁO, Śląsk, Ąę, ćma, łódź, żółw — sprawozdanie z działań.",
                 "Zpráva o činnosti centra: uskutečnilo se 5 setkání v Olomouci a Přerově."):
        assert read_bytes(text.encode("utf-8"), "x.txt").text == text


def test_short_real_reports_are_accepted() -> None:
    for text in ("Sprawozdanie za I kwartał 2020: 5 spotkań.", "Brak działań w okresie.", "Sprawozdanie\n\n3 os."):
        assert read_bytes(text.encode("utf-8"), "x.txt").text == text


# --- limits -----------------------------------------------------------------------------------

def test_size_cap_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "seed.txt"
    path.write_bytes(SEED.read_bytes())
    assert read(path).text == SEED_TEXT
    with pytest.raises(ReadError) as err:
        read(path, max_bytes=1000)
    assert err.value.kind == "too_large" and "1000" in str(err.value)
    with pytest.raises(ReadError):
        read(path, limits=Limits(max_bytes=2000))
    monkeypatch.setenv("SPRAWOZDANIA_MAX_BYTES", "1_000")
    with pytest.raises(ReadError) as err:
        read(path)
    assert err.value.kind == "too_large"
    assert read(path, max_bytes=10_000).text == SEED_TEXT  # an explicit cap wins


def test_text_length_and_page_limits() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(SEED.read_bytes(), "x.txt", limits=Limits(max_chars=500))
    assert err.value.kind == "too_large"
    pdf = to_pdf(SEED_TEXT, per_page=10)
    assert len(read_bytes(pdf, "x.pdf").pages or []) > 3
    with pytest.raises(ReadError) as err:
        read_bytes(pdf, "x.pdf", limits=Limits(max_pages=3))
    assert err.value.kind == "too_large" and "pages" in str(err.value)


def test_archive_limits() -> None:
    # total expansion as declared
    with pytest.raises(ReadError) as err:
        read_bytes(DOCX, "x.docx", limits=Limits(max_unpacked=10_000))
    assert err.value.kind == "unsafe"
    # ratio of a member, below and above the limit
    bomb = zip_bomb_ratio(3 * 1024 * 1024)
    with pytest.raises(ReadError) as err:
        read_bytes(bomb, "x.docx")
    assert err.value.kind == "unsafe" and "100:1" in str(err.value)
    assert "spotkanie spotkanie" in read_bytes(bomb, "x.docx", limits=Limits(max_ratio=100_000)).text
    # member count
    many = zip_of({f"word/m{k}.xml": b"" for k in range(50)} | {"word/document.xml": b"<x/>"})
    with pytest.raises(ReadError) as err:
        read_bytes(many, "x.docx", limits=Limits(max_members=20))
    assert err.value.kind == "unsafe"


def test_lying_sizes_do_not_get_past_the_limits() -> None:
    """A member whose header claims fewer bytes than it holds: never read past the claim."""
    import struct

    payload = b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>" + \
              b"<w:p><w:r><w:t>" + b"x" * 5_000_000 + b"</w:t></w:r></w:p></w:body></w:document>"
    data = bytearray(rezip(DOCX, {"word/document.xml": payload}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml")
    data[info.header_offset + 22:info.header_offset + 26] = struct.pack("<I", 1000)  # local header
    pos = 0
    while (pos := bytes(data).find(b"PK\x01\x02", pos + 1)) >= 0:  # central directory entries
        n = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        if data[pos + 46:pos + 46 + n] == b"word/document.xml":
            data[pos + 24:pos + 28] = struct.pack("<I", 1000)
    with pytest.raises(ReadError) as err:
        read_bytes(bytes(data), "x.docx")
    assert err.value.kind in ("corrupt", "unsafe")


# --- the command line ---------------------------------------------------------------------------

def _cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from extractor.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "40", **(env or {})})


def test_cli_every_bad_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    paths = []
    for name, (data, _kind, _words) in sorted(BAD.items()):
        p = tmp_path / f"[{name}]"  # brackets: rich markup must not eat them
        p.write_bytes(data)
        paths.append(p)
    res = _cli("extract", "--format", "facts", *paths)
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert "Traceback" not in res.stderr
    assert len(lines) == len(paths), res.stderr
    for p, line in zip(paths, lines, strict=True):
        assert line.startswith(f"error: {p}: "), line
    assert res.stdout.strip() in ("", "[]")


def test_cli_batch_reports_failures_and_keeps_going(tmp_path: Path) -> None:
    bad = tmp_path / "zly.docx"
    bad.write_bytes(DOCX[:300])
    good = tmp_path / "dobry.pdf"
    good.write_bytes((FIXTURES / "seed.pdf").read_bytes())
    res = _cli("extract", "--format", "facts", bad, good)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "zly.docx" in res.stderr and "Traceback" not in res.stderr
    import json

    docs = json.loads(res.stdout)
    assert [d["source"] for d in docs] == ["dobry.pdf"]
    assert len(docs[0]["facts"]) > 40


def test_cli_json_text_is_the_extracted_text(tmp_path: Path) -> None:
    import json

    path = tmp_path / "seed.docx"
    path.write_bytes(DOCX)
    res = _cli("extract", "--format", "json", "--text", path)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    text = doc["text"]
    assert doc["source"]["format"] == "docx"
    for f in doc["facts"]:
        assert text[f["span"]["start"]:f["span"]["end"]] == f["span"]["text"]


@pytest.mark.parametrize(("value", "expected"), [("1000", 1000), ("1_000", 1000), (" 64 ", 64), ("10K", 10 * 1024),
                                                 ("10M", 10 * 1024 ** 2), ("2 MiB", 2 * 1024 ** 2),
                                                 ("1gb", 1024 ** 3), ("", Limits().max_bytes)])
def test_limits_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("SPRAWOZDANIA_MAX_BYTES", value)
    assert Limits.from_env().max_bytes == expected


@pytest.mark.parametrize(("var", "value"), [("SPRAWOZDANIA_MAX_BYTES", "abc"), ("SPRAWOZDANIA_MAX_BYTES", "-5"),
                                            ("SPRAWOZDANIA_MAX_BYTES", "0"), ("SPRAWOZDANIA_MAX_BYTES", "1.5M"),
                                            ("SPRAWOZDANIA_MAX_PAGES", "2K"), ("SPRAWOZDANIA_MAX_RATIO", "nan")])
def test_a_limit_that_is_not_a_positive_whole_number_is_refused(monkeypatch, tmp_path, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=f"^{var}={value!r}: "):
        Limits.from_env()
    (tmp_path / "r.txt").write_text("Sprawozdanie z działań.", encoding="utf-8")
    with pytest.raises(ConfigError):          # never read with a limit silently dropped
        read(tmp_path / "r.txt")
