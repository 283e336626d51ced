"""The fake's OpenAPI contract: served as JSON, valid, covering every route, and — in
`tox -e schemathesis` — checked against the live fake by schemathesis."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
import yaml
from flask import Flask
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.app import openapi_document
from mock_freshservice.clock import parse_datetime
from mock_freshservice.resources.declaration import Resource
from mock_freshservice.resources.engine import base_path, id_name, owners
from mock_freshservice.resources.fields import DATE_PATTERN, DATETIME_PATTERN
from mock_freshservice.resources.openapi import document as declared_document
from mock_freshservice.resources.registry import RESOURCES
from tests.conftest import NOW
from tests.processes import running_fake

SPEC = Path(__file__).resolve().parents[2] / "mock_freshservice" / "openapi.yaml"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@functools.cache
def spec() -> dict:  # type: ignore[type-arg]
    """The document the fake serves: openapi.yaml with the declared resources added (callers
    must not change it)."""
    return openapi_document()


def test_the_fake_serves_its_spec_as_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == spec()


def test_the_hand_written_part_is_all_in_the_served_document() -> None:
    written = yaml.safe_load(SPEC.read_text())
    assert set(written["paths"]) <= set(spec()["paths"])


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
    with running_fake("--plan", "unlimited") as fake:
        base = fake.url
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
                # One worker: CPython 3.11's ast.parse is not thread-safe ("AST constructor
                # recursion depth mismatch" inside Hypothesis), which failed runs at random.
                "--workers",
                "1",
                # Two of schemathesis's warnings describe the fake working as designed, and read
                # like failures at the end of a green run: missing_test_data (made-up ids are
                # 404, as Freshservice answers them) and validation_mismatch (the fake refuses
                # what Freshservice refuses, more than its OpenAPI document can say). The
                # others would each mean a mistake in the run, so they stay on.
                "--warnings",
                "missing_auth,missing_deserializer,unused_openapi_auth,method_not_allowed",
                "--seed",
                os.environ.get("SCHEMATHESIS_SEED", "20261126"),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,
        )
    print(result.stdout[-4000:])
    summary = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", result.stdout)
    assert summary is not None, result.stdout[-2000:]
    print(f"schemathesis tested {summary[3]} of {summary[2]} operations")
    # Each failure's details (operation, check, curl) come long before the summary's end.
    first = result.stdout.find("Test Case ID")
    details = result.stdout[max(0, first - 400) : first + 8000] if first >= 0 else ""
    assert result.returncode == 0, details + result.stdout[-3000:]
    assert summary[3] == summary[2]
    assert "Stateful" in result.stdout
    # A green run says so, and nothing at its end reads like a failure.
    assert "No issues found" in result.stdout[-300:], result.stdout[-1500:]


def _deref(node: Any, document: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _field_exists(schema: Any, pointer: list[str], document: dict[str, Any]) -> bool:
    schema = _deref(schema, document)
    if not pointer:
        return True
    head, rest = pointer[0], pointer[1:]
    if head.isdigit():
        return "items" in schema and _field_exists(schema["items"], rest, document)
    properties = schema.get("properties", {})
    return head in properties and _field_exists(properties[head], rest, document)


def links() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(where, response, link) for every link of every documented response."""
    document = spec()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, declared in operation["responses"].items():
                response = _deref(declared, document)
                for name, link in (response.get("links") or {}).items():
                    found.append((f"{method.upper()} {path} {status} {name}", response, link))
    return found


@pytest.mark.parametrize(
    ("where", "response", "link"), links(), ids=[found[0] for found in links()]
)
def test_every_link_reads_a_field_its_response_has_and_feeds_a_parameter_its_target_takes(
    where: str, response: dict[str, Any], link: dict[str, Any]
) -> None:
    document = spec()
    targets = {
        operation["operationId"]: [
            *operations.get("parameters", []),
            *operation.get("parameters", []),
        ]
        for operations in document["paths"].values()
        for key, operation in operations.items()
        if key != "parameters"
    }
    assert link["operationId"] in targets, where
    taken = {_deref(p, document)["name"] for p in targets[link["operationId"]]}
    schema = response["content"]["application/json"]["schema"]
    method, path = where.split()[:2]
    source = document["paths"][path][method.lower()]
    own = {_deref(p, document)["name"] for p in source.get("parameters", [])}
    for parameter, expression in link["parameters"].items():
        assert parameter in taken, where
        if expression.startswith("$request.path."):  # the parent's id, from the create's path
            assert expression.removeprefix("$request.path.") in own, f"{where}: {expression}"
            continue
        pointer = expression.removeprefix("$response.body#/").split("/")
        assert _field_exists(schema, pointer, document), f"{where}: {expression}"


