"""Starting the fake and the server under test as processes, and the fake's admin API."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import httpx

# Our server, started the way a user starts it; `--server-command` replaces it.
DEFAULT_SERVER_COMMAND = (sys.executable, "-m", "server")
FAKE_COMMAND = (sys.executable, "-m", "mock_freshservice", "serve")
START_TIMEOUT = 30.0


class StartFailed(RuntimeError):
    """A process did not come up; the message carries the end of its stderr."""


def listening_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket bound to (host, port) and listening; port 0 takes any free port. OSError
    (errno EADDRINUSE when taken) if it cannot be bound.

    A child started with it (`serving`) inherits it as `--fd N`: its port is known before the
    child starts and stays bound throughout, so two starts can never race for one port (picking
    a free port and passing it as `--port N` leaves a gap in which anything may take it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # As waitress and uvicorn set it: a port in TIME_WAIT is free to serve on again.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@dataclasses.dataclass
class Served:
    """A child process serving HTTP on a socket this process bound, and its stderr."""

    process: subprocess.Popen[bytes]
    url: str  # scheme://host:port
    port: int
    log: IO[bytes]

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


def start_serving(
    command: Sequence[str],
    sock: socket.socket,
    *,
    env: Mapping[str, str] | None = None,
    stdout: Any = subprocess.DEVNULL,
    stderr: Any = None,
    **popen: Any,
) -> subprocess.Popen[bytes]:
    """`command --fd N`, the child inheriting `sock` as descriptor N. The caller closes its own
    copy once the child is started (the child's keeps the port)."""
    return subprocess.Popen(
        [*command, "--fd", str(sock.fileno())],
        pass_fds=(sock.fileno(),),
        stdout=stdout,
        stderr=stderr,
        env=None if env is None else dict(env),
        **popen,
    )


@contextlib.contextmanager
def serving(
    command: Sequence[str],
    ready_path: str,
    *,
    env: Mapping[str, str] | None = None,
    host: str = "127.0.0.1",
    scheme: str = "http",
    timeout: float = START_TIMEOUT,
) -> Iterator[Served]:
    """Run `command` (a server taking `--fd N`: mock-freshservice, freshservice-mcp) on a free
    port of `host` until the block ends; yields once `ready_path` answers. StartFailed, with the
    end of its stderr, if it exits or does not answer within `timeout` seconds."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the child has stopped
    with listening_socket(host) as sock:
        port = int(sock.getsockname()[1])
        process = start_serving(command, sock, env=env, stderr=log)
    served = Served(process, f"{scheme}://{url_host(host)}:{port}", port, log)
    try:
        name = _program(command)
        wait_until_answering(f"{served.url}{ready_path}", process, log, timeout=timeout, name=name)
        yield served
    finally:
        stop(process)
        log.close()


def wait_until_answering(
    url: str,
    process: subprocess.Popen[Any],
    log: IO[bytes] | None = None,
    *,
    timeout: float = START_TIMEOUT,
    name: str = "the process",
) -> None:
    """Until `url` gives any HTTP answer; StartFailed (with the end of `log`) if the process
    exits first or `timeout` seconds pass. Over https the certificate is not checked: this asks
    only whether it serves (the tests of trust make their own clients)."""
    deadline = time.monotonic() + timeout
    # trust_env=False: a loopback check must not go through an HTTP(S)_PROXY.
    with httpx.Client(timeout=1, trust_env=False, verify=False) as client:  # noqa: S501
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = f":\n{_tail(log)}" if log is not None else " (its error is above)"
                raise StartFailed(f"{name} exited with {process.returncode}{tail}")
            with contextlib.suppress(httpx.TransportError):
                client.get(url)
                return
            time.sleep(0.05)
    tail = f":\n{_tail(log)}" if log is not None else ""
    raise StartFailed(f"{name} did not answer {url} within {timeout:.0f} s{tail}")


def _program(command: Sequence[str]) -> str:
    """`mock_freshservice` for `python -m mock_freshservice serve`, else the program's name."""
    if len(command) > 2 and command[1] == "-m":
        return command[2]
    return Path(command[0]).name


def stop(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """SIGTERM (both servers stop cleanly on it), then SIGKILL after `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    with serving([*FAKE_COMMAND, *args], "/_mock/health", env=fake_environment()) as fake:
        yield fake.url


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
