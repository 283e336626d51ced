"""Canned responses and their folders: a folder counts and lists its responses, one record is
served at the reference's plural path and at the OpenAPI file's singular one."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

Headers = dict[str, str]


def _folders(client: FlaskClient, admin: Headers) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        "/api/v2/canned_response_folders", headers=admin
    ).get_json()["canned_response_folders"]
    return found


def _responses_of(client: FlaskClient, admin: Headers, folder_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        f"/api/v2/canned_response_folders/{folder_id}/canned_responses", headers=admin
    ).get_json()["canned_responses"]
    return found


def _new_response(client: FlaskClient, admin: Headers, folder_id: int) -> dict[str, Any]:
    response = client.post(
        "/api/v2/canned_responses",
        json={
            "title": "VPN fixed",
            "folder_id": folder_id,
            "content_html": "<p>Try <b>now</b></p>",
        },
        headers=admin,
    )
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()["canned_response"]
    return created


def test_each_seeded_folder_counts_the_responses_it_lists(
    client: FlaskClient, admin: Headers
) -> None:
    for folder in _folders(client, admin):
        assert folder["responses_count"] == len(_responses_of(client, admin, folder["id"]))


def test_a_created_response_has_its_plain_text_and_joins_its_folder(
    client: FlaskClient, admin: Headers
) -> None:
    folder = _folders(client, admin)[0]
    created = _new_response(client, admin, folder["id"])
    assert created["content"] == "Try now"
    assert created["id"] in [r["id"] for r in _responses_of(client, admin, folder["id"])]
    counted = _folders(client, admin)[0]["responses_count"]
    assert counted == folder["responses_count"] + 1


def test_a_response_moved_to_another_folder_changes_both_counts(
    client: FlaskClient, admin: Headers
) -> None:
    first, second = _folders(client, admin)[:2]
    created = _new_response(client, admin, first["id"])
    client.put(
        f"/api/v2/canned_responses/{created['id']}",
        json={"folder_id": second["id"]},
        headers=admin,
    )
    after = {f["id"]: f["responses_count"] for f in _folders(client, admin)}
    assert (after[first["id"]], after[second["id"]]) == (
        first["responses_count"], second["responses_count"] + 1,
    )  # fmt: skip


def test_one_response_is_served_at_the_plural_and_the_singular_path(
    client: FlaskClient, admin: Headers
) -> None:
    created = _new_response(client, admin, _folders(client, admin)[0]["id"])
    plural = client.get(f"/api/v2/canned_responses/{created['id']}", headers=admin)
    singular = client.get(f"/api/v2/canned_response/{created['id']}", headers=admin)
    assert plural.get_json() == singular.get_json() == {"canned_response": created}
    client.delete(f"/api/v2/canned_response/{created['id']}", headers=admin)
    assert client.get(f"/api/v2/canned_responses/{created['id']}", headers=admin).status_code == 404


def test_a_response_in_a_folder_that_does_not_exist_is_refused(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.post(
        "/api/v2/canned_responses",
        json={"title": "x", "folder_id": 1, "content_html": "<p>x</p>"},
        headers=admin,
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["folder_id"]


def test_a_deleted_folder_takes_its_responses_with_it(client: FlaskClient, admin: Headers) -> None:
    folder = _folders(client, admin)[0]
    inside = _responses_of(client, admin, folder["id"])
    deleted = client.delete(f"/api/v2/canned_response_folder/{folder['id']}", headers=admin)
    assert deleted.status_code == 204
    for response in inside:
        gone = client.get(f"/api/v2/canned_responses/{response['id']}", headers=admin)
        assert gone.status_code == 404
    listed = client.get(
        f"/api/v2/canned_response_folders/{folder['id']}/canned_responses", headers=admin
    )
    assert listed.status_code == 404


def test_a_folder_name_already_taken_is_409(client: FlaskClient, admin: Headers) -> None:
    taken = _folders(client, admin)[0]["name"]
    response = client.post(
        "/api/v2/canned_response_folders", json={"name": taken.lower()}, headers=admin
    )
    assert response.status_code == 409


def test_agents_read_canned_responses_and_only_admins_write_them(
    client: FlaskClient, agent: Headers
) -> None:
    assert client.get("/api/v2/canned_responses", headers=agent).status_code == 200
    response = client.post("/api/v2/canned_response_folders", json={"name": "Mine"}, headers=agent)
    assert response.status_code == 403
