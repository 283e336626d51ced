"""How the fake numbers its records.

Real tenants use 64-bit ids for users, groups and the like (e.g. 21000418005) and small visible
numbers for tickets; the fake does the same so a client that squeezes ids into 32 bits fails here
first. Each kind has its own range per account: `base + account_index * SPAN + n`.
"""

from __future__ import annotations

SPAN = 10_000_000

USER_BASE = 21_000_000_000  # agents and requesters share one id space, as in Freshservice
GROUP_BASE = 22_000_000_000
DEPARTMENT_BASE = 23_000_000_000
LOCATION_BASE = 24_000_000_000
CONVERSATION_BASE = 25_000_000_000
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
REQUESTED_ITEM_BASE = 38_000_000_000
ONBOARDING_BASE = 39_000_000_000
OFFBOARDING_BASE = 40_000_000_000

# Conversations generated for ticket t take ids base + t * SLOTS + k (k < SLOTS); notes created
# through the API are numbered from CREATED_CONVERSATION_OFFSET upwards in the same range.
GENERATED_CONVERSATION_SLOTS = 4
CREATED_CONVERSATION_OFFSET = 9_000_000


def ranged(base: int, account_index: int, n: int) -> int:
    return base + account_index * SPAN + n


def generated_conversation_id(account_index: int, ticket_id: int, k: int) -> int:
    return ranged(CONVERSATION_BASE, account_index, ticket_id * GENERATED_CONVERSATION_SLOTS + k)
