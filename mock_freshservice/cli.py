"""`mock-freshservice [serve] …`: run the fake under waitress."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import ssl
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from flask import Flask
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mock_freshservice import __version__, tls
from mock_freshservice.app import CA_PATH, TLS_EXTENSION, create_app
from mock_freshservice.clock import parse_datetime
from mock_freshservice.data.account import PinnedRecordError
from mock_freshservice.data.dataset import DatasetError
from mock_freshservice.journal import fingerprint
from mock_freshservice.persistence import StateFileError, StateWriteError
from mock_freshservice.scenario import ScenarioError
from mock_freshservice.serving import (
    ListenError,
    inherited_socket,
    make_server,
    served_address,
)
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
from mock_freshservice.state import EXTENSION, BuildProgress, DatasetKeyError, FakeState

log = logging.getLogger("mock_freshservice")

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


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


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
    commands = parser.add_subparsers(dest="command", metavar="{serve}")
    serve = commands.add_parser(
        "serve", help="serve the fake API (the default command)", epilog=ENVIRONMENT_HELP
    )
    for target in (parser, serve):
        _serve_options(target)
    return parser


def _serve_options(parser: argparse.ArgumentParser) -> None:
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
        type=_positive,
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
    args = build_parser().parse_args(argv)
    settings = settings_from(args)
    fd = getattr(args, "fd", None)
    try:
        sock = None if fd is None else inherited_socket(fd)  # checked before the slow build
    except ListenError as exc:
        print(f"mock-freshservice: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Under load waitress warns on every queued task; that is the load, not news.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        with building_progress() as progress, collector_paused():
            app = create_app(settings, progress=progress)
    except (DatasetError, PinnedRecordError, DatasetKeyError, StateFileError) as exc:
        print(f"mock-freshservice: {exc}", file=sys.stderr)
        return 2
    except ScenarioError as exc:
        print(f"mock-freshservice: {exc.message}", file=sys.stderr)
        return 2
    except StateWriteError as exc:  # e.g. a scenario's reseed, logged at start on a full disk
        print(f"mock-freshservice: {exc}", file=sys.stderr)
        return 1
    except tls.TlsError as exc:
        print(f"mock-freshservice: {exc}", file=sys.stderr)
        return 2
    try:
        context = _tls_context(app, settings)
    except tls.TlsError as exc:
        print(f"mock-freshservice: {exc}", file=sys.stderr)
        return 2
    try:
        server = make_server(app, settings, context, sock)
    except ListenError as exc:
        print(f"mock-freshservice: {exc}", file=sys.stderr)
        return 1
    if not getattr(args, "quiet", False):
        host, port = served_address(server)
        _announce(app, settings, settings.host if fd is None else host, port)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return 0


def _tls_context(app: Flask, settings: FakeSettings) -> ssl.SSLContext | None:
    ca: tls.LocalCA | None = app.extensions.get(TLS_EXTENSION)
    if ca is None:
        return None
    state: FakeState = app.extensions[EXTENSION]
    domains = [data.domain for data in state.iter_accounts()]
    return tls.server_context(ca, tls.server_names(settings, domains))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Build with Python's cyclic garbage collector off, then freeze what was built.

    A dataset build allocates hundreds of thousands of objects and almost no cycles: the
    collector would walk them again and again (a quarter of building 100,000 tickets), and
    once serving, its first collections would walk the whole dataset again. Frozen objects are
    still freed when nothing refers to them; they are only never walked. The price: the few
    cycles the build leaves (about 2,300 objects for 100,000 tickets) are never collected;
    collecting them first would add 0.12 s to the start.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def building_progress() -> Iterator[BuildProgress | None]:
    """A progress bar over the accounts being built, on a terminal only (never in logs)."""
    console = Console(stderr=True)
    if not console.is_interactive:  # a terminal, and not TERM=dumb
        yield None
        return
    with Progress(
        TextColumn("building the dataset"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("accounts {task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def advance(done: int, total: int, domain: str) -> None:
            bar.update(task, completed=done, total=total, description=domain)

        yield advance


def _announce(app: Flask, settings: FakeSettings, host: str, port: int) -> None:
    """The addresses served (the port bound, when --port 0 asked for any), accounts and keys."""
    state: FakeState = app.extensions[EXTENSION]
    shown = f"[{host}]" if ":" in host else host
    base = f"{'https' if settings.tls else 'http'}://{shown}:{port}"
    lines = [f"mock-freshservice {__version__} on {base}/api/v2/ (admin: {base}/_mock/)"]
    ca: tls.LocalCA | None = app.extensions.get(TLS_EXTENSION)
    if ca is not None:
        lines.append(f"  CA certificate: {ca.cert_file} (also at {base}{CA_PATH})")
    for data in state.iter_accounts():
        lines.append(f"  {data.domain} ({state.plan(data.domain)})")
        for binding in state.keys.values():
            if binding.domain != data.domain:
                continue
            # The built-in demo keys are public (README); any other key shows as a fingerprint.
            public = settings.dataset is None and binding.key not in settings.api_keys
            shown = binding.key if public else fingerprint(binding.key)
            lines.append(f"    {binding.role.name:<17} {shown}")
        run = state.faults.run(data.domain)
        if run is not None:
            rules = len(run.scenario.rules)
            lines.append(f"    scenario {run.scenario.name} ({rules} rule{'s' * (rules != 1)})")
    print("\n".join(lines), file=sys.stderr, flush=True)
