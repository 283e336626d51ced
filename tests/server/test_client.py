"""The Freshservice client on its own, with the network replaced by an httpx MockTransport:
the error tree, the retry policy, paging links and what is sent on every request."""

from __future__ import annotations

import base64
import email.utils
import importlib.resources
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import yaml

from mock_freshservice import errors as fake_errors
from server import freshservice as fs
from server.tools.common import explain

pytestmark = pytest.mark.anyio

KEY = "client-test-key-9d1f"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport that answers from a script and remembers every request."""

    def __init__(self, *answers: httpx.Response | Exception | Handler) -> None:
        self.answers: Iterator[httpx.Response | Exception | Handler] = iter(answers)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = next(self.answers)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer


class Sleeps:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def client_for(recorder: Recorder, sleeps: Sleeps | None = None) -> fs.FreshserviceClient:
    return fs.FreshserviceClient(
        "https://acme.freshservice.com",
        timeout=5,
        transport=recorder.transport,
        sleep=sleeps or Sleeps(),
        jitter=lambda: 1.0,
    )


def ok(body: Any = None, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json=body if body is not None else {"ticket": {"id": 1}}, headers=headers
    )


def error(exc: fake_errors.ApiError) -> httpx.Response:
    """The response the fake sends for one of its errors."""
    body = exc.body()
    headers = exc.headers()
    if body is None:
        return httpx.Response(exc.status, headers=headers)
    return httpx.Response(exc.status, json=body, headers=headers)


def a_call(budget: float = 30) -> fs.ToolCall:
    return fs.ToolCall(key=KEY, budget=budget)


# -- Every status maps to a named class ------------------------------------------------------------

FAKE_ERRORS: list[tuple[httpx.Response, type[fs.FreshserviceError]]] = [
    (error(fake_errors.ValidationFailed([fake_errors.FieldError("email", "It should be in the 'valid email address' format", "invalid_value")])), fs.ValidationFailed),
    (error(fake_errors.invalid_json()), fs.BadRequest),
    (error(fake_errors.missing_params()), fs.BadRequest),
    (error(fake_errors.invalid_credentials()), fs.AuthFailed),
    (error(fake_errors.access_denied()), fs.Forbidden),
    (error(fake_errors.NotFound()), fs.NotFound),
    (error(fake_errors.MethodNotAllowed("DELETE", ["GET"])), fs.MethodNotAllowed),
    (error(fake_errors.invalid_accept_header("text/html")), fs.BadRequest),
    (error(fake_errors.RequestError(409, "duplicate_value", "It already exists")), fs.Conflict),
    (error(fake_errors.invalid_content_type("text/plain")), fs.BadRequest),
    (error(fake_errors.RateLimited(60)), fs.RateLimited),
    (error(fake_errors.ServerError()), fs.UpstreamError),
    (httpx.Response(502, text="<html>Bad gateway</html>"), fs.UpstreamError),
    (httpx.Response(503, json={"message": "down"}), fs.UpstreamError),
    (httpx.Response(504, text=""), fs.UpstreamError),
]  # fmt: skip


@pytest.mark.parametrize(
    ("response", "expected"), FAKE_ERRORS, ids=[str(r.status_code) for r, _ in FAKE_ERRORS]
)
async def test_every_status_the_fake_returns_maps_to_a_named_error(
    response: httpx.Response, expected: type[fs.FreshserviceError]
) -> None:
    recorder = Recorder(*[response] * fs.MAX_ATTEMPTS)
    async with client_for(recorder) as client:
        with pytest.raises(fs.FreshserviceError) as raised:
            await client.request(a_call(budget=0), "GET", "/tickets/1")
    assert type(raised.value) is expected
    assert raised.value.status == response.status_code
    assert KEY not in str(raised.value)


def test_the_status_table_covers_every_error_status_in_the_fakes_openapi() -> None:
    spec = yaml.safe_load(
        (importlib.resources.files("mock_freshservice") / "openapi.yaml").read_text()
    )
    statuses = {
        int(code)
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for code in operation.get("responses", {})
        if int(code) >= 400
    }
    assert statuses <= set(fs.STATUS_ERRORS)
    assert statuses <= {response.status_code for response, _ in FAKE_ERRORS}


@pytest.mark.parametrize("status", sorted(fs.STATUS_ERRORS))
async def test_the_client_raises_the_class_its_status_table_names(status: int) -> None:
    recorder = Recorder(*[httpx.Response(status, json={})] * fs.MAX_ATTEMPTS)
    async with client_for(recorder) as client:
        with pytest.raises(fs.FreshserviceError) as raised:
            await client.request(a_call(budget=0), "GET", "/tickets/1")
    assert type(raised.value) is fs.STATUS_ERRORS[status]


async def test_a_status_the_table_does_not_know_is_an_upstream_error() -> None:
    async with client_for(Recorder(httpx.Response(418, text=""))) as client:
        with pytest.raises(fs.UpstreamError, match="Freshservice answered 418"):
            await client.request(a_call(budget=0), "GET", "/tickets/1")


async def test_a_validation_error_keeps_each_field_and_message() -> None:
    body = {"description": "Validation failed", "errors": [
        {"field": "email", "message": "It should be in the 'valid email address' format", "code": "invalid_value"},
        {"field": "priority", "message": "It should be one of these values: '1,2,3,4'", "code": "invalid_value"},
    ]}  # fmt: skip
    async with client_for(Recorder(httpx.Response(400, json=body))) as client:
        with pytest.raises(fs.ValidationFailed) as raised:
            await client.request(a_call(), "POST", "/tickets", json={})
    assert [(p.field, p.code) for p in raised.value.errors] == [
        ("email", "invalid_value"), ("priority", "invalid_value"),
    ]  # fmt: skip


# -- What every request carries ------------------------------------------------------------------


async def test_requests_use_basic_auth_with_the_key_and_x() -> None:
    recorder = Recorder(ok())
    async with client_for(recorder) as client:
        await client.request(a_call(), "GET", "/tickets/1")
    sent = recorder.requests[0]
    assert (
        sent.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:X".encode()).decode()
    )
    assert sent.url == "https://acme.freshservice.com/api/v2/tickets/1"


async def test_one_request_id_is_sent_on_every_attempt_of_a_tool_call() -> None:
    recorder = Recorder(httpx.Response(503), httpx.Response(503), ok(), ok())
    call = a_call()
    async with client_for(recorder) as client:
        await client.request(call, "GET", "/tickets/1")
        await client.request(call, "GET", "/tickets/2")
    assert {r.headers["X-Request-Id"] for r in recorder.requests} == {call.request_id}
    assert call.upstream_calls == 3 + 1


async def test_the_last_rate_limit_remaining_is_kept_per_key() -> None:
    recorder = Recorder(
        ok(**{"X-RateLimit-Remaining": "57"}), ok(**{"X-RateLimit-Remaining": "56"})
    )
    async with client_for(recorder) as client:
        await client.request(a_call(), "GET", "/tickets/1")
        await client.request(a_call(), "GET", "/tickets/1")
        assert client.rate_limit_remaining == {fs.fingerprint(KEY): 56}


@pytest.mark.parametrize(
    ("link", "page"),
    [
        ('<https://acme.freshservice.com/api/v2/tickets?page=3&per_page=10>; rel="next"', 3),
        ("<https://acme.freshservice.com/api/v2/tickets?per_page=10&page=12>; rel=next", 12),
        (None, None),
        ('<https://acme.freshservice.com/api/v2/tickets?page=2>; rel="prev"', None),
    ],
)
async def test_the_link_header_gives_the_next_page(link: str | None, page: int | None) -> None:
    headers = {"Link": link} if link else {}
    async with client_for(Recorder(ok({"tickets": []}, **headers))) as client:
        response = await client.request(a_call(), "GET", "/tickets")
    assert response.next_page == page


async def test_a_success_that_is_not_json_is_an_invalid_response() -> None:
    recorder = Recorder(httpx.Response(200, text="<html>maintenance</html>"))
    async with client_for(recorder) as client:
        with pytest.raises(fs.InvalidResponse):
            await client.request(a_call(), "GET", "/tickets/1")


# -- Retries -------------------------------------------------------------------------------------


async def test_a_429_is_retried_after_retry_after_for_any_method() -> None:
    sleeps = Sleeps()
    recorder = Recorder(error(fake_errors.RateLimited(7)), ok(status=201))
    async with client_for(recorder, sleeps) as client:
        response = await client.request(a_call(), "POST", "/tickets", json={"subject": "x"})
    assert response.status == 201
    assert sleeps.seconds == [7.0]
    assert [r.method for r in recorder.requests] == ["POST", "POST"]


async def test_a_429_longer_than_the_budget_is_not_waited_for() -> None:
    sleeps = Sleeps()
    recorder = Recorder(error(fake_errors.RateLimited(60)))
    async with client_for(recorder, sleeps) as client:
        with pytest.raises(fs.RateLimited) as raised:
            await client.request(a_call(budget=30), "GET", "/tickets")
    assert raised.value.retry_after == 60
    assert sleeps.seconds == [] and len(recorder.requests) == 1


async def test_a_get_is_retried_after_5xx_with_growing_backoff() -> None:
    sleeps = Sleeps()
    recorder = Recorder(httpx.Response(500), httpx.Response(502), httpx.Response(503), ok())
    async with client_for(recorder, sleeps) as client:
        await client.request(a_call(), "GET", "/tickets/1")
    assert len(recorder.requests) == 4
    assert sleeps.seconds == sorted(sleeps.seconds) and sleeps.seconds[0] < sleeps.seconds[-1]


async def test_a_503_with_retry_after_is_retried_no_sooner_than_it_says() -> None:
    sleeps = Sleeps()
    recorder = Recorder(httpx.Response(503, headers={"Retry-After": "4"}), ok())
    async with client_for(recorder, sleeps) as client:
        await client.request(a_call(), "GET", "/tickets/1")
    assert sleeps.seconds == [4.0] and len(recorder.requests) == 2


async def test_backoff_is_jittered() -> None:
    waits = []
    for jitter in (0.0, 1.0):
        sleeps = Sleeps()
        client = fs.FreshserviceClient(
            "https://acme.freshservice.com", timeout=5, sleep=sleeps, jitter=lambda j=jitter: j,
            transport=Recorder(httpx.Response(503), ok()).transport,
        )  # fmt: skip
        async with client:
            await client.request(a_call(), "GET", "/tickets/1")
        waits.append(sleeps.seconds[0])
    assert waits[0] == waits[1] / 2


async def test_a_put_is_retried_after_a_read_timeout() -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), ok())
    async with client_for(recorder) as client:
        await client.request(a_call(), "PUT", "/tickets/1", json={"priority": 2})
    assert [r.method for r in recorder.requests] == ["PUT", "PUT"]


async def test_a_post_answered_503_is_not_resent_and_may_have_happened() -> None:
    recorder = Recorder(httpx.Response(503, json={"message": "unavailable"}), ok(status=201))
    async with client_for(recorder) as client:
        with pytest.raises(fs.UpstreamError) as raised:
            await client.request(a_call(), "POST", "/tickets", json={"subject": "x"})
    assert raised.value.may_have_happened
    assert len(recorder.requests) == 1


async def test_a_post_whose_connection_dropped_is_not_resent() -> None:
    recorder = Recorder(httpx.ReadError("reset by peer"), ok(status=201))
    async with client_for(recorder) as client:
        with pytest.raises(fs.ConnectionFailed) as raised:
            await client.request(a_call(), "POST", "/tickets", json={"subject": "x"})
    assert raised.value.may_have_happened
    assert len(recorder.requests) == 1


async def test_a_post_that_never_connected_is_sent_again() -> None:
    recorder = Recorder(httpx.ConnectError("refused"), ok(status=201))
    async with client_for(recorder) as client:
        response = await client.request(a_call(), "POST", "/tickets", json={"subject": "x"})
    assert response.status == 201 and len(recorder.requests) == 2


async def test_retries_stop_when_the_budget_is_spent() -> None:
    sleeps = Sleeps()
    recorder = Recorder(*[httpx.Response(503)] * fs.MAX_ATTEMPTS)
    async with client_for(recorder, sleeps) as client:
        with pytest.raises(fs.UpstreamError):
            await client.request(a_call(budget=2), "GET", "/tickets/1")
    assert sum(sleeps.seconds) <= 2
    assert 1 < len(recorder.requests) < fs.MAX_ATTEMPTS


async def test_a_zero_retry_after_does_not_spin_forever() -> None:
    recorder = Recorder(*[error(fake_errors.RateLimited(0))] * fs.MAX_ATTEMPTS)
    async with client_for(recorder) as client:
        with pytest.raises(fs.RateLimited):
            await client.request(a_call(), "GET", "/tickets")
    assert len(recorder.requests) == fs.MAX_ATTEMPTS


async def test_4xx_other_than_429_are_never_retried() -> None:
    recorder = Recorder(error(fake_errors.invalid_credentials()), ok())
    async with client_for(recorder) as client:
        with pytest.raises(fs.AuthFailed):
            await client.request(a_call(), "GET", "/tickets/1")
    assert len(recorder.requests) == 1


async def test_error_messages_never_contain_the_key() -> None:
    echo = httpx.Response(400, json={"code": "invalid_value", "message": f"bad key {KEY}"})
    recorder = Recorder(echo)
    async with client_for(recorder) as client:
        with pytest.raises(fs.BadRequest) as raised:
            await client.request(a_call(), "GET", "/tickets/1")
    assert KEY not in json.dumps(vars(raised.value), default=str)


# -- Regressions from review 3 --------------------------------------------------------------------


class Clock:
    """A monotonic clock that timeouts and sleeps move forward."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_time_lost_to_timeouts_counts_against_the_retry_budget() -> None:
    clock = Clock()

    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += 15  # each attempt waits out a 15-second timeout
        raise httpx.ReadTimeout("slow", request=request)

    recorder = Recorder(*[slow] * fs.MAX_ATTEMPTS)
    sleeps = Sleeps()
    client = fs.FreshserviceClient(
        "https://acme.freshservice.com", timeout=15, transport=recorder.transport,
        sleep=sleeps, jitter=lambda: 1.0, clock=clock,
    )  # fmt: skip
    async with client:
        with pytest.raises(fs.ConnectionFailed):
            await client.request(a_call(budget=30), "GET", "/tickets/1")
    assert len(recorder.requests) == 2  # 15 s + backoff fits in 30 s once, not twice


async def test_a_retry_after_given_as_an_http_date_is_waited_for() -> None:
    sleeps = Sleeps()
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": when}), ok())
    async with client_for(recorder, sleeps) as client:
        await client.request(a_call(), "GET", "/tickets/1")
    assert 3.5 < sleeps.seconds[0] <= 5


async def test_a_429_that_never_ends_says_how_many_times_it_was_answered() -> None:
    recorder = Recorder(*[error(fake_errors.RateLimited(0))] * fs.MAX_ATTEMPTS)
    async with client_for(recorder) as client:
        with pytest.raises(fs.RateLimited) as raised:
            await client.request(a_call(), "GET", "/tickets")
    text = explain(raised.value, "the ticket list")
    assert f"429 (rate limited) {fs.MAX_ATTEMPTS} times in a row" in text
    assert "0 seconds" not in text


async def test_a_request_that_cannot_be_built_is_not_sent() -> None:
    recorder = Recorder(ok())
    async with client_for(recorder) as client:
        with pytest.raises(fs.RequestNotSent):
            await client.request(a_call(), "GET", "/tickets", params={"q": "x" * 70_000})
    assert recorder.requests == []
