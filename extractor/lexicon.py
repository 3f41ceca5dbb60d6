"""Rules as data: the lexicons under extractor/data, loaded once per process."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


def load_data(name: str) -> dict[str, Any]:
    """Parse one TOML file of extractor/data."""
    text = resources.files("extractor.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Lexicon:
    months: dict[str, int]
    month_lemmas: dict[str, int]
    roman: dict[str, int]
    number_words: dict[str, int]
    vague_numbers: frozenset[str]
    approximate: tuple[str, ...]
    planned: tuple[str, ...]
    planned_needs_complement: frozenset[str]
    breakdown: tuple[str, ...]
    achieved: tuple[str, ...]
    subset: tuple[str, ...]
    total: tuple[str, ...]
    empty_name: tuple[str, ...]
    fillers: tuple[str, ...]
    measure_heads: dict[str, str]
    signoff: tuple[str, ...]
    document_edge_lines: int
    abbreviations: dict[str, str]
    terminal_abbreviations: frozenset[str]
    acronyms: dict[str, str]
    acronym_suffixes: tuple[str, ...]
    hour_units: frozenset[str]
    not_counted: frozenset[str]
    money: frozenset[str]
    money_multipliers: dict[str, int]
    before_non_count: frozenset[str]
    before_non_date: frozenset[str]
    site_prefixes: frozenset[str]
    place_nouns: frozenset[str]
    place_genitive_heads: frozenset[str]
    place_prepositions: frozenset[str]
    not_localities: frozenset[str]
    common_word_names: frozenset[str]
    own_name_heads: frozenset[str]
    consultancy: frozenset[str]
    complements: frozenset[str]
    leading_prepositions: frozenset[str]
    hours_heads: frozenset[str]
    sections: list[dict[str, Any]] = field(default_factory=list)
    title_words: tuple[str, ...] = ()
    task_words: tuple[str, ...] = ()
    section_match_score: float = 86.0
    section_typo_score: float = 80.0
    section_inline_score: float = 90.0
    organisation_words: tuple[str, ...] = ()

    def acronym_base(self, word: str) -> str | None:
        """'IPSy' -> 'IPS', 'PES-ów' -> 'PES', 'KIS' -> 'KIS'; None when not a known acronym."""
        if word in self.acronyms:
            return word
        for suffix in sorted(self.acronym_suffixes, key=len, reverse=True):
            if word.endswith(suffix) and word[: -len(suffix)] in self.acronyms:
                return word[: -len(suffix)]
        return None


@cache
def lexicon() -> Lexicon:
    lx = load_data("lexicon.toml")
    sx = load_data("sections.toml")
    units = lx["units"]
    return Lexicon(
        months=lx["months"],
        month_lemmas=lx["month_lemmas"],
        roman=lx["roman"],
        number_words=lx["number_words"],
        vague_numbers=frozenset(lx["vague_numbers"]["words"]),
        approximate=tuple(lx["markers"]["approximate"]),
        planned=tuple(lx["markers"]["planned"]),
        planned_needs_complement=frozenset(lx["markers"]["planned_needs_complement"]),
        breakdown=tuple(lx["markers"]["breakdown"]),
        achieved=tuple(lx["markers"]["achieved"]),
        subset=tuple(lx["markers"]["subset"]),
        total=tuple(lx["markers"]["total"]),
        empty_name=tuple(lx["markers"]["empty_name"]),
        fillers=tuple(lx["markers"]["fillers"]),
        measure_heads=lx["measure_heads"],
        signoff=tuple(lx["document_date"]["signoff"]),
        document_edge_lines=int(lx["document_date"]["edge_lines"]),
        abbreviations=lx["abbreviations"],
        terminal_abbreviations=frozenset(lx["terminal_abbreviations"]["words"]),
        acronyms=lx["acronyms"],
        acronym_suffixes=tuple(lx["acronym_suffixes"]["endings"]),
        hour_units=frozenset(units["hours"]),
        not_counted=frozenset(units["not_counted"]),
        money=frozenset(units["money"]),
        money_multipliers=units["money_multipliers"],
        before_non_count=frozenset(lx["words_before_non_count"]["words"]),
        before_non_date=frozenset(lx["words_before_non_date"]["words"]),
        site_prefixes=frozenset(lx["places"]["site_prefixes"]),
        place_nouns=frozenset(lx["places"]["place_nouns"]),
        place_genitive_heads=frozenset(lx["places"]["place_genitive_heads"]),
        place_prepositions=frozenset(lx["places"]["prepositions"]),
        not_localities=frozenset(lx["places"]["not_localities"]),
        common_word_names=frozenset(lx["places"]["common_word_names"]),
        own_name_heads=frozenset(lx["places"]["own_name_heads"]),
        consultancy=frozenset(lx["services"]["consultancy"]),
        complements=frozenset(lx["phrases"]["complements"]),
        leading_prepositions=frozenset(lx["phrases"]["leading_prepositions"]),
        hours_heads=frozenset(lx["services"]["hours_subjects"]),
        sections=sx["section"],
        title_words=tuple(sx["title_words"]),
        task_words=tuple(sx["task_words"]),
        section_match_score=float(sx["match_score"]),
        section_typo_score=float(sx["typo_score"]),
        section_inline_score=float(sx["inline_match_score"]),
        organisation_words=tuple(sx["organisation_words"]),
    )


@dataclass(frozen=True)
class Organisations:
    """extractor/data/organisations.toml: how a report's author is named."""

    acronyms: frozenset[str]
    long_names: dict[tuple[str, ...], str]       # folded words (the first as its lemma) -> acronym
    header_lines: int
    header_chars: int
    place_prepositions: frozenset[str]
    not_name_words: frozenset[str]               # folded
    partner_markers: tuple[tuple[str, ...], ...]  # folded word sequences
    partner_gap: int
    file_format_tags: frozenset[str]


@cache
def organisations() -> Organisations:
    from .text import fold

    ox = load_data("organisations.toml")
    return Organisations(
        acronyms=frozenset(ox["acronyms"]),
        long_names={tuple(fold(w) for w in k.split()): v for k, v in ox["long_names"].items()},
        header_lines=int(ox["header_lines"]),
        header_chars=int(ox["header_chars"]),
        place_prepositions=frozenset(fold(w) for w in ox["place_prepositions"]),
        not_name_words=frozenset(fold(w) for w in ox["not_name_words"]),
        partner_markers=tuple(tuple(fold(w) for w in m.split()) for m in ox["partner_markers"]),
        partner_gap=int(ox["partner_gap"]),
        file_format_tags=frozenset(ox["file_format_tags"]),
    )
