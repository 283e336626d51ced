"""The fake under waitress, with bounds on what one client can hold: connections, idle time,
header and body sizes (`FakeSettings`), over plain HTTP or TLS.

waitress's defaults let 100 slow clients stop the fake (its `connection_limit`, with idle
connections kept 120 s) and read bodies up to 1 GB. Here the connection limit is raised (to 960
by default, what `select()` can watch; a higher one switches to `poll()`) and the process's
open-files limit raised to fit; idle connections (including one that never finishes its
headers) close after `idle_timeout`; a body or headers past their bound are refused from the
headers alone, before the rest is read, with a JSON answer rather than waitress's text, and a
lingering close so that the client gets to read it.

waitress speaks no TLS; under `--tls` each accepted connection is wrapped in TLS by its channel
(`_TlsChannel`), which shakes hands without blocking waitress's single event loop, so the bounds
above hold as they do over plain HTTP: a client that never finishes its handshake is an idle
connection like any other.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import sys
import time
from typing import Any

import orjson
from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from mock_freshservice import errors
from mock_freshservice.settings import FakeSettings

if sys.platform != "win32":
    import resource

log = logging.getLogger("mock_freshservice")

# Descriptors besides the connections: listening sockets, waitress's trigger pipe, the state file,
# logs, the interpreter's own.
SPARE_DESCRIPTORS = 64
# select() watches descriptors below FD_SETSIZE (1024) only. Up to this many connections it is
# used; past it, poll(), which waitress drives more slowly (a third fewer requests a second on
# the ticket list, measured side by side with wrk).
SELECT_CONNECTIONS = 1024 - SPARE_DESCRIPTORS


class ListenError(Exception):
    """The fake cannot serve on the address or descriptor it was given; the message says why."""


def inherited_socket(fd: int) -> socket.socket:
    """The listening TCP socket a parent process handed down as descriptor `fd` (it bound the
    port, so it knew the port before this process started)."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError as exc:
        raise ListenError(f"--fd {fd}: no open socket there ({exc.strerror or exc})") from exc
    listening = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or not listening:
        sock.detach()  # not ours to close
        raise ListenError(f"--fd {fd}: not a listening TCP socket")
    return sock


def make_server(
    app: Flask,
    settings: FakeSettings,
    tls: ssl.SSLContext | None = None,
    sock: socket.socket | None = None,
) -> Any:
    """A waitress server for `app` on `sock`, else on the settings' address, over TLS with `tls`;
    ListenError if it cannot listen."""
    limit = _fit_open_files(settings.connection_limit)
    sockets: dict[int, Any] = {}
    where: dict[str, Any] = (
        {"sockets": [sock]} if sock is not None else {"host": settings.host, "port": settings.port}
    )
    try:
        server = create_server(
            app,
            map=sockets,
            **where,
            threads=settings.threads,
            ident="mock-freshservice",
            # Forwarding headers are the app's to judge (proxy.py: from loopback peers only);
            # waitress would drop them from every peer, its trusted proxy being one address.
            clear_untrusted_proxy_headers=False,
            connection_limit=limit,
            asyncore_use_poll=limit > SELECT_CONNECTIONS,
            channel_timeout=settings.idle_timeout,
            # How often idle connections are looked for: every second, so one closes on time.
            cleanup_interval=1,
            max_request_header_size=settings.max_header_bytes,
            # waitress refuses a body of this size or more; the setting is the largest accepted.
            max_request_body_size=settings.max_body_bytes + 1,
            url_scheme="https" if tls is not None else "http",
        )
    except OSError as exc:
        raise ListenError(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
        ) from exc
    for listener in sockets.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _Channel if tls is None else _TlsChannel
            listener.tls_context = tls
    return server


def served_address(server: Any) -> tuple[str, int]:
    """The address a server made by make_server listens on: the port bound, when --port 0 asked
    for any. A name such as localhost may be served on several addresses: the first is given."""
    listen = getattr(server, "effective_listen", None)  # several sockets: a MultiSocketServer
    host, port = listen[0] if listen else (server.effective_host, server.effective_port)
    return str(host), int(port)


def _fit_open_files(connections: int) -> int:
    """The connection limit the process can keep: its open-files limit is raised (up to the hard
    limit) to hold `connections` sockets and spares; if it cannot be, fewer connections."""
    if sys.platform == "win32":
        return connections
    wanted = connections + SPARE_DESCRIPTORS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return connections
    raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
    if raised < wanted:
        fitting = max(1, raised - SPARE_DESCRIPTORS)
        log.warning(
            "open files are limited to %d: serving at most %d connections, not %d",
            raised,
            fitting,
            connections,
        )
        return fitting
    return connections


class _JsonErrorTask(ErrorTask):  # type: ignore[misc]
    """waitress's answer to a request it refuses before the app sees it: a body or headers past
    their bound answer in Freshservice's JSON shape; anything else (malformed HTTP) as waitress
    answers it."""

    def execute(self) -> None:
        code = self.request.error.code
        adjustments = self.channel.server.adj
        if code == 413:
            refusal = errors.body_too_large(adjustments.max_request_body_size - 1)
        elif code == 431:
            refusal = errors.headers_too_large(adjustments.max_request_header_size)
        else:
            super().execute()
            return
        body = orjson.dumps(refusal.body())
        self.status = f"{refusal.status} {self.request.error.reason}"
        self.response_headers.append(("Content-Type", errors.JSON))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        # Only this connection pays for lingering: its class changes, the others keep waitress's
        # own methods (the loop asks every connection whether it is readable and writable).
        self.channel.__class__ = self.channel.lingering_class


# After refusing a request whose rest is unread, how long and how much of it is read and dropped.
LINGER_SECONDS = 2.0
LINGER_BYTES = 64 * 1024 * 1024


