"""Scenario files: the schema, the checks it cannot make, and messages that name file:line:field."""

from __future__ import annotations

import dataclasses
import textwrap
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mock_freshservice.scenario import (
    HARNESS_SERVER_SETTINGS,
    MAX_SCENARIO_BYTES,
    ScenarioError,
    load_scenario,
    parse_scenario,
    path_pattern,
    scenario_from_object,
    schema,
)
from server.config import ServerSettings
from tests.attacks import alias_bomb, backtracking_rule


def problems(text: str, name: str = "scenarios/x.yaml") -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(textwrap.dedent(text), name=name)
    return caught.value.message


def test_the_schema_is_valid_json_schema_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_object_in_the_schema_forbids_unknown_keys() -> None:
    def objects(node: object) -> list[dict[str, Any]]:
        found = []
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                found.append(node)
            for value in node.values():
                found += objects(value)
        elif isinstance(node, list):
            for value in node:
                found += objects(value)
        return found

    # `expect` alone takes any key: its keys are JMESPath expressions.
    open_objects = [o for o in objects(schema()) if o.get("additionalProperties") is not False]
    assert [sorted(o["properties"]) for o in open_objects] == [
        ["error_text", "is_error", "protocol_error"]
    ]


def test_the_server_section_names_server_settings_and_refuses_the_harnesss_own() -> None:
    accepted = set(schema()["$defs"]["server"]["properties"])
    settings = {field.name for field in dataclasses.fields(ServerSettings)}
    assert accepted <= settings
    # Every setting is either a scenario's to give or the harness's: a new one needs a decision.
    assert accepted | set(HARNESS_SERVER_SETTINGS) == settings
    assert not accepted & set(HARNESS_SERVER_SETTINGS)


def test_a_full_scenario_loads_into_the_model() -> None:
    scenario = parse_scenario(
        textwrap.dedent(
            """\
            description: Page 3 is rate limited once.
            key: demo-globex-admin-key
            dataset: {seed: 7, now: "2026-11-02T12:00:00Z"}
            plan: {plan: starter, limits: {overall: 5}}
            server: {timeout: 1.5, retry_budget: 5}
            rules:
              - id: burst
                match: {method: GET, path: /api/v2/tickets, query: {page: "3"}, nth: 1}
                effect: {error: rate_limited, retry_after: 2}
            steps:
              - id: page3
                tool: fetchTickets
                arguments: {page: 3}
                expect: {next_page: 4}
                expect_journal: {count: 2, rules: [burst], backoff_clean: true}
              - id: one
                tool: fetchTicket
                arguments: {ticket_id: "${steps.page3.tickets[0].id}"}
            """
        ),
        name="scenarios/burst.yaml",
    )
    assert scenario.description == "Page 3 is rate limited once."
    assert scenario.key == "demo-globex-admin-key"
    assert (scenario.dataset.seed, scenario.dataset.now) == (7, "2026-11-02T12:00:00Z")
    assert scenario.plan == {"plan": "starter", "limits": {"overall": 5}}
    assert scenario.server == {"timeout": 1.5, "retry_budget": 5}
    assert [r.id for r in scenario.rules] == ["burst"]
    assert scenario.rules[0].line == 7
    first, second = scenario.steps
    assert (first.id, first.tool, first.arguments) == ("page3", "fetchTickets", {"page": 3})
    assert first.expect == {"next_page": 4}
    assert first.expect_journal == {"count": 2, "rules": ["burst"], "backoff_clean": True}
    assert second.expect == {} and second.expect_journal == {}
    assert scenario.where("steps", 1, "arguments") == "scenarios/burst.yaml:18"


def test_defaults_fill_key_state_and_empty_lists() -> None:
    scenario = parse_scenario("description: nothing happens\n")
    assert scenario.key == "demo-acme-admin-key"
    assert scenario.initial_state == "start"
    assert (scenario.rules, scenario.steps, scenario.plan, scenario.server) == ((), (), None, {})


