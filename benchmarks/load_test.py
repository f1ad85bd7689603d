"""Load test of ``foedus serve`` on loopback: many concurrent clients, every query kind.

Starts ``foedus serve`` (the bundled corpus) as a subprocess on a free port of 127.0.0.1, waits
until it answers, then runs ``--clients`` concurrent clients (httpx.AsyncClient) for
``--seconds``; each client sends requests drawn in turn from :data:`REQUESTS` (every query route,
every perspective, the explorer, the web page) and at most ``--max-requests`` of them. Every
request has the status it must get; any other status, a timeout or a connection error is an
error. Prints one JSON object: requests, errors, throughput, p50/p90/p99/max latency, per route,
and the machine's load average before and after the run.

    python benchmarks/load_test.py                          # 100 clients for 60 s
    python benchmarks/load_test.py --clients 20 --seconds 5 # the CI version (tests/)
    python benchmarks/load_test.py --url http://127.0.0.1:8000   # a server already running

docs/reliability.md gives the figures of a run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import h11
import httpx

API = "/api/v1"

#: (route name, path with query, status it must get). Every query kind of the API.
REQUESTS: list[tuple[str, str, int]] = [
    ("events", f"{API}/events?actor=Estonia&from=1940-01-01&to=1940-12-31", 200),
    ("events", f"{API}/events?type=invasion", 200),
    ("treaty", f"{API}/treaty?name=Treaty%20of%20Tartu", 200),
    ("treaties", f"{API}/treaties?between=ussr&between=latvia&on=1940-06-01", 200),
    ("treaties", f"{API}/treaties?party=Lithuania", 200),
    ("status", f"{API}/status?actor=Latvia&on=1943-01-01", 200),
    ("status", f"{API}/status?actor=Estonia&on=1960-01-01&perspective=non-recognition", 200),
    ("status", f"{API}/status?actor=Lithuania&on=1960-01-01&perspective=soviet", 200),
    ("holds", f"{API}/holds?actor=Lithuania&on=1939-08-26", 200),
    ("timeline", f"{API}/timeline?actor=Latvia&perspective=non-recognition", 200),
    ("breaches", f"{API}/breaches?by=USSR&against=Estonia&from=1940-01-01&to=1940-12-31", 200),
    ("aggressor", f"{API}/aggressor?a=ussr&b=estonia", 200),
    (
        "compare",
        f"{API}/compare?perspectives=de-facto&perspectives=non-recognition&actor=Estonia",
        200,
    ),
    ("explain", f"{API}/explain?what=status&args=Estonia&on=1960-01-01", 200),
    (
        "ask",
        f"{API}/ask?q=Which%20treaties%20bound%20the%20USSR%20and%20Latvia%20on%201%20June"
        "%201940%3F",
        200,
    ),
    (
        "ask",
        f"{API}/ask?q=Who%20was%20the%20aggressor%20between%20the%20USSR%20and%20Estonia%3F",
        200,
    ),
    ("validate", f"{API}/validate", 200),
    ("coverage", f"{API}/coverage", 200),
    ("explorer", f"{API}/explorer/overview", 200),
    ("explorer", f"{API}/explorer/network?on=1940-06-01", 200),
    ("index", f"{API}", 200),
    ("page", "/", 200),
    # the user errors a client makes: answered, not failed
    ("status", f"{API}/status?actor=Narnia&on=1940-01-01", 404),
    ("status", f"{API}/status?actor=Estonia&on=1940-02-30", 400),
]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors[what.split(" for ")[0]] += 1
        if len(self.samples) < 10:
            self.samples.append(what)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class _Closed(Exception):
    """The server closed the connection before the answer was complete."""


async def client(
    url: str, k: int, deadline: float, limit: int, stats: Stats, timeout: float
) -> None:
    """One client on one keep-alive connection (again after the server closes it), speaking
    HTTP/1.1 through h11: about a tenth of httpx's CPU per request, so that on a machine
    shared with the server the client does not take the server's cores."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    n = 0
    conn: h11.Connection | None = None
    writer: asyncio.StreamWriter | None = None
    while time.monotonic() < deadline and n < limit:
        name, path, expected = REQUESTS[(k * 7 + n) % len(REQUESTS)]
        n += 1
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                if conn is None or writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                    conn = h11.Connection(h11.CLIENT)
                request = h11.Request(method="GET", target=path, headers=[("host", host)])
                writer.write((conn.send(request) or b"") + (conn.send(h11.EndOfMessage()) or b""))
                status = 0
                while True:
                    event = conn.next_event()
                    if event is h11.NEED_DATA:
                        data = await reader.read(1 << 16)
                        if not data:
                            raise _Closed
                        conn.receive_data(data)
                    elif isinstance(event, h11.Response):
                        status = event.status_code
                    elif isinstance(event, h11.EndOfMessage):
                        break
                    elif isinstance(event, h11.ConnectionClosed):
                        raise _Closed
            if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                conn.start_next_cycle()
            else:  # the server closes it: a new connection for the next request
                writer.close()
                conn = writer = None
        except (OSError, TimeoutError, h11.ProtocolError, _Closed) as e:
            stats.error(f"{name}: {type(e).__name__}")
            if writer is not None:
                writer.close()
            conn = writer = None
            continue
        stats.latencies[name].append(time.perf_counter() - start)
        if status != expected:
            stats.error(f"{name}: {status} for {path} (expected {expected})")
    if writer is not None:
        writer.close()


