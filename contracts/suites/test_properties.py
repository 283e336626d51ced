"""Property-based calls of every tool, drawn from each tool's own input schema.

- Valid arguments (hypothesis-jsonschema over the tool's `inputSchema`, with ids, emails, dates,
  queries and form values drawn about three times in four from records that exist in the fake):
  no protocol error, and either structuredContent that matches the tool's `outputSchema` or a
  tool error the data explains (`contracts.tool_checks.EXPLANATIONS`). Enough of them succeed: a
  floor per tool (`FLOORS`, each with its reason).
- Invalid arguments, each a valid set with one thing wrong (`contracts.generation.mutations`): a
  tool error naming that argument, and nothing the fake answers 400 (the server refused first).
- A state machine over tickets, notes, assets, solution folders and articles keeps a model of
  what it created and changed, and checks every fetch against it.
- Paging: page 2 of every list tool holds other items than page 1 and says `page: 2` (a tool
  that ignores `page` fails here).

The suite uses one account (the demo Acme admin's), resets it before and after, and changes
only records it creates. It prints a table of calls per tool at the end of the run. It makes
some 1,100 calls: a server under test started over stdio gets its tool-call limits switched off;
one given by URL must be started with them off (FRESHSERVICE_MCP_CALLS_PER_MINUTE=0,
FRESHSERVICE_MCP_CALLS_PER_MONTH=0), or its refusals fail the calls.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    rule,
    run_state_machine_as_test,
)

from contracts.blocking import BlockingClient, blocking_client
from contracts.client_config import DEFAULT_KEY
from contracts.generation import (
    Mutation,
    Pools,
    collect_pools,
    mutations,
    pool_name,
    valid_arguments,
)
from contracts.plugin import RunningFake
from contracts.replay import ServerTarget
from contracts.seed import SEED_TOOLS
from contracts.tally import Tallies, ToolTally
from contracts.tool_checks import INVALID_CHECKS, VALID_CHECKS, Call, Context, explain, failures

KEY = DEFAULT_KEY  # the Acme admin: every tool is allowed
READ_EXAMPLES = 25  # valid calls per read-only tool
WRITE_EXAMPLES = 12  # valid calls per tool that writes
INVALID_EXAMPLES = 10  # invalid calls per tool
# The server's own tool-call limits are switched off for this suite (a stdio server only).
NO_LIMITS = {"mcp_calls_per_minute": 0, "mcp_calls_per_month": 0}

DEFAULT_FLOOR = 0.5
# Where the share of valid calls that must succeed is lower than DEFAULT_FLOOR, and why.
FLOORS: Mapping[str, tuple[float, str]] = {
    "fetchOnboardingRequestForm": (1.0, "no arguments: the one call must succeed"),
    "createAsset": (
        0.3,
        "an asset_type_id drawn from the schema names no type (404), and so do user, agent, "
        "group, department and location ids drawn from it (400 naming the field)",
    ),
    "updateAsset": (
        0.3,
        "display_id, asset_type_id and five other ids: any one drawn from the schema is refused",
    ),
    "createOnboardingRequest": (
        0.3,
        "fields drawn from the schema are never the form's (refused naming them), and so is an "
        "initiator_id drawn from it",
    ),
    "createOffboardingRequest": (0.3, "as createOnboardingRequest: fields and initiator_id"),
    "placeRequestServiceCatalogItem": (
        0.25,
        "two items (Adobe Acrobat Pro, VPN Access) need business_justification in custom_fields, "
        "display_ids from the schema name no item, and emails from it name no user",
    ),
    "updateTicket": (
        0.3,
        "a ticket_id drawn from the schema names no ticket (404), and agent, group and "
        "department ids drawn from it name nothing (400 naming the field)",
    ),
    "updateSolutionArticle": (
        0.3,
        "article_id and folder_id (a move) drawn from the schema name no record (404)",
    ),
    "createSolutionFolder": (
        0.3,
        "category_id, department_ids and group_ids from the schema name nothing; visibility 4-6 "
        "needs its id list and 1-3 refuses one",
    ),
}


def floor(tool: str) -> float:
    return FLOORS.get(tool, (DEFAULT_FLOOR, ""))[0]


def property_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


# -- Fixtures: one account, one connection, one set of pools for the whole suite -------------------


@pytest.fixture(scope="module")
def account(harness_fake: RunningFake) -> Iterator[str]:
    """The key's account, fresh from the dataset; reset again when the suite is done."""
    name = harness_fake.admin.account_of(KEY)
    harness_fake.admin.reset(name)
    yield name
    harness_fake.admin.reset(name)


