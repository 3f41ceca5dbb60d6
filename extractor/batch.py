"""Batch conversion: many report files, N worker processes, resumable, one bad file never fatal.

    from extractor.batch import run_batch
    result = run_batch(["corpus"], "out", fmt="json", workers=4, archive="reports.sqlite")
    result.failed      # [Outcome(path=..., reason=...)]

Every worker process builds the pipeline once, before its first file, and converts one file
at a time; the parent alone writes: each output atomically (temp file + rename), then the
archive (one transaction per report), then a line in OUTDIR/.manifest.jsonl. A re-run skips
a file whose output and manifest entry carry the same content sha256 (and, with an archive,
whose hash the archive holds) unless `force`; an interrupted run therefore loses and
duplicates nothing.

Each file has a time and a memory budget (`Budget`): a worker over either is killed and
replaced, the file is recorded as failed (kind `timeout` or `memory`) and the other files
in flight go on undisturbed. Those two kinds are remembered in OUTDIR/errors.jsonl, so a
re-run does not spend the budget on them again unless `retry_failed`. A worker that dies
(segfault, killed) costs only the file it was converting. A full disk stops the batch with
the reason; what was written stays consistent and a re-run resumes. The library never
prints: progress comes through the `on_*` callbacks.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import glob
import hashlib
import io
import json
import math
import os
import pickle
import re
import signal
import sqlite3
import stat
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import SprawozdaniaError, path_text
from .output import atomic_write, atomic_writer, reason_of
from .read import SUFFIXES

Format = Literal["json", "facts", "jsonl", "csv"]
FORMATS: tuple[str, ...] = ("json", "facts", "jsonl", "csv")
SUFFIX = {"json": ".json", "facts": ".facts.json", "jsonl": ".jsonl", "csv": ".csv"}
COMBINED = {"jsonl": "all.jsonl", "csv": "all.csv"}
MANIFEST = ".manifest.jsonl"
ERRORS = "errors.jsonl"
LOCK = ".lock"
OCR_CACHE = ".ocr"                     # OCR results of scans, by content sha256 and page
OCR_CACHE_ENV = "SPRAWOZDANIA_OCR_CACHE"
CSV_COLUMNS = ("source", "sha256", "org_key", "organisation", "period_start", "period_end", "section", "section_key",
               "id", "type", "value", "subject", "indicator", "label", "part_of", "subset", "approximate",
               "planned", "start", "end", "text")
_TMP_RE = re.compile(r"^\..+\.\d+\.tmp$")   # extractor.output.temp_name, left by a killed run

# The time budget of a file when none is given: a base, plus time for each MiB of the file and
# each page that may need OCR. Measured: the pipeline reads 1 M characters in 8 s of CPU and
# 4.9 M (the most the text limit lets through) in 39 s, so 30 s a MiB leaves room for a
# machine two or three times slower or busier; OCR takes about 10 s a page.
BUDGET_BASE = 60.0
BUDGET_PER_MIB = 30.0
BUDGET_PER_PAGE = 30.0
# a PDF page with a text layer: pdfminer lays out a page of a report in about 0.07 s of CPU, measured
BUDGET_PER_PDF_PAGE = 2.0
# Resident memory a worker may use. Measured: a worker with its pipeline built holds about
# 0.15 GiB; reading a report of 1 M characters takes it to 0.35 GiB, of 4.9 M to 1.04 GiB.
DEFAULT_MAX_MEMORY = 3 * 1024 ** 3
HELD_KINDS = ("timeout", "memory")    # failures a re-run does not retry unless asked to
_POLL = 0.25                           # seconds between looks at the workers' memory
_START_TIMEOUT = 300.0                 # seconds a new worker may take to build its pipeline
_START_FAILURES = 3                    # workers dying in a row before they start: give up
# a small report that builds every part of the pipeline when a worker starts
_WARM_UP = "Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCENTRUM (CPS)\n\n5 spotkań w Olsztynie (12.10).\n"


class BatchError(SprawozdaniaError):
    """The batch cannot run at all (no inputs, output folder unusable, locked …)."""


class _NoSpace(Exception):
    """A write failed for want of space: the batch stops (every later write would fail too)."""


@dataclass(slots=True)
class Job:
    path: Path
    out_rel: str                 # output path relative to OUTDIR, without the format's suffix
    sha256: str | None = None
    size: int = 0
    pages: bool = False          # a PDF or an image by its first bytes (told while it is hashed)


@dataclass(slots=True)
class Outcome:
    path: str
    status: Literal["converted", "skipped", "failed"]
    sha256: str | None = None
    output: str | None = None
    reason: str | None = None
    # ReadError.kind (empty, binary, corrupt, unsupported …), or internal | crash | timeout | memory |
    # no_space | write | archive | missing | read
    error_kind: str | None = None
    archive: str | None = None         # added | updated | unchanged
    seconds: float = 0.0
    facts: int = 0
    findings: int = 0
    stage: Literal["plan", "convert"] = "convert"   # decided while planning, or by a worker
    held: bool = False                 # failed for time or memory in an earlier run, not tried again


@dataclass(frozen=True)
class Budget:
    """What one file may cost. `timeout`: seconds (None: scaled to the file by `time_budget`;
    0: no limit). `max_memory`: bytes of a worker's resident memory, the pipeline included
    (None: DEFAULT_MAX_MEMORY; 0: no limit)."""

    timeout: float | None = None
    max_memory: int | None = None

    @property
    def memory(self) -> int | None:
        """The memory limit in bytes, None for none."""
        if self.max_memory is None:
            return DEFAULT_MAX_MEMORY
        return self.max_memory or None

    def seconds(self, size: int, pages: int = 0, pdf_pages: int = 0) -> float:
        """The time budget of a file of `size` bytes with `pages` pages that OCR reads and
        `pdf_pages` PDF pages (inf: none); with a `timeout`, that, whatever the file."""
        if self.timeout is None:
            return time_budget(size, pages, pdf_pages)
        return self.timeout if self.timeout > 0 else math.inf


def time_budget(size: int, pages: int = 0, pdf_pages: int = 0) -> float:
    """Seconds a file may take by default: 60 s, plus 30 s a MiB of the file, plus 30 s a page
    that OCR reads (`count_pages`), plus 2 s a page of a PDF. A page a batch reads by OCR
    on its own may take `time_budget(0, 1)`, 90 s."""
    return (BUDGET_BASE + BUDGET_PER_MIB * size / 1024 ** 2 + BUDGET_PER_PAGE * pages
            + BUDGET_PER_PDF_PAGE * pdf_pages)


def count_pages(path: str) -> dict[str, Any]:
    """What a file's time budget is scaled by, told without OCR or layout analysis (a worker's
    task: opening a damaged PDF is no work for the batch process): `ocr`, the pages that need
    OCR (`extractor.read.ocr.ocr_pages_of`: every page of an image, the PDF pages without a
    text layer), and `pages`, how many pages a PDF has (0 for anything else)."""
    from .read import Limits
    from .read.ocr import ocr_pages_of
    from .read.pdf import page_count

    limits = Limits.from_env()
    with _open_regular(Path(path)) as fh:
        head = fh.read(1024)
        pdf = page_count(head + fh.read(limits.max_bytes), limits.max_pages) if b"%PDF-" in head else None
    return {"ocr": ocr_pages_of(path), "pages": pdf or 0}


def _has_pages(head: bytes) -> bool:
    """A PDF or an image, by a file's first bytes: its pages are counted (by a worker) first."""
    from .read.ocr import IMAGE_MAGIC

    return b"%PDF-" in head[:1024] or head.startswith(IMAGE_MAGIC)


