"""The spaCy pipeline: the genre tokenizer and one component per stage.

    import spacy
    nlp = spacy.blank("pl")
    nlp.add_pipe("sprawozdania")          # adds the stages it needs, in order, then itself
    doc = nlp("Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018 …")
    doc._.spr_report                      # models.Report
    doc.spans["quantities"]               # counts, hours, amounts (labels); also "sections",
                                          # "period", "dates", "numbers", "places", "facts"

Stages (each registered with `@Language.factory`, also under the `spacy_factories` entry point):

    sprawozdania_structure   kind, period, headings, author              spans "sections", "period"
    sprawozdania_dates       dates, ranges, times of day                 spans "dates"
    sprawozdania_numbers     every number and what it is (a role, or     spans "numbers"
                             a quantity its neighbours make)
    sprawozdania_quantities  labels, services, breakdowns, flags         spans "quantities"
    sprawozdania_places      localities, counties, communes, regions     spans "places"
    sprawozdania             the validated Report and its audit          spans "facts", "findings"

Each takes `spans` (default true): false leaves doc.spans alone, for a caller that reads
only the Report — `extract_text` does, about 5 % faster. A stage added without the stages it
needs raises PipelineError naming them. The components work on any Doc (spaCy's own Polish
tokenizer too); with the genre tokenizer (`nlp.tokenizer = GenreTokenizer(nlp.vocab)`, or
`[nlp.tokenizer] @tokenizers = "sprawozdania.tokenizer.v1"` in a config) the recognisers read
the tokens the Doc was built from.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from models import Report, SourceInfo

from .build import (
    Extraction,
    assemble,
    read_dates,
    read_numbers,
    read_places,
    read_quantities,
    read_structure,
)
from .errors import SprawozdaniaError, TextError
from .spans import set_spans
from .text import View, normalise, tokenize


class PipelineError(SprawozdaniaError):
    """A component of ours runs without the components it needs before it."""


class GenreTokenizer:
    """Tokens for the genre: digits split from letters ("17h", "2024r."), every punctuation
    mark its own token, whitespace kept, so token offsets are exact character offsets."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        norm = normalise(text)
        words: list[str] = []
        spaces: list[bool] = []
        starts: list[int] = []
        pos = 0
        toks = tokenize(norm)
        for m in toks:
            start = m.start
            if pos < start:   # white space before the token: one space is the last word's, the rest a word
                if text[pos] == " " and words and not spaces[-1]:
                    spaces[-1] = True
                    pos += 1
                if pos < start:
                    starts.append(pos)
                    words.append(text[pos:start])
                    spaces.append(False)
            starts.append(start)
            words.append(text[start:m.end])
            spaces.append(False)
            pos = m.end
        if pos < len(text):
            if text[pos] == " " and words and not spaces[-1]:
                spaces[-1] = True
                pos += 1
            if pos < len(text):
                starts.append(pos)
                words.append(text[pos:])
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["spr_starts"] = starts
        doc.user_data["spr_text"] = text
        doc.user_data["spr_norm"] = norm  # the recognisers read these tokens: one tokenisation
        doc.user_data["spr_toks"] = toks
        return doc


# --- the stages ---------------------------------------------------------------------------

Stage = Callable[[Extraction], None]
# component name -> (what it does, the component it needs right before it, span key, labels)
STAGES: dict[str, tuple[Stage, str | None]] = {
    "sprawozdania_structure": (read_structure, None),
    "sprawozdania_dates": (read_dates, "sprawozdania_structure"),
    "sprawozdania_numbers": (read_numbers, "sprawozdania_dates"),
    "sprawozdania_quantities": (read_quantities, "sprawozdania_numbers"),
    "sprawozdania_places": (read_places, "sprawozdania_quantities"),
}
ORDER = (*STAGES, "sprawozdania")


def _extraction(doc: Doc, name: str, needs: str | None) -> Extraction:
    ext: Extraction | None = doc._.spr_extraction
    if needs is None:
        if ext is None:
            # the genre tokenizer keeps the text; doc.text is built from the tokens on every access
            text = doc.user_data.get("spr_text") or doc.text
            norm = doc.user_data.get("spr_norm") or normalise(text)
            toks = doc.user_data.get("spr_toks") or tokenize(norm)
            ext = Extraction(View(text, norm=norm, toks=toks), doc=doc)
            doc._.spr_extraction = ext
        return ext
    if ext is None or needs not in ext.done:
        ran = ", ".join(ext.done) if ext else "none"
        raise PipelineError(f"{name} needs {needs} to run before it (ran so far: {ran}); "
                            f"the stages go in this order: {', '.join(ORDER)} — nlp.add_pipe(\"sprawozdania\") adds them")
    return ext


def _stage_spans(doc: Doc, name: str, ext: Extraction) -> None:
    """The mentions a stage found, as span groups."""
    if name == "sprawozdania_structure":
        st = ext.structure
        assert st is not None
        set_spans(doc, "sections", [(h.start, h.end, h.code) for h in st.headings])
        set_spans(doc, "period", [(*st.period.span, "period")] if st.period else [])
    elif name == "sprawozdania_dates":
        set_spans(doc, "dates", sorted([(d.start, d.end, "date") for d in ext.dates or []]
                                    + [(r.start, r.end, "date_range") for r in ext.ranges]
                                    + [(s, e, "time") for s, e, what in ext.view.claimed if what == "time"]))
    elif name == "sprawozdania_numbers":
        assert ext.numbers is not None
        set_spans(doc, "numbers", [(n.start, n.end, str(n.role or "number")) for n in ext.numbers.nums])
    elif name == "sprawozdania_quantities":
        assert ext.numbers is not None
        set_spans(doc, "quantities", [(q.start, q.end, q.kind) for q in ext.numbers.result()])
    elif name == "sprawozdania_places":
        set_spans(doc, "places", [(p.start, p.end, p.kind) for p in ext.places or []])


