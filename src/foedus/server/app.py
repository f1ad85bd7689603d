"""The HTTP API: read-only ``GET /api/v1/<command>``, mirroring the CLI.

Options become query parameters and positional arguments are named
(``/api/v1/status?actor=Latvia&on=1943-01-01``, ``/api/v1/aggressor?a=ussr&b=estonia``); every
route takes ``perspective``; the answer is the same JSON object as ``foedus <command> --json``.
``--assume`` is not a request parameter: the server is read-only, and an overlay is given once,
when it starts (``foedus serve --assume FILE``).

One :class:`~foedus.query.KnowledgeBase` is built per server, its database once, and read under
each perspective on demand (cached per perspective). Each query runs in a worker thread under a
time limit (503 past it; the server stays up). Errors have one shape (:mod:`.errors`). One JSON
line per request goes to stderr: method, path, query, status, milliseconds.

>>> from foedus.server.app import create_app
>>> app = create_app(warm=False, log=None)
>>> sorted(p for p in app.openapi()["paths"] if p.startswith("/api/v1/s"))
['/api/v1/schema', '/api/v1/status']
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TextIO, Union, get_args, get_origin

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse

from foedus import __version__, build
from foedus.build import database
from foedus.commands import Command, Param, http_commands, method_kwargs
from foedus.contract import ACROSS, RESPONSES, load_schema
from foedus.corpus import perspectives
from foedus.corpus.coverage import coverage as corpus_coverage
from foedus.duck import duckdb
from foedus.errors import FoedusError
from foedus.query import DEFAULT_PERSPECTIVE, KnowledgeBase
from foedus.query.across import is_all, one_perspective
from foedus.query.base import empty_perspective
from foedus.query.rules import rule_texts
from foedus.server import errors, explorer
from foedus.server.errors import ApiError
from foedus.server.middleware import (
    API,
    MAX_REQUEST_LINE,
    AnswerCache,
    ReadOnly,
    RequestLog,
)
from foedus.server.models import ERROR_RESPONSES
from foedus.shapes import Json

_STDERR: Any = object()  # the default log: stderr, looked up when a request is logged
STATIC_DIR = Path(__file__).parent / "static"
QUERY_TIMEOUT = 10.0
"""Seconds a query may run before the answer is 503."""

# --------------------------------------------------------------------------- state


class Service:
    """The served corpus: one knowledge base per perspective, and the worker threads."""

    def __init__(
        self,
        corpus: str | Path | None,
        assume: str | Path | None,
        perspective: str | None,
        timeout: float,
        workers: int,
    ) -> None:
        self.base = KnowledgeBase(corpus, perspective=perspective, assume=assume)
        self.default = self.base.perspective
        self.timeout = timeout
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="foedus-query")
        self._kbs: dict[str, KnowledgeBase] = {self.default: self.base}
        self._lock = threading.Lock()
        self._coverage: Json | None = None
        self._generation = 0
        """How many times the database was found damaged and built again (:meth:`answer`)."""

    def warm(self) -> None:
        """Build (or find in the cache) the database now rather than on the first query, and
        read every perspective's stored rules now (no request reads them, none parses them);
        a damaged database is built again (:meth:`answer`)."""
        self.answer(self._warm)

    def _warm(self) -> Json:
        with self._lock:
            self.base.db_path  # noqa: B018 (builds it)
        for pid in perspectives.perspective_ids(self.base.corpus):
            rule_texts(self.kb(pid), pid)
        return {}

    def answer(self, work: Callable[[], Json]) -> Json:
        """``work()``; when it finds the database damaged (DuckDB's checksum of a block fails:
        :func:`foedus.build.database.recover`), the file is removed and built again, once for
        every thread that found it so (one line on stderr), and ``work()`` runs once more.
        Damaged again, or a file that cannot be removed: :class:`~foedus.errors.DamagedDatabase`
        (503)."""
        generation = self._generation
        try:
            return work()
        except duckdb.Error as e:
            rebuilt = self._rebuilt(e, generation)
            if rebuilt is None:
                raise
        try:
            return work()
        except duckdb.Error as e:
            if isinstance(rebuilt, database.Recovered) and database.damage(e) is not None:
                raise rebuilt.again(e) from None
            raise

    def _rebuilt(self, e: duckdb.Error, generation: int) -> database.Recovered | bool | None:
        """The damaged file removed and built again for ``e``; True when another thread did so
        while the work ran (its connection was closed under it); None when ``e`` is no damage."""
        with self._lock:
            if self._generation != generation:
                return True
            recovered = database.recover(e)
            if recovered is None:
                return None
            print(recovered.notice(), file=sys.stderr, flush=True)
            self.base.close()  # every perspective's view shares its connection
            if build.cached_or_shipped(self.base.corpus) is None:
                key, steps = build.default_steps()
                build.ensure_built(self.base.corpus, key, steps)
            self._generation += 1
            return recovered

    def kb(self, perspective: str | None) -> KnowledgeBase:
        """The knowledge base read under ``perspective`` (default: the server's)."""
        pid = perspectives.check_perspective(self.base.corpus, perspective or self.default)
        with self._lock:
            if pid not in self._kbs:
                self.base.db_path  # noqa: B018 (built once, shared by every perspective)
                self._kbs[pid] = self.base.with_perspective(pid)
            return self._kbs[pid]

    def coverage(self) -> Json:
        if self._coverage is None:
            self._coverage = corpus_coverage(self.base.corpus)
        return self._coverage

    async def run(self, work: Callable[[], Json]) -> Json:
        """``work()`` in a worker thread, under the time limit; errors as :class:`ApiError`."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, _guarded, lambda: self.answer(work))
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise ApiError(
                503,
                f"the query took longer than {self.timeout:g} s "
                "(the server's time limit); try a narrower one",
            ) from None


def _guarded(work: Callable[[], Json]) -> Json:
    try:
        return work()
    except ApiError:
        raise
    except FoedusError as e:
        raise errors.from_foedus(e) from e
    except Exception as e:
        if os.environ.get("FOEDUS_DEBUG") == "1":
            raise
        raise errors.internal(e) from e


def service(request: Request) -> Service:
    return request.app.state.foedus  # type: ignore[no-any-return]


async def answer(
    request: Request, perspective: str | None, call: Callable[[KnowledgeBase], Json]
) -> JSONResponse:
    """The JSON answer of ``call`` on the knowledge base of ``perspective``, unchanged."""
    svc = service(request)
    return JSONResponse(await svc.run(lambda: call(svc.kb(perspective))))


# --------------------------------------------------------------------------- parameters

Perspective = Annotated[
    str | None,
    Query(
        description="Legal perspective (default: the server's, else the corpus's default); "
        "`all`: every perspective side by side (status, holds, treaties, breaches, explain).",
        examples=["non-recognition"],
    ),
]


def _two(name: str, values: list[str] | None, what: str) -> tuple[str, str] | None:
    if values is None:
        return None
    if len(values) != 2:
        msg = f"{name}: expected two {what}, got {len(values)}"
        raise ApiError(422, msg, [{"message": msg, "loc": ["query", name], "type": "count"}])
    return values[0], values[1]


def _one_of(names: tuple[str, str], first: str | None, second: str | None) -> str:
    """The value of a parameter with two names (``name`` or ``t``): given once, under either."""
    if first is not None and second is not None:  # one value, given under both names
        msg = (
            f"{names[0]}: given 2 times, as {names[0]} and {names[1]} "
            f"({errors.shown(first)}, {errors.shown(second)}); it takes one value"
        )
        raise ApiError(
            400, msg, [{"message": msg, "loc": ["query", names[1]], "type": "duplicate"}]
        )
    value = first if first is not None else second
    if value is None:
        msg = f"{names[0]}: required (or {names[1]})"
        raise ApiError(422, msg, [{"message": msg, "loc": ["query", names[0]], "type": "missing"}])
    return value


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(_is_list(a) for a in get_args(annotation))
    return (origin or annotation) in (list, tuple, set, frozenset)


async def single_values(request: Request) -> None:
    """Refuse a parameter given twice that takes one value (400): ``actor=Estonia&actor=Latvia``
    would otherwise be answered for Latvia alone."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    lists = {str(f.alias) for f in dependant.query_params if _is_list(f.field_info.annotation)}
    counts = Counter(name for name, _ in request.query_params.multi_items())
    items: list[dict[str, Any]] = [
        {
            "message": f"{name}: given {n} times ("
            + ", ".join(errors.shown(v) for v in request.query_params.getlist(name))
            + "); it takes one value",
            "loc": ["query", name],
            "type": "duplicate",
        }
        for name, n in sorted(counts.items())
        if n > 1 and name not in lists
    ]
    if items:
        raise ApiError(400, "; ".join(i["message"] for i in items), items)


async def named_perspective(request: Request) -> None:
    """Refuse an empty ``perspective`` (400): ``perspective=`` names no perspective, and read
    as the default it answered a question that was not asked (the CLI refuses
    ``--perspective ''`` too). Leaving the parameter out is how the default is asked for."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None or "perspective" not in {str(f.alias) for f in dependant.query_params}:
        return
    for value in request.query_params.getlist("perspective"):
        if value.strip():
            continue
        kb = explorer.knowledge_base(request)
        raise errors.from_foedus(empty_perspective(kb.corpus, value, kb.perspective))


async def known_params(request: Request) -> None:
    """Refuse query parameters the route does not take (422), ``assume`` above all, a
    parameter given twice that takes one value (400) and an empty ``perspective`` (400)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    await single_values(request)
    known = {str(f.alias) for f in dependant.query_params}
    items: list[dict[str, Any]] = []
    for name in sorted(set(request.query_params) - known):
        why = (
            "the server is read-only: start it with `foedus serve --assume FILE`"
            if name == "assume"
            else "expected one of " + ", ".join(sorted(known))
            if known
            else "it takes none"
        )
        items.append(
            {
                "message": f"{name or repr(name)}: not a parameter of this route ({why})",
                "loc": ["query", name],
                "type": "unknown",
            }
        )
    if items:
        raise ApiError(422, "; ".join(i["message"] for i in items), items)
    await named_perspective(request)


def _query(p: Param, alias: str | None = None) -> Query:  # type: ignore[valid-type]
    """The FastAPI query parameter of a parameter of the table."""
    return Query(  # type: ignore[no-any-return]
        alias=alias or p.query_name,
        description=(
            f"Same as {p.query_name}." if alias else p.http_help if p.http_help else p.help
        ),
        examples=[p.example] if p.example and not alias else None,
    )


def _signature(command: Command) -> inspect.Signature:
    """The route's parameters: ``request``, ``perspective``, then the command's (named
    ``p0``, ``p1``..., each with its HTTP name as alias; a second name as ``p0_alias``)."""
    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter(
            "perspective", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Perspective
        ),
    ]
    for i, p in enumerate(command.params):
        kind: Any = {"text": str, "flag": bool}.get(p.type, list[str])
        required = p.required and p.http_alias is None
        names = [(f"p{i}", None)] + ([(f"p{i}_alias", p.http_alias)] if p.http_alias else [])
        for ident, alias in names:
            params.append(
                inspect.Parameter(
                    ident,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=inspect.Parameter.empty if required else None,
                    annotation=Annotated[kind if required else kind | None, _query(p, alias)],
                )
            )
    return inspect.Signature(params)


