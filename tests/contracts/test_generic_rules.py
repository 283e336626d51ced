"""The generic profile's rules on calls made up here (no server, no fake): which argument names
a record, what a plausible call holds, and which rule each kind of call breaks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from contracts.generic import arguments, baseline, faults, properties
from contracts.generic.findings import Call, Row, Upstream, settle

KEY = "secret-key-123"


def call(*requests: Upstream, is_error: bool | None = False, text: str = "ok", **more: Any) -> Call:
    return Call("tool", {}, is_error, text, requests, 0.1, **more)


def up(method: str, path: str, status: int, **more: Any) -> Upstream:
    return Upstream(method, path, "", status, **more)


@pytest.mark.parametrize(
    ("tool", "argument", "resource"),
    [
        ("fetchTicket", "ticket_id", "ticket"),
        ("get_ticket", "id", "ticket"),
        ("getAsset", "display_id", "asset"),
        ("update_change", "changeId", "change"),
        ("list_requester_group_members", "group_id", "requester_group"),
        ("get_group", "group_id", "group"),
        ("fetchTicket", "subject", None),
        ("list_canned_response_folder", "folder_id", "canned_response_folder"),
    ],
)
def test_an_argument_names_the_record_its_name_or_tool_says(
    tool: str, argument: str, resource: str | None
) -> None:
    assert arguments.record_of(tool, argument, {}) == resource


class NoRecords(arguments.Records):
    """No fake: every argument gets an ordinary value."""

    def __init__(self) -> None:
        pass

    def existing(self, tool: str, argument: str, schema: Mapping[str, Any]) -> list[Any]:
        return []


def test_plausible_calls_go_from_the_required_arguments_to_every_argument() -> None:
    schema = {
        "type": "object",
        "properties": {
            "subject": {"type": "string"},
            "status": {"type": "integer"},
            "priority": {"type": "integer", "enum": [1, 2, 3, 4]},
            "time_spent": {"type": "string"},
        },
        "required": ["subject"],
    }
    calls = arguments.plausible("create_ticket", schema, NoRecords())
    assert calls == [
        {"subject": "Harness check"},
        {"subject": "Harness check", "status": 2, "priority": 1, "time_spent": "00:15"},
    ]


def test_a_success_that_hides_a_refused_request_breaks_the_refusal_rule() -> None:
    made = call(up("POST", "/api/v2/changes/4/tasks", 400), text='{"error": "400"}')
    rules = [f.rule for f in properties.call_findings(made, KEY)]
    assert rules == [properties.REFUSAL_SHOWN]


def test_a_refusal_retried_to_success_is_no_finding() -> None:
    made = call(up("GET", "/api/v2/tickets", 503), up("GET", "/api/v2/tickets", 200))
    assert properties.call_findings(made, KEY) == []


def test_an_error_naming_its_argument_is_explained_one_naming_none_is_not() -> None:
    answered = up("GET", "/api/v2/tickets/1", 200)
    named = call(answered, is_error=True, text="updateTicket: give a field besides ticket_id")
    bare = call(answered, is_error=True, text="Input should be a valid string")
    assert properties.call_findings(named, KEY, ["ticket_id"]) == []
    assert [f.rule for f in properties.call_findings(bare, KEY, ["ticket_id"])] == [
        properties.EXPLAINED
    ]


def test_a_traceback_and_the_key_in_a_result_are_each_a_finding() -> None:
    made = call(text=f'Traceback (most recent call last):\n  KeyError: "x" with {KEY}')
    rules = {f.rule for f in properties.call_findings(made, KEY)}
    assert rules == {properties.NO_TRACEBACK, properties.NO_KEY}


def fault(name: str) -> faults.Fault:
    return next(f for f in faults.faults(60) if f.name == name)


def test_a_post_sent_again_after_a_500_breaks_the_resend_rule() -> None:
    target = up("POST", "/api/v2/tickets", 201)
    rule = faults.rule_id(fault("server-error"), "tool")
    made = call(up("POST", "/api/v2/tickets", 500, rule=rule), up("POST", "/api/v2/tickets", 201))
    row = faults.fault_row(fault("server-error"), target, made, KEY)
    assert [f.rule for f in row.findings] == [faults.NO_RESEND]


def test_a_fault_reported_as_success_without_a_retry_breaks_the_isolation_rule() -> None:
    target = up("GET", "/api/v2/tickets", 200)
    rule = faults.rule_id(fault("unavailable"), "tool")
    made = call(up("GET", "/api/v2/tickets", 503, rule=rule), text='{"error": "503"}')
    row = faults.fault_row(fault("unavailable"), target, made, KEY)
    assert [f.rule for f in row.findings] == [faults.ISOLATED]


def test_a_request_before_retry_after_breaks_the_early_rule() -> None:
    target = up("GET", "/api/v2/tickets", 200)
    rule = faults.rule_id(fault("rate-limited"), "tool")
    made = call(
        up("GET", "/api/v2/tickets", 429, rule=rule),
        up("GET", "/api/v2/tickets", 200, early=True),
    )
    row = faults.fault_row(fault("rate-limited"), target, made, KEY)
    assert [f.rule for f in row.findings] == [faults.NO_EARLY]


def test_a_fault_that_did_not_fire_leaves_its_row_not_run() -> None:
    row = faults.fault_row(
        fault("timeout"), up("GET", "/api/v2/tickets", 200), call(up("GET", "/x", 200)), KEY
    )
    assert not row.ran and "did not fire" in row.note


def test_settle_marks_known_stale_and_vanished_baseline_entries() -> None:
    failing = Row("faults", "faults.timeout", "a", findings=[properties.Finding("r", "d")])
    passing = Row("faults", "faults.timeout", "b")
    gone = settle([failing, passing], [("a", "faults.timeout"), ("b", "faults.timeout"),
                                       ("c", "faults.timeout")])  # fmt: skip
    assert (failing.status, passing.status) == ("known", "stale")
    assert gone == [("c", "faults.timeout")]


def test_a_written_baseline_reads_back_as_the_failures_it_lists(tmp_path: Path) -> None:
    failing = Row(
        "surface", "surface.definition", "get: it", findings=[properties.Finding("r", "d")]
    )
    path = tmp_path / "baseline.yaml"
    path.write_text(baseline.render([failing, Row("surface", "surface.tokens", "x")], "srv"))
    assert baseline.load(path) == [("get: it", "surface.definition")]
