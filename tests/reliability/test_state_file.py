"""`--state FILE` under attack: kill -9 in the middle of writes, a torn last record, a flipped
byte, a disk that takes only part of a write, and paths that cannot be a state file.

Real `mock-freshservice` processes on loopback; what they print on stderr is part of the answer.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_KEY
from tests.processes import FAKE_COMMAND, Fake, running_fake

ACME = "acme.freshservice.com"
SERVER_ERROR = {"message": "We're sorry, but something went wrong."}


def serving(state: Path) -> contextlib.AbstractContextManager[Fake]:
    return running_fake("--plan", "unlimited", "--state", str(state))


def ticket(subject: str, description: str = "d") -> dict[str, Any]:
    return {
        "subject": subject,
        "description": description,
        "email": "john@acme.com",
        "status": 2,
        "priority": 1,
    }


def create(fake: Fake, subjects: list[str]) -> list[int]:
    created = []
    for subject in subjects:
        response = fake.api("POST", "/tickets", ADMIN_KEY, json=ticket(subject))
        assert response.status_code == 201, response.text
        created.append(response.json()["ticket"]["id"])
    return created


def subjects_of(fake: Fake, ticket_ids: list[int]) -> list[str | None]:
    found: list[str | None] = []
    for ticket_id in ticket_ids:
        response = fake.api("GET", f"/tickets/{ticket_id}", ADMIN_KEY)
        found.append(response.json()["ticket"]["subject"] if response.status_code == 200 else None)
    return found


def ticket_count(fake: Fake) -> int:
    accounts = fake.admin("GET", "accounts")["accounts"]
    return int(next(a["counts"]["tickets"] for a in accounts if a["domain"] == ACME))


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


SUBJECTS = [f"ticket {n}" for n in range(10)]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[int]]:
    """A state file with ten tickets created (its bytes) and their ids: one start, shared."""
    state = tmp_path_factory.mktemp("written") / "state.log"
    with serving(state) as fake:
        created = create(fake, SUBJECTS)
    return state.read_bytes(), created


@pytest.fixture
def state(tmp_path: Path, written: tuple[bytes, list[int]]) -> Path:
    """A copy of the shared state file, for one test to damage."""
    path = tmp_path / "state.log"
    path.write_bytes(written[0])
    return path


# -- kill -9 ---------------------------------------------------------------------------------

ROUNDS = 10
WRITERS = 3


class Acknowledged:
    """Every write the fake answered with 201, from every writer thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tickets: dict[int, str] = {}
        self.notes: dict[int, dict[int, str]] = {}  # ticket id → note id → body
        self.reused: list[int] = []  # ticket ids answered twice: the first was lost
        self.refused: list[str] = []  # answers other than 201 while the fake ran

    def ticket(self, ticket_id: int, subject: str) -> None:
        with self.lock:
            if ticket_id in self.tickets:
                self.reused.append(ticket_id)
            self.tickets[ticket_id] = subject

    def note(self, ticket_id: int, note_id: int, body: str) -> None:
        with self.lock:
            self.notes.setdefault(ticket_id, {})[note_id] = body

    def count(self) -> int:
        with self.lock:
            return len(self.tickets) + sum(map(len, self.notes.values()))


def write_until_killed(url: str, name: str, seen: Acknowledged, stop: threading.Event) -> None:
    """Create tickets, each with a note, until the fake dies; record what was acknowledged."""
    with httpx.Client(base_url=f"{url}/api/v2", auth=(ADMIN_KEY, "X"), timeout=10) as client:
        n = 0
        while not stop.is_set():
            n += 1
            subject = f"{name} ticket {n}"
            try:
                created = client.post("/tickets", json=ticket(subject))
                if created.status_code != 201:
                    seen.refused.append(f"{subject}: {created.status_code} {created.text}")
                    return
                ticket_id = created.json()["ticket"]["id"]
                seen.ticket(ticket_id, subject)
                body = f"{name} note {n}"
                note = client.post(f"/tickets/{ticket_id}/notes", json={"body": body})
                if note.status_code != 201:
                    seen.refused.append(f"{body}: {note.status_code} {note.text}")
                    return
                seen.note(ticket_id, note.json()["conversation"]["id"], body)
            except httpx.TransportError:
                return  # killed under us: this write was never acknowledged


