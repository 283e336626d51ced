"""A deliberately changed copy of the fake, for showing what `drift` finds: `python -m
tests.contracts.changed_fake serve ...` is `mock-freshservice serve ...` with its app wrapped so
that its answers differ from the real fake's in exactly the PLANTED ways, and in no other."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask

from mock_freshservice import cli, startup

# What the copy changes, each on one endpoint (drift's test names them back).
RENAMED = ("subject", "title")  # in every ticket of GET /tickets and GET /tickets/{id}
NOT_FOUND_NOW = 400  # the 404 of GET /tickets/{id} for a ticket that does not exist
NO_LINK_ON = "/api/v2/requesters"  # GET: its Link header is dropped
TICKETS = re.compile(r"/api/v2/tickets(/[0-9]+)?")

StartResponse = Callable[..., Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def changed(inner: Wsgi) -> Wsgi:
    """The WSGI app `inner` with the PLANTED changes made to its answers."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        seen: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return lambda data: None

        chunks = inner(environ, keep)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = seen["status"], list(seen["headers"])
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method == "GET" and TICKETS.fullmatch(path):
            if status.startswith("404"):
                status = f"{NOT_FOUND_NOW} Bad Request"
            elif status.startswith("200") and body:
                body = _renamed(body)
        if method == "GET" and path == NO_LINK_ON:
            headers = [(name, value) for name, value in headers if name.lower() != "link"]
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        yield body

    return app


def _renamed(body: bytes) -> bytes:
    document = json.loads(body)
    old, new = RENAMED
    tickets = document.get("tickets") or [document.get("ticket")]
    for ticket in tickets:
        if isinstance(ticket, dict) and old in ticket:
            ticket[new] = ticket.pop(old)
    return json.dumps(document).encode()


def main() -> int:
    create_app = startup.create_app

    def create_changed_app(*args: Any, **kwargs: Any) -> Flask:
        app = create_app(*args, **kwargs)
        app.wsgi_app = changed(app.wsgi_app)  # type: ignore[method-assign]
        return app

    startup.create_app = create_changed_app  # type: ignore[assignment]
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
