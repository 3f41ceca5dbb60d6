"""Section headings: shape, task labels, typos, glued and mixed-case headings."""
from __future__ import annotations

from extractor import extract_text

HEAD = "Sprawozdanie częściowe za okres 01.01.2020 – 31.03.2020\n\n"


def codes(text):
    rep = extract_text(HEAD + text)
    return [s.code for s in rep.sections], rep


def test_acronym_headings_and_spans():
    text = ("OŚRODEK ANIMACJI LOKALNEJ (OAL)\n\nOdbyło się 5 spotkań.\n\n"
            "WSPARCIE PODMIOTÓW EKONOMII SPOŁECZNEJ (WPES)\n\nUdzielono 40 h doradztwa.")
    cs, rep = codes(text)
    assert cs == ["OAL", "WPES"]
    a, b = rep.sections
    assert a.end == b.start and b.end == len(HEAD + text)
    assert (HEAD + text)[a.start:a.start + len(a.title)] == a.title


def test_task_labels_in_all_spellings():
    text = ("ZADANIE I – ANIMACJA\n\nTekst pierwszy.\n\nZad. 2.: Wsparcie inkubacyjne\nTekst drugi.\n\n"
            "Zad.3 Szkolenia\nTekst trzeci.\n\nZadanie 4 INKUBATORY PRZEDSIĘBIORCZOŚCI\nTekst czwarty.")
    cs, _ = codes(text)
    assert cs == ["ZADANIE I", "ZADANIE 2", "ZADANIE 3", "ZADANIE 4"]


def test_heading_without_blank_line_and_glued_pdf_heading():
    text = ("CENTRUM PRZEDSIEBIORCZOSCI SPOLECZNEJ (CPS)\nDoradcy udzielali informacji.\n"
            "ZADANIE III - USŁUGI DORADCZE W okresie sprawozdawczym udzielono 12 h doradztwa.")
    cs, rep = codes(text)
    assert cs == ["CPS", "ZADANIE III"]
    assert rep.sections[1].title == "ZADANIE III - USŁUGI DORADCZE"
    assert rep.sections[0].canonical == "CPS"
    typos = [f for f in rep.findings if f.code == "typo"]
    assert any("Centrum Przedsiębiorczości Społecznej" in f.message for f in typos)


def test_glued_words_in_heading_are_a_typo_of_a_known_name():
    cs, rep = codes("INKUBATOR PRZEDSIĘBIORCZOŚCISPOŁECZNEJ\n\nTekst.")
    assert rep.sections[0].canonical == "IPS"
    assert any(f.code == "typo" for f in rep.findings)


def test_mixed_case_known_heading_with_colon():
    cs, rep = codes("Inkubator Przedsiębiorczości Społecznej:\nW inkubacji było 6 PS.\n\nPromocja ekonomii społecznej:\nTekst.")
    assert cs == ["INKUBATOR PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ", "PROMOCJA EKONOMII SPOŁECZNEJ"]
    assert [s.canonical for s in rep.sections] == ["IPS", "PROMOCJA"]


def test_numbered_subheadings_title_and_own_name_are_not_sections():
    text = ("ZADANIE 1 ANIMACJA\n1.SPOTKANIA ANIMACYJNE:\nOdbyło się 5 spotkań.\n2.DZIAŁANIA DORADCZE:\nTekst.")
    cs, _ = codes(text)
    assert cs == ["ZADANIE 1"]
    rep = extract_text("OWES KOSZALIN\nSprawozdanie częściowe za okres 01.01.2020 – 31.03.2020\n\nZADANIE 1 ANIMACJA\nTekst.")
    assert [s.code for s in rep.sections] == ["ZADANIE 1"]


def test_text_before_first_heading_has_no_section():
    rep = extract_text(HEAD + "Wstęp: 3 spotkania.\n\nANIMACJA LOKALNA (AL)\n\nOdbyło się 5 spotkań.")
    counts = [f for f in rep.facts if f.type == "count"]
    assert [(c.value, c.section) for c in counts] == [(3, None), (5, "AL")]


def test_task_heading_with_acronym_takes_the_acronym():
    cs, _ = codes("ZADANIE 5. WSPARCIE PODMIOTÓW EKONOMII (WPE)\nTekst.\n\nZADANIE 6 PROMOCJA\nTekst.")
    assert cs == ["WPE", "ZADANIE 6"]


def test_inline_label_is_not_a_heading_but_a_title_case_label_line_is():
    cs, _ = codes("Doradztwo: udzielono 12 h porad.\n\nDziałania Sieciujące i Partnerskie:\n• spotkanie 3 partnerów\n\n"
                  "Informacja i promocja:\n• 4 artykuły")
    assert cs == ["DZIAŁANIA SIECIUJĄCE I PARTNERSKIE", "INFORMACJA I PROMOCJA"]


