"""`create_app(settings)`: a new fake, with its state on `app.extensions`.

Every API request goes through the same steps, in the order Freshworks' stack applies them:

1. the account is known from the key (or the Host header); its scenario, if one is loaded, may
   answer instead (faults.py: no budget spent); otherwise its budget is charged (429);
2. the Accept and Content-Type headers are checked (406, 415);
3. the route is matched: a path no route serves is 404 with a JSON body, a wrong verb 405 with
   `Allow`; a non-numeric id where a route takes one is a missing record (404, empty body);
4. the key is authenticated (401) — views then check privileges (403) and bodies (400);
5. the answer gets the rate-limit and version headers and a journal entry (a 429 or 503 with
   Retry-After also starts the account's back-off check: a request it covers that comes before
   its Retry-After has elapsed is journaled `early`; see backoff.py).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import orjson
import yaml
from flask import Flask, Request, Response, current_app, g, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as RoutingMethodNotAllowed
from werkzeug.routing import Map, Rule

from mock_freshservice import admin, errors, faults, tls
from mock_freshservice.api import (
    agents,
    assets,
    employees,
    people_writes,
    requester_groups,
    requesters,
    service_catalog,
    solutions,
    tickets,
    workspaces,
)
from mock_freshservice.api.common import Caller, EndpointMeta, json_response, raw_json_response
from mock_freshservice.api.uploads import accepts_multipart
from mock_freshservice.auth import Presented, account_of, authenticate, presented_credentials
from mock_freshservice.backoff import WATCHED_STATUSES, retry_after_seconds
from mock_freshservice.cassette import RECORDED_BASE, load_cassette
from mock_freshservice.clock import parse_datetime
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.dataset import Dataset, load_dataset
from mock_freshservice.data.store import RetiredTableError
from mock_freshservice.journal import Entry
from mock_freshservice.oauth import server as oauth_server
from mock_freshservice.oauth.scopes import OWN_IDENTITY_RULES, required_scope
from mock_freshservice.proxy import LoopbackProxyFix, public_base
from mock_freshservice.ratelimit import OVERALL, Verdict
from mock_freshservice.resources import engine
from mock_freshservice.resources import openapi as declared_openapi
from mock_freshservice.resources.registry import RESOURCES
from mock_freshservice.scenario import Scenario, load_scenario
from mock_freshservice.settings import FakeSettings
from mock_freshservice.state import EXTENSION, BuildProgress, FakeState, get_state

log = logging.getLogger("mock_freshservice")

API_PREFIX = "/api/v2/"
OPENAPI_PATH = "/api/v2/openapi.json"
BODY_METHODS = frozenset({"POST", "PUT"})
METHOD_ORDER = ("GET", "POST", "PUT", "DELETE")
VERSION_HEADER = "latest=v2; requested=v2"
ID_SHAPED_ROUTES = "mock_freshservice.id_shaped_routes"
TLS_EXTENSION = "mock_freshservice.tls"
CA_PATH = "/_mock/ca.pem"


@dataclasses.dataclass(slots=True)
class _Exchange:
    """What the request steps learn about one request, for the answer's headers and journal
    entry (`g.exchange`: one attribute, not one per fact)."""

    started: float
    verdict: Verdict | None = None
    account: AccountData | None = None
    key_fingerprint: str | None = None
    rule: str | None = None  # the scenario rule that answered
    early: bool = False
    dropped: bool = False
    malformed: bool = False
    delay: float = 0.0


class _QueryArgs(ImmutableMultiDict[str, str]):
    """werkzeug's query mapping, whose `get` of an absent name answers without building and
    catching a BadRequestKeyError (10 of them per ticket list request, about 2% of its time)."""

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        if not dict.__contains__(self, key):
            return default
        return super().get(key, default, type)


class _FakeRequest(Request):
    parameter_storage_class = _QueryArgs


class _FakeFlask(Flask):
    """Flask, remembering which views and hooks are synchronous: Flask asks `inspect` again on
    every call of each (three times a request, about 3% of a ticket view's time)."""

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        self._synchronous: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        known = self._synchronous.get(func)
        if known is None:
            known = super().ensure_sync(func)
            if len(self._synchronous) < MAX_REMEMBERED_FUNCTIONS:  # bound methods are new each time
                self._synchronous[func] = known
        return known


MAX_REMEMBERED_FUNCTIONS = 4096


class _LazyBuildRule(Rule):
    """A route whose URL builders are compiled when first used. werkzeug compiles two per rule
    as the rule is added (Python source made with `ast`, then compiled): a quarter of building
    the app with its 280 rules, for builders the fake almost never calls."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: list[Callable[..., tuple[str, str]]] = []
        make = super()._compile_builder

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            if not compiled:  # two threads may both compile: the same function either way
                compiled.append(make(append_unknown))
            return compiled[0](rule, **values)

        return build


def create_app(
    settings: FakeSettings | None = None,
    dataset: Dataset | None = None,
    *,
    progress: BuildProgress | None = None,
) -> Flask:
    """Build a fake from `settings`; the dataset defaults to the settings' file, else built-in.

    With `settings.scenario` the scenario is loaded for the account of its key (ScenarioError if
    it cannot be), after that account is built with the scenario's seed and given its plan; its
    `dataset.now` freezes the data clock unless `settings.now` does.
    """
    if settings is None:
        settings = FakeSettings()
    scenario = load_scenario(settings.scenario) if settings.scenario is not None else None
    if settings.cassette is not None:
        scenario = load_cassette(settings.cassette, strict=settings.cassette_strict)
    now = scenario.dataset.now if scenario is not None else None
    epoch = parse_datetime(now) if now is not None else None
    if scenario is not None and epoch is not None:
        if settings.now is None:
            settings = dataclasses.replace(settings, now=datetime.fromtimestamp(epoch, UTC))
        elif int(settings.now.timestamp()) != epoch:
            log.warning("%s: dataset.now ignored: --now is given", scenario.where("dataset", "now"))
    app = _FakeFlask("mock_freshservice")
    app.request_class = _FakeRequest
    app.url_rule_class = _LazyBuildRule
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # waitress refuses larger bodies first (serving.py); this bounds any other WSGI server too.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    state = FakeState(
        settings, dataset if dataset is not None else load_dataset(settings.dataset), progress
    )
    app.extensions[EXTENSION] = state
    if scenario is not None:
        _start_scenario(state, scenario)

    for blueprint in (
        tickets.bp,
        agents.bp,
        requesters.bp,
        requester_groups.bp,
        workspaces.bp,
        assets.bp,
        service_catalog.bp,
        solutions.bp,
        employees.bp,
    ):
        app.register_blueprint(blueprint, url_prefix="/api/v2")
    app.register_blueprint(engine.blueprint(RESOURCES), url_prefix="/api/v2")
    app.register_blueprint(admin.bp, url_prefix="/_mock")
    app.register_blueprint(oauth_server.bp)

    if settings.tls:
        app.extensions[TLS_EXTENSION] = tls.load_or_make_ca(tls.ca_folder(settings))
    app.add_url_rule(OPENAPI_PATH, "openapi", _openapi)
    # Outside the admin API's guard: the CA certificate is public, and whoever calls the fake
    # from another machine needs it as much as a loopback caller does.
    app.add_url_rule(CA_PATH, "ca_pem", _ca_pem)
    app.before_request(_before_api_request)
    app.after_request(_after_request)
    app.register_error_handler(errors.ApiError, _render_api_error)
    app.register_error_handler(RetiredTableError, _render_retired)
    app.register_error_handler(HTTPException, _render_http_exception)
    app.register_error_handler(Exception, _render_unexpected)
    app.wsgi_app = LoopbackProxyFix(app.wsgi_app)  # type: ignore[method-assign]
    return app


_INT_PART = re.compile(r"<int:(\w+)>")


def _id_shaped_routes(app: Flask) -> Map:
    """The API's routes with each `<int:…>` part taking any path segment (guesses.py:
    Freshservice answers a non-numeric id as it answers an id it has no record of)."""
    return Map(
        [
            _LazyBuildRule(
                _INT_PART.sub(r"<\1>", rule.rule), endpoint=rule.endpoint, methods=rule.methods
            )
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith(API_PREFIX) and "<int:" in rule.rule
        ]
    )


def _start_scenario(state: FakeState, scenario: Scenario) -> None:
    """`serve --scenario`: the account built with the scenario's seed and plan, rules bound."""
    run = state.bind_scenario(scenario)
    seed = scenario.dataset.seed
    if seed is not None and seed != state.seed_of(run.domain):
        state.reseed(run.domain, seed)
    if scenario.plan is not None:
        plan = scenario.plan
        state.set_plan(run.domain, plan.get("plan") or state.plan(run.domain), plan.get("limits"))


