"""One identity per organisation: keys joined by aliases, one display name per organisation.

A report gives its organisation a key (extractor.organisation.identify): `--org` when given,
else the centre its header names, else its file name's. Several keys can mean one centre ("OWES
Subregion Ełcki" in the texts, `owes-elk` in the file names). The alias store joins them: each
link says "key `alias` is another key of `target`"; every key resolves to one key, its
organisation's `org_key`, shown by one display name.

Links come from three places, in this order of precedence (one link per alias):

* ``user``: `sprawozdania archive alias KEY ALIAS` (a link of a key to itself keeps it apart
  from any organisation a derived link would join it to);
* ``option``: a report archived with `--org KEY` whose header or file name gives another key;
* ``file_name``: a report whose header names a centre (key T) and whose file name another (F)
  joins T to F — unless a text gives F itself (then the file may be named for another centre
  than its text), T is itself the key some files are named by, or reports of T give several
  file keys: then the names do not tell, and `archive alias` decides.

The derived links (option, file_name) are recomputed from the archived reports, so they do not
depend on the order reports arrive in. `Directory.build` does the resolving; the archive stores
its result (extractor.archive) and a batch without an archive uses it directly (extractor.batch).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .archive import Archive

ORIGINS = ("user", "option", "file_name")
_RANK = {o: i for i, o in enumerate(ORIGINS)}
_NAME_RANK = {"option": 0, "header": 1, "key": 2}


@dataclass(frozen=True, slots=True)
class Seen:
    """One report's identity as it was found (see extractor.organisation.Identity)."""

    key: str
    origin: str | None = None           # header | option | file_name: where `key` comes from
    name: str | None = None
    name_origin: str | None = None      # option | header | key
    header_key: str | None = None
    file_key: str | None = None
    period_start: str | None = None     # ISO date, for the tie between two names


@dataclass(frozen=True)
class Link:
    alias: str
    target: str
    origin: str                         # user | option | file_name


def derived_links(seen: Iterable[Seen]) -> list[Link]:
    """The links the reports themselves give (see the module docstring), deterministic."""
    seen = list(seen)
    text_keys = {s.header_key for s in seen if s.header_key}
    own_file_keys = {s.file_key for s in seen if s.file_key and s.file_key == s.key}
    options: dict[str, Counter[str]] = {}
    pairs: dict[str, set[str]] = {}
    for s in seen:
        if s.origin == "option":
            for other in (s.header_key, s.file_key):
                if other and other != s.key:
                    options.setdefault(other, Counter())[s.key] += 1
        elif s.origin == "header" and s.file_key and s.file_key != s.key:
            pairs.setdefault(s.key, set()).add(s.file_key)
    out = [Link(alias, max(c.items(), key=lambda kv: (kv[1], kv[0]))[0], "option")
           for alias, c in sorted(options.items())]
    for t, fs in sorted(pairs.items()):
        if len(fs) != 1:
            continue
        f = next(iter(fs))
        if f in text_keys or t in own_file_keys:
            continue
        out.append(Link(t, f, "file_name"))
    return out


@dataclass
class Directory:
    """Every key resolved to its organisation's key, and one display name per organisation."""

    links: dict[str, Link] = field(default_factory=dict)       # alias -> the link that holds
    names: dict[str, str] = field(default_factory=dict)        # org_key -> display name
    counts: Counter[str] = field(default_factory=Counter)      # org_key -> reports

    @classmethod
    def build(cls, seen: Iterable[Seen], user_links: Iterable[Link] = ()) -> Directory:
        seen = list(seen)
        d = cls()
        candidates = sorted([*user_links, *derived_links(seen)], key=lambda lk: _RANK[lk.origin])
        for lk in candidates:
            if lk.alias in d.links:
                continue                 # a link of higher precedence holds this alias
            if lk.alias == lk.target:
                d.links[lk.alias] = lk   # kept apart
                continue
            if d.resolve(lk.target) == d.resolve(lk.alias) or d._reaches(lk.target, lk.alias):
                continue                 # already one organisation, or the link would close a cycle
            d.links[lk.alias] = lk
        d._name(seen)
        return d

    def _chain(self, key: str) -> list[str]:
        """`key` and the keys its links lead to, in order, up to the organisation's (a loop ends
        at the first key met again)."""
        chain = [key]
        while (lk := self.links.get(chain[-1])) is not None and lk.target != chain[-1]:
            chain.append(lk.target)
            if lk.target in chain[:-1]:
                break
        return chain

    def _reaches(self, key: str, alias: str) -> bool:
        return alias in self._chain(key)

    def resolve(self, key: str) -> str:
        """The organisation's key `key` belongs to (itself when no link leads elsewhere)."""
        return self._chain(key)[-1]

    def _name(self, seen: list[Seen]) -> None:
        """The name an organisation is shown by: of the names its reports give, one given with
        --org before one from a header before one made from a key; then the one given most
        often; then the one of the earliest report."""
        best: dict[str, tuple[int, int, str, str]] = {}
        tally: Counter[tuple[str, str, int]] = Counter()
        first: dict[tuple[str, str, int], str] = {}
        for s in seen:
            org = self.resolve(s.key)
            self.counts[org] += 1
            if not s.name:
                continue
            k = (org, s.name, _NAME_RANK.get(s.name_origin or "", 3))
            tally[k] += 1
            start = s.period_start or "9999-12-31"
            first[k] = min(first.get(k, start), start)
        for (org, name, rank), n in tally.items():
            cand = (rank, -n, first[(org, name, rank)], name)
            if org not in best or cand < best[org]:
                best[org] = cand
        self.names = {org: c[3] for org, c in best.items()}

    def name(self, key: str | None) -> str | None:
        if key is None:
            return None
        org = self.resolve(key)
        return self.names.get(org)

    def members(self, org: str) -> list[str]:
        """Every key that resolves to `org`, `org` first."""
        keys = {a for a in self.links if self.resolve(a) == org and a != org}
        return [org, *sorted(keys)]




