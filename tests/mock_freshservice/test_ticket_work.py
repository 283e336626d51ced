"""A ticket's tasks and time entries: on the engine under the hand-written tickets, with what the
ticket sections document (Blocked tasks, the timer's rules, one running timer per agent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mock_freshservice.clock import DataClock
from mock_freshservice.state import EXTENSION, FakeState
from tests.conftest import NOW

PRIYA = 21000000001
SAM = 21000000002
TICKET = 10234
OTHER_TICKET = 1023
DELETED_TICKET = 10200
BASE = f"/api/v2/tickets/{TICKET}"


def create(client: FlaskClient, headers: dict[str, str], path: str, **body: Any) -> Any:
    response = client.post(f"{BASE}/{path}", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def entry(client: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    found = create(client, headers, "time_entries", **{"agent_id": PRIYA, **body})
    return found["time_entry"]


def errors_of(response: Any) -> dict[str, tuple[str, str]]:
    assert response.status_code == 400, response.get_json()
    return {e["field"]: (e["message"], e["code"]) for e in response.get_json()["errors"]}


def advance(app: Flask, seconds: int) -> None:
    """Freeze the fake's data clock `seconds` later (generated data keeps its anchor)."""
    state: FakeState = app.extensions[EXTENSION]
    later = DataClock(datetime.fromtimestamp(state.clock.now() + seconds, UTC))
    later.anchor = state.clock.anchor
    state.clock = later


# -- tasks --------------------------------------------------------------------------------------