def _before_api_request() -> Response | None:
    ctx = g.exchange = _Exchange(time.perf_counter())
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    if not req.path.startswith(API_PREFIX) or req.path == OPENAPI_PATH:
        return None
    state = get_state()
    headers = req.headers
    presented = presented_credentials(headers.get("Authorization"), state)
    ctx.key_fingerprint = presented.fingerprint
    host = req.host
    account = account_of(presented, host, state)
    ctx.account = account
    meta = _meta(req) if req.url_rule is not None else None

    if account is not None:
        ctx.early = state.backoff.early(account.domain, meta.category if meta else None)
        # 1a. The account's scenario: an injected answer spends no budget.
        answer = _scenario_answer(state, account.domain, req, presented, ctx)
        if answer is not None:
            return answer

    # 1b. The account's budget: every request that reaches an account counts, valid or not.
    if account is not None:
        verdict = state.limiter.spend(
            account.domain,
            state.limits(account.domain),
            meta.category if meta else None,
            _credits(meta, req),
        )
        ctx.verdict = verdict
        if not verdict.allowed:
            raise errors.RateLimited(verdict.retry_after or 1)

    # 2. Headers the API framework checks before routing.
    accept = headers.get("Accept")
    if accept and not _acceptable(accept):
        raise errors.invalid_accept_header(accept)
    if req.method in BODY_METHODS and req.content_length:
        content_type = headers.get("Content-Type", "")
        # Multipart is for the views that take files; on a path no view serves, routing answers.
        multipart = req.mimetype == "multipart/form-data" and (
            req.routing_exception is not None
            or accepts_multipart(current_app.view_functions.get(req.endpoint or ""))
        )
        if "application/json" not in content_type and not multipart:
            raise errors.invalid_content_type(content_type)

    # 3. Routing.
    if req.routing_exception is not None:
        raise _routing_error(req)

    # 4. Authentication; a bearer token must also carry the endpoint's OAuth scope.
    binding = authenticate(presented, host, state)
    data = state.accounts[binding.domain]
    rule = req.url_rule.rule if req.url_rule is not None else None
    if presented.token is not None and rule is not None and rule not in OWN_IDENTITY_RULES:
        needed = required_scope(req.method, rule)
        if needed not in presented.token.scopes:
            raise errors.missing_scope(needed)
    g.caller = Caller(data, binding.user_id, binding.role, presented.fingerprint or "")
    return None


