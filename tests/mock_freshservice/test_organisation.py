"""Departments, agent groups and locations: served from the records tickets, agents and assets name, so a
change through the API is seen everywhere at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from tests.conftest import NOW, basic


def _agent_ids(client: FlaskClient, admin: dict[str, str]) -> list[int]:
    agents = client.get("/api/v2/agents?per_page=100", headers=admin).get_json()["agents"]
    return [a["id"] for a in agents]


def _member_of(client: FlaskClient, admin: dict[str, str], agent_id: int) -> list[int]:
    agent = client.get(f"/api/v2/agents/{agent_id}", headers=admin).get_json()["agent"]
    member_of: list[int] = agent["member_of"]
    return member_of


def _new_group(client: FlaskClient, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v2/groups", json={"name": "Network", **body}, headers=admin)
    assert response.status_code == 201, response.get_json()
    group: dict[str, Any] = response.get_json()["group"]
    return group


# -- departments -------------------------------------------------------------------------------


def test_the_seeded_departments_are_listed_with_every_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    departments = client.get("/api/v2/departments", headers=admin).get_json()["departments"]
    assert departments
    assert set(departments[0]) == {
        "id", "name", "description", "head_user_id", "prime_user_id", "domains",
        "custom_fields", "created_at", "updated_at",
    }  # fmt: skip


def test_a_department_is_created_viewed_updated_and_deleted(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post(
        "/api/v2/departments",
        json={"name": "Procurement", "domains": ["procurement.acme.com"]},
        headers=admin,
    )
    assert created.status_code == 201
    department = created.get_json()["department"]
    path = f"/api/v2/departments/{department['id']}"
    assert client.get(path, headers=admin).get_json()["department"]["domains"] == [
        "procurement.acme.com"
    ]
    updated = client.put(path, json={"description": "Contracts"}, headers=admin)
    assert updated.get_json()["department"]["description"] == "Contracts"
    assert client.delete(path, headers=admin).status_code == 204
    assert client.get(path, headers=admin).status_code == 404


def test_a_department_name_already_taken_is_409(client: FlaskClient, admin: dict[str, str]) -> None:
    taken = client.get("/api/v2/departments", headers=admin).get_json()["departments"][0]["name"]
    response = client.post("/api/v2/departments", json={"name": taken.upper()}, headers=admin)
    assert response.status_code == 409
    assert response.get_json()["code"] == "duplicate_value"


def test_a_department_without_a_name_is_refused_naming_the_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/departments", json={"description": "x"}, headers=admin)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["name"]


def test_an_agent_sees_departments_but_only_an_admin_changes_them(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    assert client.get("/api/v2/departments", headers=agent).status_code == 200
    assert client.post("/api/v2/departments", json={"name": "X"}, headers=agent).status_code == 403


def test_department_fields_list_the_form(client: FlaskClient, admin: dict[str, str]) -> None:
    fields = client.get("/api/v2/department_fields", headers=admin).get_json()["department_fields"]
    assert [f["name"] for f in fields][:2] == ["name", "description"]
    assert {f["name"]: f["mandatory"] for f in fields}["name"] is True


def test_a_deleted_department_takes_no_more_tickets_and_leaves_the_ticket_form(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    department = client.post(
        "/api/v2/departments", json={"name": "Temporary"}, headers=admin
    ).get_json()["department"]
    client.delete(f"/api/v2/departments/{department['id']}", headers=admin)
    ticket = {
        "subject": "Desk", "description": "Broken", "email": "ann@acme.com", "priority": 1,
        "status": 2, "department_id": department["id"],
    }  # fmt: skip
    refused = client.post("/api/v2/tickets", json=ticket, headers=admin)
    assert refused.status_code == 400
    assert refused.get_json()["errors"][0]["field"] == "department_id"
    form = client.get("/api/v2/ticket_form_fields", headers=admin).get_json()["ticket_fields"]
    choices = next(f["choices"] for f in form if f["name"] == "department")
    assert "Temporary" not in str(choices)


# -- agent groups ------------------------------------------------------------------------------


def test_a_seeded_groups_members_are_the_agents_that_are_members_of_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    groups = client.get("/api/v2/groups", headers=admin).get_json()["groups"]
    for group in groups:
        for agent_id in group["members"]:
            assert group["id"] in _member_of(client, admin, agent_id)
    assert any(group["members"] for group in groups)


def test_a_new_groups_members_have_it_in_member_of(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    first, second = _agent_ids(client, admin)[:2]
    group = _new_group(client, admin, members=[first], observers=[second])
    assert group["id"] in _member_of(client, admin, first)
    observer = client.get(f"/api/v2/agents/{second}", headers=admin).get_json()["agent"]
    assert group["id"] in observer["observer_of"]


def test_an_agent_dropped_from_a_group_loses_it_from_member_of(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    first, second = _agent_ids(client, admin)[:2]
    group = _new_group(client, admin, members=[first, second])
    client.put(f"/api/v2/groups/{group['id']}", json={"members": [second]}, headers=admin)
    assert group["id"] not in _member_of(client, admin, first)
    assert group["id"] in _member_of(client, admin, second)


def test_a_deleted_group_leaves_its_agents_and_takes_no_tickets(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    first = _agent_ids(client, admin)[0]
    group = _new_group(client, admin, members=[first])
    assert client.delete(f"/api/v2/groups/{group['id']}", headers=admin).status_code == 204
    assert group["id"] not in _member_of(client, admin, first)
    ticket = {
        "subject": "VPN", "description": "Down", "email": "ann@acme.com", "priority": 1,
        "status": 2, "group_id": group["id"],
    }  # fmt: skip
    assert client.post("/api/v2/tickets", json=ticket, headers=admin).status_code == 400


def test_a_new_group_takes_tickets_at_once(client: FlaskClient, admin: dict[str, str]) -> None:
    group = _new_group(client, admin)
    ticket = {
        "subject": "VPN", "description": "Down", "email": "ann@acme.com", "priority": 1,
        "status": 2, "group_id": group["id"],
    }  # fmt: skip
    assert client.post("/api/v2/tickets", json=ticket, headers=admin).status_code == 201


def test_members_that_are_not_agents_are_refused_naming_the_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/groups", json={"name": "Ghosts", "members": [1]}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "members"


def test_agent_groups_are_the_same_records_under_freshworks_file_path(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    group = _new_group(client, admin)
    listed = client.get("/api/v2/agent_groups?per_page=100", headers=admin).get_json()
    assert group["id"] in [g["id"] for g in listed["agent_groups"]]
    one = client.get(f"/api/v2/agent_groups/{group['id']}", headers=admin).get_json()
    assert one["agent_group"]["name"] == "Network"


def test_a_group_and_its_memberships_survive_a_restart(tmp_path: Path) -> None:
    admin = basic("demo-acme-admin-key")
    state = tmp_path / "state.log"
    client = create_app(FakeSettings(now=NOW, state=state)).test_client()
    first = _agent_ids(client, admin)[0]
    group = _new_group(client, admin, members=[first])
    again = create_app(FakeSettings(now=NOW, state=state)).test_client()
    assert again.get(f"/api/v2/groups/{group['id']}", headers=admin).status_code == 200
    assert group["id"] in _member_of(again, admin, first)


# -- locations ---------------------------------------------------------------------------------


def test_a_location_is_created_with_its_address_changed_and_deleted(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post(
        "/api/v2/locations",
        json={"name": "Lisbon - Alfama", "address": {"city": "Lisbon", "country": "Portugal"}},
        headers=admin,
    )
    assert created.status_code == 201
    location = created.get_json()["location"]
    assert location["address"] == {
        "line1": None, "line2": None, "city": "Lisbon", "state": None, "country": "Portugal",
        "zipcode": None,
    }  # fmt: skip
    path = f"/api/v2/locations/{location['id']}"
    moved = client.put(path, json={"address": {"city": "Porto"}}, headers=admin)
    assert moved.get_json()["location"]["address"]["city"] == "Porto"
    assert client.delete(path, headers=admin).status_code == 204
    assert client.get(path, headers=admin).status_code == 404


def test_an_address_line_it_does_not_know_is_refused_naming_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        "/api/v2/locations", json={"name": "Annex", "address": {"street": "1 Main"}}, headers=admin
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "address.street"


def test_a_location_cannot_be_its_own_parent(client: FlaskClient, admin: dict[str, str]) -> None:
    location = client.post("/api/v2/locations", json={"name": "Annex"}, headers=admin).get_json()
    path = f"/api/v2/locations/{location['location']['id']}"
    response = client.put(
        path, json={"parent_location_id": location["location"]["id"]}, headers=admin
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "parent_location_id"


def test_a_deleted_location_holds_no_new_asset(client: FlaskClient, admin: dict[str, str]) -> None:
    location = client.post("/api/v2/locations", json={"name": "Annex"}, headers=admin).get_json()
    location_id = location["location"]["id"]
    client.delete(f"/api/v2/locations/{location_id}", headers=admin)
    asset_type = client.get("/api/v2/asset_types", headers=admin).get_json()["asset_types"][0]
    response = client.post(
        "/api/v2/assets",
        json={"name": "Laptop", "asset_type_id": asset_type["id"], "location_id": location_id},
        headers=admin,
    )
    assert response.status_code == 400
    assert "location_id" in [e["field"] for e in response.get_json()["errors"]]


def test_a_requester_cannot_list_locations(client: FlaskClient, requester: dict[str, str]) -> None:
    assert client.get("/api/v2/locations", headers=requester).status_code == 403


def test_a_name_of_spaces_only_is_refused_naming_the_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/groups", json={"name": "   "}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "name"


def test_renaming_a_group_to_a_name_another_holds_is_409(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    taken = client.get("/api/v2/groups", headers=admin).get_json()["groups"][0]["name"]
    group = _new_group(client, admin)
    response = client.put(f"/api/v2/groups/{group['id']}", json={"name": taken}, headers=admin)
    assert response.status_code == 409
    assert response.get_json() == {"code": "duplicate_value", "message": "Record already exists."}


def test_a_deleted_groups_name_may_be_used_again(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    group = _new_group(client, admin)
    client.delete(f"/api/v2/groups/{group['id']}", headers=admin)
    assert _new_group(client, admin)["name"] == "Network"
