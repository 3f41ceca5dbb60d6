"""The interface texts the Polish catalogue (extractor/data/ui_pl.toml) must hold.

    python tools/ui_texts.py            # prints the texts the catalogue lacks, as TOML lines
    python tools/ui_texts.py --stale    # and the catalogue's entries no code uses any more

Texts are: every literal first argument of `tr(...)` in extractor/ (found in the source), and
every help text, epilog and option help of the command line (read from the click commands
typer builds, in English).
"""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def tr_texts() -> set[str]:
    out = set()
    for path in (ROOT / "extractor").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr" \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                out.add(node.args[0].value)
    return out


def help_texts() -> set[str]:
    from typing import Any

    import typer

    from extractor.cli import app

    out: set[str] = set()

    def walk(cmd: Any) -> None:
        for attr in ("help", "short_help", "epilog"):
            v = getattr(cmd, attr, None)
            if isinstance(v, str) and v:
                out.add(v)
        for p in cmd.params:
            v = getattr(p, "help", None)
            if isinstance(v, str) and v:
                out.add(v)
        if hasattr(cmd, "commands"):          # a group (typer may bring its own click)
            for sub in cmd.commands.values():
                walk(sub)

    walk(typer.main.get_command(app))
    return out


def needed() -> set[str]:
    return tr_texts() | help_texts()


def main() -> None:
    from extractor.i18n import catalogue

    cat = catalogue("pl")
    for text in sorted(needed() - set(cat)):
        print(f"{json.dumps(text, ensure_ascii=False)} = \"\"")
    if "--stale" in sys.argv:
        from extractor.i18n import _PLACE

        used = needed()
        for text in sorted(set(cat) - used):
            if not _PLACE.search(text):           # templates for messages made elsewhere stay
                print(f"# not used: {json.dumps(text, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
