"""Real processes on real loopback ports: the fake (`mock-freshservice`) and the MCP server
(`freshservice-mcp --transport http`), started as users start them and stopped cleanly."""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from contracts.processes import (  # noqa: F401 - stop and wait_until_answering: for the tests
    fake_environment,
    serving,
    stop,
    wait_until_answering,
)
from tests.conftest import NOW

FAKE_COMMAND = [sys.executable, "-m", "mock_freshservice"]
SERVER_COMMAND = [sys.executable, "-m", "server"]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@functools.cache
def refusing_port() -> int:
    """A loopback port that refuses connections while this test process runs: bound here and
    never listened on, so nothing else can take it meanwhile (as a port found free and released
    could be)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD.append(sock)
    return int(sock.getsockname()[1])


_HELD: list[socket.socket] = []


def trusting(ca_file: Path) -> ssl.SSLContext:
    """A client context that trusts `ca_file` and nothing else."""
    return ssl.create_default_context(cafile=ca_file)


class Fake:
    """A running fake and its admin API."""

    def __init__(
        self,
        url: str,
        process: subprocess.Popen[bytes],
        log: Any,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.url = url
        self.process = process
        self.log = log
        self.verify = verify
        self.http = httpx.Client(base_url=url, timeout=10, verify=verify)

    def stderr(self) -> str:
        self.log.seek(0)
        return str(self.log.read().decode(errors="replace"))

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        if body is None and method in ("POST", "PUT"):
            body = {}  # the admin API takes JSON only, even when there is nothing to say
        response = self.http.request(method, f"/_mock/{path}", json=body)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def journal(
        self, domain: str = "acme.freshservice.com", since: int = 0
    ) -> list[dict[str, Any]]:
        """The account's journal entries after sequence number `since`."""
        return list(self.admin("GET", f"accounts/{domain}/journal?since={since}")["entries"])

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
def running_fake(
    *args: str, env: Mapping[str, str] | None = None, ca_dir: Path | None = None
) -> Iterator[Fake]:
    """`mock-freshservice serve` on a free port with the data clock frozen at NOW; `env` adds to
    the environment, ours without MOCK_FRESHSERVICE_* (secrets go there: a command line is
    visible to every local user). With `ca_dir`, over TLS with the CA kept there, its client
    trusting that CA only."""
    tls = ["--tls", "--ca-dir", str(ca_dir)] if ca_dir is not None else []
    with serving(
        [*FAKE_COMMAND, "serve", "--now", NOW.isoformat(), *tls, *args],
        "/_mock/health",
        env={**fake_environment(), **(env or {})},
        scheme="https" if ca_dir is not None else "http",
    ) as served:
        verify = trusting(ca_dir / "ca.pem") if ca_dir is not None else True  # made at its start
        fake = Fake(served.url, served.process, served.log, verify)
        try:
            yield fake
        finally:
            fake.http.close()


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
    with serving(
        [*SERVER_COMMAND, "--transport", "http", *args],
        "/healthz",
        env={**server_environment(fake_url, **settings), **(env or {})},
    ) as served:
        yield Server(served.url, served.process, served.log)


def stdio_command(args: Sequence[str] = ()) -> list[str]:
    return [*SERVER_COMMAND, *args]


# -- freshservice-harness up ---------------------------------------------------------------

UP_COMMAND = [sys.executable, "-m", "contracts", "up"]
BANNER_END = '--header "Authorization:'  # the Claude Code command ends the banner
# With --oauth that command ends with mcp-remote and the MCP URL (perhaps on a line of its own).
OAUTH_BANNER_END = re.compile(r"mcp-remote( \\\n)?\s*\S+/mcp\n")


def unwrapped(banner: str) -> str:
    """The banner with each shell command continued over lines (` \\`) joined onto one line."""
    return re.sub(r" \\\n\s+", " ", banner)


class Up:
    """A running `freshservice-harness up`, its stdout lines so far, and its stderr file."""

    def __init__(self, process: subprocess.Popen[str], stderr: Path):
        self.process = process
        self.stderr_path = stderr
        self.lines: queue.Queue[str] = queue.Queue()
        self.banner = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for_banner(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while BANNER_END not in self.banner and not OAUTH_BANNER_END.search(self.banner):
            if self.process.poll() is not None and self.lines.empty():
                raise AssertionError(f"up exited with {self.process.returncode}: {self.stderr()}")
            try:
                self.banner += self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no banner in {timeout} s: {self.stderr()}") from None
        return self.banner

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def _announced(self, what: str, timeout: float = 60) -> str:
        """The URL of `what` from up's "starting … on URL ..." line on stderr (`up` runs on
        ports 0: it prints the ones it got), waiting for that line."""
        deadline = time.monotonic() + timeout
        while (found := re.search(rf"starting {what} on (\S+) \.\.\.", self.stderr())) is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"up never said where {what} starts: {self.stderr()}")
            time.sleep(0.05)
        return found[1]

    @property
    def mcp_url(self) -> str:
        return self._announced("the MCP server")

    @property
    def fake_url(self) -> str:
        return self._announced("the fake")

    @property
    def port(self) -> int:
        return int(urlsplit(self.mcp_url).port or 0)

    @property
    def fake_port(self) -> int:
        return int(urlsplit(self.fake_url).port or 0)


@contextlib.contextmanager
def started(tmp_path: Path, *args: str, env: Mapping[str, str] | None = None) -> Iterator[Up]:
    """`freshservice-harness up` on free ports (0: `up` binds them and shows them in its
    banner); `env` adds to our environment."""
    stderr = tmp_path / "up.stderr"
    with stderr.open("w") as err:
        process = subprocess.Popen(
            [*UP_COMMAND, "--port", "0", "--fake-port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            start_new_session=True,  # its own process group, like a shell's foreground job
            env={**os.environ, **env} if env is not None else None,
        )
    up = Up(process, stderr)
    try:
        yield up
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def ctrl_c(up: Up) -> int:
    """What the terminal does on Ctrl-C: SIGINT to every process of the foreground group."""
    os.killpg(up.process.pid, signal.SIGINT)
    return up.process.wait(timeout=30)
