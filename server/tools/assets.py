"""Asset tools: fetchAssets, fetchAsset, createAsset, updateAsset.

Freshservice addresses assets by `display_id` (the number people see), not by `id`. An asset's
type-specific fields sit under `type_fields`, named `<field>_<asset_type_id>` after the type that
defines them (a laptop has `product_<Hardware's id>` and `hostname_<Computer's id>`). Creates and
type_fields updates are checked against `GET /asset_types/{id}/fields` first, so a missing required
type field, an unknown one or a value outside a dropdown's choices is refused, naming the valid
names and choices, before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BeforeValidator, Field

from server import freshservice as fs
from server import toolsets
from server.tools import filter_query
from server.tools.common import (
    FILTER_PAGE_CAP,
    FILTER_PAGE_SIZE,
    NOT_BLANK,
    Page,
    PageInfo,
    Record,
    Result,
    Text,
    TextOf,
    Upstream,
    WorkspaceId,
    items_of,
    record_of,
    record_or_none,
    sent,
    tool,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = toolsets.ASSETS
PREVIEW = 200
# Asset search and filter answers come FILTER_PAGE_SIZE a page, with the total in a header
# the docs do not name; public clients read X-Search-Results-Count (docs/freshservice.md §6).
TOTAL_HEADER = "X-Search-Results-Count"
MORE_OF_AN_ASSET = "the full record is in Freshservice; ask without include_type_fields for less."

# The documented fields of `filter=` ("Filter Assets").
FILTER_FIELDS: Mapping[str, filter_query.Kind] = {
    "workspace_id": "number",
    "asset_type_id": "number",
    "department_id": "number",
    "location_id": "number",
    "user_id": "number",
    "agent_id": "number",
    "asset_state": "string",
    "name": "string",
    "asset_tag": "string",
    "serial_number": "string",
    "mac_addresses": "string",
    "ip_addresses": "string",
    "uuid": "string",
    "item_id": "string",
    "imei_number": "string",
    "device42_id": "string",
    "created_at": "datetime",
    "updated_at": "datetime",
}
# The documented fields of `search=` ("Search Assets"): each matches part of the text.
SEARCH_FIELDS = (
    "name",
    "asset_tag",
    "serial_number",
    "mac_addresses",
    "ip_addresses",
    "uuid",
    "item_id",
    "imei_number",
)
# Fields of the asset itself (arguments of createAsset), never type fields.
ASSET_FIELDS = frozenset(
    {
        "name",
        "asset_type_id",
        "description",
        "asset_tag",
        "impact",
        "usage_type",
        "user_id",
        "location_id",
        "department_id",
        "agent_id",
        "group_id",
        "assigned_on",
        "workspace_id",
    }
)
IMPACTS = {1: "low", 2: "medium", 3: "high"}
# The moments Freshservice takes (ISO 8601): a date, or a date and time with an optional zone.
# -- Results ------------------------------------------------------------------------------------

# The type fields as they came, or null when Freshservice sent something else there.
TypeFields = Annotated[dict[str, Any] | None, BeforeValidator(record_or_none)]


def _texts_or_none(value: Any) -> Any:
    """A list's items as text; null for anything but a list."""
    return [str(item) for item in value] if isinstance(value, list) else None


class AssetSummary(Record):
    """An asset in a list: what tells assets apart; fetchAsset has the rest."""

    display_id: int = Field(description="The asset's number; every asset tool takes this.")
    name: Text
    asset_tag: str | None
    asset_type_id: int | None
    impact: str | None
    usage_type: str | None
    user_id: int | None = Field(description="Used by (a user id).")
    agent_id: int | None = Field(description="Managed by (an agent id).")
    group_id: int | None = Field(description="Managed by group.")
    department_id: int | None
    location_id: int | None
    workspace_id: int | None
    assigned_on: str | None
    created_at: str | None
    updated_at: str | None
    description_preview: Annotated[str | None, TextOf("description", limit=PREVIEW)] = Field(
        description="The description as text, cut to 200 characters."
    )
    type_fields: TypeFields = Field(
        None, description="The type's fields (only with include_type_fields)."
    )


class AssetPage(PageInfo):
    assets: list[AssetSummary]
    total: int | None = Field(
        None, description="How many assets match a search or query (null without one)."
    )


