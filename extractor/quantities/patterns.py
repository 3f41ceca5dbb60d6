"""Phrasing shapes as data: spaCy token patterns (extractor/data/patterns.toml), each one a rule
of the deciding cascade, matched by spaCy's `Matcher` once per text.

A pattern is a list of token specifications in spaCy's syntax (LOWER, ORTH, IN, OP …, see
https://spacy.io/usage/rule-based-matching) plus one key of ours, `part`:

* `part = "number"` marks the token that is the figure (exactly one; it matches only where a
  number was read: digits or number words);
* `part = "subject"` marks the tokens that say what is counted (their text gives the subject).

Optional white-space tokens (line breaks, runs of spaces) may stand between any two tokens.
Token attributes of ours, for patterns: `_.spr_pos` (Morfeusz's parts of speech of the word:
subst, adj, fin, praet …) and `_.spr_lemmas` (its lemmas), both lists, matched with
`{"INTERSECTS": [...]}`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import Field, field_validator, model_validator
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from .. import morph
from ..datafiles import DataFileError, Table, load
from ..phrases import lemma_phrase
from ..rules import rule
from ..spans import token_range, token_starts
from ..text import WORDS, words_opening_like
from .common import measured
from .model import Candidate, Context, Qty, Role

_PARTS = ("number", "subject")


class PatternRule(Table):
    name: str = Field(pattern=r"^(counts|hours|numbers)\.[a-z_]+$")
    before: str = Field(description="the rule of the deciding cascade this one runs right before")
    yields: str = Field(description="count, hours, measure (kind and subject from a label such as "
                                    "'Liczba godzin …'), or a role (a number that is no fact)")
    example: str = ""
    tokens: tuple[dict[str, Any], ...] = Field(min_length=1)

    @field_validator("yields")
    @classmethod
    def _yields(cls, v: str) -> str:
        if v not in ("count", "hours", "measure") and v not in {r.value for r in Role}:
            raise ValueError(f"not count, hours, measure or a role ({', '.join(r.value for r in Role)}): {v!r}")
        return v

    @model_validator(mode="after")
    def _one_number(self) -> PatternRule:
        parts = [t.get("part") for t in self.tokens]
        if parts.count("number") != 1:
            raise ValueError("exactly one token must have part = \"number\"")
        bad = [p for p in parts if p is not None and p not in _PARTS]
        if bad:
            raise ValueError(f"part must be one of {_PARTS}, not {bad[0]!r}")
        return self


class PatternsFile(Table):
    version: int
    pattern: tuple[PatternRule, ...] = ()


@dataclass(frozen=True)
class Hit:
    start: int          # where the phrase starts
    end: int            # where it ends
    subject: str | None  # the text of the subject tokens


@cache
def _pos(form: str) -> list[str]:
    return sorted({a.pos for a in morph.analyse(form)})


@cache
def _lemmas(form: str) -> list[str]:
    return sorted({a.lemma for a in morph.analyse(form)})


for _name, _getter in (("spr_pos", lambda t: _pos(t.text)), ("spr_lemmas", lambda t: _lemmas(t.text))):
    if not Token.has_extension(_name):
        Token.set_extension(_name, getter=_getter)
if not Token.has_extension("spr_num"):
    Token.set_extension("spr_num", default=False)  # set on the token a number starts at


@cache
def patterns() -> PatternsFile:
    data = load(PatternsFile, "patterns.toml")
    names = [p.name for p in data.pattern]
    twice = {n for n in names if names.count(n) > 1}
    if twice:
        raise DataFileError(f"patterns.toml: pattern {', '.join(sorted(twice))} defined twice")
    return data


_SPACE = {"IS_SPACE": True, "OP": "*"}


def _spacy_pattern(p: PatternRule) -> tuple[list[dict[str, Any]], list[str | None]]:
    """The pattern for spaCy (our `part` keys out, optional white space between tokens) and the
    part of each of its tokens."""
    out: list[dict[str, Any]] = []
    parts: list[str | None] = []
    for i, tok in enumerate(p.tokens):
        if i:
            out.append(dict(_SPACE))
            parts.append(None)
        spec = {k: v for k, v in tok.items() if k != "part"}
        if tok.get("part") == "number":
            spec.setdefault("_", {})["spr_num"] = True
        out.append(spec)
        parts.append(tok.get("part"))
    return out, parts


_MATCHERS: dict[int, tuple[Any, Matcher, dict[str, list[str | None]]]] = {}


def _matcher(vocab: Any) -> tuple[Matcher, dict[str, list[str | None]]]:
    """One Matcher per vocabulary (one per pipeline), every pattern of patterns.toml in it."""
    got = _MATCHERS.get(id(vocab))
    if got is None or got[0] is not vocab:
        matcher = Matcher(vocab, validate=True)
        parts: dict[str, list[str | None]] = {}
        for p in patterns().pattern:
            spec, parts[p.name] = _spacy_pattern(p)
            try:
                matcher.add(p.name, [spec])
            except ValueError as e:
                raise DataFileError(f"patterns.toml: pattern {p.name}: {' '.join(str(e).split())}") from None
        got = _MATCHERS[id(vocab)] = (vocab, matcher, parts)
    return got[1], got[2]


@cache
def _triggers() -> frozenset[str] | None:
    """The lower-case words every pattern starts with (its first token's LOWER or ORTH), so the
    Matcher runs only on the sentences that hold one; None when a pattern starts otherwise."""
    out: set[str] = set()
    for p in patterns().pattern:
        first = p.tokens[0]
        spec = first.get("LOWER", first.get("ORTH"))
        if first.get("OP") in ("?", "*"):
            return None
        if isinstance(spec, str):
            out.add(spec.lower())
        elif isinstance(spec, dict) and isinstance(spec.get("IN"), list):
            out.update(str(w).lower() for w in spec["IN"])
        else:
            return None
    return frozenset(out)


_MAX_SPAN = 80  # tokens a pattern may run over from its first word


@cache
def _trigger_re() -> re.Pattern[str] | None:
    """The words of the text that open like a trigger word (each checked against the set)."""
    triggers = _triggers()
    words = [w for w in triggers or () if WORDS.fullmatch(w)]
    return re.compile(words_opening_like(words)) if words else None


def _regions(doc: Doc, ctx: Context) -> list[tuple[int, int]]:
    """Token ranges to match in: from each trigger word to its sentence's end (merged)."""
    triggers = _triggers()
    if triggers is None:
        return [(0, len(doc))]
    rx = _trigger_re()
    out: list[tuple[int, int]] = []
    starts = token_starts(doc)
    for m in rx.finditer(ctx.view.norm) if rx is not None else ():
        if m.group().lower() not in triggers:
            continue
        r = token_range(doc, m.start(), m.end())
        if r is None:
            continue
        _s, end = ctx.view.sentence(m.start())
        first = r[0]
        stop = min(len(doc), first + _MAX_SPAN, bisect_left(starts, end))
        stop = max(stop, first + 1)
        if out and first <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((first, stop))
    return out


def hits(ctx: Context) -> dict[str, dict[int, Hit]]:
    """rule name -> number start -> what the pattern matched around that number (the longest match)."""
    if ctx.pattern_hits is None:
        ctx.pattern_hits = {}
        doc = ctx.doc
        regions = _regions(doc, ctx) if doc is not None and patterns().pattern else []
        if not regions:
            return ctx.pattern_hits
        starts = token_starts(doc)
        firsts = [a for a, _b in regions]   # sorted, not overlapping
        for n in ctx.nums:   # the numbers inside the regions, marked for the patterns' number token
            r = token_range(doc, n.start, n.end, starts)
            k = bisect_right(firsts, r[0]) - 1 if r is not None else -1
            if r is not None and k >= 0 and r[0] < regions[k][1]:
                doc[r[0]]._.spr_num = True
        matcher, parts = _matcher(doc.vocab)
        for a, b in regions:
            found: list[tuple[int, int, int, list[int]]] = matcher(doc[a:b], with_alignments=True)  # type: ignore[assignment]
            for match_id, start, _end, align in found:
                name = doc.vocab.strings[match_id]
                toks = [(doc[a + start + k], parts[name][i]) for k, i in enumerate(align)]
                number = next(t for t, part in toks if part == "number")
                words = [t for t, _part in toks if not t.is_space]
                subj = [t for t, part in toks if part == "subject"]
                hit = Hit(words[0].idx, words[-1].idx + len(words[-1].text),
                          ctx.view.text[subj[0].idx:subj[-1].idx + len(subj[-1].text)] if subj else None)
                best = ctx.pattern_hits.setdefault(name, {})
                old = best.get(number.idx)
                if old is None or hit.end - hit.start > old.end - old.start:
                    best[number.idx] = hit
    return ctx.pattern_hits


def _make_rule(p: PatternRule) -> None:
    def apply(ctx: Context, c: Candidate) -> Qty | Role | None:
        hit = hits(ctx).get(p.name, {}).get(c.n.start)
        if hit is None:
            return None
        if p.yields not in ("count", "hours", "measure"):
            return Role(p.yields)
        kind, subject = p.yields, lemma_phrase(hit.subject) if hit.subject else None
        if p.yields == "measure":
            kind, subject = measured(hit.subject or "")
        return Qty(kind, hit.start, max(hit.end, c.n.end), c.n.int_value, c.n, subject=subject)

    apply.__doc__ = f"{p.example!r} (a token pattern of patterns.toml)" if p.example else "a token pattern of patterns.toml"
    rule("decide", p.name, before=p.before)(apply)


for _p in patterns().pattern:
    _make_rule(_p)
