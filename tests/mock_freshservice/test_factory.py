"""The app factory: a new, independent fake per call, state on app.extensions."""

from __future__ import annotations

import pytest

from mock_freshservice import FakeSettings, create_app
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
