"""`/_mock/…`: the fake's own control API for tests, replays and QA.

Reachable from loopback only, unless the fake was started with `--admin-token`, in which case any
caller presenting `Authorization: Bearer <token>` (or `X-Mock-Admin-Token`) may use it. Keys are
sent in JSON bodies, never in URLs, so they stay out of access logs.

No web page can drive it, though it runs on the machine of someone browsing: bodies are JSON
only (a page can send text/plain or a form to any address without the browser asking first, but
not JSON), a foreign `Origin` or `Sec-Fetch-Site: cross-site` is refused, and without a token the
`Host` must be a loopback one (DNS rebinding gives a page's own host name a loopback address).
"""

from __future__ import annotations

import dataclasses
import hmac
import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from mock_freshservice.api.common import json_object, json_response
from mock_freshservice.journal import UNATTRIBUTED, fingerprint
from mock_freshservice.oauth.grants import OAuthFaults
from mock_freshservice.proxy import is_loopback_address
from mock_freshservice.ratelimit import OVERALL, SUB_LIMITS
from mock_freshservice.scenario import (
    MAX_SCENARIO_BYTES,
    ScenarioError,
    parse_scenario,
    scenario_from_object,
)
from mock_freshservice.settings import PLANS
from mock_freshservice.state import FakeState, get_state

bp = Blueprint("admin", __name__)

# A scenario text (at most MAX_SCENARIO_BYTES) with room for JSON's escapes around it.
MAX_BODY_BYTES = 4 * MAX_SCENARIO_BYTES


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(AdminError)
def _admin_error(exc: AdminError) -> Response:
    return json_response({"error": exc.message}, exc.status)


@bp.before_request
def _guard() -> None:
    _refuse_browsers()
    token = get_state().settings.admin_token
    if token is not None:
        offered = request.headers.get("X-Mock-Admin-Token") or ""
        scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() == "bearer":
            offered = offered or value.strip()
        if not hmac.compare_digest(offered.encode(), token.encode()):
            raise AdminError(403, "the admin API needs the admin token")
    else:
        if not is_loopback_address(request.remote_addr or ""):
            raise AdminError(403, "the admin API answers loopback callers only (see --admin-token)")
        # DNS rebinding: a page's own name made to resolve to 127.0.0.1 still sends that name.
        if not is_loopback_host(request.host):
            raise AdminError(
                421,
                "the admin API answers requests for a loopback host only: address it as "
                "127.0.0.1, [::1] or localhost (or start the fake with an admin token)",
            )
    if request.method in ("POST", "PUT") and request.mimetype != "application/json":
        # A browser may send text/plain or a form across sites without asking; JSON, never.
        raise AdminError(415, "the admin API takes JSON only: send Content-Type: application/json")


