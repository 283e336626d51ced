"""A dataset's own ticket form: custom ticket fields (`ticket_fields`), custom statuses
(`statuses`) and group names (`group_names`), as the form, generated tickets, writes, filters
and the activity timeline show them."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.data.account import PinnedRecordError
from mock_freshservice.data.dataset import DatasetError, TicketField, load_dataset
from mock_freshservice.data.ticket_form import generated_values
from mock_freshservice.state import EXTENSION, FakeState
from tests.conftest import NOW, basic
from tests.mock_freshservice.test_dataset import default_dataset_with

ADMIN = basic("demo-acme-admin-key")
REQUESTER = basic("demo-acme-requester-key")
OWN_FIELDS = [
    {"name": "cost_centre", "label": "Cost centre", "type": "dropdown", "choices": ["R&D", "Ops"]},
    {"name": "asset_tag", "type": "text"},
    {"name": "steps", "type": "paragraph"},
    {"name": "seats", "type": "number"},
    {"name": "hours", "type": "decimal"},
    {"name": "go_live", "type": "date"},
    {"name": "urgent_fix", "type": "checkbox"},
]
OWN_STATUSES = [
    {"id": 6, "name": "Awaiting vendor", "customer_name": "Waiting on a supplier"},
    {"id": 9, "name": "On hold"},
]
NEW_TICKET = {
    "subject": "Kiosk is down",
    "description": "<div>The lobby kiosk shows a blank screen.</div>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 2,
}


def with_own_form(raw: dict[str, Any]) -> None:
    account = raw["accounts"][0]
    account["ticket_fields"] = OWN_FIELDS
    account["statuses"] = OWN_STATUSES
    # The default dataset's pinned tickets name three of these.
    account["group_names"] = [
        "Field Engineers",
        "Network Team",
        "Hardware Team",
        "Application Support",
    ]
    account["sizes"]["groups"] = 4


@pytest.fixture(scope="module")
def own() -> FlaskClient:
    """A fake whose first account has the form above (reads only, or its own tickets)."""
    return create_app(FakeSettings(now=NOW), default_dataset_with(with_own_form)).test_client()


@pytest.fixture
def fresh() -> FlaskClient:
    return create_app(FakeSettings(now=NOW), default_dataset_with(with_own_form)).test_client()


def form(client: FlaskClient) -> dict[str, Any]:
    return form_of(client, ADMIN)


def form_of(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v2/ticket_form_fields", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {f["name"]: f for f in response.get_json()["ticket_fields"]}


def all_tickets(client: FlaskClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in range(1, 100):
        url = f"/api/v2/tickets?per_page=100&page={page}&updated_since=2000-01-01T00:00:00Z"
        body = client.get(url, headers=ADMIN).get_json()
        found += body["tickets"]
        if len(body["tickets"]) < 100:
            return found
    raise AssertionError("more pages than expected")


def by_id(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: int(r["id"]))


def create(client: FlaskClient, **fields: Any) -> Any:
    return client.post("/api/v2/tickets", json={**NEW_TICKET, **fields}, headers=ADMIN)


def error_fields(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.get_json()
    return [(e["field"], e["code"]) for e in response.get_json()["errors"]]


# -- The form ----------------------------------------------------------------------------------


def test_the_form_lists_the_datasets_custom_fields_instead_of_the_fakes_own(
    own: FlaskClient,
) -> None:
    fields = form(own)
    custom = [f for f in fields.values() if not f["default_field"]]
    assert [(f["name"], f["field_type"]) for f in custom] == [
        ("cost_centre", "custom_dropdown"),
        ("asset_tag", "custom_text"),
        ("steps", "custom_paragraph"),
        ("seats", "custom_number"),
        ("hours", "custom_decimal"),
        ("go_live", "custom_date"),
        ("urgent_fix", "custom_checkbox"),
    ]
    assert "business_impact" not in fields and "vip_request" not in fields


def test_a_custom_fields_label_is_the_datasets_or_made_from_its_name(own: FlaskClient) -> None:
    fields = form(own)
    assert fields["cost_centre"]["label"] == "Cost centre"
    assert fields["asset_tag"]["label"] == "Asset tag"


def test_a_dropdowns_choices_are_the_datasets_in_order(own: FlaskClient) -> None:
    choices = form(own)["cost_centre"]["choices"]
    assert [(c["display_id"], c["value"]) for c in choices] == [(1, "R&D"), (2, "Ops")]


def test_the_status_field_lists_the_datasets_statuses_after_the_built_in_ones(
    own: FlaskClient,
) -> None:
    choices = form(own)["status"]["choices"]
    assert [(c["id"], c["value"], c["requester_display_value"]) for c in choices] == [
        (2, "Open", "Being Processed"),
        (3, "Pending", "Awaiting your Reply"),
        (4, "Resolved", "This ticket has been Resolved"),
        (5, "Closed", "This ticket has been Closed"),
        (6, "Awaiting vendor", "Waiting on a supplier"),
        (9, "On hold", "On hold"),
    ]


def test_the_group_field_lists_the_named_groups_first(own: FlaskClient) -> None:
    names = [c["value"] for c in form(own)["group"]["choices"]]
    assert names == ["Field Engineers", "Network Team", "Hardware Team", "Application Support"]


# -- Generated tickets ---------------------------------------------------------------------------


def generated(client: FlaskClient) -> list[dict[str, Any]]:
    """Every ticket of the first account, as stored (viewing each would meet the rate limit)."""
    client.get("/api/v2/agents/me", headers=ADMIN)  # the account is built by then
    state: FakeState = client.application.extensions[EXTENSION]
    return list(state.accounts["acme.freshservice.com"].tickets.all())


def test_generated_tickets_carry_every_custom_field_and_only_those(own: FlaskClient) -> None:
    names = [f["name"] for f in OWN_FIELDS]
    assert all(list(t["custom_fields"]) == names for t in generated(own))


def test_generated_custom_values_fit_their_fields_types(own: FlaskClient) -> None:
    values: dict[str, set[Any]] = {f["name"]: set() for f in OWN_FIELDS}
    for ticket in generated(own):
        for name, value in ticket["custom_fields"].items():
            values[name].add(value)
    assert values["cost_centre"] == {None, "R&D", "Ops"}
    assert values["urgent_fix"] == {False, True}
    assert all(v is None or type(v) is int for v in values["seats"]) and len(values["seats"]) > 1
    assert all(v is None or type(v) is float for v in values["hours"]) and len(values["hours"]) > 1
    dates = {v for v in values["go_live"] if v is not None}
    assert dates and all(datetime.date.fromisoformat(v) for v in dates)
    assert {v for v in values["asset_tag"] if v is not None}


def test_a_viewed_generated_ticket_shows_its_custom_values(own: FlaskClient) -> None:
    stored = next(t for t in generated(own) if t["custom_fields"]["cost_centre"] is not None)
    viewed = own.get(f"/api/v2/tickets/{stored['id']}", headers=ADMIN).get_json()["ticket"]
    assert viewed["custom_fields"] == stored["custom_fields"]


def test_some_generated_tickets_have_the_datasets_statuses(own: FlaskClient) -> None:
    statuses = {t["status"] for t in all_tickets(own)}
    assert {6, 9} <= statuses
    assert statuses <= {2, 3, 4, 5, 6, 9}


def test_many_custom_fields_give_a_bounded_sample_of_combinations() -> None:
    fields = tuple(
        TicketField(name=f"field_{n}", type="dropdown", choices=("a", "b", "c")) for n in range(12)
    )
    values = generated_values(fields, int(NOW.timestamp()), "acme.freshservice.com")
    assert len(values) == 2_000
    assert values == generated_values(fields, int(NOW.timestamp()), "acme.freshservice.com")


def test_the_default_dataset_keeps_the_fakes_own_custom_fields(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    assert list(body["custom_fields"]) == ["business_impact", "vip_request"]


# -- Writes ----------------------------------------------------------------------------------------


def test_a_ticket_is_created_with_values_for_the_datasets_custom_fields(
    fresh: FlaskClient,
) -> None:
    values = {
        "cost_centre": "Ops",
        "asset_tag": "LT-0042",
        "steps": "Turn it off and on.",
        "seats": 3,
        "hours": 1.5,
        "go_live": "2026-12-01",
        "urgent_fix": True,
    }
    created = create(fresh, custom_fields=values)
    assert created.status_code == 201, created.get_json()
    ticket_id = created.get_json()["ticket"]["id"]
    viewed = fresh.get(f"/api/v2/tickets/{ticket_id}", headers=ADMIN).get_json()["ticket"]
    assert viewed["custom_fields"] == values


def test_an_unset_custom_field_is_null_and_an_unset_checkbox_false(fresh: FlaskClient) -> None:
    created = create(fresh, custom_fields={"seats": 2})
    custom = created.get_json()["ticket"]["custom_fields"]
    assert custom["seats"] == 2 and custom["cost_centre"] is None
    assert custom["urgent_fix"] is False


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("cost_centre", "Finance", "invalid_value"),
        ("seats", "three", "datatype_mismatch"),
        ("seats", 2.5, "datatype_mismatch"),
        ("hours", True, "datatype_mismatch"),
        ("go_live", "next tuesday", "invalid_value"),
        ("go_live", "20261201", "invalid_value"),
        ("go_live", "2026-W49-2", "invalid_value"),
        ("urgent_fix", "yes", "datatype_mismatch"),
        ("asset_tag", "x" * 256, "invalid_value"),
        ("asset_tag", 42, "datatype_mismatch"),
    ],
)
def test_a_value_that_does_not_fit_its_custom_field_is_refused_naming_it(
    fresh: FlaskClient, name: str, value: Any, code: str
) -> None:
    assert error_fields(create(fresh, custom_fields={name: value})) == [(name, code)]


@pytest.mark.parametrize(
    ("name", "text", "stored"),
    [
        ("seats", "3", 3),
        ("hours", "1.5", 1.5),
        ("hours", "2", 2),
        ("urgent_fix", "true", True),
        ("asset_tag", "true", "true"),
        ("cost_centre", "Ops", "Ops"),
    ],
)
def test_a_multipart_custom_field_part_is_typed_as_its_field_wants(
    fresh: FlaskClient, name: str, text: str, stored: Any
) -> None:
    form = {**NEW_TICKET, f"custom_fields[{name}]": text}
    created = fresh.post(
        "/api/v2/tickets", data=form, headers=ADMIN, content_type="multipart/form-data"
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["ticket"]["custom_fields"][name] == stored


def test_a_multipart_part_that_does_not_fit_is_refused_naming_the_field(
    fresh: FlaskClient,
) -> None:
    form = {**NEW_TICKET, "custom_fields[seats]": "three"}
    refused = fresh.post(
        "/api/v2/tickets", data=form, headers=ADMIN, content_type="multipart/form-data"
    )
    assert error_fields(refused) == [("seats", "datatype_mismatch")]


def test_a_checkbox_set_to_null_is_unset_so_false(fresh: FlaskClient) -> None:
    ticket_id = create(fresh, custom_fields={"urgent_fix": True}).get_json()["ticket"]["id"]
    updated = fresh.put(
        f"/api/v2/tickets/{ticket_id}", json={"custom_fields": {"urgent_fix": None}}, headers=ADMIN
    )
    assert updated.get_json()["ticket"]["custom_fields"]["urgent_fix"] is False


def test_a_dropdowns_refusal_lists_its_choices(fresh: FlaskClient) -> None:
    refused = create(fresh, custom_fields={"cost_centre": "Finance"})
    assert refused.get_json()["errors"][0]["message"] == (
        "It should be one of these values: 'R&D,Ops'"
    )


def test_the_fakes_own_custom_field_is_unknown_to_a_dataset_that_does_not_name_it(
    fresh: FlaskClient,
) -> None:
    refused = create(fresh, custom_fields={"business_impact": "High"})
    assert error_fields(refused) == [("business_impact", "invalid_field")]


def test_an_update_sets_one_custom_field_and_keeps_the_others(fresh: FlaskClient) -> None:
    ticket_id = create(fresh, custom_fields={"seats": 2}).get_json()["ticket"]["id"]
    updated = fresh.put(
        f"/api/v2/tickets/{ticket_id}",
        json={"custom_fields": {"cost_centre": "R&D"}},
        headers=ADMIN,
    )
    assert updated.status_code == 200, updated.get_json()
    custom = updated.get_json()["ticket"]["custom_fields"]
    assert (custom["seats"], custom["cost_centre"]) == (2, "R&D")


def test_a_ticket_takes_a_custom_status(fresh: FlaskClient) -> None:
    created = create(fresh, status=6)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["ticket"]["status"] == 6


def test_a_status_the_account_does_not_have_is_refused_listing_its_own(
    fresh: FlaskClient,
) -> None:
    refused = create(fresh, status=7)
    assert error_fields(refused) == [("status", "invalid_value")]
    assert refused.get_json()["errors"][0]["message"] == (
        "It should be one of these values: '2,3,4,5,6,9'"
    )


def test_the_default_dataset_refuses_status_6(client: FlaskClient, admin: dict[str, str]) -> None:
    refused = client.post("/api/v2/tickets", json={**NEW_TICKET, "status": 6}, headers=admin)
    assert error_fields(refused) == [("status", "invalid_value")]


def test_the_timeline_names_a_custom_status(fresh: FlaskClient) -> None:
    ticket_id = create(fresh).get_json()["ticket"]["id"]
    fresh.put(f"/api/v2/tickets/{ticket_id}", json={"status": 9}, headers=ADMIN)
    activities = fresh.get(f"/api/v2/tickets/{ticket_id}/activities", headers=ADMIN).get_json()
    assert any("set Status as On hold" in a["content"] for a in activities["activities"])


def test_a_custom_status_is_neither_resolved_nor_closed(fresh: FlaskClient) -> None:
    ticket_id = create(fresh).get_json()["ticket"]["id"]
    fresh.put(f"/api/v2/tickets/{ticket_id}", json={"status": 5}, headers=ADMIN)
    fresh.put(f"/api/v2/tickets/{ticket_id}", json={"status": 6}, headers=ADMIN)
    viewed = fresh.get(f"/api/v2/tickets/{ticket_id}?include=stats", headers=ADMIN).get_json()
    stats = viewed["ticket"]["stats"]
    assert (stats["resolved_at"], stats["closed_at"]) == (None, None)


# -- Filters ---------------------------------------------------------------------------------------


def filtered(client: FlaskClient, query: str) -> Any:
    return client.get(f"/api/v2/tickets/filter?query={quote(query)}", headers=ADMIN)


def test_a_filter_finds_tickets_by_a_custom_dropdown_and_number(fresh: FlaskClient) -> None:
    wanted = create(fresh, custom_fields={"cost_centre": "Ops", "seats": 700}).get_json()["ticket"]
    create(fresh, custom_fields={"cost_centre": "R&D", "seats": 700})
    create(fresh, custom_fields={"cost_centre": "Ops", "seats": 1})
    found = filtered(fresh, "\"cost_centre:'Ops' AND seats:>100\"")
    assert found.status_code == 200, found.get_json()
    assert [t["id"] for t in found.get_json()["tickets"]] == [wanted["id"]]


def test_a_filter_finds_tickets_by_a_custom_date(fresh: FlaskClient) -> None:
    wanted = create(fresh, custom_fields={"go_live": "2031-05-04"}).get_json()["ticket"]
    found = filtered(fresh, "\"go_live:'2031-05-04'\"")
    assert [t["id"] for t in found.get_json()["tickets"]] == [wanted["id"]]


def test_a_filter_finds_tickets_by_a_custom_status(fresh: FlaskClient) -> None:
    found = filtered(fresh, '"status:9"').get_json()
    assert found["total"] > 0
    assert {t["status"] for t in found["tickets"]} == {9}


def test_a_text_custom_field_cannot_be_filtered_on(fresh: FlaskClient) -> None:
    refused = filtered(fresh, "\"asset_tag:'LT-0042'\"")
    assert refused.status_code == 400


# -- Groups ----------------------------------------------------------------------------------------


def test_the_first_groups_have_the_datasets_names(own: FlaskClient) -> None:
    groups = by_id(own.get("/api/v2/groups", headers=ADMIN).get_json()["groups"])
    assert [g["name"] for g in groups[:2]] == ["Field Engineers", "Network Team"]
    assert groups[0]["description"] == "The Field Engineers group"
    assert len(groups) == 4


def test_more_group_names_than_sizes_make_more_groups() -> None:
    names = [f"Team {n}" for n in range(1, 10)]

    def change(raw: dict[str, Any]) -> None:
        raw["accounts"][0]["group_names"] = names
        raw["accounts"][0]["sizes"]["groups"] = 2
        del raw["accounts"][0]["pinned"]["tickets"]  # they name the fake's own groups

    client = create_app(FakeSettings(now=NOW), default_dataset_with(change)).test_client()
    groups = by_id(client.get("/api/v2/groups?per_page=100", headers=ADMIN).get_json()["groups"])
    assert [g["name"] for g in groups] == names


def test_a_generated_group_never_takes_a_named_groups_name() -> None:
    def change(raw: dict[str, Any]) -> None:
        # The third generated group would be "Hardware Team".
        raw["accounts"][0]["group_names"] = ["Hardware Team", "Network Team", "Application Support"]
        raw["accounts"][0]["sizes"]["groups"] = 12

    client = create_app(FakeSettings(now=NOW), default_dataset_with(change)).test_client()
    groups = by_id(client.get("/api/v2/groups?per_page=100", headers=ADMIN).get_json()["groups"])
    names = [g["name"].lower() for g in groups]
    assert len(names) == len(set(names)) == 12
    assert "application support (4)" in names


def test_a_pinned_ticket_names_its_group_by_a_dataset_group_name() -> None:
    def change(raw: dict[str, Any]) -> None:
        with_own_form(raw)
        raw["accounts"][0]["pinned"]["tickets"] = [{"id": 99, "group": "Field Engineers"}]

    client = create_app(FakeSettings(now=NOW), default_dataset_with(change)).test_client()
    groups = by_id(client.get("/api/v2/groups", headers=ADMIN).get_json()["groups"])
    ticket = client.get("/api/v2/tickets/99", headers=ADMIN).get_json()["ticket"]
    assert ticket["group_id"] == groups[0]["id"]


# -- The dataset's checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ticket_fields": [{"name": "team", "type": "dropdown"}]}, "needs choices"),
        (
            {"ticket_fields": [{"name": "team", "type": "text", "choices": ["a"]}]},
            "only a dropdown",
        ),
        ({"ticket_fields": [{"name": "status", "type": "text"}]}, "default ticket field"),
        ({"ticket_fields": [{"name": "Team", "type": "text"}]}, "pattern"),
        ({"ticket_fields": [{"name": "team", "type": "lookup"}]}, "type"),
        (
            {"ticket_fields": [{"name": "t", "type": "text"}, {"name": "t", "type": "number"}]},
            "names must be distinct",
        ),
        ({"statuses": [{"id": 5, "name": "Done"}]}, "greater than or equal to 6"),
        ({"statuses": [{"id": 6, "name": "A"}, {"id": 6, "name": "B"}]}, "ids must be distinct"),
        ({"statuses": [{"id": 6, "name": "pending"}]}, "built-in status"),
        ({"group_names": ["Desk", "desk"]}, "group_names"),
        ({"group_names": [" "]}, "group_names"),
        ({"group_names": ["Desk", " desk "]}, "group_names"),
        ({"ticket_fields": [{"name": "true", "type": "checkbox"}]}, "default ticket field"),
        ({"statuses": [{"id": 6, "name": "   "}]}, "at least 1 character"),
    ],
    ids=[
        "dropdown-without-choices",
        "choices-on-text",
        "reserved-name",
        "bad-name",
        "unknown-type",
        "field-twice",
        "built-in-status-id",
        "status-twice",
        "built-in-status-name",
        "group-twice",
        "blank-group",
        "group-twice-with-spaces",
        "filter-keyword-name",
        "blank-status",
    ],
)
def test_a_dataset_form_that_cannot_be_served_is_refused_saying_why(
    change: dict[str, Any], message: str
) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["accounts"][0].update(change)

    with pytest.raises(ValueError, match=message):
        default_dataset_with(edit)


def test_the_readmes_form_example_is_a_dataset_the_fake_serves(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Writing a dataset") :]
    account, form = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    path = tmp_path / "tiny.yaml"
    path.write_text(account + form, encoding="utf-8")
    client = create_app(FakeSettings(now=NOW, dataset=path)).test_client()
    fields = form_of(client, basic("tiny-admin-key"))
    assert [c["value"] for c in fields["cost_centre"]["choices"]] == ["R&D", "Ops"]
    assert fields["status"]["choices"][-1]["value"] == "Awaiting vendor"


def test_group_names_lose_their_surrounding_spaces() -> None:
    def change(raw: dict[str, Any]) -> None:
        with_own_form(raw)
        raw["accounts"][0]["group_names"][1] = "  Network Team "

    dataset = default_dataset_with(change)
    assert dataset.accounts[0].group_names[1] == "Network Team"


def pinned_with(**fields: Any) -> Any:
    def change(raw: dict[str, Any]) -> None:
        with_own_form(raw)
        raw["accounts"][0]["pinned"]["tickets"] = [{"id": 99, **fields}]

    return default_dataset_with(change)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"custom_fields": {"seats": "three"}}, "custom_fields.seats: Value set is of type String"),
        ({"custom_fields": {"business_impact": "High"}}, "'business_impact' is no custom field"),
        ({"custom_fields": ["seats"]}, "custom_fields must be a mapping"),
        ({"status": 7}, "status 7 is none of"),
    ],
    ids=["bad-value", "unknown-field", "not-a-mapping", "unknown-status"],
)
def test_a_pinned_ticket_that_does_not_fit_the_form_is_refused_naming_it(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(PinnedRecordError, match=re.escape(message)):
        create_app(FakeSettings(now=NOW), pinned_with(**fields))


def test_a_pinned_tickets_unquoted_yaml_date_is_its_day(tmp_path: Path) -> None:
    values = yaml.safe_load("{go_live: 2026-12-01, seats: 4}")  # YAML reads the date as a date
    client = create_app(FakeSettings(now=NOW), pinned_with(custom_fields=values)).test_client()
    ticket = client.get("/api/v2/tickets/99", headers=ADMIN).get_json()["ticket"]
    assert (ticket["custom_fields"]["go_live"], ticket["custom_fields"]["seats"]) == (
        "2026-12-01",
        4,
    )
    found = filtered(client, "\"go_live:'2026-12-01'\"")
    assert found.status_code == 200 and 99 in [t["id"] for t in found.get_json()["tickets"]]


def test_a_generated_groups_suffix_never_meets_a_named_group() -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["accounts"][0]["group_names"] = ["Hardware Team", "Hardware Team (3)"]
        raw["accounts"][0]["sizes"]["groups"] = 3
        del raw["accounts"][0]["pinned"]["tickets"]

    client = create_app(FakeSettings(now=NOW), default_dataset_with(change)).test_client()
    groups = by_id(client.get("/api/v2/groups", headers=ADMIN).get_json()["groups"])
    names = [g["name"] for g in groups]
    assert len({n.lower() for n in names}) == 3
    assert names[:2] == ["Hardware Team", "Hardware Team (3)"]


def test_a_state_file_is_tied_to_the_datasets_form_only_where_it_names_one() -> None:
    plain = default_dataset_with(lambda raw: None)
    accounts = json.loads(plain.identity())["accounts"]
    assert all(not {"ticket_fields", "statuses", "group_names"} & set(a) for a in accounts)
    own = json.loads(default_dataset_with(with_own_form).identity())["accounts"]
    assert {"ticket_fields", "statuses", "group_names"} <= set(own[0])
    assert not {"ticket_fields", "statuses", "group_names"} & set(own[1])


def dataset_error(tmp_path: Path, form: str) -> str:
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "accounts:\n  - domain: tiny.freshservice.com\n    name: Tiny\n" + form, encoding="utf-8"
    )
    with pytest.raises(DatasetError) as raised:
        load_dataset(path)
    return str(raised.value)


def test_choices_yaml_reads_as_booleans_are_refused_saying_to_quote_them(tmp_path: Path) -> None:
    message = dataset_error(
        tmp_path, "    ticket_fields:\n      - {name: ok, type: dropdown, choices: [Yes, No]}\n"
    )
    assert "each choice must be text: quote choices" in message


def test_a_bad_account_is_not_also_reported_as_a_missing_one(tmp_path: Path) -> None:
    message = dataset_error(tmp_path, "    ticket_fields:\n      - {name: ok, type: lookup}\n")
    assert "accounts.0.ticket_fields.0.type" in message
    assert "at least 1 item" not in message