def test_dates_in_yaml_stay_strings() -> None:
    scenario = parse_scenario(
        "description: d\ndataset: {now: 2026-11-02T12:00:00Z}\n"
        "steps:\n  - {id: a, tool: createSolutionArticle, arguments: {review_date: 2026-12-01}}\n"
    )
    assert scenario.dataset.now == "2026-11-02T12:00:00Z"
    assert scenario.steps[0].arguments == {"review_date": "2026-12-01"}


def test_a_scenario_loads_from_a_path_and_messages_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("description: d\nrulez: []\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.message == f"{path}:2: (top): unknown key 'rulez' (did you mean 'rules'?)"


def test_a_one_line_string_naming_a_yaml_file_is_read_as_a_path(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("description: from a file\n")
    assert load_scenario(str(path)).description == "from a file"


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"missing\.yaml: cannot read scenario"):
        load_scenario(tmp_path / "missing.yaml")


def test_an_unknown_key_near_no_known_one_lists_the_known_keys() -> None:
    message = problems("description: d\nrules:\n  - id: a\n    effect: {zzzzzz: 1}\n")
    assert message == (
        "scenarios/x.yaml:4: rules[0].effect: unknown key 'zzzzzz' (known: delay, revoke_key, "
        "restore_key, set_plan, goto, respond, error, retry_after, status, field, message, code, "
        "drop_connection, malformed_body)"
    )


def test_a_typo_in_a_key_names_file_line_field_and_the_key_it_is_near() -> None:
    message = problems(
        """\
        description: d
        rules:
          - id: a
            effect:
              delay: 1
              eror: rate_limited
        """
    )
    assert message == (
        "scenarios/x.yaml:6: rules[0].effect: unknown key 'eror' (did you mean 'error'?)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("descriptoin: d\n", "scenarios/x.yaml:1: (top): unknown key 'descriptoin' (did you mean"),
        (
            "description: d\nrules: [{id: a, mtch: {}}]\n",
            "x.yaml:2: rules[0]: unknown key 'mtch' (did you mean 'match'?)",
        ),
        (
            "description: d\nrules: [{id: a, match: {methd: GET}}]\n",
            "x.yaml:2: rules[0].match: unknown key 'methd' (did you mean 'method'?)",
        ),
        (
            "description: d\nserver: {tiemout: 1}\n",
            "x.yaml:2: server: unknown key 'tiemout' (did you mean 'timeout'?)",
        ),
        (
            "description: d\nsteps: [{id: a, tool: t, expect_journal: {cuont: 1}}]\n",
            "x.yaml:2: steps[0].expect_journal: unknown key 'cuont' (did you mean 'count'?)",
        ),
    ],
)
def test_a_typo_anywhere_is_an_error(text: str, expected: str) -> None:
    assert expected in problems(text)


def test_an_unknown_error_name_lists_the_known_ones() -> None:
    message = problems("description: d\nrules:\n  - id: a\n    effect: {error: rate_limit}\n")
    assert message == (
        "scenarios/x.yaml:4: rules[0].effect.error: unknown error name 'rate_limit' (known: "
        "rate_limited, unauthorized, forbidden, not_found, validation_error, server_error)"
    )


@pytest.mark.parametrize(
    ("nth", "expected"),
    [
        ("0", "rules[0].match.nth: 0 is less than the minimum of 1"),
        ("[]", "rules[0].match.nth: [] should be non-empty"),
        ('"2"', "rules[0].match.nth: must be a 1-based count, a list of them, or {from: N, to: M}"),
        ("{from: 2, too: 5}", "rules[0].match.nth: unknown key 'too' (did you mean 'to'?)"),
        ("{from: 5, to: 2}", "rules[0].match.nth: from must not be after to"),
        ("[1, 1]", "rules[0].match.nth: has an item more than once"),
    ],
)
def test_a_bad_nth_is_an_error(nth: str, expected: str) -> None:
    message = problems(f"description: d\nrules:\n  - id: a\n    match:\n      nth: {nth}\n")
    assert message.startswith(f"scenarios/x.yaml:5: {expected}")


def test_duplicate_rule_ids_are_an_error() -> None:
    message = problems("description: d\nrules:\n  - id: a\n  - id: b\n  - id: a\n")
    assert message == "scenarios/x.yaml:5: rules[2].id: duplicate rule id 'a' (first at line 3)"


def test_duplicate_step_ids_are_an_error() -> None:
    message = problems("description: d\nsteps:\n  - {id: s, tool: t}\n  - {id: s, tool: t}\n")
    assert message == "scenarios/x.yaml:4: steps[1].id: duplicate step id 's' (first at line 3)"


def test_a_key_given_twice_is_an_error() -> None:
    assert problems("description: d\ndescription: e\n") == (
        "scenarios/x.yaml:2: description: key given twice (first on line 1)"
    )


def test_a_missing_description_is_an_error() -> None:
    assert problems("rules: []\n") == "scenarios/x.yaml:1: description: required key missing"


def test_a_rule_without_an_id_is_an_error() -> None:
    assert "scenarios/x.yaml:3: rules[0].id: required key missing" in problems(
        "description: d\nrules:\n  - match: {}\n"
    )


def test_invalid_yaml_names_the_line() -> None:
    assert problems("description: d\nrules: [\n").startswith("scenarios/x.yaml:3: not valid YAML")


def test_a_state_no_goto_enters_is_an_error() -> None:
    message = problems(
        "description: d\nrules:\n  - id: a\n    match: {state: second}\n"
        "  - id: b\n    effect: {goto: third}\n"
    )
    assert message == (
        "scenarios/x.yaml:4: rules[0].match.state: state 'second' is never entered "
        "(initial_state is 'start'; goto targets: third)"
    )


def test_two_answers_in_one_effect_are_an_error() -> None:
    message = problems(
        "description: d\nrules:\n  - id: a\n    effect: {error: not_found, drop_connection: true}\n"
    )
    assert message == (
        "scenarios/x.yaml:4: rules[0].effect: at most one answer (respond, error, "
        "drop_connection, malformed_body); got error, drop_connection"
    )


@pytest.mark.parametrize(
    ("effect", "field", "wanted"),
    [
        ("{error: forbidden, retry_after: 3}", "retry_after", "error: rate_limited"),
        ("{error: server_error, retry_after: 3}", "retry_after", "server_error with status: 503"),
        ("{error: rate_limited, status: 503}", "status", "error: server_error"),
        ("{error: not_found, field: email}", "field", "error: validation_error"),
        ("{respond: {}, message: hi}", "message", "error: validation_error"),
    ],
)
def test_error_specific_fields_only_come_with_their_error(
    effect: str, field: str, wanted: str
) -> None:
    message = problems(f"description: d\nrules:\n  - id: a\n    effect: {effect}\n")
    assert message.startswith(f"scenarios/x.yaml:4: rules[0].effect.{field}: only allowed with")
    assert wanted in message


def test_a_retry_after_on_a_503_is_allowed() -> None:
    scenario = parse_scenario(
        "description: d\nrules:\n  - id: a\n"
        "    effect: {error: server_error, status: 503, retry_after: 4}\n"
    )
    assert scenario.rules[0].effect.retry_after == 4


def test_a_reference_to_a_later_step_is_an_error() -> None:
    message = problems(
        """\
        description: d
        steps:
          - id: a
            tool: fetchTicket
            arguments: {ticket_id: "${steps.b.id}"}
          - id: b
            tool: createTicket
        """
    )
    assert message == (
        "scenarios/x.yaml:5: steps[0].arguments.ticket_id: ${steps.b.id} refers to step 'b', "
        "which does not come earlier (earlier steps: none)"
    )


def test_a_reference_without_a_path_is_an_error() -> None:
    message = problems(
        "description: d\nsteps:\n  - {id: a, tool: t}\n  - {id: b, tool: t, arguments: {x: '${steps.a}'}}\n"
    )
    assert "steps[1].arguments.x: ${steps.a}: a reference looks like" in message


def test_a_reference_with_a_bad_jmespath_is_an_error() -> None:
    message = problems(
        "description: d\nsteps:\n  - {id: a, tool: t}\n  - {id: b, tool: t, arguments: {x: '${steps.a.[[}'}}\n"
    )
    assert "steps[1].arguments.x: ${steps.a.[[}: not JMESPath" in message


def test_an_expect_key_that_is_not_jmespath_is_an_error() -> None:
    message = problems(
        "description: d\nsteps:\n  - id: a\n    tool: t\n    expect: {'tickets[': 1}\n"
    )
    assert message.startswith(
        'scenarios/x.yaml:5: steps[0].expect["tickets["]: tickets[: not JMESPath'
    )


def test_a_bad_regex_is_an_error() -> None:
    message = problems(
        "description: d\nrules:\n  - id: a\n    match:\n      header: {X-Request-Id: {regex: '('}}\n"
    )
    assert message.startswith(
        "scenarios/x.yaml:5: rules[0].match.header.X-Request-Id.regex: not a regular expression"
    )


def test_expect_journal_rules_must_name_rules() -> None:
    message = problems(
        "description: d\nrules: [{id: a}]\nsteps:\n  - {id: s, tool: t, expect_journal: {rules: [b]}}\n"
    )
    assert message == "scenarios/x.yaml:4: steps[0].expect_journal.rules[0]: no rule 'b' (rules: a)"


def test_dataset_now_must_be_iso_8601() -> None:
    assert problems("description: d\ndataset: {now: yesterday}\n") == (
        "scenarios/x.yaml:2: dataset.now: 'yesterday' is not an ISO 8601 date or time"
    )


@pytest.mark.parametrize(
    ("written", "meant"), [("nht", "nth"), ("kye", "key"), ("metod", "method"), ("aftr", "after")]
)
def test_a_slip_in_a_short_key_still_gets_a_suggestion(written: str, meant: str) -> None:
    text = f"description: d\nrules:\n  - id: a\n    match: {{{written}: 1}}\n"
    assert f"unknown key '{written}' (did you mean '{meant}'?)" in problems(text)


def test_every_problem_is_reported_one_a_line_in_line_order() -> None:
    message = problems("description: d\nrules:\n  - id: a\n    effect: {eror: 1}\nsteps: 3\n")
    assert message.splitlines() == [
        "scenarios/x.yaml:4: rules[0].effect: unknown key 'eror' (did you mean 'error'?)",
        "scenarios/x.yaml:5: steps: must be a list (got an integer)",
    ]


def test_a_parsed_object_is_checked_the_same_way_without_lines() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_object({"description": "d", "rules": [{"id": "a", "efect": {}}]}, name="body")
    assert caught.value.message == "body: rules[0]: unknown key 'efect' (did you mean 'effect'?)"


def test_the_shipped_scenarios_load() -> None:
    shipped = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
    for path in shipped:
        assert load_scenario(path).description


# -- review fixes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rules:\n  - id: a\n    match: {nth: 2.0}\n",
            "x.yaml:4: rules[0].match.nth: must be a 1-based count, a list of them, "
            "or {from: N, to: M} (got 2.0; write 2)",
        ),
        (
            "rules:\n  - id: a\n    match: {nth: {from: 2.0}}\n",
            "x.yaml:4: rules[0].match.nth.from: must be an integer (got 2.0; write 2)",
        ),
        (
            "rules:\n  - id: a\n    match: {nth: [1, 3.0]}\n",
            "x.yaml:4: rules[0].match.nth[1]: must be an integer (got 3.0; write 3)",
        ),
        (
            "rules:\n  - id: a\n    match: {after: 1.0}\n",
            "x.yaml:4: rules[0].match.after: must be an integer (got 1.0; write 1)",
        ),
        (
            "rules:\n  - id: a\n    match: {query: {page: 3.0}}\n",
            "x.yaml:4: rules[0].match.query.page: must be a string (or integer)",
        ),
        (
            "rules:\n  - id: a\n    effect: {error: rate_limited, retry_after: 3.0}\n",
            "x.yaml:4: rules[0].effect.retry_after: must be an integer (got 3.0; write 3)",
        ),
        (
            "rules:\n  - id: a\n    effect: {error: server_error, status: 503.0}\n",
            "x.yaml:4: rules[0].effect.status: must be an integer (got 503.0; write 503)",
        ),
        (
            "rules:\n  - id: a\n    effect: {respond: {status: 200.0}}\n",
            "x.yaml:4: rules[0].effect.respond.status: must be an integer (got 200.0; write 200)",
        ),
        (
            "rules:\n  - id: a\n    effect: {set_plan: {limits: {overall: 5.0}}}\n",
            "x.yaml:4: rules[0].effect.set_plan.limits.overall: must be an integer (got 5.0",
        ),
        ("dataset: {seed: 1.0}\n", "x.yaml:2: dataset.seed: must be an integer (got 1.0; write 1)"),
        (
            "plan: {limits: {overall: 5, list_tickets: 2.0}}\n",
            "x.yaml:2: plan.limits.list_tickets: must be an integer (got 2.0; write 2)",
        ),
        ("server: {max_result_bytes: 1000.0}\n", "x.yaml:2: server.max_result_bytes: must be an"),
        (
            "steps:\n  - id: s\n    tool: t\n    expect_journal: {count: 2.0}\n",
            "x.yaml:5: steps[0].expect_journal.count: must be an integer (got 2.0; write 2)",
        ),
    ],
)
def test_an_integral_float_is_refused_where_an_integer_is_required(
    text: str, expected: str
) -> None:
    assert problems("description: d\n" + text, name="x.yaml").startswith(expected)


