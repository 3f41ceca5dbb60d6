"""What the quantity rules read and write: numbers, their roles, quantities and the context."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..text import Tok, View


class Role(StrEnum):
    """Why a number is not a fact. One list for the rules that give roles and for the
    completeness count (`Stats.explained`, the `unexplained_number` finding)."""

    # claimed in the text before numbers are read (dates, times, the period, phones …)
    PERIOD = "period"
    DATE = "date"
    TIME = "time"
    PAGE = "page"
    AGE = "age"
    PHONE = "phone"
    POSTCODE = "postcode"
    # given by the number rules
    YEAR = "year"
    MONEY = "money"
    PERCENT = "percent"
    ENUMERATION = "enumeration"
    REFERENCE = "reference"
    CODE = "code"
    COMPOUND = "compound"
    ORDINAL = "ordinal"
    DURATION = "duration"
    PHRASE = "phrase"
    FRACTION = "fraction"
    RATE = "rate"          # "po 16 godzin na grupę": a figure per unit, not a total
    FREQUENCY = "frequency"  # "dwa razy w tygodniu", "7 godzin dziennie", "co dwa tygodnie"
    AVERAGE = "average"    # "średnio 17 osób dziennie"
    DECIMAL = "decimal"    # "2,4 tony", "844,00": a measure, an amount or an average — never a count
    GLUED = "glued"        # "CoV2", "A4": glued to letters — no count, but no rule says what it is
    RANGE = "range"        # the lower figure of "10–15 osób" (the fact is the upper one)

    @property
    def explains(self) -> bool:
        """A number with this role is accounted for (not reported as unexplained)."""
        return self not in _NOT_EXPLAINED


_NOT_EXPLAINED = frozenset({Role.RATE, Role.RANGE, Role.GLUED})
# Role by its value, a dict lookup (Role("date") goes through the enum machinery, ~20 times slower)
ROLE_OF: dict[str, Role] = {r.value: r for r in Role}
# what a claimed region of the text makes of a number in it, when the number has no role
CLAIMS_EXPLAIN = frozenset({Role.DATE, Role.TIME, Role.PHONE, Role.POSTCODE, Role.PAGE, Role.PERIOD, Role.AGE})


@dataclass(eq=False)  # identity: two mentions of "12" are different numbers
class Num:
    start: int
    end: int
    value: float
    words: bool = False           # written in words
    times: bool = False           # a multiplicative adverb: "czterokrotnie" (4 times)
    role: Role | None = None      # why it is not a fact
    rule: str | None = None       # the rule that gave the role ("numbers.year")
    low: Num | None = None        # "10–15 osób", "od 5 do 8": the range's lower figure

    @property
    def int_value(self) -> float | int:
        return int(self.value) if float(self.value).is_integer() else self.value

    @property
    def year_shaped(self) -> bool:
        """Four digits that could be a year: "2019", "1998"."""
        return not self.words and self.value == int(self.value) and 1900 <= self.value <= 2099 \
            and self.end - self.start == 4


@dataclass(eq=False)
class Qty:
    kind: str                     # count | hours | amount
    start: int
    end: int
    value: float | int
    num: Num
    subject: str | None = None
    label: str | None = None
    parent: Qty | None = None
    subset: bool = False
    approximate: bool = False
    planned: bool = False
    rule: str = ""               # the registered rule that found it ("counts.noun")
    parts: list[Qty] = field(default_factory=list)


@dataclass
class Context:
    """The state the rules of the quantities stage share: the text, every number, and the
    quantities found so far (`qtys` in text order). A number is free until a rule gives it a
    role or a quantity."""

    view: View
    nums: list[Num] = field(default_factory=list)
    qtys: list[Qty] = field(default_factory=list)      # counts and hours (totals and parts in lists)
    amounts: list[Qty] = field(default_factory=list)   # money
    parts: list[Qty] = field(default_factory=list)     # breakdown parts linked to a total
    found: list[Qty] = field(default_factory=list)     # what the running sweep has found so far
    doc: Any = None                                    # the spaCy Doc, for token patterns
    pattern_hits: dict[str, dict[int, Any]] | None = None   # what the token patterns matched
    _by_end: dict[int, Num] | None = field(default=None, repr=False)
    _by_start: dict[int, Num] | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)

    @property
    def norm(self) -> str:
        return self.view.norm

    def num_ending_at(self, pos: int) -> Num | None:
        """The number that ends at `pos`, if any."""
        if self._by_end is None:  # the numbers are read once, by the first rule
            self._by_end = {}
            for n in self.nums:
                self._by_end.setdefault(n.end, n)
        return self._by_end.get(pos)

    def num_at(self, pos: int) -> Num | None:
        """The number that starts at `pos`, if any."""
        if self._by_start is None:
            self._by_start = {n.start: n for n in self.nums}
        return self._by_start.get(pos)

    def qtys_between(self, start: int, end: int) -> list[Qty]:
        """The quantities of `qtys` that start in [start, end), in text order."""
        if self._starts is None:
            self._starts = [q.start for q in self.qtys]
        return self.qtys[bisect_left(self._starts, start):bisect_left(self._starts, end)]

    def result(self) -> list[Qty]:
        """Every quantity found (totals, parts, amounts) in text order."""
        return sorted(self.qtys + self.parts + self.amounts, key=lambda q: q.start)

    def settle(self) -> None:
        """After a rule: quantities back in text order (a rule may move a start)."""
        self.qtys.sort(key=lambda q: q.start)
        self._starts = None


@dataclass
class Candidate:
    """A number and its neighbourhood, as the deciding rules look at it."""

    n: Num
    nxt: Tok | None          # the token right after it
    prev: Tok | None         # the token right before it
    after: str               # up to 20 characters after it

    @property
    def nxt_text(self) -> str:
        return self.nxt.text if self.nxt else ""

    @property
    def prev_text(self) -> str:
        return self.prev.text if self.prev else ""
