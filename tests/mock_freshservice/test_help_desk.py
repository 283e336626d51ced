"""Announcements (their state follows the data clock) and business hours (read-only)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

ANNOUNCEMENT = {"title": "Patch night", "body_html": "<p>Tonight <b>late</b></p>"}


def _announce(client: FlaskClient, admin: dict[str, str], **body: Any) -> Any:
    return client.post(
        "/api/v2/announcements", json={**ANNOUNCEMENT, "visibility": "everyone", **body},
        headers=admin,
    )  # fmt: skip


def test_the_seeded_announcements_are_active_archived_and_scheduled(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    listed = client.get("/api/v2/announcements", headers=admin).get_json()["announcements"]
    assert sorted(a["state"] for a in listed) == ["active", "archived", "scheduled"]


def test_the_state_filter_keeps_the_announcements_in_that_state_now(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    scheduled = client.get("/api/v2/announcements?state=scheduled", headers=admin).get_json()
    assert [a["state"] for a in scheduled["announcements"]] == ["scheduled"]


def test_an_unknown_state_is_refused_naming_the_parameter(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/announcements?state=hidden", headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "state"


def test_a_new_announcement_is_active_from_now_with_its_plain_text_body(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = _announce(client, admin)
    assert created.status_code == 201
    announcement = created.get_json()["announcement"]
    assert announcement["state"] == "active"
    assert announcement["body"] == "Tonight late"
    assert announcement["visible_from"] == "2026-11-02T12:00:00Z"


def test_an_announcement_that_ends_before_it_starts_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = _announce(client, admin, visible_till="2026-11-01T00:00:00Z")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "visible_till"


def test_an_announcement_for_agents_and_groups_needs_groups(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = _announce(client, admin, visibility="agents_and_groups")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "groups"


def test_an_announcement_moved_into_the_future_is_scheduled(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    announcement = _announce(client, admin).get_json()["announcement"]
    path = f"/api/v2/announcements/{announcement['id']}"
    moved = client.put(path, json={"visible_from": "2026-12-01T00:00:00Z"}, headers=admin)
    assert moved.get_json()["announcement"]["state"] == "scheduled"
    assert client.get(path, headers=admin).get_json()["announcement"]["state"] == "scheduled"


def test_an_announcement_is_deleted(client: FlaskClient, admin: dict[str, str]) -> None:
    announcement = _announce(client, admin).get_json()["announcement"]
    path = f"/api/v2/announcements/{announcement['id']}"
    assert client.delete(path, headers=admin).status_code == 204
    assert client.get(path, headers=admin).status_code == 404


def test_an_agent_reads_announcements_but_cannot_post_one(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    assert client.get("/api/v2/announcements", headers=agent).status_code == 200
    assert _announce(client, agent).status_code == 403


def test_the_default_business_hours_are_the_hours_tickets_keep(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    hours = client.get("/api/v2/business_hours", headers=admin).get_json()["business_hours"]
    default = next(h for h in hours if h["is_default"])
    assert default["time_zone"] == "UTC"
    assert set(default["service_desk_hours"]) == {
        "monday", "tuesday", "wednesday", "thursday", "friday",
    }  # fmt: skip
    assert default["service_desk_hours"]["monday"] == {
        "beginning_of_workday": "09:00",
        "end_of_workday": "17:00",
    }


def test_business_hours_are_viewed_one_at_a_time_and_never_written(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    hours = client.get("/api/v2/business_hours", headers=admin).get_json()["business_hours"]
    one = client.get(f"/api/v2/business_hours/{hours[0]['id']}", headers=admin)
    assert one.get_json()["business_hours"]["name"] == hours[0]["name"]
    assert client.post("/api/v2/business_hours", json={}, headers=admin).status_code == 405


def test_a_group_may_name_business_hours_that_exist_only(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    hours = client.get("/api/v2/business_hours", headers=admin).get_json()["business_hours"]
    good = client.post(
        "/api/v2/groups", json={"name": "Night shift", "business_hours_id": hours[1]["id"]},
        headers=admin,
    )  # fmt: skip
    assert good.status_code == 201
    bad = client.post(
        "/api/v2/groups", json={"name": "Day shift", "business_hours_id": 7}, headers=admin
    )
    assert bad.status_code == 400
    assert bad.get_json()["errors"][0]["field"] == "business_hours_id"


# -- satisfaction surveys ----------------------------------------------------------------------

SURVEY: dict[str, Any] = {
    "name": "Exit survey",
    "question": "How was it?",
    "options": {"option_1": {"text": "Good"}, "option_2": {"text": "Bad"}},
}


def _surveys(client: FlaskClient, admin: dict[str, str], query: str = "") -> list[Any]:
    found: list[Any] = client.get(f"/api/v2/surveys{query}", headers=admin).get_json()["surveys"]
    return found


def test_one_seeded_survey_is_active(client: FlaskClient, admin: dict[str, str]) -> None:
    assert [s["active"] for s in _surveys(client, admin)].count(True) == 1


def test_a_new_survey_starts_inactive_and_names_its_author(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post("/api/v2/surveys", json=SURVEY, headers=admin)
    assert created.status_code == 201
    survey = created.get_json()["survey"]
    assert survey["active"] is False
    assert survey["survey_trigger_event"] == "Ticket Closure"
    me = client.get("/api/v2/agents/me", headers=admin).get_json()["agent"]["id"]
    assert survey["user_id"] == me


def test_activating_a_survey_deactivates_the_others(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    survey = client.post("/api/v2/surveys", json=SURVEY, headers=admin).get_json()["survey"]
    response = client.put(f"/api/v2/surveys/{survey['id']}/activate", headers=admin)
    assert response.status_code == 204
    assert [s["id"] for s in _surveys(client, admin, "?active=true")] == [survey["id"]]


def test_a_deactivated_survey_leaves_none_active(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    active = _surveys(client, admin, "?active=true")[0]
    client.put(f"/api/v2/surveys/{active['id']}/deactivate", headers=admin)
    assert _surveys(client, admin, "?active=true") == []


def test_a_survey_with_fewer_than_two_options_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {**SURVEY, "options": {"option_1": {"text": "Good"}}}
    response = client.post("/api/v2/surveys", json=body, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "options"


def test_an_option_past_the_fifth_is_refused_naming_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {**SURVEY, "options": {**SURVEY["options"], "option_6": {"text": "Meh"}}}
    response = client.post("/api/v2/surveys", json=body, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "options.option_6"


def test_an_agent_cannot_activate_a_survey(client: FlaskClient, agent: dict[str, str]) -> None:
    survey = _surveys(client, agent)[1]
    assert client.put(f"/api/v2/surveys/{survey['id']}/activate", headers=agent).status_code == 403