@dataclass
class BatchResult:
    outdir: Path
    fmt: str
    workers: int
    outcomes: list[Outcome] = field(default_factory=list)
    ignored: int = 0                   # files in folders that are not reports (by suffix)
    ignored_kinds: dict[str, int] = field(default_factory=dict)   # those by suffix (".xlsx"; "": none)
    interrupted: bool = False
    stopped: str | None = None         # why the batch stopped before the end (no space left …)
    not_converted: int = 0             # files left for a re-run when it stopped
    problems: list[str] = field(default_factory=list)   # closing writes that failed (errors.jsonl …)
    seconds: float = 0.0
    combined: str | None = None
    budget: Budget = field(default_factory=Budget)

    def _by(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def converted(self) -> list[Outcome]:
        return self._by("converted")

    @property
    def skipped(self) -> list[Outcome]:
        return self._by("skipped")

    @property
    def failed(self) -> list[Outcome]:
        return self._by("failed")

    @property
    def held(self) -> list[Outcome]:
        """Files not tried again: they failed for time or memory in an earlier run."""
        return [o for o in self.outcomes if o.held]

    @property
    def exit_code(self) -> int:
        """0 all converted or up to date; 1 some failed, or stopped (no space); 2 none usable;
        130 interrupted."""
        if self.interrupted:
            return 130
        if self.stopped or self.problems:
            return 1
        if not self.failed:
            return 0
        return 1 if (self.converted or self.skipped) else 2


# --- worker side ----------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:                                    # killed but not yet reaped (Linux): gone all the same
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _watch_parent(batch: int, ppid: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != ppid or not _alive(batch):   # the batch died (kill -9): do not linger
            os._exit(3)


def init_worker(batch: int | None = None, ocr_cache: str | None = None) -> None:
    """Worker set-up: Ctrl-C is the parent's business; exit when the batch process is gone
    (with the fork server, a worker's parent is the server, not the batch); scans' OCR is
    cached in `ocr_cache` (SPRAWOZDANIA_OCR_CACHE, when the environment does not set it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if ocr_cache:
        os.environ.setdefault(OCR_CACHE_ENV, ocr_cache)
    if batch is not None:
        threading.Thread(target=_watch_parent, args=(batch, os.getppid()), daemon=True).start()


def _cap_address_space(max_memory: int) -> None:
    """A backstop for the parent's watch on memory, which looks only every _POLL seconds: the
    address space may grow by twice the memory budget beyond what the worker maps once built
    (spaCy and Morfeusz map more than they use), so an allocation far over the budget fails
    at once with MemoryError instead of pressing the whole machine."""
    try:
        import resource

        import psutil

        cap = psutil.Process().memory_info().vms + 2 * max_memory
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap <= hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):   # not POSIX, or not allowed: the parent's watch remains
        pass


_warm = False


def warm_up() -> None:
    """Build the extraction pipeline and load the indicators' taxonomy, once per process: a
    worker does it before its first file, the fork server (extractor.worker_preload) once for
    every worker forked from it. A failure is left for the first file to report, with its name."""
    global _warm
    if _warm:
        return
    _warm = True
    try:
        import extractor

        from .indicators import load_taxonomy

        extractor.extract_text(_WARM_UP)
        load_taxonomy()
    except Exception:  # noqa: BLE001, S110 - the first file reports the same failure, with its name
        pass


def _serve(conn: Any, batch: int, max_memory: int | None, ocr_cache: str | None) -> None:
    """A worker process: build the pipeline, say so, then run the tasks the parent sends (a
    file to convert, a page to read by OCR, a file's pages to count), one at a time, until it
    sends None or goes away (then the worker ends, quietly). A task's exception is its result,
    as {"ok": False, "kind": …, "reason": …}."""
    init_worker(batch, ocr_cache)
    warm_up()
    if max_memory:
        _cap_address_space(max_memory)
    try:
        conn.send(("ready", os.getpid()))
        while (task := conn.recv()) is not None:
            fn, args = task
            t0 = time.perf_counter()
            try:
                res = fn(*args)
            except MemoryError:
                res = {"ok": False, "kind": "memory", "reason": "out of memory (over the worker's address-space "
                       "cap)", "seconds": time.perf_counter() - t0}
            except Exception as e:  # noqa: BLE001 - the task failed: its file only
                res = {"ok": False, "kind": "internal", "reason": f"{type(e).__name__}: {e}",
                       "seconds": time.perf_counter() - t0}
            try:
                message = pickle.dumps(("result", res))
            except Exception as e:  # noqa: BLE001 - a result that cannot be pickled
                message = pickle.dumps(("result", {"ok": False, "kind": "internal", "seconds": time.perf_counter() - t0,
                                                   "reason": f"{type(e).__name__}: {e}"}))
            conn.send_bytes(message)
    except (EOFError, OSError):      # the batch has gone (killed): nothing to report to
        return


def render(report: Any, fmt: str, organisation: str | None = None) -> str:
    """A report in one of the batch formats (indicators assigned beforehand); `organisation`
    overrides the report's display name in jsonl/csv rows."""
    if fmt == "json":
        from .emit import dumps_json

        return dumps_json(report)
    if fmt == "facts":
        from .emit import dumps_facts

        return dumps_facts(report)
    rows = fact_rows(report, organisation)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def fact_rows(report: Any, organisation: str | None = None) -> list[dict[str, Any]]:
    """One flat row per fact (the jsonl/csv formats), with organisation (key and display name),
    period and indicator."""
    from models import Location, Quantity

    from .indicators import section_keys

    skeys = section_keys(report)
    p = report.period
    rows = []
    for f in report.facts:
        q = f if isinstance(f, Quantity) else None
        rows.append({
            "source": report.source.name, "sha256": report.source.sha256, "org_key": report.org_key,
            "organisation": organisation or report.organisation,
            "period_start": p.start.isoformat() if p else None, "period_end": p.end.isoformat() if p else None,
            "section": f.section, "section_key": skeys.get(f.section, f.section) if f.section else None,
            "id": f.id, "type": f.type, "value": f.flat_value,
            "subject": q.subject if q else None, "indicator": q.indicator if q else None,
            "label": q.label if q else (f.kind if isinstance(f, Location) else None),
            "part_of": q.part_of if q else None, "subset": q.subset if q else None,
            "approximate": q.approximate if q else None, "planned": q.planned if q else None,
            "start": f.span.start, "end": f.span.end, "text": f.span.text,
        })
    return rows


def convert_file(path: str, fmt: str, org: str | None, want_record: bool) -> dict[str, Any]:
    """Convert one file in a worker: never raises for a bad file, returns what went wrong."""
    t0 = time.perf_counter()
    try:
        import extractor

        from .indicators import assign_indicators
        from .organisation import apply_identity

        try:
            report = extractor.extract(path)
        except extractor.ReadError as e:
            return {"ok": False, "kind": getattr(e, "kind", None) or "read", "reason": e.reason,
                    "seconds": time.perf_counter() - t0}
        assign_indicators(report)
        record = report.model_dump_json() if want_record else None   # before --org: the archive joins keys
        ident = apply_identity(report, Path(path).name, org)
        return {
            "ok": True, "sha256": report.source.sha256, "output": render(report, fmt),
            "record": record, "organisation": report.organisation, "identity": identity_entry(ident, report),
            "facts": len(report.facts), "findings": len(report.findings), "seconds": time.perf_counter() - t0,
        }
    except MemoryError:
        return {"ok": False, "kind": "memory", "reason": "out of memory (over the worker's address-space cap)",
                "seconds": time.perf_counter() - t0}
    except Exception as e:  # noqa: BLE001 - a bug on one input must not stop the batch
        tb = traceback.extract_tb(e.__traceback__)
        where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        return {"ok": False, "kind": "internal", "reason": f"{type(e).__name__}: {e}{where}",
                "seconds": time.perf_counter() - t0}


def identity_entry(ident: Any, report: Any) -> dict[str, Any]:
    """What the manifest keeps of a report's organisation (see extractor.orgs.Seen)."""
    p = report.period
    return {"key": ident.key, "origin": ident.origin, "name": ident.name, "name_origin": ident.name_origin,
            "header_key": ident.header_key, "file_key": ident.file_key,
            "period_start": p.start.isoformat() if p else None}


# --- planning -------------------------------------------------------------------------------

def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
            (stat.S_ISSOCK, "a socket"))


def _special(mode: int) -> str:
    return next((what for test, what in _SPECIAL if test(mode)), "not a regular file")


def _unusable(path: str, e: OSError) -> Outcome:
    """An input that cannot be used, told by why its stat failed."""
    if e.errno == errno.ELOOP:
        return Outcome(path, "failed", reason="a symbolic link loop", error_kind="read")
    if e.errno == errno.ENOENT and os.path.islink(path):
        return Outcome(path, "failed", reason="a broken symbolic link (its target does not exist)",
                       error_kind="missing")
    if e.errno in (errno.ENOENT, errno.ENOTDIR):
        return Outcome(path, "failed", reason="no such file or folder", error_kind="missing")
    return Outcome(path, "failed", reason=f"cannot access ({reason_of(e)})", error_kind="read")


def collect(inputs: Iterable[str | Path], outdir: Path | None = None
            ) -> tuple[list[Job], list[Outcome], Counter[str]]:
    """Files named by the inputs (files, folders searched recursively, glob patterns).

    Returns (jobs, failures for inputs that cannot be used, the non-report files met in folders
    and ignored, counted by suffix: ".xlsx", "" for none).
    A failure is an input that names nothing, a broken link or a link loop, a named pipe, device
    or socket (never opened: reading one could block for ever), a folder that cannot be read —
    given directly or met inside a folder with a report's suffix.
    """
    suffixes = frozenset(SUFFIXES)
    out_abs = str(outdir.resolve()) if outdir is not None else None
    out_sep = os.path.join(out_abs, "") if out_abs is not None else ""
    jobs: list[Job] = []
    problems: list[Outcome] = []
    seen: set[str] = set()
    ignored: Counter[str] = Counter()

    def add(p: Path, rel: str, real: str | None = None) -> None:
        rp = real or os.path.realpath(p)        # (Path.resolve raises on a link loop)
        if rp in seen:
            return
        seen.add(rp)
        jobs.append(Job(p, path_text(rel)))      # output names are text, whatever the input's name

    def inside_out(real: str) -> bool:
        return out_abs is not None and (real == out_abs or real.startswith(out_sep))

    def add_dir(root: Path) -> None:
        def unreadable(e: OSError) -> None:
            problems.append(Outcome(str(e.filename or root), "failed", error_kind="read",
                                    reason=f"cannot read folder ({reason_of(e)})"))

        found: list[tuple[Path, str, str]] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
            here = Path(dirpath)
            dirnames[:] = [d for d in dirnames
                           if not d.startswith(".") and not inside_out(os.path.realpath(here / d))]
            for name in filenames:
                p = here / name
                if name.startswith("."):
                    continue
                real = os.path.realpath(p)
                if inside_out(real):
                    continue
                report_like = p.suffix.lower() in suffixes
                try:
                    mode = os.stat(p).st_mode
                except OSError as e:
                    if report_like:
                        problems.append(_unusable(str(p), e))
                    continue
                if not stat.S_ISREG(mode):
                    if report_like:
                        problems.append(Outcome(str(p), "failed", error_kind="unsupported",
                                                reason=f"not a regular file: {_special(mode)}"))
                    continue
                if not report_like:
                    ignored[p.suffix.lower()] += 1
                    continue
                r = p.relative_to(root)
                found.append((p, str(r.parent / _stem(r.name)) if r.parent != Path(".") else _stem(r.name), real))
        for fp, rel, real in sorted(found):
            add(fp, rel, real)

    def add_path(p: Path, shown: str) -> None:
        """A file or folder named directly or by a pattern."""
        try:
            mode = os.stat(p).st_mode
        except OSError as e:
            problems.append(_unusable(shown, e))
            return
        if stat.S_ISDIR(mode):
            add_dir(p)
        elif stat.S_ISREG(mode):
            add(p, _stem(p.name))
        else:
            problems.append(Outcome(shown, "failed", error_kind="unsupported",
                                    reason=f"not a regular file: {_special(mode)}"))

    for raw in inputs:
        s = str(raw)
        p = Path(s)
        if not os.path.lexists(p) and glob.has_magic(s):
            hits = sorted(glob.glob(s, recursive=True))
            if not hits:
                problems.append(Outcome(s, "failed", reason="pattern matches no file", error_kind="missing"))
            for h in hits:
                add_path(Path(h), h)
        else:
            add_path(p, s)
    return jobs, problems, ignored


@contextlib.contextmanager
def _open_regular(path: Path) -> Iterator[io.BufferedReader]:
    """Open a file for reading without ever blocking on a named pipe or a device: refused
    with OSError unless it is a regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"not a regular file: {_special(mode)}", str(path))
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def sha256_file(path: Path) -> str:
    return _hash_and_head(path)[0]


def _hash_and_head(path: Path) -> tuple[str, bytes]:
    """The file's sha256 and its first bytes (at most 1 MiB), from one read."""
    h = hashlib.sha256()
    head = b""
    with _open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            head = head or chunk
            h.update(chunk)
    return h.hexdigest(), head


def _assign_outputs(jobs: list[Job], fmt: str) -> None:
    """Unique output names: a clash (same name in two places, a reserved name) gets the
    content hash in its name. Deterministic for the same inputs."""
    reserved = {MANIFEST, ERRORS, LOCK, *COMBINED.values()}
    taken: set[str] = set()
    for job in jobs:
        name = job.out_rel + SUFFIX[fmt]
        if name.casefold() in taken or name in reserved:
            job.out_rel = f"{job.out_rel}.{(job.sha256 or 'x' * 8)[:8]}"
            name = job.out_rel + SUFFIX[fmt]
        taken.add(name.casefold())


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a .jsonl file, read a line at a time; a line cut short by an
    interruption is skipped."""
    try:
        fh = open(path, encoding="utf-8", errors="replace", newline="\n")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return
    with fh:
        for line in fh:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if isinstance(e, dict):
                yield e


def manifest_entries(outdir: Path) -> Iterator[dict[str, Any]]:
    """OUTDIR's manifest lines in order, each an entry with its output's name (an output named
    again later has a newer entry)."""
    return (e for e in _jsonl(outdir / MANIFEST) if isinstance(e.get("output"), str))


def load_manifest(outdir: Path, keys: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """output path -> last entry (a line cut short by an interruption is ignored); `keys`: only
    these of each entry (a batch of ten thousand files reads it back three times)."""
    entries = manifest_entries(outdir)
    if keys is None:
        return {e["output"]: e for e in entries}
    return {e["output"]: {k: e[k] for k in keys if k in e} for e in entries}


def load_held(outdir: Path) -> dict[str, dict[str, Any]]:
    """sha256 -> the errors.jsonl entry of a file that failed for time or memory."""
    return {e["sha256"]: e for e in _jsonl(outdir / ERRORS)
            if e.get("kind") in HELD_KINDS and isinstance(e.get("sha256"), str)}


class _Lock:
    """An exclusive lock on OUTDIR (released by the OS if the process dies). The lock file is
    removed on release, so a batch leaves none behind; a batch that locked a file another one
    removed meanwhile tries again on the new file."""

    def __init__(self, outdir: Path) -> None:
        self.path = outdir / LOCK
        try:
            import fcntl
        except ImportError:           # not POSIX: no locking
            self.fh = None
            return
        while True:
            try:
                fh = open(self.path, "a+b")  # noqa: SIM115
            except OSError as e:
                raise BatchError(f"cannot lock output folder {outdir}: {reason_of(e)}") from None
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                raise BatchError(f"another batch is writing to {outdir}") from None
            try:
                same = os.stat(self.path).st_ino == os.fstat(fh.fileno()).st_ino
            except OSError:
                same = False
            if same:
                self.fh = fh
                return
            fh.close()                # locked a file the last holder had just removed

    def release(self) -> None:
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()    # while still held: nobody locks the old file after this
            self.fh.close()


class _Manifest:
    """OUTDIR/.manifest.jsonl opened for appending whole lines: a line that cannot be written
    in full (a full disk) is cut off again, and a line left unfinished by a killed run gets
    its end before the next one, so every entry stays readable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(self.fd).st_size
            if size:
                with open(path, "rb") as fh:
                    fh.seek(size - 1)
                    if fh.read(1) != b"\n":
                        self._write(b"\n")
        except BaseException:
            os.close(self.fd)
            raise

    def _write(self, data: bytes) -> None:
        size = os.fstat(self.fd).st_size
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, size)
            raise

    def add(self, entry: dict[str, Any]) -> None:
        self._write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))

    def close(self) -> None:
        os.close(self.fd)


