"""Freshservice's error responses, as exceptions a view can raise.

Three body shapes exist in the Freshworks v2 framework (docs/freshservice.md §4; sibling source
quoted in `guesses.py`):

    ApiError                       status  body
     ├── ValidationFailed          400     {"description": "Validation failed",
     │                                      "errors": [{field, message, code}, …]}
     ├── RequestError              4xx     {"code": …, "message": …}: invalid_json,
     │                                      missing_params, 401, 403, 406, 409, 413, 415,
     │                                      431
     ├── MethodNotAllowed          405     {"message": …} + Allow
     ├── RateLimited               429     {"message": …} + Retry-After
     ├── NotFound                  404     empty body: no such record
     ├── RouteNotFound             404     {"message": …}: no such route
     └── ServerError               500     {"message": …} (502/503/504 from scenarios)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from mock_freshservice import guesses

JSON = "application/json; charset=utf-8"


@dataclasses.dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str
    code: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "code": self.code}


class ApiError(Exception):
    status = 500

    def body(self) -> object | None:
        """The JSON body, or None for an empty one."""
        return {"message": guesses.SERVER_ERROR_MESSAGE}

    def headers(self) -> dict[str, str]:
        return {}


class ValidationFailed(ApiError):
    status = 400

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    def body(self) -> object:
        return {"description": "Validation failed", "errors": [e.as_json() for e in self.errors]}


class RequestError(ApiError):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")

    def body(self) -> object:
        return {"code": self.code, "message": self.message}


def invalid_json() -> RequestError:
    return RequestError(400, "invalid_json", "Request body has invalid json format")


def missing_params() -> RequestError:
    return RequestError(
        400,
        "missing_params",
        "Your update call does not have any parameter. Atleast one parameter is required.",
    )


def invalid_credentials() -> RequestError:
    return RequestError(401, "invalid_credentials", guesses.INVALID_CREDENTIALS_MESSAGE)


def access_denied() -> RequestError:
    return RequestError(403, "access_denied", guesses.ACCESS_DENIED_MESSAGE)


def missing_scope(scope: str) -> RequestError:
    return RequestError(403, "access_denied", guesses.MISSING_SCOPE_MESSAGE.format(scope=scope))


def invalid_accept_header(value: str) -> RequestError:
    return RequestError(
        406,
        "invalid_accept_header",
        f"Accept header is set to {value}. It should have application/json or */*",
    )


def invalid_content_type(value: str) -> RequestError:
    return RequestError(
        415,
        "invalid_content_type",
        f"Content-Type header is set to {value}. It should be set to application/json",
    )


def body_too_large(limit: int) -> RequestError:
    return RequestError(
        413, guesses.BODY_TOO_LARGE_CODE, f"The request body is larger than {limit} bytes"
    )


def headers_too_large(limit: int) -> RequestError:
    return RequestError(
        431, guesses.HEADERS_TOO_LARGE_CODE, f"The request headers are larger than {limit} bytes"
    )


def account_reset() -> RequestError:
    """A write refused because `/_mock/reset` replaced the account it was working on."""
    return RequestError(
        guesses.ACCOUNT_RESET_STATUS, guesses.ACCOUNT_RESET_CODE, guesses.ACCOUNT_RESET_MESSAGE
    )


class MethodNotAllowed(ApiError):
    status = 405

    def __init__(self, method: str, allowed: Sequence[str]) -> None:
        self.method = method
        self.allowed = tuple(allowed)
        super().__init__(f"{method} not allowed")

    def body(self) -> object:
        methods = ", ".join(self.allowed)
        return {
            "message": f"{self.method} method is not allowed. "
            f"It should be one of these method(s): {methods}"
        }

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)}


class RateLimited(ApiError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited for {retry_after}s")

    def body(self) -> object:
        return {"message": guesses.RATE_LIMITED_MESSAGE}

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class NotFound(ApiError):
    """No such record (guesses.py: Freshservice's body is empty)."""

    status = 404

    def body(self) -> None:
        return None


class RouteNotFound(ApiError):
    """No route serves the path: a JSON body, so a client can tell it from a missing record."""

    status = 404

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"no route for {method} {path}")

    def body(self) -> object:
        return {"message": guesses.route_not_found_message(self.method, self.path)}


class ServerError(ApiError):
    """500, or (from a scenario) 502/503/504, optionally with `Retry-After` (a 503)."""

    status = 500

    def __init__(self, status: int = 500, retry_after: int | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"server error {status}")

    def body(self) -> object:
        message = guesses.GATEWAY_ERROR_MESSAGES.get(self.status, guesses.SERVER_ERROR_MESSAGE)
        return {"message": message}

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
