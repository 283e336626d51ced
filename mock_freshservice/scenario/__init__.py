"""Scenario files: a fault program for the fake plus the tool calls a replay makes.

`load_scenario` reads a scenario (a file, or YAML text) and checks it; every problem names the
file, the line and the field:

    scenarios/x.yaml:12: rules[0].effect: unknown key 'eror' (did you mean 'error'?)

The package, by concern (this module names what the rest of the repository imports):

- `model.py`: the checked scenario (rules, matchers, effects, steps) and its build;
- `loader.py`: files, text or parsed objects through the checks to the model;
- `yaml_lines.py`: the YAML, with the line of every field;
- `schema_check.py`: the JSON Schema and its errors explained;
- `checks.py`: the rules a schema cannot say;
- `hints.py`: "did you mean" for a misspelt name;
- `problems.py`: field paths, their lines, and `ScenarioError`.
"""

from mock_freshservice.scenario.loader import load_scenario, parse_scenario, scenario_from_object
from mock_freshservice.scenario.model import (
    ANSWERS,
    CALLER,
    DEFAULT_KEY,
    DEFAULT_STATE,
    ERROR_NAMES,
    MATCHERS,
    RESERVED_EXPECT,
    DatasetSpec,
    Effect,
    Match,
    Nth,
    RequestPattern,
    Respond,
    Rule,
    Scenario,
    Step,
    TextMatch,
    path_pattern,
    request_pattern,
)
from mock_freshservice.scenario.problems import (
    KEY_LINE,
    Path_,
    Problem,
    ScenarioError,
    format_path,
)
from mock_freshservice.scenario.schema_check import HARNESS_SERVER_SETTINGS, schema
from mock_freshservice.scenario.yaml_lines import MAX_SCENARIO_BYTES

__all__ = [
    "ANSWERS",
    "CALLER",
    "DEFAULT_KEY",
    "DEFAULT_STATE",
    "ERROR_NAMES",
    "HARNESS_SERVER_SETTINGS",
    "KEY_LINE",
    "MATCHERS",
    "MAX_SCENARIO_BYTES",
    "RESERVED_EXPECT",
    "DatasetSpec",
    "Effect",
    "Match",
    "Nth",
    "Path_",
    "Problem",
    "RequestPattern",
    "Respond",
    "Rule",
    "Scenario",
    "ScenarioError",
    "Step",
    "TextMatch",
    "format_path",
    "load_scenario",
    "parse_scenario",
    "path_pattern",
    "request_pattern",
    "scenario_from_object",
    "schema",
]