# --- the run --------------------------------------------------------------------------------

def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


ConvertFn = Callable[[str, str, "str | None", bool], dict[str, Any]]


def no_space(e: BaseException) -> bool:
    """A write failed for want of space: ENOSPC or a quota (EDQUOT), or SQLite's 'database or
    disk is full'."""
    if isinstance(e, OSError):
        return e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    if isinstance(e, sqlite3.Error):
        return getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(e)
    return False


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM wait until the block is done, then act as they would have:
    a file's output, archive entry, manifest line and outcome are recorded all or none of them
    as far as this process is concerned (the summary counts what the archive got)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[signal.Signals] = []
    sigs = (signal.SIGINT, signal.SIGTERM)
    old = {s: signal.signal(s, lambda signum, frame: got.append(signal.Signals(signum))) for s in sigs}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        if got:
            handler = old[got[0]]
            if callable(handler):
                handler(got[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), got[0])


@dataclass
class _Run:
    outdir: Path
    fmt: str
    archive: Any
    org: str | None
    convert: ConvertFn
    on_result: Callable[[Outcome], None]
    result: BatchResult
    manifest: _Manifest | None = None
    ocr_cache: str | None = None
    ocr_pages: dict[str, list[int]] = field(default_factory=dict)   # path -> pages OCR reads first
    on_pages: Callable[[int], None] = lambda pages: None
    on_page: Callable[[str, int, int], None] = lambda path, done, total: None

    def finish(self, job: Job, res: dict[str, Any]) -> None:
        """Persist one worker result (output, archive, manifest) and report it. Raises _NoSpace
        (after reporting the file) when a write fails for want of space."""
        if not res.get("ok"):
            self.emit(Outcome(str(job.path), "failed", job.sha256, reason=res.get("reason"),
                              error_kind=res.get("kind"), seconds=res.get("seconds", 0.0)))
            return
        sha = res.get("sha256") or job.sha256
        out_name = job.out_rel + SUFFIX[self.fmt]
        target = self.outdir / out_name
        try:
            atomic_write(target, res["output"])
        except OSError as e:
            self.fail_write(job, sha, f"cannot write {target}: {reason_of(e)}", e)
            return
        arch = None
        if self.archive is not None:
            from models import Report

            from .archive import ArchiveError

            try:
                arch = self.archive.upsert(Report.model_validate_json(res["record"]), path=path_text(job.path),
                                           organisation=self.org, refresh=False)
            except (ArchiveError, ValueError, OSError, sqlite3.Error) as e:
                if no_space(e):
                    self.fail_write(job, sha, f"cannot write archive {self.archive.path}: no space left on device",
                                    e, output=out_name)
                    return
                self.emit(Outcome(str(job.path), "failed", sha, output=out_name, error_kind="archive",
                                  reason=f"archive: {e}"))
                return
        entry = {"output": out_name, "sha256": sha, "format": self.fmt, "source": path_text(job.path),
                 "at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), "identity": res.get("identity")}
        manifest = self.manifest
        assert manifest is not None
        try:
            manifest.add(entry)
        except OSError as e:
            self.fail_write(job, sha, f"cannot write {manifest.path}: {reason_of(e)}", e, output=out_name)
            return
        self.emit(Outcome(str(job.path), "converted", sha, output=out_name, archive=arch,
                          seconds=res.get("seconds", 0.0), facts=res.get("facts", 0),
                          findings=res.get("findings", 0)))

    def fail_write(self, job: Job, sha: str | None, reason: str, e: BaseException, output: str | None = None) -> None:
        full = no_space(e)
        self.emit(Outcome(str(job.path), "failed", sha, output=output, reason=reason,
                          error_kind="no_space" if full else "write"))
        if full:
            raise _NoSpace(reason)

    def emit(self, o: Outcome) -> None:
        self.result.outcomes.append(o)
        self.on_result(o)


# Imported once by the fork server, so that each worker starts in a fraction of a second with
# the pipeline built (extractor.worker_preload builds it in the server, before any fork).
PRELOAD = ["spacy", "spacy.lang.pl", "morfeusz2", "models", "extractor", "extractor.pipeline",
           "extractor.batch", "extractor.indicators", "psutil", "extractor.worker_preload"]


def _mp_context() -> Any:
    """forkserver where there is one (POSIX): safe with threads, fast worker start; else spawn."""
    import multiprocessing as mp

    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def _start_fork_server() -> None:
    """Start the fork server now, so that it imports spaCy and the pipeline's modules while the
    batch hashes its inputs (workers are forked from it once the plan is made)."""
    ctx = _mp_context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with contextlib.suppress(OSError, ValueError):   # it is started again when a worker needs it
            forkserver.ensure_running()


@dataclass
class _Task:
    """What a worker is given: a file to convert, one page of a scan to read by OCR, or a
    file's pages to count."""

    kind: Literal["file", "page", "count"]
    job: Job
    page: int = 0


class _Worker:
    """One worker process, talked to over a pipe (no queue, no lock: nothing is left behind
    when either side is killed), with the task it is running and that task's deadline."""

    def __init__(self, ctx: Any, max_memory: int | None, ocr_cache: str | None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child, os.getpid(), max_memory, ocr_cache),
                                name="sprawozdania-worker")
        self.proc.start()
        child.close()
        self.ready = False
        self.task: _Task | None = None
        self.started = time.monotonic()      # the process, then the task it runs
        self.deadline = self.started + _START_TIMEOUT
        self.budget = math.inf
        self.looked = 0.0                    # when its memory was last looked at
        self.spawns = False
        self._ps: Any = None

    def give(self, task: _Task, fn: Callable[..., Any], args: tuple[Any, ...], seconds: float,
             spawns: bool = False) -> None:
        """Start `task` (`spawns`: it may start processes of its own, an OCR engine)."""
        self.task = task
        self.spawns = spawns
        self.started = time.monotonic()
        self.budget = seconds
        self.deadline = self.started + seconds
        self.conn.send((fn, args))

    def rss(self) -> int:
        """Resident memory of the worker and anything it started (an OCR engine). Finding the
        children reads every process's /proc entry, so only a worker on a scan is asked for them."""
        import psutil

        self.looked = time.monotonic()
        try:
            if self._ps is None:
                self._ps = psutil.Process(self.proc.pid)
            p = self._ps
            kids = p.children(recursive=True) if self.spawns else []
            return int(p.memory_info().rss + sum(c.memory_info().rss for c in kids))
        except psutil.Error:
            return 0

    def stop(self, kill: bool = False) -> None:
        if not kill and self.proc.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            self.proc.join(timeout=2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)
        self.conn.close()
        with contextlib.suppress(ValueError):
            self.proc.close()


