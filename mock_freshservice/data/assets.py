"""Assets, their types and type fields, products and vendors, for one account.

Freshservice names type-specific fields `<field>_<asset_type_id>` after the type that defines
them, and an asset carries the fields of its type and of every ancestor type: a laptop has the
Hardware fields (`product_…`, `asset_state_…`, `serial_number_…`) and the Computer ones
(`hostname_…`, `memory_…`). Assets are addressed by `display_id`.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from mock_freshservice.clock import DAY, format_date
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record

FieldKind = Literal["text", "number", "date", "dropdown"]

ASSET_STATES = ("In Use", "In Stock", "In Transit", "Missing", "Retired")
IMPACTS = ("low", "medium", "high")
USAGE_TYPES = ("permanent", "loaner")
SOURCES = ("User", "Discovery Agent", "Discovery Probe", "Intune", "Jamf Connector")


@dataclasses.dataclass(frozen=True, slots=True)
class TypeField:
    base: str  # the name before the `_<asset_type_id>` suffix
    label: str
    kind: FieldKind
    data_type: Literal["string", "integer", "float", "date"]
    required: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class AssetTypeSpec:
    n: int  # position in this table; the id is ranged from it
    name: str
    parent: int | None  # n of the parent type
    description: str
    fields: tuple[TypeField, ...] = ()
    weight: int = 0  # how often generated assets are of this type (0 = never)
    products: tuple[tuple[str, str], ...] = ()  # (product name, vendor name)


HARDWARE_FIELDS = (
    TypeField("product", "Product", "dropdown", "integer", required=True),
    TypeField("vendor", "Vendor", "dropdown", "integer"),
    TypeField("cost", "Cost", "number", "float"),
    TypeField("warranty", "Warranty (months)", "number", "integer"),
    TypeField("acquisition_date", "Acquisition Date", "date", "date"),
    TypeField("warranty_expiry_date", "Warranty Expiry Date", "date", "date"),
    TypeField("asset_state", "Asset State", "dropdown", "string", required=True),
    TypeField("serial_number", "Serial Number", "text", "string"),
    TypeField("last_audit_date", "Last Audit Date", "date", "date"),
)
COMPUTER_FIELDS = (
    TypeField("os", "OS", "text", "string"),
    TypeField("memory", "Memory (GB)", "number", "integer"),
    TypeField("disk_space", "Disk Space (GB)", "number", "integer"),
    TypeField("hostname", "Hostname", "text", "string"),
    TypeField("mac_address", "MAC Address", "text", "string"),
    TypeField("ip_address", "IP Address", "text", "string"),
    TypeField("uuid", "UUID", "text", "string"),
)

ASSET_TYPES: tuple[AssetTypeSpec, ...] = (
    AssetTypeSpec(1, "Hardware", None, "All hardware", HARDWARE_FIELDS),
    AssetTypeSpec(2, "Computer", 1, "Laptops and desktops", COMPUTER_FIELDS),
    AssetTypeSpec(
        3,
        "Laptop",
        2,
        "Portable computers",
        weight=35,
        products=(
            ("Dell Latitude 5440", "Dell"),
            ("MacBook Pro 14", "Apple"),
            ("Lenovo ThinkPad T14", "Lenovo"),
        ),
    ),
    AssetTypeSpec(
        4,
        "Desktop",
        2,
        "Desktop computers",
        weight=10,
        products=(("Dell OptiPlex 7010", "Dell"), ("HP EliteDesk 800", "HP")),
    ),
    AssetTypeSpec(
        5,
        "Monitor",
        1,
        "Displays",
        weight=20,
        products=(("Dell UltraSharp U2723QE", "Dell"), ("LG 27UK850", "LG")),
    ),
    AssetTypeSpec(
        6,
        "Mobile Device",
        1,
        "Phones and tablets",
        (TypeField("imei_number", "IMEI Number", "text", "string"),),
        weight=10,
        products=(("iPhone 15", "Apple"), ("Pixel 8", "Google")),
    ),
    AssetTypeSpec(
        7,
        "Printer",
        1,
        "Printers and scanners",
        weight=5,
        products=(("HP LaserJet Pro 4001", "HP"),),
    ),
    AssetTypeSpec(
        8,
        "Network",
        1,
        "Network equipment",
        (
            TypeField("firmware_version", "Firmware Version", "text", "string"),
            TypeField("ip_address", "IP Address", "text", "string"),
        ),
    ),
    AssetTypeSpec(9, "Router", 8, "Routers", weight=3, products=(("Cisco ISR 1100", "Cisco"),)),
    AssetTypeSpec(
        10, "Switch", 8, "Switches", weight=3, products=(("Cisco Catalyst 9200", "Cisco"),)
    ),
    AssetTypeSpec(
        11,
        "Access Point",
        8,
        "Wireless access points",
        weight=4,
        products=(("Aruba AP-515", "Aruba"),),
    ),
    AssetTypeSpec(
        12,
        "Software",
        None,
        "Installed and licensed software",
        (
            TypeField("publisher", "Publisher", "text", "string"),
            TypeField("version", "Version", "text", "string"),
        ),
        weight=5,
    ),
    AssetTypeSpec(
        13,
        "Cloud",
        None,
        "Cloud resources",
        (
            TypeField("provider", "Provider", "text", "string"),
            TypeField("region", "Region", "text", "string"),
        ),
        weight=5,
    ),
    AssetTypeSpec(14, "Services", None, "Business and IT services"),
)

SOFTWARE = (
    ("Microsoft 365", "Microsoft", "2402"),
    ("Zoom", "Zoom", "6.1"),
    ("Slack", "Slack", "4.38"),
    ("Adobe Acrobat Pro", "Adobe", "24.2"),
)
CLOUD = (
    ("prod-web-01", "AWS", "us-east-1"),
    ("analytics-db", "Azure", "westeurope"),
    ("build-runner", "GCP", "us-central1"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class AssetCatalog:
    """One account's asset types, products and vendors, with the type-field rules."""

    account_index: int
    types: Mapping[int, Record]  # asset type id → stored asset type
    fields: Mapping[int, tuple[tuple[TypeField, int], ...]]  # type id → (field, defining type)
    products: Mapping[int, Record]  # product id → {"id", "name", "vendor_id", "asset_type_id"}
    vendors: Mapping[int, Record]

    def field_names(self, type_id: int) -> dict[str, TypeField]:
        """The `type_fields` keys an asset of this type may carry."""
        return {f"{f.base}_{owner}": f for f, owner in self.fields.get(type_id, ())}

    def base_value(self, type_fields: Mapping[str, Any], base: str) -> Any:
        """A type field's value by its base name (`serial_number`), whatever its suffix."""
        prefix = f"{base}_"
        for name, value in type_fields.items():
            if name.startswith(prefix) and name[len(prefix) :].isdigit():
                return value
        return None


