"""The dataset file: accounts, their sizes, demo keys and pinned records.

A dataset is YAML (loaded by `safe_yaml.load_yaml`, so its aliases are bounded) validated by the
pydantic models below (unknown keys are errors, so a typo never goes unnoticed). Generated records
fill each account up to its `sizes`; `pinned` records are laid over them by id, replacing a
generated record with the same id or adding a new one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise DatasetError(f"{source}: {problems}") from exc
