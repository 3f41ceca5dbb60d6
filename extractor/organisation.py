"""Which support centre wrote a report, and one key per centre however its name is written.

* The author is named in the header: the lines before the first section heading, at most
  `header_lines` of them (a letterhead, "Sprawozdanie … OWES …", the period line). A centre the
  body names ("we współpracy z OWES Gołdap") is a partner or a beneficiary, never the author; so
  is one the header names right after a partner marker ("Partner: OWES Pisz").
* A name is an acronym ("OWES") or a long name ("Ośrodek/Ośrodka Wsparcia Ekonomii Społecznej")
  followed by its name on the same line ("OWES Olsztyn", "OWES Subregion Ełcki") or by a place
  in the locative ("w Olsztynie", also on the next line after a long name broken there). The place
  is read through Morfeusz (places.resolve_name): every form gives "OWES Olsztyn".
* `org_key` reads any written form the same way — "OWES w Olsztynie", "Ośrodek Wsparcia Ekonomii
  Społecznej w Olsztynie", "OWES Olsztyn", the file names' "owes-olsztyn" — so all are one key.
* Rules are data: extractor/data/organisations.toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .lexicon import organisations
from .text import fold

if TYPE_CHECKING:
    from models import Report

# a word, a hyphenated one whole ("Bielsko-Biała"); each repetition starts with "-": linear
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_MAX_NAME_WORDS = 3
# what may stand between a centre's acronym or long name and its name on one line
_GAP_OK = re.compile(r"[ \t]*(?:[-:,][ \t]*)?")
# a body's own name in quotation marks between its acronym and its place: 'WTZ „Latarnia” w Ustce'
_QUOTED = re.compile(r"[ \t]*[„\"“][^„\"“”\n]{1,60}[”\"][ \t]*")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    text: str
    line: int


def _tokens(text: str) -> list[_Tok]:
    from .lines import LineIndex

    idx = LineIndex(text)
    return [_Tok(m.start(), m.end(), m.group(), idx.line(m.start())) for m in _WORD.finditer(text)]


def _caps(word: str) -> str:
    """'OLSZTYNIE' -> 'Olsztynie', 'BIELSKO-BIAŁA' -> 'Bielsko-Biała'; other words as written."""
    if len(word) > 1 and word.isupper():
        return "-".join(p.capitalize() for p in word.split("-"))
    return word


@lru_cache(maxsize=4096)
def _head_lemma(word: str) -> str:
    """The lemma of a name's first word; of a hyphenated one, its last part's lemma after the
    others as written ('Miejsko-Gminnego' -> 'miejsko-gminny')."""
    from .morph import lemma

    head, hyphen, last = word.rpartition("-")
    return fold(head) + hyphen + fold(lemma(_caps(last)))


def _head_at(toks: list[_Tok], i: int, acronyms_any_case: bool = False) -> tuple[str, int] | None:
    """(acronym, index after the head) when a centre's acronym or long name starts at token i."""
    ox = organisations()
    w = toks[i].text
    if w in ox.acronyms or acronyms_any_case and w.upper() in ox.acronyms:
        return w.upper(), i + 1
    if i + 1 >= len(toks):
        return None
    for first, rest, acr in _long_names_by_second().get(fold(toks[i + 1].text), ()):
        n = len(rest) + 2
        if i + n <= len(toks) and all(fold(t.text) == r for t, r in zip(toks[i + 2:i + n], rest, strict=True)) \
                and _head_lemma(w) == first:
            return acr, i + n
    return None


@lru_cache(maxsize=1)
def _long_names_by_second() -> dict[str, tuple[tuple[str, tuple[str, ...], str], ...]]:
    """The long names by their second word (as folded): a token is looked up once, not compared
    with every long name. Each: (the first word's lemma, the words after the second, acronym)."""
    out: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
    for words, acr in organisations().long_names.items():
        out.setdefault(words[1], []).append((words[0], tuple(words[2:]), acr))
    return {k: tuple(v) for k, v in out.items()}


