"""Streamable HTTP: the ASGI app (`/mcp`, `/healthz`) and the guard in front of the SDK.

The SDK's transport trusts more than a server on a network should, so every request to `/mcp`
first meets `McpGuard`, cheapest checks first:

1. `Host` and `Origin` against the allow-lists, parsed strictly (the SDK's own wildcard match
   takes `127.0.0.1:31000@evil.example` for `127.0.0.1:*` and refuses a bare `localhost`);
2. a stateless server has no GET stream (405); a request with no credential, when the server has
   no key of its own, gets 401;
3. the body is read up to `MAX_REQUEST_BYTES` (413 beyond) and must be JSON-RPC whose ids are
   strings or numbers (the SDK answers an object id with 202 and nothing else);
4. in stateful mode, a request that would open a session must bring a key Freshservice accepts
   (checked like a tool call's, `server/gate.py`), and each key may hold at most
   `SESSIONS_PER_KEY` sessions, so no one can fill the session table for everyone else.

With OAuth (FRESHSERVICE_MCP_AUTH oauth or both, server/oauth.py) step 2 also verifies a bearer
token (401 with the RFC 9728 challenge if it is missing or bad), and after step 3 a `tools/call`
whose tool needs a scope the token lacks gets 403 `insufficient_scope` naming it: the tool never
runs and nothing is sent upstream. In `both`, a request with an API key (not a token) goes on as
in `api-key`.

`serve` runs the app under uvicorn with bounded connections and a deadline for reading each
request (uvicorn itself waits forever for headers that never finish).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import re
import socket
import sys
from collections.abc import AsyncIterator, Iterable
from typing import Any

import uvicorn
from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser, BearerAuthBackend
from mcp.server.auth.routes import build_resource_metadata_url, create_protected_resource_routes
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import AnyHttpUrl
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from server import __version__
from server import freshservice as fs
from server.app import FreshserviceMCP, build_server
from server.config import ServerSettings
from server.gate import CallRefused, _digest, printable
from server.oauth import JwksVerifier
from server.scopes import missing, scopes_for

log = logging.getLogger("freshservice_mcp")

MCP_PATH = "/mcp"
MAX_REQUEST_BYTES = 4 * 1024 * 1024  # the SDK's own limit, enforced here before any parsing
MAX_CONNECTIONS = 1000  # open connections and requests in flight; beyond: 503
MAX_HEADER_BYTES = 64 * 1024  # a request's line and headers; beyond: 431
LINGER_SECONDS = 2.0  # after a 431, how long and how much input is read and dropped
LINGER_BYTES = 1024 * 1024
MAX_SESSIONS = 1000  # stateful sessions in all (the SDK allows 10,000 at ~37 kB each)
SESSIONS_PER_KEY = 32
INVALID_REQUEST = -32600

_HOST = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}|\*))?")
_ORIGIN = re.compile(r"(?P<scheme>https?)://" + _HOST.pattern)


def _split(text: str, pattern: re.Pattern[str]) -> tuple[str, str | None, str] | None:
    """(host, port or None, scheme) of a whole Host or Origin value, or None if malformed."""
    found = pattern.fullmatch(text.strip())
    if found is None:
        return None
    groups = found.groupdict()
    return groups["host"].lower(), groups["port"], groups.get("scheme") or ""


def allowed(value: str | None, patterns: Iterable[str], *, origin: bool = False) -> bool:
    """Whether a Host (or Origin) header matches one of `patterns` (`name:*` = any port or
    none, `name:port`, or `name` alone = no port)."""
    if not value:
        return False
    shape = _ORIGIN if origin else _HOST
    given = _split(value, shape)
    if given is None:
        return False
    for pattern in patterns:
        wanted = _split(pattern, shape)
        if wanted is None or wanted[0] != given[0] or wanted[2] != given[2]:
            continue
        if wanted[1] == "*" or wanted[1] == given[1]:
            return True
    return False


def _rpc_error(status: int, code: int, message: str) -> Response:
    return JSONResponse(
        {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}},
        status_code=status,
    )


def _bad_ids(body: bytes) -> str | None:
    """Why a JSON-RPC body's ids are unusable (ids must be strings or numbers), or None.

    Anything else (not JSON, not JSON-RPC) is left for the SDK to answer as it does."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    messages = parsed if isinstance(parsed, list) else [parsed]
    for message in messages:
        if not isinstance(message, dict) or "id" not in message:
            continue
        found = message["id"]
        if found is None or (isinstance(found, str | int) and not isinstance(found, bool)):
            continue
        return f"Invalid Request: id must be a string or a number, not {type(found).__name__}"
    return None