# --- a batch's outputs ------------------------------------------------------------------------

def harmonise_outputs(outdir: Path, fmt: str, outputs: Iterable[str], archive: Archive | None = None,
                      written: Collection[str] = ()) -> int:
    """One key and one display name per organisation in a batch's outputs: each output's
    organisation as the archive resolves it (after the batch, with the user's aliases), or
    without an archive as the outputs' reports resolve together (the links they give). Rewrites
    only outputs that differ; returns how many it rewrote. `written`: the outputs this run wrote,
    whose organisation is still their manifest entry's identity — one that already has the one
    wanted is not read again (an earlier run's output may have been rewritten since: it is read)."""
    from .batch import manifest_entries

    outputs = list(outputs)
    wanted = set(outputs)
    found: dict[str, tuple[str, Seen | None]] = {}   # output -> (sha256, identity): the last line's
    for e in manifest_entries(outdir):
        name, ident = e["output"], e.get("identity")
        if name in wanted:
            found[name] = (e.get("sha256") or "",
                           Seen(**ident) if isinstance(ident, dict) and ident.get("key") else None)
    # in the order of `outputs` (the inputs'), not the manifest's (the order files finished in)
    entries = [(name, *found[name]) for name in outputs if name in found and (outdir / name).exists()]
    del found
    want: dict[str, tuple[str | None, str | None]] = {}
    if archive is not None:
        archive.refresh_organisations()
        for _name, sha, _s in entries:
            ident = archive.identity(sha)
            if ident is not None:
                want[sha] = ident
    else:
        seen = {sha: s for _n, sha, s in entries if s is not None}
        d = Directory.build(seen.values())
        want = {sha: (d.resolve(s.key), d.name(s.key)) for sha, s in seen.items()}
    n = 0
    written = set(written)
    for name, sha, s in entries:
        target = want.get(sha)
        if target is None:
            continue
        if name in written and s is not None and (s.key, s.name) == target:
            continue
        if _rewrite(outdir / name, fmt, *target):
            n += 1
    return n


def _rewrite(path: Path, fmt: str, key: str | None, name: str | None) -> bool:
    """Set the organisation (key, display name) of one batch output; False when it had them."""
    import csv
    import io
    import json

    from .output import atomic_write

    text = path.read_text(encoding="utf-8")
    new = text
    if fmt == "json":
        from models import Report

        from .emit import dumps_json

        rep = Report.model_validate_json(text)
        if (rep.org_key, rep.organisation) != (key, name):
            rep.org_key, rep.organisation = key, name
            new = dumps_json(rep)
    elif fmt == "facts":
        doc = json.loads(text)
        if (doc.get("org_key"), doc.get("organisation")) != (key, name):
            doc["org_key"], doc["organisation"] = key, name
            new = json.dumps(doc, ensure_ascii=False, indent=1)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        if any((r.get("org_key"), r.get("organisation")) != (key, name) for r in rows):
            for r in rows:
                r["org_key"], r["organisation"] = key, name
            new = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = list(reader)
        if any((r.get("org_key") or None, r.get("organisation") or None) != (key, name) for r in rows):
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=reader.fieldnames or [], lineterminator="\n")
            w.writeheader()
            for r in rows:
                r["org_key"], r["organisation"] = key or "", name or ""
                w.writerow(r)
            new = buf.getvalue()
    if new == text:
        return False
    atomic_write(path, new)
    return True


__all__ = ["ORIGINS", "Directory", "Link", "Seen", "derived_links", "harmonise_outputs"]
