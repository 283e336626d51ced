"""People tools: fetchAgents, fetchAgent, fetchRequesters, fetchRequester."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BeforeValidator, Field

from server import toolsets
from server.tools import filter_query
from server.tools.common import (
    FILTER_PAGE_CAP,
    FILTER_PAGE_SIZE,
    Derived,
    Fields,
    Flag,
    From,
    Page,
    PageInfo,
    PerPage,
    Record,
    Result,
    TextOf,
    Upstream,
    items_of,
    record_of,
    tool,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = toolsets.PEOPLE
# The people filter sends no Link header (docs/freshservice.md §6): a full page means there
# may be another.

# The documented agent and requester filter fields ("Filter Agents", "Filter Requesters"); the
# email field is `email` for agents and `primary_email` for requesters.
PEOPLE_FIELDS: Mapping[str, filter_query.Kind] = {
    "first_name": "string",
    "last_name": "string",
    "name": "string",
    "job_title": "string",
    "work_phone_number": "string",
    "mobile_phone_number": "string",
    "department_id": "number",
    "reporting_manager_id": "number",
    "time_zone": "string",
    "language": "string",
    "location_id": "number",
    "created_at": "datetime",
    "updated_at": "datetime",
}
AGENT_FIELDS = {**PEOPLE_FIELDS, "email": "string"}
REQUESTER_FIELDS = {**PEOPLE_FIELDS, "primary_email": "string"}

AgentEmailIn = Annotated[
    str | None,
    Field(max_length=255, description="Only the agent with this email (whole, any case)."),
]
RequesterEmailIn = Annotated[
    str | None,
    Field(
        max_length=255,
        description="Only the requester with this email, primary or secondary (whole, any case).",
    ),
]


def _query_description(email_field: str) -> str:
    return (
        "A Freshservice filter: conditions field:value joined with AND / OR, with parentheses; "
        "':>' at least, ':<' at most (numbers, dates); text in single quotes, matched whole. "
        "To match the start of first_name, last_name, name, "
        f"{email_field} or the phone numbers write ~[field|field]:'text'. E.g. "
        "\"~[first_name|last_name]:'ann' AND created_at:>'2026-01-01'\" or "
        f"\"job_title:'Engineer'\". Fields: first_name, last_name, name, {email_field}, "
        "job_title, work_phone_number, mobile_phone_number, department_id, reporting_manager_id, "
        "time_zone, language, location_id, created_at, updated_at. Results come 30 a page, "
        "newest first (per_page is ignored), at most 40 pages; a full page gives a next_page "
        "that may turn out empty. The tool adds the double quotes."
    )


def _prefix_fields(email_field: str) -> tuple[str, ...]:
    return ("first_name", "last_name", "name", email_field, "mobile_phone_number",
            "work_phone_number")  # fmt: skip


def _list_params(
    page: int,
    per_page: int,
    query: str | None,
    fields: Mapping[str, filter_query.Kind],
    email_field: str,
) -> dict[str, Any]:
    if query is None:
        return {"page": page, "per_page": per_page}
    if page > FILTER_PAGE_CAP:
        raise ToolError(
            f"page: Freshservice returns at most {FILTER_PAGE_CAP} pages of a filter query or "
            "search; narrow it instead"
        )
    checked = filter_query.checked(query, fields, _prefix_fields(email_field))
    return {"query": f'"{checked}"', "page": page}


def _next_page(query: str | None, page: int, count: int, link_next: int | None) -> int | None:
    if query is None:
        return link_next
    return page + 1 if count == FILTER_PAGE_SIZE and page < FILTER_PAGE_CAP else None


# -- Results ------------------------------------------------------------------------------------

# Lists Freshservice may send as null or with odd items: null becomes [], odd items are dropped.


def _ids(value: Any) -> list[int]:
    return [int(v) for v in value or [] if isinstance(v, int)]


def _texts(value: Any) -> list[str]:
    return [v for v in value or [] if isinstance(v, str)]


def _records(value: Any) -> list[Any]:
    return [v for v in value or [] if isinstance(v, Mapping | Record)]


Ids = Annotated[list[int], BeforeValidator(_ids)]


def full_name(raw: Mapping[str, Any]) -> str:
    return " ".join(part for part in (raw.get("first_name"), raw.get("last_name")) if part)


class Person(Record):
    """What agents and requesters share: the id, and a name made of the first and last names
    (Freshservice sends no `name` of a person)."""

    id: int
    name: Annotated[str, Derived(full_name)]


class AgentSummary(Person):
    """An agent in a list; fetchAgent has the rest."""

    email: str | None
    job_title: str | None
    active: bool | None
    occasional: bool | None
    department_ids: Ids
    group_ids: Annotated[Ids, From("member_of")] = Field(
        description="The agent groups the agent is a member of."
    )


class AgentPage(PageInfo):
    agents: list[AgentSummary]


class Role(Record):
    role_id: int | None
    assignment_scope: str | None
    groups: Ids


class Agent(Person, Result):
    """An agent (a person who works tickets), with their groups, roles and workspaces."""

    first_name: str | None
    last_name: str | None
    email: str | None
    job_title: str | None
    active: bool | None
    occasional: bool | None
    work_phone_number: str | None
    mobile_phone_number: str | None
    department_ids: Ids
    reporting_manager_id: int | None
    location_id: int | None
    time_zone: str | None
    language: str | None
    group_ids: Annotated[Ids, From("member_of")] = Field(
        description="The agent groups the agent is a member of."
    )
    observer_of: Ids = Field(description="The agent groups the agent observes.")
    roles: Annotated[list[Role], BeforeValidator(_records)]
    workspace_ids: Ids
    custom_fields: Fields
    last_login_at: str | None
    last_active_at: str | None
    created_at: str | None
    updated_at: str | None
    signature_text: Annotated[str | None, TextOf("signature")] = Field(
        description="The agent's email signature as text."
    )


class RequesterSummary(Person):
    """A requester in a list; fetchRequester has the rest."""

    primary_email: str | None
    job_title: str | None
    active: bool | None
    is_agent: Flag = Field(description="True for an agent listed with include_agents.")
    department_ids: Ids


class RequesterPage(PageInfo):
    requesters: list[RequesterSummary]


class Requester(Person, Result):
    """A requester (a person who raises tickets and requests)."""

    first_name: str | None
    last_name: str | None
    primary_email: str | None
    secondary_emails: Annotated[list[str], BeforeValidator(_texts)]
    job_title: str | None
    active: bool | None
    is_agent: Flag
    work_phone_number: str | None
    mobile_phone_number: str | None
    department_ids: Ids
    reporting_manager_id: int | None
    location_id: int | None
    address: str | None
    time_zone: str | None
    language: str | None
    background_information: str | None
    custom_fields: Fields
    has_logged_in: bool | None
    created_at: str | None
    updated_at: str | None


# -- Agents -------------------------------------------------------------------------------------


@tool("fetchAgents", toolset=TOOLSET, title="List agents", kind="fetch")
async def fetch_agents(
    up: Upstream,
    *,
    email: AgentEmailIn = None,
    active: Annotated[
        bool | None, Field(description="true: only active agents; false: only deactivated ones.")
    ] = None,
    state: Annotated[
        Literal["fulltime", "occasional"] | None,
        Field(description="fulltime or occasional agents only."),
    ] = None,
    query: Annotated[
        str | None, Field(max_length=512, description=_query_description("email"))
    ] = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> AgentPage:
    """List agents (the people who work tickets), sorted by first name, a page at a time
    (next_page says whether there is more). Narrow with email, active, state or a filter query.
    For one agent's roles, groups and workspaces use fetchAgent (agent_id "me" for yourself)."""
    params = _list_params(page, per_page, query, AGENT_FIELDS, "email")
    if query is not None and (email is not None or active is not None or state is not None):
        raise ToolError(
            "query cannot be combined with email, active or state: put them in the query"
        )
    for name, value in (("email", email), ("active", active), ("state", state)):
        if value is not None:
            params[name] = str(value).lower() if isinstance(value, bool) else value
    response = await up.get("/agents", params, what="the agent list")
    found = [AgentSummary.of(a) for a in items_of(response, "agents")]
    result = AgentPage(
        agents=found,
        page=page,
        per_page=per_page if query is None else FILTER_PAGE_SIZE,
        next_page=_next_page(query, page, len(found), response.next_page),
    )
    return fit_page(result, "agents", up.max_result_bytes, "ask for a smaller per_page.")


