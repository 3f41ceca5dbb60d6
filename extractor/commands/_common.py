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

    from ..archive import Archive

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


# --- the interface's language ------------------------------------------------------------------

LANG_HELP = "Language of the interface: pl (default) or en; also SPRAWOZDANIA_LANG."


def _translate_command(cmd: Any) -> None:
    """A click command's help, epilog and parameters' help in the interface's language (the
    English kept aside, so a second call translates from it again)."""
    from ..i18n import tr

    for obj, attrs in ((cmd, ("help", "short_help", "epilog")), *((p, ("help",)) for p in cmd.params)):
        for attr in attrs:
            orig = getattr(obj, f"_{attr}_en", None)
            if orig is None:
                orig = getattr(obj, attr, None)
                if not isinstance(orig, str):
                    continue
                setattr(obj, f"_{attr}_en", orig)
            setattr(obj, attr, tr(orig))


def _translate_help_option(cmd: Any, ctx: Any) -> None:
    from ..i18n import tr

    opt = cmd.get_help_option(ctx)
    if opt is not None and isinstance(opt.help, str):
        if getattr(opt, "_help_en", None) is None:
            opt._help_en = opt.help
        opt.help = tr(opt._help_en)


def _translated_group() -> type:
    from typer.core import TyperGroup

    class TranslatedGroup(TyperGroup):
        """A group whose help, and its commands' help, is in the interface's language."""

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            cmd = super().get_command(ctx, cmd_name)
            if cmd is not None:
                _translate_command(cmd)
                _translate_help_option(cmd, ctx)
            return cmd

        def format_help(self, ctx: Any, formatter: Any) -> None:
            _translate_command(self)
            _translate_help_option(self, ctx)
            for name in self.list_commands(ctx):
                sub = self.commands.get(name)
                if sub is not None:
                    _translate_command(sub)
            super().format_help(ctx, formatter)

    return TranslatedGroup


TranslatedGroup: Any = _translated_group()


def use_lang(value: str | None) -> None:
    """--lang for this invocation (None: SPRAWOZDANIA_LANG, checked here, or Polish); an unknown
    language is one error line, exit 2."""
    from ..i18n import ENV, LangError, check, set_lang

    try:
        set_lang(value)
        if value is None and os.environ.get(ENV):
            check(os.environ[ENV], ENV)
    except LangError as e:
        raise fail(str(e)) from None


def install_click_translations() -> None:
    """Click's and typer's own texts ("Usage:", "Show this message and exit.", "Missing
    argument …") through the catalogue too: they ask the standard gettext module, whose lookup
    is given the catalogue first."""
    import gettext

    from ..i18n import catalogue, lang

    if getattr(gettext.dgettext, "_sprawozdania", False):
        return
    orig, orig_n = gettext.dgettext, gettext.dngettext

    def dgettext(domain: str, message: str) -> str:
        return catalogue(lang()).get(message) or orig(domain, message)

    def dngettext(domain: str, singular: str, plural: str, n: int) -> str:
        cat = catalogue(lang())
        got = cat.get(singular if n == 1 else plural)
        return got or orig_n(domain, singular, plural, n)

    dgettext._sprawozdania = True  # type: ignore[attr-defined]
    gettext.dgettext = dgettext
    gettext.dngettext = dngettext  # type: ignore[assignment]
    try:                 # typer's own copy of click writes "Usage: " and its errors without gettext
        from typer._click import exceptions, formatting
    except ImportError:
        return
    echo = exceptions.echo  # type: ignore[attr-defined]

    def echo_translated(message: Any = None, *args: Any, **kwargs: Any) -> Any:
        """A usage error's lines ("Try … for help.", "Error: No such option: …") by the catalogue."""
        from ..i18n import translate

        if isinstance(message, str):      # (typer's choice check words its error as pydantic's "Value error, …")
            message = "\n".join(translate(line.replace(": Value error, ", ": ")) if line else line
                                for line in message.split("\n"))
        return echo(message, *args, **kwargs)

    exceptions.echo = echo_translated  # type: ignore[attr-defined]
    write_usage = formatting.HelpFormatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        from ..i18n import tr

        write_usage(self, prog, args, tr("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]


def archive_path(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get(ARCHIVE_ENV) or DEFAULT_ARCHIVE)


def _stderr_line(style: str, prefix: str, msg: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    from ..errors import one_line
    from ..i18n import tr, translate

    # one line whatever the terminal width; a file name with [brackets] is not markup, one with
    # control characters or escape sequences shows them escaped; the message in the interface's
    # language (an English message of the library matched against the catalogue's templates)
    Console(stderr=True, soft_wrap=True).print(f"[{style}]{escape(tr(prefix))}[/] {escape(one_line(translate(msg)))}",
                                               highlight=False)


def err(msg: str) -> None:
    _stderr_line("bold red", "error:", msg)


def warn(msg: str) -> None:
    _stderr_line("yellow", "warning:", msg)


def open_for_reading(archive: Path | None) -> Archive:
    """An existing archive opened for a command that reads it across reports (compare, audit
    --archive): organisations resolved once more, and a warning when some reports were indexed
    with another taxonomy version."""
    from ..archive import Archive

    ar = Archive(archive_path(archive), create=False)
    try:
        ar.refresh_organisations()
    except BaseException:
        ar.close()
        raise
    if ar.stale():
        warn(f"{ar.stale()} report(s) were indexed with another taxonomy version; "
             "run `sprawozdania archive reindex`")
    return ar


def note(msg: str) -> None:
    _stderr_line("dim", "note:", msg)


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
