"""Every behaviour the fake had to guess, in one place.

`docs/freshservice.md` marks facts nobody could confirm for Freshservice as UNCONFIRMED.
Where the fake must still do *something*, the choice is made here, once, with the evidence it
rests on. "Sibling" means Freshdesk's v2 API source (same Freshworks framework), read through
`Ramesh-Veeriaperumal/freshconsult`; it is evidence, not proof.
"""

from __future__ import annotations

# -- Error bodies -------------------------------------------------------------------------------

# 401/403 texts: sibling `api/lib/error_messages.yml`; the codes match Freshservice's code table.
INVALID_CREDENTIALS_MESSAGE = "You have to be logged in to perform this action."
ACCESS_DENIED_MESSAGE = "You are not authorized to perform this action."

# Freshservice documents `unsupported_authentication_type` for username/password Basic auth but
# not its text. We send it when the Basic user name looks like an email address.
UNSUPPORTED_AUTH_MESSAGE = (
    "Username/password authentication is not supported. Use your API key as the user name."
)

# OAuth bearer tokens: Freshservice documents the codes `access_token_invalid` and
# `access_token_expired` but not their texts, nor the body of a token that lacks an endpoint's
# scope; we answer that as the documented 403 `access_denied`, naming the scope.
ACCESS_TOKEN_INVALID_MESSAGE = "The access token is invalid or has expired."  # noqa: S105
ACCESS_TOKEN_EXPIRED_MESSAGE = "The access token has expired."  # noqa: S105
MISSING_SCOPE_MESSAGE = "The access token does not carry the scope {scope} this request needs."

# 429 body: the sibling says "per hour" (its limits are hourly); Freshservice's limits are per
# minute and its text is not published.
RATE_LIMITED_MESSAGE = "You have exceeded the limit of requests per minute"

# 500 body: sibling `internal_error`.
SERVER_ERROR_MESSAGE = "We're sorry, but something went wrong."

