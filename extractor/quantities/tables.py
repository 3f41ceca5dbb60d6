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
from ..phrases import lemma_phrase
from ..rules import rule
from ..text import WORDS, View, alternation, last_word
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
    """(start, end) of the cells of a line of a table: columns set apart by bars ("a | b | c",
    an empty cell kept, so the columns stay in line; bars at the ends are frames) or by two
    semicolons or more ("usługa; liczba osób; liczba godzin"), else by tabs or runs of spaces.
    Give it the text as written: its normalised twin has tabs as spaces."""
    sep = "|" if "|" in line else ";" if line.count(";") >= 2 else None
    if sep is not None:
        out, pos = [], 0
        pieces = line.split(sep)
        for k, piece in enumerate(pieces):   # each cell without the blanks around it
            inner = piece.strip(" \t\r")
            if sep == ";" and k == len(pieces) - 1:
                inner = inner.rstrip(".").rstrip(" \t\r")   # "razem; 97; 3 620." ends its sentence
            a = pos + (piece.find(inner) if inner else 0)
            out.append((a, a + len(inner)))
            pos += len(piece) + 1
        if out and out[0][0] == out[0][1]:
            out = out[1:]
        if out and out[-1][0] == out[-1][1]:
            out = out[:-1]
        return out
    if "\t" not in line and "  " not in line:   # no gap: one cell, as the loop below would give
        return [(0, len(line.rstrip()))] if line.strip() else []
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
    line = view.text[ls:le]
    cells = _cells(line)
    if len(cells) < 2:
        return None
    col = next((i for i, (a, b) in enumerate(cells) if ls + a == n.start and ls + b == n.end), None)
    if col is None:
        return None
    header = _column_label(view, ls, len(cells), col, things_only=False)
    mk = lexicon().markers
    figure = " ".join(header.lower().split()) if header is not None else ""
    if col > 0 and figure in mk.figure_columns:
        # "osiągnięta w okresie", "narastająco": the row's label (its first cell of words, after
        # a row number) says what is counted
        row = next((line[a:b].strip(" -–") for a, b in cells[:col] if not re.fullmatch(r"[\d.\s]*", line[a:b])), "")
        words = WORDS.findall(row)
        if words and not re.search(r"\d", row) and names_a_thing(words):
            kind, subject = measured(row)
            return Qty(kind, n.start, n.end, n.int_value, n, subject=subject, planned=figure in mk.planned)
    label = header if header is not None and names_a_thing(WORDS.findall(header)) else None
    if label is None or label.lower() in mk.row_number:   # "Lp.": the row's number
        return None
    kind, subject = measured(label)
    return Qty(kind, n.start, n.end, n.int_value, n, subject=subject)


def _column_label(view: View, ls: int, ncells: int, col: int, things_only: bool = True) -> str | None:
    """The header of column `col`: the nearest line above, within 12 lines of rows, with as many
    cells, none of them a figure, whose cell names a thing (`things_only`; else whatever it says)."""
    text = view.text
    end = ls - 1
    for _ in range(12):
        if end <= 0:
            return None
        start = view.line_start(end)
        line = text[start:end]
        cells = _cells(line)
        if not line.strip():
            return None
        if len(cells) == ncells and not any(re.search(r"\d", line[a:b]) for a, b in cells):
            label = line[cells[col][0]:cells[col][1]].strip()
            words = WORDS.findall(label)
            return label if words and (names_a_thing(words) or not things_only) else None
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


