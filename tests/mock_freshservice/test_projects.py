"""Projects under /api/v2/projects: create, view, update, list with its filters, archive and
restore, delete once archived, and tasks with subtasks, reminders and filters; privileges, seeded
links and persistence."""

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
SAM = 21000000002
VALID = {
    "title": "Intranet site development",
    "description": "Project for the intranet",
    "start_date": "2026-11-01",
    "end_date": "2026-11-30",
}
NOTICE = {"type": "BEFORE_START_DATE", "value": "20", "time_unit": "minutes"}


def created(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v2/projects", json={**VALID, **changes}, headers=ADMIN)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json()["project"])


def task_of(client: FlaskClient, project_id: int, **body: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v2/projects/{project_id}/tasks", json={"title": "Gather", **body}, headers=ADMIN
    )
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json()["task"])


def listed_ids(client: FlaskClient, query: str = "") -> list[int]:
    response = client.get(f"/api/v2/projects?per_page=100{query}", headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return [p["id"] for p in response.get_json()["projects"]]


def task_ids(client: FlaskClient, project_id: int, query: str = "") -> list[int]:
    response = client.get(f"/api/v2/projects/{project_id}/tasks?per_page=100{query}", headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return [t["id"] for t in response.get_json()["tasks"]]


def errors_of(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.get_json()
    return [(e["field"], e["code"]) for e in response.get_json()["errors"]]


def test_a_create_answers_its_days_as_their_first_and_last_second(client: FlaskClient) -> None:
    project = created(client)
    assert (project["start_date"], project["end_date"]) == (
        "2026-11-01T00:00:00.000Z",
        "2026-11-30T23:59:59.000Z",
    )
    assert project["created_at"] == "2026-11-02T12:00:00.000Z"


def test_a_create_keeps_a_plain_description_as_html_and_fills_defaults(
    client: FlaskClient,
) -> None:
    project = created(client)
    assert (project["description"], project["description_text"]) == (
        "<div>Project for the intranet</div>",
        "Project for the intranet",
    )
    assert (project["status"], project["priority"], project["user_id"], project["owner_id"]) == (
        1,
        2,
        PRIYA,
        PRIYA,
    )
    assert (project["archived"], project["deleted"], project["closed_at"]) == (False, False, None)


def test_a_create_names_every_missing_field(client: FlaskClient) -> None:
    response = client.post("/api/v2/projects", json={"priority": 1}, headers=ADMIN)
    assert {field for field, _ in errors_of(response)} == {"title", "start_date", "end_date"}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"start_date": "2026-11-01T09:00:00Z"}, "start_date", "invalid_value"),
        ({"status": 4}, "status", "invalid_value"),
        ({"owner_id": 99}, "owner_id", "invalid_value"),
        ({"archived": True}, "archived", "invalid_field"),
        ({"end_date": "2026-10-31"}, "end_date", "invalid_value"),
    ],
)
def test_a_bad_field_is_named_with_freshservices_code(
    client: FlaskClient, body: dict[str, Any], field: str, code: str
) -> None:
    response = client.post("/api/v2/projects", json={**VALID, **body}, headers=ADMIN)
    assert errors_of(response) == [(field, code)]


def test_a_project_may_end_on_the_day_it_starts(client: FlaskClient) -> None:
    project = created(client, end_date="2026-11-01")
    assert project["end_date"] == "2026-11-01T23:59:59.000Z"


def test_completing_a_project_closes_it_and_reopening_it_does_not(client: FlaskClient) -> None:
    project = created(client)
    path = f"/api/v2/projects/{project['id']}"
    done = client.put(path, json={"status": 3}, headers=ADMIN).get_json()["project"]
    assert done["closed_at"] == "2026-11-02T12:00:00.000Z"
    again = client.put(path, json={"status": 2}, headers=ADMIN).get_json()["project"]
    assert again["closed_at"] is None


def test_an_archived_project_leaves_the_list_and_is_listed_when_asked_for(
    client: FlaskClient,
) -> None:
    project = created(client)
    archived = client.post(f"/api/v2/projects/{project['id']}/archive", headers=ADMIN)
    assert archived.status_code == 200
    assert (
        archived.get_json()["project"]["archived"],
        archived.get_json()["project"]["deleted"],
    ) == (
        True,
        True,
    )
    assert project["id"] not in listed_ids(client)
    assert project["id"] not in listed_ids(client, "&filter=all")
    assert project["id"] in listed_ids(client, "&archived=true")
    assert listed_ids(client, "&filter=archived") == listed_ids(client, "&archived=true")


def test_an_archived_project_is_read_only_until_restored(client: FlaskClient) -> None:
    project = created(client)
    path = f"/api/v2/projects/{project['id']}"
    client.post(f"{path}/archive", headers=ADMIN)
    refused = client.put(path, json={"title": "Renamed"}, headers=ADMIN)
    assert refused.status_code == 405
    assert client.get(path, headers=ADMIN).status_code == 200
    restored = client.post(f"{path}/restore", headers=ADMIN)
    assert restored.get_json()["project"]["archived"] is False
    assert client.put(path, json={"title": "Renamed"}, headers=ADMIN).status_code == 200


