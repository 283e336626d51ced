"""Two fresh fakes with the same seed, dataset and data clock answer the same requests alike."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from mock_freshservice import FakeSettings, create_app
from tests.conftest import NOW, basic

KEYS = [
    "demo-acme-admin-key",
    "demo-acme-agent-key",
    "demo-acme-requester-key",
    "demo-globex-admin-key",
]


def mixed_requests(count: int) -> list[tuple[str, str, str, Any]]:
    """A fixed, varied stream: lists, views, creates, updates, notes and failures."""
    rng = random.Random(20261126)
    requests: list[tuple[str, str, str, Any]] = []
    ticket_ids = [1023, 10234, 10236, 9850, 9999, 10100, 1, 42, 77, 424242]
    for n in range(count):
        key = rng.choice(KEYS)
        ticket = rng.choice(ticket_ids)
        kind = rng.randrange(12)
        if kind == 0:
            query = rng.choice(
                [
                    "",
                    "per_page=5",
                    "filter=new_and_my_open",
                    "updated_since=2026-01-01&per_page=50",
                    "include=stats",
                    "order_type=asc&page=2",
                    "workspace_id=0",
                    "type=Incident",
                    "filter=bogus",
                    "per_page=500",
                ]
            )
            requests.append(("GET", f"/api/v2/tickets?{query}", key, None))
        elif kind == 1:
            requests.append(
                ("GET", f"/api/v2/tickets/{ticket}?include=conversations,stats", key, None)
            )
        elif kind == 2:
            body = {
                "subject": f"Request {n}",
                "description": f"<p>Details {n}</p>",
                "email": rng.choice(["john@acme.com", f"user{n}@example.com"]),
                "status": rng.choice([2, 3]),
                "priority": rng.choice([1, 2, 3, 4]),
                "tags": rng.sample(["a", "b", "c"], k=rng.randrange(3)),
            }
            requests.append(("POST", "/api/v2/tickets", key, body))
        elif kind == 3:
            body = rng.choice(
                [{"priority": 3}, {"status": 4}, {"tags": ["x"]}, {}, {"workspace_id": 3}]
            )
            requests.append(("PUT", f"/api/v2/tickets/{ticket}", key, body))
        elif kind == 4:
            requests.append(
                (
                    "POST",
                    f"/api/v2/tickets/{ticket}/notes",
                    key,
                    {"body": f"note {n}", "private": rng.random() < 0.5},
                )
            )
        elif kind == 5:
            requests.append(("GET", f"/api/v2/tickets/{ticket}/conversations", key, None))
        elif kind == 6:
            requests.append(
                (
                    "GET",
                    rng.choice(
                        ["/api/v2/agents", "/api/v2/agents/me", "/api/v2/agents?active=true"]
                    ),
                    key,
                    None,
                )
            )
        elif kind == 7:
            requests.append(
                (
                    "GET",
                    rng.choice(
                        [
                            "/api/v2/requesters?per_page=10",
                            "/api/v2/requesters?email=john%40acme.com",
                            "/api/v2/requesters?include_agents=true",
                        ]
                    ),
                    key,
                    None,
                )
            )
        elif kind == 8:
            requests.append(
                (
                    "GET",
                    rng.choice(
                        ["/api/v2/workspaces", "/api/v2/workspaces/3", "/api/v2/workspaces/1"]
                    ),
                    key,
                    None,
                )
            )
        elif kind == 9:
            requests.append(
                ("POST", "/api/v2/tickets", key, {"subject": 5, "priority": "high", "extra": True})
            )
        elif kind == 10:
            requests.append(("DELETE", "/api/v2/tickets", key, None))
        else:
            requests.append(("GET", "/api/v2/tickets", rng.choice(["", "not-a-key"]), None))
    return requests


def digest_of_run(requests: list[tuple[str, str, str, Any]]) -> tuple[str, dict[int, int]]:
    app = create_app(FakeSettings(now=NOW))
    client = app.test_client()
    digest = hashlib.sha256()
    statuses: dict[int, int] = {}
    for method, path, key, body in requests:
        headers = basic(key) if key else {}
        response = client.open(path, method=method, json=body, headers=headers)
        digest.update(f"{method} {path} {response.status_code}\n".encode())
        digest.update(response.get_data())
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return digest.hexdigest(), statuses


def test_two_fresh_fakes_answer_250_mixed_requests_identically() -> None:
    requests = mixed_requests(250)
    first, statuses = digest_of_run(requests)
    second, _ = digest_of_run(requests)
    assert first == second
    # The stream really is mixed: successes, creations and several kinds of failure.
    assert {200, 201, 400, 401, 403, 404, 405} <= set(statuses)


def itsm_bytes() -> bytes:
    """Every seeded problem, change, release and project of acme, listed and viewed."""
    client = create_app(FakeSettings(now=NOW)).test_client()
    headers = basic("demo-acme-admin-key")
    found = b""
    for path in ("problems", "changes", "releases", "projects"):
        listed = client.get(f"/api/v2/{path}?per_page=100", headers=headers)
        found += listed.get_data()
        for record in listed.get_json()[path]:
            found += client.get(f"/api/v2/{path}/{record['id']}", headers=headers).get_data()
            children = "tasks" if path == "projects" else "notes"
            found += client.get(
                f"/api/v2/{path}/{record['id']}/{children}", headers=headers
            ).get_data()
    return found


def test_two_fresh_fakes_seed_the_same_problems_changes_releases_and_projects() -> None:
    first = itsm_bytes()
    assert b'"changes":[{' in first and b'"tasks":[{' in first
    assert first == itsm_bytes()
