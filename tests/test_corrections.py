"""A person's corrections of the facts, and the findings that follow from the facts."""
from __future__ import annotations

import datetime as dt

import pytest

from extractor import extract_text
from extractor.corrections import apply_corrections
from models import Correction

TEXT = ("Sprawozdanie częściowe za okres 01.03.2023 – 31.05.2023\n\nDORADZTWO (DR)\n\n"
        "Udzielono 12 porad: 5 w Piszu, 4 w Ełku i 3 w Gołdapi. Spotkanie z radą odbyło się 14.04.\n"
        "Przygotowano wkładkę, nakład 57.\n")


def _edit(n: int, fact, **new) -> Correction:
    return Correction(id=n, action="edit", fact_type=fact.type, start=fact.span.start, end=fact.span.end,
                      extracted=fact.flat_value, new=new, who="ewa", at="2026-12-06T10:00:00+00:00")


def _codes(report) -> list[str]:
    return sorted(f.code for f in report.findings)


@pytest.fixture(params=[True, False], ids=["with text", "record without text"])
def report(request):
    return extract_text(TEXT, keep_text=request.param)


def _by_text(report, words: str):
    return next(f for f in report.facts if f.span.text == words)


def test_a_corrected_total_or_part_gains_or_loses_its_sum_finding(report):
    total = _by_text(report, "12 porad")
    parts = [f for f in report.facts if getattr(f, "part_of", None) == total.id]
    assert sorted(p.value for p in parts) == [3, 4, 5] and "sum_mismatch" not in _codes(report)
    wrong = apply_corrections(report.model_copy(deep=True), [_edit(1, total, value=13)])
    found = [f for f in wrong.findings if f.code == "sum_mismatch"]
    assert len(found) == 1 and total.id in found[0].facts and "13" in found[0].message
    five = next(p for p in parts if p.value == 5)
    both = apply_corrections(report.model_copy(deep=True), [_edit(1, total, value=13), _edit(2, five, value=6)])
    assert "sum_mismatch" not in _codes(both)
    over = apply_corrections(report.model_copy(deep=True), [_edit(1, five, value=20)])
    assert {"sum_mismatch", "part_exceeds_total"} <= set(_codes(over))


def test_a_date_corrected_out_of_the_period_is_found_and_the_text_findings_stay(report):
    date = next(f for f in report.facts if f.type == "date")
    assert date.value == dt.date(2023, 4, 14)
    before = [f for f in report.findings if f.code != "date_outside_period"]
    moved = apply_corrections(report.model_copy(deep=True), [_edit(1, date, value="2023-07-14")])
    out = [f for f in moved.findings if f.code == "date_outside_period"]
    assert len(out) == 1 and out[0].facts == [date.id]
    assert [f for f in moved.findings if f.code != "date_outside_period"] == before


def test_a_fact_added_over_an_unexplained_number_explains_it(report):
    unexplained = [f for f in report.findings if f.code == "unexplained_number"]
    assert [f.evidence[0].text for f in unexplained] == ["57"]
    start = TEXT.index("nakład 57")
    add = Correction(id=1, action="add", fact_type="count", start=start, end=start + 9, text="nakład 57",
                     new={"value": 57, "subject": "wkładki"}, who="ewa", at="2026-12-06T10:00:00+00:00")
    fixed = apply_corrections(report.model_copy(deep=True), [add])
    assert "unexplained_number" not in _codes(fixed)
    assert any(f.span.text == "nakład 57" for f in fixed.facts)


def test_a_repeat_finding_follows_the_text_when_the_record_has_it():
    text = ("Sprawozdanie roczne za rok 2022\n\nDORADZTWO\n\nUdzielono 8 porad prawnych w Piszu. "
            "Pod koniec roku udzielono 9 porad prawnych.\n")
    with_text, without = extract_text(text, keep_text=True), extract_text(text)
    assert "inconsistent_repeat" in _codes(with_text) and "inconsistent_repeat" in _codes(without)
    nine = _by_text(with_text, "9 porad prawnych")
    agreed = apply_corrections(with_text, [_edit(1, nine, value=8)])
    assert "inconsistent_repeat" not in _codes(agreed)
    # without the text the check cannot run again: its finding on the changed fact is dropped,
    # not kept as if it still held
    other = apply_corrections(without, [_edit(1, _by_text(without, "9 porad prawnych"), value=10)])
    assert "inconsistent_repeat" not in _codes(other)