def _is_partner(toks: list[_Tok], i: int) -> bool:
    """The words before token i on its line end with a partner marker, at most `partner_gap`
    words before it: 'we współpracy z OWES …', 'Partner: OWES …', 'partnerem projektu jest OWES …'."""
    ox = organisations()
    prev = [fold(t.text) for t in toks[max(0, i - 8):i] if t.line == toks[i].line]
    for marker in ox.partner_markers:
        n = len(marker)
        for end in range(len(prev), max(n, len(prev) - ox.partner_gap) - 1, -1):
            if tuple(prev[end - n:end]) == marker:
                return True
    return False


def _name_words(text: str, toks: list[_Tok], j: int, after_quote: bool = False) -> tuple[list[str], bool]:
    """The name after a head ending before token j: (its words, whether a preposition led them)."""
    ox = organisations()
    if j >= len(toks):
        return [], False
    quoted = None if after_quote else _QUOTED.match(text, toks[j - 1].end)
    if quoted:
        # the place after a quoted name, when one follows ('WTZ „Latarnia” w Ustce' -> 'WTZ Ustka');
        # without one, the quoted name itself
        after = next((k for k in range(j, len(toks)) if toks[k].start >= quoted.end()), len(toks))
        if after + 1 < len(toks) and toks[after].start == quoted.end() \
                and fold(toks[after].text) in ox.place_prepositions:
            place, prep = _name_words(text, toks, after, after_quote=True)
            if place and prep:
                return place, prep
    prep = fold(toks[j].text) in ox.place_prepositions and j + 1 < len(toks)
    gap = text[toks[j - 1].end:toks[j].start]
    if quoted and not _GAP_OK.fullmatch(gap):
        gap = gap.strip(" \t„\"“")
    # the name stays on the head's line; a place with its preposition may open the next line
    # ("Ośrodek Wsparcia Ekonomii Społecznej\nw Bartoszycach")
    if not (_GAP_OK.fullmatch(gap) or prep and _LINE_BREAK.fullmatch(gap) or after_quote):
        return [], False
    words: list[str] = []
    first = j + 1 if prep else j
    for k in range(first, min(len(toks), first + _MAX_NAME_WORDS)):
        t = toks[k]
        if k > j and not _SPACES.fullmatch(text[toks[k - 1].end:t.start]):
            break
        if not t.text[0].isupper() or fold(t.text) in ox.not_name_words or t.text in ox.acronyms:
            break
        words.append(t.text)
    return words, prep


def _compose(acr: str, words: list[str], prep: bool) -> str:
    """'OWES' + 'w Olsztynie' -> 'OWES Olsztyn'; a name that is no place stays as written."""
    from .places import resolve_name

    shown = [_caps(w) for w in words]
    case = "loc" if prep else "nom"
    for k in range(len(shown), 0, -1):
        if not all(w[:1].isupper() for w in shown[:k]):
            continue
        place = resolve_name(shown[:k], case)
        if place:
            return f"{acr} {place}"
    return " ".join([acr, *(_nominative(shown) if not prep else shown)])


def _nominative(words: list[str]) -> list[str]:
    """A name in the genitive after a long name ('Ośrodek Wsparcia Ekonomii Społecznej Subregionu
    Pilskiego') in the nominative ('Subregion Pilski'): a noun that cannot be a nominative, and the
    adjectives after it, agreeing. Anything else stays as written."""
    from . import morph

    nouns = [i for i in morph.analyse(words[0]) if i.pos == "subst" and "gen" in i.case and i.number]
    if not nouns or any("nom" in i.case for i in morph.analyse(words[0])):
        return words
    noun = nouns[0]
    number, gender = sorted(noun.number)[0], sorted(noun.gender)[0] if noun.gender else "m3"
    out = [noun.lemma[:1].upper() + noun.lemma[1:]]
    for w in words[1:]:
        adj = [i for i in morph.analyse(w) if i.pos == "adj" and "gen" in i.case and number in i.number]
        form = morph.adj_form(adj[0].lemma, number, "nom", gender) if adj else None
        if form is None:
            return words
        out.append(form[:1].upper() + form[1:] if w[:1].isupper() else form)
    return out


def header_end(norm: str, first_heading: int | None) -> int:
    """Where the header ends: at the first section heading, after at least two and at most
    `header_lines` non-empty lines, and at most `header_chars` characters."""
    lines = re.finditer(r"(?m)^[^\S\n]*\S[^\n]*", norm)
    ends = [m.end() for m in islice(lines, organisations().header_lines)]
    if not ends:
        return 0
    end = first_heading if first_heading is not None else ends[min(1, len(ends) - 1)]
    return min(max(end, ends[min(1, len(ends) - 1)]), ends[-1], organisations().header_chars)


