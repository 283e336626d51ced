"""Releases: list, view, create, update, delete (200, as documented) and restore, their checks,
build and test plans, assets, filters, form fields, notes, privileges, seeded links and
persistence."""

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
    "subject": "Quarterly patch release",
    "priority": 2,
    "status": 1,
    "release_type": 2,
    "planned_start_date": "2026-11-10T00:00:00Z",
    "planned_end_date": "2026-11-12T00:00:00Z",
}


def created(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v2/releases", json={**VALID, **changes}, headers=ADMIN)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json()["release"])


def listed(client: FlaskClient, query: str = "") -> list[Any]:
    response = client.get(f"/api/v2/releases?per_page=100{query}", headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["releases"])


def listed_ids(client: FlaskClient, query: str = "") -> list[int]:
    return [r["id"] for r in listed(client, query)]


def errors_of(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.get_json()
    return [(e["field"], e["code"]) for e in response.get_json()["errors"]]


def test_a_create_without_a_description_is_accepted_as_the_docs_sample_is(
    client: FlaskClient,
) -> None:
    response = client.post("/api/v2/releases", json=VALID, headers=ADMIN)
    release = response.get_json()["release"]
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v2/releases/{release['id']}")
    assert (release["description"], release["description_text"]) == (None, None)
    assert (release["workspace_id"], release["work_start_date"], release["assets"]) == (2, None, [])
    assert (release["associated_changes"], release["planning_fields"]) == ([], {})


def test_a_list_item_leaves_out_the_description(client: FlaskClient) -> None:
    release = created(client, description="<p>Patch Tuesday</p>")
    item = next(r for r in listed(client) if r["id"] == release["id"])
    assert set(release) - set(item) == {"description", "description_text"}
    assert release["description_text"] == "Patch Tuesday"


def test_a_create_names_every_missing_field(client: FlaskClient) -> None:
    response = client.post("/api/v2/releases", json={"category": "x"}, headers=ADMIN)
    assert {field for field, _ in errors_of(response)} == {
        "priority", "status", "release_type", "subject", "planned_start_date", "planned_end_date",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"associated_changes": [1]}, "associated_changes", "invalid_field"),
        ({"status": 6}, "status", "invalid_value"),
        ({"release_type": "minor"}, "release_type", "datatype_mismatch"),
        ({"agent_id": 99}, "agent_id", "invalid_value"),
        ({"work_start_date": "tomorrow"}, "work_start_date", "invalid_value"),
        ({"assets": [{"display_id": 999999}]}, "assets", "invalid_value"),
        (
            {"planning_fields": {"rollout_plan": {"description": "x"}}},
            "rollout_plan",
            "invalid_field",
        ),
    ],
)
def test_a_bad_field_is_named_with_freshservices_code(
    client: FlaskClient, body: dict[str, Any], field: str, code: str
) -> None:
    response = client.post("/api/v2/releases", json={**VALID, **body}, headers=ADMIN)
    assert errors_of(response) == [(field, code)]


def test_work_that_ends_before_it_starts_is_refused_on_the_end(client: FlaskClient) -> None:
    response = client.post(
        "/api/v2/releases",
        json={
            **VALID,
            "work_start_date": "2026-11-10T08:00:00Z",
            "work_end_date": "2026-11-10T07:00:00Z",
        },
        headers=ADMIN,
    )
    assert errors_of(response) == [("work_end_date", "invalid_value")]


def test_assets_are_answered_whole_and_by_display_id(client: FlaskClient) -> None:
    release = created(client, assets=[{"display_id": 3}])
    assert [a["display_id"] for a in release["assets"]] == [3]
    assert release["associated_assets"] == [3]


def test_build_and_test_plans_carry_their_plain_text(client: FlaskClient) -> None:
    release = created(client, planning_fields={"test_plan": {"description": "<p>Regression</p>"}})
    assert release["planning_fields"] == {
        "test_plan": {"description": "<p>Regression</p>", "description_text": "Regression"}
    }


