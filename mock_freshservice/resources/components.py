"""An asset's components and the component types (the API reference's "Components" under
"Assets", and `/component_types`).

Each component is of one type (Processor, Memory…) and carries that type's fields in
`component_data`, a flat object; the type lists the fields it has. Components live under an asset
(`/assets/{display_id}/components`) and follow its privileges: agents read, asset managers write.
A trashed asset keeps its components but takes no new ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice.clock import DAY
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.resources.declaration import Context, Parent, Resource, Seeding, records_of
from mock_freshservice.resources.fields import Field, read_only

# (name, its fields as (name, label, type)); the fields are the data a component of it holds.
COMPONENT_TYPES_SEEDED: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Processor",
        (
            ("manufacturer", "Manufacturer", "text"),
            ("cpu_speed", "CPU Speed (GHz)", "number"),
            ("no_of_cores", "Cores", "number"),
        ),
    ),
    (
        "Memory",
        (
            ("capacity", "Capacity (GB)", "number"),
            ("memory_type", "Type", "text"),
            ("speed", "Speed (MHz)", "number"),
        ),
    ),
    (
        "Hard Disk",
        (
            ("capacity", "Capacity (GB)", "number"),
            ("model", "Model", "text"),
            ("serial_number", "Serial Number", "text"),
        ),
    ),
    (
        "Network Adapter",
        (("mac_address", "MAC Address", "text"), ("ip_address", "IP Address", "text")),
    ),
    (
        "Monitor",
        (("manufacturer", "Manufacturer", "text"), ("screen_size", "Screen Size (in)", "number")),
    ),
    ("Keyboard", (("manufacturer", "Manufacturer", "text"), ("layout", "Layout", "text"))),
)
FIELD_TYPES = ("text", "number")

COMPONENT_TYPE_FIELDS = (
    read_only("id", "id", "Unique ID of the component type"),
    read_only("name", "string", "Name of the component type"),
    read_only(
        "fields",
        "object",
        "The data a component of this type holds: name, label and type of each field",
        answer_schema={
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "label", "type"],
                "properties": {
                    "name": {"type": "string"},
                    "label": {"type": "string"},
                    "type": {"type": "string", "enum": list(FIELD_TYPES)},
                },
            },
        },
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)

COMPONENT_FIELDS = (
    read_only("id", "id", "Unique ID of the component"),
    Field(
        "component_type_id",
        "id",
        "The component's type",
        required=True,
        nullable=False,
        references="component_types",
        updatable=False,
    ),
    read_only("component_type", "string", "Name of the component's type"),
    Field(
        "component_data",
        "object",
        "The type's fields and their values (`GET /component_types` names them)",
        default={},
        nullable=False,
        merge=True,
        request_shape={
            "type": "object",
            "maxProperties": 3,
            "properties": {"manufacturer": {"type": "string", "maxLength": 64}},
            "additionalProperties": False,
        },
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _type_of(context: Context, type_id: Any) -> Record | None:
    if not isinstance(type_id, int) or isinstance(type_id, bool):
        return None
    return records_of(context.account, COMPONENT_TYPES).live(type_id)


def _check(context: Context, body: Mapping[str, Any], old: Record | None) -> list[FieldError]:
    """`component_data` holds only its type's fields, text as strings, numbers as numbers."""
    data = body.get("component_data")
    kind = _type_of(context, body.get("component_type_id", (old or {}).get("component_type_id")))
    if not isinstance(data, dict) or kind is None:
        return []
    fields = {f["name"]: f["type"] for f in kind["fields"]}
    for name, value in data.items():
        if name not in fields:
            return [
                FieldError(
                    "component_data",
                    f"{name} is not a field of {kind['name']}: use {', '.join(fields)}",
                    "invalid_field",
                )
            ]
        wanted = fields[name]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if value is not None and (
            (wanted == "number" and not number) or (wanted == "text" and not isinstance(value, str))
        ):
            expected = "Number" if wanted == "number" else "String"
            return [
                FieldError(
                    "component_data", f"{name} should be a/an {expected}", "datatype_mismatch"
                )
            ]
    return []


