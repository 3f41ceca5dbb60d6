"""Batch conversion: many report files, N worker processes, resumable, one bad file never fatal.

    from extractor.batch import run_batch
    result = run_batch(["corpus"], "out", fmt="json", workers=4, archive="reports.sqlite")
    result.failed      # [Outcome(path=..., reason=...)]

Every worker process builds the pipeline once (`extractor.extract` builds it lazily) and
converts files; the parent alone writes: each output atomically (temp file + rename), then
the archive (one transaction per report), then a line in OUTDIR/.manifest.jsonl. A re-run
skips a file whose output and manifest entry carry the same content sha256 (and, with an
archive, whose hash the archive holds) unless `force`; an interrupted run therefore loses
and duplicates nothing. A worker that dies (segfault, out of memory) costs only the file it
was converting. The library never prints: progress comes through the `on_*` callbacks.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import glob
import hashlib
import io
import json
import os
import re
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import SprawozdaniaError
from .output import atomic_write
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


class BatchError(SprawozdaniaError):
    """The batch cannot run at all (no inputs, output folder unusable, locked …)."""


@dataclass
class Job:
    path: Path
    out_rel: str                 # output path relative to OUTDIR, without the format's suffix
    sha256: str | None = None
    size: int = 0


@dataclass
class Outcome:
    path: str
    status: Literal["converted", "skipped", "failed"]
    sha256: str | None = None
    output: str | None = None
    reason: str | None = None
    # ReadError.kind (empty, binary, corrupt, unsupported …), or internal | crash | write | archive | missing
    error_kind: str | None = None
    archive: str | None = None         # added | updated | unchanged
    seconds: float = 0.0
    facts: int = 0
    findings: int = 0
    stage: Literal["plan", "convert"] = "convert"   # decided while planning, or by a worker


@dataclass
class BatchResult:
    outdir: Path
    fmt: str
    workers: int
    outcomes: list[Outcome] = field(default_factory=list)
    ignored: int = 0                   # files in folders that are not reports (by suffix)
    interrupted: bool = False
    seconds: float = 0.0
    combined: str | None = None

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
    def exit_code(self) -> int:
        """0 all converted or up to date; 1 some failed; 2 none usable; 130 interrupted."""
        if self.interrupted:
            return 130
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


def collect(inputs: Iterable[str | Path], outdir: Path | None = None
            ) -> tuple[list[Job], list[Outcome], int]:
    """Files named by the inputs (files, folders searched recursively, glob patterns).

    Returns (jobs, failures for inputs that name nothing, number of ignored non-report files).
    """
    suffixes = frozenset(SUFFIXES)
    out_abs = outdir.resolve() if outdir is not None else None
    jobs: list[Job] = []
    missing: list[Outcome] = []
    seen: set[Path] = set()
    ignored = 0

    def add(p: Path, rel: str) -> None:
        rp = p.resolve()
        if rp in seen:
            return
        seen.add(rp)
        jobs.append(Job(p, rel))

    def add_dir(root: Path) -> None:
        nonlocal ignored
        for p in sorted(root.rglob("*")):
            if not p.is_file():
                continue
            rel = p.relative_to(root)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if out_abs is not None and p.resolve().is_relative_to(out_abs):
                continue
            if p.suffix.lower() not in suffixes:
                ignored += 1
                continue
            add(p, str(rel.parent / _stem(rel.name)) if rel.parent != Path(".") else _stem(rel.name))

    for raw in inputs:
        s = str(raw)
        p = Path(s)
        if p.is_dir():
            add_dir(p)
        elif p.is_file():
            add(p, _stem(p.name))
        elif glob.has_magic(s):
            hits = sorted(glob.glob(s, recursive=True))
            if not hits:
                missing.append(Outcome(s, "failed", reason="pattern matches no file", error_kind="missing"))
            for h in hits:
                hp = Path(h)
                if hp.is_dir():
                    add_dir(hp)
                elif hp.is_file():
                    add(hp, _stem(hp.name))
        else:
            missing.append(Outcome(s, "failed", reason="no such file or folder", error_kind="missing"))
    return jobs, missing, ignored


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def load_manifest(outdir: Path) -> dict[str, dict[str, Any]]:
    """output path -> last entry (a line cut short by an interruption is ignored)."""
    entries: dict[str, dict[str, Any]] = {}
    path = outdir / MANIFEST
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            e = json.loads(line)
            entries[e["output"]] = e
        except (ValueError, KeyError, TypeError):
            continue
    return entries


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
            fh = open(self.path, "a+b")  # noqa: SIM115
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


# --- the run --------------------------------------------------------------------------------

def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


ConvertFn = Callable[[str, str, "str | None", bool], dict[str, Any]]


@dataclass
class _Run:
    outdir: Path
    fmt: str
    archive: Any
    org: str | None
    convert: ConvertFn
    on_result: Callable[[Outcome], None]
    result: BatchResult
    manifest_fh: Any = None
    ocr_cache: str | None = None
    ocr_pages: dict[str, list[int]] = field(default_factory=dict)   # path -> pages to OCR first
    on_page: Callable[[str, int, int], None] = lambda path, done, total: None

    def finish(self, job: Job, res: dict[str, Any]) -> None:
        """Persist one worker result (output, archive, manifest) and report it."""
        if not res.get("ok"):
            self.emit(Outcome(str(job.path), "failed", job.sha256, reason=res.get("reason"),
                              error_kind=res.get("kind"), seconds=res.get("seconds", 0.0)))
            return
        sha = res.get("sha256") or job.sha256
        out_name = job.out_rel + SUFFIX[self.fmt]
        try:
            atomic_write(self.outdir / out_name, res["output"])
        except OSError as e:
            self.emit(Outcome(str(job.path), "failed", sha, reason=f"cannot write {out_name}: {e}",
                              error_kind="write"))
            return
        arch = None
        if self.archive is not None:
            import sqlite3

            from models import Report

            from .archive import ArchiveError

            try:
                arch = self.archive.upsert(Report.model_validate_json(res["record"]), path=str(job.path),
                                           organisation=self.org, refresh=False)
            except (ArchiveError, ValueError, OSError, sqlite3.Error) as e:
                self.emit(Outcome(str(job.path), "failed", sha, output=out_name, error_kind="archive",
                                  reason=f"archive: {e}"))
                return
        entry = {"output": out_name, "sha256": sha, "format": self.fmt, "source": str(job.path),
                 "at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), "identity": res.get("identity")}
        self.manifest_fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.manifest_fh.flush()
        self.emit(Outcome(str(job.path), "converted", sha, output=out_name, archive=arch,
                          seconds=res.get("seconds", 0.0), facts=res.get("facts", 0),
                          findings=res.get("findings", 0)))

    def emit(self, o: Outcome) -> None:
        self.result.outcomes.append(o)
        self.on_result(o)


def _kill(ex: ProcessPoolExecutor) -> None:
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(timeout=5)


# Imported once by the fork server, so that each worker starts in a fraction of a second
# (it still builds its own pipeline, on its first file).
PRELOAD = ["spacy", "spacy.lang.pl", "morfeusz2", "models", "extractor", "extractor.pipeline",
           "extractor.batch", "extractor.indicators"]


def _mp_context() -> Any:
    """forkserver where there is one (POSIX): safe with threads, fast worker start; else spawn."""
    import multiprocessing as mp

    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def _pool(workers: int, ocr_cache: str | None = None) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(), initializer=init_worker,
                               initargs=(os.getpid(), ocr_cache))


def _run_parallel(run: _Run, jobs: list[Job], workers: int, want_record: bool) -> list[Job]:
    """Convert jobs on a pool; returns the jobs left unfinished if a worker died. The pages of
    scans are read by OCR first, each page a task of its own (spread over the workers, into
    the OCR cache); a scan is converted once its pages are done."""
    from .read.ocr import ocr_file_page

    ex = _pool(workers, run.ocr_cache)
    futures: dict[Future[Any], Job] = {}
    page_tasks: set[Future[Any]] = set()
    left: dict[str, int] = {}

    def convert(job: Job) -> None:
        futures[ex.submit(run.convert, str(job.path), run.fmt, run.org, want_record)] = job

    try:
        cache = run.ocr_cache
        for job in jobs:
            pages = run.ocr_pages.get(str(job.path)) if cache else None
            if cache and pages:
                left[str(job.path)] = len(pages)
                for k in pages:
                    page_fut: Future[Any] = ex.submit(ocr_file_page, str(job.path), k, cache)
                    futures[page_fut] = job
                    page_tasks.add(page_fut)
        for job in jobs:
            if str(job.path) not in left:
                convert(job)
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            broken = []
            for fut in done:
                job = futures.pop(fut)
                exc = fut.exception()
                if isinstance(exc, BrokenProcessPool):
                    broken.append(job)
                elif fut in page_tasks:      # a page read (or not: converting the file will say why)
                    key = str(job.path)
                    left[key] -= 1
                    total = len(run.ocr_pages[key])
                    run.on_page(key, total - left[key], total)
                    if left[key] == 0:
                        convert(job)
                        pending |= {f for f, j in futures.items() if j is job and f not in page_tasks}
                elif exc is not None:      # the call itself failed (e.g. a result that cannot be pickled)
                    run.emit(Outcome(str(job.path), "failed", job.sha256, error_kind="internal",
                                     reason=f"{type(exc).__name__}: {exc}"))
                else:
                    run.finish(job, fut.result())
            if broken:
                _kill(ex)
                rest = broken + [futures[f] for f in pending]
                return list({id(j): j for j in rest}.values())
        ex.shutdown(wait=True)
        return []
    except BaseException:
        _kill(ex)
        raise


def _run_isolated(run: _Run, jobs: list[Job], want_record: bool) -> list[Job]:
    """After a worker died: one file at a time until the one that kills its worker is found
    (reported as failed); returns the rest, to go parallel again."""
    ex = _pool(1, run.ocr_cache)
    try:
        for i, job in enumerate(jobs):
            fut = ex.submit(run.convert, str(job.path), run.fmt, run.org, want_record)
            try:
                res = fut.result()
            except BrokenProcessPool:
                _kill(ex)
                run.emit(Outcome(str(job.path), "failed", job.sha256, error_kind="crash",
                                 reason="the worker process died converting this file (crash or out of memory)"))
                return jobs[i + 1:]
            run.finish(job, res)
        ex.shutdown(wait=True)
        return []
    except BaseException:
        _kill(ex)
        raise


def run_batch(inputs: Iterable[str | Path], outdir: str | Path, *, fmt: str = "json", workers: int | None = None,
              archive: str | Path | None = None, force: bool = False, org: str | None = None,
              convert: ConvertFn = convert_file,
              on_plan: Callable[[int, int], None] | None = None,
              on_result: Callable[[Outcome], None] | None = None,
              on_pages: Callable[[int], None] | None = None,
              on_page: Callable[[str, int, int], None] | None = None) -> BatchResult:
    """Convert every report the inputs name into OUTDIR (see the module docstring).

    `on_plan(to_convert, up_to_date)` is called once planning is done; `on_result(outcome)`
    after each file. Scans: `on_pages(pages)` once, with the number of pages to read by OCR;
    `on_page(path, done, of)` after each page. OCR results are cached in OUTDIR/.ocr (by
    content sha256), so converting again (--force, a changed rule) costs no OCR. Raises BatchError when nothing can run (no inputs, unusable OUTDIR or
    archive); KeyboardInterrupt stops the workers and returns a result marked interrupted.
    """
    if fmt not in FORMATS:
        raise BatchError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    t0 = time.perf_counter()
    out = Path(outdir)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BatchError(f"cannot create output folder {out}: {e}") from None
    if not out.is_dir() or not os.access(out, os.W_OK):
        raise BatchError(f"output folder {out} is not writable")
    jobs, missing, ignored = collect(inputs, out)
    if not jobs and not missing:
        _remove_if_empty(out, created)
        raise BatchError("no report files found in the inputs")
    lock = _Lock(out)
    ar = None
    result = BatchResult(out, fmt, 0, ignored=ignored)
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
        planned: list[Outcome] = list(missing)
        todo: list[Job] = []
        manifest = load_manifest(out)
        known = ar.known_hashes() if ar is not None else set()
        hashed: list[Job] = []
        for job in jobs:
            try:
                job.size = job.path.stat().st_size
                job.sha256 = sha256_file(job.path)
            except OSError as e:
                planned.append(Outcome(str(job.path), "failed", reason=f"cannot read ({e.strerror or e})",
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
        run.ocr_pages = _ocr_plan(todo)
        if on_pages is not None:
            on_pages(sum(len(v) for v in run.ocr_pages.values()))
        pages = sum(len(v) for v in run.ocr_pages.values())
        n = max(1, min(workers or default_workers(), max(len(todo), pages) or 1))
        result.workers = n if todo else 0
        run.manifest_fh = open(out / MANIFEST, "a", encoding="utf-8")  # noqa: SIM115
        try:
            todo.sort(key=lambda j: -j.size)     # big files first: better balance, steadier ETA
            while todo:
                todo = _run_parallel(run, todo, n, ar is not None)
                if todo:
                    todo = _run_isolated(run, todo, ar is not None)
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            run.manifest_fh.close()
        if not result.interrupted:
            _compact_manifest(out)
            from .orgs import harmonise_outputs

            harmonise_outputs(out, fmt, [j.out_rel + SUFFIX[fmt] for j in hashed], ar)
            if fmt in COMBINED:
                result.combined = _write_combined(out, fmt, hashed)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if started:                      # (an unusable archive keeps the last run's list)
            with contextlib.suppress(OSError, KeyboardInterrupt):
                atomic_write(out / ERRORS, "".join(
                    json.dumps(error_entry(o), ensure_ascii=False) + "\n"
                    for o in sorted(result.failed, key=lambda o: o.path)))
        if ar is not None:
            ar.close()
        lock.release()
        if not started:
            _remove_if_empty(out, created)   # failed before converting: leave no folder it made
        result.seconds = time.perf_counter() - t0
    return result


def _ocr_plan(jobs: list[Job]) -> dict[str, list[int]]:
    """The pages of each job that need OCR (none where the engine is missing: converting the
    file then fails with the reason)."""
    from .read.ocr import ocr_pages_of, unavailable

    plan = {str(j.path): ocr_pages_of(j.path) for j in jobs}
    plan = {k: v for k, v in plan.items() if v}
    return plan if plan and unavailable() is None else {}


def _remove_if_empty(out: Path, created: bool) -> None:
    if created:
        with contextlib.suppress(OSError):
            out.rmdir()


def error_entry(o: Outcome) -> dict[str, Any]:
    """A line of OUTDIR/errors.jsonl: path, sha256 (null when unread), reason, kind."""
    return {"path": o.path, "sha256": o.sha256, "reason": o.reason, "kind": o.error_kind}


def _compact_manifest(out: Path) -> None:
    entries = load_manifest(out)
    atomic_write(out / MANIFEST, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries.values()))


def _write_combined(out: Path, fmt: str, jobs: list[Job]) -> str | None:
    """all.jsonl / all.csv: every report's rows of this run's inputs, rebuilt from the outputs."""
    name = COMBINED[fmt]
    manifest = load_manifest(out)
    parts = []
    header = None
    for job in jobs:
        rel = job.out_rel + SUFFIX[fmt]
        p = out / rel
        entry = manifest.get(rel)
        if entry is None or entry.get("sha256") != job.sha256 or not p.exists():
            continue           # failed this time: an older output of other content stays out
        text = p.read_text(encoding="utf-8")
        if fmt == "csv":
            head, _, body = text.partition("\n")
            header = header or head
            parts.append(body)
        else:
            parts.append(text)
    if fmt == "csv":
        parts.insert(0, (header or ",".join(CSV_COLUMNS)) + "\n")
    atomic_write(out / name, "".join(parts))
    return name


__all__ = ["COMBINED", "CSV_COLUMNS", "ERRORS", "FORMATS", "MANIFEST", "BatchError", "BatchResult", "Job",
           "Outcome", "collect", "error_entry", "convert_file", "default_workers", "fact_rows", "init_worker",
           "load_manifest", "render", "run_batch", "sha256_file"]

