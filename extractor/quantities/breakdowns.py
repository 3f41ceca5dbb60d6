"""Breakdowns: the parts of a total, linked to it — "30 spotkań: 7 w UG/UM, 19 w PUP, 4 w PCPR",
"12 spotkań – UG/UM 5, PUP-4", "…, w tym 12 wyjazdowych", "UG 5, PUP 4 – razem 9", bulleted
lines under "…, w tym:" or above "Razem: 34 osoby", "ok. 40 grup – 14 z nich …"."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from .. import morph
from ..lexicon import lexicon
from ..phrases import lemma_phrase
from ..rules import rule
from ..text import WORDS, View, alternation, leading_words
from .common import (
    HEAD_BRACKET_END,
    ITEM_END,
    dehyphen,
    figure_words,
    is_finite_verb,
    measured,
    strip_label_preposition,
    verb_tags,
    vote_side,
)
from .model import Context, Num, Qty


@rule("quantities", "breakdowns.subsets_after")
def subset_after(ctx: Context, n: Num) -> Qty | None:
    """'ok. 40 grup – 14 z nich przekształciło się …': a subset of the count before it."""
    view = ctx.view
    m = re.match(r"\s+(?:z|spośród|spomiędzy)\s+nich\b", view.norm[n.end:n.end + 20])
    if not m:
        return None
    s, _ = view.sentence(n.start)
    before = [q for q in ctx.qtys_between(s, n.start) if q.kind == "count" and q.parent is None]
    if not before:
        return None
    q = Qty("count", n.start, n.end + m.end(), n.int_value, n, label="z nich")
    q.parent, q.subset = before[-1], True
    before[-1].parts.append(q)
    return q


# ", " "; " " i " " oraz " " a także ": up to 3 spaces around a comma, up to 6 before a word;
# written from the first character (a class) so the engine skips to candidates
# after a space, a gate: a separator's comma or word must come within six characters
_ITEM_SPLIT = re.compile(r"[ \n,;](?:(?<=[,;])|(?=[ \n]{0,5}+[,;ioa])(?:[ \n]{0,2}+[,;]|[ \n]{0,5}+(?:i|oraz|a[ \n]{1,3}także|a)"
                         r"[ \n]{1,3}))[ \n]{0,3}")


def _split_items(view: View, start: int, end: int) -> list[tuple[int, int]]:
    """Split a list into items; brackets are kept inside their item, and a fragment after
    'i'/'oraz' without a number continues the previous item ('w urzędach gmin i miast')."""
    seg = view.norm[start:end]
    # brackets are masked (kept inside their item, their commas no separators) with a character
    # that no separator pattern eats
    masked = _BRACKETED.sub(lambda m: "#" * len(m.group()), seg)
    if "," in masked and ";" in masked:
        cut = masked.index(";")
        seg, masked = seg[:cut], masked[:cut]
    items: list[tuple[int, int]] = []
    pos = 0
    seps: list[str] = []
    for m in _ITEM_SPLIT.finditer(masked):
        items.append((pos, m.start()))
        seps.append(m.group().strip())
        pos = m.end()
    items.append((pos, len(seg.rstrip(" .;\n"))))
    merged: list[tuple[int, int]] = []
    carry: int | None = None  # start of a fragment waiting for the item after it
    for k, (a, b) in enumerate(items):
        has_num = bool(re.search(r"\d", masked[a:b])) or _has_number_word(masked[a:b])
        short = len(WORDS.findall(masked[a:b])) <= 3
        if not has_num and short and k + 1 < len(items) and seps[k] in ("i", "oraz") and \
                not re.match(r"\s*\d", masked[items[k + 1][0]:items[k + 1][1]]):
            carry = a  # "parafie i KGW: 3": the next item's label starts here
            continue
        if merged and not has_num and k > 0 and seps[k - 1] in ("i", "oraz") and \
                k + 1 < len(items) and short:
            merged[-1] = (merged[-1][0], b)  # "8 w urzędach gmin i miast"
            continue
        merged.append((carry if carry is not None else a, b))
        carry = None
    return [(start + a, start + b) for a, b in merged if b > a]


def _has_number_word(text: str) -> bool:
    forms = morph.number_forms()
    return any(w.lower() in forms for w in WORDS.findall(text))


@cache
def _subset_opener() -> re.Pattern[str]:
    """The subset marker after a total ("…, w tym 5 …", "(z czego 3 …)") or a marker of a full
    breakdown ("…, tj. 10 prawnych i 8 księgowych"): `sub` is set for a subset."""
    mk = lexicon().markers

    def alt(words: tuple[str, ...]) -> str:
        return alternation(words, gap="[ \n]{1,3}")

    return re.compile(
        r"(?P<skip>(?:[^\d():;]|\([^()]{0,200}\)){0,120}?)[ \n]{0,3}[,;]?[ \n]{0,3}(?P<paren>\()?[ \n]{0,3}"
        rf"(?:(?P<sub>{alt(mk.subset)})|{alt(mk.breakdown)})(?![^\W\d_])[ \n]{{0,3}}:?[ \n]{{0,3}}", re.I)


def _counts_in(counts: list[Qty], starts: list[int], start: int, end: int) -> list[Qty]:
    """The counts (sorted by start, `starts` their starts) that start in [start, end)."""
    return counts[bisect_left(starts, start):bisect_left(starts, end)]


_BRACKETED = re.compile(r"\([^()]*\)")
# an hours list is introduced: a bracket or colon at once, or a colon after a few words
_HOURS_LIST_OPENER = re.compile(r"\s*(?:\(|:)|(?:(?!\b(?:oraz|i|a|także)\b)[^\d:(),;]){0,40}:")
# a colon after a bracket first ("9 miejsc pracy (zakładano 8): w Szprotawie – 4, …"), then a
# colon, bracket or dash right after the total
# (a ")" first: the head's bracket that held the total, "(razem 12):")
_COLON_OPENER = re.compile(r"(?:\)[ \t]*)?(?:[^\d:()\n]|\([^()]{0,40}\)){0,80}?\s?:\s?")
_BRACKET_DASH_OPENER = re.compile(r"[^\d:(),;\n]{0,80}?(?:\s?\(\s?|\s-\s?|-\s|\s-(?=[^\W\d]))")


def _find_list(view: View, tot: Qty, start: int, limit: int, counts: list[Qty],
               starts: list[int]) -> tuple[int, int, bool] | None:
    """Where the list after a total opens: (open_at, limit, subset) or None. `start` is where to
    look from (the total's end, or the end of a list already read)."""
    norm = view.norm
    tail = norm[start:limit]
    m_sub = _subset_opener().match(tail)
    if m_sub and not m_sub["sub"] and (start != tot.end or len(WORDS.findall(m_sub["skip"])) > 3):
        m_sub = None  # a full breakdown follows its total at once
    if m_sub and m_sub["sub"] and ":" not in m_sub.group()[m_sub.end("sub") - m_sub.start():] and \
            _pronoun_takes_noun(m_sub["sub"], tail[m_sub.end():]):
        m_sub = None  # "w tym roku", "z tego powodu": the pronoun has its own noun
    if m_sub and not any(q is not tot and not _in_brackets(norm, start, q.start)
                         for q in _counts_in(counts, starts, start, start + len(m_sub["skip"]))):
        open_at = start + m_sub.end()
        if m_sub["paren"] and ")" in norm[open_at:limit]:
            limit = norm.index(")", open_at)
        return open_at, limit, bool(m_sub["sub"])
    if start != tot.end:
        return None  # after a first list only a subset ("…, z czego …") may follow
    if tot.kind == "hours" and not _HOURS_LIST_OPENER.match(tail):
        return None  # hours lists are separate services, not parts, unless introduced
    m_open = _COLON_OPENER.match(tail) or _BRACKET_DASH_OPENER.match(tail)  # "5 os., księgowe – 7": no opener
    if not m_open or len(WORDS.findall(tail[:m_open.end()])) > 10:
        return None
    opener_words = [w.lower() for w in WORDS.findall(_BRACKETED.sub("", tail[:m_open.end()]))]
    if opener_words and all(w in figure_words() for w in opener_words):
        return None   # "plan: 10 zajęć, wykonanie: 7": what was done, no list of parts
    open_at = start + m_open.end()
    if m_open.group().rstrip().endswith("(") and ")" in norm[open_at:limit]:
        limit = norm.index(")", open_at)
    return open_at, limit, False


def _pronoun_takes_noun(marker: str, after: str) -> bool:
    """A subset marker made of a preposition and a pronoun ("w tym", "z tego") followed by a noun
    the pronoun agrees with, in the case the preposition governs: "w tym roku", "z tego powodu"."""
    words = WORDS.findall(marker)
    nxt = WORDS.match(after)
    case = lexicon().grammar.preposition_cases.get(words[0].lower()) if len(words) == 2 else None
    if case is None or nxt is None or not nxt.group().islower():   # "w tym PUP – 5" is a list
        return False
    pron = [i for i in morph.analyse(words[1].lower()) if i.pos == "adj" and case in i.case]
    return any(n.pos == "subst" and case in n.case and n.number & p.number and n.gender & p.gender
               for n in morph.analyse(nxt.group()) for p in pron)


@rule("quantities", "breakdowns.lists", kind="pass")
def link_breakdowns(ctx: Context) -> None:
    """Lists of parts after totals: '30 spotkań: 7 w UG/UM, 19 w PUP', '…, w tym 12 online',
    '…, tj. 10 prawnych i 8 księgowych', bulleted lines under '…, w tym:'."""
    view, qtys, nums = ctx.view, ctx.qtys, ctx.nums
    norm = view.norm
    by_start = {q.num.start: q for q in qtys}
    free_nums = {n.start: n for n in nums if not n.role}
    new: list[Qty] = []
    counts = sorted((q for q in qtys if q.kind in ("count", "hours")), key=lambda q: q.start)
    starts = [q.start for q in counts]
    claimed_parts: set[int] = set()  # quantities that became parts: they leave ctx.qtys
    for tot in counts:
        if tot.parent is not None or id(tot) in claimed_parts or tot.planned and tot.rule == "counts.planned":
            continue
        s_start, s_end = view.sentence(tot.start)
        opened = norm.rfind("(", s_start, tot.start)
        limit = s_end
        start = tot.end
        if opened > norm.rfind(")", s_start, tot.start):  # the total is inside a bracket
            close = norm.find(")", tot.end, s_end)
            limit = close if close >= 0 else s_end
            if close >= 0 and HEAD_BRACKET_END.match(norm, close):
                limit = s_end   # "Wypisy według przyczyny (razem 12):" over its list
        for _round in range(2):  # "41 spotkań (w tym 17 online), z czego w I kwartale 19, …"
            found = _find_list(view, tot, start, limit, counts, starts)
            if found is None:
                break
            open_at, list_end, subset = found
            line_end = view.line_end(tot.end)  # "…, w tym:" and the list on the lines below
            bullets = _bullet_lines(norm, line_end) \
                if line_end < len(norm) and (line_end < open_at or not norm[open_at:line_end].strip()) else []
            parts: list[Qty] = []
            for s0, e0 in bullets or _split_items(view, open_at, list_end):
                part = _item(view, s0, e0, free_nums, by_start, "breakdowns.lists", fates=subset)
                if part is None:
                    break
                if tot.kind == "hours":
                    part.kind = "hours"
                parts.append(part)
            if len(parts) < (1 if subset else 2):
                break
            target = tot
            total = sum(p.value for p in parts)
            if not subset and total != tot.value:
                # "9 miejsc pracy w 3 nowych PS (…): … (4), … (3), … (2)": the figure the parts add up to
                target = next((q for q in _counts_in(counts, starts, s_start, open_at) if q.value == total and
                               q.parent is None and not q.planned and q.kind == tot.kind), tot)
                if target is tot and len(parts) == tot.value and tot.kind == "count":
                    break   # "Sześć pracowni: stolarska – 4, plastyczna – 5, …": the six, each with a figure of its own
            for p in parts:
                old = by_start.get(p.num.start)
                if old is not None:
                    claimed_parts.add(id(old))
                p.parent = target
                p.subset = subset
                target.parts.append(p)
                new.append(p)
                free_nums.pop(p.num.start, None)
            start = max(p.end for p in parts)
            if list_end < limit and norm[list_end:list_end + 1] == ")":
                start = max(start, list_end + 1)
    ctx.qtys[:] = [q for q in qtys if id(q) not in claimed_parts]
    _retarget_subsets(view, counts, starts, new)
    ctx.parts += new


def _retarget_subsets(view: View, counts: list[Qty], starts: list[int], parts: list[Qty]) -> None:
    """'14 szkoleń … dla 173 uczestników, z czego 9 szkoleń …': a subset that names its noun
    belongs to the earlier total with the same noun."""
    for p in parts:
        if p.subset and p.parent is not None and p.kind != p.parent.kind:
            # "7 szkoleń (łącznie 60 godz.), w tym szkolenie … – 24 godziny": hours belong to hours
            s, _ = view.sentence(p.start)
            same_kind = [q for q in _counts_in(counts, starts, s, p.start) if q.parent is None and q.kind == p.kind]
            if same_kind:
                p.parent.parts.remove(p)
                p.parent = same_kind[-1]
                same_kind[-1].parts.append(p)
                continue
        if not p.subset or p.parent is None or not p.label:
            continue
        head = p.label.split()[0]
        parent_head = (p.parent.subject or "").split()[:1]
        if parent_head == [head]:
            continue
        s, _ = view.sentence(p.start)
        same = [q for q in _counts_in(counts, starts, s, p.parent.start) if q.parent is None and q.subject
                and q.subject.split()[0] == head]
        if same:
            p.parent.parts.remove(p)
            p.parent = same[-1]
            same[-1].parts.append(p)


def _item(view: View, s: int, e: int, free_nums: dict[int, Num], by_start: dict[int, Qty], rule: str,
          fates: bool = False) -> Qty | None:
    """One breakdown item: exactly one number and a short label, in either order. `fates`: the
    items of a subset ("złożono 87 wniosków, z czego rozpatrzono 60, a 27 odrzucono") may say
    with a verb what became of that many; elsewhere a verb makes the item a statement of its own."""
    norm = view.norm
    s += len(norm[s:e]) - len(norm[s:e].lstrip())
    if m_and := _leading_and().match(norm, s, e):   # "…, a 27 odrzucono": the conjunction joins, it is no label
        s = m_and.end()
    text = _BRACKETED.sub("", norm[s:e])
    nums: list[Num] = []
    for t in view.tokens_between(s, e):  # the item's own tokens, not every number of the text
        n = free_nums.get(t.start)
        q = by_start.get(t.start)
        if n is None and q is not None and q.kind in ("count", "hours"):
            n = q.num
        if n is not None and n not in nums and not _in_brackets(norm, s, t.start):
            nums.append(n)
    if not nums:
        m = re.search(r"\(\s*(\d+)\s*\)\s*$", norm[s:e])  # "osób bezrobotnych (11)"
        if m:
            n0 = free_nums.get(s + m.start(1)) or (by_start[s + m.start(1)].num if s + m.start(1) in by_start else None)
            if n0 is not None:
                label_text = norm[s:s + m.start()]
                first = s
                verbs = [w for w in WORDS.finditer(label_text)
                         if w[0] == "się" or any(a.pos in verb_tags() for a in morph.analyse(w[0]))
                         and not morph.is_noun(w[0])]
                if verbs:  # "Spotkania odbyły się w Ełku (5)": the item is what follows the verb
                    rest = label_text[verbs[-1].end():]
                    first = s + verbs[-1].end() + len(rest) - len(rest.lstrip())
                    label_text = rest
                label_text = label_text.strip(" -:,")
                label = lemma_phrase(dehyphen(strip_label_preposition(label_text)))
                return Qty("count", first, s + m.end(), n0.int_value, n0, label=label, rule=rule)
    if len(nums) != 1:
        return None
    n = nums[0]
    if len(WORDS.findall(text)) > 9 or "\n\n" in text:
        return None
    cut = norm.find("(", n.end, e)
    e_label = cut if cut >= 0 else e
    label_text = (norm[s:n.start] + " " + norm[n.end:e_label]).strip(" -:()\n")
    label_text = label_text.strip().strip("-").strip()
    if not label_text or not re.search(r"[^\W\d_]", label_text):
        return None
    side = vote_side(view, label_text, n.start)   # "wstrzymało się – 2" in a vote's tally
    if not fates and side is None and any(
            morph.analyse(w) and all(a.pos in lexicon().grammar.finite_verb_tags for a in morph.analyse(w))
            for w in WORDS.findall(norm[s:n.start])):
        return None  # "utworzono 43": a statement of its own, not a category ("5 planuje …" is one)
    kind = "count"
    after = norm[n.end:e].strip().lower()
    if re.match(r"(?:h|godz\w*)\b", after):
        kind = "hours"
    start = s if n.start > s and norm[s:n.start].strip(" -") else n.start
    end = max(n.end, len(norm[:e_label].rstrip(" \n")))
    label = side or lemma_phrase(dehyphen(strip_label_preposition(label_text)))
    return Qty(kind, start, end, n.int_value, n, label=label, rule=rule)


@cache
def _leading_and() -> re.Pattern[str]:
    return re.compile(leading_words(sorted(lexicon().grammar.list_conjunctions)) + r"[ \n]{1,3}(?=\S)")


def _in_brackets(norm: str, s: int, pos: int) -> bool:
    return norm.rfind("(", s, pos) > norm.rfind(")", s, pos)


@cache
def _total_re() -> re.Pattern[str]:
    """What a window before a total ends with: a total word and up to two words ("razem",
    "łącznie utworzono:")."""
    return re.compile(leading_words(lexicon().markers.total) + r"(?:\s+[^\W\d_]+){0,2}\s*:?\s*$")


@rule("quantities", "breakdowns.totals_after", kind="pass")
def totals_after_lists(ctx: Context) -> None:
    """'UG/UM 5, PUP 4, OPS 3 – razem 12 spotkań': a total after its breakdown; bulleted lines
    above 'Razem: 34 osoby'."""
    view, qtys, nums = ctx.view, ctx.qtys, ctx.nums
    norm = view.norm
    new: list[Qty] = []
    total_re = _total_re()
    qtys += _bare_totals(ctx, total_re)
    qtys.sort(key=lambda q: q.start)
    qty_starts = [q.start for q in qtys]
    by_start = {q.num.start: q for q in qtys}
    in_parts = {id(p.num) for p in ctx.parts}   # a figure is a part of one total only
    free_nums = {n.start: n for n in nums if not n.role and id(n) not in in_parts}
    became_parts: set[int] = set()   # quantities that became parts: they leave ctx.qtys
    for tot in sorted((q for q in qtys if q.kind in ("count", "hours") and not q.parts and q.parent is None),
                      key=lambda q: q.start):
        anchor = tot.num.start
        before = norm[max(0, anchor - 30):anchor]
        m_tot = total_re.search(before.rstrip(" -("))
        if not m_tot:
            continue
        between = WORDS.findall(m_tot.group())[1:]
        if between and not all(w == "się" or is_finite_verb(w) for w in between):
            continue  # "Razem utworzono 15 …" is a total; "łącznie dla 28 grup" is not
        s, _ = view.sentence(anchor)
        seg_end = anchor - len(before) + m_tot.start()
        line_start = view.line_start(seg_end)
        if not view.norm[line_start:seg_end].strip(" -•*\n"):
            bullets = _bullet_parts(view, line_start, qtys, qty_starts, became_parts, tot.kind)
            if len(bullets) >= 2:
                target = _bullets_total(view, tot, bullets, qtys, qty_starts)
                for bq in bullets:
                    bq.parent = target
                    bq.label = lemma_phrase(_bullet_label(view, bq))
                    bq.subject = None
                    target.parts.append(bq)
                continue
        seg = norm[s:seg_end].rstrip(" -(,;")
        # the list is the part after the last colon (or the whole sentence start)
        colon = seg.rfind(":")
        base = s + colon + 1 if colon >= 0 else s
        seg = norm[base:base + len(seg) - (base - s)]
        parts: list[Qty] = []
        pos = 0
        bounds = []
        for m in _ITEM_SPLIT.finditer(seg):
            bounds.append((pos, m.start()))
            pos = m.end()
        bounds.append((pos, len(seg)))
        for a, b in bounds:
            p = _item(view, base + a, base + b, free_nums, by_start, "breakdowns.totals_after")
            if p is not None and p.kind != tot.kind and p.kind == "hours":
                p = None  # "… 12 h, 5 h" are not parts of a count of groups
            if p is None:
                parts = []
                continue
            parts.append(p)
        if len(parts) >= 2:
            for p in parts:
                old = by_start.get(p.num.start)
                if old is not None:
                    became_parts.add(id(old))
                p.kind = tot.kind
                p.parent = tot
                tot.parts.append(p)
                new.append(p)
    ctx.qtys[:] = [q for q in qtys if id(q) not in became_parts]
    ctx.parts += new


def _bare_totals(ctx: Context, total_re: re.Pattern[str]) -> list[Qty]:
    """'w Ełku (5), Olecku (4) i Gołdapi (3) – łącznie 12', 'kobiety – 20, mężczyźni – 15,
    razem – 35': a figure after a total marker that names nothing counts what the sentence
    counts — the head before the list's colon, else the sentence's first noun."""
    view = ctx.view
    norm = view.norm
    used = {id(q.num) for q in ctx.qtys}
    out: list[Qty] = []
    for n in ctx.nums:
        if n.role or id(n) in used or n.words or not ITEM_END.match(norm, n.end):
            continue
        before = norm[max(0, n.start - 30):n.start]
        m = total_re.search(before.rstrip(" -(:"))
        if not m or len(WORDS.findall(m.group())) != 1:
            continue
        marker_start = n.start - len(before) + m.start()
        s, _ = view.sentence(n.start)
        if not re.search(r"\d", norm[s:marker_start]):
            continue  # no list before it
        subject = context_subject(view, s, marker_start)
        if subject is None:
            continue
        out.append(Qty("count", marker_start, n.end, n.int_value, n, subject=subject,
                       rule="breakdowns.totals_after"))
        used.add(id(n))
    return out


def context_subject(view: View, s: int, pos: int) -> str | None:
    """What a sentence counts: its 'Head:' before a colon, else its first common noun in the
    nominative that no preposition governs ('Spotkania odbyły się w …' -> spotkanie)."""
    norm = view.norm
    colon = norm.rfind(":", s, pos)
    if colon >= 0:
        head = norm[s:colon].strip(" -•*\n")
        words = WORDS.findall(head)
        if words and len(words) <= 6 and any(morph.is_noun(w) for w in words):
            return measured(head)[1]
    prev_prep = False
    for t in view.tokens_between(s, pos):
        if not t.is_word:
            continue
        an = morph.analyse(t.text)
        if any(a.pos == "prep" for a in an) and not any(a.pos == "conj" for a in an):  # "a", "i": conjunctions
            prev_prep = True
            continue
        nom = [a for a in an if a.pos in ("subst", "ger") and "nom" in a.case and not a.geo and not a.lemma[:1].isupper()]
        if nom and not prev_prep:
            return lemma_phrase(t.text)
        if any(a.pos in verb_tags() for a in an):
            return None  # the verb came before any subject
        prev_prep = False
    return None


def _bullet_lines(norm: str, pos: int) -> list[tuple[int, int]]:
    """The bulleted lines that start right after `pos` (a line end): their content spans. One
    blank line may set the list off from its head (as a scan or a converted document gives it);
    the items themselves follow one another."""
    out: list[tuple[int, int]] = []
    while pos < len(norm) and norm[pos] == "\n":
        start = pos + 1
        if not out and norm.startswith("\n", start):   # a blank line before the first item
            start += 1
        end = norm.find("\n", start)
        end = len(norm) if end < 0 else end
        m = re.match(r"[ \t]*[-•*][ \t]+", norm[start:end])
        if not m:
            break
        out.append((start + m.end(), start + len(norm[start:end].rstrip(" ,;."))))
        pos = end
    return out


def _bullet_parts(view: View, line_start: int, qtys: list[Qty], starts: list[int], gone: set[int],
                  kind: str = "count") -> list[Qty]:
    """'- Grudziądz, 12.03.2022 – 14 os.' lines right above a 'Razem: 34 osoby' line, one figure
    each (`qtys` in text order, `starts` their starts; those in `gone` became parts already)."""
    norm = view.norm
    out: list[Qty] = []
    end = line_start - 1
    while end > 0:
        start = norm.rfind("\n", 0, end) + 1
        line = norm[start:end]
        if not re.match(r"\s*(?:[-•*]|\d{1,2}[.)])\s", line):
            break
        here = [q for q in qtys[bisect_left(starts, start):bisect_left(starts, end)]
                if q.kind == kind and q.parent is None and not q.parts and id(q) not in gone]
        if len(here) != 1:
            break
        out.insert(0, here[0])
        end = start - 1
    return out


def _bullets_total(view: View, tot: Qty, bullets: list[Qty], qtys: list[Qty], starts: list[int]) -> Qty:
    """Which figure of a total line ('Razem: 7 działań, 131 uczestników.') the bullets above it
    add up to: the first, unless it does not and another figure of the line does — or the first
    is the number of bullets (it counts them) and another figure follows."""
    total = sum(b.value for b in bullets)
    if tot.value == total:
        return tot
    line_end = view.line_end(tot.end)
    others = [q for q in qtys[bisect_left(starts, tot.end):bisect_left(starts, line_end)]
              if q is not tot and q.kind == tot.kind and q.parent is None and not q.parts and q.start >= tot.end]
    same = next((q for q in others if q.value == total), None)
    if same is not None:
        return same
    return others[0] if others and tot.value == len(bullets) else tot


def _bullet_label(view: View, q: Qty) -> str:
    line_start = view.line_start(q.start)
    text = view.norm[line_start:q.start]
    text = re.sub(r"^\s*[-•*]\s*", "", text)
    text = re.sub(r"[\d.]+", " ", text)
    return re.sub(r"[\s,–-]+$", "", re.sub(r"\s+", " ", text)).strip() or "pozycja"
