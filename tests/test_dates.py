"""Dates and ranges in every written form, years taken from the period."""
from __future__ import annotations

import pytest

from extractor import extract_text
from tests.conftest import values

HEAD = "Sprawozdanie częściowe za okres 01.03.2021 – 31.05.2021\n\nANIMACJA (AN)\n\n"


def dates(text, head=HEAD):
    rep = extract_text(head + text)
    return [(f.type, v) for f, v in zip(rep.facts, values(rep.facts), strict=True)
            if f.type in ("date", "date_range")], rep


@pytest.mark.parametrize("text, expected", [
    ("Spotkanie (12.03) i warsztat 7.04.", [("date", "2021-03-12"), ("date", "2021-04-07")]),
    ("Targi 15.05.2021 r. oraz 16.05.2021r.", [("date", "2021-05-15"), ("date", "2021-05-16")]),
    ("Wizyta 8.IV.2021 i 20 V 2021.", [("date", "2021-04-08"), ("date", "2021-05-20")]),
    ("Spotkanie 23 marca, potem 3 i 4 maja 2021 r.", [("date", "2021-03-23"), ("date", "2021-05-03"),
                                                      ("date", "2021-05-04")]),
    ("Moduł III (6,7,13,14.04) zakończono.", [("date", "2021-04-06"), ("date", "2021-04-07"),
                                              ("date", "2021-04-13"), ("date", "2021-04-14")]),
    ("Zajęcia (9.03, 16.03, 23.03) odbyły się.", [("date", "2021-03-09"), ("date", "2021-03-16"),
                                                  ("date", "2021-03-23")]),
    ("Targi (22.04.).Potem spotkanie.", [("date", "2021-04-22")]),
    ("Szkolenie 18-19.03., wizyta 30.04-02.05 i 4-5.05.", [("date_range", ("2021-03-18", "2021-03-19")),
                                                           ("date_range", ("2021-04-30", "2021-05-02")),
                                                           ("date_range", ("2021-05-04", "2021-05-05"))]),
    ("Festyn od 14 do 16 maja i wyjazd od 29 kwietnia do 2 maja.",
     [("date_range", ("2021-05-14", "2021-05-16")), ("date_range", ("2021-04-29", "2021-05-02"))]),
    ("Akcja trwała od 10.03 do 12.03, a kiermasz 3.V.2021 – 5.V.2021.",
     [("date_range", ("2021-03-10", "2021-03-12")), ("date_range", ("2021-05-03", "2021-05-05"))]),
])
def test_date_forms(text, expected):
    got, _ = dates(text)
    assert got == expected


def test_new_year_crossing():
    head = "Sprawozdanie częściowe za okres 01-11-2020 31-01-2021\n\nANIMACJA (AN)\n\n"
    got, rep = dates("Spotkania 18.12. i 12.01. oraz 30.11.", head)
    assert got == [("date", "2020-12-18"), ("date", "2021-01-12"), ("date", "2020-11-30")]
    assert not [f for f in rep.findings if f.code == "date_outside_period"]


def test_period_dates_are_not_facts_and_outside_dates_are_flagged():
    got, rep = dates("Spotkanie 14.06.")
    assert got == [("date", "2021-06-14")]
    out = [f for f in rep.findings if f.code == "date_outside_period"]
    assert len(out) == 1 and out[0].evidence[0].text == "14.06."


@pytest.mark.parametrize("text", [
    "Godziny pracy 8.00-16.00.", "Zgodnie z pkt 3.2 regulaminu.", "Oddano 2019 r. do użytku.",
])
def test_not_dates(text):
    got, _ = dates(text)
    assert got == []


def test_month_period_with_years_marked_r_and_year_less_dates():
    head = "Informacja za okres grudzień 2021 r. – luty 2022 r.\n\nANIMACJA (AN)\n\n"
    got, rep = dates("Spotkania 14.12., 19.01. i 10 lutego.", head)
    assert (rep.period.start.isoformat(), rep.period.end.isoformat()) == ("2021-12-01", "2022-02-28")
    assert got == [("date", "2021-12-14"), ("date", "2022-01-19"), ("date", "2022-02-10")]


