"""Scenarios in a real `mock-freshservice serve` process: dropped connections, delays, --scenario."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_KEY, GLOBEX_ADMIN_KEY
from tests.processes import FAKE_COMMAND, Fake, running_fake

# Scenarios in a real `serve` process, over HTTP: in `tox -e slow` (CI runs it), to keep the README's
# test line under 10 minutes.
pytestmark = pytest.mark.slow

ACME = "acme.freshservice.com"


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def journal_within(fake: Fake, seconds: float) -> list[dict[str, Any]]:
    """The account's journal as soon as it has an entry, polling for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        entries = fake.journal()
        if entries or time.monotonic() >= deadline:
            return entries
        time.sleep(0.05)


def test_drop_connection_closes_the_socket_without_an_answer() -> None:
    with running_fake() as fake:
        fake.admin(
            "POST",
            "scenario",
            {
                "key": ADMIN_KEY,
                "scenario": "description: d\nrules:\n"
                "  - {id: cut, match: {nth: 1}, effect: {drop_connection: true}}\n",
            },
        )
        with httpx.Client(base_url=fake.url, timeout=5) as client:
            with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
                client.get("/api/v2/tickets", auth=(ADMIN_KEY, "X"))
            # The fake goes on serving, on a new connection.
            assert client.get("/api/v2/tickets", auth=(ADMIN_KEY, "X")).status_code == 200
        assert [(e["status"], e["rule"]) for e in fake.journal()] == [(0, "cut"), (200, None)]


def test_delay_holds_the_answer_back_over_http() -> None:
    with running_fake() as fake:
        fake.admin(
            "POST",
            "scenario",
            {
                "key": ADMIN_KEY,
                "scenario": "description: d\nrules:\n  - {id: slow, effect: {delay: 0.5}}\n",
            },
        )
        started = time.monotonic()
        response = fake.api("GET", "/agents/me", ADMIN_KEY)
        assert response.status_code == 200
        assert time.monotonic() - started >= 0.5


def test_a_delay_longer_than_the_clients_timeout_is_a_read_timeout() -> None:
    with running_fake() as fake:
        fake.admin(
            "POST",
            "scenario",
            {
                "key": ADMIN_KEY,
                "scenario": "description: d\nrules:\n  - {id: slow, effect: {delay: 1.5}}\n",
            },
        )
        with pytest.raises(httpx.ReadTimeout):
            fake.api("GET", "/agents/me", ADMIN_KEY, timeout=0.3)


def test_a_delayed_request_is_journaled_before_its_answer_is_sent() -> None:
    with running_fake() as fake:
        fake.admin(
            "POST",
            "scenario",
            {
                "key": ADMIN_KEY,
                "scenario": "description: d\nrules:\n  - {id: slow, effect: {delay: 10}}\n",
            },
        )
        with pytest.raises(httpx.ReadTimeout):
            fake.api("POST", "/tickets/1023/notes", ADMIN_KEY, json={"body": "hi"}, timeout=0.3)
        # The client gave up; the note was made and the journal says so well before the answer
        # would have been sent (polled: a busy machine may take a moment to write the entry).
        [entry] = journal_within(fake, seconds=5)
        assert (entry["method"], entry["status"], entry["rule"]) == ("POST", 201, "slow")
        assert entry["latency_ms"] >= 10_000


def test_serve_with_a_scenario_loads_it_for_its_keys_account(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"description: globex fails once\nkey: {GLOBEX_ADMIN_KEY}\nplan: {{plan: starter}}\n"
        "rules:\n  - {id: once, match: {nth: 1}, effect: {error: server_error, status: 503}}\n",
    )
    with running_fake("--scenario", str(path)) as fake:
        first = fake.api("GET", "/agents/me", GLOBEX_ADMIN_KEY)
        second = fake.api("GET", "/agents/me", GLOBEX_ADMIN_KEY)
        assert (first.status_code, second.status_code) == (503, 200)
        assert second.headers["X-RateLimit-Total"] == "100"
        assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 200
        status = fake.admin("GET", "accounts/globex.freshservice.com/scenario")
        assert status["rules"] == [{"id": "once", "matched": 2, "fired": 1}]
        assert f"scenario {path} (1 rule)" in fake.stderr()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "description: d\nrules:\n  - id: a\n    effect:\n      eror: rate_limited\n",
            ":5: rules[0].effect: unknown key 'eror' (did you mean 'error'?)",
        ),
        ("description: d\nkey: not-a-known-key\n", ":2: key: names no API key of this fake"),
        ("description: [oops\n", ":2: not valid YAML"),
        (
            "description: d\nrules:\n  - id: a\n    match: {nth: 2.0}\n",
            ":4: rules[0].match.nth: must be a 1-based count",
        ),
        (
            f"description: d\nkey: {ADMIN_KEY}\nrules:\n  - id: a\n"
            f"    effect: {{revoke_key: {GLOBEX_ADMIN_KEY}}}\n",
            ":5: rules[0].effect.revoke_key: names a key of another account",
        ),
    ],
)
def test_serve_with_a_bad_scenario_fails_at_start_naming_file_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text, "broken.yaml")
    result = subprocess.run(
        [*FAKE_COMMAND, "serve", "--port", "1", "--scenario", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"mock-freshservice: {path}{expected}" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_a_missing_scenario_file_fails_at_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [*FAKE_COMMAND, "serve", "--scenario", str(tmp_path / "nowhere.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "nowhere.yaml: cannot read scenario" in result.stderr
    assert "Traceback" not in result.stderr
