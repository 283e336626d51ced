"""Service catalog tools: fetchServiceCatalogItemSearch, fetchServiceCatalogItem,
fetchServiceCatalogItems, placeRequestServiceCatalogItem."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from server import toolsets
from server.tools.common import (
    EMAIL_PATTERN,
    NOT_BLANK,
    PRIORITY,
    STATUS,
    Derived,
    Flag,
    From,
    NameOf,
    Page,
    PageInfo,
    PerPage,
    Record,
    Result,
    Text,
    TextOf,
    Upstream,
    WorkspaceId,
    items_of,
    plain_list,
    record_of,
    search_next_page,
    text_of,
    tool,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = toolsets.SERVICE_CATALOG
PREVIEW = 200
VISIBILITY = {1: "Draft", 2: "Published"}

ItemDisplayId = Annotated[
    int, Field(ge=1, description="The catalog item's display_id (as in the catalog's URLs).")
]
EmailAddress = Annotated[str, Field(max_length=255, pattern=EMAIL_PATTERN)]

# -- Results ------------------------------------------------------------------------------------

VisibilityName = Annotated[str | None, NameOf("visibility", VISIBILITY)]


class ItemSummary(Record):
    """A catalog item in a list; fetchServiceCatalogItem has its description and form."""

    display_id: int
    name: Text
    # Cut on every read of a record, own text or not (TextOf would keep a record's own text).
    short_description: Annotated[
        str | None, Derived(lambda raw: text_of(raw.get("short_description"), PREVIEW))
    ] = None
    category_id: int | None
    delivery_time: int | None = Field(description="Hours to deliver, if set.")
    visibility: int | None
    visibility_name: VisibilityName
    workspace_id: int | None


class ItemPage(PageInfo):
    service_items: list[ItemSummary]


class SearchPage(ItemPage):
    total: int | None = Field(None, description="How many items match the search term.")


def _choice_values(choices: Any) -> list[str] | None:
    """A dropdown's values: Freshservice sends each choice as a pair ending in its value."""
    if not choices:
        return None
    return [str(c[-1] if isinstance(c, list) and c else c) for c in choices]


class FormField(Record):
    """A field of the item's request form: give it in placeRequestServiceCatalogItem's
    custom_fields under `name`."""

    name: Text
    label: str | None
    field_type: str | None
    required: Flag
    choices: Annotated[list[str] | None, BeforeValidator(_choice_values)] = Field(
        None, description="The allowed values of a dropdown."
    )


def _live_fields(fields: Any) -> list[Any]:
    """The form's fields, those deleted (and anything that is not a field) left out."""
    return [f for f in fields or [] if isinstance(f, dict) and not f.get("deleted")]


class CatalogItem(Result):
    display_id: int
    id: int | None
    name: Text
    short_description: str | None
    description_text: Annotated[str | None, TextOf("description")]
    category_id: int | None
    delivery_time: int | None
    cost: float | str | None
    allow_quantity: bool | None
    visibility: int | None
    visibility_name: VisibilityName
    workspace_id: int | None
    form_fields: Annotated[
        list[FormField], From("custom_fields"), BeforeValidator(_live_fields)
    ] = Field(description="What placeRequestServiceCatalogItem takes in custom_fields.")
    child_items: Annotated[list[Any], BeforeValidator(lambda items: list(items or []))]
    created_at: str | None
    updated_at: str | None


class ServiceRequest(Result):
    """The service request ticket a placed request created."""

    id: int = Field(description="The new ticket's id (use it with fetchTicket).")
    subject: str | None
    type: str | None
    status: int | None
    status_name: Annotated[str | None, NameOf("status", STATUS)]
    priority: int | None
    priority_name: Annotated[str | None, NameOf("priority", PRIORITY)]
    requester_id: int | None
    approval_status_name: str | None
    workspace_id: int | None
    due_by: str | None
    created_at: str | None


# -- Tools --------------------------------------------------------------------------------------


@tool(
    "fetchServiceCatalogItemSearch", toolset=TOOLSET, title="Search the service catalog",
    kind="fetch",
)  # fmt: skip
async def fetch_service_catalog_item_search(
    up: Upstream,
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
        service_items=[ItemSummary.of(i) for i in items_of(response, "service_items")],
        page=page,
        per_page=per_page,
        next_page=next_page,
        total=total,
    )
    return fit_page(result, "service_items", up.max_result_bytes, "ask for a smaller per_page.")


@tool("fetchServiceCatalogItem", toolset=TOOLSET, title="Show a catalog item", kind="fetch")
async def fetch_service_catalog_item(up: Upstream, *, display_id: ItemDisplayId) -> CatalogItem:
    """Show one service catalog item: its description, delivery time, cost, and the fields of
    its request form (form_fields: name, type, required, choices), which
    placeRequestServiceCatalogItem takes in custom_fields."""
    response = await up.get(
        f"/service_catalog/items/{display_id}", what=f"service catalog item {display_id}"
    )
    return fit_record(
        CatalogItem.of(record_of(response, "service_item")),
        up.max_result_bytes,
        "the full description is in Freshservice.",
    )


@tool("fetchServiceCatalogItems", toolset=TOOLSET, title="List catalog items", kind="fetch")
async def fetch_service_catalog_items(
    up: Upstream,
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
    params: dict[str, Any] = {"page": page, "per_page": per_page}
    if category_id is not None:
        params["category_id"] = category_id
    if workspace_id is not None:
        params["workspace_id"] = workspace_id
    return await plain_list(
        up, "/service_catalog/items", params, what="the service catalog",
        model=ItemPage, items="service_items", summarize=ItemSummary.of,
    )  # fmt: skip


@tool(
    "placeRequestServiceCatalogItem", toolset=TOOLSET, title="Request a catalog item",
    kind="create",
)  # fmt: skip
async def place_request_service_catalog_item(
    up: Upstream,
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
    result = ServiceRequest.of(record_of(response, "service_request"))
    return fit_record(result, up.max_result_bytes, "fetchTicket with its id shows the ticket.")


TOOLS = (
    fetch_service_catalog_item_search,
    fetch_service_catalog_item,
    fetch_service_catalog_items,
    place_request_service_catalog_item,
)
