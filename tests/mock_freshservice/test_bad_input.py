"""Whatever a client sends, the fake answers in Freshservice's format and never with a 500;
a refused write leaves the store as it was."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.resources.declaration import records_of
from mock_freshservice.resources.engine import base_path, owners
from mock_freshservice.resources.registry import RESOURCES
from mock_freshservice.state import EXTENSION, FakeState
from tests.conftest import NOW, basic

ADMIN = basic("demo-acme-admin-key")
TICKET_FIELDS = [
    "subject",
    "description",
    "email",
    "requester_id",
    "phone",
    "name",
    "status",
    "priority",
    "urgency",
    "impact",
    "source",
    "type",
    "responder_id",
    "group_id",
    "department_id",
    "category",
    "due_by",
    "fr_due_by",
    "cc_emails",
    "tags",
    "custom_fields",
    "workspace_id",
]
NOTE_FIELDS = ["body", "private", "incoming", "notify_emails", "user_id"]
LIST_PARAMS = [
    "filter",
    "requester_id",
    "email",
    "updated_since",
    "type",
    "workspace_id",
    "order_type",
    "include",
    "page",
    "per_page",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
    | st.sampled_from(
        ["2", "high", "", " ", "john@acme.com", "2026-13-45", "null", "\u0000", "😀" * 3]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)


VALID_TICKET = {
    "subject": "Printer jammed",
    "description": "<p>Tray 2</p>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 1,
}
VALID_NOTE = {"body": "Looked at it", "private": True}


def bodies(fields: list[str], valid: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly-valid bodies with a few fields changed, dropped or added, so checks deep in the
    handler are reached, plus wholly random ones."""
    keys = st.sampled_from(fields) | st.text(min_size=1, max_size=12)
    known = st.sampled_from(fields)
    near = st.integers(min_value=-2, max_value=20) | json_values  # small numbers hit enum edges
    changed = st.dictionaries(known | known | keys, near, min_size=1, max_size=3)
    dropped = st.sets(st.sampled_from(sorted(valid)), max_size=2)
    mutated = st.tuples(changed, dropped).map(
        lambda cd: {k: v for k, v in {**valid, **cd[0]}.items() if k not in cd[1]}
    )
    return mutated | st.dictionaries(keys, json_values, max_size=8)


@pytest.fixture(scope="module")
def shared_app() -> Flask:
    app = create_app(FakeSettings(now=NOW, plan="unlimited"))
    return app


def store_marks(app: Flask) -> tuple[int, int, int]:
    state: FakeState = app.extensions[EXTENSION]
    acme = state.accounts["acme.freshservice.com"]
    notes = sum(len(v) for v in acme.created_conversations.values())
    return acme.tickets.version, acme.requesters.version, notes


def assert_still_readable(client: FlaskClient, ticket_id: int | None = None) -> None:
    """An accepted write must leave every read working."""
    for path in (
        "/api/v2/tickets?per_page=100",
        "/api/v2/tickets?filter=new_and_my_open",
        f"/api/v2/tickets/{ticket_id or 10234}?include=conversations,stats",
        f"/api/v2/tickets/{ticket_id or 10234}/conversations",
    ):
        response = client.get(path, headers=ADMIN)
        assert response.status_code == 200, (path, response.get_data()[:300])


def assert_freshservice_error(status: int, raw: bytes) -> None:
    assert 400 <= status < 500, f"{status}: {raw[:300]!r}"
    if status == 404:
        assert raw == b""
        return
    body = json.loads(raw)
    if "errors" in body:
        assert body["description"] == "Validation failed"
        for error in body["errors"]:
            assert set(error) == {"field", "message", "code"}
            assert error["code"] in {
                "missing_field",
                "invalid_value",
                "datatype_mismatch",
                "invalid_field",
                "incompatible_field",
            }
    else:
        assert set(body) in ({"code", "message"}, {"message"})


common = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@common
@given(body=bodies(TICKET_FIELDS, VALID_TICKET))
def test_any_create_body_is_answered_201_or_a_freshservice_4xx(
    shared_app: Flask, body: dict[str, Any]
) -> None:
    client = shared_app.test_client()
    before = store_marks(shared_app)
    response = client.post("/api/v2/tickets", json=body, headers=ADMIN)
    if response.status_code == 201:
        assert_still_readable(client, response.get_json()["ticket"]["id"])
        return
    assert_freshservice_error(response.status_code, response.get_data())
    assert store_marks(shared_app) == before


@common
@given(
    body=bodies(TICKET_FIELDS, {"priority": 2}),
    ticket=st.sampled_from([10234, 1023, 9850, 424242, 0]),
)
def test_any_update_body_is_answered_200_or_a_freshservice_4xx(
    shared_app: Flask, body: dict[str, Any], ticket: int
) -> None:
    client = shared_app.test_client()
    before = store_marks(shared_app)
    response = client.put(f"/api/v2/tickets/{ticket}", json=body, headers=ADMIN)
    if response.status_code == 200:
        assert_still_readable(client, ticket)
        return
    assert_freshservice_error(response.status_code, response.get_data())
    assert store_marks(shared_app) == before


