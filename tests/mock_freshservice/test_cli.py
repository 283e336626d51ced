"""`mock-freshservice serve` as a real process on a real port."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contracts.processes import Served, serving, stop
from tests.conftest import basic

# `mock-freshservice` in real processes: in `tox -e slow` (CI runs it), to keep the README's
# test line under 10 minutes.
pytestmark = pytest.mark.slow

COMMAND = [sys.executable, "-m", "mock_freshservice"]


@pytest.fixture
def served() -> Iterator[Served]:
    with serving(
        [*COMMAND, "serve", "--now", "2026-11-02T12:00:00Z"],
        "/_mock/health",
        env={**os.environ, "MOCK_FRESHSERVICE_API_KEYS": "extra-secret-key-123"},
    ) as fake:
        yield fake


def test_serve_answers_the_api_over_http(served: Served) -> None:
    url = served.url
    response = httpx.get(f"{url}/api/v2/tickets?per_page=2", headers=basic("demo-acme-admin-key"))
    assert response.status_code == 200
    assert len(response.json()["tickets"]) == 2
    assert response.headers["Link"] == f'<{url}/api/v2/tickets?per_page=2&page=2>; rel="next"'
    assert response.headers["Server"] == "mock-freshservice"


def test_serve_uses_the_frozen_data_clock(served: Served) -> None:
    url = served.url
    body = {
        "subject": "s",
        "description": "d",
        "email": "john@acme.com",
        "status": 2,
        "priority": 1,
    }
    created = httpx.post(f"{url}/api/v2/tickets", json=body, headers=basic("demo-acme-admin-key"))
    assert created.status_code == 201
    assert created.json()["ticket"]["created_at"] == "2026-11-02T12:00:00Z"
    assert created.headers["Location"].startswith(f"{url}/api/v2/tickets/")


def test_a_key_from_the_environment_is_an_admin_key_of_the_first_account(
    served: Served,
) -> None:
    url = served.url
    me = httpx.get(f"{url}/api/v2/agents/me", headers=basic("extra-secret-key-123"))
    assert me.status_code == 200
    assert me.json()["agent"]["email"] == "priya.raman@acme.com"


def test_serve_announces_demo_keys_but_not_keys_it_was_given(
    served: Served,
) -> None:
    stop(served.process)
    stderr = served.stderr()
    assert f"mock-freshservice 0.1.0 on {served.url}/api/v2/" in stderr
    assert "demo-acme-admin-key" in stderr
    assert "extra-secret-key-123" not in stderr


def test_a_busy_port_is_reported_clearly() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run(
            [*COMMAND, "serve", "--port", str(port)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_broken_dataset_is_reported_with_its_file_and_field(tmp_path: Path) -> None:
    dataset = tmp_path / "broken.yaml"
    dataset.write_text("accounts:\n  - domain: x.freshservice.com\n    nmae: X\n")
    result = subprocess.run(
        [*COMMAND, "serve", "--dataset", str(dataset)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr
    assert "nmae" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_flag_prints_the_version() -> None:
    result = subprocess.run([*COMMAND, "--version"], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "mock-freshservice 0.1.0"


def test_serve_is_the_default_command() -> None:
    with serving(COMMAND, "/_mock/health") as fake:
        assert httpx.get(f"{fake.url}/_mock/health").status_code == 200


def test_an_unknown_plan_is_refused_by_the_parser() -> None:
    result = subprocess.run(
        [*COMMAND, "--plan", "platinum"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "invalid choice: 'platinum'" in result.stderr


def test_quiet_prints_no_accounts_or_keys_at_start() -> None:
    with serving([*COMMAND, "serve", "--quiet"], "/_mock/health") as fake:
        stop(fake.process)
        assert fake.stderr().strip() == ""


def run_in_terminal(args: list[str], until: bytes, timeout: float = 30) -> bytes:
    """Run the fake with a pseudo-terminal as its stdout and stderr; what it drew until `until`."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while until not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(controller, 65536)
                except OSError:  # the child closed the terminal
                    break
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.close(controller)
    return seen


def test_building_a_dataset_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    dataset = tmp_path / "two.yaml"
    dataset.write_text(
        "accounts:\n"
        "  - {domain: one.freshservice.com, name: One, sizes: {tickets: 20000}}\n"
        "  - {domain: two.freshservice.com, name: Two, sizes: {tickets: 20000}}\n"
    )
    drawn = run_in_terminal(
        [*COMMAND, "serve", "--port", "0", "--dataset", str(dataset)],
        until=b"one.freshservice.com (",  # the accounts list printed once both are built
    )
    assert b"building the dataset" in drawn
    assert b"2/2" in drawn


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    with serving([*COMMAND, "serve"], "/_mock/health") as fake:
        stop(fake.process)
        stderr = fake.stderr()
    assert "building the dataset" not in stderr
    assert "\x1b[" not in stderr


def test_port_0_serves_on_a_free_port_and_announces_the_one_it_got() -> None:
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline().decode()
        url = first.split(" on ", 1)[1].split("/api/v2/", 1)[0]
        assert not url.endswith(":0")
        assert httpx.get(f"{url}/_mock/health").status_code == 200
    finally:
        stop(process)
        process.stderr.close()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fd", "reason"),
    [("99", "--fd 99: no open socket there"), ("0", "--fd 0: no open socket there")],
)
def test_a_descriptor_that_is_no_listening_socket_is_a_usage_error(fd: str, reason: str) -> None:
    result = subprocess.run(
        [*COMMAND, "serve", "--fd", fd],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"mock-freshservice: {reason}")
    assert "Traceback" not in result.stderr


def test_a_socket_that_is_not_listening_is_refused_as_fd() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listened on
        fd = sock.fileno()
        result = subprocess.run(
            [*COMMAND, "serve", "--fd", str(fd)],
            capture_output=True,
            text=True,
            timeout=30,
            pass_fds=(fd,),
        )
    assert result.returncode == 2
    assert f"--fd {fd}: not a listening TCP socket" in result.stderr
