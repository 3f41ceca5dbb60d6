"""Report kind and reporting period, written every way titles state them."""
from __future__ import annotations

import datetime as dt

import pytest

from extractor import extract_text

D = dt.date


@pytest.mark.parametrize("title, kind, start, end", [
    ("Sprawozdanie częściowe za okres 01-03-2017 31-05-2017", "partial", D(2017, 3, 1), D(2017, 5, 31)),
    ("Sprawozdanie częściowe za okres 01.06.2021 – 31.08.2021", "partial", D(2021, 6, 1), D(2021, 8, 31)),
    ("Sprawozdanie z działalności za okres od 1 kwietnia 2020 r. do 30 czerwca 2020 r.", None,
     D(2020, 4, 1), D(2020, 6, 30)),
    ("Sprawozdanie roczne za rok 2021", "annual", D(2021, 1, 1), D(2021, 12, 31)),
    ("Sprawozdanie kwartalne – II kwartał 2020", "partial", D(2020, 4, 1), D(2020, 6, 30)),
    ("Sprawozdanie za IV kwartał 2017 r.", None, D(2017, 10, 1), D(2017, 12, 31)),
    ("Sprawozdanie częściowe: marzec–maj 2022", "partial", D(2022, 3, 1), D(2022, 5, 31)),
    ("Informacja za okres grudzień 2020 – luty 2021", None, D(2020, 12, 1), D(2021, 2, 28)),
    ("SPRAWOZDANIE ZA OKRES 01.10.2023 DO 31.03.2024", None, D(2023, 10, 1), D(2024, 3, 31)),
    ("Sprawozdanie od 01.02.2019 r. do 30.04.2019r.", None, D(2019, 2, 1), D(2019, 4, 30)),
    ("Sprawozdanie końcowe za okres 10.01.2022 – 09.07.2022", "final", D(2022, 1, 10), D(2022, 7, 9)),
    ("Sprawozdanie z realizacji – I półrocze 2018", None, D(2018, 1, 1), D(2018, 6, 30)),
])
def test_period_and_kind(title, kind, start, end):
    rep = extract_text(title + "\n\nANIMACJA LOKALNA\n\nOdbyło się 5 spotkań.")
    assert rep.kind == kind
    assert rep.period is not None
    assert (rep.period.start, rep.period.end) == (start, end)
    assert rep.period.span is not None and rep.period.span.text in title


def test_period_span_indexes_original_text():
    title = "Sprawozdanie częściowe za okres 01.06.2021\u00a0–\u00a031.08.2021"
    rep = extract_text(title + "\n\nTekst.")
    s = rep.period.span
    assert title[s.start:s.end] == s.text == "01.06.2021\u00a0–\u00a031.08.2021"


def test_no_period_gives_null_and_finding():
    rep = extract_text("Sprawozdanie z działań animacyjnych\n\nANIMACJA LOKALNA\n\nOdbyło się 5 spotkań w Ełku.")
    assert rep.period is None
    assert [f.code for f in rep.findings if f.code == "period_missing"] == ["period_missing"]


def test_backward_period_kept_and_flagged():
    rep = extract_text("Sprawozdanie za okres 01.09.2020 – 31.05.2020\n\nANIMACJA\n\nOdbyło się 5 spotkań.")
    assert (rep.period.start, rep.period.end) == (D(2020, 9, 1), D(2020, 5, 31))
    assert any(f.code == "period_invalid" and f.severity == "error" for f in rep.findings)


def test_period_in_body_of_final_report():
    text = ("Sprawozdanie końcowe z realizacji projektu\n\nPODSUMOWANIE\n\n"
            "Projekt realizowaliśmy od 1 października 2017 r. do 31 marca 2020 r. na terenie subregionu.")
    rep = extract_text(text)
    assert rep.kind == "final"
    assert (rep.period.start, rep.period.end) == (D(2017, 10, 1), D(2020, 3, 31))
    assert rep.period.origin == "body"
    assert not [f for f in rep.facts if f.type in ("date", "date_range")]


def test_period_from_start_and_end_months_in_body():
    text = ("Sprawozdanie końcowe\n\nREZULTATY\n\n"
            "Działania rozpoczęliśmy w lutym 2017 roku, a zakończyliśmy z końcem listopada 2019 roku.")
    rep = extract_text(text)
    assert (rep.period.start, rep.period.end) == (D(2017, 2, 1), D(2019, 11, 30))


