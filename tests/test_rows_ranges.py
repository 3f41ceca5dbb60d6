"""Label rows, label-first breakdowns, ranges, totals without a noun, subsets, plans, and
numbers that are no counts — sentences of our own."""
from __future__ import annotations

import pytest

from models import Quantity
from tests.conftest import values


def _q(fs, text):
    return next(f for f in fs if isinstance(f, Quantity) and f.span.text.strip() == text)


# --- a figure ends its line: rows of "label: N", "label<TAB>N", "label N" -----------------------

def test_rows_each_count_their_own_label(facts):
    rep, fs = facts("Wizyty studyjne: 4\nDyżury doradcze: 31\nKonferencje 2\nOsoby niepełnosprawne 17\n")
    got = {(f.value, f.subject) for f in fs if f.type == "count"}
    assert got == {(4, "wizyta studyjna"), (31, "dyżur doradczy"), (2, "konferencja"), (17, "osoba niepełnosprawna")}
    assert all("\n" not in f.span.text for f in fs)
    assert not [f for f in rep.findings if f.code == "unexplained_number"]


def test_table_rows_with_measure_heads(facts):
    _, fs = facts("Liczba wizyt studyjnych\t3\nLiczba godzin coachingu\t42\nIlość godzin szkoleń: 16\n"
                  "Liczba przedsiębiorstw społecznych: 9\n")
    got = {(f.type, f.value, f.subject) for f in fs if f.type in ("count", "hours")}
    assert got == {("count", 3, "wizyta studyjna"), ("hours", 42, "coaching"), ("hours", 16, "szkolenie"),
                   ("count", 9, "przedsiębiorstwo społeczne")}


def test_a_wrapped_line_still_reaches_its_noun(facts):
    _, fs = facts("W okresie sprawozdawczym doradcy przeprowadzili 27\nkonsultacji indywidualnych.", "count")
    assert [(f.value, f.subject) for f in fs] == [(27, "konsultacja indywidualna")]


# --- label first, hyphen on either side ------------------------------------------------------

@pytest.mark.parametrize("text, parts", [
    ("Zrealizowano 9 spot.: sołectwa-4, parafie -2, KGW- 3.", [4, 2, 3]),
    ("Odbyło się 11 wizyt: Gdańsk-6, Sopot-5.", [6, 5]),
])
def test_label_first_items_with_glued_hyphens(facts, text, parts):
    rep, fs = facts(text, "count")
    total = fs[0]
    assert [f.value for f in fs if f.part_of == total.id] == parts
    assert not [f for f in rep.findings if f.code == "sum_mismatch"]


def test_a_code_is_still_a_code(facts):
    rep, fs = facts("Z powodu pandemii COVID-19 szkolenia przeniesiono do sieci.", "count")
    assert fs == []


def test_a_total_before_its_colon_list(facts):
    _, fs = facts("Wizyty monitorujące – 14: w spółdzielniach 9, w fundacjach 5.", "count")
    total = _q(fs, "Wizyty monitorujące – 14")
    assert total.subject == "wizyta monitorująca"
    assert sorted(f.value for f in fs if f.part_of == total.id) == [5, 9]


# --- totals that name nothing -----------------------------------------------------------------

def test_places_in_brackets_then_a_bare_total(facts):
    _, fs = facts("Dyżury prowadzono w Piszu (7), Orzyszu (2) i Rucianem-Nidzie (4) – razem 13.", "count")
    total = next(f for f in fs if f.value == 13)
    assert total.subject == "dyżur"
    parts = [f for f in fs if f.part_of == total.id]
    assert [p.value for p in parts] == [7, 2, 4]
    assert parts[0].span.text == "w Piszu (7)"


def test_a_list_under_a_head_with_its_total(facts):
    rep, fs = facts("Słuchacze kursu: seniorzy – 8, studenci – 11, ogółem – 19.", "count")
    total = next(f for f in fs if f.value == 19)
    assert total.subject == "słuchacz kursu"
    assert [f.value for f in fs if f.part_of == total.id] == [8, 11]
    assert all(not f.span.text.startswith(" ") for f in fs)