def test_a_project_is_deleted_only_once_archived_and_then_for_good(client: FlaskClient) -> None:
    project = created(client)
    task = task_of(client, project["id"])
    path = f"/api/v2/projects/{project['id']}"
    refused = client.delete(path, headers=ADMIN)
    assert refused.status_code == 405
    client.post(f"{path}/archive", headers=ADMIN)
    assert client.delete(path, headers=ADMIN).status_code == 204
    assert client.get(path, headers=ADMIN).status_code == 404
    assert client.get(f"{path}/tasks/{task['id']}", headers=ADMIN).status_code == 404
    assert client.post(f"{path}/restore", headers=ADMIN).status_code == 404


@pytest.mark.parametrize(("status", "name"), [(1, "open"), (2, "in_progress"), (3, "completed")])
def test_the_status_filter_keeps_projects_in_that_status(
    client: FlaskClient, status: int, name: str
) -> None:
    project = created(client, status=status)
    response = client.get(f"/api/v2/projects?status={name}", headers=ADMIN)
    found = response.get_json()["projects"]
    assert project["id"] in [p["id"] for p in found]
    assert {p["status"] for p in found} == {status}


def test_filter_completed_keeps_completed_projects(client: FlaskClient) -> None:
    open_one = created(client)
    done = created(client, status=3)
    found = listed_ids(client, "&filter=completed")
    assert done["id"] in found and open_one["id"] not in found


def test_updated_since_is_not_a_project_list_parameter(client: FlaskClient) -> None:
    response = client.get("/api/v2/projects?updated_since=2026-01-01T00:00:00Z", headers=ADMIN)
    assert errors_of(response) == [("updated_since", "invalid_field")]


def test_a_task_takes_its_reminder_amount_as_a_string_too(client: FlaskClient) -> None:
    project = created(client)
    task = task_of(client, project["id"], notify=NOTICE, start_date="2026-11-03T09:00:00Z")
    assert task["notify"] == {"type": "BEFORE_START_DATE", "value": 20, "time_unit": "minutes"}
    assert (task["project_id"], task["user_id"], task["has_subtasks"]) == (
        project["id"],
        PRIYA,
        False,
    )


def test_a_task_without_a_reminder_shows_never(client: FlaskClient) -> None:
    project = created(client)
    assert task_of(client, project["id"])["notify"] == "Never"


@pytest.mark.parametrize(
    "notify",
    [
        {**NOTICE, "value": 5},
        {**NOTICE, "time_unit": "weeks", "value": 5},
        {**NOTICE, "type": "AFTER_START_DATE"},
        {**NOTICE, "value": 0},
    ],
)
def test_a_reminder_out_of_its_range_or_shape_is_refused(
    client: FlaskClient, notify: dict[str, Any]
) -> None:
    project = created(client)
    response = client.post(
        f"/api/v2/projects/{project['id']}/tasks",
        json={"title": "x", "notify": notify},
        headers=ADMIN,
    )
    assert errors_of(response) == [("notify", "invalid_value")]


def test_a_subtask_marks_its_parent_and_names_the_root(client: FlaskClient) -> None:
    project = created(client)
    top = task_of(client, project["id"])
    middle = task_of(client, project["id"], parent_id=top["id"])
    bottom = task_of(client, project["id"], parent_id=middle["id"])
    assert (middle["root_id"], bottom["root_id"]) == (top["id"], top["id"])
    path = f"/api/v2/projects/{project['id']}/tasks/{top['id']}"
    assert client.get(path, headers=ADMIN).get_json()["task"]["has_subtasks"] is True


def test_deleting_a_task_deletes_its_subtasks_and_unmarks_a_childless_parent(
    client: FlaskClient,
) -> None:
    project = created(client)
    top = task_of(client, project["id"])
    middle = task_of(client, project["id"], parent_id=top["id"])
    bottom = task_of(client, project["id"], parent_id=middle["id"])
    path = f"/api/v2/projects/{project['id']}/tasks"
    assert client.delete(f"{path}/{middle['id']}", headers=ADMIN).status_code == 204
    assert task_ids(client, project["id"]) == [top["id"]]
    assert client.get(f"{path}/{bottom['id']}", headers=ADMIN).status_code == 404
    assert (
        client.get(f"{path}/{top['id']}", headers=ADMIN).get_json()["task"]["has_subtasks"] is False
    )


def test_a_parent_task_must_belong_to_the_same_project(client: FlaskClient) -> None:
    first, second = created(client), created(client)
    elsewhere = task_of(client, first["id"])
    response = client.post(
        f"/api/v2/projects/{second['id']}/tasks",
        json={"title": "x", "parent_id": elsewhere["id"]},
        headers=ADMIN,
    )
    assert errors_of(response) == [("parent_id", "invalid_value")]


