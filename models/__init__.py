"""Validated records produced by the extractor (pydantic v2).

Every value found in a report carries a `Span` with exact offsets into the decoded source
text, so any consumer (audit, review page, archive) can point back at the words.
The JSON Schema (`sprawozdania schema`) is generated from these classes.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

SCHEMA_VERSION = "1.0"

ReportKind = Literal["partial", "final", "annual"]
PlaceKind = Literal["locality", "county", "commune", "voivodeship"]
Severity = Literal["error", "warning", "info"]
OrgOrigin = Literal["header", "option", "file_name"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Span(_Model):
    """Half-open character range [start, end) of the decoded source text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _consistent(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        if len(self.text) != self.end - self.start:
            raise ValueError("span text length differs from end - start")
        return self


class Provenance(_Model):
    """Where a value came from beyond its span: OCR page and confidence, rule that fired."""

    rule: str | None = None
    page: int | None = Field(default=None, ge=1)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)


class SourceInfo(_Model):
    name: str
    sha256: str | None = None
    format: str = "txt"
    encoding: str | None = None
    chars: int = Field(ge=0)


class Period(_Model):
    start: dt.date
    end: dt.date
    span: Span | None = None
    origin: Literal["header", "body"] = "header"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Section(_Model):
    code: str = Field(description="Acronym in brackets, task label, or the heading upper-cased")
    title: str
    canonical: str | None = Field(default=None, description="Known section this heading names")
    heading: Span
    start: int = Field(ge=0, description="Section region start (heading start)")
    end: int = Field(ge=0, description="Section region end (next heading or end of text)")


class _Fact(_Model):
    id: str
    section: str | None = None
    span: Span
    provenance: Provenance | None = None


class Quantity(_Fact):
    value: float | int
    subject: str | None = Field(default=None, description="Lemma phrase of what is counted")
    label: str | None = Field(default=None, description="Breakdown category of a part")
    part_of: str | None = Field(default=None, description="Id of the total this part belongs to")
    subset: bool = Field(default=False, description="Part introduced by 'w tym' (no sum check)")
    approximate: bool = False
    planned: bool = False
    indicator: str | None = Field(default=None, description="Taxonomy code of the subject")

    @property
    def flat_value(self) -> float | int:
        """The value as one scalar (every fact type has one; for tables and CSV)."""
        return self.value

    @model_validator(mode="after")
    def _non_negative(self) -> Quantity:
        if self.value < 0:
            raise ValueError("a quantity cannot be negative")
        return self


class Count(Quantity):
    type: Literal["count"] = "count"


class Hours(Quantity):
    type: Literal["hours"] = "hours"


class DateFact(_Fact):
    type: Literal["date"] = "date"
    value: dt.date

    @property
    def flat_value(self) -> str:
        return self.value.isoformat()