def _gib(n: float) -> str:
    return f"{n / 1024 ** 3:.2f} GiB" if n >= 1024 ** 3 else f"{n / 1024 ** 2:.0f} MiB"


def _died(w: _Worker) -> str:
    code = w.proc.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        how = f"killed by {name}" + (", perhaps by the system for want of memory" if -code == signal.SIGKILL else "")
    else:
        how = f"exit code {code}"
    return f"the worker process died ({how})"


class _Scheduler:
    """The tasks of a run, in order: files whose pages are to be counted first; once every
    count is in, the pages of scans (ahead of the rest, so a scan's pages keep every worker
    busy; `on_pages` is told their number then, once); a scan's conversion once its pages are
    read; the other files as they come."""

    def __init__(self, run: _Run, jobs: list[Job], want_record: bool, budget: Budget, ocr: bool) -> None:
        self.run = run
        self.budget = budget
        self.ocr = ocr                        # OCR can run here: scans' pages become tasks
        self.args = (run.fmt, run.org, want_record)
        self.queue: deque[_Task] = deque()
        self.pages: dict[int, dict[str, Any]] = {}     # id(job) -> its count (ocr pages, PDF pages)
        self.left: dict[int, int] = {}                 # id(job) -> pages of it still to read
        self.dropped: set[int] = set()                 # jobs that failed while their pages were read
        self.page_tasks: list[_Task] = []              # pages to read, queued once every count is in
        counted = [j for j in jobs if budget.timeout is None or ocr]
        counted = [j for j in counted if j.pages]
        ids = {id(j) for j in counted}
        self.counting = len(counted)
        self.queue.extend(_Task("count", j) for j in counted)
        self.queue.extend(_Task("file", j) for j in jobs if id(j) not in ids)
        if not counted:
            run.on_pages(0)

    def counted(self) -> None:
        """One count fewer to wait for; after the last, the pages to read go first."""
        self.counting -= 1
        if self.counting == 0:
            self.run.on_pages(len(self.page_tasks))
            self.queue.extendleft(reversed(self.page_tasks))
            self.page_tasks = []

    def call(self, task: _Task) -> tuple[Callable[..., Any], tuple[Any, ...], float, bool]:
        """The function a worker runs for the task, its arguments, its time budget, and whether
        it may start an OCR engine (a page, or a file whose pages were counted: a PDF, an image)."""
        job, path = task.job, str(task.job.path)
        if task.kind == "count":
            return count_pages, (path,), self.budget.seconds(0), False
        if task.kind == "page":
            from .read.ocr import ocr_file_page

            return ocr_file_page, (path, task.page, self.run.ocr_cache), self.budget.seconds(0, 1), True
        counts = self.pages.get(id(job), {})
        seconds = self.budget.seconds(job.size, len(counts.get("ocr", ())), counts.get("pages", 0))
        return self.run.convert, (path, *self.args), seconds, id(job) in self.pages

    def done(self, task: _Task, value: Any) -> None:
        """A task's result: the next tasks of its file, or the file's outcome."""
        job = task.job
        if task.kind == "file":
            with _signals_held():
                self.run.finish(job, value)
            return
        if task.kind == "count":
            counts: dict[str, Any] = value if isinstance(value, dict) and "ocr" in value else {"ocr": [], "pages": 0}
            self.pages[id(job)] = counts
            pages: list[int] = list(counts["ocr"]) if self.ocr else []
            if pages:
                self.run.ocr_pages[str(job.path)] = pages
                self.left[id(job)] = len(pages)
                self.page_tasks.extend(_Task("page", job, k) for k in pages)
            else:
                self.queue.append(_Task("file", job))
            self.counted()
            return
        # a page read into the cache, or not: converting the file then says why
        if id(job) in self.dropped:
            return
        self.left[id(job)] -= 1
        total = len(self.run.ocr_pages[str(job.path)])
        self.run.on_page(str(job.path), total - self.left[id(job)], total)
        if self.left[id(job)] == 0:
            self.queue.appendleft(_Task("file", job))

    def failed(self, task: _Task, kind: str, reason: str, seconds: float) -> None:
        """A task stopped (time, memory) or its worker died: the file fails, with the reason."""
        job = task.job
        if task.kind == "count":
            self.counted()
        if task.kind != "file":
            if id(job) in self.dropped:
                return
            self.dropped.add(id(job))
            self.queue = deque(t for t in self.queue if t.job is not job)
            what = f"reading page {task.page} by OCR" if task.kind == "page" else "counting its pages"
            reason = f"{what}: {reason}"
        self.run.emit(Outcome(str(job.path), "failed", job.sha256, error_kind=kind, reason=reason, seconds=seconds))

    def left_over(self, running: list[_Task]) -> int:
        """Files not finished: in the queue, waiting or running (a file counts once)."""
        return len({id(t.job) for t in [*self.queue, *self.page_tasks, *running]} - self.dropped)