class StageComponent:
    """One stage as a spaCy component: runs it on the Doc's extraction, writes its spans
    (`spans=False`: only the extraction, for a caller that reads the Report alone)."""

    def __init__(self, name: str, spans: bool = True) -> None:
        self.name = name
        self.stage, self.needs = STAGES[name]
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        ext = _extraction(doc, self.name, self.needs)
        self.stage(ext)
        ext.done.append(self.name)
        if self.spans:
            _stage_spans(doc, self.name, ext)
        return doc


class ReportComponent:
    """The last stage: the validated models.Report (audit included) in doc._.spr_report."""

    name = "sprawozdania"

    def __init__(self, spans: bool = True) -> None:
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        ext = _extraction(doc, self.name, "sprawozdania_places")
        src = doc._.spr_source or SourceInfo(name="<text>", chars=len(ext.view.text))
        report = assemble(ext, src)
        doc._.spr_report = report
        ext.done.append(self.name)
        if self.spans:
            set_spans(doc, "facts", [(f.span.start, f.span.end, f.type) for f in report.facts])
            set_spans(doc, "findings", [(e.start, e.end, f.code) for f in report.findings for e in f.evidence[:1]])
        return doc


# --- registration: importing this module registers everything (spaCy imports it through the
# spacy_factories entry point when a pipeline names one of these factories) -----------------

for _ext in ("spr_extraction", "spr_report", "spr_source"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)

_ASSIGNS = ["doc._.spr_extraction", "doc.spans"]
# spans: write each stage's mentions to doc.spans (False: the Report alone, as extract_text needs)
_CONFIG = {"spans": True}


@Language.factory("sprawozdania_structure", assigns=_ASSIGNS, default_config=_CONFIG)
def make_structure(nlp: Language, name: str, spans: bool) -> StageComponent:
    return StageComponent("sprawozdania_structure", spans)


@Language.factory("sprawozdania_dates", assigns=_ASSIGNS, requires=["doc._.spr_extraction"], default_config=_CONFIG)
def make_dates(nlp: Language, name: str, spans: bool) -> StageComponent:
    return StageComponent("sprawozdania_dates", spans)


@Language.factory("sprawozdania_numbers", assigns=_ASSIGNS, requires=["doc._.spr_extraction"], default_config=_CONFIG)
def make_numbers(nlp: Language, name: str, spans: bool) -> StageComponent:
    return StageComponent("sprawozdania_numbers", spans)


@Language.factory("sprawozdania_quantities", assigns=_ASSIGNS, requires=["doc._.spr_extraction"],
                  default_config=_CONFIG)
def make_quantities(nlp: Language, name: str, spans: bool) -> StageComponent:
    return StageComponent("sprawozdania_quantities", spans)


@Language.factory("sprawozdania_places", assigns=_ASSIGNS, requires=["doc._.spr_extraction"], default_config=_CONFIG)
def make_places(nlp: Language, name: str, spans: bool) -> StageComponent:
    return StageComponent("sprawozdania_places", spans)


@Language.factory("sprawozdania", assigns=["doc._.spr_report", "doc.spans"], requires=["doc._.spr_extraction"],
                  default_config=_CONFIG)
def make_sprawozdania(nlp: Language, name: str, spans: bool) -> ReportComponent:
    """`nlp.add_pipe("sprawozdania")`: the stages it needs are added first, in order, with the
    same `spans` setting."""
    for stage in STAGES:
        if stage not in nlp.pipe_names:
            nlp.add_pipe(stage, config={"spans": spans})
    return ReportComponent(spans)


@registry.tokenizers("sprawozdania.tokenizer.v1")  # type: ignore[untyped-decorator]
def create_tokenizer() -> Callable[[Language], GenreTokenizer]:
    """The genre tokenizer for a config: `[nlp.tokenizer] @tokenizers = "sprawozdania.tokenizer.v1"`."""
    def make(nlp: Language) -> GenreTokenizer:
        return GenreTokenizer(nlp.vocab)
    return make


def build_nlp(spans: bool = True) -> Language:
    """spacy.blank("pl"), the genre tokenizer and every stage (`spans`: see _CONFIG)."""
    import spacy

    from .read import Limits

    nlp = spacy.blank("pl")
    nlp.tokenizer = GenreTokenizer(nlp.vocab)
    nlp.max_length = Limits.from_env().max_chars
    nlp.add_pipe("sprawozdania", config={"spans": spans})
    return nlp


class Extractor:
    """Reusable extractor: the pipeline (spaCy, Morfeusz, lexicons) is built on first use,
    without doc.spans — it gives the Report and lets the Doc go (`build_nlp()` for a Doc)."""

    def __init__(self) -> None:
        self._nlp: Language | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_nlp(spans=False)
        return self._nlp

    def extract_text(self, text: str, name: str = "<text>", *, fmt: str = "txt",
                     encoding: str | None = None, keep_text: bool = False) -> Report:
        nlp = self.nlp
        if len(text) > nlp.max_length:
            raise TextError(f"{name}: {len(text):,} characters, over the limit of {nlp.max_length:,} "
                            f"(SPRAWOZDANIA_MAX_CHARS)".replace(",", " "))
        source = SourceInfo(name=name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                            format=fmt, encoding=encoding, chars=len(text))
        doc = nlp.make_doc(text)
        doc._.spr_source = source
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
        report: Report = doc._.spr_report
        # the Doc and the extraction point at each other (its pipeline writes no spans): the
        # Doc is ours alone, so undo the link and let it go now, not at the collector's next round
        doc.user_data.clear()
        if keep_text:
            report.text = text
        return report