def test_an_integral_float_in_a_parsed_object_is_refused_too() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_object(
            {"description": "d", "rules": [{"id": "a", "match": {"nth": {"from": 2.0}}}]},
            name="body",
        )
    assert (
        caught.value.message
        == "body: rules[0].match.nth.from: must be an integer (got 2.0; write 2)"
    )


def test_numbers_stay_numbers_where_the_format_takes_any() -> None:
    scenario = parse_scenario(
        "description: d\nserver: {timeout: 1.5, retry_budget: 2.0}\n"
        "rules:\n  - id: a\n    effect: {delay: 1.0}\n"
    )
    assert scenario.server == {"timeout": 1.5, "retry_budget": 2.0}
    assert scenario.rules[0].effect.delay == 1.0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("transport", "http"),
        ("host", "0.0.0.0"),
        ("port", "18795"),
        ("stateful", "true"),
        ("domain", "acme.freshservice.com"),
        ("base_url", "http://127.0.0.1:1"),
        ("api_key", "demo-acme-admin-key"),
        ("mcp_allowed_hosts", "[example.com]"),
        ("mcp_allowed_origins", "[https://example.com]"),
        ("allow_insecure_upstream", "true"),
    ],
)
def test_a_server_setting_the_harness_controls_is_refused(name: str, value: str) -> None:
    message = problems(f"description: d\nserver:\n  {name}: {value}\n")
    assert message.startswith(f"scenarios/x.yaml:3: server.{name}: not a scenario setting: ")
    assert "demo-acme-admin-key" not in message