def _refuse_browsers() -> None:
    """Refuse what only a browser sends for another site's page, token or not: the fake's state
    is no web page's to change or read."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        raise AdminError(403, "the admin API refuses cross-site requests from web pages")
    origin = request.headers.get("Origin")
    if origin is not None and not is_loopback_origin(origin):
        raise AdminError(
            403, "the admin API refuses requests from web pages that are not on a loopback origin"
        )


# `name` or `[v6 address]`, with an optional port: the shapes of a Host header.
_HOST = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[^:\[\]/@]+))(?::[0-9]{1,5})?")


def is_loopback_host(host: str) -> bool:
    """`localhost` or a loopback address, with or without a port (`[::1]:8181`)."""
    found = _HOST.fullmatch(host)
    if found is None:
        return False
    name = found["v6"] or found["name"]
    return name.lower() == "localhost" or is_loopback_address(name)


def is_loopback_origin(origin: str) -> bool:
    """`http(s)://` and a loopback host, and nothing else (`null` is no loopback origin)."""
    scheme, _, host = origin.partition("://")
    return scheme.lower() in ("http", "https") and is_loopback_host(host)


def _body() -> dict[str, Any]:
    # Refused before it is read: the largest body is a scenario, itself bounded.
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise AdminError(413, f"the body is over {MAX_BODY_BYTES:,} bytes")
    try:
        return json_object(request.get_data(cache=True))
    except ValueError as exc:
        raise AdminError(400, "the body must be a JSON object") from exc


def _account(state: FakeState, domain: str) -> str:
    if domain not in state.accounts:
        raise AdminError(404, f"no account {domain!r}; see GET /_mock/accounts")
    return domain


def _key(state: FakeState, body: dict[str, Any]) -> str:
    key = body.get("key")
    if not isinstance(key, str) or state.binding(key) is None:
        raise AdminError(404, "no such API key")
    return key


@bp.get("/health")
def health() -> Response:
    return json_response({"status": "ok"})


@bp.get("/accounts")
def accounts() -> Response:
    state = get_state()
    listed = []
    for data in state.iter_accounts():
        keys = [
            {
                "fingerprint": fingerprint(binding.key),
                "role": binding.role.name,
                "user_id": binding.user_id,
                "user_email": (data.user(binding.user_id) or {}).get("email")
                or (data.user(binding.user_id) or {}).get("primary_email"),
                "revoked": binding.key in state.revoked,
            }
            for binding in state.keys.values()
            if binding.domain == data.domain
        ]
        listed.append(
            {
                "domain": data.domain,
                "name": data.account.name,
                "plan": state.plan(data.domain),
                "limits": state.limits(data.domain),
                "primary_workspace_id": data.primary_workspace_id,
                "counts": {
                    "agents": len(data.agents),
                    "requesters": len(data.requesters),
                    "tickets": len(data.tickets),
                },
                "keys": keys,
            }
        )
    return json_response({"accounts": listed})


@bp.post("/reset")
def reset() -> Response:
    """Rebuild one account (`{"account": domain}`) or all from the dataset; clears journals.

    A rebuilt account's scenario stays loaded, its counters and state back to the start; a
    reseeded account goes back to the fake's seed.
    """
    state = get_state()
    domain = _body().get("account")
    if domain is not None:
        if not isinstance(domain, str):
            raise AdminError(400, "account must be a domain name")
        _account(state, domain)
    state.load(domain)
    if domain is None:
        state.revoked.clear()
        state.journal.clear()
    return json_response({"reset": domain or "all"})


@bp.post("/reseed")
def reseed() -> Response:
    """`{"account": domain, "seed": N}`: rebuild the account from the dataset with seed N."""
    state = get_state()
    body = _body()
    domain = body.get("account")
    if not isinstance(domain, str):
        raise AdminError(400, "account must be a domain name")
    _account(state, domain)
    seed = body.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise AdminError(400, "seed must be an integer, 0 or more")
    state.reseed(domain, seed)
    return json_response({"account": domain, "seed": seed})


@bp.post("/scenario")
def load_scenario() -> Response:
    """Bind a scenario to the account of `key` (default: the scenario's own `key`).

    Body: `{"key": …, "scenario": "<YAML text>"}` or `{"key": …, "scenario_object": {…}}`, and
    optionally `"name"` (the file name messages cite). Replaces any scenario loaded there; its
    counters and state start afresh. Its `dataset` and `plan` are not applied here: a replay
    applies them through /reseed and the plan endpoint (`serve --scenario` applies them itself).
    """
    state = get_state()
    body = _body()
    text, document = body.get("scenario"), body.get("scenario_object")
    if (text is None) == (document is None):
        raise AdminError(400, 'give the scenario as "scenario" (YAML text) or "scenario_object"')
    if text is not None and not isinstance(text, str):
        raise AdminError(400, "scenario must be YAML text (or use scenario_object)")
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise AdminError(400, "name must be a string")
    key = _key(state, body) if body.get("key") is not None else None
    try:
        scenario = (
            parse_scenario(text, name=name or "<scenario>")
            if isinstance(text, str)
            else scenario_from_object(document, name=name or "<scenario_object>")
        )
        run = state.bind_scenario(scenario, key)
    except ScenarioError as exc:
        raise AdminError(400, exc.message) from exc
    return json_response(run.status())


@bp.get("/accounts/<domain>/scenario")
def scenario_status(domain: str) -> Response:
    """The loaded scenario's state, request count and, per rule, how often it matched and fired."""
    state = get_state()
    _account(state, domain)
    run = state.faults.run(domain)
    if run is None:
        raise AdminError(404, f"no scenario is loaded on {domain}")
    return json_response(run.status())


@bp.delete("/accounts/<domain>/scenario")
def unload_scenario(domain: str) -> Response:
    state = get_state()
    _account(state, domain)
    state.faults.unbind(domain)
    state.oauth.account(domain).faults = OAuthFaults()
    return Response(status=204)


@bp.post("/whoami")
def whoami() -> Response:
    """Which account and user a key belongs to, so a test can address its own account."""
    state = get_state()
    binding = state.keys[_key(state, _body())]
    return json_response(
        {"account": binding.domain, "user_id": binding.user_id, "role": binding.role.name}
    )


@bp.post("/keys/revoke")
def revoke_key() -> Response:
    state = get_state()
    key = _key(state, _body())
    state.revoked.add(key)
    return json_response({"key": fingerprint(key), "revoked": True})


@bp.post("/keys/restore")
def restore_key() -> Response:
    state = get_state()
    key = _key(state, _body())
    state.revoked.discard(key)
    return json_response({"key": fingerprint(key), "revoked": False})


@bp.put("/accounts/<domain>/plan")
def set_plan(domain: str) -> Response:
    """`{"plan": "starter"}`, optionally with `"limits": {"overall": 5, "list_tickets": 2}`."""
    state = get_state()
    _account(state, domain)
    body = _body()
    plan = body.get("plan", state.plan(domain))
    if plan not in PLANS:
        raise AdminError(400, f"plan must be one of {', '.join(PLANS)}")
    custom = body.get("limits")
    if custom is not None:
        names = {OVERALL, *SUB_LIMITS}
        if (
            not isinstance(custom, dict)
            or OVERALL not in custom
            or any(k not in names for k in custom)
            or any(not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in custom.values())
        ):
            raise AdminError(
                400,
                f"limits must map {OVERALL!r} (required) and any of {', '.join(SUB_LIMITS)} "
                "to positive integers",
            )
    state.set_plan(domain, plan, custom)
    return json_response({"account": domain, "plan": plan, "limits": state.limits(domain)})


@bp.get("/accounts/<domain>/journal")
def read_journal(domain: str) -> Response:
    state = get_state()
    if domain != UNATTRIBUTED:
        _account(state, domain)
    since = request.args.get("since", "0")
    if not re.fullmatch(r"[0-9]{1,19}", since):
        raise AdminError(400, "since must be a journal sequence number")
    entries = [e.as_json() for e in state.journal.entries(domain) if e.seq > int(since)]
    return json_response({"account": domain, "entries": entries})


@bp.delete("/accounts/<domain>/journal")
def clear_journal(domain: str) -> Response:
    state = get_state()
    if domain != UNATTRIBUTED:
        _account(state, domain)
    state.journal.clear(domain)
    return Response(status=204)


@bp.post("/oauth/<domain>/rotate-keys")
def rotate_oauth_keys(domain: str) -> Response:
    """A new signing key for the account's tokens; the previous one stays in its JWKS."""
    state = get_state()
    _account(state, domain)
    kid = state.oauth.account(domain).keys.rotate()
    return json_response({"account": domain, "kid": kid})


@bp.put("/oauth/<domain>/faults")
def set_oauth_faults(domain: str) -> Response:
    """How the account's authorization server misbehaves: `{"issuer": URL|null,
    "token_lifetime": seconds|null, "down": bool, "delay": seconds}`; fields left out stay."""
    state = get_state()
    _account(state, domain)
    body = _body()
    faults = state.oauth.account(domain).faults
    checks: dict[str, Callable[[Any], bool]] = {
        "issuer": lambda v: v is None or isinstance(v, str),
        "token_lifetime": lambda v: v is None or (_whole(v) and v >= 1),
        "down": lambda v: isinstance(v, bool),
        "delay": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 60,
        "refresh": lambda v: v in (None, "refuse"),
        "audience": lambda v: v is None or (isinstance(v, str) and bool(v)),
        "grant_scopes": lambda v: (
            v is None or (isinstance(v, list) and all(isinstance(s, str) for s in v))
        ),
        "rotate_keys_every": lambda v: v is None or (_whole(v) and v >= 1),
    }
    unknown = sorted(set(body) - set(checks))
    if unknown:
        raise AdminError(400, f"unknown field {unknown[0]!r}")
    for name, value in body.items():
        if not checks[name](value):
            raise AdminError(400, f"{name}: not a valid value")
        setattr(faults, name, tuple(value) if name == "grant_scopes" and value else value)
    return json_response({"account": domain, **dataclasses.asdict(faults)})


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
