"""Service catalog tools: fetchServiceCatalogItemSearch, fetchServiceCatalogItem,
fetchServiceCatalogItems, placeRequestServiceCatalogItem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from pydantic import BaseModel, ConfigDict, Field

from server.tools.common import (
    EMAIL_PATTERN,
    NOT_BLANK,
    PRIORITY,
    STATUS,
    Page,
    PageInfo,
    PerPage,
    Result,
    WorkspaceId,
    items_of,
    label,
    plain_list,
    record_of,
    search_next_page,
    text_of,
    tool,
    upstream,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = "service_catalog"
PREVIEW = 200
VISIBILITY = {1: "Draft", 2: "Published"}

ItemDisplayId = Annotated[
    int, Field(ge=1, description="The catalog item's display_id (as in the catalog's URLs).")
]
EmailAddress = Annotated[str, Field(max_length=255, pattern=EMAIL_PATTERN)]

# -- Results ------------------------------------------------------------------------------------


class ItemSummary(BaseModel):
    """A catalog item in a list; fetchServiceCatalogItem has its description and form."""

    model_config = ConfigDict(extra="forbid")

    display_id: int
    name: str
    short_description: str | None = None
    category_id: int | None
    delivery_time: int | None = Field(description="Hours to deliver, if set.")
    visibility: int | None
    visibility_name: str | None
    workspace_id: int | None


class ItemPage(PageInfo):
    service_items: list[ItemSummary]


class SearchPage(ItemPage):
    total: int | None = Field(None, description="How many items match the search term.")


class FormField(BaseModel):
    """A field of the item's request form: give it in placeRequestServiceCatalogItem's
    custom_fields under `name`."""

    model_config = ConfigDict(extra="forbid")

    name: str
    label: str | None
    field_type: str | None
    required: bool
    choices: list[str] | None = Field(None, description="The allowed values of a dropdown.")


class CatalogItem(Result):
    display_id: int
    id: int | None
    name: str
    short_description: str | None
    description_text: str | None
    category_id: int | None
    delivery_time: int | None
    cost: float | str | None
    allow_quantity: bool | None
    visibility: int | None
    visibility_name: str | None
    workspace_id: int | None
    form_fields: list[FormField] = Field(
        description="What placeRequestServiceCatalogItem takes in custom_fields."
    )
    child_items: list[Any]
    created_at: str | None
    updated_at: str | None


class ServiceRequest(Result):
    """The service request ticket a placed request created."""

    id: int = Field(description="The new ticket's id (use it with fetchTicket).")
    subject: str | None
    type: str | None
    status: int | None
    status_name: str | None
    priority: int | None
    priority_name: str | None
    requester_id: int | None
    approval_status_name: str | None
    workspace_id: int | None
    due_by: str | None
    created_at: str | None


def item_summary(raw: Mapping[str, Any]) -> ItemSummary:
    return ItemSummary(
        display_id=raw["display_id"],
        name=raw.get("name") or "",
        short_description=text_of(raw.get("short_description"), PREVIEW),
        category_id=raw.get("category_id"),
        delivery_time=raw.get("delivery_time"),
        visibility=raw.get("visibility"),
        visibility_name=label(raw.get("visibility"), VISIBILITY),
        workspace_id=raw.get("workspace_id"),
    )


def _form_field(raw: Mapping[str, Any]) -> FormField:
    choices = raw.get("choices")
    return FormField(
        name=raw.get("name") or "",
        label=raw.get("label"),
        field_type=raw.get("field_type"),
        required=bool(raw.get("required")),
        choices=None
        if not choices
        else [str(c[-1] if isinstance(c, list) and c else c) for c in choices],
    )


def catalog_item(raw: Mapping[str, Any]) -> CatalogItem:
    return CatalogItem(
        display_id=raw["display_id"],
        id=raw.get("id"),
        name=raw.get("name") or "",
        short_description=raw.get("short_description"),
        description_text=text_of(raw.get("description")),
        category_id=raw.get("category_id"),
        delivery_time=raw.get("delivery_time"),
        cost=raw.get("cost"),
        allow_quantity=raw.get("allow_quantity"),
        visibility=raw.get("visibility"),
        visibility_name=label(raw.get("visibility"), VISIBILITY),
        workspace_id=raw.get("workspace_id"),
        form_fields=[
            _form_field(f)
            for f in raw.get("custom_fields") or []
            if isinstance(f, dict) and not f.get("deleted")
        ],
        child_items=list(raw.get("child_items") or []),
        created_at=raw.get("created_at"),
        updated_at=raw.get("updated_at"),
    )


# -- Tools --------------------------------------------------------------------------------------


@tool(
    "fetchServiceCatalogItemSearch", toolset=TOOLSET, title="Search the service catalog",
    kind="fetch",
)  # fmt: skip
async def fetch_service_catalog_item_search(
    ctx: Context,
    *,
    search_term: Annotated[
        str,
        Field(
            min_length=1,
            max_length=255,
            pattern=NOT_BLANK,
            description="Words to look for in item names and descriptions, e.g. 'zoom'.",
        ),
    ],
    workspace_id: WorkspaceId = None,
    user_email: Annotated[
        EmailAddress | None,
        Field(
            description=(
                "Search as this user sees the catalog (needs the Manage Agents privilege); "
                "leave out to search as yourself."
            )
        ),
    ] = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> SearchPage:
    """Find published service catalog items by words in their name or description, best
    matches first. Then use fetchServiceCatalogItem for an item's request form, and
    placeRequestServiceCatalogItem to request it for someone."""
    up = upstream(ctx)
    params: dict[str, Any] = {"search_term": search_term, "page": page, "per_page": per_page}
    if workspace_id is not None:
        params["workspace_id"] = workspace_id
    if user_email is not None:
        params["user_email"] = user_email
    response = await up.get(
        "/service_catalog/items/search", params, what="the service catalog search"
    )
    total, next_page = search_next_page(response, page)
    result = SearchPage(
        service_items=[item_summary(i) for i in items_of(response, "service_items")],
        page=page,
        per_page=per_page,
        next_page=next_page,
        total=total,
    )
    return fit_page(result, "service_items", up.max_result_bytes, "ask for a smaller per_page.")


@tool("fetchServiceCatalogItem", toolset=TOOLSET, title="Show a catalog item", kind="fetch")
async def fetch_service_catalog_item(ctx: Context, *, display_id: ItemDisplayId) -> CatalogItem:
    """Show one service catalog item: its description, delivery time, cost, and the fields of
    its request form (form_fields: name, type, required, choices), which
    placeRequestServiceCatalogItem takes in custom_fields."""
    up = upstream(ctx)
    response = await up.get(
        f"/service_catalog/items/{display_id}", what=f"service catalog item {display_id}"
    )
    return fit_record(
        catalog_item(record_of(response, "service_item")),
        up.max_result_bytes,
        "the full description is in Freshservice.",
    )


@tool("fetchServiceCatalogItems", toolset=TOOLSET, title="List catalog items", kind="fetch")
async def fetch_service_catalog_items(
    ctx: Context,
    *,
    category_id: Annotated[
        int | None,
        Field(ge=1, description="Only the items of this catalog category (any workspace)."),
    ] = None,
    workspace_id: WorkspaceId = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> ItemPage:
    """List service catalog items a page at a time (next_page says whether there is more),
    optionally of one category. To find items by words use fetchServiceCatalogItemSearch; for
    an item's request form use fetchServiceCatalogItem."""
    up = upstream(ctx)
    params: dict[str, Any] = {"page": page, "per_page": per_page}
    if category_id is not None:
        params["category_id"] = category_id
    if workspace_id is not None:
        params["workspace_id"] = workspace_id
    return await plain_list(
        up, "/service_catalog/items", params, what="the service catalog",
        model=ItemPage, items="service_items", summarize=item_summary,
    )  # fmt: skip


