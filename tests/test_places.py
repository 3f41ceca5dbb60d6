"""Places to canonical nominative names, and organisation names that are not places."""
from __future__ import annotations

import pytest


def places(facts, text):
    _, fs = facts(text, "location")
    return [(f.value, f.kind) for f in fs]


@pytest.mark.parametrize("text, expected", [
    ("Spotkanie odbyło się w Nowym Mieście Lubawskim.", [("Nowe Miasto Lubawskie", "locality")]),
    ("Targi zorganizowano w Dobrym Mieście i w Barczewie.", [("Dobre Miasto", "locality"), ("Barczewo", "locality")]),
    ("Grupa z Gołdapi pojechała do Węgorzewa.", [("Gołdap", "locality"), ("Węgorzewo", "locality")]),
    ("Warsztaty w Mikołajkach i w Rucianem-Nidzie.", [("Mikołajki", "locality"), ("Ruciane-Nida", "locality")]),
    ("Działamy w powiecie olsztyńskim i nidzickim.", [("powiat olsztyński", "county"), ("powiat nidzicki", "county")]),
    ("Spotkanie w powicie piskim.", [("powiat piski", "county")]),
    ("Wsparcie objęło powiaty: ostródzki, iławski i nowomiejski.",
     [("powiat ostródzki", "county"), ("powiat iławski", "county"), ("powiat nowomiejski", "county")]),
    ("Doradztwo w gminie Purda i w gm. Stawiguda.", [("gmina Purda", "commune"), ("gmina Stawiguda", "commune")]),
    ("Projekt obejmuje woj. warmińsko-mazurskie.", [("województwo warmińsko-mazurskie", "voivodeship")]),
    ("Spotkania w Giżycku, Piszu i Mrągowie.", [("Giżycko", "locality"), ("Pisz", "locality"), ("Mrągowo", "locality")]),
    ("Wizyty w Iławie (3.03.), Suszu (5.03.) i Zalewie (9.03.).",
     [("Iława", "locality"), ("Susz", "locality"), ("Zalewo", "locality")]),
    ("Rozmowy w Urzędzie Gminy w Dywitach.", [("Dywity", "locality")]),
    ("Działały IPS Elbląg i IPS Iława.", [("Elbląg", "locality"), ("Iława", "locality")]),
    ("Wyjazdy studyjne (Toruń, Nowe Miasto Lubawskie) dla 20 osób.",
     [("Toruń", "locality"), ("Nowe Miasto Lubawskie", "locality")]),
    ("Spotkania w 3 powiatach: 4 w powiecie ełckim, 2 w oleckim i 1 w piskim.",
     [("powiat ełcki", "county"), ("powiat olecki", "county"), ("powiat piski", "county")]),
    ("Szkolenie w Ol-\nsztynie i w Lidzbarku\nWarmińskim.", [("Olsztyn", "locality"), ("Lidzbark Warmiński", "locality")]),
])
def test_places(facts, text, expected):
    assert places(facts, text) == expected


@pytest.mark.parametrize("text", [
    "Współpraca ze Stowarzyszeniem Dolina Pasłęki i z Bankiem Żywności.",
    "Partnerem był Caritas Archidiecezji Warmińskiej.",
    "Środki z Regionalnego Programu Operacyjnego Województwa Warmińsko-Mazurskiego.",
    "Zorganizowano festyn „Dni Gołdapi nad jeziorem”.",
    "Ośrodek prowadził kampanię w Polsce i na Warmii.",
    "Wystąpił Jan Kowalski z Janem Nowakiem.",
    "Paczki wydawał Oddział Terenowy; w Oddziale i w Dziale Księgowości pracują 4 osoby.",
])
def test_not_places(facts, text):
    assert places(facts, text) == []


def test_location_span_and_typo_finding(facts):
    rep, fs = facts("Spotkanie w powicie piskim.", "location")
    assert fs[0].span.text == "powicie piskim"
    assert any(f.code == "typo" and "powicie" in f.message for f in rep.findings)


@pytest.mark.parametrize("text, expected", [
    ("Spotkania w Bialogardzie i w gminie Bedzino.", [("Białogard", "locality"), ("gmina Będzino", "commune")]),
    ("Grupy powstały w Drawsku i Swidwinie.", [("Drawsko", "locality"), ("Świdwin", "locality")]),
    ("Wizyty w Karlinie, Polanowie i Stawiskach.", [("Karlino", "locality"), ("Polanów", "locality"),
                                                    ("Stawiski", "locality")]),
    ("Inkubator w Golubiu-Dobrzyniu i punkt w Kowalewie Pomorskim.",
     [("Golub-Dobrzyń", "locality"), ("Kowalewo Pomorskie", "locality")]),
    ("Targi w Wysokiem Mazowieckiem.", [("Wysokie Mazowieckie", "locality")]),
    ("Grupa z miejscowości Nowa Karczma.", [("Nowa Karczma", "locality")]),
    ("Spotkania w powiatach chełmińskim (12) i golubsko-dobrzyńskim (4).",
     [("powiat chełmiński", "county"), ("powiat golubsko-dobrzyński", "county")]),
    ("Szkolenia:\n- Grudziądz, 12.03.2022 – 14 os.\n- Świecie, 19.03.2022 – 9 os.",
     [("Grudziądz", "locality"), ("Świecie", "locality")]),
    ("Dyżury w Kętrzynie i Wieliczkach.", [("Kętrzyn", "locality"), ("Wieliczki", "locality")]),
])
def test_places_gazetteer_and_spelling(facts, text, expected):
    assert places(facts, text) == expected


