"""The app factory: a new, independent fake per call, state on app.extensions."""

from __future__ import annotations

import pytest

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.cli import build_parser, settings_from
from mock_freshservice.state import EXTENSION, FakeState
from tests.conftest import NOW, basic


def test_create_app_hangs_its_state_on_extensions() -> None:
    app = create_app(FakeSettings(now=NOW))
    assert isinstance(app.extensions[EXTENSION], FakeState)


def test_each_app_has_its_own_state() -> None:
    first = create_app(FakeSettings(now=NOW))
    second = create_app(FakeSettings(now=NOW))
    body = {
        "subject": "Only in the first",
        "description": "x",
        "email": "a@example.com",
        "status": 2,
        "priority": 1,
    }
    created = first.test_client().post(
        "/api/v2/tickets", json=body, headers=basic("demo-acme-admin-key")
    )
    ticket_id = created.get_json()["ticket"]["id"]
    missing = second.test_client().get(
        f"/api/v2/tickets/{ticket_id}", headers=basic("demo-acme-admin-key")
    )
    assert missing.status_code == 404


def test_settings_reject_a_non_positive_rate_window() -> None:
    with pytest.raises(ValueError, match="rate_window"):
        FakeSettings(rate_window=0)


@pytest.mark.parametrize(
    "name", ["connection_limit", "idle_timeout", "max_header_bytes", "max_body_bytes"]
)
def test_settings_reject_a_non_positive_bound(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be positive"):
        FakeSettings(**{name: 0})


def test_the_connection_flags_become_settings() -> None:
    args = build_parser().parse_args(["serve", "--connection-limit", "50", "--idle-timeout", "7"])
    settings = settings_from(args)
    assert (settings.connection_limit, settings.idle_timeout) == (50, 7)


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "٣"])
def test_the_connection_flags_take_positive_integers_only(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--idle-timeout", value])
    assert "not a positive integer" in capsys.readouterr().err


def test_a_body_past_the_bound_is_413_in_json_under_any_wsgi_server() -> None:
    client = create_app(FakeSettings(now=NOW, max_body_bytes=100)).test_client()
    response = client.post(
        "/api/v2/tickets",
        data=b"{" + b" " * 200 + b"}",
        headers={**basic("demo-acme-admin-key"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.get_json() == {
        "code": "request_body_too_large",
        "message": "The request body is larger than 100 bytes",
    }


def test_keys_from_the_environment_and_the_flags_are_all_served() -> None:
    args = build_parser().parse_args(["--api-key", "flag-key-1234"])
    environ = {"MOCK_FRESHSERVICE_API_KEYS": " env-key-1234, env-key-5678 ,,flag-key-1234"}
    assert settings_from(args, environ).api_keys == (
        "env-key-1234",
        "env-key-5678",
        "flag-key-1234",
    )


def test_the_admin_token_comes_from_the_environment() -> None:
    environ = {"MOCK_FRESHSERVICE_ADMIN_TOKEN": "env-token"}
    assert settings_from(build_parser().parse_args([]), environ).admin_token == "env-token"


def test_the_admin_token_flag_overrides_the_environment() -> None:
    args = build_parser().parse_args(["--admin-token", "flag-token"])
    environ = {"MOCK_FRESHSERVICE_ADMIN_TOKEN": "env-token"}
    assert settings_from(args, environ).admin_token == "flag-token"


def test_empty_secret_variables_set_nothing() -> None:
    environ = {"MOCK_FRESHSERVICE_API_KEYS": "", "MOCK_FRESHSERVICE_ADMIN_TOKEN": ""}
    settings = settings_from(build_parser().parse_args([]), environ)
    assert (settings.api_keys, settings.admin_token) == ((), None)