@tool(
    "placeRequestServiceCatalogItem", toolset=TOOLSET, title="Request a catalog item",
    kind="create",
)  # fmt: skip
async def place_request_service_catalog_item(
    ctx: Context,
    *,
    display_id: ItemDisplayId,
    email: Annotated[
        EmailAddress | None,
        Field(
            description=(
                "The requester's email: the request is raised for them. Leave out to raise it "
                "for yourself. An unknown email becomes a new requester."
            )
        ),
    ] = None,
    requested_for: Annotated[
        EmailAddress | None,
        Field(description="Email of the person the item is for, if not the requester."),
    ] = None,
    quantity: Annotated[
        int | None,
        Field(ge=1, le=1000, description="How many (only for items that allow a quantity)."),
    ] = None,
    custom_fields: Annotated[
        dict[str, str | int | float | bool | None] | None,
        Field(
            description=(
                "Answers to the item's request form, by field name (fetchServiceCatalogItem "
                "lists them as form_fields)."
            )
        ),
    ] = None,
) -> ServiceRequest:
    """Request a service catalog item: creates a service request ticket for the requester
    given by email (default: yourself). Required form fields go in custom_fields; see
    fetchServiceCatalogItem. Returns the new ticket's id; fetchTicket shows it."""
    up = upstream(ctx)
    body: dict[str, Any] = {
        name: value
        for name, value in (
            ("email", email),
            ("requested_for", requested_for),
            ("quantity", quantity),
            ("custom_fields", custom_fields),
        )
        if value is not None
    }
    response = await up.post(
        f"/service_catalog/items/{display_id}/place_request",
        body,
        what=f"the request for service catalog item {display_id}",
    )
    raw = record_of(response, "service_request")
    result = ServiceRequest(
        id=raw["id"],
        subject=raw.get("subject"),
        type=raw.get("type"),
        status=raw.get("status"),
        status_name=label(raw.get("status"), STATUS),
        priority=raw.get("priority"),
        priority_name=label(raw.get("priority"), PRIORITY),
        requester_id=raw.get("requester_id"),
        approval_status_name=raw.get("approval_status_name"),
        workspace_id=raw.get("workspace_id"),
        due_by=raw.get("due_by"),
        created_at=raw.get("created_at"),
    )
    return fit_record(result, up.max_result_bytes, "fetchTicket with its id shows the ticket.")