def validates(schema_name: str, body: dict[str, Any]) -> bool:
    document = spec()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema).is_valid(body)


def test_asset_create_takes_workspace_id_in_the_spec_as_in_the_fake(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {"name": "HR printer", "asset_type_id": 30000000014, "workspace_id": 3}
    assert validates("AssetCreate", body)
    created = client.post("/api/v2/assets", json=body, headers=admin)
    assert created.status_code == 201
    assert created.get_json()["asset"]["workspace_id"] == 3


def test_asset_update_refuses_a_null_type_in_the_spec_as_in_the_fake(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert not validates("AssetUpdate", {"asset_type_id": None})
    assert (
        client.put("/api/v2/assets/1", json={"asset_type_id": None}, headers=admin).status_code
        == 400
    )


@pytest.mark.parametrize(
    ("path", "operation_id"), [("/agents", "listAgents"), ("/requesters", "listRequesters")]
)
def test_people_lists_declare_the_per_page_the_fake_honours(
    client: FlaskClient, admin: dict[str, str], path: str, operation_id: str
) -> None:
    document = spec()
    operation = document["paths"][path]["get"]
    assert operation["operationId"] == operation_id
    assert "per_page" in {_deref(p, document)["name"] for p in operation["parameters"]}
    listed = client.get(f"/api/v2{path}?per_page=2", headers=admin).get_json()
    assert len(listed[path.strip("/")]) == 2


DECLARED = [r for r in RESOURCES if {"create", "view", "update", "delete"} <= set(r.operations)]


@pytest.mark.parametrize("resource", DECLARED, ids=[r.table_name for r in DECLARED])
def test_a_declared_create_links_to_the_view_update_and_delete_of_what_it_made(
    resource: Resource,
) -> None:
    collection = base_path(resource, owners(RESOURCES))
    path = re.sub(r"<int:([a-z_]+)>", r"{\1}", collection)
    one = spec()["paths"][f"{path}/{{{id_name(resource)}}}"]
    created = spec()["paths"][path]["post"]["responses"]["201"]
    assert {link["operationId"] for link in created["links"].values()} == {
        one[method]["operationId"] for method in ("get", "put", "delete")
    }


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("1970-01-01", True),
        ("2099-12-28", True),
        ("1969-12-31", False),
        ("2026-02-29", False),
        ("2026-13-01", False),
    ],
)
def test_the_request_date_pattern_admits_only_days_the_fake_accepts(
    text: str, matches: bool
) -> None:
    assert bool(re.fullmatch(DATE_PATTERN, text)) is matches
    assert bool(re.fullmatch(DATETIME_PATTERN, f"{text}T23:59:59Z")) is matches
    if matches:
        assert parse_datetime(f"{text}T23:59:59Z") is not None


class _RefusingDuplicates(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys without a word; this loader refuses them."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [
            self.construct_object(key, deep=deep)
            for key, _ in node.value
            if key.tag != "tag:yaml.org,2002:merge"  # `<<: *anchor` may be overridden
        ]
        repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
        assert not repeated, f"line {node.start_mark.line + 1}: defined twice: {repeated}"
        return super().construct_mapping(node, deep=deep)


def test_the_hand_written_document_defines_no_key_twice() -> None:
    text = resources.files("mock_freshservice").joinpath("openapi.yaml").read_text("utf-8")
    yaml.load(text, Loader=_RefusingDuplicates)


def test_the_declared_resources_add_no_path_or_schema_the_hand_written_document_has() -> None:
    text = resources.files("mock_freshservice").joinpath("openapi.yaml").read_text("utf-8")
    written = yaml.safe_load(text)
    paths, schemas = declared_document(RESOURCES)
    assert set(paths) & set(written["paths"]) == set()
    assert set(schemas) & set(written["components"]["schemas"]) == set()
