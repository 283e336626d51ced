"""Dates as Freshservice reads them: one parser (clock.py) for every date the fake takes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from mock_freshservice import clock
from mock_freshservice.cli import build_parser, settings_from

NEW_TICKET = {
    "subject": "Printer jammed",
    "description": "<div>Paper stuck in tray 2</div>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 1,
}


def epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-22", epoch(2026, 10, 22)),
        ("2026-10-22T03:20", epoch(2026, 10, 22, 3, 20)),
        ("2026-10-22T03:20Z", epoch(2026, 10, 22, 3, 20)),
        ("2026-10-22T03:20:03", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T03:20:03Z", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T03:20:03.275429+00:00", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T03:20:03.9Z", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T03:20:03.123456789Z", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T08:50:03+05:30", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T08:50:03+0530", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T08:20:03+05", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-21T22:20:03.5-05:00", epoch(2026, 10, 22, 3, 20, 3)),
        ("2026-10-22T08:50+05:30", epoch(2026, 10, 22, 3, 20)),
    ],
)
def test_the_documented_forms_and_fractional_seconds_are_read(text: str, expected: int) -> None:
    assert clock.parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2026-13-01",
        "2026-02-30",
        "2026-10-22T25:00",
        "2026-10-22T03:20:03+24:00",
        "20261022",  # the basic form
        "2026-W43-4",  # a week date
        "2026-10-22 03:20",  # not `T`
        "\uff12\uff10\uff12\uff16-10-22",  # fullwidth digits, not ASCII
        "1969-12-31T23:59:59Z",  # before what can be stored
        "9999-01-01",  # after it
    ],
)
def test_anything_else_is_not_a_date(text: str) -> None:
    assert clock.parse_datetime(text) is None


def test_a_date_alone_is_a_date_and_a_time_is_not() -> None:
    assert clock.parse_date("2026-10-22") == epoch(2026, 10, 22)
    assert clock.parse_date("2026-10-22T00:00:00Z") is None


def test_updated_since_with_microseconds_and_an_offset_lists_tickets(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get(
        "/api/v2/tickets",
        query_string={"updated_since": "2026-10-22T03:20:03.275429+00:00", "per_page": 100},
        headers=admin,
    )
    assert response.status_code == 200
    tickets = response.get_json()["tickets"]
    assert tickets
    assert all(t["updated_at"] >= "2026-10-22T03:20:03Z" for t in tickets)


def test_a_bad_updated_since_is_still_refused_naming_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets?updated_since=2026-10-22T03:20:03.x", headers=admin)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["updated_since"]


def test_a_due_by_with_fractional_seconds_and_an_offset_is_stored_in_utc(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = NEW_TICKET | {"due_by": "2026-11-10T17:30:00.250+05:30"}
    response = client.post("/api/v2/tickets", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["ticket"]["due_by"] == "2026-11-10T12:00:00Z"


def test_a_filter_query_reads_a_timestamp_with_fractional_seconds(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get(
        "/api/v2/tickets/filter",
        query_string={"query": "\"created_at:>'2026-10-22T03:20:03.5Z'\""},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    assert all(t["created_at"] >= "2026-10-22T03:20:03Z" for t in response.get_json()["tickets"])


def test_now_takes_fractional_seconds_and_an_offset() -> None:
    args = build_parser().parse_args(["serve", "--now", "2026-10-22T08:50:03.75+05:30"])
    now = settings_from(args, environ={}).now
    assert now is not None
    assert int(now.timestamp()) == epoch(2026, 10, 22, 3, 20, 3)
