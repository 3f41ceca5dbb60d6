"""Shared bits of the command modules (light imports only)."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_ARCHIVE = "sprawozdania.sqlite"
ARCHIVE_ENV = "SPRAWOZDANIA_ARCHIVE"
ARCHIVE_HELP = f"Archive file (SQLite). Default: ${ARCHIVE_ENV} or ./{DEFAULT_ARCHIVE}."


def archive_path(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get(ARCHIVE_ENV) or DEFAULT_ARCHIVE)


def err(msg: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {msg}", highlight=False)


def warn(msg: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[yellow]warning:[/] {msg}", highlight=False)
