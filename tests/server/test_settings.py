"""The server's settings: one declaration (`ServerSettings`) read from FRESHSERVICE_* variables
and from `freshservice-mcp`'s flags, a flag beating its variable; `--help` made from the same
declaration; a value that will not do named in the error, as the variable or flag that gave it."""

from __future__ import annotations

import dataclasses
import os

import pytest

import server.cli
import server.config
from server.cli import build_parser, main
from server.config import (
    LOOPBACK_HOSTS,
    SETTINGS,
    TOOLSETS,
    ServerSettings,
    SettingsError,
    flag,
    from_sources,
    variable,
)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """This process's environment without FRESHSERVICE_* variables, to set some."""
    for name in os.environ:
        if name.startswith("FRESHSERVICE_"):
            monkeypatch.delenv(name)
    return monkeypatch


# -- Where each setting comes from ----------------------------------------------------------------


def test_a_variable_sets_its_setting() -> None:
    assert from_sources({"FRESHSERVICE_TIMEOUT": "2.5"}, {}).timeout == 2.5


def test_the_transport_settings_read_freshservice_mcp_variables() -> None:
    env = {
        "FRESHSERVICE_MCP_TRANSPORT": "http",
        "FRESHSERVICE_MCP_HOST": "0.0.0.0",
        "FRESHSERVICE_MCP_PORT": "9000",
        "FRESHSERVICE_MCP_STATEFUL": "1",
    }
    settings = from_sources(env, {})
    assert (settings.transport, settings.host, settings.port, settings.stateful) == (
        "http",
        "0.0.0.0",
        9000,
        True,
    )


def test_a_transport_setting_ignores_the_variable_without_mcp() -> None:
    assert from_sources({"FRESHSERVICE_PORT": "9000"}, {}).port == 8000


def test_variable_names_are_case_sensitive() -> None:
    assert from_sources({"freshservice_timeout": "2.5"}, {}).timeout == 15.0


def test_every_setting_has_a_variable_and_a_flag_named_after_it() -> None:
    assert variable("retry_budget") == "FRESHSERVICE_RETRY_BUDGET"
    assert variable("port") == "FRESHSERVICE_MCP_PORT"
    assert variable("mcp_calls_per_minute") == "FRESHSERVICE_MCP_CALLS_PER_MINUTE"
    assert flag("mcp_calls_per_minute") == "--mcp-calls-per-minute"


def test_a_flag_beats_the_variable() -> None:
    settings = from_sources({"FRESHSERVICE_TIMEOUT": "2.5"}, {"timeout": "4"})
    assert settings.timeout == 4.0


def test_a_flag_not_given_leaves_the_variable() -> None:
    settings = from_sources({"FRESHSERVICE_READ_ONLY": "yes"}, {"read_only": None})
    assert settings.read_only is True


def test_with_no_variables_and_no_flags_every_setting_is_its_declared_default() -> None:
    settings = from_sources({}, {})
    for field in dataclasses.fields(ServerSettings):
        assert getattr(settings, field.name) == field.default, field.name