def _fill(context: Context, record: Record, body: Mapping[str, Any], old: Record | None) -> None:
    kind = _type_of(context, record.get("component_type_id"))
    record["component_type"] = None if kind is None else kind["name"]


def _seed_types(seeding: Seeding) -> list[tuple[str, Record]]:
    created = seeding.anchor - 900 * DAY
    return [
        (
            COMPONENT_TYPES.table_name,
            {
                "id": seeding.new_id(n),
                "name": name,
                "fields": [{"name": f, "label": label, "type": kind} for f, label, kind in fields],
                "created_at": created,
                "updated_at": created,
                "_parent": None,
            },
        )
        for n, (name, fields) in enumerate(COMPONENT_TYPES_SEEDED, start=1)
    ]


_COMPUTERS = ("Laptop", "Desktop", "Server")
# What the seeded hardware holds: (type, data) pairs drawn for each of the first assets.
_SEEDED_PARTS: tuple[tuple[int, dict[str, Any]], ...] = (
    (1, {"manufacturer": "Intel", "cpu_speed": 2.6, "no_of_cores": 8}),
    (2, {"capacity": 16, "memory_type": "DDR4", "speed": 3200}),
    (3, {"capacity": 512, "model": "NVMe SSD", "serial_number": None}),
    (4, {"mac_address": None, "ip_address": None}),
)


def _seed_components(seeding: Seeding) -> list[tuple[str, Record]]:
    """Four parts of each of the first computers (`count` parts in all, at most)."""
    account = seeding.account
    computers = {t["id"] for t in account.asset_types.all() if t["name"] in _COMPUTERS}
    wanted = max(1, seeding.count // len(_SEEDED_PARTS))
    made: list[tuple[str, Record]] = []
    n = 0
    for display_id in account.assets.ids:
        if n >= wanted * len(_SEEDED_PARTS):
            break
        asset = account.assets.get(display_id)
        if asset is None or asset["asset_type_id"] not in computers:
            continue
        for type_n, data in _SEEDED_PARTS:
            n += 1
            type_id = ids.ranged(ids.COMPONENT_TYPE_BASE, account.index, type_n)
            filled = {
                key: (value if value is not None else f"{key[:3].upper()}-{display_id}-{n}")
                for key, value in data.items()
            }
            made.append(
                (
                    COMPONENTS.table_name,
                    {
                        "id": seeding.new_id(n),
                        "component_type_id": type_id,
                        "component_type": COMPONENT_TYPES_SEEDED[type_n - 1][0],
                        "component_data": filled,
                        "created_at": asset["created_at"],
                        "updated_at": asset["created_at"],
                        "_parent": display_id,
                    },
                )
            )
    return made


COMPONENT_TYPES = Resource(
    name="component_types",
    singular="component_type",
    scope="assets",
    tag="assets",
    id_base=ids.COMPONENT_TYPE_BASE,
    operations=("list", "view"),
    fields=COMPONENT_TYPE_FIELDS,
    seed=_seed_types,
    count=lambda tickets: len(COMPONENT_TYPES_SEEDED),
    updated_since=False,
    order=("id", "asc"),
    description="Component types (read-only through the API)",
)

COMPONENTS = Resource(
    name="components",
    singular="component",
    parent=Parent("assets", "components"),
    scope="assets",
    tag="assets",
    id_base=ids.COMPONENT_BASE,
    operations=("list", "create", "view", "update", "delete"),
    fields=COMPONENT_FIELDS,
    check=_check,
    fill=_fill,
    seed=_seed_components,
    count=lambda tickets: 4 * max(5, tickets // 200),
    updated_since=False,
    order=("id", "asc"),
    description="Components of an asset",
)

RESOURCES = (COMPONENT_TYPES, COMPONENTS)
