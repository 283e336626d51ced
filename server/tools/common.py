"""What every toolset shares: the tool declaration, parameter types, the per-call upstream handle,
Freshservice errors turned into tool errors, and shaping results for an LLM."""

from __future__ import annotations

import contextvars
import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)
from selectolax.lexbor import LexborHTMLParser

from server import freshservice as fs
from server.tools import filter_query
from server.tools.fitting import fit_page
from server.toolsets import Toolset

F = TypeVar("F", bound=Callable[..., Any])
P = TypeVar("P", bound="PageInfo")

# -- The registry: one ToolSpec per tool, declared next to its handler ---------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str  # the fixed camelCase name in Freshworks' MCP guide
    title: str
    toolset: Toolset
    handler: Callable[..., Any]
    read_only: bool
    idempotent: bool


def tool(
    name: str, *, toolset: Toolset, title: str, kind: Literal["fetch", "create", "update"]
) -> Callable[[Callable[..., Any]], ToolSpec]:
    """Declare a handler as tool `name` (its module lists it in TOOLS, server/tools/inventory.py
    gathers those); annotations follow from its kind (docs/architecture.md §7)."""

    def declare(handler: Callable[..., Any]) -> ToolSpec:
        return ToolSpec(
            name=name,
            title=title,
            toolset=toolset,
            handler=handler,
            read_only=kind == "fetch",
            idempotent=kind != "create",
        )

    return declare


# -- Parameters shared by many tools ------------------------------------------------------------

Page = Annotated[
    int,
    Field(
        ge=1,
        le=10_000,
        description="Page number, from 1. Use the next_page of the previous result.",
    ),
]
PerPage = Annotated[int, Field(ge=1, le=100, description="Items per page, 1 to 100 (default 10).")]
# Freshservice's filter queries and searches return a fixed 30 a page; the people and asset
# filters stop at page 40 (docs/freshservice.md §6).
FILTER_PAGE_SIZE = 30
FILTER_PAGE_CAP = 40

WorkspaceId = Annotated[
    int | None,
    Field(
        ge=0, description="Workspace to look in; leave out for the primary workspace, 0 for all."
    ),
]

