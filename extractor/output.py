"""Writing output files: atomically, missing folders created, one clear OSError otherwise.

    from extractor.output import atomic_write
    atomic_write("out/report.json", text)

Every command that writes a file (`extract -o`, `compare -o`, `batch`) goes through
`atomic_write`: the data is written to a temp file in the target's folder and renamed over
the target, so a reader sees the old content or the new, never half; a failed write leaves
no temp file behind. The library never prints.
"""
from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def check_target(path: str | Path) -> None:
    """Raise OSError when `path` can be told unwritable without writing: it is a folder, or
    one of the folders it would go in is a file. (Missing folders are fine: they are created.)"""
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(p))
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{parent} is not a folder", str(p))
            break


def temp_name(path: Path) -> Path:
    """The temp file `atomic_write` writes first (hidden, in the same folder, per process)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write `data` (str as UTF-8) to `path` via a temp file and a rename; create missing
    folders. Raises OSError (with the path as `filename`) when it cannot."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path) as fh:
        fh.write(raw)


@contextlib.contextmanager
def atomic_writer(path: str | Path) -> Iterator[BinaryIO]:
    """`atomic_write` for data written piece by piece (a file larger than memory should hold):
    the pieces go to the temp file, which replaces `path` when the block ends without an error."""
    p = Path(path)
    check_target(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(p)
    try:
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def reason_of(e: OSError) -> str:
    """Why an operation on a file failed, in a few words ("no space left on device" for a
    full disk or a quota, else the system's message)."""
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "no space left on device"
    return e.strerror or str(e)


def describe(e: OSError, path: str | Path) -> str:
    """One line for a failed write: 'cannot write PATH: reason'."""
    return f"cannot write {path}: {reason_of(e)}"


__all__ = ["atomic_write", "check_target", "describe", "reason_of", "temp_name"]