def _values(command: Command, given: dict[str, Any]) -> dict[str, Any]:
    """The parameters' values by name, from the route's: one of two names, pairs counted."""
    out: dict[str, Any] = {}
    for i, p in enumerate(command.params):
        value = given.get(f"p{i}")
        if p.http_alias is not None:
            value = _one_of((p.query_name, p.http_alias), value, given.get(f"p{i}_alias"))
        if p.type == "pair":
            value = _two(p.query_name, value, p.of)
        out[p.name] = value
    return out


def _work(
    command: Command, svc: Service, values: dict[str, Any]
) -> Callable[[KnowledgeBase], Json]:
    """What a route computes on the knowledge base of the request's perspective."""
    if command.kind == "query":
        method, kwargs = command.method or command.name, method_kwargs(command, values)
        return lambda kb: getattr(kb, method)(**kwargs)  # type: ignore[no-any-return]
    if command.kind == "ask":
        answer_question = _ask()
        return lambda kb: answer_question(values["question"], kb)
    if command.name == "coverage":
        return lambda kb: svc.coverage()
    return lambda kb: {"ok": True, "counts": kb.corpus.counts()}  # validate: it loaded


def _endpoint(command: Command) -> Callable[..., Any]:
    async def endpoint(request: Request, perspective: str | None = None, **given: Any) -> Any:
        values = _values(command, given)
        svc = service(request)
        if is_all(perspective) and command.kind == "query":  # every perspective, side by side
            method, kwargs = command.method or command.name, method_kwargs(command, values)
            return JSONResponse(await svc.run(lambda: svc.kb(None).across(method, **kwargs)))
        if is_all(perspective):  # validate, coverage, ask: one perspective (400, as the rest)
            raise one_perspective(command.name)
        return await answer(request, perspective, _work(command, svc, values))

    endpoint.__signature__ = _signature(command)  # type: ignore[attr-defined]
    endpoint.__name__ = command.name
    return endpoint