@pytest.fixture(scope="module")
def pools(harness_fake: RunningFake, account: str) -> Pools:
    return collect_pools(harness_fake.url, KEY)


@pytest.fixture(scope="module")
def mcp(
    harness_fake: RunningFake, harness_server: ServerTarget, pools: Pools
) -> Iterator[BlockingClient]:
    """One MCP connection for the whole suite: a server takes a second or two to start, and the
    suite makes some 1,100 calls."""
    limits = NO_LIMITS if harness_server.url is None else None
    with blocking_client(
        harness_server, harness_fake.url, harness_fake.admin, key=KEY, settings=limits
    ) as client:
        yield client


@pytest.fixture(scope="module")
def tools(mcp: BlockingClient) -> dict[str, dict[str, Any]]:
    return mcp.list_tools()


@pytest.fixture(scope="module")
def tallies(request: pytest.FixtureRequest) -> Tallies:
    """Per-tool counts, printed as a table at the end of the run."""
    found = Tallies(
        {name: floor(name) for name in SEED_TOOLS},
        reasons={name: reason for name, (_, reason) in FLOORS.items()},
    )
    request.config.pluginmanager.register(found, "freshservice-harness-property-table")
    return found


def listed(tools: Mapping[str, dict[str, Any]], tool: str) -> dict[str, Any]:
    if tool not in tools:
        pytest.fail(f"the server does not list {tool}")
    return tools[tool]


def examples(definition: Mapping[str, Any]) -> int:
    read_only = definition.get("annotations", {}).get("readOnlyHint") is True
    return READ_EXAMPLES if read_only else WRITE_EXAMPLES


# -- Every tool, valid and invalid arguments ----------------------------------------------------


@pytest.mark.parametrize("tool", SEED_TOOLS)
def test_a_valid_call_succeeds_or_fails_for_a_reason_the_data_gives(
    tool: str,
    mcp: BlockingClient,
    tools: Mapping[str, dict[str, Any]],
    pools: Pools,
    tallies: Tallies,
) -> None:
    definition = listed(tools, tool)
    context = Context(definition, pools)
    tally = tallies.of(tool)

    @property_settings(examples(definition))
    @given(valid_arguments(tool, definition["inputSchema"], pools))
    def call(arguments: dict[str, Any]) -> None:
        outcome = mcp.call(tool, arguments)
        count(tally, outcome, context)
        problems = failures(VALID_CHECKS, outcome, context)
        assert not problems, f"{outcome}\n" + "\n".join(problems)

    timed(tally, call)
    tally.finished = True


@pytest.mark.parametrize("tool", SEED_TOOLS)
def test_enough_valid_calls_succeed(tool: str, tallies: Tallies) -> None:
    tally = tallies.tools.get(tool)
    if tally is None or not tally.finished:
        pytest.skip(f"the valid calls of {tool} did not run to the end (not selected, or failed)")
    assert tally.success_rate >= floor(tool), (
        f"{tool}: {tally.successes} of {tally.examples} valid calls succeeded "
        f"({tally.success_rate:.0%}); expected at least {floor(tool):.0%}. "
        f"Errors explained by: {dict(tally.explained)}"
    )


