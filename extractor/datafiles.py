"""The data files under extractor/data, each described by a pydantic model and checked when it
loads: a missing key, a key the program does not know or a value of the wrong type is one
`DataFileError` naming the file and the key ("lexicon.toml: markers.total: Field required"),
never an error at first use.

The models mirror the files: a table of the file is a model here, a key a field, so the code
reads `lexicon().markers.total` where the file says `[markers] total = [...]`.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import SprawozdaniaError


class DataFileError(SprawozdaniaError):
    """A data file of the package (or one given to it) is not what its model describes."""


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Words = frozenset[str]


class WordList(Table):
    words: Words


class Markers(Table):
    approximate: tuple[str, ...]
    planned: tuple[str, ...]
    planned_needs_complement: Words
    achieved: tuple[str, ...]
    subset: tuple[str, ...]
    breakdown: tuple[str, ...]
    total: tuple[str, ...]
    empty_name: tuple[str, ...]
    fillers: tuple[str, ...]
    row_number: Words
    figure_columns: Words


class DocumentDate(Table):
    signoff: tuple[str, ...]
    edge_lines: int = Field(ge=0)


class Endings(Table):
    endings: dict[str, str]


class AcronymSuffixes(Table):
    endings: tuple[str, ...]


class Phrases(Table):
    complements: Words
    leading_prepositions: Words


class Services(Table):
    consultancy: Words
    hours_subjects: Words


class Units(Table):
    hours: Words
    not_counted: Words
    money: Words
    money_multipliers: dict[str, int]


class PlaceWords(Table):
    site_prefixes: Words
    place_nouns: Words
    place_genitive_heads: Words
    prepositions: Words
    not_localities: Words
    common_word_names: Words
    own_name_heads: Words


class Grammar(Table):
    """Word classes the rules share (Morfeusz's NKJP tags and closed word lists)."""

    verb_tags: Words
    finite_verb_tags: Words
    conjunctions: Words
    list_conjunctions: Words
    complement_prepositions: Words
    label_prepositions: Words
    head_prepositions: Words
    not_counted_abbreviations: Words
    time_abbreviations: Words
    time_nouns: Words
    copula: Words
    copula_fillers: Words
    how_many: Words
    preposition_cases: dict[str, str]


class Citations(Table):
    """Legal and administrative references: what they start with, what they hold."""

    acts: tuple[str, ...]
    act_window: int = Field(ge=10, le=400)
    journals: tuple[str, ...]
    registries: tuple[str, ...]
    articles: tuple[str, ...]
    measures: tuple[str, ...]


class Times(Table):
    """How often: counts of events ("czterokrotnie", "19 razy") and frequencies and averages."""

    adverbs: dict[str, int]
    times_words: Words
    frequency: tuple[str, ...]
    average: Words
    average_heads: Words
    every: Words


def _within(v: dict[str, int], top: int, what: str) -> dict[str, int]:
    """`v` when every value is 1..top, else a ValueError naming the keys that are not."""
    bad = [k for k, n in v.items() if not 1 <= n <= top]
    if bad:
        raise ValueError(f"not {what} (1-{top}): {', '.join(bad)}")
    return v


class SchoolYear(Table):
    """A year that spans two calendar years ("rok szkolny 2021/2022"): the stem of its adjective
    and the month it starts with (it ends the day before that month a year later)."""

    stem: str = Field(min_length=3)
    starts: int = Field(ge=2, le=12)


class Votes(Table):
    """A vote's tally ("za – 14, przeciw – 0, wstrzymało się – 2"): each way of writing a side,
    lower case, and what it counts."""

    sides: dict[str, str]

    @field_validator("sides")
    @classmethod
    def _lower(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k in v if k != k.lower() or not k.strip()]
        if bad:
            raise ValueError(f"not lower case: {', '.join(bad)}")
        return v


class Lexicon(Table):
    """extractor/data/lexicon.toml: the words, abbreviations and markers of the genre."""

    version: int
    months: dict[str, int]
    month_lemmas: dict[str, int]
    roman: dict[str, int]
    year_qualifiers: WordList
    school_years: tuple[SchoolYear, ...]
    votes: Votes
    ordinal_days: dict[str, int]
    number_words: dict[str, int]
    vague_numbers: WordList
    markers: Markers
    mail_header: WordList
    document_date: DocumentDate
    preferred_lemmas: WordList
    unknown_word_endings: Endings
    measure_heads: dict[str, Literal["count", "hours"]]
    abbreviations: dict[str, str]
    terminal_abbreviations: WordList
    acronyms: dict[str, str]
    acronym_suffixes: AcronymSuffixes
    phrases: Phrases
    services: Services
    units: Units
    words_before_non_count: WordList
    words_before_non_date: WordList
    places: PlaceWords
    grammar: Grammar
    citations: Citations
    times: Times

    @field_validator("ordinal_days")
    @classmethod
    def _ordinal_days(cls, v: dict[str, int]) -> dict[str, int]:
        return _within(v, 31, "a day of a month")

    @field_validator("months", "month_lemmas", "roman")
    @classmethod
    def _months(cls, v: dict[str, int]) -> dict[str, int]:
        return _within(v, 12, "a month number")

    def acronym_base(self, word: str) -> str | None:
        """'IPSy' -> 'IPS', 'PES-ów' -> 'PES', 'KIS' -> 'KIS'; None when not a known acronym."""
        if word in self.acronyms:
            return word
        if not word[:1].isupper():  # every acronym opens with a capital: most words end here
            return None
        key = _ACRONYM_KEYS.get(id(self))
        if key is None:
            key = _ACRONYM_KEYS[id(self)] = (frozenset(self.acronyms),
                                             tuple(sorted(self.acronym_suffixes.endings, key=len, reverse=True)))
        return _acronym_base(word, key)


# per lexicon (one a process): its acronyms as a set and their endings, the longest first
_ACRONYM_KEYS: dict[int, tuple[frozenset[str], tuple[str, ...]]] = {}


@lru_cache(maxsize=65536)
def _acronym_base(word: str, key: tuple[frozenset[str], tuple[str, ...]]) -> str | None:
    acronyms, endings = key
    for suffix in endings:
        if word.endswith(suffix) and word[: -len(suffix)] in acronyms:
            return word[: -len(suffix)]
    return None


class SectionName(Table):
    canonical: str
    names: tuple[str, ...]


class Sections(Table):
    """extractor/data/sections.toml: known section names and how headings are matched."""

    version: int
    title_words: tuple[str, ...]
    labels: dict[str, str]
    generic_names: tuple[str, ...]
    match_score: float = Field(ge=0, le=100)
    typo_score: float = Field(ge=0, le=100)
    inline_match_score: float = Field(ge=0, le=100)
    organisation_words: tuple[str, ...]
    section: tuple[SectionName, ...]
    kinds: dict[Literal["partial", "final", "annual"], tuple[str, ...]]


class Places(Table):
    """extractor/data/places.toml: towns that break ties between geographic lemmas."""

    version: int
    towns: tuple[str, ...]


class OrganisationsFile(Table):
    """extractor/data/organisations.toml: how a report's author is named."""

    acronyms: tuple[str, ...]
    header_lines: int = Field(ge=1)
    header_chars: int = Field(ge=1)
    place_prepositions: tuple[str, ...]
    not_name_words: tuple[str, ...]
    partner_markers: tuple[str, ...]
    partner_gap: int = Field(ge=0)
    file_format_tags: tuple[str, ...]
    file_report_words: tuple[str, ...]      # a name in a file name ends before one of these
    long_names: dict[str, str]
    bodies: dict[str, str]                  # acronym -> the kind of body it names

    @model_validator(mode="after")
    def _known_acronyms(self) -> OrganisationsFile:
        for name in self.long_names:
            if len(name.split()) < 2:
                raise ValueError(f"long_names: {name!r} is one word (an acronym belongs in acronyms)")
        for where, acr in [*(("long_names", a) for a in self.long_names.values()),
                           *(("bodies", a) for a in self.bodies)]:
            if acr not in self.acronyms:
                raise ValueError(f"{where}: {acr!r} is not one of the acronyms")
        missing = [a for a in self.acronyms if a not in self.bodies]
        if missing:
            raise ValueError(f"bodies: no kind of body for {', '.join(missing)}")
        return self


M = TypeVar("M", bound=BaseModel)


def read_toml(name: str) -> dict[str, Any]:
    """Parse one TOML file of extractor/data (a syntax error names the file and line)."""
    text = resources.files("extractor.data").joinpath(name).read_text(encoding="utf-8")
    return parse_toml(text, name)


def parse_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DataFileError(f"{where}: {e}") from None


def validate(model: type[M], data: dict[str, Any], where: str) -> M:
    """`data` as `model`, or one DataFileError naming the file and every key that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(file)"
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{key}: {msg}")
        raise DataFileError(f"{where}: " + "; ".join(problems)) from None


def load(model: type[M], name: str) -> M:
    return validate(model, read_toml(name), name)
