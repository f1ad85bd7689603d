"""The ASGI middleware around the HTTP API: :class:`ReadOnly` (what a read-only server
refuses), :class:`AnswerCache` (answers kept by request) and :class:`RequestLog` (one JSON
line per request)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from foedus.server import errors
from foedus.server.errors import ApiError

MAX_REQUEST_LINE = 8 * 1024
"""Bytes of path and query string above which a request is refused (414)."""
READ_METHODS = ("GET", "HEAD", "OPTIONS")
API = "/api/v1"
"""The prefix of the API's routes (the answers :class:`AnswerCache` keeps)."""


class ReadOnly:
    """Refuse what a read-only server does not do: methods other than GET, HEAD and OPTIONS
    (405) and over-long request lines (414); answer OPTIONS, and HEAD as GET without a body."""

    def __init__(self, app: ASGIApp, max_request_line: int = MAX_REQUEST_LINE) -> None:
        self.app = app
        self.max = max_request_line

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        size = len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"])
        allow = {"allow": ", ".join(READ_METHODS)}
        if method not in READ_METHODS:
            err = ApiError(
                405, f"method not allowed: {method} (the API is read-only: GET)", headers=allow
            )
            await errors.response(err)(scope, receive, send)
        elif size > self.max:
            err = ApiError(414, f"request line too long: {size} bytes (the limit is {self.max})")
            await errors.response(err)(scope, receive, send)
        elif method == "OPTIONS":
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"allow", allow["allow"].encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
        elif method == "HEAD":

            async def no_body(message: Message) -> None:
                if message["type"] == "http.response.body":
                    message = {**message, "body": b""}
                await send(message)

            await self.app({**scope, "method": "GET"}, receive, no_body)
        else:
            await self.app(scope, receive, send)


class AnswerCache:
    """The answers of ``GET /api/v1/...`` kept by path and query string (least recently used
    first out): the corpus and the overlay do not change while the server runs, so an answer
    (a 2xx or a 4xx) is a pure function of the request. Server errors (5xx: a query past its
    time limit, an internal error) and answers over ``max_body`` bytes are not kept. A request
    that is being answered is answered once: the same ones arriving meanwhile wait for it."""

    def __init__(self, app: ASGIApp, size: int = 4096, max_body: int = 1 << 20) -> None:
        self.app = app
        self.size = size
        self.max_body = max_body
        self.answers: OrderedDict[tuple[str, bytes], tuple[Message, bytes]] = OrderedDict()
        self.pending: dict[tuple[str, bytes], asyncio.Event] = {}
        self.hits = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not (scope["path"] == API or scope["path"].startswith(API + "/"))
        ):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"])
        while (pending := self.pending.get(key)) is not None:
            await pending.wait()  # the same request is being answered: wait for its answer
        kept = self.answers.get(key)
        if kept is not None:
            self.answers.move_to_end(key)
            self.hits += 1
            start, content = kept
            await send(start)
            await send({"type": "http.response.body", "body": content})
            return
        start_message: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def keep(message: Message) -> None:
            nonlocal start_message, size
            if message["type"] == "http.response.start":
                start_message = message
            elif message["type"] == "http.response.body" and size <= self.max_body:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if not message.get("more_body", False) and start_message is not None:
                    if start_message["status"] < 500 and size <= self.max_body:
                        self.answers[key] = (start_message, b"".join(chunks))
                        if len(self.answers) > self.size:
                            self.answers.popitem(last=False)
            await send(message)

        self.pending[key] = done = asyncio.Event()
        try:
            await self.app(scope, receive, keep)
        finally:
            del self.pending[key]
            done.set()


class RequestLog:
    """One JSON line per request on ``stream``: time, method, path, query, status, ms."""

    def __init__(self, app: ASGIApp, stream: TextIO | None = None) -> None:
        self.app = app
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sent)
        finally:
            line = {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "method": scope["method"],
                "path": scope["path"],
                "query": scope["query_string"].decode("latin-1"),
                "status": status,
                "ms": round((time.perf_counter() - start) * 1000, 1),
            }
            stream = self.stream or sys.stderr
            stream.write(json.dumps(line) + "\n")
            stream.flush()


# --------------------------------------------------------------------------- the app
