"""The fake under waitress: bounds on bodies, headers, idle connections and open files."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.processes import Served, serving
from tests.conftest import ADMIN_KEY
from tests.processes import FAKE_COMMAND, Fake, running_fake

MIB = 1024 * 1024
TINY_DATASET = """\
accounts:
  - domain: tiny.freshservice.com
    name: Tiny
    sizes: {agents: 1, requesters: 1, tickets: 1, onboarding_requests: 0, offboarding_requests: 0}
"""


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--idle-timeout", "1") as running:
        yield running


def exchange(fake: Fake, data: bytes, timeout: float = 10) -> bytes:
    """Send `data` on a new connection; everything the fake answers until it closes."""
    port = int(fake.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_body_over_the_bound_is_413_in_json_from_its_headers_alone(fake: Fake) -> None:
    # Only the headers are sent: the answer must not wait for the 16 MiB they announce.
    answer = exchange(
        fake,
        b"POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 16777217\r\n\r\n",
    )
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 413 ")
    assert b"Content-Type: application/json; charset=utf-8" in head
    assert json.loads(body) == {
        "code": "request_body_too_large",
        "message": "The request body is larger than 16777216 bytes",
    }


def test_a_body_at_the_bound_is_read(fake: Fake) -> None:
    body = b'{"subject": "' + b"s" * (16 * MIB - 15) + b'"}'
    assert len(body) == 16 * MIB
    response = fake.api(
        "PUT",
        "/tickets/1023",
        ADMIN_KEY,
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400  # read and judged: a subject of 16 MiB is too long
    assert response.json()["errors"][0]["field"] == "subject"


def test_headers_over_the_bound_are_431_in_json(fake: Fake) -> None:
    answer = exchange(fake, b"GET /api/v2/tickets?q=" + b"x" * 65536 + b" HTTP/1.1\r\n\r\n")
    head, body = answer.split(b"\r\n\r\n", 1)
    assert b" 431 " in head.split(b"\r\n")[0]
    assert json.loads(body) == {
        "code": "request_headers_too_large",
        "message": "The request headers are larger than 65536 bytes",
    }


def test_an_idle_connection_is_closed_after_the_idle_timeout(fake: Fake) -> None:
    started = time.monotonic()
    assert exchange(fake, b"") == b""
    assert 0.9 <= time.monotonic() - started < 4


def test_a_connection_that_stops_inside_its_headers_is_closed_after_the_idle_timeout(
    fake: Fake,
) -> None:
    started = time.monotonic()
    assert exchange(fake, b"GET /api/v2/tickets HTTP/1.1\r\nHost: x\r\n") == b""
    assert 0.9 <= time.monotonic() - started < 4


def test_an_answer_that_takes_longer_than_the_idle_timeout_still_arrives(fake: Fake) -> None:
    scenario = "description: d\nrules:\n  - {id: slow, match: {nth: 1}, effect: {delay: 2.5}}\n"
    fake.admin("POST", "scenario", {"key": ADMIN_KEY, "scenario": scenario})
    try:
        assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 200
    finally:
        fake.admin("DELETE", "accounts/acme.freshservice.com/scenario")


@contextlib.contextmanager
def started_with_open_files(tmp_path: Path, ulimit: str, *args: str) -> Iterator[Served]:
    """The fake started under `ulimit <ulimit>` (a shell sets it, as a user's would)."""
    dataset = tmp_path / "tiny.yaml"
    dataset.write_text(TINY_DATASET)
    command = [*FAKE_COMMAND, "serve", "--dataset", str(dataset), *args]
    with serving(["sh", "-c", f'ulimit {ulimit} && exec "$@"', "sh", *command], "/") as fake:
        yield fake


def open_files_limits(pid: int) -> tuple[int, int]:
    line = next(
        line
        for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
        if line.startswith("Max open files")
    )
    soft, hard = line.split()[3:5]
    return int(soft), int(hard)


def test_the_open_files_limit_is_raised_to_hold_the_connection_limit(tmp_path: Path) -> None:
    with started_with_open_files(tmp_path, "-Sn 256", "--connection-limit", "2000") as fake:
        soft, hard = open_files_limits(fake.process.pid)
    assert soft == min(2064, hard)


def test_a_hard_open_files_limit_lowers_the_connection_limit_and_says_so(tmp_path: Path) -> None:
    with started_with_open_files(tmp_path, "-n 256", "--connection-limit", "2000") as fake:
        stderr = fake.stderr()
    assert "open files are limited to 256: serving at most 192 connections, not 2000" in stderr