def find_author(norm: str, end: int) -> str | None:
    """The centre that wrote the report, as the header names it: the first centre with a name
    in norm[:end] that no partner marker introduces. None when the header names none."""
    text = norm[:end]
    toks = _tokens(text)
    for i in range(len(toks)):
        head = _head_at(toks, i)
        if head is None or _is_partner(toks, i):
            continue
        acr, j = head
        words, prep = _name_words(text, toks, j)
        if words:
            return _compose(acr, words, prep)
    return None


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """Any written form of a centre's name in the form `find_author` gives: 'OWES w Olsztynie',
    'Ośrodek Wsparcia Ekonomii Społecznej w Olsztynie', 'OWES OLSZTYN' -> 'OWES Olsztyn'; the
    file names' 'owes-olsztyn' -> 'OWES olsztyn' (lower case: already a nominative). A name
    without a centre's acronym or long name is returned as written."""
    words = "".join(c if c.isalnum() else " " for c in name).split()  # no pattern: short names
    toks = [_Tok(0, 0, w, 0) for w in words]
    ox = organisations()
    for i in range(len(toks)):
        head = _head_at(toks, i, acronyms_any_case=True)
        if head is None:
            continue
        acr, j = head
        before = [t.text for t in toks[:i]]
        rest = [t.text for t in toks[j:]]
        prep = bool(rest) and fold(rest[0]) in ox.place_prepositions and len(rest) > 1
        words = rest[1:] if prep else rest
        if words and all(w[:1].isupper() for w in words):
            core = _compose(acr, words, prep)
        else:
            core = " ".join([acr, *words])
        return " ".join([*before, core])
    return name


def org_key(name: str | None) -> str | None:
    """Organisation key: 'OWES Olsztyn', 'OWES w Olsztynie', 'Ośrodek Wsparcia Ekonomii
    Społecznej w Olsztynie', 'owes-olsztyn', 'OWES  OLSZTYN' are one key, 'owes-olsztyn'."""
    if not name:
        return None
    return fold(canonical_name(name), joiner="-") or None


@lru_cache(maxsize=1)
def _file_words() -> frozenset[str]:
    from .datafiles import OrganisationsFile, load

    return frozenset(fold(w) for w in load(OrganisationsFile, "organisations.toml").file_report_words)


def organisation_from_name(name: str) -> str | None:
    """The organisation a file name gives, in the corpus convention '<acronym>-<name>_<start>_<end>.ext'
    ('owes-olsztyn_2018-09-01_2018-11-30.txt', 'owes-gizycko_bez-okresu.txt' -> 'owes-olsztyn',
    'owes-gizycko'): a centre's acronym, then the name's words up to the first '_', a number
    ('owes-olsztyn-2019'), a report word ('owes-olsztyn-final-2018-09_2019-08' -> 'owes-olsztyn';
    `file_report_words`) or a format tag ('owes-bartoszyce-pdf' -> 'owes-bartoszyce'). Without a
    '_' the name counts only when such a word or number ends it ('owes-nidzica.txt' says nothing).
    Other names say nothing about the organisation."""
    ox = organisations()
    stem = Path(name).name.split(".")[0]
    head, underscore, _rest = stem.partition("_")
    parts = [p for p in head.replace(" ", "-").split("-") if p]
    if len(parts) < 2 or parts[0].upper() not in ox.acronyms:
        return None
    stops = _file_words() | {fold(t) for t in ox.file_format_tags}
    words = [parts[0]]
    ended = bool(underscore)
    for p in parts[1:]:
        if any(c.isdigit() for c in p) or fold(p) in stops:
            ended = True
            break
        words.append(p)
    if len(words) < 2 or not ended:
        return None
    return "-".join(words)


OTHER_BODY = "other"


