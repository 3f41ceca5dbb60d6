"""Reading report files into text: one interface, `read(path) -> Source`."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    path: str
    text: str
    format: str
    encoding: str | None
    sha256: str          # of the file's bytes


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a plain-text report: BOMs, UTF-8, then the Polish legacy code pages."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("cp1250", errors="replace"), "cp1250"


def read(path: str | Path, max_bytes: int = MAX_BYTES) -> Source:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise ReadError(str(path), f"cannot open ({e.strerror or e})") from None
    if p.is_dir():
        raise ReadError(str(path), "is a directory")
    if size > max_bytes:
        raise ReadError(str(path), f"too large ({size} bytes > limit {max_bytes})")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(str(path), f"cannot read ({e.strerror or e})") from None
    if not data.strip():
        raise ReadError(str(path), "empty file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(str(path), "binary file, not a text report")
    text, enc = decode_text(data)
    return Source(str(path), text, "txt", enc, hashlib.sha256(data).hexdigest())