def _convert_all(run: _Run, jobs: list[Job], workers: int, want_record: bool, budget: Budget, ocr: bool) -> None:
    """Convert the jobs on up to `workers` processes, each task within its budget; a worker
    over its budget, or dead, is replaced and the others go on. Raises _NoSpace or
    KeyboardInterrupt with every worker stopped; `run.result.not_converted` then counts the
    files left."""
    from multiprocessing.connection import wait

    ctx = _mp_context()
    plan = _Scheduler(run, jobs, want_record, budget, ocr)
    pool: list[_Worker] = []
    start_failures = 0
    why_not = "it died as it started"        # why the last worker could not start
    memory = budget.memory

    def running() -> list[_Task]:
        return [w.task for w in pool if w.task is not None]

    def drop(w: _Worker, kind: str | None = None, reason: str = "") -> None:
        pool.remove(w)
        w.stop(kill=True)
        if w.task is not None and kind is not None:
            plan.failed(w.task, kind, reason, time.monotonic() - w.started)

    try:
        while plan.queue or running():
            while len(pool) < min(workers, len(plan.queue) + len(running())) and start_failures < _START_FAILURES:
                try:
                    pool.append(_Worker(ctx, memory, run.ocr_cache))
                except Exception as e:  # noqa: BLE001 - the fork server cannot start one (no /tmp, no memory)
                    start_failures += 1
                    why_not = f"{type(e).__name__}: {e}"
                run.result.workers = max(run.result.workers, len(pool))
            if not pool:           # workers die before they can start: what is left fails
                for job in {id(t.job): t.job for t in plan.queue}.values():
                    run.emit(Outcome(str(job.path), "failed", job.sha256, error_kind="crash",
                                     reason=f"no worker process could start ({why_not})"))
                plan.queue.clear()
                break
            for w in pool:
                if w.ready and w.task is None and plan.queue:
                    task = plan.queue.popleft()
                    w.give(task, *plan.call(task))
            now = time.monotonic()
            timeout = min(w.deadline for w in pool) - now
            if memory and running():
                timeout = min(timeout, _POLL)
            wait([w.conn for w in pool] + [w.proc.sentinel for w in pool],
                 timeout=max(0.0, timeout) if timeout < math.inf else None)
            for w in list(pool):
                gone = False
                try:
                    while w.conn.poll():
                        what, value = w.conn.recv()
                        if what == "ready":
                            w.ready = True
                            w.deadline = math.inf
                            start_failures = 0
                        elif what == "result" and w.task is not None:
                            finished, w.task = w.task, None
                            w.deadline = math.inf
                            if plan.queue:   # the next task first: the worker works while its result is written
                                task = plan.queue.popleft()
                                w.give(task, *plan.call(task))
                            plan.done(finished, value)
                except (EOFError, OSError):
                    gone = True
                if gone or not w.proc.is_alive():
                    w.proc.join(timeout=5)
                    start_failures += w.task is None and not w.ready
                    drop(w, "crash", _died(w))
                    continue
                now = time.monotonic()
                if w.task is not None and now > w.deadline:
                    budget_s = f"{w.budget:.{w.budget < 10:d}f}"
                    drop(w, "timeout", f"took longer than its time budget of {budget_s} s; the worker was stopped "
                                       "(--timeout to change the budget)")
                elif w.task is None and not w.ready and now > w.deadline:
                    start_failures += 1
                    drop(w)
                elif w.task is not None and memory and now - w.looked >= _POLL and (used := w.rss()) > memory:
                    drop(w, "memory", f"used {_gib(used)}, over its memory budget of {_gib(memory)}; the worker "
                                      "was stopped (--max-memory to change the budget)")
    except BaseException:            # _NoSpace, Ctrl-C: every worker stops at once
        run.result.not_converted = plan.left_over(running())
        for w in pool:
            w.stop(kill=True)
        raise
    for w in pool:
        w.stop()


