"""Repairs of OCR slips (placeholder while measuring)."""
from __future__ import annotations

from dataclasses import dataclass

from .read._common import OffsetMap


@dataclass(frozen=True)
class Repair:
    start: int
    end: int
    read: str
    repaired: str
    rule: str


def repair_ocr(text: str, regions: list[tuple[int, int]]) -> tuple[str, OffsetMap, tuple[Repair, ...]]:
    return text, OffsetMap([]), ()
