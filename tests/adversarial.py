"""The regular expressions the extraction pipeline runs, found wherever they are written,
and texts made to make a regular expression backtrack. Used by test_robustness.py and the
fuzz targets."""
from __future__ import annotations

import ast
import inspect
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_RE_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}


def pipeline_modules() -> list[Any]:
    """Every extractor module that extracting a text imports (the readers aside)."""
    from extractor import extract_text

    extract_text("Sprawozdanie częściowe za okres 01.01.2019 – 31.03.2019\n\nCENTRUM (CPS)\n\n5 spotkań.")
    return [m for name, m in sorted(sys.modules.items())
            if name.startswith("extractor.") and not name.startswith("extractor.read") and m is not None
            and getattr(m, "__file__", None)]


def _patterns_in(value: Any, depth: int = 0, where: str = "") -> Iterator[tuple[str, re.Pattern[str]]]:
    """(where, pattern) for the patterns in a value: itself, or inside dicts, lists, tuples."""
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield where, value
    elif depth < 3 and isinstance(value, dict):
        for k, v in value.items():
            yield from _patterns_in(v, depth + 1, f"{where}[{k!r}]")
    elif depth < 3 and isinstance(value, list | tuple):
        for i, v in enumerate(value):
            # a (name, pattern) pair is named by its name
            label = v[0] if isinstance(v, tuple) and v and isinstance(v[0], str) else i
            yield from _patterns_in(v, depth + 1, f"{where}[{label!r}]")


def _flags(node: ast.expr | None) -> int | None:
    """re.I | re.M … written as constants, else None (not known without running)."""
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        return int(getattr(re, node.attr, 0))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        a, b = _flags(node.left), _flags(node.right)
        return None if a is None or b is None else a | b
    return None


def _literals(module: Any) -> Iterator[tuple[str, re.Pattern[str]]]:
    """Patterns written as string literals in re.* calls anywhere in a module's source."""
    path = Path(module.__file__)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in _RE_CALLS and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        flag_node = None
        if node.func.attr in ("compile",) and len(node.args) > 1:
            flag_node = node.args[1]
        elif node.func.attr in ("search", "match", "fullmatch", "finditer", "findall") and len(node.args) > 2:
            flag_node = node.args[2]
        for kw in node.keywords:
            if kw.arg == "flags":
                flag_node = kw.value
        flags = _flags(flag_node)
        if flags is None:
            continue
        # named by the pattern, not the line: the name survives edits above it
        yield f"{module.__name__} re.{node.func.attr}({first.value[:48]!r})", re.compile(first.value, flags)


