"""Requester groups and their members, added and removed one by one."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

Headers = dict[str, str]


def _new_group(client: FlaskClient, admin: Headers) -> dict[str, Any]:
    response = client.post("/api/v2/requester_groups", json={"name": "Contractors"}, headers=admin)
    assert response.status_code == 201, response.get_json()
    group: dict[str, Any] = response.get_json()["requester_group"]
    return group


def _members(client: FlaskClient, admin: Headers, group_id: int) -> list[int]:
    listed = client.get(f"/api/v2/requester_groups/{group_id}/members", headers=admin)
    return [r["id"] for r in listed.get_json()["requesters"]]


def _a_requester(client: FlaskClient, admin: Headers) -> int:
    first: int = client.get("/api/v2/requesters", headers=admin).get_json()["requesters"][0]["id"]
    return first


def test_a_new_group_is_manual_and_empty(client: FlaskClient, admin: Headers) -> None:
    group = _new_group(client, admin)
    assert group["type"] == "manual"
    assert "members" not in group
    assert _members(client, admin, group["id"]) == []


def test_a_requester_added_is_listed_once_and_removed(client: FlaskClient, admin: Headers) -> None:
    group = _new_group(client, admin)
    requester = _a_requester(client, admin)
    path = f"/api/v2/requester_groups/{group['id']}/members/{requester}"
    assert client.post(path, headers=admin).status_code == 201
    assert client.post(path, headers=admin).status_code == 201
    assert _members(client, admin, group["id"]) == [requester]
    assert client.delete(path, headers=admin).status_code == 204
    assert _members(client, admin, group["id"]) == []
    assert client.delete(path, headers=admin).status_code == 404


def test_only_requesters_join_a_requester_group(client: FlaskClient, admin: Headers) -> None:
    group = _new_group(client, admin)
    me = client.get("/api/v2/agents/me", headers=admin).get_json()["agent"]["id"]
    response = client.post(f"/api/v2/requester_groups/{group['id']}/members/{me}", headers=admin)
    assert response.status_code == 404


def test_the_seeded_groups_have_members_that_exist(client: FlaskClient, admin: Headers) -> None:
    groups = client.get("/api/v2/requester_groups", headers=admin).get_json()["requester_groups"]
    assert [g["name"] for g in groups] == ["All employees", "Managers", "VIP"]
    for group in groups:
        for requester in _members(client, admin, group["id"]):
            assert client.get(f"/api/v2/requesters/{requester}", headers=admin).status_code == 200


def test_agents_read_requester_groups_and_only_admins_change_them(
    client: FlaskClient, admin: Headers, agent: Headers
) -> None:
    group = _new_group(client, admin)
    assert client.get(f"/api/v2/requester_groups/{group['id']}", headers=agent).status_code == 200
    path = f"/api/v2/requester_groups/{group['id']}/members/{_a_requester(client, admin)}"
    assert client.post(path, headers=agent).status_code == 403
