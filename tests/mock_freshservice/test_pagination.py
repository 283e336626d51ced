"""`page`/`per_page` and the `Link` header."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

ALL_ACME_AGENTS = 12


def test_lists_default_to_30_per_page(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = client.get("/api/v2/tickets", headers=admin).get_json()["tickets"]
    assert len(tickets) == 30


def test_per_page_sets_the_page_size(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = client.get("/api/v2/tickets?per_page=7", headers=admin).get_json()["tickets"]
    assert len(tickets) == 7


def test_pages_follow_on_without_overlap(client: FlaskClient, admin: dict[str, str]) -> None:
    first = client.get("/api/v2/tickets?per_page=10", headers=admin).get_json()["tickets"]
    second = client.get("/api/v2/tickets?per_page=10&page=2", headers=admin).get_json()["tickets"]
    both = client.get("/api/v2/tickets?per_page=20", headers=admin).get_json()["tickets"]
    assert [t["id"] for t in first + second] == [t["id"] for t in both]


def test_link_points_at_the_next_page_keeping_the_query(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets?per_page=5&order_type=asc", headers=admin)
    assert response.headers["Link"] == (
        '<http://localhost/api/v2/tickets?per_page=5&order_type=asc&page=2>; rel="next"'
    )


def test_link_replaces_the_page_in_place(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/tickets?page=2&per_page=5", headers=admin)
    assert response.headers["Link"] == (
        '<http://localhost/api/v2/tickets?page=3&per_page=5>; rel="next"'
    )


def test_the_last_page_has_no_link(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get(f"/api/v2/agents?per_page={ALL_ACME_AGENTS}", headers=admin)
    assert len(response.get_json()["agents"]) == ALL_ACME_AGENTS
    assert "Link" not in response.headers


def test_a_page_past_the_end_is_empty(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/agents?page=99", headers=admin)
    assert response.status_code == 200
    assert response.get_json() == {"agents": []}
    assert "Link" not in response.headers


def test_per_page_100_is_allowed(client: FlaskClient, admin: dict[str, str]) -> None:
    assert client.get("/api/v2/tickets?per_page=100", headers=admin).status_code == 200


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("per_page=101", "invalid_value"),
        ("per_page=0", "invalid_value"),
        ("per_page=ten", "datatype_mismatch"),
    ],
)
def test_a_bad_per_page_is_400(
    client: FlaskClient, admin: dict[str, str], query: str, code: str
) -> None:
    response = client.get(f"/api/v2/tickets?{query}", headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {
            "field": "per_page",
            "message": "It should be a Positive Integer less than or equal to 100",
            "code": code,
        }
    ]


@pytest.mark.parametrize(
    ("query", "code"),
    [("page=0", "invalid_value"), ("page=-1", "invalid_value"), ("page=x", "datatype_mismatch")],
)
def test_a_bad_page_is_400(
    client: FlaskClient, admin: dict[str, str], query: str, code: str
) -> None:
    response = client.get(f"/api/v2/tickets?{query}", headers=admin)
    assert response.get_json()["errors"] == [
        {"field": "page", "message": "It should be a/an Positive Integer", "code": code}
    ]


@pytest.mark.parametrize("page", ["\u0663", "\uff13"], ids=["arabic-indic", "fullwidth"])
def test_a_page_in_non_ascii_digits_is_400(
    client: FlaskClient, admin: dict[str, str], page: str
) -> None:
    response = client.get(f"/api/v2/tickets?page={quote(page)}", headers=admin)
    assert response.get_json()["errors"] == [
        {
            "field": "page",
            "message": "It should be a/an Positive Integer",
            "code": "datatype_mismatch",
        }
    ]