def test_every_acknowledged_write_survives_ten_kill_9s_in_the_middle_of_writes(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.log"
    seed = random.randrange(1 << 32)
    moments = random.Random(seed)
    seen = Acknowledged()
    for round_ in range(ROUNDS):
        with serving(state) as fake:
            assert "Traceback" not in fake.stderr()
            before, stop = seen.count(), threading.Event()
            writers = [
                threading.Thread(
                    target=write_until_killed,
                    args=(fake.url, f"round {round_} writer {w}", seen, stop),
                )
                for w in range(WRITERS)
            ]
            for writer in writers:
                writer.start()
            deadline = time.monotonic() + 20
            while seen.count() == before and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(moments.uniform(0, 0.5))  # a random moment, with writes in flight
            os.kill(fake.process.pid, signal.SIGKILL)
            fake.process.wait(timeout=10)
            stop.set()
            for writer in writers:
                writer.join(timeout=20)
            assert seen.count() > before, f"round {round_} acknowledged nothing (seed {seed})"
    assert (seen.reused, seen.refused) == ([], []), f"seed {seed}"

    with serving(state) as fake:
        wanted = sorted(seen.tickets)
        assert subjects_of(fake, wanted) == [seen.tickets[t] for t in wanted], f"seed {seed}"
        for ticket_id, notes in seen.notes.items():
            listed = fake.api(
                "GET", f"/tickets/{ticket_id}/conversations?per_page=100", ADMIN_KEY
            ).json()["conversations"]
            ids = [c["id"] for c in listed]
            assert len(ids) == len(set(ids)), f"ticket {ticket_id}: a note twice (seed {seed})"
            bodies = {c["id"]: c["body_text"] for c in listed}
            assert {n: bodies.get(n) for n in notes} == notes, f"seed {seed}"
        assert "Traceback" not in fake.stderr()


# -- damage ----------------------------------------------------------------------------------


def test_a_torn_last_record_is_dropped_with_a_notice_and_later_writes_survive_a_restart(
    state: Path, written: tuple[bytes, list[int]]
) -> None:
    created = written[1]
    last = lines(state)[-1]
    with state.open("ab") as torn:  # what a crash in the middle of a write leaves
        torn.write(last[: len(last) // 2])

    with serving(state) as fake:
        stderr = fake.stderr()
        assert "dropped a torn last record" in stderr
        assert "Traceback" not in stderr
        assert subjects_of(fake, created) == SUBJECTS
        later = create(fake, ["one more"])

    with serving(state) as fake:
        assert subjects_of(fake, created + later) == [*SUBJECTS, "one more"]
        assert "torn" not in fake.stderr()


def test_a_flipped_byte_in_a_middle_record_is_reported_kept_aside_and_every_later_record_read(
    state: Path, written: tuple[bytes, list[int]]
) -> None:
    created = written[1]
    before = lines(state)
    # counting from 1: the line of "ticket 3" (a create also writes the ticket's first activity)
    damaged_line = 1 + next(n for n, line in enumerate(before) if b'"subject":"ticket 3"' in line)
    offset = sum(map(len, before[: damaged_line - 1]))
    at = offset + before[damaged_line - 1].index(b'"subject"')
    raw = bytearray(state.read_bytes())
    raw[at] ^= 0x01  # a quote becomes '#'
    state.write_bytes(bytes(raw))
    damaged = bytes(raw[offset : offset + len(before[damaged_line - 1])])

    with serving(state) as fake:
        assert subjects_of(fake, created) == [s if s != "ticket 3" else None for s in SUBJECTS]
        stderr = fake.stderr()
        assert f"line {damaged_line} (byte {offset})" in stderr
        assert "Traceback" not in stderr
    side_file = state.with_name("state.log.damaged")
    kept = side_file.read_bytes()
    assert kept.endswith(b"\n" + damaged)

    with serving(state) as fake:
        assert subjects_of(fake, created[4:]) == SUBJECTS[4:]
        assert "line " not in fake.stderr()
    assert side_file.read_bytes() == kept


# -- a disk that takes only part of a write --------------------------------------------------


def limit_file_size(fake: Fake, limit: int) -> None:
    """No file of the fake may grow past `limit` from now on (RLIM_INFINITY: no limit again).

    A write that would grow one past it writes what fits, then fails with EFBIG, as a full disk
    fails with ENOSPC (Python ignores SIGXFSZ, the signal that would otherwise kill the fake).
    Only the soft limit moves, so lifting it again needs no privilege.
    """
    _, hard = resource.prlimit(fake.process.pid, resource.RLIMIT_FSIZE)
    resource.prlimit(fake.process.pid, resource.RLIMIT_FSIZE, (limit, hard))


TOO_BIG = ticket("too big", "x" * 30_000)


def test_a_write_the_disk_takes_only_part_of_is_refused_and_the_next_write_fits(
    state: Path, written: tuple[bytes, list[int]]
) -> None:
    limit = state.stat().st_size + 8_000  # room for a small ticket, not for a 30 kB one

    with serving(state) as fake:
        limit_file_size(fake, limit)
        tickets = ticket_count(fake)
        too_big = fake.api("POST", "/tickets", ADMIN_KEY, json=TOO_BIG)
        assert (too_big.status_code, too_big.json()) == (500, SERVER_ERROR)
        assert ticket_count(fake) == tickets
        [fits] = create(fake, ["fits"])  # only if the half-written record was cut away
        stderr = fake.stderr()
        assert "a write failed ([Errno 27] File too large); it was refused" in stderr
        assert "Traceback" not in stderr

    with serving(state) as fake:
        assert subjects_of(fake, [written[1][0], fits]) == ["ticket 0", "fits"]
        assert ticket_count(fake) == tickets + 1


def test_writes_acknowledged_after_one_that_failed_half_way_survive_a_restart(
    state: Path, written: tuple[bytes, list[int]]
) -> None:
    with serving(state) as fake:
        tickets = ticket_count(fake)
        limit_file_size(fake, state.stat().st_size + 8_000)  # the disk fills up …
        assert fake.api("POST", "/tickets", ADMIN_KEY, json=TOO_BIG).status_code == 500
        limit_file_size(fake, resource.RLIM_INFINITY)  # … and has room again
        later = create(fake, ["after 1", "after 2", "after 3"])

    with serving(state) as fake:
        assert subjects_of(fake, later) == ["after 1", "after 2", "after 3"]
        assert ticket_count(fake) == tickets + 3


# -- paths that cannot be a state file -------------------------------------------------------

PR_CAPBSET_DROP = 24
# The capabilities that let root read and write any file whatever its mode.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def as_an_ordinary_user() -> None:
    """In the child: file modes hold for it as they do for any user (root keeps its uid but
    loses the capabilities that override them; another user has nothing to lose)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@contextlib.contextmanager
def a_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    yield tmp_path, f"is a folder; --state needs a file (e.g. {tmp_path / 'state.log'})"


@contextlib.contextmanager
def an_unwritable_state_file(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    state = tmp_path / "state.log"  # a real state file: the test's `state` fixture put it there
    state.chmod(0o444)
    yield state, "cannot write to the state file: Permission denied"


@contextlib.contextmanager
def a_missing_folder_in_an_unwritable_one(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        yield (
            locked / "missing" / "state.log",
            f"cannot create the state file's folder {locked / 'missing'}: Permission denied",
        )
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize(
    "unusable", [a_folder, an_unwritable_state_file, a_missing_folder_in_an_unwritable_one]
)
def test_a_state_path_that_cannot_be_used_is_a_usage_error_naming_it_and_why(
    state: Path,
    tmp_path: Path,
    unusable: Callable[[Path], contextlib.AbstractContextManager[tuple[Path, str]]],
) -> None:
    with unusable(tmp_path) as (state, reason):
        started = subprocess.run(
            [*FAKE_COMMAND, "serve", "--port", "0", "--state", str(state)],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=as_an_ordinary_user,
        )
    assert (started.returncode, started.stderr) == (2, f"mock-freshservice: {state}: {reason}\n")