def test_building_settings_in_code_reads_no_variables(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("FRESHSERVICE_TIMEOUT", "2.5")
    assert ServerSettings().timeout == 15.0


def test_the_parsed_flags_beat_the_environment(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("FRESHSERVICE_TIMEOUT", "2.5")
    environment.setenv("FRESHSERVICE_RETRY_BUDGET", "7")
    flags = vars(build_parser().parse_args(["--timeout", "4", "--read-only"]))
    del flags["fd"]
    settings = from_sources(os.environ, flags)
    assert (settings.timeout, settings.retry_budget, settings.read_only) == (4.0, 7.0, True)


# -- How values are written -----------------------------------------------------------------------


def test_a_comma_separated_variable_is_a_tuple_without_spaces_or_empties() -> None:
    settings = from_sources({"FRESHSERVICE_TOOLSETS": " tickets, ,assets "}, {})
    assert settings.toolsets == ("tickets", "assets")


def test_a_comma_separated_flag_is_a_tuple() -> None:
    settings = from_sources({}, {"mcp_allowed_hosts": "a.example:*, b.example:443"})
    assert settings.mcp_allowed_hosts == ("a.example:*", "b.example:443")


@pytest.mark.parametrize("text", ["1", "true", "YES", " on ", "True"])
def test_a_boolean_variable_is_on_for(text: str) -> None:
    assert from_sources({"FRESHSERVICE_READ_ONLY": text}, {}).read_only is True


@pytest.mark.parametrize("text", ["0", "false", "No", "off", ""])
def test_a_boolean_variable_is_off_for(text: str) -> None:
    env = {"FRESHSERVICE_READ_ONLY": text}
    assert from_sources(env, {"read_only": None}).read_only is False


@pytest.mark.parametrize(
    "name", ["FRESHSERVICE_DOMAIN", "FRESHSERVICE_BASE_URL", "FRESHSERVICE_API_KEY"]
)
def test_an_empty_upstream_variable_means_unset(name: str) -> None:
    settings = from_sources({name: ""}, {})
    assert (settings.domain, settings.base_url, settings.api_key, settings.upstream) == (None,) * 4


def test_the_api_key_is_never_in_the_repr() -> None:
    settings = from_sources({"FRESHSERVICE_API_KEY": "fs-secret-key"}, {})
    assert settings.api_key == "fs-secret-key"
    assert "fs-secret-key" not in repr(settings) and "api_key" not in repr(settings)


def test_settings_are_immutable() -> None:
    settings = ServerSettings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.timeout = 1.0  # type: ignore[misc]


# -- Values that will not do ----------------------------------------------------------------------


def refusal(env: dict[str, str], flags: dict[str, object] | None = None) -> str:
    with pytest.raises(SettingsError) as refused:
        from_sources(env, flags or {})
    return str(refused.value)


def test_a_bad_integer_in_the_environment_names_the_variable() -> None:
    assert refusal({"FRESHSERVICE_MCP_PORT": "eighty"}) == (
        "FRESHSERVICE_MCP_PORT='eighty' is not a valid int"
    )


def test_a_bad_number_in_a_flag_names_the_flag() -> None:
    assert refusal({"FRESHSERVICE_TIMEOUT": "2"}, {"timeout": "soon"}) == (
        "--timeout='soon' is not a valid float"
    )


def test_a_bad_boolean_in_the_environment_names_the_variable() -> None:
    assert refusal({"FRESHSERVICE_READ_ONLY": "maybe"}) == (
        "FRESHSERVICE_READ_ONLY='maybe' is not a valid bool"
    )


def test_a_transport_the_server_has_not_names_the_choices() -> None:
    assert refusal({"FRESHSERVICE_MCP_TRANSPORT": "tcp"}) == (
        "FRESHSERVICE_MCP_TRANSPORT='tcp' is not stdio or http"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"FRESHSERVICE_TOOLSETS": "tickets,payroll"},
            f"toolsets: unknown payroll (known: {', '.join(TOOLSETS)})",
        ),
        (
            {"FRESHSERVICE_MCP_CALLS_PER_MINUTE": "-1"},
            "mcp_calls_per_minute: must be 0 (off) or more",
        ),
        (
            {"FRESHSERVICE_MCP_CALLS_PER_MONTH": "-1"},
            "mcp_calls_per_month: must be 0 (off) or more",
        ),
        ({"FRESHSERVICE_MAX_RESULT_BYTES": "-1"}, "max_result_bytes: must be 0 (off) or more"),
        ({"FRESHSERVICE_MCP_RATE_WINDOW": "0"}, "mcp_rate_window: must be more than 0 seconds"),
        ({"FRESHSERVICE_MCP_READ_TIMEOUT": "0"}, "mcp_read_timeout: must be more than 0 seconds"),
        ({"FRESHSERVICE_TIMEOUT": "-2"}, "timeout: must be more than 0 seconds"),
        (
            {"FRESHSERVICE_RETRY_BUDGET": "-1"},
            "retry_budget: must be 0 (no retries) or more seconds",
        ),
        (
            {"FRESHSERVICE_MCP_LIMITS_STORE": "file:///tmp/x"},
            "mcp_limits_store: use memory:// or redis://host:port",
        ),
        (
            {"FRESHSERVICE_BASE_URL": "ftp://127.0.0.1"},
            "base_url: 'ftp://127.0.0.1' is not an http(s) URL like http://127.0.0.1:8181",
        ),
        (
            {"FRESHSERVICE_BASE_URL": "http://127.0.0.1:8181/api/v2"},
            "base_url: give scheme, host and port only; the server adds /api/v2",
        ),
        (
            {"FRESHSERVICE_BASE_URL": "http://fresh.example.com"},
            "base_url: plain http to fresh.example.com would send credentials unencrypted; use "
            "https, a loopback address, or --allow-insecure-upstream",
        ),
    ],
)
def test_a_check_names_the_setting(env: dict[str, str], message: str) -> None:
    assert refusal(env) == message


