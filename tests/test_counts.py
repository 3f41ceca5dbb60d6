"""Counts, breakdowns and the numbers that are never counts — sentences of our own."""
from __future__ import annotations

import pytest

from tests.conftest import values


def counts(facts, text):
    rep, fs = facts(text, "count")
    return rep, fs


@pytest.mark.parametrize("text, expected", [
    ("Przeprowadzono 14 spotkań z sołtysami.", [14]),
    ("Wsparciem objęto 5 nowych spółdzielni socjalnych.", [5]),
    ("Działały 2 IPS-y oraz 4 KIS-y.", [2, 4]),
    ("Grupy robocze (6) zebrały się w maju.", [6]),
    ("W 4 warsztatach udział wzięło 57 seniorów.", [4, 57]),
    ("Wsparliśmy pięciu przedsiębiorców i dwie fundacje.", [5, 2]),
    ("Utworzono trzydzieści dwa miejsca pracy.", [32]),
    ("Doradcy spotkali się z jedenastoma grupami.", [11]),
    ("Wsparcie otrzymało 3 nowo powstałe PS.", [3]),
    ("Zorganizowano 9 spot. z mieszkańcami.", [9]),
    ("Zrekrutowano 12 os. do szkolenia.", [12]),
])
def test_counts(facts, text, expected):
    _, fs = counts(facts, text)
    assert values(fs) == expected


@pytest.mark.parametrize("text", [
    "Odbyło się I Forum Ekonomii Społecznej i II edycja targów.",
    "Prowadzono szkolenia w ramach m. IV oraz modułu III.",
    "W 2019 r. rozpoczęto prace; na lata 2021–2027 zaplanowano nowe działania.",
    "Dyżury odbywały się 3 dni w tygodniu w godz. 9:00–15:30.",
    "Kontakt: tel. 89 527 31 40, ul. Kościuszki 12, 10-503 Olsztyn.",
    "Udział PS wzrósł o 15% w ciągu roku, a 20 proc. stanowiły kobiety.",
    "Przyznano dotacje w kwocie 1 204 556,20 zł oraz 310 000 PLN; wkład 45 tys. zł.",
    "Spółdzielnia uzyskała certyfikat ISO 9001 mimo pandemii SARS-CoV-2.",
    "Zgłosiło się kilkanaście osób i kilka organizacji.",
    "Strona 2 z 5",
])
def test_never_counts(facts, text):
    _, fs = counts(facts, text)
    assert fs == []


def test_money_is_an_amount_not_a_count(facts):
    rep, _ = facts("Przyznano 6 dotacji na łączną kwotę 142 500,00 zł.")
    amounts = [f for f in rep.facts if f.type == "amount"]
    assert [a.value for a in amounts] == [142500.0]
    assert values([f for f in rep.facts if f.type == "count"]) == [6]


@pytest.mark.parametrize("text, value", [
    ("Na konferencję przyszło ok. 120 osób.", 120),
    ("Wsparciem objęto ponad 70 podmiotów.", 70),
    ("Przeszkolono prawie 200 wolontariuszy.", 200),
    ("Powstało min. 35 miejsc pracy.", 35),
    ("Działało co najmniej 8 grup.", 8),
])
def test_approximate(facts, text, value):
    _, fs = counts(facts, text)
    assert [(f.value, f.approximate) for f in fs] == [(value, True)]


def test_planned_beside_achieved(facts):
    _, fs = counts(facts, "Utworzyliśmy 64 miejsca pracy (zakładaliśmy 50), a planowano 12 dotacji.")
    got = [(f.value, f.planned) for f in fs]
    assert (64, False) in got and (50, True) in got and (12, True) in got
    planned = [f for f in fs if f.value == 50][0]
    assert planned.subject == fs[0].subject


def test_number_first_breakdown_with_sum(facts):
    rep, fs = counts(facts, "Spotkania informacyjne – 21 spotkań: 9 w GOPS, 8 w szkołach i 4 w bibliotekach.")
    total = fs[0]
    assert (total.value, total.subject) == (21, "spotkanie informacyjne")
    parts = [f for f in fs if f.part_of == total.id]
    assert [(p.value, p.label) for p in parts] == [(9, "GOPS"), (8, "szkoła"), (4, "biblioteka")]
    assert not [f for f in rep.findings if f.code == "sum_mismatch"]