@lru_cache(maxsize=1)
def _body_prefixes() -> tuple[tuple[str, str], ...]:
    from .datafiles import OrganisationsFile, load

    ox = load(OrganisationsFile, "organisations.toml")
    pairs = {fold(acr, joiner="-") + "-": kind for acr, kind in ox.bodies.items()}
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def body_of(key: str | None) -> str:
    """The kind of body an organisation key names, by its acronym (organisations.toml [bodies]):
    'owes-olsztyn' -> 'OWES', 'mgops-izbica-kujawska' -> 'OPS', 'wtz-ustka' -> 'WTZ'; a key
    without a known acronym, or none, -> 'other'."""
    if key:
        for prefix, kind in _body_prefixes():
            if key.startswith(prefix):
                return kind
    return OTHER_BODY


@lru_cache(maxsize=1)
def _places_by_key() -> dict[str, str]:
    """Gazetteer names by their key form ('zielona-gora' -> 'Zielona Góra'); a key two names
    share is left out (no guess between them)."""
    from importlib import resources

    raw = resources.files("extractor.data").joinpath("gazetteer_pl.txt").read_text(encoding="utf-8")
    seen: dict[str, set[str]] = {}
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            seen.setdefault(fold(line, joiner="-"), set()).add(line)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def name_from_key(key: str) -> str:
    """A display name for a key that no text gives a name for: 'owes-zielona-gora' -> 'OWES Zielona
    Góra' (the place as the gazetteer writes it), 'owes-subregion-elcki' -> 'OWES Subregion Elcki'.
    A key that does not start with a centre's acronym is returned as it is."""
    acr, _, rest = key.partition("-")
    if acr.upper() not in organisations().acronyms or not rest:
        return key
    place = _places_by_key().get(rest)
    return f"{acr.upper()} {place or ' '.join(w.capitalize() for w in rest.split('-'))}"


KeyOrigin = Literal["header", "option", "file_name"]
NameOrigin = Literal["option", "header", "key"]


@dataclass(frozen=True)
class Identity:
    """Who wrote a report, as the report alone tells (an archive may join its key to another).

    key: `explicit` (`--org`) when given, else the header's centre, else the file name's; origin
    says which. name: `explicit` as written when it is a name ("OWES w Braniewie"), else the
    header's, else one made from the key ('owes-olsztyn' -> 'OWES Olsztyn'); name_origin says
    which. header_key, file_key: the keys the header and the file name give, to join with `key`."""

    name: str | None
    key: str | None
    origin: KeyOrigin | None
    name_origin: NameOrigin | None
    header_key: str | None
    file_key: str | None


def identify(header_name: str | None, file_name: str | None, explicit: str | None = None) -> Identity:
    """A report's identity from the centre its header names, its file name and an explicit
    organisation; see Identity."""
    hkey = org_key(header_name)
    fkey = org_key(organisation_from_name(file_name)) if file_name else None
    ekey = org_key(explicit)
    key: str | None
    origin: KeyOrigin
    if ekey is not None:
        key, origin = ekey, "option"
    elif hkey is not None:
        key, origin = hkey, "header"
    elif fkey is not None:
        key, origin = fkey, "file_name"
    else:
        return Identity(None, None, None, None, None, fkey)
    name: str
    name_origin: NameOrigin
    if explicit and ekey is not None and explicit.strip() != ekey:
        name, name_origin = explicit.strip(), "option"
    elif header_name and hkey == key:
        name, name_origin = header_name, "header"
    else:
        name, name_origin = name_from_key(key), "key"
    return Identity(name, key, origin, name_origin, hkey, fkey)


def header_name_of(report: Report) -> str | None:
    """The centre the report's header names: `organisation` as extracted, or after `apply_identity`
    when the key comes from the header. (Once an explicit organisation is applied, the header's
    centre is no longer known: apply it last, or pass it to Archive.upsert instead.)"""
    if report.organisation_from is None or report.organisation_from == "header":
        return report.organisation
    return None


def apply_identity(report: Report, file_name: str | None, explicit: str | None = None) -> Identity:
    """Fill report.organisation, org_key and organisation_from (see Identity); returns it."""
    ident = identify(header_name_of(report), file_name, explicit)
    report.organisation, report.org_key, report.organisation_from = ident.name, ident.key, ident.origin
    return ident


__all__ = ["Identity", "apply_identity", "canonical_name", "find_author", "header_end", "header_name_of", "identify",
           "name_from_key", "org_key", "organisation_from_name"]
