"""Run a fuzz target for a number of inputs: `python tests/fuzz/run.py read --runs 100000`.

With atheris installed (`pip install atheris`, Linux) the run is coverage-guided: libFuzzer
mutates the seed corpus towards new code paths. Without it, a built-in mutator does the
same blindly but reproducibly (--seed): bit flips, byte runs, insertions, deletions,
duplications, splices of two seeds, truncation, and, for .docx/.odt, the same inside the
XML of a member (so the zip stays valid and the XML readers are reached).

Seeds: the seed report in every format and encoding (tests/readfixtures.py), bad files,
and the corpus texts (for the extract target). Inputs that break a target are written to
out/fuzz/ and the run exits 1; inputs slower than --slow seconds are listed.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import readfixtures as fx  # noqa: E402
import targets  # noqa: E402

OUT = HERE.parent.parent / "out" / "fuzz"
TARGETS: dict[str, Callable[[bytes], None]] = {"read": targets.fuzz_read, "extract": targets.fuzz_extract}


def seeds(target: str) -> list[bytes]:
    corpus = sorted(fx.CORPUS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in corpus]
    if target == "extract":  # paragraphs, so that many inputs run: the pipeline costs ~1 ms per 100 characters
        return [b.encode() for t in texts for b in t.split("\n\n") if b.strip()]
    seed = fx.SEED.read_text(encoding="utf-8")
    short = seed[:1200]
    out = [short.encode(e) for e in ("utf-8", "utf-8-sig", "utf-16", "cp1250", "iso-8859-2", "cp852")
           if _encodable(short, e)]
    out += [fx.to_docx(short), fx.to_odt(short), fx.to_html(short), fx.to_pdf(short), fx.to_html(short, "windows-1250")]
    out += [(fx.FIXTURES / "seed.pdf").read_bytes(), fx.pdf_document(images=1), fx.xxe_docx(), fx.encrypted_odt(),
            fx.encrypted_office(), b"", b"\x00" * 64, b"<html><body><p>Sprawozdanie: 5 spotkan</p></body></html>"]
    return out


def _encodable(text: str, enc: str) -> bool:
    try:
        text.encode(enc)
    except UnicodeEncodeError:
        return False
    return True


# --- the built-in mutator --------------------------------------------------------------------

_INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"%PDF-", b"PK\x03\x04", b"<", b">", b"&", b"&#x0;", b"]]>",
                b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"\r\n", b"\xef\xbb\xbf", b"\xfe\xff",
                b"obj", b"endobj", b"stream", b"/Length 99999999", b"\\", b"(", b")", "ąćęłńóśźż".encode(),
                "ĄĆĘŁŃÓŚŹŻ".encode("cp1250"), b"12.03.2019", b" - ", b"\n\n", b"CENTRUM (CPS)", b"9" * 400]


def mutate_bytes(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(8)
        n = len(buf)
        if op == 0 and n:
            k = rng.randrange(n)
            buf[k] ^= 1 << rng.randrange(8)
        elif op == 1 and n:
            k = rng.randrange(n)
            buf[k:k + rng.randint(1, 8)] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2:
            k = rng.randint(0, n)
            buf[k:k] = rng.choice(_INTERESTING)
        elif op == 3 and n:
            k = rng.randrange(n)
            del buf[k:k + rng.randint(1, 64)]
        elif op == 4 and n:
            k = rng.randrange(n)
            chunk = buf[k:k + rng.randint(1, 256)]
            j = rng.randint(0, n)
            buf[j:j] = chunk * rng.randint(1, 4)
        elif op == 5 and others:
            other = rng.choice(others)
            if other:
                k = rng.randrange(len(other))
                buf = buf[:rng.randint(0, n)] + other[k:k + rng.randint(1, 512)]
        elif op == 6 and n:
            del buf[rng.randint(0, n):]
        elif op == 7 and n:
            k = rng.randrange(n)
            buf[k:k] = bytes([rng.randrange(256)]) * rng.randint(1, 2000)
    return bytes(buf)


def mutate_member(rng: random.Random, data: bytes, others: list[bytes]) -> bytes | None:
    """A .docx/.odt with one XML member mutated, re-zipped."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [n for n in zf.namelist() if n.endswith(".xml")]
            if not names:
                return None
            name = rng.choice(names)
            member = mutate_bytes(rng, zf.read(name), others)
            return fx.rezip(data, {name: member})
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return None


