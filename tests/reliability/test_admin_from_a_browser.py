"""A web page open in a browser on the machine that runs the fake tries to drive its admin API.

A page may send "simple" requests to any address without the browser asking first: GET, and
POST with a text/plain, form or multipart body. Each attack below is such a request, as a browser
shapes it (its `Origin`, `Sec-Fetch-*` headers), or a request through DNS rebinding (the page's
own host name resolved to 127.0.0.1, so the `Host` header names it). Each must be refused and
leave the fake's state as it was; the JSON calls the harness makes must still work.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ADMIN_KEY
from tests.processes import Fake, running_fake

ACME = "acme.freshservice.com"
EVIL = "http://evil.example"
NAVIGATION = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}
SCENARIO = "description: d\nrules:\n  - {id: down, effect: {error: server_error}}\n"


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake() as running:
        yield running


@pytest.fixture(autouse=True)
def clean(fake: Fake) -> None:
    """Each attack starts from the dataset, whatever an attack before it managed to do."""
    fake.http.delete(f"/_mock/accounts/{ACME}/scenario")
    fake.restore(ADMIN_KEY)
    fake.reset()


@pytest.fixture
def ticket(fake: Fake) -> int:
    """A ticket written before the attack: a reset would take it away."""
    body = {"subject": "s", "description": "d", "email": "john@acme.com", "status": 2}
    created = fake.api("POST", "/tickets", ADMIN_KEY, json={**body, "priority": 1})
    assert created.status_code == 201
    return int(created.json()["ticket"]["id"])


def still_there(fake: Fake, ticket: int) -> bool:
    return fake.api("GET", f"/tickets/{ticket}", ADMIN_KEY).status_code == 200


def refused(response: Any) -> bool:
    return response.status_code in (403, 415, 421) and "error" in response.json()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain;charset=UTF-8", "{}"),  # fetch(url, {method: "POST", mode: "no-cors", body})
        ("application/x-www-form-urlencoded", ""),  # an auto-submitted empty <form>
    ],
)
def test_a_cross_site_post_to_reset_is_refused_and_the_data_stays(
    fake: Fake, ticket: int, content_type: str, body: str
) -> None:
    headers = {"Content-Type": content_type, "Origin": EVIL, **NAVIGATION}
    response = fake.http.post("/_mock/reset", content=body, headers=headers)
    assert refused(response), response.text
    assert still_there(fake, ticket)


def test_a_cross_site_post_to_revoke_a_key_is_refused_and_the_key_still_works(fake: Fake) -> None:
    response = fake.http.post(
        "/_mock/keys/revoke",
        content=json.dumps({"key": ADMIN_KEY}),
        headers={"Content-Type": "text/plain", "Origin": EVIL, **NAVIGATION},
    )
    assert refused(response), response.text
    assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 200


def test_a_cross_site_post_of_a_scenario_is_refused_and_none_is_loaded(fake: Fake) -> None:
    response = fake.http.post(
        "/_mock/scenario",
        content=json.dumps({"key": ADMIN_KEY, "scenario": SCENARIO}),
        headers={"Content-Type": "text/plain", "Origin": EVIL, **NAVIGATION},
    )
    assert refused(response), response.text
    assert fake.http.get(f"/_mock/accounts/{ACME}/scenario").status_code == 404
    assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 200


def test_a_text_plain_post_without_browser_headers_is_refused_too(fake: Fake, ticket: int) -> None:
    """Older browsers send neither Origin nor Sec-Fetch-Site on some simple requests."""
    response = fake.http.post("/_mock/reset", content="{}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert still_there(fake, ticket)


def test_a_rebound_host_cannot_read_the_journal(fake: Fake) -> None:
    port = fake.url.rsplit(":", 1)[1]
    fake.api("GET", "/agents/me", ADMIN_KEY)
    response = fake.http.get(
        f"/_mock/accounts/{ACME}/journal", headers={"Host": f"evil.example:{port}"}
    )
    assert response.status_code == 421
    assert "entries" not in response.json()


def test_a_rebound_host_cannot_reset(fake: Fake, ticket: int) -> None:
    port = fake.url.rsplit(":", 1)[1]
    response = fake.http.post("/_mock/reset", json={}, headers={"Host": f"evil.example:{port}"})
    assert response.status_code == 421
    assert still_there(fake, ticket)


def test_a_cross_site_load_of_the_journal_is_refused(fake: Fake) -> None:
    response = fake.http.get(f"/_mock/accounts/{ACME}/journal", headers=NAVIGATION)
    assert response.status_code == 403


def test_the_harnesss_own_json_calls_still_work(fake: Fake, ticket: int) -> None:
    fake.admin("POST", "scenario", {"key": ADMIN_KEY, "scenario": SCENARIO})
    assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 500
    fake.admin("DELETE", f"accounts/{ACME}/scenario")
    fake.revoke(ADMIN_KEY)
    assert fake.api("GET", "/agents/me", ADMIN_KEY).status_code == 401
    fake.restore(ADMIN_KEY)
    assert any(e["path"] == "/api/v2/agents/me" for e in fake.journal())
    fake.admin("POST", "reset", {"account": ACME})
    assert not still_there(fake, ticket)