@rule("quantities", "breakdowns.table_columns", kind="pass")
def table_columns(ctx: Context) -> None:
    """Breakdowns a table states by its layout: a 'Razem | 28 | 3 584' row adds up the figures of
    each column above it (up to the header or a blank line), and a column headed 'w tym kobiety'
    is a subset of the figure before it in the same row."""
    view = ctx.view
    text = view.text
    cells_too = "\t" in text or "|" in text or ";" in text or "  " in text   # else no line has cells
    mk = lexicon().markers
    totals = {w.lower() for w in mk.total}
    by_num = {q.num.start: q for q in ctx.qtys if q.kind in ("count", "hours")}
    free = {n.start: n for n in ctx.nums if not n.role and not n.words}
    became_parts: set[int] = set()
    subsets: bool | None = None   # a "w tym …" column somewhere: looked for at the first row of cells
    pos = 0
    while (le := text.find("\n", pos)) >= 0 or pos < len(text):
        le = len(text) if le < 0 else le
        ls, pos = pos, le + 1
        line = text[ls:le]
        keyed = _keyed(line)
        if keyed and WORDS.match(line.lstrip(" -–•*")) and \
                WORDS.match(line.lstrip(" -–•*"))[0].lower() in totals:   # type: ignore[index]
            _keyed_totals(ctx, view, ls, keyed, by_num, free, became_parts)
            continue
        if not cells_too:
            continue
        cells = _cells(line)
        if len(cells) < 2:
            continue
        total_row = line[cells[0][0]:cells[0][1]].strip(" :").lower() in totals
        if subsets is None:
            subsets = bool(_subset_header().search(text))
        if not (total_row or subsets):
            continue
        rows = _rows_above(view, ls, len(cells))
        if rows is None:
            continue
        header, body = rows
        if total_row and body:
            _column_totals(ctx, ls, cells, header, body, by_num, free, became_parts)
        if subsets:
            _subset_columns(ctx, ls, cells, header, by_num, became_parts)
    ctx.qtys[:] = [q for q in ctx.qtys if id(q) not in became_parts]


def _rows_above(view: View, ls: int, ncells: int) -> tuple[list[str], list[tuple[int, list[tuple[int, int]]]]] | None:
    """The header cells of the table a row of `ncells` cells belongs to and the rows between
    them (line start, cells) in text order; a table without a header row (its title above it)
    has empty headers; None when fewer than two rows of as many cells are above."""
    text = view.text
    body: list[tuple[int, list[tuple[int, int]]]] = []
    end = ls - 1
    for _ in range(40):
        start = view.line_start(max(end, 0))
        line = text[start:end] if end > 0 else ""
        cells = _cells(line)
        if len(cells) != ncells:
            return ([""] * ncells, body[::-1]) if len(body) >= 2 else None
        if not any(re.search(r"\d", line[a:b]) for a, b in cells):
            return [line[a:b].strip() for a, b in cells], body[::-1]
        body.append((start, cells))
        end = start - 1
    return None


def _cell_qty(ls: int, cell: tuple[int, int], by_num: dict[int, Qty], free: dict[int, Num], kind: str,
              subject: str | None) -> Qty | None:
    """The quantity a cell holds: the one a rule found there, else one made of its free number."""
    s, e = ls + cell[0], ls + cell[1]
    q = by_num.get(s)
    if q is not None:
        return q if q.end >= e else None
    n = free.get(s)
    if n is None or n.end != e:
        return None
    q = Qty(kind, s, e, n.int_value, n, subject=subject, rule="breakdowns.table_columns")
    by_num[s] = q
    del free[s]
    return q


def _column_totals(ctx: Context, ls: int, cells: list[tuple[int, int]], header: list[str],
                   body: list[tuple[int, list[tuple[int, int]]]], by_num: dict[int, Qty], free: dict[int, Num],
                   became_parts: set[int]) -> None:
    """Each column of a total row whose every row above holds a figure: those figures become
    the parts of the total row's figure (made from its free number when no rule took it)."""
    for col in range(1, len(cells)):
        first_word = WORDS.match(header[col])
        if header[col].lower() in lexicon().markers.row_number or \
                first_word is not None and first_word.group().lower() in lexicon().times.average:
            continue   # "Lp.", "Średnia liczba uczestników": no column of parts
        kind, subject = measured(header[col]) if WORDS.search(header[col]) else ("count", None)
        found = [_cell_qty(rs, rc[col], by_num, {}, kind, subject) for rs, rc in body]
        parts = [p for p in found if p is not None and p.parent is None]
        if len(parts) < 2 or len(parts) != len(found):
            continue   # every row above has its figure in the column, none a part already
        kind = parts[0].kind if all(p.kind == parts[0].kind for p in parts) else kind
        tot = _cell_qty(ls, cells[col], by_num, free, kind, subject)
        if tot is None or tot.parent is not None or tot.parts:
            continue
        if tot not in ctx.qtys:
            ctx.qtys.append(tot)
        for (rs, rc), p in zip(body, parts, strict=True):
            label = next((t for a, b in rc if WORDS.search(t := ctx.view.text[rs + a:rs + b].strip())), None)
            if label is not None:   # the row's name: "gmina Orneta | 4"
                p.label, p.subject = lemma_phrase(label), None
            p.parent = tot
            tot.parts.append(p)
            became_parts.add(id(p))
            ctx.parts.append(p)
    ctx.qtys.sort(key=lambda q: q.start)


