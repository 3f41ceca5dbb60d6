"""One comparison form for the whole package (extractor.text.fold), equal to the helpers it replaced."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.evaluate import norm_text
from extractor.structure import fold as heading_fold
from extractor.text import fold


# the four helpers as they were before they became one
def _old_heading(s: str) -> str:
    s = s.replace("ł", "l").replace("Ł", "L")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", s)


def _old_places(s: str) -> str:
    s = s.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()


def _old_eval(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode().lower()
    return " ".join(s.replace("-", " ").split())


_POLISH = st.text(alphabet=st.sampled_from(list("aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄCĆEĘŁŃÓŚŹŻ -–.,:/0123456789ßø\u0301")),
                  max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_POLISH, st.text(max_size=40)))
def test_fold_equals_the_helpers_it_replaced(s: str) -> None:
    assert fold(s) == _old_places(s)
    assert heading_fold(s) == fold(s, joiner="") == _old_heading(s)
    assert norm_text(s) == _old_eval(s)


def test_fold_examples() -> None:
    assert fold("Gmina Łąkowa-Źródło") == "gmina lakowa-zrodlo"
    assert fold("Gmina Łąkowa-Źródło", joiner="-") == "gmina-lakowa-zrodlo"
    assert fold("  Szkoła nr 5 ", joiner="") == "szkolanr5"
    assert fold("Żółw", keep_l=False) == "zow"   # the facts/1 scorer drops 'ł'