STATUS = {2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed"}
PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
LEVEL = {1: "Low", 2: "Medium", 3: "High"}
SOURCE = {
    1: "Email", 2: "Portal", 3: "Phone", 4: "Chat", 5: "Feedback widget", 6: "Yammer",
    7: "AWS Cloudwatch", 8: "Pagerduty", 9: "Walkup", 10: "Slack", 11: "Chatbot",
    12: "Workplace", 13: "Employee Onboarding", 14: "Alerts", 15: "MS Teams",
    18: "Employee Offboarding",
}  # fmt: skip

StatusIn = Annotated[
    Literal[2, 3, 4, 5] | Literal["open", "pending", "resolved", "closed"],
    Field(
        description=(
            "Ticket status: 2 open, 3 pending, 4 resolved, 5 closed (number or lowercase name)."
        )
    ),
]
PriorityIn = Annotated[
    Literal[1, 2, 3, 4] | Literal["low", "medium", "high", "urgent"],
    Field(description="Priority: 1 low, 2 medium, 3 high, 4 urgent (number or lowercase name)."),
]
UrgencyIn = Annotated[
    Literal[1, 2, 3] | Literal["low", "medium", "high"],
    Field(description="Urgency: 1 low, 2 medium, 3 high (number or lowercase name)."),
]
ImpactIn = Annotated[
    Literal[1, 2, 3] | Literal["low", "medium", "high"],
    Field(description="Impact: 1 low, 2 medium, 3 high (number or lowercase name)."),
]
SourceIn = Annotated[
    Literal[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18]
    | Literal["email", "portal", "phone", "chat", "feedback widget", "yammer", "aws cloudwatch",
              "pagerduty", "walkup", "slack", "chatbot", "workplace", "employee onboarding",
              "alerts", "ms teams", "employee offboarding"],
    Field(description="Where the ticket came from: 1 email, 2 portal, 3 phone, 4 chat, …"
                      " (number or lowercase name)."),
]  # fmt: skip


def code(value: int | str | None, names: Mapping[int, str]) -> int | None:
    """The Freshservice number for a code given as a number or as its name."""
    if value is None or isinstance(value, int):
        return value
    lowered = value.lower()
    for number, name in names.items():
        if name.lower() == lowered:
            return number
    raise ToolError(f"{value!r} is not one of {', '.join(n.lower() for n in names.values())}")


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # what Freshservice's "valid email address" takes
NOT_BLANK = r"^\s*\S"  # at least one character that is not white space


def sent(**fields: Any) -> dict[str, Any]:
    """The JSON body of a create or update: the fields named, in that order, but those left out
    (None). Each handler names every field it sends, next to the value it takes."""
    return {name: value for name, value in fields.items() if value is not None}


def real_moment(name: str, value: str | None) -> None:
    """Refuse, naming the argument, an ISO 8601 date or time that is not on the calendar."""
    if value is None:
        return
    if not filter_query.is_moment(value):
        raise ToolError(f"{name}: {value!r} is not a real date (or date and time)")


# -- Output building blocks ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class NameOf:
    """A `*_name` field: the label of the record's `code` field in `names`."""

    code: str
    names: Mapping[int, str]

    def read(self, raw: Mapping[str, Any], field: str) -> Any:
        return label(raw.get(self.code), self.names)


class TextOf:
    """A plain-text field: the record's own text if it has one, else the first of `sources`
    that is set, HTML made text, cut to `limit` characters."""

    __slots__ = ("limit", "sources")

    def __init__(self, *sources: str, limit: int | None = None) -> None:
        self.sources = sources
        self.limit = limit

    def read(self, raw: Mapping[str, Any], field: str) -> Any:
        markup = raw.get(field)
        if markup:
            return markup
        for source in self.sources:
            markup = markup or raw.get(source)
        return text_of(markup, self.limit)


@dataclasses.dataclass(frozen=True, slots=True)
class From:
    """A field that Freshservice names `key`."""

    key: str

    def read(self, raw: Mapping[str, Any], field: str) -> Any:
        return raw.get(self.key)


@dataclasses.dataclass(frozen=True, slots=True)
class Derived:
    """A field worked out from the whole record (a name from first and last names, say)."""

    work_out: Callable[[Mapping[str, Any]], Any]

    def read(self, raw: Mapping[str, Any], field: str) -> Any:
        return self.work_out(raw)


Reader = NameOf | TextOf | From | Derived  # how a field is read when not from its own key

# What an absent or null value of the record becomes, where it must not stay null.
Text = Annotated[str, BeforeValidator(lambda value: value or "")]
Flag = Annotated[bool, BeforeValidator(bool)]
Strings = Annotated[list[str], BeforeValidator(lambda value: value or [])]
Fields = Annotated[dict[str, Any], BeforeValidator(lambda value: value or {})]


def record_or_none(value: Any) -> Any:
    """A nested record as it came, or null when Freshservice sent something else there."""
    return value if isinstance(value, Mapping) else None


_FROM_RECORD = "freshservice_record"
_SAID_BY_THE_SERVER = ("truncated", "notice")  # Result's own fields, never read from a record


class Record(BaseModel):
    """A result that reads itself from a Freshservice record: `Model.of(raw)` takes each field
    from the record's key of the same name (null when absent, or the field's default), or as its
    `NameOf`/`TextOf`/`From`/`Derived` marker says; keys the model does not declare are dropped.
    Plain `model_validate` (of the model's own dump, for example) reads fields as pydantic does."""

    model_config = ConfigDict(extra="forbid")
    _readers: ClassVar[dict[str, Reader | None]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._readers = {
            name: next((m for m in field.metadata if isinstance(m, Reader)), None)
            for name, field in cls.model_fields.items()
            if name not in _SAID_BY_THE_SERVER
        }

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Self:
        return cls.model_validate(raw, context={_FROM_RECORD: True})

    @model_validator(mode="before")
    @classmethod
    def _read_record(cls, data: Any, info: ValidationInfo) -> Any:
        if not (isinstance(data, Mapping) and info.context and info.context.get(_FROM_RECORD)):
            return data
        read: dict[str, Any] = {}
        for name, reader in cls._readers.items():
            if reader is not None:
                read[name] = reader.read(data, name)
            elif name in data or cls.model_fields[name].is_required():
                read[name] = data.get(name)
        return read


class Result(Record):
    """Every result says whether it was cut to fit and how to get the rest."""

    truncated: bool = Field(
        False, description="True when the result was cut to fit the size limit."
    )
    notice: str | None = Field(
        None, description="What was cut and how to get the rest, if anything."
    )


class PageInfo(Result):
    page: int = Field(description="This page's number.")
    per_page: int = Field(description="Items per page (30 when a filter query is used).")
    next_page: int | None = Field(description="The next page's number, or null on the last page.")


# Elements whose content is not text (an email turned ticket brings its <style>), those whose end
# ends a line, and table cells, which a space keeps apart.
_NOT_TEXT = "head, script, style, template, noscript"
_LINE_ENDS = "br, p, div, li, tr, h1, h2, h3, h4, h5, h6, blockquote, pre, table, ul, ol, hr"
_CELLS = "td, th"


def text_of(markup: str | None, limit: int | None = None) -> str | None:
    """HTML as plain text (what an LLM reads best), cut to `limit` characters if given. An HTML
    parser (lexbor, through selectolax) reads it, so comments, scripts, styles and markup that
    is not well formed never show up as text."""
    if markup is None:
        return None
    tree = LexborHTMLParser(markup)
    for node in tree.css(_NOT_TEXT):
        node.decompose()
    for node in tree.css(_LINE_ENDS):
        node.insert_after("\n")
    for node in tree.css(_CELLS):
        node.insert_after(" ")
    text = tree.body.text(deep=True) if tree.body is not None else ""
    text = re.sub(r"[ \t\xa0]+", " ", re.sub(r"\n\s*\n+", "\n", text))
    text = re.sub(r" ?\n ?", "\n", text).strip()  # no space left at a line's ends
    if limit is not None and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def label(value: int | None, names: Mapping[int, str]) -> str | None:
    if value is None:
        return None
    return names.get(value, f"Custom ({value})")


# -- The upstream handle of one tool call --------------------------------------------------------


@dataclasses.dataclass
class Upstream:
    """The Freshservice client, this call's credential and its caller (from /agents/me)."""

    client: fs.FreshserviceClient
    call: fs.ToolCall
    caller_id: int
    max_result_bytes: int

    async def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, what: str | None = None
    ) -> fs.ApiResponse:
        return await self._send("GET", path, params=params, what=what)

    async def post(self, path: str, body: Any, *, what: str) -> fs.ApiResponse:
        return await self._send("POST", path, json=body, what=what)

    async def put(self, path: str, body: Any, *, what: str) -> fs.ApiResponse:
        return await self._send("PUT", path, json=body, what=what)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        what: str | None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> fs.ApiResponse:
        try:
            return await self.client.request(self.call, method, path, params=params, json=json)
        except fs.FreshserviceError as exc:
            raise ToolError(explain(exc, what)) from exc


CURRENT: contextvars.ContextVar[Upstream | None] = contextvars.ContextVar("upstream", default=None)


def this_calls_upstream() -> Upstream:
    """The upstream handle the call gate prepared for this tool call (server/gate.py); the
    server passes it to each handler's `up` parameter (server/app.py, `with_upstream`)."""
    found = CURRENT.get()
    if found is None:
        raise ToolError("internal error: the tool was called outside the server's call handling")
    return found


def explain(exc: fs.FreshserviceError, what: str | None, *, bearer: bool | None = None) -> str:
    """A tool error an LLM (and a person) can act on; never contains the key. `bearer`: the call
    sent an OAuth token, not a key (default: as this tool call did)."""
    subject = what or "the record"
    if bearer is None:
        handle = CURRENT.get()
        bearer = handle is not None and handle.call.bearer
    if isinstance(exc, fs.ValidationFailed):
        problems = "; ".join(f"{e.field}: {e.message} ({e.code})" for e in exc.errors)
        return f"Freshservice refused the request (400 validation failed): {problems}"
    if isinstance(exc, fs.BadRequest):
        reason = f"{exc.status} {exc.code}" if exc.code else str(exc.status)
        return f"Freshservice refused the request ({reason}): {exc.message}"
    if isinstance(exc, fs.AuthFailed) and bearer:
        return (
            "Freshservice did not accept the OAuth access token (401): it has expired or was "
            "revoked. Sign in again: the client refreshes the token, or opens the sign-in page."
        )
    if isinstance(exc, fs.Forbidden) and bearer:
        return (
            "Freshservice refused this with the signed-in user's token (403 access_denied): the "
            "token lacks the scope, or the user's role lacks the privilege."
        )
    if isinstance(exc, fs.AuthFailed):
        return (
            "Freshservice did not accept the API key (401 invalid_credentials): check the key in "
            "the Authorization header or FRESHSERVICE_API_KEY; it may have been revoked."
        )
    if isinstance(exc, fs.Forbidden):
        return (
            "The API key's user may not do this in Freshservice (403 access_denied): their role "
            "lacks the privilege. Use an agent or admin key whose role allows it."
        )
    if isinstance(exc, fs.NotFound):
        return f"{subject[0].upper()}{subject[1:]} was not found (404)."
    if isinstance(exc, fs.MethodNotAllowed):
        return f"Freshservice does not allow this on {subject} (405): {exc.message}"
    if isinstance(exc, fs.Conflict):
        return f"Freshservice refused a duplicate (409): {exc.message}"
    if isinstance(exc, fs.RateLimited):
        if exc.attempts >= fs.MAX_ATTEMPTS:
            return (
                f"Freshservice answered 429 (rate limited) {exc.attempts} times in a row. "
                "Try again in a minute."
            )
        seconds = max(1, int(exc.retry_after + 0.999))
        return (
            "Freshservice's API rate limit for this account is spent (429) and the wait it asked "
            f"for is longer than this call may wait. Try again in {seconds} seconds."
        )
    if isinstance(exc, fs.RequestNotSent):
        return (
            f"The request for {subject} could not be sent ({exc.message}); nothing reached "
            "Freshservice. Check the arguments' sizes and values."
        )
    if isinstance(exc, fs.UpstreamError | fs.ConnectionFailed) and exc.may_have_happened:
        return (
            f"Freshservice failed while {subject} was being created ({exc.message}); it may or may "
            "not have been created. Look for it (for example with a fetch by requester and "
            "updated_since) before trying again."
        )
    if isinstance(exc, fs.InvalidResponse):
        return f"Freshservice answered with something that is not its JSON ({exc.message})."
    return (
        f"Freshservice could not be reached or failed ({exc.message}); the retries allowed for "
        "this call are used up."
    )


# -- Reading answers ------------------------------------------------------------------------------


async def plain_list(
    up: Upstream,
    path: str,
    params: dict[str, Any],
    *,
    what: str,
    model: type[P],
    items: str,
    summarize: Callable[[Any], BaseModel],
) -> P:
    """One page of a plain list (no filter query): the items under `items` in the answer and in
    the result, `next_page` from the Link header, the result fitted to the size limit."""
    response = await up.get(path, params, what=what)
    result = model.model_validate(
        {
            items: [summarize(raw) for raw in items_of(response, items)],
            "page": params["page"],
            "per_page": params["per_page"],
            "next_page": response.next_page,
        }
    )
    return fit_page(result, items, up.max_result_bytes, "ask for a smaller per_page.")


def search_next_page(response: fs.ApiResponse, page: int) -> tuple[int | None, int | None]:
    """A search answer's total and next page, from its `meta` block (searches send no Link)."""
    meta = response.body.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    total, pages = meta.get("total_items"), meta.get("total_pages")
    if not isinstance(pages, int):
        return (total if isinstance(total, int) else None), response.next_page
    return (total if isinstance(total, int) else None), (page + 1 if page < pages else None)


class AnswerLacks(Exception):
    """A success from Freshservice without what the tool reads from it (the call gate turns it
    into a tool error that says what was missing, and whether a write already happened)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def record_of(response: fs.ApiResponse, key: str) -> dict[str, Any]:
    """The record under `key` in a success body; `AnswerLacks` if it is not there."""
    found = response.body.get(key)
    if not isinstance(found, dict):
        raise AnswerLacks(f"no {key.replace('_', ' ')} record")
    return found


def items_of(response: fs.ApiResponse, key: str) -> list[Any]:
    """The list under `key` in a success body; `AnswerLacks` if it is not there."""
    found = response.body.get(key)
    if not isinstance(found, list):
        raise AnswerLacks(f"no {key.replace('_', ' ')} list")
    return found
