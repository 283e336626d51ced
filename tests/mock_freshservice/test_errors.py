"""Freshservice's error answers, body and headers, for every failure the fake produces."""

from __future__ import annotations

import flask
import pytest
from flask.testing import FlaskClient

from mock_freshservice.api import shapes

VALID_TICKET = {
    "subject": "Printer jammed",
    "description": "<div>Paper stuck in tray 2</div>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 1,
}


def errors_of(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    body = response.get_json()
    assert body["description"] == "Validation failed"
    return body["errors"]


def test_a_missing_mandatory_field_is_missing_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {k: v for k, v in VALID_TICKET.items() if k != "subject"}
    response = client.post("/api/v2/tickets", json=body, headers=admin)
    assert response.status_code == 400
    assert errors_of(response) == [
        {"field": "subject", "message": "It should be a/an String", "code": "missing_field"}
    ]


def test_a_missing_enum_field_lists_its_values(client: FlaskClient, admin: dict[str, str]) -> None:
    body = {k: v for k, v in VALID_TICKET.items() if k != "status"}
    response = client.post("/api/v2/tickets", json=body, headers=admin)
    assert errors_of(response) == [
        {
            "field": "status",
            "message": "It should be one of these values: '2,3,4,5'",
            "code": "missing_field",
        }
    ]


def test_a_ticket_without_any_requester_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {k: v for k, v in VALID_TICKET.items() if k != "email"}
    response = client.post("/api/v2/tickets", json=body, headers=admin)
    assert errors_of(response) == [
        {
            "field": "requester_id",
            "message": "Please fill at least 1 of requester_id, phone, email fields",
            "code": "missing_field",
        }
    ]


def test_a_string_for_a_numeric_choice_is_datatype_mismatch(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/tickets", json={**VALID_TICKET, "priority": "3"}, headers=admin)
    assert errors_of(response) == [
        {
            "field": "priority",
            "message": "Value set is of type String.It should be one of these values: '1,2,3,4'",
            "code": "datatype_mismatch",
        }
    ]


def test_a_value_outside_a_choice_is_invalid_value(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/tickets", json={**VALID_TICKET, "status": 9}, headers=admin)
    assert errors_of(response) == [
        {
            "field": "status",
            "message": "It should be one of these values: '2,3,4,5'",
            "code": "invalid_value",
        }
    ]


def test_a_string_for_an_id_is_datatype_mismatch(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/tickets", json={**VALID_TICKET, "group_id": "7"}, headers=admin)
    assert errors_of(response) == [
        {
            "field": "group_id",
            "message": "Value set is of type String.It should be a/an Positive Integer",
            "code": "datatype_mismatch",
        }
    ]


def test_a_negative_id_is_invalid_value(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v2/tickets", json={**VALID_TICKET, "group_id": -4}, headers=admin)
    assert errors_of(response) == [
        {
            "field": "group_id",
            "message": "It should be a/an Positive Integer",
            "code": "invalid_value",
        }
    ]


def test_an_unknown_attribute_is_invalid_field(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v2/tickets", json={**VALID_TICKET, "colour": "red"}, headers=admin)
    assert errors_of(response) == [
        {
            "field": "colour",
            "message": "Unexpected/invalid field in request",
            "code": "invalid_field",
        }
    ]


def test_a_bad_email_is_invalid_value(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/api/v2/tickets", json={**VALID_TICKET, "email": "not-an-email"}, headers=admin
    )
    assert errors_of(response) == [
        {
            "field": "email",
            "message": "It should be in the 'valid email address' format",
            "code": "invalid_value",
        }
    ]


def test_a_too_long_subject_names_its_length(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/api/v2/tickets", json={**VALID_TICKET, "subject": "x" * 300}, headers=admin
    )
    assert errors_of(response) == [
        {
            "field": "subject",
            "message": "Has 300 characters, it can have maximum of 255 characters",
            "code": "invalid_value",
        }
    ]


def test_a_bad_due_date_is_invalid_value(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/api/v2/tickets", json={**VALID_TICKET, "due_by": "tomorrow"}, headers=admin
    )
    assert errors_of(response) == [
        {
            "field": "due_by",
            "message": "It should be a valid date in the 'combined date and time ISO8601' format",
            "code": "invalid_value",
        }
    ]


def test_a_responder_that_does_not_exist_is_invalid_value(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        "/api/v2/tickets", json={**VALID_TICKET, "responder_id": 99}, headers=admin
    )
    assert errors_of(response) == [
        {
            "field": "responder_id",
            "message": "There is no agent matching the given responder_id",
            "code": "invalid_value",
        }
    ]


def test_every_problem_of_a_body_is_reported_together(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {**VALID_TICKET, "status": "open", "priority": 0, "tags": "vip"}
    fields = [
        e["field"] for e in errors_of(client.post("/api/v2/tickets", json=body, headers=admin))
    ]
    assert fields == ["status", "priority", "tags"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"a string"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_invalid_json(
    client: FlaskClient, admin: dict[str, str], raw: bytes
) -> None:
    response = client.post(
        "/api/v2/tickets", data=raw, headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "code": "invalid_json",
        "message": "Request body has invalid json format",
    }


def test_an_empty_update_is_missing_params(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.put("/api/v2/tickets/10234", json={}, headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {
        "code": "missing_params",
        "message": "Your update call does not have any parameter. Atleast one parameter is required.",
    }


def test_an_unknown_ticket_is_404_with_an_empty_body(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets/424242", headers=admin)
    assert response.status_code == 404
    assert response.get_data() == b""


def test_an_unknown_path_is_404_with_a_json_message_naming_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/no_such_resource", headers=admin)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    message = response.get_json()["message"]
    assert "GET /api/v2/no_such_resource" in message


def test_an_unknown_path_answers_json_before_the_key_is_checked(client: FlaskClient) -> None:
    response = client.post("/api/v2/tickets/1023/replies", json={"body": "hi"})
    assert response.status_code == 404
    assert set(response.get_json()) == {"message"}


def test_a_path_outside_the_api_is_404_with_a_json_message(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "GET /no/such/page" in response.get_json()["message"]


def test_an_id_that_is_not_a_number_is_a_missing_record(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets/abc", headers=admin)
    assert (response.status_code, response.get_data()) == (404, b"")


def test_a_verb_the_route_lacks_is_405_even_with_a_non_numeric_id(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/tickets/abc", headers=admin)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT, DELETE"


def test_a_404_carries_no_api_version_header(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/tickets/424242", headers=admin)
    assert "X-Freshservice-Api-Version" not in response.headers


def test_a_wrong_verb_is_405_naming_the_allowed_ones(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.put("/api/v2/tickets", json={"priority": 1}, headers=admin)
    assert response.status_code == 405
    assert response.get_json() == {
        "message": "PUT method is not allowed. It should be one of these method(s): GET, POST"
    }
    assert response.headers["Allow"] == "GET, POST"


def test_an_unsupported_accept_header_is_406(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/tickets", headers={**admin, "Accept": "application/xml"})
    assert response.status_code == 406
    assert response.get_json() == {
        "code": "invalid_accept_header",
        "message": "Accept header is set to application/xml. It should have application/json or */*",
    }


@pytest.mark.parametrize("accept", ["application/json", "*/*", "text/html, */*;q=0.8"])
def test_json_and_wildcard_accept_headers_are_fine(
    client: FlaskClient, admin: dict[str, str], accept: str
) -> None:
    assert client.get("/api/v2/agents/me", headers={**admin, "Accept": accept}).status_code == 200


def test_a_non_json_content_type_is_415(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/api/v2/tickets", data="<ticket/>", headers={**admin, "Content-Type": "application/xml"}
    )
    assert response.status_code == 415
    assert response.get_json() == {
        "code": "invalid_content_type",
        "message": "Content-Type header is set to application/xml. It should be set to application/json",
    }


def test_an_unknown_query_parameter_is_invalid_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets?colour=red", headers=admin)
    assert response.status_code == 400
    assert errors_of(response) == [
        {
            "field": "colour",
            "message": "Unexpected/invalid field in request",
            "code": "invalid_field",
        }
    ]


def test_updating_a_deleted_ticket_is_405(client: FlaskClient, admin: dict[str, str]) -> None:
    deleted = client.get("/api/v2/tickets?filter=deleted", headers=admin).get_json()["tickets"]
    response = client.put(
        f"/api/v2/tickets/{deleted[0]['id']}", json={"priority": 2}, headers=admin
    )
    assert response.status_code == 405
    assert response.get_json() == {
        "message": "PUT method is not allowed. It should be one of these method(s): GET"
    }


def test_an_unexpected_failure_is_a_500_in_freshservice_shape(
    client: FlaskClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(shapes, "agent_json", explode)
    response = client.get("/api/v2/agents/me", headers=admin)
    assert response.status_code == 500
    assert response.get_json() == {"message": "We're sorry, but something went wrong."}


def test_urls_are_still_built_for_every_route(client: FlaskClient) -> None:
    """The routes' URL builders are compiled when first used (app.py), not at start."""
    app = client.application
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith("/api/v2/"):
                values = {name: 7 for name in rule.arguments}
                built = flask.url_for(rule.endpoint, **values, page="2")
                assert built.startswith("/api/v2/") and built.endswith("page=2")
