"""Hours of services: "240 h", "17h", "12 godz.", "40 godzin" with the service as subject
("mentoring biznesowy 240 h"), and consultancy lists with the unit once or not at all
("doradztwo: księgowe 48, prawne 6, marketingowe 12 h")."""
from __future__ import annotations

import re

from .. import morph
from ..lexicon import lexicon
from ..phrases import _adj_lemma, head_lemma
from ..rules import rule
from ..text import WORDS, Tok, View
from .common import _prep_re, agree_list, clause_start, dehyphen, is_verb, np_before, subject_phrase
from .model import Candidate, Context, Num, Qty


def is_hour_unit(view: View, t: Tok) -> bool:
    low = t.text.lower()
    if low == "h":
        after = view.norm[t.end:t.end + 1]
        return not after.isalpha()
    return low in lexicon().units.hours


@rule("decide", "hours.unit")
def hours_unit(ctx: Context, c: Candidate) -> Qty | None:
    """'240 h', '17h', '12 godz.', '40 godzin' (the service is found by hours.subjects)."""
    nxt, n, norm = c.nxt, c.n, ctx.norm
    if nxt is not None and is_hour_unit(ctx.view, nxt) and c.prev_text.lower() not in ("godz", "godz."):
        unit_end = nxt.end + (1 if norm[nxt.end:nxt.end + 1] == "." and nxt.text.lower() == "godz" else 0)
        return Qty("hours", n.start, unit_end, n.int_value, n)
    return None


@rule("quantities", "hours.subjects", kind="pass")
def hours_subjects(ctx: Context) -> None:
    """'mentoring biznesowy 240 h' -> subject and span start; 'kadrowe 17h' takes the head
    noun of the list it is in ('doradztwo'); '120 godzin doradztwa' takes the noun after."""
    view = ctx.view
    lx = lexicon()
    last: Qty | None = None  # the last hours fact with a service named so far
    for q in sorted((q for q in ctx.qtys if q.kind == "hours"), key=lambda q: q.start):
        cs = clause_start(view, q.start)
        sent_start, _ = view.sentence(q.start)
        after = view.next_tok(q.end)
        named_after = after is not None and after.is_word and view.norm[q.end:after.start] == " " and \
            (any(a.pos == "subst" and "gen" in a.case for a in morph.analyse(after.text)) or
             morph.guessed_noun(after.text)) and \
            not any(a.pos == "prep" for a in morph.analyse(after.text))
        np = None if named_after else np_before(view, cs, q.start)
        if np is not None:
            ph_start, words, ph_end = np
            first = words[0]
            consultancy = lx.services.consultancy
            first_is_adj = _adj_lemma(first) is not None and not lx.acronym_base(first) and \
                (morph.only_adj(first) or head_lemma(first) not in consultancy | lx.services.hours_subjects)
            before = last if last is not None and last.start >= sent_start else None
            inherited = list_head(view, sent_start, q.start, before) if first_is_adj else None
            if inherited:
                adj_text = dehyphen(view.norm[ph_start:q.start]).strip(" -:")
                q.subject = inherited + " " + agree_list(adj_text, inherited)
            else:
                q.subject = subject_phrase(view, ph_start, ph_end)
                dotted = view.norm[ph_start + len(first):ph_start + len(first) + 1] == "."
                exp = lx.abbreviations.get(first.lower() + ".") if dotted else None
                if exp and exp in consultancy:
                    rest = view.norm[ph_start + len(first) + 1:q.start].strip(" -:")
                    q.subject = (exp + " " + agree_list(rest, exp)).strip()
            between = view.norm[ph_start:q.start]
            if not any(is_verb(w) for w in WORDS.findall(between)):
                q.start = ph_start
        else:
            nxt = view.next_tok(q.end)
            if nxt is not None and nxt.is_word and view.norm[q.end:nxt.start] == " " and \
                    (morph.is_noun(nxt.text) or morph.guessed_noun(nxt.text)):
                from .counts import extend_phrase

                q.subject = subject_phrase(view, nxt.start, extend_phrase(view, nxt.i))
            else:
                q.subject = _subject_from_head(view, sent_start, q.start) or q.subject
        if q.subject:
            last = q


