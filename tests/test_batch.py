"""Batch conversion: bad files reported not fatal, resumable re-runs, atomic outputs, Ctrl-C."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.archive import org_key
from extractor.batch import ERRORS, MANIFEST, collect, convert_file, load_manifest, run_batch
from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
OLSZTYN = sorted(CORPUS.glob("owes-olsztyn_2018-09-01_2018-11-30.txt"))[0]
runner = CliRunner()


def _crashy_convert(path: str, fmt: str, org: str | None, want_record: bool) -> dict:
    """A converter whose worker dies on files named crash*: stands in for a segfault or OOM kill."""
    if Path(path).name.startswith("crash"):
        os._exit(70)
    return convert_file(path, fmt, org, want_record)


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    shutil.copy(OLSZTYN, d / "good.txt")
    shutil.copy(CORPUS / "owes-olsztyn_2019-03-01_2019-05-31.txt", d / "sub" / "good2.txt")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (d / "corrupt.docx").write_bytes(b"PK\x03\x04" + b"\x14\x00\x00\x00\x08\x00" + os.urandom(300))
    (d / "notes.json").write_text("{}", encoding="utf-8")          # not a report: ignored
    (d / ".hidden.txt").write_text("ukryty", encoding="utf-8")      # hidden: ignored
    (d / "sub" / "zestawienie.XLSX").write_bytes(b"PK\x03\x04")    # a spreadsheet: ignored, named by its suffix
    (d / "sub" / "LICENCE").write_text("x", encoding="utf-8")        # no suffix: ignored
    return d


def test_bad_files_are_reported_and_the_good_ones_converted(bad_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_batch([bad_folder], out, fmt="json", workers=2)
    assert sorted(Path(o.path).name for o in res.converted) == ["good.txt", "good2.txt"]
    failed = {Path(o.path).name: o for o in res.failed}
    assert set(failed) == {"empty.txt", "binary.txt", "corrupt.docx"}
    assert all(o.reason and o.error_kind for o in failed.values())
    assert failed["empty.txt"].error_kind == "empty"
    assert res.ignored == 3 and res.exit_code == 1
    assert res.ignored_kinds == {".json": 1, ".xlsx": 1, "": 1}
    # outputs mirror the folder; every output is complete JSON
    assert json.loads((out / "good.json").read_text(encoding="utf-8"))["source"]["name"] == "good.txt"
    assert json.loads((out / "sub" / "good2.json").read_text(encoding="utf-8"))["period"]["start"] == "2019-03-01"
    errors = [json.loads(line) for line in (out / ERRORS).read_text(encoding="utf-8").splitlines()]
    assert {Path(e["path"]).name for e in errors} == set(failed)
    assert all(set(e) == {"path", "sha256", "reason", "kind"} and e["reason"] for e in errors)
    assert {Path(e["path"]).name: e["kind"] for e in errors}["empty.txt"] == "empty"
    assert not list(out.rglob("*.tmp"))


def test_cli_exit_codes_and_summary(bad_folder: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["batch", str(bad_folder), "-o", str(tmp_path / "o1"), "-j", "1", "--no-progress"])
    assert r.exit_code == 1, r.output
    assert "converted" in r.output and "empty.txt" in r.output and "errors.jsonl" in r.output
    assert "3 (.json 1, .xlsx 1, no suffix 1)" in r.output              # what was passed over, by kind
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    shutil.copy(bad_folder / "empty.txt", only_bad / "empty.txt")
    r = runner.invoke(app, ["batch", str(only_bad), "-o", str(tmp_path / "o2"), "--no-progress"])
    assert r.exit_code == 2, r.output                           # nothing usable
    r = runner.invoke(app, ["batch", str(tmp_path / "nothing-here"), "-o", str(tmp_path / "o3"), "--no-progress"])
    assert r.exit_code == 2                                      # an input that names nothing
    r = runner.invoke(app, ["batch", str(OLSZTYN), "-o", str(tmp_path / "o4"), "--no-progress"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o4" / (OLSZTYN.stem + ".json")).exists()


def test_names_in_brackets_are_shown_as_they_are(tmp_path: Path) -> None:
    """File and organisation names are not rich markup: the batch summary, `archive list`,
    `archive show` and `compare` show them whole (and "[/i]" breaks nothing)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "[bold]pusty.txt").write_bytes(b"")
    (src / "[bold]raport.txt").write_text(
        "Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)"
        "\n\nOdbyło się 5 spotkań animacyjnych w Ełku (12.10).", encoding="utf-8")
    db = str(tmp_path / "a.sqlite")
    org = "[bold]Fundacja [/i]"
    wide = {"COLUMNS": "200"}
    r = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--archive", db, "--org", org,
                            "-j", "1", "--no-progress"], env=wide)
    assert r.exit_code == 1, r.output
    assert "[bold]pusty.txt" in r.output
    r = runner.invoke(app, ["archive", "list", "--archive", db], env=wide)
    assert r.exit_code == 0, r.output
    assert org in r.output and "[bold]raport.txt" in r.output
    r = runner.invoke(app, ["archive", "show", "[bold]raport.txt", "--archive", db], env=wide)
    assert r.exit_code == 0, r.output
    assert "[bold]raport.txt" in r.output and org in r.output and str(src / "[bold]raport.txt") in r.output
    r = runner.invoke(app, ["compare", "--archive", db, "--org", org], env=wide)
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"{org}: 1 periods")


