"""Reading a cassette and sending its recorded requests to the fake, in the cassette's order, each
with the API key of the run; compare.py then says how each answer differs from the recorded one.

A recorded 429 is not sent: it tells of the moment it was recorded (the account's budget spent
by what came before), not of its endpoint, and the fake's budget is its own. The report counts
the 429s left out.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from contracts.drift.compare import Answer, Compared, compare, vocabulary
from mock_freshservice.cassette import (
    CASSETTE_FILE,
    Exchange,
    kept_headers,
    load_cassette,
    recorded_sequence,
)
from mock_freshservice.scenario import ScenarioError

TIMEOUT = 30.0  # seconds for one answer
# A 429 the recording did not have is the fake's own rate limit meeting a long cassette, not
# drift: wait as told (at most MAX_WAIT seconds) and ask again, up to RETRIES times.
RETRIES = 3
MAX_WAIT = 60.0


class DriftInputError(Exception):
    """What stops a drift run before it compares anything: an unreadable cassette, an
    unreachable fake, a key it does not know (the message never holds the key)."""


@dataclasses.dataclass(frozen=True)
class Cassette:
    path: Path  # the cassette.yaml read
    exchanges: list[Exchange]
    key: str  # the key it replays with: its account's
    upstream: str | None
    recorded_at: str | None


@dataclasses.dataclass
class DriftRun:
    cassette: Cassette
    fake_url: str
    own_fake: bool  # started for this run
    account: str | None  # the fake's account of the key, when its admin API says
    compared: list[Compared] = dataclasses.field(default_factory=list)
    skipped: list[Exchange] = dataclasses.field(default_factory=list)  # recorded 429s
    seconds: float = 0.0


def read_cassette(path: Path) -> Cassette:
    """The cassette in folder `path` (or the cassette.yaml itself); DriftInputError, naming the
    file and line, if it cannot be read or is not a cassette."""
    try:
        scenario = load_cassette(path)
    except ScenarioError as exc:
        raise DriftInputError(exc.message) from None
    exchanges = recorded_sequence(scenario.raw)
    file = path if path.is_file() else path / CASSETTE_FILE
    if not exchanges:
        raise DriftInputError(f"{file}: the cassette records no requests")
    about = scenario.cassette or {}
    return Cassette(
        path=file,
        exchanges=exchanges,
        key=scenario.key,
        upstream=_text(about.get("upstream")),
        recorded_at=_text(about.get("recorded_at")),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def account_of(client: httpx.Client, key: str) -> str | None:
    """The fake's account of `key` (its admin API's whoami): DriftInputError if the fake cannot
    be reached or says it has no such key; None if no admin API answers us (a remote fake with
    an admin token, a proxy in front of one), and then the run goes on without knowing."""
    try:
        response = client.post("/_mock/whoami", json={"key": key})
    except httpx.TransportError as exc:
        hint = (
            " (a fake over --tls: set SSL_CERT_FILE to its ca.pem)"
            if "CERTIFICATE_VERIFY_FAILED" in str(exc)
            else ""
        )
        raise DriftInputError(f"cannot reach the fake at {client.base_url}: {exc}{hint}") from None
    try:
        said = response.json()
    except ValueError:
        return None
    if not isinstance(said, dict):
        return None
    if response.status_code == 404 and said.get("error") == "no such API key":
        raise DriftInputError("no account of the fake has this API key (not shown)")
    account = said.get("account") if response.status_code == 200 else None
    return account if isinstance(account, str) else None


def send(client: httpx.Client, exchange: Exchange, key: str) -> Answer:
    """The fake's answer to the recorded request; DriftInputError if it gives none."""
    for attempt in range(RETRIES + 1):
        try:
            response = client.request(
                exchange.method,
                exchange.path,
                params=dict(exchange.query),
                json=exchange.body,
                auth=(key, "X"),
            )
        except httpx.TransportError as exc:
            raise DriftInputError(
                f"the fake at {client.base_url} gave no answer to {exchange.method} "
                f"{exchange.path}: {exc}"
            ) from None
        if response.status_code == 429 and exchange.status != 429 and attempt < RETRIES:
            time.sleep(_wait(response.headers.get("Retry-After")))
            continue
        break
    return _answer(response)


def _wait(retry_after: str | None) -> float:
    try:
        seconds = float(retry_after or 1)
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_WAIT)


def _answer(response: httpx.Response) -> Answer:
    headers = kept_headers(response.headers.items())
    if not response.content.strip():
        return Answer(response.status_code, headers, None)
    try:
        return Answer(response.status_code, headers, response.json())
    except ValueError:
        return Answer(response.status_code, headers, None, json=False)


def run_drift(
    cassette: Cassette,
    fake_url: str,
    key: str,
    *,
    own_fake: bool = False,
    on_compared: Callable[[Compared], None] | None = None,
) -> DriftRun:
    """Send each recorded request to the fake at `fake_url` with `key` and compare."""
    started = time.monotonic()
    with httpx.Client(base_url=fake_url, timeout=TIMEOUT, follow_redirects=False) as client:
        run = DriftRun(cassette, fake_url, own_fake, account_of(client, key))
        codes = vocabulary(cassette.exchanges)
        for exchange in cassette.exchanges:
            if exchange.status == 429:
                run.skipped.append(exchange)
                continue
            done = compare(exchange, send(client, exchange, key), codes)
            run.compared.append(done)
            if on_compared is not None:
                on_compared(done)
    run.seconds = time.monotonic() - started
    return run
