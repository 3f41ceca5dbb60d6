"""Faults around the readers and the batch: unreadable files and folders, hostile inputs,
named pipes and link loops, files over their time or memory budget, a full disk, Ctrl-C,
concurrent batches into one archive, escape sequences in names. Each test checks that
nothing was lost or duplicated and that every good file was converted."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from readfixtures import (
    BILLION_LAUGHS,
    SEED,
    encrypt_pdf,
    encrypted_office,
    to_docx,
    to_html,
    to_pdf,
    xxe_docx,
    zip_bomb_ratio,
)
from typer.testing import CliRunner

from extractor.batch import (
    ERRORS,
    MANIFEST,
    Budget,
    collect,
    convert_file,
    count_pages,
    load_manifest,
    run_batch,
    time_budget,
)
from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORTS = sorted(CORPUS.glob("owes-olsztyn_*.txt"))
SEED_TEXT = SEED.read_text(encoding="utf-8")
runner = CliRunner()


def _cli(args: list[str], *, prefix: list[str] | None = None, cwd: Path | None = None,
         stdout: int | None = subprocess.PIPE, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.run([*(prefix or []), sys.executable, "-c", "from extractor.cli import main; main()", *args],
                          cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=timeout)


def _errors(out: Path) -> dict[str, dict]:
    """errors.jsonl by file name; a file listed twice fails the test."""
    entries = [json.loads(line) for line in (out / ERRORS).read_text(encoding="utf-8").splitlines()]
    names = [Path(e["path"]).name for e in entries]
    assert len(names) == len(set(names)), names
    return dict(zip(names, entries, strict=True))


def _outputs_complete(out: Path, stems: list[str]) -> None:
    """Every named output exists once, is whole JSON and is in the manifest."""
    manifest = load_manifest(out)
    for stem in stems:
        doc = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        assert doc["facts"], stem
        assert f"{stem}.json" in manifest
    assert not list(out.rglob("*.tmp"))


# --- unreadable files and folders (the privilege dropped: CI runs as root) ------------------------

def _unprivileged(probe_dir: Path) -> list[str]:
    """A command prefix that runs without the privilege to read every file: none when the tests
    do not run as root; as root, `setpriv` without the capabilities that override file
    permissions (the process stays root, so Python and its files stay where they are, but a
    file or folder of mode 000 is unreadable to it). Skips when that cannot be had."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is missing: cannot drop the privilege to read every file")
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    secret = probe_dir / "probe-secret"
    secret.write_text("x")
    secret.chmod(0o000)
    try:
        probe = subprocess.run([*prefix, sys.executable, "-c", f"open({str(secret)!r}).read()"],
                               capture_output=True, text=True, timeout=60)
    except OSError as e:
        pytest.skip(f"setpriv cannot run here: {e}")
    finally:
        secret.unlink()
    if probe.returncode == 0 or "PermissionError" not in probe.stderr:
        pytest.skip(f"cannot drop the capability to read every file: {probe.stderr[-200:]}")
    return prefix


def test_an_unreadable_file_or_folder_is_one_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    prefix = _unprivileged(tmp_path)
    src = tmp_path / "in"
    (src / "ok").mkdir(parents=True)
    (src / "locked").mkdir()
    shutil.copy(REPORTS[0], src / "good.txt")
    shutil.copy(REPORTS[1], src / "ok" / "good2.txt")
    shutil.copy(REPORTS[2], src / "secret.txt")
    shutil.copy(REPORTS[3], src / "locked" / "hidden.txt")
    out = tmp_path / "out"
    (src / "secret.txt").chmod(0o000)
    (src / "locked").chmod(0o000)
    try:
        for command in ("extract", "audit"):
            args = [command, str(src / "good.txt"), str(src / "secret.txt")]
            if command == "extract":
                args += ["--format", "facts"]
            res = _cli(args, prefix=prefix, cwd=tmp_path)
            assert res.returncode == 2, res.stderr
            assert res.stderr.splitlines() == [f"error: {src / 'secret.txt'}: cannot open (Permission denied)"]
            assert "good.txt" in res.stdout and "Usage" not in res.stderr
            if command == "extract":
                assert [d["source"] for d in json.loads(res.stdout)] == ["good.txt"]
        res = _cli(["batch", str(src), "-o", str(out), "-j", "1", "--no-progress"], prefix=prefix, cwd=tmp_path)
        assert res.returncode == 1, res.stderr + res.stdout
        errors = _errors(out)
        assert set(errors) == {"secret.txt", "locked"}
        assert errors["secret.txt"]["kind"] == "read" and "Permission denied" in errors["secret.txt"]["reason"]
        assert errors["locked"]["reason"] == "cannot read folder (Permission denied)"
        _outputs_complete(out, ["good", "ok/good2"])
        assert "secret.txt" in res.stdout and "locked" in res.stdout
    finally:
        (src / "secret.txt").chmod(0o644)
        (src / "locked").chmod(0o755)


