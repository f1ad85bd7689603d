"""Running the HTTP app: uvicorn, its workers and the limits that keep it up under abuse.

:func:`serve` is what ``foedus serve`` calls. It builds (or finds in the cache) the database
once, then runs uvicorn with ``workers`` processes sharing the listening socket; each worker
makes its own app (:func:`app_from_environment`) with its own read-only DuckDB connections.

Every connection goes through :class:`GuardedH11Protocol`, uvicorn's h11 protocol with three
limits (:class:`Limits`):

- **connections**: at ``max_connections`` open connections in a worker, a new one makes room
  by closing the connection that has waited longest for a request head (one line in the log);
  if every open connection is being answered, the new one is answered ``503`` in the JSON
  error shape at once and closed, with one warning line in the log (``refused connection from
  HOST:PORT: ...``). Either way the worker's file descriptors stay bounded, so connections
  that never send a complete request cannot exhaust them, nor keep others out;
- **request head**: a connection that has not sent a complete request head (request line and
  headers) within ``header_timeout`` seconds of opening, or of its previous response, is closed
  with one line in the log; one that had begun a head is first answered ``408`` in the JSON
  error shape (an idle one, which sent nothing, is closed without a word, as HTTP/1.1 clients
  expect of an idle connection); a head larger than ``max_head_bytes`` is a protocol error;
- **protocol errors** (a malformed request line or header, a head too large) are answered
  ``400`` in the JSON error shape, not uvicorn's plain text.

uvicorn's own ``limit_concurrency`` is not used: it counts the open connections and answers
every request ``503`` in plain text once they reach the limit, and it never stops a connection
from being accepted. ``timeout_keep_alive`` (idle connections between requests) is kept.

>>> Limits().max_connections, Limits().header_timeout
(1000, 10.0)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import resource
import sys
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

ENV_APP = "FOEDUS_SERVE_APP"
"""Environment variable carrying the app's arguments to the worker processes (JSON)."""
ENV_LIMITS = "FOEDUS_SERVE_LIMITS"
"""Environment variable carrying the :class:`Limits` to the worker processes (JSON)."""

log = logging.getLogger("uvicorn.error")
_HEAD_END = re.compile(rb"\n\r?\n")
"""The end of a request head (h11's blank line)."""


@dataclass(frozen=True)
class Limits:
    """The limits of one worker process."""

    max_connections: int = 1000
    """Open connections per worker; more are answered 503 and closed."""
    header_timeout: float = 10.0
    """Seconds a connection has to send a complete request head."""
    keep_alive: int = 5
    """Seconds an idle connection is kept open between requests (uvicorn's)."""
    max_head_bytes: int = 16 * 1024
    """Bytes of request line and headers (h11's ``max_incomplete_event_size``)."""
    backlog: int = 1024
    """Connections the kernel queues before they are accepted."""

    @classmethod
    def from_environment(cls) -> Limits:
        text = os.environ.get(ENV_LIMITS)
        return cls(**json.loads(text)) if text else cls()


_limits: Limits | None = None


def limits() -> Limits:
    """The limits of this process (set by :func:`serve`, or read from the environment)."""
    global _limits
    if _limits is None:
        _limits = Limits.from_environment()
    return _limits


def _error_body(status: int, message: str) -> bytes:
    """The error shape, as :class:`foedus.server.errors.ApiError` gives it (``errors`` lists
    what is wrong: the message), written without importing FastAPI."""
    items = [{"message": message}]
    return json.dumps({"error": {"status": status, "message": message, "errors": items}}).encode()


def _answer_and_close(
    transport: asyncio.Transport, status: int, reason: bytes, message: str, extra: bytes = b""
) -> None:
    """Answer ``status`` in the JSON error shape outside of any request cycle, and close."""
    body = _error_body(status, message)
    head = b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\nconnection: close\r\n" % (
        status,
        reason,
    )
    if extra:
        head += extra + b"\r\n"
    head += b"content-length: %d\r\n\r\n" % len(body)
    transport.write(head + body)
    transport.close()


def _peer(client: Any) -> str:
    return f"{client[0]}:{client[1]}" if client else "unknown peer"


