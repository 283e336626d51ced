"""Changes: list, view, create, update, delete and restore, their checks with Freshservice's codes,
planning fields, assets, change windows, filters and order, stats, form fields, notes, tasks and
time entries, privileges, seeded links and persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.state import EXTENSION
from tests.conftest import NOW, basic

ADMIN = basic("demo-acme-admin-key")
AGENT = basic("demo-acme-agent-key")
REQUESTER = basic("demo-acme-requester-key")
PRIYA = 21000000001
SAM = 21000000002
# Acme's change windows: maintenance windows every fortnight around the data clock, and a
# blackout window 40 to 33 days before it.
WINDOW = ids.ranged(ids.CHANGE_WINDOW_BASE, 0, 8)
BLACKOUT = ids.ranged(ids.CHANGE_WINDOW_BASE, 0, 101)
VALID = {
    "subject": "Replace Exchange server ES3",
    "description": "<div>ES3 keeps <b>failing</b>.</div>",
    "requester_id": PRIYA,
    "priority": 2,
    "status": 1,
    "impact": 2,
    "risk": 1,
    "change_type": 2,
    "planned_start_date": "2026-11-10T22:00:00Z",
    "planned_end_date": "2026-11-11T02:00:00Z",
}


def created(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v2/changes", json={**VALID, **changes}, headers=ADMIN)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json()["change"])


def listed(client: FlaskClient, query: str = "", headers: dict[str, str] = ADMIN) -> list[Any]:
    response = client.get(f"/api/v2/changes?per_page=100{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["changes"])


def listed_ids(client: FlaskClient, query: str = "") -> list[int]:
    return [c["id"] for c in listed(client, query)]


def errors_of(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.get_json()
    return [(e["field"], e["code"]) for e in response.get_json()["errors"]]


def test_a_list_item_leaves_out_the_planning_fields_and_associations_a_view_has(
    client: FlaskClient,
) -> None:
    item = listed(client, "&per_page=1")[0]
    viewed = client.get(f"/api/v2/changes/{item['id']}", headers=ADMIN).get_json()["change"]
    only_viewed = {
        "planning_fields", "project_id", "associated_project", "associated_release",
        "associated_problems", "tickets_initiating_change", "incidents_caused_by_change",
    }  # fmt: skip
    assert set(viewed) - set(item) == only_viewed
    assert {k: viewed[k] for k in item} == item


def test_a_create_fills_defaults_and_the_plain_text_and_says_where_it_lives(
    client: FlaskClient,
) -> None:
    response = client.post("/api/v2/changes", json=VALID, headers=ADMIN)
    change = response.get_json()["change"]
    assert response.headers["Location"].endswith(f"/api/v2/changes/{change['id']}")
    assert change["description_text"] == "ES3 keeps failing ."
    assert (change["workspace_id"], change["approval_status"]) == (2, 4)
    assert (change["maintenance_window"], change["blackout_window"], change["assets"]) == (
        {},
        {},
        [],
    )
    assert change["planned_end_date"] == "2026-11-11T02:00:00Z"
    assert client.get(f"/api/v2/changes/{change['id']}", headers=ADMIN).get_json() == {
        "change": change
    }


def test_a_create_may_name_the_requester_by_email(client: FlaskClient) -> None:
    body = {k: v for k, v in VALID.items() if k != "requester_id"}
    response = client.post(
        "/api/v2/changes", json={**body, "email": "sam.okafor@acme.com"}, headers=ADMIN
    )
    assert response.status_code == 201
    assert response.get_json()["change"]["requester_id"] == SAM
    assert "email" not in response.get_json()["change"]


def test_an_email_no_user_has_makes_a_new_requester(client: FlaskClient) -> None:
    body = {k: v for k, v in VALID.items() if k != "requester_id"}
    response = client.post(
        "/api/v2/changes", json={**body, "email": "tom@outerspace.example"}, headers=ADMIN
    )
    requester_id = response.get_json()["change"]["requester_id"]
    requester = client.get(f"/api/v2/requesters/{requester_id}", headers=ADMIN).get_json()
    assert requester["requester"]["primary_email"] == "tom@outerspace.example"


def test_requester_id_wins_over_email(client: FlaskClient) -> None:
    change = created(client, email="sam.okafor@acme.com")
    assert change["requester_id"] == PRIYA


def test_a_create_names_every_missing_field_and_the_requester_alternatives(
    client: FlaskClient,
) -> None:
    response = client.post("/api/v2/changes", json={"subject": "x"}, headers=ADMIN)
    errors = {e["field"]: (e["message"], e["code"]) for e in response.get_json()["errors"]}
    assert response.status_code == 400
    assert errors["requester_id"] == (
        "Please fill at least 1 of requester_id, email fields",
        "missing_field",
    )
    assert errors["risk"] == ("It should be one of these values: '1,2,3,4'", "missing_field")
    assert set(errors) == {
        "description", "requester_id", "priority", "impact", "status", "risk", "change_type",
        "planned_start_date", "planned_end_date",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"id": 5}, "id", "invalid_field"),
        ({"approval_status": 2}, "approval_status", "invalid_field"),
        ({"blackout_window": {}}, "blackout_window", "invalid_field"),
        ({"risk": 5}, "risk", "invalid_value"),
        ({"change_type": "major"}, "change_type", "datatype_mismatch"),
        ({"group_id": 99}, "group_id", "invalid_value"),
        ({"project_id": 99999}, "project_id", "invalid_value"),
        ({"planned_start_date": "soon"}, "planned_start_date", "invalid_value"),
        ({"planned_start_date": None}, "planned_start_date", "datatype_mismatch"),
        ({"assets": [{"display_id": 999999}]}, "assets", "invalid_value"),
        ({"assets": [{"id": 1}]}, "assets", "invalid_value"),
        ({"assets": 1}, "assets", "datatype_mismatch"),
        ({"maintenance_window": {"id": 7}}, "maintenance_window", "invalid_value"),
        ({"maintenance_window": 7}, "maintenance_window", "datatype_mismatch"),
        ({"planning_fields": {"cause": {"description": "x"}}}, "cause", "invalid_field"),
        ({"planning_fields": {"impact": "x"}}, "impact", "datatype_mismatch"),
    ],
)
def test_a_bad_field_is_named_with_freshservices_code(
    client: FlaskClient, body: dict[str, Any], field: str, code: str
) -> None:
    response = client.post("/api/v2/changes", json={**VALID, **body}, headers=ADMIN)
    assert errors_of(response) == [(field, code)]


def test_a_planned_end_before_the_start_is_refused_on_the_end(client: FlaskClient) -> None:
    response = client.post(
        "/api/v2/changes", json={**VALID, "planned_end_date": "2026-11-09T00:00:00Z"}, headers=ADMIN
    )
    assert response.get_json()["errors"] == [
        {
            "field": "planned_end_date",
            "message": "It should not be earlier than planned_start_date",
            "code": "invalid_value",
        }
    ]


def test_an_update_of_the_end_alone_is_checked_against_the_stored_start(
    client: FlaskClient,
) -> None:
    change = created(client)
    response = client.put(
        f"/api/v2/changes/{change['id']}",
        json={"planned_end_date": "2026-11-01T00:00:00Z"},
        headers=ADMIN,
    )
    assert errors_of(response) == [("planned_end_date", "invalid_value")]


def test_assets_are_sent_by_display_id_and_answered_as_assets(client: FlaskClient) -> None:
    change = created(client, assets=[{"display_id": 2}, {"display_id": 1}, {"display_id": 2}])
    asset = client.get("/api/v2/assets/2", headers=ADMIN).get_json()["asset"]
    assert [a["display_id"] for a in change["assets"]] == [2, 1]
    summary = change["assets"][0]
    assert (summary["name"], summary["ci_type_id"], summary["deleted"]) == (
        asset["name"],
        asset["asset_type_id"],
        False,
    )


def test_the_maintenance_window_is_chosen_by_id_and_answered_whole(client: FlaskClient) -> None:
    change = created(client, maintenance_window={"id": WINDOW})
    window = change["maintenance_window"]
    assert window["id"] == WINDOW
    assert set(window) == {"id", "name", "description", "window_start_date", "window_end_date"}
    cleared = client.put(
        f"/api/v2/changes/{change['id']}", json={"maintenance_window": None}, headers=ADMIN
    )
    assert cleared.get_json()["change"]["maintenance_window"] == {}


def test_a_change_planned_in_a_blackout_window_names_it(client: FlaskClient) -> None:
    change = created(
        client,
        planned_start_date="2026-09-25T22:00:00Z",
        planned_end_date="2026-09-26T02:00:00Z",
    )
    assert change["blackout_window"]["id"] == BLACKOUT
    moved = client.put(
        f"/api/v2/changes/{change['id']}",
        json={
            "planned_start_date": "2026-11-20T22:00:00Z",
            "planned_end_date": "2026-11-21T02:00:00Z",
        },
        headers=ADMIN,
    )
    assert moved.get_json()["change"]["blackout_window"] == {}


def test_planning_fields_carry_their_plain_text_and_an_update_adds_to_them(
    client: FlaskClient,
) -> None:
    change = created(client, planning_fields={"rollout_plan": {"description": "<p>Pilot</p>"}})
    assert change["planning_fields"] == {
        "rollout_plan": {"description": "<p>Pilot</p>", "description_text": "Pilot"}
    }
    updated = client.put(
        f"/api/v2/changes/{change['id']}",
        json={"planning_fields": {"backout_plan": {"description": "Undo"}}},
        headers=ADMIN,
    ).get_json()["change"]
    assert set(updated["planning_fields"]) == {"rollout_plan", "backout_plan"}


def test_custom_fields_of_an_update_are_added_to_the_stored_ones(client: FlaskClient) -> None:
    change = created(client, custom_fields={"cab": "weekly"})
    updated = client.put(
        f"/api/v2/changes/{change['id']}", json={"custom_fields": {"site": "HQ"}}, headers=ADMIN
    ).get_json()["change"]
    assert updated["custom_fields"] == {"cab": "weekly", "site": "HQ"}


def test_the_workspace_cannot_be_changed_by_an_update(client: FlaskClient) -> None:
    change = created(client)
    response = client.put(
        f"/api/v2/changes/{change['id']}", json={"workspace_id": 3}, headers=ADMIN
    )
    assert errors_of(response) == [("workspace_id", "invalid_field")]


def test_an_empty_update_is_missing_params(client: FlaskClient) -> None:
    change = created(client)
    response = client.put(f"/api/v2/changes/{change['id']}", json={}, headers=ADMIN)
    assert response.get_json()["code"] == "missing_params"


def test_a_deleted_change_is_listed_only_under_deleted_and_comes_back_on_restore(
    client: FlaskClient,
) -> None:
    change = created(client)
    assert client.delete(f"/api/v2/changes/{change['id']}", headers=ADMIN).status_code == 204
    assert change["id"] not in listed_ids(client)
    assert listed_ids(client, "&filter_name=deleted") == [change["id"]]
    assert client.put(f"/api/v2/changes/{change['id']}/restore", headers=ADMIN).status_code == 204
    assert change["id"] in listed_ids(client)
    assert listed_ids(client, "&filter_name=deleted") == []


def test_updating_a_deleted_change_is_405(client: FlaskClient) -> None:
    change = created(client)
    client.delete(f"/api/v2/changes/{change['id']}", headers=ADMIN)
    response = client.put(f"/api/v2/changes/{change['id']}", json={"status": 2}, headers=ADMIN)
    assert response.status_code == 405


def test_my_open_lists_the_callers_changes_that_are_not_closed(client: FlaskClient) -> None:
    mine = created(client, agent_id=PRIYA)
    closed = created(client, agent_id=PRIYA, status=6)
    others = created(client, agent_id=SAM)
    found = listed_ids(client, "&filter_name=my_open")
    assert mine["id"] in found
    assert closed["id"] not in found and others["id"] not in found
    assert all(
        c["agent_id"] == PRIYA and c["status"] != 6 for c in listed(client, "&filter_name=my_open")
    )


def test_view_takes_the_names_filter_name_does(client: FlaskClient) -> None:
    assert listed_ids(client, "&view=closed") == listed_ids(client, "&filter_name=closed")
    assert all(c["status"] == 6 for c in listed(client, "&view=closed"))


def test_an_unknown_filter_name_is_invalid_value(client: FlaskClient) -> None:
    response = client.get("/api/v2/changes?filter_name=mine", headers=ADMIN)
    assert errors_of(response) == [("filter_name", "invalid_value")]


def test_the_email_filter_finds_what_the_requester_id_filter_does(client: FlaskClient) -> None:
    created(client, requester_id=SAM)
    by_id = listed_ids(client, f"&requester_id={SAM}")
    assert by_id
    assert listed_ids(client, "&email=sam.okafor%40acme.com") == by_id


def test_order_by_and_order_type_sort_the_list(client: FlaskClient) -> None:
    priorities = [c["priority"] for c in listed(client, "&order_by=priority&order_type=asc")]
    assert priorities == sorted(priorities)
    response = client.get("/api/v2/changes?order_by=subject", headers=ADMIN)
    assert errors_of(response) == [("order_by", "invalid_value")]


def test_a_query_in_double_quotes_filters_the_list_as_the_ticket_filter_does(
    client: FlaskClient,
) -> None:
    everything = listed(client, "")
    wanted = {c["id"] for c in everything if c["priority"] == 3 or c["status"] == 1}
    found = listed(client, '&query="priority:3 OR status:1"')
    assert wanted and {c["id"] for c in found} == wanted


def test_a_query_without_double_quotes_or_on_an_unknown_field_is_invalid_value(
    client: FlaskClient,
) -> None:
    for query in ("priority:3", "\"subject:'VPN'\""):
        response = client.get(f"/api/v2/changes?query={query}", headers=ADMIN)
        assert errors_of(response) == [("query", "invalid_value")], query


def test_include_stats_says_when_the_change_was_assigned_and_closed(client: FlaskClient) -> None:
    change = created(client)
    client.put(
        f"/api/v2/changes/{change['id']}", json={"agent_id": SAM, "status": 6}, headers=ADMIN
    )
    viewed = client.get(f"/api/v2/changes/{change['id']}?include=stats", headers=ADMIN)
    assert viewed.get_json()["change"]["stats"] == {
        "closed_at": "2026-11-02T12:00:00Z",
        "assigned_at": "2026-11-02T12:00:00Z",
        "approval_at": None,
    }
    refused = client.get(f"/api/v2/changes/{change['id']}?include=requester", headers=ADMIN)
    assert errors_of(refused) == [("include", "invalid_value")]


def test_the_form_lists_the_change_fields_with_their_choices(client: FlaskClient) -> None:
    response = client.get("/api/v2/change_form_fields", headers=ADMIN)
    by_name = {f["name"]: f for f in response.get_json()["change_fields"]}
    assert [c["value"] for c in by_name["change_type"]["choices"]] == [
        "Minor", "Standard", "Major", "Emergency",
    ]  # fmt: skip
    assert by_name["requester"]["required"] is True
    assert by_name["status"]["choices"][2] == {"id": 3, "value": "Awaiting Approval"}
    assert not {"email", "assets", "planning_fields", "description_text"} & set(by_name)


def test_notes_and_tasks_belong_to_their_change(client: FlaskClient) -> None:
    change = created(client)
    path = f"/api/v2/changes/{change['id']}"
    note = client.post(f"{path}/notes", json={"body": "<p>CAB approved.</p>"}, headers=ADMIN)
    task = client.post(
        f"{path}/tasks", json={"title": "Snapshot", "description": "Before"}, headers=ADMIN
    )
    assert (note.status_code, task.status_code) == (201, 201)
    assert note.get_json()["note"]["body_text"] == "CAB approved."
    notes = client.get(f"{path}/notes", headers=ADMIN).get_json()["notes"]
    assert [n["id"] for n in notes] == [note.get_json()["note"]["id"]]
    other = created(client)
    task_id = task.get_json()["task"]["id"]
    assert (
        client.get(f"/api/v2/changes/{other['id']}/tasks/{task_id}", headers=ADMIN).status_code
        == 404
    )


def test_a_time_entry_is_logged_against_a_change(client: FlaskClient) -> None:
    change = created(client)
    response = client.post(
        f"/api/v2/changes/{change['id']}/time_entries",
        json={"agent_id": SAM, "time_spent": "01:30"},
        headers=ADMIN,
    )
    assert response.status_code == 201
    assert response.get_json()["time_entry"]["time_spent"] == "01:30"


def test_a_change_names_the_project_it_belongs_to(client: FlaskClient) -> None:
    project = client.get("/api/v2/projects?per_page=1", headers=ADMIN).get_json()["projects"][0]
    change = created(client, project_id=project["id"])
    assert (change["project_id"], change["associated_project"]) == (project["id"], project["id"])


def test_a_requester_may_not_see_changes_and_a_restricted_agent_may_only_look(
    client: FlaskClient,
) -> None:
    assert client.get("/api/v2/changes", headers=REQUESTER).status_code == 403
    assert client.get("/api/v2/changes", headers=AGENT).status_code == 200
    assert client.post("/api/v2/changes", json=VALID, headers=AGENT).status_code == 403
    change = listed(client, "&per_page=1")[0]
    assert client.delete(f"/api/v2/changes/{change['id']}", headers=AGENT).status_code == 403


def acme(app: Flask) -> AccountData:
    account = app.extensions[EXTENSION].account_for_host("acme.freshservice.com")
    assert account is not None
    return account


def test_seeded_changes_name_people_teams_assets_and_tickets_that_exist(
    app: Flask, client: FlaskClient
) -> None:
    account = acme(app)
    changes = listed(client)
    assert len(changes) >= 8
    for item in changes:
        change = client.get(f"/api/v2/changes/{item['id']}", headers=ADMIN).get_json()["change"]
        assert change["requester_id"] in account.agents
        assert change["agent_id"] is None or change["agent_id"] in account.agents
        assert change["group_id"] is None or change["group_id"] in account.groups
        assert change["department_id"] is None or change["department_id"] in account.departments
        if change["project_id"] is not None:
            found = client.get(f"/api/v2/projects/{change['project_id']}", headers=ADMIN)
            assert found.status_code == 200
        for asset in change["assets"]:
            found = client.get(f"/api/v2/assets/{asset['display_id']}", headers=ADMIN)
            assert found.status_code == 200
        for ticket in change["tickets_initiating_change"] + change["incidents_caused_by_change"]:
            assert client.get(f"/api/v2/tickets/{ticket}", headers=ADMIN).status_code == 200


def test_a_seeded_change_and_its_problem_name_each_other(client: FlaskClient) -> None:
    linked = [
        change
        for item in listed(client)
        if (
            change := client.get(f"/api/v2/changes/{item['id']}", headers=ADMIN).get_json()[
                "change"
            ]
        )["associated_problems"]
    ]
    assert linked
    for change in linked:
        for problem_id in change["associated_problems"]:
            problem = client.get(f"/api/v2/problems/{problem_id}", headers=ADMIN).get_json()
            assert problem["problem"]["associated_change"] == change["id"]


def test_changes_written_with_state_come_back_after_a_restart(tmp_path: Path) -> None:
    settings = FakeSettings(now=NOW, state=tmp_path / "state.log")
    first = create_app(settings).test_client()
    kept = created(first, planning_fields={"impact": {"description": "Short outage"}})
    gone = created(first, subject="Temporary")
    assert first.delete(f"/api/v2/changes/{gone['id']}", headers=ADMIN).status_code == 204
    again = create_app(settings).test_client()
    assert again.get(f"/api/v2/changes/{kept['id']}", headers=ADMIN).get_json()["change"] == kept
    assert gone["id"] not in listed_ids(again)
    assert gone["id"] in listed_ids(again, "&filter_name=deleted")
