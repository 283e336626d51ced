"""The network under the client (aiohttp): every aiohttp error has a kind, and real sockets that
refuse, hang up or stall are told apart: nothing sent (safe to send again) or maybe processed."""

from __future__ import annotations

import contextlib
import inspect
import socket
import threading
from collections.abc import Callable, Iterator

import aiohttp
import pytest

from server import freshservice as fs
from server import transport
from server.transport import AIOHTTP_ERRORS, AiohttpSender, Broken, NotSent, proxy_for
from tests.processes import refusing_port

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_every_aiohttp_error_has_a_kind() -> None:
    errors = [
        found
        for _, found in inspect.getmembers(aiohttp, inspect.isclass)
        if issubclass(found, aiohttp.ClientError)
    ]
    assert len(errors) > 20
    for error in errors:
        assert any(issubclass(error, known) for known, _ in AIOHTTP_ERRORS), error


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (aiohttp.ConnectionTimeoutError, NotSent),
        (aiohttp.ClientConnectorError, NotSent),
        (aiohttp.SocketTimeoutError, Broken),
        (aiohttp.ServerDisconnectedError, Broken),
        (aiohttp.ClientOSError, Broken),
        (aiohttp.ClientPayloadError, Broken),
    ],
)
def test_an_error_is_not_sent_only_when_no_connection_was_made(
    error: type[Exception], kind: type[Exception]
) -> None:
    assert transport._kind(error.__new__(error), AIOHTTP_ERRORS) is kind


@contextlib.contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback server that hands each connection to `handle`; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                conn, _ = listener.accept()
                held.append(conn)
                handle(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def _read_request(conn: socket.socket) -> None:
    conn.settimeout(2)
    with contextlib.suppress(OSError):
        conn.recv(65536)


def _hang_up(conn: socket.socket) -> None:
    _read_request(conn)
    conn.close()


async def test_a_refused_connection_is_not_sent() -> None:
    sender = AiohttpSender(f"http://127.0.0.1:{refusing_port()}", timeout=2)
    with pytest.raises(NotSent):
        await sender.send("POST", f"http://127.0.0.1:{refusing_port()}/x", {}, b"{}")
    await sender.aclose()


async def test_a_hang_up_after_the_request_may_have_been_processed() -> None:
    with raw_server(_hang_up) as url:
        sender = AiohttpSender(url, timeout=2)
        with pytest.raises(Broken):
            await sender.send("POST", f"{url}/api/v2/tickets", {}, b"{}")
        await sender.aclose()


async def test_an_answer_that_never_comes_times_out_as_maybe_processed() -> None:
    with raw_server(_read_request) as url:
        sender = AiohttpSender(url, timeout=0.5)
        with pytest.raises(Broken):
            await sender.send("GET", f"{url}/api/v2/tickets", {}, None)
        await sender.aclose()


async def test_a_post_that_broke_is_not_sent_again_and_says_so() -> None:
    connections: list[None] = []

    def counting(conn: socket.socket) -> None:
        connections.append(None)
        _hang_up(conn)

    with raw_server(counting) as url:
        async with fs.FreshserviceClient(url, timeout=2) as client:
            with pytest.raises(fs.ConnectionFailed) as failure:
                await client.request(fs.ToolCall(key="k", budget=5), "POST", "/tickets", json={})
    assert failure.value.may_have_happened
    assert len(connections) == 1


async def test_an_answer_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "MAX_ANSWER_BYTES", 1000)

    def big(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 5000\r\n\r\n" + b" " * 5000)  # fmt: skip

    with raw_server(big) as url:
        sender = AiohttpSender(url, timeout=2)
        with pytest.raises(Broken):
            await sender.send("GET", f"{url}/api/v2/tickets", {}, None)
        await sender.aclose()


def test_the_proxy_comes_from_the_environment_unless_no_proxy_names_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    assert proxy_for("https://acme.freshservice.com") == "http://proxy.example:3128"
    assert proxy_for("https://internal.example") is None
