"""The pipeline: spaCy's blank Polish pipeline with the genre tokenizer and our components.

Built once per Extractor (and one Extractor per process is plenty); components are
registered by name so a pipeline can be assembled from configuration.
"""
from __future__ import annotations

import hashlib
from functools import cache
from typing import TYPE_CHECKING, Any

from models import Report, SourceInfo

from .build import build_report
from .text import View, normalise, tokenize

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class GenreTokenizer:
    """Tokens for the genre: digits split from letters ("17h", "2024r."), every punctuation
    mark its own token, whitespace kept, so token offsets are exact character offsets."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        norm = normalise(text)
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        toks = tokenize(norm)
        for m in toks:
            gap = text[pos:m.start]
            if gap:
                if gap[0] == " " and words and not spaces[-1]:
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    words.append(gap)
                    spaces.append(False)
            words.append(text[m.start:m.end])
            spaces.append(False)
            pos = m.end
        tail = text[pos:]
        if tail:
            if tail[0] == " " and words and not spaces[-1]:
                spaces[-1] = True
                tail = tail[1:]
            if tail:
                words.append(tail)
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["spr_norm"] = norm  # the recognisers' view reuses these, no second pass
        doc.user_data["spr_toks"] = toks
        return doc


@cache
def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc

    if not Doc.has_extension("spr_view"):
        Doc.set_extension("spr_view", default=None)
        Doc.set_extension("spr_report", default=None)
        Doc.set_extension("spr_source", default=None)

    @Language.component("sprawozdania_view")
    def view_component(doc: Doc) -> Doc:
        text = doc.text  # built from the tokens on every access: once here
        norm = doc.user_data.get("spr_norm") or normalise(text)
        toks = doc.user_data.get("spr_toks") or tokenize(norm)
        doc._.spr_view = View(text, norm=norm, toks=toks)
        return doc

    @Language.component("sprawozdania_facts")
    def facts_component(doc: Doc) -> Doc:
        src = doc._.spr_source or SourceInfo(name="<text>", chars=len(doc.text))
        report = build_report(doc._.spr_view, src)
        doc._.spr_report = report
        spans = []
        for f in report.facts:
            sp = doc.char_span(f.span.start, f.span.end, label=f.type, alignment_mode="expand")
            if sp is not None:
                spans.append(sp)
        doc.spans["facts"] = spans
        return doc


def build_nlp() -> Language:
    import spacy

    _register()
    nlp = spacy.blank("pl")
    nlp.tokenizer = GenreTokenizer(nlp.vocab)
    nlp.add_pipe("sprawozdania_view")
    nlp.add_pipe("sprawozdania_facts")
    return nlp


class Extractor:
    """Reusable extractor: the pipeline (spaCy, Morfeusz, lexicons) is built on first use."""

    def __init__(self) -> None:
        self._nlp: Language | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_nlp()
        return self._nlp

    def extract_text(self, text: str, name: str = "<text>", *, fmt: str = "txt",
                     encoding: str | None = None, keep_text: bool = False) -> Report:
        source = SourceInfo(name=name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                            format=fmt, encoding=encoding, chars=len(text))
        doc = self.nlp.make_doc(text)
        doc._.spr_source = source
        for _name, proc in self.nlp.pipeline:
            doc = proc(doc)
        report: Report = doc._.spr_report
        if keep_text:
            report.text = text
        return report
