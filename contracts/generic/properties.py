"""The properties suite: each tool called with its plausible arguments and with arguments drawn
from its own input schema (records from the fake mixed in). For every call:

- no protocol error: arguments its schema allows get a result (an `isError` result is fine);
- no hang: a result within the call timeout;
- no traceback or exception name in the result (a model cannot act on it; it shows internals);
- no API key in the result;
- an error is explained by the data: a tool that says it failed while every request it sent
  was answered with success has failed on its own (often on Freshservice's answer), unless it
  names the argument it refused;
- a refusal is an error: a result that is not `isError` while Freshservice refused a request
  of the call (and no retry of it succeeded) hides the failure from the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from contracts.generic.findings import Call, Finding
from contracts.generic.target import exception_shown, leaked

NO_PROTOCOL_ERROR = "arguments its own schema allows get a result, not a protocol error"
NO_HANG = "a result comes within the call timeout"
NO_TRACEBACK = "no traceback or exception name in a result"
NO_KEY = "the API key never appears in a result"
NO_KEY_ON_STDERR = "the API key never appears on the server's stderr"
REFUSAL_SHOWN = "a request Freshservice refused makes the result an error (isError)"
EXPLAINED = (
    "an error is explained: by a failed request, or by naming the argument the server refused"
)


def call_findings(call: Call, key: str, argument_names: Iterable[str] = ()) -> list[Finding]:
    """The rules one call broke, whatever its arguments (they are all valid by the schema).
    An error that names one of the tool's arguments explains itself (a value the server
    refused after looking at Freshservice's data, such as a form's required field)."""
    found: list[Finding] = []
    if call.timed_out:
        found.append(Finding(NO_HANG, call.text, call))
        return found
    if call.protocol_error:
        found.append(Finding(NO_PROTOCOL_ERROR, call.text[:300], call))
        return found
    shown = exception_shown(call.text)
    if shown:
        found.append(Finding(NO_TRACEBACK, f"the result shows {shown!r}", call))
    if form := leaked(call.text, key):
        found.append(Finding(NO_KEY, f"the result shows {form}", call))
    if form := leaked(call.stderr, key):
        found.append(Finding(NO_KEY_ON_STDERR, f"stderr shows {form}", call))
    api = call.api_requests
    refused = [
        r
        for index, r in enumerate(api)
        if r.status >= 400
        and not any(
            later.method == r.method and later.path == r.path and later.status < 400
            for later in api[index + 1 :]
        )
    ]
    if call.is_error is False and refused:
        found.append(
            Finding(
                REFUSAL_SHOWN,
                f"isError false, though Freshservice refused {refused[0]}",
                call,
            )
        )
    named = any(re.search(rf"\b{re.escape(name)}\b", call.text) for name in argument_names)
    if call.is_error and api and all(200 <= r.status < 300 for r in api) and not named:
        found.append(
            Finding(
                EXPLAINED,
                f"isError naming none of its arguments, though Freshservice answered all "
                f"{len(api)} request(s) with success",
                call,
            )
        )
    return found


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    """One finding per rule (the first call that broke it): a row stays readable."""
    seen: set[str] = set()
    kept: list[Finding] = []
    for finding in findings:
        if finding.rule not in seen:
            seen.add(finding.rule)
            kept.append(finding)
    return kept