@pytest.mark.parametrize("name", ["api_key", "timeout", "toolsets", "read_only"])
def test_a_null_server_setting_is_refused(name: str) -> None:
    message = problems(f"description: d\nserver: {{{name}: null}}\n")
    assert message.startswith(f"scenarios/x.yaml:2: server.{name}: ")


def test_a_bad_item_of_a_method_list_is_reported_at_its_index() -> None:
    message = problems("description: d\nrules:\n  - id: a\n    match:\n      method: [GET, get]\n")
    assert message == (
        "scenarios/x.yaml:5: rules[0].match.method[1]: unknown value 'get' "
        "(known: GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS)"
    )


def test_a_bad_single_method_is_still_reported_at_method() -> None:
    message = problems("description: d\nrules:\n  - id: a\n    match: {method: get}\n")
    assert message.startswith("scenarios/x.yaml:4: rules[0].match.method: unknown value 'get'")


STEP = "description: d\nsteps:\n  - id: s\n    tool: t\n    expect:\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{lenght: 1}", "expect.a.lenght: unknown matcher; did you mean {length}?"),
        ("{regexp: x}", "expect.a.regexp: unknown matcher; did you mean {regex}?"),
        ("{contain: 3}", "expect.a.contain: unknown matcher; did you mean {contains}?"),
        ("{Present: true}", "expect.a.Present: unknown matcher; did you mean {present}?"),
    ],
)
def test_a_misspelt_matcher_in_expect_is_an_error_with_a_suggestion(
    value: str, expected: str
) -> None:
    assert problems(f"{STEP}      a: {value}\n") == f"scenarios/x.yaml:6: steps[0].{expected}"