def test_corrections_that_change_no_fact_leave_the_findings_as_extracted(report):
    verify = Correction(id=1, action="verify", who="ewa", at="2026-12-06T10:00:00+00:00")
    gone = Correction(id=2, action="edit", fact_type="count", start=0, end=3, extracted=99, new={"value": 1},
                      who="ewa", at="2026-12-06T10:00:00+00:00")
    same = apply_corrections(report.model_copy(deep=True), [verify, gone])
    assert same.findings == report.findings and same.review is not None and same.review.verified


def test_a_correction_keeps_the_other_findings_and_their_order(report):
    """A finding that asks a person to check a figure's reading (OCR's low_confidence) stays
    when only the figure's subject is changed or its total deleted, goes when a person sets the
    figure's value or deletes the figure; the rest keep their order."""
    from models import Finding

    total = _by_text(report, "12 porad")
    five = next(f for f in report.facts if getattr(f, "part_of", None) == total.id and f.value == 5)
    rep = report.model_copy(deep=True)
    rep.findings.append(Finding(code="low_confidence", severity="warning", evidence=[five.span], facts=[five.id],
                                message="OCR: sprawdź w skanie"))
    before = [(f.code, f.evidence[0].start if f.evidence else None) for f in rep.findings]
    assert len(before) == 2            # an unexplained number, then OCR's warning appended after it

    def after(*corrections):
        return [(f.code, f.evidence[0].start if f.evidence else None)
                for f in apply_corrections(rep.model_copy(deep=True), list(corrections)).findings]

    assert after(_edit(1, five, subject="porada w Piszu")) == before
    delete_total = Correction(id=1, action="delete", fact_type=total.type, start=total.span.start,
                              end=total.span.end, extracted=total.flat_value, who="ewa", at="2026-12-06T10:00:00+00:00")
    assert ("low_confidence", five.span.start) in after(delete_total)
    assert ("low_confidence", five.span.start) not in after(_edit(1, five, value=5.0))
    delete_five = delete_total.model_copy(update={"start": five.span.start, "end": five.span.end, "extracted": 5})
    gone = after(delete_five)
    assert ("low_confidence", five.span.start) not in gone and ("sum_mismatch", total.span.start) in gone


def test_an_undone_correction_changes_nothing_and_stays_in_the_history(report):
    total = _by_text(report, "12 porad")
    pisz = next(f for f in report.facts if f.type == "location" and f.span.text == "Piszu")
    delete = Correction(id=2, action="delete", fact_type=pisz.type, start=pisz.span.start, end=pisz.span.end,
                        extracted=pisz.flat_value, who="ewa", at="2026-12-06T10:01:00+00:00")
    undos = [Correction(id=3, action="undo", undoes=1, who="jan", at="2026-12-06T10:02:00+00:00"),
             Correction(id=4, action="undo", undoes=2, who="jan", at="2026-12-06T10:03:00+00:00")]
    done = apply_corrections(report.model_copy(deep=True), [_edit(1, total, value=13), delete])
    assert "sum_mismatch" in _codes(done) and pisz.id not in {f.id for f in done.facts}
    back = apply_corrections(report.model_copy(deep=True), [_edit(1, total, value=13), delete, *undos])
    assert [(f.id, f.flat_value) for f in back.facts] == [(f.id, f.flat_value) for f in report.facts]
    assert _codes(back) == _codes(report)
    assert [(c.id, c.applied, c.undone_by) for c in back.review.corrections] == \
        [(1, False, 3), (2, False, 4), (3, True, None), (4, True, None)]
    assert back.review.unmatched == [] and back.review.in_force == []
    # only the edit undone: the delete stands
    half = apply_corrections(report.model_copy(deep=True), [_edit(1, total, value=13), delete, undos[0]])
    assert pisz.id not in {f.id for f in half.facts} and "sum_mismatch" not in _codes(half)
    assert [c.id for c in half.review.in_force] == [2]
