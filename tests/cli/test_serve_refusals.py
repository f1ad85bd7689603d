"""``foedus serve`` refuses, in one line and before it says it is serving, a port it cannot
listen on (the port held by another program, a port number that is none, a host that is not
this machine's): exit 2, nothing on stdout."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "foedus", "serve", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_port_in_use_is_refused_before_serving() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        r = serve("--port", str(port))
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        f"--port: cannot listen on 127.0.0.1:{port}: it is already in use; stop what uses it "
        "or give another --port"
    ]
    assert "serving" not in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--port=70000",), "--port: 70000 is not a port (0 to 65535)"),
        (("--port=-1",), "--port: -1 is not a port (0 to 65535)"),
        (("--host", "no-such-host.invalid"), "--host: cannot listen on 'no-such-host.invalid'"),
    ],
)
def test_a_port_or_host_that_cannot_be_listened_on_is_one_line(
    args: tuple[str, ...], message: str
) -> None:
    r = serve(*args)
    assert (r.returncode, r.stdout) == (2, "")
    [line] = r.stderr.strip().splitlines()
    assert line.startswith(message), line
