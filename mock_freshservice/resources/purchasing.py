"""Purchase orders (the API reference's "Purchase Orders"): what is bought from a vendor, item by
item, with the order's total worked out by the fake.

Freshworks' OpenAPI file gives the status codes (5 … 45) and item types (1, 2, 3) without names;
the names used in descriptions and the total's formula are guesses (guesses.PURCHASE_ORDERS).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice import guesses
from mock_freshservice.clock import DAY
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.resources import catalogue
from mock_freshservice.resources.declaration import Context, Resource, Seeding, caller_id
from mock_freshservice.resources.fields import Field, read_only

STATUS = guesses.PURCHASE_ORDER_STATUS
ITEM_TYPES = guesses.PURCHASE_ITEM_TYPES
CURRENCIES = (
    "AUD", "THB", "CAD", "CNY", "DKK", "AED", "USD", "EGP", "EUR", "HUF", "CHF", "HKD", "IDR",
    "ILS", "CZK", "ISK", "TRL", "MYR", "MXN", "NOK", "OMR", "PHP", "PLN", "GBP", "BWP", "QAR",
    "ZAR", "BRL", "RUB", "INR", "SAR", "SGD", "SEK", "TWD", "VND", "KRW", "JPY", "NZD", "JOD",
)  # fmt: skip
ITEM_KEYS = ("item_type", "item_id", "item_name", "description", "cost", "quantity",
             "tax_percentage")  # fmt: skip
MAX_ITEMS = 100


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


def _items_check(field: str, value: Any) -> FieldError | None:
    """A list of 1 to 100 items, each with a type, a name, a cost and a quantity."""
    if not isinstance(value, list):
        return FieldError(field, "It should be a/an Array", "datatype_mismatch")
    if not 1 <= len(value) <= MAX_ITEMS:
        return FieldError(field, f"It should have 1 to {MAX_ITEMS} items", "invalid_value")
    for item in value:
        if not isinstance(item, dict) or any(key not in ITEM_KEYS for key in item):
            return FieldError(
                field, f"Each item should be a key/value pair of {', '.join(ITEM_KEYS)}",
                "datatype_mismatch",
            )  # fmt: skip
        kind = item.get("item_type")
        if isinstance(kind, bool) or not isinstance(kind, int) or kind not in ITEM_TYPES:
            return FieldError(
                field, f"item_type should be one of {list(ITEM_TYPES)}", "invalid_value"
            )
        name = item.get("item_name")
        if not isinstance(name, str) or not name.strip() or len(name) > 255:
            return FieldError(
                field, "item_name should be a String of 1 to 255 characters", "invalid_value"
            )
        if not _number(item.get("cost")) or item["cost"] < 0:
            return FieldError(field, "cost should be a Number, zero or more", "invalid_value")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            return FieldError(field, "quantity should be a Positive Integer", "invalid_value")
        tax = item.get("tax_percentage", 0)
        if not _number(tax) or not 0 <= tax <= 100:
            return FieldError(
                field, "tax_percentage should be a Number from 0 to 100", "invalid_value"
            )
        if "description" in item and not isinstance(item["description"], str | None):
            return FieldError(field, "description should be a String", "invalid_value")
        item_id = item.get("item_id")
        if item_id is not None and (isinstance(item_id, bool) or not isinstance(item_id, int)):
            return FieldError(field, "item_id should be a Positive Integer", "invalid_value")
    return None


ITEM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["item_type", "item_name", "cost", "quantity"],
    "properties": {
        "item_type": {"type": "integer", "enum": list(ITEM_TYPES)},
        "item_id": {"type": ["integer", "null"]},
        "item_name": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "cost": {"type": "number"},
        "quantity": {"type": "integer"},
        "tax_percentage": {"type": "number"},
        "received": {"type": "integer"},
    },
}
ITEM_REQUEST = {
    "type": "array",
    "minItems": 1,
    "maxItems": 5,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["item_type", "item_name", "cost", "quantity"],
        "properties": {
            "item_type": {"type": "integer", "enum": list(ITEM_TYPES)},
            "item_name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"\S"},
            "description": {"type": "string", "maxLength": 64},
            "cost": {"type": "number", "minimum": 0, "maximum": 100_000},
            "quantity": {"type": "integer", "minimum": 1, "maximum": 1_000},
            "tax_percentage": {"type": "number", "minimum": 0, "maximum": 100},
        },
    },
}


def _percentage(name: str, description: str) -> Field:
    return Field(
        name,
        "number",
        description,
        default=0,
        nullable=False,
        request_shape={"type": "number", "minimum": 0, "maximum": 100},
    )


PURCHASE_ORDER_FIELDS = (
    read_only("id", "id", "Unique ID of the purchase order"),
    Field(
        "vendor_id",
        "id",
        "The vendor the order is placed with",
        required=True,
        nullable=False,
        references="vendors",
    ),
    Field("name", "string", "Title of the order", required=True, nullable=False, blank_ok=False),
    Field(
        "po_number",
        "string",
        "Purchase order number",
        required=True,
        nullable=False,
        blank_ok=False,
    ),
    Field("vendor_details", "text", "The vendor's address and contacts"),
    Field(
        "expected_delivery_date",
        "datetime",
        "When the order should arrive",
        required=True,
        nullable=False,
    ),
    read_only("created_by", "id", "The agent who created the order"),
    Field(
        "status",
        "integer",
        ", ".join(f"{code} {name}" for code, name in STATUS.items()),
        choices=tuple(STATUS),
        labels=STATUS,
        default=20,
        nullable=False,
    ),
    Field("shipping_address", "text", "Where the order is shipped", required=True, nullable=False),
    Field(
        "billing_same_as_shipping",
        "boolean",
        "Whether the billing address is the shipping address",
        default=True,
        nullable=False,
    ),
    Field("billing_address", "text", "Where the order is billed"),
    Field("currency_code", "string", "Currency", choices=CURRENCIES, default="USD", nullable=False),
    Field(
        "conversion_rate",
        "number",
        "Rate from this currency to the help desk's",
        default=1,
        nullable=False,
        request_shape={"type": "number", "exclusiveMinimum": 0, "maximum": 1_000},
    ),
    Field("department_id", "id", "Department the order is for", references="departments"),
    _percentage("discount_percentage", "Discount on the order, in percent"),
    _percentage("tax_percentage", "Tax on the order, in percent"),
    Field(
        "shipping_cost",
        "number",
        "Cost of shipping",
        default=0,
        nullable=False,
        request_shape={"type": "number", "minimum": 0, "maximum": 100_000},
    ),
    Field("custom_fields", "object", "Custom fields", default={}, nullable=False, merge=True),
    Field(
        "purchase_items",
        "object",
        "What is ordered",
        required=True,
        nullable=False,
        value_check=_items_check,
        request_shape=ITEM_REQUEST,
        answer_schema={"type": "array", "items": ITEM_SCHEMA},
        in_list=False,
    ),
    read_only("total_cost", "number", "What the order costs (guesses.PURCHASE_ORDER_TOTAL)"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _check(context: Context, body: Mapping[str, Any], old: Record | None) -> list[FieldError]:
    problems = []
    for name in ("discount_percentage", "tax_percentage"):
        value: Any = body.get(name)
        if _number(value) and not 0 <= value <= 100:
            problems.append(
                FieldError(name, "It should be a Number from 0 to 100", "invalid_value")
            )
    for name in ("shipping_cost", "conversion_rate"):
        amount: Any = body.get(name)
        if _number(amount) and amount < 0:
            problems.append(
                FieldError(name, "It should be a Number, zero or more", "invalid_value")
            )
    return problems


def total_cost(order: Mapping[str, Any]) -> float:
    """Items with their own tax, less the order's discount, plus its tax and shipping."""
    items = sum(
        float(item["cost"])
        * int(item["quantity"])
        * (1 + float(item.get("tax_percentage") or 0) / 100)
        for item in order.get("purchase_items") or ()
    )
    discounted = items * (1 - float(order.get("discount_percentage") or 0) / 100)
    taxed = discounted * (1 + float(order.get("tax_percentage") or 0) / 100)
    return round(taxed + float(order.get("shipping_cost") or 0), 2)


