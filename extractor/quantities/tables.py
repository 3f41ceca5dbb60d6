"""Figures in tables and forms: indicator lines, columns under a header row, and tables a PDF
flattened to one cell a line.

    Liczba osób, które po opuszczeniu programu podjęły pracę – 17 (wartość docelowa: 13)
    Miesiąc        Liczba uczestników   Średnia obecność dzienna
    styczeń        24                   19,35
    Liczba wszczętych procedur            (a label line, then one value a line)
    14
    21
"""
from __future__ import annotations

import re
from functools import cache

from ..lexicon import lexicon
from ..rules import rule
from ..text import WORDS, View, alternation
from .common import measured, names_a_thing
from .model import Context, Num, Qty


@cache
def _indicator_line() -> re.Pattern[str]:
    """A line that opens with a measure ("Liczba …", "Łączna liczba godzin …") and ends with its
    figure after a dash, colon or tab; the label may run long and hold a clause."""
    heads = alternation(lexicon().measure_heads)
    return re.compile(rf"[ \t]{{0,20}}(?:[-•*][ \t]{{0,5}}|\d{{1,2}}[.)][ \t]{{1,5}})?(?P<label>(?i:{heads})[ \t][^\n]{{3,240}}?)"
                      rf"[ \t]*(?:[:–-]|\t)[ \t]*$")


@rule("quantities", "counts.indicator_line")
def indicator_line(ctx: Context, n: Num) -> Qty | None:
    """'Liczba osób zagrożonych ubóstwem … objętych wsparciem w programie – 62', 'Liczba osób,
    które po opuszczeniu programu podjęły pracę – 17 (wartość docelowa: 13)'."""
    view = ctx.view
    if n.words:
        return None
    m = _indicator_line().match(view.norm, view.line_start(n.start), n.start)
    if not m:
        return None
    kind, subject = measured(m["label"].strip())
    return Qty(kind, m.start("label"), n.end, n.int_value, n, subject=subject)


_CELL_GAP = re.compile(r"\t+|[ ]{2,}")
_ROW_MAX = 400  # a table's row is no longer than this
_REST_OF_LINE_BLANK = re.compile(r"[ \t]*(?:\n|$)")


def _cells(line: str) -> list[tuple[int, int]]:
    """(start, end) of the cells of a line whose columns are set apart by tabs or runs of spaces."""
    out, pos = [], 0
    for m in _CELL_GAP.finditer(line):
        if line[pos:m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if line[pos:].strip():
        out.append((pos, len(line.rstrip())))
    return out


@rule("quantities", "counts.table_cell")
def table_cell(ctx: Context, n: Num) -> Qty | None:
    """'Miesiąc  Liczba uczestników  Frekwencja' over 'styczeń  24  80.63%': a figure that is a
    whole cell counts what its column's header names."""
    view = ctx.view
    if n.words:
        return None
    ls, le = view.line_start(n.start), view.line_end(n.start)
    if le - ls > _ROW_MAX:
        return None  # prose, not a table's row
    line = view.norm[ls:le]
    cells = _cells(line)
    if len(cells) < 2:
        return None
    col = next((i for i, (a, b) in enumerate(cells) if ls + a == n.start and ls + b == n.end), None)
    if col is None:
        return None
    label = _column_label(view, ls, len(cells), col)
    if label is None:
        return None
    kind, subject = measured(label)
    return Qty(kind, n.start, n.end, n.int_value, n, subject=subject)


def _column_label(view: View, ls: int, ncells: int, col: int) -> str | None:
    """The header of column `col`: the nearest line above, within 12 lines of rows, with as many
    cells, none of them a figure, whose cell names a thing."""
    norm = view.norm
    end = ls - 1
    for _ in range(12):
        if end <= 0:
            return None
        start = view.line_start(end)
        line = norm[start:end]
        cells = _cells(line)
        if not line.strip():
            return None
        if len(cells) == ncells and not any(re.search(r"\d", line[a:b]) for a, b in cells):
            label = line[cells[col][0]:cells[col][1]].strip()
            words = WORDS.findall(label)
            return label if words and names_a_thing(words) else None
        end = start - 1
    return None


_ONLY_FIGURE = re.compile(r"[ \t]*(?:\d[\d ]*|-)[ \t]*$")


@rule("quantities", "counts.cell_line")
def cell_line(ctx: Context, n: Num) -> Qty | None:
    """A figure alone on its line under its label — a table flattened to one cell a line
    ('Liczba wszczętych procedur / 14 / 21 / 17'), or a form's value below its field
    ('Liczba miejsc' ⏎⏎ '30')."""
    view = ctx.view
    norm = view.norm
    if n.words:
        return None
    ls = view.line_start(n.start)
    if not view.blank_before(n.start, ls) or not _REST_OF_LINE_BLANK.match(norm, n.end):
        return None
    end = ls - 1
    for _ in range(12):  # up over the other figures of the row and blank lines
        if end <= 0:
            return None
        start = view.line_start(end)
        line = norm[start:end]
        if line.strip() and not _ONLY_FIGURE.fullmatch(line):
            break
        end = start - 1
    else:
        return None
    label = re.sub(r"^[ \t]*(?:[-–•*]|\d{1,2}[.)])[ \t]*", "", line).strip().rstrip(":")
    words = WORDS.findall(label)
    if not words or len(words) > 10 or label.endswith((".", ",", ";")) or not names_a_thing(words):
        return None
    if re.fullmatch(r"(?:19|20)\d\d", norm[n.start:n.end]):
        return None
    kind, subject = measured(label)
    return Qty(kind, n.start, n.end, n.int_value, n, subject=subject)
