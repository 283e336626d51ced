"""Agents' and requesters' writes: create, update, deactivate and reactivate, forget, a requester
made an agent, requesters merged; and the agent roles they name."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_freshservice.api.people_writes import AGENT_FIELDS, REQUESTER_FIELDS
from mock_freshservice.app import openapi_document
from tests.conftest import REQUESTER_KEY, basic

Headers = dict[str, str]


def _new_agent(client: FlaskClient, admin: Headers, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v2/agents", json={"first_name": "Zed", "email": "zed@acme.com", **body}, headers=admin
    )
    assert response.status_code == 201, response.get_json()
    agent: dict[str, Any] = response.get_json()["agent"]
    return agent


def _new_requester(client: FlaskClient, admin: Headers, **body: Any) -> dict[str, Any]:
    sent = {"first_name": "Rae", "primary_email": "rae@acme.com", **body}
    sent = {name: value for name, value in sent.items() if value is not None}
    response = client.post("/api/v2/requesters", json=sent, headers=admin)
    assert response.status_code == 201, response.get_json()
    requester: dict[str, Any] = response.get_json()["requester"]
    return requester


def _first_group(client: FlaskClient, admin: Headers) -> dict[str, Any]:
    group: dict[str, Any] = client.get("/api/v2/groups", headers=admin).get_json()["groups"][0]
    return group


def _role_ids(client: FlaskClient, admin: Headers) -> list[int]:
    return [r["id"] for r in client.get("/api/v2/roles", headers=admin).get_json()["roles"]]


def _errors(response: Any) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.get_json()["errors"]]


# -- roles -------------------------------------------------------------------------------------


def test_the_default_roles_are_listed_and_viewed(client: FlaskClient, admin: Headers) -> None:
    roles = client.get("/api/v2/roles", headers=admin).get_json()["roles"]
    assert [r["name"] for r in roles[:2]] == ["Account Admin", "SD Agent"]
    one = client.get(f"/api/v2/roles/{roles[1]['id']}", headers=admin).get_json()["role"]
    assert one == roles[1]


def test_every_seeded_agent_names_a_role_that_exists(client: FlaskClient, admin: Headers) -> None:
    known = set(_role_ids(client, admin))
    agents = client.get("/api/v2/agents?per_page=100", headers=admin).get_json()["agents"]
    assert {r["role_id"] for a in agents for r in a["roles"]} <= known


# -- agents ------------------------------------------------------------------------------------


def test_a_created_agent_is_viewed_listed_and_located(client: FlaskClient, admin: Headers) -> None:
    response = client.post(
        "/api/v2/agents", json={"first_name": "Zed", "email": "zed@acme.com"}, headers=admin
    )
    agent = response.get_json()["agent"]
    assert response.headers["Location"].endswith(f"/api/v2/agents/{agent['id']}")
    assert client.get(f"/api/v2/agents/{agent['id']}", headers=admin).get_json()["agent"] == agent
    found = client.get("/api/v2/agents?email=zed@acme.com", headers=admin).get_json()["agents"]
    assert [a["id"] for a in found] == [agent["id"]]


def test_a_new_agent_without_roles_has_the_sd_agent_role(
    client: FlaskClient, admin: Headers
) -> None:
    agent = _new_agent(client, admin)
    assert [r["role_id"] for r in agent["roles"]] == [_role_ids(client, admin)[1]]


def test_an_agent_without_first_name_or_email_is_refused_naming_both(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.post("/api/v2/agents", json={"job_title": "Tech"}, headers=admin)
    assert response.status_code == 400
    assert _errors(response) == [("first_name", "missing_field"), ("email", "missing_field")]


def test_an_agent_with_a_deprecated_attribute_is_refused(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.post(
        "/api/v2/agents",
        json={"first_name": "Zed", "email": "zed@acme.com", "role_ids": [1]},
        headers=admin,
    )
    assert response.status_code == 400
    assert _errors(response) == [("role_ids", "invalid_field")]


def test_an_email_another_user_has_is_a_409_naming_the_field(
    client: FlaskClient, admin: Headers
) -> None:
    taken = client.get("/api/v2/requesters", headers=admin).get_json()["requesters"][0]
    response = client.post(
        "/api/v2/agents",
        json={"first_name": "Zed", "email": taken["primary_email"].upper()},
        headers=admin,
    )
    assert response.status_code == 409
    assert _errors(response) == [("email", "duplicate_value")]


def test_a_role_that_does_not_exist_is_refused(client: FlaskClient, admin: Headers) -> None:
    response = client.post(
        "/api/v2/agents",
        json={
            "first_name": "Zed",
            "email": "zed@acme.com",
            "roles": [{"role_id": 1, "assignment_scope": "entire_helpdesk"}],
        },
        headers=admin,
    )
    assert response.status_code == 400
    assert _errors(response) == [("roles", "invalid_value")]


def test_a_role_for_specified_groups_needs_groups(client: FlaskClient, admin: Headers) -> None:
    role = {"role_id": _role_ids(client, admin)[1], "assignment_scope": "specified_groups"}
    response = client.post(
        "/api/v2/agents",
        json={"first_name": "Zed", "email": "zed@acme.com", "roles": [role]},
        headers=admin,
    )
    assert response.status_code == 400
    assert _errors(response) == [("roles", "missing_field")]


def test_joining_a_group_through_the_agent_adds_the_agent_to_the_group(
    client: FlaskClient, admin: Headers
) -> None:
    group = _first_group(client, admin)
    agent = _new_agent(client, admin, member_of=[group["id"]])
    members = client.get(f"/api/v2/groups/{group['id']}", headers=admin).get_json()["group"]
    assert agent["id"] in members["members"]
    client.put(f"/api/v2/agents/{agent['id']}", json={"member_of": []}, headers=admin)
    members = client.get(f"/api/v2/groups/{group['id']}", headers=admin).get_json()["group"]
    assert agent["id"] not in members["members"]


def test_an_update_keeps_custom_fields_it_does_not_name(
    client: FlaskClient, admin: Headers
) -> None:
    agent = _new_agent(client, admin, custom_fields={"badge": "A1"})
    updated = client.put(
        f"/api/v2/agents/{agent['id']}", json={"custom_fields": {"desk": "4F"}}, headers=admin
    ).get_json()["agent"]
    assert updated["custom_fields"] == {"badge": "A1", "desk": "4F"}


def test_only_admins_write_agents(client: FlaskClient, agent: Headers) -> None:
    response = client.post(
        "/api/v2/agents", json={"first_name": "Zed", "email": "zed@acme.com"}, headers=agent
    )
    assert response.status_code == 403


def test_a_deactivated_agent_is_listed_inactive_and_read_only(
    client: FlaskClient, admin: Headers
) -> None:
    agent = _new_agent(client, admin)
    path = f"/api/v2/agents/{agent['id']}"
    assert client.delete(path, headers=admin).status_code == 204
    inactive = client.get("/api/v2/agents?active=false&per_page=100", headers=admin).get_json()
    assert agent["id"] in [a["id"] for a in inactive["agents"]]
    assert client.put(path, json={"job_title": "x"}, headers=admin).status_code == 405
    assert client.delete(path, headers=admin).status_code == 405


def test_a_reactivated_agent_is_active_again(client: FlaskClient, admin: Headers) -> None:
    agent = _new_agent(client, admin)
    client.delete(f"/api/v2/agents/{agent['id']}", headers=admin)
    response = client.put(f"/api/v2/agents/{agent['id']}/reactivate", headers=admin)
    assert response.status_code == 200
    assert response.get_json()["agent"]["active"] is True


def test_a_forgotten_agent_is_gone_and_leaves_its_groups(
    client: FlaskClient, admin: Headers
) -> None:
    group = _first_group(client, admin)
    agent = _new_agent(client, admin, member_of=[group["id"]])
    assert client.delete(f"/api/v2/agents/{agent['id']}/forget", headers=admin).status_code == 204
    assert client.get(f"/api/v2/agents/{agent['id']}", headers=admin).status_code == 404
    members = client.get(f"/api/v2/groups/{group['id']}", headers=admin).get_json()["group"]
    assert agent["id"] not in members["members"]


def test_nobody_deactivates_themselves(client: FlaskClient, admin: Headers) -> None:
    me = client.get("/api/v2/agents/me", headers=admin).get_json()["agent"]
    response = client.delete(f"/api/v2/agents/{me['id']}", headers=admin)
    assert response.status_code == 400
    assert _errors(response) == [("id", "invalid_value")]


# -- requesters --------------------------------------------------------------------------------


def test_a_requester_known_only_by_phone_is_created(client: FlaskClient, admin: Headers) -> None:
    requester = _new_requester(client, admin, primary_email=None, mobile_phone_number="555 0101")
    assert requester["primary_email"] is None
    assert requester["mobile_phone_number"] == "555 0101"


def test_a_requester_without_any_contact_is_refused_naming_them(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.post("/api/v2/requesters", json={"first_name": "Nob"}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["message"] == (
        "Please fill at least 1 of primary_email, work_phone_number, mobile_phone_number fields"
    )


def test_a_created_requester_raises_tickets_by_email(client: FlaskClient, admin: Headers) -> None:
    requester = _new_requester(client, admin)
    ticket = client.post(
        "/api/v2/tickets",
        json={
            "email": "rae@acme.com", "subject": "VPN", "description": "down", "status": 2,
            "priority": 1,
        },
        headers=admin,
    ).get_json()["ticket"]  # fmt: skip
    assert ticket["requester_id"] == requester["id"]


def test_a_deactivated_requester_is_read_only_until_reactivated(
    client: FlaskClient, admin: Headers
) -> None:
    requester = _new_requester(client, admin)
    path = f"/api/v2/requesters/{requester['id']}"
    assert client.delete(path, headers=admin).status_code == 204
    assert client.get(path, headers=admin).get_json()["requester"]["active"] is False
    assert client.put(path, json={"job_title": "x"}, headers=admin).status_code == 405
    assert client.put(f"{path}/reactivate", headers=admin).get_json()["requester"]["active"]
    assert client.put(path, json={"job_title": "x"}, headers=admin).status_code == 200


def test_a_deactivated_users_api_key_stops_working(client: FlaskClient, admin: Headers) -> None:
    own = basic(REQUESTER_KEY)
    me = client.get("/api/v2/requesters?email=john@acme.com", headers=admin).get_json()
    requester_id = me["requesters"][0]["id"]
    client.delete(f"/api/v2/requesters/{requester_id}", headers=admin)
    assert client.get("/api/v2/tickets", headers=own).status_code == 401
    client.put(f"/api/v2/requesters/{requester_id}/reactivate", headers=admin)
    assert client.get("/api/v2/tickets", headers=own).status_code == 200


def test_a_forgotten_requester_is_gone_with_their_tickets_in_the_trash(
    client: FlaskClient, admin: Headers
) -> None:
    requester = _new_requester(client, admin)
    ticket = client.post(
        "/api/v2/tickets",
        json={
            "requester_id": requester["id"], "subject": "VPN", "description": "down",
            "status": 2, "priority": 1,
        },
        headers=admin,
    ).get_json()["ticket"]  # fmt: skip
    path = f"/api/v2/requesters/{requester['id']}"
    assert client.delete(f"{path}/forget", headers=admin).status_code == 204
    assert client.get(path, headers=admin).status_code == 404
    trashed = client.get(f"/api/v2/tickets/{ticket['id']}", headers=admin).get_json()["ticket"]
    assert trashed["deleted"] is True


def test_a_requester_made_an_agent_keeps_the_id_and_is_occasional(
    client: FlaskClient, admin: Headers
) -> None:
    requester = _new_requester(client, admin)
    response = client.put(f"/api/v2/requesters/{requester['id']}/convert_to_agent", headers=admin)
    assert response.status_code == 200
    agent = response.get_json()["agent"]
    assert (agent["id"], agent["email"], agent["occasional"]) == (
        requester["id"], "rae@acme.com", True,
    )  # fmt: skip
    assert agent["member_of"] == []
    shown = client.get(f"/api/v2/requesters/{requester['id']}", headers=admin).get_json()
    assert shown["requester"]["is_agent"] is True


def test_a_requester_without_email_cannot_become_an_agent(
    client: FlaskClient, admin: Headers
) -> None:
    requester = _new_requester(client, admin, primary_email=None, work_phone_number="555 0102")
    response = client.put(f"/api/v2/requesters/{requester['id']}/convert_to_agent", headers=admin)
    assert response.status_code == 400
    assert _errors(response) == [("primary_email", "invalid_value")]


def test_merged_requesters_give_their_emails_and_tickets_to_the_primary(
    client: FlaskClient, admin: Headers
) -> None:
    primary = _new_requester(client, admin)
    other = _new_requester(client, admin, first_name="Ray", primary_email="ray@acme.com")
    ticket = client.post(
        "/api/v2/tickets",
        json={
            "requester_id": other["id"], "subject": "VPN", "description": "down",
            "status": 2, "priority": 1,
        },
        headers=admin,
    ).get_json()["ticket"]  # fmt: skip
    response = client.put(
        f"/api/v2/requesters/{primary['id']}/merge?secondary_requesters={other['id']}",
        headers=admin,
    )
    assert response.status_code == 200
    assert response.get_json()["requester"]["secondary_emails"] == ["ray@acme.com"]
    assert client.get(f"/api/v2/requesters/{other['id']}", headers=admin).status_code == 404
    moved = client.get(f"/api/v2/tickets/{ticket['id']}", headers=admin).get_json()["ticket"]
    assert moved["requester_id"] == primary["id"]


def test_a_merge_naming_the_primary_or_nobody_is_refused(
    client: FlaskClient, admin: Headers
) -> None:
    primary = _new_requester(client, admin)
    path = f"/api/v2/requesters/{primary['id']}/merge"
    for query in (f"?secondary_requesters={primary['id']}", "?secondary_requesters=x", ""):
        response = client.put(path + query, headers=admin)
        assert response.status_code == 400, query
        assert [e["field"] for e in response.get_json()["errors"]] == ["secondary_requesters"]


def test_an_agents_id_is_not_a_requester_to_write(client: FlaskClient, admin: Headers) -> None:
    agent = _new_agent(client, admin)
    response = client.put(
        f"/api/v2/requesters/{agent['id']}", json={"job_title": "x"}, headers=admin
    )
    assert response.status_code == 404


def test_a_ticket_raised_by_phone_after_a_requester_was_forgotten_is_created(
    client: FlaskClient, admin: Headers
) -> None:
    gone = _new_requester(client, admin, work_phone_number="555 0199")
    client.delete(f"/api/v2/requesters/{gone['id']}/forget", headers=admin)
    response = client.post(
        "/api/v2/tickets",
        json={
            "phone": "555 0199", "name": "Pat", "subject": "VPN", "description": "down",
            "status": 2, "priority": 1,
        },
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 201
    assert response.get_json()["ticket"]["requester_id"] != gone["id"]


def test_a_field_a_write_may_set_to_null_is_nullable_in_the_answer_schema() -> None:
    schemas = openapi_document()["components"]["schemas"]

    def types(schema: dict[str, Any]) -> list[Any]:
        if "$ref" in schema:
            return types(schemas[schema["$ref"].rsplit("/", 1)[1]])
        found = schema.get("type")
        return found if isinstance(found, list) else [found]

    for name, fields in (("Agent", AGENT_FIELDS), ("Requester", REQUESTER_FIELDS)):
        answered = schemas[name]["properties"]
        for field in (f for f in fields if f.writable):
            assert field.nullable == ("null" in types(answered[field.name])), (name, field.name)