def api_router() -> APIRouter:
    """The routes of the commands, one per command of the table that has one
    (:func:`foedus.commands.http_commands`)."""
    r = APIRouter(tags=["queries"], dependencies=[Depends(known_params)])
    for command in http_commands():
        r.add_api_route(
            f"{API}/{command.name}",
            _endpoint(command),
            methods=["GET"],
            response_model=(
                RESPONSES[command.name] | ACROSS[command.name]
                if command.name in ACROSS
                else RESPONSES[command.name]
            ),
            summary=command.summary,
            responses=ERROR_RESPONSES,
            name=command.name,
        )
    return r


def _ask() -> Callable[[str, KnowledgeBase], Json]:
    """``foedus.ask.answer_question``, imported on first use; 501 if this build lacks it."""
    try:
        from foedus.ask import answer_question  # type: ignore[import-not-found, unused-ignore]
    except ImportError as e:
        raise ApiError(501, f"ask: not available in this build ({e})") from None
    return answer_question  # type: ignore[no-any-return, unused-ignore]


def meta_router() -> APIRouter:
    """The index of the API and the contract's JSON Schema."""
    r = APIRouter(tags=["meta"], dependencies=[Depends(known_params)])

    @r.get(API, summary="The API: its version, perspectives and routes")
    async def index(request: Request) -> JSONResponse:
        svc = service(request)
        return JSONResponse(
            {
                "name": "foedus",
                "version": __version__,
                "corpus": svc.base.corpus.metadata.name,
                "perspectives": perspectives.perspective_ids(svc.base.corpus),
                "default_perspective": svc.default,
                "routes": [f"{API}/{c}" for c in RESPONSES] + [f"{API}/schema"],
                "docs": "/docs",
                "schema": f"{API}/schema",
            }
        )

    @r.get(f"{API}/schema", summary="The contract's JSON Schema (contract.schema.json)")
    async def schema() -> JSONResponse:
        return JSONResponse(load_schema(), media_type="application/schema+json")

    return r


