"""The project's documented errors: everything the library raises on bad input."""
from __future__ import annotations


class SprawozdaniaError(Exception):
    """Base of every error the library raises on purpose."""


class ReadError(SprawozdaniaError):
    """An input file cannot be read as a report: empty, binary, unsupported, damaged …"""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