def _routing_error(req: Request) -> errors.ApiError:
    """Why no view serves the request: a wrong verb (405), a missing record (an id that is not
    a number where a route takes one), or no such route."""
    exc = req.routing_exception
    if isinstance(exc, RoutingMethodNotAllowed):
        return _method_not_allowed(req.method, exc.valid_methods)
    routes: Map | None = current_app.extensions.get(ID_SHAPED_ROUTES)
    if routes is None:  # made on the first refusal, not at start (a tenth of a second)
        routes = current_app.extensions[ID_SHAPED_ROUTES] = _id_shaped_routes(current_app)
    try:
        routes.bind("fake").match(req.path, method=req.method)
    except RoutingMethodNotAllowed as shaped:
        return _method_not_allowed(req.method, shaped.valid_methods)
    except HTTPException:
        return errors.RouteNotFound(req.method, req.path)
    return errors.NotFound()


def _method_not_allowed(method: str, valid: Iterable[str] | None) -> errors.MethodNotAllowed:
    return errors.MethodNotAllowed(method, [m for m in METHOD_ORDER if m in (valid or ())])


def _scenario_answer(
    state: FakeState, domain: str, req: Request, presented: Presented, ctx: _Exchange
) -> Response | None:
    """Run the account's scenario, if one is loaded: its answer, or None to answer normally."""
    run = state.faults.run(domain)
    if run is None:
        return None
    info = faults.RequestInfo(
        method=req.method,
        path=req.path,
        query=req.args.to_dict(),
        headers={name.lower(): value for name, value in req.headers.items()},
        key=presented.key,
        body=req.get_json(silent=True) if req.content_length else None,
    )
    decision = run.evaluate(info)
    if decision is None:
        return None
    ctx.rule = decision.rule
    ctx.dropped = decision.effect.drop_connection
    ctx.malformed = decision.effect.malformed_body
    ctx.delay = decision.effect.delay or 0.0
    answer = faults.carry_out(decision, state, domain)
    if answer is not None and run.scenario.cassette is not None:
        # A recorded Link or Location names the neutral host the recording put there: a client
        # following it must come back here.
        for name in ("Link", "Location"):
            if name in answer.headers:
                answer.headers[name] = answer.headers[name].replace(RECORDED_BASE, public_base())
    return answer


