"""`--state FILE`: every write the fake acknowledged survives `kill -9`, a failing disk and
damaged bytes; what cannot be read is reported and kept, never silently dropped."""

from __future__ import annotations

import errno
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from contracts.processes import listening_socket, start_serving, wait_until_answering
from mock_freshservice import FakeSettings, cli, create_app, guesses, startup
from mock_freshservice import state as state_module
from mock_freshservice.api import assets as assets_api
from mock_freshservice.data.store import Table
from mock_freshservice.persistence import FORMAT, StateFileError, WriteLog, encode
from mock_freshservice.state import EXTENSION, FakeState
from tests.conftest import NOW, basic

ADMIN = basic("demo-acme-admin-key")


def start(state: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    command = [sys.executable, "-m", "mock_freshservice", "serve", "--plan", "unlimited",
               "--now", "2026-11-02T12:00:00Z", "--state", str(state)]  # fmt: skip
    with log.open("a") as sink, listening_socket() as sock:
        process = start_serving(command, sock, stderr=sink)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        wait_until_answering(url, process, timeout=60)  # on a busy machine imports alone take long
    except BaseException:
        process.kill()  # not left running to fail a later test with a ResourceWarning
        process.wait()
        raise
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


# -- the record format ---------------------------------------------------------------------

TICKET = {
    "subject": "kept",
    "description": "d",
    "email": "john@acme.com",
    "status": 2,
    "priority": 1,
}
ACME = "acme.freshservice.com"


def fake(state: Path, **settings: Any) -> Flask:
    return create_app(FakeSettings(now=NOW, state=state, **settings))


def create_tickets(client: FlaskClient, count: int) -> list[int]:
    created = []
    for n in range(count):
        response = client.post(
            "/api/v2/tickets", json={**TICKET, "subject": f"t{n}"}, headers=ADMIN
        )
        assert response.status_code == 201
        created.append(response.get_json()["ticket"]["id"])
    return created


def subjects(client: FlaskClient, ticket_ids: list[int]) -> list[str | None]:
    found = []
    for ticket_id in ticket_ids:
        response = client.get(f"/api/v2/tickets/{ticket_id}", headers=ADMIN)
        found.append(
            response.get_json()["ticket"]["subject"] if response.status_code == 200 else None
        )
    return found


def lines(state: Path) -> list[bytes]:
    return state.read_bytes().splitlines(keepends=True)


def ticket_lines(state: Path) -> list[int]:
    """The lines holding a ticket's record (a create also writes its first activity)."""
    return [n for n, line in enumerate(lines(state)) if b'"t":"tickets"' in line[:80]]


def flip_byte(state: Path, line: int, at: int = 40) -> int:
    """Flip one bit of byte `at` of line `line` (0 is the header); the byte's file offset."""
    offset = sum(map(len, lines(state)[:line]))
    raw = bytearray(state.read_bytes())
    raw[offset + at] ^= 0x01
    state.write_bytes(bytes(raw))
    return offset


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_record_is_its_crc32_in_hex_a_space_its_json_and_a_line_break() -> None:
    entry = {"a": ACME, "t": "tickets", "r": {"id": 1, "subject": "x\ny"}}
    data = orjson.dumps(entry)
    assert encode(entry) == f"{zlib.crc32(data):08x} ".encode() + data + b"\n"


def test_a_new_state_file_is_a_checksummed_header_then_one_checksummed_line_per_record_written(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.log"
    create_tickets(fake(state).test_client(), 2)
    written = lines(state)
    assert len(written) == 1 + 2 * 2  # each ticket and its "created" activity
    header = orjson.loads(written[0][9:])["header"]
    assert header["format"] == FORMAT == 2
    for line in written:
        assert int(line[:8], 16) == zlib.crc32(line[9:-1])


# -- reading past damage ---------------------------------------------------------------------


def test_a_record_with_a_flipped_byte_is_reported_with_its_line_and_offset(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.log"
    create_tickets(fake(state).test_client(), 5)
    offset = flip_byte(state, 2)
    length = len(lines(state)[2])
    fake(state)
    assert warnings_of(caplog) == [
        f"{state}: line 3 (byte {offset}): checksum mismatch; its {length} bytes are kept in "
        "state.log.damaged; read on past it"
    ]


def test_every_record_after_a_damaged_one_is_still_read(tmp_path: Path) -> None:
    state = tmp_path / "state.log"
    created = create_tickets(fake(state).test_client(), 10)
    flip_byte(state, ticket_lines(state)[1])
    again = fake(state).test_client()
    assert subjects(again, created) == ["t0", None, *(f"t{n}" for n in range(2, 10))]


def test_the_damaged_bytes_are_kept_in_the_side_file_after_a_line_saying_where_they_were(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.log"
    create_tickets(fake(state).test_client(), 3)
    offset = flip_byte(state, 2)
    damaged = lines(state)[2]
    fake(state)
    kept = lines(tmp_path / "state.log.damaged")
    assert kept[0].startswith(b"# ")
    assert (
        f"state.log line 3, byte {offset}, {len(damaged)} bytes: checksum mismatch".encode()
        in kept[0]
    )
    assert kept[1:] == [damaged]


def test_after_damage_the_log_is_rewritten_without_it_and_the_next_start_reports_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.log"
    create_tickets(fake(state).test_client(), 3)
    flip_byte(state, 2)
    before = lines(state)
    fake(state)
    assert lines(state) == before[:2] + before[3:]
    side_file = (tmp_path / "state.log.damaged").read_bytes()
    caplog.clear()
    fake(state)
    assert warnings_of(caplog) == []
    assert (tmp_path / "state.log.damaged").read_bytes() == side_file


def test_a_torn_fragment_glued_to_a_good_record_is_cut_off_and_the_record_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.log"
    created = create_tickets(fake(state).test_client(), 3)
    written = lines(state)
    at = ticket_lines(state)[1]
    # A write that failed half way, then a whole one appended behind it (what format 1 did).
    state.write_bytes(b"".join([*written[:at], written[at][:30], *written[at + 1 :]]))
    again = fake(state).test_client()
    assert subjects(again, created) == ["t0", None, "t2"]
    assert "a good record follows on the same line" in warnings_of(caplog)[0]
    assert (tmp_path / "state.log.damaged").read_bytes().endswith(b"\n" + written[at][:30] + b"\n")


def test_two_records_whose_line_break_is_damaged_are_both_read(tmp_path: Path) -> None:
    state = tmp_path / "state.log"
    created = create_tickets(fake(state).test_client(), 3)
    flip_byte(state, 1, at=len(lines(state)[1]) - 1)
    assert subjects(fake(state).test_client(), created) == ["t0", "t1", "t2"]


def test_a_torn_last_record_is_dropped_with_a_notice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.log"
    created = create_tickets(fake(state).test_client(), 2)
    whole = state.read_bytes()
    count = len(lines(state))
    with state.open("ab") as torn:
        torn.write(lines(state)[1][:50])
    again = fake(state).test_client()
    assert subjects(again, created) == ["t0", "t1"]
    [notice] = warnings_of(caplog)
    assert f"line {count + 1} (byte {len(whole)}): dropped a torn last record (50 bytes" in notice
    assert state.read_bytes() == whole


def test_a_byte_damaged_into_a_carriage_return_is_a_damaged_record_not_a_line_break(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.log"
    created = create_tickets(fake(state).test_client(), 3)
    raw = bytearray(state.read_bytes())
    at = ticket_lines(state)[1]
    offset = sum(map(len, lines(state)[:at]))
    raw[offset + 40] = ord("\r")
    state.write_bytes(bytes(raw))
    assert subjects(fake(state).test_client(), created) == ["t0", None, "t2"]
    report = warnings_of(caplog)[0]  # then: t1's activity is left out
    assert f"line {at + 1} (byte {offset}): checksum mismatch" in report


def test_a_damaged_header_refuses_to_start(tmp_path: Path) -> None:
    state = tmp_path / "state.log"
    fake(state)
    flip_byte(state, 0, at=20)
    with pytest.raises(StateFileError, match="first line is damaged"):
        fake(state)


def test_a_header_whose_line_does_not_match_its_format_refuses_to_start(tmp_path: Path) -> None:
    state = tmp_path / "state.log"
    state.write_bytes(encode({"header": {"format": 1, "data": "x", "anchor": 0}}))
    with pytest.raises(StateFileError, match="the first line says format 1 but is not"):
        fake(state)


def test_a_state_file_of_an_unknown_format_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.log"
    state.write_bytes(encode({"header": {"format": 3, "data": "x", "anchor": 0}}))
    with pytest.raises(StateFileError, match="format 3 is not one this mock-freshservice reads"):
        fake(state)


# -- format 1 ----------------------------------------------------------------------------------


def as_format_1(state: Path) -> list[bytes]:
    """The log as format 1 wrote it: plain JSON lines."""
    plain = [orjson.loads(line[9:]) for line in lines(state)]
    plain[0]["header"]["format"] = 1
    return [orjson.dumps(item) + b"\n" for item in plain]


def test_a_format_1_file_is_read_and_upgraded_to_checksummed_records(tmp_path: Path) -> None:
    state = tmp_path / "state.log"
    created = create_tickets(fake(state).test_client(), 3)
    checksummed = state.read_bytes()
    state.write_bytes(b"".join(as_format_1(state)))
    again = fake(state).test_client()
    assert subjects(again, created) == ["t0", "t1", "t2"]
    assert state.read_bytes() == checksummed


def test_a_format_1_file_keeps_the_writes_acknowledged_after_a_half_written_line(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.log"
    created = create_tickets(fake(state).test_client(), 3)
    plain = as_format_1(state)
    at = ticket_lines(state)[1]
    # Format 1 on a full disk: half a line, then later writes answered 201 behind it.
    state.write_bytes(b"".join([*plain[:at], plain[at][:25], *plain[at + 1 :]]))
    assert subjects(fake(state).test_client(), created) == ["t0", None, "t2"]


# -- replay after a skipped record -------------------------------------------------------------


def test_a_ticket_whose_creation_record_is_damaged_comes_back_from_its_later_update(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.log"
    client = fake(state).test_client()
    [ticket_id] = create_tickets(client, 1)
    note = client.post(f"/api/v2/tickets/{ticket_id}/notes", json={"body": "kept"}, headers=ADMIN)
    assert note.status_code == 201
    flip_byte(state, 1)  # the creation; the note and the ticket it touched follow
    again = fake(state).test_client()
    assert subjects(again, [ticket_id]) == ["t0"]
    conversations = again.get(f"/api/v2/tickets/{ticket_id}/conversations", headers=ADMIN)
    assert [c["body_text"] for c in conversations.get_json()["conversations"]] == ["kept"]


def test_notes_of_a_ticket_whose_records_are_all_damaged_do_not_attach_to_the_next_ticket(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.log"
    client = fake(state).test_client()
    [ticket_id] = create_tickets(client, 1)
    client.post(f"/api/v2/tickets/{ticket_id}/notes", json={"body": "lost"}, headers=ADMIN)
    for line in ticket_lines(state):  # the creation and the update the note made
        flip_byte(state, line)
    again = fake(state).test_client()
    assert create_tickets(again, 1) == [ticket_id]
    conversations = again.get(f"/api/v2/tickets/{ticket_id}/conversations", headers=ADMIN)
    assert conversations.get_json()["conversations"] == []
    assert "what lived under 1 tickets whose own records were damaged" in warnings_of(caplog)[-1]


def test_requested_items_of_a_request_whose_ticket_record_is_damaged_are_left_out(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.log"
    client = fake(state).test_client()
    placed = client.post(
        "/api/v2/service_catalog/items/6/place_request",
        json={"email": "john@acme.com"},
        headers=ADMIN,
    )
    ticket_id = placed.get_json()["service_request"]["id"]
    flip_byte(state, 1)  # the ticket; its requested items follow
    account = fake(state).extensions[EXTENSION].accounts[ACME]
    assert ticket_id not in account.tickets
    assert ticket_id not in account.requested_items


# -- write-ahead: a write the disk refuses changes nothing ---------------------------------------


def refusing(_: Any) -> None:
    raise OSError(errno.EIO, "Input/output error")


def test_a_put_the_log_refuses_stores_nothing() -> None:
    table = Table("things", ("name",), lambda record: {"name": record["name"]})
    table.put({"id": 1, "name": "before"})
    version = table.version
    table.on_put = refusing
    with pytest.raises(OSError, match="Input/output error"):
        table.put({"id": 1, "name": "after"})
    with pytest.raises(OSError, match="Input/output error"):
        table.put({"id": 2, "name": "new"})
    assert (table.get(1), table.get(2), len(table), table.version) == (
        {"id": 1, "name": "before"},
        None,
        1,
        version,
    )
    assert table.column("name") == ["before"]


def test_a_note_or_requested_items_the_log_refuses_are_not_stored(tmp_path: Path) -> None:
    account = fake(tmp_path / "state.log").extensions[EXTENSION].accounts[ACME]
    account.on_write = refusing
    with pytest.raises(OSError, match="Input/output error"):
        account.add_conversation(1023, {"id": account.next_conversation_id(), "body": "x"})
    with pytest.raises(OSError, match="Input/output error"):
        account.set_requested_items(1023, [{"id": 1}])
    assert (account.created_conversations, account.requested_items) == ({}, {})


def state_of(app: Flask) -> FakeState:
    state: FakeState = app.extensions[EXTENSION]
    return state


def log_of(app: Flask) -> WriteLog:
    write_log = state_of(app).log
    assert write_log is not None
    return write_log


def half_then_disk_full(state: Path) -> Any:
    """A write that puts half its record in the file, then fails as a full disk does."""

    def put_bytes(line: bytes) -> None:
        with state.open("ab") as file:
            file.write(line[: len(line) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return put_bytes


def test_a_write_the_disk_refuses_is_answered_500_and_leaves_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.log"
    app = fake(state)
    client = app.test_client()
    size, tickets = state.stat().st_size, len(state_of(app).accounts[ACME].tickets)
    monkeypatch.setattr(log_of(app), "_put_bytes", half_then_disk_full(state))
    refused = client.post("/api/v2/tickets", json=TICKET, headers=ADMIN)
    assert (refused.status_code, refused.get_json()) == (
        500,
        {"message": guesses.SERVER_ERROR_MESSAGE},
    )
    assert state.stat().st_size == size
    assert len(state_of(app).accounts[ACME].tickets) == tickets


def test_the_cause_of_a_refused_write_is_logged_once_without_a_traceback_or_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.log"
    app = fake(state)
    monkeypatch.setattr(log_of(app), "_put_bytes", half_then_disk_full(state))
    app.test_client().post("/api/v2/tickets", json={**TICKET, "subject": "s3cret"}, headers=ADMIN)
    assert [(r.getMessage(), r.exc_info) for r in caplog.records] == [
        (
            f"{state}: a write failed ([Errno 28] No space left on device); it was refused "
            "and nothing was changed",
            None,
        )
    ]


def test_a_write_after_a_refused_one_lands_and_survives_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.log"
    app = fake(state)
    client = app.test_client()
    monkeypatch.setattr(log_of(app), "_put_bytes", half_then_disk_full(state))
    client.post("/api/v2/tickets", json={**TICKET, "subject": "refused"}, headers=ADMIN)
    monkeypatch.undo()
    [ticket_id] = create_tickets(client, 1)
    assert subjects(fake(state).test_client(), [ticket_id, ticket_id + 1]) == ["t0", None]


def test_a_failed_write_that_cannot_be_undone_breaks_the_log_and_later_writes_get_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.log"
    app = fake(state)
    client = app.test_client()
    write_log = log_of(app)
    monkeypatch.setattr(write_log, "_put_bytes", half_then_disk_full(state))
    monkeypatch.setattr(write_log, "_truncate", refusing)
    assert client.post("/api/v2/tickets", json=TICKET, headers=ADMIN).status_code == 503
    monkeypatch.undo()  # the disk works again, but what is in the file is not known
    later = client.put("/api/v2/tickets/10234", json={"priority": 4}, headers=ADMIN)
    assert (later.status_code, later.get_json()) == (503, {"message": "Service Unavailable"})
    again = fake(state).test_client()
    assert again.get("/api/v2/tickets/10234", headers=ADMIN).get_json()["ticket"]["priority"] == 3


def test_a_reset_the_log_refuses_leaves_the_account_serving_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.log"
    app = fake(state)
    client = app.test_client()
    client.put("/api/v2/tickets/10234", json={"priority": 4}, headers=ADMIN)
    monkeypatch.setattr(log_of(app), "_put_bytes", refusing)
    assert client.post("/_mock/reset", json={"account": ACME}).status_code == 500
    monkeypatch.undo()
    assert (
        client.put("/api/v2/tickets/10236", json={"priority": 4}, headers=ADMIN).status_code == 200
    )
    again = fake(state).test_client()
    for ticket_id in (10234, 10236):
        priority = again.get(f"/api/v2/tickets/{ticket_id}", headers=ADMIN).get_json()["ticket"]
        assert priority["priority"] == 4


def test_a_start_whose_reseed_cannot_be_logged_exits_1_naming_the_state_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state, scenario = tmp_path / "state.log", tmp_path / "seed.yaml"
    scenario.write_text("description: d\ndataset: {seed: 99}\n")  # a reseed, logged at start
    monkeypatch.setattr(WriteLog, "_put_bytes", lambda self, line: refusing(line))
    monkeypatch.setattr(startup, "make_server", lambda *args: pytest.fail("it went on to serve"))
    argv = ["serve", "--now", NOW.isoformat(), "--state", str(state), "--scenario", str(scenario)]
    assert cli.main(argv) == 1
    assert capsys.readouterr().err == (
        f"mock-freshservice: {state}: the write could not be saved; nothing was changed\n"
    )


# -- paths that cannot be a state file ---------------------------------------------------------


def test_a_folder_is_refused_as_a_state_file(tmp_path: Path) -> None:
    with pytest.raises(StateFileError, match="is a folder; --state needs a file"):
        fake(tmp_path)


def test_a_named_pipe_is_refused_as_a_state_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(StateFileError, match="not a regular file"):
        fake(tmp_path / "pipe")


def test_a_state_file_whose_folder_cannot_be_made_is_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    (tmp_path / "plain").write_text("")
    with pytest.raises(
        StateFileError, match=r"cannot create the state file's folder .*: Not a directory"
    ):
        fake(tmp_path / "plain" / "sub" / "state.log")


def test_activities_and_tasks_of_a_ticket_whose_records_are_all_damaged_stay_behind(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.log"
    client = fake(state).test_client()
    [ticket_id] = create_tickets(client, 1)
    client.put(f"/api/v2/tickets/{ticket_id}", json={"priority": 4}, headers=ADMIN)
    task = {"title": "lost", "description": "d"}
    assert (
        client.post(f"/api/v2/tickets/{ticket_id}/tasks", json=task, headers=ADMIN).status_code
        == 201
    )
    for line in ticket_lines(state):
        flip_byte(state, line)
    again = fake(state).test_client()
    assert create_tickets(again, 1) == [ticket_id]
    timeline = again.get(f"/api/v2/tickets/{ticket_id}/activities", headers=ADMIN).get_json()
    assert [a["content"].startswith("created ticket") for a in timeline["activities"]] == [True]
    tasks = again.get(f"/api/v2/tickets/{ticket_id}/tasks", headers=ADMIN).get_json()
    assert tasks["tasks"] == []
