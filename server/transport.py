"""The network under the Freshservice client: send one finished request, return one answer.

The client (`server/freshservice.py`) owns the policy (auth, retries, error mapping); a sender
only moves bytes, as httpx splits its client from its transports. Two senders:

- `AiohttpSender`, what the server uses: one aiohttp session (its connection pool, HTTP parser in
  C) per server lifespan. Measured on this project's 2-core machine, one upstream GET cost the
  client 1.3 ms of CPU through httpx and 0.4 ms through aiohttp: the largest single cost of a
  tool call (`bench/bench_server_load.py`).
- `HttpxSender`, for tests: an httpx client over any httpx transport, so a test swaps the network
  for `httpx.MockTransport` and a plain function.

Both report failures in two kinds that the retry policy needs: `NotSent` (nothing can have
reached Freshservice: the connection could not be opened) and `Broken` (the request was under
way when the connection failed or timed out: it may have been processed). `AIOHTTP_ERRORS` and
`HTTPX_ERRORS` map every error of each library; tests check that none is left out.
"""

from __future__ import annotations

import dataclasses
import ssl
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
import httpx
import orjson
import yarl

# Larger answers are refused rather than held in memory (Freshservice's largest list page is
# 100 records; this is far above it).
MAX_ANSWER_BYTES = 32 * 1024 * 1024


@dataclasses.dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer, read whole: status, headers (case-insensitive) and body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    def json(self) -> Any:
        return orjson.loads(self.content)


class NotSent(Exception):
    """The request could not be sent: nothing reached the server (safe to send again)."""


class Broken(Exception):
    """The connection failed or timed out while the request was under way: it may have been
    processed."""


class Sender(Protocol):
    async def send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> Answer: ...

    async def aclose(self) -> None: ...


# Most specific first: the first class an error is an instance of decides its kind.
AIOHTTP_ERRORS: tuple[tuple[type[BaseException], type[Exception]], ...] = (
    (aiohttp.ConnectionTimeoutError, NotSent),  # no connection within the timeout
    (aiohttp.ClientConnectorError, NotSent),  # refused, unreachable, DNS, TLS handshake
    (aiohttp.ClientProxyConnectionError, NotSent),
    (aiohttp.InvalidURL, NotSent),
    (aiohttp.NonHttpUrlClientError, NotSent),
    (aiohttp.ServerFingerprintMismatch, NotSent),
    (aiohttp.SocketTimeoutError, Broken),  # the answer did not come in time
    (aiohttp.ServerTimeoutError, Broken),
    (aiohttp.ServerDisconnectedError, Broken),
    (aiohttp.ClientPayloadError, Broken),
    (aiohttp.ClientResponseError, Broken),  # a malformed answer
    (aiohttp.ClientOSError, Broken),  # reset
    (aiohttp.ClientConnectionError, Broken),
    (aiohttp.ClientError, Broken),
    (TimeoutError, Broken),
)
HTTPX_ERRORS: tuple[tuple[type[BaseException], type[Exception]], ...] = (
    (httpx.ConnectError, NotSent),
    (httpx.ConnectTimeout, NotSent),
    (httpx.PoolTimeout, NotSent),
    (httpx.UnsupportedProtocol, NotSent),
    (httpx.ProxyError, NotSent),
    (httpx.TransportError, Broken),
)


def _kind(
    exc: BaseException, table: tuple[tuple[type[BaseException], type[Exception]], ...]
) -> type[Exception]:
    return next(kind for found, kind in table if isinstance(exc, found))


class AiohttpSender:
    """Sends through one aiohttp session, made on first use inside the running event loop."""

    def __init__(
        self, base_url: str, *, timeout: float, verify: ssl.SSLContext | None = None
    ) -> None:
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=timeout, sock_read=timeout
        )
        # httpx's context: certifi's roots, or SSL_CERT_FILE / SSL_CERT_DIR when set.
        self._ssl = verify if verify is not None else httpx.create_ssl_context(trust_env=True)
        self._proxy = proxy_for(base_url)
        self._session: aiohttp.ClientSession | None = None

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100, ssl=self._ssl),
                timeout=self._timeout,
                # Not trust_env: it reads ~/.netrc in a thread on every request (a third of
                # a call's time); the proxy is found once, in proxy_for.
                skip_auto_headers=("User-Agent", "Content-Type"),
            )
        return self._session

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> Answer:
        try:
            async with self._session_now().request(
                method,
                yarl.URL(url, encoded=True),  # sent as the client quoted it
                headers=headers,
                data=body,
                allow_redirects=False,
                proxy=self._proxy,
            ) as answer:
                return Answer(answer.status, answer.headers, await _whole(answer))
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _kind(exc, AIOHTTP_ERRORS)(type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def proxy_for(base_url: str) -> str | None:
    """The proxy the environment names for `base_url` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY,
    NO_PROXY, as httpx reads them), or None."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.hostname is None or urllib.request.proxy_bypass(parts.hostname):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")


async def _whole(answer: aiohttp.ClientResponse) -> bytes:
    """The body, refused past `MAX_ANSWER_BYTES` (announced or received)."""
    if answer.content_length is not None and answer.content_length > MAX_ANSWER_BYTES:
        raise aiohttp.ClientPayloadError(f"answer over {MAX_ANSWER_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in answer.content.iter_any():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise aiohttp.ClientPayloadError(f"answer over {MAX_ANSWER_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class HttpxSender:
    """Sends through an httpx client over `transport` (tests give `httpx.MockTransport`)."""

    def __init__(self, transport: httpx.AsyncBaseTransport, *, timeout: float) -> None:
        self._http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(timeout))

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> Answer:
        try:
            response = await self._http.request(method, url, headers=headers, content=body)
        except httpx.TransportError as exc:
            raise _kind(exc, HTTPX_ERRORS)(type(exc).__name__) from exc
        return Answer(response.status_code, response.headers, response.content)

    async def aclose(self) -> None:
        await self._http.aclose()