@pytest.mark.parametrize("title, start, end", [
    ("Sprawozdanie za okres od 2018-09-01 do 2018-11-30", D(2018, 9, 1), D(2018, 11, 30)),
    ("Sprawozdanie za okres 01.09 – 30.11.2018", D(2018, 9, 1), D(2018, 11, 30)),
    ("Sprawozdanie za okres 12.2018 – 02.2019", D(2018, 12, 1), D(2019, 2, 28)),
    ("Sprawozdanie roczne 2018", D(2018, 1, 1), D(2018, 12, 31)),
    ("Sprawozdanie miesięczne za wrzesień 2018 r.", D(2018, 9, 1), D(2018, 9, 30)),
    # a span of years
    ("Sprawozdanie końcowe z realizacji zadań OWES w latach 2017–2020", D(2017, 1, 1), D(2020, 12, 31)),
    ("Sprawozdanie za lata 2021-2022", D(2021, 1, 1), D(2022, 12, 31)),
])
def test_more_period_forms(title, start, end):
    rep = extract_text(title + "\n\nANIMACJA (AN)\n\nOdbyło się 5 spotkań.")
    assert (rep.period.start, rep.period.end) == (start, end)


def test_a_year_in_the_body_is_no_period():
    rep = extract_text("Sprawozdanie\n\nANIMACJA (AN)\n\nProjekt realizowany jest od 2016 r. Odbyło się 5 spotkań.")
    assert rep.period is None and any(f.code == "period_missing" for f in rep.findings)


def test_letterhead_and_sentences_in_capitals_are_not_sections():
    rep = extract_text("OŚRODEK WSPARCIA EKONOMII SPOŁECZNEJ W ELBLĄGU\nSprawozdanie częściowe za okres 01.09.2018 – "
                       "30.11.2018\n\nCENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)\n\nCIS/KIS/ZAZ/WTZ z terenu powiatu "
                       "uczestniczyły w 3 spotkaniach.\nPANDEMIA COVID-19 ograniczyła działania.")
    assert [s.code for s in rep.sections] == ["CPS"]
    assert rep.kind == "partial" and rep.organisation == "OWES Elbląg"


def test_a_programme_span_is_no_period():
    rep = extract_text("Program regionalny na lata 2014-2020\nSprawozdanie częściowe za okres 01.04.2019 – 30.06.2019"
                       "\n\nANIMACJA (AN)\n\nOdbyło się 5 spotkań.")
    assert (rep.period.start, rep.period.end) == (D(2019, 4, 1), D(2019, 6, 30))


def test_a_day_the_calendar_lacks_is_an_invalid_period():
    rep = extract_text("Sprawozdanie częściowe za okres 30.02.2021 – 31.05.2021\n\nOdbyło się 5 spotkań.")
    codes = [f.code for f in rep.findings]
    assert rep.period is None and "period_invalid" in codes and "period_missing" not in codes
    bad = next(f for f in rep.findings if f.code == "period_invalid")
    assert bad.evidence[0].text == "30.02.2021 – 31.05.2021"


def test_the_document_date_is_kept_but_not_flagged():
    rep = extract_text("Ełk, dnia 10.10.2022 r.\nSprawozdanie kwartalne za okres 01.07.2022 – 30.09.2022\n\n"
                       "Odbyło się 5 spotkań (14.08.2022), następne 12.10.2022.\n\n"
                       "Przygotował: Jan Kos, koordynator, 09.10.2022\n")
    dates = [(f.value.isoformat(), f.provenance.rule) for f in rep.facts if f.type == "date"]
    assert dates == [("2022-10-10", "dates.document_date"), ("2022-08-14", "dates.dmy_numeric"),
                     ("2022-10-12", "dates.dmy_numeric"), ("2022-10-09", "dates.document_date")]
    flagged = [f.evidence[0].text for f in rep.findings if f.code == "date_outside_period"]
    assert flagged == ["12.10.2022"]


def test_a_document_dated_before_its_period_ends_is_flagged():
    rep = extract_text("Sprawozdanie kwartalne za okres 01.07.2022 – 30.09.2022\n\nOdbyło się 5 spotkań.\n\n"
                       "Gdańsk, 15.09.2022 r.\n")
    assert [f.code for f in rep.findings if f.code == "date_outside_period"] == []
    rep = extract_text("Sprawozdanie kwartalne za okres 01.07.2022 – 30.09.2022\n\nOdbyło się 5 spotkań.\n\n"
                       "Gdańsk, 15.06.2022 r.\n")
    assert [f.code for f in rep.findings if f.code == "date_outside_period"] == ["date_outside_period"]