def unknown_router() -> APIRouter:
    """Any other path under the API: 404 (included last, after the explorer's routes)."""
    r = APIRouter()

    @r.get(API + "/{rest:path}", include_in_schema=False)
    async def unknown(rest: str) -> None:
        raise ApiError(404, f"not found: {API}/{rest} (see {API} for the routes)")

    return r


# --------------------------------------------------------------------------- middleware


def create_app(
    corpus: str | Path | None = None,
    *,
    assume: str | Path | None = None,
    perspective: str | None = DEFAULT_PERSPECTIVE,
    timeout: float = QUERY_TIMEOUT,
    max_request_line: int = MAX_REQUEST_LINE,
    workers: int = 8,
    cache_size: int = 4096,
    cors_origins: list[str] | None = None,
    static_dir: Path | None = STATIC_DIR,
    log: TextIO | None = _STDERR,
    warm: bool = True,
) -> FastAPI:
    """The HTTP app serving ``corpus`` (default: the bundled one) with an optional overlay.

    ``log=None`` turns the request log off; ``warm`` builds the database before returning;
    ``cors_origins`` (default none: CORS off) lists origins allowed to call the API from a
    browser; ``static_dir``, when it exists, is served at ``/`` (the web page); ``cache_size``
    answers are kept (:class:`AnswerCache`; 0: none).
    """
    svc = Service(corpus, assume, perspective, timeout, workers)
    if warm:
        svc.warm()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        svc.pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="foedus",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        summary="A sourced, temporal knowledge base of relations between states.",
        description="Read-only queries mirroring the `foedus` CLI: `GET /api/v1/<command>` with "
        "the CLI's options as query parameters returns what `--json` prints. "
        'Errors: `{"error": {"status", "message", "errors"}}`.',
    )
    app.state.foedus = svc
    errors.install(app)
    app.include_router(meta_router())
    app.include_router(api_router())
    app.include_router(
        explorer.router, dependencies=[Depends(single_values), Depends(named_perspective)]
    )
    app.include_router(unknown_router())
    _docs(app, static_dir)
    _mount_static(app, static_dir)
    if cache_size > 0:
        app.add_middleware(AnswerCache, size=cache_size)
    app.add_middleware(ReadOnly, max_request_line=max_request_line)
    if cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors_origins,
            allow_methods=["GET", "HEAD", "OPTIONS"],
            allow_headers=["*"],
        )
    if log is not None:
        app.add_middleware(RequestLog, stream=None if log is _STDERR else log)
    return app


