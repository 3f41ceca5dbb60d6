"""Every data file is checked when it loads: a wrong file is one error naming the file and key."""
from __future__ import annotations

import pytest

from extractor.datafiles import (
    DataFileError,
    Lexicon,
    OrganisationsFile,
    Places,
    Sections,
    load,
    parse_toml,
    validate,
)
from extractor.indicators import TaxonomyError, load_taxonomy, parse_taxonomy


@pytest.mark.parametrize("model, name", [(Lexicon, "lexicon.toml"), (Sections, "sections.toml"),
                                         (Places, "places.toml"), (OrganisationsFile, "organisations.toml")])
def test_shipped_files_validate(model, name):
    assert load(model, name) is not None
    assert load_taxonomy().indicators


def _lexicon_data():
    from extractor.datafiles import read_toml

    return read_toml("lexicon.toml")


def test_missing_key_names_file_and_key():
    data = _lexicon_data()
    del data["markers"]["total"]
    with pytest.raises(DataFileError, match=r"^lexicon\.toml: markers\.total: Field required"):
        validate(Lexicon, data, "lexicon.toml")


def test_unknown_key_and_wrong_type_are_named():
    data = _lexicon_data()
    data["markers"]["totals"] = ["razem"]
    data["document_date"]["edge_lines"] = "eight"
    with pytest.raises(DataFileError) as e:
        validate(Lexicon, data, "lexicon.toml")
    assert "markers.totals: unknown key" in str(e.value)
    assert "document_date.edge_lines:" in str(e.value)


def test_bad_value_is_refused():
    data = _lexicon_data()
    data["months"]["grudnia"] = 13
    with pytest.raises(DataFileError, match="months: .*grudnia"):
        validate(Lexicon, data, "lexicon.toml")
    data = _lexicon_data()
    data["measure_heads"]["liczba"] = "kg"
    with pytest.raises(DataFileError, match="measure_heads.liczba"):
        validate(Lexicon, data, "lexicon.toml")


def test_toml_syntax_error_names_the_file():
    with pytest.raises(DataFileError, match="^mine.toml: "):
        parse_toml("a = [", "mine.toml")


def test_taxonomy_errors_name_the_key():
    with pytest.raises(TaxonomyError, match="indicator.0.measure"):
        parse_taxonomy('version = 1\n[[indicator]]\ncode = "A"\nunit = "count"\nmeasure = "pile"\npatterns = ["x"]\n')
    with pytest.raises(TaxonomyError, match="indicator.0.patterns"):
        parse_taxonomy('version = 1\n[[indicator]]\ncode = "A"\nunit = "count"\npatterns = []\n')
    with pytest.raises(TaxonomyError, match="version"):
        parse_taxonomy('[[indicator]]\ncode = "A"\nunit = "count"\npatterns = ["x"]\n')
