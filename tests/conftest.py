from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The tests check the interface's English texts; Polish, the default language, is tested with the
# language set explicitly (tests/test_lang.py). Subprocesses inherit this.
os.environ["SPRAWOZDANIA_LANG"] = "en"


def _facts(text: str, ftype: str | None = None, header: str | None = None):
    """Extract from a report body; a header with a period is added unless given."""
    from extractor import extract_text

    head = header if header is not None else "Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)\n\n"
    rep = extract_text(head + text)
    out = [f for f in rep.facts if ftype is None or f.type == ftype]
    return rep, out


@pytest.fixture
def facts():
    return _facts


def values(fs):
    out = []
    for f in fs:
        if f.type == "date_range":
            out.append((f.start.isoformat(), f.end.isoformat()))
        elif f.type == "date":
            out.append(f.value.isoformat())
        else:
            out.append(f.value)
    return out


def ocr_unavailable() -> str | None:
    """Why scans cannot be read here (the missing package), or None."""
    from extractor.read.ocr import unavailable

    return unavailable()


def require(why: str | None, what: str) -> None:
    """A test that needs a system tool (`why`: what is missing, None when nothing is) is
    skipped without it; under CI=true it fails instead (CI must have it: `make deps`)."""
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} under CI: {why}")
    pytest.skip(f"{what}: {why}")


def require_ocr() -> None:
    """Skip a test that reads scans when Tesseract or its Polish model is missing, naming the
    package (see require)."""
    require(ocr_unavailable(), "OCR is unavailable")


@pytest.fixture
def ocr():
    require_ocr()
