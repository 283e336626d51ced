"""Employee onboarding and offboarding tools: fetchOnboardingRequest, fetchOnboardingRequestForm,
createOnboardingRequest, fetchOffboardingRequests, createOffboardingRequest,
fetchOffboardingRequestTickets.

A request's `fields` are the values of the account's initiator form (`GET
/<kind>_requests/form`). The create tools read that form first and refuse, naming each field, a
field the form does not have, a required field left out, or a value of the wrong kind (a date
not `YYYY-MM-DD`, a dropdown value outside its choices, an email field or user lookup given
something that is not an email, an asset lookup given text) — before anything is created. Blank
values count as not given and are not sent. The form is read once per call and never kept: an
admin can change it at any time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BeforeValidator, Field

from server import toolsets
from server.tools import filter_query
from server.tools.common import (
    EMAIL_PATTERN,
    Fields,
    Flag,
    NameOf,
    Page,
    PageInfo,
    PerPage,
    Record,
    Result,
    Upstream,
    items_of,
    record_of,
    tool,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = toolsets.ONBOARDING
Kind = Literal["onboarding", "offboarding"]

# Request statuses (DOCS "Onboarding/Offboarding Request Status"; 4 is documented for offboarding).
REQUEST_STATUS = {
    1: "Awaiting Information",
    2: "Request Cancelled",
    3: "Request In Progress",
    4: "Request Completed",
}
TICKET_STATUS = {2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed"}
# What each lookup data source takes (DOCS "Lookup Datasources": 1 locations, 2 requesters,
# 3 agents, 4 assets, 5 all users, 6 departments).
LOOKUP_ACCEPTS = {
    1: "a location's id or name",
    2: "a requester's id or email",
    3: "an agent's id or email",
    4: "an asset's display_id, a number",
    5: "a user's id or email",
    6: "a department's id or name",
}
USER_SOURCES = (2, 3, 5)  # lookups of people: an id or an email
ASSET_SOURCE = 4  # an asset lookup takes the asset's display_id, a number only
MAX_ID = 2**63 - 1  # Freshservice ids are 64-bit
# What Freshservice's "valid email address" takes (the same as common.EMAIL_PATTERN).
EMAIL = re.compile(EMAIL_PATTERN)

FormValue = str | int | float | bool | list[str | int] | None

# -- Results ------------------------------------------------------------------------------------


class Actor(Record):
    email: str | None
    name: str | None
    response_status: str | None


def _actors(value: Any) -> dict[Any, Any]:
    """The actors that are records; no actors when Freshservice sent something else."""
    if not isinstance(value, Mapping):
        return {}
    return {role: found for role, found in value.items() if isinstance(found, Mapping | Actor)}


class EmployeeRequest(Result):
    """An onboarding or offboarding request: its form values and who acts on it."""

    id: int
    subject: str | None
    status: int | None
    status_name: Annotated[str | None, NameOf("status", REQUEST_STATUS)]
    ticket_id: int | None = Field(
        description="The parent ticket (null just after a create, until Freshservice opens it)."
    )
    actors: Annotated[dict[str, Actor], BeforeValidator(_actors)] = Field(
        default_factory=dict, description="Who acts on the request, by role (e.g. HR Manager)."
    )
    fields: Fields = Field(
        default_factory=dict,
        description="The form's values by field name; dates as DD-MM-YYYY, lookups as ids.",
    )
    lookup_values: Fields = Field(
        default_factory=dict, description="The records the lookup fields point at."
    )
    created_at: str | None
    updated_at: str | None


def _left_out_if_none(value: Any) -> bool:
    return value is None


def _choices(value: Any) -> list[Any] | None:
    """A dropdown's choices; none for an empty list or anything but a list."""
    return list(value) if isinstance(value, list) and value else None


class FormField(Record):
    """A field of a request form; keys that would carry nothing are left out."""

    name: str = Field(description="The key to use in `fields`.")
    label: str | None
    field_type: str | None
    required: Flag
    accepts: str = Field(description="What a value of this field looks like.")
    choices: Annotated[list[Any] | None, BeforeValidator(_choices)] = Field(
        None,
        exclude_if=_left_out_if_none,
        description="The values a dropdown takes (left out for other fields).",
    )
    depends_on: str | None = Field(
        None,
        exclude_if=_left_out_if_none,
        description="The dropdown this dependent field belongs to (left out for others).",
    )