def test_a_task_is_created_under_the_ticket_with_its_workspace(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    task = create(client, admin, "tasks", title="Supply a laptop", description="For the new hire")[
        "task"
    ]
    assert list(task) == [
        "id",
        "agent_id",
        "status",
        "due_date",
        "notify_before",
        "title",
        "description",
        "created_at",
        "updated_at",
        "closed_at",
        "group_id",
        "workspace_id",
    ]
    assert (task["status"], task["workspace_id"]) == (1, 2)
    listed = client.get(f"{BASE}/tasks", headers=admin).get_json()["tasks"]
    assert task in listed


def test_a_task_may_be_blocked(client: FlaskClient, admin: dict[str, str]) -> None:
    task = create(client, admin, "tasks", title="t", description="d", status=4)["task"]
    assert task["status"] == 4


def test_a_completed_task_is_closed(client: FlaskClient, admin: dict[str, str]) -> None:
    task = create(client, admin, "tasks", title="t", description="d")["task"]
    done = client.put(f"{BASE}/tasks/{task['id']}", json={"status": 3}, headers=admin)
    assert done.get_json()["task"]["closed_at"] == "2026-11-02T12:00:00Z"


def test_a_task_of_another_ticket_is_not_found_under_this_one(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    task = create(client, admin, "tasks", title="t", description="d")["task"]
    other = client.get(f"/api/v2/tickets/{OTHER_TICKET}/tasks/{task['id']}", headers=admin)
    assert other.status_code == 404


def test_a_deleted_ticket_takes_no_new_task_but_keeps_its_list(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    path = f"/api/v2/tickets/{DELETED_TICKET}/tasks"
    refused = client.post(path, json={"title": "t", "description": "d"}, headers=admin)
    assert refused.status_code == 404
    assert client.get(path, headers=admin).status_code == 200


def test_a_requester_may_not_see_a_tickets_tasks(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    assert client.get(f"{BASE}/tasks", headers=requester).status_code == 403


def test_tasks_of_a_ticket_that_does_not_exist_are_404(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert client.get("/api/v2/tickets/99999999/tasks", headers=admin).status_code == 404


def test_some_of_the_newest_tickets_are_seeded_with_tasks_and_time_entries(app: Flask) -> None:
    state: FakeState = app.extensions[EXTENSION]
    acme = state.accounts["acme.freshservice.com"]
    tasks = acme.resource_tables["tickets__tasks"]
    entries = acme.resource_tables["tickets__time_entries"]
    assert len(tasks) > 10 and len(entries) > 5
    owners = {r["_parent"] for r in [*tasks.all(), *entries.all()]}
    assert owners <= set(acme.tickets.ids)
    assert all(r["agent_id"] is None or r["agent_id"] in acme.agents for r in tasks.all())


# -- time entries ---------------------------------------------------------------------------------


def test_a_time_entry_has_the_documented_keys_and_the_tickets_workspace(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    made = entry(client, admin, time_spent="03:00", note="test_entry")
    assert list(made) == [
        "id",
        "created_at",
        "updated_at",
        "start_time",
        "timer_running",
        "billable",
        "time_spent",
        "executed_at",
        "task_id",
        "workspace_id",
        "note",
        "agent_id",
        "custom_fields",
    ]
    assert (made["time_spent"], made["timer_running"], made["billable"]) == ("03:00", False, True)
    assert made["workspace_id"] == 2


def test_a_body_wrapped_in_time_entry_is_taken_as_the_samples_send_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"{BASE}/time_entries",
        json={"time_entry": {"note": "test_entry", "time_spent": "03:00", "agent_id": PRIYA}},
        headers=admin,
    )
    assert response.status_code == 201
    assert response.get_json()["time_entry"]["note"] == "test_entry"


def test_time_spent_is_required_unless_a_timer_starts(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(f"{BASE}/time_entries", json={"agent_id": PRIYA}, headers=admin)
    assert errors_of(response) == {"time_spent": ("It should be a/an String", "missing_field")}


def test_time_spent_cannot_be_given_with_a_running_timer(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"{BASE}/time_entries",
        json={"agent_id": PRIYA, "timer_running": True, "time_spent": "01:00"},
        headers=admin,
    )
    assert errors_of(response)["time_spent"][1] == "incompatible_field"


def test_start_time_and_workspace_id_are_read_only(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"{BASE}/time_entries",
        json={"agent_id": PRIYA, "time_spent": "01:00", "start_time": "2026-11-01T10:00:00Z"},
        headers=admin,
    )
    assert errors_of(response) == {
        "start_time": ("Unexpected/invalid field in request", "invalid_field")
    }


def test_executed_at_cannot_be_in_the_future(client: FlaskClient, admin: dict[str, str]) -> None:
    later = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = client.post(
        f"{BASE}/time_entries",
        json={"agent_id": PRIYA, "time_spent": "01:00", "executed_at": later},
        headers=admin,
    )
    assert errors_of(response) == {
        "executed_at": ("Has to be lesser than current time", "invalid_value")
    }


def test_stopping_a_timer_adds_the_minutes_it_ran(
    app: Flask, client: FlaskClient, admin: dict[str, str]
) -> None:
    running = entry(client, admin, timer_running=True)
    assert (running["timer_running"], running["time_spent"]) == (True, "00:00")
    advance(app, 90 * 60)
    stopped = client.put(
        f"{BASE}/time_entries/{running['id']}", json={"timer_running": False}, headers=admin
    ).get_json()["time_entry"]
    assert (stopped["timer_running"], stopped["time_spent"]) == (False, "01:30")


def test_a_restarted_timer_starts_again_from_now(
    app: Flask, client: FlaskClient, admin: dict[str, str]
) -> None:
    made = entry(client, admin, time_spent="00:10")
    advance(app, 600)
    restarted = client.put(
        f"{BASE}/time_entries/{made['id']}", json={"timer_running": True}, headers=admin
    ).get_json()["time_entry"]
    assert restarted["start_time"] == "2026-11-02T12:10:00Z"
    assert restarted["time_spent"] == "00:10"


def test_timer_running_cannot_be_set_to_what_it_is(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    made = entry(client, admin, time_spent="00:10")
    response = client.put(
        f"{BASE}/time_entries/{made['id']}", json={"timer_running": False}, headers=admin
    )
    assert errors_of(response) == {
        "timer_running": ("Can't set to the same value as before", "invalid_value")
    }


def test_time_spent_cannot_change_while_the_timer_runs(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    running = entry(client, admin, timer_running=True)
    response = client.put(
        f"{BASE}/time_entries/{running['id']}", json={"time_spent": "02:00"}, headers=admin
    )
    assert errors_of(response)["time_spent"][1] == "incompatible_field"


def test_starting_a_timer_stops_the_agents_other_running_timer(
    app: Flask, client: FlaskClient, admin: dict[str, str]
) -> None:
    first = entry(client, admin, timer_running=True)
    advance(app, 45 * 60)
    response = client.post(
        f"/api/v2/tickets/{OTHER_TICKET}/time_entries",
        json={"agent_id": PRIYA, "timer_running": True},
        headers=admin,
    )
    assert response.status_code == 201
    before = client.get(f"{BASE}/time_entries/{first['id']}", headers=admin).get_json()
    assert (before["time_entry"]["timer_running"], before["time_entry"]["time_spent"]) == (
        False,
        "00:45",
    )


def test_another_agents_timer_keeps_running(client: FlaskClient, admin: dict[str, str]) -> None:
    first = entry(client, admin, timer_running=True)
    entry(client, admin, timer_running=True, agent_id=SAM)
    kept = client.get(f"{BASE}/time_entries/{first['id']}", headers=admin).get_json()
    assert kept["time_entry"]["timer_running"] is True


def test_a_task_id_must_name_a_task_of_the_ticket_assigned_to_the_agent(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    mine = create(client, admin, "tasks", title="t", description="d", agent_id=PRIYA)["task"]
    theirs = create(client, admin, "tasks", title="t", description="d", agent_id=SAM)["task"]
    assert entry(client, admin, time_spent="00:30", task_id=mine["id"])["task_id"] == mine["id"]
    response = client.post(
        f"{BASE}/time_entries",
        json={"agent_id": PRIYA, "time_spent": "00:30", "task_id": theirs["id"]},
        headers=admin,
    )
    assert errors_of(response)["task_id"][1] == "invalid_value"


def test_deleting_a_time_entry_answers_200(client: FlaskClient, admin: dict[str, str]) -> None:
    made = entry(client, admin, time_spent="00:10")
    response = client.delete(f"{BASE}/time_entries/{made['id']}", headers=admin)
    assert response.status_code == 200
    gone = client.get(f"{BASE}/time_entries/{made['id']}", headers=admin)
    assert gone.status_code == 404
