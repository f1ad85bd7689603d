"""``foedus serve`` end to end: a real server in a subprocess on a free port, one query."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command() -> list[str]:
    """``python -m foedus serve``; through foedus.server.cli until foedus.cli registers it."""
    probe = subprocess.run(
        [sys.executable, "-m", "foedus", "serve", "--help"], capture_output=True, text=True
    )
    module = "foedus" if probe.returncode == 0 else "foedus.server.cli"
    return [sys.executable, "-m", module, "serve"]


def test_serve_answers_one_query(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "FOEDUS_CACHE_DIR": os.environ.get("FOEDUS_CACHE_DIR") or str(tmp_path / "cache"),
    }
    env.pop("FOEDUS_DEBUG", None)
    proc = subprocess.Popen(
        [*serve_command(), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a first build of the database takes a while
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                if httpx.get(f"{base}/api/v1", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        r = httpx.get(
            f"{base}/api/v1/status", params={"actor": "Latvia", "on": "1943-01-01"}, timeout=30
        )
        assert r.status_code == 200
        assert r.json()["status"]["occupied_by"] == [
            {"value": {"id": "germany", "name": "Germany"}, "certainty": "certain"}
        ]
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    # uvicorn shuts down cleanly on SIGTERM, then re-raises it: exit by that signal
    assert proc.returncode in (0, -signal.SIGTERM), err
    log = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert {"method": "GET", "path": "/api/v1/status", "status": 200} in [
        {k: x[k] for k in ("method", "path", "status")} for x in log
    ]
