"""Problems, the first resource on the declarative engine: list, view, create, update, delete and
restore, their notes, tasks and time entries, form fields, and Freshservice's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from tests.conftest import NOW, basic

ADMIN = basic("demo-acme-admin-key")
AGENT = basic("demo-acme-agent-key")
REQUESTER = basic("demo-acme-requester-key")
PRIYA = 21000000001
VALID = {
    "subject": "Email server 3 unreachable",
    "description": "<div>Every night at <b>2 am</b>.</div>",
    "requester_id": PRIYA,
    "priority": 2,
    "status": 1,
    "impact": 3,
    "due_by": "2026-12-20T10:00:00Z",
}


def created(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v2/problems", json={**VALID, **changes}, headers=ADMIN)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json()["problem"])


def listed_ids(client: FlaskClient, query: str = "") -> list[int]:
    response = client.get(f"/api/v2/problems?per_page=100{query}", headers=ADMIN)
    assert response.status_code == 200
    return [p["id"] for p in response.get_json()["problems"]]


def test_the_list_pages_with_a_link_to_the_next_page(client: FlaskClient) -> None:
    first = client.get("/api/v2/problems?per_page=3", headers=ADMIN)
    assert len(first.get_json()["problems"]) == 3
    assert first.headers["Link"].endswith('/api/v2/problems?per_page=3&page=2>; rel="next"')
    last = client.get("/api/v2/problems?per_page=100", headers=ADMIN)
    assert "Link" not in last.headers


def test_a_list_item_leaves_out_the_long_fields_a_view_has(client: FlaskClient) -> None:
    item = client.get("/api/v2/problems?per_page=1", headers=ADMIN).get_json()["problems"][0]
    viewed = client.get(f"/api/v2/problems/{item['id']}", headers=ADMIN).get_json()["problem"]
    assert "analysis_fields" in viewed and "analysis_fields" not in item
    assert {k: viewed[k] for k in item} == item


def test_a_create_fills_defaults_and_the_plain_text_and_says_where_it_lives(
    client: FlaskClient,
) -> None:
    response = client.post("/api/v2/problems", json=VALID, headers=ADMIN)
    problem = response.get_json()["problem"]
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v2/problems/{problem['id']}")
    assert problem["description_text"] == "Every night at 2 am ."
    assert (problem["workspace_id"], problem["known_error"], problem["custom_fields"]) == (
        2,
        False,
        {},
    )
    assert problem["due_by"] == "2026-12-20T10:00:00Z"
    assert client.get(f"/api/v2/problems/{problem['id']}", headers=ADMIN).get_json() == {
        "problem": problem
    }


def test_a_create_names_every_missing_field_with_its_values(client: FlaskClient) -> None:
    response = client.post("/api/v2/problems", json={"subject": "x"}, headers=ADMIN)
    errors = {e["field"]: (e["message"], e["code"]) for e in response.get_json()["errors"]}
    assert response.status_code == 400
    assert errors["priority"] == ("It should be one of these values: '1,2,3,4'", "missing_field")
    assert errors["requester_id"] == ("It should be a/an Positive Integer", "missing_field")
    assert set(errors) == {"requester_id", "description", "priority", "status", "impact", "due_by"}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"id": 5}, "id", "invalid_field"),
        ({"description_text": "x"}, "description_text", "invalid_field"),
        ({"priority": "high"}, "priority", "datatype_mismatch"),
        ({"status": 9}, "status", "invalid_value"),
        ({"agent_id": 99}, "agent_id", "invalid_value"),
        ({"due_by": "next week"}, "due_by", "invalid_value"),
        ({"known_error": "yes"}, "known_error", "datatype_mismatch"),
    ],
)
def test_a_bad_field_is_named_with_freshservices_code(
    client: FlaskClient, body: dict[str, Any], field: str, code: str
) -> None:
    response = client.post("/api/v2/problems", json={**VALID, **body}, headers=ADMIN)
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.get_json()["errors"]] == [(field, code)]


def test_an_update_changes_only_what_it_names_and_moves_updated_at(client: FlaskClient) -> None:
    problem = created(client)
    response = client.put(
        f"/api/v2/problems/{problem['id']}", json={"status": 3, "agent_id": PRIYA}, headers=ADMIN
    )
    updated = response.get_json()["problem"]
    assert response.status_code == 200
    assert (updated["status"], updated["agent_id"], updated["subject"]) == (
        3,
        PRIYA,
        VALID["subject"],
    )


def test_an_empty_update_is_missing_params(client: FlaskClient) -> None:
    problem = created(client)
    response = client.put(f"/api/v2/problems/{problem['id']}", json={}, headers=ADMIN)
    assert response.status_code == 400
    assert response.get_json()["code"] == "missing_params"


def test_a_deleted_problem_leaves_the_list_refuses_updates_and_comes_back_on_restore(
    client: FlaskClient,
) -> None:
    problem = created(client)
    assert client.delete(f"/api/v2/problems/{problem['id']}", headers=ADMIN).status_code == 204
    assert problem["id"] not in listed_ids(client)
    refused = client.put(f"/api/v2/problems/{problem['id']}", json={"status": 3}, headers=ADMIN)
    assert refused.status_code == 405
    restored = client.put(f"/api/v2/problems/{problem['id']}/restore", headers=ADMIN)
    assert restored.status_code == 204
    assert problem["id"] in listed_ids(client)


def test_a_missing_problem_is_a_404(client: FlaskClient) -> None:
    assert client.get("/api/v2/problems/99999", headers=ADMIN).status_code == 404


def test_updated_since_keeps_recently_changed_problems(client: FlaskClient) -> None:
    problem = created(client)
    assert listed_ids(client, "&updated_since=2026-11-02T11:00:00Z") == [problem["id"]]


def test_an_unknown_query_parameter_is_refused(client: FlaskClient) -> None:
    response = client.get("/api/v2/problems?status=1", headers=ADMIN)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["code"] == "invalid_field"


def test_a_requester_may_not_see_problems_and_a_restricted_agent_may_not_create(
    client: FlaskClient,
) -> None:
    assert client.get("/api/v2/problems", headers=REQUESTER).status_code == 403
    assert client.get("/api/v2/problems", headers=AGENT).status_code == 200
    assert client.post("/api/v2/problems", json=VALID, headers=AGENT).status_code == 403


def test_notes_belong_to_their_problem(client: FlaskClient) -> None:
    problem = created(client)
    note = client.post(
        f"/api/v2/problems/{problem['id']}/notes", json={"body": "<p>Found it.</p>"}, headers=ADMIN
    )
    assert note.status_code == 201
    body = note.get_json()["note"]
    assert (body["body_text"], body["user_id"]) == ("Found it.", PRIYA)
    listed = client.get(f"/api/v2/problems/{problem['id']}/notes", headers=ADMIN).get_json()
    assert [n["id"] for n in listed["notes"]] == [body["id"]]
    other = created(client)
    elsewhere = client.get(f"/api/v2/problems/{other['id']}/notes/{body['id']}", headers=ADMIN)
    assert elsewhere.status_code == 404


def test_notes_of_a_problem_that_does_not_exist_are_a_404(client: FlaskClient) -> None:
    response = client.post("/api/v2/problems/99999/notes", json={"body": "x"}, headers=ADMIN)
    assert response.status_code == 404


def test_a_completed_task_is_closed_and_a_reopened_one_is_not(client: FlaskClient) -> None:
    problem = created(client)
    path = f"/api/v2/problems/{problem['id']}/tasks"
    task = client.post(path, json={"title": "Logs", "description": "Collect"}, headers=ADMIN)
    task_id = task.get_json()["task"]["id"]
    done = client.put(f"{path}/{task_id}", json={"status": 3}, headers=ADMIN).get_json()["task"]
    assert done["closed_at"] == "2026-11-02T12:00:00Z"
    again = client.put(f"{path}/{task_id}", json={"status": 2}, headers=ADMIN).get_json()["task"]
    assert again["closed_at"] is None


def test_a_time_entry_timer_starts_and_stopping_it_adds_the_time(client: FlaskClient) -> None:
    problem = created(client)
    path = f"/api/v2/problems/{problem['id']}/time_entries"
    entry = client.post(
        path, json={"agent_id": PRIYA, "timer_running": True, "time_spent": "00:30"}, headers=ADMIN
    ).get_json()["time_entry"]
    assert (entry["timer_running"], entry["start_time"]) == (True, "2026-11-02T12:00:00Z")
    stopped = client.put(f"{path}/{entry['id']}", json={"timer_running": False}, headers=ADMIN)
    assert stopped.get_json()["time_entry"]["time_spent"] == "00:30"  # the data clock is frozen
    bad = client.post(path, json={"agent_id": PRIYA, "time_spent": "1 hour"}, headers=ADMIN)
    assert bad.get_json()["errors"][0]["field"] == "time_spent"


def test_the_form_lists_the_fields_a_client_may_send(client: FlaskClient) -> None:
    fields = client.get("/api/v2/problem_form_fields", headers=ADMIN).get_json()["problem_fields"]
    by_name = {f["name"]: f for f in fields}
    assert by_name["status"]["choices"] == [
        {"id": 1, "value": "Open"},
        {"id": 2, "value": "Change Requested"},
        {"id": 3, "value": "Closed"},
    ]
    assert by_name["requester"]["required"] is True
    assert "description_text" not in by_name


def test_seeded_problems_name_agents_groups_and_departments_that_exist(
    client: FlaskClient,
) -> None:
    problems = client.get("/api/v2/problems?per_page=100", headers=ADMIN).get_json()["problems"]
    assert len(problems) >= 8
    for problem in problems:
        for field, path in (("agent_id", "agents"), ("requester_id", "agents")):
            if problem[field] is not None:
                found = client.get(f"/api/v2/{path}/{problem[field]}", headers=ADMIN)
                assert found.status_code == 200, (field, problem[field])


def test_problems_written_with_state_come_back_after_a_restart(tmp_path: Path) -> None:
    settings = FakeSettings(now=NOW, state=tmp_path / "state.log")
    first = create_app(settings).test_client()
    kept = created(first)
    gone = created(first, subject="Temporary")
    note = first.post(f"/api/v2/problems/{kept['id']}/notes", json={"body": "n"}, headers=ADMIN)
    assert first.delete(f"/api/v2/problems/{gone['id']}", headers=ADMIN).status_code == 204
    again = create_app(settings).test_client()
    assert again.get(f"/api/v2/problems/{kept['id']}", headers=ADMIN).get_json()["problem"] == kept
    notes = again.get(f"/api/v2/problems/{kept['id']}/notes", headers=ADMIN).get_json()["notes"]
    assert [n["id"] for n in notes] == [note.get_json()["note"]["id"]]
    assert gone["id"] not in listed_ids(again)