class RequestForm(Result):
    fields: list[FormField] = Field(
        description="Every key `fields` may use, the required ones first."
    )


class OffboardingRequestSummary(Record):
    """An offboarding request in a list; fetchOffboardingRequestTickets shows its tickets."""

    id: int
    subject: str | None
    status: int | None
    status_name: Annotated[str | None, NameOf("status", REQUEST_STATUS)]
    requester_id: int | None = Field(None, description="Who raised the request.")
    fields: Fields = Field(
        default_factory=dict, description="The form's values; dates as DD-MM-YYYY."
    )
    created_at: str | None
    updated_at: str | None


class OffboardingRequestPage(PageInfo):
    offboarding_requests: list[OffboardingRequestSummary]


class RequestTicket(Record):
    id: int = Field(description="The ticket's id, for fetchTicket.")
    subject: str | None
    status: int | None
    status_name: Annotated[str | None, NameOf("status", TICKET_STATUS)]
    responder_email: Annotated[str | None, BeforeValidator(lambda value: value or None)]
    parent: bool | None = Field(description="True for the request's parent ticket.")
    predecessor_ticket_id: int | None
    successor_ticket_ids: list[int] | None
    created_at: str | None
    updated_at: str | None


class OffboardingTicketPage(PageInfo):
    per_page: int = Field(
        description=(
            "How many tickets the request has: Freshservice returns all of a request's tickets "
            "in one answer, so this one page is the whole list."
        )
    )
    next_page: int | None = Field(
        description="Always null: Freshservice returns all of a request's tickets at once."
    )
    request_id: int
    offboarding_tickets: list[RequestTicket]
    offboarding_context: dict[str, Any] | None = Field(
        None, description="The request's form values and lookups (fields, lookup_values)."
    )


# -- Checking `fields` against the form ----------------------------------------------------------


def accepts(field: Mapping[str, Any], *, choices_apart: bool = False) -> str:
    """What a value of a form field looks like, for the form listing and for refusals; with
    `choices_apart` a dropdown's choices are not repeated (the listing shows them apart)."""
    kind = field.get("field_type")
    choices = field.get("choices")
    listed = "its choices" if choices_apart else _choice_list(choices) if choices else ""
    if kind == "custom_multi_select_dropdown":
        return f"a list of some of {listed}" if choices else "a list of texts"
    if choices:
        return f"one of {listed}"
    source = field.get("data_source")
    lookup = LOOKUP_ACCEPTS.get(source, "an id") if isinstance(source, int) else "an id"
    if kind == "custom_multi_lookup":
        return f"a list, each {lookup}"
    if kind == "custom_text" and source in (2, 3, 5):
        return "a user's email"  # a text field that looks its value up by email
    if kind == "custom_lookup_bigint" and isinstance(source, int):
        return lookup
    return {
        "custom_date": "a date as YYYY-MM-DD",
        "custom_checkbox": "true or false",
        "custom_decimal": "a number",
        "custom_number": "a whole number",
        "custom_url": "a URL",
        "custom_paragraph": "text",
        "custom_lookup_bigint": "an id",
    }.get(str(kind), "text")


def _choice_list(choices: Any) -> str:
    values = [_choice_value(c) for c in choices]
    return ", ".join(repr(v) for v in values)


def _choice_value(choice: Any) -> Any:
    """A flat choice, or the value of a [label, value] pair."""
    if isinstance(choice, list | tuple) and choice:
        return choice[-1]
    return choice


def _allowed(choices: Any) -> set[Any]:
    found: set[Any] = set()
    for choice in choices:
        if isinstance(choice, list | tuple):
            found.update(c for c in choice if isinstance(c, str | int))
        elif isinstance(choice, str | int):
            found.add(choice)
    return found