def test_zero_switches_a_limit_off_and_zero_retry_budget_means_no_retries() -> None:
    env = {"FRESHSERVICE_MCP_CALLS_PER_MINUTE": "0", "FRESHSERVICE_RETRY_BUDGET": "0"}
    settings = from_sources(env, {})
    assert (settings.mcp_calls_per_minute, settings.retry_budget) == (0, 0.0)


def test_a_redis_store_without_the_redis_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server.config, "redis_installed", lambda: False)
    assert refusal({"FRESHSERVICE_MCP_LIMITS_STORE": "redis://127.0.0.1:6379/0"}) == (
        "mcp_limits_store: a Redis store needs the redis extra: "
        "pip install 'freshservice-harness[redis]'"
    )


def test_plain_http_off_loopback_is_allowed_when_asked() -> None:
    env = {"FRESHSERVICE_BASE_URL": "http://fresh.example.com"}
    settings = from_sources(env, {"allow_insecure_upstream": True})
    assert settings.upstream == "http://fresh.example.com"


def test_every_bad_value_is_named_at_once() -> None:
    env = {"FRESHSERVICE_MCP_PORT": "x", "FRESHSERVICE_TIMEOUT": "0"}
    assert refusal(env) == (
        "FRESHSERVICE_MCP_PORT='x' is not a valid int; timeout: must be more than 0 seconds"
    )


def test_an_unknown_setting_is_refused() -> None:
    assert refusal({}, {"colour": "blue"}) == "--colour: not a setting"


# -- The command ----------------------------------------------------------------------------------


def help_text() -> str:
    return " ".join(build_parser().format_help().split())


def test_help_has_a_flag_with_a_help_line_for_every_setting() -> None:
    helped = {
        option: action.help
        for action in build_parser()._actions
        for option in action.option_strings
    }
    for name, field in SETTINGS.items():
        assert field.description, name
        assert field.description in (helped[flag(name)] or ""), name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("port", "8000"),
        ("timeout", "15"),
        ("mcp_limits_store", "memory://"),
        ("mcp_allowed_hosts", ", ".join(LOOPBACK_HOSTS)),
        ("toolsets", ", ".join(TOOLSETS)),
    ],
)
def test_help_shows_the_default_and_the_variable(name: str, shown: str) -> None:
    assert f"(default {shown}; env {variable(name)})" in help_text()


def test_help_takes_each_default_from_the_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SETTINGS["timeout"], "default", 7.5)
    assert "seconds per upstream request (default 7.5; env FRESHSERVICE_TIMEOUT)" in help_text()


def test_help_shows_no_default_for_an_unset_setting_or_a_flag_that_is_off() -> None:
    shown = help_text()
    assert "(env FRESHSERVICE_DOMAIN)" in shown
    assert "(env FRESHSERVICE_READ_ONLY)" in shown


def test_help_names_each_settings_variable() -> None:
    shown = help_text()
    for name in SETTINGS:
        assert f"env {variable(name)})" in shown, name


def test_a_boolean_is_a_flag_without_a_value() -> None:
    args = build_parser().parse_args(["--stateful", "--read-only"])
    assert (args.stateful, args.read_only, args.allow_insecure_upstream) == (True, True, None)


def test_the_flags_that_are_not_settings_still_parse() -> None:
    assert build_parser().parse_args(["--fd", "3"]).fd == 3
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["--version"])
    assert done.value.code == 0


def test_a_bad_value_exits_2_naming_it_without_a_traceback(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.setattr(server.cli, "configure_logging", lambda: None)
    environment.setenv("FRESHSERVICE_BASE_URL", "http://127.0.0.1:8181")
    environment.setenv("FRESHSERVICE_MCP_PORT", "eighty")
    assert main([]) == 2
    assert capsys.readouterr().err == (
        "freshservice-mcp: FRESHSERVICE_MCP_PORT='eighty' is not a valid int\n"
    )


def test_a_bad_flag_value_exits_2_naming_the_flag(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.setattr(server.cli, "configure_logging", lambda: None)
    environment.setenv("FRESHSERVICE_BASE_URL", "http://127.0.0.1:8181")
    assert main(["--timeout", "0"]) == 2
    assert capsys.readouterr().err == "freshservice-mcp: timeout: must be more than 0 seconds\n"
