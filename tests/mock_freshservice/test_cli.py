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

from tests.conftest import basic
from tests.processes import free_port

COMMAND = [sys.executable, "-m", "mock_freshservice"]


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the server and return what it wrote to stderr."""
    if process.poll() is None:
        process.terminate()
    _, stderr = process.communicate(timeout=10)
    return stderr or ""


def wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {stop(process)}")
        try:
            httpx.get(f"{url}/_mock/health", timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


@pytest.fixture
def served() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = subprocess.Popen(
        [
            *COMMAND,
            "serve",
            "--port",
            str(port),
            "--now",
            "2026-11-02T12:00:00Z",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MOCK_FRESHSERVICE_API_KEYS": "extra-secret-key-123"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url, process
    finally:
        stop(process)


def test_serve_answers_the_api_over_http(served: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = served
    response = httpx.get(f"{url}/api/v2/tickets?per_page=2", headers=basic("demo-acme-admin-key"))
    assert response.status_code == 200
    assert len(response.json()["tickets"]) == 2
    assert response.headers["Link"] == f'<{url}/api/v2/tickets?per_page=2&page=2>; rel="next"'
    assert response.headers["Server"] == "mock-freshservice"


def test_serve_uses_the_frozen_data_clock(served: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = served
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
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    url, _ = served
    me = httpx.get(f"{url}/api/v2/agents/me", headers=basic("extra-secret-key-123"))
    assert me.status_code == 200
    assert me.json()["agent"]["email"] == "priya.raman@acme.com"


def test_serve_announces_demo_keys_but_not_keys_it_was_given(
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    url, process = served
    stderr = stop(process)
    assert f"mock-freshservice 0.1.0 on {url}/api/v2/" in stderr
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
    port = free_port()
    process = subprocess.Popen([*COMMAND, "--port", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
    finally:
        stop(process)


def test_an_unknown_plan_is_refused_by_the_parser() -> None:
    result = subprocess.run(
        [*COMMAND, "--plan", "platinum"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "invalid choice: 'platinum'" in result.stderr


def test_quiet_prints_no_accounts_or_keys_at_start() -> None:
    port = free_port()
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}", process)
    assert stop(process).strip() == ""


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
    port = free_port()
    drawn = run_in_terminal(
        [*COMMAND, "serve", "--port", str(port), "--dataset", str(dataset)],
        until=b"one.freshservice.com (",  # the accounts list printed once both are built
    )
    assert b"building the dataset" in drawn
    assert b"2/2" in drawn


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}", process)
    stderr = stop(process)
    assert "building the dataset" not in stderr
    assert "\x1b[" not in stderr