def build_catalog(account_index: int, anchor: int) -> AssetCatalog:
    type_id = {
        spec.n: ids.ranged(ids.ASSET_TYPE_BASE, account_index, spec.n) for spec in ASSET_TYPES
    }
    created = anchor - 900 * DAY
    types: dict[int, Record] = {}
    by_n = {spec.n: spec for spec in ASSET_TYPES}
    fields: dict[int, tuple[tuple[TypeField, int], ...]] = {}
    for spec in ASSET_TYPES:
        types[type_id[spec.n]] = {
            "id": type_id[spec.n],
            "name": spec.name,
            "parent_asset_type_id": None if spec.parent is None else type_id[spec.parent],
            "description": spec.description,
            "visible": True,
            "created_at": created,
            "updated_at": created,
        }
        chain: list[AssetTypeSpec] = []
        walk: AssetTypeSpec | None = spec
        while walk is not None:
            chain.append(walk)
            walk = by_n.get(walk.parent) if walk.parent is not None else None
        fields[type_id[spec.n]] = tuple(
            (field, type_id[owner.n]) for owner in reversed(chain) for field in owner.fields
        )
    vendor_names = sorted({v for spec in ASSET_TYPES for _, v in spec.products})
    vendors = {
        ids.ranged(ids.VENDOR_BASE, account_index, i): {
            "id": ids.ranged(ids.VENDOR_BASE, account_index, i),
            "name": name,
        }
        for i, name in enumerate(vendor_names, start=1)
    }
    vendor_id = {v["name"]: v["id"] for v in vendors.values()}
    products: dict[int, Record] = {}
    for spec in ASSET_TYPES:
        for product, vendor in spec.products:
            pid = ids.ranged(ids.PRODUCT_BASE, account_index, len(products) + 1)
            products[pid] = {
                "id": pid,
                "name": product,
                "vendor_id": vendor_id[vendor],
                "asset_type_id": type_id[spec.n],
            }
    return AssetCatalog(account_index, types, fields, products, vendors)