def test_rerun_skips_converted_and_force_converts_again(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(CORPUS.glob("owes-olsztyn_2019-*.txt"))[:3]:
        shutil.copy(p, src / p.name)
    out = tmp_path / "out"
    first = run_batch([src], out, workers=2)
    assert len(first.converted) == 3 and first.exit_code == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")}
    second = run_batch([src], out, workers=2)
    assert len(second.converted) == 0 and len(second.skipped) == 3 and second.exit_code == 0
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")} == stamps
    # a changed file is converted again, the others stay skipped
    changed = sorted(src.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = run_batch([src], out, workers=1)
    assert [Path(o.path).name for o in third.converted] == [changed.name] and len(third.skipped) == 2
    forced = run_batch([src], out, workers=1, force=True)
    assert len(forced.converted) == 3
    assert len(load_manifest(out)) == 3
    assert len((out / MANIFEST).read_text(encoding="utf-8").splitlines()) == 3   # compacted


def test_globs_formats_and_combined_rows(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_batch([str(CORPUS / "owes-olsztyn_2019-0*.txt")], out, fmt="csv", workers=2)
    assert len(res.converted) == 3 and res.combined == "all.csv"
    with open(out / "all.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["source"] for r in rows} == {p.name for p in CORPUS.glob("owes-olsztyn_2019-0*.txt")}
    # the text names the centre ("OWES Olsztyn") or the file name does ("owes-olsztyn"): one key
    assert {org_key(r["organisation"]) for r in rows} == {"owes-olsztyn"}
    anim = [r for r in rows if r["indicator"] == "ANIM_SPOTKANIA" and r["section"] == "CPS"]
    assert sorted(int(r["value"]) for r in anim) == [21, 27, 33]
    out2 = tmp_path / "out2"
    run_batch([OLSZTYN], out2, fmt="jsonl", workers=1)
    lines = [json.loads(x) for x in (out2 / (OLSZTYN.stem + ".jsonl")).read_text(encoding="utf-8").splitlines()]
    assert lines and all(x["source"] == OLSZTYN.name for x in lines)
    assert (out2 / "all.jsonl").read_text(encoding="utf-8").count("\n") == len(lines)
    out3 = tmp_path / "out3"
    run_batch([OLSZTYN], out3, fmt="facts", workers=1)
    assert json.loads((out3 / (OLSZTYN.stem + ".facts.json")).read_text(encoding="utf-8"))["contract"] == "facts/1"


def test_combined_rows_are_written_one_output_at_a_time(tmp_path: Path) -> None:
    """all.jsonl is as large as every output together: it is streamed, never held whole (a
    10 000-report batch held about 2 GB in the batch process)."""
    import tracemalloc

    src = tmp_path / "in"
    src.mkdir()
    for k in range(6):
        (src / f"r{k}.txt").write_text(OLSZTYN.read_text(encoding="utf-8") + f"\nKopia {k}.\n", encoding="utf-8")
    out = tmp_path / "out"
    run_batch([src], out, fmt="jsonl", workers=1)
    filler = json.dumps({"source": "x", "text": "y" * 1000}) + "\n"
    for p in out.glob("r*.jsonl"):              # 4 MB an output, 24 MB together
        with open(p, "a", encoding="utf-8") as fh:
            fh.write(filler * 4000)
    tracemalloc.start()
    try:
        res = run_batch([src], out, fmt="jsonl", workers=1)      # all skipped; all.jsonl rebuilt
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(res.skipped) == 6 and res.combined == "all.jsonl"
    assert (out / "all.jsonl").stat().st_size == sum(p.stat().st_size for p in out.glob("r*.jsonl"))
    assert peak < 12 * 1024 * 1024, f"{peak / 2 ** 20:.0f} MiB held while writing 24 MB"


def test_the_manifest_is_read_back_a_line_at_a_time(tmp_path: Path) -> None:
    """After a batch the manifest is compacted, its organisations harmonised and the combined
    file written, each reading it back: with twenty thousand entries, none of them holds the
    entries in memory (parsed, they took about 3 KB each — 80 MB for 20 000 lines)."""
    import tracemalloc

    from extractor.batch import _compact_manifest
    from extractor.orgs import harmonise_outputs

    out = tmp_path / "out"
    out.mkdir()
    ident = {"key": "owes-x", "origin": "header", "name": "OWES X", "name_origin": "header",
             "header_key": "owes-x", "file_key": None, "period_start": "2019-01-01"}
    with open(out / MANIFEST, "w", encoding="utf-8") as fh:
        for k in range(20_000):                 # each output twice: the later line is kept
            entry = {"output": f"r{k % 10_000:05d}.json", "sha256": f"{k:064x}", "format": "json",
                     "source": f"/in/r{k % 10_000:05d}.txt", "at": "2026-01-01T00:00:00+00:00",
                     "identity": ident | {"name": f"OWES X {k}"}}
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    tracemalloc.start()
    try:
        _compact_manifest(out)
        compact = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        harmonise_outputs(out, "json", [f"r{k:05d}.json" for k in range(0, 10_000, 1000)])
        harmonise = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10_000
    assert json.loads(lines[0])["sha256"] == f"{10_000:064x}" and json.loads(lines[-1])["output"] == "r09999.json"
    assert compact < 4 * 2 ** 20, f"{compact / 2 ** 20:.0f} MiB held to compact 20 000 lines"
    assert harmonise < 4 * 2 ** 20, f"{harmonise / 2 ** 20:.0f} MiB held to read 10 outputs' entries"


def test_same_name_in_two_folders_and_duplicate_inputs(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(OLSZTYN, a / "r.txt")
    shutil.copy(CORPUS / "owes-olsztyn_2019-03-01_2019-05-31.txt", b / "r.txt")
    jobs, missing, _ = collect([a / "r.txt", b / "r.txt", a / "r.txt"])
    assert len(jobs) == 2 and not missing
    res = run_batch([a / "r.txt", b / "r.txt"], tmp_path / "out", workers=1)
    outs = sorted(o.output for o in res.converted if o.output)
    assert len(outs) == 2 and outs[0] != outs[1]


def test_the_output_folder_inside_an_input_folder_is_never_read(tmp_path: Path) -> None:
    """OUTDIR in the folder converted, and links into it (a file, a folder): none of it is an
    input; a folder whose name only begins like OUTDIR's is read."""
    src = tmp_path / "in"
    out = src / "out"
    (out / "sub").mkdir(parents=True)
    (src / "outside").mkdir()
    shutil.copy(OLSZTYN, src / "r.txt")
    shutil.copy(OLSZTYN, src / "outside" / "s.txt")
    (out / "x.txt").write_text("Sprawozdanie 5 spotkań.\n", encoding="utf-8")
    (out / "sub" / "y.txt").write_text("Sprawozdanie 7 spotkań.\n", encoding="utf-8")
    os.symlink(out / "x.txt", src / "link.txt")
    os.symlink(out / "sub", src / "linked-folder")
    jobs, problems, _ = collect([src], out)
    assert sorted(j.out_rel for j in jobs) == ["outside/s", "r"] and not problems
    jobs, _, _ = collect([src], tmp_path / "elsewhere")          # the same tree, nothing excluded
    assert sorted(j.out_rel for j in jobs) == ["link", "out/sub/y", "outside/s", "r"]   # x.txt is link.txt


def test_a_dying_worker_costs_only_its_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(CORPUS.glob("owes-olsztyn_2019-*.txt")):
        shutil.copy(p, src / p.name)
    (src / "crash.txt").write_text("Sprawozdanie częściowe\n", encoding="utf-8")
    res = run_batch([src], tmp_path / "out", workers=2, convert=_crashy_convert)
    assert [Path(o.path).name for o in res.failed] == ["crash.txt"]
    assert res.failed[0].error_kind == "crash"
    assert len(res.converted) == 3 and res.exit_code == 1


def _copies(tmp_path: Path, n: int) -> Path:
    """n distinct report files (corpus texts, each with its own trailing blank lines)."""
    src = tmp_path / "in"
    src.mkdir()
    reports = sorted(CORPUS.glob("*.txt"))
    for i in range(n):
        data = reports[i % len(reports)].read_bytes() + b"\n" * (i + 1)
        (src / f"r{i:03d}.txt").write_bytes(data)
    return src


def _run_cli(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    code = "from extractor.cli import main; main()"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for_outputs(out: Path, at_least: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        m = out / MANIFEST
        if m.exists() and len(m.read_text(encoding="utf-8").splitlines()) >= at_least:
            return
        if proc.poll() is not None:
            pytest.fail(f"batch ended before it could be interrupted: {proc.stdout.read().decode() if proc.stdout else ''}")
        time.sleep(0.05)
    pytest.fail("batch made no progress")


def _check_complete(src: Path, out: Path, archive: Path) -> None:
    names = sorted(p.stem for p in src.glob("*.txt"))
    assert sorted(p.stem for p in out.glob("*.json")) == names
    for p in out.glob("*.json"):
        json.loads(p.read_text(encoding="utf-8"))          # complete, never half-written
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    manifest = load_manifest(out)
    assert sorted(manifest) == sorted(n + ".json" for n in names)
    con = sqlite3.connect(archive)
    try:
        n, distinct = con.execute("SELECT count(*), count(DISTINCT sha256) FROM reports").fetchone()
        assert n == distinct == len(names)
        facts_per_report = con.execute(
            "SELECT r.sha256, count(f.id), count(DISTINCT f.id) FROM reports r JOIN facts f ON f.report = r.sha256 "
            "GROUP BY r.sha256").fetchall()
        assert all(c == d for _, c, d in facts_per_report)
        assert len(facts_per_report) == len(names)
    finally:
        con.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_batch_resumes_without_loss_or_duplicates(tmp_path: Path, sig: signal.Signals) -> None:
    src = _copies(tmp_path, 36)
    out, archive = tmp_path / "out", tmp_path / "a.sqlite"
    args = ["batch", str(src), "-o", str(out), "--archive", str(archive), "-j", "1", "--no-progress"]
    proc = _run_cli(args, tmp_path)
    _wait_for_outputs(out, 4, proc)
    os.killpg(proc.pid, sig)            # what a terminal does on Ctrl-C: the whole process group
    rc = proc.wait(timeout=60)
    done_before = len(load_manifest(out))
    assert done_before < 36, "the batch finished before the interruption; make it longer"
    if sig == signal.SIGINT:
        assert rc == 130
        summary = (proc.stdout.read() if proc.stdout else b"").decode()
        assert "interrupted" in summary
        # the summary counts every report the archive got, the one being written at Ctrl-C too
        added = re.search(r"added (\d+)", summary)
        con = sqlite3.connect(archive)
        try:
            in_archive = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        finally:
            con.close()
        assert (int(added.group(1)) if added else 0) == in_archive, summary
    second = _run_cli(args, tmp_path)
    output = second.communicate(timeout=120)[0].decode()
    assert second.returncode == 0, output
    _check_complete(src, out, archive)
    third = run_batch([src], out, archive=archive, workers=1)
    assert len(third.skipped) == 36 and third.exit_code == 0     # all up to date
    _check_complete(src, out, archive)


def test_second_batch_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    from extractor.batch import BatchError, _Lock

    out = tmp_path / "out"
    out.mkdir()
    lock = _Lock(out)
    try:
        with pytest.raises(BatchError, match="another batch"):
            run_batch([OLSZTYN], out, workers=1)
    finally:
        lock.release()


def test_the_fork_server_builds_the_pipeline_its_workers_start_with() -> None:
    """extractor.worker_preload is among the fork server's preloads, and importing it builds the
    pipeline (so a worker forked from the server has nothing left to build)."""
    from extractor.batch import PRELOAD

    assert "extractor.worker_preload" in PRELOAD
    code = ("import extractor, extractor.batch as b; assert not b._warm; import extractor.worker_preload; "
            "assert b._warm and extractor.get_extractor()._nlp is not None; print('built')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0 and res.stdout.strip() == "built", res.stderr