def run_batch(inputs: Iterable[str | Path], outdir: str | Path, *, fmt: str = "json", workers: int | None = None,
              archive: str | Path | None = None, force: bool = False, org: str | None = None,
              budget: Budget | None = None, retry_failed: bool = False,
              convert: ConvertFn = convert_file,
              on_plan: Callable[[int, int], None] | None = None,
              on_result: Callable[[Outcome], None] | None = None,
              on_pages: Callable[[int], None] | None = None,
              on_page: Callable[[str, int, int], None] | None = None) -> BatchResult:
    """Convert every report the inputs name into OUTDIR (see the module docstring).

    `budget` sets the time and memory of each file, and of each page of a scan (default:
    `Budget()`); files that failed for time or memory in an earlier run (OUTDIR/errors.jsonl)
    are not tried again unless `retry_failed` or `force`. `on_plan(to_convert, up_to_date)` is
    called once planning is done; `on_result(outcome)` after each file. Scans: `on_pages(pages)`
    each time the count of pages to read by OCR grows (their files are counted by the workers);
    `on_page(path, done, of)` after each page. OCR results are cached in OUTDIR/.ocr (by
    content sha256), so converting again (--force, a changed rule) costs no OCR. Raises
    BatchError when nothing can run (no inputs, unusable OUTDIR or archive);
    KeyboardInterrupt stops the workers and returns a result marked interrupted; a full disk
    returns a result marked `stopped`.
    """
    if fmt not in FORMATS:
        raise BatchError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    budget = budget or Budget()
    t0 = time.perf_counter()
    out = Path(outdir)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BatchError(f"cannot create output folder {out}: {reason_of(e)}") from None
    if not out.is_dir() or not os.access(out, os.W_OK):
        raise BatchError(f"output folder {out} is not writable")
    jobs, unusable, ignored = collect(inputs, out)
    if not jobs and not unusable:
        _remove_if_empty(out, created)
        raise BatchError("no report files found in the inputs")
    lock = _Lock(out)
    ar = None
    result = BatchResult(out, fmt, 0, ignored=sum(ignored.values()), ignored_kinds=dict(sorted(
                         ignored.items(), key=lambda kv: (-kv[1], kv[0] == "", kv[0]))),
                         budget=budget)
    run = _Run(out, fmt, None, org, convert, on_result or (lambda o: None), result)
    started = False
    try:
        for p in out.rglob(".*.tmp"):           # left by an interrupted run (we hold the lock)
            if _TMP_RE.match(p.name):
                with contextlib.suppress(OSError):
                    p.unlink()
        if archive is not None:
            from .archive import Archive

            ar = Archive(archive)
            run.archive = ar
        started = True
        held = {} if force or retry_failed else load_held(out)
        planned: list[Outcome] = list(unusable)
        todo: list[Job] = []
        manifest = load_manifest(out, ("sha256", "format"))
        if force or any(job.out_rel + SUFFIX[fmt] not in manifest for job in jobs):
            _start_fork_server()            # something will be converted
        known = ar.known_hashes() if ar is not None else set()
        hashed: list[Job] = []
        for job in jobs:
            try:
                job.size = job.path.stat().st_size
                job.sha256, head = _hash_and_head(job.path)
                job.pages = _has_pages(head)
            except OSError as e:
                planned.append(Outcome(str(job.path), "failed", reason=f"cannot read ({reason_of(e)})",
                                       error_kind="read"))
                continue
            hashed.append(job)
        _assign_outputs(hashed, fmt)
        for job in hashed:
            name = job.out_rel + SUFFIX[fmt]
            entry = manifest.get(name)
            done = (not force and entry is not None and entry.get("sha256") == job.sha256
                    and entry.get("format") == fmt
                    and (out / name).exists() and (ar is None or job.sha256 in known))
            if done:
                planned.append(Outcome(str(job.path), "skipped", job.sha256, output=name))
            elif job.sha256 in held:
                before = held[job.sha256]
                planned.append(Outcome(str(job.path), "failed", job.sha256, reason=before.get("reason"),
                                       error_kind=before["kind"], held=True))
            else:
                todo.append(job)
        if on_plan is not None:
            on_plan(len(todo), sum(o.status == "skipped" for o in planned))
        for o in planned:
            o.stage = "plan"
            run.emit(o)
        run.ocr_cache = str(out / OCR_CACHE)
        if on_page is not None:
            run.on_page = on_page
        if on_pages is not None:
            run.on_pages = on_pages
        try:
            run.manifest = _Manifest(out / MANIFEST)
        except OSError as e:
            if not no_space(e):
                raise BatchError(f"cannot write {out / MANIFEST}: {reason_of(e)}") from None
            result.stopped = f"cannot write {out / MANIFEST}: {reason_of(e)}"
            result.not_converted = len(todo)
            todo = []
        try:
            todo.sort(key=lambda j: -j.size)     # big files first: better balance, steadier ETA
            if todo:
                _convert_all(run, todo, max(1, workers or default_workers()), ar is not None, budget,
                             _ocr_available(todo))
        except _NoSpace as e:
            result.stopped = str(e)
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            if run.manifest is not None:
                run.manifest.close()
        if not result.interrupted and not result.stopped:
            try:
                _compact_manifest(out)
            except OSError as e:             # the appended manifest stays, as valid as before
                result.problems.append(f"cannot write {out / MANIFEST}: {reason_of(e)}")
            from .orgs import harmonise_outputs

            try:
                harmonise_outputs(out, fmt, [j.out_rel + SUFFIX[fmt] for j in hashed], ar,
                                  written={o.output for o in result.converted if o.output})
            except OSError as e:             # outputs keep the names their reports gave
                result.problems.append(f"cannot rewrite outputs with their organisation's key: {reason_of(e)}")
            if fmt in COMBINED:
                try:
                    result.combined = _write_combined(out, fmt, hashed)
                except OSError as e:
                    result.problems.append(f"cannot write {out / COMBINED[fmt]}: {reason_of(e)}")
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if started:                      # (an unusable archive keeps the last run's list)
            try:
                atomic_write(out / ERRORS, "".join(
                    json.dumps(error_entry(o), ensure_ascii=False) + "\n"
                    for o in sorted(result.failed, key=lambda o: o.path)))
            except OSError as e:
                result.problems.append(f"cannot write {out / ERRORS}: {reason_of(e)}")
            except KeyboardInterrupt:
                result.interrupted = True
        if ar is not None:
            ar.close()
        lock.release()
        if not started:
            _remove_if_empty(out, created)   # failed before converting: leave no folder it made
        result.seconds = time.perf_counter() - t0
    return result