@cache
def _subset_header() -> re.Pattern[str]:
    return re.compile(rf"(?:{alternation(lexicon().markers.subset)})\s", re.I)


def _subset_columns(ctx: Context, ls: int, cells: list[tuple[int, int]], header: list[str], by_num: dict[int, Qty],
                    became_parts: set[int]) -> None:
    """A figure under a 'w tym …' header is a subset of the figure in the column before it."""
    for col in range(2, len(cells)):
        if not _subset_header().match(header[col] + " "):
            continue
        part, whole = by_num.get(ls + cells[col][0]), by_num.get(ls + cells[col - 1][0])
        if part is None or whole is None or part.parent is not None or part.parts or whole.parent is not None:
            continue
        part.parent, part.subset = whole, True
        rest = _subset_header().sub("", header[col] + " ", count=1).strip()
        if WORDS.search(rest):   # "w tym kobiety": the part is that many kobiety
            part.label, part.subject = lemma_phrase(rest), None
        whole.parts.append(part)
        became_parts.add(id(part))
        ctx.parts.append(part)


# "trening kulinarny – plan: 20 zajęć, wykonanie: 18": a row of figures each after its key (the
# key is read back from the colon, so the pattern opens with the colon, not with a run of letters)
_KEYED = re.compile(r":[ \t]?(?P<num>\d{1,3}(?: \d{3})*(?!\d|,\d))")
_DASH = re.compile(r"[-–]")


def _keyed(line: str) -> dict[str, tuple[int, int]] | None:
    """The figures of a row written 'name – key: figure, key: figure', by key (lower case), or
    None: two keys or more, after the row's name and a dash."""
    if ":" not in line or ("-" not in line and "–" not in line):   # (most lines of a report)
        return None
    after = next((d.end() for d in _DASH.finditer(line)
                  if line[d.start() - 1:d.start()] in (" ", "\t") and line[d.end():d.end() + 1] in (" ", "\t")), None)
    if after is None:
        return None
    pairs = {}
    for m in _KEYED.finditer(line, after):
        key = last_word(line[after:m.start()])   # read back from the colon
        if key is not None and 2 <= key[1] - key[0] <= 20 and after + key[1] >= m.start() - 1:
            pairs[line[after + key[0]:after + key[1]].lower()] = m.span("num")
    return pairs if len(pairs) >= 2 else None


def _keyed_totals(ctx: Context, view: View, ls: int, keyed: dict[str, tuple[int, int]], by_num: dict[int, Qty],
                  free: dict[int, Num], became_parts: set[int]) -> None:
    """'Razem zajęcia – plan: 58, wykonanie: 53' under rows with the same keys: each key's
    figures add up to the total's figure of that key."""
    text = view.text
    rows: list[tuple[int, dict[str, tuple[int, int]]]] = []
    end = ls - 1
    while end > 0 and len(rows) < 40:
        start = view.line_start(end)
        row = _keyed(text[start:end])
        if row is None or set(row) != set(keyed):
            break
        rows.append((start, row))
        end = start - 1
    if len(rows) < 2:
        return
    for key, (a, b) in keyed.items():
        found = [by_num.get(rs + row[key][0]) for rs, row in rows]
        parts = [p for p in found if p is not None and p.parent is None]
        if len(parts) != len(found):
            continue
        tot = _cell_qty(ls, (a, b), by_num, free, parts[0].kind, parts[0].subject)
        if tot is None or tot.parent is not None or tot.parts:
            continue
        if tot not in ctx.qtys:
            ctx.qtys.append(tot)
        for p in reversed(parts):
            p.parent = tot
            tot.parts.append(p)
            became_parts.add(id(p))
            ctx.parts.append(p)
    ctx.qtys.sort(key=lambda q: q.start)
