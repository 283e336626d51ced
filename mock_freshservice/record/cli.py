"""`mock-freshservice record --upstream URL --out DIR`: the recording proxy's command line.

Building the parser imports nothing heavy (`mock-freshservice --help` stays fast); `run` loads
the proxy, the scrubber and waitress.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mock_freshservice.flag_types import positive
from mock_freshservice.record import SECRET_VARIABLE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8282
DEFAULT_KEY_FOR_REPLAY = "demo-acme-admin-key"
DEFAULT_SAVE_INTERVAL = 1.0
DEFAULT_TIMEOUT = 120.0
EPILOG = (
    f"Environment: {SECRET_VARIABLE} is the secret the fakes are worked out from: the same "
    "secret gives the same fakes in every recording (a new random one by default). Keep it "
    "secret: with it, anyone can check whether a guessed value is in a cassette."
)


def add_record_command(commands: Any) -> argparse.ArgumentParser:
    """Add `record` to the subcommands `commands` (argparse's add_subparsers action)."""
    record: argparse.ArgumentParser = commands.add_parser(
        "record",
        help="record a real Freshservice through a proxy, as a scrubbed cassette",
        description="Serve a proxy on loopback that sends each /api/v2 request on to the "
        "upstream and hands its answer back; write what it saw, scrubbed, as DIR/cassette.yaml "
        "(replay it with `serve --cassette DIR`) and what was scrubbed where as "
        "DIR/scrubbed.yaml: on Ctrl-C or SIGTERM, on POST /_record/save, and within "
        "--save-interval seconds of each request.",
        epilog=EPILOG,
    )
    record.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="the Freshservice to record, e.g. https://acme.freshservice.com (http only to a "
        "loopback address)",
    )
    record.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="folder to write the cassette in"
    )
    record.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"loopback address to serve on (default {DEFAULT_HOST}): keys pass in clear",
    )
    record.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    record.add_argument(
        "--fd",
        type=int,
        metavar="N",
        help="serve on the listening socket inherited as descriptor N instead",
    )
    record.add_argument(
        "--upstream-ca",
        type=Path,
        metavar="FILE",
        help="trust the upstream's certificate from this CA file (PEM) instead of the system's "
        "(a fake's: mock-freshservice serve --tls prints its CA)",
    )
    record.add_argument(
        "--scrub-rules",
        type=Path,
        metavar="FILE",
        help="scrubbing rules (YAML), tried before the built-in ones: see "
        "mock_freshservice/record/scrub.py",
    )
    record.add_argument(
        "--key-for-replay",
        default=DEFAULT_KEY_FOR_REPLAY,
        metavar="KEY",
        help="the key whose account replays the cassette (serve --cassette); default "
        f"{DEFAULT_KEY_FOR_REPLAY}, a demo key of the fake's built-in data. Never the key "
        "recorded with: the cassette is shared",
    )
    record.add_argument(
        "--save-interval",
        type=positive,
        default=DEFAULT_SAVE_INTERVAL,
        metavar="SECONDS",
        help=f"write the cassette at most this often while recording (default "
        f"{DEFAULT_SAVE_INTERVAL:g})",
    )
    record.add_argument(
        "--timeout",
        type=positive,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the upstream's answer (default {DEFAULT_TIMEOUT:g})",
    )
    # -- dataset mode (dataset_mode.py) --
    record.add_argument(
        "--dataset-out",
        type=Path,
        metavar="FILE",
        help="also write, when stopped, the tenant's shape (plan, workspaces, sizes seen, "
        "ticket sources) as a dataset YAML for `serve --dataset FILE`, with demo keys "
        "(recorded-admin-key, ...); made from the scrubbed answers only",
    )
    # -- end dataset mode --
    record.add_argument("--quiet", action="store_true", help="print only errors")
    return record


def run(args: argparse.Namespace) -> int:
    """Record until stopped (main.py); the exit code: 2 for a usage problem, 1 when it cannot
    serve or write, 0 when stopped and written."""
    from mock_freshservice.record.main import record  # noqa: PLC0415 - loaded to run only

    return record(args)
