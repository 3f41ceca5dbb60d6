"""Fuzz targets: what must hold for every input.

read:    read_bytes(any bytes) returns a Source with text, or raises a one-line ReadError.
extract: extract_text(any text) returns a Report that validates and whose every span is
         the text at its offsets, or raises a SprawozdaniaError.
Anything else (another exception, a broken span) is a finding.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor import ReadError, SprawozdaniaError, extract_text  # noqa: E402
from extractor.read import FORMATS, read_bytes  # noqa: E402

NAMES = ("x.txt", "x.docx", "x.odt", "x.pdf", "x.html", "x")


def fuzz_read(data: bytes) -> None:
    name = NAMES[data[0] % len(NAMES)] if data else "x"
    try:
        src = read_bytes(data, name)
    except ReadError as e:
        assert e.kind in ReadError.KINDS, e.kind
        assert "\n" not in str(e), str(e)
        return
    assert src.format in FORMATS and src.text.strip()
    if src.pages is not None:
        assert src.pages == sorted(src.pages) and all(0 <= p <= len(src.text) for p in src.pages)


def _spans(value: Any) -> list[dict[str, Any]]:
    out = []
    if isinstance(value, dict):
        if {"start", "end", "text"} <= value.keys() and isinstance(value["text"], str):
            out.append(value)
        for v in value.values():
            out.extend(_spans(v))
    elif isinstance(value, list):
        for v in value:
            out.extend(_spans(v))
    return out


def fuzz_extract_text(text: str) -> None:
    from models import Report

    try:
        rep = extract_text(text)
    except SprawozdaniaError:
        return
    again = Report.model_validate_json(rep.model_dump_json())
    assert again == rep
    for sp in _spans(rep.model_dump()):
        assert text[sp["start"]:sp["end"]] == sp["text"], sp


def fuzz_extract(data: bytes) -> None:
    fuzz_extract_text(data.decode("utf-8", errors="replace"))
