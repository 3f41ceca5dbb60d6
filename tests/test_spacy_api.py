"""Our components in a spaCy pipeline of someone else's: a fresh blank("pl"), add_pipe, spans."""
from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy
from spacy import displacy

from extractor import extract_text
from extractor.pipeline import ORDER, GenreTokenizer, PipelineError

SEED = Path(__file__).resolve().parent.parent / "corpus" / "owes-olsztyn_2018-09-01_2018-11-30.txt"
# written for this test, in no report's words
TEXT = ("Sprawozdanie z działalności za okres 01.03.2021 – 31.05.2021\n\n"
        "DORADZTWO (IPS)\n\n"
        "W Kętrzynie odbyło się 12 spotkań z mieszkańcami (4.03., 18.03. i 9.04.), w tym 5 warsztatów.\n"
        "Doradztwo prawne – 36 godzin.\n")


def _facts(report: object) -> list[tuple[str, int, int, str]]:
    return [(f.type, f.span.start, f.span.end, f.span.text) for f in report.facts]  # type: ignore[attr-defined]


def test_add_pipe_in_a_fresh_blank_pipeline_fills_the_spans() -> None:
    nlp = spacy.blank("pl")
    nlp.tokenizer = GenreTokenizer(nlp.vocab)
    nlp.add_pipe("sprawozdania")
    assert nlp.pipe_names == list(ORDER)
    doc = nlp(TEXT)
    report = doc._.spr_report
    assert _facts(report) == _facts(extract_text(TEXT))
    labels = {key: {s.label_ for s in doc.spans[key]} for key in doc.spans}
    assert {"sections", "period", "dates", "numbers", "quantities", "places", "facts"} <= set(labels)
    assert "count" in labels["quantities"] and "hours" in labels["quantities"]
    assert "locality" in labels["places"] and "date" in labels["dates"]
    assert [s.text for s in doc.spans["places"]] == ["Kętrzynie"]
    # every fact is a span of the Doc, over the same characters
    assert [(s.label_, s.start_char, s.end_char) for s in doc.spans["facts"]] == \
        [(t, a, b) for t, a, b, _ in _facts(report)]
    html = displacy.render(doc, style="span", options={"spans_key": "quantities"})
    assert "count" in html and "hours" in html


def test_spacy_own_polish_tokenizer_gives_the_same_facts() -> None:
    nlp = spacy.blank("pl")
    nlp.add_pipe("sprawozdania")
    seed = SEED.read_text(encoding="utf-8")
    doc = nlp(seed)
    assert _facts(doc._.spr_report) == _facts(extract_text(seed))
    assert doc.spans["quantities"] and all(s.text.strip() for s in doc.spans["quantities"])


def test_spans_can_be_left_out_and_the_report_is_the_same() -> None:
    nlp = spacy.blank("pl")
    nlp.tokenizer = GenreTokenizer(nlp.vocab)
    nlp.add_pipe("sprawozdania", config={"spans": False})
    doc = nlp(TEXT)
    assert not doc.spans
    assert _facts(doc._.spr_report) == _facts(extract_text(TEXT))


def test_a_stage_without_the_stages_before_it_names_them() -> None:
    nlp = spacy.blank("pl")
    nlp.add_pipe("sprawozdania_quantities")
    with pytest.raises(PipelineError, match="sprawozdania_quantities needs sprawozdania_numbers.*ran so far: none"):
        nlp(TEXT)


def test_the_components_are_registered_as_spacy_entry_points() -> None:
    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert set(ORDER) <= names