@common
@given(body=bodies(NOTE_FIELDS, VALID_NOTE))
def test_any_note_body_is_answered_201_or_a_freshservice_4xx(
    shared_app: Flask, body: dict[str, Any]
) -> None:
    client = shared_app.test_client()
    before = store_marks(shared_app)
    response = client.post("/api/v2/tickets/1023/notes", json=body, headers=ADMIN)
    if response.status_code == 201:
        assert_still_readable(client, 1023)
        return
    assert_freshservice_error(response.status_code, response.get_data())
    assert store_marks(shared_app) == before


@common
@given(raw=st.binary(max_size=200))
def test_any_raw_body_is_answered_without_a_500(shared_app: Flask, raw: bytes) -> None:
    client = shared_app.test_client()
    before = store_marks(shared_app)
    response = client.post(
        "/api/v2/tickets", data=raw, headers={**ADMIN, "Content-Type": "application/json"}
    )
    if response.status_code == 201:
        return
    assert_freshservice_error(response.status_code, response.get_data())
    assert store_marks(shared_app) == before


query_values = (
    st.text(max_size=40)
    | st.integers(min_value=-(2**70), max_value=2**70).map(str)
    | st.sampled_from(
        [
            "0",
            "-1",
            "101",
            "100",
            "new_and_my_open",
            "asc",
            "stats,requester",
            "2026-01-01",
            "Service Request",
            "x@y.z",
        ]
    )
)


@common
@given(
    params=st.dictionaries(
        st.sampled_from(LIST_PARAMS) | st.text(min_size=1, max_size=8), query_values, max_size=5
    ),
    path=st.sampled_from(
        [
            "/api/v2/tickets",
            "/api/v2/agents",
            "/api/v2/requesters",
            "/api/v2/workspaces",
            "/api/v2/tickets/1023/conversations",
            "/api/v2/tickets/10234",
        ]
    ),
)
def test_any_query_string_is_answered_200_or_a_freshservice_4xx(
    shared_app: Flask, params: dict[str, str], path: str
) -> None:
    client: FlaskClient = shared_app.test_client()
    response = client.get(f"{path}?{urlencode(params)}", headers=ADMIN)
    if response.status_code == 200:
        return
    assert_freshservice_error(response.status_code, response.get_data())


# -- U+0000 in a JSON body ---------------------------------------------------------------------

NUL_REFUSED = "It should not contain the null character (U+0000)"
BODYLESS_WRITES = {  # PUT without a body
    "assets.restore_asset", "tickets.restore_ticket", "agents.reactivate_agent",
    "requesters.reactivate_requester", "requesters.convert_to_agent",
    "requesters.merge_requesters", "requester_groups.add_member",
}  # fmt: skip


def nul_refusal(*fields: str) -> dict[str, Any]:
    return {
        "description": "Validation failed",
        "errors": [{"field": f, "message": NUL_REFUSED, "code": "invalid_value"} for f in fields],
    }


def first_id(client: FlaskClient, path: str, collection: str, key: str = "id") -> int:
    listed = client.get(f"/api/v2/{path}", headers=ADMIN).get_json()[collection]
    return int(listed[0][key])


def write_paths(client: FlaskClient) -> dict[str, tuple[str, str]]:
    """Every write endpoint that reads a JSON body, by endpoint name, with ids that exist."""
    asset = first_id(client, "assets", "assets", "display_id")
    item = first_id(client, "service_catalog/items", "service_items", "display_id")
    folder = first_id(
        client,
        "solutions/folders?category_id="
        + str(first_id(client, "solutions/categories", "categories")),
        "folders",
    )
    article = first_id(client, f"solutions/articles?folder_id={folder}", "articles")
    agent = first_id(client, "agents", "agents")
    requester = first_id(client, "requesters", "requesters")
    return {
        "tickets.create_ticket": ("POST", "/api/v2/tickets"),
        "tickets.update_ticket": ("PUT", "/api/v2/tickets/10234"),
        "tickets.create_note": ("POST", "/api/v2/tickets/10234/notes"),
        "tickets.create_child_ticket": ("POST", "/api/v2/tickets/10234/create_child_ticket"),
        "tickets.conversations.create_reply": ("POST", "/api/v2/tickets/10234/reply"),
        "tickets.conversations.update_conversation": ("PUT", "/api/v2/conversations/1"),
        "tickets.ticket_fields.create_source": ("POST", "/api/v2/ticket_fields/sources"),
        "assets.create_asset": ("POST", "/api/v2/assets"),
        "assets.update_asset": ("PUT", f"/api/v2/assets/{asset}"),
        "service_catalog.place_request": (
            "POST",
            f"/api/v2/service_catalog/items/{item}/place_request",
        ),
        "solutions.create_folder": ("POST", "/api/v2/solutions/folders"),
        "service_catalog.create_service_request": ("POST", "/api/v2/service_requests"),
        "service_catalog.update_service_request": ("PUT", "/api/v2/service_requests/10234"),
        "solutions.create_article": ("POST", "/api/v2/solutions/articles"),
        "solutions.update_article": ("PUT", f"/api/v2/solutions/articles/{article}"),
        "solutions.create_category": ("POST", "/api/v2/solutions/categories"),
        "solutions.update_category": (
            "PUT",
            f"/api/v2/solutions/categories/{first_id(client, 'solutions/categories', 'categories')}",
        ),
        "solutions.update_folder": ("PUT", f"/api/v2/solutions/folders/{folder}"),
        "employees.onboarding_post_1_onboarding_requests": (
            "POST",
            "/api/v2/onboarding_requests",
        ),
        "employees.offboarding_post_1_offboarding_requests": (
            "POST",
            "/api/v2/offboarding_requests",
        ),
        "agents.create_agent": ("POST", "/api/v2/agents"),
        "agents.update_agent": ("PUT", f"/api/v2/agents/{agent}"),
        "requesters.create_requester": ("POST", "/api/v2/requesters"),
        "requesters.update_requester": ("PUT", f"/api/v2/requesters/{requester}"),
    }


