"""Character offsets onto the tokens of a spaCy Doc, without walking the Doc for each one."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any


def token_starts(doc: Any) -> list[int]:
    """Where each token of `doc` starts (the genre tokenizer records them as it builds the Doc)."""
    starts: list[int] | None = doc.user_data.get("spr_starts")
    if starts is None or len(starts) != len(doc):
        starts = doc.user_data["spr_starts"] = [t.idx for t in doc]
    return starts


def token_range(doc: Any, start: int, end: int, starts: list[int] | None = None) -> tuple[int, int] | None:
    """The tokens covering [start, end) (as `doc.char_span(..., alignment_mode="expand")`)."""
    starts = token_starts(doc) if starts is None else starts
    i = bisect_right(starts, start) - 1
    j = bisect_left(starts, end)
    if i < 0 or j <= i:
        return None
    return i, j


def set_spans(doc: Any, key: str, items: list[tuple[int, int, str]]) -> None:
    """doc.spans[key]: one labelled span per (start, end, label)."""
    from spacy.tokens import Span

    out = []
    starts = token_starts(doc)
    strings = doc.vocab.strings
    labels: dict[str, int] = {}
    for start, end, label in items:
        r = token_range(doc, start, end, starts)
        if r is None:
            continue
        lab = labels.get(label)
        if lab is None:
            lab = labels[label] = strings.add(label)   # a span made with the label's hash: no lookup each
        out.append(Span(doc, r[0], r[1], label=lab))
    doc.spans[key] = out