def _openapi() -> Response:
    """The fake's own contract (mock_freshservice/openapi.yaml), as JSON, for anyone to read."""
    return raw_json_response(openapi_json())


@functools.lru_cache(maxsize=1)
def openapi_json() -> bytes:
    return orjson.dumps(openapi_document())


def openapi_document() -> dict[str, Any]:
    """The fake's contract: `openapi.yaml` (the hand-written resources) with the declared
    resources' paths and schemas (`resources/openapi.py`) added."""
    text = resources.files("mock_freshservice").joinpath("openapi.yaml").read_text("utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    paths, schemas = declared_openapi.document(RESOURCES)
    document["paths"].update(paths)
    document["components"]["schemas"].update(schemas)
    document["components"]["schemas"].update(people_writes.request_schemas())
    known = {tag["name"] for tag in document.get("tags", [])}
    for resource in RESOURCES:
        if resource.tag not in known:
            document.setdefault("tags", []).append({"name": resource.tag})
            known.add(resource.tag)
    return document


def _ca_pem() -> Response:
    """The local CA's certificate, for clients to trust (`serve --tls`)."""
    ca: tls.LocalCA | None = current_app.extensions.get(TLS_EXTENSION)
    if ca is None:
        return json_response({"error": "this fake serves plain http: start it with --tls"}, 404)
    return Response(ca.cert_pem(), mimetype="application/x-pem-file")


def _meta(req: Request) -> EndpointMeta | None:
    view = current_app.view_functions.get(req.endpoint or "")
    meta: EndpointMeta | None = getattr(view, "_fs_meta", None)
    return meta


def _credits(meta: EndpointMeta | None, req: Request) -> int:
    """1 per call, plus per `include`: 1 on a single object, 2 on a list
    (docs/freshservice.md §10)."""
    if meta is None:
        return 1
    include = req.args.get("include")
    if not include:
        return 1
    count = len({part.strip() for part in include.split(",") if part.strip()})
    return 1 + count * (2 if meta.kind == "list" else 1)


def _acceptable(accept: str) -> bool:
    return "application/json" in accept or "*/*" in accept


def _after_request(response: Response) -> Response:
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    if not req.path.startswith(API_PREFIX) or req.path == OPENAPI_PATH:
        return response
    ctx: _Exchange | None = g.get("exchange")
    if ctx is None:  # the request failed before the first step ran
        ctx = _Exchange(time.perf_counter())
    verdict = ctx.verdict
    if ctx.malformed:
        faults.malform(response)
    if verdict is not None and verdict.metered and response.status_code != 429:
        response.headers["X-RateLimit-Total"] = str(verdict.total)
        response.headers["X-RateLimit-Remaining"] = str(verdict.remaining)
        response.headers["X-RateLimit-Used-CurrentRequest"] = str(verdict.used)
    if response.status_code != 404:
        response.headers["X-Freshservice-Api-Version"] = VERSION_HEADER
    account = ctx.account
    # Only refusals (errors.py) and a scenario's `respond:` answers carry Retry-After: any other
    # answer needs no header lookup.
    retry_after = (
        retry_after_seconds(response.headers.get("Retry-After"))
        if response.status_code >= 400 or ctx.rule is not None
        else None
    )
    dropped = ctx.dropped
    delay = ctx.delay
    if (
        account is not None
        and not dropped
        and response.status_code in WATCHED_STATUSES
        and retry_after is not None
    ):
        # A sub-limit's 429 covers that sub-limit's requests; the overall limit's, and any
        # scenario answer's, every request of the account. Retry-After counts from when the
        # client gets the answer, after any delay.
        refused = verdict.limit_name if verdict is not None and not verdict.allowed else None
        get_state().backoff.refused(account.domain, delay + retry_after, refused or OVERALL)
    _journal(req, ctx, response, verdict, retry_after=retry_after, dropped=dropped)
    if delay:
        faults.hold(delay)  # journaled first: a client that gives up still finds its request
    return response


def _journal(
    req: Request,
    ctx: _Exchange,
    response: Response,
    verdict: Verdict | None,
    *,
    retry_after: int | None,
    dropped: bool,
) -> None:
    state = get_state()
    account = ctx.account
    # Latency as the client sees it: a scenario's delay is still to come.
    started = ctx.started - ctx.delay
    state.journal.append(
        account.domain if account is not None else None,
        Entry(
            seq=state.journal.next_seq(),
            at=time.time(),
            method=req.method,
            path=req.path,
            query=req.query_string.decode("latin-1"),
            status=0 if dropped else response.status_code,
            key=ctx.key_fingerprint,
            request_id=req.headers.get("X-Request-Id"),
            credits=verdict.used if verdict is not None and verdict.allowed else 0,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            rule=ctx.rule,
            retry_after=None if dropped else retry_after,
            early=ctx.early,
        ),
    )


def _render_api_error(exc: errors.ApiError) -> Response:
    body = exc.body()
    if body is None:
        response = Response(b"", status=exc.status, content_type=errors.JSON)
        response.headers.update(exc.headers())
        return response
    return json_response(body, exc.status, exc.headers())


def _render_retired(exc: RetiredTableError) -> Response:
    return _render_api_error(errors.account_reset())


def _render_http_exception(exc: HTTPException) -> Response:
    """Werkzeug's own errors (e.g. a body too large) in Freshservice's shapes."""
    status = exc.code or 500
    if status == 404:
        return _render_api_error(errors.RouteNotFound(request.method, request.path))
    if status == 413:
        return _render_api_error(errors.body_too_large(get_state().settings.max_body_bytes))
    if status == 405 and isinstance(exc, RoutingMethodNotAllowed):
        return _render_api_error(_method_not_allowed(request.method, exc.valid_methods))
    if 400 <= status < 500:
        return json_response({"code": "invalid_value", "message": exc.description}, status)
    if status < 400:
        answer = exc.get_response()  # e.g. a routing redirect: not an error
        return Response(answer.get_data(), status=answer.status, headers=answer.headers)
    return _server_error(exc)


def _render_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _render_http_exception(exc)
    return _server_error(exc)


def _server_error(exc: BaseException) -> Response:
    """Freshservice's 500, for anything the fake did not mean to answer (logged with its cause)."""
    cause = getattr(exc, "original_exception", None) or exc
    log.error("unexpected error answering %s %s", request.method, request.path, exc_info=cause)
    return json_response(errors.ServerError().body(), 500)
