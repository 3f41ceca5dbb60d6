"""`sprawozdania serve`: a local web application over the archive (Starlette, Jinja2, uvicorn).

    from extractor.web import create_app
    app = create_app("reports.sqlite", user="anna", read_only=False)   # an ASGI application

Pages: the reports (search, filters, counts, verified state), a report's review page (the same
renderer as `sprawozdania review`, extractor.review) with correction controls, an organisation's
compare table with a chart per indicator (extractor.compare.html_body, extractor.chart) and the
join of two keys that are one centre (the archive's alias store). Every input is validated with
pydantic; a bad request is a 4xx with a one-line message, never a traceback. Writes go through
`Archive.correct` and `Archive.alias`, refused when the archive is opened read-only. Starlette,
Jinja2 and uvicorn are imported only by this module, which only `serve` imports.
"""
from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .archive import Archive, ArchiveError
from .corrections import CorrectionError
from .i18n import lang, tr

SHA = r"^[0-9a-f]{64}$"
MAX_BODY = 64 * 1024


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ListQuery(_In):
    q: str | None = Field(default=None, max_length=200)
    org: str | None = Field(default=None, max_length=200)
    kind: Literal["partial", "final", "annual", ""] | None = None
    verified: Literal["yes", "no", ""] | None = None


class AddIn(_In):
    type: Literal["count", "hours", "date", "date_range", "location", "amount"]
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=2000)
    value: str | float | int = Field(union_mode="left_to_right")
    subject: str | None = Field(default=None, max_length=300)
    label: str | None = Field(default=None, max_length=300)
    kind: Literal["locality", "county", "commune", "voivodeship"] | None = None


Scalar = str | float | int | None


class CorrectionIn(_In):
    action: Literal["edit", "delete", "add", "verify", "unverify", "undo"]
    fact: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    undoes: int | None = Field(default=None, ge=1)
    changes: dict[Literal["value", "subject", "label", "part_of", "kind"], Scalar] | None = None
    add: AddIn | None = None
    reason: str | None = Field(default=None, max_length=1000)


class AliasIn(_In):
    alias: str = Field(min_length=1, max_length=200)


_Body = TypeVar("_Body", bound=_In)


# what pydantic's error types say, in the interface's words (the catalogue translates them)
_INVALID = {
    "missing": "{where}: required",
    "extra_forbidden": "{where}: not an accepted field",
    "literal_error": "{where}: one of {expected}",
    "string_pattern_mismatch": "{where}: not in the accepted form",
    "string_too_short": "{where}: at least {min_length} character(s)",
    "string_too_long": "{where}: at most {max_length} characters",
    "greater_than_equal": "{where}: at least {ge}",
    "less_than_equal": "{where}: at most {le}",
    "model_type": "{where}: a JSON object expected",
    "dict_type": "{where}: a JSON object expected",
}
# the members of a union a value was tried as: not part of where the error is
_UNION_TAGS = frozenset({"constrained-str", "str", "int", "float", "bool"})


def _bad(e: ValidationError) -> str:
    """One line from pydantic's errors, in the interface's language: where and what (a value a
    union could not read, one error for the value, not one per member tried)."""
    from .i18n import translate

    parts: list[str] = []
    seen: set[str] = set()
    for x in e.errors():
        where = ".".join(str(p) for p in x.get("loc", ()) if p != "__root__" and p not in _UNION_TAGS) or "body"
        if where in seen:
            continue
        seen.add(where)
        ctx = {k: str(v).replace(" or ", ", ") for k, v in (x.get("ctx") or {}).items()}
        template = _INVALID.get(x.get("type", ""), "{where}: a value of the wrong kind" if str(x.get("type", ""))
                                .endswith(("_type", "_parsing")) else "{where}: invalid")
        try:
            parts.append(translate(template.format(where=where, **ctx)))
        except (KeyError, IndexError):
            parts.append(translate(f"{where}: invalid"))
        if len(parts) == 3:
            break
    return "; ".join(parts)


def _json_error(status: int, message: str) -> JSONResponse:
    """An API error: {"error": one line, in the interface's language where the catalogue has it}."""
    from .i18n import translate

    return JSONResponse({"error": translate(message)}, status_code=status)


