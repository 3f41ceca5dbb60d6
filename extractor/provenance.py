"""Where a fact was read: its page and, for a scan, how surely OCR read its words.

    add_provenance(report, source, min_confidence=60)

Run by `extractor.extract` after the extraction, on offsets that index the text the record
holds (`Source.record_text`). Each fact of a source with pages gets `provenance.page` (the
page its first character is on); each fact whose words OCR read gets `provenance.confidence`,
the lowest confidence (0..1) of those words, and when that is under `min_confidence` (0-100,
default 60, SPRAWOZDANIA_OCR_MIN_CONFIDENCE) a `low_confidence` warning pointing at it, so a
reviewer looks at it first. Every repair of an OCR slip becomes an `ocr_repair` finding (info)
with the text as read and as repaired.
"""
from __future__ import annotations

import bisect
from functools import cache
from typing import TYPE_CHECKING

from models import Finding, Provenance, Span

if TYPE_CHECKING:
    from models import Report

    from .read import Source

DEFAULT_MIN_CONFIDENCE = 60


def _section_at(report: Report, pos: int) -> str | None:
    for sec in report.sections:
        if sec.start <= pos < sec.end:
            return sec.code
    return None


def add_provenance(report: Report, src: Source, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> None:
    """Fill page and confidence of every fact, add low_confidence and ocr_repair findings (in place)."""
    text = src.record_text
    pages = src.pages or []
    words = sorted(src.words, key=lambda w: w.start)
    starts = [w.start for w in words]
    low: list[Finding] = []
    for f in report.facts:
        sp = f.span
        page = bisect.bisect_right(pages, sp.start) if pages else None
        # the words the span touches (a word may start before the span: look one back)
        i = max(0, bisect.bisect_right(starts, sp.start) - 1)
        confs = []
        while i < len(words) and words[i].start < max(sp.end, sp.start + 1):
            w = words[i]
            if w.end > sp.start:
                confs.append(w.confidence)
                if page is None or w.start <= sp.start:
                    page = w.page
            i += 1
        conf = round(min(confs), 3) if confs else None
        if page is None and conf is None:
            continue
        prov = f.provenance or Provenance()
        prov.page = page or None
        prov.confidence = conf
        f.provenance = prov
        if conf is not None and conf * 100 < min_confidence:
            where = f" na stronie {page}" if page else ""
            low.append(Finding(
                code="low_confidence", severity="warning", section=f.section, evidence=[sp], facts=[f.id],
                message=f"OCR odczytał „{sp.text}”{where} z pewnością {conf * 100:.0f}/100 "
                        f"(próg {min_confidence:g}): sprawdź w skanie"))
    repairs = []
    for r in src.repairs:
        ev = Span(start=r.start, end=r.end, text=text[r.start:r.end])
        page = bisect.bisect_right(pages, r.start) if pages else None
        where = f" (strona {page})" if page else ""
        repairs.append(Finding(
            code="ocr_repair", severity="info", section=_section_at(report, r.start), evidence=[ev],
            message=f"poprawka OCR{where}, reguła {r.rule}: odczytano „{r.read}”, poprawiono na „{r.repaired}”"))
    report.findings.extend(low)
    report.findings.extend(repairs)
    if src.words:
        hint_digit_swaps(report)


@cache
def _confused() -> dict[str, tuple[str, ...]]:
    """digit -> the digits OCR takes it for (ocr_repair.toml digit_confusions, both ways)."""
    from .ocr_repair import rules

    other: dict[str, set[str]] = {}
    for pair in rules().file.digit_confusions.pairs:
        other.setdefault(pair[0], set()).add(pair[1])
        other.setdefault(pair[1], set()).add(pair[0])
    return {d: tuple(sorted(o)) for d, o in other.items()}


def _swaps(value: int) -> list[int]:
    """The values one digit OCR takes for another makes of `value`."""
    digits = str(value)
    out = []
    for i, d in enumerate(digits):
        for r in _confused().get(d, ()):
            swapped = digits[:i] + r + digits[i + 1:]
            if not (swapped[0] == "0" and len(swapped) > 1):
                out.append(int(swapped))
    return out


def hint_digit_swaps(report: Report) -> None:
    """A scan's total and parts that do not add up, where one digit OCR takes for another in one
    of their figures would make them add up (one or two such figures, the least surely read
    first): the sum_mismatch finding says so, pointing the reviewer at them in the scan ("18"
    read as "16")."""
    by_id = {f.id: f for f in report.facts}
    for fd in report.findings:
        if fd.code != "sum_mismatch" or len(fd.facts) < 3:
            continue
        if not all(i in by_id for i in fd.facts):
            continue
        facts = [by_id[i] for i in fd.facts]
        if not all(float(getattr(f, "value", 0)).is_integer() for f in facts):
            continue
        values = [int(getattr(f, "value", 0)) for f in facts]
        total, parts = values[0], values[1:]
        fits = []
        for k, v in enumerate(values):
            for w in _swaps(v):
                t = w if k == 0 else total
                rest = sum(parts) - (v - w if k > 0 else 0)
                if t == rest:
                    fits.append((facts[k], w))
        if 1 <= len(fits) <= 2:
            fits.sort(key=lambda fw: fw[0].provenance.confidence
                      if fw[0].provenance and fw[0].provenance.confidence is not None else 1.0)
            said = " albo ".join(f"„{f.span.text}” (może {w})" for f, w in fits)
            fd.message += f" — na skanie sprawdź {said}: OCR myli te cyfry"
