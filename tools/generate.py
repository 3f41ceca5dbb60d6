#!/usr/bin/env python3
"""Generated reports for benchmarks and scaling tests (seeded: the same seed gives the same texts).

    python tools/generate.py reports DIR --count 10000 [--seed 1]   # seed-sized reports, varied from the corpus
    python tools/generate.py dense FILE --chars 400000 [--one-paragraph]

`reports`: each text takes a header (title and period) of one corpus report and paragraphs of
others, with every figure that is not part of a date or year replaced by another of about the
same size; about 2 000 characters, like the seed report. `dense`: one long report made of
sentences each holding counts, breakdowns, hours, dates and places, on lines of their own or as
one paragraph — the worst case for work that grows with the text.
"""
from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

_FIGURE = re.compile(r"(?<![\d.,:/\-])\d{1,3}(?![\d.,:/\-]|\s?(?:r\.|roku))")


def _corpus_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*.txt")) if "gold" not in p.parts]


def _vary(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        v = int(m.group())
        return str(max(1, v + rng.randint(-max(1, v // 3), max(1, v // 3))))
    return _FIGURE.sub(repl, text)


def reports(count: int, seed: int = 1, size: int = 2000) -> list[str]:
    """`count` varied seed-sized reports."""
    rng = random.Random(seed)
    texts = _corpus_texts()
    heads, paras = [], []
    for t in texts:
        blocks = [b for b in re.split(r"\n\s*\n", t) if b.strip()]
        if len(blocks) > 1:
            heads.append(blocks[0])
            paras.extend(blocks[1:])
    out = []
    for _ in range(count):
        parts = [rng.choice(heads)]
        while sum(len(p) for p in parts) < size:
            parts.append(_vary(rng.choice(paras), rng))
        out.append("\n\n".join(parts) + "\n")
    return out


_TOWNS = ["Olsztynie", "Ełku", "Piszu", "Mrągowie", "Giżycku", "Kętrzynie", "Ostródzie", "Iławie", "Bartoszycach"]


def _sentence(rng: random.Random) -> str:
    k = rng.randint(2, 60)
    d, m = rng.randint(1, 28), rng.randint(9, 11)
    town = rng.choice(_TOWNS)
    return rng.choice([
        f"Przeprowadzono {k} spotkań animacyjnych w {town} ({d}.{m}). ",
        f"Doradztwo prawne {k} h, księgowe {k + 3} h. ",
        f"Odbyło się {k + 1} szkoleń: {k} w PUP i 1 w OPS. ",
        f"Liczba uczestników: {k}\n",
        f"W spotkaniach wzięło udział {k} osób, w tym {k // 2} kobiet. ",
        f"Wizyta studyjna {d}-{d + 1}.{m:02d}.2018 r. w {town}. ",
        f"Spotkania w powiecie mrągowskim i w gminie Sorkwity – razem {k} spotkań. ",
    ])


def dense(chars: int, one_paragraph: bool = False, seed: int = 1) -> str:
    """One report of about `chars` characters, dense with facts."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        s = _sentence(rng)
        parts.append(s)
        size += len(s)
        if not one_paragraph and rng.random() < 0.2:
            parts.append("\n\n")
            size += 2
    body = "".join(parts)
    if one_paragraph:
        body = body.replace("\n", " ")
    return "Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)\n\n" + body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("reports")
    r.add_argument("dir", type=Path)
    r.add_argument("--count", type=int, default=1000)
    r.add_argument("--seed", type=int, default=1)
    d = sub.add_parser("dense")
    d.add_argument("file", type=Path)
    d.add_argument("--chars", type=int, default=400_000)
    d.add_argument("--one-paragraph", action="store_true")
    d.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.cmd == "reports":
        a.dir.mkdir(parents=True, exist_ok=True)
        for i, text in enumerate(reports(a.count, a.seed)):
            (a.dir / f"r{i:05d}.txt").write_text(text, encoding="utf-8")
        print(f"{a.count} reports in {a.dir}")
    else:
        a.file.write_text(dense(a.chars, a.one_paragraph, a.seed), encoding="utf-8")
        print(f"{a.chars} characters in {a.file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