def core_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(where, pattern) for every distinct pattern of the pipeline: module constants,
    patterns built by cached factories (from the lexicons), and literals in re.* calls."""
    found: dict[tuple[str, int], tuple[str, re.Pattern[str]]] = {}

    def add(where: str, p: re.Pattern[str]) -> None:
        found.setdefault((p.pattern, p.flags), (where, p))

    for mod in pipeline_modules():
        for name, value in vars(mod).items():
            for where, p in _patterns_in(value, where=f"{mod.__name__}.{name}"):
                add(where, p)
            # @cache factories without arguments: structure._patterns(), dates._patterns(), …
            if callable(value) and hasattr(value, "cache_info") and getattr(value, "__module__", "") == mod.__name__:
                try:
                    params = inspect.signature(value).parameters
                except (TypeError, ValueError):
                    continue
                if all(p.default is not p.empty for p in params.values()):
                    for where, p in _patterns_in(value(), where=f"{mod.__name__}.{name}()"):
                        add(where, p)
        for where, p in _literals(mod):
            add(where, p)
    return sorted(found.values(), key=lambda wp: wp[0])


# --- adversarial text ---------------------------------------------------------------------

def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def adversarial_texts(size: int = 1_000_000) -> dict[str, str]:
    """Texts of `size` characters built to trip backtracking: long runs with no way to
    finish a match, repeated near-misses of dates, periods, numbers and headings."""
    rng = random.Random(2018)
    alphabet = "aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄCĆEĘŁNŃOÓSŚZŹŻ0123456789 .,:;-–/()\"„”\n"
    texts = {
        "letters": _fill("a", size),
        "polish letters": _fill("żółćgęśląjaźń", size),
        "capitals": _fill("PRZEDSIĘBIORCZOŚCI", size),
        "digits": _fill("1", size),
        "spaces": _fill(" ", size),
        "newlines": _fill("\n", size),
        "dots": _fill(".", size),
        "dashes": _fill("-", size),
        "brackets": _fill("(", size),
        "quotes": _fill('"', size),
        "digit dots": _fill("1.", size),
        "digit spaces": _fill("1 ", size),
        "grouped numbers": _fill("123 456 ", size),
        "date near-misses": _fill("12.11.20", size),
        "dates": _fill("01.09.2018 - ", size),
        "day lists": _fill("1, 2, 3, 4 i ", size),
        "comma lists": _fill("1, 2, 3, 4, 5, ", size),
        "and lists": _fill("1 i ", size),
        "short comma lists": _fill("1,2,3 ", size),
        "pairs": _fill("1,2 ", size),
        "numbers between days": _fill("5, 40, " * 25 + "5.1 ", size),
        "large numbers between days": _fill("5, 100, " * 20 + "5 maja ", size),
        # day lists are read backwards from their months: every dot here is read as the dot
        # before a month, with two days before it and a decimal ("1,1") that rules them out
        "lists after decimals": _fill("1,1.1,", size),
        "days before words": _fill("1, 2 maszyn ", size),
        "month words": _fill("od 1 marca 2019 r. do ", size),
        "body period": _fill("rozpoczął się w marcu 2019 ", size),
        "word lists": _fill("spotkania animacyjne, grupy inicjatywne i ", size),
        "headings": _fill("CENTRUM (CPS) ZADANIE 1 ", size),
        "phones": _fill("tel. 89 523 ", size),
        "places": _fill("w Lidzbarku Warmińskim, ", size),
        "random": "".join(rng.choice(alphabet) for _ in range(size)),
    }
    return texts


def list_texts(size: int = 1_000_000) -> dict[str, str]:
    """Texts made of day lists only: what reading them costs per list."""
    days = ", ".join(str(d) for d in range(1, 31))
    return {"numeric lists": _fill("1, 2.11 ", size), "Roman lists": _fill("1, 2.XI ", size),
            "lists with month names": _fill("1 i 2 maja ", size), "lists of 31 days": _fill(f"{days} i 31 maja ", size)}


# --- timing each pattern on its own, the way its callers use it ------------------------------

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


def _usage(modules: list[Any]) -> dict[str, set[str]]:
    """NAME -> the pattern methods called on NAME (or on module.NAME) in the pipeline's source;
    "factory()" -> those called on a factory's result directly (_money_re().match(…)), or search
    and finditer as well when a call of it is kept anywhere else (a local variable);
    "factory()[]" -> those called on an item of its result (_day_lists()[rule].match(…))."""
    out: dict[str, set[str]] = {}
    for mod in modules:
        tree = ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))
        receivers: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _METHODS:
                recv = node.func.value
                if isinstance(recv, ast.Call) and isinstance(recv.func, ast.Name) and not recv.args:
                    name: str | None = recv.func.id + "()"
                    receivers.add(id(recv))
                elif isinstance(recv, ast.Subscript) and isinstance(recv.value, ast.Call) \
                        and isinstance(recv.value.func, ast.Name) and not recv.value.args:
                    name = recv.value.func.id + "()[]"  # _day_lists()[rule].match(…)
                    receivers.add(id(recv.value))
                else:
                    name = recv.id if isinstance(recv, ast.Name) else recv.attr if isinstance(recv, ast.Attribute) else None
                if name:
                    out.setdefault(name, set()).add(node.func.attr)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args \
                    and id(node) not in receivers:
                for key in (node.func.id + "()", node.func.id + "()[]"):
                    if key in out:
                        out[key] |= {"search", "finditer"}
    return out


def pattern_uses() -> list[tuple[str, str, int, tuple[str, ...]]]:
    """(where, pattern, flags, how it is run) for every pattern of the pipeline. How: the
    methods its callers use — a pattern only ever .match()ed at a position is timed as a
    match, not as a scan of the whole text, and so is one a factory returns when every call of
    it is used so (_money_re().match(…)); patterns reached through a local variable or a
    subscript are timed both as a search and as a finditer (the costlier uses). A pattern whose
    name says it is run over reversed text (_reversed_list_starts()) is timed on the text
    reversed: "finditer reversed"."""
    usage = _usage(pipeline_modules())
    out = []
    for where, p in core_patterns():
        if " re." in where:       # an inline re.<fn>(literal, …): timed as that call
            fn = where.split(" re.", 1)[1].split("(", 1)[0]
            methods: set[str] = set() if fn == "compile" else {fn}
        elif "()[" in where:  # in a dict or list a factory returns: as factory()[…] is used
            methods = set(usage.get(where.split("()[", 1)[0].rsplit(".", 1)[-1] + "()[]", set()))
        elif "[" in where:
            methods = set()
        else:
            methods = set(usage.get(where.rsplit(".", 1)[-1], set()))
        if not methods:
            methods = {"search", "finditer"}
        if methods & {"findall", "sub", "subn", "split"}:
            methods = (methods - {"findall", "sub", "subn", "split"}) | {"finditer"}
        if "fullmatch" in methods:
            methods = (methods - {"fullmatch"}) | {"match"}
        # run over a reversed text (its constant or factory says so): timed on reversed text
        if "reversed" in where.split(" ", 1)[0].split("(", 1)[0].split("[", 1)[0].rsplit(".", 1)[-1]:
            methods = {m + " reversed" for m in methods}
        out.append((where, p.pattern, p.flags, tuple(sorted(methods))))
    return out


def time_one(p: re.Pattern[str], method: str, text: str, per_match: float) -> float:
    """Seconds the regex engine spends, beyond delivering matches (a tokenizer that yields a
    million tokens is not slow for it)."""
    import time

    if method.endswith(" reversed"):
        method, text = method.split()[0], text[::-1]
    t = time.perf_counter()
    if method == "finditer":
        n = 0
        for _ in p.finditer(text):
            n += 1
        return time.perf_counter() - t - n * per_match
    getattr(p, method)(text)
    return time.perf_counter() - t


def _per_match_cost(text: str) -> float:
    """What delivering one match costs: a pattern that matches every character, timed."""
    import time

    p = re.compile(r"[\s\S]")
    sample = text[:200_000] or "x"
    t = time.perf_counter()
    n = sum(1 for _ in p.finditer(sample))
    return (time.perf_counter() - t) / max(n, 1)


def _worker(jobs: list[tuple[str, str, int, str]], text: str, conn: Any) -> None:
    import gc

    gc.disable()  # a collection in the middle of a measurement is not the pattern's time
    per_match = min(_per_match_cost(text) for _ in range(3))
    for where, pattern, flags, method in jobs:
        conn.send(("start", where, method))
        dt = time_one(re.compile(pattern, flags), method, text, per_match)
        conn.send(("done", where, method, dt))
    conn.send(("end",))


def time_patterns(text: str, uses: list[tuple[str, str, int, tuple[str, ...]]], limit: float = 2.0
                  ) -> dict[tuple[str, str], float]:
    """{(where, method): seconds} for every pattern on `text`, each run in a child process
    that is killed when one measurement passes `limit` (recorded as inf): a catastrophic
    pattern would otherwise run for hours."""
    import multiprocessing as mp

    jobs = [(w, p, f, m) for w, p, f, methods in uses for m in methods]
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    out: dict[tuple[str, str], float] = {}
    while jobs:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(jobs, text, child), daemon=True)
        proc.start()
        child.close()
        current: tuple[str, str] | None = None
        while True:
            if not parent.poll(limit + 5.0 if current is None else limit):
                break  # stuck in one measurement
            try:
                msg = parent.recv()
            except EOFError:
                break
            if msg[0] == "start":
                current = (msg[1], msg[2])
            elif msg[0] == "done":
                out[(msg[1], msg[2])] = msg[3]
                current = None
            else:
                current = None
                break
        proc.kill()
        proc.join()
        done = set(out)
        if current is not None:
            out[current] = float("inf")
            done.add(current)
        remaining = [j for j in jobs if (j[0], j[3]) not in done]
        if len(remaining) == len(jobs):
            for j in jobs:  # the child died before starting: nothing measurable
                out[(j[0], j[3])] = float("inf")
            break
        jobs = remaining
    return out