@pytest.mark.parametrize(
    "value",
    [
        "{id: 1}",
        "{errors: []}",
        "{content: x}",
        "{parent: x}",
        "{length: 1, regex: x}",
        "{lenght: 1, id: 2}",
    ],
)
def test_a_literal_mapping_far_from_any_matcher_stays_a_literal(value: str) -> None:
    scenario = parse_scenario(f"{STEP}      a: {value}\n")
    assert "a" in scenario.steps[0].expect


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("is_eror", "is_error"),
        ("IS_ERROR", "is_error"),
        ("iserror", "is_error"),
        ("error-text", "error_text"),
        ("errortext", "error_text"),
        ("protocol_eror", "protocol_error"),
    ],
)
def test_a_misspelt_reserved_expect_key_is_an_error_with_a_suggestion(
    key: str, expected: str
) -> None:
    assert problems(f"{STEP}      {key}: true\n") == (
        f"scenarios/x.yaml:6: steps[0].expect.{key}: unknown reserved key; did you mean {expected}?"
    )


@pytest.mark.parametrize("key", ["is_escalated", "errors", "error", "errors[0].field", "protocol"])
def test_expect_keys_that_only_start_like_reserved_ones_are_jmespath(key: str) -> None:
    scenario = parse_scenario(f"{STEP}      {key!r}: {{present: true}}\n")
    assert key in scenario.steps[0].expect


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("key: 'my secret key with spaces'\n", "key"),
        ("key: short\n", "key"),
        (f"key: {'k' * 129}\n", "key"),
        (
            f"rules:\n  - id: a\n    effect: {{revoke_key: {'s3cr3t' * 30}}}\n",
            "rules[0].effect.revoke_key",
        ),
        (
            f"rules:\n  - id: a\n    effect: {{restore_key: {'s3cr3t' * 30}}}\n",
            "rules[0].effect.restore_key",
        ),
        (f"rules:\n  - id: a\n    match: {{key: {'s3cr3t' * 30}}}\n", "rules[0].match.key"),
    ],
)
def test_an_invalid_api_key_is_not_shown_in_the_message(text: str, field: str) -> None:
    message = problems("description: d\n" + text)
    assert message.endswith(f"{field}: is not a valid API key (not shown)")
    assert "secret" not in message and "s3cr3t" not in message and "kkkk" not in message
    assert "short" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rules:\n  - id: a\n    effect: {set_plan: {}}\n",
            "x.yaml:4: rules[0].effect.set_plan: must not be empty (give plan or limits)",
        ),
        ("plan: {}\n", "x.yaml:2: plan: must not be empty (give plan or limits)"),
    ],
)
def test_set_plan_must_give_a_plan_or_limits(text: str, expected: str) -> None:
    assert problems("description: d\n" + text, name="x.yaml") == expected