def mutate_text(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    text = data.decode("utf-8", errors="replace")
    pieces = ["\n", "\n\n", " ", ".", ",", ":", "(", ")", "-", "–", "•", "/", "12", "2019", "01.09.2018", "XII",
              "spotkań", "CENTRUM (CPS)", "w Olsztynie", "powiecie", "h", "godz.", "zł", "w tym", "9" * 40,
              chr(rng.randrange(0x20, 0x3000)), "\u00a0", "\ufeff", "\u0328", "ﬁ", "\x00", "\r"]
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(5)
        n = len(text)
        k = rng.randint(0, n)
        if op == 0:
            text = text[:k] + rng.choice(pieces) + text[k:]
        elif op == 1 and n:
            text = text[:k] + text[k + rng.randint(1, 40):]
        elif op == 2 and n:
            text = text[:k] + text[k:k + rng.randint(1, 200)] * rng.randint(1, 3) + text[k:]
        elif op == 3 and others:
            o = rng.choice(others).decode("utf-8", errors="replace")
            j = rng.randint(0, len(o))
            text = text[:k] + o[j:j + rng.randint(1, 300)]
        elif op == 4 and n:
            text = text[:k]
    return text[:1500].encode("utf-8", errors="replace")


def builtin(target: str, runs: int, seed: int, slow: float) -> int:
    fn = TARGETS[target]
    pool = seeds(target)
    rng = random.Random(seed)
    failures = 0
    slowest: list[tuple[float, int]] = []
    t0 = time.perf_counter()
    for i in range(runs):
        base = rng.choice(pool)
        if target == "extract":
            data = mutate_text(rng, base, pool)
        elif base[:2] == b"PK" and rng.random() < 0.5:
            data = mutate_member(rng, base, pool) or mutate_bytes(rng, base, pool)
        else:
            data = mutate_bytes(rng, base, pool)
        t = time.perf_counter()
        try:
            fn(data)
        except Exception:
            failures += 1
            OUT.mkdir(parents=True, exist_ok=True)
            path = OUT / f"{target}-{seed}-{i}.bin"
            path.write_bytes(data)
            print(f"FAIL input {i} saved as {path}:", file=sys.stderr)
            traceback.print_exc(limit=6)
        dt = time.perf_counter() - t
        if dt > slow:
            slowest.append((dt, i))
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / f"{target}-{seed}-{i}.slow.bin").write_bytes(data)
        if (i + 1) % 10_000 == 0:
            print(f"  {i + 1} inputs, {time.perf_counter() - t0:.0f} s, {failures} failure(s)", flush=True)
    elapsed = time.perf_counter() - t0
    print(f"fuzz {target}: {runs} inputs in {elapsed:.0f} s ({runs / max(elapsed, 1e-9):.0f}/s), "
          f"{failures} failure(s), {len(slowest)} input(s) over {slow:g} s"
          + (f" (slowest {max(slowest)[0]:.1f} s, saved in {OUT})" if slowest else ""))
    return 1 if failures else 0


def with_atheris(target: str, runs: int, seed: int, slow: float) -> int:
    import atheris  # type: ignore[import-not-found]

    corpus = OUT / f"corpus-{target}"
    corpus.mkdir(parents=True, exist_ok=True)
    for k, s in enumerate(seeds(target)):
        (corpus / f"seed{k}").write_bytes(s)
    fn = TARGETS[target]
    atheris.instrument_all()
    argv = [sys.argv[0], str(corpus), f"-runs={runs}", f"-seed={seed}", f"-timeout={max(int(slow * 10), 10)}",
            "-rss_limit_mb=4096", f"-artifact_prefix={OUT}/"]
    atheris.Setup(argv, fn)
    atheris.Fuzz()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("target", choices=sorted(TARGETS))
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow", type=float, default=5.0, help="list inputs slower than this (seconds)")
    ap.add_argument("--engine", choices=("auto", "atheris", "builtin"), default="auto")
    a = ap.parse_args()
    engine = a.engine
    if engine == "auto":
        try:
            import atheris  # type: ignore[import-not-found]  # noqa: F401
            engine = "atheris"
        except ImportError:
            engine = "builtin"
    print(f"fuzz {a.target}: {a.runs} inputs, engine {engine}, seed {a.seed}", flush=True)
    return (with_atheris if engine == "atheris" else builtin)(a.target, a.runs, a.seed, a.slow)


if __name__ == "__main__":
    sys.exit(main())
