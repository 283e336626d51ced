"""Many threads at once, as under waitress: no lost updates, no duplicate requesters, no 500s."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from mock_freshservice import FakeSettings, create_app
from tests.conftest import NOW, basic

ADMIN = basic("demo-acme-admin-key")


@pytest.fixture(autouse=True)
def switch_threads_often() -> Iterator[None]:
    """Make the interpreter switch threads very often, so races show up."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.fixture
def fake() -> Flask:
    return create_app(FakeSettings(now=NOW, plan="unlimited"))


def request(fake: Flask, method: str, path: str, body: dict[str, object]) -> Callable[[], None]:
    def send() -> None:
        fake.test_client().open(path, method=method, json=body, headers=ADMIN)

    return send


def run_together(*jobs: Callable[[], None]) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_concurrent_updates_to_different_fields_both_stick(fake: Flask) -> None:
    for round_ in range(100):
        priority, status = 1 + round_ % 4, 2 + round_ % 4
        run_together(
            request(fake, "PUT", "/api/v2/tickets/10234", {"priority": priority}),
            request(fake, "PUT", "/api/v2/tickets/10234", {"status": status}),
        )
        ticket = fake.test_client().get("/api/v2/tickets/10234", headers=ADMIN).get_json()["ticket"]
        assert (ticket["priority"], ticket["status"]) == (priority, status)


def test_a_note_racing_an_update_keeps_the_update(fake: Flask) -> None:
    for round_ in range(100):
        priority = 1 + round_ % 4
        run_together(
            request(fake, "POST", "/api/v2/tickets/1023/notes", {"body": "x"}),
            request(fake, "PUT", "/api/v2/tickets/1023", {"priority": priority}),
        )
        ticket = fake.test_client().get("/api/v2/tickets/1023", headers=ADMIN).get_json()["ticket"]
        assert ticket["priority"] == priority


def test_parallel_creates_for_one_new_email_make_one_requester(fake: Flask) -> None:
    body = {
        "subject": "s",
        "description": "d",
        "email": "brand.new@acme.com",
        "status": 2,
        "priority": 1,
    }
    run_together(
        *[lambda: fake.test_client().post("/api/v2/tickets", json=body, headers=ADMIN)] * 6
    )
    found = (
        fake.test_client()
        .get("/api/v2/requesters?email=brand.new%40acme.com", headers=ADMIN)
        .get_json()
    )
    assert len(found["requesters"]) == 1


def test_lists_during_writes_never_fail(fake: Flask) -> None:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def writer() -> None:
        client = fake.test_client()
        for n in range(40):
            body = {
                "subject": f"w{n}",
                "description": "d",
                "email": "john@acme.com",
                "status": 2,
                "priority": 1,
            }
            response = client.post("/api/v2/tickets", json=body, headers=ADMIN)
            with lock:
                statuses[response.status_code] += 1

    def reader() -> None:
        client = fake.test_client()
        for query in [
            "",
            "filter=new_and_my_open",
            "updated_since=2000-01-01",
            "order_type=asc",
        ] * 10:
            response = client.get(f"/api/v2/tickets?{query}", headers=ADMIN)
            with lock:
                statuses[response.status_code] += 1

    run_together(writer, writer, reader, reader, reader, reader)
    assert set(statuses) == {200, 201}