def test_set_plan_with_limits_only_is_fine() -> None:
    scenario = parse_scenario(
        "description: d\nrules:\n  - id: a\n    effect: {set_plan: {limits: {overall: 3}}}\n"
    )
    assert scenario.rules[0].effect.set_plan == {"limits": {"overall": 3}}


# -- hostile YAML (safe_yaml.py) -----------------------------------------------------------------


def test_an_alias_bomb_is_refused_naming_the_line_where_it_expands_past_the_budget() -> None:
    message = problems(alias_bomb(), name="bomb.yaml")
    assert message.startswith("bomb.yaml:8: aliases expand this to 211,111 nodes")
    assert "more than 100,000 nodes" in message


def test_a_merge_key_bomb_is_refused() -> None:
    levels = ["description: d", "bomb:", "  a0: &a0 {x: 1, y: 2, z: 3, w: 4}"]
    levels += [f"  a{n}: &a{n} {{<<: [{', '.join([f'*a{n - 1}'] * 10)}]}}" for n in range(1, 7)]
    assert "aliases expand this to" in problems("\n".join(levels) + "\n")


def test_aliases_of_a_long_text_are_refused_by_their_characters() -> None:
    text = "description: d\nx: &t " + "y" * 100_000 + "\nz: [" + ", ".join(["*t"] * 120) + "]\n"
    message = problems(text, name="x.yaml")
    assert message.startswith(
        "x.yaml:3: aliases expand this to 121 nodes and 12,000,000 characters"
    )


