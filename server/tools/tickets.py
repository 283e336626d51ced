"""Ticket tools: fetchTickets, fetchTicket, createTicket, updateTicket, createTicketNote."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BeforeValidator, Field

from server import toolsets
from server.tools import filter_query
from server.tools.common import (
    FILTER_PAGE_SIZE,
    LEVEL,
    PRIORITY,
    SOURCE,
    STATUS,
    Fields,
    Flag,
    From,
    ImpactIn,
    NameOf,
    Page,
    PageInfo,
    PriorityIn,
    Record,
    Result,
    SourceIn,
    StatusIn,
    Strings,
    Text,
    TextOf,
    Upstream,
    UrgencyIn,
    WorkspaceId,
    code,
    items_of,
    plain_list,
    record_of,
    record_or_none,
    sent,
    tool,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = toolsets.TICKETS
PREVIEW = 200
MORE_OF_A_TICKET = (
    "ask fetchTicket without include, or with fewer includes, to see the rest; the full text is "
    "in Freshservice."
)

# -- Results ------------------------------------------------------------------------------------


class TicketSummary(Record):
    """A ticket in a list: the fields that tell tickets apart; fetchTicket has the rest."""

    id: int
    subject: Text
    status: int
    status_name: Annotated[str | None, NameOf("status", STATUS)]
    priority: int
    priority_name: Annotated[str | None, NameOf("priority", PRIORITY)]
    type: str | None
    requester_id: int | None
    responder_id: int | None
    group_id: int | None
    workspace_id: int | None
    created_at: str
    updated_at: str
    due_by: str | None
    description_preview: Annotated[
        str | None, TextOf("description", "description_text", limit=PREVIEW)
    ] = Field(description="The description as text, cut to 200 characters.")


class TicketPage(PageInfo):
    tickets: list[TicketSummary]
    total: int | None = Field(
        None, description="How many tickets match a filter query (null without a query)."
    )


class Conversation(Record):
    id: int
    body_text: Annotated[str | None, TextOf("body")]
    private: bool | None
    incoming: bool | None
    user_id: int | None
    created_at: str | None


class Person(Record):
    id: int | None
    name: str | None
    email: str | None
    phone: str | None = None
    mobile: str | None = None


class Stats(Record):
    first_responded_at: str | None = None
    resolved_at: str | None = None
    closed_at: str | None = None


class Ticket(Result):
    """A whole ticket, numbers with their names, the description as HTML and as text."""

    id: int
    subject: Text
    description: str | None
    description_text: Annotated[str | None, TextOf("description")]
    type: str | None
    status: int
    status_name: Annotated[str | None, NameOf("status", STATUS)]
    priority: int
    priority_name: Annotated[str | None, NameOf("priority", PRIORITY)]
    urgency: int | None = None
    urgency_name: Annotated[str | None, NameOf("urgency", LEVEL)] = None
    impact: int | None = None
    impact_name: Annotated[str | None, NameOf("impact", LEVEL)] = None
    source: int | None
    source_name: Annotated[str | None, NameOf("source", SOURCE)]
    requester_id: int | None
    requested_for_id: int | None = None
    responder_id: int | None
    group_id: int | None
    department_id: int | None
    workspace_id: int | None
    category: str | None
    sub_category: str | None
    item_category: str | None
    due_by: str | None
    fr_due_by: str | None
    is_escalated: bool | None
    spam: bool | None
    deleted: bool | None
    cc_emails: Strings = Field(default_factory=list)
    tags: list[str] | None = None
    custom_fields: Fields = Field(default_factory=dict)
    created_at: str
    updated_at: str
    resolution_notes: str | None = None
    approval_status_name: str | None = None
    requester: Annotated[Person | None, BeforeValidator(record_or_none)] = None
    requested_for: Annotated[Person | None, BeforeValidator(record_or_none)] = None
    stats: Annotated[Stats | None, BeforeValidator(record_or_none)] = None
    conversations: list[Conversation] | None = None
    problem: dict[str, Any] | None = None
    assets: list[Any] | None = None
    changes: list[Any] | dict[str, Any] | None = None
    related_tickets: dict[str, Any] | None = None


class Note(Result):
    id: int
    ticket_id: int
    body: Text
    body_text: Annotated[str | None, TextOf("body")]
    private: Flag
    incoming: Flag
    user_id: int | None
    notify_emails: Annotated[Strings, From("to_emails")]
    created_at: str


# -- fetchTickets -------------------------------------------------------------------------------


@tool("fetchTickets", toolset=TOOLSET, title="List tickets", kind="fetch")
async def fetch_tickets(
    up: Upstream,
    *,
    filter: Annotated[
        Literal["new_and_my_open", "watching", "spam", "deleted"] | None,
        Field(description="A predefined view: new_and_my_open, watching, spam or deleted."),
    ] = None,
    query: Annotated[
        str | None,
        Field(
            max_length=512,
            description=(
                "A Freshservice ticket filter: conditions field:value joined with AND / OR, "
                "with parentheses. ':>' means at least and ':<' at most (numbers and dates). "
                'E.g. "priority:>3 AND status:2" or "agent_id:null AND '
                "created_at:>'2026-01-01'\". Fields: workspace_id, requester_id, email, "
                "agent_id, group_id, priority, status, impact, urgency, tag (numbers bare; text "
                "in single quotes; null for not set), due_by, fr_due_by ('yyyy-mm-dd'), "
                "created_at, updated_at ('yyyy-mm-dd' or 'yyyy-mm-ddThh:mm:ssZ'). Custom fields "
                "are not accepted. The tool adds the double quotes."
            ),
        ),
    ] = None,
    assigned_to_me: Annotated[
        bool, Field(description="Only tickets assigned to the agent whose key is used.")
    ] = False,
    status: StatusIn | None = None,
    priority: PriorityIn | None = None,
    requester_id: Annotated[
        int | None, Field(ge=1, description="Only tickets of this requester.")
    ] = None,
    email: Annotated[
        str | None,
        Field(max_length=255, description="Only tickets of the requester with this email."),
    ] = None,
    updated_since: Annotated[
        str | None,
        Field(
            pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$",
            description=(
                "Only tickets updated at or after this UTC date or time: 2026-01-31 or "
                "2026-01-31T18:00:00Z. Without it and without a query, Freshservice lists the "
                "tickets of the last 30 days only."
            ),
        ),
    ] = None,
    type: Annotated[
        Literal["Incident", "Service Request"] | None,
        Field(description="Incident or Service Request."),
    ] = None,
    workspace_id: WorkspaceId = None,
    include: Annotated[
        list[Literal["stats", "requester", "requested_for"]] | None,
        Field(description="Extra details per ticket (each costs 2 more API credits)."),
    ] = None,
    order_type: Annotated[
        Literal["asc", "desc"] | None,
        Field(description="asc: oldest first; desc (default): newest first."),
    ] = None,
    page: Page = 1,
    per_page: Annotated[
        int,
        Field(
            ge=1,
            le=100,
            description=(
                "Tickets per page, 1 to 100 (default 10). Ignored with query, status, priority "
                "or assigned_to_me: Freshservice's filter returns 30 a page."
            ),
        ),
    ] = 10,
) -> TicketPage:
    """List tickets, newest first, a page at a time (next_page says whether there is more).

    Without arguments: the tickets created in the last 30 days (use updated_since for older
    ones). To narrow, give status, priority, assigned_to_me or a filter query: these use
    Freshservice's ticket filter, which returns 30 tickets a page (per_page is ignored) and the
    total. For one ticket's full details and conversations use fetchTicket; to change one use
    updateTicket; to add a note use createTicketNote.
    """
    status_code = code(status, STATUS)
    priority_code = code(priority, PRIORITY)
    if updated_since is not None and not filter_query.is_date(updated_since, with_time=True):
        raise ToolError(f"updated_since: {updated_since!r} is not a real date (or date and time)")
    if query is not None or assigned_to_me or status_code is not None or priority_code is not None:
        for name, given in (
            ("filter", filter),
            ("type", type),
            ("include", include),
            ("order_type", order_type),
        ):
            if given:
                raise ToolError(
                    f"{name} cannot be combined with query, status, priority or assigned_to_me "
                    "(Freshservice's ticket filter does not take it)"
                )
        checked = None if query is None else filter_query.checked(query)
        conditions = [
            f"agent_id:{up.caller_id}" if assigned_to_me else "",
            f"status:{status_code}" if status_code is not None else "",
            f"priority:{priority_code}" if priority_code is not None else "",
            f"requester_id:{requester_id}" if requester_id is not None else "",
            f"email:{filter_query.quote(email)}" if email is not None else "",
            f"updated_at:>{filter_query.quote(updated_since)}" if updated_since else "",
        ]
        expression = filter_query.conjunction(checked, conditions)
        if len(expression) > filter_query.MAX_LENGTH:
            raise ToolError(
                f"query: the combined query has {len(expression)} characters; "
                "Freshservice takes at most 512"
            )
        params: dict[str, Any] = {"query": f'"{expression}"', "page": page}
        if workspace_id is not None:
            params["workspace_id"] = workspace_id
        response = await up.get("/tickets/filter", params, what="the ticket filter")
        total = int(response.body.get("total") or 0)
        result = TicketPage(
            tickets=[TicketSummary.of(t) for t in items_of(response, "tickets")],
            page=page,
            per_page=FILTER_PAGE_SIZE,
            next_page=page + 1 if page * FILTER_PAGE_SIZE < total else None,
            total=total,
        )
        return fit_page(
            result, "tickets", up.max_result_bytes, "narrow the query to see fewer at a time."
        )
    params = {"page": page, "per_page": per_page}
    for name, value in (
        ("filter", filter),
        ("requester_id", requester_id),
        ("email", email),
        ("updated_since", updated_since),
        ("type", type),
        ("workspace_id", workspace_id),
        ("order_type", order_type),
        ("include", ",".join(include) if include else None),
    ):
        if value is not None:
            params[name] = value
    return await plain_list(
        up, "/tickets", params, what="the ticket list",
        model=TicketPage, items="tickets", summarize=TicketSummary.of,
    )  # fmt: skip


# -- fetchTicket --------------------------------------------------------------------------------

TicketId = Annotated[
    int, Field(ge=1, description="The ticket's id (the number people see, e.g. 1023).")
]


@tool("fetchTicket", toolset=TOOLSET, title="Show a ticket", kind="fetch")
async def fetch_ticket(
    up: Upstream,
    *,
    ticket_id: TicketId,
    include: Annotated[
        list[
            Literal[
                "conversations",
                "requester",
                "requested_for",
                "stats",
                "problem",
                "assets",
                "changes",
                "related_tickets",
            ]
        ]
        | None,
        Field(
            description=(
                "Extra details: conversations (the first 10), requester, stats, … "
                "(1 API credit each)."
            )
        ),
    ] = None,
) -> Ticket:
    """Show one ticket in full: fields with their names, the description as text, and whatever
    `include` asks for (conversations, the requester's contact details, stats). To find tickets
    use fetchTickets; to change this one use updateTicket; to add a note use createTicketNote."""
    params = {"include": ",".join(dict.fromkeys(include))} if include else None
    response = await up.get(f"/tickets/{ticket_id}", params, what=f"ticket {ticket_id}")
    result = Ticket.of(record_of(response, "ticket"))
    return fit_record(result, up.max_result_bytes, MORE_OF_A_TICKET)


# -- createTicket and updateTicket --------------------------------------------------------------

Subject = Annotated[str, Field(min_length=1, max_length=255, description="A one-line summary.")]
Description = Annotated[
    str, Field(min_length=1, max_length=65_535, description="The details; HTML is allowed.")
]
Emails = Annotated[
    list[Annotated[str, Field(max_length=255)]],
    Field(max_length=50, description="Email addresses to copy."),
]
Tags = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=32)]],
    Field(max_length=100, description="Tags (an update replaces the whole set)."),
]
CustomFields = Annotated[
    dict[str, str | int | float | bool | None],
    Field(description="Custom fields of the ticket form, by their field name."),
]
When = Annotated[
    str | None, Field(description="ISO 8601 date and time, e.g. 2026-12-01T17:00:00Z.")
]


AgentToAssign = Annotated[int | None, Field(ge=1, description="The agent to assign.")]
GroupToAssign = Annotated[int | None, Field(ge=1, description="The group to assign.")]
DepartmentIn = Annotated[int | None, Field(ge=1, description="The department.")]
CategoryIn = Annotated[str | None, Field(max_length=255, description="Category.")]
SubCategoryIn = Annotated[str | None, Field(max_length=255, description="Sub-category.")]
ItemCategoryIn = Annotated[str | None, Field(max_length=255, description="Item category.")]
NameIn = Annotated[
    str | None, Field(max_length=255, description="The requester's name, for a new requester.")
]


@tool("createTicket", toolset=TOOLSET, title="Create a ticket", kind="create")
async def create_ticket(
    up: Upstream,
    *,
    subject: Subject,
    description: Description,
    requester_id: Annotated[
        int | None, Field(ge=1, description="The requester's id; or give email or phone.")
    ] = None,
    email: Annotated[
        str | None,
        Field(
            max_length=255,
            description="The requester's email; an unknown one becomes a new requester.",
        ),
    ] = None,
    phone: Annotated[
        str | None,
        Field(max_length=255, description="The requester's phone; an unknown one needs name."),
    ] = None,
    name: NameIn = None,
    status: StatusIn = "open",
    priority: PriorityIn = "low",
    urgency: UrgencyIn | None = None,
    impact: ImpactIn | None = None,
    source: SourceIn | None = None,
    type: Annotated[
        Literal["Incident"] | None,
        Field(description="Only Incident can be created; service requests come from the catalog."),
    ] = None,
    responder_id: AgentToAssign = None,
    group_id: GroupToAssign = None,
    department_id: DepartmentIn = None,
    category: CategoryIn = None,
    sub_category: SubCategoryIn = None,
    item_category: ItemCategoryIn = None,
    due_by: When = None,
    fr_due_by: When = None,
    cc_emails: Emails | None = None,
    tags: Tags | None = None,
    custom_fields: CustomFields | None = None,
    workspace_id: Annotated[
        int | None, Field(ge=2, description="The workspace; leave out for the primary one.")
    ] = None,
) -> Ticket:
    """Create a ticket (an incident) for a requester given by requester_id, email or phone.
    Defaults: status open, priority low. Returns the new ticket with its id. To raise a service
    request for a catalog item use placeRequestServiceCatalogItem instead."""
    body = sent(
        subject=subject,
        description=description,
        requester_id=requester_id,
        email=email,
        phone=phone,
        name=name,
        status=code(status, STATUS),
        priority=code(priority, PRIORITY),
        urgency=code(urgency, LEVEL),
        impact=code(impact, LEVEL),
        source=code(source, SOURCE),
        type=type,
        responder_id=responder_id,
        group_id=group_id,
        department_id=department_id,
        category=category,
        sub_category=sub_category,
        item_category=item_category,
        due_by=due_by,
        fr_due_by=fr_due_by,
        cc_emails=cc_emails,
        tags=tags,
        custom_fields=custom_fields,
        workspace_id=workspace_id,
    )
    if requester_id is None and email is None and phone is None:
        raise ToolError("give the requester: requester_id, email or phone")
    response = await up.post("/tickets", body, what="the ticket")
    return fit_record(
        Ticket.of(record_of(response, "ticket")), up.max_result_bytes, MORE_OF_A_TICKET
    )


@tool("updateTicket", toolset=TOOLSET, title="Update a ticket", kind="update")
async def update_ticket(
    up: Upstream,
    *,
    ticket_id: TicketId,
    subject: Annotated[
        str | None, Field(min_length=1, max_length=255, description="A new summary.")
    ] = None,
    description: Annotated[
        str | None, Field(min_length=1, max_length=65_535, description="New details; HTML allowed.")
    ] = None,
    requester_id: Annotated[
        int | None, Field(ge=1, description="Move the ticket to this requester (by id).")
    ] = None,
    email: Annotated[
        str | None,
        Field(max_length=255, description="Move the ticket to the requester with this email."),
    ] = None,
    phone: Annotated[
        str | None,
        Field(max_length=255, description="Move the ticket to the requester with this phone."),
    ] = None,
    name: NameIn = None,
    status: StatusIn | None = None,
    priority: PriorityIn | None = None,
    urgency: UrgencyIn | None = None,
    impact: ImpactIn | None = None,
    source: SourceIn | None = None,
    type: Annotated[
        Literal["Incident", "Service Request"] | None, Field(description="The ticket type.")
    ] = None,
    responder_id: AgentToAssign = None,
    group_id: GroupToAssign = None,
    department_id: DepartmentIn = None,
    category: CategoryIn = None,
    sub_category: SubCategoryIn = None,
    item_category: ItemCategoryIn = None,
    due_by: When = None,
    fr_due_by: When = None,
    cc_emails: Emails | None = None,
    tags: Tags | None = None,
    custom_fields: CustomFields | None = None,
) -> Ticket:
    """Change fields of a ticket: status, priority, assignee, tags (replacing the set) and so
    on. Give ticket_id and at least one field. The workspace cannot change here. Returns the
    updated ticket. To add a note instead, use createTicketNote."""
    body = sent(  # ticket_id goes in the path
        subject=subject,
        description=description,
        requester_id=requester_id,
        email=email,
        phone=phone,
        name=name,
        status=code(status, STATUS),
        priority=code(priority, PRIORITY),
        urgency=code(urgency, LEVEL),
        impact=code(impact, LEVEL),
        source=code(source, SOURCE),
        type=type,
        responder_id=responder_id,
        group_id=group_id,
        department_id=department_id,
        category=category,
        sub_category=sub_category,
        item_category=item_category,
        due_by=due_by,
        fr_due_by=fr_due_by,
        cc_emails=cc_emails,
        tags=tags,
        custom_fields=custom_fields,
    )
    if not body:
        raise ToolError("give at least one field to change besides ticket_id")
    response = await up.put(f"/tickets/{ticket_id}", body, what=f"ticket {ticket_id}")
    return fit_record(
        Ticket.of(record_of(response, "ticket")), up.max_result_bytes, MORE_OF_A_TICKET
    )


# -- createTicketNote ---------------------------------------------------------------------------


@tool("createTicketNote", toolset=TOOLSET, title="Add a note to a ticket", kind="create")
async def create_ticket_note(
    up: Upstream,
    *,
    ticket_id: TicketId,
    body: Annotated[
        str, Field(min_length=1, max_length=65_535, description="The note; HTML is allowed.")
    ],
    private: Annotated[
        bool,
        Field(
            description=(
                "Private (agents only) when true, the default; false makes it visible to the "
                "requester."
            )
        ),
    ] = True,
    notify_emails: Annotated[
        list[Annotated[str, Field(max_length=255)]] | None,
        Field(max_length=50, description="Agents or users to notify by email."),
    ] = None,
    incoming: Annotated[
        bool | None, Field(description="True marks the note as coming from outside.")
    ] = None,
) -> Note:
    """Add a note to a ticket: private (internal) by default. Returns the note. Notes do not
    change the ticket's fields; use updateTicket for that."""
    payload: dict[str, Any] = {"body": body, "private": private}
    if notify_emails:
        payload["notify_emails"] = notify_emails
    if incoming is not None:
        payload["incoming"] = incoming
    response = await up.post(
        f"/tickets/{ticket_id}/notes", payload, what=f"the note on ticket {ticket_id}"
    )
    return Note.of({"ticket_id": ticket_id, **record_of(response, "conversation")})


TOOLS = (
    fetch_tickets,
    fetch_ticket,
    create_ticket,
    update_ticket,
    create_ticket_note,
)