_waiting: OrderedDict[int, GuardedH11Protocol] = OrderedDict()
"""This worker's connections waiting for a request head, the longest waiting first."""


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a connection limit, a request-head timeout and JSON 400s."""

    _refused = False
    _begun = False
    """Some bytes of the awaited request head have arrived."""
    _head_timer: asyncio.TimerHandle | None = None
    _cycle_at_arm: Any = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        lim = limits()
        if len(self.connections) >= lim.max_connections and _waiting:
            _, oldest = _waiting.popitem(last=False)  # make room: the longest wait goes
            oldest._disarm()
            log.warning(
                "closed connection from %s: no complete request head, and %d connections "
                "are open (the limit is %d per worker)",
                _peer(oldest.client),
                len(self.connections),
                lim.max_connections,
            )
            oldest.transport.close()
        elif len(self.connections) >= lim.max_connections:
            self._refused = True
            self.transport = transport
            peer = _peer(transport.get_extra_info("peername"))
            message = (
                f"too many connections: {len(self.connections)} open "
                f"(the limit is {lim.max_connections} per worker); retry later"
            )
            _answer_and_close(transport, 503, b"Service Unavailable", message, b"retry-after: 1")
            log.warning("refused connection from %s: %s", peer, message)
            return
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._begun = False
        self._cycle_at_arm = self.cycle
        self._head_timer = self.loop.call_later(limits().header_timeout, self._head_timeout)
        _waiting[id(self)] = self

    def _disarm(self) -> None:
        _waiting.pop(id(self), None)
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        _waiting.pop(id(self), None)
        if self.transport.is_closing():
            return
        if self.cycle is not self._cycle_at_arm:  # a request head arrived
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered
        message = f"no complete request head within {limits().header_timeout:g} s"
        log.warning("closed connection from %s: %s", _peer(self.client), message)
        if self._begun:  # a head was begun: say why it is closed
            _answer_and_close(self.transport, 408, b"Request Timeout", message)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._head_timer is not None and data:
            self._begun = True
        super().data_received(data)
        if self._head_timer is not None and self.cycle is not self._cycle_at_arm:
            self._disarm()  # a request head arrived

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.cycle.response_complete:
            self._arm()  # the next request's head has the same time limit

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._refused:
            return
        super().connection_lost(exc)

    def handle_events(self) -> None:
        if self.conn.their_state is h11.IDLE and self._head_too_large():
            return
        super().handle_events()

    def _head_too_large(self) -> bool:
        """Refuse (400) a request head over ``max_head_bytes``, however it arrives: h11 refuses
        only a head still incomplete past the limit, so a whole one in one read would pass."""
        from foedus.server.middleware import MAX_REQUEST_LINE

        limit = limits().max_head_bytes
        buffered = getattr(self.conn, "_receive_buffer", None)  # h11's, measured without a copy
        if buffered is not None and len(buffered) <= limit:
            return False  # (a head arriving in small parts is not copied once per part)
        data, _ = self.conn.trailing_data
        end = _HEAD_END.search(data, 0, limit + 3)  # where h11 ends a head: a blank line
        size = end.end() if end is not None else len(data)
        if size <= limit:
            return False
        target = data.split(b"\n", 1)[0].split(b" ")[1:2]
        if target and len(target[0]) > MAX_REQUEST_LINE and _HEAD_END.search(data):
            return False  # a whole head whose path and query are too long: the app says 414
        log.warning(
            "refused request from %s: a request head over %d bytes", _peer(self.client), limit
        )
        self.send_400_response("head too large")
        return True

    def send_400_response(self, msg: str) -> None:
        """A protocol error, in the JSON error shape."""
        message = (
            "invalid HTTP request: the request line or a header is malformed, or the head "
            f"is over {limits().max_head_bytes} bytes"
        )
        body = _error_body(400, message)
        headers = [
            (b"content-type", b"application/json"),
            (b"connection", b"close"),
            (b"content-length", str(len(body)).encode()),
        ]
        try:
            event = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
            self.transport.write(self.conn.send(event) or b"")
            self.transport.write(self.conn.send(h11.Data(data=body)) or b"")
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError:
            pass
        self.transport.close()


class _OneLine(logging.Filter):
    """asyncio's ``socket.accept() out of system resource`` as one line, without traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and "accept" in str(record.msg):
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {exc}"
            record.args = ()
            record.exc_info = None
        return True


def quiet_accept_errors() -> None:
    """Keep a full descriptor table from writing a traceback per refused ``accept()``."""
    logger = logging.getLogger("asyncio")
    if not any(isinstance(f, _OneLine) for f in logger.filters):
        logger.addFilter(_OneLine())


def raise_file_limit() -> int:
    """Raise this process's soft limit of open files to its hard limit; the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def app_from_environment() -> Any:
    """The app of a worker process, from :data:`ENV_APP` (uvicorn's factory)."""
    from foedus.server.app import create_app

    quiet_accept_errors()
    args = json.loads(os.environ[ENV_APP])
    return create_app(
        args["corpus"],
        assume=args["assume"],
        perspective=args["perspective"],
        timeout=args["timeout"],
        cors_origins=args["cors_origins"],
    )


def default_workers() -> int:
    """One worker per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def serve(
    *,
    corpus: str | Path | None,
    assume: str | Path | None,
    perspective: str | None,
    timeout: float,
    cors_origins: list[str] | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    max_connections: int = Limits.max_connections,
    header_timeout: float = Limits.header_timeout,
) -> None:
    """Serve the app with uvicorn until interrupted (``foedus serve``)."""
    import uvicorn

    from foedus.query import KnowledgeBase

    global _limits
    n = workers or default_workers()
    soft = raise_file_limit()
    # Each worker keeps some descriptors for itself (the database, the listening socket, ...).
    cap = max(1, min(max_connections, soft - 64))
    _limits = Limits(max_connections=cap, header_timeout=header_timeout)
    os.environ[ENV_LIMITS] = json.dumps(asdict(_limits))
    quiet_accept_errors()
    app_args = {
        "corpus": str(corpus) if corpus is not None else None,
        "assume": str(assume) if assume is not None else None,
        "perspective": perspective,
        "timeout": timeout,
        "cors_origins": cors_origins or None,
    }
    os.environ[ENV_APP] = json.dumps(app_args)
    if n == 1:
        app: Any = app_from_environment()
        name = app.state.foedus.base.corpus.metadata.name
    else:
        base = KnowledgeBase(corpus, perspective=perspective, assume=assume)
        base.db_path  # noqa: B018 (built once here, before the workers read it)
        name = base.corpus.metadata.name
        app = f"{__name__}:app_from_environment"
    print(
        f"foedus: serving {name} on http://{host}:{port}/ (API /api/v1, docs /docs; "
        f"{n} worker{'s' if n > 1 else ''}, at most {cap} connections each)",
        file=sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        workers=n,
        factory=n > 1,
        http=GuardedH11Protocol,
        access_log=False,
        log_level="warning",
        timeout_keep_alive=_limits.keep_alive,
        h11_max_incomplete_event_size=_limits.max_head_bytes,
        backlog=_limits.backlog,
    )
    server = uvicorn.Server(config)
    if n > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
