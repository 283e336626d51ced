"""`freshservice-mcp`: serve the tools over stdio (the default) or Streamable HTTP."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Literal, get_args, get_origin

from pydantic.fields import FieldInfo

from server import __version__
from server.config import SETTINGS, ServerSettings, SettingsError, flag, from_sources, variable


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="freshservice-mcp",
        description="An MCP server for Freshservice (or its offline fake, mock-freshservice).",
        epilog="A flag beats its environment variable.",
    )
    add = parser.add_argument
    add("--version", action="version", version=f"%(prog)s {__version__}")
    add(
        "--fd",
        type=int,
        metavar="N",
        help="serve HTTP on the listening socket inherited as descriptor N instead of binding "
        "--host/--port (for a supervisor or test harness that binds the port itself)",
    )
    # A flag for each setting, made from its declaration (server.config). argparse over the fields
    # rather than pydantic-settings' CliSettingsSource: that needs a BaseSettings class, and
    # ServerSettings stays a dataclass. A flag's text goes to ServerSettings as a variable's does,
    # so one parser and one set of checks serve both (`--port x` is refused as FRESHSERVICE_… is).
    for name, field in SETTINGS.items():
        if field.annotation is bool:
            add(flag(name), action="store_true", default=None, help=_help(name, field))
        elif get_origin(field.annotation) is Literal:
            add(flag(name), choices=get_args(field.annotation), help=_help(name, field))
        else:
            add(flag(name), help=_help(name, field))
    return parser


def _help(name: str, field: FieldInfo) -> str:
    """The description, the default and the variable: `… (default 15; env FRESHSERVICE_TIMEOUT)`."""
    default = field.default
    if isinstance(default, tuple):
        default = ", ".join(default)
    elif isinstance(default, float):
        default = f"{default:g}"
    shown = "" if default is None or default is False else f"default {default}; "
    return f"{field.description} ({shown}env {variable(name)})".replace("%", "%%")


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