def test_a_task_cannot_move_under_another_parent(client: FlaskClient) -> None:
    project = created(client)
    task = task_of(client, project["id"])
    response = client.put(
        f"/api/v2/projects/{project['id']}/tasks/{task['id']}", json={"parent_id": 1}, headers=ADMIN
    )
    assert errors_of(response) == [("parent_id", "invalid_field")]


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("filter=completed", "done"),
        ("filter=inprogress", "busy"),
        ("filter=in_progress", "busy"),
        ("filter=overdue", "late"),
        ("filter=unassigned", "late"),
        ("filter=root", "parent"),
    ],
)
def test_the_task_filters_keep_the_tasks_they_name(
    client: FlaskClient, query: str, kept: str
) -> None:
    project = created(client)
    tasks = {
        "done": task_of(
            client, project["id"], status=3, owner_id=SAM, end_date="2026-10-01T00:00:00Z"
        ),
        "busy": task_of(client, project["id"], status=2, owner_id=SAM),
        "late": task_of(client, project["id"], end_date="2026-10-01T00:00:00Z"),
    }
    tasks["child"] = task_of(client, project["id"], parent_id=tasks["busy"]["id"], owner_id=SAM)
    tasks["parent"] = tasks["busy"]
    found = task_ids(client, project["id"], f"&{query}")
    if kept == "parent":
        assert found == [tasks["done"]["id"], tasks["busy"]["id"], tasks["late"]["id"]]
    else:
        assert found == [tasks[kept]["id"]]


def test_parent_id_lists_the_subtasks_of_a_task(client: FlaskClient) -> None:
    project = created(client)
    top = task_of(client, project["id"])
    child = task_of(client, project["id"], parent_id=top["id"])
    task_of(client, project["id"])
    assert task_ids(client, project["id"], f"&parent_id={top['id']}") == [child["id"]]


def test_the_tasks_of_an_archived_project_are_read_only(client: FlaskClient) -> None:
    project = created(client)
    task = task_of(client, project["id"])
    path = f"/api/v2/projects/{project['id']}"
    client.post(f"{path}/archive", headers=ADMIN)
    assert client.post(f"{path}/tasks", json={"title": "x"}, headers=ADMIN).status_code == 405
    assert (
        client.put(f"{path}/tasks/{task['id']}", json={"status": 3}, headers=ADMIN).status_code
        == 405
    )
    assert client.delete(f"{path}/tasks/{task['id']}", headers=ADMIN).status_code == 405
    assert client.get(f"{path}/tasks/{task['id']}", headers=ADMIN).status_code == 200


def test_a_requester_may_not_see_projects_and_a_restricted_agent_may_only_look(
    client: FlaskClient,
) -> None:
    assert client.get("/api/v2/projects", headers=REQUESTER).status_code == 403
    assert client.get("/api/v2/projects", headers=AGENT).status_code == 200
    assert client.post("/api/v2/projects", json=VALID, headers=AGENT).status_code == 403
    project = listed_ids(client)[0]
    assert client.post(f"/api/v2/projects/{project}/archive", headers=AGENT).status_code == 403
    assert client.get(f"/api/v2/projects/{project}/tasks", headers=AGENT).status_code == 200
    response = client.post(f"/api/v2/projects/{project}/tasks", json={"title": "x"}, headers=AGENT)
    assert response.status_code == 403


def test_seeded_tasks_nest_under_tasks_of_their_own_project(client: FlaskClient) -> None:
    projects = listed_ids(client) + listed_ids(client, "&archived=true")
    assert len(projects) >= 3
    nested = 0
    for project_id in projects:
        response = client.get(f"/api/v2/projects/{project_id}/tasks?per_page=100", headers=ADMIN)
        tasks = {t["id"]: t for t in response.get_json()["tasks"]}
        assert tasks
        for task in tasks.values():
            assert task["project_id"] == project_id
            if task["parent_id"] is not None:
                nested += 1
                assert tasks[task["parent_id"]]["has_subtasks"] is True
    assert nested


def test_projects_written_with_state_come_back_after_a_restart(tmp_path: Path) -> None:
    settings = FakeSettings(now=NOW, state=tmp_path / "state.log")
    first = create_app(settings).test_client()
    kept = created(first)
    top = task_of(first, kept["id"])
    child = task_of(first, kept["id"], parent_id=top["id"])
    archived = created(first, title="Old")
    first.post(f"/api/v2/projects/{archived['id']}/archive", headers=ADMIN)
    again = create_app(settings).test_client()
    assert again.get(f"/api/v2/projects/{kept['id']}", headers=ADMIN).get_json()["project"] == kept
    assert task_ids(again, kept["id"]) == [top["id"], child["id"]]
    path = f"/api/v2/projects/{kept['id']}/tasks/{top['id']}"
    assert again.get(path, headers=ADMIN).get_json()["task"]["has_subtasks"] is True
    assert archived["id"] in listed_ids(again, "&archived=true")