# --- hostile inputs in one folder ------------------------------------------------------------------

def _hostile_folder(d: Path) -> tuple[list[str], dict[str, str]]:
    """Good reports (some odd) and hostile inputs side by side; returns (good output stems,
    bad file name -> expected kind)."""
    d.mkdir()
    good = []
    for i, p in enumerate(REPORTS[:3]):
        shutil.copy(p, d / f"r{i}.txt")
        good.append(f"r{i}")
    text = REPORTS[3].read_bytes()
    (d / "nul.txt").write_bytes(text[:400] + b"\x00" + text[400:] + b"\x00" * 4096)   # a stray NUL, NUL padding
    good.append("nul")
    # a page whose table is never closed, deep in unclosed elements
    (d / "unclosed.html").write_bytes(b"<html><body>" + b"<table><tr><td><div><span>" * 3000
                                      + to_html(SEED_TEXT).split(b"<body>", 1)[1])
    good.append("unclosed")
    (d / "r\x1b[31mred\x07.txt").write_bytes(REPORTS[4].read_bytes())
    good.append("r\x1b[31mred\x07")
    bad = {
        "empty.txt": "empty",
        "bomb.docx": "unsafe",
        "xxe.docx": "unsafe",
        "laughs.docx": "unsafe",
        "encrypted.pdf": "encrypted",
        "encrypted.docx": "encrypted",
        "truncated.docx": "corrupt",
        "noise.txt": "not_a_report",
        "binary.txt": "binary",
        "pipe.txt": "unsupported",
        "loop.txt": "read",
        "gone.txt": "missing",
        "zero.txt": "unsupported",
    }
    (d / "empty.txt").write_bytes(b"")
    (d / "bomb.docx").write_bytes(zip_bomb_ratio())
    (d / "xxe.docx").write_bytes(xxe_docx())
    (d / "laughs.docx").write_bytes(xxe_docx(BILLION_LAUGHS))
    (d / "encrypted.pdf").write_bytes(encrypt_pdf(to_pdf(SEED_TEXT[:2000])))
    (d / "encrypted.docx").write_bytes(encrypted_office())
    (d / "truncated.docx").write_bytes(to_docx(SEED_TEXT)[:3000])
    rng = __import__("random").Random(5)
    (d / "noise.txt").write_bytes(bytes(rng.choice(range(128, 256)) if rng.random() > 0.15 else 32
                                        for _ in range(100_000)))
    (d / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
    os.mkfifo(d / "pipe.txt")
    os.symlink("loop2.txt", d / "loop.txt")
    os.symlink("loop.txt", d / "loop2.txt")
    bad["loop2.txt"] = "read"
    os.symlink("nowhere.txt", d / "gone.txt")
    os.symlink("/dev/zero", d / "zero.txt")
    return good, bad


def test_a_folder_of_hostile_inputs_converts_every_good_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    good, bad = _hostile_folder(src)
    out = tmp_path / "out"
    t0 = time.monotonic()
    res = _cli(["batch", str(src), "-o", str(out), "-j", "2", "--no-progress"], timeout=900)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert time.monotonic() - t0 < 600
    _outputs_complete(out, good)
    errors = _errors(out)
    assert {n: e["kind"] for n, e in errors.items()} == bad
    assert "named pipe" in errors["pipe.txt"]["reason"] and "link loop" in errors["loop.txt"]["reason"]
    assert "broken symbolic link" in errors["gone.txt"]["reason"] and "device" in errors["zero.txt"]["reason"]
    # the HTML page kept its headings: its sections are those of the .txt it was made from
    html = json.loads((out / "unclosed.json").read_text(encoding="utf-8"))
    assert [s["code"] for s in html["sections"]] == [s.code for s in __import__("extractor").extract(SEED).sections]
    assert "\x1b" not in res.stdout + res.stderr and "\x07" not in res.stdout + res.stderr
    # a second run: nothing converted twice, nothing lost
    again = run_batch([src], out, workers=1)
    assert len(again.skipped) == len(good) and not again.converted
    assert {Path(o.path).name for o in again.failed} == set(bad)


def test_special_files_and_link_loops_named_directly(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    os.symlink("nowhere.txt", tmp_path / "gone.txt")
    jobs, failures, _ = collect([tmp_path / "pipe.txt", tmp_path / "a.txt", tmp_path / "gone.txt",
                                 tmp_path / "nothing.txt", "/dev/null", str(tmp_path / "*.pdf")])
    assert not jobs
    reasons = [f.reason for f in failures]
    assert reasons == ["not a regular file: a named pipe (FIFO)", "a symbolic link loop",
                       "a broken symbolic link (its target does not exist)", "no such file or folder",
                       "not a regular file: a device", "pattern matches no file"]
    res = _cli(["extract", str(tmp_path / "pipe.txt"), str(tmp_path / "a.txt"), "/dev/zero"], timeout=120)
    assert res.returncode == 2
    assert res.stderr.splitlines() == [f"error: {tmp_path / 'pipe.txt'}: not a regular file: a named pipe (FIFO)",
                                       f"error: {tmp_path / 'a.txt'}: cannot open (a symbolic link loop)",
                                       "error: /dev/zero: not a regular file: a device"]


# --- time and memory budgets -----------------------------------------------------------------------

def budget_convert(path: str, fmt: str, org: str | None, want_record: bool) -> dict:
    """A converter for files that run away: slow* sleeps, hog* allocates without end."""
    name = Path(path).name
    if name.startswith("slow"):
        time.sleep(3600)
    if name.startswith("hog"):
        held = []
        while True:
            block = bytearray(64 * 1024 * 1024)
            block[::4096] = b"\x01" * len(block[::4096])     # touch every page: resident, not just mapped
            held.append(block)
            time.sleep(0.02)
    return convert_file(path, fmt, org, want_record)


def test_files_over_their_budget_are_stopped_remembered_and_retried_on_request(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i, p in enumerate(REPORTS[:4]):
        shutil.copy(p, src / f"r{i}.txt")
    shutil.copy(REPORTS[0], src / "slow.txt")
    (src / "hog.txt").write_bytes(REPORTS[1].read_bytes() + b"\n")
    out = tmp_path / "out"
    budget = Budget(timeout=20, max_memory=1536 * 1024 ** 2)
    t0 = time.monotonic()
    res = run_batch([src], out, workers=2, budget=budget, convert=budget_convert)
    took = time.monotonic() - t0
    kinds = {Path(o.path).name: o.error_kind for o in res.failed}
    assert kinds == {"slow.txt": "timeout", "hog.txt": "memory"}, [(o.path, o.reason) for o in res.failed]
    assert sorted(Path(o.path).name for o in res.converted) == [f"r{i}.txt" for i in range(4)]
    assert took < 300
    slow = next(o for o in res.failed if o.error_kind == "timeout")
    assert 20 <= slow.seconds < 60 and "time budget of 20 s" in (slow.reason or "")
    assert res.exit_code == 1
    # remembered: a re-run does not spend the budget on them again
    t0 = time.monotonic()
    second = run_batch([src], out, workers=2, budget=budget, convert=budget_convert)
    assert time.monotonic() - t0 < 15
    assert {Path(o.path).name for o in second.held} == {"slow.txt", "hog.txt"}
    assert len(second.skipped) == 4 and second.exit_code == 1
    assert set(_errors(out)) == {"slow.txt", "hog.txt"}          # still listed, for the next run
    # the CLI says so
    r = runner.invoke(app, ["batch", str(src), "-o", str(out), "--no-progress"])
    assert r.exit_code == 1
    assert "skipped 2 files that failed for time or memory in an earlier run; --retry-failed" in \
        " ".join(r.output.split())
    # unless asked: then they are tried (and stopped) again
    third = run_batch([src], out, workers=2, budget=Budget(timeout=8, max_memory=budget.max_memory),
                      convert=budget_convert, retry_failed=True)
    assert not third.held and {Path(o.path).name: o.error_kind for o in third.failed} == kinds
    # a changed file is a new file: tried again
    (src / "slow.txt").write_bytes(REPORTS[2].read_bytes())
    fourth = run_batch([src], out, workers=1, budget=budget)
    assert [Path(o.path).name for o in fourth.converted] == ["slow.txt"]
    assert [Path(o.path).name for o in fourth.held] == ["hog.txt"]


def test_time_budget_scales_with_size_and_pages(tmp_path: Path) -> None:
    import pypdf
    from readfixtures import pdf_document

    assert time_budget(0) == 60
    assert time_budget(2 * 1024 ** 2) == 120
    assert time_budget(0, pages=10) == 360
    assert time_budget(0, pdf_pages=10) == 80
    pdf = tmp_path / "seed.pdf"
    pdf.write_bytes(to_pdf(SEED_TEXT, per_page=10))
    pages = len(pypdf.PdfReader(pdf).pages)
    assert pages > 3 and count_pages(str(pdf)) == {"ocr": [], "pages": pages}
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_document([[(56, 800, "Sprawozdanie: 5 spotkań.")]], images=2))
    assert count_pages(str(scan)) == {"ocr": [2, 3], "pages": 3}
    assert count_pages(str(SEED)) == {"ocr": [], "pages": 0}
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\xff" * 100)
    assert count_pages(str(tmp_path / "broken.pdf")) == {"ocr": [], "pages": 0}
    assert Budget().seconds(1024 ** 2, 4, 10) == 60 + 30 + 120 + 20
    assert Budget(timeout=5).seconds(10 ** 9, 100) == 5
    assert Budget(timeout=0).seconds(1) == float("inf") and Budget(max_memory=0).memory is None


def test_a_worker_that_dies_costs_only_its_file_and_says_how(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i, p in enumerate(REPORTS[:3]):
        shutil.copy(p, src / f"r{i}.txt")
    (src / "crash.txt").write_text("Sprawozdanie\n", encoding="utf-8")
    res = run_batch([src], tmp_path / "out", workers=2, convert=crash_convert)
    assert [(Path(o.path).name, o.error_kind) for o in res.failed] == [("crash.txt", "crash")]
    assert "SIGSEGV" in (res.failed[0].reason or "")
    assert len(res.converted) == 3


def crash_convert(path: str, fmt: str, org: str | None, want_record: bool) -> dict:
    if Path(path).name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return convert_file(path, fmt, org, want_record)


# --- a full disk (a small tmpfs) -------------------------------------------------------------------

@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a small tmpfs, which only root can mount")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(disk: Path, leave: int) -> None:
    """Fill the file system up to `leave` bytes free."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    with open(disk / "filler", "wb") as fh:
        fh.write(b"\0" * max(free - leave, 0))


def test_a_full_disk_stops_the_batch_with_one_line_and_a_rerun_resumes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(12):
        (src / f"r{i:02d}.txt").write_bytes(REPORTS[i % len(REPORTS)].read_bytes() + b"\n" * (i + 1))
    with _tmpfs(tmp_path / "disk", "2m") as disk:
        _fill(disk, 150 * 1024)
        out, archive = disk / "out", tmp_path / "a.sqlite"
        args = ["batch", str(src), "-o", str(out), "--archive", str(archive), "-j", "2", "--no-progress"]
        res = _cli(args)
        assert res.returncode == 1, res.stderr
        assert "Traceback" not in res.stderr and "Traceback" not in res.stdout
        assert "no space left on device" in res.stderr and "the batch stopped" in res.stderr
        assert "stopped: no space" in res.stdout and "converted" in res.stdout       # the summary
        done = load_manifest(out)
        assert 0 < len(done) < 12
        for name in done:                                 # what was written is whole
            json.loads((out / name).read_text(encoding="utf-8"))
        (disk / "filler").unlink()
        again = _cli(args)
        assert again.returncode == 0, again.stderr + again.stdout
        _outputs_complete(out, [f"r{i:02d}" for i in range(12)])
        con = sqlite3.connect(archive)
        try:
            assert con.execute("SELECT count(*), count(DISTINCT sha256) FROM reports").fetchone() == (12, 12)
        finally:
            con.close()


def test_a_full_disk_under_the_archive_names_it(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(8):
        (src / f"r{i}.txt").write_bytes(REPORTS[i % len(REPORTS)].read_bytes() + b"\n" * (i + 1))
    with _tmpfs(tmp_path / "disk", "1m") as disk:
        archive = disk / "a.sqlite"
        _fill(disk, 200 * 1024)
        res = run_batch([src], tmp_path / "out", archive=archive, workers=1)
        assert res.stopped and "no space left on device" in res.stopped and str(archive) in res.stopped
        assert all(o.error_kind == "no_space" for o in res.failed)
        assert not any("rollback" in (o.reason or "") for o in res.failed)
        assert res.exit_code == 1 and (tmp_path / "out" / ERRORS).exists()
        (disk / "filler").unlink()
        again = run_batch([src], tmp_path / "out", archive=archive, workers=1)
        assert again.exit_code == 0 and len(again.converted) + len(again.skipped) == 8


def test_a_full_disk_under_the_outputs_of_extract(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "disk", "512k") as disk:
        _fill(disk, 0)
        res = _cli(["extract", str(SEED), "--format", "json", "-o", str(disk / "r.json")])
        assert res.returncode == 2
        assert res.stderr.splitlines() == [f"error: cannot write {disk / 'r.json'}: no space left on device"]
        assert not list(disk.glob(".*.tmp"))
        for args in (["extract", str(SEED)], ["extract", str(SEED), "--format", "facts"], ["audit", str(SEED)]):
            with open(disk / "stdout.txt", "w") as fh:
                res = _cli(args, stdout=fh.fileno())
            assert res.returncode == 2, res.stderr
            assert res.stderr.splitlines() == [
                f"error: cannot write standard output ({disk / 'stdout.txt'}): no space left on device"], args


def test_disk_full_while_writing_the_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest line is the last write of a file: when it fails for want of space the batch
    stops, the summary and errors.jsonl are still written, and the manifest keeps whole lines."""
    import errno

    import extractor.batch as batch

    src = tmp_path / "in"
    src.mkdir()
    for i in range(4):
        (src / f"r{i}.txt").write_bytes(REPORTS[i].read_bytes())
    out = tmp_path / "out"

    class DiskFillsOnTheThirdLine:
        """os for the batch module, whose only os.write is the manifest's: the third line gets
        10 bytes out, then the disk is full."""

        calls = 0

        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        def write(self, fd: int, data: bytes) -> int:
            self.calls += 1
            if self.calls == 3:
                return os.write(fd, bytes(data[:10]))
            if self.calls == 4:
                raise OSError(errno.ENOSPC, "No space left on device")
            return os.write(fd, data)

    monkeypatch.setattr(batch, "os", DiskFillsOnTheThirdLine())
    res = run_batch([src], out, workers=1)
    assert res.stopped and "no space left on device" in res.stopped and ".manifest.jsonl" in res.stopped
    assert len(res.converted) == 2 and res.exit_code == 1
    assert [o.error_kind for o in res.failed] == ["no_space"]
    assert json.loads((out / ERRORS).read_text(encoding="utf-8"))["kind"] == "no_space"
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(x) for x in lines)
    monkeypatch.setattr(batch, "os", os)
    again = run_batch([src], out, workers=1)
    assert again.exit_code == 0 and len(again.skipped) == 2 and len(again.converted) == 2


# --- interruptions and concurrent runs -------------------------------------------------------------

def test_signals_wait_for_the_block_that_records_a_file() -> None:
    from extractor.batch import _signals_held

    seen = []
    with pytest.raises(KeyboardInterrupt), _signals_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)
        seen.append("finished")                    # the block ran to its end first
    assert seen == ["finished"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_kill_9_of_the_batch_leaves_no_process_and_no_warning(tmp_path: Path) -> None:
    """`kill -9` of the batch process alone (not its group): the workers and the fork server
    go within seconds, nothing prints a traceback or a "leaked semaphore" warning, and the
    same command then finishes the work."""
    import psutil

    src = tmp_path / "in"
    src.mkdir()
    for i in range(24):
        (src / f"r{i:02d}.txt").write_bytes(REPORTS[i % len(REPORTS)].read_bytes() + b"\n" * (i + 1))
    out = tmp_path / "out"
    args = ["batch", str(src), "-o", str(out), "-j", "2", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", "from extractor.cli import main; main()", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    end = time.monotonic() + 300
    while len(load_manifest(out)) < 3:
        assert proc.poll() is None and time.monotonic() < end, "the batch made no progress"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    output = proc.communicate(timeout=60)[0].decode()    # returns once every process holding the pipe is gone

    def ours() -> list[int]:
        found = []
        for p in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if os.getsid(p.pid) == proc.pid and p.status() != psutil.STATUS_ZOMBIE:
                    found.append(p.pid)
        return found

    deadline = time.monotonic() + 30
    while ours() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not ours()
    assert "leaked" not in output and "Traceback" not in output, output
    again = _cli(args)
    assert again.returncode == 0, again.stderr
    _outputs_complete(out, [f"r{i:02d}" for i in range(24)])


def test_four_concurrent_batches_into_one_archive(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(8):
        (src / f"r{i}.txt").write_bytes(REPORTS[i % len(REPORTS)].read_bytes() + b"\n" * (i + 1))
    archive = tmp_path / "a.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", "from extractor.cli import main; main()", "batch", str(src),
                               "-o", str(tmp_path / f"out{k}"), "--archive", str(archive), "-j", "1",
                               "--no-progress"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for k in range(4)]
    for p in procs:
        output = p.communicate(timeout=900)[0].decode()
        assert p.returncode == 0, output
    for k in range(4):
        _outputs_complete(tmp_path / f"out{k}", [f"r{i}" for i in range(8)])
    con = sqlite3.connect(archive)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT sha256) FROM reports").fetchone() == (8, 8)
        assert con.execute("SELECT count(*) FROM (SELECT report, id FROM facts GROUP BY report, id "
                           "HAVING count(*) > 1)").fetchone() == (0,)
    finally:
        con.close()


# --- escape sequences never reach the terminal -----------------------------------------------------

def test_control_characters_in_names_and_text_are_shown_escaped_in_every_view(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    evil = "r\x1b[2J\x1b]0;tytuł\x07\u202e\x9b31m"
    report = REPORTS[0].read_text(encoding="utf-8").replace("Sprawozdanie", "Sprawozdanie\x1b[5m", 1)
    (src / f"{evil}.txt").write_text(report, encoding="utf-8")
    (src / f"{evil}-pusty.txt").write_bytes(b"")
    db = tmp_path / "a.sqlite"
    org = "Fundacja\x1b[31m"
    raw = ["\x1b", "\x07", "\u202e", "\x9b"]
    outputs = []
    for args in (["extract", str(src / f"{evil}.txt"), str(src / f"{evil}-pusty.txt")],
                 ["audit", str(src / f"{evil}.txt")],
                 ["batch", str(src), "-o", str(tmp_path / "out"), "--archive", str(db), "--org", org, "-j", "1"],
                 ["archive", "list", "--archive", str(db)],
                 ["archive", "show", f"{evil}.txt", "--archive", str(db)],
                 ["compare", "--archive", str(db), "--org", org]):
        r = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert r.exit_code in (0, 1, 2), r.output
        outputs.append(r.output)
        for ch in raw:
            assert ch not in r.output, (args[0], ch, r.output)
    joined = "\n".join(outputs)
    assert "r\\x1b[2J\\x1b]0;tytuł\\x07\\u202e\\x9b31m" in joined    # shown, escaped
    assert "Fundacja\\x1b[31m" in joined
