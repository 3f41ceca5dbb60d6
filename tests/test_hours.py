"""Hours of services: with a unit, with the unit once, or with none in a consultancy list."""
from __future__ import annotations

import pytest


def hours(facts, text):
    _, fs = facts(text, "hours")
    return [(f.value, f.subject) for f in fs]


@pytest.mark.parametrize("text, expected", [
    ("Świadczono coaching zespołowy 36 h.", [(36, "coaching zespołowy")]),
    ("Zrealizowano doradztwo marketingowe 9h.", [(9, "doradztwo marketingowe")]),
    ("Szkolenie z księgowości trwało 16 godz. dla 10 osób.", [(16, "szkolenie z księgowości")]),
    ("Udzielono 120 godzin doradztwa.", [(120, "doradztwo")]),
    # loanwords the dictionary lacks: the case ending replaced (lexicon: unknown_word_endings)
    ("Networkingu dla liderów było 14 h.", [(14, "networking dla liderów")]),
    ("Zapewniono 30 godzin crowdfundingu.", [(30, "crowdfunding")]),
])
def test_hours_with_unit(facts, text, expected):
    assert hours(facts, text) == expected


def test_list_head_inherited(facts):
    got = hours(facts, "Doradztwo: finansowe 14 h, prawne 5 h, kadrowe 3h.")
    assert got == [(14, "doradztwo finansowe"), (5, "doradztwo prawne"), (3, "doradztwo kadrowe")]


def test_unit_written_once(facts):
    got = hours(facts, "Doradztwo specjalistyczne: prawne 7, księgowe 22, marketingowe 4 h.")
    assert [v for v, _ in got] == [7, 22, 4]
    assert got[1][1] == "doradztwo księgowe"


def test_no_unit_in_consultancy_list(facts):
    got = hours(facts, "Mentoring 30 h, dor. prawne/księgowe 18, marketingowe 6. Odbyły się też 2 spotkania.")
    assert got == [(30, "mentoring"), (18, "doradztwo prawne/księgowe"), (6, "doradztwo marketingowe")]


def test_unitless_numbers_outside_consultancy_are_not_hours(facts):
    rep, fs = facts("Uczestnicy 12, opiekunowie 3.", "hours")
    assert fs == []


def test_time_of_day_is_not_hours(facts):
    assert hours(facts, "Dyżur w godz. 10.00-14.00 oraz o godz. 16:30.") == []


def test_approximate_hours(facts):
    _, fs = facts("Udzieliliśmy prawie 2500 godzin doradztwa.", "hours")
    assert [(f.value, f.approximate) for f in fs] == [(2500, True)]


def test_subjects_skip_years_generic_words_and_join_hyphenation(facts):
    assert hours(facts, "Świadczono coaching zespołów w kolejnych latach: 2019 r. – 40 h, 2020 r. – 55 h.") == \
        [(40, "coaching zespołów"), (55, "coaching zespołów")]
    assert hours(facts, "Doradztwo prawne w łącznym wymiarze 84 godzin.") == [(84, "doradztwo prawne")]
    assert hours(facts, "Doradztwo: kadrowe 4 h, finanso-\nwe 9 h.") == [(4, "doradztwo kadrowe"), (9, "doradztwo finansowe")]


def test_unit_named_in_the_list_head(facts):
    got = hours(facts, "Doradztwo specjalistyczne (w godz.): prawne 9, z zakresu RODO 4.")
    assert [v for v, _ in got] == [9, 4]


def test_decimals_thousands_and_times(facts):
    assert hours(facts, "Doradztwo prawne 2.5 h, księgowe 7,5 h.") == [(2.5, "doradztwo prawne"), (7.5, "doradztwo księgowe")]
    assert hours(facts, "Udzielono 1.250 godzin doradztwa.") == [(1250, "doradztwo")]
    assert hours(facts, "Udzielono 45 godzin doradztwa prawnego oraz 20 h doradztwa księgowego.") == \
        [(45, "doradztwo prawne"), (20, "doradztwo księgowe")]
    rep, fs = facts("Spotkanie trwało od 9.00 do 15.00 i dotyczyło 5 PES.")
    assert [(f.type, f.value) for f in fs if f.type in ("count", "hours", "date")] == [("count", 5)]
