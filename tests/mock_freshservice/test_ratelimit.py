"""The per-minute, per-account budget: headers, sub-limits, include credits, 429 and plans."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.state import EXTENSION, FakeState
from tests.conftest import GLOBEX_ADMIN_KEY, NOW, basic


def state_of(app: Flask) -> FakeState:
    state: FakeState = app.extensions[EXTENSION]
    return state


def test_every_answer_carries_the_rate_limit_headers(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets/10234", headers=admin)
    assert response.headers["X-RateLimit-Total"] == "500"
    assert response.headers["X-RateLimit-Remaining"] == "499"
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == "1"
    assert response.headers["X-Freshservice-Api-Version"] == "latest=v2; requested=v2"


def test_errors_count_against_the_budget(client: FlaskClient, admin: dict[str, str]) -> None:
    client.get("/api/v2/tickets?per_page=1000", headers=admin)
    response = client.get("/api/v2/agents/me", headers=admin)
    assert response.headers["X-RateLimit-Remaining"] == "498"


def test_an_include_on_a_list_costs_two_more_credits(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets?include=stats", headers=admin)
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == "3"


def test_each_include_on_a_single_object_costs_one_more_credit(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets/10234?include=requester,stats", headers=admin)
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == "3"


def test_accounts_have_separate_budgets(client: FlaskClient, admin: dict[str, str]) -> None:
    client.get("/api/v2/agents/me", headers=admin)
    other = client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY))
    assert other.headers["X-RateLimit-Remaining"] == "499"


def test_keys_of_one_account_share_its_budget(
    client: FlaskClient, admin: dict[str, str], agent: dict[str, str]
) -> None:
    client.get("/api/v2/agents/me", headers=admin)
    response = client.get("/api/v2/agents/me", headers=agent)
    assert response.headers["X-RateLimit-Remaining"] == "498"


def test_a_spent_sub_limit_gets_429_with_retry_after(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    app = client.application
    state_of(app).set_plan("acme.freshservice.com", "starter")  # List All Tickets: 40 a minute
    for _ in range(40):
        assert client.get("/api/v2/tickets?per_page=1", headers=admin).status_code == 200
    refused = client.get("/api/v2/tickets?per_page=1", headers=admin)
    assert refused.status_code == 429
    assert refused.get_json() == {"message": "You have exceeded the limit of requests per minute"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "X-RateLimit-Remaining" not in refused.headers


def test_a_spent_sub_limit_leaves_other_endpoints_open(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    state_of(client.application).set_plan("acme.freshservice.com", "starter")
    for _ in range(40):
        client.get("/api/v2/tickets?per_page=1", headers=admin)
    assert client.get("/api/v2/tickets/10234", headers=admin).status_code == 200


def test_the_overall_limit_covers_every_endpoint(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    state_of(client.application).set_plan("acme.freshservice.com", "enterprise", {"overall": 3})
    statuses = [client.get("/api/v2/workspaces", headers=admin).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_requests_refused_with_429_are_not_counted(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    app = client.application
    state_of(app).set_plan("acme.freshservice.com", "enterprise", {"overall": 2})
    for _ in range(5):
        client.get("/api/v2/workspaces", headers=admin)
    state_of(app).set_plan("acme.freshservice.com", "enterprise", {"overall": 3})
    assert client.get("/api/v2/workspaces", headers=admin).status_code == 200


def test_a_plan_change_takes_effect_on_the_next_request(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.get("/api/v2/agents/me", headers=admin)
    state_of(client.application).set_plan("acme.freshservice.com", "growth")
    response = client.get("/api/v2/agents/me", headers=admin)
    assert response.headers["X-RateLimit-Total"] == "200"
    assert response.headers["X-RateLimit-Remaining"] == "198"


def test_the_unlimited_plan_switches_limits_and_headers_off() -> None:
    app = create_app(FakeSettings(now=NOW, plan="unlimited"))
    client = app.test_client()
    state_of(app).set_plan("acme.freshservice.com", "unlimited")
    for _ in range(600):
        response = client.get("/api/v2/workspaces", headers=basic("demo-acme-admin-key"))
        assert response.status_code == 200
    assert "X-RateLimit-Total" not in response.headers


def test_a_short_rate_window_shortens_retry_after_and_reopens() -> None:
    app = create_app(FakeSettings(now=NOW, rate_window=1))
    state_of(app).set_plan("acme.freshservice.com", "enterprise", {"overall": 1})
    client = app.test_client()
    headers = basic("demo-acme-admin-key")
    assert client.get("/api/v2/workspaces", headers=headers).status_code == 200
    refused = client.get("/api/v2/workspaces", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    time.sleep(1.05)
    assert client.get("/api/v2/workspaces", headers=headers).status_code == 200


@pytest.mark.parametrize("plan", ["starter", "growth", "pro", "enterprise"])
def test_each_plan_reports_its_overall_limit(plan: str) -> None:
    app = create_app(FakeSettings(now=NOW, plan=plan))  # type: ignore[arg-type]
    response = app.test_client().get("/api/v2/agents/me", headers=basic("demo-acme-admin-key"))
    expected = {"starter": 100, "growth": 200, "pro": 400, "enterprise": 500}[plan]
    assert response.headers["X-RateLimit-Total"] == str(expected)


def test_a_repeated_include_is_charged_once(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/tickets?include=stats,stats,stats", headers=admin)
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == "3"
