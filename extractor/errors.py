"""The project's documented errors: everything the library raises on bad input."""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(s: str) -> str:
    """`s` with control characters (newlines too) escaped, so a message stays one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)


class SprawozdaniaError(Exception):
    """Base of every error the library raises on purpose."""


class ConfigError(SprawozdaniaError):
    """A setting (an environment variable such as SPRAWOZDANIA_MAX_BYTES) has a value the
    program cannot use; the message names the setting and the value."""


class TextError(SprawozdaniaError):
    """A text handed to extract_text cannot be processed: not valid Unicode (an unpaired
    surrogate, which no decoded file contains)."""


class ReadError(SprawozdaniaError):
    """An input file cannot be read as a report: empty, binary, unsupported, damaged …

    `kind` says which, for programs: "missing" (cannot open), "empty", "binary",
    "unsupported" (a format we do not read), "encrypted", "corrupt" (truncated or damaged),
    "too_large" (over a configured limit), "unsafe" (zip bomb, XML entities),
    "no_text_layer" (a PDF with neither text nor anything OCR can read), "not_a_report"
    (text that is not prose), "ocr_unavailable" (a scan, and the OCR engine or its Polish
    model is not installed: the reason names the Debian package).
    The message is always one line: "PATH: reason".
    """

    KINDS = ("missing", "empty", "binary", "unsupported", "encrypted", "corrupt", "too_large", "unsafe",
             "no_text_layer", "not_a_report", "ocr_unavailable")

    def __init__(self, path: str, reason: str, kind: str = "corrupt") -> None:
        super().__init__(f"{one_line(path)}: {one_line(reason)}")
        self.path = path
        self.reason = reason
        self.kind = kind
