"""`mock-freshservice [serve] …`: run the fake under waitress."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from mock_freshservice import __version__, extras
from mock_freshservice.clock import parse_datetime
from mock_freshservice.flag_types import positive
from mock_freshservice.record.cli import add_record_command
from mock_freshservice.settings import (
    DEFAULT_CONNECTION_LIMIT,
    DEFAULT_HOST,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_PORT,
    DEFAULT_RATE_WINDOW,
    DEFAULT_SEED,
    PLANS,
    FakeSettings,
    checked_public_url,
)

# Secrets from the environment: a process's command line is visible to every local user (ps),
# its environment only to its owner.
API_KEYS_VARIABLE = "MOCK_FRESHSERVICE_API_KEYS"  # comma-separated
ADMIN_TOKEN_VARIABLE = "MOCK_FRESHSERVICE_ADMIN_TOKEN"  # noqa: S105 (a name, not a secret)
ENVIRONMENT_HELP = (
    f"Environment: {API_KEYS_VARIABLE} (comma-separated extra admin keys; --api-key adds to "
    f"them) and {ADMIN_TOKEN_VARIABLE} (--admin-token overrides it) keep secrets out of ps."
)


def _instant(text: str) -> datetime:
    epoch = parse_datetime(text)
    if epoch is None:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}")
    return datetime.fromtimestamp(epoch).astimezone()


def _public_url(text: str) -> str:
    try:
        return checked_public_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) == 0:
        raise argparse.ArgumentTypeError(f"not a positive integer: {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mock-freshservice",
        description="A fake Freshservice API v2 for offline development and CI.",
        epilog=ENVIRONMENT_HELP,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="{serve,record}")
    serve = commands.add_parser(
        "serve", help="serve the fake API (the default command)", epilog=ENVIRONMENT_HELP
    )
    for target in (parser, serve):
        _serve_options(target)
    add_record_command(commands)
    return parser


def _serve_options(parser: argparse.ArgumentParser) -> None:
    from mock_freshservice import tls  # noqa: PLC0415 - after main's check of the fake's extra

    sup = argparse.SUPPRESS
    group = parser.add_argument_group("serve options")
    group.add_argument("--host", default=sup, help=f"address to bind (default {DEFAULT_HOST})")
    group.add_argument(
        "--port", type=int, default=sup, help=f"port (default {DEFAULT_PORT}; 0 = any free port)"
    )
    group.add_argument(
        "--fd",
        type=int,
        metavar="N",
        default=sup,
        help="serve on the listening socket inherited as descriptor N instead of binding "
        "--host/--port (for a supervisor or test harness that binds the port itself)",
    )
    group.add_argument("--seed", type=int, default=sup, help=f"data seed (default {DEFAULT_SEED})")
    group.add_argument("--dataset", type=Path, default=sup, help="dataset YAML (default: built in)")
    group.add_argument(
        "--plan", choices=PLANS, default=sup, help="plan for every account (default: enterprise)"
    )
    group.add_argument(
        "--rate-window",
        type=positive,
        default=sup,
        help=f"seconds per rate-limit window (default {DEFAULT_RATE_WINDOW:g})",
    )
    group.add_argument(
        "--api-key",
        dest="api_keys",
        action="append",
        default=sup,
        help=f"extra admin key for the first account (repeatable), added to those in "
        f"${API_KEYS_VARIABLE}; prefer the variable: every local user sees flags in ps",
    )
    group.add_argument(
        "--scenario", type=Path, default=sup, help="scenario file to load for its key's account"
    )
    group.add_argument(
        "--cassette",
        type=Path,
        default=sup,
        metavar="DIR",
        help="answer the requests recorded in DIR (mock-freshservice record) from it, and the "
        "rest from the fake; a cassette is a scenario, so not with --scenario",
    )
    group.add_argument(
        "--cassette-strict",
        action="store_true",
        default=sup,
        help="with --cassette: refuse what it did not record (404 not_recorded)",
    )
    group.add_argument("--state", type=Path, default=sup, help="file that keeps writes")
    group.add_argument("--now", type=_instant, default=sup, help="freeze the data clock (ISO 8601)")
    group.add_argument(
        "--admin-token",
        default=sup,
        help=f"allow /_mock/ from anywhere with this bearer token; overrides "
        f"${ADMIN_TOKEN_VARIABLE}; prefer the variable: every local user sees flags in ps",
    )
    group.add_argument("--threads", type=int, default=sup, help="waitress threads (default 8)")
    group.add_argument(
        "--connection-limit",
        type=_positive_int,
        default=sup,
        help=f"open connections served at once (default {DEFAULT_CONNECTION_LIMIT})",
    )
    group.add_argument(
        "--idle-timeout",
        type=_positive_int,
        default=sup,
        help=f"seconds before an idle connection is closed (default {DEFAULT_IDLE_TIMEOUT})",
    )
    group.add_argument(
        "--tls",
        action="store_true",
        default=sup,
        help="serve HTTPS with a certificate from the fake's local CA (its path is printed and "
        "served at /_mock/ca.pem)",
    )
    group.add_argument(
        "--ca-dir",
        type=Path,
        default=sup,
        metavar="DIR",
        help=f"folder of the local CA, made at the first --tls start and kept (default "
        f"{tls.default_folder()})",
    )
    group.add_argument(
        "--public-url",
        type=_public_url,
        default=sup,
        metavar="URL",
        help="start of the URLs the fake hands out (Link, Location), e.g. behind a proxy "
        "(default: the scheme and host the client called)",
    )
    group.add_argument(
        "--oauth-auto-approve",
        action="store_true",
        default=sup,
        help="the OAuth sign-in page approves at once, as the account's admin (or the agent "
        "named by login_hint): for tests and scripted browsers",
    )
    group.add_argument(
        "--oauth-token-lifetime",
        type=_positive_int,
        default=sup,
        metavar="SECONDS",
        help="lifetime of the OAuth access tokens issued (default 3600)",
    )
    group.add_argument(
        "--quiet",
        action="store_true",
        default=sup,
        help="print nothing at start (no accounts and keys; errors still)",
    )


def settings_from(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> FakeSettings:
    """The settings from the flags and, for secrets, the environment (default `os.environ`):
    keys from the variable and the flags together, the token from the flag if given."""
    environ = os.environ if environ is None else environ
    given = {k: v for k, v in vars(args).items() if k not in ("command", "quiet", "fd")}
    listed = [key.strip() for key in environ.get(API_KEYS_VARIABLE, "").split(",")]
    keys = [key for key in listed if key] + list(given.get("api_keys", ()))
    if keys:
        given["api_keys"] = tuple(dict.fromkeys(keys))
    token = environ.get(ADMIN_TOKEN_VARIABLE)
    if token and "admin_token" not in given:
        given["admin_token"] = token
    return FakeSettings(**given)


def main(argv: Sequence[str] | None = None) -> int:
    extras.require("fake", "mock-freshservice")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "record":
        from mock_freshservice.record.cli import run as record  # noqa: PLC0415

        return record(args)
    try:
        settings = settings_from(args)
    except ValueError as exc:  # flags that do not go together
        parser.error(str(exc))
    from mock_freshservice.startup import run  # noqa: PLC0415 - the app, loaded only to serve

    return run(settings, getattr(args, "fd", None), getattr(args, "quiet", False))
