"""The key hunt: a distinctive key goes through everything a user runs (a fake that takes it from
the environment, our server over HTTP in every Authorization form, good calls, refused calls, a
revoked key, upstream failures, `freshservice-harness replay` with HTML and JUnit reports), and
then every log, journal, report, tool result and process command line is searched for it."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mcp import MCPError

from contracts.processes import listening_socket, start_serving, stop, wait_until_answering
from tests.processes import Fake
from tests.reliability.support import report
from tests.server.conftest import over_http

pytestmark = pytest.mark.anyio

SECRET = f"fs-hunt-{secrets.token_hex(8)}"
FORMS = {
    "raw": SECRET,
    "basic": "Basic " + base64.b64encode(f"{SECRET}:X".encode()).decode(),
    "bearer": f"Bearer {SECRET}",
}
# The key itself and the ways it travels encoded.
TRACES = (SECRET, base64.b64encode(f"{SECRET}:X".encode()).decode(), SECRET[::-1])
ROOT = Path(__file__).resolve().parents[2]


class CommandLines:
    """Every process's command line, read from /proc while the hunt runs (what `ps` shows)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    with contextlib.suppress(OSError):
                        raw = (entry / "cmdline").read_bytes()
                        self.seen.add(raw.replace(b"\0", b" ").decode(errors="replace"))
            self._stop.wait(0.05)

    def __enter__(self) -> CommandLines:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@contextlib.contextmanager
def _started(
    args: list[str], env: dict[str, str], sock: socket.socket, ready: str, log: Path
) -> Iterator[None]:
    """`args` serving on `sock` until the block ends, its stderr in `log`."""
    with log.open("wb") as err:
        process = start_serving(args, sock, env=env, stderr=err)
    with log.open("rb") as reading:
        try:
            wait_until_answering(ready, process, reading)
            yield
        finally:
            stop(process)


async def test_the_key_appears_in_no_log_journal_report_result_or_command_line(
    tmp_path: Path,
) -> None:
    fake_socket, server_socket = listening_socket(), listening_socket()
    fake_url = f"http://127.0.0.1:{fake_socket.getsockname()[1]}"
    server_url = f"http://127.0.0.1:{server_socket.getsockname()[1]}"
    mcp_url = f"{server_url}/mcp"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FRESHSERVICE_", "MOCK_"))}
    texts: dict[str, str] = {}
    with CommandLines() as command_lines:
        fake_env = {**base, "MOCK_FRESHSERVICE_API_KEYS": SECRET}
        server_env = {**base, "FRESHSERVICE_BASE_URL": fake_url}
        with (
            fake_socket,
            server_socket,
            _started(
                [sys.executable, "-m", "mock_freshservice", "serve"],
                fake_env,
                fake_socket,
                f"{fake_url}/_mock/health",
                tmp_path / "fake.log",
            ),
            _started(
                [sys.executable, "-m", "server", "--transport", "http"],
                server_env,
                server_socket,
                f"{server_url}/healthz",
                tmp_path / "server.log",
            ),
        ):
            fake = Fake(fake_url, None, None)  # type: ignore[arg-type]
            texts["results"] = await _calls(fake, mcp_url)
            texts["journals"] = _journals(fake)  # a replay starts its account's journal afresh
            texts.update(_replay(fake_url, tmp_path, base))
            texts["journals after the replay"] = _journals(fake)
            fake.http.close()
    texts["fake stderr"] = (tmp_path / "fake.log").read_text(errors="replace")
    texts["server stderr"] = (tmp_path / "server.log").read_text(errors="replace")
    texts["command lines"] = "\n".join(sorted(command_lines.seen))
    found = {where: [t for t in TRACES if t in text] for where, text in texts.items()}
    report(
        "key hunt",
        places_searched=len(texts),
        bytes_searched=sum(len(t) for t in texts.values()),
        command_lines_seen=len(command_lines.seen),
        found={where: len(hits) for where, hits in found.items() if hits},
    )
    assert "fs-hunt" not in texts["command lines"]
    assert {where: hits for where, hits in found.items() if hits} == {}
    assert len(texts["journals"]) > 1000 and texts["results"]  # the hunt looked at something


async def _calls(fake: Fake, mcp_url: str) -> str:
    """Good and refused calls in every Authorization form; the text of every result."""
    seen: list[str] = []

    def keep(result: object) -> None:
        seen.extend(str(block) for block in getattr(result, "content", []))

    for form in FORMS.values():
        async with over_http(mcp_url, form) as client:
            keep(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
            keep(await client.call_tool("fetchTicket", {"ticket_id": "1023"}))
            keep(await client.call_tool("createTicket", {"subject": "Hunt", "description": "x"}))
            with pytest.raises(MCPError) as unknown:
                await client.call_tool("deleteEverything", {})
            seen.append(str(unknown.value))
    fake.admin(
        "POST",
        "scenario",
        {
            "key": SECRET,
            "scenario_object": {
                "description": "upstream failures",
                "rules": [
                    {
                        "id": "down",
                        "match": {"nth": [1, 2, 3]},
                        "effect": {"error": "server_error"},
                    },
                ],
            },
        },
    )
    async with over_http(mcp_url, SECRET) as client:
        keep(await client.call_tool("fetchTickets", {}))
    fake.admin("DELETE", "accounts/acme.freshservice.com/scenario")
    fake.revoke(SECRET)
    async with over_http(mcp_url, FORMS["basic"]) as client:
        keep(await client.call_tool("fetchAgent", {"agent_id": "me"}))
    fake.restore(SECRET)
    return "\n".join(seen)


def _replay(fake_url: str, tmp_path: Path, base: dict[str, str]) -> dict[str, str]:
    """`freshservice-harness replay` with the key given in the environment, reports written."""
    html, junit = tmp_path / "report.html", tmp_path / "junit.xml"
    scenarios = [str(ROOT / "scenarios" / "prompts" / "2-ticket-details.yaml"),
                 str(ROOT / "scenarios" / "bad-key.yaml")]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "contracts", "replay", *scenarios, "--fake-url", fake_url,
         "--html", str(html), "--junit", str(junit), "--no-progress", "--verbose"],
        env={**base, "FRESHSERVICE_HARNESS_KEY": SECRET},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return {
        "replay output": done.stdout + done.stderr,
        "html report": html.read_text(),
        "junit report": junit.read_text(),
    }


def _journals(fake: Fake) -> str:
    domains = [a["domain"] for a in fake.admin("GET", "accounts")["accounts"]]
    return "\n".join(
        httpx.get(f"{fake.url}/_mock/accounts/{domain}/journal", timeout=30).text
        for domain in [*domains, "_unattributed"]
    )