def test_task_headings_align_whatever_the_numeral():
    rep_a = extract_text(HEAD + "ZADANIE II – INKUBACJA\nTekst.\n\nZADANIE 3. USŁUGI (USW)\nTekst.")
    rep_b = extract_text(HEAD + "Zad. 2.: Wsparcie\nTekst.\n\nZad.3 Doradztwo\nTekst.")
    assert [s.canonical for s in rep_a.sections] == [s.canonical for s in rep_b.sections] == ["ZADANIE 2", "ZADANIE 3"]
    assert [s.code for s in rep_a.sections] == ["ZADANIE II", "USW"]


def test_organisation_from_the_text():
    assert extract_text("OWES GNIEZNO\nSprawozdanie za rok 2020\n\nANIMACJA\nTekst.").organisation == "OWES Gniezno"
    rep = extract_text("Ośrodek Wsparcia Ekonomii Społecznej w Lesznie\nSprawozdanie za rok 2020\n\nANIMACJA\nTekst.")
    assert rep.organisation == "OWES Leszno"
    assert extract_text(HEAD + "ANIMACJA\nTekst o 5 spotkaniach.").organisation is None


def test_numbered_heading_with_acronym_is_a_section_single_word_label_is_not():
    cs, rep = codes("1. ANIMACJA LOKALNA (AL)\nTekst.\nSzkolenia:\n– kurs A – 12 os.\n\n2. WSPARCIE PES (WP)\nTekst.")
    assert cs == ["AL", "WP"]
    assert rep.sections[0].title == "1. ANIMACJA LOKALNA (AL)"


def test_acronyms_in_mixed_case_and_glued_text():
    cs, rep = codes("ANIMACJA I DORADZTWO (AiD)W 2020 r. odbyło się 5 spotkań.\nWYDARZENIA (W)Targi odbyły się.")
    assert cs == ["AiD", "W"]
    assert rep.sections[0].title == "ANIMACJA I DORADZTWO (AiD)"


def test_label_line_documents_and_top_level_numbered_headings():
    cs, _ = codes("Działania animacyjne:\nTekst o 4 spotkaniach.\nDoradztwo i szkolenia:Udzielono 40 h porad.\n"
                  "Inkubacja i miejsca pracy:\nTekst.")
    assert cs == ["DZIAŁANIA ANIMACYJNE", "DORADZTWO I SZKOLENIA", "INKUBACJA I MIEJSCA PRACY"]
    cs, _ = codes("1. ANIMACJA LOKALNA\nTekst.\n2. WSPARCIE PES\nTekst.")
    assert cs == ["1. ANIMACJA LOKALNA", "2. WSPARCIE PES"]


def test_numbered_mixed_case_headings_number_the_sections():
    got, rep = codes("1. Działania animacyjne\nOdbyło się 6 spotkań.\n\n2) Usługi inkubacyjne\nWsparto 4 PS.\n")
    assert got == ["1. DZIAŁANIA ANIMACYJNE", "2) USŁUGI INKUBACYJNE"]
    assert [f.section for f in rep.facts] == got
    assert not [f for f in rep.findings if f.code in ("unexplained_number", "typo")]


def test_a_numbered_list_is_not_a_set_of_sections():
    got, rep = codes("Tematy szkoleń:\n1. Księgowość w fundacji\n2. Marketing w sieci\n3. Prawo pracy\n"
                     "Przeszkolono 40 osób.\n")
    assert got == []
    assert not [f for f in rep.findings if f.code == "unexplained_number"]


def test_an_enumerated_known_name_is_no_typo():
    got, rep = codes("I. Animacja lokalna\nOdbyło się 6 spotkań.\n")
    assert got and not [f for f in rep.findings if f.code == "typo"]


def test_a_known_acronym_alone_on_its_line_is_a_section():
    got, _ = codes("IPS\nWsparto 4 PS.\n\nCPS\nOdbyło się 6 spotkań.\n")
    assert got == ["IPS", "CPS"]


def test_an_organisation_in_capitals_is_no_section():
    got, _ = codes("STOWARZYSZENIE PRZYJACIÓŁ ZIEMI GOŁDAPSKIEJ\n\nZADANIE 1\nOdbyło się 6 spotkań.\n")
    assert got == ["ZADANIE 1"]


def test_an_inline_label_inside_a_task_section_is_no_section():
    got, rep = codes("ZADANIE 3\nAnimacja lokalna: odbyło się 6 spotkań w gminach.\n")
    assert got == ["ZADANIE 3"]
    got, _ = codes("Animacja lokalna: odbyło się 6 spotkań.\nUsługi doradcze: udzielono 5 porad.\n")
    assert got == ["ANIMACJA LOKALNA", "USŁUGI DORADCZE"]
