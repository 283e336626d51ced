"""The fault engine: a loaded scenario's rules, run per account.

Each account may have one scenario bound to it (`POST /_mock/scenario`, `serve --scenario`).
For every API request of that account, before its rate budget is charged, the rules are tried in
order and the first whose matcher holds fires (later rules are not consulted):

    ScenarioRun.evaluate(request) ─► Decision(rule, effect) ─► carry_out(...)
        side effects: revoke_key, restore_key, set_plan, goto (applied at once)
        then at most one answer: respond | error | drop_connection | malformed_body
        no answer: the request goes on and is answered normally (and spends budget)
        delay: the answer, once made and journaled, waits that long before it is sent

A delayed request is journaled when its answer is ready, not when it is sent, so a client that
gives up waiting still finds the request in the journal of the step that made it.

`nth` counts, per rule, the requests that met all its other conditions; `after` counts every API
request of the account since the scenario loaded. Counters and the state live in the run, under
one lock, so concurrent requests see each rule fire exactly as often as it should. An injected
answer does not spend the account's budget; the journal records the rule's id either way.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from flask import Response
from waitress.channel import ClientDisconnected

from mock_freshservice import errors, guesses
from mock_freshservice.scenario import CALLER, Effect, Rule, Scenario

if TYPE_CHECKING:
    from mock_freshservice.state import FakeState


class DropConnection(ClientDisconnected):  # type: ignore[misc]
    """Raised from a response body before any byte is sent: waitress then closes the socket
    without an HTTP answer (it treats the request as abandoned by the client)."""


@dataclasses.dataclass(frozen=True, slots=True)
class RequestInfo:
    """What a matcher sees: header names in lower case, each query name with its first value."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    key: str | None
    body: Any = None  # the JSON body, parsed (None: none, or not JSON)


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    """A rule that fired, with "caller" already resolved to the bound key."""

    rule: str
    effect: Effect
    revoke_key: str | None
    restore_key: str | None


class ScenarioRun:
    """One scenario bound to one account: its state and counters since it loaded (or was reset)."""

    def __init__(self, scenario: Scenario, domain: str, key: str) -> None:
        self.scenario = scenario
        self.domain = domain
        self.key = key
        self._lock = threading.Lock()
        self.state = scenario.initial_state
        self.requests = 0
        self.matched = [0] * len(scenario.rules)
        self.fired = [0] * len(scenario.rules)

    def reset(self) -> None:
        with self._lock:
            self.state = self.scenario.initial_state
            self.requests = 0
            self.matched = [0] * len(self.scenario.rules)
            self.fired = [0] * len(self.scenario.rules)

    def evaluate(self, request: RequestInfo) -> Decision | None:
        """Count the request and return the first rule that fires on it, if any."""
        with self._lock:
            self.requests += 1
            for index, rule in enumerate(self.scenario.rules):
                if not self._holds(rule, request):
                    continue
                self.matched[index] += 1
                nth = rule.match.nth
                if nth is not None and not nth.includes(self.matched[index]):
                    continue
                self.fired[index] += 1
                if rule.effect.goto is not None:
                    self.state = rule.effect.goto
                return Decision(
                    rule.id,
                    rule.effect,
                    self._resolve(rule.effect.revoke_key),
                    self._resolve(rule.effect.restore_key),
                )
            return None

    def _holds(self, rule: Rule, request: RequestInfo) -> bool:
        """Every condition of the rule's matcher except `nth` (called under the lock)."""
        match = rule.match
        if match.state is not None and match.state != self.state:
            return False
        if match.after is not None and self.requests <= match.after:
            return False
        if match.method is not None and request.method not in match.method:
            return False
        if match.path_pattern is not None and not match.path_pattern.fullmatch(request.path):
            return False
        if match.key is not None and request.key != self._resolve(match.key):
            return False
        for name, condition in match.query:
            if not condition.test(request.query.get(name)):
                return False
        if match.query_exact and set(request.query) != {name for name, _ in match.query}:
            return False
        if match.has_body and request.body != match.body:
            return False
        return all(condition.test(request.headers.get(name)) for name, condition in match.header)

    def _resolve(self, key: str | None) -> str | None:
        return self.key if key == CALLER else key

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "description": self.scenario.description,
                "name": self.scenario.name,
                "account": self.domain,
                "state": self.state,
                "requests": self.requests,
                "rules": [
                    {"id": rule.id, "matched": matched, "fired": fired}
                    for rule, matched, fired in zip(
                        self.scenario.rules, self.matched, self.fired, strict=True
                    )
                ],
            }


