"""Products and vendors (the API reference's "Products" and "Vendors"): the catalogue assets'
`product` and `vendor` type fields name.

They are seeded from the account's asset catalogue (`data/assets.py`), keeping its ids, and an
asset's type fields and the asset form's choices read them from here, so a product created
through the API can be given to an asset at once and a deleted one no longer can.

Freshworks' OpenAPI file gives a product `status_id` (1 In Production, 2 In Pipeline, 3 Retired)
and `mode_of_procurement_id` (1 Buy, 2 Lease, 3 Both); the fake keeps those names.
"""

from __future__ import annotations

from mock_freshservice.clock import DAY
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.assets import AssetCatalog
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.resources import itsm
from mock_freshservice.resources.declaration import Context, Resource, Seeding
from mock_freshservice.resources.fields import Field, read_only
from mock_freshservice.resources.organisation import address_field

PRODUCT_STATUS = {1: "In Production", 2: "In Pipeline", 3: "Retired"}
PROCUREMENT = {1: "Buy", 2: "Lease", 3: "Both"}


def live(account: AccountData, table: str) -> dict[int, Record]:
    """The live products or vendors of an account, by id."""
    return {int(record["id"]): record for record in account.resource_tables[table].live_records()}


PRODUCT_FIELDS = (
    read_only("id", "id", "Unique ID of the product"),
    Field("name", "string", "Name of the product", required=True, nullable=False, blank_ok=False),
    Field(
        "asset_type_id",
        "id",
        "Asset type of the product",
        required=True,
        nullable=False,
        references="asset_types",
    ),
    Field("manufacturer", "string", "Who makes it"),
    Field(
        "status_id",
        "integer",
        "1 In Production, 2 In Pipeline, 3 Retired",
        choices=tuple(PRODUCT_STATUS),
        labels=PRODUCT_STATUS,
        default=1,
        nullable=False,
    ),
    Field(
        "mode_of_procurement_id",
        "integer",
        "1 Buy, 2 Lease, 3 Both",
        choices=tuple(PROCUREMENT),
        labels=PROCUREMENT,
        default=1,
        nullable=False,
    ),
    Field("depreciation_type_id", "id", "Depreciation type of the product"),
    Field("description", "html", "What the product is"),
    read_only("description_text", "text", "The description as plain text"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)

VENDOR_FIELDS = (
    read_only("id", "id", "Unique ID of the vendor"),
    Field("name", "string", "Name of the vendor", required=True, nullable=False, blank_ok=False),
    Field("description", "text", "What the vendor supplies"),
    Field(
        "primary_contact_id",
        "id",
        "The requester to contact at the vendor",
        references="users",
    ),
    address_field("The vendor's address"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _catalog(seeding: Seeding) -> AssetCatalog:
    catalog = seeding.account.asset_catalog
    assert catalog is not None  # built before the declared resources are seeded (build.py)
    return catalog


def _seed_vendors(seeding: Seeding) -> list[tuple[str, Record]]:
    catalog = _catalog(seeding)
    created = seeding.anchor - 800 * DAY
    return [
        (
            VENDORS.table_name,
            {
                "id": vendor["id"],
                "name": vendor["name"],
                "description": None,
                "primary_contact_id": None,
                "address": {},
                "created_at": created,
                "updated_at": created,
                "_parent": None,
            },
        )
        for vendor in sorted(catalog.vendors.values(), key=lambda v: int(v["id"]))
    ]


def _seed_products(seeding: Seeding) -> list[tuple[str, Record]]:
    catalog = _catalog(seeding)
    created = seeding.anchor - 800 * DAY
    return [
        (
            PRODUCTS.table_name,
            {
                "id": product["id"],
                "name": product["name"],
                "asset_type_id": product["asset_type_id"],
                "manufacturer": catalog.vendors[product["vendor_id"]]["name"],
                "status_id": 1,
                "mode_of_procurement_id": 1,
                "depreciation_type_id": None,
                "description": None,
                "description_text": "",
                "created_at": created,
                "updated_at": created,
                "_parent": None,
            },
        )
        for product in sorted(catalog.products.values(), key=lambda p: int(p["id"]))
    ]


VENDORS = Resource(
    name="vendors",
    singular="vendor",
    scope="vendors",
    tag="vendors",
    id_base=ids.VENDOR_BASE,
    fields=VENDOR_FIELDS,
    unique=("name",),
    seed=_seed_vendors,
    count=lambda tickets: 0,  # as many as the asset catalogue has
    updated_since=False,
    order=("id", "asc"),
    description="Vendors",
)

PRODUCTS = Resource(
    name="products",
    singular="product",
    scope="products",
    tag="products",
    id_base=ids.PRODUCT_BASE,
    fields=PRODUCT_FIELDS,
    unique=("name",),
    fill=itsm.described,
    seed=_seed_products,
    count=lambda tickets: 0,  # as many as the asset catalogue has
    updated_since=False,
    order=("id", "asc"),
    description="Products",
)

# -- asset types -------------------------------------------------------------------------------

ASSET_TYPE_FIELDS = (
    read_only("id", "id", "Unique ID of the asset type"),
    Field(
        "name", "string", "Name of the asset type", required=True, nullable=False, blank_ok=False
    ),
    Field(
        "parent_asset_type_id",
        "id",
        "The type this one is a kind of: its assets have the parent's fields too",
        references="asset_types",
        updatable=False,
    ),
    Field("description", "text", "What assets of this type are"),
    Field("visible", "boolean", "Whether the type is offered", default=True, nullable=False),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _keep_in_use_types(context: Context, record: Record) -> None:
    """A type the catalogue ships with, or one that assets or other types still name, stays
    (guesses.ASSET_TYPE_DELETE)."""
    account = context.account
    catalog = account.asset_catalog
    if catalog is not None and record["id"] in catalog.types:
        raise ValidationFailed(
            [FieldError("id", "A default asset type cannot be deleted", "invalid_value")]
        )
    named = any(
        t.get("parent_asset_type_id") == record["id"] for t in account.asset_types.live_records()
    )
    types = account.assets.column("asset_type_id")
    if named or record["id"] in types:
        raise ValidationFailed(
            [
                FieldError(
                    "id",
                    "The asset type still has assets or child types: move them first",
                    "invalid_value",
                )
            ]
        )


ASSET_TYPES = Resource(
    name="asset_types",
    singular="asset_type",
    scope="assets",
    tag="assets",
    id_base=ids.ASSET_TYPE_BASE,
    adopts="asset_types",
    manage_verb="manage",
    fields=ASSET_TYPE_FIELDS,
    unique=("name",),
    on_delete=_keep_in_use_types,
    updated_since=False,
    order=("id", "asc"),
    description="Asset types",
)

RESOURCES = (VENDORS, PRODUCTS, ASSET_TYPES)
