"""Werkzeug's own exceptions reach clients in Freshservice's shapes, once, and are journaled."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from werkzeug.exceptions import InternalServerError, ServiceUnavailable

from mock_freshservice import FakeSettings, create_app, guesses
from tests.conftest import NOW, basic

ACME = "acme.freshservice.com"


def failing_app(exc: Exception) -> Flask:
    app = create_app(FakeSettings(now=NOW))

    def boom() -> None:
        raise exc

    app.add_url_rule("/api/v2/boom", "boom", boom)
    return app


@pytest.mark.parametrize("exc", [InternalServerError(), ServiceUnavailable()])
def test_a_5xx_http_exception_is_freshservices_500_and_is_journaled(
    exc: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    client = failing_app(exc).test_client()
    with caplog.at_level(logging.ERROR, logger="mock_freshservice"):
        response = client.get("/api/v2/boom", headers=basic("demo-acme-admin-key"))
    assert response.status_code == 500
    assert response.get_json() == {"message": guesses.SERVER_ERROR_MESSAGE}
    entries = client.get(f"/_mock/accounts/{ACME}/journal").get_json()["entries"]
    assert [(e["path"], e["status"]) for e in entries] == [("/api/v2/boom", 500)]
    assert [r.getMessage() for r in caplog.records] == [
        "unexpected error answering GET /api/v2/boom"
    ]


def test_an_unexpected_exception_is_freshservices_500_and_is_journaled() -> None:
    client = failing_app(RuntimeError("bug")).test_client()
    response = client.get("/api/v2/boom", headers=basic("demo-acme-admin-key"))
    assert response.status_code == 500
    assert response.get_json() == {"message": guesses.SERVER_ERROR_MESSAGE}
    entries = client.get(f"/_mock/accounts/{ACME}/journal").get_json()["entries"]
    assert [e["status"] for e in entries] == [500]
