"""The dataset file: accounts, their sizes, demo keys and pinned records.

A dataset is YAML (loaded by `safe_yaml.load_yaml`, so its aliases are bounded) validated by the
pydantic models below (unknown keys are errors, so a typo never goes unnoticed). Generated records
fill each account up to its `sizes`; `pinned` records are laid over them by id, replacing a
generated record with the same id or adding a new one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from mock_freshservice.data import ids
from mock_freshservice.data.ticket_sources import BUILT_IN, FORM_NAMES
from mock_freshservice.safe_yaml import YamlError, load_yaml
from mock_freshservice.settings import Plan

RoleName = str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sizes(_Strict):
    agents: int = Field(12, ge=1, le=90_000)
    requesters: int = Field(120, ge=1, le=800_000)
    groups: int = Field(6, ge=1, le=1_000)
    departments: int = Field(6, ge=1, le=1_000)
    locations: int = Field(5, ge=1, le=1_000)
    tickets: int = Field(400, ge=0, le=2_000_000)
    assets: int = Field(80, ge=0, le=500_000)
    onboarding_requests: int = Field(4, ge=0, le=10_000)
    offboarding_requests: int = Field(3, ge=0, le=10_000)
    articles_per_folder: int = Field(4, ge=0, le=1_000)


class Workspace(_Strict):
    id: int = Field(ge=2)
    name: str
    description: str = ""
    template_name: str = "it"
    primary: bool = False
    restricted: bool = False
    state: Literal["active", "inactive"] = "active"


# A name or label: surrounding spaces dropped, at most 255 characters.
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
CustomFieldType = Literal["dropdown", "checkbox", "text", "paragraph", "number", "decimal", "date"]
# The ticket's own attributes and the form's default fields: no custom field may take their names.
RESERVED_TICKET_FIELD_NAMES = frozenset(
    {
        "id", "subject", "description", "status", "priority", "urgency", "impact", "source",
        "type", "ticket_type", "requester", "requester_id", "agent", "responder_id", "group",
        "group_id", "department", "department_id", "category", "sub_category", "item_category",
        "workspace_id", "tags", "tag", "due_by", "fr_due_by", "created_at", "updated_at", "email",
        "agent_id",
        # The filter language's words: a field so named could never be filtered on.
        "true", "false", "null",
    }
)  # fmt: skip


class TicketField(_Strict):
    """One of the account's own ticket fields, as the form (`GET /ticket_form_fields`) lists it
    and tickets carry it in `custom_fields`."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    label: Name = ""  # "" → the name, capitalised, underscores as spaces
    type: CustomFieldType
    choices: tuple[str, ...] = ()  # a dropdown's, in order

    @field_validator("choices", mode="before")
    @classmethod
    def _choices_are_text(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and any(not isinstance(c, str) for c in value):
            raise ValueError(
                "each choice must be text: quote choices YAML reads as something else "
                "(yes, no, on, off, true, false, numbers), e.g. ['Yes', 'No']"
            )
        return value

    @model_validator(mode="after")
    def _choices_fit_the_type(self) -> TicketField:
        if self.name in RESERVED_TICKET_FIELD_NAMES:
            raise ValueError(f"{self.name!r} is a default ticket field's name")
        if self.type == "dropdown":
            if not self.choices:
                raise ValueError(f"{self.name}: a dropdown needs choices")
            if any(not c.strip() or len(c) > 255 for c in self.choices):
                raise ValueError(f"{self.name}: each choice needs 1 to 255 characters")
            if len(set(self.choices)) != len(self.choices):
                raise ValueError(f"{self.name}: choices must be distinct")
        elif self.choices:
            raise ValueError(f"{self.name}: only a dropdown has choices")
        return self

    @property
    def shown_label(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


# Custom statuses' codes come after the built-in 2-5 (FreshservicePS issue #8: "ids > 5"); the
# upper bound is ours.
FIRST_OWN_STATUS, LAST_OWN_STATUS = 6, 999


class TicketStatus(_Strict):
    """A status of the account's own, beside the built-in 2 Open … 5 Closed. It behaves as
    Pending does: not resolved, not closed, escalated when overdue (guesses.RESOLVED_STATUSES)."""

    id: int = Field(ge=FIRST_OWN_STATUS, le=LAST_OWN_STATUS)
    name: Name = Field(min_length=1)
    # What a requester sees (the form's `requester_display_value`); "" → the name.
    customer_name: Name = ""


# The fake's own custom fields, as every account had them before datasets could name theirs.
DEFAULT_TICKET_FIELDS = (
    TicketField(name="business_impact", type="dropdown", choices=("Low", "Medium", "High")),
    TicketField(name="vip_request", type="checkbox"),
)


class ApiKey(_Strict):
    key: str = Field(min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._~-]+$")
    user: str = Field(description="Email of a pinned agent or requester of the same account")
    role: RoleName


class Account(_Strict):
    domain: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$")
    name: str
    plan: Plan | None = None
    sizes: Sizes = Sizes()
    first_ticket_id: int = Field(1, ge=1, le=ids.MAX_TICKET_ID)
    ticket_history_days: int = Field(120, ge=1, le=3_650)
    workspaces: tuple[Workspace, ...] = (
        Workspace(id=2, name="IT", template_name="it", primary=True),
        Workspace(id=3, name="HR", template_name="hr", description="People services"),
    )
    api_keys: tuple[ApiKey, ...] = ()
    # The account's own ticket sources, by name (codes from 1001 in this order).
    ticket_sources: tuple[str, ...] = ()
    # The account's custom ticket fields and statuses (the form lists them in this order).
    ticket_fields: tuple[TicketField, ...] = Field(DEFAULT_TICKET_FIELDS, max_length=200)
    statuses: tuple[TicketStatus, ...] = Field((), max_length=200)
    # Names for the first groups, in order (more groups than sizes.groups when longer).
    group_names: tuple[Annotated[Name, Field(min_length=1)], ...] = Field((), max_length=1_000)
    pinned: dict[str, tuple[dict[str, Any], ...]] = {}

    @model_validator(mode="after")
    def _distinct_ticket_sources(self) -> Account:
        names = [name.strip().lower() for name in self.ticket_sources]
        if any(not name or len(name) > 255 for name in names):
            raise ValueError("ticket_sources: each needs a name of 1 to 255 characters")
        if len(set(names)) != len(names):
            raise ValueError("ticket_sources: names must be distinct (case aside)")
        built_in = {name.lower() for name in (*BUILT_IN.values(), *FORM_NAMES.values())}
        clashes = sorted(name for name in names if name in built_in)
        if clashes:
            raise ValueError(f"ticket_sources: {clashes} are built-in sources already")
        return self

    @model_validator(mode="after")
    def _distinct_form_entries(self) -> Account:
        names = [f.name for f in self.ticket_fields]
        if len(set(names)) != len(names):
            raise ValueError("ticket_fields: names must be distinct")
        codes = [s.id for s in self.statuses]
        if len(set(codes)) != len(codes):
            raise ValueError("statuses: ids must be distinct")
        labels = [s.name.strip().lower() for s in self.statuses]
        built_in = {"open", "pending", "resolved", "closed"}
        if len(set(labels)) != len(labels) or built_in & set(labels):
            raise ValueError("statuses: names must be distinct and not a built-in status's")
        groups = [g.lower() for g in self.group_names]
        if len(set(groups)) != len(groups):
            raise ValueError("group_names: names must be distinct (case aside)")
        return self

    @model_validator(mode="after")
    def _one_primary_workspace(self) -> Account:
        primaries = [w.id for w in self.workspaces if w.primary]
        if len(primaries) != 1:
            raise ValueError("exactly one workspace must be primary")
        if len({w.id for w in self.workspaces}) != len(self.workspaces):
            raise ValueError("workspace ids must be unique")
        return self

    @model_validator(mode="after")
    def _ticket_ids_fit(self) -> Account:
        # Conversation and requested-item ids are numbered from ticket ids (see ids.py).
        last = self.first_ticket_id + self.sizes.tickets - 1
        if last > ids.MAX_TICKET_ID:
            raise ValueError(
                f"first_ticket_id + sizes.tickets - 1 is {last}; ticket ids can go up to "
                f"{ids.MAX_TICKET_ID}, so first_ticket_id can be at most "
                f"{ids.MAX_TICKET_ID - self.sizes.tickets + 1} with {self.sizes.tickets} tickets"
            )
        return self

    @property
    def primary_workspace_id(self) -> int:
        return next(w.id for w in self.workspaces if w.primary)

    @property
    def group_count(self) -> int:
        return max(self.sizes.groups, len(self.group_names))


class Dataset(_Strict):
    description: str = ""
    roles: dict[RoleName, tuple[str, ...]] = {}
    # More accounts would run one kind's id range into the next (see ids.py).
    accounts: tuple[Account, ...] = Field(min_length=1, max_length=ids.MAX_ACCOUNTS)

    @model_validator(mode="after")
    def _unique(self) -> Dataset:
        domains = [a.domain for a in self.accounts]
        if len(set(domains)) != len(domains):
            raise ValueError("account domains must be unique")
        keys = [k.key for a in self.accounts for k in a.api_keys]
        if len(set(keys)) != len(keys):
            raise ValueError("API keys must be unique across accounts")
        return self

    def identity(self) -> bytes:
        """What a state file is tied to (with the seed): the dataset as JSON, leaving out the
        ticket-form settings an account leaves at their defaults, so a state file written
        before datasets had them still loads with the same dataset."""
        form_defaults = {name: Account.model_fields[name].default for name in FORM_SETTINGS}
        exclude = {
            index: {name for name, default in form_defaults.items() if getattr(a, name) == default}
            for index, a in enumerate(self.accounts)
        }
        return self.model_dump_json(exclude={"accounts": exclude}).encode()


# Added to accounts after state files existed (see `Dataset.identity`).
FORM_SETTINGS = ("ticket_fields", "statuses", "group_names")


class DatasetError(ValueError):
    """A dataset file that cannot be used; the message names the file and the field."""


def load_dataset(path: Path | None = None) -> Dataset:
    """Load `path`, or the packaged default dataset when None."""
    if path is None:
        text = resources.files("mock_freshservice.data").joinpath("default.yaml").read_text("utf-8")
        source = "default dataset"
    else:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise DatasetError(f"{path}: cannot read dataset ({exc.strerror})") from exc
        source = str(path)
    try:
        raw = load_yaml(text).value
    except YamlError as exc:
        where = f"{source}:{exc.line}" if exc.line is not None else source
        raise DatasetError(f"{where}: {exc.message}") from exc
    try:
        return Dataset.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        # A bad account also fails `accounts`' length check; that echo only misleads.
        nested = any(err["loc"][:1] == ("accounts",) and len(err["loc"]) > 1 for err in errors)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in errors
            if not (nested and err["loc"] == ("accounts",) and err["type"] == "too_short")
        )
        raise DatasetError(f"{source}: {problems}") from exc