@pytest.mark.parametrize("tool", SEED_TOOLS)
def test_an_invalid_argument_is_refused_by_the_server_naming_it(
    tool: str,
    mcp: BlockingClient,
    tools: Mapping[str, dict[str, Any]],
    pools: Pools,
    tallies: Tallies,
) -> None:
    definition = listed(tools, tool)
    tally = tallies.of(tool)

    @property_settings(INVALID_EXAMPLES)
    @given(mutations(tool, definition["inputSchema"], pools))
    def call(mutation: Mutation) -> None:
        outcome = mcp.call(tool, mutation.arguments)
        tally.invalid += 1
        problems = failures(INVALID_CHECKS, outcome, Context(definition, pools, mutation))
        assert not problems, f"{mutation.kind} {mutation.argument!r}: {outcome}\n" + "\n".join(
            problems
        )

    timed(tally, call)


def count(tally: ToolTally, outcome: Call, context: Context) -> None:
    tally.examples += 1
    if outcome.protocol_error is None and not outcome.is_error:
        tally.successes += 1
    elif outcome.is_error:
        tally.explained[explain(outcome, context) or "unexplained"] += 1
    for name, value in outcome.arguments.items():
        pool = pool_name(outcome.tool, name)
        if name.endswith("_id") and pool is not None and value is not None:
            tally.ids += 1
            tally.existing_ids += value in context.pools.of(pool)


def timed(tally: ToolTally, run: Callable[[], None]) -> None:
    started = time.monotonic()
    try:
        run()
    finally:
        tally.seconds += time.monotonic() - started


# -- Paging ---------------------------------------------------------------------------------------

# Arguments that give each list tool taking `page` two pages of one item in the demo dataset.
PAGED: Mapping[str, Callable[[Pools], dict[str, Any]]] = {
    "fetchTickets": lambda pools: {},
    "fetchAssets": lambda pools: {},
    "fetchAgents": lambda pools: {},
    "fetchRequesters": lambda pools: {},
    "fetchOffboardingRequests": lambda pools: {},
    "fetchServiceCatalogItems": lambda pools: {},
    "fetchServiceCatalogItemSearch": lambda pools: {"search_term": "laptop"},
    "fetchSolutionCategories": lambda pools: {},
    "fetchSolutionFolders": lambda pools: {"category_id": pools.of("paged_category")[0]},
    "fetchSolutionArticles": lambda pools: {"folder_id": pools.of("own_folders")[0]},
    "fetchSolutionArticleSearch": lambda pools: {"search_term": "vpn"},
    "fetchWorkspaces": lambda pools: {},
}
PAGE_KEYS = frozenset({"page", "per_page", "next_page", "total", "truncated", "notice"})


def test_every_list_tool_taking_page_is_checked_for_paging(
    tools: Mapping[str, dict[str, Any]],
) -> None:
    paged = {
        name
        for name, tool in tools.items()
        if "page" in tool.get("inputSchema", {}).get("properties", {})
    }
    assert paged <= set(PAGED), f"list tools without a paging check: {sorted(paged - set(PAGED))}"


@pytest.mark.parametrize("tool", sorted(PAGED))
def test_page_two_holds_other_items_than_page_one(
    tool: str, mcp: BlockingClient, tools: Mapping[str, dict[str, Any]], pools: Pools
) -> None:
    listed(tools, tool)
    arguments = {**PAGED[tool](pools), "per_page": 1}
    first = paged_result(mcp.call(tool, {**arguments, "page": 1}))
    assert first.get("next_page") == 2, (
        f"{tool} page 1 with per_page 1 should have next_page 2, got {first.get('next_page')!r}"
    )
    second = paged_result(mcp.call(tool, {**arguments, "page": 2}))
    assert second.get("page") == 2, (
        f"{tool} ignores page: asked for page 2, the result says page {second.get('page')!r}"
    )
    before, after = item_ids(first), item_ids(second)
    assert after, f"{tool} ignores page: page 2 is empty though page 1 said next_page 2"
    assert not before & after, (
        f"{tool} ignores page: page 2 returned the items of page 1 ({sorted(before & after)})"
    )


