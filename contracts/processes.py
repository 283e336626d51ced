"""Starting the fake and the server under test as processes, and the fake's admin API."""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

import httpx

# Our server, started the way a user starts it; `--server-command` replaces it.
DEFAULT_SERVER_COMMAND = (sys.executable, "-m", "server")
FAKE_COMMAND = (sys.executable, "-m", "mock_freshservice", "serve")
START_TIMEOUT = 30.0


class StartFailed(RuntimeError):
    """A process did not come up; the message carries the end of its stderr."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log: IO[bytes], lines: int = 15) -> str:
    log.seek(0)
    return "\n".join(log.read().decode(errors="replace").splitlines()[-lines:])


def fake_environment() -> dict[str, str]:
    """Ours without MOCK_FRESHSERVICE_*: the harness's fakes take no keys or admin token from
    whoever runs it (its admin client sends no token)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MOCK_FRESHSERVICE_")}


@contextlib.contextmanager
def running_fake(*args: str) -> Iterator[str]:
    """`mock-freshservice serve` on a free loopback port; yields its base URL."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*FAKE_COMMAND, "--port", str(port), *args],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=fake_environment(),
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{url}/_mock/health", process, log)
            yield url
        finally:
            _stop(process)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartFailed(f"the fake exited with {process.returncode}:\n{_tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.05)
    raise StartFailed(f"the fake did not answer {url} within {START_TIMEOUT:.0f} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_environment(fake_url: str, key: str, settings: Mapping[str, Any]) -> dict[str, str]:
    """The environment of a stdio server under test: ours minus FRESHSERVICE_*, then the fake,
    the key and the scenario's settings as FRESHSERVICE_<NAME>."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHSERVICE_")}
    env["FRESHSERVICE_BASE_URL"] = fake_url
    env["FRESHSERVICE_API_KEY"] = key
    return {**env, **setting_variables(settings)}


def setting_variables(settings: Mapping[str, Any]) -> dict[str, str]:
    """Server settings (`timeout: 1`, `toolsets: [tickets]`) as FRESHSERVICE_<NAME> variables."""
    variables = {}
    for name, value in settings.items():
        if value is None:
            continue  # the format refuses null; a caller's None means "leave it unset"
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list | tuple):
            text = ",".join(str(v) for v in value)
        else:
            text = str(value)
        variables[f"FRESHSERVICE_{name.upper()}"] = text
    return variables


class FakeAdmin:
    """The fake's `/_mock/` API, as the replay uses it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=f"{self.base_url}/_mock", timeout=30)

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        if body is None and method in ("POST", "PUT"):
            body = {}  # the admin API takes JSON only, even when there is nothing to say
        response = self.http.request(method, path, json=body)
        if response.status_code >= 300:
            try:
                message = response.json().get("error", response.text)
            except ValueError:
                message = response.text
            raise AdminRefused(f"{method} /_mock/{path}: {response.status_code} {message}")
        return response.json() if response.content else None

    def account_of(self, key: str) -> str:
        return str(self._call("POST", "whoami", {"key": key})["account"])

    def reset(self, account: str) -> None:
        self._call("POST", "reset", {"account": account})

    def reseed(self, account: str, seed: int) -> None:
        self._call("POST", "reseed", {"account": account, "seed": seed})

    def set_plan(self, account: str, plan: Mapping[str, Any]) -> None:
        self._call("PUT", f"accounts/{account}/plan", dict(plan))

    def load_scenario(self, key: str, text: str) -> None:
        self._call("POST", "scenario", {"key": key, "scenario": text})

    def scenario_status(self, account: str) -> dict[str, Any]:
        return dict(self._call("GET", f"accounts/{account}/scenario"))

    def clear_scenario(self, account: str) -> None:
        self._call("DELETE", f"accounts/{account}/scenario")

    def journal(self, account: str, since: int = 0) -> list[dict[str, Any]]:
        return list(self._call("GET", f"accounts/{account}/journal?since={since}")["entries"])

    def clear_journal(self, account: str) -> None:
        self._call("DELETE", f"accounts/{account}/journal")


class AdminRefused(RuntimeError):
    """The fake's admin API refused a request (message includes its reason)."""


def command_line(command: str | Sequence[str]) -> list[str]:
    """A command given as one shell-quoted string (a flag's value) or as its words."""
    return shlex.split(command) if isinstance(command, str) else list(command)
