"""People tools: fetchAgents, fetchAgent, fetchRequesters, fetchRequester."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, ConfigDict, Field

from server.tools import filter_query
from server.tools.common import (
    FILTER_PAGE_CAP,
    FILTER_PAGE_SIZE,
    Page,
    PageInfo,
    PerPage,
    Result,
    items_of,
    record_of,
    text_of,
    tool,
    upstream,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = "people"
# The people filter sends no Link header (freshservice-api.md §1.5): a full page means there
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


def _full_name(raw: Mapping[str, Any]) -> str:
    return " ".join(p for p in (raw.get("first_name"), raw.get("last_name")) if p)


# -- Results ------------------------------------------------------------------------------------


class AgentSummary(BaseModel):
    """An agent in a list; fetchAgent has the rest."""

    model_config = ConfigDict(extra="forbid")

    id: int
    name: str
    email: str | None
    job_title: str | None
    active: bool | None
    occasional: bool | None
    department_ids: list[int]
    group_ids: list[int] = Field(description="The agent groups the agent is a member of.")


class AgentPage(PageInfo):
    agents: list[AgentSummary]


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role_id: int | None
    assignment_scope: str | None
    groups: list[int]


class Agent(Result):
    """An agent (a person who works tickets), with their groups, roles and workspaces."""

    id: int
    name: str
    first_name: str | None
    last_name: str | None
    email: str | None
    job_title: str | None
    active: bool | None
    occasional: bool | None
    work_phone_number: str | None
    mobile_phone_number: str | None
    department_ids: list[int]
    reporting_manager_id: int | None
    location_id: int | None
    time_zone: str | None
    language: str | None
    group_ids: list[int] = Field(description="The agent groups the agent is a member of.")
    observer_of: list[int] = Field(description="The agent groups the agent observes.")
    roles: list[Role]
    workspace_ids: list[int]
    custom_fields: dict[str, Any]
    last_login_at: str | None
    last_active_at: str | None
    created_at: str | None
    updated_at: str | None
    signature_text: str | None = Field(description="The agent's email signature as text.")


class RequesterSummary(BaseModel):
    """A requester in a list; fetchRequester has the rest."""

    model_config = ConfigDict(extra="forbid")

    id: int
    name: str
    primary_email: str | None
    job_title: str | None
    active: bool | None
    is_agent: bool = Field(description="True for an agent listed with include_agents.")
    department_ids: list[int]


class RequesterPage(PageInfo):
    requesters: list[RequesterSummary]


class Requester(Result):
    """A requester (a person who raises tickets and requests)."""

    id: int
    name: str
    first_name: str | None
    last_name: str | None
    primary_email: str | None
    secondary_emails: list[str]
    job_title: str | None
    active: bool | None
    is_agent: bool
    work_phone_number: str | None
    mobile_phone_number: str | None
    department_ids: list[int]
    reporting_manager_id: int | None
    location_id: int | None
    address: str | None
    time_zone: str | None
    language: str | None
    background_information: str | None
    custom_fields: dict[str, Any]
    has_logged_in: bool | None
    created_at: str | None
    updated_at: str | None


def _ids(value: Any) -> list[int]:
    return [int(v) for v in value or [] if isinstance(v, int)]


def agent_summary(raw: Mapping[str, Any]) -> AgentSummary:
    return AgentSummary(
        id=raw["id"],
        name=_full_name(raw),
        email=raw.get("email"),
        job_title=raw.get("job_title"),
        active=raw.get("active"),
        occasional=raw.get("occasional"),
        department_ids=_ids(raw.get("department_ids")),
        group_ids=_ids(raw.get("member_of")),
    )


def agent(raw: Mapping[str, Any]) -> Agent:
    return Agent(
        id=raw["id"],
        name=_full_name(raw),
        first_name=raw.get("first_name"),
        last_name=raw.get("last_name"),
        email=raw.get("email"),
        job_title=raw.get("job_title"),
        active=raw.get("active"),
        occasional=raw.get("occasional"),
        work_phone_number=raw.get("work_phone_number"),
        mobile_phone_number=raw.get("mobile_phone_number"),
        department_ids=_ids(raw.get("department_ids")),
        reporting_manager_id=raw.get("reporting_manager_id"),
        location_id=raw.get("location_id"),
        time_zone=raw.get("time_zone"),
        language=raw.get("language"),
        group_ids=_ids(raw.get("member_of")),
        observer_of=_ids(raw.get("observer_of")),
        roles=[
            Role(
                role_id=r.get("role_id"),
                assignment_scope=r.get("assignment_scope"),
                groups=_ids(r.get("groups")),
            )
            for r in raw.get("roles") or []
            if isinstance(r, dict)
        ],
        workspace_ids=_ids(raw.get("workspace_ids")),
        custom_fields=dict(raw.get("custom_fields") or {}),
        last_login_at=raw.get("last_login_at"),
        last_active_at=raw.get("last_active_at"),
        created_at=raw.get("created_at"),
        updated_at=raw.get("updated_at"),
        signature_text=text_of(raw.get("signature")),
    )


def requester_summary(raw: Mapping[str, Any]) -> RequesterSummary:
    return RequesterSummary(
        id=raw["id"],
        name=_full_name(raw),
        primary_email=raw.get("primary_email"),
        job_title=raw.get("job_title"),
        active=raw.get("active"),
        is_agent=bool(raw.get("is_agent")),
        department_ids=_ids(raw.get("department_ids")),
    )


def requester(raw: Mapping[str, Any]) -> Requester:
    return Requester(
        id=raw["id"],
        name=_full_name(raw),
        first_name=raw.get("first_name"),
        last_name=raw.get("last_name"),
        primary_email=raw.get("primary_email"),
        secondary_emails=[e for e in raw.get("secondary_emails") or [] if isinstance(e, str)],
        job_title=raw.get("job_title"),
        active=raw.get("active"),
        is_agent=bool(raw.get("is_agent")),
        work_phone_number=raw.get("work_phone_number"),
        mobile_phone_number=raw.get("mobile_phone_number"),
        department_ids=_ids(raw.get("department_ids")),
        reporting_manager_id=raw.get("reporting_manager_id"),
        location_id=raw.get("location_id"),
        address=raw.get("address"),
        time_zone=raw.get("time_zone"),
        language=raw.get("language"),
        background_information=raw.get("background_information"),
        custom_fields=dict(raw.get("custom_fields") or {}),
        has_logged_in=raw.get("has_logged_in"),
        created_at=raw.get("created_at"),
        updated_at=raw.get("updated_at"),
    )


# -- Agents -------------------------------------------------------------------------------------


@tool("fetchAgents", toolset=TOOLSET, title="List agents", kind="fetch")
async def fetch_agents(
    ctx: Context,
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
    up = upstream(ctx)
    params = _list_params(page, per_page, query, AGENT_FIELDS, "email")
    if query is not None and (email is not None or active is not None or state is not None):
        raise ToolError(
            "query cannot be combined with email, active or state: put them in the query"
        )
    for name, value in (("email", email), ("active", active), ("state", state)):
        if value is not None:
            params[name] = str(value).lower() if isinstance(value, bool) else value
    response = await up.get("/agents", params, what="the agent list")
    found = [agent_summary(a) for a in items_of(response, "agents")]
    result = AgentPage(
        agents=found,
        page=page,
        per_page=per_page if query is None else FILTER_PAGE_SIZE,
        next_page=_next_page(query, page, len(found), response.next_page),
    )
    return fit_page(result, "agents", up.max_result_bytes, "ask for a smaller per_page.")


@tool("fetchAgent", toolset=TOOLSET, title="Show an agent", kind="fetch")
async def fetch_agent(
    ctx: Context,
    *,
    agent_id: Annotated[
        Annotated[int, Field(ge=1)] | Literal["me"],
        Field(description='The agent\'s id, or "me" for the agent whose API key is used.'),
    ],
) -> Agent:
    """Show one agent in full: contact details, job title, groups, roles and workspaces.
    agent_id "me" shows the agent the API key belongs to. To find agents use fetchAgents;
    for the tickets assigned to an agent use fetchTickets with query "agent_id:<id>"."""
    up = upstream(ctx)
    path = "/agents/me" if agent_id == "me" else f"/agents/{agent_id}"
    what = "the API key's agent" if agent_id == "me" else f"agent {agent_id}"
    response = await up.get(path, what=what)
    return fit_record(
        agent(record_of(response, "agent")),
        up.max_result_bytes,
        "the full record is in Freshservice.",
    )


# -- Requesters ---------------------------------------------------------------------------------


@tool("fetchRequesters", toolset=TOOLSET, title="List requesters", kind="fetch")
async def fetch_requesters(
    ctx: Context,
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
    up = upstream(ctx)
    params = _list_params(page, per_page, query, REQUESTER_FIELDS, "primary_email")
    if query is not None and email is not None:
        raise ToolError("query cannot be combined with email: put primary_email in the query")
    if email is not None:
        params["email"] = email
    if include_agents:
        params["include_agents"] = "true"
    response = await up.get("/requesters", params, what="the requester list")
    found = [requester_summary(r) for r in items_of(response, "requesters")]
    result = RequesterPage(
        requesters=found,
        page=page,
        per_page=per_page if query is None else FILTER_PAGE_SIZE,
        next_page=_next_page(query, page, len(found), response.next_page),
    )
    return fit_page(result, "requesters", up.max_result_bytes, "ask for a smaller per_page.")


@tool("fetchRequester", toolset=TOOLSET, title="Show a requester", kind="fetch")
async def fetch_requester(
    ctx: Context,
    *,
    requester_id: Annotated[int, Field(ge=1, description="The requester's id.")],
) -> Requester:
    """Show one requester in full: emails, phones, job title, departments, location. An agent's
    id shows the agent as a requester (is_agent true). For their tickets use fetchTickets with
    requester_id."""
    up = upstream(ctx)
    response = await up.get(f"/requesters/{requester_id}", what=f"requester {requester_id}")
    return fit_record(
        requester(record_of(response, "requester")),
        up.max_result_bytes,
        "the full record is in Freshservice.",
    )