def test_period_restated_in_header_is_not_a_range_fact():
    head = "Sprawozdanie nr 3\nOkres: I kwartał 2021 r. (01.01.2021–31.03.2021)\n\nANIMACJA (AN)\n\n"
    got, _ = dates("Spotkanie 12.02.", head)
    assert got == [("date", "2021-02-12")]


def test_date_after_a_glued_comma():
    got, _ = dates("Forum (online,20.05.) i szkolenie (stacjonarnie,21.05.).")
    assert got == [("date", "2021-05-20"), ("date", "2021-05-21")]


def test_year_less_date_in_a_multi_year_report_takes_the_year_named_before():
    head = "Sprawozdanie końcowe za okres 01.01.2017 – 31.12.2019\n\nANIMACJA (AN)\n\n"
    got, _ = dates("W 2018 r. odbyła się wizyta studyjna (15.11.), a w 2019 r. targi (3.06.).", head)
    assert got == [("date", "2018-11-15"), ("date", "2019-06-03")]


def test_year_after_a_line_break():
    got, _ = dates("Wizyta odbyła się 15.05.\n2021 r. w Kielcach.")
    assert got == [("date", "2021-05-15")]


def test_roman_month_lists_and_bare_roman_dates():
    got, _ = dates("Warsztaty 8, 15 i 22.V.2021, porozumienia (12 marca i 9 IV).")
    assert got == [("date", "2021-05-08"), ("date", "2021-05-15"), ("date", "2021-05-22"),
                   ("date", "2021-03-12"), ("date", "2021-04-09")]
    assert dates("Moduł IV i V oraz 3 IV kwartał.")[0] == []


def test_single_month_period():
    rep = extract_text("Informacja miesięczna\nOkres: październik 2021 r.\n\nZADANIE 1\nSpotkanie 14.10.")
    assert (rep.period.start.isoformat(), rep.period.end.isoformat()) == ("2021-10-01", "2021-10-31")


def test_month_name_dates_are_read_per_name_yet_match_dateparser_on_the_whole_date():
    """dateparser reads a month's name once; the day and year are checked here. The result is
    what dateparser gives for the whole date, for every name, case and day, impossible ones too."""
    from extractor.dates import _dateparser, month_of_name, parse_month_name_date
    from extractor.lexicon import lexicon

    def whole(t):
        d = _dateparser().get_date_data(t)
        return d.date_obj.date() if d and d.date_obj else None

    for word in ("kwietnia", "LUTEGO", "Październik", "wrzesnia", "grudzień"):
        assert word.lower() in lexicon().months
        for d, y in ((1, 2023), (29, 2024), (29, 2023), (30, 2022), (31, 2022)):
            text = f"{d} {word} {y}"
            assert parse_month_name_date(text) == whole(text), text
    assert month_of_name("kotka") is None and parse_month_name_date("3 kotka 2021") is None
    before = month_of_name.cache_info().misses
    parse_month_name_date("17 kwietnia 2030")
    parse_month_name_date("2 kwietnia 2031")
    assert month_of_name.cache_info().misses == before       # the name was read once, above
    rep = extract_text("Sprawozdanie roczne za rok 2022\n\nANIMACJA\n\nSpotkanie 30 lutego 2022 r. "
                       "i 28 lutego 2022 r.\n")
    assert [str(f.value) for f in rep.facts if f.type == "date"] == ["2022-02-28"]


def test_a_year_less_date_takes_the_year_of_the_dated_one_after_it_in_its_sentence():
    from extractor import extract_text

    rep = extract_text("Jesienna zbiórka odbyła się 9–10 grudnia 2021 r.\nWiosenną zbiórkę przeprowadzono 31 marca "
                       "i 1 kwietnia 2022 r., a zimową 28 grudnia i 4 stycznia 2023 r.")
    assert [f.flat_value for f in rep.facts if f.type == "date"] == \
        ["2022-03-31", "2022-04-01", "2022-12-28", "2023-01-04"]


def test_a_dated_mention_not_listed_with_the_date_does_not_give_it_its_year():
    from extractor import extract_text

    rep = extract_text("Sprawozdanie za okres 01.01.2022 – 31.12.2022\n\nSzkolenie 2 marca dotyczyło ustawy "
                       "uchwalonej 5 października 2021 r.")
    assert [f.flat_value for f in rep.facts if f.type == "date"][0] == "2022-03-02"
