"""The project's documented errors: everything the library raises on bad input."""
from __future__ import annotations

import os
import re
import sys

# C0 and C1 controls (ESC and CSI start terminal escape sequences), line and paragraph
# separators, the bidirectional controls that make a terminal show text in another order, and
# the lone surrogates that stand for undecodable bytes in a file name (they cannot be printed)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def one_line(s: str) -> str:
    """`s` with control characters (newlines too) escaped as `\\x1b`, `\\n` …, so a message
    stays one line and no escape sequence in a file name or a text reaches a terminal: every
    view and message passes file names and report text through this."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)


def path_text(path: object) -> str:
    """A path as valid Unicode, for records, JSON and SQLite: the bytes of a name that do not
    decode in the file-system encoding (a name written in an old code page), which Python
    keeps as lone surrogates, become U+FFFD."""
    s = str(path)
    if not _SURROGATE.search(s):
        return s
    return os.fsencode(s).decode(sys.getfilesystemencoding(), errors="replace")


_SURROGATE = re.compile("[\ud800-\udfff]")


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