def generate_assets(
    seed: int,
    domain: str,
    catalog: AssetCatalog,
    count: int,
    anchor: int,
    *,
    workspaces: Sequence[int],
    users: Sequence[Record],
    agents: Sequence[int],
    groups: Sequence[int],
    locations: Sequence[int],
) -> list[Record]:
    """`count` assets with display ids 1…count, from one sequential generator (`random()` and
    `getrandbits` draws only, so ten thousand assets build in a fraction of a second)."""
    rng = random.Random(f"{seed}:{domain}:assets")
    r, bits = rng.random, rng.getrandbits
    leaf_specs = [spec for spec in ASSET_TYPES if spec.weight]
    cumulative = list(itertools.accumulate(spec.weight for spec in leaf_specs))
    total_weight = cumulative[-1]
    type_ids = {
        spec.n: ids.ranged(ids.ASSET_TYPE_BASE, catalog.account_index, spec.n)
        for spec in ASSET_TYPES
    }
    products_by_type: dict[int, list[Record]] = {}
    for product in catalog.products.values():
        products_by_type.setdefault(product["asset_type_id"], []).append(product)
    # Per type: the (key, base name) of each of its type fields, worked out once.
    plans = {
        type_ids[spec.n]: [
            (f"{f.base}_{owner}", f.base) for f, owner in catalog.fields[type_ids[spec.n]]
        ]
        for spec in leaf_specs
    }
    oses = ("Windows 11", "macOS 14", "Ubuntu 24.04")
    assets = []
    for display_id in range(1, count + 1):
        spec = leaf_specs[bisect_right(cumulative, r() * total_weight)]
        type_id = type_ids[spec.n]
        created = anchor - int(r() * 900 * DAY)
        updated = min(anchor, created + int(r() * 120 * DAY))
        user = users[int(r() * len(users))] if r() < 0.6 else None
        warranty = 12 * (1 + int(r() * 3))
        values: dict[str, Any] = {
            "asset_state": "In Use" if user is not None else ASSET_STATES[1 + int(r() * 4)],
            "cost": round(200 + r() * 2800, 2),
            "warranty": warranty,
            "acquisition_date": format_date(created),
            "warranty_expiry_date": format_date(created + warranty * 30 * DAY),
            "last_audit_date": format_date(created + int(r() * max(1, anchor - created))),
            "serial_number": f"SN{bits(40):010X}",
            "os": oses[int(r() * 3)],
            "memory": (8, 16, 32)[int(r() * 3)],
            "disk_space": (256, 512, 1024)[int(r() * 3)],
            "hostname": f"WS-{display_id:05d}",
            # Six draws, one octet from each (from the lowest byte of the first up).
            "mac_address": (
                f"{bits(48) & 0xFF:02x}:{(bits(48) >> 8) & 0xFF:02x}:"
                f"{(bits(48) >> 16) & 0xFF:02x}:{(bits(48) >> 24) & 0xFF:02x}:"
                f"{(bits(48) >> 32) & 0xFF:02x}:{(bits(48) >> 40) & 0xFF:02x}"
            ),
            "ip_address": f"10.{bits(8)}.{bits(8)}.{1 + int(r() * 254)}",
            "uuid": f"{bits(128):032x}",
            "imei_number": f"{bits(50) % 10**15:015d}",
            "firmware_version": f"17.{int(r() * 9)}.{int(r() * 9)}",
        }
        name = spec.name
        choices = products_by_type.get(type_id, [])
        if choices:
            product = choices[int(r() * len(choices))]
            values["product"] = product["id"]
            values["vendor"] = product["vendor_id"]
            name = product["name"]
        if spec.name == "Software":
            name, values["publisher"], values["version"] = SOFTWARE[int(r() * len(SOFTWARE))]
        elif spec.name == "Cloud":
            name, values["provider"], values["region"] = CLOUD[int(r() * len(CLOUD))]
        type_fields = {key: values.get(base) for key, base in plans[type_id]}
        first_source = SOURCES[int(r() * len(SOURCES))]
        assets.append(
            {
                "id": ids.ranged(ids.ASSET_BASE, catalog.account_index, display_id),
                "display_id": display_id,
                "name": f"{name} #{display_id:04d}",
                "description": f"{spec.name} asset",
                "asset_type_id": type_id,
                "impact": IMPACTS[int(r() * 3)],
                "author_type": "User" if first_source == "User" else first_source,
                "usage_type": "loaner" if r() < 0.1 else "permanent",
                "asset_tag": f"ASSET-{display_id}",
                "user_id": None if user is None else user["id"],
                "department_id": None if user is None else next(iter(user["department_ids"]), None),
                "location_id": locations[int(r() * len(locations))] if locations else None,
                "agent_id": agents[int(r() * len(agents))] if r() < 0.5 else None,
                "group_id": groups[int(r() * len(groups))] if r() < 0.4 else None,
                "assigned_on": None if user is None else min(anchor, created + int(r() * 30 * DAY)),
                "created_at": created,
                "updated_at": updated,
                "workspace_id": workspaces[0]
                if r() < 0.85
                else workspaces[int(r() * len(workspaces))],
                "created_by_source": first_source,
                "last_updated_by_source": SOURCES[int(r() * len(SOURCES))],
                "created_by_user": None,
                "last_updated_by_user": None,
                "sources": sorted({first_source, SOURCES[int(r() * len(SOURCES))]}),
                "type_fields": type_fields,
                "_trashed": r() < 0.02,
            }
        )
    return assets


ASSET_INDEX_FIELDS = (
    "workspace_id",
    "asset_type_id",
    "department_id",
    "location_id",
    "user_id",
    "agent_id",
    "name",
    "asset_tag",
    "created_at",
    "updated_at",
    "trashed",
    "type_fields",
)


def asset_index_of(record: Record) -> dict[str, Any]:
    return {
        "workspace_id": record["workspace_id"],
        "asset_type_id": record["asset_type_id"],
        "department_id": record["department_id"],
        "location_id": record["location_id"],
        "user_id": record["user_id"],
        "agent_id": record["agent_id"],
        "name": record["name"],
        "asset_tag": record["asset_tag"],
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "trashed": record["_trashed"],
        "type_fields": record["type_fields"],
    }