@pytest.mark.parametrize("text, kind, start, end", [
    # a form's header with the year alone on a line below it
    ("INFORMACJA O DZIAŁALNOŚCI\nKLUBU SENIORA W DOBRYM MIEŚCIE\nza rok 2016.\n\n1. Liczba miejsc: 20",
     "annual", D(2016, 1, 1), D(2016, 12, 31)),
    ("Notatka – działalność klubu w miesiącach marcu i kwietniu 2012\n\nOdbyło się 5 spotkań.",
     None, D(2012, 3, 1), D(2012, 4, 30)),
    ("Notatka – działalność KIS we wrześniu 2019 r.\n\nOdbyło się 5 spotkań.", None, D(2019, 9, 1), D(2019, 9, 30)),
    ("Sprawozdanie końcowe\n\nZadanie realizowano w okresie: 03.02. 2015 – 11.01.2017 r. w Gnieźnie.",
     "final", D(2015, 2, 3), D(2017, 1, 11)),
    ("1 Organ Burmistrz Miasta 2 Termin realizacji zadania: od 15-04-2018 do 30-11-2018 3 Numer umowy 17/2018",
     None, D(2018, 4, 15), D(2018, 11, 30)),
    ("Podsumowanie roku 2016 w Stowarzyszeniu\n\nZorganizowano 4 koncerty.", "annual", D(2016, 1, 1), D(2016, 12, 31)),
    # the title's years lose to the exact dates the text gives
    ("SPRAWOZDANIE ZARZĄDU ZA KADENCJĘ 2015–2016\n\nZarząd działał od 4 maja 2015 r. (wybór) do 28 kwietnia 2016 r.\n\n"
     "1. Sprawy organizacyjne\nZarząd zebrał się 6 razy.", "final", D(2015, 5, 4), D(2016, 4, 28)),
    ("Informacja o programie osłonowym\n\nPROGRAM\nProgram realizowano od 1 listopada 2019 r. i zakończono z ostatnim "
     "dniem lutego 2020 roku.", None, D(2019, 11, 1), D(2020, 2, 29)),
    # Roman months, the period stated in the body
    ("Informacja Kierownika Ośrodka\n\nW okresie od 1 VII 2021 r. do 30 VI 2022 r. wsparciem objęto 88 rodzin.",
     None, D(2021, 7, 1), D(2022, 6, 30)),
    # days in ordinal words, in the body of a final report
    ("Sprawozdanie końcowe z wykonania zadania\n\nZadanie trwało od piątego maja do trzydziestego pierwszego "
     "sierpnia 2021 roku. Odbyło się 12 zajęć.", "final", D(2021, 5, 5), D(2021, 8, 31)),
    # a report sent as an e-mail: the period in the subject line, below the sender and the date
    ("Od: Jadwiga Nowicka\nDo: Wójt Gminy Purda\nData: 4 czerwca 2021, 10:12\nTemat: KGW Marcinkowo – sprawozdanie "
     "za 01.03–31.05.2021\n\nDzień dobry,\n\nw tym czasie zorganizowałyśmy 4 warsztaty.", None,
     D(2021, 3, 1), D(2021, 5, 31)),
    # an adjective between "rok" and its year
    ("Sprawozdanie Zarządu Fundacji za rok obrotowy 2020\n\nFundacja zorganizowała 3 obozy.", "annual",
     D(2020, 1, 1), D(2020, 12, 31)),
    ("Informacja o działalności Klubu w roku kalendarzowym 2019\n\nOdbyło się 40 spotkań.", "annual",
     D(2019, 1, 1), D(2019, 12, 31)),
    # a school or academic year: across two calendar years (lexicon: school_years)
    ("Sprawozdanie z pracy świetlicy środowiskowej za rok szkolny 2021/2022\n\nZajęcia prowadzono w 3 grupach. "
     "Wycieczka 14.06.", None, D(2021, 9, 1), D(2022, 8, 31)),
    ("Koło Naukowe Ekonomii Społecznej\nSprawozdanie roczne – rok akademicki 2022–2023\n\nOdbyło się 9 zebrań.",
     "annual", D(2022, 10, 1), D(2023, 9, 30)),
    ("ŚWIETLICA „PROMYK” W GIŻYCKU. ROK SZKOLNY 2019/20\n\nZ zajęć korzystało 24 dzieci.", None,
     D(2019, 9, 1), D(2020, 8, 31)),
])
def test_periods_of_other_bodies(text, kind, start, end):
    rep = extract_text(text)
    assert rep.period is not None, [f.message for f in rep.findings]
    assert (rep.period.start, rep.period.end) == (start, end)
    assert rep.kind == kind


@pytest.mark.parametrize("text", [
    "Gminny Program Wspierania Rodziny na lata 2019–2021\n(stan na 30.09.2020 r.)\n\nASYSTENT\nObjęto 11 rodzin.",
    "Dom Pomocy, Kalisz, 16 marca 2020 r.\n\nInformacja o programie\n\nUDZIAŁ\nObjęto 11 rodzin.",
    "Program przyjęto uchwałą Nr V/31/19 Rady Gminy z dnia 28 marca 2019 r.\n\nUDZIAŁ\nObjęto 11 rodzin.",
    "Plan pracy świetlicy na rok szkolny 2020/2022\n\nZAJĘCIA\nUdział wzięło 11 dzieci.",   # not one year
])
def test_no_period_from_a_span_of_years_a_dated_line_or_a_reference(text):
    rep = extract_text(text)
    assert rep.period is None
