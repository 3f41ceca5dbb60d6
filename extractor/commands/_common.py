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
from typing import TYPE_CHECKING, Any, TextIO

import typer

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_ARCHIVE = "sprawozdania.sqlite"
ARCHIVE_ENV = "SPRAWOZDANIA_ARCHIVE"
ARCHIVE_HELP = f"Archive file (SQLite). Default: ${ARCHIVE_ENV} or ./{DEFAULT_ARCHIVE}."
OUTPUT_HELP = "Write to FILE instead of stdout (missing folders are created)."
USAGE_EXIT = 2


def archive_path(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get(ARCHIVE_ENV) or DEFAULT_ARCHIVE)


def _stderr_line(prefix: str, msg: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    from ..errors import one_line

    # one line whatever the terminal width; a file name with [brackets] is not markup, one with
    # control characters or escape sequences shows them escaped
    Console(stderr=True, soft_wrap=True).print(f"{prefix} {escape(one_line(msg))}", highlight=False)


def err(msg: str) -> None:
    _stderr_line("[bold red]error:[/]", msg)


def warn(msg: str) -> None:
    _stderr_line("[yellow]warning:[/]", msg)


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


class StdoutGuard:
    """sys.stdout for the command line: the same stream, except that an OSError raised while
    writing or flushing it is marked as standard output's, so that `output_failed` tells it
    from any other (a worker that cannot start, a file that cannot be read)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, s: str) -> int:
        try:
            return self._stream.write(s)
        except OSError as e:
            e.sprawozdania_stdout = True  # type: ignore[attr-defined]
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as e:
            e.sprawozdania_stdout = True  # type: ignore[attr-defined]
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _stdout_target() -> str:
    """What standard output is, for a message: the file it was redirected to, if any."""
    try:
        target = os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (OSError, ValueError, AttributeError):
        return "standard output"
    return f"standard output ({target})" if target.startswith("/") else "standard output"


def output_failed(e: OSError) -> int | None:
    """An OSError that ended a command, raised by a write to standard output (a full disk, a
    closed pipe; see StdoutGuard). Prints one line (none for a closed pipe: the reader has gone), sends what
    is still buffered nowhere, and returns the exit code; None when the error is another one."""
    import errno

    from ..output import reason_of

    if not getattr(e, "sprawozdania_stdout", False):      # not standard output's
        return None
    target = _stdout_target()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())     # the buffered rest cannot be written either
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    if e.errno == errno.EPIPE:
        return 1
    err(f"cannot write {target}: {reason_of(e)}")
    return USAGE_EXIT


def render_output(path: Path | None, draw: Callable[[Console], None], width: int = 120) -> None:
    """A rich view to the terminal, or as plain text of `width` columns to FILE (see write_output)."""
    from rich.console import Console

    if path is None:
        draw(Console())
        return
    buf = io.StringIO()
    draw(Console(file=buf, width=width))
    write_output(path, buf.getvalue())


def check_limits() -> None:
    """The read limits set in the environment (SPRAWOZDANIA_MAX_BYTES …) must be usable."""
    from ..errors import ConfigError
    from ..read import Limits

    try:
        Limits.from_env()
    except ConfigError as e:
        raise fail(str(e)) from None