def _ocr_available(jobs: list[Job]) -> bool:
    """OCR can run here, asked only when a file may be a scan (the question runs Tesseract).
    Where it cannot, a scan's conversion fails with the reason (kind ocr_unavailable)."""
    if not any(j.pages for j in jobs):
        return False
    from .read.ocr import unavailable

    return unavailable() is None


def _remove_if_empty(out: Path, created: bool) -> None:
    if created:
        with contextlib.suppress(OSError):
            out.rmdir()


def error_entry(o: Outcome) -> dict[str, Any]:
    """A line of OUTDIR/errors.jsonl: path, sha256 (null when unread), reason, kind."""
    return {"path": path_text(o.path), "sha256": o.sha256, "reason": o.reason, "kind": o.error_kind}


def _compact_manifest(out: Path) -> None:
    """The manifest with one line per output, its last, in the order of those lines: read twice
    (first where each output's last line is, then those lines), so only the names stay in memory."""
    path = out / MANIFEST
    last = {e["output"]: i for i, e in enumerate(manifest_entries(out))}
    with atomic_writer(path) as fh:
        for i, e in enumerate(manifest_entries(out)):
            if last[e["output"]] == i:
                fh.write((json.dumps(e, ensure_ascii=False) + "\n").encode("utf-8"))


