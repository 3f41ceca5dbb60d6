"""Every stage is linear (or n·log n) in the text's length: doubling a report dense with counts,
dates and places at most doubles the work, give or take (a ratio of 2.5 is allowed). Times are
CPU time (what other processes do moves it less than wall time), the median of three runs,
the two sizes timed in turn in one run, in a process of its own: the test session's heap and
filled caches then weigh on neither size (in the session, the larger text ran about 30 %
slower than alone). No absolute time is asserted."""
from __future__ import annotations

import importlib.util
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from extractor import extract_text

_spec = importlib.util.spec_from_file_location("generate", Path(__file__).resolve().parent.parent / "tools" / "generate.py")
generate = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(generate)  # type: ignore[union-attr]

SIZE = 100_000


def _times(one_paragraph: bool) -> dict[int, list[float]]:
    """In a child process: three runs of each size, in turn, after a warm-up."""
    small, large = generate.dense(SIZE, one_paragraph), generate.dense(2 * SIZE, one_paragraph)
    extract_text(generate.dense(5_000, one_paragraph))  # caches warm
    times: dict[int, list[float]] = {len(small): [], len(large): []}
    for _ in range(3):
        for text in (small, large):
            t0 = time.process_time()
            rep = extract_text(text)
            times[len(text)].append(time.process_time() - t0)
            assert len(rep.facts) > len(text) // 200  # dense: the text is what it should be
    return times


@pytest.mark.parametrize("one_paragraph", [False, True], ids=["lines", "one-paragraph"])
def test_doubling_the_text_at_most_doubles_the_work(one_paragraph: bool) -> None:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        times = pool.submit(_times, one_paragraph).result()
    small, large = sorted(times)
    # the fastest of three runs each: another process on the machine only ever adds time (a median
    # took 2.6× once on a busy machine, where the fastest runs gave 2.4×; on a quiet one 1.8×)
    ratio = min(times[large]) / min(times[small])
    assert ratio <= 2.5, f"2× the text cost {ratio:.2f}× the time ({times})"


def test_a_text_over_spacys_default_limit_is_read() -> None:
    """spaCy refuses texts over 1 000 000 characters by default (E088); the limit is ours."""
    text = generate.dense(1_050_000, one_paragraph=False)
    rep = extract_text(text)
    assert rep.source.chars == len(text) > 1_000_000 and rep.facts


def test_a_text_over_the_limit_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import TextError, get_extractor

    nlp = get_extractor().nlp
    monkeypatch.setattr(nlp, "max_length", 50_000)
    with pytest.raises(TextError, match=r"over the limit of 50 000 \(SPRAWOZDANIA_MAX_CHARS\)"):
        extract_text(generate.dense(60_000))
