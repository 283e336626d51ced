"""The key hunt for OAuth: tokens and a client secret go through a fake with its authorization
server and our server taking both kinds of credential (good calls, a scope refused, a token
expired, a grant revoked, upstream failures), and then every log, journal, tool result and
process command line is searched for them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

from contracts.processes import listening_socket
from tests.oauth import obtain
from tests.processes import Fake
from tests.reliability.support import report
from tests.reliability.test_key_hunt import CommandLines, _journals, _started
from tests.server.conftest import over_http

pytestmark = pytest.mark.anyio

DOMAIN = "acme.freshservice.com"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


async def test_no_token_or_client_secret_appears_in_any_log_journal_result_or_command_line(
    tmp_path: Path,
) -> None:
    fake_socket, server_socket = listening_socket(), listening_socket()
    fake_url = f"http://127.0.0.1:{fake_socket.getsockname()[1]}"
    server_url = f"http://127.0.0.1:{server_socket.getsockname()[1]}"
    mcp_url = f"{server_url}/mcp"
    issuer = f"{fake_url}/oauth/{DOMAIN}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FRESHSERVICE_", "MOCK_"))}
    secrets_seen: list[str] = []
    texts: dict[str, str] = {}
    with CommandLines() as command_lines:
        server_env = {
            **base,
            "FRESHSERVICE_BASE_URL": fake_url,
            "FRESHSERVICE_MCP_AUTH": "both",
            "FRESHSERVICE_MCP_OAUTH_ISSUER": issuer,
        }
        with (
            fake_socket,
            server_socket,
            _started(
                [sys.executable, "-m", "mock_freshservice", "serve", "--oauth-auto-approve"],
                base,
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
            results: list[str] = []
            tokens = obtain(issuer, mcp_url, confidential=True)
            client_secret = str(tokens.client_secret)
            narrow = obtain(issuer, mcp_url, scopes=["freshservice.tickets.view"])
            secrets_seen += [tokens.access_token, tokens.refresh_token, client_secret,
                             narrow.access_token, narrow.refresh_token]  # fmt: skip
            async with over_http(mcp_url, f"Bearer {tokens.access_token}") as client:
                for arguments in ({"ticket_id": 10234}, {"ticket_id": 1}):
                    result = await client.call_tool("fetchTicket", arguments)
                    results += [str(block) for block in result.content]
            refused = httpx.post(
                mcp_url,
                headers={"Authorization": f"Bearer {narrow.access_token}",
                         "Accept": "application/json, text/event-stream"},
                json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": "createTicket", "arguments": {}}},
            )  # fmt: skip
            results.append(refused.text + str(refused.headers))
            fake.admin(
                "POST",
                "scenario",
                {"key": "demo-acme-admin-key", "scenario_object": {
                    "description": "upstream failures",
                    "rules": [{"id": "down", "match": {"nth": [1, 2, 3]},
                               "effect": {"error": "server_error"}}]}},
            )  # fmt: skip
            async with over_http(mcp_url, f"Bearer {tokens.access_token}") as client:
                result = await client.call_tool("fetchTickets", {})
                results += [str(block) for block in result.content]
            fake.admin("DELETE", f"accounts/{DOMAIN}/scenario")
            renewed = tokens.refreshed()
            secrets_seen += [renewed.access_token, renewed.refresh_token]
            renewed.revoke()
            for _ in range(2):  # Freshservice refuses it, then the server does at the door
                answer = httpx.post(
                    mcp_url,
                    headers={"Authorization": f"Bearer {renewed.access_token}",
                             "Accept": "application/json, text/event-stream"},
                    json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "fetchTickets", "arguments": {}}},
                )  # fmt: skip
                results.append(answer.text + str(answer.headers))
            texts["results"] = "\n".join(results)
            texts["journals"] = _journals(fake)
            fake.http.close()
    texts["fake stderr"] = (tmp_path / "fake.log").read_text(errors="replace")
    texts["server stderr"] = (tmp_path / "server.log").read_text(errors="replace")
    texts["command lines"] = "\n".join(sorted(command_lines.seen))
    # A token's signature is its secret part; its header and claims are not secret.
    traces = [t.split(".")[-1] if t.count(".") == 2 else t for t in secrets_seen]
    found = {where: [t for t in traces if t in text] for where, text in texts.items()}
    report(
        "token hunt",
        places_searched=len(texts),
        bytes_searched=sum(len(t) for t in texts.values()),
        secrets_hunted=len(traces),
        found={where: len(hits) for where, hits in found.items() if hits},
    )
    assert {where: hits for where, hits in found.items() if hits} == {}
    assert len(texts["journals"]) > 1000 and texts["results"]  # the hunt looked at something
