"""The URLs the fake hands out (`Link`, `Location`) name the scheme and host the client called.

Behind a TLS front end or another proxy on the same machine, what the client called arrives in
`X-Forwarded-Proto`, `-Host` and `-Port` (and its address in `X-Forwarded-For`): werkzeug's
ProxyFix applies them for a loopback peer only. From any other peer they are dropped: anyone
could send them, to make the fake hand out links to a host of their choosing or pass for another
address. `--public-url` (FakeSettings.public_url) overrides what the request says.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from mock_freshservice.state import get_state

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Every forwarding header some proxy sends: all are dropped from a peer that is not trusted.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_X_FORWARDED_BY",
    "HTTP_FORWARDED",
)


@functools.lru_cache(maxsize=256)
def is_loopback_address(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


class LoopbackProxyFix:
    """ProxyFix (one proxy: For, Proto, Host, Port) for requests from a loopback peer only."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=0)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not any(name in environ for name in FORWARDED_HEADERS):
            return self.app(environ, start_response)
        if is_loopback_address(environ.get("REMOTE_ADDR") or ""):
            return self.fixed(environ, start_response)
        for name in FORWARDED_HEADERS:
            environ.pop(name, None)
        return self.app(environ, start_response)


def public_base() -> str:
    """`scheme://host[:port]` of the request as its client called it (or `--public-url`), with
    no trailing slash: the start of every URL the fake hands out."""
    configured = get_state().settings.public_url
    if configured is not None:
        return configured
    return f"{request.scheme}://{request.host}{request.root_path}"