def test_category_first_breakdown_with_dash_separators(facts):
    rep, fs = counts(facts, "Zorganizowano 15 spotkań – UG/UM -6, PUP- 5, OPS-3, szkoły 2.")
    total = fs[0]
    parts = [f for f in fs if f.part_of == total.id]
    assert [(p.value, p.label) for p in parts] == [(6, "UG/UM"), (5, "PUP"), (3, "OPS"), (2, "szkoła")]
    mism = [f for f in rep.findings if f.code == "sum_mismatch"]
    assert len(mism) == 1 and "16" in mism[0].message and "6+5+3+2" in mism[0].message
    assert mism[0].evidence[0].text == "15 spotkań"


def test_abbreviated_total_and_noun_first_total(facts):
    _, fs = counts(facts, "Animacja: 7 spot.: UG 3, OPS 4. Grupy inicjatywne – 5 (w tym 2 nowe).")
    assert [(f.value, f.part_of is not None) for f in fs] == [(7, False), (3, True), (4, True), (5, False), (2, True)]
    assert fs[4].subset


def test_total_after_its_label_list(facts):
    _, fs = counts(facts, "Spotkania: UG/UM 4, PUP 2, OPS 3 – razem 9 spotkań.")
    total = [f for f in fs if f.part_of is None][0]
    assert total.value == 9
    assert sorted(f.value for f in fs if f.part_of == total.id) == [2, 3, 4]


def test_w_tym_subset_has_no_sum_check(facts):
    rep, fs = counts(facts, "Wsparciem objęto 318 osób, w tym 201 kobiet.")
    assert [(f.value, bool(f.part_of)) for f in fs] == [(318, False), (201, True)]
    assert fs[1].subset
    assert not [f for f in rep.findings if f.code == "sum_mismatch"]


def test_parts_in_words_and_bracketed_details(facts):
    _, fs = counts(facts, "Odbyło się dziesięć pikników: sześć w powiecie piskim (m.in. w Rynie 4.09.2018), cztery w giżyckim.")
    total = fs[0]
    assert [(f.value, f.part_of == total.id) for f in fs] == [(10, False), (6, True), (4, True)]


def test_label_continues_after_i(facts):
    _, fs = counts(facts, "Przeprowadzono 11 spotkań, w tym 6 w urzędach gmin i miast oraz 5 w ośrodkach pomocy.")
    parts = [f for f in fs if f.part_of]
    assert [(p.value, p.label) for p in parts] == [(6, "urząd gmin i miast"), (5, "ośrodek pomocy")]


def test_elliptic_subset(facts):
    _, fs = counts(facts, "Przeprowadzono 30 szkoleń (zakładano 25), w tym 7 wyjazdowych.")
    assert [(f.value, f.planned, bool(f.part_of)) for f in fs] == [(30, False, False), (25, True, False), (7, False, True)]


def test_pdf_line_break_inside_count(facts):
    _, fs = counts(facts, "Animatorzy przeprowadzili 12\nspotkań animacyjnych oraz wsparli 40 uczest-\nników.")
    assert values(fs) == [12, 40]
    assert fs[0].subject == "spotkanie animacyjne"


def test_total_context_subject(facts):
    _, fs = counts(facts, "Warsztaty kulinarne dla seniorów – łącznie 6 warsztatów.")
    assert fs[0].subject == "warsztat kulinarny"


def test_text_without_polish_letters(facts):
    rep, fs = facts("Odbylo sie 14 spotkan animacyjnych: OPS - 8, szkoly - 6. Wzielo w nich udzial 95 uczestnikow.")
    assert [(f.value, f.part_of is not None) for f in fs] == [(14, False), (8, True), (6, True), (95, False)]
    assert fs[0].subject == "spotkanie animacyjne" and fs[3].subject == "uczestnik"


def test_line_head_names_the_bare_figures(facts):
    _, fs = facts("• Nowe miejsca pracy: zakładaliśmy 30, osiągnięto 34 (w tym 20 dla kobiet).\n"
                  "• Przeszkolone osoby: plan – 120, wykonanie – 131.\n")
    got = [(f.value, f.planned, f.part_of is not None) for f in fs]
    assert got == [(30, True, False), (34, False, False), (20, False, True), (120, True, False), (131, False, False)]
    assert fs[1].subject.startswith("nowe miejsce pracy")