class Asset(Result):
    """A whole asset, with its type fields when asked for (and always after a write)."""

    display_id: int = Field(description="The asset's number; every asset tool takes this.")
    id: int = Field(description="Freshservice's internal id (the tools use display_id).")
    name: Text
    description: str | None
    asset_type_id: int | None
    asset_tag: str | None
    impact: str | None
    usage_type: str | None
    author_type: str | None
    user_id: int | None = Field(description="Used by (a user id).")
    agent_id: int | None = Field(description="Managed by (an agent id).")
    group_id: int | None = Field(description="Managed by group.")
    department_id: int | None
    location_id: int | None
    workspace_id: int | None
    assigned_on: str | None
    created_at: str | None
    updated_at: str | None
    created_by_source: str | None = None
    last_updated_by_source: str | None = None
    created_by_user: int | None = None
    last_updated_by_user: int | None = None
    sources: Annotated[list[str] | None, BeforeValidator(_texts_or_none)] = None
    type_fields: TypeFields = Field(
        None,
        description="Type fields, named <field>_<asset_type_id> (with include_type_fields).",
    )


# -- fetchAssets --------------------------------------------------------------------------------

_SEARCH_CONDITION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*?)\s*", re.S)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'", re.S)


def search_expression(search: str) -> str:
    """Freshservice's search condition `field:'text'` for the tool's `search` argument: plain
    text looks in names; `field:text` or `field:'text'` in one of the search fields. A colon
    after anything but a search field is part of the text (aa:bb:cc, http://x), except in
    `word:'text'`, which can only be a condition on a field that cannot be searched."""
    match = _SEARCH_CONDITION.fullmatch(search)
    if match is None or match[1] not in SEARCH_FIELDS:
        if match is not None and _QUOTED.fullmatch(match[2]):
            raise ToolError(
                f"search: {match[1]!r} is not a search field; use plain text (it looks in "
                f"names) or field:'text' with one of {', '.join(SEARCH_FIELDS)}"
            )
        text = search.strip()
        if not text:
            raise ToolError("search: give some text to look for")
        return f"name:{filter_query.quote(text)}"
    field, value = match[1], match[2]
    if value.startswith("'"):
        if not _QUOTED.fullmatch(value):
            raise ToolError(
                f"search: give one condition, like {field}:'text' (escape an apostrophe as \\'); "
                "to combine conditions with AND / OR use query"
            )
        if len(value) <= 2:
            raise ToolError("search: give some text to look for")
        return f"{field}:{value}"
    if not value:
        raise ToolError(f"search: give some text to look for after {field}:")
    return f"{field}:{filter_query.quote(value)}"


