"""Scanned reports: corpus reports rendered as scans in the test session
(corpus/tools/render_scans.py, seeded), read by OCR and scored against the gold of their
typed text by section code (`score(gold, pred, by_code=True)`, the contract's --by-code: OCR
offsets differ from the typed text's). Skipped, naming the package, where Tesseract or its
Polish model is missing; under CI=true that fails instead."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_ocr

from extractor.emit import to_facts
from extractor.evaluate import Totals, score
from extractor.read.ocr import OcrOptions

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "corpus" / "tools"))
SEED = "owes-olsztyn_2018-09-01_2018-11-30"

from render_scans import PRESETS, Degrade, render, save  # noqa: E402


def _gold(stem: str, folder: str = "") -> dict:
    return json.loads((ROOT / "corpus" / folder / "gold" / f"{stem}.facts.json").read_text(encoding="utf-8"))


def _typed(stem: str, folder: str = "") -> str:
    return (ROOT / "corpus" / folder / f"{stem}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    """Render scans once per session; OCR results cached in the session's folder."""
    require_ocr()
    out = tmp_path_factory.mktemp("scans")
    cache = out / "ocr-cache"
    made: dict[str, Path] = {}

    def make(stem: str, preset: str | Degrade, kind: str, folder: str = "") -> Path:
        key = f"{folder}/{stem}.{preset}.{kind}"
        if key not in made:
            d = PRESETS[preset] if isinstance(preset, str) else preset
            name = preset if isinstance(preset, str) else f"custom{len(made)}"
            (made[key],) = save(render(_typed(stem, folder), d, seed=7), out / f"{stem}.{name}.x", kind, d.dpi)
        return made[key]

    make.cache = cache  # type: ignore[attr-defined]
    return make


def _extract(path: Path, cache: Path):
    from extractor import extract

    return extract(path, ocr=OcrOptions(cache=cache))


def _f1(stem: str, rep, folder: str = "") -> Totals:
    t = Totals()
    t.add(score(_gold(stem, folder), to_facts(rep), by_code=True))
    return t


def test_300_dpi_png_with_rotation_and_blur(scans):
    rep = _extract(scans(SEED, "rot-blur-300", "png"), scans.cache)
    t = _f1(SEED, rep)
    assert t.f1 >= 0.95, t.total_line()
    assert rep.period is not None and (rep.period.start.isoformat(), rep.period.end.isoformat()) == \
        ("2018-09-01", "2018-11-30")
    assert rep.source.format == "png"
    assert rep.facts and all(f.provenance and f.provenance.page == 1 and f.provenance.confidence is not None
                             for f in rep.facts)


def test_300_dpi_image_only_pdf_from_the_command_line(scans, tmp_path):
    pdf = scans(SEED, "rot-blur-300", "pdf")
    env = {**os.environ, "SPRAWOZDANIA_OCR_CACHE": str(scans.cache)}
    out = tmp_path / "scan.facts.json"
    res = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(pdf), "--format", "facts",
                          "-o", str(out)], capture_output=True, text=True, env=env, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    t = Totals()
    t.add(score(_gold(SEED), doc, by_code=True))
    assert t.f1 >= 0.95, t.total_line()
    assert doc["document"]["period"]["start"] == "2018-09-01"
    assert all(f["page"] == 1 and 0 <= f["confidence"] <= 1 for f in doc["facts"])


@pytest.mark.parametrize("stem, folder, preset, kind", [
    ("owes-elk_2019-07-01_2019-09-30", "", "rot-blur-200", "png"),
    ("owes-mragowo_2022-04-01_2022-09-30", "", "speckle-jpeg-300", "pdf"),
    ("owes-opole_2022-01-01_2022-03-31", "blind", "speckle-jpeg-200", "jpg"),
])
def test_200_dpi_and_speckled_jpeg_scans(scans, stem, folder, preset, kind):
    rep = _extract(scans(stem, preset, kind, folder), scans.cache)
    t = _f1(stem, rep, folder)
    assert t.f1 >= 0.90, t.total_line()


def test_every_offset_indexes_the_text_as_read(scans):
    from extractor.read import read

    path = scans(SEED, "rot-blur-300", "png")
    src = read(path, ocr=OcrOptions(cache=scans.cache))
    rep = _extract(path, scans.cache)
    text = src.record_text
    for f in rep.facts:
        assert text[f.span.start:f.span.end] == f.span.text
    for fd in rep.findings:
        for ev in fd.evidence:
            assert text[ev.start:ev.end] == ev.text
    for r in src.repairs:
        assert text[r.start:r.end] == r.read
    repairs = [fd for fd in rep.findings if fd.code == "ocr_repair"]
    assert len(repairs) == len(src.repairs) and all(fd.severity == "info" for fd in repairs)
    assert all(0 <= w.confidence <= 1 and w.page == 1 and text[w.start:w.end].strip() for w in src.words)


