"""Rendered pages, kept views and Link headers are kept for speed; what is kept never outlives
the data or the request it was made from."""

from __future__ import annotations

from flask.testing import FlaskClient

from mock_freshservice.pagination import CACHED_LINK_CHARACTERS


def _first_ticket_id(client: FlaskClient, admin: dict[str, str]) -> int:
    ticket_id: int = client.get("/api/v2/tickets", headers=admin).get_json()["tickets"][0]["id"]
    return ticket_id


def test_a_list_page_served_before_an_update_shows_the_update_after_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket_id = _first_ticket_id(client, admin)
    client.get("/api/v2/tickets", headers=admin)  # served twice: the page is kept
    updated = client.put(
        f"/api/v2/tickets/{ticket_id}", json={"subject": "Printer on fire"}, headers=admin
    )
    assert updated.status_code == 200
    tickets = client.get("/api/v2/tickets", headers=admin).get_json()["tickets"]
    assert {t["id"]: t["subject"] for t in tickets}[ticket_id] == "Printer on fire"


def test_a_list_page_served_before_a_delete_leaves_the_ticket_out_after_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket_id = _first_ticket_id(client, admin)
    assert client.delete(f"/api/v2/tickets/{ticket_id}", headers=admin).status_code == 204
    tickets = client.get("/api/v2/tickets", headers=admin).get_json()["tickets"]
    assert ticket_id not in [t["id"] for t in tickets]


def test_pages_of_one_query_are_kept_apart(client: FlaskClient, admin: dict[str, str]) -> None:
    first = client.get("/api/v2/tickets?per_page=5", headers=admin).get_json()["tickets"]
    second = client.get("/api/v2/tickets?per_page=5&page=2", headers=admin).get_json()["tickets"]
    again = client.get("/api/v2/tickets?per_page=5", headers=admin).get_json()["tickets"]
    assert [t["id"] for t in first] == [t["id"] for t in again]
    assert not {t["id"] for t in first} & {t["id"] for t in second}


def test_a_requester_is_never_served_a_page_kept_for_an_agent(
    client: FlaskClient, admin: dict[str, str], requester: dict[str, str]
) -> None:
    everyone = client.get("/api/v2/tickets", headers=admin).get_json()["tickets"]
    own = client.get("/api/v2/tickets", headers=requester).get_json()["tickets"]
    assert len({t["requester_id"] for t in everyone}) > 1
    assert len({t["requester_id"] for t in own}) <= 1


def test_a_ticket_viewed_before_an_update_shows_the_update_after_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket_id = _first_ticket_id(client, admin)
    client.get(f"/api/v2/tickets/{ticket_id}", headers=admin)
    client.put(f"/api/v2/tickets/{ticket_id}", json={"priority": 4}, headers=admin)
    viewed = client.get(f"/api/v2/tickets/{ticket_id}", headers=admin).get_json()["ticket"]
    assert viewed["priority"] == 4


def test_a_ticket_viewed_from_kept_bytes_equals_one_rendered_with_an_include(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket_id = _first_ticket_id(client, admin)
    plain = client.get(f"/api/v2/tickets/{ticket_id}", headers=admin).get_json()["ticket"]
    included = client.get(f"/api/v2/tickets/{ticket_id}?include=tags", headers=admin)
    rendered = {k: v for k, v in included.get_json()["ticket"].items() if k != "tags"}
    assert list(rendered.items()) == list(plain.items())  # the same fields, in the same order


def test_the_link_names_the_host_each_request_called(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    links = [
        client.get("/api/v2/tickets?per_page=5", headers={**admin, "Host": host}).headers["Link"]
        for host in ("localhost", "127.0.0.1:8080", "localhost")
    ]
    assert links == [
        '<http://localhost/api/v2/tickets?per_page=5&page=2>; rel="next"',
        '<http://127.0.0.1:8080/api/v2/tickets?per_page=5&page=2>; rel="next"',
        '<http://localhost/api/v2/tickets?per_page=5&page=2>; rel="next"',
    ]


def test_a_link_too_long_to_keep_is_still_right(client: FlaskClient, admin: dict[str, str]) -> None:
    email = "a" * CACHED_LINK_CHARACTERS + "@example.com"
    response = client.get(f"/api/v2/tickets?per_page=1&email={email}", headers=admin)
    assert response.status_code == 200
    # No such requester: nothing to page through, so no link; with a page size that leaves
    # more, the long query is carried into the link whole.
    assert "Link" not in response.headers
    long_order = "desc" + "&per_page=1" * (CACHED_LINK_CHARACTERS // 10)
    paged = client.get(f"/api/v2/tickets?order_type={long_order}", headers=admin)
    assert paged.status_code == 200
    assert paged.headers["Link"].startswith(
        "<http://localhost/api/v2/tickets?order_type=desc&per_page=1&per_page=1"
    )
    assert paged.headers["Link"].endswith('&page=2>; rel="next"')
