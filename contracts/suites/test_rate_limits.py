"""The rate-limit contract: the server's own tool-call limits hold for any call sequence and
name the wait; Freshservice's 429s are never answered before `Retry-After`; a POST is never sent
twice after a failure that leaves its effect unknown.

The server's limits are checked with a short window (`mcp_rate_window`) through its settings,
so they need a server started over stdio; upstream behaviour is checked by replaying scenarios
that hypothesis writes, so it works for any server.
"""

from __future__ import annotations

import re
import time
from typing import Any

import anyio
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.plugin import Connect, Replay
from contracts.reporting import render_text

LIMIT = 4
WINDOW = 2.0  # seconds
REFUSED = re.compile(r"(?i)limit")
WAIT = re.compile(r"(?i)(?:try again in|wait|retry in)\D{0,20}([0-9]+) ?seconds?")
CHEAP_CALLS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("fetchAgent", {"agent_id": "me"}),
    ("fetchWorkspaces", {}),
    ("fetchTicket", {"ticket_id": 1023}),
)
LIMIT_SETTINGS = {
    "mcp_calls_per_minute": LIMIT,
    "mcp_rate_window": WINDOW,
    "mcp_calls_per_month": 0,
}
EXAMPLES = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _text(result: Any) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


async def _timed_calls(
    harness_connect: Connect, pauses: list[float], key: str = "demo-acme-admin-key"
) -> list[tuple[float, float, bool, str]]:
    """(sent, answered, admitted, error text) per call, after the given pauses."""
    out = []
    async with harness_connect(key=key, settings=LIMIT_SETTINGS) as client:
        for index, pause in enumerate(pauses):
            await anyio.sleep(pause)
            name, arguments = CHEAP_CALLS[index % len(CHEAP_CALLS)]
            sent = time.monotonic()
            result = await client.call_tool(name, arguments)
            text = _text(result) if result.is_error else ""
            refused = bool(result.is_error and REFUSED.search(text) and WAIT.search(text))
            out.append((sent, time.monotonic(), not refused, text))
    return out


@EXAMPLES
@given(pauses=st.lists(st.sampled_from([0.0, 0.05, 0.3, 0.7]), min_size=6, max_size=12))
def test_no_window_admits_more_calls_than_the_limit(
    harness_connect: Connect, pauses: list[float]
) -> None:
    calls = anyio.run(_timed_calls, harness_connect, pauses)
    # The server counts each call at some moment between its sending and its answer: calls
    # whose sending falls within WINDOW minus the slowest round trip were counted within WINDOW.
    slack = max(answered - sent for sent, answered, _, _ in calls)
    admitted = [sent for sent, _, ok, _ in calls if ok]
    for first in range(len(admitted)):
        inside = [t for t in admitted[first:] if t - admitted[first] < WINDOW - slack]
        assert len(inside) <= LIMIT, (
            f"{len(inside)} calls admitted within {WINDOW} s; the limit is {LIMIT}"
        )
    assert all(ok for _, _, ok, _ in calls[:LIMIT]), "a call under the limit was refused"


def test_the_refused_call_names_the_wait(harness_connect: Connect) -> None:
    calls = anyio.run(_timed_calls, harness_connect, [0.0] * (LIMIT + 1))
    *admitted, (_, _, ok, text) = calls
    assert all(a[2] for a in admitted), [c[3] for c in calls]
    assert not ok, "the call over the limit was admitted"
    found = WAIT.search(text)
    assert found, f"the refusal does not say how long to wait: {text!r}"
    assert 1 <= int(found[1]) <= WINDOW + 1, f"the wait named is not within the window: {text!r}"


def test_a_refusal_does_not_outlive_its_window(harness_connect: Connect) -> None:
    calls = anyio.run(_timed_calls, harness_connect, [0.0] * (LIMIT + 1) + [WINDOW + 0.2])
    assert calls[-1][2], f"a call after the window had passed was refused: {calls[-1][3]!r}"