def test_multi_page_tiff_keeps_page_numbers(scans):
    big = Degrade(size=17.0, rotate=0.3, blur=0.4)            # the seed report over three pages
    path = scans(SEED, big, "tif")
    from extractor.read import read

    src = read(path, ocr=OcrOptions(cache=scans.cache))
    assert src.format == "tiff" and src.ocr_pages == (1, 2, 3) and src.pages is not None and len(src.pages) == 3
    rep = _extract(path, scans.cache)
    pages = {f.provenance.page for f in rep.facts if f.provenance}
    assert {1, 2} <= pages <= {1, 2, 3}
    for f in rep.facts:                                         # the page is where the fact starts
        assert f.provenance is not None
        assert f.provenance.page == sum(1 for s in src.pages if s <= f.span.start)
    assert _f1(SEED, rep).f1 >= 0.95


def test_pdf_with_a_text_layer_on_some_pages(scans, tmp_path):
    """Page 1 typed (text layer), page 2 scanned: only page 2 is read by OCR and repaired."""
    from pypdf import PdfReader, PdfWriter
    from readfixtures import pdf_document

    typed = pdf_document([[(56, 800, "Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018"),
                           (56, 770, "Pisane: 3O osób w WTZi1w ŚDS.")]])
    body = "CENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)\n\nOdbyło się 12 spotkań animacyjnych w Olsztynie i 40 godzin doradztwa prawnego.\n"
    pages = render(body, PRESETS["clean-300"], seed=3)
    scan = tmp_path / "scan.pdf"
    save(pages, scan, "pdf", 300)
    w = PdfWriter()
    for r in (PdfReader(__import__("io").BytesIO(typed)), PdfReader(scan)):
        for p in r.pages:
            w.add_page(p)
    mixed = tmp_path / "mixed.pdf"
    with open(mixed, "wb") as fh:
        w.write(fh)
    from extractor.read import read
    from extractor.read.ocr import ocr_page_count

    assert ocr_page_count(mixed) == 1
    src = read(mixed, ocr=OcrOptions(cache=scans.cache))
    assert src.ocr_pages == (2,) and src.pages is not None and len(src.pages) == 2
    assert "3O osób w WTZi1w" in src.text                      # the typed page is not repaired
    assert all(w.page == 2 and w.start >= src.pages[1] for w in src.words)
    rep = _extract(mixed, scans.cache)
    by_value = {(f.type, getattr(f, "value", None)): f for f in rep.facts}
    meet, hours = by_value[("count", 12)], by_value[("hours", 40)]
    for f in (meet, hours):
        assert f.provenance.page == 2 and f.provenance.confidence is not None
    assert all(f.provenance.page == 1 and f.provenance.confidence is None for f in rep.facts
               if f.span.start < src.pages[1])


def test_low_confidence_threshold_is_configurable(scans, monkeypatch):
    path = scans(SEED, "speckle-jpeg-300", "png")
    counts = {}
    for threshold in (100, 60, 1):
        monkeypatch.setenv("SPRAWOZDANIA_OCR_MIN_CONFIDENCE", str(threshold))
        rep = _extract(path, scans.cache)
        low = [fd for fd in rep.findings if fd.code == "low_confidence"]
        below = {f.id for f in rep.facts if f.provenance and f.provenance.confidence is not None
                 and f.provenance.confidence * 100 < threshold}
        assert {fd.facts[0] for fd in low} == below
        assert all(fd.severity == "warning" and fd.evidence for fd in low)
        counts[threshold] = len(low)
    assert counts[100] > counts[60] >= counts[1]
    monkeypatch.setenv("SPRAWOZDANIA_OCR_MIN_CONFIDENCE", "101")
    from extractor import ConfigError

    with pytest.raises(ConfigError, match="SPRAWOZDANIA_OCR_MIN_CONFIDENCE"):
        _extract(path, scans.cache)


def test_ocr_cache_means_no_second_ocr(scans, tmp_path, monkeypatch):
    import extractor.read.ocr as ocr_mod
    from extractor.read import read

    path = scans(SEED, "clean-300", "png")
    cache = tmp_path / "cache"
    first = read(path, ocr=OcrOptions(cache=cache))
    assert list(cache.glob("*.json"))

    def no_ocr(*_a, **_k):
        raise AssertionError("OCR ran although the page was cached")

    monkeypatch.setattr(ocr_mod, "ocr_image", no_ocr)
    again = read(path, ocr=OcrOptions(cache=cache))
    assert again.text == first.text and again.words == first.words