def _is_blank(value: Any) -> bool:
    """Nothing given: None, an empty or all-white-space text, an empty list."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == []


def _lookup_problem(source: Any, wanted: str, value: Any) -> str | None:
    """Why a lookup value (an id, or an email or name by the data source) is refused, or None."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return f"takes {wanted}, not {value!r}"
    if isinstance(value, int):
        return None if 0 < value <= MAX_ID else f"takes {wanted}, not {value!r} (ids start at 1)"
    if source == ASSET_SOURCE:
        return f"takes {wanted}, not the text {value!r}"
    if source in USER_SOURCES and not EMAIL.match(value):
        return f"takes {wanted}, and {value!r} is not an email address"
    return None


def _value_problem(field: Mapping[str, Any], value: Any) -> str | None:
    """Why a value does not fit its form field, or None. Kinds not listed pass unchecked."""
    kind = field.get("field_type")
    choices = field.get("choices") or []
    wanted = accepts(field)
    if kind == "custom_checkbox":
        return None if isinstance(value, bool) else f"takes {wanted}, not {value!r}"
    if kind == "custom_decimal":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"takes {wanted}, not {value!r}"
    source = field.get("data_source")
    if kind in ("custom_multi_select_dropdown", "custom_multi_lookup"):
        if not isinstance(value, list):
            return f"takes {wanted}, not {value!r}"
        if kind == "custom_multi_select_dropdown" and choices:
            bad = [v for v in value if v not in _allowed(choices)]
            if bad:
                return f"{', '.join(repr(b) for b in bad)} not among the choices; takes {wanted}"
        if kind == "custom_multi_lookup":
            each = LOOKUP_ACCEPTS.get(source, "an id") if isinstance(source, int) else "an id"
            for item in value:
                if (problem := _lookup_problem(source, each, item)) is not None:
                    return f"each item {problem}"
        return None
    if kind == "custom_lookup_bigint":
        return _lookup_problem(source, wanted, value)
    if isinstance(value, bool) or not isinstance(value, str):
        if kind in ("custom_text", "custom_paragraph", "custom_url", "custom_date") or choices:
            return f"takes {wanted}, not {value!r}"
        return None
    if kind == "custom_date" and not filter_query.is_date(value, with_time=False):
        return f"takes {wanted}, not {value!r}"
    if kind == "custom_text" and source in USER_SOURCES and not EMAIL.match(value):
        return f"takes {wanted}, and {value!r} is not an email address"
    if kind == "custom_dropdown" and choices and value not in _allowed(choices):
        return f"{value!r} is not a choice; takes {wanted}"
    return None