# --- ranges -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, span", [
    ("Na każdym dyżurze pojawiało się 6–9 osób.", 9, "6–9 osób"),
    ("Grupy liczyły od 12 do 14 uczestników.", 14, "od 12 do 14 uczestników"),
    ("Warsztat trwał 4-5 godzin.", 5, "4-5 godzin"),
])
def test_a_range_is_one_approximate_figure(facts, text, value, span):
    rep, fs = facts(text)
    qs = [f for f in fs if isinstance(f, Quantity)]
    assert [(q.value, q.span.text, q.approximate) for q in qs] == [(value, span, True)]
    assert not [f for f in rep.findings if f.code == "unexplained_number"]
    assert not [q for q in qs if q.subject == "do"]


@pytest.mark.parametrize("text", [
    "Działania wpisują się w strategię rozwoju gminy na lata 2015–2025.",
    "Partnerstwo zawarto w ramach perspektywy 2021-2027.",
])
def test_a_span_of_years_is_no_count_and_is_explained(facts, text):
    rep, fs = facts(text)
    assert not [f for f in fs if isinstance(f, Quantity)]
    assert not [f for f in rep.findings if f.code == "unexplained_number"]


def test_a_date_range_is_not_a_count_range(facts):
    _, fs = facts("Szkolenie odbyło się 14-15.11.2018 w Ełku.")
    assert [f.type for f in fs] == ["date_range", "location"]


# --- subsets, breakdowns, plans ---------------------------------------------------------------

def test_z_tego_opens_a_subset_and_tj_a_breakdown(facts):
    _, fs = facts("Wsparcie otrzymało 30 podmiotów, z tego 12 fundacji. Wydano 9 opinii, tj. 6 pozytywnych i 3 negatywne.",
                  "count")
    sub = _q(fs, "12 fundacji")
    assert sub.subset and sub.part_of == _q(fs, "30 podmiotów").id
    parts = [f for f in fs if f.part_of == _q(fs, "9 opinii").id]
    assert [p.value for p in parts] == [6, 3] and not any(p.subset for p in parts)


@pytest.mark.parametrize("text, planned", [
    ("W marcu założono 2 spółdzielnie socjalne.", False),
    ("Założono powstanie 6 nowych przedsiębiorstw.", True),
    ("W przyszłym roku przeprowadzimy 7 szkoleń.", True),
    ("Na II kwartał planujemy 3 wizyty studyjne.", True),
    ("Plan na 2019 r. obejmuje 20 doradztw.", True),
    ("Zgodnie z planem przeprowadzono 8 szkoleń.", False),
    ("Odbyły się 4 spotkania.", False),
])
def test_planned(facts, text, planned):
    _, fs = facts(text, "count")
    assert [f.planned for f in fs] == [planned]


# --- numbers that are no counts ---------------------------------------------------------------

def test_two_digit_years_fractions_and_prices(facts):
    rep, fs = facts("Doradca pracował na 1/2 etatu od 5.09.18; szkolenie 12-13.10.18 kosztowało 900,- zł.")
    assert [f.type for f in fs] == ["date", "date_range", "amount"]
    assert values(fs) == ["2018-09-05", ("2018-10-12", "2018-10-13"), 900]
    assert not [f for f in rep.findings if f.code == "unexplained_number"]


def test_a_town_form_inside_an_organisation_name_is_no_place(facts):
    _, fs = facts("Warsztaty odbyły się w Kole Emerytów i Rencistów oraz w Kole.", "location")
    assert [(f.value, f.span.text) for f in fs] == [("Koło", "Kole")]


def test_the_genre_word_wins_an_ambiguous_form(facts):
    _, fs = facts("Zawarto 7 umów o współpracy.", "count")
    assert fs[0].subject.startswith("umowa")