def test_page_count_without_ocr(scans, tmp_path):
    from extractor.read.ocr import ocr_page_count

    assert ocr_page_count(scans(SEED, "clean-300", "png")) == 1
    assert ocr_page_count(scans(SEED, Degrade(size=17.0, rotate=0.3, blur=0.4), "tif")) == 3
    assert ocr_page_count(scans(SEED, "clean-200", "pdf")) == 1
    assert ocr_page_count(ROOT / "corpus" / f"{SEED}.txt") == 0
    assert ocr_page_count(tmp_path / "missing.png") == 0


def test_archive_keeps_page_and_confidence(scans, tmp_path):
    from extractor.archive import Archive
    from extractor.indicators import assign_indicators

    rep = _extract(scans(SEED, "rot-blur-300", "png"), scans.cache)
    assign_indicators(rep)
    with Archive(tmp_path / "a.sqlite") as ar:
        ar.upsert(rep, path="scan.png", organisation="owes-olsztyn")
        rows = ar.conn.execute("SELECT page, confidence FROM facts").fetchall()
    assert rows and all(p == 1 and 0 <= c <= 1 for p, c in rows)


def test_missing_tesseract_is_one_line_naming_the_package(tmp_path):
    """Without Tesseract on PATH a scan fails with exit code 2 and one line naming the Debian
    package; a typed report next to it is still extracted."""
    from PIL import Image

    img = tmp_path / "skan.png"
    Image.new("L", (200, 100), 255).save(img)
    txt = tmp_path / "r.txt"
    txt.write_text("Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nOdbyło się 5 spotkań.\n",
                   encoding="utf-8")
    env = {**os.environ, "PATH": str(tmp_path)}                 # no tesseract here
    res = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(img), str(txt), "--format", "facts"],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "skan.png" in lines[0] and "tesseract-ocr" in lines[0], res.stderr
    assert json.loads(res.stdout)[0]["facts"]


def test_no_ocr_engine_kind(monkeypatch, tmp_path):
    import extractor.read.ocr as ocr_mod
    from extractor import ReadError
    from extractor.read import read

    monkeypatch.setattr(ocr_mod, "unavailable", lambda: "Tesseract has no Polish model (Debian package "
                                                         "tesseract-ocr-pol)")
    from PIL import Image

    img = tmp_path / "skan.tif"
    Image.new("L", (200, 100), 255).save(img)
    with pytest.raises(ReadError) as e:
        read(img)
    assert e.value.kind == "ocr_unavailable" and "tesseract-ocr-pol" in str(e.value)


def test_batch_reads_pages_over_workers_and_caches_them(scans, tmp_path):
    import shutil

    from extractor.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(scans(SEED, Degrade(size=17.0, rotate=0.3, blur=0.4), "tif"), src / "long.tif")
    shutil.copy(scans(SEED, "clean-300", "pdf"), src / "scan.pdf")
    shutil.copy(ROOT / "corpus" / f"{SEED}.txt", src / "typed.txt")
    seen: list[tuple[str, int, int]] = []
    planned: list[int] = []
    res = run_batch([src], tmp_path / "out", workers=2, fmt="facts", on_pages=planned.append,
                    on_page=lambda path, done, of: seen.append((Path(path).name, done, of)))
    assert res.exit_code == 0 and len(res.converted) == 3
    assert planned == [4]                                       # 3 pages of the TIFF, 1 of the PDF
    assert sorted(seen) == [("long.tif", 1, 3), ("long.tif", 2, 3), ("long.tif", 3, 3), ("scan.pdf", 1, 1)]
    cached = sorted(p.name for p in (tmp_path / "out" / ".ocr").glob("*.json"))
    assert len(cached) == 4
    doc = json.loads((tmp_path / "out" / "long.facts.json").read_text(encoding="utf-8"))
    assert {f["page"] for f in doc["facts"]} >= {1, 2}
    again = run_batch([src], tmp_path / "out", workers=2, fmt="facts", force=True)
    assert again.exit_code == 0 and len(again.converted) == 3
    assert sorted(p.name for p in (tmp_path / "out" / ".ocr").glob("*.json")) == cached
    assert json.loads((tmp_path / "out" / "long.facts.json").read_text(encoding="utf-8")) == doc
