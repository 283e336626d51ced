"""The server under test and the fake it talks to, as the generic suites reach them: the server
only through its command line (stdio) or its URL (Streamable HTTP) and MCP; the fake through its
REST API (to read ids) and its admin API (scenarios, journal, resets).

Each demo account of the fake gets a `Worker`: a session with the server holding that account's
admin key (a stdio server started with it in its environment; an HTTP server sent it in the
`Authorization` header). Workers run side by side, each on its own account, so what one call
does (a fault rule, a Retry-After, a write) never shows in another's journal."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import re
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import anyio
import httpx
import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from contracts.generic.findings import Call, Upstream
from contracts.processes import FAKE_COMMAND, FakeAdmin, fake_environment, serving
from mock_freshservice.data.dataset import load_dataset

# What a stdio server gets when `--server-env` does not say otherwise: our server's settings.
DEFAULT_SERVER_ENV = (
    ("FRESHSERVICE_BASE_URL", "{base_url}"),
    ("FRESHSERVICE_API_KEY", "{key}"),
)
# Over --tls, what the usual HTTP stacks read for a CA (Python's ssl/httpx, requests, Node).
CA_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")
PLACEHOLDERS = ("base_url", "host", "domain", "key", "ca_file")


@dataclasses.dataclass(frozen=True)
class Account:
    domain: str
    key: str  # an admin's API key


@dataclasses.dataclass(frozen=True)
class ServerUnderTest:
    command: tuple[str, ...] | None = None
    url: str | None = None
    env: tuple[tuple[str, str], ...] = ()  # NAME, template with {base_url} {host} {key} ...
    cwd: Path | None = None

    @property
    def label(self) -> str:
        return self.url or " ".join(self.command or ())


class Fake:
    """A running fake: its REST API for reading data, its admin API for the rest."""

    def __init__(self, url: str, ca_file: Path | None) -> None:
        self.url = url.rstrip("/")
        self.ca_file = ca_file
        self.admin = FakeAdmin(self.url)
        verify: Any = str(ca_file) if ca_file is not None else True
        self.admin.http = httpx.Client(base_url=f"{self.url}/_mock", timeout=30, verify=verify)
        self._http = httpx.Client(base_url=f"{self.url}/api/v2", timeout=30, verify=verify)

    @property
    def host(self) -> str:
        """host:port, what servers that take a Freshservice *domain* want."""
        return self.url.split("://", 1)[1]

    def get(self, account: Account, path: str) -> Any:
        response = self._http.get(path, auth=(account.key, "X"))
        return response.json() if response.status_code == 200 else None

    def journal(self, account: Account, since: int) -> list[dict[str, Any]]:
        return self.admin.journal(account.domain, since)

    def close(self) -> None:
        self.admin.close()
        self._http.close()


@contextlib.contextmanager
def own_fake(tls: bool, threads: int = 48 + 3 * 32) -> Iterator[Fake]:
    """A fake of the demo dataset on a free loopback port, no rate limit of its own (the suites
    make their own 429s), over HTTPS from a fresh local CA with `tls`."""
    with tempfile.TemporaryDirectory(prefix="freshservice-harness-fake-") as folder:
        flags = ["--plan", "unlimited", "--threads", str(threads)]
        ca_file = None
        if tls:
            flags += ["--tls", "--ca-dir", folder]
            ca_file = Path(folder) / "ca.pem"
        command = [*FAKE_COMMAND, *flags]
        scheme = "https" if tls else "http"
        with serving(command, "/_mock/health", env=fake_environment(), scheme=scheme) as served:
            fake = Fake(served.url, ca_file)
            try:
                yield fake
            finally:
                fake.close()


def demo_accounts() -> list[Account]:
    """The admin key of each account of the fake's demo dataset."""
    accounts = []
    for account in load_dataset().accounts:
        admin = next((k.key for k in account.api_keys if k.role == "admin"), None)
        if admin is not None:
            accounts.append(Account(account.domain, admin))
    return accounts


