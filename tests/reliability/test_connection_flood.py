"""Clients that hold connections open, or send more than the fake should read.

waitress stops accepting at its connection limit, and by default keeps idle connections 120 s:
a few hundred sockets that say nothing (or half a request) lock every other client out. The
fake also read bodies up to 1 GB. Each attack here is bounded: a few hundred loopback sockets, a
32 MB body, clients that time out in seconds.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import httpx

from tests.conftest import ADMIN_KEY
from tests.processes import Fake, running_fake
from tests.reliability.watch import MIB, MemoryWatch

IDLE = 300
STALLED = 50
HALF_A_REQUEST = b"GET /api/v2/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


@contextlib.contextmanager
def connections(fake: Fake, count: int, send: bytes = b"") -> Iterator[list[socket.socket]]:
    port = int(fake.url.rsplit(":", 1)[1])
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if send:
                sock.sendall(send)
            opened.append(sock)
        yield opened
    finally:
        for sock in opened:
            sock.close()


def closed_by_the_fake(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_client_is_served_promptly_past_hundreds_of_idle_and_stalled_connections() -> None:
    with (
        running_fake() as fake,
        connections(fake, IDLE),
        connections(fake, STALLED, HALF_A_REQUEST),
    ):
        started = time.monotonic()
        with httpx.Client(base_url=fake.url, timeout=5) as client:
            response = client.get("/api/v2/agents/me", auth=(ADMIN_KEY, "X"))
        assert response.status_code == 200
        assert time.monotonic() - started < 2


def test_a_connection_that_never_finishes_its_headers_is_closed_after_the_idle_timeout() -> None:
    with running_fake("--idle-timeout", "2") as fake, connections(fake, 5, HALF_A_REQUEST) as held:
        started = time.monotonic()
        assert all(closed_by_the_fake(sock, within=6) for sock in held)
        assert 1.5 < time.monotonic() - started < 6
        assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 200


def test_a_32_mb_body_is_refused_in_json_at_once_without_being_kept() -> None:
    with running_fake() as fake:
        with MemoryWatch(fake.process.pid) as watch:
            started = time.monotonic()
            response = fake.api(
                "POST",
                "/tickets",
                ADMIN_KEY,
                content=b"x" * (32 * MIB),
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
            took = time.monotonic() - started
        assert response.status_code == 413
        assert response.json() == {
            "code": "request_body_too_large",
            "message": "The request body is larger than 16777216 bytes",
        }
        assert took < 2
        assert watch.growth < 8 * MIB
        assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 200