class _Channel(HTTPChannel):  # type: ignore[misc]
    """waitress's connection, answering its own refusals in JSON (`_JsonErrorTask`)."""

    error_task_class = _JsonErrorTask
    lingering_class: type[_Channel]  # what it becomes after a refusal (set below)
    _drain_until: float | None = None  # set once lingering


class _LingeringChannel(_Channel):
    """A connection that closes gracefully after a refusal with unread input ("lingering close").

    Closing a socket with unread input makes the kernel reset the connection, and a reset can
    destroy the answer before the client reads it: a client still sending its 32 MB body would
    see a broken connection, not the 413. So after such an answer the fake shuts its sending side
    (the client reads the answer, then end of stream) and reads and drops input until the client
    closes, or for at most LINGER_SECONDS and LINGER_BYTES.
    """

    _drained = 0

    def handle_close(self) -> None:
        if self._drain_until is not None or self.socket is None:
            super().handle_close()
            return
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            super().handle_close()
            return
        self._drain_until = time.monotonic() + LINGER_SECONDS
        self.will_close = False
        self.close_when_flushed = False

    def readable(self) -> bool:
        if self._drain_until is not None:
            return True
        return bool(super().readable())

    def writable(self) -> bool:
        if self._drain_until is not None:
            return bool(self.will_close)  # the idle check ends a client that never closes
        return bool(super().writable())

    def handle_read(self) -> None:
        if self._drain_until is None:
            super().handle_read()
            return
        try:
            data = self.socket.recv(65536)
        except OSError:
            data = b""
        self._drained += len(data)
        if not data or self._drained > LINGER_BYTES or time.monotonic() > self._drain_until:
            super().handle_close()


PLAIN_HTTP_MESSAGE = (
    b'{"message": "This port serves HTTPS: use https:// (mock-freshservice --tls)"}'
)
PLAIN_HTTP_ANSWER = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
    % (len(PLAIN_HTTP_MESSAGE), PLAIN_HTTP_MESSAGE)
)


class _TlsChannel(_Channel):
    """A connection in TLS: the accepted socket is wrapped, and the handshake goes on from
    waitress's read and write events until done (a failed one closes the connection).

    One thread at a time uses the TLS socket, as OpenSSL requires: waitress reads a connection
    only while no request of it is being served, and writes to it under its output lock.
    """

    _established = False
    _handshake_wants_write = False
    _first_byte_seen = False

    def __init__(self, server: Any, sock: socket.socket, addr: Any, adj: Any, map: Any = None):
        wrapped = server.tls_context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        )
        super().__init__(server, wrapped, addr, adj, map)

    def readable(self) -> bool:
        return True if not self._established else bool(super().readable())

    def writable(self) -> bool:
        if not self._established:
            return self._handshake_wants_write or bool(self.will_close)
        return bool(super().writable())

    def handle_read(self) -> None:
        if self._drain_until is not None:
            super().handle_read()  # draining after a refusal: the bytes are dropped unread
        elif not self._established:
            self._shake_hands()
        else:
            self._read_records()

    def handle_write(self) -> None:
        if not self._established and not self.will_close:
            self._shake_hands()
        else:
            super().handle_write()

    def send(self, data: bytes, do_close: bool = True) -> int:
        try:
            return int(super().send(data, do_close))
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return 0  # sent later, from the same bytes, as OpenSSL requires

    def _shake_hands(self) -> None:
        if self._plain_http():
            return
        try:
            self.socket.do_handshake()
        except ssl.SSLWantReadError:
            self._handshake_wants_write = False
            return
        except ssl.SSLWantWriteError:
            self._handshake_wants_write = True
            return
        except OSError as exc:  # e.g. a client that does not trust the CA
            log.debug("TLS handshake with %s failed: %s", self.addr, exc)
            self.handle_close()
            return
        self._established = True
        self._handshake_wants_write = False
        self.last_activity = time.time()
        if self.socket.pending():
            self._read_records()

    def _plain_http(self) -> bool:
        """A plain HTTP request on the TLS port gets a plain answer saying so (as a TLS
        handshake, it could only be dropped without a word)."""
        if self._first_byte_seen:
            return False
        raw = socket.socket  # the TCP socket's own methods: no TLS yet
        try:
            first = raw.recv(self.socket, 1, socket.MSG_PEEK)
        except OSError:
            return False
        self._first_byte_seen = bool(first)
        if not first or not first.isalpha():  # a TLS handshake starts with 0x16
            return False
        # The request is read first: closing with it unread would reset the connection, and
        # the reset could destroy the answer before the client reads it.
        with contextlib.suppress(OSError):
            raw.recv(self.socket, self.adj.max_request_header_size)
        with contextlib.suppress(OSError):
            raw.send(self.socket, PLAIN_HTTP_ANSWER)
        self.handle_close()
        return True

    def _read_records(self) -> None:
        """HTTPChannel.handle_read for TLS: a record may arrive in pieces (nothing to read yet),
        and a whole one is read at once (OpenSSL keeps what is read of it, unseen by select)."""
        try:
            data = self.socket.recv(self.adj.recv_bytes)
            while data and self.socket.pending():
                data += self.socket.recv(self.socket.pending())
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return
        except OSError:
            self.handle_close()
            return
        if not data:  # the client closed
            self.handle_close()
            self.connected = False
            return
        self.last_activity = time.time()
        self.received(data)


class _LingeringTlsChannel(_LingeringChannel, _TlsChannel):
    """A TLS connection after a refusal: lingers as a plain one does."""


_Channel.lingering_class = _LingeringChannel
_TlsChannel.lingering_class = _LingeringTlsChannel