def test_limits_are_per_account(harness_connect: Connect) -> None:
    async def both() -> tuple[list[Any], list[Any]]:
        acme = await _timed_calls(harness_connect, [0.0] * (LIMIT + 1))
        globex = await _timed_calls(harness_connect, [0.0], key="demo-globex-admin-key")
        return acme, globex

    acme, globex = anyio.run(both)
    assert not acme[-1][2], "the account's limit did not hold"
    assert globex[0][2], f"another account's call was refused: {globex[0][3]!r}"


# -- Upstream: Retry-After and ambiguous POSTs, through generated scenarios ------------------------

LISTS = (
    ("fetchTickets", {"per_page": 3}, "/api/v2/tickets"),
    ("fetchAgents", {"per_page": 3}, "/api/v2/agents"),
    ("fetchServiceCatalogItems", {"per_page": 3}, "/api/v2/service_catalog/items"),
)


@EXAMPLES
@given(
    plan=st.lists(
        st.tuples(st.sampled_from(range(len(LISTS))), st.integers(1, 2), st.sampled_from([1, 2])),
        min_size=1,
        max_size=3,
        unique_by=lambda p: p[0],
    )
)
def test_an_upstream_429_is_never_answered_before_retry_after(
    harness_replay: Replay, plan: list[tuple[int, int, int]]
) -> None:
    rules, steps = [], [{"id": "warm-up", "tool": "fetchAgent", "arguments": {"agent_id": "me"}}]
    for index, bursts, wait in plan:
        tool, arguments, path = LISTS[index]
        rules.append(
            {
                "id": f"busy-{index}",
                "match": {"method": "GET", "path": path, "nth": list(range(1, bursts + 1))},
                "effect": {"error": "rate_limited", "retry_after": wait},
            }
        )
        steps.append(
            {
                "id": f"list-{index}",
                "tool": tool,
                "arguments": arguments,
                "expect": {"is_error": False},
                "expect_journal": {"backoff_clean": True, "rules": [f"busy-{index}"]},
            }
        )
    scenario = {
        "description": "Generated: 429 bursts with short Retry-After on list pages.",
        "key": "demo-acme-admin-key",
        "server": {"retry_budget": 10},
        "rules": rules,
        "steps": steps,
    }
    report = harness_replay(yaml.safe_dump(scenario, sort_keys=False))
    assert report.passed, render_text(report)
    assert not [e for e in report.journal if e.get("early")]


POSTS = (
    ("createTicket", {"subject": "Printer jam", "description": "Tray 2.", "email": "john@acme.com"},
     "/api/v2/tickets"),
    ("createTicketNote", {"ticket_id": 1023, "body": "Checked the switch."},
     "/api/v2/tickets/1023/notes"),
)  # fmt: skip
AMBIGUOUS = (
    {"error": "server_error", "status": 503},
    {"error": "server_error", "status": 500},
    {"drop_connection": True},
    {"delay": 3},
)


@EXAMPLES
@given(post=st.sampled_from(range(len(POSTS))), failure=st.sampled_from(range(len(AMBIGUOUS))))
def test_a_post_is_never_resent_after_an_ambiguous_failure(
    harness_replay: Replay, post: int, failure: int
) -> None:
    tool, arguments, path = POSTS[post]
    scenario = {
        "description": "Generated: a POST fails in a way that leaves its effect unknown.",
        "key": "demo-acme-admin-key",
        "server": {"timeout": 1, "retry_budget": 10},
        "rules": [{"id": "ambiguous", "match": {"method": "POST", "path": path},
                   "effect": AMBIGUOUS[failure]}],
        "steps": [{"id": "warm-up", "tool": "fetchAgent", "arguments": {"agent_id": "me"}},
                  {"id": "write", "tool": tool, "arguments": arguments,
                   "expect": {"is_error": True}, "expect_journal": {"count": 1}}],
    }  # fmt: skip
    report = harness_replay(yaml.safe_dump(scenario, sort_keys=False))
    posts = [e for e in report.journal if e["method"] == "POST"]
    assert len(posts) == 1, f"the POST was sent {len(posts)} times: {render_text(report)}"
    assert report.passed, render_text(report)
