"""The fault matrix: each tool that reaches Freshservice, under each fault, is one row.

The tool's plausible call is made again with a scenario rule on the request it sent (its first
write, else its first request): Freshservice answers that request with the fault once (a revoked
key: every time), then normally. Rules for every row:

- the result is a tool error (`isError`), or a success after a legal retry (a later answer to
  the same request was a success), within the call timeout; never a protocol error;
- no request before a `Retry-After` the fake gave has elapsed (the fake marks them);
- a POST is never sent again after an ambiguous failure (500, 503, a dropped connection, a
  timeout, a malformed body: the create may have happened, and a second one duplicates it);
- the API key never appears in the result or on the server's stderr;
- no traceback or exception name in the result."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from contracts.generic.findings import FAULT_NAMES, Call, Finding, Row, Upstream
from contracts.generic.properties import NO_KEY, NO_KEY_ON_STDERR, NO_TRACEBACK
from contracts.generic.target import exception_shown, leaked


@dataclasses.dataclass(frozen=True)
class Fault:
    name: str
    effect: Mapping[str, Any]
    ambiguous: bool  # the request may have been carried out
    every_time: bool = False
    said: str = ""


def faults(call_timeout: float) -> tuple[Fault, ...]:
    return (
        Fault("rate-limited", {"error": "rate_limited", "retry_after": 2}, False,
              said="429 with Retry-After: 2"),
        Fault("unavailable", {"error": "server_error", "status": 503}, True, said="503"),
        Fault("server-error", {"error": "server_error", "status": 500}, True, said="500"),
        Fault("dropped-connection", {"drop_connection": True}, True,
              said="the connection closed without an answer"),
        # Longer than the call timeout: a server that waits for ever is seen to hang.
        Fault("timeout", {"delay": round(call_timeout + 5)}, True,
              said=f"no answer for {call_timeout + 5:g} s"),
        Fault("malformed-body", {"malformed_body": True}, True, said="a body that is not JSON"),
        Fault("revoked-key", {"error": "unauthorized"}, False, every_time=True,
              said="401: the key is revoked"),
    )  # fmt: skip


assert tuple(f.name for f in faults(60)) == FAULT_NAMES

ISOLATED = "a fault upstream is a tool error (isError) or a success after a legal retry"
NO_PROTOCOL = "a fault upstream is a tool error, not a protocol error"
BOUNDED = "a result comes within the call timeout whatever Freshservice does"
NO_EARLY = "no request is sent before the Retry-After Freshservice gave has elapsed"
NO_RESEND = "a POST is never sent again after an ambiguous failure (it may have been carried out)"


def target_of(call: Call) -> Upstream | None:
    """The request a fault goes on: the call's first write, else its last request (the first
    may be a look-up a server makes once per session, such as /agents/me)."""
    api = call.api_requests
    writes = [r for r in api if r.method != "GET"]
    if writes:
        return writes[0]
    return api[-1] if api else None


def rule_id(fault: Fault, tool: str) -> str:
    # The scenario format's rule ids: lower-case letters, digits, _ and -.
    return f"{fault.name}--{re.sub(r'[^a-z0-9_-]', '_', tool.lower())[:80]}"


def scenario(fault: Fault, tool: str, target: Upstream, key: str) -> str:
    """The scenario of one row, as YAML text (JSON is YAML)."""
    return scenarios(fault, [(tool, target)], key)


def scenarios(fault: Fault, rows: Sequence[tuple[str, Upstream]], key: str) -> str:
    """One scenario for rows made side by side: a rule per row, each on its own request."""
    rules = []
    for tool, target in rows:
        match: dict[str, Any] = {"method": target.method, "path": target.path}
        if not fault.every_time:
            match["nth"] = 1
        rules.append({"id": rule_id(fault, tool), "match": match, "effect": dict(fault.effect)})
    return json.dumps(
        {
            "description": f"freshservice-harness check: {fault.name} on {len(rules)} tools",
            "key": key,
            "rules": rules,
        }
    )


def fault_row(fault: Fault, target: Upstream, call: Call, key: str) -> Row:
    row = Row("faults", f"faults.{fault.name}", call.tool)
    rule = rule_id(fault, call.tool)
    fired = [r for r in call.requests if r.rule == rule]
    found = row.findings
    if call.timed_out:
        found.append(Finding(BOUNDED, f"under {fault.said}: {call.text}", call))
    elif call.protocol_error:
        found.append(Finding(NO_PROTOCOL, f"under {fault.said}: {call.text[:300]}", call))
    elif not fired:
        row.ran = False
        row.note = (
            f"the fault did not fire: the call sent "
            f"{', '.join(str(r) for r in call.api_requests) or 'no request'}"
        )
        return row
    else:
        later = call.requests[call.requests.index(fired[0]) + 1 :]
        retried_ok = any(
            r.method == target.method and r.path == target.path and 200 <= r.status < 300
            for r in later
        )
        body_ignored = fault.name == "malformed-body" and fired[0].status == 204
        if not call.is_error and not retried_ok and not body_ignored:
            found.append(
                Finding(
                    ISOLATED,
                    f"under {fault.said} it reported success (isError false) and no retry "
                    "succeeded",
                    call,
                )
            )
        shown = exception_shown(call.text)
        if shown:
            found.append(
                Finding(NO_TRACEBACK, f"under {fault.said} the result shows {shown!r}", call)
            )
        if form := leaked(call.text, key):
            found.append(Finding(NO_KEY, f"under {fault.said} the result shows {form}", call))
    early = [r for r in call.requests if r.early]
    if early:
        found.append(
            Finding(NO_EARLY, f"{len(early)} request(s) before Retry-After: {early[0]}", call)
        )
    if fault.ambiguous and target.method == "POST":
        posts = [r for r in call.requests if r.method == "POST" and r.path == target.path]
        if len(posts) > 1:
            found.append(
                Finding(
                    NO_RESEND,
                    f"after {fault.said} it sent the POST {len(posts)} times",
                    call,
                )
            )
    if form := leaked(call.stderr, key):
        found.append(Finding(NO_KEY_ON_STDERR, f"under {fault.said} stderr shows {form}", call))
    return row