@tool("fetchAgent", toolset=TOOLSET, title="Show an agent", kind="fetch")
async def fetch_agent(
    up: Upstream,
    *,
    agent_id: Annotated[
        Annotated[int, Field(ge=1)] | Literal["me"],
        Field(description='The agent\'s id, or "me" for the agent whose API key is used.'),
    ],
) -> Agent:
    """Show one agent in full: contact details, job title, groups, roles and workspaces.
    agent_id "me" shows the agent the API key belongs to. To find agents use fetchAgents;
    for the tickets assigned to an agent use fetchTickets with query "agent_id:<id>"."""
    path = "/agents/me" if agent_id == "me" else f"/agents/{agent_id}"
    what = "the API key's agent" if agent_id == "me" else f"agent {agent_id}"
    response = await up.get(path, what=what)
    return fit_record(
        Agent.of(record_of(response, "agent")),
        up.max_result_bytes,
        "the full record is in Freshservice.",
    )


# -- Requesters ---------------------------------------------------------------------------------


@tool("fetchRequesters", toolset=TOOLSET, title="List requesters", kind="fetch")
async def fetch_requesters(
    up: Upstream,
    *,
    email: RequesterEmailIn = None,
    query: Annotated[
        str | None, Field(max_length=512, description=_query_description("primary_email"))
    ] = None,
    include_agents: Annotated[
        bool,
        Field(
            description=(
                "Also list agents (they are requesters too). Needs the Manage Agents privilege."
            )
        ),
    ] = False,
    page: Page = 1,
    per_page: PerPage = 10,
) -> RequesterPage:
    """List requesters (the people who raise tickets), sorted by first name, a page at a time
    (next_page says whether there is more). Narrow with email or a filter query. For one
    requester in full use fetchRequester; for their tickets use fetchTickets with requester_id."""
    params = _list_params(page, per_page, query, REQUESTER_FIELDS, "primary_email")
    if query is not None and email is not None:
        raise ToolError("query cannot be combined with email: put primary_email in the query")
    if email is not None:
        params["email"] = email
    if include_agents:
        params["include_agents"] = "true"
    response = await up.get("/requesters", params, what="the requester list")
    found = [RequesterSummary.of(r) for r in items_of(response, "requesters")]
    result = RequesterPage(
        requesters=found,
        page=page,
        per_page=per_page if query is None else FILTER_PAGE_SIZE,
        next_page=_next_page(query, page, len(found), response.next_page),
    )
    return fit_page(result, "requesters", up.max_result_bytes, "ask for a smaller per_page.")


@tool("fetchRequester", toolset=TOOLSET, title="Show a requester", kind="fetch")
async def fetch_requester(
    up: Upstream,
    *,
    requester_id: Annotated[int, Field(ge=1, description="The requester's id.")],
) -> Requester:
    """Show one requester in full: emails, phones, job title, departments, location. An agent's
    id shows the agent as a requester (is_agent true). For their tickets use fetchTickets with
    requester_id."""
    response = await up.get(f"/requesters/{requester_id}", what=f"requester {requester_id}")
    return fit_record(
        Requester.of(record_of(response, "requester")),
        up.max_result_bytes,
        "the full record is in Freshservice.",
    )


TOOLS = (
    fetch_agents,
    fetch_agent,
    fetch_requesters,
    fetch_requester,
)