def paged_result(outcome: Call) -> dict[str, Any]:
    assert outcome.protocol_error is None, str(outcome)
    assert not outcome.is_error, str(outcome)
    assert isinstance(outcome.structured, dict), str(outcome)
    return outcome.structured


def item_ids(result: Mapping[str, Any]) -> set[Any]:
    """Ids of the items in a list result (the one list beside the paging keys)."""
    lists = [v for k, v in result.items() if k not in PAGE_KEYS and isinstance(v, list)]
    assert len(lists) == 1, f"expected one list of items in {sorted(result)}"
    return {item.get("id", item.get("display_id")) for item in lists[0]}


# -- A model of created and changed records -------------------------------------------------------

WORDS = st.from_regex(r"[A-Za-z0-9]{1,10}( [A-Za-z0-9]{1,10}){0,3}", fullmatch=True)
STATUS_CODES = {"open": 2, "pending": 3, "resolved": 4, "closed": 5}
ARTICLE_STATUSES = ("draft", "published")  # codes 1 and 2
_unique = itertools.count(1)


class Model(RuleBasedStateMachine):
    """Creates and changes records through the server under test, keeps what each should now
    hold, and checks every fetch (and every create's and update's own answer) against it."""

    def __init__(self, mcp: BlockingClient, pools: Pools) -> None:
        super().__init__()
        self.mcp = mcp
        self.pools = pools
        self.model: dict[tuple[str, Any], dict[str, Any]] = {}

    def ok(self, tool: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        outcome = self.mcp.call(tool, arguments)
        assert outcome.protocol_error is None, str(outcome)
        assert not outcome.is_error, str(outcome)
        assert isinstance(outcome.structured, dict), str(outcome)
        return outcome.structured

    def agrees(self, kind: str, key: Any, found: Mapping[str, Any]) -> None:
        expected = self.model[(kind, key)]
        differs = {k: (v, found.get(k)) for k, v in expected.items() if found.get(k) != v}
        assert not differs, f"{kind} {key}: (expected, found) {differs}"


class TicketsModel(Model):
    tickets = Bundle("tickets")

    def __init__(self, mcp: BlockingClient, pools: Pools) -> None:
        super().__init__(mcp, pools)
        self.notes: dict[Any, list[str]] = {}

    @rule(target=tickets, subject=WORDS, priority=st.integers(1, 4))
    def create_ticket(self, subject: str, priority: int) -> Any:
        email = self.pools.of("requester_emails")[0]
        created = self.ok(
            "createTicket",
            {"subject": subject, "description": "Model ticket", "email": email,
             "priority": priority},
        )  # fmt: skip
        key = created["id"]
        self.model[("ticket", key)] = {"subject": subject, "priority": priority, "status": 2}
        self.notes[key] = []
        self.agrees("ticket", key, created)
        return key

    @rule(ticket=tickets, status=st.sampled_from(sorted(STATUS_CODES)), priority=st.integers(1, 4))
    def update_ticket(self, ticket: Any, status: str, priority: int) -> None:
        updated = self.ok(
            "updateTicket", {"ticket_id": ticket, "status": status, "priority": priority}
        )
        self.model[("ticket", ticket)].update(status=STATUS_CODES[status], priority=priority)
        self.agrees("ticket", ticket, updated)

    @rule(ticket=tickets, body=WORDS)
    def add_note(self, ticket: Any, body: str) -> None:
        self.ok("createTicketNote", {"ticket_id": ticket, "body": body})
        self.notes[ticket].append(body)

    @rule(ticket=tickets)
    def fetch_ticket(self, ticket: Any) -> None:
        found = self.ok("fetchTicket", {"ticket_id": ticket, "include": ["conversations"]})
        self.agrees("ticket", ticket, found)
        said = [str(c.get("body_text") or c.get("body")) for c in found.get("conversations") or []]
        missing = [n for n in self.notes[ticket] if not any(n in text for text in said)]
        assert not missing, f"ticket {ticket}: notes {missing} are not in its conversations {said}"


class AssetsModel(Model):
    assets = Bundle("assets")

    @rule(target=assets, name=WORDS, description=WORDS)
    def create_asset(self, name: str, description: str) -> Any:
        software = self.pools.of("software_type")[0]
        created = self.ok(
            "createAsset", {"name": name, "asset_type_id": software, "description": description}
        )
        key = created["display_id"]
        self.model[("asset", key)] = {
            "name": name, "description": description, "asset_type_id": software,
        }  # fmt: skip
        self.agrees("asset", key, created)
        return key

    @rule(asset=assets, name=st.none() | WORDS, description=WORDS)
    def update_asset(self, asset: Any, name: str | None, description: str) -> None:
        change = {"description": description} if name is None else {"name": name}
        updated = self.ok("updateAsset", {"display_id": asset, **change})
        self.model[("asset", asset)].update(change)
        self.agrees("asset", asset, updated)

    @rule(asset=assets)
    def fetch_asset(self, asset: Any) -> None:
        self.agrees("asset", asset, self.ok("fetchAsset", {"display_id": asset}))


class SolutionsModel(Model):
    folders = Bundle("folders")
    articles = Bundle("articles")

    @rule(target=folders, name=WORDS)
    def create_folder(self, name: str) -> Any:
        unique = f"{name} {next(_unique)}"
        category = self.pools.of("solution_categories")[0]
        created = self.ok("createSolutionFolder", {"name": unique, "category_id": category})
        key = created["id"]
        self.model[("folder", key)] = {"name": unique, "category_id": category}
        self.agrees("folder", key, created)
        return key

    @rule(folder=folders)
    def fetch_folder(self, folder: Any) -> None:
        self.agrees("folder", folder, self.ok("fetchSolutionFolder", {"folder_id": folder}))

    @rule(target=articles, folder=folders, title=WORDS, status=st.sampled_from(ARTICLE_STATUSES))
    def create_article(self, folder: Any, title: str, status: str) -> Any:
        created = self.ok(
            "createSolutionArticle",
            {"title": title, "description": "Model article", "folder_id": folder,
             "status": status},
        )  # fmt: skip
        key = created["id"]
        self.model[("article", key)] = {
            "title": title, "status": ARTICLE_STATUSES.index(status) + 1, "folder_id": folder,
        }  # fmt: skip
        self.agrees("article", key, created)
        return key

    @rule(article=articles, title=WORDS, status=st.sampled_from(ARTICLE_STATUSES))
    def update_article(self, article: Any, title: str, status: str) -> None:
        updated = self.ok(
            "updateSolutionArticle", {"article_id": article, "title": title, "status": status}
        )
        self.model[("article", article)].update(
            title=title, status=ARTICLE_STATUSES.index(status) + 1
        )
        self.agrees("article", article, updated)

    @rule(article=articles)
    def fetch_article(self, article: Any) -> None:
        self.agrees("article", article, self.ok("fetchSolutionArticle", {"article_id": article}))


MODEL_SETTINGS = settings(property_settings(max_examples=8), stateful_step_count=12)


@pytest.mark.parametrize(
    "machine", [TicketsModel, AssetsModel, SolutionsModel], ids=["tickets", "assets", "solutions"]
)
def test_fetches_agree_with_a_model_of_what_was_created_and_changed(
    machine: type[Model], mcp: BlockingClient, pools: Pools
) -> None:
    # Any factory of a machine will do (hypothesis' docstring), though its annotation says a class.
    factory = cast("type[RuleBasedStateMachine]", lambda: machine(mcp, pools))
    run_state_machine_as_test(factory, settings=MODEL_SETTINGS)