def test_bare_figure_after_a_verb_continues_the_sentence(facts):
    rep, fs = facts("Planowaliśmy 25 miejsc pracy – utworzono 28, z czego 10 dla kobiet i 18 dla mężczyzn.")
    got = [(f.value, f.planned) for f in fs]
    assert got == [(25, True), (28, False), (10, False), (18, False)]
    assert fs[2].part_of == fs[1].id and fs[3].part_of == fs[1].id
    assert not [f for f in rep.findings if f.code == "sum_mismatch"]


def test_postposed_subset(facts):
    _, fs = facts("Wsparciem objęto 25 grup nieformalnych – 9 z nich zarejestrowało stowarzyszenia.")
    assert [(f.value, f.part_of == fs[0].id, f.subset) for f in fs] == [(25, False, False), (9, True, True)]


def test_thousands_written_as_tys(facts):
    _, fs = facts("Kiermasz odwiedziło ok. 3 tys. mieszkańców.")
    assert [(f.value, f.approximate) for f in fs] == [(3000, True)]


def test_year_like_figures_with_units(facts):
    rep, _ = facts("W 2020 r. udzieliliśmy 2000 h doradztwa i objęliśmy wsparciem 1950 uczestników.")
    got = sorted((f.type, f.value) for f in rep.facts if f.type in ("count", "hours"))
    assert got == [("count", 1950), ("hours", 2000)]


def test_total_line_after_bulleted_counts(facts):
    _, fs = facts("Spotkania informacyjne:\n- Ostróda, 3.10.2018 – 12 os.\n- Iława, 10.10.2018 – 8 os.\nRazem: 20 osób.\n",
                  "count")
    total = [f for f in fs if f.value == 20][0]
    assert sorted(f.value for f in fs if f.part_of == total.id) == [8, 12]


def test_age_is_not_a_second_number_in_an_item(facts):
    _, fs = facts("Udział wzięło 40 osób, w tym 25 kobiet i 7 osób powyżej 65 r.ż. Następnie odbył się piknik.")
    assert [(f.value, f.part_of is not None) for f in fs] == [(40, False), (25, True), (7, True)]


def test_adjective_before_noun_and_participles_are_not_subjects(facts):
    _, fs = facts("Złożono 7 wniosków przewidujących 15 nowych stanowisk pracy. Powstały 2 nowe KIS.", "count")
    assert [(f.value, f.subject) for f in fs] == [(7, "wniosek"), (15, "nowe stanowisko pracy"), (2, "nowy KIS")]


def test_bulleted_parts_under_a_total(facts):
    rep, fs = facts("Udzielono 90 godzin doradztwa, w tym:\n– doradztwo prawne – 30 godzin,\n– coaching – 60 godzin.\n"
                    "Zrealizowano też 4 szkolenia.")
    hours = [f for f in rep.facts if f.type == "hours"]
    assert [(h.value, h.part_of == hours[0].id) for h in hours] == [(90, False), (30, True), (60, True)]


def test_total_line_after_dash_bulleted_hours(facts):
    rep, _ = facts("Doradztwo w 2021 r.:\n• prawne – 12 h\n• kadrowe – 8 h\n– łącznie 20 h.\n")
    hours = [f for f in rep.facts if f.type == "hours"]
    total = [h for h in hours if h.value == 20][0]
    assert sorted(h.value for h in hours if h.part_of == total.id) == [8, 12]


def test_semicolon_closes_a_comma_list(facts):
    rep, fs = facts("Utworzono 7 miejsc pracy (planowano 6): w Lubsku – 4, w Żarach – 3; powstały 2 nowe PS.", "count")
    total = fs[0]
    assert sorted(f.value for f in fs if f.part_of == total.id) == [3, 4]
    assert not [f for f in rep.findings if f.code == "sum_mismatch"]


