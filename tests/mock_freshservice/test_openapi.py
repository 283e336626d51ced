"""The fake's OpenAPI contract: served as JSON, valid, covering every route, and — in
`tox -e schemathesis` — checked against the live fake by schemathesis."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
import yaml
from flask import Flask

from mock_freshservice import FakeSettings, create_app
from tests.conftest import NOW
from tests.mock_freshservice.test_cli import free_port, stop, wait_until_up

SPEC = Path(__file__).resolve().parents[2] / "mock_freshservice" / "openapi.yaml"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def spec() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(SPEC.read_text())  # type: ignore[no-any-return]


def test_the_fake_serves_its_spec_as_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == spec()


def test_the_spec_is_a_valid_openapi_3_1_document() -> None:
    loaded = schemathesis.openapi.from_dict(spec())
    assert loaded.specification.version.startswith("3.1")
    assert len(list(loaded.get_all_operations())) > 40


def routes_of(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v2/") or rule.rule == "/api/v2/openapi.json":
            continue
        path = re.sub(r"<(?:int:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v2"))
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, path))
    return found


def test_every_route_of_the_fake_is_in_the_spec_and_back() -> None:
    documented = {
        (method.upper(), path)
        for path, operations in spec()["paths"].items()
        for method in operations
        if method != "parameters"
    }
    assert routes_of(create_app(FakeSettings(now=NOW))) == documented


def test_every_operation_documents_the_auth_and_rate_limit_answers() -> None:
    for path, operations in spec()["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert {"401", "429"} <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.schemathesis
def test_schemathesis_finds_no_failure_on_the_live_fake(tmp_path: Path) -> None:
    """The four conformance checks plus the stateful phase (create → view → update links for
    tickets, assets and articles) against a real fake process on loopback."""
    runner = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    assert runner is not None, "schemathesis is not installed"
    port = free_port()
    with (tmp_path / "fake.log").open("w") as log:
        fake = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mock_freshservice",
                "serve",
                "--port",
                str(port),
                "--plan",
                "unlimited",
                "--now",
                "2026-11-02T12:00:00Z",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, fake)
            result = subprocess.run(
                [
                    runner,
                    "run",
                    f"{base}/api/v2/openapi.json",
                    "--url",
                    f"{base}/api/v2",
                    "--auth",
                    "demo-acme-admin-key:X",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"),
                    "--workers",
                    "2",
                    "--seed",
                    os.environ.get("SCHEMATHESIS_SEED", "20261126"),
                ],
                capture_output=True,
                text=True,
                timeout=900,
                cwd=tmp_path,
            )
        finally:
            stop(fake)
    print(result.stdout[-4000:])
    summary = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", result.stdout)
    assert summary is not None, result.stdout[-2000:]
    print(f"schemathesis tested {summary[3]} of {summary[2]} operations")
    assert result.returncode == 0, result.stdout[-6000:]
    assert summary[3] == summary[2]
    assert "Stateful" in result.stdout
