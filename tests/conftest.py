"""Fixtures shared by every test: a fresh fake per test, keys and a Basic-auth helper."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app

# The data clock every test fake is frozen at, so bodies are repeatable.
NOW = datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC)

ADMIN_KEY = "demo-acme-admin-key"
AGENT_KEY = "demo-acme-agent-key"
REQUESTER_KEY = "demo-acme-requester-key"
GLOBEX_ADMIN_KEY = "demo-globex-admin-key"


def basic(key: str) -> dict[str, str]:
    """The Authorization header Freshservice expects: Basic base64("<key>:X")."""
    token = base64.b64encode(f"{key}:X".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def settings() -> FakeSettings:
    return FakeSettings(now=NOW)


@pytest.fixture
def app(settings: FakeSettings) -> Flask:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def admin() -> dict[str, str]:
    return basic(ADMIN_KEY)


@pytest.fixture
def agent() -> dict[str, str]:
    return basic(AGENT_KEY)


@pytest.fixture
def requester() -> dict[str, str]:
    return basic(REQUESTER_KEY)