def server_environment(server: ServerUnderTest, fake: Fake, account: Account) -> dict[str, str]:
    """Ours without FRESHSERVICE_*, then the defaults (our server's variables, the CA), then
    `--server-env`, placeholders filled in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHSERVICE_")}
    values = {
        "base_url": fake.url,
        "host": fake.host,
        "domain": account.domain,
        "key": account.key,
        "ca_file": str(fake.ca_file or ""),
    }
    templates = dict(DEFAULT_SERVER_ENV)
    if fake.ca_file is not None:
        templates.update((name, "{ca_file}") for name in CA_VARIABLES)
    templates.update(server.env)
    for name, template in templates.items():
        env[name] = fill(template, values)
    return env


def fill(template: str, values: Mapping[str, str]) -> str:
    return re.sub(r"\{(" + "|".join(PLACEHOLDERS) + r")\}", lambda m: values[m[1]], template)


def secrets_of(key: str) -> tuple[str, ...]:
    """The forms an API key leaks in: itself and in a Basic authorization header."""
    forms = [key]
    for text in (f"{key}:X", f"{key}:x", f"{key}:"):
        forms.append(base64.b64encode(text.encode()).decode().rstrip("="))
    return tuple(forms)


TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|"
    r"\b(?:[A-Z][A-Za-z]*(?:Error|Exception)|KeyError|StopIteration)\b(?::|\()|"
    r"\bat [\w.<>$]+ \([^)]*:\d+:\d+\)"  # a JavaScript stack frame
)


def exception_shown(text: str) -> str | None:
    """The traceback line or exception name a result shows, if any."""
    found = TRACEBACK.search(text)
    return found[0] if found else None


def result_text(result: Any) -> str:
    blocks = [getattr(block, "text", None) or repr(block) for block in result.content]
    if not blocks and result.structured_content is not None:
        return json.dumps(result.structured_content)
    return "\n".join(blocks)


class Worker:
    """One account's session with the server; restarted after a call that did not answer in
    time (its late requests must not land in the next call's journal)."""

    def __init__(
        self,
        server: ServerUnderTest,
        fake: Fake,
        account: Account,
        call_timeout: float,
    ) -> None:
        self.server = server
        self.fake = fake
        self.account = account
        self.call_timeout = call_timeout
        self.errlog: TextIO = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._stack: contextlib.AsyncExitStack | None = None
        self.client: Client | None = None
        self.seq = 0
        self.restarts = 0

    async def start(self) -> None:
        self._stack = contextlib.AsyncExitStack()
        self.client = await self._stack.enter_async_context(self._connect())
        self.seq = self._last_seq()

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
            self.client = None

    async def restart(self) -> None:
        await self.stop()
        self.restarts += 1
        await self.start()

    def close(self) -> None:
        self.errlog.close()

    @contextlib.asynccontextmanager
    async def _connect(self) -> AsyncIterator[Client]:
        if self.server.url is not None:
            headers = {"Authorization": self.account.key}
            timeout = httpx2.Timeout(self.call_timeout + 30)
            async with (
                httpx2.AsyncClient(headers=headers, timeout=timeout) as http,
                Client(
                    streamable_http_client(self.server.url, http_client=http),
                    read_timeout_seconds=self.call_timeout + 30,
                ) as client,
            ):
                yield client
            return
        assert self.server.command is not None
        params = StdioServerParameters(
            command=self.server.command[0],
            args=list(self.server.command[1:]),
            env=server_environment(self.server, self.fake, self.account),
            cwd=self.server.cwd,
        )
        async with Client(
            stdio_client(params, errlog=self.errlog), read_timeout_seconds=self.call_timeout + 30
        ) as client:
            yield client

    def _last_seq(self) -> int:
        entries = self.fake.journal(self.account, self.seq)
        return max((int(e["seq"]) for e in entries), default=self.seq)

    async def list_tools(self) -> list[Any]:
        assert self.client is not None
        tools: list[Any] = []
        cursor = None
        while True:
            page = await self.client.list_tools(cursor=cursor)
            tools += page.tools
            cursor = page.next_cursor
            if not cursor:
                return tools

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Call:
        """Call `tool`; what came back and every request the fake journaled meanwhile."""
        return (await self.calls_together([(tool, arguments)]))[0]

    async def calls_together(self, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Call]:
        """Make `calls` at the same time on this session; each gets every request the fake
        journaled meanwhile (the caller tells them apart) and the server's stderr meanwhile."""
        assert self.client is not None
        self.seq = self._last_seq()
        before = self._stderr_end()
        outcomes: list[Call | None] = [None] * len(calls)

        async def one(index: int, tool: str, arguments: Mapping[str, Any]) -> None:
            outcomes[index] = await self._invoke(tool, arguments)

        async with anyio.create_task_group() as group:
            for index, (tool, arguments) in enumerate(calls):
                group.start_soon(one, index, tool, arguments)
        entries = tuple(Upstream.of(e) for e in self.fake.journal(self.account, self.seq))
        stderr = self._stderr_since(before)
        made = [
            dataclasses.replace(call, requests=entries, stderr=stderr)
            for call in outcomes
            if call is not None
        ]
        broken = any(c.protocol_error for c in made) and not await self._alive()
        if any(c.timed_out for c in made) or broken:
            await self.restart()
        return made

    async def _invoke(self, tool: str, arguments: Mapping[str, Any]) -> Call:
        assert self.client is not None
        started = time.monotonic()
        is_error: bool | None = None
        protocol_error = timed_out = False
        with anyio.move_on_after(self.call_timeout) as scope:
            try:
                result = await self.client.call_tool(tool, dict(arguments))
            except Exception as exc:
                protocol_error = True
                text = f"{type(exc).__name__}: {exc}"
            else:
                is_error = bool(result.is_error)
                text = result_text(result)
        seconds = time.monotonic() - started
        if scope.cancelled_caught:
            timed_out = True
            text = f"no result within {self.call_timeout:g} s"
        return Call(
            tool,
            dict(arguments),
            is_error,
            text,
            (),
            seconds,
            protocol_error=protocol_error,
            timed_out=timed_out,
        )

    async def _alive(self) -> bool:
        """Whether the session still answers (a protocol error may have been the server dying)."""
        assert self.client is not None
        with anyio.move_on_after(5):
            try:
                await self.client.send_ping()
            except Exception:
                return False
            return True
        return False

    def _stderr_end(self) -> int:
        self.errlog.flush()
        return self.errlog.seek(0, os.SEEK_END)

    def _stderr_since(self, position: int) -> str:
        self.errlog.flush()
        self.errlog.seek(position)
        text = self.errlog.read()
        self.errlog.seek(0, os.SEEK_END)
        return text


def leaked(text: str, key: str) -> str | None:
    """The form of `key` that `text` shows, if any."""
    for form in secrets_of(key):
        if form and form in text:
            return "the API key" if form == key else "the API key, base64-encoded (Basic auth)"
    return None


def spread(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """`items` dealt round-robin into `parts` lists."""
    return [list(items[i::parts]) for i in range(parts)]
