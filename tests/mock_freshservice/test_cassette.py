"""Cassettes replayed by the fake (`serve --cassette DIR [--cassette-strict]`): recorded requests
answered as recorded, matched by method, path, exact query and body; the rest from the fake, or
refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_freshservice.app import create_app
from mock_freshservice.cassette import (
    Exchange,
    cassette_document,
    exchanges_of,
    load_cassette,
    recorded_sequence,
    write_cassette,
)
from mock_freshservice.scenario import ScenarioError
from mock_freshservice.settings import FakeSettings
from tests.conftest import ADMIN_KEY, NOW, basic

RECORDED_TICKET = {"ticket": {"id": 10234, "subject": "recorded, not generated"}}


def exchange(**changes: object) -> Exchange:
    values: dict[str, object] = {
        "method": "GET",
        "path": "/api/v2/tickets/10234",
        "query": {},
        "body": None,
        "status": 200,
        "headers": {},
        "response": RECORDED_TICKET,
    }
    values.update(changes)
    return Exchange(**values)  # type: ignore[arg-type]


def cassette(tmp_path: Path, *exchanges: Exchange) -> Path:
    write_cassette(
        tmp_path,
        cassette_document(
            exchanges, key=ADMIN_KEY, upstream="https://recorded.freshservice.com", recorded_at="x"
        ),
    )
    return tmp_path


def replaying(folder: Path, *, strict: bool = False) -> FlaskClient:
    app = create_app(FakeSettings(now=NOW, cassette=folder, cassette_strict=strict))
    return app.test_client()


def test_a_recorded_request_is_answered_as_recorded(tmp_path: Path) -> None:
    client = replaying(cassette(tmp_path, exchange()))
    response = client.get("/api/v2/tickets/10234", headers=basic(ADMIN_KEY))
    assert response.get_json() == RECORDED_TICKET


def test_a_request_not_recorded_is_answered_by_the_fake(tmp_path: Path) -> None:
    client = replaying(cassette(tmp_path, exchange()))
    response = client.get("/api/v2/tickets/10235", headers=basic(ADMIN_KEY))
    assert response.status_code in (200, 404)
    assert response.get_json() != RECORDED_TICKET


def test_an_extra_query_name_is_another_request(tmp_path: Path) -> None:
    client = replaying(cassette(tmp_path, exchange(query={"include": "stats"})))
    recorded = client.get("/api/v2/tickets/10234?include=stats", headers=basic(ADMIN_KEY))
    assert recorded.get_json() == RECORDED_TICKET
    other = client.get("/api/v2/tickets/10234?include=stats&per_page=2", headers=basic(ADMIN_KEY))
    assert other.get_json() != RECORDED_TICKET


def test_a_body_must_equal_the_recorded_one(tmp_path: Path) -> None:
    note = exchange(
        method="POST",
        path="/api/v2/tickets/10234/notes",
        body={"body": "recorded note"},
        status=201,
        response={"conversation": {"id": 1, "body": "recorded note"}},
    )
    client = replaying(cassette(tmp_path, note), strict=True)
    same = client.post(
        "/api/v2/tickets/10234/notes", json={"body": "recorded note"}, headers=basic(ADMIN_KEY)
    )
    assert same.status_code == 201
    other = client.post(
        "/api/v2/tickets/10234/notes", json={"body": "another"}, headers=basic(ADMIN_KEY)
    )
    assert other.status_code == 404


def test_strict_refuses_what_was_not_recorded(tmp_path: Path) -> None:
    client = replaying(cassette(tmp_path, exchange()), strict=True)
    response = client.get("/api/v2/agents/me", headers=basic(ADMIN_KEY))
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_recorded"


def test_repeats_with_different_answers_are_answered_in_order_then_the_last(
    tmp_path: Path,
) -> None:
    first, second = exchange(response={"n": 1}), exchange(response={"n": 2})
    client = replaying(cassette(tmp_path, first, second))
    answers = [
        client.get("/api/v2/tickets/10234", headers=basic(ADMIN_KEY)).get_json()["n"]
        for _ in range(3)
    ]
    assert answers == [1, 2, 2]


def test_identical_repeats_make_one_rule() -> None:
    document = cassette_document(
        [exchange(), exchange()], key=ADMIN_KEY, upstream="u", recorded_at="t"
    )
    assert len(document["rules"]) == 1


def test_the_exchanges_come_back_out_of_a_cassette() -> None:
    recorded = [exchange(query={"page": "2"}, headers={"Link": '<x>; rel="next"'})]
    document = cassette_document(recorded, key=ADMIN_KEY, upstream="u", recorded_at="t")
    assert exchanges_of(document) == recorded


def test_a_scenario_without_a_cassette_section_is_not_a_cassette(tmp_path: Path) -> None:
    (tmp_path / "cassette.yaml").write_text("description: just a scenario\n")
    with pytest.raises(ScenarioError, match="not a cassette"):
        load_cassette(tmp_path)


def test_a_missing_cassette_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the cassette"):
        load_cassette(tmp_path / "nowhere")


def test_a_cassette_and_a_scenario_together_are_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mock_freshservice", "serve", "--cassette", str(tmp_path),
         "--scenario", "scenarios/bad-key.yaml"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "not both" in done.stderr


def test_the_recorded_order_comes_back_with_repeats_in_place() -> None:
    read, changed, delete = (
        exchange(response={"n": 1}),
        exchange(response={"n": 2}),
        exchange(method="DELETE", status=204, response=None),
    )
    document = cassette_document(
        [read, delete, changed], key=ADMIN_KEY, upstream="u", recorded_at="t"
    )
    assert recorded_sequence(document) == [read, delete, changed]


def test_a_recorded_link_points_back_at_the_replaying_fake(tmp_path: Path) -> None:
    page = exchange(
        path="/api/v2/tickets",
        headers={"Link": '<https://recorded.freshservice.com/api/v2/tickets?page=2>; rel="next"'},
        response={"tickets": []},
    )
    client = replaying(cassette(tmp_path, page))
    response = client.get("/api/v2/tickets", headers=basic(ADMIN_KEY))
    assert response.headers["Link"] == '<http://localhost/api/v2/tickets?page=2>; rel="next"'