def test_a_delete_answers_200_and_restore_brings_the_release_back(client: FlaskClient) -> None:
    release = created(client)
    deleted = client.delete(f"/api/v2/releases/{release['id']}", headers=ADMIN)
    assert (deleted.status_code, deleted.get_data()) == (200, b"")
    assert release["id"] not in listed_ids(client)
    assert listed_ids(client, "&filter_name=deleted") == [release["id"]]
    restored = client.put(f"/api/v2/releases/{release['id']}/restore", headers=ADMIN)
    assert restored.status_code == 204
    assert release["id"] in listed_ids(client)


def test_deleting_a_deleted_release_is_404(client: FlaskClient) -> None:
    release = created(client)
    client.delete(f"/api/v2/releases/{release['id']}", headers=ADMIN)
    assert client.delete(f"/api/v2/releases/{release['id']}", headers=ADMIN).status_code == 404


@pytest.mark.parametrize(("name", "status"), [("completed", 5), ("incompleted", 4)])
def test_filter_name_keeps_releases_in_its_status(
    client: FlaskClient, name: str, status: int
) -> None:
    made = created(client, status=status)
    found = listed(client, f"&filter_name={name}")
    assert made["id"] in [r["id"] for r in found]
    assert {r["status"] for r in found} == {status}


def test_unassigned_keeps_releases_without_an_agent(client: FlaskClient) -> None:
    assigned = created(client, agent_id=PRIYA)
    found = listed(client, "&filter_name=unassigned")
    assert assigned["id"] not in [r["id"] for r in found]
    assert all(r["agent_id"] is None for r in found)


def test_the_form_lists_the_release_fields_with_their_choices(client: FlaskClient) -> None:
    fields = client.get("/api/v2/release_form_fields", headers=ADMIN).get_json()["release_fields"]
    by_name = {f["name"]: f for f in fields}
    assert [c["value"] for c in by_name["status"]["choices"]] == [
        "Open", "On Hold", "In Progress", "Incomplete", "Completed",
    ]  # fmt: skip
    assert by_name["release_type"]["required"] is True


def test_notes_belong_to_their_release(client: FlaskClient) -> None:
    release = created(client)
    path = f"/api/v2/releases/{release['id']}/notes"
    note = client.post(path, json={"body": "<p>Go.</p>"}, headers=ADMIN)
    assert note.status_code == 201
    assert [n["id"] for n in client.get(path, headers=ADMIN).get_json()["notes"]] == [
        note.get_json()["note"]["id"]
    ]


def test_a_requester_may_not_see_releases_and_a_restricted_agent_may_only_look(
    client: FlaskClient,
) -> None:
    assert client.get("/api/v2/releases", headers=REQUESTER).status_code == 403
    assert client.get("/api/v2/releases", headers=AGENT).status_code == 200
    assert client.post("/api/v2/releases", json=VALID, headers=AGENT).status_code == 403


def test_a_seeded_release_and_its_changes_name_each_other(client: FlaskClient) -> None:
    releases = listed(client)
    assert len(releases) >= 4
    shipping = [r for r in releases if r["associated_changes"]]
    assert shipping
    for release in shipping:
        for change_id in release["associated_changes"]:
            change = client.get(f"/api/v2/changes/{change_id}", headers=ADMIN).get_json()["change"]
            assert change["associated_release"] == release["id"]
        for display_id in release["associated_assets"]:
            assert client.get(f"/api/v2/assets/{display_id}", headers=ADMIN).status_code == 200


def test_a_seeded_release_is_completed_only_when_its_changes_are_closed(
    client: FlaskClient,
) -> None:
    completed = [r for r in listed(client, "&filter_name=completed") if r["associated_changes"]]
    assert completed
    for release in completed:
        for change_id in release["associated_changes"]:
            change = client.get(f"/api/v2/changes/{change_id}", headers=ADMIN).get_json()["change"]
            assert change["status"] == 6


def test_releases_written_with_state_come_back_after_a_restart(tmp_path: Path) -> None:
    settings = FakeSettings(now=NOW, state=tmp_path / "state.log")
    first = create_app(settings).test_client()
    kept = created(first, assets=[{"display_id": 3}])
    gone = created(first, subject="Temporary")
    assert first.delete(f"/api/v2/releases/{gone['id']}", headers=ADMIN).status_code == 200
    again = create_app(settings).test_client()
    assert again.get(f"/api/v2/releases/{kept['id']}", headers=ADMIN).get_json()["release"] == kept
    assert gone["id"] in listed_ids(again, "&filter_name=deleted")