def test_centre_named_in_the_title_block_is_not_a_place():
    from extractor import extract_text

    rep = extract_text("Ośrodek Wsparcia Ekonomii Społecznej – Koszalin\nSprawozdanie za okres 01.01.2021 – 31.03.2021\n\n"
                       "ANIMACJA (AN)\n\nSpotkanie w Koszalinie.")
    assert [(f.value, f.section) for f in rep.facts if f.type == "location"] == [("Koszalin", "AN")]


def test_river_names_sign_off_and_common_word_towns_in_lists(facts):
    assert places(facts, "Spotkania w Nowym Mieście nad Pilicą i w Kostrzynie nad Odrą.") == \
        [("Nowe Miasto nad Pilicą", "locality"), ("Kostrzyn nad Odrą", "locality")]
    assert places(facts, "Partnerstwa: Żary, Lubsko i Sława.") == \
        [("Żary", "locality"), ("Lubsko", "locality"), ("Sława", "locality")]
    assert places(facts, "Opracował: Jan Nowak\nKrosno, 14.01.2020 r.\n") == [("Krosno", "locality")]
    assert places(facts, "Sława i uznanie dla wolontariuszy.") == []


def test_hyphenated_and_ascii_typed_multi_word_towns(facts):
    assert places(facts, "Spotkania w Szczawnie-Zdroju, Boguszowie-Gorcach i Bielsku-Białej.") == \
        [("Szczawno-Zdrój", "locality"), ("Boguszów-Gorce", "locality"), ("Bielsko-Biała", "locality")]
    assert places(facts, "Warsztaty w Nowym Miescie Lubawskim i w Jaworzynie Slaskiej.") == \
        [("Nowe Miasto Lubawskie", "locality"), ("Jaworzyna Śląska", "locality")]
    assert places(facts, "Porozumienia z dwiema gminami (Kaczory, Szydłowo) i we wsiach Śmiłowo i Dziembowo.") == \
        [("gmina Kaczory", "commune"), ("gmina Szydłowo", "commune"), ("Śmiłowo", "locality"),
         ("Dziembowo", "locality")]


def test_countries_regions_and_mountains_are_not_localities(facts):
    assert places(facts, "Wyjazdy do Czech i z Niemiec, obozy w Bieszczadach i w Tatrach, targi w Wielkopolsce, "
                         "grupa z Pasłęka.") == [("Pasłęk", "locality")]


def test_places_as_the_genitive_of_a_noun_that_calls_for_one(facts):
    assert places(facts, "Spotkania z mieszkańcami Kiwit i z wójtem Purdy; okolice Barczewa.") == \
        [("Kiwity", "locality"), ("Purda", "locality"), ("Barczewo", "locality")]
    assert places(facts, "Mieszkańcy Polski i teren Gminy.") == []


@pytest.mark.parametrize("text, place", [
    ("OWES Olsztyn prowadził kampanię w Polsce i na Warmii.", "Olsztyn"),  # the centre's own acronym too
    ("Dane przekazał GOPS Kowal.", "Kowal"),
    ("W szkoleniu uczestniczył MOPS Włocławek.", "Włocławek"),
])
def test_a_place_after_an_institutions_acronym_is_a_locality(facts, text, place):
    _, fs = facts(text, "location")
    assert [(f.value, f.kind) for f in fs] == [(place, "locality")]


@pytest.mark.parametrize("text, expected", [
    # the gazetteer lists a town of a like stem, but Morfeusz knows both and the word is not its form
    ("Zebrania w Gorzowie i w Krzyżu, kolonie w Tarnopolu.", [("Gorzów", "locality"), ("Krzyż", "locality"),
                                                                ("Tarnopol", "locality")]),
    ("Punkty w Orzechowie i w Koźminie.", [("Orzechowo", "locality"), ("Koźmin", "locality")]),
])
def test_a_gazetteer_town_of_a_like_stem_must_have_the_word_among_its_forms(facts, text, expected):
    assert places(facts, text) == expected


@pytest.mark.parametrize("text", ["Opracowała: Krystyna Lipińska", "Zatwierdziła: Zofia Wolska, dyrektor"])
def test_a_first_name_and_surname_in_the_nominative_is_a_person(facts, text):
    assert places(facts, text) == []


def test_a_town_named_like_a_first_name_in_another_case_is_still_a_place(facts):
    assert places(facts, "Spotkania w Rudzie Śląskiej.") == [("Ruda Śląska", "locality")]