def _fill(context: Context, record: Record, body: Mapping[str, Any], old: Record | None) -> None:
    if old is None:
        record["created_by"] = caller_id(context)
    if "purchase_items" in body:
        record["purchase_items"] = [
            {
                "item_type": item["item_type"],
                "item_id": item.get("item_id"),
                "item_name": item["item_name"],
                "description": item.get("description"),
                "cost": item["cost"],
                "quantity": item["quantity"],
                "tax_percentage": item.get("tax_percentage", 0),
                "received": 0,
            }
            for item in body["purchase_items"]
        ]
    if record.get("billing_same_as_shipping"):
        record["billing_address"] = record.get("shipping_address")
    record["total_cost"] = total_cost(record)


ITEMS_SEEDED = (
    # (type, name, cost)
    (1, "Laptop 14-inch", 1_250.0),
    (1, "27-inch monitor", 310.0),
    (2, "Office suite licence (1 year)", 120.0),
    (3, "USB-C charger", 35.0),
    (3, "Wireless keyboard", 49.0),
)


def _seed(seeding: Seeding) -> list[tuple[str, Record]]:
    account = seeding.account
    vendors = sorted(catalogue.live(account, "vendors"))
    departments = list(account.departments.ids)
    agents = list(account.agents.ids)
    made = []
    for n in range(1, seeding.count + 1):
        created = seeding.anchor - seeding.between(5, 400) * DAY
        items = []
        for _ in range(seeding.between(1, 4)):
            kind, name, cost = seeding.choice(ITEMS_SEEDED)
            items.append(
                {
                    "item_type": kind, "item_id": None, "item_name": name, "description": None,
                    "cost": cost, "quantity": seeding.between(1, 20), "tax_percentage": 0,
                    "received": 0,
                }
            )  # fmt: skip
        shipping = "1 Main Street, Springfield"
        order: Record = {
            "id": seeding.new_id(n),
            "vendor_id": seeding.pick(vendors),
            "name": f"Order {n}: {items[0]['item_name']}",
            "po_number": f"PO-{n}",
            "vendor_details": None,
            "expected_delivery_date": created + seeding.between(7, 45) * DAY,
            "created_by": seeding.pick(agents),
            "status": seeding.choice((20, 20, 25, 35, 40)),
            "shipping_address": shipping,
            "billing_same_as_shipping": True,
            "billing_address": shipping,
            "currency_code": "USD",
            "conversion_rate": 1,
            "department_id": seeding.pick(departments, none_share=0.3),
            "discount_percentage": seeding.choice((0, 0, 5, 10)),
            "tax_percentage": seeding.choice((0, 5, 8)),
            "shipping_cost": seeding.choice((0, 15, 40)),
            "custom_fields": {},
            "purchase_items": items,
            "created_at": created,
            "updated_at": created,
            "_parent": None,
        }
        order["total_cost"] = total_cost(order)
        made.append((PURCHASE_ORDERS.table_name, order))
    return made


PURCHASE_ORDERS = Resource(
    name="purchase_orders",
    singular="purchase_order",
    scope="purchase_orders",
    tag="purchase_orders",
    id_base=ids.PURCHASE_ORDER_BASE,
    fields=PURCHASE_ORDER_FIELDS,
    unique=("po_number",),
    check=_check,
    fill=_fill,
    seed=_seed,
    count=lambda tickets: max(3, tickets // 1_000),
    updated_since=False,
    order=("created_at", "desc"),
    description="Purchase orders",
)

RESOURCES = (PURCHASE_ORDERS,)
