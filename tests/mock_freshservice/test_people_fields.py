"""`GET /agent_fields` and `GET /requester_fields`: the profile forms' default fields."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_agent_fields_list_the_agent_profile_form(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = client.get("/api/v2/agent_fields?per_page=100", headers=admin).get_json()
    by_name = {f["name"]: f for f in fields["agent_fields"]}
    assert by_name["first_name"]["mandatory_for_admins"] is True
    assert by_name["email"]["editable_by_agents"] is False
    assert by_name["time_format"]["choices"] == ["12h", "24h"]
    assert [f["position"] for f in fields["agent_fields"]] == list(range(1, len(by_name) + 1))


def test_requester_fields_list_the_requester_profile_form(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = client.get("/api/v2/requester_fields", headers=admin).get_json()["requester_fields"]
    by_name = {f["name"]: f for f in fields}
    assert by_name["primary_email"]["required_for_agents"] is True
    assert by_name["first_name"]["requesters_can_edit"] is True


def test_the_forms_are_paged(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/agent_fields?per_page=5", headers=admin)
    assert len(response.get_json()["agent_fields"]) == 5
    assert response.headers["Link"].endswith('page=2>; rel="next"')


def test_a_requester_cannot_read_the_forms(client: FlaskClient, requester: dict[str, str]) -> None:
    assert client.get("/api/v2/agent_fields", headers=requester).status_code == 403
    assert client.get("/api/v2/requester_fields", headers=requester).status_code == 403


def test_an_unknown_query_parameter_is_refused(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/requester_fields?sort=name", headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "sort"
