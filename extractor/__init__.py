"""sprawozdania: Polish free-text activity reports into validated, source-grounded records.

    from extractor import extract, extract_text
    report = extract("corpus/owes-olsztyn_2018-09-01_2018-11-30.txt")   # models.Report
    report = extract_text("Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018 …")

The library never prints. The pipeline is built on first use and reused.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError, ReadError, SprawozdaniaError, TextError, path_text

if TYPE_CHECKING:
    from models import Report

    from .pipeline import Extractor
    from .read.ocr import OcrOptions

__all__ = ["ConfigError", "ReadError", "SprawozdaniaError", "TextError", "extract", "extract_text", "get_extractor"]

_SURROGATE = re.compile("[\ud800-\udfff]")


@cache
def get_extractor() -> Extractor:
    from .pipeline import Extractor

    return Extractor()


def extract_text(text: str, name: str = "<text>", *, keep_text: bool = False, org: str | None = None) -> Report:
    """Extract a Report from text already decoded. `org`: the organisation that wrote it, which
    wins over the centre the header names (see extractor.organisation.identify)."""
    if not isinstance(text, str):
        raise TypeError("extract_text expects str")
    bad = _SURROGATE.search(text)
    if bad:
        raise TextError(f"{name}: not valid Unicode (unpaired surrogate at offset {bad.start()})")
    rep = get_extractor().extract_text(text, name=name, keep_text=keep_text)
    _identify(rep, None, org)
    return rep


def _identify(rep: Report, file_name: str | None, org: str | None) -> None:
    from .organisation import apply_identity

    apply_identity(rep, file_name, org)


def extract(path: str | Path, *, keep_text: bool = False, ocr: OcrOptions | None = None,
            org: str | None = None) -> Report:
    """Read a report file (format and encoding detected; scans read by OCR) and extract a
    Report. `ocr`: how scans are read (cache folder, progress callback). Its organisation:
    `org` when given, else the centre its header names, else its file name's (see
    extractor.organisation.identify)."""
    from .read import Limits, read

    limits = Limits.from_env()
    src = read(path, limits=limits, ocr=ocr)
    rep = get_extractor().extract_text(src.text, name=path_text(Path(src.path).name), fmt=src.format,
                                       encoding=src.encoding, keep_text=keep_text)
    rep.source.sha256 = src.sha256
    if src.raw is not None:
        from .offsets import remap_report

        remap_report(rep, src.raw, src.maps)
    if src.pages or src.words:
        from .provenance import add_provenance

        add_provenance(rep, src, limits.ocr_min_confidence)
    _identify(rep, Path(src.path).name, org)
    return rep
