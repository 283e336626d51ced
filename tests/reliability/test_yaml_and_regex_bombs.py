"""YAML alias bombs and backtracking regexes sent to a real fake: refused, or answered, at once.

A "billion laughs" of nine levels is under 500 bytes; walking it once costs a billion nodes. A rule
regex such as `^(a+)+$` takes Python's `re` minutes on 32 `a`s and a `!`, holding the GIL, so the
whole fake stops. Each attack is bounded: clients time out in seconds, and the fake is killed if
its memory passes a ceiling.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import httpx

from tests.attacks import alias_bomb, backtracking_rule
from tests.conftest import ADMIN_KEY
from tests.processes import FAKE_COMMAND, running_fake
from tests.reliability.watch import MIB, MemoryWatch

ATTACK_TIMEOUT = 5.0


def test_an_alias_bomb_posted_to_the_admin_api_is_refused_fast_and_small() -> None:
    with running_fake() as fake:
        with MemoryWatch(fake.process.pid) as watch:
            started = time.monotonic()
            response = fake.http.post(
                "/_mock/scenario",
                json={"key": ADMIN_KEY, "scenario": alias_bomb(), "name": "bomb.yaml"},
                timeout=ATTACK_TIMEOUT,
            )
            took = time.monotonic() - started
        assert response.status_code == 400
        assert response.json()["error"].startswith("bomb.yaml:8: aliases expand this to")
        assert took < 1.0
        assert watch.growth < 20 * MIB
        assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 200


def test_an_alias_bomb_given_with_scenario_stops_the_start_fast_and_small(
    tmp_path: Path,
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    process = subprocess.Popen(
        [*FAKE_COMMAND, "serve", "--port", "0", "--scenario", str(bomb)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    with MemoryWatch(process.pid, ceiling=400 * MIB) as watch:
        try:
            _, stderr = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    took = time.monotonic() - started
    assert not watch.killed, f"the fake went past {watch.ceiling // MIB} MiB"
    assert process.returncode == 2
    assert f"{bomb}:8: aliases expand this to" in stderr
    assert took < 10  # the interpreter's start and imports, mostly; the bomb takes milliseconds
    assert watch.peak < 200 * MIB


def test_a_backtracking_rule_regex_is_answered_in_milliseconds() -> None:
    with running_fake() as fake:
        fake.admin("POST", "scenario", {"key": ADMIN_KEY, "scenario": backtracking_rule()})
        started = time.monotonic()
        response = fake.api(
            "GET", "/tickets", ADMIN_KEY, params={"q": "a" * 32 + "!"}, timeout=ATTACK_TIMEOUT
        )
        assert time.monotonic() - started < 0.5
        assert response.status_code == 400  # no rule fired: `q` is an unknown parameter
        assert fake.admin("GET", "accounts/acme.freshservice.com/scenario")["rules"] == [
            {"id": "slow", "matched": 0, "fired": 0}
        ]


def test_other_clients_are_served_while_a_backtracking_regex_is_tested() -> None:
    with running_fake() as fake:
        fake.admin("POST", "scenario", {"key": ADMIN_KEY, "scenario": backtracking_rule()})
        outcomes: list[object] = []

        def attack() -> None:
            with httpx.Client(base_url=fake.url, timeout=ATTACK_TIMEOUT) as client:
                try:
                    for _ in range(20):
                        query = {"q": "a" * 32 + "!"}
                        client.get("/api/v2/tickets", params=query, auth=(ADMIN_KEY, "X"))
                    outcomes.append("done")
                except httpx.TimeoutException as exc:
                    outcomes.append(exc)

        attacker = threading.Thread(target=attack)
        attacker.start()
        time.sleep(0.1)
        started = time.monotonic()
        other = fake.api("GET", "/agents/me", "demo-globex-admin-key", timeout=ATTACK_TIMEOUT)
        took = time.monotonic() - started
        attacker.join()
        assert other.status_code == 200
        assert took < 0.5
        assert outcomes == ["done"]