def test_label_fragment_joins_the_next_item(facts):
    rep, fs = facts("Spotkania – 12, w podziale: OPS: 5, szkoły: 4, parafie i KGW: 3.", "count")
    parts = [f for f in fs if f.part_of]
    assert [(p.value, p.label) for p in parts][-1][0] == 3 and "parafia" in parts[-1].label
    assert not [f for f in rep.findings if f.code == "sum_mismatch"]


def test_one_from_a_place_counts(facts):
    _, fs = facts("Ekonomizację rozpoczęły trzy PES: dwie z Żagania i jedna z Nowej Soli.", "count")
    assert [(f.value, f.part_of is not None) for f in fs] == [(3, False), (2, True), (1, True)]


def test_opening_hours_are_not_figures(facts):
    _, fs = facts("Kontakt: biuro czynne pn-pt 9-17, sob. 10-14.", "count")
    assert fs == []


def test_items_with_figures_in_brackets_go_to_the_total_they_add_up_to(facts):
    rep, fs = facts("Utworzono 7 miejsc pracy w 2 nowych PS (plan: 9 miejsc): spółdzielnia w Żarach (4), "
                    "fundacja w Lubsku (3). Dotacje wypłacono.", "count")
    total = [f for f in fs if f.value == 7][0]
    assert sorted(f.value for f in fs if f.part_of == total.id) == [3, 4]
    assert not [f for f in rep.findings if f.code == "sum_mismatch"]


def test_second_list_after_a_bracketed_subset(facts):
    _, fs = facts("Odbyło się 30 spotkań (w tym 12 online), z czego w I kwartale 10, w II – 20.", "count")
    total = fs[0]
    assert sorted(f.value for f in fs if f.part_of == total.id) == [10, 12, 20]


def test_subset_goes_to_the_total_it_names(facts):
    _, fs = facts("Zrealizowano 12 szkoleń dla 150 uczestników, z czego 5 szkoleń odbyło się online.", "count")
    assert [f.value for f in fs if f.part_of == fs[0].id] == [5]


def test_ages_codes_rates_and_words_without_polish_letters(facts):
    _, fs = facts("Udział wzięło 40 osób w wieku 18–25 lat mimo COVID-19; po 20 000 zł na jedno stanowisko. "
                  "Wsparcie otrzymalo dwadziescia dwa PES.", "count")
    assert [f.value for f in fs] == [40, 22]


def test_total_after_a_semicolon_and_totals_named_with_a_verb(facts):
    rep, fs = facts("Spotkania wg instytucji: OPS – 5, PUP – 3; razem 9 spotkań. "
                    "Lista:\n1) Spółdzielnia „Len” – 2 miejsca pracy,\n2) Fundacja „Most” – 3 miejsca pracy.\n"
                    "Razem utworzono 5 miejsc pracy.", "count")
    nine = [f for f in fs if f.value == 9][0]
    assert sorted(f.value for f in fs if f.part_of == nine.id) == [3, 5]
    assert any(f.code == "sum_mismatch" for f in rep.findings)
    five = [f for f in fs if f.value == 5 and f.part_of is None and f.subject][-1]
    assert sorted(f.value for f in fs if f.part_of == five.id) == [2, 3]


def test_planned_only_when_the_planning_word_governs_the_figure(facts):
    _, fs = facts("W ramach realizacji planu przeprowadzono 12 spotkań. Zakładano utworzenie w 2019 r. 40 miejsc pracy.",
                  "count")
    assert [(f.value, f.planned) for f in fs] == [(12, False), (40, True)]


def test_tables_with_windows_line_ends_keep_their_last_column():
    from extractor import extract_text

    rep = extract_text("Gmina | Liczba osób | Liczba godzin\r\nOrneta | 12 | 40\r\nKiwity | 16 | 60\r\nRazem | 28 | 100\r\n")
    assert [(f.type, f.flat_value) for f in rep.facts if f.type in ("count", "hours")] == \
        [("count", 12), ("hours", 40), ("count", 16), ("hours", 60), ("count", 28), ("hours", 100)]


def test_a_figure_after_a_name_is_not_joined_with_the_next_as_thousands():
    from extractor import extract_text

    rep = extract_text("Uczestnicy i godziny wg gmin: Orneta 4 120; Pieniężno 3 090.")
    assert not {4120, 3090} & {f.flat_value for f in rep.facts if f.type == "count"}
