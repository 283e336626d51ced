"""Record, scrub, replay (issue #20): the seven documented prompts through our MCP server, first
against an upstream through `mock-freshservice record`, then against the scrubbed cassette alone.

The upstream is the fake over TLS (no network), with an admin key of Acme's that only this test
knows. Our server reaches it through the recorder; every tool step of the seven prompt scripts
(scenarios/prompts/*.yaml, each file's own arguments, `${steps...}` resolved from the run's own
results) is called through the SDK's Streamable HTTP client and its result kept. Stopping the
recorder writes the cassette. A second fake then replays it strictly (`serve --cassette DIR
--cassette-strict`: a request it did not record is refused), a new server reaches that fake
with the scripts' key (the cassette's), and the same steps are called again.

How results are compared: the replayed answers are the scrubbed ones, so each replayed result
must equal the recorded result scrubbed the same way: `Scrubber.scrub` with the built-in rules
and the secret the recorder was given (MOCK_FRESHSERVICE_SCRUB_SECRET), as the recorder scrubbed
the answers the server read. Scrubbing keeps ids, numbers and the shape of texts (a fake word is
as long as the real one), so the server's own work on them (HTML made text, a preview cut at 200
characters) gives the same result either way; the one difference allowed is the word a preview
was cut in, which is a fake of the whole word on one side and of its start on the other. The
replayed run's arguments are the recorded run's, scrubbed the same way: the note's text and
John's e-mail address were recorded scrubbed, and a cassette matches requests by their bodies and
queries.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from faker.providers.lorem.en_US import Provider as Lorem

from contracts import expectations
from mock_freshservice.record.scrub import Scrubber, load_rules
from tests.mock_freshservice.test_record import SCRUB_SECRET, people_of, recording
from tests.processes import running_fake, running_server
from tests.server.conftest import over_http, structured

# A recording and a replay of the seven prompts through real processes: `tox -e slow`.
pytestmark = pytest.mark.slow

PROMPTS = sorted((Path(__file__).resolve().parents[2] / "scenarios" / "prompts").glob("*.yaml"))
# An admin key of Acme that only this test knows: it is hunted for in the cassette.
RECORDING_KEY = "fs-record-test-Pq2w-SECRET-8d1f0a"
SERVER_SETTINGS = {"mcp_calls_per_minute": "0", "mcp_calls_per_month": "0"}


def prompt_scripts() -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(name, key, tool steps) of each prompt script; its steps that read the fake directly
    (`fake:`) are left out: they do not go through the server."""
    scripts = []
    for path in PROMPTS:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        steps = [step for step in document["steps"] if "tool" in step]
        scripts.append((path.stem, str(document["key"]), steps))
    return scripts


Calls = dict[str, tuple[dict[str, Any], dict[str, Any]]]  # "prompt/step": (arguments, result)


async def run_prompts(mcp_url: str, key: str | None, arguments: Calls | None = None) -> Calls:
    """Every tool step of the seven scripts, through the SDK client: with the scripts' own
    arguments (and key), or with those given (and `key`); the arguments used and the results."""
    calls: Calls = {}
    for name, script_key, steps in prompt_scripts():
        results: dict[str, Any] = {}
        async with over_http(mcp_url, key or script_key) as client:
            for step in steps:
                where = f"{name}/{step['id']}"
                if arguments is None:
                    used = expectations.resolve(step.get("arguments", {}), results)
                else:
                    used = arguments[where][0]
                result = structured(await client.call_tool(step["tool"], used))
                results[step["id"]] = result
                calls[where] = (used, result)
    return calls


@dataclasses.dataclass(frozen=True)
class Recorded:
    """The recorded run: the cassette's folder; each step's arguments and result; the scrubber
    the recorder used (its rules and secret), to scrub results the same way; the e-mail
    addresses and names the upstream held before the recording."""

    out: Path
    calls: Calls
    scrubber: Scrubber
    emails: set[str]
    names: set[str]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    ca = tmp_path_factory.mktemp("ca")
    out = tmp_path_factory.mktemp("cassette")
    with running_fake(
        "--plan", "unlimited", env={"MOCK_FRESHSERVICE_API_KEYS": RECORDING_KEY}, ca_dir=ca
    ) as upstream:
        emails, names = people_of(upstream, RECORDING_KEY)
        with (
            recording(upstream.url, out, ca) as recorder,
            running_server(recorder.url, **SERVER_SETTINGS) as server,
        ):
            calls = asyncio.run(run_prompts(server.mcp_url, RECORDING_KEY))
        scrubber = Scrubber(load_rules(), SCRUB_SECRET.encode(), upstream=upstream.url)
    return Recorded(out, calls, scrubber, emails, names)


