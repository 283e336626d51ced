"""Running `mock-freshservice record`: check the flags, serve the proxy under waitress until
Ctrl-C or SIGTERM, write the cassette a last time."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import signal
import ssl
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import certifi
import httpx
from waitress.server import create_server

from mock_freshservice.cassette import CASSETTE_FILE, SCRUB_REPORT_FILE, CassetteError
from mock_freshservice.record import proxy, scrub
from mock_freshservice.serving import ListenError, inherited_socket, served_address

THREADS = 8


class UsageError(Exception):
    """Flags that cannot be used; the message says why."""


@dataclasses.dataclass(frozen=True)
class Plan:
    """What the flags ask for, checked."""

    upstream: str
    rules: scrub.Rules
    verify: ssl.SSLContext | bool
    out: Path


def record(args: argparse.Namespace) -> int:
    # __main__ turns the cyclic collector off while modules load; the fake turns it back on
    # once its dataset is built, the recorder at once (it runs for a whole session).
    gc.enable()
    try:
        plan = checked(args)
    except UsageError as exc:
        return _fail(str(exc), 2)
    scrubber = scrub.Scrubber(plan.rules, scrub.secret_from_environment(), upstream=plan.upstream)
    recording = proxy.Recording(plan.out, scrubber, key_for_replay=args.key_for_replay)
    try:
        plan.out.mkdir(parents=True, exist_ok=True)
        recording.save()  # an empty cassette: the folder is writable, before any request
    except (OSError, CassetteError) as exc:
        return _fail(str(exc), 1)
    _configure_logging(args.quiet)
    client = httpx.Client(
        verify=plan.verify,
        timeout=httpx.Timeout(args.timeout, connect=min(args.timeout, 30.0)),
        follow_redirects=False,
        trust_env=False,  # the upstream gets the keys: no proxy taken from the environment
    )
    writer = proxy.Writer(recording, args.save_interval)
    try:
        server = _server(args, proxy.RecordingProxy(plan.upstream, client, recording, writer))
    except (OSError, ListenError) as exc:
        writer.close()
        client.close()
        return _fail(f"cannot listen: {exc}", 1)
    if not args.quiet:
        host, port = served_address(server)
        shown = f"[{host}]" if ":" in host else host
        _say(
            f"mock-freshservice record on http://{shown}:{port}/api/v2/ -> {plan.upstream}\n"
            f"  writing {plan.out / CASSETTE_FILE} and {plan.out / SCRUB_REPORT_FILE} "
            f"(rules: {plan.rules.source}); Ctrl-C to stop"
        )
    _serve_until_stopped(server)
    writer.close()
    client.close()
    if writer.failure is not None:
        return _fail(writer.failure, 1)
    # -- dataset mode (dataset_mode.py) --
    if args.dataset_out is not None:
        from mock_freshservice.record import dataset_mode  # noqa: PLC0415 - only when asked

        try:
            dataset_mode.write_dataset(args.dataset_out, recording.exchanges())
        except OSError as exc:
            return _fail(f"cannot write the dataset {args.dataset_out}: {exc.strerror}", 1)
        except ValueError as exc:  # a shape the dataset model refuses: our bug, not the user's
            return _fail(
                f"cannot write the dataset {args.dataset_out}: what was recorded does not fit a "
                f"dataset ({exc}); the cassette in {plan.out} is written. Please report this.",
                1,
            )
        if not args.quiet:
            _say(f"mock-freshservice record: the tenant's shape in {args.dataset_out}")
    # -- end dataset mode --
    if not args.quiet:
        _say(
            f"mock-freshservice record: {len(recording)} requests in "
            f"{plan.out / CASSETTE_FILE}; what was scrubbed: {plan.out / SCRUB_REPORT_FILE}"
        )
    return 0


def checked(args: argparse.Namespace) -> Plan:
    """The flags checked; UsageError saying what is wrong."""
    try:
        upstream = proxy.checked_upstream(args.upstream)
    except proxy.UpstreamError as exc:
        raise UsageError(str(exc)) from None
    if args.fd is None and not proxy.is_loopback(args.host):
        raise UsageError(f"--host {args.host}: a loopback address, please (keys pass in clear)")
    try:
        rules = scrub.load_rules(args.scrub_rules)
    except scrub.RulesError as exc:
        raise UsageError(str(exc)) from None
    out: Path = args.out
    if (out / CASSETTE_FILE).exists():
        raise UsageError(f"{out} already holds a cassette: move it away or give another --out")
    # -- dataset mode (dataset_mode.py) --
    dataset_out: Path | None = args.dataset_out
    if dataset_out is not None:
        if dataset_out.exists():
            raise UsageError(f"--dataset-out {dataset_out} exists: move it away or give another")
        if not dataset_out.parent.is_dir():
            raise UsageError(f"--dataset-out {dataset_out}: no folder {dataset_out.parent}")
    # -- end dataset mode --
    # The CA to trust: --upstream-ca, else SSL_CERT_FILE (a company's CA, as our server and
    # most clients honour it), else certifi's. (The client takes nothing else from the
    # environment: no proxy must see the keys.)
    ca_file, source = args.upstream_ca, "--upstream-ca"
    if ca_file is None and os.environ.get("SSL_CERT_FILE"):
        ca_file, source = Path(os.environ["SSL_CERT_FILE"]), "SSL_CERT_FILE"
    try:
        verify = ssl.create_default_context(cafile=str(ca_file or certifi.where()))
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"{source} {ca_file}: {exc}") from None
    return Plan(upstream, rules, verify, out)


def _server(args: argparse.Namespace, app: proxy.RecordingProxy) -> Any:
    where: dict[str, Any] = (
        {"sockets": [inherited_socket(args.fd)]}
        if args.fd is not None
        else {"host": args.host, "port": args.port}
    )
    return create_server(
        app, **where, threads=THREADS, ident="mock-freshservice-record", url_scheme="http"
    )


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _serve_until_stopped(server: Any) -> None:
    """Serve until Ctrl-C or SIGTERM (both end the loop the same way)."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()


def _configure_logging(quiet: bool) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it would log each URL, queries too
    if quiet:
        logging.getLogger("mock_freshservice.record").setLevel(logging.WARNING)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _fail(message: str, code: int) -> int:
    _say(f"mock-freshservice record: {message}")
    return code
