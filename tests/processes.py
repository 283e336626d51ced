"""Real processes on real loopback ports: the fake (`mock-freshservice`) and the MCP server
(`freshservice-mcp --transport http`), started as users start them and stopped cleanly."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from tests.conftest import NOW

FAKE_COMMAND = [sys.executable, "-m", "mock_freshservice"]
SERVER_COMMAND = [sys.executable, "-m", "server"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log: Any, timeout: float = 20
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"{url} exited early: {log.read().decode(errors='replace')}")
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not start")


class Fake:
    """A running fake and its admin API."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Any) -> None:
        self.url = url
        self.process = process
        self.log = log
        self.http = httpx.Client(base_url=url, timeout=10)

    def stderr(self) -> str:
        self.log.seek(0)
        return str(self.log.read().decode(errors="replace"))

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"/_mock/{path}", json=body)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def journal(self, domain: str = "acme.freshservice.com") -> list[dict[str, Any]]:
        return list(self.admin("GET", f"accounts/{domain}/journal")["entries"])

    def clear_journal(self, domain: str = "acme.freshservice.com") -> None:
        self.admin("DELETE", f"accounts/{domain}/journal")

    def reset(self, domain: str = "acme.freshservice.com") -> None:
        self.admin("POST", "reset", {"account": domain})

    def revoke(self, key: str) -> None:
        self.admin("POST", "keys/revoke", {"key": key})

    def restore(self, key: str) -> None:
        self.admin("POST", "keys/restore", {"key": key})

    def set_plan(self, domain: str, plan: str, limits: Mapping[str, int] | None = None) -> None:
        body: dict[str, Any] = {"plan": plan}
        if limits is not None:
            body["limits"] = dict(limits)
        self.admin("PUT", f"accounts/{domain}/plan", body)

    def api(self, method: str, path: str, key: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, f"/api/v2{path}", auth=(key, "X"), **kwargs)


@contextlib.contextmanager
def running_fake(*args: str) -> Iterator[Fake]:
    """`mock-freshservice serve` on a free port with the data clock frozen at NOW."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*FAKE_COMMAND, "serve", "--port", str(port), "--now", NOW.isoformat(), *args],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        fake = Fake(f"http://127.0.0.1:{port}", process, log)
        try:
            wait_until_up(f"{fake.url}/_mock/health", process, log)
            yield fake
        finally:
            fake.http.close()
            stop(process)


class Server:
    """A running `freshservice-mcp --transport http` and what it wrote to stderr."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Any) -> None:
        self.url = url
        self.mcp_url = f"{url}/mcp"
        self.process = process
        self.log = log

    def stderr(self) -> str:
        self.log.seek(0)
        return str(self.log.read().decode(errors="replace"))


def server_environment(fake_url: str, **settings: str) -> dict[str, str]:
    """The environment a server process gets: ours without FRESHSERVICE_*, plus the settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHSERVICE_")}
    env["FRESHSERVICE_BASE_URL"] = fake_url
    env.update({f"FRESHSERVICE_{name.upper()}": value for name, value in settings.items()})
    return env


@contextlib.contextmanager
def running_server(
    fake_url: str, *args: str, env: Mapping[str, str] | None = None, **settings: str
) -> Iterator[Server]:
    """`freshservice-mcp --transport http` on a free port, talking to the fake at `fake_url`."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*SERVER_COMMAND, "--transport", "http", "--port", str(port), *args],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env={**server_environment(fake_url, **settings), **(env or {})},
        )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            wait_until_up(f"{server.url}/healthz", process, log)
            yield server
        finally:
            stop(process)


def stdio_command(args: Sequence[str] = ()) -> list[str]:
    return [*SERVER_COMMAND, *args]
