#!/usr/bin/env python3
"""Facts F1 of scanned reports against the gold of their typed text, per degradation.

    python corpus/tools/ocr_eval.py                       # `make ocr-eval`: the default set
    python corpus/tools/ocr_eval.py --presets clean-300 rot-blur-300 --reports 4 --workers 2
    python corpus/tools/ocr_eval.py --errors              # also the facts missed and spurious

Renders corpus reports that have gold (corpus/ and its holdout and blind folders) with the
presets of render_scans.py, as PNG images (a multi-page TIFF for a longer report) and as image-only PDFs,
in turn, reads them
with `extractor.extract` (OCR), and scores the facts by section code
(`extractor.evaluate.score(gold, pred, by_code=True)`, the contract's `score.py --by-code`:
OCR offsets differ from the typed text's). Prints one line per preset and a total; the
OCR results are cached by file (--cache, default a temp folder), so a second run with the
same cache only re-extracts. After the scores, per preset: the OCR repairs made, the facts
extracted, how many of them touch a repaired word, and the low_confidence warnings. A second
line, "aligned", scores the same facts by place: their offsets moved to the typed text by an
edit-distance alignment of the two texts, so two equal values in one section cannot swap and
the links are those the extraction made (by section and value, a part of "2" may be paired with
another "2" of the section and its link counted wrong).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_PRESETS = ("clean-300", "rot-blur-300", "rot-neg-300", "clean-200", "rot-blur-200", "speckle-jpeg-300",
                   "speckle-jpeg-200", "two-column-300")


def gold_files(limit: int | None) -> list[Path]:
    """Gold of every corpus folder, taken in turn from each folder so a small set mixes them."""
    folders = [ROOT / "corpus" / d for d in ("", "holdout", "blind", "blind2")]
    lists = [sorted((f / "gold").glob("*.facts.json")) for f in folders]
    out: list[Path] = []
    while any(lists):
        for lst in lists:
            if lst:
                out.append(lst.pop(0))
    return out[:limit] if limit else out


def _aligned(facts: dict[str, Any], read: str, typed: str) -> dict[str, Any]:
    """facts/1 of the text OCR read with every offset moved to the typed text's (an edit-distance
    alignment of the two texts, rapidfuzz), so facts and links are matched by place as for a
    typed report, not by section and value alone (where two equal values in a section can swap)."""
    from rapidfuzz.distance import Levenshtein

    to = [0] * (len(read) + 1)
    for op in Levenshtein.opcodes(read, typed):
        for k in range(op.src_start, op.src_end + 1):
            to[k] = op.dest_start + (k - op.src_start if op.tag == "equal" else
                                     round((k - op.src_start) * (op.dest_end - op.dest_start)
                                           / max(1, op.src_end - op.src_start)))
    out = json.loads(json.dumps(facts))
    for f in out.get("facts", []):
        if isinstance(f.get("start"), int):
            f["start"], f["end"] = to[min(f["start"], len(read))], to[min(f["end"], len(read))]
    return out


def job(gold_path: str, preset: str, kind: str, outdir: str, cache: str, seed: int) -> dict[str, Any]:
    from render_scans import PRESETS, render, save

    from extractor import ReadError, extract
    from extractor.emit import to_facts
    from extractor.evaluate import score

    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    typed = Path(gold_path).parent.parent / gold["source"]
    d = PRESETS[preset]
    stem = Path(outdir) / f"{typed.stem}.{preset}.x"
    pages = render(typed.read_text(encoding="utf-8"), d, seed)
    if len(pages) > 1 and kind == "png":
        kind = "tif"              # several pages: one multi-page TIFF
    (path,) = save(pages, stem, kind, d.dpi)
    os.environ["SPRAWOZDANIA_OCR_CACHE"] = cache
    t0 = time.perf_counter()
    try:
        rep = extract(path, keep_text=True)
        facts = to_facts(rep)
    except ReadError as e:
        return {"preset": preset, "report": typed.name, "error": str(e), "seconds": time.perf_counter() - t0}
    s = score(gold, facts, by_code=True)
    aligned = score(gold, _aligned(facts, rep.text or "", typed.read_text(encoding="utf-8")))
    repairs = [ev for fd in rep.findings if fd.code == "ocr_repair" for ev in fd.evidence]
    touched = sum(1 for f in rep.facts if any(ev.start < f.span.end and f.span.start < ev.end for ev in repairs))
    low = sum(1 for fd in rep.findings if fd.code == "low_confidence")
    return {"repairs": len(repairs), "touched": touched, "low": low, "nfacts": len(rep.facts),"preset": preset, "report": typed.name, "kind": kind, "pages": len(pages),
            "types": s.types, "links": s.links, "aligned": {"types": aligned.types, "links": aligned.links}, "period": s.period_ok, "seconds": time.perf_counter() - t0,
            "missed": [f"{f['type']} {f.get('section')} {f['value']!r} {f.get('text', '')!r}" for f in s.missed],
            "spurious": [f"{f['type']} {f.get('section')} {f['value']!r} {f.get('text', '')!r}" for f in s.spurious]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", nargs="+", default=list(DEFAULT_PRESETS))
    ap.add_argument("--reports", type=int, default=16, help="how many reports per preset (default 16; 0: all 48)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", type=Path, help="OCR cache folder (default: a temp folder)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--errors", action="store_true", help="list missed and spurious facts")
    a = ap.parse_args(argv)

    from extractor.evaluate import Score, Totals

    golds = gold_files(a.reports or None)
    with tempfile.TemporaryDirectory() as tmp:
        cache = str(a.cache or Path(tmp) / "cache")
        jobs = [(str(g), p, ("png", "pdf")[i % 2], tmp, cache, a.seed)
                for p in a.presets for i, g in enumerate(golds)]
        t0 = time.perf_counter()
        results = []
        with ProcessPoolExecutor(a.workers) as ex:
            futs = [ex.submit(job, *j) for j in jobs]
            for k, fut in enumerate(futs, 1):
                res = fut.result()
                results.append(res)
                print(f"[{k}/{len(futs)}] {res['preset']:18} {res['report']:45} {res['seconds']:5.1f} s",
                      file=sys.stderr, flush=True)
    print(f"{len(golds)} reports × {len(a.presets)} presets, {time.perf_counter() - t0:.0f} s "
          f"with {a.workers} workers")
    grand, grand_aligned = Totals(), Totals()
    for preset in a.presets:
        tot, tot_aligned = Totals(), Totals()
        errors = 0
        extra = {"repairs": 0, "touched": 0, "low": 0, "nfacts": 0}
        for r in results:
            if r["preset"] != preset:
                continue
            if "error" in r:
                errors += 1
                print(f"  {preset}: {r['error']}")
                continue
            s = Score()
            s.types = {t: tuple(v) for t, v in r["types"].items()}
            s.links = tuple(r["links"])
            s.period_ok = r["period"]
            tot.add(s)
            grand.add(s)
            al = Score()
            al.types = {t: tuple(v) for t, v in r["aligned"]["types"].items()}
            al.links, al.period_ok = tuple(r["aligned"]["links"]), r["period"]
            tot_aligned.add(al)
            grand_aligned.add(al)
            for k in extra:
                extra[k] += r[k]
            if a.errors and (r["missed"] or r["spurious"]):
                print(f"  {preset} {r['report']}:")
                for m in r["missed"]:
                    print(f"    missed   {m}")
                for m in r["spurious"]:
                    print(f"    spurious {m}")
        print(f"{preset:18} " + tot.total_line().replace("TOTAL ", "").split(" grounded")[0]
              + (f" unreadable={errors}" if errors else "")
              + f" | repairs={extra['repairs']} facts={extra['nfacts']} on-repair={extra['touched']}"
                f" low-conf={extra['low']}")
        print(f"{'  aligned':18} " + tot_aligned.total_line().replace("TOTAL ", "").split(" grounded")[0])
    print(grand.total_line().split(" grounded")[0])
    print("TOTAL aligned " + grand_aligned.total_line().replace("TOTAL ", "").split(" grounded")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
