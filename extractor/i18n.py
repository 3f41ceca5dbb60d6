"""The interface's language: Polish by default, English with `--lang en` or SPRAWOZDANIA_LANG=en.

    from extractor.i18n import tr, translate
    tr("{n} reports", n=3)              # the catalogue's Polish, or the English as written
    translate("x.txt: empty file")      # a whole English message, matched against the templates

Interface text is written in English in the code; `extractor/data/ui_pl.toml` gives the Polish
of each text (a template with {named} places, the same names in both). `tr` looks a text up as
it is written; `translate` matches a message made elsewhere (an error of the library, a reason a
reader gave) against every template, so the library stays in English and the command line
speaks one language. Only the interface is translated: findings stored in records and the
archive keep the words they were extracted with, data (CSV, JSON keys, codes) is never
translated, and `eval`'s TOTAL line is the reference scorer's.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache

LANGS = ("pl", "en")
DEFAULT = "pl"
ENV = "SPRAWOZDANIA_LANG"
_chosen: str | None = None


class LangError(ValueError):
    """An unknown language in --lang or SPRAWOZDANIA_LANG."""


def check(value: str, where: str) -> str:
    lang = value.strip().lower()
    if lang not in LANGS:
        raise LangError(f"{where}={value!r}: unknown language (one of {', '.join(LANGS)})")
    return lang


def set_lang(value: str | None) -> None:
    """Choose the language for this process (None: back to SPRAWOZDANIA_LANG or the default)."""
    global _chosen
    _chosen = check(value, "--lang") if value is not None else None


def lang() -> str:
    """The language chosen with set_lang, else SPRAWOZDANIA_LANG, else Polish."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV)
    if env:
        try:
            return check(env, ENV)
        except LangError:
            return DEFAULT          # reported once by the command line (see lang_from_argv)
    return DEFAULT


def lang_from_argv(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """`--lang X` or `--lang=X` anywhere in argv: (X, argv without it). (None, argv) without one."""
    out: list[str] = []
    found: str | None = None
    i = 0
    args = list(argv)
    while i < len(args):
        a = args[i]
        if a == "--":
            out.extend(args[i:])
            break
        if a == "--lang" and i + 1 < len(args):
            found = args[i + 1]
            i += 2
            continue
        if a.startswith("--lang="):
            found = a.split("=", 1)[1]
            i += 1
            continue
        out.append(a)
        i += 1
    return found, out


@cache
def catalogue(language: str) -> dict[str, str]:
    """English text -> the text in `language` (empty for English)."""
    if language == "en":
        return {}
    import tomllib
    from importlib import resources

    # (not through extractor.datafiles: `--help` must not import pydantic)
    raw = resources.files("extractor.data").joinpath(f"ui_{language}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    out = {str(k): str(v) for k, v in data.get("text", {}).items()}
    out.update((str(e["en"]), str(e[language])) for e in data.get("long", []))
    return out


def tr(text: str, **values: object) -> str:
    """`text` in the current language, its {places} filled with `values`."""
    out = catalogue(lang()).get(text, text)
    return out.format(**values) if values else out


_PLACE = re.compile(r"\{(\w+)(?:![rsa])?\}")


@cache
def _templates(language: str = DEFAULT) -> list[tuple[list[str], list[str], str]]:
    """The catalogue's templates with places, split into (literal pieces, place names, the text
    in `language`); the most literal first."""
    out = []
    for en, other in catalogue(language).items():
        names = [m.group(1) for m in _PLACE.finditer(en)]
        if names:
            out.append((_PLACE.split(en)[::2], names, other))
    out.sort(key=lambda t: -sum(len(p) for p in t[0]))
    return out


def _match(pieces: list[str], names: list[str], message: str) -> dict[str, str] | None:
    """The places' values when `message` is the template (pieces around names) filled in: each
    place holds at least one character and ends at the first next piece (no regular expression:
    a message may be long)."""
    if not (message.startswith(pieces[0]) and message.endswith(pieces[-1])):
        return None
    pos, end = len(pieces[0]), len(message) - len(pieces[-1])
    out: dict[str, str] = {}
    for i, name in enumerate(names):
        if i == len(names) - 1:
            if end <= pos:
                return None
            out[name] = message[pos:end]
            return out
        nxt = pieces[i + 1]
        j = message.find(nxt, pos + 1, end) if nxt else -1
        if j < 0:
            return None          # (two places side by side cannot be told apart)
        out[name] = message[pos:j]
        pos = j + len(nxt)
    return out


def translate(message: str) -> str:
    """A whole English message in the current language: as written in the catalogue, or matched
    against a template ('{path}: empty file'), its places translated in turn; else as it is."""
    cat = catalogue(lang())
    if not cat:
        return message
    if message in cat:
        return cat[message]
    for pieces, names, other in _templates(lang()):
        found = _match(pieces, names, message)
        if found is not None:
            return _fill(other, {k: translate(v) if k in _NESTED else v for k, v in found.items()})
    return message


def _fill(template: str, parts: dict[str, str]) -> str:
    return _PLACE.sub(lambda p: parts.get(p.group(1), p.group(0)), template)


# places whose text is itself an interface message (a reason inside "{path}: {reason}")
_NESTED = frozenset({"reason", "what", "detail"})


__all__ = ["DEFAULT", "ENV", "LANGS", "LangError", "catalogue", "lang", "lang_from_argv", "set_lang", "tr",
           "translate"]