@tool("fetchAssets", toolset=TOOLSET, title="List assets", kind="fetch")
async def fetch_assets(
    up: Upstream,
    *,
    search: Annotated[
        str | None,
        Field(
            max_length=500,
            description=(
                "Find assets by part of a text: plain text looks in names (e.g. dell or "
                "aa:bb:cc); field:'text' looks in one of name, asset_tag, serial_number, "
                "mac_addresses, ip_addresses, uuid, item_id, imei_number (e.g. "
                "serial_number:'5CD1' or asset_tag:'ASSET-12'). Returns 30 a page, newest "
                "first."
            ),
        ),
    ] = None,
    query: Annotated[
        str | None,
        Field(
            max_length=512,
            description=(
                "A Freshservice asset filter: conditions field:value joined with AND / OR, "
                "with parentheses; ':>' means at least and ':<' at most (numbers and dates). "
                "E.g. \"asset_state:'In Use' AND asset_type_id:30000000003\" or "
                "\"user_id:null AND created_at:>'2026-01-01'\". Fields: workspace_id, "
                "asset_type_id, department_id, location_id, user_id, agent_id (numbers bare, "
                "null for not set), asset_state, name, asset_tag, serial_number, mac_addresses, "
                "ip_addresses, uuid, item_id, imei_number, device42_id (text in single quotes, "
                "whole value), created_at, updated_at ('yyyy-mm-dd' or "
                "'yyyy-mm-ddThh:mm:ssZ'). The tool adds the double quotes. Returns 30 a page, "
                "newest first."
            ),
        ),
    ] = None,
    order_by: Annotated[
        Literal["created_at", "updated_at", "id"] | None,
        Field(description="Sort key of a plain list (default created_at); not with search/query."),
    ] = None,
    order_type: Annotated[
        Literal["asc", "desc"] | None,
        Field(description="asc or desc (default); not with search or query."),
    ] = None,
    include_type_fields: Annotated[
        bool,
        Field(description="Add each asset's type fields (serial number, state, …; 2 API credits)."),
    ] = False,
    workspace_id: WorkspaceId = None,
    page: Page = 1,
    per_page: Annotated[
        int,
        Field(
            ge=1,
            le=100,
            description=(
                "Assets per page, 1 to 100 (default 10). Ignored with search or query: "
                "Freshservice returns 30 a page then."
            ),
        ),
    ] = 10,
) -> AssetPage:
    """List assets (hardware, software, …) a page at a time, newest first; next_page says
    whether there is more.

    Without search or query: every asset of the workspace, sortable with order_by/order_type.
    With search (part of a name, tag or serial number) or query (a filter such as
    asset_state:'In Use'): 30 a page (per_page is ignored), at most 40 pages, with the total;
    such results cannot be sorted. Each asset is identified by its display_id: use
    fetchAsset(display_id) for all its details and type fields, updateAsset to change it,
    createAsset to add one.
    """
    if search is not None and query is not None:
        raise ToolError("give search or query, not both (a search condition can go in the query)")
    searching = search is not None or query is not None
    if searching:
        for name, given in (("order_by", order_by), ("order_type", order_type)):
            if given is not None:
                raise ToolError(
                    f"{name} cannot be combined with search or query: Freshservice returns "
                    "their results newest first and cannot sort them"
                )
        if page > FILTER_PAGE_CAP:
            raise ToolError(
                f"page: Freshservice returns at most {FILTER_PAGE_CAP} pages of a filter query "
                "or search; narrow it instead"
            )
    params: dict[str, Any] = {"page": page}
    if search is not None:
        params["search"] = f'"{search_expression(search)}"'
    elif query is not None:
        try:
            params["filter"] = f'"{filter_query.check(query, FILTER_FIELDS)}"'
        except filter_query.QueryError as exc:
            raise ToolError(f"query: {exc}") from exc
    else:
        params["per_page"] = per_page
        if order_by is not None:
            params["order_by"] = order_by
        if order_type is not None:
            params["order_type"] = order_type
    if include_type_fields:
        params["include"] = "type_fields"
    if workspace_id is not None:
        params["workspace_id"] = workspace_id
    response = await up.get("/assets", params, what="the asset list")
    items = [AssetSummary.of(a) for a in items_of(response, "assets")]
    if not searching:
        result = AssetPage(assets=items, page=page, per_page=per_page, next_page=response.next_page)
        return fit_page(result, "assets", up.max_result_bytes, "ask for a smaller per_page.")
    total = _total(response)
    more = page * FILTER_PAGE_SIZE < total if total is not None else len(items) >= FILTER_PAGE_SIZE
    result = AssetPage(
        assets=items,
        page=page,
        per_page=FILTER_PAGE_SIZE,
        next_page=page + 1 if more and page < FILTER_PAGE_CAP else None,
        total=total,
    )
    return fit_page(
        result,
        "assets",
        up.max_result_bytes,
        "narrow the search or query, or leave out include_type_fields.",
    )


def _total(response: fs.ApiResponse) -> int | None:
    found = response.headers.get(TOTAL_HEADER, "").strip()
    return int(found) if found.isdigit() else None


# -- fetchAsset ---------------------------------------------------------------------------------

DisplayId = Annotated[
    int,
    Field(ge=1, description="The asset's display_id (the number shown in lists, e.g. 64)."),
]
IncludeTypeFields = Annotated[
    bool,
    Field(description="Add the asset's type fields (serial number, state, cost, …; 1 API credit)."),
]


