"""The exact keys, in Freshservice's order, of every object the fake answers with.

Stored records keep epoch-second timestamps and private `_…` fields; these functions render the
public shape. Key lists follow docs/freshservice.md §11 to §17 and the official samples (View
List of Tickets, View a Ticket, Create a Note, List All Conversations, View an Agent, View a
Requester, Workspaces).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from mock_freshservice.clock import format_ts
from mock_freshservice.data.store import Record, Table

Json = dict[str, Any]

# Runs of keys several ticket shapes share, in the order each of them shows them; every ticket
# shape below (and the service request) is spelled from these so a shared key is written once.
_TICKET_ADDRESSING = (
    "cc_emails",
    "fwd_emails",
    "reply_cc_emails",
    "fr_escalated",
    "spam",
    "email_config_id",
    "group_id",
    "priority",
    "requester_id",
)
_TICKET_ROUTING = ("responder_id", "source", "status", "subject", "to_emails")
_TICKET_BODY = (
    "department_id",
    "id",
    "type",
    "due_by",
    "fr_due_by",
    "is_escalated",
    "description",
    "description_text",
)
_TICKET_CATEGORIES = ("category", "sub_category", "item_category")
# A viewed ticket and a service request alike, between the body and their differing tails.
_TICKET_VIEW_MIDDLE = (
    "custom_fields",
    "created_at",
    "updated_at",
    "urgency",
    "impact",
    *_TICKET_CATEGORIES,
    "deleted",
)
_RESOLUTION_NOTES = ("resolution_notes", "resolution_notes_html")
_APPROVAL = ("approval_status", "approval_status_name")

TICKET_LIST_KEYS = (
    *_TICKET_ADDRESSING,
    "requested_for_id",
    *_TICKET_ROUTING,
    *_TICKET_BODY,
    *_TICKET_CATEGORIES,
    "custom_fields",
    "workspace_id",
    "created_at",
    "updated_at",
    "deleted",
)

TICKET_VIEW_KEYS = (
    *_TICKET_ADDRESSING,
    "requested_for_id",
    *_TICKET_ROUTING,
    "sla_policy_id",
    *_TICKET_BODY,
    *_TICKET_VIEW_MIDDLE,
    *_RESOLUTION_NOTES,
    "attachments",
    "workspace_id",
    "created_within_business_hours",
    *_APPROVAL,
)

# Create and update answers also carry `tags` (DOCS samples), placed before `attachments`.
TICKET_WRITE_KEYS = (
    *TICKET_VIEW_KEYS[: TICKET_VIEW_KEYS.index("attachments")],
    "tags",
    *TICKET_VIEW_KEYS[TICKET_VIEW_KEYS.index("attachments") :],
)

# The Filter Tickets sample's items: no requested_for_id, its own key order.
TICKET_FILTER_KEYS = (
    "subject",
    "group_id",
    "department_id",
    "category",
    "sub_category",
    "item_category",
    "requester_id",
    "responder_id",
    "due_by",
    "fr_escalated",
    "deleted",
    "spam",
    "email_config_id",
    "fwd_emails",
    "reply_cc_emails",
    "cc_emails",
    "is_escalated",
    "fr_due_by",
    "priority",
    "source",
    "status",
    "created_at",
    "updated_at",
    "to_emails",
    "id",
    "type",
    "description",
    "description_text",
    "custom_fields",
    "workspace_id",
)

TICKET_TIMESTAMPS = frozenset({"due_by", "fr_due_by", "created_at", "updated_at"})

STATS_KEYS = ("closed_at", "resolved_at", "first_responded_at")

CONVERSATION_LIST_KEYS = (
    "id",
    "body",
    "body_text",
    "incoming",
    "private",
    "created_at",
    "updated_at",
    "user_id",
    "support_email",
    "source",
    "ticket_id",
    "to_emails",
    "from_email",
    "cc_emails",
    "bcc_emails",
    "attachments",
)

# What a created note and a created reply both end with.
_MESSAGE_TAIL = (
    "body",
    "body_text",
    "ticket_id",
    "to_emails",
    "attachments",
    "created_at",
    "updated_at",
)

NOTE_KEYS = ("id", "incoming", "private", "user_id", "support_email", *_MESSAGE_TAIL)

# A reply (DOCS "Create a Reply" sample).
REPLY_KEYS = ("id", "user_id", "from_email", "cc_emails", "bcc_emails", *_MESSAGE_TAIL)

CONVERSATION_TIMESTAMPS = frozenset({"created_at", "updated_at"})

# The profile an agent and a requester share, in the same place in both.
_PERSON_PROFILE = (
    "work_phone_number",
    "mobile_phone_number",
    "department_ids",
    "can_see_all_tickets_from_associated_departments",
    "reporting_manager_id",
    "address",
    "time_zone",
    "time_format",
    "language",
    "location_id",
    "background_information",
)
_PERSON_STAMPS = ("has_logged_in", "created_at", "updated_at")

AGENT_KEYS = (
    "id",
    "first_name",
    "last_name",
    "occasional",
    "active",
    "job_title",
    "email",
    *_PERSON_PROFILE,
    "scoreboard_level_id",
    "member_of",
    "observer_of",
    "member_of_pending_approval",
    "observer_of_pending_approval",
    "roles",
    "last_login_at",
    "last_active_at",
    "custom_fields",
    *_PERSON_STAMPS,
    "workspace_ids",
    "api_key_enabled",
    "signature",
    "external_id",
)

AGENT_TIMESTAMPS = frozenset({"last_login_at", "last_active_at", "created_at", "updated_at"})

REQUESTER_KEYS = (
    "id",
    "is_agent",
    "first_name",
    "last_name",
    "job_title",
    "primary_email",
    "secondary_emails",
    *_PERSON_PROFILE,
    "custom_fields",
    "active",
    *_PERSON_STAMPS,
    "external_id",
)

WORKSPACE_KEYS = (
    "created_at",
    "description",
    "id",
    "name",
    "primary",
    "restricted",
    "state",
    "template_name",
    "type",
    "updated_at",
)

PLAIN_TIMESTAMPS = frozenset({"created_at", "updated_at"})

# A user embedded in a ticket (`include=requester|requested_for`): DOCS "email, id, mobile,
# name, phone".
EMBEDDED_USER_KEYS = ("email", "id", "mobile", "name", "phone")


@functools.lru_cache(maxsize=65_536)
def _ts(epoch: int) -> str | None:
    return format_ts(epoch)


def render(record: Mapping[str, Any], keys: Iterable[str], timestamps: frozenset[str]) -> Json:
    """`record` projected onto `keys`, timestamps formatted, absent keys as null."""
    out: Json = {}
    for key in keys:
        value = record.get(key)
        if key in timestamps and value is not None:
            value = _ts(value)
        elif isinstance(value, (list, dict)):
            value = _copy(value)
        out[key] = value
    return out


def render_json(
    table: Table, record: Record, keys: tuple[str, ...], timestamps: frozenset[str]
) -> bytes:
    """`render` serialised, remembered by the table for as long as this record object is current.

    Stored records are never changed in place (a write stores a new dict), so list pages are
    served from these bytes until the record is replaced.
    """
    return table.memo(record, keys, lambda: orjson.dumps(render(record, keys, timestamps)))


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def ticket_stats(record: Mapping[str, Any]) -> Json:
    stats = record.get("_stats") or {}
    return {key: _ts(stats[key]) if stats.get(key) else None for key in STATS_KEYS}


def embedded_user(user: Mapping[str, Any] | None) -> Json | None:
    if user is None:
        return None
    email = user.get("primary_email", user.get("email"))
    return {
        "email": email,
        "id": user["id"],
        "mobile": user.get("mobile_phone_number"),
        "name": " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p),
        "phone": user.get("work_phone_number"),
    }


def agent_as_requester(agent: Mapping[str, Any]) -> Json:
    """An agent listed among requesters (`include_agents=true`): the requester shape."""
    as_requester = dict(agent)
    as_requester["is_agent"] = True
    as_requester["primary_email"] = agent["email"]
    as_requester["secondary_emails"] = []
    return render(as_requester, REQUESTER_KEYS, PLAIN_TIMESTAMPS)


def requester_json(requester: Mapping[str, Any]) -> Json:
    return render(requester, REQUESTER_KEYS, PLAIN_TIMESTAMPS)


def agent_json(agent: Mapping[str, Any]) -> Json:
    return render(agent, AGENT_KEYS, AGENT_TIMESTAMPS)


def workspace_json(workspace: Mapping[str, Any]) -> Json:
    return render(workspace, WORKSPACE_KEYS, PLAIN_TIMESTAMPS)


# -- Assets -------------------------------------------------------------------------------------

# The asset fields of docs/freshservice.md §12 (list and view alike); `type_fields` only with
# include or on writes.
ASSET_KEYS = (
    "id",
    "display_id",
    "name",
    "description",
    "asset_type_id",
    "impact",
    "author_type",
    "usage_type",
    "asset_tag",
    "user_id",
    "location_id",
    "department_id",
    "agent_id",
    "group_id",
    "assigned_on",
    "created_at",
    "updated_at",
    "workspace_id",
    "created_by_source",
    "last_updated_by_source",
    "created_by_user",
    "last_updated_by_user",
    "sources",
)
ASSET_WITH_TYPE_FIELDS_KEYS = (*ASSET_KEYS, "type_fields")
ASSET_TIMESTAMPS = frozenset({"assigned_on", "created_at", "updated_at"})
ASSET_TYPE_KEYS = (
    "id",
    "name",
    "parent_asset_type_id",
    "description",
    "visible",
    "created_at",
    "updated_at",
)
LOCATION_KEYS = (
    "id",
    "name",
    "parent_location_id",
    "primary_contact_id",
    "address",
    "workspace_id",
    "created_at",
    "updated_at",
)

# -- Service catalog ------------------------------------------------------------------------------

SERVICE_CATEGORY_KEYS = (
    "description",
    "id",
    "created_at",
    "updated_at",
    "name",
    "position",
    "workspace_id",
)
# A list item (DOCS sample) and the full item open alike, then order the rest each their own way.
_SERVICE_ITEM_HEAD = (
    "id",
    "created_at",
    "updated_at",
    "name",
    "delivery_time",
    "display_id",
    "category_id",
    "product_id",
    "quantity",
    "deleted",
    "icon_name",
    "group_visibility",
)
_SERVICE_ITEM_OPTIONS = ("allow_attachments", "allow_quantity", "is_bundle", "create_child")
SERVICE_ITEM_LIST_KEYS = (
    *_SERVICE_ITEM_HEAD,
    "item_type",
    "ci_type_id",
    "cost_visibility",
    "delivery_time_visibility",
    "configs",
    "botified",
    "visibility",
    *_SERVICE_ITEM_OPTIONS,
    "workspace_id",
)
SERVICE_ITEM_KEYS = (
    *_SERVICE_ITEM_HEAD,
    "agent_group_visibility",
    "item_type",
    "ci_type_id",
    "visibility",
    "cost_visibility",
    "delivery_time_visibility",
    "botified",
    *_SERVICE_ITEM_OPTIONS,
    "configs",
    "description",
    "short_description",
    "cost",
    "custom_fields",
    "child_items",
    "icon_url",
    "workspace_id",
)
# A placed service request (DOCS "Create a Service Request" sample): a viewed ticket without
# requested_for_id and created_within_business_hours, its tail in its own order.
SERVICE_REQUEST_KEYS = (
    *_TICKET_ADDRESSING,
    *_TICKET_ROUTING,
    "sla_policy_id",
    *_TICKET_BODY,
    *_TICKET_VIEW_MIDDLE,
    "attachments",
    *_APPROVAL,
    "workspace_id",
    *_RESOLUTION_NOTES,
)
REQUESTED_ITEM_KEYS = (
    "custom_fields",
    "id",
    "created_at",
    "updated_at",
    "quantity",
    "stage",
    "loaned",
    "cost_per_request",
    "remarks",
    "delivery_time",
    "is_parent",
    "service_item_id",
    "attachments",
)

# -- Solutions -----------------------------------------------------------------------------------

SOLUTION_CATEGORY_KEYS = (
    "id",
    "created_at",
    "updated_at",
    "name",
    "description",
    "default_category",
    "position",
    "visible_in_portals",
    "workspace_id",
)
SOLUTION_FOLDER_KEYS = (
    "description",
    "id",
    "created_at",
    "updated_at",
    "name",
    "category_id",
    "position",
    "visibility",
    "approval_settings",
    "default_folder",
    "manage_by_group_ids",
    "workspace_id",
)
# Present on a folder only with the visibility that uses them (4, 5 and 6).
FOLDER_VISIBILITY_KEYS = {4: "department_ids", 5: "group_ids", 6: "requester_group_ids"}
ARTICLE_KEYS = (
    "description",
    "id",
    "created_at",
    "updated_at",
    "title",
    "status",
    "approval_status",
    "position",
    "folder_id",
    "category_id",
    "thumbs_up",
    "thumbs_down",
    "modified_by",
    "modified_at",
    "inserted_into_tickets",
    "url",
    "article_type",
    "agent_id",
    "views",
    "description_text",
    "keywords",
    "review_date",
    "tags",
    "attachments",
    "approvals",
    "cloud_files",
    "workspace_id",
)
ARTICLE_LIST_KEYS = tuple(
    k for k in ARTICLE_KEYS if k not in ("tags", "attachments", "approvals", "cloud_files")
)
ARTICLE_TIMESTAMPS = frozenset({"created_at", "updated_at", "modified_at", "review_date"})

# -- Employee onboarding and offboarding --------------------------------------------------------

_EMPLOYEE_REQUEST_HEAD = ("id", "created_at", "updated_at", "status", "subject")
EMPLOYEE_REQUEST_KEYS = (*_EMPLOYEE_REQUEST_HEAD, "ticket_id", "actors", "fields", "lookup_values")
# List items: the DOCS sample's keys plus `requester_id`, which real output shows
# (docs/freshservice.md §14).
EMPLOYEE_REQUEST_LIST_KEYS = (*_EMPLOYEE_REQUEST_HEAD, "requester_id", "fields")


def folder_json(folder: Mapping[str, Any]) -> Json:
    out = render(folder, SOLUTION_FOLDER_KEYS, PLAIN_TIMESTAMPS)
    extra = FOLDER_VISIBILITY_KEYS.get(folder["visibility"])
    if extra is not None:
        out[extra] = list(folder.get(extra) or [])
    return out
