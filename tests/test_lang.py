"""One language per interface: Polish by default, English with --lang en or SPRAWOZDANIA_LANG=en.

Only interface text is translated: the findings' messages stay as extracted, data (CSV, JSON
keys) stays as it is, and eval's TOTAL line is the reference scorer's in both languages.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.i18n import _PLACE, catalogue, lang_from_argv, set_lang, translate

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "owes-olsztyn_2018-09-01_2018-11-30.txt"
runner = CliRunner()


def _cli(*args: str | Path, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPRAWOZDANIA_LANG"}
    if lang is not None:
        env["SPRAWOZDANIA_LANG"] = lang
    env["COLUMNS"] = "120"
    return subprocess.run([sys.executable, "-c", "from extractor.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)


def test_help_is_polish_by_default_and_english_on_request() -> None:
    pl = _cli("--help")
    assert pl.returncode == 0
    assert pl.stdout.startswith("Użycie: sprawozdania [OPTIONS] COMMAND [ARGS]...")
    assert "Polecenia:" in pl.stdout and "Pokaż tę pomoc i zakończ." in pl.stdout
    assert "Wyodrębnij ze sprawozdań rodzaj" in pl.stdout
    sub = _cli("compare", "--help")
    assert "Porównaj sprawozdania organizacji" in sub.stdout and "Tylko sprawozdania tego rodzaju." in sub.stdout
    for en in (_cli("--lang", "en", "compare", "--help"), _cli("compare", "--help", "--lang=en"),
               _cli("compare", "--help", lang="en")):
        assert en.returncode == 0
        assert en.stdout.startswith("Usage: sprawozdania compare [OPTIONS]")
        assert "Compare an organisation's reports across periods" in en.stdout
        assert "Only reports of this kind." in en.stdout and "Użycie" not in en.stdout


def test_usage_errors_speak_one_language() -> None:
    """Typer's own copy of click writes its usage errors without gettext: they are read through
    the catalogue line by line, with no "Value error," of pydantic's left in them."""
    pl = _cli("extract", "r.txt", "--format", "xml")
    assert pl.returncode == 2
    assert pl.stderr.splitlines()[-3:] == [
        "Pomoc: 'sprawozdania extract --help'.", "",
        "Błąd: Niewłaściwa wartość '--format' / '-f': 'xml' nie jest jedną z wartości: 'rich', 'json', 'facts'."]
    assert _cli("audit", "--bogus").stderr.splitlines()[-1] == "Błąd: Nie ma opcji: --bogus (możliwe: --org)"
    en = _cli("extract", "r.txt", "--format", "xml", lang="en")
    assert en.stderr.splitlines()[-1] == "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'rich', " \
                                         "'json', 'facts'."
    assert "Try 'sprawozdania extract --help' for help." in en.stderr


def test_messages_are_polish_by_default_and_english_on_request(tmp_path: Path) -> None:
    missing = tmp_path / "brak.txt"
    pl = _cli("extract", missing)
    assert pl.returncode == 2
    assert pl.stderr == f"błąd: {missing}: nie można otworzyć (No such file or directory)\n"
    en = _cli("extract", missing, "--lang", "en")
    assert en.stderr == f"error: {missing}: cannot open (No such file or directory)\n"
    bad = _cli("--lang", "de", "extract", missing)
    assert bad.returncode == 2 and bad.stderr == "błąd: --lang='de': nieznany język (dostępne: pl, en)\n"
    bad = _cli("extract", missing, lang="xx")
    assert bad.returncode == 2 and "SPRAWOZDANIA_LANG='xx'" in bad.stderr


def test_findings_and_the_total_line_are_the_same_in_both_languages() -> None:
    docs = [json.loads(_cli("audit", SEED, "-f", "json", "--fail-on", "never", lang=lang).stdout)
            for lang in ("pl", "en")]
    assert docs[0] == docs[1]
    assert any("podano łącznie, a części sumują się do" in f["message"] for f in docs[0][0]["findings"])
    totals = [next(line for line in _cli("eval", "corpus", lang=lang).stdout.splitlines() if line.startswith("TOTAL"))
              for lang in ("pl", "en")]
    assert totals[0] == totals[1] and totals[0].startswith("TOTAL facts F1=")


def test_tables_speak_the_chosen_language(tmp_path: Path) -> None:
    r = runner.invoke(app, ["--lang", "pl", "extract", str(SEED)])
    assert r.exit_code == 0
    assert "rodzaj: częściowe" in r.output and "liczby wyjaśnione" in r.output and "Fakty" in r.output
    r = runner.invoke(app, ["--lang", "en", "extract", str(SEED)])
    assert "kind: partial" in r.output and "numbers explained" in r.output and "Facts" in r.output
    r = runner.invoke(app, ["--lang", "pl", "audit", str(SEED), "--fail-on", "never"])
    assert "ustalenia: " in r.output and "błąd" in r.output and "w. 9:" in r.output
    set_lang(None)


def test_language_option_anywhere_on_the_line() -> None:
    assert lang_from_argv(["extract", "x.txt", "--lang", "en"]) == ("en", ["extract", "x.txt"])
    assert lang_from_argv(["--lang=pl", "audit", "-f", "json"]) == ("pl", ["audit", "-f", "json"])
    assert lang_from_argv(["extract", "--", "--lang"]) == (None, ["extract", "--", "--lang"])


# --- the catalogue ------------------------------------------------------------------------------

def test_every_interface_text_has_its_polish() -> None:
    spec = importlib.util.spec_from_file_location("ui_texts", ROOT / "tools" / "ui_texts.py")
    tool = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(tool)  # type: ignore[union-attr]
    missing = sorted(tool.needed() - set(catalogue("pl")))
    assert missing == [], "texts missing from extractor/data/ui_pl.toml (python tools/ui_texts.py): " + repr(missing)


def test_templates_keep_their_places() -> None:
    for en, pl in catalogue("pl").items():
        assert sorted(_PLACE.findall(en)) == sorted(_PLACE.findall(pl)), en
        assert pl.strip(), en


def test_messages_made_by_the_library_are_matched_as_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    set_lang(None)                      # (an invocation's --lang lasts for its process)
    monkeypatch.setenv("SPRAWOZDANIA_LANG", "pl")
    assert translate("raport.docx: empty file (no text)") == "raport.docx: pusty plik (brak tekstu)"
    assert translate("no section 'XYZ' in the compared reports (sections: CPS, IPS)") == \
        "brak sekcji 'XYZ' w porównywanych sprawozdaniach (sekcje: CPS, IPS)"
    assert translate("a.pdf: unsupported format: an EPUB e-book") == "a.pdf: nieobsługiwany format: an EPUB e-book"
    assert translate("something the catalogue does not know") == "something the catalogue does not know"
    assert re.fullmatch(r"pominięte przez --kind partial sprawozdania \(końcowe\): 2; .*", translate(
        "2 final reports left out by --kind partial; run without --kind to include them"))
    monkeypatch.setenv("SPRAWOZDANIA_LANG", "en")
    assert translate("raport.docx: empty file (no text)") == "raport.docx: empty file (no text)"