@tool("fetchAsset", toolset=TOOLSET, title="Show an asset", kind="fetch")
async def fetch_asset(
    up: Upstream, *, display_id: DisplayId, include_type_fields: IncludeTypeFields = False
) -> Asset:
    """Show one asset in full, by its display_id: type, tag, impact, who uses and manages it,
    where it is, and with include_type_fields its type's fields (product, state, serial
    number, …, named <field>_<asset_type_id>). To find assets use fetchAssets; to change this
    one use updateAsset."""
    params = {"include": "type_fields"} if include_type_fields else None
    response = await up.get(f"/assets/{display_id}", params, what=f"asset {display_id}")
    return fit_record(Asset.of(record_of(response, "asset")), up.max_result_bytes, MORE_OF_AN_ASSET)


# -- Checking type fields against the asset type's field list -----------------------------------


async def type_fields_of(up: Upstream, asset_type_id: int) -> dict[str, dict[str, Any]]:
    """The type-specific fields of an asset type (and its parents), by name."""
    try:
        response = await up.get(
            f"/asset_types/{asset_type_id}/fields", what=f"asset type {asset_type_id}"
        )
    except ToolError as exc:
        if isinstance(exc.__cause__, fs.NotFound):
            raise ToolError(
                f"asset_type_id: there is no asset type {asset_type_id} (404). Take the "
                "asset_type_id of an existing asset of that kind from fetchAssets."
            ) from exc
        raise
    found: dict[str, dict[str, Any]] = {}
    for group in response.body.get("asset_type_fields") or []:
        entries = group.get("fields") if isinstance(group, dict) else None
        for entry in entries or []:
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name not in ASSET_FIELDS:
                found[name] = entry
    return found


def _choices(entry: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A dropdown's choices as (label, value) pairs ([label, id] in Freshservice's answer)."""
    out: list[tuple[str, Any]] = []
    for choice in entry.get("choices") or []:
        if isinstance(choice, list | tuple) and len(choice) >= 2:
            out.append((str(choice[0]), choice[1]))
        elif isinstance(choice, str | int):
            out.append((str(choice), choice))
    return out


def _describe(name: str, entry: Mapping[str, Any]) -> str:
    """`name (Label, what it takes)`, with a dropdown's choices."""
    label = entry.get("label") or name
    choices = _choices(entry)
    if choices:
        if entry.get("data_type") == "string":
            options = ", ".join(repr(text) for text, _ in choices[:25])
        else:
            options = ", ".join(f"{value} = {text}" for text, value in choices[:25])
        more = f", … ({len(choices)} in all)" if len(choices) > 25 else ""
        return f"{name} ({label}; one of {options}{more})"
    takes = {
        "integer": "a whole number",
        "float": "a number",
        "date": "a date like 2026-01-31",
    }.get(str(entry.get("data_type")), "text")
    return f"{name} ({label}; {takes})"


def _value_problem(name: str, entry: Mapping[str, Any], value: Any) -> str | None:
    if value is None:
        return None
    data_type = entry.get("data_type")
    choices = _choices(entry)
    if choices:
        allowed = (
            [text for text, _ in choices] if data_type == "string" else [v for _, v in choices]
        )
        if value not in allowed or isinstance(value, bool):
            return f"{value!r} is not a choice of {_describe(name, entry)}"
        return None
    if data_type == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return f"{_describe(name, entry)} takes a whole number, not {value!r}"
    if data_type == "float" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"{_describe(name, entry)} takes a number, not {value!r}"
    if data_type in ("string", "text", "date") and not isinstance(value, str):
        return f"{_describe(name, entry)} takes text, not {value!r}"
    if data_type == "date" and not filter_query.is_moment(value):
        return f"{_describe(name, entry)} takes a date like 2026-01-31, not {value!r}"
    return None


_SUFFIXED = re.compile(r"(.+)_([0-9]+)")