def cut_word_left_out(value: Any) -> Any:
    """`value` with the word a text was cut in (just before a final `…`) left out."""
    if isinstance(value, str):
        return re.sub(r"[^\W\d_]*…$", "…", value)
    if isinstance(value, list):
        return [cut_word_left_out(item) for item in value]
    if isinstance(value, dict):
        return {k: cut_word_left_out(v) for k, v in value.items()}
    return value


def test_every_prompt_step_was_recorded(recorded: Recorded) -> None:
    cassette = yaml.safe_load((recorded.out / "cassette.yaml").read_text(encoding="utf-8"))
    assert len(recorded.calls) == 10  # the tool steps of the seven scripts
    paths = {rule["match"]["path"] for rule in cassette["rules"]}
    assert {
        "/api/v2/tickets/filter",
        "/api/v2/tickets/10234",
        "/api/v2/tickets/1023/notes",
        "/api/v2/service_catalog/items/6/place_request",
        "/api/v2/solutions/articles",
    } <= paths


def test_the_replayed_run_gives_the_recorded_runs_results_scrubbed(
    recorded: Recorded,
) -> None:
    out, calls, scrubber = recorded.out, recorded.calls, recorded.scrubber
    scrubbed = {where: scrubber.scrub(arguments) for where, (arguments, _) in calls.items()}
    replay_arguments = {where: (arguments, {}) for where, arguments in scrubbed.items()}
    with (
        running_fake("--cassette", str(out), "--cassette-strict") as replaying,
        running_server(replaying.url, **SERVER_SETTINGS) as server,
    ):
        replayed = asyncio.run(run_prompts(server.mcp_url, None, replay_arguments))
    assert list(replayed) == list(calls)
    for where, (_, result) in calls.items():
        expected = cut_word_left_out(scrubber.scrub(result))
        assert cut_word_left_out(replayed[where][1]) == expected, where
    # Scrubbing changed what it should: the texts and people, not the ids.
    ticket = replayed["2-ticket-details/ticket"][1]
    assert ticket["id"] == 10234 and ticket["requester_id"] == 21000000013
    assert ticket["requester"]["email"] != "john@acme.com"
    assert ticket["subject"] != "Outlook crashes when opening a shared calendar"
    assert len(ticket["subject"]) == len("Outlook crashes when opening a shared calendar")


def test_no_key_email_or_name_of_the_upstream_is_in_the_cassette(
    recorded: Recorded,
) -> None:
    emails, names = recorded.emails, recorded.names
    assert len(emails) > 100 and len(names) > 100  # the hunt knows whom it is looking for
    files = [path for path in recorded.out.rglob("*") if path.is_file()]
    assert {path.name for path in files} == {"cassette.yaml", "scrubbed.yaml"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert RECORDING_KEY not in text, path.name
        lowered = text.lower()
        assert [email for email in emails if email in lowered] == [], path.name
        assert [name for name in names if name.lower() in lowered] == [], path.name


def test_a_name_word_of_the_upstream_in_the_cassette_is_a_fake(recorded: Recorded) -> None:
    """A first or last name of the upstream's people may show up in the cassette only as what
    the scrubber makes of some name (the fakes come from the same lists as the fake's people)
    or as a fake word of a text; anything else leaked."""
    words = {word for name in recorded.names for word in name.split()}
    fakes = {recorded.scrubber.name(word) for word in words}
    lorem = {word.lower() for word in Lorem.word_list}
    for path in recorded.out.rglob("*"):
        text = path.read_text(encoding="utf-8")
        found = {word for word in words if re.search(rf"\b{re.escape(word)}\b", text)}
        assert {w for w in found - fakes if w.lower() not in lorem} == set(), path.name
