"""Which centre wrote a report (the header, never a partner), one key per centre however its
name is written, the file-name fallback, and compare grouping the forms in one table.

Every report here is a few sentences of our own, not taken from the corpus.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract, extract_text
from extractor.archive import Archive, org_key, organisation_from_name, organisation_of
from extractor.cli import app
from extractor.compare import build_comparison

runner = CliRunner()
BODY = "\n\nANIMACJA LOKALNA\nAnimatorzy przeprowadzili {n} spotkań animacyjnych z sołtysami.\n"


def _org(text: str) -> str | None:
    return extract_text(text).organisation


# --- 1. the author is named in the header; partners and beneficiaries are not authors --------

@pytest.mark.parametrize("text", [
    # named only in the body, as a partner or where the work was done
    "Sprawozdanie częściowe za okres 01.03.2021 – 31.05.2021\n\nANIMACJA\n"
    "We współpracy z OWES Gołdap zorganizowano 3 spotkania z radnymi.",
    "Informacja o działaniach\n\nDORADZTWO\nDoradcy udzielili 14 h porad dla OWES Nowe Miasto Lubawskie.",
    # named in the header, but after a partner marker
    "Sprawozdanie kwartalne\nPartner projektu: OWES Pisz\n\nANIMACJA\nOdbyło się 5 spotkań.",
    "Sprawozdanie za rok 2021 przygotowane wspólnie z Ośrodkiem Wsparcia Ekonomii Społecznej w Nidzicy"
    "\n\nANIMACJA\nOdbyło się 5 spotkań.",
])
def test_a_partner_or_a_body_mention_is_not_the_author(text: str) -> None:
    assert _org(text) is None


def test_the_header_names_the_author_whatever_the_body_says() -> None:
    text = ("Sprawozdanie z realizacji projektu OWES Kętrzyn\nPartner: CWES Iława\n\nANIMACJA\n"
            "W partnerstwie z OWES Gołdap i Stowarzyszeniem Wspólna Sprawa odbyło się 6 spotkań.")
    assert _org(text) == "OWES Kętrzyn"
    letterhead = ("Fundacja Rozwoju Lokalnego\nOśrodek Wsparcia Ekonomii Społecznej w Działdowie\n"
                  "Informacja za I kwartał 2022 r.\n\nANIMACJA\nWe współpracy z OWES Nidzica odbyło się 4 spotkania.")
    assert _org(letterhead) == "OWES Działdowo"


def test_the_header_ends_at_the_first_heading_and_after_a_few_lines() -> None:
    lines = "\n".join(f"Akapit wstępny numer {i} bez nazwy ośrodka." for i in range(7))
    assert _org(lines + "\nPrzygotował OWES Nidzica.\n\nANIMACJA\nTekst.") is None


# --- 2. the name stays on its line -----------------------------------------------------------

@pytest.mark.parametrize(("text", "org"), [
    ("Ośrodek Wsparcia Ekonomii Społecznej w Nidzicy OWES\nOkres sprawozdawczy: 01.01.2021 – 31.03.2021", "OWES Nidzica"),
    ("Informacja kwartalna OWES Braniewo\nOkres: 01.01.2021 – 31.03.2021", "OWES Braniewo"),
    ("OWES GOŁDAP\nOKRES SPRAWOZDAWCZY: 01.01.2021 – 31.03.2021", "OWES Gołdap"),
    ("Szczycieński OWES\nOkres: 01.01.2021 – 31.03.2021", None),          # no name on the line
    ("Raport roczny Ośrodka Wsparcia Ekonomii Społecznej\nw Iławie za rok 2020", "OWES Iława"),  # wrapped title
    ("Sprawozdanie z działań Ośrodka Wsparcia Ekonomii Społecznej Subregionu Nidzickiego", "OWES Subregion Nidzicki"),
])
def test_a_name_ending_its_line_takes_nothing_from_the_next(text: str, org: str | None) -> None:
    assert _org(text + BODY.format(n=3)) == org


# --- 3. the file name when the text names no centre; the keys agree ---------------------------

def test_file_name_convention() -> None:
    assert organisation_from_name("owes-nidzica_2021-01-01_2021-03-31.txt") == "owes-nidzica"
    assert organisation_from_name("cwes-ilawa_bez-okresu.docx") == "cwes-ilawa"
    assert organisation_from_name("owes-nowe-miasto-odt_2020-01-01_2020-12-31.odt") == "owes-nowe-miasto"
    assert organisation_from_name("notatka_2021-01-01.txt") is None      # no centre's acronym
    assert organisation_from_name("owes-nidzica.txt") is None            # not the convention
    # the same centre from its text and from its file name: one key
    assert org_key("OWES Nidzica") == org_key("owes-nidzica") == "owes-nidzica"
    assert org_key("OWES Zielona Góra") == org_key("owes-zielona-gora")
    rep = extract_text("Sprawozdanie częściowe za okres 01.01.2021 – 31.03.2021" + BODY.format(n=4))
    assert rep.organisation is None
    assert organisation_of(rep, "x/owes-nidzica_2021-01-01_2021-03-31.txt") == "owes-nidzica"


# --- 4. one key however the name is written ---------------------------------------------------

@pytest.mark.parametrize("forms", [
    ["OWES w Olsztynie", "Ośrodek Wsparcia Ekonomii Społecznej w Olsztynie", "OWES Olsztyn", "OWES  OLSZTYN",
     "owes-olsztyn", "OŚRODEK WSPARCIA EKONOMII SPOŁECZNEJ W OLSZTYNIE"],
    ["OWES we Włocławku", "Ośrodka Wsparcia Ekonomii Społecznej we Włocławku", "OWES Włocławek", "owes-wloclawek"],
    ["CWES w Iławie", "Centrum Wspierania Ekonomii Społecznej w Iławie", "CWES Iława", "cwes-ilawa"],
    ["OWES Subregion Nidzicki", "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Nidzickiego"],
])
def test_written_forms_of_one_centre_are_one_key(forms: list[str]) -> None:
    assert len({org_key(f) for f in forms}) == 1, {f: org_key(f) for f in forms}


def test_different_centres_keep_different_keys() -> None:
    assert org_key("OWES w Olsztynie") != org_key("OWES w Olsztynku")
    assert org_key("OWES Olsztyn") != org_key("CWES Olsztyn")
    assert org_key("Fundacja Wspólna Sprawa") == "fundacja-wspolna-sprawa"   # not a centre: as written


def _write(d: Path, name: str, text: str) -> Path:
    p = d / name
    p.write_text(text, encoding="utf-8")
    return p


def test_compare_puts_every_form_of_a_centre_in_one_table(tmp_path: Path) -> None:
    periods = [("01.01.2021 – 31.03.2021", 5), ("01.04.2021 – 30.06.2021", 8), ("01.07.2021 – 30.09.2021", 6),
               ("01.10.2021 – 31.12.2021", 9)]
    heads = ["OWES w Kętrzynie", "Ośrodek Wsparcia Ekonomii Społecznej w Kętrzynie", "OWES Kętrzyn",
             "Ośrodek Wsparcia Ekonomii Społecznej w Kętrzynie"]
    db = tmp_path / "a.sqlite"
    with Archive(db) as ar:
        for i, ((period, n), head) in enumerate(zip(periods, heads, strict=True)):
            p = _write(tmp_path, f"raport{i}.txt", f"{head}\nSprawozdanie częściowe za okres {period}" + BODY.format(n=n))
            ar.upsert(extract(p), path=str(p))
        # a fifth report names no centre: its file name does, in the corpus convention
        p = _write(tmp_path, "owes-ketrzyn_2022-01-01_2022-03-31.txt",
                   "Sprawozdanie częściowe za okres 01.01.2022 – 31.03.2022" + BODY.format(n=7))
        ar.upsert(extract(p), path=str(p))
        # another centre, named as a partner in the body of its own report
        p = _write(tmp_path, "raport-inny.txt", "OWES Gołdap\nSprawozdanie częściowe za okres 01.01.2021 – "
                   "31.03.2021\n\nANIMACJA LOKALNA\nWe współpracy z OWES Kętrzyn odbyły się 2 spotkania animacyjne.")
        ar.upsert(extract(p), path=str(p))
        assert sorted(k for k, _n, _c in ar.organisations()) == ["owes-goldap", "owes-ketrzyn"]
        for org in ("owes-ketrzyn", "OWES w Kętrzynie", "Ośrodek Wsparcia Ekonomii Społecznej w Kętrzynie"):
            cmp = build_comparison(ar, org=org)
            assert len(cmp.periods) == 5
            # the name its texts give most often
            assert cmp.organisation == "OWES Kętrzyn"
        row = next(r for r in build_comparison(ar, org="owes-ketrzyn").rows if r.indicator == "ANIM_SPOTKANIA")
        assert row.values == [5, 8, 6, 9, 7]
    r = runner.invoke(app, ["compare", "--archive", str(db), "--org", "OWES w Kętrzynie", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert "ANIM_SPOTKANIA" in r.output


def test_display_name_is_the_most_frequent_one(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    with Archive(db) as ar:
        for i, head in enumerate(["OWES w Braniewie", "OWES w Braniewie", "OWES Braniewo"]):
            p = _write(tmp_path, f"r{i}.txt", f"{head}\nSprawozdanie za rok {2019 + i}" + BODY.format(n=i + 2))
            ar.upsert(extract(p), path=str(p), organisation=head)
        assert ar.organisations() == [("owes-braniewo", "OWES w Braniewie", 3)]
        assert {r.organisation for r in ar.reports(org="OWES Braniewo")} == {"OWES w Braniewie"}


def test_migration_3_rekeys_archived_organisations(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    p = _write(tmp_path, "r.txt", "OWES Olsztynek\nSprawozdanie za rok 2020" + BODY.format(n=3))
    with Archive(db) as ar:
        ar.upsert(extract(p), path=str(p), organisation="Ośrodek Wsparcia Ekonomii Społecznej w Olsztynku")
    con = sqlite3.connect(db)
    con.execute("UPDATE reports SET org_key = 'osrodek-wsparcia-ekonomii-spolecznej-w-olsztynku'")
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()
    with Archive(db) as ar:
        assert ar.migrated == [3, 4, 5, 6, 7, 8]
        assert [r.org_key for r in ar.reports()] == ["owes-olsztynek"]


# --- other bodies: clubs and centres of social integration, workshops, homes, welfare centres --

@pytest.mark.parametrize(("text", "org", "body"), [
    ("ŚRODOWISKOWY DOM SAMOPOMOCY W KOZIENICACH\nul. Lipowa 3\n\nSprawozdanie za rok 2022", "ŚDS Kozienice", "ŚDS"),
    ("Sprawozdanie Środowiskowego Domu Samopomocy w Gostyninie za 2021 r.", "ŚDS Gostynin", "ŚDS"),
    ("MIEJSKO-GMINNEGO OŚRODKA POMOCY SPOŁECZNEJ W RYPINIE\nInformacja za rok 2020", "MGOPS Rypin", "OPS"),
    ("Gminny Ośrodek Pomocy Społecznej w Baruchowie\n\nInformacja o realizacji programu", "GOPS Baruchowo",
     "OPS"),
    ("Klub Integracji Społecznej „Razem” w Lipnie\nSprawozdanie kwartalne", "KIS Lipno", "KIS/CIS"),
    ("WTZ „Przystań” w Sierpcu\n\nSprawozdanie merytoryczne", "WTZ Sierpc", "WTZ"),
    ("Sprawozdanie Powiatowego Centrum Pomocy Rodzinie w Lipnie za rok 2019", "PCPR Lipno", "PCPR"),
    ("OWES w Olsztynie\nSprawozdanie częściowe", "OWES Olsztyn", "OWES"),
])
def test_other_bodies_are_named_by_their_acronym_and_place(text: str, org: str, body: str) -> None:
    from extractor.organisation import body_of

    rep = extract_text(text + BODY.format(n=4))
    assert (rep.organisation, body_of(rep.org_key)) == (org, body)


def test_a_body_without_an_acronym_has_no_key_and_is_of_the_other_kind() -> None:
    from extractor.organisation import OTHER_BODY, body_of

    rep = extract_text("Stowarzyszenie Przyjaciół Doliny Wkry\nSprawozdanie zarządu za rok 2020" + BODY.format(n=2))
    assert rep.org_key is None and body_of(rep.org_key) == OTHER_BODY
    assert organisation_from_name("wtz-sierpc_2020-01-01_2020-12-31.txt") == "wtz-sierpc"
    assert organisation_from_name("stowarzyszenie-plonsk_2020-01-01_2020-12-31.txt") is None


def test_eval_totals_per_kind_of_body(tmp_path: Path) -> None:
    import json

    from extractor.emit import to_facts

    texts = {"sds-kozienice_2022-01-01_2022-12-31.txt": "Środowiskowy Dom Samopomocy w Kozienicach\n"
                                                         "Sprawozdanie za rok 2022",
             "fundacja-plock_2022-01-01_2022-12-31.txt": "Fundacja Pod Wiatr\nSprawozdanie za rok 2022"}
    (tmp_path / "gold").mkdir()
    for name, head in texts.items():
        p = _write(tmp_path, name, head + BODY.format(n=6))
        (tmp_path / "gold" / (Path(name).stem + ".facts.json")).write_text(
            json.dumps(to_facts(extract(p)), ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["--lang", "en", "eval", str(tmp_path), "--by-body"])
    assert res.exit_code == 0, res.output
    rows = {line.split("│")[1].strip(): line for line in res.output.splitlines() if line.count("│") > 5}
    assert "ŚDS" in rows and "other" in rows and "OWES" not in rows
    assert "1/1" in rows["ŚDS"] and "1.000" in rows["other"]
