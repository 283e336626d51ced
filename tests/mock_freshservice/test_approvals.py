"""Approvals: a change's approval groups ask their approvers, approvals are cancelled or reminded
one by one, the change's approval chain and workspace change through their actions, and a
ticket's approvals are asked of one user each, listed, reminded and cancelled."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.mock_freshservice.test_changes import VALID as VALID_CHANGE

Headers = dict[str, str]


def _change(client: FlaskClient, admin: Headers) -> int:
    response = client.post("/api/v2/changes", json=VALID_CHANGE, headers=admin)
    assert response.status_code == 201, response.get_json()
    change_id: int = response.get_json()["change"]["id"]
    return change_id


def _agents(client: FlaskClient, admin: Headers) -> list[int]:
    return [a["id"] for a in client.get("/api/v2/agents", headers=admin).get_json()["agents"]]


def _group(client: FlaskClient, admin: Headers, change_id: int, approvers: list[int]) -> Any:
    return client.post(
        f"/api/v2/changes/{change_id}/approval_groups",
        json={"name": "CAB", "approver_ids": approvers},
        headers=admin,
    )


def _approvals(client: FlaskClient, admin: Headers, change_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        f"/api/v2/changes/{change_id}/approvals", headers=admin
    ).get_json()["approvals"]
    return found


def test_a_group_asks_each_approver_and_the_change_awaits_approval(
    client: FlaskClient, admin: Headers
) -> None:
    change_id = _change(client, admin)
    approvers = _agents(client, admin)[:2]
    created = _group(client, admin, change_id, approvers)
    assert created.status_code == 201, created.get_json()
    group = created.get_json()["approval_group"]
    asked = _approvals(client, admin, change_id)
    assert sorted(a["approver_id"] for a in asked) == sorted(approvers)
    assert {(a["approval_group_id"], a["approval_status"]) for a in asked} == {
        (group["id"], "requested")
    }
    change = client.get(f"/api/v2/changes/{change_id}", headers=admin).get_json()["change"]
    assert change["approval_status"] == 1


def test_a_group_naming_an_agent_that_does_not_exist_is_refused(
    client: FlaskClient, admin: Headers
) -> None:
    response = _group(client, admin, _change(client, admin), [1])
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["approver_ids"]


def test_an_approver_taken_out_of_the_group_is_no_longer_asked(
    client: FlaskClient, admin: Headers
) -> None:
    change_id = _change(client, admin)
    first, second = _agents(client, admin)[:2]
    group = _group(client, admin, change_id, [first, second]).get_json()["approval_group"]
    client.put(
        f"/api/v2/changes/{change_id}/approval_groups/{group['id']}",
        json={"approver_ids": [first]},
        headers=admin,
    )
    statuses = {
        a["approver_id"]: a["approval_status"] for a in _approvals(client, admin, change_id)
    }
    assert statuses == {first: "requested", second: "cancelled"}


def test_a_cancelled_group_cancels_its_approvals_and_is_read_only(
    client: FlaskClient, admin: Headers
) -> None:
    change_id = _change(client, admin)
    group = _group(client, admin, change_id, _agents(client, admin)[:2]).get_json()
    path = f"/api/v2/changes/{change_id}/approval_groups/{group['approval_group']['id']}"
    cancelled = client.put(f"{path}/cancel", headers=admin)
    assert cancelled.get_json()["approval_group"]["status"] == "cancelled"
    assert {a["approval_status"] for a in _approvals(client, admin, change_id)} == {"cancelled"}
    assert client.put(path, json={"name": "CAB 2"}, headers=admin).status_code == 405


def test_an_approval_is_reminded_then_cancelled_once(client: FlaskClient, admin: Headers) -> None:
    change_id = _change(client, admin)
    _group(client, admin, change_id, _agents(client, admin)[:1])
    approval = _approvals(client, admin, change_id)[0]
    path = f"/api/v2/changes/{change_id}/approvals/{approval['id']}"
    reminded = client.put(f"{path}/resend_approval", headers=admin).get_json()["approval"]
    assert reminded["reminded_at"] is not None
    assert client.put(f"{path}/cancel", headers=admin).status_code == 200
    assert client.put(f"{path}/cancel", headers=admin).status_code == 405
    assert client.put(f"{path}/resend_approval", headers=admin).status_code == 405


def test_an_approved_seeded_change_shows_its_boards_approvals(
    client: FlaskClient, admin: Headers
) -> None:
    changes = client.get("/api/v2/changes?per_page=100", headers=admin).get_json()["changes"]
    approved = next(c for c in changes if c["approval_status"] == 2)
    statuses = {a["approval_status"] for a in _approvals(client, admin, approved["id"])}
    assert statuses == {"approved"}


def test_the_approval_chain_takes_parallel_or_sequential(
    client: FlaskClient, admin: Headers
) -> None:
    path = f"/api/v2/changes/{_change(client, admin)}/approval_chain"
    body = {"approval_chain_type": "sequential"}
    assert client.put(path, json=body, headers=admin).status_code == 200
    refused = client.put(path, json={"approval_chain_type": "random"}, headers=admin)
    assert refused.status_code == 400
    assert [e["field"] for e in refused.get_json()["errors"]] == ["approval_chain_type"]


def test_a_change_moves_to_another_workspace(client: FlaskClient, admin: Headers) -> None:
    change_id = _change(client, admin)
    workspaces = client.get("/api/v2/workspaces", headers=admin).get_json()["workspaces"]
    other = next(w["id"] for w in workspaces if w["id"] != 2)
    moved = client.put(
        f"/api/v2/changes/{change_id}/move_workspace", json={"workspace_id": other}, headers=admin
    )
    assert moved.get_json()["change"]["workspace_id"] == other
    missing = client.put(
        f"/api/v2/changes/{change_id}/move_workspace", json={"workspace_id": 999}, headers=admin
    )
    assert missing.status_code == 400


def test_a_generated_ticket_has_no_approvals(client: FlaskClient, admin: Headers) -> None:
    listed = client.get("/api/v2/tickets/10234/approvals", headers=admin)
    assert (listed.status_code, listed.get_json()) == (200, {"approvals": []})


def test_asking_a_ticket_approval_requests_it_and_marks_the_ticket_requested(
    client: FlaskClient, admin: Headers
) -> None:
    approver = _agents(client, admin)[0]
    asked = client.post(
        "/api/v2/tickets/10234/approvals",
        json={"approver_id": approver, "approval_type": 2, "email_content": "<p>Please</p>"},
        headers=admin,
    )
    assert asked.status_code == 201, asked.get_json()
    approval = asked.get_json()["approval"]
    assert (approval["approver_id"], approval["approval_status"]) == (approver, "requested")
    listed = client.get("/api/v2/tickets/10234/approvals", headers=admin).get_json()["approvals"]
    assert [a["id"] for a in listed] == [approval["id"]]
    ticket = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    assert (ticket["approval_status"], ticket["approval_status_name"]) == (0, "Requested")


def test_a_ticket_approval_is_reminded_then_cancelled_and_then_read_only(
    client: FlaskClient, admin: Headers
) -> None:
    approver = _agents(client, admin)[0]
    approval_id = client.post(
        "/api/v2/tickets/10234/approvals", json={"approver_id": approver}, headers=admin
    ).get_json()["approval"]["id"]
    path = f"/api/v2/tickets/10234/approvals/{approval_id}"
    reminded = client.put(f"{path}/resend_approval", json={}, headers=admin)
    assert reminded.get_json()["approval"]["reminded_at"] is not None
    cancelled = client.put(f"{path}/cancel", json={}, headers=admin)
    assert cancelled.get_json()["approval"]["approval_status"] == "cancelled"
    assert client.put(f"{path}/cancel", json={}, headers=admin).status_code == 405


def test_a_ticket_approval_names_a_user_and_a_known_type(
    client: FlaskClient, admin: Headers
) -> None:
    nobody = client.post("/api/v2/tickets/10234/approvals", json={"approver_id": 7}, headers=admin)
    odd_type = client.post(
        "/api/v2/tickets/10234/approvals",
        json={"approver_id": _agents(client, admin)[0], "approval_type": 9},
        headers=admin,
    )
    assert nobody.status_code == odd_type.status_code == 400
    assert nobody.get_json()["errors"][0]["field"] == "approver_id"
    assert odd_type.get_json()["errors"][0]["field"] == "approval_type"


def test_deleting_an_attachment_a_ticket_does_not_have_is_404(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.delete("/api/v2/tickets/10234/attachments/1", headers=admin)
    # Freshservice's own 404 (empty), not the fake's answer to a path it does not serve.
    assert (response.status_code, response.get_data()) == (404, b"")
