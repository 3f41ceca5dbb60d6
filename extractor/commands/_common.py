"""Shared bits of the commands (light imports only): error lines, output files, settings.

Errors are one line on stderr, "error: …", whatever the terminal width; text that comes
from files, paths or reports is never read as rich markup. Usage and input errors exit
with code 2.
"""
from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_ARCHIVE = "sprawozdania.sqlite"
ARCHIVE_ENV = "SPRAWOZDANIA_ARCHIVE"
ARCHIVE_HELP = f"Archive file (SQLite). Default: ${ARCHIVE_ENV} or ./{DEFAULT_ARCHIVE}."
OUTPUT_HELP = "Write to FILE instead of stdout (missing folders are created)."
USAGE_EXIT = 2


def readable_arguments() -> None:
    """Arguments in help as `REPORT...` (their metavar, '...' when several), with no type beside
    them — not typer's `{reports}...` and `<list[Path]>`. A display matter only; typer versions
    without these methods are left as they are."""
    from typer import core

    arg: Any = core.TyperArgument

    def shown(self: Any) -> str:
        return str(self.metavar or (self.name or "").upper()) + ("..." if self.nargs != 1 else "")

    def usage(self: Any) -> str:
        return shown(self) if self.required else f"[{shown(self)}]"

    if hasattr(arg, "_usage_display_name") and hasattr(arg, "_rich_display_name"):
        arg._usage_display_name = usage
        arg._rich_display_name = shown
        arg.display_type_rich = lambda self, ctx: None


def archive_path(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get(ARCHIVE_ENV) or DEFAULT_ARCHIVE)


def _stderr_line(prefix: str, msg: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    # one line whatever the terminal width; a file name with [brackets] is not markup
    Console(stderr=True, soft_wrap=True).print(f"{prefix} {escape(msg)}", highlight=False)


def err(msg: str) -> None:
    _stderr_line("[bold red]error:[/]", msg)


def warn(msg: str) -> None:
    _stderr_line("[yellow]warning:[/]", msg)


def note(msg: str) -> None:
    _stderr_line("[dim]note:[/]", msg)


def fail(msg: str, code: int = USAGE_EXIT) -> typer.Exit:
    """Print the error line; return the Exit to raise (`raise fail(...) from None`)."""
    err(msg)
    return typer.Exit(code)


def check_output(path: Path | None) -> None:
    """Before any work: an output FILE that cannot be written (a folder, or under a file)
    is an error now rather than after the work."""
    if path is None:
        return
    from ..output import check_target, describe

    try:
        check_target(path)
    except OSError as e:
        raise fail(describe(e, path)) from None


def write_output(path: Path | None, text: str) -> None:
    """Text to stdout, or to FILE atomically (missing folders created); a FILE that cannot
    be written is one error line and exit code 2, never a traceback or a stray temp file."""
    if not text.endswith("\n"):
        text += "\n"
    if path is None:
        sys.stdout.write(text)
        return
    from ..output import atomic_write, describe

    try:
        atomic_write(path, text)
    except OSError as e:
        raise fail(describe(e, path)) from None


# The width of tables written to a pipe or a file: wide enough that no column is ever cut
# (`> file`, `| less`, `grep`, CI logs keep every column); a table is only as wide as its cells.
UNLIMITED = 10_000


class _Trimmed(io.TextIOBase):
    """A text stream that drops the spaces rich pads table lines with, before each line end."""

    def __init__(self, target: Callable[[], io.TextIOBase | object]) -> None:
        self.target = target
        self.pending = ""

    def write(self, s: str) -> int:
        text = self.pending + s
        head, nl, self.pending = text.rpartition("\n")
        if nl:
            self.target().write("\n".join(line.rstrip(" ") for line in head.split("\n")) + "\n")  # type: ignore[attr-defined]
        return len(s)

    def flush(self) -> None:
        if self.pending:
            self.target().write(self.pending)  # type: ignore[attr-defined]
            self.pending = ""
        self.target().flush()  # type: ignore[attr-defined]


def console(stderr: bool = False) -> Console:
    """The console for tables: the terminal's width on a terminal; UNLIMITED when the output goes
    to a pipe or a file, so that nothing is cut to 80 columns (and no line ends in padding)."""
    from rich.console import Console

    c = Console(stderr=stderr)
    if c.is_terminal:
        return c
    stream = _Trimmed(lambda: sys.stderr if stderr else sys.stdout)
    return Console(file=stream, width=UNLIMITED)  # type: ignore[arg-type]


def is_wide(c: Console) -> bool:
    """Whether `c` writes to a pipe or a file (see `console`): no cell is shortened there."""
    return c.width >= UNLIMITED


def render_output(path: Path | None, draw: Callable[[Console], None]) -> None:
    """A rich view to the terminal (or a pipe, see `console`), or as plain text to FILE (see
    write_output), every column in full."""
    from rich.console import Console

    if path is None:
        draw(console())
        return
    buf = io.StringIO()
    stream = _Trimmed(lambda: buf)
    draw(Console(file=stream, width=UNLIMITED))  # type: ignore[arg-type]
    stream.flush()
    write_output(path, buf.getvalue())


def check_limits() -> None:
    """The read limits set in the environment (SPRAWOZDANIA_MAX_BYTES …) must be usable."""
    from ..errors import ConfigError
    from ..read import Limits

    try:
        Limits.from_env()
    except ConfigError as e:
        raise fail(str(e)) from None
