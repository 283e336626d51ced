"""`--state FILE`: every write the fake acknowledged survives `kill -9`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_freshservice import FakeSettings, create_app
from mock_freshservice import state as state_module
from mock_freshservice.api import assets as assets_api
from mock_freshservice.persistence import StateFileError
from tests.conftest import NOW, basic
from tests.mock_freshservice.test_cli import wait_until_up
from tests.processes import free_port

ADMIN = basic("demo-acme-admin-key")


def start(state: Path, log: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    with log.open("a") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mock_freshservice",
                "serve",
                "--port",
                str(port),
                "--plan",
                "unlimited",
                "--now",
                "2026-11-02T12:00:00Z",
                "--state",
                str(state),
            ],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process)
    return process, url


def test_every_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    state, log = tmp_path / "state.jsonl", tmp_path / "fake.log"
    process, url = start(state, log)
    acknowledged: list[tuple[str, Any]] = []
    stop = threading.Event()

    def write_forever() -> None:
        with httpx.Client(base_url=url, headers=ADMIN, timeout=5) as client:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    body = {
                        "subject": f"write {n}",
                        "description": "d",
                        "email": "john@acme.com",
                        "status": 2,
                        "priority": 1,
                    }
                    created = client.post("/api/v2/tickets", json=body)
                    if created.status_code == 201:
                        ticket_id = created.json()["ticket"]["id"]
                        acknowledged.append(("ticket", (ticket_id, f"write {n}")))
                    note = client.post("/api/v2/tickets/1023/notes", json={"body": f"note {n}"})
                    if note.status_code == 201:
                        acknowledged.append(("note", f"note {n}"))
                    update = client.put("/api/v2/tickets/10234", json={"subject": f"update {n}"})
                    if update.status_code == 200:
                        acknowledged.append(("update", f"update {n}"))
                except httpx.TransportError:
                    return  # the server died under us: this write was never acknowledged

    writer = threading.Thread(target=write_forever)
    writer.start()
    time.sleep(1.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    stop.set()
    writer.join(timeout=10)
    assert len(acknowledged) > 20

    process, url = start(state, log)
    try:
        with httpx.Client(base_url=url, headers=ADMIN, timeout=5) as client:
            for kind, value in acknowledged:
                if kind == "ticket":
                    ticket_id, subject = value
                    assert (
                        client.get(f"/api/v2/tickets/{ticket_id}").json()["ticket"]["subject"]
                        == subject
                    )
            notes = [
                c["body_text"]
                for c in client.get("/api/v2/tickets/1023/conversations?per_page=100").json()[
                    "conversations"
                ]
            ]
            page = 2
            while len(notes) % 100 == 0 and notes:
                more = client.get(
                    f"/api/v2/tickets/1023/conversations?per_page=100&page={page}"
                ).json()["conversations"]
                if not more:
                    break
                notes += [c["body_text"] for c in more]
                page += 1
            assert [v for k, v in acknowledged if k == "note"] == [
                n for n in notes if n.startswith("note ")
            ][: len([1 for k, _ in acknowledged if k == "note"])]
            updates = [v for k, v in acknowledged if k == "update"]
            subject = client.get("/api/v2/tickets/10234").json()["ticket"]["subject"]
            assert subject in (updates[-1], f"update {int(updates[-1].split()[1]) + 1}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_line_torn_by_a_crash_is_dropped(tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    app = create_app(FakeSettings(now=NOW, state=state))
    app.test_client().put("/api/v2/tickets/10234", json={"priority": 4}, headers=ADMIN)
    with state.open("ab") as torn:
        torn.write(b'{"a":"acme.freshservice.com","t":"tickets","r":{"id":')
    again = create_app(FakeSettings(now=NOW, state=state)).test_client()
    assert again.get("/api/v2/tickets/10234", headers=ADMIN).get_json()["ticket"]["priority"] == 4
    assert state.read_bytes().endswith(b"\n")


def test_a_state_file_of_another_seed_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    create_app(FakeSettings(now=NOW, state=state))
    with pytest.raises(StateFileError, match="another seed or dataset"):
        create_app(FakeSettings(now=NOW, state=state, seed=2))


def test_a_reset_forgets_the_accounts_writes(tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    client = create_app(FakeSettings(now=NOW, state=state)).test_client()
    client.put("/api/v2/tickets/10234", json={"priority": 4}, headers=ADMIN)
    client.post("/_mock/reset", json={"account": "acme.freshservice.com"})
    client.put("/api/v2/tickets/10236", json={"priority": 4}, headers=ADMIN)
    again = create_app(FakeSettings(now=NOW, state=state)).test_client()
    assert again.get("/api/v2/tickets/10234", headers=ADMIN).get_json()["ticket"]["priority"] == 3
    assert again.get("/api/v2/tickets/10236", headers=ADMIN).get_json()["ticket"]["priority"] == 4


def test_generated_records_are_rebuilt_from_the_first_runs_clock(tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    first = create_app(FakeSettings(state=state)).test_client()
    before = first.get("/api/v2/tickets/9850", headers=ADMIN).get_json()["ticket"]
    time.sleep(1.1)
    second = create_app(FakeSettings(state=state)).test_client()
    assert second.get("/api/v2/tickets/9850", headers=ADMIN).get_json()["ticket"] == before


ASSET = {"name": "written during a reset", "asset_type_id": 30000000014}


def test_a_write_landing_mid_reset_reads_the_same_live_and_after_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.jsonl"
    client = create_app(FakeSettings(now=NOW, state=state, plan="unlimited")).test_client()
    build = state_module.build_account
    written: dict[str, Any] = {}

    def build_then_write(seed: int, account: Any, index: int, *rest: Any) -> Any:
        if index == 1:  # acme (index 0) is rebuilt by now; a client writes to it meanwhile
            writer = threading.Thread(
                target=lambda: written.update(
                    response=client.post("/api/v2/assets", json=ASSET, headers=ADMIN)
                )
            )
            writer.start()
            writer.join(timeout=10)
        return build(seed, account, index, *rest)

    monkeypatch.setattr(state_module, "build_account", build_then_write)
    assert client.post("/_mock/reset", json={}).status_code == 200
    monkeypatch.undo()

    created = written["response"]
    assert created.status_code in (201, 409)
    path = "/api/v2/assets/81"
    live = client.get(path, headers=ADMIN).status_code
    again = create_app(FakeSettings(now=NOW, state=state, plan="unlimited")).test_client()
    assert again.get(path, headers=ADMIN).status_code == live


def test_a_write_on_an_account_a_reset_replaced_is_refused_and_never_replayed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.jsonl"
    client = create_app(FakeSettings(now=NOW, state=state, plan="unlimited")).test_client()
    validate = assets_api.validate_body

    def reset_then_validate(*args: Any, **kwargs: Any) -> Any:
        # The request already holds its account; a reset from another client lands now.
        resetter = threading.Thread(
            target=lambda: client.post("/_mock/reset", json={"account": "acme.freshservice.com"})
        )
        resetter.start()
        resetter.join(timeout=10)
        return validate(*args, **kwargs)

    monkeypatch.setattr(assets_api, "validate_body", reset_then_validate)
    created = client.post("/api/v2/assets", json=ASSET, headers=ADMIN)
    monkeypatch.undo()

    assert created.status_code == 409
    assert created.get_json()["code"] == "inconsistent_state"
    assert client.get("/api/v2/assets/81", headers=ADMIN).status_code == 404
    again = create_app(FakeSettings(now=NOW, state=state, plan="unlimited")).test_client()
    assert again.get("/api/v2/assets/81", headers=ADMIN).status_code == 404
