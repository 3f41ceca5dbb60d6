"""OCR repairs on sentences written for these tests (no OCR needed): each rule repairs its
slip, leaves look-alike text that is right alone, maps offsets back to the text as read,
and never runs on a typed report."""
from __future__ import annotations

import pytest

from extractor.datafiles import DataFileError
from extractor.ocr_repair import parse_rules, repair_ocr
from extractor.offsets import Remap


def fixed(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    new, _back, reps = repair_ocr(text)
    return new, [(r.read, r.repaired, r.rule) for r in reps]


@pytest.mark.parametrize("read, want", [
    ("Zorganizowano 2O warsztatów.", "Zorganizowano 20 warsztatów."),
    ("Umowa z dnia l5.O3.2O21 r.", "Umowa z dnia 15.03.2021 r."),
    ("Wzięło udział l2 osób, w tym 1O kobiet.", "Wzięło udział 12 osób, w tym 10 kobiet."),
])
def test_letters_read_for_digits_inside_numbers(read, want):
    new, reps = fixed(read)
    assert new == want
    assert reps and all(r[2] == "digit_lookalike" for r in reps)


@pytest.mark.parametrize("text", [
    "Spotkanie 12.IV.2022 r. w ramach II Forum i III edycji.",     # Roman numerals stay
    "O godzinie 10 Olga i Iwona otworzyły I spotkanie.",          # words, a lone I or O
    "Kod pocztowy 10-100, numer lokalu 5a, l. porządkowa 7.",     # a lone l. is an abbreviation
])
def test_no_digit_repair_outside_numbers(text):
    assert fixed(text) == (text, [])


def test_date_separators_in_a_list_of_dates():
    new, reps = fixed("Dyżury odbyły się (3.02., 17:02., 3,03.) oraz 2.03 i 9:03, a zebranie o 18:30.")
    assert new == "Dyżury odbyły się (3.02., 17.02., 3.03.) oraz 2.03 i 9.03, a zebranie o 18:30."
    assert [r[0] for r in reps] == ["17:02", "3,03", "9:03"]
    # a lone decimal or a clock time is not a date
    assert fixed("Średnio 2,5 h na osobę; koszt 12,50 zł; start o 20:10.")[1] == []
    # a day and a two-digit month with its dot is a date on its own
    assert fixed("Targi (14,06.) w Gdyni.")[0] == "Targi (14.06.) w Gdyni."


def test_lost_spaces_around_one_letter_words():
    new, reps = fixed("Udział wzięło 4 z OPS i 2w ŚDS, 5 z KISi2z PUP; zajęcia 3i 4 maja.")
    assert new == "Udział wzięło 4 z OPS i 2 w ŚDS, 5 z KIS i 2 z PUP; zajęcia 3 i 4 maja."
    assert {r[2] for r in reps} == {"lost_space"}
    # units and abbreviations glued to numbers are how people type: left alone
    for typed in ("Doradztwo 17h, do 2024r., 3os., 5lat, lokal 12a, 2x w tygodniu, sala A1, COVID-19."):
        assert fixed(typed)[1] == [], typed


def test_heading_broken_over_two_lines_is_joined():
    new, reps = fixed("CENTRUM PRZEDSIĘBIORCZOŚCI\n\nSPOŁECZNEJ (CPS)\n\nOdbyło się 5 spotkań.\n")
    assert new.startswith("CENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)\n\n")
    assert reps[0][2] == "heading_join"
    # two headings in a row that are each a section stay two
    two = "ANIMACJA\n\nUSŁUGI SZKOLENIOWE\n\nTekst.\n"
    assert fixed(two) == (two, [])


def test_bullets_read_as_other_marks():
    new, reps = fixed("Działania:\n» szkolenia – 4\n« doradztwo – 12 h\nCena » rynek.\n")
    assert new == "Działania:\n• szkolenia – 4\n• doradztwo – 12 h\nCena » rynek.\n"
    assert [r[2] for r in reps] == ["bullet", "bullet"]


def test_a_letter_read_for_a_capital_inside_a_word_in_capitals():
    new, reps = fixed("Punkty: lPS Gołdap (4), CWl w Ełku, ŚDS/lPS Ryn; XlI edycja.\n")
    assert new == "Punkty: IPS Gołdap (4), CWI w Ełku, ŚDS/IPS Ryn; XII edycja.\n"
    assert {r[2] for r in reps} == {"capital_lookalike"} and len(reps) == 4
    # words not in capitals, a lone letter, a word of look-alikes only: as read
    same = "Było lat 12, l osoba z Pisza, wiele l|l i Ol razem.\n"
    assert fixed(same) == (same, [])


def test_lost_polish_letters_restored_only_in_a_text_that_has_them():
    new, reps = fixed("Przeprowadzono 14 szkolen dla uczestników z gmin wiejskich; godz. 10.")
    assert new == "Przeprowadzono 14 szkoleń dla uczestników z gmin wiejskich; godz. 10."
    assert reps == [("szkolen", "szkoleń", "diacritics")]
    plain = "Przeprowadzono 14 szkolen dla uczestnikow z gmin wiejskich w Bialogardzie."
    assert fixed(plain) == (plain, [])          # typed without Polish letters: as the scan shows


def test_offsets_map_back_to_the_text_as_read():
    read = "Razem 3O spotkań: WTZi1w ŚDS (06,09.)."
    new, back, reps = repair_ocr(read)
    rm = Remap(read, [back])
    for word in ("30 spotkań", "ŚDS", "06.09."):
        s = new.index(word)
        a, b = rm.start(s), rm.end(s + len(word))
        assert read[a:b].replace(",", ".").replace("O", "0") in (word, "06.09.", "30 spotkań"), (word, read[a:b])
    for r in reps:
        assert read[r.start:r.end] == r.read


def test_only_regions_are_repaired():
    text = "Strona pisana: 3O osób.\n\nStrona skanu: 3O osób.\n"
    cut = text.index("Strona skanu")
    new, _b, reps = repair_ocr(text, [(cut, len(text))])
    assert new == "Strona pisana: 3O osób.\n\nStrona skanu: 30 osób.\n"
    assert len(reps) == 1 and reps[0].start > cut


def test_rules_are_checked_when_loaded():
    from extractor.datafiles import read_toml

    good = read_toml("ocr_repair.toml")
    parse_rules(good)
    bad = {**good, "digits": {**good["digits"], "lookalikes": {"O": "zero"}}}
    with pytest.raises(DataFileError, match=r"^ocr_repair\.toml: digits\.lookalikes"):
        parse_rules(bad)
    with pytest.raises(DataFileError, match=r"headings: Field required"):
        parse_rules({k: v for k, v in good.items() if k != "headings"})
    with pytest.raises(DataFileError, match=r"bullets\.marks"):
        parse_rules({**good, "bullets": {"marks": ["»»"], "bullet": "•"}})
    with pytest.raises(DataFileError, match=r"digit_confusions\.pairs"):
        parse_rules({**good, "digit_confusions": {"pairs": ["66"]}})


def test_a_sum_a_digit_misread_would_explain_says_which_figure_to_check():
    """On a scan, a total and parts that one digit OCR takes for another would make add up: the
    sum_mismatch names the figure (two at most, the least surely read first); never changes it."""
    from extractor import extract_text
    from extractor.provenance import hint_digit_swaps

    def mismatch(sentence: str) -> str:
        rep = extract_text("Sprawozdanie za rok 2021\n\nDORADZTWO\n\n" + sentence)
        hint_digit_swaps(rep)
        return next(f.message for f in rep.findings if f.code == "sum_mismatch")

    # 8 and 9 look alike: 18 read for 19 = 7 + 12, and no other one swap makes them add up
    assert mismatch("Udzielono 18 porad: 7 prawnych i 12 księgowych.").endswith(
        "(7+12) — na skanie sprawdź „18 porad” (może 19): OCR myli te cyfry")
    # two swaps fit (6 for 8, 3 for 5): both named
    assert mismatch("Udzielono 21 porad: 6 prawnych i 13 księgowych.").endswith(
        "sprawdź „6 prawnych” (może 8) albo „13 księgowych” (może 15): OCR myli te cyfry")
    assert "sprawdź" not in mismatch("Udzielono 40 porad: 6 prawnych i 13 księgowych.")   # no swap fits


def test_typed_report_is_never_repaired(tmp_path):
    from extractor import extract

    p = tmp_path / "r.txt"
    p.write_text("Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCENTRUM PRZEDSIĘBIORCZOŚCI "
                 "SPOŁECZNEJ (CPS)\n\nOdbyło się 3O spotkań w WTZi1w ŚDS (06,09.).\n", encoding="utf-8")
    rep = extract(p)
    assert not [f for f in rep.findings if f.code in ("ocr_repair", "low_confidence")]
    assert all(f.provenance is None or f.provenance.confidence is None for f in rep.facts)
