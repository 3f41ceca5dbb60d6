"""Counts, hours and breakdowns; numbers that are not facts get a role, they are not dropped.

The rules live in four modules, each one kind of thing recognised — numbers.py (numbers and
their roles), counts.py, hours.py, breakdowns.py — plus flags.py (approximate, planned). Each
is a named rule (extractor/rules.py); extractor/data/rules.toml gives the order they run in:

* stage "numbers": every number, then the cascade of stage "decide" that decides, number by
  number, what a number is (a role, or a quantity its neighbours make: "240 h", "30 spotkań");
* stage "quantities": passes over the whole text and sweeps over the numbers still free
  (labels, hours' services, breakdowns, flags).

The spaCy components sprawozdania_numbers and sprawozdania_quantities run the two stages on one
`Context` (extractor/pipeline.py); `ctx.result()` is every quantity found, in text order.
"""
from __future__ import annotations

from ..rules import Rule, ordered
from . import breakdowns, counts, flags, hours, numbers, patterns, tables  # noqa: F401  (they register their rules)
from .model import Candidate, Context, Num, Qty, Role

__all__ = ["Candidate", "Context", "Num", "Qty", "Role", "run_rule", "run_stage"]


def run_stage(ctx: Context, stage: str) -> None:
    for r in ordered(stage):
        run_rule(ctx, r)


def run_rule(ctx: Context, r: Rule) -> None:
    """One rule of the quantities stage: a pass once, a sweep over every number still free (a
    number a quantity took before the sweep, or one with a role, is not offered)."""
    if r.kind == "pass":
        r.fn(ctx)
    elif r.kind == "sweep":
        taken = {id(q.num) for q in ctx.qtys}
        ctx.found = []
        for n in ctx.nums:
            if n.role or id(n) in taken:
                continue
            q = r.fn(ctx, n)
            if q is not None:
                q.rule = r.name
                ctx.found.append(q)
                taken.add(id(n))
        for q in ctx.found:
            (ctx.parts if q.parent is not None else ctx.qtys).append(q)
        ctx.found = []
    else:
        raise ValueError(f"rule {r.name}: a rule of kind {r.kind!r} does not run in the quantities stage")
    ctx.settle()
