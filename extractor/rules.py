"""The rule registry: every recogniser is a named rule, and one data file says in which order
they run (extractor/data/rules.toml).

A rule is a function registered with `@rule("stage", "module.name", kind=...)`:

* ``kind="pass"``   — `fn(ctx)`: reads and changes the stage's context once (finds numbers,
  links breakdowns, marks flags);
* ``kind="sweep"``  — `fn(ctx, n)`: called for every number still free after the rules before it,
  in text order; what it returns (a quantity) claims the number, None leaves it to the next rule;
* ``kind="decide"`` — `fn(ctx, c)`: one step of a cascade that decides, number by number, what a
  number is: the first rule that returns a role or a quantity decides, the rest are not asked.

Conflicts are settled by the order alone: a number claimed by a rule is never seen by a rule
after it. The order is data, so moving a rule is an edit of rules.toml, and a rule missing from
it (or named there but not registered) is an error when the stage first runs.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import Field

from .datafiles import DataFileError, Table, load

Kind = Literal["pass", "sweep", "decide"]


@dataclass(frozen=True)
class Rule:
    stage: str
    name: str
    kind: Kind
    fn: Callable[..., Any]
    before: str | None = None    # a rule that declares its own place: right before this one

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip().split("\n\n")[0]


_REGISTRY: dict[str, dict[str, Rule]] = {}


def rule(stage: str, name: str, *, kind: Kind = "sweep",
         before: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn` as rule `name` of `stage`. Its place in the order is in rules.toml, or, for
    a rule defined as data (a token pattern), right before the rule named by `before`."""
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        rules = _REGISTRY.setdefault(stage, {})
        if name in rules and rules[name].fn is not fn:
            raise ValueError(f"rule {stage}/{name} registered twice")
        rules[name] = Rule(stage, name, kind, fn, before)
        return fn
    return register


class _Stage(Table):
    order: tuple[str, ...] = Field(min_length=1)


class _RulesFile(Table):
    version: int
    stage: dict[str, _Stage]


@cache
def _order_file() -> _RulesFile:
    return load(_RulesFile, "rules.toml")


def ordered(stage: str) -> tuple[Rule, ...]:
    """The rules of `stage` in the order rules.toml gives; every registered rule must be there."""
    return _ordered(stage, len(_REGISTRY.get(stage, {})))


@cache
def _ordered(stage: str, _registered: int) -> tuple[Rule, ...]:
    spec = _order_file().stage.get(stage)
    if spec is None:
        raise DataFileError(f"rules.toml: stage.{stage}: no order given for this stage")
    rules = _REGISTRY.get(stage, {})
    unknown = [n for n in spec.order if n not in rules]
    if unknown:
        raise DataFileError(f"rules.toml: stage.{stage}.order: no rule registered as {', '.join(unknown)}")
    missing = [n for n, r in rules.items() if n not in spec.order and r.before is None]
    if missing:
        raise DataFileError(f"rules.toml: stage.{stage}.order: rule(s) {', '.join(missing)} not placed in the order")
    twice = sorted({n for n in spec.order if spec.order.count(n) > 1})
    if twice:
        raise DataFileError(f"rules.toml: stage.{stage}.order: {', '.join(twice)} listed twice")
    order = list(spec.order)
    for r in rules.values():  # rules that place themselves, in the order they were registered
        if r.before is not None and r.name not in spec.order:
            if r.before not in order:
                raise DataFileError(f"rule {r.name}: placed before {r.before}, which is no rule of stage {stage}")
            order.insert(order.index(r.before), r.name)
    return tuple(rules[n] for n in order)


def stages() -> dict[str, tuple[Rule, ...]]:
    """Every stage and its rules in order (for documentation and tests)."""
    return {s: ordered(s) for s in _order_file().stage}