def test_aliases_within_the_budget_load_as_if_written_out() -> None:
    scenario = parse_scenario(
        textwrap.dedent(
            """\
            description: Two rules share one matcher.
            rules:
              - id: first
                match: &tickets {method: GET, path: /api/v2/tickets, nth: 1}
                effect: {error: rate_limited, retry_after: 1}
              - id: second
                match: *tickets
                effect: {error: server_error}
            """
        )
    )
    assert scenario.rules[0].match == scenario.rules[1].match
    assert scenario.rules[1].match.path == "/api/v2/tickets"


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    assert problems("description: d\nx: &a [1, *a]\n", name="x.yaml") == (
        "x.yaml:2: an alias refers to a node that contains it (a cycle)"
    )


@pytest.mark.parametrize("depth", [101, 5_000])
def test_nesting_past_the_depth_limit_is_refused(depth: int) -> None:
    text = "description: d\nx: " + "[" * depth + "]" * depth + "\n"
    assert problems(text, name="x.yaml").endswith(": nested more than 100 levels deep")


def test_a_scenario_text_over_the_size_bound_is_refused() -> None:
    text = "description: " + "d" * MAX_SCENARIO_BYTES + "\n"
    assert problems(text, name="big.yaml") == (
        "big.yaml: the scenario is over 262,144 bytes (its largest size)"
    )


def test_a_scenario_file_over_the_size_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("description: " + "é" * MAX_SCENARIO_BYTES + "\n")
    with pytest.raises(ScenarioError, match=r"big\.yaml: the scenario is over 262,144 bytes"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"^(a)\1$", r"invalid escape sequence: \1"),
        ("(?=a)b", "invalid perl operator: (?="),
        ("(?<!a)b", "invalid perl operator: (?<!"),
    ],
)
def test_a_rule_regex_re2_cannot_run_is_an_error_naming_file_line_and_field(
    pattern: str, reason: str
) -> None:
    message = problems(
        f"description: d\nrules:\n  - id: a\n    match:\n      query: {{q: {{regex: '{pattern}'}}}}\n"
    )
    assert message == (
        f"scenarios/x.yaml:5: rules[0].match.query.q.regex: not a regular expression RE2 accepts: "
        f"{reason} (rules are matched with RE2, which has no backreferences or lookaround)"
    )


def test_a_backreference_in_an_expect_regex_is_fine_the_replay_uses_python_re() -> None:
    text = (
        "description: d\nsteps:\n  - id: a\n    tool: t\n    expect: {subject: {regex: '(a)\\1'}}\n"
    )
    assert parse_scenario(text).steps[0].expect == {"subject": {"regex": "(a)\\1"}}


def test_a_backtracking_rule_regex_answers_at_once() -> None:
    rule = parse_scenario(backtracking_rule()).rules[0]
    condition = dict(rule.match.query)["q"]
    started = time.perf_counter()
    assert not condition.test("a" * 50_000 + "!")
    assert time.perf_counter() - started < 0.5
    assert condition.test("aaaa")


def test_a_path_glob_matches_literally_whatever_its_characters() -> None:
    special = "/api/v2/a b(c)[d]{e}?+-|^$.&~#\\"
    assert path_pattern(special + "/*").fullmatch(special + "/x")
    assert not path_pattern(special + "/*").fullmatch(special + "/x/y")
    assert path_pattern("/api/**/notes").fullmatch("/api/v2/tickets/1/notes")


def test_many_double_star_segments_answer_at_once() -> None:
    glob = "/api" + "/**" * 12 + "/x"
    started = time.perf_counter()
    assert not path_pattern(glob).fullmatch("/api" + "/a" * 5_000 + "/y")
    assert time.perf_counter() - started < 0.5