SWAGGER_DIR = "swagger"
"""Folder of the built page holding Swagger UI's script and stylesheet (npm swagger-ui-dist)."""


def _docs(app: FastAPI, static_dir: Path | None) -> None:
    """``/docs``: Swagger UI from the files the page's build copies (never a CDN); without
    them, 404 naming ``/openapi.json``."""
    from fastapi.openapi.docs import get_swagger_ui_html

    assets = static_dir / SWAGGER_DIR if static_dir is not None else None

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Any:
        if assets is None or not (assets / "swagger-ui-bundle.js").is_file():
            raise ApiError(
                404, "not found: /docs (Swagger UI is not built here; see /openapi.json)"
            )
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=f"/{SWAGGER_DIR}/swagger-ui-bundle.js",
            swagger_css_url=f"/{SWAGGER_DIR}/swagger-ui.css",
            swagger_favicon_url="data:,",
            swagger_ui_parameters={"validatorUrl": None},
        )


def _mount_static(app: FastAPI, static_dir: Path | None) -> None:
    """The web page's built assets at ``/`` if present; else ``/`` points to the API."""
    if static_dir is not None and static_dir.is_dir():
        from starlette.staticfiles import StaticFiles

        # StaticFiles refuses paths that leave the folder (and symlinks out of it).
        app.mount("/", StaticFiles(directory=static_dir, html=True), name="static")
        return

    @app.get("/", include_in_schema=False)
    async def root(request: Request) -> JSONResponse:
        return JSONResponse(
            {"name": "foedus", "api": API, "docs": "/docs", "schema": f"{API}/schema"}
        )
