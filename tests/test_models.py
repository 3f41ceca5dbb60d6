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