class TextStore:
    """The text a record's offsets index, read again from the file at the archived paths (the
    archive keeps records, not texts), checked against the report's sha256; scans' page images."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str | None, list[tuple[int, str]]]] = {}

    def get(self, ar: Archive, sha: str) -> tuple[str | None, list[tuple[int, str]]]:
        if sha in self._cache:
            return self._cache[sha]
        from .errors import SprawozdaniaError
        from .read import read

        got: tuple[str | None, list[tuple[int, str]]] = (None, [])
        for p in ar.paths(sha):
            if not Path(p).is_file():
                continue
            try:
                src = read(p)
            except (SprawozdaniaError, OSError):
                continue
            if src.sha256 != sha:
                continue
            images: list[tuple[int, str]] = []
            if src.ocr_pages:
                from .review import page_images

                try:
                    images = page_images(p, list(src.ocr_pages))
                except Exception:  # noqa: BLE001 - the text is shown without its images
                    images = []
            got = (src.raw if src.raw is not None else src.text, images)
            break
        self._cache[sha] = got
        return got


def create_app(archive: str | Path, *, user: str, read_only: bool = False) -> Starlette:
    """The ASGI application over one archive (which must exist)."""
    from .review import environment, render_review
    from .webtexts import texts

    path = Path(archive)
    with Archive(path, create=False):
        pass                                    # refuse a missing or unusable archive now
    store = TextStore()

    def open_archive() -> Archive:
        return Archive(path, create=False)

    def page(template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        from markupsafe import Markup

        from .review import asset

        html = environment().get_template(template).render(T=texts(), tr=tr, lang=lang(), css=Markup(asset("review.css")),
                                                       user=user, read_only=read_only, **ctx)
        return HTMLResponse(html, status_code=status)

    def not_found(what: str) -> HTMLResponse:
        return page("message.html", 404, title=tr("Not found"), message=what, nav=[(tr("Archive"), "/")])

    async def index(request: Request) -> Response:
        try:
            q = ListQuery.model_validate(dict(request.query_params))
        except ValidationError as e:
            return page("message.html", 400, title=tr("Bad request"), message=_bad(e), nav=[(tr("Archive"), "/")])
        with open_archive() as ar:
            rows = ar.reports(org=q.org or None, kind=q.kind or None)
            states = ar.review_states()
            counts = {r[0]: r[1:] for r in ar.conn.execute(
                "SELECT r.sha256, (SELECT count(*) FROM facts f WHERE f.report = r.sha256), "
                "(SELECT count(*) FROM findings x WHERE x.report = r.sha256 AND x.severity = 'error'), "
                "(SELECT count(*) FROM findings x WHERE x.report = r.sha256 AND x.severity = 'warning') "
                "FROM reports r")}
            orgs = ar.organisations()
        needle = (q.q or "").casefold()
        out = []
        for r in rows:
            verified, ncorr = states.get(r.sha256, (False, 0))
            if q.verified == "yes" and not verified or q.verified == "no" and verified:
                continue
            if needle and not any(needle in (v or "").casefold() for v in (r.name, r.organisation, r.org_key)):
                continue
            out.append({"row": r, "facts": counts[r.sha256][0], "errors": counts[r.sha256][1],
                        "warnings": counts[r.sha256][2], "verified": verified, "corrections": ncorr})
        return page("list.html", reports=out, orgs=orgs, query=q, total=len(rows), archive=path.name,
                    nav=[(tr("Archive"), "/")])

    async def report_page(request: Request) -> Response:
        sha = request.path_params["sha"]
        with open_archive() as ar:
            try:
                rep = ar.record(sha)
            except KeyError:
                return not_found(tr("No report {sha} in the archive.", sha=sha[:12]))
            text, images = store.get(ar, sha)
            across = findings_across(ar, rep.org_key, sha) if rep.org_key else []
        nav = [(tr("Archive"), "/")]
        if rep.org_key:
            nav.append((rep.organisation or rep.org_key, f"/org/{rep.org_key}"))
        nav.append((rep.source.name, f"/report/{sha}"))
        return HTMLResponse(render_review(
            rep, text or "", editable=True, images=images, nav=nav, read_only=read_only,
            export_url=f"/report/{sha}/facts.json", api=f"/api/report/{sha}", text_missing=text is None,
            across=across))

    async def report_facts(request: Request) -> Response:
        from .emit import dumps_facts

        sha = request.path_params["sha"]
        with open_archive() as ar:
            try:
                rep = ar.record(sha)
            except KeyError:
                return _json_error(404, f"no report {sha[:12]} in the archive")
        stem = rep.source.name.rsplit(".", 1)[0]
        return Response(dumps_facts(rep) + "\n", media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.facts.json"'})

    async def body_json(request: Request) -> Any:
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise HTTPException(413, f"request body over {MAX_BODY} bytes")
        try:
            return json.loads(raw or b"null")
        except ValueError:
            raise HTTPException(400, "the request body is not JSON") from None

    async def write_request(request: Request, model: type[_Body]) -> _Body | Response:
        """A write request's body as `model`, or the response that refuses it: the archive
        open read-only (403), a body that is not what `model` says (400)."""
        if read_only:
            return _json_error(403, tr("the archive is open read-only (--read-only): nothing is written"))
        try:
            return model.model_validate(await body_json(request))
        except ValidationError as e:
            return _json_error(400, _bad(e))

    async def correct(request: Request) -> Response:
        data = await write_request(request, CorrectionIn)
        if isinstance(data, Response):
            return data
        sha = request.path_params["sha"]
        with open_archive() as ar:
            if not ar.has(sha):
                return _json_error(404, f"no report {sha[:12]} in the archive")
            add: dict[str, Any] | None = None
            if data.action == "add":
                if data.add is None:
                    return _json_error(400, "add: the fact to add is missing")
                text, _images = store.get(ar, sha)
                a = data.add
                if text is None:
                    return _json_error(409, "the report's text is not available: cannot add a fact from it")
                if a.end <= a.start or a.end > len(text) or text[a.start:a.end] != a.text:
                    return _json_error(400, f"add: the words {a.text!r} are not at {a.start}–{a.end} of the text")
                add = {k: v for k, v in a.model_dump().items() if v is not None}
            elif data.action in ("edit", "delete") and not data.fact:
                return _json_error(400, f"{data.action}: which fact (fact) is missing")
            elif data.action == "undo" and data.undoes is None:
                return _json_error(400, "undo: which correction (undoes) is missing")
            try:
                cid = ar.correct(sha, data.action, who=user, fact=data.fact, changes={str(k): v for k, v in (data.changes or {}).items()},
                                 reason=data.reason, add=add, undoes=data.undoes)
            except CorrectionError as e:
                return _json_error(400, str(e))
            except sqlite3.OperationalError as e:
                return _json_error(503, f"the archive cannot be written now ({e})")
        return JSONResponse({"ok": True, "correction": cid, "fact": f"c{cid}" if data.action == "add" else data.fact,
                             "undoes": data.undoes})

    async def org_page(request: Request) -> Response:
        from .compare import CompareError, build_comparison, fmt_num, html_body
        from .review import opening_finding

        key = request.path_params["key"]
        with open_archive() as ar:
            resolved = ar.resolve(key)
            if resolved is None or not ar.reports(org=resolved):
                return not_found(tr("No organisation {key} in the archive.", key=key))
            name = ar.display_name(resolved) or resolved
            members = ar.members(resolved)
            reports = ar.reports(org=resolved)
            try:
                cmp: Any = build_comparison(ar, org=resolved)
                body = html_body(cmp, report_url=lambda s: f"/report/{s}")
                problem = None
            except CompareError as e:
                cmp, body, problem = None, "", str(e)
            findings = [(r.name, r.sha256, code, severity, message, opening_finding(ord_)) for r in reports
                        for code, severity, message, ord_ in ar.conn.execute(
                            "SELECT code, severity, message, ord FROM findings WHERE report = ? "
                            "AND severity != 'info' ORDER BY CASE severity WHEN 'error' THEN 0 ELSE 1 END, ord",
                            (r.sha256,))]
        from markupsafe import Markup

        return page("org.html", key=resolved, name=name, members=members, reports=reports,
                    comparison=Markup(body), problem=problem, cmp=cmp, fmt=fmt_num, findings=findings,
                    nav=[(tr("Archive"), "/"), (name, f"/org/{resolved}")])

    async def alias(request: Request) -> Response:
        data = await write_request(request, AliasIn)
        if isinstance(data, Response):
            return data
        key = request.path_params["key"]
        with open_archive() as ar:
            try:
                akey, org = ar.alias(key, data.alias)
            except ArchiveError as e:
                return _json_error(400, str(e))
        return JSONResponse({"ok": True, "alias": akey, "org_key": org})

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", None) or "error"
        if request.url.path.startswith("/api/"):
            return _json_error(status, str(detail))
        return page("message.html", status, title=str(status), message=str(detail), nav=[(tr("Archive"), "/")])

    async def server_error(request: Request, exc: Exception) -> Response:
        msg = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0][:300]
        if request.url.path.startswith("/api/"):
            return _json_error(500, msg)
        return page("message.html", 500, title="500", message=msg, nav=[(tr("Archive"), "/")])

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/report/{sha:str}", report_page, methods=["GET"]),
        Route("/report/{sha:str}/facts.json", report_facts, methods=["GET"]),
        Route("/api/report/{sha:str}", correct, methods=["POST"]),
        Route("/org/{key:str}", org_page, methods=["GET"]),
        Route("/api/org/{key:str}/alias", alias, methods=["POST"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})


def findings_across(ar: Archive, org: str, sha: str) -> list[tuple[Any, list[Any]]]:
    """The findings across the organisation's reports (its comparison as the archive is now:
    mismatches with covering reports, gaps, …) with evidence in report `sha`, each with the
    spans of its evidence there. Empty when the organisation cannot be compared."""
    from .compare import CompareError, build_comparison

    try:
        cmp = build_comparison(ar, org=org)
    except CompareError:
        return []
    out = []
    for f in cmp.findings:
        here = [e for e in f.evidence if e.sha256 == sha]
        if here:
            out.append((f, here))
    return out


def free_socket(host: str, port: int | None) -> socket.socket:
    """A listening socket on host:port (port None or 0: a free one the system picks)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port or 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(app: Starlette, sock: socket.socket) -> None:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    server.run(sockets=[sock])


__all__ = ["AddIn", "AliasIn", "CorrectionIn", "ListQuery", "TextStore", "create_app", "findings_across", "free_socket",
           "serve"]
