#!/usr/bin/env python3
"""Benchmarks on the project's own API and command line, measured in one run on this machine.

    python tools/bench.py                      # everything: about 10 minutes on 2 cores
    python tools/bench.py --reports 2000       # a smaller batch
    python tools/bench.py --skip-batch         # extraction, start-up and --help only

Prints one table, each figure with its target, and the command that reproduces it:

* warm extraction of every corpus report against spaCy's bare `blank("pl")` tokenisation of
  the same texts (CPU time, text by text in turns, median of the rounds' ratios);
* a cold `sprawozdania extract` of one report and `sprawozdania --help` (wall time, best of 5);
* `sprawozdania batch` over generated seed-sized reports (tools/generate.py) with 1 and 2
  workers: wall time, reports a second, and the peak resident memory of every process of the
  batch (read from /proc while it runs), at 1/10 and at the full number of reports, to show
  that memory stays flat.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "sprawozdania"


def _generate() -> object:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "tools" / "generate.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def extraction_ratio(rounds: int = 7) -> tuple[float, float, float]:
    """(ms a report warm, ms a report tokenised, median ratio) over the corpus. Each text is
    extracted, then tokenised twice (the mean taken: a tokenisation is short against the
    clock's granularity), text by text, so a machine that slows down or speeds up during the
    run changes both sides alike."""
    import spacy

    sys.path.insert(0, str(ROOT))
    from extractor import extract_text

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").rglob("*.txt")) if "gold" not in p.parts]
    nlp = spacy.blank("pl")
    for t in texts:  # warm: caches filled, pipeline built
        extract_text(t)
        nlp(t)
    clock = time.process_time
    ratios, ext, tok = [], [], []
    for _ in range(rounds):
        e = k = 0.0
        for t in texts:
            t0 = clock()
            extract_text(t)
            t1 = clock()
            nlp(t)
            nlp(t)
            e += t1 - t0
            k += (clock() - t1) / 2
        ratios.append(e / k)
        ext.append(e)
        tok.append(k)
    n = len(texts)
    return min(ext) * 1000 / n, min(tok) * 1000 / n, statistics.median(ratios)


def wall(cmd: list[str], times: int = 5) -> float:
    """Best wall time of `cmd` over `times` runs."""
    best = float("inf")
    for _ in range(times):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - t0)
    return best


class PeakMemory:
    """Polls /proc for the process tree of `pid`: the peak resident memory (VmHWM) of each."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        kids: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    stat = Path(f"/proc/{d}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(kids.get(p, []))
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            for p in self._tree():
                try:
                    status = Path(f"/proc/{p}/status").read_text()
                except OSError:
                    continue
                hwm = next((int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM:")), 0)
                name = "batch" if p == self.pid else "worker"
                if hwm > self.peaks.get(p, ("", 0))[1]:
                    self.peaks[p] = (name, hwm)
            self._stop.wait(0.2)

    def stop(self) -> dict[str, int]:
        """{'batch': peak MiB of the parent, 'worker': the largest peak of any other process}."""
        self._stop.set()
        self._thread.join()
        out: dict[str, int] = {}
        for name, kb in self.peaks.values():
            out[name] = max(out.get(name, 0), kb // 1024)
        return out


def batch(folder: Path, workers: int) -> tuple[float, dict[str, int]]:
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(BIN), "batch", str(folder), "-o", str(out), "-j", str(workers), "--no-progress"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        mem = PeakMemory(proc.pid)
        proc.wait()
        secs = time.perf_counter() - t0
        return secs, mem.stop()
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=10_000, help="reports in the batch (default 10 000)")
    ap.add_argument("--skip-batch", action="store_true")
    a = ap.parse_args()
    rows: list[tuple[str, str, str]] = []

    ms, tok_ms, ratio = extraction_ratio()
    rows.append(("warm extraction, corpus", f"{ms:.1f} ms a report; {ratio:.1f}× spaCy's tokenisation ({tok_ms:.1f} ms)", "≤ 5×"))
    seed = ROOT / "corpus" / "owes-olsztyn_2018-09-01_2018-11-30.txt"
    rows.append(("cold `extract` of one report", f"{wall([str(BIN), 'extract', str(seed)]):.2f} s", "≤ 2 s"))
    rows.append(("`--help`", f"{wall([str(BIN), '--help']):.2f} s", "≤ 0.3 s"))

    if not a.skip_batch:
        gen = _generate()
        src = Path(tempfile.mkdtemp(prefix="bench-in-"))
        try:
            small = max(1, a.reports // 10)
            for i, text in enumerate(gen.reports(a.reports, seed=1)):  # type: ignore[attr-defined]
                (src / f"r{i:05d}.txt").write_text(text, encoding="utf-8")
            sub = src / "first-tenth"
            sub.mkdir()
            for i in range(small):
                shutil.copy(src / f"r{i:05d}.txt", sub / f"r{i:05d}.txt")
            # the tenth alone, for the memory at a tenth of the reports (the full run includes it)
            secs_small, mem_small = batch(sub, 2)
            shutil.rmtree(sub)
            for workers in (1, 2):
                secs, mem = batch(src, workers)
                rows.append((f"batch of {a.reports} reports, {workers} worker{'s' if workers > 1 else ''}",
                             f"{secs:.0f} s wall, {a.reports / secs:.0f} reports/s",
                             "≤ 60 s with 2 workers" if workers == 2 else ""))
                rows.append((f"  peak memory, {workers} worker{'s' if workers > 1 else ''}",
                             f"batch {mem.get('batch', 0)} MiB, largest worker {mem.get('worker', 0)} MiB",
                             "≤ 400 MiB each"))
            rows.append((f"  peak memory at {small} reports, 2 workers",
                         f"batch {mem_small.get('batch', 0)} MiB, largest worker {mem_small.get('worker', 0)} MiB "
                         f"({secs_small:.0f} s)", "flat"))
        finally:
            shutil.rmtree(src, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  result  (target)")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value}" + (f"  ({target})" if target else ""))
    print(f"\n{os.cpu_count()} CPUs; reproduce: make bench  (python tools/bench.py --reports {a.reports})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
