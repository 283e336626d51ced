"""`freshservice-mcp` with one extra tool, `noop`, that returns at once: the benchmark's measure
of what the MCP layer and the call gate cost on their own. Never shipped as a tool.

    python -m bench.noop_server --transport stdio|http [--fd N]   (settings from FRESHSERVICE_*)
"""

from __future__ import annotations

import argparse
import dataclasses
import os

from server.app import FreshserviceMCP, build_server
from server.cli import configure_logging
from server.config import ServerSettings, from_sources
from server.http import inherited_socket, serve


async def noop() -> str:
    """Do nothing (benchmark only)."""
    return "ok"


def server_with_noop() -> tuple[FreshserviceMCP, ServerSettings]:
    settings = from_sources(os.environ, {})
    server = build_server(settings)
    server.add_tool(noop, name="noop")
    server.gate.names.add("noop")
    return server, settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.noop_server")
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--fd", type=int, help="serve HTTP on this inherited listening socket")
    args = parser.parse_args()
    configure_logging()
    server, settings = server_with_noop()
    if args.transport == "stdio":
        server.run()
        return
    sock = None if args.fd is None else inherited_socket(args.fd)
    serve(dataclasses.replace(settings, host="127.0.0.1"), server=server, sock=sock)


if __name__ == "__main__":
    main()
