"""How the fake numbers its records.

Real tenants use 64-bit ids for users, groups and the like (e.g. 21000418005) and small visible
numbers for tickets; the fake does the same so a client that squeezes ids into 32 bits fails here
first. Each kind has its own range per account: `base + account_index * SPAN + n`.

Conversations, requested items and attachments are numbered from ticket ids, which a dataset
may start high (`first_ticket_id`) and creates keep raising, so they get far wider ranges per
account, above every other kind's (and below 2**53, so JavaScript clients keep them exact).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SPAN = 10_000_000

USER_BASE = 21_000_000_000  # agents and requesters share one id space, as in Freshservice
GROUP_BASE = 22_000_000_000
DEPARTMENT_BASE = 23_000_000_000
LOCATION_BASE = 24_000_000_000
ROLE_BASE = 26_000_000_000
SLA_POLICY_BASE = 27_000_000_000
EMAIL_CONFIG_BASE = 28_000_000_000
ASSET_BASE = 29_000_000_000
ASSET_TYPE_BASE = 30_000_000_000
PRODUCT_BASE = 31_000_000_000
VENDOR_BASE = 32_000_000_000
SERVICE_CATEGORY_BASE = 33_000_000_000
SERVICE_ITEM_BASE = 34_000_000_000
SOLUTION_CATEGORY_BASE = 35_000_000_000
SOLUTION_FOLDER_BASE = 36_000_000_000
SOLUTION_ARTICLE_BASE = 37_000_000_000
ONBOARDING_BASE = 39_000_000_000
OFFBOARDING_BASE = 40_000_000_000
# The records that live under problems, changes, releases, tickets and projects.
PROBLEM_NOTE_BASE = 41_000_000_000
PROBLEM_TASK_BASE = 42_000_000_000
PROBLEM_TIME_ENTRY_BASE = 43_000_000_000
CHANGE_NOTE_BASE = 44_000_000_000
CHANGE_TASK_BASE = 45_000_000_000
CHANGE_TIME_ENTRY_BASE = 46_000_000_000
RELEASE_NOTE_BASE = 47_000_000_000
RELEASE_TASK_BASE = 48_000_000_000
RELEASE_TIME_ENTRY_BASE = 49_000_000_000
TICKET_TASK_BASE = 50_000_000_000
TICKET_TIME_ENTRY_BASE = 51_000_000_000
PROJECT_TASK_BASE = 52_000_000_000
# (53_000_000_000: form fields, resources/forms.py)
CHANGE_WINDOW_BASE = 54_000_000_000  # maintenance and blackout windows of changes
ANNOUNCEMENT_BASE = 55_000_000_000
BUSINESS_HOURS_BASE = 56_000_000_000
# (57_000_000_000: agent and requester profile form fields, api/people_fields.py)
SURVEY_BASE = 58_000_000_000
CANNED_RESPONSE_FOLDER_BASE = 59_000_000_000
CANNED_RESPONSE_BASE = 60_000_000_000
PURCHASE_ORDER_BASE = 61_000_000_000
COMPONENT_TYPE_BASE = 62_000_000_000
COMPONENT_BASE = 63_000_000_000
APPLICATION_BASE = 64_000_000_000
INSTALLATION_BASE = 65_000_000_000
LICENSE_BASE = 66_000_000_000
CONTRACT_BASE = 67_000_000_000
CONTRACT_TYPE_BASE = 68_000_000_000
REQUESTER_GROUP_BASE = 69_000_000_000
CHANGE_APPROVAL_GROUP_BASE = 70_000_000_000
CHANGE_APPROVAL_BASE = 71_000_000_000
TICKET_APPROVAL_BASE = 72_000_000_000

# Bases are 1,000,000,000 apart, so 100 accounts of SPAN ids each fit between two kinds.
MAX_ACCOUNTS = (GROUP_BASE - USER_BASE) // SPAN

# The highest ticket id a dataset may generate or pin (the dataset schema enforces it).
MAX_TICKET_ID = 10_000_000_000

TICKET_KEYED_SPAN = 1_000_000_000_000
CONVERSATION_BASE = 1_000_000_000_000_000
REQUESTED_ITEM_BASE = 2_000_000_000_000_000
CSAT_RESPONSE_BASE = 3_000_000_000_000_000
ATTACHMENT_BASE = 4_000_000_000_000_000
# A ticket's attachments, its conversations' included, take t * SLOTS + k (0 < k < SLOTS).
ATTACHMENT_SLOTS = 64

# Conversations generated for ticket t take t * SLOTS + k (k < SLOTS), all below
# CREATED_CONVERSATION_OFFSET; notes created through the API are numbered upwards from there, so
# the two never meet (5 * 10**11 notes an account would be needed).
GENERATED_CONVERSATION_SLOTS = 4
CREATED_CONVERSATION_OFFSET = TICKET_KEYED_SPAN // 2


def ranged(base: int, account_index: int, n: int) -> int:
    return base + account_index * SPAN + n


def _ticket_keyed(base: int, account_index: int, n: int) -> int:
    return base + account_index * TICKET_KEYED_SPAN + n


def generated_conversation_id(account_index: int, ticket_id: int, k: int) -> int:
    return _ticket_keyed(
        CONVERSATION_BASE, account_index, ticket_id * GENERATED_CONVERSATION_SLOTS + k
    )


def generated_conversation_ticket(account_index: int, conversation_id: int) -> int | None:
    """The ticket a generated conversation id belongs to (None for any other id)."""
    n = conversation_id - _ticket_keyed(CONVERSATION_BASE, account_index, 0)
    if not 0 <= n < CREATED_CONVERSATION_OFFSET:
        return None
    return n // GENERATED_CONVERSATION_SLOTS


def created_conversation_id(account_index: int, n: int) -> int:
    """The id of the n-th note created through the API (n from 1)."""
    return _ticket_keyed(CONVERSATION_BASE, account_index, CREATED_CONVERSATION_OFFSET + n)


def created_conversation_number(account_index: int, conversation_id: int) -> int:
    """`n` of `created_conversation_id` back from the id (replay restores the counter with it)."""
    return conversation_id - created_conversation_id(account_index, 0)


def requested_item_id(account_index: int, ticket_id: int) -> int:
    """A placed request's item, numbered from its ticket (created ticket ids stay far below
    TICKET_KEYED_SPAN: 10**12 - MAX_TICKET_ID creates would be needed to reach it)."""
    return _ticket_keyed(REQUESTED_ITEM_BASE, account_index, ticket_id)


def csat_response_id(account_index: int, ticket_id: int) -> int:
    """A ticket's survey response, numbered from its ticket (one response a ticket)."""
    return _ticket_keyed(CSAT_RESPONSE_BASE, account_index, ticket_id)


def attachment_id(account_index: int, ticket_id: int, k: int) -> int:
    """The k-th attachment (from 1) sent to a ticket or its conversations."""
    return _ticket_keyed(ATTACHMENT_BASE, account_index, ticket_id * ATTACHMENT_SLOTS + k)


def attachment_number(account_index: int, ticket_id: int, held: Iterable[Mapping[str, Any]]) -> int:
    """The next `k` for a ticket that holds `held`: past the highest of its own ids (a dataset's
    attachments, numbered otherwise, do not count)."""
    first = attachment_id(account_index, ticket_id, 0)
    own = [
        int(a["id"]) - first
        for a in held
        if first < int(a.get("id") or 0) < first + ATTACHMENT_SLOTS
    ]
    return max(own, default=0) + 1