def check_type_fields(
    given: Mapping[str, Any],
    known: Mapping[str, Mapping[str, Any]],
    *,
    held: Mapping[str, Any] | None,
) -> None:
    """Refuse type fields the type does not have, values outside their choices or of the wrong
    kind, and (unless `held` is None) required fields neither given nor already held."""
    problems: list[str] = []
    bases = {m[1]: name for name in known if (m := _SUFFIXED.fullmatch(name))}
    for name, value in given.items():
        if name in known:
            if value is None and known[name].get("required"):
                problems.append(f"{_describe(name, known[name])} is required")
            elif (problem := _value_problem(name, known[name], value)) is not None:
                problems.append(problem)
        elif name in ASSET_FIELDS:
            problems.append(f"{name} is an argument of its own, not a type field")
        elif _SUFFIXED.fullmatch(name) or name in bases:
            suggestion = bases.get((m[1] if (m := _SUFFIXED.fullmatch(name)) else name), "")
            hint = f" (did you mean {suggestion}?)" if suggestion else ""
            valid = ", ".join(known) or "none"
            problems.append(
                f"{name} is not a field of this asset type{hint}; its type fields are: {valid}"
            )
        # Other names (Freshservice has a few unsuffixed ones) are left to Freshservice.
    if held is not None:
        for name, entry in known.items():
            if entry.get("required") and name not in given and held.get(name) is None:
                problems.append(f"{_describe(name, entry)} is required")
    if problems:
        raise ToolError("type_fields: " + "; ".join(problems))


# -- createAsset and updateAsset ----------------------------------------------------------------

AssetImpactIn = Annotated[
    Literal["low", "medium", "high"] | Literal[1, 2, 3],
    Field(description="Impact: low, medium or high (1, 2, 3 are accepted too)."),
]
UsageTypeIn = Annotated[Literal["permanent", "loaner"], Field(description="permanent or loaner.")]
TypeFieldsIn = Annotated[
    dict[str, str | int | float | bool | None],
    Field(
        description=(
            'Type-specific fields named <field>_<asset_type_id>, e.g. {"asset_state_'
            '30000000001": "In Use", "serial_number_30000000001": "SN123"}; the names '
            "come from fetchAsset with include_type_fields on an asset of the same type. A "
            "wrong name, a value outside a dropdown's choices or a missing required field is "
            "refused listing the valid names and choices."
        )
    ),
]
UserIdIn = Annotated[int | None, Field(ge=1, description="Used by: the user's id.")]
AgentIdIn = Annotated[int | None, Field(ge=1, description="Managed by: the agent's id.")]
GroupIdIn = Annotated[int | None, Field(ge=1, description="Managed by group: the group's id.")]
LocationIdIn = Annotated[int | None, Field(ge=1, description="The location's id.")]
DepartmentIdIn = Annotated[int | None, Field(ge=1, description="The department's id.")]
AssignedOnIn = Annotated[
    str | None,
    Field(
        max_length=64,
        description=(
            "When it was assigned: ISO 8601, e.g. 2026-12-01T09:00:00Z (or 2026-12-01); "
            "checked before anything is sent."
        ),
    ),
]
AssetTagIn = Annotated[
    str | None,
    Field(
        max_length=255, description="The asset tag; Freshservice makes one (ASSET-<n>) if left out."
    ),
]
NewAssetTagIn = Annotated[
    str | None,
    Field(max_length=255, description="A new asset tag (e.g. ASSET-1042)."),
]
DescriptionIn = Annotated[
    str | None, Field(max_length=65_535, description="A description (plain text).")
]


def _word_of(impact: str | int | None) -> str | None:
    """An asset's impact as Freshservice's word (it takes low, medium or high, not 1, 2, 3)."""
    return IMPACTS[impact] if isinstance(impact, int) else impact


def _check_assigned_on(assigned_on: str | None) -> None:
    if assigned_on is not None and not filter_query.is_moment(assigned_on):
        raise ToolError(
            f"assigned_on: takes a date and time in ISO 8601, e.g. 2026-12-01T09:00:00Z or "
            f"2026-12-01, not {assigned_on!r}"
        )


