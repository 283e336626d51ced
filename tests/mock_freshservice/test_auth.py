"""Who may call: Basic `<key>:X`, 401 for bad credentials, 403 for a role without the privilege."""

from __future__ import annotations

import base64

import pytest
from flask.testing import FlaskClient

from tests.conftest import GLOBEX_ADMIN_KEY, basic

INVALID_CREDENTIALS = {
    "code": "invalid_credentials",
    "message": "You have to be logged in to perform this action.",
}
ACCESS_DENIED = {
    "code": "access_denied",
    "message": "You are not authorized to perform this action.",
}


def test_a_request_without_credentials_gets_401_invalid_credentials(client: FlaskClient) -> None:
    response = client.get("/api/v2/tickets")
    assert response.status_code == 401
    assert response.get_json() == INVALID_CREDENTIALS


def test_an_unknown_key_gets_401_invalid_credentials(client: FlaskClient) -> None:
    response = client.get("/api/v2/tickets", headers=basic("no-such-key-123"))
    assert response.status_code == 401
    assert response.get_json() == INVALID_CREDENTIALS


def test_any_dummy_password_is_accepted_with_a_valid_key(client: FlaskClient) -> None:
    token = base64.b64encode(b"demo-acme-admin-key:anything").decode()
    response = client.get("/api/v2/agents/me", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 200


def test_malformed_basic_credentials_get_401(client: FlaskClient) -> None:
    response = client.get("/api/v2/tickets", headers={"Authorization": "Basic %%%not-base64"})
    assert response.status_code == 401
    assert response.get_json() == INVALID_CREDENTIALS


def test_a_raw_key_without_basic_gets_401(client: FlaskClient) -> None:
    response = client.get("/api/v2/tickets", headers={"Authorization": "demo-acme-admin-key"})
    assert response.status_code == 401


def test_an_email_as_basic_user_name_gets_unsupported_authentication_type(
    client: FlaskClient,
) -> None:
    token = base64.b64encode(b"priya.raman@acme.com:secret").decode()
    response = client.get("/api/v2/tickets", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401
    assert response.get_json()["code"] == "unsupported_authentication_type"


def test_a_bearer_token_gets_401_access_token_invalid(client: FlaskClient) -> None:
    response = client.get("/api/v2/tickets", headers={"Authorization": "Bearer abc.def.ghi"})
    assert response.status_code == 401
    assert response.get_json()["code"] == "access_token_invalid"


def test_agents_me_returns_the_keys_own_agent(client: FlaskClient, admin: dict[str, str]) -> None:
    agent = client.get("/api/v2/agents/me", headers=admin).get_json()["agent"]
    assert agent["email"] == "priya.raman@acme.com"


def test_agents_me_with_a_requester_key_is_403(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    response = client.get("/api/v2/agents/me", headers=requester)
    assert response.status_code == 403
    assert response.get_json() == ACCESS_DENIED


def test_a_restricted_agent_cannot_create_tickets(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    body = {"subject": "s", "description": "d", "email": "x@acme.com", "status": 2, "priority": 1}
    response = client.post("/api/v2/tickets", json=body, headers=agent)
    assert response.status_code == 403
    assert response.get_json() == ACCESS_DENIED


def test_a_restricted_agent_can_update_tickets(client: FlaskClient, agent: dict[str, str]) -> None:
    response = client.put("/api/v2/tickets/10234", json={"priority": 2}, headers=agent)
    assert response.status_code == 200


def test_a_requester_lists_only_their_own_tickets(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    me = 21000000013  # John Carter: the first pinned requester after Acme's 12 agents
    tickets = client.get("/api/v2/tickets?per_page=100", headers=requester).get_json()["tickets"]
    assert tickets
    assert {t["requester_id"] for t in tickets} == {me}


def test_a_requester_may_not_view_someone_elses_ticket(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets/1023", headers=requester)  # Maria's ticket
    assert response.status_code == 403


def test_a_requester_cannot_list_agents(client: FlaskClient, requester: dict[str, str]) -> None:
    assert client.get("/api/v2/agents", headers=requester).status_code == 403


def test_a_key_works_only_on_its_own_accounts_domain(client: FlaskClient) -> None:
    response = client.get(
        "/api/v2/agents/me",
        headers={**basic(GLOBEX_ADMIN_KEY), "Host": "acme.freshservice.com"},
    )
    assert response.status_code == 401


@pytest.mark.parametrize("host", ["globex.freshservice.com", "127.0.0.1:8181"])
def test_a_key_works_on_its_domain_or_any_unknown_host(client: FlaskClient, host: str) -> None:
    response = client.get("/api/v2/agents/me", headers={**basic(GLOBEX_ADMIN_KEY), "Host": host})
    assert response.status_code == 200
    assert response.get_json()["agent"]["email"] == "dana.whitfield@globex.com"
