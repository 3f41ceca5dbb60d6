"""facts/1 offsets index the string the file decodes to, whatever tidying did to it (CRLF
line ends, soft hyphens and zero-width spaces, decomposed diacritics, paragraph separators)."""
from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from extractor import extract
from extractor.emit import to_facts
from extractor.read._common import tidy_mapped

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORTS = sorted(CORPUS.glob("*.txt"))[:6]


def _raw_spans(doc: dict) -> list[tuple[int, int, str]]:
    out = [(f["start"], f["end"], f["text"]) for f in doc["facts"]]
    out += [(f["start"], f["end"], f["text"]) for f in doc["findings"] if "start" in f]
    return out


def _values(doc: dict) -> list[tuple]:
    return [(f["type"], str(f["value"]), f.get("subject"), f["section"]) for f in doc["facts"]]


def _damage(text: str, rng: random.Random) -> str:
    """The same report as another machine might have saved it."""
    text = text.replace("\n", "\r\n")
    text = unicodedata.normalize("NFD", text) if rng.random() < 0.5 else text
    out = []
    for ch in text:
        out.append(ch)
        if ch.isalpha() and rng.random() < 0.02:
            out.append(rng.choice("\u00ad\u200b\u2060"))
    return "".join(out)


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_offsets_index_the_decoded_text(path: Path, tmp_path: Path) -> None:
    clean = to_facts(extract(path))
    rng = random.Random(path.name)
    raw = _damage(path.read_text(encoding="utf-8"), rng)
    damaged = tmp_path / path.name
    damaged.write_bytes(raw.encode("utf-8"))
    doc = to_facts(extract(damaged))
    for start, end, text in _raw_spans(doc):
        assert raw[start:end] == text
    # and nothing is lost: the same facts, each pointing at the same words
    assert _values(doc) == _values(clean)
    for got, want in zip(doc["facts"], clean["facts"], strict=True):
        assert tidy_mapped(got["text"])[0].replace("\n", " ").strip() == want["text"].replace("\n", " ").strip()
    per = doc["document"]["period"]
    want = path.read_text(encoding="utf-8")
    cper = clean["document"]["period"]
    assert (per is None) == (cper is None)
    if per and per["start_char"] is not None:
        assert tidy_mapped(raw[per["start_char"]:per["end_char"]])[0] == want[cper["start_char"]:cper["end_char"]]
    for s in doc["sections"]:
        assert 0 <= s["start"] <= s["end"] <= len(raw)


def test_a_span_over_a_soft_hyphen_keeps_it(tmp_path: Path) -> None:
    raw = ("Sprawozdanie częściowe za okres 01.04.2021 \u2013 30.06.2021\r\n\r\n"
           "Spotkanie odbyło się w Ol\u00adsztynie, 12 uczestników.\r\n")
    p = tmp_path / "r.txt"
    p.write_bytes(raw.encode("utf-8"))
    doc = to_facts(extract(p))
    loc = [f for f in doc["facts"] if f["type"] == "location"]
    assert [f["value"] for f in loc] == ["Olsztyn"]
    assert loc[0]["text"] == "Ol\u00adsztynie" == raw[loc[0]["start"]:loc[0]["end"]]
    cnt = [f for f in doc["facts"] if f["type"] == "count"]
    assert cnt and raw[cnt[0]["start"]:cnt[0]["end"]] == "12 uczestników"


@pytest.mark.parametrize("raw", ["a\r\nb", "x\u2029y", "\u00ad\u00adab\u200b", "e\u0328\u0301z", "\r\r\n\x0c", "abc"])
def test_offset_maps_are_monotone_and_in_range(raw: str) -> None:
    text, maps = tidy_mapped(raw)

    def start(t: int) -> int:
        for m in reversed(maps):
            t = m.start(t)
        return t

    def end(t: int) -> int:
        for m in reversed(maps):
            t = m.end(t)
        return t

    starts = [start(i) for i in range(len(text) + 1)]
    ends = [end(i) for i in range(len(text) + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= x <= len(raw) for x in starts + ends)
    for i in range(len(text)):  # each character comes from the raw characters it maps to
        assert text[i] in tidy_mapped(raw[start(i):end(i + 1)])[0]
