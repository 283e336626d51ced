"""Software and contracts (the API reference's "Software" at `/applications` and "Contracts").

An application is installed on assets (`/applications/{id}/installations`, each naming an asset
by display id) and licensed by contracts (`/applications/{id}/licenses`, each naming a contract).
Its `installation_count` follows its installations. A contract covers assets
(`associated_asset_ids`, display ids); its `status` follows the data clock: `draft` before its
start date, `active` until its end date, `expired` after. An asset's own view of both is served
in `api/assets.py` (`/assets/{display_id}/applications`, `/assets/{display_id}/contracts`).

Choices the public material leaves open are in guesses.py (SOFTWARE_AND_CONTRACTS).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice.clock import DAY
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.resources import catalogue, itsm
from mock_freshservice.resources.declaration import (
    Context,
    Filter,
    Parent,
    Resource,
    Seeding,
    records_of,
)
from mock_freshservice.resources.fields import Field, read_only

APPLICATION_TYPES = ("desktop", "saas", "mobile")
APPLICATION_STATUSES = ("managed", "ignored", "blacklisted")
CONTRACT_TYPES = {1: "Lease", 2: "Maintenance", 3: "Software License", 4: "Warranty"}
SOFTWARE_LICENSE = 3
CONTRACT_STATUSES = ("draft", "active", "expired")
LICENSE_TYPES = ("volume", "enterprise", "installation", "user")
BILLING_CYCLES = ("annual", "monthly", "one_time")

APPLICATIONS_SEEDED = (
    # (name, type, category, status, vendor index)
    ("Microsoft 365", "saas", "Productivity", "managed", 0),
    ("Slack", "saas", "Communication", "managed", 1),
    ("Zoom", "desktop", "Communication", "managed", 2),
    ("Adobe Acrobat Reader", "desktop", "Productivity", "managed", 3),
    ("Google Chrome", "desktop", "Browser", "managed", 4),
    ("7-Zip", "desktop", "Utilities", "ignored", 5),
    ("uTorrent", "desktop", "File Sharing", "blacklisted", 6),
    ("Okta Verify", "mobile", "Security", "managed", 7),
)


def _asset_exists(context: Context, display_id: Any) -> bool:
    if not isinstance(display_id, int) or isinstance(display_id, bool):
        return False
    return context.account.assets.get(display_id) is not None


# -- applications --------------------------------------------------------------------------------

APPLICATION_FIELDS = (
    read_only("id", "id", "Unique ID of the application"),
    Field(
        "name", "string", "Name of the application", required=True, nullable=False, blank_ok=False
    ),
    Field("description", "text", "What the application does"),
    Field(
        "application_type",
        "string",
        "desktop, saas or mobile",
        choices=APPLICATION_TYPES,
        default="desktop",
        nullable=False,
        updatable=False,
    ),
    Field(
        "status",
        "string",
        "managed, ignored or blacklisted (null: not yet reviewed)",
        choices=APPLICATION_STATUSES,
    ),
    Field("publisher_id", "id", "The vendor who publishes it", references="vendors"),
    Field("managed_by_id", "id", "The agent who manages it", references="agents"),
    Field("notes", "text", "Notes"),
    Field("category", "string", "Category"),
    read_only("source", "string", "How the application was found", default="API"),
    read_only("user_count", "integer", "How many users use it", default=0, nullable=False),
    read_only(
        "installation_count",
        "integer",
        "On how many devices it is installed",
        default=0,
        nullable=False,
    ),
    Field(
        "workspace_id",
        "id",
        "Workspace of the application",
        references="workspaces",
        default=itsm.primary_workspace,
        nullable=False,
        updatable=False,
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _seed_applications(seeding: Seeding) -> list[tuple[str, Record]]:
    account = seeding.account
    vendors = sorted(catalogue.live(account, "vendors"))
    agents = list(account.agents.ids)
    computers = [
        display_id
        for display_id in account.assets.ids[: max(50, seeding.count * 10)]
        if (account.assets.get(display_id) or {}).get("user_id") is not None
    ]
    made: list[tuple[str, Record]] = []
    installation_n = 0
    for n, (name, kind, category, status, vendor) in enumerate(APPLICATIONS_SEEDED, start=1):
        created = seeding.anchor - (600 - 30 * n) * DAY
        application_id = seeding.new_id(n)
        installed_on = (
            []
            if kind == "saas" or not computers
            else sorted({seeding.choice(computers) for _ in range(seeding.between(1, 6))})
        )
        for display_id in installed_on:
            installation_n += 1
            asset = account.assets.get(display_id) or {}
            made.append(
                (
                    INSTALLATIONS.table_name,
                    {
                        "id": ids.ranged(ids.INSTALLATION_BASE, account.index, installation_n),
                        "installation_machine_id": display_id,
                        "installation_path": f"C:\\Program Files\\{name}",
                        "version": f"{seeding.between(1, 30)}.{seeding.between(0, 10)}",
                        "user_id": asset.get("user_id"),
                        "department_id": asset.get("department_id"),
                        "installation_date": created + seeding.between(1, 100) * DAY,
                        "created_at": created + DAY,
                        "updated_at": created + DAY,
                        "_parent": application_id,
                    },
                )
            )
        made.append(
            (
                APPLICATIONS.table_name,
                {
                    "id": application_id,
                    "name": name,
                    "description": None,
                    "application_type": kind,
                    "status": status,
                    "publisher_id": vendors[vendor % len(vendors)] if vendors else None,
                    "managed_by_id": seeding.pick(agents),
                    "notes": None,
                    "category": category,
                    "source": "Discovery Agent" if kind == "desktop" else "API",
                    "user_count": len(installed_on),
                    "installation_count": len(installed_on),
                    "workspace_id": account.primary_workspace_id,
                    "created_at": created,
                    "updated_at": created,
                    "_parent": None,
                },
            )
        )
    return made


def _drop_installations_and_licenses(context: Context, record: Record) -> None:
    """A deleted application takes its installations and licences with it."""
    for resource in (INSTALLATIONS, LICENSES):
        itsm.delete_where(context, resource, "_parent", record["id"])


APPLICATIONS = Resource(
    name="applications",
    singular="application",
    scope="applications",
    tag="software",
    id_base=ids.APPLICATION_BASE,
    fields=APPLICATION_FIELDS,
    unique=("name",),
    workspace=True,
    on_delete=_drop_installations_and_licenses,
    seed=_seed_applications,
    count=lambda tickets: len(APPLICATIONS_SEEDED),
    filters=(
        Filter(
            "status",
            "choice",
            lambda record, value, context: record.get("status") == value,
            choices=APPLICATION_STATUSES,
            description="Only applications with this status",
        ),
    ),
    order=("id", "asc"),
    description="Software",
)


# -- installations -------------------------------------------------------------------------------


def _installation_check(
    context: Context, body: Mapping[str, Any], old: Record | None
) -> list[FieldError]:
    machine = body.get("installation_machine_id")
    if machine is not None and not _asset_exists(context, machine):
        return [
            FieldError(
                "installation_machine_id",
                "There is no asset matching the given installation_machine_id",
                "invalid_value",
            )
        ]
    if machine is not None and old is None and context.parent is not None:
        table = records_of(context.account, INSTALLATIONS)
        for other in table.live_records():
            if other.get("_parent") == context.parent["id"] and (
                other.get("installation_machine_id") == machine
            ):
                return [
                    FieldError(
                        "installation_machine_id",
                        "The application is already installed on this device",
                        "duplicate_value",
                    )
                ]
    return []


def _installation_fill(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    """An installation takes the device's user and department unless given; the application
    counts it."""
    asset = context.account.assets.get(record.get("installation_machine_id") or 0) or {}
    if "user_id" not in body and old is None:
        record["user_id"] = asset.get("user_id")
    if "department_id" not in body and old is None:
        record["department_id"] = asset.get("department_id")
    if old is None:
        _count_installations(context, +1)


def _installation_gone(context: Context, record: Record) -> None:
    _count_installations(context, -1)


def _count_installations(context: Context, change: int) -> None:
    parent = context.parent
    if parent is None:
        return
    table = records_of(context.account, APPLICATIONS)
    application = table.live(parent["id"])
    if application is not None:
        count = max(0, int(application.get("installation_count") or 0) + change)
        table.put({**application, "installation_count": count})


INSTALLATION_FIELDS = (
    read_only("id", "id", "Unique ID of the installation"),
    Field(
        "installation_machine_id",
        "id",
        "The device (asset display id) the application is installed on",
        required=True,
        nullable=False,
        updatable=False,
    ),
    Field("installation_path", "string", "Where it is installed"),
    Field("version", "string", "The installed version"),
    Field("user_id", "id", "Who uses the device", references="users"),
    Field("department_id", "id", "The device's department", references="departments"),
    Field("installation_date", "datetime", "When it was installed"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)

INSTALLATIONS = Resource(
    name="installations",
    singular="installation",
    parent=Parent("applications", "installations"),
    scope="applications",
    tag="software",
    id_base=ids.INSTALLATION_BASE,
    operations=("list", "create", "view", "update", "delete"),
    fields=INSTALLATION_FIELDS,
    check=_installation_check,
    fill=_installation_fill,
    on_delete=_installation_gone,
    updated_since=False,
    order=("id", "asc"),
    description="Installations of an application",
)


# -- contracts -----------------------------------------------------------------------------------


def contract_status(record: Mapping[str, Any], now: int) -> str:
    start, end = record.get("start_date"), record.get("end_date")
    if start is not None and now < start:
        return "draft"
    if end is not None and now >= end + DAY:  # the end date is the contract's last day
        return "expired"
    return "active"


def _contract_now(record: Record, now: int) -> Record:
    return {**record, "status": contract_status(record, now)}


def _contract_check(
    context: Context, body: Mapping[str, Any], old: Record | None
) -> list[FieldError]:
    merged = {**(old or {}), **body}
    problems = itsm.end_not_before_start(context, body, old, "start_date", "end_date")
    if merged.get("contract_type_id") == SOFTWARE_LICENSE and merged.get("software_id") is None:
        problems.append(
            FieldError("software_id", "It should be given for a Software License", "missing_field")
        )
    for display_id in body.get("associated_asset_ids") or ():
        if not _asset_exists(context, display_id):
            problems.append(
                FieldError(
                    "associated_asset_ids",
                    "There is no asset matching the given associated_asset_ids",
                    "invalid_value",
                )
            )
            break
    return problems


def _contract_fill(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    record["status"] = contract_status(record, context.now)


CONTRACT_FIELDS = (
    read_only("id", "id", "Unique ID of the contract"),
    Field("name", "string", "Name of the contract", required=True, nullable=False, blank_ok=False),
    Field("description", "text", "What the contract covers"),
    Field(
        "vendor_id",
        "id",
        "The vendor",
        required=True,
        nullable=False,
        references="vendors",
    ),
    Field(
        "contract_number",
        "string",
        "The contract's number",
        required=True,
        nullable=False,
        blank_ok=False,
    ),
    Field(
        "contract_type_id",
        "integer",
        ", ".join(f"{code} {name}" for code, name in CONTRACT_TYPES.items()),
        choices=tuple(CONTRACT_TYPES),
        labels=CONTRACT_TYPES,
        required=True,
        nullable=False,
    ),
    Field("start_date", "date", "First day covered", required=True, nullable=False),
    Field("end_date", "date", "Last day covered", required=True, nullable=False),
    Field(
        "cost",
        "number",
        "What it costs",
        default=0,
        nullable=False,
        request_shape={"type": "number", "minimum": 0, "maximum": 1_000_000},
    ),
    read_only(
        "status",
        "string",
        "draft, active or expired (follows the dates)",
        choices=CONTRACT_STATUSES,
    ),
    Field("auto_renew", "boolean", "Whether it renews itself", default=False, nullable=False),
    Field(
        "notify_expiry",
        "boolean",
        "Whether to warn before it expires",
        default=False,
        nullable=False,
    ),
    Field(
        "notify_before",
        "integer",
        "Days before expiry to warn",
        request_shape={"type": ["integer", "null"], "minimum": 0, "maximum": 365},
    ),
    Field("notify_to", "emails", "Who is warned", default=[], nullable=False, max_items=20),
    Field("approver_id", "id", "The agent who approves it", references="agents"),
    Field(
        "software_id", "id", "The application a Software License covers", references="applications"
    ),
    Field("license_type", "string", "How a Software License counts", choices=LICENSE_TYPES),
    Field("billing_cycle", "string", "How often it is billed", choices=BILLING_CYCLES),
    Field(
        "associated_asset_ids",
        "ids",
        "Assets (display ids) the contract covers",
        default=[],
        nullable=False,
        max_items=100,
    ),
    Field("custom_fields", "object", "Custom fields", default={}, nullable=False, merge=True),
    Field(
        "workspace_id",
        "id",
        "Workspace of the contract",
        references="workspaces",
        default=itsm.primary_workspace,
        nullable=False,
        updatable=False,
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _seed_contracts(seeding: Seeding) -> list[tuple[str, Record]]:
    """Contracts of every type; each Software License licences one application."""
    account = seeding.account
    vendors = sorted(catalogue.live(account, "vendors"))
    agents = list(account.agents.ids)
    assets = list(account.assets.ids[:200])
    applications = sorted(a["id"] for a in records_of(account, APPLICATIONS).live_records())
    made: list[tuple[str, Record]] = []
    for n in range(1, seeding.count + 1):
        kind = (1, 2, 3, 4)[(n - 1) % 4]
        start = seeding.anchor - seeding.between(30, 700) * DAY
        # Most run a year; one in five ended already, a few start in the future.
        if n % 5 == 0:
            start = seeding.anchor - seeding.between(400, 800) * DAY
        if n % 7 == 0:
            start = seeding.anchor + seeding.between(5, 60) * DAY
        end = start + 364 * DAY
        software = (
            applications[(n - 1) % len(applications)]
            if kind == SOFTWARE_LICENSE and applications
            else None
        )
        created = min(start, seeding.anchor) - 10 * DAY
        contract_id = seeding.new_id(n)
        record: Record = {
            "id": contract_id,
            "name": f"{CONTRACT_TYPES[kind]} contract {n}",
            "description": None,
            "vendor_id": seeding.pick(vendors),
            "contract_number": f"CNT-{1000 + n}",
            "contract_type_id": kind,
            "start_date": start - start % DAY,
            "end_date": end - end % DAY,
            "cost": float(seeding.between(5, 500) * 100),
            "auto_renew": seeding.chance(0.3),
            "notify_expiry": True,
            "notify_before": 30,
            "notify_to": [],
            "approver_id": seeding.pick(agents),
            "software_id": software,
            "license_type": "volume" if software else None,
            "billing_cycle": seeding.choice(BILLING_CYCLES),
            "associated_asset_ids": sorted(
                {seeding.choice(assets) for _ in range(seeding.between(0, 4))}
            )
            if assets and kind != SOFTWARE_LICENSE
            else [],
            "custom_fields": {},
            "workspace_id": account.primary_workspace_id,
            "created_at": created,
            "updated_at": created,
            "_parent": None,
        }
        record["status"] = contract_status(record, seeding.anchor)
        made.append((CONTRACTS.table_name, record))
        if software is not None:
            made.append(
                (
                    LICENSES.table_name,
                    {
                        "id": ids.ranged(ids.LICENSE_BASE, account.index, n),
                        "contract_id": contract_id,
                        "created_at": created,
                        "updated_at": created,
                        "_parent": software,
                    },
                )
            )
    return made


def _drop_licenses(context: Context, record: Record) -> None:
    """A deleted contract licenses nothing any more."""
    itsm.delete_where(context, LICENSES, "contract_id", record["id"])


CONTRACTS = Resource(
    name="contracts",
    singular="contract",
    scope="contracts",
    tag="contracts",
    id_base=ids.CONTRACT_BASE,
    fields=CONTRACT_FIELDS,
    unique=("contract_number",),
    workspace=True,
    check=_contract_check,
    fill=_contract_fill,
    as_read=_contract_now,
    on_delete=_drop_licenses,
    seed=_seed_contracts,
    count=lambda tickets: max(8, tickets // 500),
    filters=(
        Filter(
            "status",
            "choice",
            lambda record, value, context: contract_status(record, context.now) == value,
            choices=CONTRACT_STATUSES,
            personal=True,  # follows the clock
            description="Only contracts in this state now",
        ),
        Filter(
            "contract_type_id",
            "id",
            lambda record, value, context: record.get("contract_type_id") == value,
            description="Only contracts of this type",
        ),
    ),
    order=("id", "asc"),
    description="Contracts",
)


# -- licences ------------------------------------------------------------------------------------

LICENSE_FIELDS = (
    read_only("id", "id", "Unique ID of the licence"),
    Field(
        "contract_id",
        "id",
        "The contract that licenses the application",
        required=True,
        nullable=False,
        references="contracts",
        updatable=False,
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _license_check(
    context: Context, body: Mapping[str, Any], old: Record | None
) -> list[FieldError]:
    contract = records_of(context.account, CONTRACTS).live(body.get("contract_id") or 0)
    if contract is not None and contract.get("contract_type_id") != SOFTWARE_LICENSE:
        return [
            FieldError("contract_id", "It should name a Software License contract", "invalid_value")
        ]
    return []


LICENSES = Resource(
    name="licenses",
    singular="license",
    parent=Parent("applications", "licenses"),
    scope="applications",
    tag="software",
    id_base=ids.LICENSE_BASE,
    operations=("list", "create", "view", "delete"),
    fields=LICENSE_FIELDS,
    check=_license_check,
    unique=("contract_id",),
    updated_since=False,
    order=("id", "asc"),
    description="Licences of an application (contracts)",
)


# -- contract types ------------------------------------------------------------------------------

CONTRACT_TYPE_FIELDS = (
    read_only("id", "id", "Unique ID of the contract type"),
    read_only("name", "string", "Name of the type"),
    read_only("description", "text", "What contracts of this type are"),
    read_only("needs_approval", "boolean", "Whether contracts of this type are approved"),
    read_only("is_default", "boolean", "Whether every account has it"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _seed_contract_types(seeding: Seeding) -> list[tuple[str, Record]]:
    created = seeding.anchor - 1_000 * DAY
    return [
        (
            CONTRACT_TYPE_RECORDS.table_name,
            {
                "id": code,  # the codes contracts name in contract_type_id
                "name": name,
                "description": f"{name} contracts",
                "needs_approval": code != SOFTWARE_LICENSE,
                "is_default": True,
                "created_at": created,
                "updated_at": created,
                "_parent": None,
            },
        )
        for code, name in CONTRACT_TYPES.items()
    ]


CONTRACT_TYPE_RECORDS = Resource(
    name="contract_types",
    singular="contract_type",
    scope="contracts",
    tag="contracts",
    operations=("list", "view"),
    fields=CONTRACT_TYPE_FIELDS,
    seed=_seed_contract_types,
    count=lambda tickets: len(CONTRACT_TYPES),
    updated_since=False,
    order=("id", "asc"),
    description="Contract types (read-only through the API)",
)

RESOURCES = (APPLICATIONS, INSTALLATIONS, CONTRACT_TYPE_RECORDS, CONTRACTS, LICENSES)