@tool("createAsset", toolset=TOOLSET, title="Create an asset", kind="create")
async def create_asset(
    up: Upstream,
    *,
    name: Annotated[
        str,
        Field(min_length=1, max_length=255, pattern=NOT_BLANK, description="The display name."),
    ],
    asset_type_id: Annotated[
        int,
        Field(
            ge=1,
            description=(
                "The asset type's id (e.g. a laptop's); take it from an asset of that kind in "
                "fetchAssets."
            ),
        ),
    ],
    description: DescriptionIn = None,
    asset_tag: AssetTagIn = None,
    impact: AssetImpactIn | None = None,
    usage_type: UsageTypeIn | None = None,
    user_id: UserIdIn = None,
    location_id: LocationIdIn = None,
    department_id: DepartmentIdIn = None,
    agent_id: AgentIdIn = None,
    group_id: GroupIdIn = None,
    assigned_on: AssignedOnIn = None,
    workspace_id: Annotated[
        int | None, Field(ge=2, description="The workspace; leave out for the primary one.")
    ] = None,
    type_fields: TypeFieldsIn | None = None,
) -> Asset:
    """Create an asset of a type (asset_type_id), with its type fields. Defaults: impact low,
    usage_type permanent. The type's required fields (for hardware: product and asset state)
    must be in type_fields; the tool checks them against the type's field list first and says
    which names and choices are valid. Returns the new asset with its display_id; use
    updateAsset to change it later."""
    body = sent(
        name=name,
        asset_type_id=asset_type_id,
        description=description,
        asset_tag=asset_tag,
        impact=_word_of(impact),
        usage_type=usage_type,
        user_id=user_id,
        location_id=location_id,
        department_id=department_id,
        agent_id=agent_id,
        group_id=group_id,
        assigned_on=assigned_on,
        workspace_id=workspace_id,
        type_fields=type_fields or None,  # an empty one changes nothing: left out
    )
    _check_assigned_on(assigned_on)
    known = await type_fields_of(up, asset_type_id)
    check_type_fields(type_fields or {}, known, held={})
    response = await up.post("/assets", body, what="the asset")
    return fit_record(Asset.of(record_of(response, "asset")), up.max_result_bytes, MORE_OF_AN_ASSET)


@tool("updateAsset", toolset=TOOLSET, title="Update an asset", kind="update")
async def update_asset(
    up: Upstream,
    *,
    display_id: DisplayId,
    name: Annotated[
        str | None,
        Field(min_length=1, max_length=255, pattern=NOT_BLANK, description="A new display name."),
    ] = None,
    asset_type_id: Annotated[
        int | None,
        Field(ge=1, description="A new asset type; its required type fields must then be set."),
    ] = None,
    description: DescriptionIn = None,
    asset_tag: NewAssetTagIn = None,
    impact: AssetImpactIn | None = None,
    usage_type: UsageTypeIn | None = None,
    user_id: UserIdIn = None,
    location_id: LocationIdIn = None,
    department_id: DepartmentIdIn = None,
    agent_id: AgentIdIn = None,
    group_id: GroupIdIn = None,
    assigned_on: AssignedOnIn = None,
    type_fields: TypeFieldsIn | None = None,
) -> Asset:
    """Change fields of an asset, by its display_id: give at least one field. type_fields
    changes only the type fields named (checked against the type's field list first). The
    workspace cannot change here. Returns the updated asset with its type fields. To look an
    asset up use fetchAsset or fetchAssets."""
    body = sent(  # display_id goes in the path
        name=name,
        asset_type_id=asset_type_id,
        description=description,
        asset_tag=asset_tag,
        impact=_word_of(impact),
        usage_type=usage_type,
        user_id=user_id,
        location_id=location_id,
        department_id=department_id,
        agent_id=agent_id,
        group_id=group_id,
        assigned_on=assigned_on,
        type_fields=type_fields or None,  # an empty one changes nothing: left out
    )
    if not body:
        raise ToolError(
            "give at least one field to change besides display_id (an empty type_fields "
            "changes nothing)"
        )
    _check_assigned_on(assigned_on)
    if type_fields or asset_type_id is not None:
        response = await up.get(
            f"/assets/{display_id}", {"include": "type_fields"}, what=f"asset {display_id}"
        )
        current = record_of(response, "asset")
        new_type = asset_type_id or current.get("asset_type_id")
        if isinstance(new_type, int):
            known = await type_fields_of(up, new_type)
            changed = new_type != current.get("asset_type_id")
            held = (
                current.get("type_fields") if isinstance(current.get("type_fields"), dict) else {}
            )
            check_type_fields(type_fields or {}, known, held=held if changed else None)
    response = await up.put(f"/assets/{display_id}", body, what=f"asset {display_id}")
    return fit_record(Asset.of(record_of(response, "asset")), up.max_result_bytes, MORE_OF_AN_ASSET)


TOOLS = (
    fetch_assets,
    fetch_asset,
    create_asset,
    update_asset,
)
