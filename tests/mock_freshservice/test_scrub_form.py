"""Scrubbing a form's people choices (the agents offered in the ticket form's "Assigned to"
field) and the rules' conditions (`ticket_fields[name=agent].choices.value`) they are written
with: in process, no recorder."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice.record.scrub import RulesError, Scrubber, Tally, load_rules

UPSTREAM = "https://acme.freshservice.com"
SECRET = b"form-unit-secret"


def scrubber(rules_file: Path | None = None) -> Scrubber:
    return Scrubber(load_rules(rules_file), SECRET, upstream=UPSTREAM)


def form(*fields: dict[str, Any], key: str = "ticket_fields") -> dict[str, Any]:
    return {key: list(fields)}


def field(name: str, field_type: str, *values: str) -> dict[str, Any]:
    return {
        "id": 1000 + len(name),
        "name": name,
        "label": name.capitalize(),
        "field_type": field_type,
        "choices": [{"id": 120 + n, "value": value} for n, value in enumerate(values)],
    }


def choice_values(scrubbed: dict[str, Any], key: str = "ticket_fields") -> dict[str, list[Any]]:
    return {f["name"]: [c["value"] for c in f["choices"]] for f in scrubbed[key]}


def served_form(client: FlaskClient, admin: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v2/ticket_form_fields", headers=admin)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def write_rules(tmp_path: Path, text: str) -> Path:
    rules_file = tmp_path / "my-rules.yaml"
    rules_file.write_text(text, encoding="utf-8")
    return rules_file


# -- the built-in rules and the ticket form ----------------------------------------------------


def test_the_agent_choices_of_the_ticket_form_become_fake_names() -> None:
    real = ["John Carter", "Jane Roe (Me)", "Ann Nash (Deactivated)"]
    scrubbed = scrubber().scrub(form(field("agent", "default_agent", *real)))
    fakes = choice_values(scrubbed)["agent"]
    assert len(fakes) == len(real)
    for fake, name in zip(fakes, real, strict=True):
        assert fake != name
        assert not {"John", "Carter", "Jane", "Roe", "Ann", "Nash"} & set(re.findall(r"\w+", fake))
    assert fakes[0] == scrubber().name("John Carter")  # the `name` kind's fake, stable


def test_the_agent_choices_keep_their_ids_and_the_field_its_settings() -> None:
    agent = field("agent", "default_agent", "John Carter", "Jane Roe")
    scrubbed = scrubber().scrub(form(agent))["ticket_fields"][0]
    assert [c["id"] for c in scrubbed["choices"]] == [120, 121]
    assert {k: v for k, v in scrubbed.items() if k != "choices"} == {
        k: v for k, v in agent.items() if k != "choices"
    }


def test_an_agents_choice_becomes_the_fake_of_their_own_first_and_last_name() -> None:
    # `name` replaces word by word, the same word the same way: the choice "John Carter" is
    # the agent record's fake first name and fake last name joined.
    scrub = scrubber()
    agent = scrub.scrub(
        {"agent": {"first_name": "John", "last_name": "Carter", "email": "john@acme.com"}}
    )["agent"]
    choice = choice_values(scrub.scrub(form(field("agent", "default_agent", "John Carter"))))
    assert choice["agent"] == [f"{agent['first_name']} {agent['last_name']}"]


def test_the_form_field_is_picked_by_its_name_whatever_its_capitals() -> None:
    scrubbed = scrubber().scrub(form(field("Agent", "default_agent", "John Carter")))
    assert choice_values(scrubbed)["Agent"] != ["John Carter"]


@pytest.mark.parametrize(
    ("key", "name", "field_type"),
    [
        ("ticket_fields", "agent", "custom_lookup"),  # by its name
        ("ticket_fields", "assignee", "default_agent"),  # by its type
        ("ticket_fields", "requester", "default_requester"),
        ("ticket_fields", "requested_by", "default_requester"),
        ("problem_fields", "agent", "default_agent"),
        ("change_fields", "agent", "default_agent"),
        ("release_fields", "agent", "default_agent"),
    ],
)
def test_the_people_fields_of_any_form_have_their_choices_scrubbed(
    key: str, name: str, field_type: str
) -> None:
    scrubbed = scrubber().scrub(form(field(name, field_type, "John Carter"), key=key))
    assert choice_values(scrubbed, key)[name] == [scrubber().name("John Carter")]


def test_the_other_choices_of_a_form_are_kept() -> None:
    fields = [
        field("status", "default_status", "Open", "Pending", "Waiting on Customer"),
        field("source", "default_source", "Email", "Portal", "Walk-up Desk"),
        field("group", "default_group", "Capacity Management", "John's Team"),
        field("department", "default_department", "Customer Support", "Finance"),
        field("business_impact", "custom_dropdown", "Low", "Revenue at risk"),
    ]
    original = copy.deepcopy(fields)
    assert scrubber().scrub(form(*fields)) == form(*original)


def test_the_fakes_form_keeps_every_choice_but_the_agents_byte_for_byte(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    raw = served_form(client, admin)
    scrubbed = scrubber().scrub(raw)
    others = [f for f in raw["ticket_fields"] if f["choices"] and f["name"] != "agent"]
    assert {"status", "source", "group", "department", "category", "business_impact"} <= {
        f["name"] for f in others
    }
    by_name = {f["name"]: f for f in scrubbed["ticket_fields"]}
    for raw_field in others:
        kept = json.dumps(by_name[raw_field["name"]]["choices"], ensure_ascii=False)
        assert kept == json.dumps(raw_field["choices"], ensure_ascii=False), raw_field["name"]


def test_the_fakes_form_shows_no_agents_name_once_scrubbed(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    names: set[str] = set()
    page = 1
    while True:
        answer = client.get(f"/api/v2/agents?per_page=100&page={page}", headers=admin)
        assert answer.status_code == 200, answer.get_json()
        names |= {
            f"{a['first_name']} {a['last_name']}"
            for a in answer.get_json()["agents"]
            if a["active"] and a["first_name"] and a["last_name"]
        }
        if 'rel="next"' not in answer.headers.get("Link", ""):
            break
        page += 1
    raw = served_form(client, admin)
    raw_text = json.dumps(raw, ensure_ascii=False)
    assert names and all(name in raw_text for name in names)  # the form does offer them
    scrubbed_text = json.dumps(scrubber().scrub(raw), ensure_ascii=False)
    assert [name for name in sorted(names) if name in scrubbed_text] == []


def test_the_tally_counts_the_agent_choices_as_names() -> None:
    tally = Tally()
    scrubber().scrub(
        form(field("agent", "default_agent", "John Carter", "Jane Roe")),
        tally,
        "GET /api/v2/ticket_form_fields response",
    )
    assert tally.counts()["name"] == {
        "GET /api/v2/ticket_form_fields response.ticket_fields[].choices[].value": 2
    }


# -- conditions in a rules file ----------------------------------------------------------------


def test_a_condition_in_a_rules_file_picks_the_records_it_names(tmp_path: Path) -> None:
    rules_file = write_rules(
        tmp_path,
        "fields:\n"
        '  - {field: "widgets[kind=person].label", kind: name}\n'
        '  - {field: "widgets[kind=secret]", kind: drop}\n',
    )
    scrubbed = scrubber(rules_file).scrub(
        {
            "widgets": [
                {"kind": "person", "label": "John Carter"},
                {"kind": "Person", "label": "Jane Roe"},
                {"kind": "team", "label": "Night Shift"},
            ],
            "other": {"kind": "person", "label": "Mary Major"},  # not under `widgets`
        }
    )
    labels = [w["label"] for w in scrubbed["widgets"]]
    assert labels[0] == scrubber().name("John Carter")
    assert labels[1] == scrubber().name("Jane Roe")
    assert labels[2] == "Night Shift"
    assert scrubbed["other"] == {"kind": "person", "label": "Mary Major"}


def test_a_condition_on_the_last_name_drops_a_record_by_what_it_holds(tmp_path: Path) -> None:
    rules_file = write_rules(
        tmp_path, 'fields:\n  - {field: "ticket.manager[vip=true]", kind: drop}\n'
    )
    scrub = scrubber(rules_file)
    vip = scrub.scrub({"ticket": {"id": 1, "manager": {"vip": True, "title": "CEO"}}})
    plain = scrub.scrub({"ticket": {"id": 2, "manager": {"vip": False, "title": "Lead"}}})
    assert vip == {"ticket": {"id": 1}}
    assert plain == {"ticket": {"id": 2, "manager": {"vip": False, "title": "Lead"}}}


def test_a_condition_goes_with_wildcards_globs_numbers_and_beside(tmp_path: Path) -> None:
    rules_file = write_rules(
        tmp_path,
        "fields:\n"
        "  - {field: \"*_lists[owner_id=4*][type='named list'].entries.*\", kind: text,"
        ' beside: "id"}\n',
    )
    scrub = scrubber(rules_file)
    body = {
        "team_lists": [
            {"owner_id": 42, "type": "Named List", "entries": [{"id": 1, "note": "Call Bob"}]},
            {"owner_id": 42, "type": "Named List", "entries": [{"note": "No id beside"}]},
            {"owner_id": 7, "type": "Named List", "entries": [{"id": 2, "note": "Call Bob"}]},
            {"owner_id": 42, "type": "other", "entries": [{"id": 3, "note": "Call Bob"}]},
        ]
    }
    notes = [lst["entries"][0]["note"] for lst in scrub.scrub(body)["team_lists"]]
    assert notes[0] != "Call Bob" and len(notes[0]) == len("Call Bob")
    assert notes[1:] == ["No id beside", "Call Bob", "Call Bob"]


def test_a_condition_value_may_hold_dots(tmp_path: Path) -> None:
    rules_file = write_rules(
        tmp_path, 'fields:\n  - {field: "apps[version=2.1.*].owner", kind: name}\n'
    )
    scrubbed = scrubber(rules_file).scrub(
        {"apps": [{"version": "2.1.7", "owner": "John"}, {"version": "3.0", "owner": "John"}]}
    )
    assert [a["owner"] for a in scrubbed["apps"]] == [scrubber().name("John"), "John"]


def test_a_rule_with_a_condition_never_fits_a_query_parameter(tmp_path: Path) -> None:
    rules_file = write_rules(tmp_path, 'fields:\n  - {field: "owner[id=1]", kind: name}\n')
    assert scrubber(rules_file).scrub_query({"owner": "John"}) == {"owner": "John"}


@pytest.mark.parametrize(
    "written",
    [
        "ticket_fields[name].choices.value",  # no `=`
        "ticket_fields[=agent].choices.value",  # no field name
        "ticket_fields[na*me=agent].choices.value",  # a wildcard in the field's name
        "ticket_fields[name=agent.choices.value",  # not closed
        "ticket_fields[name=agent]x.choices",  # something after the condition
        "[name=agent].choices.value",  # a condition on no name
        "ticket_fields]name=agent[.value",
        "ticket_fields[name=[agent]].value",
    ],
)
def test_a_malformed_condition_is_refused_naming_the_file_and_the_entry(
    tmp_path: Path, written: str
) -> None:
    rules_file = write_rules(
        tmp_path,
        f"fields:\n  - {{field: email, kind: email}}\n  - {{field: '{written}', kind: name}}\n",
    )
    with pytest.raises(RulesError, match=re.escape(f"{rules_file}: fields[1]: field: ")):
        load_rules(rules_file)


def test_the_built_in_rules_parse_with_their_conditions() -> None:
    conditioned = [rule for rule in load_rules().rules if rule.conditions]
    assert conditioned
    assert all(rule.kind == "name" for rule in conditioned)
    assert all(rule.field[-2:] == ("choices", "value") for rule in conditioned)
