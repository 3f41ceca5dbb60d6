"""Approximate and planned figures: "ok. 40 osób", "ponad 90", "(zakładaliśmy 70)",
"zorganizujemy 3 wizyty"."""
from __future__ import annotations

from .. import morph
from ..lexicon import lexicon
from ..rules import rule
from ..text import WORDS, View
from .common import clause_start, marker_res, skip_words
from .model import Context


@rule("quantities", "flags.markers", kind="pass")
def mark_flags(ctx: Context) -> None:
    """A marker before a figure makes it approximate or planned; a figure in a clause in the
    future tense is planned."""
    view = ctx.view
    approx, planned = marker_res()
    lx = lexicon()
    # a planning verb after the marker plans too: "Plan zakładał 12 …"
    planned_words = {w.lower() for w in lx.markers.planned if " " not in w}
    for q in ctx.qtys + ctx.parts + ctx.amounts:
        before = view.norm[max(0, q.num.start - 40):q.num.start]
        if approx.search(before):
            q.approximate = True
        m = planned.search(before)
        if m:
            marker = m["marker"]
            rest = [w for w in WORDS.findall(m.group()[m.end("marker") - m.start():])
                    if w.lower() not in skip_words() and w.lower() not in planned_words]
            if any(a.pos in ("praet", "imps") for w in rest for a in morph.analyse(w)):
                pass  # "realizacji planu przeprowadzono 12": done, whatever the plan said
            elif not rest and any(marker.lower().startswith(w) for w in lx.markers.planned_needs_complement):
                pass  # "założono 4 spółdzielnie": founded, not assumed
            else:
                q.planned = True  # "zakładano utworzenie 40 miejsc", "Plan na 2022 r. obejmuje 10 szkoleń"
        if not q.planned and q.parent is None and _future_clause(view, q.num.start):
            q.planned = True  # "zorganizujemy 3 wizyty", "będą przeprowadzone 4 szkolenia"


def _future_clause(view: View, pos: int) -> bool:
    """The clause before `pos` is in the future tense."""
    cs = clause_start(view, pos)
    return any(t.is_word and morph.is_future(t.text) for t in view.tokens_between(cs, pos))
