"""The server under load and at its limits: a real ``foedus serve`` on loopback.

The short version of ``benchmarks/load_test.py`` (20 clients for 5 s, every query kind, no
errors), and the limits of issue #9: it binds 127.0.0.1, refuses writes and over-long requests,
answers a query past its time limit with a clear 503 and stays up, serves no file outside its
folders (static and source routes), sends no CORS headers unless told, and logs one JSON line
per request.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
import load_test  # noqa: E402

pytestmark = pytest.mark.slow

API = "/api/v1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    port = load_test.free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    with log.open("wb") as stream:
        proc = load_test.start_server(port, log=stream)
        try:
            yield f"http://127.0.0.1:{port}", port, log
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        assert proc.returncode in (0, -15), "the server ended cleanly"


def raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send ``request`` as written (no client normalises the path); status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def get_raw(port: int, path: str, headers: str = "") -> tuple[int, bytes]:
    return raw(
        port,
        f"GET {path} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n".encode("latin-1"),
    )


def test_short_load_every_query_kind_no_errors(server: tuple[str, int, Path]) -> None:
    url, _, _ = server
    # two requests per client (client k starts at route 7k and goes on in turn): every route is
    # asked however slowly a busy machine answers
    args = ["--url", url, "--clients", "20", "--seconds", "120", "--max-requests", "2"]
    result: dict[str, Any] = load_test.main(args)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] >= 20
    names = {name for name, _, _ in load_test.REQUESTS}
    assert set(result["routes"]) == names, "every query kind was asked"
    assert httpx.get(url + API).status_code == 200


def test_a_run_shorter_than_its_rounding_has_a_throughput() -> None:
    """40 answers in 0.03 s (a fast server, two requests per client): the throughput is the
    measured one (the summary divided by the length rounded to 0.0 s and raised)."""
    stats = load_test.Stats()
    stats.latencies["status"] += [0.0005] * 40
    result = load_test.summary(stats, 0.03, 20)
    assert result["requests"] == 40
    assert result["seconds"] == 0.0
    assert result["throughput_rps"] == round(40 / 0.03, 1)
    assert load_test.summary(load_test.Stats(), 0.0, 1)["throughput_rps"] is None


def test_binds_loopback_only(server: tuple[str, int, Path]) -> None:
    _, port, _ = server
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        pytest.skip("no /proc/net/tcp")
    listening = []
    for table in tables:
        if table.exists():
            for row in table.read_text().splitlines()[1:]:
                local, state = row.split()[1], row.split()[3]
                addr, p = local.split(":")
                if int(p, 16) == port and state == "0A":  # LISTEN
                    listening.append(addr)
    assert listening == ["0100007F"], listening  # 127.0.0.1 and nothing else


def test_read_only_and_request_size(server: tuple[str, int, Path]) -> None:
    url, port, _ = server
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = httpx.request(
            method, url + f"{API}/status?actor=Estonia&on=1940-01-01", content=b"x" * 100
        )
        assert r.status_code == 405 and r.json()["error"]["status"] == 405
    r = httpx.get(url + f"{API}/events?actor=" + "E" * 20_000)
    assert r.status_code == 414 and "request line too long" in r.json()["error"]["message"]
    try:  # an oversized header section: refused (h11 answers 431 or drops the connection)
        status, _ = get_raw(port, f"{API}", headers="X-Big: " + "y" * 1_000_000 + "\r\n")
    except ConnectionError:
        status = 0
    assert status in (0, 400, 431)
    try:  # a GET with a 50 MB body is not read into memory
        status, _ = raw(
            port,
            f"GET {API} HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n"
            "Connection: close\r\n\r\n".encode()
            + b"x" * 50_000_000,
        )
    except ConnectionError:
        status = 0
    assert status in (0, 200, 400, 413)
    assert httpx.get(url + API).status_code == 200


TRAVERSALS = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2f..%2f..%2fpyproject.toml",
    "/assets/../../app.py",
    "/..%5c..%5capp.py",
    "//etc/passwd",
    f"{API}/explorer/source/..%2F..%2F..%2Fetc%2Fpasswd",
    f"{API}/explorer/source/../../app.py",
    f"{API}/explorer/source/%2Fetc%2Fpasswd",
    f"{API}/explorer/source/baltic-soviet-relations.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_traversal(server: tuple[str, int, Path], path: str) -> None:
    _, port, _ = server
    status, body = get_raw(port, path)
    assert status in (400, 404), (path, status, body[:200])
    assert b"root:" not in body and b"import " not in body and b"[project]" not in body


def test_cors_is_off_by_default(server: tuple[str, int, Path]) -> None:
    url, _, _ = server
    r = httpx.get(url + f"{API}/validate", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert not any(h.startswith("access-control-") for h in r.headers)


def test_structured_request_log(server: tuple[str, int, Path]) -> None:
    url, _, log = server
    httpx.get(url + f"{API}/status?actor=Narnia&on=1940-01-01")
    time.sleep(0.2)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    last = [x for x in lines if x.get("query", "").startswith("actor=Narnia")][-1]
    assert last["status"] == 404 and last["path"] == f"{API}/status"
    assert {"time", "method", "ms"} <= set(last)


def test_a_query_past_its_time_limit_is_503_and_the_server_stays_up() -> None:
    port = load_test.free_port()
    proc = load_test.start_server(port, ["--timeout", "0.001"])
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(3):
            r = httpx.get(
                url + f"{API}/compare?perspectives=de-facto&perspectives=soviet", timeout=30
            )
            assert r.status_code == 503, r.text
            assert "time limit" in r.json()["error"]["message"]
        assert httpx.get(url + API, timeout=30).status_code == 200
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=20)
