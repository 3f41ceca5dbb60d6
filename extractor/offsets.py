"""Offsets into the decoded text. The recognisers work on the tidied text (NFC, "\\n" line
ends, no invisible characters); a report read from a file points into the string the file
decodes to, so every span is moved back through the reader's offset maps at the end."""
from __future__ import annotations

from typing import TYPE_CHECKING

from models import Span

if TYPE_CHECKING:
    from pydantic import BaseModel

    from models import Report

    from .read._common import OffsetMap


class Remap:
    def __init__(self, raw: str, maps: list[OffsetMap]) -> None:
        self.raw = raw
        self.maps = maps[::-1]

    def start(self, t: int) -> int:
        for m in self.maps:
            t = m.start(t)
        return t

    def end(self, t: int) -> int:
        for m in self.maps:
            t = m.end(t)
        return t

    def span(self, sp: Span) -> Span:
        s = self.start(sp.start)
        e = max(s, self.end(sp.end)) if sp.end > sp.start else s
        return Span(start=s, end=e, text=self.raw[s:e])

    def model(self, obj: BaseModel) -> None:
        for name in type(obj).model_fields:
            val = getattr(obj, name)
            if isinstance(val, Span):
                setattr(obj, name, self.span(val))
            elif isinstance(val, list):
                for i, item in enumerate(val):
                    if isinstance(item, Span):
                        val[i] = self.span(item)
                    elif hasattr(type(item), "model_fields"):
                        self.model(item)
            elif hasattr(type(val), "model_fields"):
                self.model(val)


def remap_report(report: Report, raw: str, maps: list[OffsetMap]) -> None:
    """Move every offset of `report` (extracted from the tidied text) into `raw`, in place."""
    if not maps:
        return
    rm = Remap(raw, maps)
    rm.model(report)
    for sec in report.sections:
        sec.start, sec.end = rm.start(sec.start), rm.end(sec.end)
    report.source.chars = len(raw)
    if report.text is not None:
        report.text = raw
