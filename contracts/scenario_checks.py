"""What can be checked of a scenario before it runs, beyond its format (which the fake's loader
checks): that its key opens an account of the fake, and that its steps call tools the server
lists. Each problem names the file, line and field, and the name nearest a misspelt one."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from mock_freshservice.scenario import Scenario, hints


def nearest(word: str, known: Iterable[str]) -> str | None:
    """The known name `word` is most likely a misspelling of, if any is near enough (the fake's
    rule for scenario keys, so a hint means the same everywhere)."""
    return hints.near(word, known)


def key_problem(scenario: Scenario, known_keys: Collection[str], *, public: bool) -> str | None:
    """Whether the scenario's key opens none of the fake's accounts. The key itself is never
    repeated (it may be a secret); a near `public` key (the demo dataset's) is suggested."""
    if scenario.key in known_keys:
        return None
    near = nearest(scenario.key, known_keys) if public else None
    hint = f"; did you mean {near}?" if near else ""
    return (
        f"{scenario.where('key')}: key: no account of the fake has this API key (not shown){hint}"
    )


def tool_problems(scenario: Scenario, listed: Collection[str], server: str) -> list[str]:
    """Steps calling a tool `server` does not list. A step that expects a protocol error may
    call an unknown tool on purpose, so it is left alone."""
    problems = []
    for index, step in enumerate(scenario.steps):
        if step.fake is not None or step.tool in listed or "protocol_error" in step.expect:
            continue
        near = nearest(step.tool, listed)
        hint = f"did you mean {near!r}?" if near else f"it lists {len(listed)} tools"
        problems.append(
            f"{scenario.name}:{step.line}: steps[{index}].tool: {server} lists no tool "
            f"{step.tool!r} ({hint})"
        )
    return problems