class _Opening:
    """A session being opened: it holds its key's place until the SDK names it (or refuses)."""


class McpGuard:
    """The checks of this module's docstring, in front of the SDK's `/mcp` app."""

    def __init__(
        self,
        app: ASGIApp,
        settings: ServerSettings,
        server: FreshserviceMCP,
        resource_url: str | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.server = server
        # Sessions opened per key digest, oldest first (ids the SDK has since closed are pruned).
        self._sessions: dict[str, list[str | _Opening]] = {}
        verifier = server.oauth_verifier
        self._bearer = BearerAuthBackend(verifier) if verifier is not None else None
        self._metadata_url = (
            str(build_resource_metadata_url(AnyHttpUrl(resource_url))) if resource_url else ""
        )
        self._scopes = " ".join(scopes_for(server.gate.names))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != MCP_PATH:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is None and self._bearer is not None:
            refusal = await self._authenticate(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        user = scope.get("user")
        signed_in = auth_context_var.set(user if isinstance(user, AuthenticatedUser) else None)
        try:
            await self._pass(scope, receive, send, headers)
        finally:
            auth_context_var.reset(signed_in)

    async def _pass(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, MAX_REQUEST_BYTES)
        if body is None:
            await _rpc_error(413, INVALID_REQUEST, "Request body too large")(scope, receive, send)
            return
        problem = _bad_ids(body)
        if problem is not None:
            await _rpc_error(400, INVALID_REQUEST, problem)(scope, receive, send)
            return
        user = scope.get("user")
        if isinstance(user, AuthenticatedUser):
            lacking = _lacking_scopes(body, user.scopes)
            if lacking:
                tool, needed = lacking
                await self._challenge(
                    403,
                    "insufficient_scope",
                    f"{tool} needs the scope {' '.join(needed)}; sign in again granting it",
                    needed,
                )(scope, receive, send)
                return
        replay = _replaying(body, receive)
        if self.settings.stateful and "mcp-session-id" not in headers:
            await self._open_session(scope, replay, send, headers)
            return
        await self.app(scope, replay, send)

    async def _authenticate(self, scope: Scope, headers: Headers) -> Response | None:
        """OAuth: a bearer token verified (its user put on the scope), or the 401 challenge.
        In `both`, a request bringing an API key instead passes on unjudged."""
        assert self._bearer is not None
        header = headers.get("authorization") or ""
        scheme, _, token = header.partition(" ")
        bearer = scheme.lower() == "bearer" and bool(token.strip())
        if bearer and (self.settings.mcp_auth == "oauth" or _looks_like_jwt(token.strip())):
            verified = await self._bearer.authenticate(HTTPConnection(scope))
            if verified is None:
                return self._challenge(
                    401,
                    "invalid_token",
                    "The access token is invalid, expired or revoked: refresh it or sign in again",
                )
            scope["auth"], scope["user"] = verified
            return None
        if self.settings.mcp_auth == "oauth":
            return self._challenge(401, None, "Sign in with OAuth: this server takes no API keys")
        if not header and not self.settings.api_key:
            return self._challenge(
                401, None, "Sign in with OAuth, or send your Freshservice API key in Authorization"
            )
        return None

    def _challenge(
        self,
        status: int,
        error: str | None,
        description: str,
        scopes: list[str] | None = None,
    ) -> Response:
        """An RFC 6750 / RFC 9728 challenge: where the resource metadata is, which scopes."""
        parts = [f'error="{error}"'] if error else []
        parts += [
            f'error_description="{description}"',
            f'resource_metadata="{self._metadata_url}"',
            f'scope="{" ".join(scopes) if scopes else self._scopes}"',
        ]
        response = JSONResponse(
            {"error": error or "unauthorized", "error_description": description},
            status_code=status,
            headers={"WWW-Authenticate": "Bearer " + ", ".join(parts)},
        )
        if self.settings.mcp_auth == "both" and status == 401:
            response.raw_headers.append((b"www-authenticate", b'Basic realm="freshservice-mcp"'))
        return response

    def _refusal(self, scope: Scope, headers: Headers) -> Response | None:
        if not allowed(headers.get("host"), self.settings.mcp_allowed_hosts):
            log.warning("refused a request: Host %s", printable(headers.get("host") or "", 100))
            return Response("Invalid Host header", status_code=421)
        origin = headers.get("origin")
        if origin and not allowed(origin, self.settings.mcp_allowed_origins, origin=True):
            log.warning("refused a request: Origin %s", printable(origin, 100))
            return Response("Invalid Origin header", status_code=403)
        if not self.settings.stateful and scope["method"] == "GET":
            # No server-to-client stream without sessions.
            return Response(status_code=405, headers={"Allow": "POST"}, content=b"")
        if (
            self.settings.mcp_auth == "api-key"
            and not headers.get("authorization")
            and not self.settings.api_key
        ):
            return JSONResponse(
                {
                    "error": "missing_credentials",
                    "message": "Send your Freshservice API key in the Authorization header.",
                },
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="freshservice-mcp"'},
            )
        return None

    async def _open_session(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers
    ) -> None:
        """A request that would open a stateful session: only for a key Freshservice accepts,
        and only up to `SESSIONS_PER_KEY` per key."""
        gate = self.server.gate
        user = scope.get("user")
        bearer = isinstance(user, AuthenticatedUser)
        if isinstance(user, AuthenticatedUser):
            key: str | None = user.access_token.token
        else:
            key = gate.credentials.key_for(headers)
        client = gate.client
        if key is not None and client is not None:
            try:
                peer = scope.get("client")
                await gate.credentials.caller_id(
                    client,
                    fs.ToolCall(key=key, budget=0, bearer=bearer),
                    peer[0] if peer else "local",
                )
            except CallRefused as exc:
                await JSONResponse(
                    {"error": "invalid_credentials", "message": str(exc)},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="freshservice-mcp"'},
                )(scope, receive, send)
                return
        digest = _digest(key or "")
        opened = self._live_sessions(digest)
        if len(opened) >= SESSIONS_PER_KEY:
            await _rpc_error(
                429,
                INVALID_REQUEST,
                f"This key already has {len(opened)} open sessions, the most one key may hold; "
                "end one (HTTP DELETE with its Mcp-Session-Id) or wait for it to expire.",
            )(scope, receive, send)
            return
        slot = _Opening()  # held while the SDK opens it, so concurrent opens count too
        opened.append(slot)

        async def noting_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                for name, value in message.get("headers", ()):
                    if name.lower() == b"mcp-session-id" and slot in opened:
                        opened[opened.index(slot)] = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive, noting_session)
        finally:
            if slot in opened:  # no session came of it
                opened.remove(slot)

    def _live_sessions(self, digest: str) -> list[str | _Opening]:
        opened = self._sessions.setdefault(digest, [])
        # The SDK's own table of open sessions: idle-timed-out and deleted ones are gone from it.
        live = getattr(self.server.session_manager, "_server_instances", {})
        for stale in [s for s in opened if isinstance(s, str) and s not in live]:
            opened.remove(stale)
        for empty in [d for d, ids in self._sessions.items() if not ids and d != digest]:
            del self._sessions[empty]
        return opened


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None once it passes `limit` bytes (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


def _lacking_scopes(body: bytes, granted: list[str]) -> tuple[str, list[str]] | None:
    """The first tool called in `body` whose scopes `granted` lacks, with those scopes."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    for message in parsed if isinstance(parsed, list) else [parsed]:
        if not isinstance(message, dict) or message.get("method") != "tools/call":
            continue
        params = message.get("params")
        name = params.get("name") if isinstance(params, dict) else None
        if isinstance(name, str):
            needed = missing(name, granted)
            if needed:
                return name, needed
    return None


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then the connection's messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def http_app(
    settings: ServerSettings,
    *,
    transport: Any = None,
    server: FreshserviceMCP | None = None,
    port: int | None = None,
) -> Starlette:
    """The ASGI app: `/mcp` (both protocol eras) and `/healthz`, and with OAuth the resource
    metadata; `server` if already built, `port` the one bound (for the resource URL)."""
    server = server or build_server(settings, transport=transport)
    resource: str | None = None
    metadata_routes: list[Route] = []
    if settings.mcp_auth != "api-key" and settings.mcp_oauth_issuer:
        resource = settings.resource_url(port)
        server.oauth_verifier = JwksVerifier(settings.mcp_oauth_issuer, resource)
        metadata_routes = create_protected_resource_routes(
            resource_url=AnyHttpUrl(resource),
            authorization_servers=[AnyHttpUrl(settings.mcp_oauth_issuer)],
            scopes_supported=scopes_for(server.gate.names),
            resource_name="Freshservice MCP server",
        )
        # Clients that skip the path-suffixed form ask at the root (RFC 9728 §3).
        metadata_routes.append(
            Route(
                "/.well-known/oauth-protected-resource",
                endpoint=metadata_routes[0].endpoint,
                methods=["GET", "OPTIONS"],
            )
        )
    mcp_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=not settings.stateful,
        json_response=not settings.stateful,
        host=settings.host,
        max_request_body_size=MAX_REQUEST_BYTES,
        max_sessions=MAX_SESSIONS,
        # Host and Origin are checked by McpGuard, strictly; the SDK's looser match is off.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with server.session_manager.run():
            yield

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            *metadata_routes,
            Mount("/", app=McpGuard(mcp_app, settings, server, resource)),
        ],
        lifespan=lifespan,
    )


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (httptools' C parser) with a deadline for reading each request
    and a bound on its headers.

    uvicorn times out idle keep-alive connections, but not a new connection that sends nothing,
    nor one whose headers or body never finish: each would be held forever. Here a request must
    arrive whole within `read_timeout` seconds of the connection opening or of its first byte.
    httptools sets no bound on headers either: past `MAX_HEADER_BYTES` a request gets 431.
    """

    read_timeout = 30.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes: int | None = 0  # None once the current request's headers are in
        self._lingering = False  # after a 431: dropping input until the client closes
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self.transport.close()
            return
        # A read can hold the headers and much of the body: the parser is fed at most the
        # headers' remaining room at a time, so only bytes read before the headers end count.
        while data:
            if self._header_bytes is None:
                super().data_received(data)
                return
            room = MAX_HEADER_BYTES - self._header_bytes
            if room <= 0:
                self._refuse_headers()
                return
            piece, data = data[:room], data[room:]
            self._header_bytes += len(piece)
            super().data_received(piece)
            if self.transport.is_closing():
                return

    def eof_received(self) -> None:
        if self._lingering:
            self.transport.close()  # the client read the answer and closed
            return
        super().eof_received()

    def _refuse_headers(self) -> None:
        message = b"Request headers too large"
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain\r\n"
            + b"content-length: "
            + str(len(message)).encode()
            + b"\r\nconnection: close\r\n\r\n"
            + message
        )
        # A lingering close: closing with the rest of the headers unread would reset the
        # connection, and the reset can destroy the 431 before the client reads it. So the
        # sending side is shut after the answer, and input is read and dropped until the client
        # closes, for at most LINGER_SECONDS and LINGER_BYTES.
        self._disarm()
        self._lingering = True
        self._dropped = 0
        try:
            self.transport.write_eof()
        except (NotImplementedError, RuntimeError, OSError):
            self.transport.close()
            return
        self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def on_message_begin(self) -> None:
        if self._deadline is None:
            self._arm()
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._header_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()  # the request is in
        self._header_bytes = 0  # the next request's headers are counted afresh
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.read_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


class PortUnavailable(Exception):
    """The address to serve on cannot be bound: the message says why and what to do."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) and listening, or PortUnavailable saying why not."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        with contextlib.suppress(UnboundLocalError):
            sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} on {host} is in use (another freshservice-mcp, or `freshservice-"
                "harness up`?): stop it, or choose another with --port N"
            ) from exc
        raise PortUnavailable(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def inherited_socket(fd: int) -> socket.socket:
    """The listening TCP socket a parent process handed down as descriptor `fd` (it bound the
    port, so it knew the port before this process started), or PortUnavailable saying why not."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError as exc:
        raise PortUnavailable(f"--fd {fd}: no open socket there ({exc.strerror or exc})") from exc
    listening = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or not listening:
        sock.detach()  # not ours to close
        raise PortUnavailable(f"--fd {fd}: not a listening TCP socket")
    return sock


def serve(
    settings: ServerSettings,
    *,
    server: FreshserviceMCP | None = None,
    sock: socket.socket | None = None,
) -> None:
    """Run the HTTP app (of `server`, if built) under uvicorn with this module's limits, on `sock`
    if given, else on the settings' address; returns when stopped. PortUnavailable when that
    address cannot be bound."""
    protocol = type(
        "ServerProtocol", (DeadlineProtocol,), {"read_timeout": settings.mcp_read_timeout}
    )
    if sock is None:
        sock = listening_socket(settings.host, settings.port)
    host, port = sock.getsockname()[:2]  # the port bound, when --port 0 asked for any
    config = uvicorn.Config(
        http_app(settings, server=server, port=port),
        host=host,
        port=port,
        log_level="warning",
        http=protocol,
        loop="auto",  # uvloop where it is installed (not on Windows)
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
    )
    shown = f"[{host}]" if ":" in host else host
    print(
        f"freshservice-mcp: serving MCP (Streamable HTTP) on http://{shown}:{port}"
        f"{MCP_PATH}; Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.Server(config).run(sockets=[sock])
