"""`Link` and `Location` name what the client called: forwarding headers from a loopback proxy,
none from anyone else, and `--public-url` over both."""

from __future__ import annotations

import argparse

import httpx
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.cli import build_parser
from tests.conftest import ADMIN_KEY, NOW
from tests.processes import running_fake

NEW_TICKET = {
    "subject": "Printer jammed",
    "description": "<div>Paper stuck in tray 2</div>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 1,
}
PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "acme.freshservice.com"}
REMOTE_PEER = {"REMOTE_ADDR": "203.0.113.9"}


def next_link(response: httpx.Response | TestResponse) -> str:
    return response.headers["Link"].split(">", 1)[0].removeprefix("<")


def test_forwarded_proto_and_host_from_a_loopback_peer_make_the_link(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets?per_page=5", headers=admin | PROXIED)
    assert next_link(response) == "https://acme.freshservice.com/api/v2/tickets?per_page=5&page=2"


def test_forwarded_port_from_a_loopback_peer_joins_the_host(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    headers = admin | PROXIED | {"X-Forwarded-Port": "8443"}
    response = client.get("/api/v2/tickets?per_page=5", headers=headers)
    assert next_link(response).startswith("https://acme.freshservice.com:8443/api/v2/tickets?")


def test_forwarded_proto_and_host_from_a_loopback_peer_make_the_location(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin | PROXIED)
    ticket_id = response.get_json()["ticket"]["id"]
    assert response.headers["Location"] == (
        f"https://acme.freshservice.com/api/v2/tickets/{ticket_id}"
    )


def test_forwarding_headers_from_another_peer_are_ignored(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get(
        "/api/v2/tickets?per_page=5", headers=admin | PROXIED, environ_base=REMOTE_PEER
    )
    assert next_link(response) == "http://localhost/api/v2/tickets?per_page=5&page=2"


def test_forwarded_for_from_another_peer_does_not_pass_for_loopback(client: FlaskClient) -> None:
    response = client.get(
        "/_mock/accounts", headers={"X-Forwarded-For": "127.0.0.1"}, environ_base=REMOTE_PEER
    )
    assert response.status_code == 403


def test_a_remote_client_behind_a_loopback_proxy_is_not_a_loopback_caller(
    client: FlaskClient,
) -> None:
    response = client.get("/_mock/accounts", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 403


@pytest.fixture
def public_client() -> FlaskClient:
    app = create_app(FakeSettings(now=NOW, public_url="https://fake.example.com:8443/"))
    return app.test_client()


def test_the_public_url_makes_the_link(public_client: FlaskClient, admin: dict[str, str]) -> None:
    response = public_client.get("/api/v2/tickets?per_page=5", headers=admin | PROXIED)
    assert next_link(response) == "https://fake.example.com:8443/api/v2/tickets?per_page=5&page=2"


def test_the_public_url_makes_the_location(
    public_client: FlaskClient, admin: dict[str, str]
) -> None:
    response = public_client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin)
    ticket_id = response.get_json()["ticket"]["id"]
    assert response.headers["Location"] == (
        f"https://fake.example.com:8443/api/v2/tickets/{ticket_id}"
    )


@pytest.mark.parametrize(
    "url",
    [
        "fake.example.com",
        "ftp://fake.example.com",
        "https://",
        "https://fake.example.com:99999",
        "https://fake.example.com/?x=1",
        "https://user@fake.example.com",
    ],
)
def test_a_public_url_that_cannot_start_a_link_is_refused(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--public-url", url])
    assert "public URL" in capsys.readouterr().err


def test_a_public_url_flag_reaches_the_settings() -> None:
    args = build_parser().parse_args(["serve", "--public-url", "https://fake.example.com/"])
    assert isinstance(args, argparse.Namespace)
    assert args.public_url == "https://fake.example.com"


# -- Through waitress: the headers reach the app ------------------------------------------------


def test_a_served_fake_takes_forwarding_headers_from_a_loopback_proxy() -> None:
    with running_fake() as fake:
        response = fake.api("GET", "/tickets?per_page=5", ADMIN_KEY, headers=PROXIED)
        created = fake.api("POST", "/tickets", ADMIN_KEY, json=NEW_TICKET, headers=PROXIED)
    assert next_link(response) == "https://acme.freshservice.com/api/v2/tickets?per_page=5&page=2"
    ticket_id = created.json()["ticket"]["id"]
    assert created.headers["Location"] == (
        f"https://acme.freshservice.com/api/v2/tickets/{ticket_id}"
    )


def test_a_served_fake_hands_out_its_public_url() -> None:
    with running_fake("--public-url", "https://fake.example.com") as fake:
        response = fake.api("GET", "/tickets?per_page=5", ADMIN_KEY)
    assert next_link(response) == "https://fake.example.com/api/v2/tickets?per_page=5&page=2"
