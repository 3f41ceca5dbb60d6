"""The records validate what they claim."""
from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from models import Count, DateRange, Report, SourceInfo, Span


def test_span_text_must_match_length():
    with pytest.raises(ValidationError):
        Span(start=0, end=5, text="abc")


def test_negative_count_rejected():
    with pytest.raises(ValidationError):
        Count(id="f1", span=Span(start=0, end=2, text="-3"), value=-3)


def test_range_must_be_ordered():
    with pytest.raises(ValidationError):
        DateRange(id="f1", span=Span(start=0, end=1, text="x"), start=dt.date(2020, 2, 1), end=dt.date(2020, 1, 1))


def test_discriminated_facts_round_trip():
    rep = Report(source=SourceInfo(name="x", chars=10),
                 facts=[Count(id="f1", span=Span(start=0, end=2, text="12"), value=12, subject="spotkanie")])
    again = Report.model_validate_json(rep.model_dump_json())
    assert isinstance(again.facts[0], Count) and again.facts[0].value == 12


def test_unknown_fields_rejected():
    with pytest.raises(ValidationError):
        SourceInfo(name="x", chars=1, colour="red")


def test_built_spans_and_provenance_are_what_model_construct_builds():
    """The extractor builds a fact's span and provenance without model_construct's default
    lookups; the objects must be the same in every respect a reader sees."""
    from extractor.build import _provenance, _span
    from models import Provenance

    text = "Spotkania animacyjne – 30 spotkań"
    ours, theirs = _span(text, 23, 33), Span.model_construct(start=23, end=33, text=text[23:33])
    assert ours == theirs and ours.model_fields_set == theirs.model_fields_set
    assert ours.model_dump() == theirs.model_dump() and ours.model_dump_json() == theirs.model_dump_json()
    p = _provenance("counts.noun")
    q = Provenance.model_construct(rule="counts.noun", page=None, confidence=None)
    assert p == q and p.model_fields_set == q.model_fields_set and p.model_dump(exclude_unset=True) == \
        q.model_dump(exclude_unset=True)
    p.page = 3  # a mutable model, as OCR's provenance needs
    assert p.page == 3 and p != q
    with pytest.raises(ValueError, match="outside the text"):
        _span(text, 30, 40)