def form_names(form: list[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Every name `fields` may use: the form's fields and their nested (dependent) fields."""
    names: dict[str, Mapping[str, Any]] = {}
    for field in form:
        names[str(field["name"])] = field
        for nested in field.get("nested_fields") or []:
            if isinstance(nested, dict) and isinstance(nested.get("name"), str):
                names[nested["name"]] = {**nested, "field_type": "nested_field"}
    return names


def check_fields(kind: Kind, form: list[Mapping[str, Any]], given: Mapping[str, Any]) -> None:
    """Refuse `fields` the form would refuse: unknown names, missing required fields, values of
    the wrong kind. Every problem is named in one error."""
    names = form_names(form)
    problems = [f"{name}: not a field of the {kind} form" for name in given if name not in names]
    for name, field in names.items():
        value = given.get(name)
        if _is_blank(value):
            if field.get("required"):
                problems.append(f"{name}: required ({field.get('label') or name})")
            continue
        problem = _value_problem(field, value)
        if problem is not None:
            problems.append(f"{name}: {problem}")
    if problems:
        listing = "; ".join(
            f"{name} ({'required, ' if field.get('required') else ''}{accepts(field)})"
            for name, field in names.items()
        )
        raise ToolError(
            f"fields: {'; '.join(problems)}. Nothing was created. "
            f"The {kind} form's fields: {listing}"
        )


async def form_of(up: Upstream, kind: Kind) -> list[Mapping[str, Any]]:
    response = await up.get(f"/{kind}_requests/form", what=f"the {kind} form")
    fields = items_of(response, "fields")
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


async def create_request(
    up: Upstream, kind: Kind, fields: Mapping[str, Any], initiator_id: int | None
) -> EmployeeRequest:
    check_fields(kind, await form_of(up, kind), fields)
    # Blank values count as not given (see check_fields), so they are not sent: Freshservice
    # refuses an empty text where it wants a lookup, a date or a choice.
    body: dict[str, Any] = {
        "fields": {name: value for name, value in fields.items() if not _is_blank(value)}
    }
    if initiator_id is not None:
        body["initiator_id"] = initiator_id
    response = await up.post(f"/{kind}_requests", body, what=f"the {kind} request")
    result = EmployeeRequest.of(record_of(response, f"{kind}_request"))
    return fit_record(result, up.max_result_bytes, "the full request is in Freshservice.")


# -- Onboarding ---------------------------------------------------------------------------------

RequestId = Annotated[int, Field(ge=1, description="The request's id.")]
InitiatorId = Annotated[
    int | None,
    Field(
        ge=1,
        description=(
            "Raise the request on behalf of this user (id); only admins may. Leave out to "
            "raise it as the key's own user."
        ),
    ),
]


@tool("fetchOnboardingRequest", toolset=TOOLSET, title="Show an onboarding request", kind="fetch")
async def fetch_onboarding_request(up: Upstream, *, request_id: RequestId) -> EmployeeRequest:
    """Show one employee onboarding request: its status, the form values (dates as DD-MM-YYYY,
    lookups as ids with the records under lookup_values), the actors and the parent ticket_id
    (open it with fetchTicket). To raise a new one use createOnboardingRequest."""
    response = await up.get(
        f"/onboarding_requests/{request_id}", what=f"onboarding request {request_id}"
    )
    result = EmployeeRequest.of(record_of(response, "onboarding_request"))
    return fit_record(result, up.max_result_bytes, "the full request is in Freshservice.")


@tool(
    "fetchOnboardingRequestForm",
    toolset=TOOLSET,
    title="Show the onboarding form",
    kind="fetch",
)
async def fetch_onboarding_request_form(up: Upstream) -> RequestForm:
    """List the fields of the account's employee onboarding form, the required ones first:
    each field's name (the key for createOnboardingRequest's fields), label, whether it is
    required, what it accepts (dates as YYYY-MM-DD, lookups by id, email or name) and a
    dropdown's choices. Read this before createOnboardingRequest."""
    form = await form_of(up, "onboarding")
    result = RequestForm(fields=form_fields(form))
    return fit_page(
        result,
        "fields",
        up.max_result_bytes,
        "the required fields come first. createOnboardingRequest refuses a field the form does "
        "not have or a missing required one, listing every field and what it accepts.",
    )


def form_fields(form: list[Mapping[str, Any]]) -> list[FormField]:
    """The form's fields and their dependent (nested) fields, the required ones first."""
    parents = {
        str(nested["name"]): str(field["name"])
        for field in form
        for nested in field.get("nested_fields") or []
        if isinstance(nested, dict) and isinstance(nested.get("name"), str)
    }
    listed = [
        FormField.of(
            {
                **raw,
                "name": name,
                "accepts": accepts(raw, choices_apart=True),
                "depends_on": parents.get(name),
            }
        )
        for name, raw in form_names(form).items()
    ]
    return sorted(listed, key=lambda field: not field.required)  # stable: form order kept


FieldsIn = Annotated[
    dict[str, FormValue],
    Field(
        description=(
            'The form\'s values keyed by field name, e.g. {"cf_employee_name": "Nina Novak", '
            '"cf_date_of_joining": "2026-12-01"}. Dates as YYYY-MM-DD; lookups take an id, '
            "an email (users) or a name (departments, locations); multi-selects a list. Blank "
            "values count as left out. The tool checks them against the form first: an unknown "
            "or missing required field, or a value of the wrong kind, is refused, naming it."
        )
    ),
]


@tool(
    "createOnboardingRequest",
    toolset=TOOLSET,
    title="Raise an onboarding request",
    kind="create",
)
async def create_onboarding_request(
    up: Upstream, *, fields: FieldsIn, initiator_id: InitiatorId = None
) -> EmployeeRequest:
    """Raise an employee onboarding request with the onboarding form's fields (see
    fetchOnboardingRequestForm for their names, which are required and what they accept). The
    fields are checked against the form before anything is created. Returns the new request;
    its ticket_id is null until Freshservice opens the parent ticket, so look it up later with
    fetchOnboardingRequest."""
    return await create_request(up, "onboarding", fields, initiator_id)


# -- Offboarding --------------------------------------------------------------------------------


@tool("fetchOffboardingRequests", toolset=TOOLSET, title="List offboarding requests", kind="fetch")
async def fetch_offboarding_requests(
    up: Upstream, *, page: Page = 1, per_page: PerPage = 10
) -> OffboardingRequestPage:
    """List employee offboarding requests, newest first, a page at a time (next_page says
    whether there is more): status, subject, who raised it and the form values. For a
    request's tickets use fetchOffboardingRequestTickets; to raise one use
    createOffboardingRequest."""
    response = await up.get(
        "/offboarding_requests",
        {"page": page, "per_page": per_page},
        what="the offboarding requests",
    )
    result = OffboardingRequestPage(
        offboarding_requests=[
            OffboardingRequestSummary.of(raw)
            for raw in items_of(response, "offboarding_requests")
            if isinstance(raw, dict)
        ],
        page=page,
        per_page=per_page,
        next_page=response.next_page,
    )
    return fit_page(
        result, "offboarding_requests", up.max_result_bytes, "ask for a smaller per_page."
    )


@tool(
    "createOffboardingRequest",
    toolset=TOOLSET,
    title="Raise an offboarding request",
    kind="create",
)
async def create_offboarding_request(
    up: Upstream,
    *,
    fields: Annotated[
        dict[str, FormValue],
        Field(
            description=(
                'The offboarding form\'s values keyed by field name, e.g. {"cf_employee_email": '
                '"john@acme.com", "actor_2": "priya@acme.com", "cf_last_working_date": '
                '"2026-12-18"}. Dates as YYYY-MM-DD; lookups take an id, an email (users) or '
                "a name (departments, locations), an asset lookup its display_id as a number. "
                "Blank values count as left out. The tool checks them against the form first: "
                "an unknown or missing required field, or a value of the wrong kind, is refused, "
                "naming it and the form's fields."
            )
        ),
    ],
    initiator_id: InitiatorId = None,
) -> EmployeeRequest:
    """Raise an employee offboarding request with the offboarding form's fields (typically the
    employee's email, the reporting manager as actor_2 and the last working date). The tool
    reads the offboarding form first and refuses unknown or missing required fields, listing
    the form's fields and what they accept. Returns the new request; its tickets appear with
    fetchOffboardingRequestTickets."""
    return await create_request(up, "offboarding", fields, initiator_id)


@tool(
    "fetchOffboardingRequestTickets",
    toolset=TOOLSET,
    title="List an offboarding request's tickets",
    kind="fetch",
)
async def fetch_offboarding_request_tickets(
    up: Upstream, *, request_id: RequestId
) -> OffboardingTicketPage:
    """List the tickets of one offboarding request: the parent ticket and the task tickets
    that follow it (predecessor/successor), each with its status and responder, plus the
    request's form values once. Freshservice returns them all at once (no pages). Open a
    ticket with fetchTicket; list requests with fetchOffboardingRequests."""
    response = await up.get(
        f"/offboarding_requests/{request_id}/tickets", what=f"offboarding request {request_id}"
    )
    raws = [t for t in items_of(response, "offboarding_tickets") if isinstance(t, dict)]
    context = next(
        (t["offboarding_context"] for t in raws if isinstance(t.get("offboarding_context"), dict)),
        None,
    )
    tickets = [RequestTicket.of(t) for t in raws]
    result = OffboardingTicketPage(
        request_id=request_id,
        offboarding_tickets=tickets,
        offboarding_context=context,
        page=1,
        per_page=len(tickets),
        next_page=None,
    )
    return fit_page(
        result,
        "offboarding_tickets",
        up.max_result_bytes,
        "open each ticket with fetchTicket instead.",
    )


TOOLS = (
    fetch_onboarding_request,
    fetch_onboarding_request_form,
    create_onboarding_request,
    fetch_offboarding_requests,
    create_offboarding_request,
    fetch_offboarding_request_tickets,
)
