"""`freshservice-mcp`: serve the tools over stdio (the default) or Streamable HTTP."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from server import __version__
from server.config import TOOLSETS, ServerSettings, SettingsError, from_sources


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="freshservice-mcp",
        description="An MCP server for Freshservice (or its offline fake, mock-freshservice).",
        epilog="Every option also reads FRESHSERVICE_<NAME> from the environment; a flag wins.",
    )
    add = parser.add_argument
    add("--version", action="version", version=f"%(prog)s {__version__}")
    add("--transport", choices=("stdio", "http"), help="stdio (default) or Streamable HTTP")
    add("--host", help="HTTP address (default 127.0.0.1)")
    add("--port", type=int, help="HTTP port (default 8000; 0 = any free port, printed at start)")
    add(
        "--fd",
        type=int,
        metavar="N",
        help="serve HTTP on the listening socket inherited as descriptor N instead of binding "
        "--host/--port (for a supervisor or test harness that binds the port itself)",
    )
    add("--stateful", action="store_true", default=None, help="legacy-era sessions over HTTP")
    add("--domain", help="the Freshservice domain, e.g. acme.freshservice.com")
    add(
        "--base-url",
        help="scheme://host[:port] instead of https://<domain>, e.g. http://127.0.0.1:8181",
    )
    add("--api-key", help="the key used when a request brings none (prefer FRESHSERVICE_API_KEY)")
    add("--toolsets", type=_csv, help=f"comma-separated, from {','.join(TOOLSETS)} (default all)")
    add("--read-only", action="store_true", default=None, help="expose only the fetch tools")
    add(
        "--allow-insecure-upstream",
        action="store_true",
        default=None,
        help="allow http:// off loopback",
    )
    add("--mcp-calls-per-minute", type=int, help="tool calls per window (default 100; 0 = off)")
    add(
        "--mcp-calls-per-month",
        type=int,
        help="tool calls per calendar month (default 5000; 0 = off)",
    )
    add("--mcp-limits-store", help="memory:// (default) or redis://host:port/db")
    add(
        "--mcp-limits-scope",
        choices=("account", "key"),
        help="count per account (default) or per key",
    )
    add("--mcp-rate-window", type=float, help="seconds in the per-minute window (default 60)")
    add(
        "--mcp-read-timeout",
        type=float,
        help="seconds an HTTP client has to send a whole request (default 30)",
    )
    add("--timeout", type=float, help="seconds per upstream request (default 15)")
    add("--retry-budget", type=float, help="seconds a tool call may wait on 429/5xx (default 30)")
    add("--max-result-bytes", type=int, help="largest result before it is cut (default 50000)")
    add("--mcp-allowed-hosts", type=_csv, help="Host headers accepted over HTTP (default loopback)")
    add("--mcp-allowed-origins", type=_csv, help="Origins accepted over HTTP (default loopback)")
    return parser


def configure_logging() -> None:
    """One line per tool call on stderr (stdout is the stdio transport); libraries quieter."""
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    for noisy in ("httpx", "httpx2", "httpcore", "httpcore2", "mcp", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        flags = vars(args)
        fd = flags.pop("fd")
        settings = from_sources(os.environ, flags)
    except SettingsError as exc:
        print(f"freshservice-mcp: {exc}", file=sys.stderr)
        return 2
    if settings.upstream is None:
        print(
            "freshservice-mcp: set FRESHSERVICE_DOMAIN (e.g. acme.freshservice.com) or "
            "FRESHSERVICE_BASE_URL (e.g. http://127.0.0.1:8181 for mock-freshservice)",
            file=sys.stderr,
        )
        return 2
    if fd is not None and settings.transport != "http":
        print("freshservice-mcp: --fd serves HTTP: add --transport http", file=sys.stderr)
        return 2
    if settings.transport == "http":
        return serve_http(settings, fd)
    # The MCP SDK, loaded only to serve: --help and --version answer without it.
    from server.app import build_server  # noqa: PLC0415

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it
        build_server(settings).run()
    return 0


def serve_http(settings: ServerSettings, fd: int | None = None) -> int:
    from server.http import PortUnavailable, inherited_socket, serve  # noqa: PLC0415 - as above

    try:
        serve(settings, sock=None if fd is None else inherited_socket(fd))
    except PortUnavailable as exc:  # a usage problem, as `up` says it
        print(f"freshservice-mcp: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # uvicorn exits non-zero when it cannot start
        return int(exc.code or 1)
    except KeyboardInterrupt:
        # uvicorn shuts down cleanly on Ctrl-C, then raises the signal again: not an error.
        pass
    return 0