def _any_record_id(account: Any, parent: Any) -> int:
    table = account.resource_tables.get(parent.resource) or getattr(account, parent.resource)
    return int(next(iter(table.live_records()))["id"])


def declared_write_paths(client: FlaskClient) -> dict[str, tuple[str, str]]:
    """The declared resources' create and update endpoints, with ids that exist."""
    account = client.application.extensions[EXTENSION].accounts["acme.freshservice.com"]
    by_name = owners(RESOURCES)
    found = {}
    for resource in RESOURCES:
        if not {"create", "update"} & set(resource.operations):
            continue
        # A resource nothing seeds (a ticket's approvals) is created under any parent record.
        record = next((r for r in records_of(account, resource).all() if not r.get("_gone")), None)
        assert record is not None or "update" not in resource.operations, resource.name
        path = "/api/v2" + base_path(resource, by_name)
        if resource.parent is not None:
            parent_id = record["_parent"] if record else _any_record_id(account, resource.parent)
            path = re.sub(r"<int:[a-z_]+>", str(parent_id), path)
        name = resource.table_name
        if "create" in resource.operations:
            found[f"resources.{name}_create"] = ("POST", path)
        if "update" in resource.operations:
            found[f"resources.{name}_update"] = ("PUT", f"{path}/{record['id']}")
            for alias in resource.item_aliases:
                found[f"resources.{name}_update_at_{alias}"] = (
                    "PUT",
                    f"/api/v2/{alias}/{record['id']}",
                )
    return found


def bodyless_writes() -> set[str]:
    """Declared actions take no body (restore, archive)."""
    return {
        f"resources.{r.table_name}_{action.segment}"
        for r in RESOURCES
        for action in r.actions
        if action.method in ("POST", "PUT")
    }


def test_every_write_endpoint_refuses_a_nul_character_naming_the_field(
    client: FlaskClient,
) -> None:
    paths = {**write_paths(client), **declared_write_paths(client)}
    writes = {
        rule.endpoint
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.methods & {"POST", "PUT"}
    }
    assert writes - BODYLESS_WRITES - bodyless_writes() == set(paths)
    before = store_marks(client.application)
    for endpoint, (method, path) in paths.items():
        response = client.open(path, method=method, json={"name": "a\u0000b"}, headers=ADMIN)
        assert (response.status_code, response.get_json()) == (400, nul_refusal("name")), endpoint
    assert store_marks(client.application) == before


def test_a_ticket_subject_with_a_nul_character_is_not_stored(client: FlaskClient) -> None:
    body = {**VALID_TICKET, "subject": "Printer\u0000 on fire"}
    response = client.post("/api/v2/tickets", json=body, headers=ADMIN)
    assert response.status_code == 400
    assert response.get_json() == nul_refusal("subject")
    listed = client.get("/api/v2/tickets?per_page=100", headers=ADMIN).get_json()["tickets"]
    assert not any("\u0000" in ticket["subject"] for ticket in listed)


def test_a_nul_character_deep_in_a_body_names_the_innermost_field(client: FlaskClient) -> None:
    body = {
        "description": "ok",
        "tags": ["fine", "no\u0000pe"],
        "custom_fields": {"cf_note": {"deeper": ["\u0000"]}},
        "sub\u0000ject": "x",
    }
    response = client.put("/api/v2/tickets/10234", json=body, headers=ADMIN)
    assert response.get_json() == nul_refusal("tags", "deeper", "sub\u0000ject")


def test_an_escaped_backslash_before_u0000_is_no_nul_character(client: FlaskClient) -> None:
    raw = b'{"subject": "C:\\\\u0000 path"}'
    response = client.put(
        "/api/v2/tickets/10234",
        data=raw,
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json()["ticket"]["subject"] == "C:\\u0000 path"
