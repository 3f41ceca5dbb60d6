"""Rules as data: the files under extractor/data, validated (extractor/datafiles.py) and loaded
once per process."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .datafiles import Lexicon, OrganisationsFile, Places, Sections, load

__all__ = ["Lexicon", "Organisations", "lexicon", "organisations", "places_data", "sections_data"]


@cache
def lexicon() -> Lexicon:
    """extractor/data/lexicon.toml."""
    return load(Lexicon, "lexicon.toml")


@cache
def sections_data() -> Sections:
    """extractor/data/sections.toml."""
    return load(Sections, "sections.toml")


@cache
def places_data() -> Places:
    """extractor/data/places.toml."""
    return load(Places, "places.toml")


@dataclass(frozen=True)
class Organisations:
    """extractor/data/organisations.toml in the form the matcher compares: folded words."""

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

    ox = load(OrganisationsFile, "organisations.toml")
    return Organisations(
        acronyms=frozenset(ox.acronyms),
        long_names={tuple(fold(w) for w in k.split()): v for k, v in ox.long_names.items()},
        header_lines=ox.header_lines,
        header_chars=ox.header_chars,
        place_prepositions=frozenset(fold(w) for w in ox.place_prepositions),
        not_name_words=frozenset(fold(w) for w in ox.not_name_words),
        partner_markers=tuple(tuple(fold(w) for w in m.split()) for m in ox.partner_markers),
        partner_gap=ox.partner_gap,
        file_format_tags=frozenset(ox.file_format_tags),
    )