async def httpx_client(
    url: str, k: int, deadline: float, limit: int, stats: Stats, timeout: float
) -> None:
    """One client through httpx (``--client httpx``; the figures of docs/reliability.md before
    the h11 client)."""
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as http:
        n = 0
        while time.monotonic() < deadline and n < limit:
            name, path, expected = REQUESTS[(k * 7 + n) % len(REQUESTS)]
            n += 1
            start = time.perf_counter()
            try:
                r = await http.get(path)
            except httpx.HTTPError as e:
                stats.error(f"{name}: {type(e).__name__}")
                continue
            stats.latencies[name].append(time.perf_counter() - start)
            if r.status_code != expected:
                stats.error(f"{name}: {r.status_code} for {path} (expected {expected})")


async def run(
    url: str, clients: int, seconds: float, limit: int, timeout: float, kind: str = "h11"
) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    one = client if kind == "h11" else httpx_client
    await asyncio.gather(*(one(url, k, deadline, limit, stats, timeout) for k in range(clients)))
    return stats


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command(port: int, extra: list[str] | None = None) -> list[str]:
    """``foedus serve`` (``python -m foedus serve``)."""
    return [sys.executable, "-m", "foedus", "serve", "--port", str(port), *(extra or [])]


def start_server(
    port: int, extra: list[str] | None = None, log: Any = None, wait: float = 300.0
) -> subprocess.Popen[bytes]:
    """A server on 127.0.0.1:``port``, once it answers ``GET /api/v1``."""
    env = {**os.environ}
    env.setdefault("FOEDUS_CACHE_DIR", str(Path.home() / ".cache" / "foedus"))
    proc = subprocess.Popen(
        serve_command(port, extra),
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{API}", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not answer in time")


def summary(stats: Stats, seconds: float, clients: int) -> dict[str, Any]:
    """The run's figures; ``seconds`` is its length as measured (a short run of a few
    requests on a fast server can take less than 0.05 s: the throughput divides by the
    measured length, not by the rounded one shown)."""
    every = [x for xs in stats.latencies.values() for x in xs]
    failed = [n for what, n in stats.errors.items() if not what.split(": ")[1][0].isdigit()]
    total = len(every) + sum(failed)  # requests with no answer (timeouts, resets) count too
    ms = lambda x: round(x * 1000, 1)  # noqa: E731
    return {
        "clients": clients,
        "seconds": round(seconds, 1),
        "requests": total,
        "errors": sum(stats.errors.values()),
        "error_counts": dict(stats.errors.most_common()),
        "error_samples": stats.samples,
        "throughput_rps": round(total / seconds, 1) if seconds > 0 else None,
        "latency_ms": {
            "p50": ms(_pct(every, 50)),
            "p90": ms(_pct(every, 90)),
            "p99": ms(_pct(every, 99)),
            "max": ms(max(every, default=0.0)),
            "mean": ms(statistics.fmean(every)) if every else 0.0,
        },
        "routes": {
            name: {"requests": len(xs), "p50_ms": ms(_pct(xs, 50)), "p99_ms": ms(_pct(xs, 99))}
            for name, xs in sorted(stats.latencies.items())
        },
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--max-requests",
        type=int,
        default=100_000,
        help="per client (bounds the run in count as well as in time)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument(
        "--client",
        choices=["h11", "httpx"],
        default="h11",
        help="how the clients speak HTTP (h11: light; httpx: the earlier figures')",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ROUTE",
        help="leave out the requests of a route (repeatable)",
    )
    parser.add_argument(
        "--serve-arg",
        action="append",
        default=[],
        help="extra argument for foedus serve (repeatable)",
    )
    args = parser.parse_args(argv)
    REQUESTS[:] = [r for r in REQUESTS if r[0] not in args.exclude]
    proc = None
    url = args.url
    if url is None:
        port = free_port()
        proc = start_server(port, args.serve_arg)
        url = f"http://127.0.0.1:{port}"
    try:
        for _, path, _ in REQUESTS:  # warm every perspective and route once
            httpx.get(url + path, timeout=120)
        load_before = [round(x, 2) for x in os.getloadavg()]
        start = time.monotonic()
        stats = asyncio.run(
            run(url, args.clients, args.seconds, args.max_requests, args.timeout, args.client)
        )
        elapsed = time.monotonic() - start
        result = summary(stats, elapsed, args.clients)
        # the machine's load average (1, 5, 15 min) before and after: the figures depend on it
        result["load_average"] = {
            "before": load_before,
            "after": [round(x, 2) for x in os.getloadavg()],
        }
        if proc is not None:
            result["server_alive"] = proc.poll() is None
            result["server_answers"] = httpx.get(url + API, timeout=10).status_code == 200
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
