"""The one JSON error shape of the HTTP API, and the handlers that produce it.

Every error response, whatever raised it, is::

    {"error": {"status": 404, "message": "unknown actor 'Latvja'; did you mean 'latvia'?",
               "errors": [{"message": "unknown actor 'Latvja'; did you mean 'latvia'?",
                           "kind": "actor", "name": "Latvja", "suggestions": ["latvia"]}]}}

``message`` is the same line the CLI prints on stderr; ``errors`` lists the problems behind it,
each an object with at least a ``message``: a corpus file's ``{"file", "line", "col"}``, a
request parameter's ``{"loc", "type"}``. Every error lists at least one (its message, where
nothing more is known); a user error of the query names its parameter where the error carries
one (:func:`user_error_items`).
Statuses: 400 a user error (a bad day, a bad question, an empty perspective), 404 an unknown
name, route or perspective, 405 a method other than GET/HEAD/OPTIONS, 414 a request line too
long, 422 a missing or malformed parameter, 500 an internal error, 501 a command this build
lacks, 503 a query over the time limit or a damaged database that cannot be built again.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from foedus.errors import (
    CorpusError,
    DamagedDatabase,
    FoedusError,
    RuleError,
    UnknownName,
    UserError,
)

Item = dict[str, Any]

_REASONS = {404: "not found", 405: "method not allowed", 414: "request line too long"}


class ApiError(Exception):
    """An error the API answers with ``status`` and the error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[Item] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        # an error says what is wrong: never an empty list
        self.errors = errors or [{"message": message}]
        self.headers = headers


def body(status: int, message: str, errors: list[Item] | None = None) -> dict[str, Any]:
    """The error shape (``errors`` at least the message)."""
    return {
        "error": {"status": status, "message": message, "errors": errors or [{"message": message}]}
    }


def response(err: ApiError) -> JSONResponse:
    return JSONResponse(
        body(err.status, err.message, err.errors), status_code=err.status, headers=err.headers
    )


def from_foedus(e: FoedusError) -> ApiError:
    """The API error of a foedus error, with the CLI's message."""
    if isinstance(e, UnknownName):
        return ApiError(
            404,
            str(e),
            [
                {
                    "message": str(e),
                    "kind": e.kind,
                    "name": e.name,
                    "suggestions": list(e.suggestions),
                }
            ],
        )
    if isinstance(e, DamagedDatabase):  # the server cannot answer until the file is made again
        return ApiError(503, str(e), [{"message": str(e), "file": e.path}])
    if isinstance(e, CorpusError | RuleError):
        problems = [
            {"message": p.message, "file": p.file, "line": p.line, "col": p.col} for p in e.errors
        ]
        return ApiError(400, str(e), problems)
    if isinstance(e, UserError):
        examples = list(getattr(e, "examples", ()))  # a question not understood (foedus.ask)
        if examples:
            return ApiError(400, str(e), [{"message": str(e), "suggestions": examples}])
        return ApiError(400, str(e), user_error_items(e))
    return ApiError(500, str(e))


def user_error_items(e: UserError) -> list[Item]:
    """The ``errors`` of a refused query: one item with the message, and the ``loc`` and
    ``type`` of the request parameter it is about where the error names one
    (:class:`foedus.errors.UserError`'s ``param`` and ``problem``).

    >>> user_error_items(UserError("--on: not an ISO day", param="on", problem="day"))
    [{'message': '--on: not an ISO day', 'loc': ['query', 'on'], 'type': 'day'}]
    >>> user_error_items(UserError("something else"))
    [{'message': 'something else'}]
    """
    if e.param is None:
        return [{"message": str(e)}]
    return [{"message": str(e), "loc": ["query", e.param], "type": e.problem or "value"}]


def internal(e: BaseException) -> ApiError:
    """An unexpected exception, worded as the CLI words it."""
    return ApiError(500, f"internal error: {type(e).__name__}: {e}")


def _param(loc: tuple[Any, ...] | list[Any]) -> str:
    names = [str(x) for x in loc if x not in ("query", "path", "body")]
    return ".".join(names) or "request"


def validation_items(exc: RequestValidationError) -> list[Item]:
    """The malformed parameters, each named with the value given (``all: Input should be a
    valid boolean, unable to interpret input: 'maybe'``); a missing one has none."""
    return [
        {
            "message": f"{_param(e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            + (f": {shown(e['input'])}" if isinstance(e.get("input"), str) else ""),
            "loc": [str(x) for x in e.get("loc", ())],
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]


def shown(value: str) -> str:
    """A request's value in an error message: quoted, and cut at 60 characters."""
    return repr(value if len(value) <= 60 else value[:60] + "…")


def install(app: FastAPI) -> None:
    """Make every error of ``app`` answer in the error shape."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return response(exc)

    @app.exception_handler(FoedusError)
    async def _foedus(request: Request, exc: FoedusError) -> JSONResponse:
        return response(from_foedus(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        items = validation_items(exc)
        return response(
            ApiError(422, "; ".join(i["message"] for i in items) or "invalid request", items)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        message = str(exc.detail) if exc.detail else _REASONS.get(status, "error")
        if status == 404 and message == "Not Found":
            message = f"not found: {request.url.path}"
        if status == 405:
            message = f"method not allowed: {request.method} (the API is read-only: GET)"
        return response(ApiError(status, message, headers=getattr(exc, "headers", None)))