def _write_combined(out: Path, fmt: str, jobs: list[Job]) -> str | None:
    """all.jsonl / all.csv: every report's rows of this run's inputs, rebuilt from the outputs,
    one output at a time (the whole is as large as all the outputs together)."""
    name = COMBINED[fmt]
    manifest = load_manifest(out, ("sha256",))
    header = fmt != "csv"       # a CSV's header once, from its first output
    with atomic_writer(out / name) as fh:
        for job in jobs:
            rel = job.out_rel + SUFFIX[fmt]
            p = out / rel
            entry = manifest.get(rel)
            if entry is None or entry.get("sha256") != job.sha256 or not p.exists():
                continue           # failed this time: an older output of other content stays out
            data = p.read_bytes()
            if not header:
                head, _, data = data.partition(b"\n")
                fh.write(head + b"\n")
                header = True
            elif fmt == "csv":
                data = data.partition(b"\n")[2]
            fh.write(data)
        if not header:
            fh.write((",".join(CSV_COLUMNS) + "\n").encode("utf-8"))
    return name


__all__ = ["COMBINED", "CSV_COLUMNS", "DEFAULT_MAX_MEMORY", "ERRORS", "FORMATS", "HELD_KINDS", "MANIFEST",
           "BatchError", "BatchResult", "Budget", "Job", "Outcome", "collect", "convert_file", "default_workers",
           "error_entry", "fact_rows", "init_worker", "load_held", "load_manifest", "manifest_entries", "no_space", "render",
           "run_batch", "count_pages", "sha256_file", "time_budget"]