class DateRange(_Fact):
    type: Literal["date_range"] = "date_range"
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError("date range ends before it starts")
        return self

    @property
    def flat_value(self) -> str:
        """ISO 8601 interval: '2018-11-09/2018-11-10'."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


class Location(_Fact):
    type: Literal["location"] = "location"
    value: str = Field(description="Canonical nominative name")
    kind: PlaceKind

    @property
    def flat_value(self) -> str:
        return self.value


class Amount(_Fact):
    """Money mentioned in the text; never a count (not part of facts/1)."""

    type: Literal["amount"] = "amount"
    value: float = Field(ge=0)
    currency: str = "PLN"

    @property
    def flat_value(self) -> float:
        return self.value


Fact = Annotated[Union[Count, Hours, DateFact, DateRange, Location, Amount],
                 Field(discriminator="type")]


class Finding(_Model):
    code: str
    severity: Severity
    message: str
    section: str | None = None
    evidence: list[Span] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list, description="Ids of the facts involved")


class Stats(_Model):
    numbers: int = Field(default=0, ge=0, description="Numbers written in the text")
    explained: int = Field(default=0, ge=0, description="Numbers accounted for")

    @property
    def explained_share(self) -> float:
        return self.explained / self.numbers if self.numbers else 1.0


FACT_ACTIONS = ("edit", "delete", "add")    # the corrections of facts; an undo takes one back
CorrectionAction = Literal["edit", "delete", "add", "verify", "unverify", "undo"]


class Correction(_Model):
    """A person's correction of an archived record, kept beside it (never in it): anchored to
    what it corrects — the fact's type, span and value as extracted — not to the fact's id,
    which changes when rules change."""

    id: int
    action: CorrectionAction
    fact_type: str | None = None
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    text: str | None = Field(default=None, description="The words of the span when it was made")
    extracted: Any = Field(default=None, description="The fact's value as extracted (the anchor)")
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    who: str
    at: str = Field(description="When, ISO 8601 UTC")
    reason: str | None = None
    fact: str | None = Field(default=None, description="Id of the fact it applies to in this record")
    applied: bool = Field(default=True, description="False: its fact no longer appears (after a "
                                                    "re-extraction), or a later correction undid it: "
                                                    "shown for review, never dropped")
    undoes: int | None = Field(default=None, description="An undo: the id of the correction it takes back")
    undone_by: int | None = Field(default=None, description="The id of the undo that took this one back")

    @property
    def of_a_fact(self) -> bool:
        """An edit, delete or add (what an undo may take back), not a verification or an undo."""
        return self.action in FACT_ACTIONS


class Review(_Model):
    """The people's side of an archived record: corrections applied, verification."""

    verified: bool = False
    verified_by: str | None = None
    verified_at: str | None = None
    corrections: list[Correction] = Field(default_factory=list)

    @property
    def unmatched(self) -> list[Correction]:
        """Corrections whose fact no longer appears (not those undone)."""
        return [c for c in self.corrections if not c.applied and c.undone_by is None]

    @property
    def in_force(self) -> list[Correction]:
        """The corrections of facts (edit, delete, add) that stand: not undone, not undos."""
        return [c for c in self.corrections if c.of_a_fact and c.undone_by is None]


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    organisation: str | None = Field(default=None, description="The centre that wrote the report, as shown")
    org_key: str | None = Field(default=None, description="One key per centre however its name is written "
                                                          "('owes-olsztyn'); in an archive, after its aliases")
    organisation_from: OrgOrigin | None = Field(default=None, description="Where org_key comes from: the "
                                                "header, an explicit organisation (--org) or the file name")
    kind: ReportKind | None = None
    kind_span: Span | None = None
    period: Period | None = None
    sections: list[Section] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    stats: Stats = Field(default_factory=Stats)
    text: str | None = Field(default=None, description="The decoded text (when requested)")
    review: Review | None = Field(default=None, description="In an archive: the corrections people made "
                                  "(the record is the corrected one) and whether it was verified")

    @model_serializer(mode="wrap")
    def _drop_empty_review(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A record nobody reviewed is written as before: without the `review` key."""
        data: dict[str, Any] = handler(self)
        if self.review is None:
            data.pop("review", None)
        return data

    def fact(self, fact_id: str) -> Fact | None:
        for f in self.facts:
            if f.id == fact_id:
                return f
        return None

    def facts_of(self, ftype: str) -> list[Fact]:
        return [f for f in self.facts if f.type == ftype]


# --- reconciliation across reports (`sprawozdania compare`, `sprawozdania audit --archive`) ---

Verdict = Literal["agrees", "differs", "unverifiable"]
ReconcileRule = Literal["sum", "last", "max", "none"]


class ReportRef(_Model):
    """One archived report, as a reconciliation names it."""

    sha256: str
    source: str = Field(description="File name")
    kind: ReportKind | None = None
    start: dt.date
    end: dt.date


class CoveredFigure(_Model):
    """One report's figure for an indicator (None: the report does not state it), with the
    spans of the facts it is made of."""

    report: ReportRef
    value: float | int | None = None
    approximate: bool = False
    evidence: list[Span] = Field(default_factory=list)


class ReconciledIndicator(_Model):
    """A covering report's figure for one indicator against the reports it covers."""

    section: str = Field(description="Section key ('' outside any section)")
    key: str = Field(description="Indicator code, or '?unit:lemma' for a subject the taxonomy does not know")
    indicator: str | None = None
    name: str
    by_lemma: bool = Field(default=False, description="Reconciled by the subject's lemma (not in the taxonomy)")
    unit: str
    measure: Literal["flow", "stock"]
    rule: ReconcileRule = Field(description="sum of the covered periods, the last one's, their maximum, or none")
    stated: CoveredFigure = Field(description="The covering report's figure")
    covered: list[CoveredFigure] = Field(default_factory=list, description="Each covered report's figure")
    expected: float | int | None = Field(default=None, description="What the covered reports add up to")
    verdict: Verdict
    reason: str | None = Field(default=None, description="Why it cannot be checked")
    arithmetic: str | None = Field(default=None, description="'251 ≠ 78 + 64 + 71 + 48 = 261'")


class DayRange(_Model):
    start: dt.date
    end: dt.date


class CoveringReconciliation(_Model):
    """One covering report (its period contains those of two or more other reports)."""

    report: ReportRef
    covered: list[ReportRef] = Field(default_factory=list, description="Periodic reports inside its period")
    nested: list[ReportRef] = Field(default_factory=list, description="Covering reports inside its period")
    straddling: list[ReportRef] = Field(default_factory=list, description="Periodic reports across its boundary")
    gaps: list[DayRange] = Field(default_factory=list, description="Days no covered report reports on")
    indicators: list[ReconciledIndicator] = Field(default_factory=list)


class CrossEvidence(_Model):
    """One span of a cross-report finding's evidence, in its report."""

    sha256: str
    source: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    line: int | None = Field(default=None, ge=1)
    column: int | None = Field(default=None, ge=1)


class CrossFindingRecord(_Model):
    """A finding across reports (period gap or overlap, mismatch with covered reports …)."""

    code: str
    severity: Severity
    message: str
    section: str | None = None
    indicator: str | None = None
    periods: list[str] = Field(default_factory=list)
    evidence: list[CrossEvidence] = Field(default_factory=list)


class Reconciliation(_Model):
    """Every covering report of one organisation reconciled with the periodic reports it covers."""

    schema_version: str = SCHEMA_VERSION
    organisation: str
    org_key: str
    taxonomy_version: int
    covering: list[CoveringReconciliation] = Field(default_factory=list)
    findings: list[CrossFindingRecord] = Field(default_factory=list)


__all__ = [
    "FACT_ACTIONS", "SCHEMA_VERSION", "Amount", "Correction", "CorrectionAction", "Count", "DateFact", "DateRange", "Fact", "Finding", "Hours",
    "Location", "Period", "Provenance", "Quantity", "Report", "Review", "Section", "SourceInfo", "Span",
    "Stats", "CoveredFigure", "CoveringReconciliation", "CrossEvidence", "CrossFindingRecord", "DayRange",
    "ReconciledIndicator", "Reconciliation", "ReportRef",
]