# 502/503/504 (scenario `error: server_error` with `status`): no public source shows what
# Freshservice's edge sends. The fake keeps the 500's JSON `{"message": ...}` shape with the
# gateway's reason phrase, so a client's 5xx handling, not its HTML parsing, is what gets tested
# (`malformed_body` covers a body that is not JSON).
GATEWAY_ERROR_MESSAGES = {
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# A body or headers past the fake's bounds (settings.py: 16 MiB and 64 KiB by default) are refused
# from the headers, before the rest is read. Freshservice's own bounds and answers are not
# published; the fake answers 413 and 431 in the {code, message} shape of its request errors.
BODY_TOO_LARGE_CODE = "request_body_too_large"
HEADERS_TOO_LARGE_CODE = "request_headers_too_large"

# A JSON body with U+0000 in a string (Freshservice refuses them; its text is not published) is
# refused whole, one error per field that holds one (the innermost key, as for custom fields).
NUL_CHARACTER_MESSAGE = "It should not contain the null character (U+0000)"

# Scenario `error: validation_error` without `field`/`message`/`code`: the 400 the fake itself
# sends for a bad email (validation.py), or a generic text for another field.
SCENARIO_VALIDATION_FIELD = "email"
SCENARIO_VALIDATION_MESSAGES = {"email": "It should be in the 'valid email address' format"}
SCENARIO_VALIDATION_MESSAGE = "It should be a valid value"
SCENARIO_VALIDATION_CODE = "invalid_value"


# A missing record (an id the account does not have, or an id that is not a number on a route
# that takes one) answers 404 with an empty body. Evidence: the sibling answers `head 404` when
# `load_object` finds no record (its comment asks "Do we need to put message inside response
# body for 404?"), and public Freshservice clients handle a 404 before reading any body:
# rk295/go-freshservice returns "not found" from the status alone, a SOAR integration
# (HadrielTzuk/tip-marketplace FreshworksFreshserviceManager) raises its not-found error with
# the raw content before it parses JSON, and Node804/node804-freshservice-mcp attaches a body
# only "if body". Freshworks' swagger gives every 4xx, 404 included, the same generic
# `{"errors": [...]}` schema, which is known wrong for 400 (`{"description", "errors"}`), so it
# is not taken as evidence of a 404 body.
#
# A path no route serves answers 404 with a JSON body, so that a client can tell "no such route"
# from "no such record". The sibling answers an unknown route from the same action as a wrong
# verb (`route_not_found`), whose 405 body is `{"message": …}` (observed on Freshservice); the
# fake keeps that one-key shape. The text is the fake's own: Freshservice may well serve a route
# the fake does not, so it says what the fake serves.
def route_not_found_message(method: str, path: str) -> str:
    shown = path if len(path) <= 200 else f"{path[:200]}…"
    return (
        f"mock-freshservice serves no {method} {shown}: its routes are listed in "
        "/api/v2/openapi.json"
    )


# An id that is not a number (`/tickets/abc`) is a missing record, not an unknown route: the
# sibling's routes take any text where an id goes and its record lookup finds nothing. A verb the
# route lacks is still 405 there.


# A write that loses a race with `POST /_mock/reset` (a fake-only event: it held the account the
# reset replaced) is refused, not stored: 409, the status the docs give for "inconsistent or
# conflicting state", in the sibling's {code, message} shape. The code name is the fake's own.
ACCOUNT_RESET_STATUS = 409
ACCOUNT_RESET_CODE = "inconsistent_state"
ACCOUNT_RESET_MESSAGE = (
    "The account was reset while this request was being handled; nothing was changed. "
    "Send the request again."
)

# -- Rate limits ---------------------------------------------------------------------------------

# Windows are fixed and start with the first request after the previous window expired (sibling
# throttler: a Redis counter whose TTL is set on the first increment); `Retry-After` is the time
# left in the window. Requests refused with 429 are not counted. Requests that fail validation,
# authorisation (403) or lookup (404) are counted ("Even invalid requests will count", DOCS).
# The ticket filter endpoint spends from the "List All Tickets" sub-limit.
FILTER_USES_LIST_TICKETS_SUB_LIMIT = True
# A request with a key the fake does not know is counted against the account named by its Host
# header, if any (Freshservice throttles by domain, before authentication).
# A spent sub-limit refuses only its own endpoints while the overall budget lasts (the sub-limit
# and overall counters are separate), so the back-off check (backoff.py) takes a sub-limit's
# Retry-After to cover only that sub-limit's requests. A scenario's 429 or 503 names no limit:
# its Retry-After covers every request of the account.

# -- Tickets -------------------------------------------------------------------------------------

# Create requires: one of requester_id/email/phone, subject, description, status, priority.
# (Docs mark status and priority mandatory on the child-ticket table and cite a missing
# description as the `missing_field` example; subject's behaviour when absent is unconfirmed.)
TICKET_CREATE_REQUIRED = ("subject", "description", "status", "priority")

# The 30-day default window of the ticket list applies when neither `updated_since` nor a
# predefined `filter` is given; `requester_id`, `email` and `type` narrow the window, not lift it.
DEFAULT_TICKET_WINDOW_DAYS = 30

# The list's sort key is not documented: created_at, ties broken by id.

# `new_and_my_open` = open (status 2) tickets that are unassigned or assigned to the caller.

# A ticket view answers without `tags` unless `include=tags` (DOCS: "certain fields such as
# conversations, tags and requester email will not be included"); create and update answers
# include `tags` (DOCS samples).

# Deleted (trashed) and spam tickets. A view answers 200 with `deleted`/`spam` set; an update or
# a delete answers 405 `Allow: GET`, as observed for read-only targets [OBS-405] and as the
# sibling's ticket controller does ("render 405 in case of update/delete as it acts on ticket
# endpoint itself"); other endpoints under such a ticket answer 404 (the sibling's "other URLs
# such as tickets/id/restore will result in 404"): restore of a ticket that is not in the trash,
# and writes under a deleted or spam ticket (a note, a reply, a child ticket, a task or a time
# entry). Its conversations, tasks and time entries can still be read. Editing or deleting a
# conversation of a deleted or spam ticket answers 403 access_denied (the sibling's
# conversations controller).
# Deleting a parent deletes its child tickets (DOCS); restoring it brings back the children that
# were deleted with it, not those deleted on their own before.

# `include=tags` on the ticket list is not among the list's documented includes, but a public
# script pages `/tickets?include=tags` against a real tenant and reads each ticket's `tags`, so
# Freshservice takes it; the fake embeds the tags, charged as any list include. Other undocumented
# includes are refused (400 invalid_value naming the allowed ones): a public client reports that
# "the list endpoint refuses" `related_tickets`.

# `include=related_tickets` (DOCS: "metadata like ID, status, priority, agent, requester of child
# tickets (or) parent ticket ID"): a parent answers {"child_ids": [...], "child_tickets_details":
# [{id, subject, status, priority, agent, requester}]}, a child {"parent_id": n}, any other
# ticket {} — the shape public clients read; status and priority by name, agent and requester by
# full name (a public client compares status with "resolved"/"closed"). Deleted children are left
# out. A service request placed with `parent_ticket_id` is that ticket's child there too.
# A child ticket under a child is refused: 400 on `parent_id`, "Parent is invalid" (the sibling's
# `invalid_parent` text); the child-ticket answer carries the same keys as a create's.

# `include=onboarding_context` / `offboarding_context`: {"fields", "lookup_values"} of the
# on/offboarding request the ticket belongs to (parent or task ticket), as the "View Onboarding
# Tickets" sample embeds it; null for any other ticket. `include=problem` is null and `assets`
# and `changes` are empty: no ticket of the fake is linked to those.

# Replies (`POST /tickets/{id}/reply`) are for agents (403 for a requester's key): an email to the
# requester (`to_emails` is the requester's address), from `from_email` if given (any valid
# address) or else the account's support address `support@<domain>`; stored as a public
# conversation of source 0 (email). The first reply sets the ticket's `first_responded_at`.
# `user_id`, if given, must be an agent.
# `PUT /conversations/{id}` edits only notes (DOCS); for another conversation it answers 405
# `Allow: DELETE`, and for one written by a requester 403 (both the sibling's conversations
# controller). The answer has a note's keys (DOCS sample). Neither an edit nor a delete moves the
# ticket's `updated_at`.

# Activities (`GET /tickets/{id}/activities`): 20 a page, newest first, `next_page_url` only when
# more follow; `start_token` is the fake's own (where the next page starts), and one it did not
# hand out is 400 invalid_value. Recorded: creates (also of child tickets), updates of status,
# priority, urgency, impact, source, type, agent and group, deletes and restores. Notes and
# replies are not (the sample shows no wording for them). A ticket not created through the API
# shows its creation by its requester (as open, with the sample's SLA line) and, if it was
# generated in another status, that status set by its agent (or requester) when last updated.

# CSAT (`GET /tickets/{id}/csat_response`): about a third of the tickets generated resolved or
# closed have an answer; any other ticket answers 404. Ratings are Freshservice's classic survey:
CSAT_RATINGS = ((101, "Awesome"), (100, "Just Okay"), (-101, "Not Good"))

# Ticket sources (`POST /ticket_fields/sources`): a name already taken (case and outer spaces
# aside, built-in names included) is refused with 409 duplicate_value "Record already exists."
# (the sibling's text). `id` counts the account's own sources from 1; `position` follows the 16
# built-in ones. The API has no route to list them: they show in `/ticket_form_fields`.

# `/ticket_form_fields`: every field is the account's (workspace_id 1, as the sample's default
# fields; the dataset's custom fields apply to every workspace's tickets), so `workspace_id` only
# has to name a workspace. The requester field carries `portal_cc` and `portalcc_to` as the
# sample spells them. Agents are listed by name, the caller's with " (Me)" and inactive ones with
# " (Deactivated)", as the sample shows. Requesters' keys get 403 (the scope is
# tickets.fields.manage; agents read the form to fill tickets in).

# -- A dataset's own ticket form (data/ticket_form.py) ------------------------------------------

# Custom statuses (ids > 5, FreshservicePS issue #8) count as open: not resolved, not closed, so
# escalated when overdue. A real one may be set to stop the SLA clock; that setting is not
# modelled.
RESOLVED_STATUSES = frozenset({4, 5})
# A custom date field's value is the day as yyyy-mm-dd (the filter docs write dates so); the
# message for another value is ours.
CUSTOM_DATE_MESSAGE = "It should be a date in the format yyyy-mm-dd"
# DOCS §Custom Fields names number, checkbox, dropdown and date fields as filterable; a decimal
# field filtering as a number is our guess, text and paragraph fields are not filterable.
FILTERABLE_CUSTOM_FIELD_TYPES = ("dropdown", "checkbox", "number", "decimal", "date")
# A checkbox set to null is unset, so false, as on a new ticket.


# -- Requesters using the API ----------------------------------------------------------------------

# A requester's key may list and view only tickets they requested, create tickets for themselves,
# add notes to their own tickets, read published solutions and use the service catalog.
# `GET /agents/me` with a requester's key answers 403 access_denied (the most plausible answer,
# docs/freshservice.md §3).

# A requester placing a request on an unpublished item gets 404, as viewing it does; a
# `parent_ticket_id` they may not view is refused as if no such ticket existed (400
# invalid_value), so neither answer tells a requester what exists.

# -- Query strings ---------------------------------------------------------------------------------

# Unknown query parameters are refused with 400 invalid_field, as in the sibling
# (`action_on_unpermitted_parameters = :raise`).
REJECT_UNKNOWN_QUERY_PARAMETERS = True

# -- The filter query language ------------------------------------------------------------------


# A date in a filter stands for its whole UTC day: `created_at:>'2026-01-01'` matches from that
# day's first second, `created_at:<'2026-01-01'` up to its last second, and `due_by:'2026-01-01'`
# anywhere within it. A full timestamp (created_at/updated_at only) stands for that second.
def filter_date_range(operator: str, bounds: tuple[int, int]) -> tuple[int, int]:
    first, last = bounds
    if operator == ":>":
        return first, 2**63 - 1
    if operator == ":<":
        return -(2**63), last
    return first, last


# String comparisons in filters ignore case; AND binds tighter than OR; AND, OR, null, true and
# false are recognised in lower case only as written in the docs (AND/OR upper, the rest lower).
# Filter results (tickets, agents, requesters, assets) leave out spam and deleted tickets, come
# newest first (created_at desc, as the requester filter documents), 30 a page with `total` in
# the body for tickets, and carry no `Link` header: the documented clients page by `total` or
# until an empty page. `per_page` is refused (invalid_field) since the page size is fixed.
# Page caps: 40 for agents, requesters and assets (DOCS); none stated for tickets, so none here.
FILTER_PAGE_CAP_PEOPLE_AND_ASSETS = 40
# A query that cannot be parsed answers 400 in the validation envelope, field "query", code
# invalid_value, with a message naming the problem and its position.

# -- Assets ----------------------------------------------------------------------------------------

# Asset search and filter answers carry their total in a header the docs do not name; public
# clients read `X-Search-Results-Count`, so the fake sends that. With `search` or `filter`,
# `per_page`, `order_by` and `order_type` are refused (invalid_field): such results are 30 a
# page, newest first, and "cannot be sorted" (DOCS). Search matches a case-insensitive substring.
ASSET_SEARCH_TOTAL_HEADER = "X-Search-Results-Count"
# A query that names workspace_id chooses the workspaces itself; otherwise the workspace_id
# parameter applies (absent = the primary workspace, 0 = all).

# -- Workspaces --------------------------------------------------------------------------------

# The global workspace (id 1) is not listed by GET /workspaces and answers 404 by id.

# -- Changes, releases and projects ------------------------------------------------------------


# An end earlier than its start (planned_end_date, work_end_date, a project's end_date) is
# refused on the end field, code invalid_value; the reference gives neither the rule's bounds
# nor its text. An end equal to its start is accepted.
def end_before_start_message(start: str) -> str:
    return f"It should not be earlier than {start}"


# `assets: [{"display_id": n}]` with an element of another shape, and `maintenance_window`
# other than `{"id": n}`: invalid_value with these texts (not published). Display ids that name
# no asset (or a trashed one) are listed as the framework lists unknown ids.
ASSET_REFERENCE_MESSAGE = "It should contain elements with only a Positive Integer display_id"
WINDOW_REFERENCE_MESSAGE = "It should be a key/value pair with only a Positive Integer id"

# Projects (served as the reference's "Projects (Legacy)" under /api/v2/projects): a project
# created without `priority` is Medium, as the newer project API documents its default; without
# `owner_id` its creator owns it. The list answers {"projects": [...]} (Freshworks' own OpenAPI
# file; the reference's sample shows a bare array of {"project": ...}). `filter=all` and no
# filter list the projects that are not archived; `filter=archived` or `archived=true` lists the
# archived ones. Archive and restore answer 200 with the project (the OpenAPI file; the reference
# says only "OK"). An archived project is read-only: PUT, and writes of its tasks, answer 405,
# as a deleted problem's do; DELETE of a project that is not archived answers 405 too. Deleting
# a task deletes its subtasks. Projects carry `archived` (the OpenAPI file) as well as `deleted`
# (the reference), always equal.
PROJECT_DEFAULT_PRIORITY = 2
# A task's reminder (`notify`) outside the documented 15 minutes to 4 weeks is invalid_value on
# `notify` with this text (not published); a task's status codes are the project's.
NOTIFY_RANGE_MESSAGE = "It should be between 15 minutes and 4 weeks before the date"

# Changes: the reference's note on delete names a "Restore Change API" without documenting it;
# the fake serves it as problems and releases document theirs (PUT …/restore, 204). A change
# created with an `email` no user has makes a new requester, as a ticket does (the reference's
# change sample uses the same outside address as its ticket samples); `requester_id` wins when
# both are sent. `approval_status` codes follow Freshworks' OpenAPI file
# (1 Requested, 2 Approved, 3 Rejected, 4 Not Requested); seeded changes past approval are
# Approved. `include=stats` adds {"stats": {"closed_at", "assigned_at", "approval_at"}}.
# `filter_name` (and `view`, which takes the same names; custom views do not exist here):
# my_open = assigned to the caller and not Closed, release_requested = Pending Release (4).
# `order_by` takes created_at, updated_at, priority, status, planned_start_date and
# planned_end_date. `query` takes the filter language (guesses.CHANGE_QUERY).
# The associations only Freshworks' OpenAPI file names (project_id, associated_project,
# associated_release, associated_problems, tickets_initiating_change,
# incidents_caused_by_change) are on a view, not on list items.

# Releases: DELETE answers 200 with no body, as the reference's sample says ("Status: OK");
# changes and problems answer 204. `description` is optional: the reference's create sample
# has none, although the release form marks it required. `filter_name`: incompleted =
# Incomplete (4), completed = Completed (5), my_open = assigned to the caller and not Completed.
RELEASE_DELETE_STATUS = 200


# -- Agent groups at /agent_groups ------------------------------------------------------------
# The API reference serves agent groups at `/groups` (`{"groups": [...]}`, `{"group": {...}}`).
# Freshworks' OpenAPI file (freshworks-api-sdk, freshservice-v2.0.1.swagger.yml) lists them at
# `/agent_groups` too, with `agent_group` as the single record's key and `departments` (a
# copy-paste slip, surely) as the list's. UNCONFIRMED whether a tenant answers there: the fake
# serves the same records at both, the list under `agent_groups`, with the reference's field
# names (`leaders`, where the file says `group_leaders`).
AGENT_GROUPS_PATH = "agent_groups"


# -- One active satisfaction survey -------------------------------------------------------------
# The API reference activates and deactivates surveys one by one; a tenant sends one survey. The
# fake keeps one active: activating a survey deactivates the others. UNCONFIRMED.
ONE_ACTIVE_SURVEY = True


# -- Agents' and requesters' writes (api/people_writes.py) --------------------------------------
# DELETE /agents/{id} and /requesters/{id} deactivate (`active: false`) and answer 204, as the
# reference's other deletes do (Freshworks' OpenAPI file lists 200 as well, and calls the agent
# one "converts the agent to a requester"; the reference lists a deactivated agent among agents
# with `active=false`, which is what the fake does). A deactivated person is read-only: an update
# or a second deactivation is a 405 (docs/freshservice.md §4); `PUT …/reactivate`
# brings them back, and their API key stops working while they are inactive (401), as a
# deactivated user cannot sign in. Nobody deactivates or forgets themselves through their own
# key: a 400 on `id`.
PEOPLE_SELF_MESSAGE = "You cannot deactivate or forget yourself"
# An address another user holds: the sibling's 409 `duplicate_value`, in the validation body.
PEOPLE_EMAIL_TAKEN_MESSAGE = "It should be a unique value"
# `convert_to_agent` on a requester known only by phone: agents sign in by email.
PEOPLE_AGENT_NEEDS_EMAIL_MESSAGE = "An agent needs an email address: give the requester one first"
# `forget` "permanently deletes the agent [requester] and the tickets that they requested". The
# person is erased (404 everywhere); their tickets go to the trash (`deleted: true`, listed by
# `filter=deleted`), because the fake's ticket table erases nothing. UNCONFIRMED either way.
FORGOTTEN_TICKETS_TRASHED = True
# `merge`: `secondary_requesters` is a comma-separated list of requester ids (the OpenAPI file's
# query parameter); each must be an active requester other than the primary, at most 5 (the
# UI's limit, UNCONFIRMED for the API). Their addresses join the primary's secondary emails and
# their tickets become the primary's.
MERGE_LIMIT = 5


# -- Canned responses (resources/canned.py) -------------------------------------------------------
# Deleting a folder deletes the responses in it, as the UI warns it does; UNCONFIRMED for the
# API, which might refuse a folder that is not empty. Any agent reads canned responses; only
# admins write them (personal folders, which each agent owns, are not modelled).
CANNED_FOLDER_DELETE_CASCADES = True


# -- Purchase orders (resources/purchasing.py) ----------------------------------------------------
# Freshworks' OpenAPI file lists the status codes and item types without names. The names here
# are the fake's own labels for them (used in descriptions only): UNCONFIRMED. A new order is 20
# (the file's example). The total (`total_cost`) is each item's cost x quantity with its tax,
# less the order's discount, plus the order's tax, plus shipping, rounded to cents: UNCONFIRMED.
PURCHASE_ORDER_STATUS = {
    5: "Draft", 10: "Pending Approval", 15: "Rejected", 20: "Open", 25: "Ordered",
    30: "Cancelled", 35: "Partially Received", 40: "Received", 45: "Approved",
}  # fmt: skip
PURCHASE_ITEM_TYPES = {1: "Asset", 2: "Software", 3: "Consumable"}


# -- Software, contracts and an asset's relations (resources/software.py, api/assets.py) ----------
# `GET /assets/{display_id}/applications` answers `{"applications": [...]}` (the OpenAPI file's
# envelope key is `installed_applications` in one place and its item has no name; the fake's items
# name the application too), all on one page. `/assets/{display_id}/contracts` answers the
# file's shape. A contract's `status` is `draft` before its start date, `active` through its end
# date and `expired` after (approval states are not modelled). Contract types are the four of the
# reference (1 Lease, 2 Maintenance, 3 Software License, 4 Warranty), served read-only at
# `/contract_types`. An application's `source` is "API" when created through it. Deleting an
# application deletes its installations and licences; deleting a contract its licences.
ASSET_RELATIONS = "applications and contracts of an asset: one page each"


# -- Requester group members (api/requester_groups.py) ------------------------------------------
# `POST /requester_groups/{id}/members/{requester_id}` answers 201 with no body, and again 201 for
# a requester already in the group (nothing changes); `DELETE` answers 204, or 404 for one who is
# not a member. Only manual groups exist (rule-based ones are not modelled). Agents read groups
# and members; admins change them. UNCONFIRMED beyond the paths and verbs.
REQUESTER_GROUP_MEMBERS = "manual groups; add is 201 and idempotent, remove is 204"


# -- Deleting an asset type (resources/catalogue.py) ---------------------------------------------
# The catalogue's own (default) types cannot be deleted, nor a type that assets or other types
# still name: a 400 on `id`. A type created through the API has the type fields of the nearest
# catalogue type it descends from (`parent_asset_type_id`), and none of its own. UNCONFIRMED.
ASSET_TYPE_DELETE = "default types and types in use stay"


# -- Deleting in the knowledge base (api/solutions.py) -------------------------------------------
# Deleting a category deletes its folders and their articles; deleting a folder its articles.
# The default category and default folders cannot be deleted (400 on `id`), as the UI does not
# offer it. Category names are unique in the account (409), as folder names are in a category.
# UNCONFIRMED.
SOLUTION_DELETES = "cascade; defaults stay"


# -- The service catalog at Freshworks' OpenAPI file's paths (api/service_catalog.py) -------------
# `/service_items` and `/service_items/{id}` serve what `/service_catalog/items` does;
# `/catalog/item/{id}/fields` answers the item's form as `{"fields": [...]}` (the file names the
# envelope `departments`, a slip). `POST /service_requests` places a request as
# `place_request` does (answering `{"service_request": ...}`, 201), taking the item's id or display
# id as `id`; `PUT /service_requests/{id}` updates a Service Request ticket with the file's names
# (`agent_id` is the responder) and answers as a ticket update does (`{"ticket": ...}`).
SERVICE_CATALOG_PATHS = "the OpenAPI file's aliases of the service catalog"


# -- Approvals (resources/approvals.py) and a change's workflow actions (resources/changes.py) ----
# Approval groups on a change (`name`, `approver_ids`, `approval_type` everyone/any/majority) ask
# each approver: one approval each, `requested`, and the change's `approval_status` becomes 1
# (Requested). Approvals carry `approver_id`, `approval_group_id`, `approval_status`
# (requested/approved/rejected/cancelled), `level_id`, `latest_remark`, `reminded_at` and dates.
# Cancelling a group cancels its requested approvals; a cancelled group, or an approval that is
# not requested, is read-only (405). `resend_approval` stamps `reminded_at` and answers the
# approval. `PUT /changes/{id}/approval_chain` takes `approval_chain_type` (parallel or
# sequential) and answers the change; `PUT /changes/{id}/move_workspace` takes `workspace_id`
# (and optionally `agent_id`, `group_id`) and answers the change. A ticket's approval is asked
# with `POST /tickets/{id}/approvals` (`approver_id`, any user; `approval_type` 1 everyone, 2
# anyone, 3 majority, 4 first responder; `email_content`), as FreshservicePS documents it; the
# ticket's `approval_status` becomes 0 (Requested); it is cancelled and reminded as a change's
# approvals are. Generated tickets have none. Deleting an attachment answers 204, or 404 when the
# ticket or conversation has none by that id. Field names are the public clients' (node804),
# UNCONFIRMED against a tenant.
APPROVALS = "change approval groups ask each approver; only cancel and remind through the API"

# `GET /changes?query="…"` filters changes in Freshservice's filter language, as tickets' filter
# does, over the change's number fields (workspace, people, group, department, priority, impact,
# status, risk, change_type, approval_status) and its dates (planned start and end, created,
# updated). The changes reference documents no such parameter; a community server (effy's
# freshservice-mcp) found that `/changes/filter` does not exist and that the list takes `query`
# in double quotes (an unquoted query failing), so the fake answers an unquoted or malformed one
# with 400 naming `query`, as for tickets. Which fields the tenant allows is UNCONFIRMED.
CHANGE_QUERY = "the changes list takes ?query= in double quotes over the change's fields"

# Attachments (`attachments[]` parts of a multipart body on a ticket's create and update, a note
# and a reply) are answered as `{id, name, content_type, size, attachment_url, created_at,
# updated_at}`, as the reference shows them. Their bytes are not kept and `attachment_url` points
# at an `.invalid` host, so a client that downloads one fails plainly. The 40 MB bound on a
# ticket's attachments is the reference's; counting its conversations' in it, and the bound of 63
# attachments a ticket, are the fake's.
ATTACHMENT_URL = "https://attachments.mock-freshservice.invalid/{domain}/{id}/{name}"
