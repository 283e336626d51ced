"""Starting the fake: build the dataset (a progress bar on a terminal), say where it serves and
with which keys, then serve until stopped. The command line (cli.py) imports this only once it
has its settings, so `--help` and `--version` answer without loading the app."""

from __future__ import annotations

import contextlib
import gc
import logging
import ssl
import sys
from collections.abc import Iterator

from flask import Flask
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mock_freshservice import __version__, tls
from mock_freshservice.app import CA_PATH, TLS_EXTENSION, create_app
from mock_freshservice.data.account import PinnedRecordError
from mock_freshservice.data.dataset import DatasetError
from mock_freshservice.journal import fingerprint
from mock_freshservice.persistence import StateFileError, StateWriteError
from mock_freshservice.scenario import ScenarioError
from mock_freshservice.serving import ListenError, inherited_socket, make_server, served_address
from mock_freshservice.settings import FakeSettings
from mock_freshservice.state import EXTENSION, BuildProgress, DatasetKeyError, FakeState


def run(settings: FakeSettings, fd: int | None = None, quiet: bool = False) -> int:
    """Build, announce (unless `quiet`) and serve, on the socket inherited as `fd` if given;
    the exit code: 2 for a usage problem, 1 when it cannot serve, 0 when stopped."""
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
    except PinnedRecordError as exc:  # it names the account; the file is the dataset's
        source = settings.dataset if settings.dataset is not None else "default dataset"
        print(f"mock-freshservice: {source}: {exc}", file=sys.stderr)
        return 2
    except (DatasetError, DatasetKeyError, StateFileError) as exc:
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
    if not quiet:
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