class FaultEngine:
    """The scenario runs of a fake, one per account at most."""

    def __init__(self) -> None:
        self._runs: dict[str, ScenarioRun] = {}
        self._lock = threading.Lock()

    def bind(self, domain: str, scenario: Scenario, key: str) -> ScenarioRun:
        """Load `scenario` for `domain` (replacing any), with fresh counters; `key` is "caller"."""
        run = ScenarioRun(scenario, domain, key)
        with self._lock:
            self._runs[domain] = run
        return run

    def unbind(self, domain: str) -> bool:
        with self._lock:
            return self._runs.pop(domain, None) is not None

    def run(self, domain: str) -> ScenarioRun | None:
        return self._runs.get(domain)

    def reset(self, domain: str | None = None) -> None:
        """Counters and state back to the start; the scenarios stay loaded."""
        with self._lock:
            runs = list(self._runs.values()) if domain is None else [self._runs.get(domain)]
        for run in runs:
            if run is not None:
                run.reset()


# -- carrying a decision out ---------------------------------------------------------------------


def carry_out(decision: Decision, state: FakeState, domain: str) -> Response | None:
    """Side effects, then the injected answer (or None: answer normally); the app applies the
    effect's `delay` after journaling (see `hold`).

    An error answer is raised as the `ApiError` Freshservice's shape belongs to.
    """
    effect = decision.effect
    if decision.revoke_key is not None:
        state.revoked.add(decision.revoke_key)
    if decision.restore_key is not None:
        state.revoked.discard(decision.restore_key)
    if effect.set_plan is not None:
        plan = effect.set_plan
        state.set_plan(domain, plan.get("plan") or state.plan(domain), plan.get("limits"))
    if effect.respond is not None:
        return respond(effect)
    if effect.error is not None:
        raise error_for(effect)
    if effect.drop_connection:
        return dropped()
    return None


def hold(seconds: float) -> None:
    """The `delay` of a rule: the answer is ready and journaled; the client waits for it."""
    time.sleep(seconds)


def error_for(effect: Effect) -> errors.ApiError:
    """The named error of an effect, in Freshservice's shape (errors.py)."""
    name = effect.error
    if name == "rate_limited":
        return errors.RateLimited(1 if effect.retry_after is None else effect.retry_after)
    if name == "unauthorized":
        return errors.invalid_credentials()
    if name == "forbidden":
        return errors.access_denied()
    if name == "not_found":
        return errors.NotFound()
    if name == "validation_error":
        field = effect.field or guesses.SCENARIO_VALIDATION_FIELD
        message = effect.message or guesses.SCENARIO_VALIDATION_MESSAGES.get(
            field, guesses.SCENARIO_VALIDATION_MESSAGE
        )
        code = effect.code or guesses.SCENARIO_VALIDATION_CODE
        return errors.ValidationFailed([errors.FieldError(field, message, code)])
    if name == "server_error":
        return errors.ServerError(effect.status or 500, effect.retry_after)
    raise ValueError(f"unknown error name {name!r}")  # the schema lets none through


def respond(effect: Effect) -> Response:
    """A `respond:` answer: the status, headers and body as written (a string body as is)."""
    spec = effect.respond
    assert spec is not None
    if not spec.has_body:
        data = b""
    elif isinstance(spec.body, str):
        data = spec.body.encode("utf-8")
    else:
        data = json.dumps(spec.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = Response(data, status=spec.status, content_type=errors.JSON)
    for name, value in spec.headers:
        if name.lower() == "content-type":
            response.headers["Content-Type"] = value
        else:
            response.headers.add(name, value)
    return response


def dropped() -> Response:
    """A response whose body closes the connection instead of being sent."""

    def body() -> Iterator[bytes]:
        # A generator, so nothing runs until the server iterates it, after start_response.
        yield from ()
        raise DropConnection("connection dropped by a scenario rule")

    return Response(body(), status=500, content_type=errors.JSON)


def malform(response: Response) -> None:
    """Keep status and headers; make the body something no JSON parser accepts (a cut-off body,
    as a proxy that gave up half way would send)."""
    data = response.get_data()
    cut = data[: len(data) // 2] if len(data) > 1 else b""
    if not cut or _parses(cut):
        cut = b'{"' + cut
    response.set_data(cut)


def _parses(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True
