"""The service catalog of one account: categories and items, with their request forms.

The catalog is the same vocabulary in every account (ids differ), so the documented prompts
("Search the service catalog for 'laptop'", "Request a software installation for Zoom") work in
any of them. Items are addressed by `display_id`.
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections.abc import Sequence
from typing import Any

from mock_freshservice.clock import DAY, format_ts
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record


@dataclasses.dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    field_type: (
        str  # custom_text, custom_paragraph, custom_dropdown, custom_checkbox, custom_number
    )
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class ItemSpec:
    name: str
    category: str
    short_description: str
    description: str
    cost: str | None = None
    delivery_time: int | None = None
    allow_quantity: bool = False
    published: bool = True
    fields: tuple[FormField, ...] = ()
    icon: str = "service-catalog-services-default"


# (name, workspace template — the item lives in the account's workspace of that template, else
# the primary one — description)
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("Hardware Provisioning", "it", "Laptops, monitors and accessories"),
    ("Software Installation", "it", "Licensed applications installed for you"),
    ("Access Requests", "it", "Access to systems, drives and networks"),
    ("HR Services", "hr", "Letters, records and benefits"),
    ("Workplace", "facilities", "Desks, parking and building access"),
)

JUSTIFICATION = FormField(
    "business_justification", "Business Justification", "custom_paragraph", True
)

ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        "Office Laptop",
        "Hardware Provisioning",
        "Standard laptop for office work",
        "A Windows laptop with the standard company image, charger and docking station.",
        "1200.00",
        72,
        fields=(
            FormField(
                "laptop_model",
                "Laptop Model",
                "custom_dropdown",
                choices=("Dell Latitude 5440", "Lenovo ThinkPad T14"),
            ),
        ),
        icon="service-catalog-laptop",
    ),
    ItemSpec(
        "MacBook Pro Laptop",
        "Hardware Provisioning",
        "Apple laptop for developers and designers",
        "A MacBook Pro 14 with the developer image. Needs a manager's approval.",
        "2400.00",
        96,
        fields=(JUSTIFICATION,),
        icon="service-catalog-laptop",
    ),
    ItemSpec(
        "External Monitor",
        "Hardware Provisioning",
        "A 27-inch monitor for your desk",
        "A 27-inch 4K monitor with cables.",
        "350.00",
        48,
        allow_quantity=True,
    ),
    ItemSpec(
        "Laptop Bag",
        "Hardware Provisioning",
        "A padded bag for a 14-inch laptop",
        "A padded backpack that fits laptops up to 15 inches.",
        "60.00",
        24,
        allow_quantity=True,
    ),
    ItemSpec(
        "Headset",
        "Hardware Provisioning",
        "A noise-cancelling headset for calls",
        "A USB-C noise-cancelling headset certified for Zoom and Teams.",
        "120.00",
        24,
    ),
    ItemSpec(
        "Zoom",
        "Software Installation",
        "Install Zoom for video meetings",
        "Installs the Zoom desktop client and assigns a licence.",
        None,
        4,
        fields=(
            FormField("license_type", "License Type", "custom_dropdown", choices=("Basic", "Pro")),
        ),
        icon="service-catalog-zoom",
    ),
    ItemSpec(
        "Slack",
        "Software Installation",
        "Install Slack for team chat",
        "Installs the Slack desktop client and adds you to your team's channels.",
        None,
        4,
    ),
    ItemSpec(
        "Microsoft 365",
        "Software Installation",
        "Word, Excel, Outlook and Teams",
        "Installs the Microsoft 365 apps and assigns a licence.",
        None,
        8,
    ),
    ItemSpec(
        "Adobe Acrobat Pro",
        "Software Installation",
        "Create and edit PDF files",
        "Installs Adobe Acrobat Pro. Licences are limited.",
        "180.00",
        24,
        fields=(JUSTIFICATION,),
    ),
    ItemSpec(
        "VPN Access",
        "Access Requests",
        "Work from home through the company VPN",
        "Grants access to the company VPN and installs the client.",
        None,
        8,
        fields=(
            JUSTIFICATION,
            FormField(
                "access_duration",
                "Access Duration",
                "custom_dropdown",
                choices=("1 month", "3 months", "Permanent"),
            ),
        ),
    ),
    ItemSpec(
        "Shared Drive Access",
        "Access Requests",
        "Read or write access to a shared drive",
        "Grants access to a department's shared drive.",
        None,
        8,
        fields=(
            FormField("drive_name", "Drive Name", "custom_text", True),
            FormField("write_access", "Write Access", "custom_checkbox"),
        ),
    ),
    ItemSpec(
        "Password Reset",
        "Access Requests",
        "Reset a forgotten password",
        "Resets the password of your account and sends a temporary one.",
        None,
        1,
    ),
    ItemSpec(
        "Employment Verification Letter",
        "HR Services",
        "A letter confirming your employment",
        "HR issues a signed letter confirming your role and start date.",
        None,
        48,
    ),
    ItemSpec(
        "Parking Permit",
        "Workplace",
        "A parking permit for the office car park",
        "A yearly parking permit for the office car park.",
        "25.00",
        72,
    ),
    ItemSpec(
        "Fax Line",
        "Access Requests",
        "A legacy fax line (being retired)",
        "Legacy fax lines are being retired; this item is kept as a draft.",
        None,
        120,
        published=False,
    ),
)

CATEGORY_KEYS = (
    "description",
    "id",
    "created_at",
    "updated_at",
    "name",
    "position",
    "workspace_id",
)


def generate_catalog(
    *,
    seed: int,
    domain: str,
    account_index: int,
    anchor: int,
    workspaces: Sequence[Record],
    primary: int,
) -> tuple[list[Record], list[Record]]:
    """(categories, items) of the account's catalog."""
    rng = random.Random(f"{seed}:{domain}:catalog")
    by_template = {w["template_name"]: w["id"] for w in workspaces}
    created = anchor - 400 * DAY
    categories: list[Record] = []
    category_ids: dict[str, tuple[int, int]] = {}
    for position, (name, template, description) in enumerate(CATEGORIES, start=1):
        category_id = ids.ranged(ids.SERVICE_CATEGORY_BASE, account_index, position)
        workspace_id = by_template.get(template, primary)
        category_ids[name] = (category_id, workspace_id)
        categories.append(
            {
                "description": description,
                "id": category_id,
                "created_at": created,
                "updated_at": created,
                "name": name,
                "position": position,
                "workspace_id": workspace_id,
            }
        )
    items = []
    for display_id, spec in enumerate(ITEMS, start=1):
        item_id = ids.ranged(ids.SERVICE_ITEM_BASE, account_index, display_id)
        category_id, workspace_id = category_ids[spec.category]
        made = created + display_id * DAY
        items.append(
            {
                "id": item_id,
                "created_at": made,
                "updated_at": made + int(rng.random() * 30 * DAY),
                "name": spec.name,
                "delivery_time": spec.delivery_time,
                "display_id": display_id,
                "category_id": category_id,
                "product_id": None,
                "quantity": None,
                "deleted": False,
                "icon_name": spec.icon,
                "group_visibility": 1,
                "agent_group_visibility": 1,
                "item_type": 1,
                "ci_type_id": None,
                "cost_visibility": spec.cost is not None,
                "delivery_time_visibility": spec.delivery_time is not None,
                "configs": {
                    "attachment_mandatory": False,
                    "subject": "Request for {{requested_for}} : {{item.name}}",
                },
                "botified": False,
                "visibility": 2 if spec.published else 1,
                "allow_attachments": True,
                "allow_quantity": spec.allow_quantity,
                "is_bundle": False,
                "create_child": False,
                "description": spec.description,
                "short_description": spec.short_description,
                "cost": spec.cost,
                "custom_fields": [
                    _form_field(rng, field, item_id, position, made)
                    for position, field in enumerate(spec.fields, start=1)
                ],
                "child_items": [],
                "icon_url": f"https://{domain}/images/{spec.icon}.png",
                "workspace_id": workspace_id,
            }
        )
    return categories, items


def _form_field(
    rng: random.Random, field: FormField, item_id: int, position: int, made: int
) -> dict[str, Any]:
    stamp = format_ts(made)  # nested timestamps are stored already rendered
    return {
        "created_at": stamp,
        "deleted": False,
        "description": None,
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "label": field.label,
        "name": field.name,
        "updated_at": stamp,
        "field_options": {
            "displayed_to_requester": "true",
            "requester_can_edit": "true",
            "placeholder": "",
        },
        "visible_in_portal": True,
        "field_type": field.field_type,
        "item_id": item_id,
        "position": position,
        "required": field.required,
        "choices": [[choice, choice] for choice in field.choices],
        "nested_fields": [],
    }
