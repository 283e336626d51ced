"""What meets a request to `/mcp` before the SDK does: Host and Origin parsed strictly, JSON-RPC
ids that can be answered, sessions only for keys Freshservice accepts (and a few per key), and
a deadline for clients that never finish sending."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import pytest

from server.config import LOOPBACK_HOSTS, LOOPBACK_ORIGINS
from server.http import SESSIONS_PER_KEY, _bad_ids, allowed
from tests.processes import Fake, running_server
from tests.server.conftest import ADMIN_KEY, over_http, structured

# The guard in front of a real server process: in `tox -e slow` (CI runs it), to keep the README's
# test line under 10 minutes.
pytestmark = [pytest.mark.anyio, pytest.mark.slow]

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "guard-test", "version": "1"},
    },
}
ACCEPT = "application/json, text/event-stream"


@pytest.mark.parametrize(
    ("host", "accepted"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("localhost", True),
        ("[::1]:8000", True),
        ("LOCALHOST:8000", True),
        ("127.0.0.1:31000@evil.example", False),
        ("127.0.0.1:8000.evil.example", False),
        ("evil.example:8000", False),
        ("127.0.0.1:80x", False),
        ("", False),
    ],
)
def test_host_headers_are_matched_whole(host: str, accepted: bool) -> None:
    assert allowed(host, LOOPBACK_HOSTS) is accepted


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        ("http://127.0.0.1:6274", True),
        ("http://localhost", True),
        ("https://127.0.0.1:6274", False),
        ("http://127.0.0.1:6274@evil.example", False),
        ("http://evil.example", False),
        ("null", False),
    ],
)
def test_origins_are_matched_whole(origin: str, accepted: bool) -> None:
    assert allowed(origin, LOOPBACK_ORIGINS, origin=True) is accepted


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}, "not dict"),
        ({"jsonrpc": "2.0", "id": [1], "method": "ping"}, "not list"),
        ({"jsonrpc": "2.0", "id": True, "method": "ping"}, "not bool"),
        ([{"jsonrpc": "2.0", "id": 1.5, "method": "ping"}], "not float"),
    ],
)
def test_ids_that_cannot_be_answered_are_named(body: Any, problem: str) -> None:
    found = _bad_ids(json.dumps(body).encode())
    assert found is not None and found.endswith(problem)


@pytest.mark.parametrize("found_id", ["abc", 7, None])
def test_string_number_and_null_ids_pass(found_id: Any) -> None:
    assert _bad_ids(json.dumps({"jsonrpc": "2.0", "id": found_id, "method": "x"}).encode()) is None


def _post(url: str, body: Any, **headers: str) -> httpx.Response:
    return httpx.post(
        url,
        content=json.dumps(body),
        headers={"Content-Type": "application/json", "Accept": ACCEPT, **headers},
        timeout=10,
    )


async def test_an_object_id_gets_a_json_rpc_error_not_silence(fake: Fake) -> None:
    with running_server(fake.url) as server:
        body = {**INITIALIZE, "id": {"nested": True}}
        response = _post(server.mcp_url, body, Authorization=ADMIN_KEY)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600
    assert "id must be a string or a number" in response.json()["error"]["message"]


async def test_a_host_without_a_port_is_served_and_a_disguised_one_is_not(fake: Fake) -> None:
    with running_server(fake.url) as server:
        bare = _post(server.mcp_url, INITIALIZE, Authorization=ADMIN_KEY, Host="localhost")
        disguised = _post(
            server.mcp_url, INITIALIZE, Authorization=ADMIN_KEY, Host="127.0.0.1:1@evil.example"
        )
    assert bare.status_code == 200
    assert disguised.status_code == 421


async def test_a_stateful_session_needs_a_key_freshservice_accepts(fake: Fake) -> None:
    with running_server(fake.url, "--stateful") as server:
        refused = _post(server.mcp_url, INITIALIZE, Authorization="not-a-real-key")
        accepted = _post(server.mcp_url, INITIALIZE, Authorization=ADMIN_KEY)
    assert refused.status_code == 401
    assert "mcp-session-id" not in refused.headers
    assert "did not accept the API key" in refused.json()["message"]
    assert accepted.status_code == 200 and accepted.headers["mcp-session-id"]


async def test_one_key_may_hold_only_so_many_sessions(fake: Fake) -> None:
    with running_server(fake.url, "--stateful") as server:
        opened = [
            _post(server.mcp_url, INITIALIZE, Authorization=ADMIN_KEY)
            for _ in range(SESSIONS_PER_KEY)
        ]
        one_too_many = _post(server.mcp_url, INITIALIZE, Authorization=ADMIN_KEY)
        ended = httpx.delete(
            server.mcp_url,
            headers={
                "Authorization": ADMIN_KEY,
                "Mcp-Session-Id": opened[0].headers["mcp-session-id"],
                "Mcp-Protocol-Version": "2025-06-18",
            },
        )
        after_one_ended = _post(server.mcp_url, INITIALIZE, Authorization=ADMIN_KEY)
        other_key = _post(server.mcp_url, INITIALIZE, Authorization="demo-acme-agent-key")
    assert {r.status_code for r in opened} == {200}
    assert one_too_many.status_code == 429
    assert (
        f"already has {SESSIONS_PER_KEY} open sessions" in one_too_many.json()["error"]["message"]
    )
    assert ended.status_code == 200
    assert after_one_ended.status_code == 200
    assert other_key.status_code == 200


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes the connection (after any answer) within `seconds`."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if sock.recv(4096) == b"":
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return False


async def test_clients_that_never_finish_sending_are_disconnected(fake: Fake) -> None:
    with running_server(fake.url, "--mcp-read-timeout", "1") as server:
        port = int(server.url.rsplit(":", 1)[1])
        silent = socket.create_connection(("127.0.0.1", port))
        half_headers = socket.create_connection(("127.0.0.1", port))
        half_headers.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        half_body = socket.create_connection(("127.0.0.1", port))
        half_body.sendall(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: demo-acme-admin-key\r\n"
            b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"js'
        )
        started = time.monotonic()
        async with over_http(server.mcp_url, ADMIN_KEY) as client:  # others are still served
            structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
        try:
            assert _closed_within(silent, 5)
            assert _closed_within(half_headers, 5)
            assert _closed_within(half_body, 5)
            assert time.monotonic() - started < 8
        finally:
            for sock in (silent, half_headers, half_body):
                sock.close()


async def test_headers_past_their_bound_get_431_and_the_connection_closes(fake: Fake) -> None:
    with running_server(fake.url) as server:
        port = int(server.url.rsplit(":", 1)[1])
        sock = socket.create_connection(("127.0.0.1", port))
        try:
            sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for _ in range(100):  # 100 KiB of headers, a kibibyte at a time
                sock.sendall(b"X-Padding: " + b"a" * 1010 + b"\r\n")
            sock.settimeout(5)
            answer = sock.recv(4096)
        except (BrokenPipeError, ConnectionResetError):
            answer = b""
        finally:
            sock.close()
        async with over_http(server.mcp_url, ADMIN_KEY) as client:  # still serving
            structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
    assert answer.startswith(b"HTTP/1.1 431")


async def test_a_large_body_read_together_with_its_headers_is_not_taken_for_large_headers(
    fake: Fake,
) -> None:
    # One write of small headers and a 1 MB body: the server's first read holds far more than
    # the headers' bound, and only the headers may count against it.
    padded = dict(INITIALIZE, params={**INITIALIZE["params"], "padding": "p" * 1_000_000})
    body = json.dumps(padded).encode()
    with running_server(fake.url) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"Authorization: {ADMIN_KEY}\r\nAccept: {ACCEPT}\r\n".encode()
                + b"Content-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            sock.settimeout(10)
            answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