def _subject_from_head(view: View, sent_start: int, pos: int) -> str | None:
    """'mentoring biznesowy w latach: 2016 r. – 120 h': the service named before the list's colon."""
    colon = view.norm.rfind(":", sent_start, pos)
    head_np = np_before(view, sent_start, colon) if colon > sent_start else None
    if head_np is not None and (head_lemma(head_np[1][-1]) or "") in lexicon().units.not_counted:
        head_np = None  # "… coaching zespołów w kolejnych latach:" ends in a time phrase
    if head_np is None and colon > sent_start:
        # "… mentoring biznesowy w kolejnych latach:": the phrase before its complement
        m = list(_prep_re("head_prepositions").finditer(view.norm[sent_start:colon]))
        if m:
            colon = sent_start + m[-1].start()
            head_np = np_before(view, sent_start, colon)
    if head_np is not None:
        return subject_phrase(view, head_np[0], colon)
    return None


def list_head(view: View, sent_start: int, pos: int, before: Qty | None) -> str | None:
    """The consultancy head a unit-less list item inherits: the subject head of `before` (the
    last hours fact with a service, earlier in the sentence), or a service noun before the
    list's colon."""
    lx = lexicon()
    if before is not None and before.subject:
        head = before.subject.split()[0]
        if head in lx.services.consultancy:
            return head
    pre = view.norm[sent_start:pos]
    colon = pre.rfind(":")
    if colon < 0:
        return None
    # "Doradztwo indywidualne (stan na koniec maja 2022 r.):" — the bracket says nothing of the head
    head_text = re.sub(r"\([^()]*\)", " ", pre[max(0, colon - 80):colon])
    words = re.findall(r"[^\W\d_]+\.?", head_text)[-4:]
    for w in words:
        exp = lx.abbreviations.get(w.lower()) if w.endswith(".") else None
        hl = exp or head_lemma(w.rstrip("."))
        if hl in lx.services.consultancy:
            return hl
    return None


_UNIT_IN_HEAD = re.compile(r"\((?:w\s+)?(?:godz\.?|godzinach|h)\)\s*:\s*[^:]*$", re.I)


@rule("quantities", "hours.unitless")
def unitless_hours(ctx: Context, n: Num) -> Qty | None:
    """'doradztwo: księgowe 48, prawne 6, marketingowe 12 h', 'dor. prawne/księgowe 36',
    'Doradztwo (w godz.): prawne 16, z zakresu zamówień publicznych 8'."""
    view = ctx.view
    lx = lexicon()
    nxt = view.next_tok(n.end)
    if nxt is not None and nxt.text not in ",;.)-" and nxt.text.lower() not in lx.grammar.list_conjunctions \
            and "\n" not in view.norm[n.end:nxt.start]:
        return None
    cs = clause_start(view, n.start)
    words = [t for t in view.tokens_between(cs, n.start) if t.is_word]
    if not words or len(words) > 4:
        return None
    s, _ = view.sentence(n.start)
    first = words[0].text
    dotted = view.norm[words[0].end:words[0].end + 1] == "."
    first_exp = lx.abbreviations.get(first.lower() + ".") if dotted else None
    head = first_exp or head_lemma(first)
    if head in lx.services.consultancy:
        rest = view.norm[words[0].end + (1 if first_exp else 0):n.start].strip(" -:")
        subject = (head + " " + agree_list(rest, head)).strip() if rest else head
    else:
        unit_in_head = bool(_UNIT_IN_HEAD.search(view.norm[s:n.start]))
        inherited = list_head(view, s, n.start, _last_hours(ctx, s, n.start)) \
            if _adj_lemma(first) is not None or unit_in_head else None
        if inherited is None:
            return None
        subject = inherited + " " + agree_list(view.norm[words[0].start:n.start].strip(" -:"), inherited)
    return Qty("hours", words[0].start, n.end, n.int_value, n, subject=subject)


def _last_hours(ctx: Context, start: int, end: int) -> Qty | None:
    """The last hours fact with a service in [start, end): of this sweep's own finds (text
    order) if any, else of the quantities before it."""
    for q in reversed(ctx.found):
        if q.start < start:
            break
        if q.start < end and q.kind == "hours" and q.subject:
            return q
    for q in reversed(ctx.qtys_between(start, end)):
        if q.kind == "hours" and q.subject:
            return q
    return None
