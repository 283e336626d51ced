"""Every command in the README's `sh` blocks is run: here, by CI, or by the clients environment.

Commands run through bash as written, with four adaptations so tests can run side by side:
`.venv/bin/` is this test environment's bin folder, the default ports (8000, 8181) are free ones,
placeholders (`FILE`, `node my-server.js`, `yourcompany.freshservice.com`, `your-api-key`) are
filled with a shipped scenario, our server, the fake and a demo key, and the commands of the fake
over TLS run with a temporary home (`~`), where that fake keeps its CA. `check` commands that name
another target run with `-k test_tools` added, so the whole suite (run once by `tox -e contracts`)
does not run four more times.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from contracts.processes import listening_socket
from tests.processes import (
    Up,
    ctrl_c,
    listening,
    running_fake,
    started,
    stop,
    trusting,
    wait_until_answering,
)
from tests.server.conftest import over_http, structured

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BIN = Path(sys.executable).parent
PYTHON_SERVER = f"{sys.executable} -m server"

# The README commands, by what runs them. A command in none of these, or one here that the README
# no longer has, fails `test_every_readme_command_is_run`.
RUN_HERE = {
    "wheel-build": "uv build --wheel",
    "wheel-up": "uvx --from 'dist/freshservice_harness-0.1.0-py3-none-any.whl[harness]' freshservice-harness up",
    "wheel-server-only": "python3 -m venv mcp && mcp/bin/pip install -q dist/freshservice_harness-0.1.0-py3-none-any.whl && mcp/bin/freshservice-mcp --help",
    "curl-me": "curl -u demo-acme-admin-key:X http://127.0.0.1:8181/api/v2/agents/me",
    "curl-tickets": 'curl -u demo-acme-admin-key:X "http://127.0.0.1:8181/api/v2/tickets?filter=new_and_my_open&per_page=5"',
    "prompts-html": ".venv/bin/freshservice-harness replay scenarios/prompts/*.yaml --html prompts.html",
    "config-claude-code": ".venv/bin/freshservice-harness config --client claude-code",
    "config-claude-desktop": ".venv/bin/freshservice-harness config --client claude-desktop --json",
    "config-cursor": ".venv/bin/freshservice-harness config --client cursor --json",
    "config-vscode": ".venv/bin/freshservice-harness config --client vscode --json",
    "config-copilot": ".venv/bin/freshservice-harness config --client copilot-studio",
    "config-api-key": ".venv/bin/freshservice-harness config --client cursor --auth api-key --json",
    "config-stdio": ".venv/bin/freshservice-harness config --client cursor --stdio",
    "tenant-http": "FRESHSERVICE_DOMAIN=yourcompany.freshservice.com .venv/bin/freshservice-mcp --transport http --read-only",
    "tenant-stdio": "FRESHSERVICE_DOMAIN=yourcompany.freshservice.com FRESHSERVICE_API_KEY=your-api-key .venv/bin/freshservice-mcp",
    "replay-mine": ".venv/bin/freshservice-harness replay my-scenario.yaml -v",
    "up-mine": ".venv/bin/freshservice-harness up --scenario my-scenario.yaml",
    "replay-one": ".venv/bin/freshservice-harness replay scenarios/rate-limit-burst.yaml",
    "replay-several": ".venv/bin/freshservice-harness replay scenarios/bad-key.yaml scenarios/malformed-body.yaml --junit replay.xml",
    "replay-command": '.venv/bin/freshservice-harness replay FILE --server-command "node my-server.js"',
    "replay-url": ".venv/bin/freshservice-harness replay FILE --server-url http://127.0.0.1:8000/mcp --fake-url http://127.0.0.1:8181",
    "serve-fake": ".venv/bin/mock-freshservice serve &",
    "serve-mcp": ".venv/bin/freshservice-mcp --transport http --base-url http://127.0.0.1:8181",
    "serve-fake-tls": ".venv/bin/mock-freshservice serve --tls &",
    "curl-tls-link": 'curl --cacert ~/.local/share/mock-freshservice/ca/ca.pem -i -u demo-acme-admin-key:X "https://127.0.0.1:8181/api/v2/tickets?per_page=2"',
    "serve-mcp-trusting-ca": "SSL_CERT_FILE=~/.local/share/mock-freshservice/ca/ca.pem .venv/bin/freshservice-mcp --transport http --base-url https://127.0.0.1:8181",
    "curl-account-domain": "curl --cacert ~/.local/share/mock-freshservice/ca/ca.pem -u demo-acme-admin-key:X --connect-to acme.freshservice.com:443:127.0.0.1:8181 https://acme.freshservice.com/api/v2/agents/me",
    "record": ".venv/bin/mock-freshservice record --upstream https://yourcompany.freshservice.com --out my-cassette &",
    "record-server": "FRESHSERVICE_BASE_URL=http://127.0.0.1:8282 .venv/bin/freshservice-mcp --transport http",
    "serve-cassette": ".venv/bin/mock-freshservice serve --cassette my-cassette --cassette-strict",
    "drift": ".venv/bin/freshservice-harness drift my-cassette --html drift.html --min-score 95",
    "check-command": '.venv/bin/freshservice-harness check --server-command "node dist/server.js" --junit contracts.xml',
    "check-url": ".venv/bin/freshservice-harness check --server-url http://127.0.0.1:8000/mcp --fake-url http://127.0.0.1:8181",
    "check-one-suite": ".venv/bin/freshservice-harness check -k test_tools",
    "check-html": ".venv/bin/freshservice-harness check -k test_tools --html contracts.html",
    "update-toolsnaps": "UPDATE_TOOLSNAPS=1 .venv/bin/freshservice-harness check -k test_tools",
    "git-diff-toolsnaps": "git diff contracts/toolsnaps/",
    "pytest-ours": "pytest -p contracts.plugin tests/test_freshservice.py",
    "pytest-command": 'pytest -p contracts.plugin tests/test_freshservice.py --harness-server-command "node dist/server.js"',
    "pytest-url": "pytest -p contracts.plugin tests/test_freshservice.py --harness-server-url http://127.0.0.1:8000/mcp --harness-fake-url http://127.0.0.1:8181",
}
# Run elsewhere: the file that runs each (checked to hold the command).
RUN_ELSEWHERE = {
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[harness]' && .venv/bin/freshservice-harness up": ".ci/quickstart_line1.py",
    "python3 -m venv .venv && .venv/bin/pip install -q tox tox-uv && .venv/bin/tox": ".ci/run",
    # The whole suite from the wheel, as `freshservice-harness check --junit FILE`.
    ".venv/bin/freshservice-harness check": "tox.ini",
    'claude mcp add freshservice --transport http http://127.0.0.1:8000/mcp --header "Authorization: demo-acme-admin-key"': "tests/clients/test_claude_code.py",
    # The first calls without an AI client, against line 1's `up`.
    """curl -s http://127.0.0.1:8000/mcp -H "Authorization: demo-acme-admin-key" -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" -d '{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "fetchTicket", "arguments": {"ticket_id": 10234}}}'""": ".ci/quickstart_line1.py",
    'npx -y @modelcontextprotocol/inspector@2.12.0 --cli --transport http --server-url http://127.0.0.1:8000/mcp --header "Authorization: demo-acme-admin-key" --method tools/call --tool-name fetchTicket --tool-arg ticket_id=10234': ".ci/quickstart_line1.py",
    "claude mcp list": "tests/clients/test_claude_code.py",
    ".venv/bin/freshservice-harness up --oauth": "tests/contracts/test_up.py",
    "claude mcp add freshservice --transport stdio -- npx -y mcp-remote http://127.0.0.1:8000/mcp": "tests/clients/test_oauth_clients.py",
    # freshservice-mcp from PyPI under the generic profile, as the other-servers env runs it.
    "python3.13 -m venv fs && fs/bin/pip install -q freshservice-mcp==1.0.0 'mcp<2'": "tests/clients/test_check_other_servers.py",
    ".venv/bin/freshservice-harness check --server-command fs/bin/freshservice-mcp --tls --server-env FRESHSERVICE_DOMAIN={host} --server-env FRESHSERVICE_APIKEY={key} --html fs-check.html --write-baseline freshservice-baseline.yaml": "tests/clients/test_check_other_servers.py",
    # The generic profile on our own server: the slow test there runs these flags.
    ".venv/bin/freshservice-harness check --profile generic --server-env FRESHSERVICE_MCP_CALLS_PER_MINUTE=0 --server-env FRESHSERVICE_MCP_CALLS_PER_MONTH=0 --server-env FRESHSERVICE_TIMEOUT=2 --call-timeout 20": "tests/contracts/test_check_generic.py",
}


def readme_commands() -> list[str]:
    """Each command line of the README's `sh` blocks, without its trailing comment."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            command = re.split(r"\s{2,}#\s", line)[0].strip()
            if command:
                found.append(command)
    return found


def test_every_readme_command_is_run() -> None:
    documented = set(readme_commands())
    accounted = set(RUN_HERE.values()) | set(RUN_ELSEWHERE)
    assert documented - accounted == set(), "README commands that nothing runs"
    assert accounted - documented == set(), "commands run here that the README no longer has"


@pytest.mark.parametrize("command", sorted(RUN_ELSEWHERE))
def test_commands_run_elsewhere_are_in_the_file_that_runs_them(command: str) -> None:
    where = ROOT / RUN_ELSEWHERE[command]
    text = where.read_text()
    if where.name == "quickstart_line1.py" and "/mcp" in command:
        # It reads the first calls from the README itself, so it runs whatever the README says.
        assert "run_first_calls()" in text and command in quickstart_first_calls()
    elif where.name == "quickstart_line1.py":
        # It reads line 1 from the README itself, so it runs whatever the README says.
        assert "quickstart_line_1()" in text and command == readme_commands()[0]
    elif where.name == "tox.ini":
        assert "freshservice-harness check --junit" in text
    else:
        assert command.replace(".venv/bin/", "") in text or command in text


def quickstart_first_calls() -> list[str]:
    spec = importlib.util.spec_from_file_location(
        "quickstart", ROOT / ".ci" / "quickstart_line1.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.first_calls())


def documented(name: str) -> str:
    command = RUN_HERE[name]
    assert command in readme_commands(), f"{name}: no longer in the README"
    return command


def adapted(command: str, *, mcp_port: int | None = None, fake_port: int | None = None) -> str:
    text = command.replace(".venv/bin/", f"{BIN}/")
    if mcp_port is not None:
        text = text.replace("127.0.0.1:8000", f"127.0.0.1:{mcp_port}")
    if fake_port is not None:
        text = text.replace("127.0.0.1:8181", f"127.0.0.1:{fake_port}")
    return text


def shell(
    command: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(env or {})},
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder like the checkout's root for commands that name `scenarios/…`, so files they
    write (reports, JUnit) land in a temporary place."""
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    return tmp_path


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    with started(tmp_path_factory.mktemp("up")) as running:
        running.wait_for_banner()
        yield running


# -- Quickstart ---------------------------------------------------------------------------------


def test_curl_asks_the_fake_who_the_key_is(up: Up, tmp_path: Path) -> None:
    done = shell(adapted(documented("curl-me"), fake_port=up.fake_port), tmp_path)
    assert done.returncode == 0, done.stderr
    me = json.loads(done.stdout)["agent"]
    assert (me["first_name"], me["last_name"]) == ("Priya", "Raman")


def test_curl_lists_new_and_my_open_tickets(up: Up, tmp_path: Path) -> None:
    done = shell(adapted(documented("curl-tickets"), fake_port=up.fake_port), tmp_path)
    tickets = json.loads(done.stdout)["tickets"]
    assert 0 < len(tickets) <= 5


def test_the_documented_prompts_replay_into_a_report(workdir: Path) -> None:
    done = shell(adapted(documented("prompts-html")), workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 of 7 scenarios passed" in done.stdout
    page = (workdir / "prompts.html").read_text()
    assert re.search(r'id="scenarios-passed"[^>]*>\s*7\s*<', page)
    assert f"HTML report written to {workdir.resolve() / 'prompts.html'}" in done.stderr


# -- Connecting a client ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "config-claude-code",
            "claude mcp add freshservice --transport stdio -- npx -y mcp-remote",
        ),
        ("config-copilot", "OAuth 2.0"),
        ("config-stdio", f'"command": "{BIN}/freshservice-mcp"'),
    ],
)
def test_config_prints_text_for_people(name: str, expected: str, tmp_path: Path) -> None:
    done = shell(adapted(documented(name)), tmp_path)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout


@pytest.mark.parametrize(
    ("name", "servers_key"),
    [
        ("config-claude-desktop", "mcpServers"),
        ("config-cursor", "mcpServers"),
        ("config-vscode", "servers"),
    ],
)
def test_config_json_is_json(name: str, servers_key: str, tmp_path: Path) -> None:
    done = shell(adapted(documented(name)), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "freshservice" in json.loads(done.stdout)[servers_key]


def test_config_with_auth_api_key_prints_the_entry_with_the_key(tmp_path: Path) -> None:
    done = shell(adapted(documented("config-api-key")), tmp_path)
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)["mcpServers"]["freshservice"]
    assert entry["headers"] == {"Authorization": "demo-acme-admin-key"}


# -- A real tenant (the fake stands in for it) --------------------------------------------------


def as_tenant(command: str, fake_url: str) -> str:
    return command.replace(
        "FRESHSERVICE_DOMAIN=yourcompany.freshservice.com", f"FRESHSERVICE_BASE_URL={fake_url}"
    ).replace("your-api-key", "demo-acme-admin-key")


@contextlib.contextmanager
def served_by_bash(
    command: str,
    ready: str,
    log: IO[bytes],
    env: dict[str, str] | None = None,
    scheme: str = "http",
) -> Iterator[int]:
    """A README command run by bash (which execs a lone command) on a socket bound here and
    handed down with `--fd N`; yields its port once `ready` answers."""
    with listening_socket() as sock:
        fd = sock.fileno()
        process = subprocess.Popen(
            ["bash", "-c", f"{command} --fd {fd}"], pass_fds=(fd,), stderr=log, env=env
        )
        port = int(sock.getsockname()[1])
    try:
        wait_until_answering(f"{scheme}://127.0.0.1:{port}{ready}", process, log)
        yield port
    finally:
        stop(process, timeout=20)


def test_the_tenant_command_over_http_serves_the_fetch_tools_only(tmp_path: Path) -> None:
    with running_fake() as fake, (tmp_path / "server.log").open("w+b") as log:
        command = as_tenant(adapted(documented("tenant-http")), fake.url)
        with served_by_bash(command, "/healthz", log) as port:

            async def tools() -> list[str]:
                async with over_http(f"http://127.0.0.1:{port}/mcp", "demo-acme-admin-key") as c:
                    return [t.name for t in (await c.list_tools()).tools]

            names = anyio.run(tools)
    assert len(names) == 23
    assert all(name.startswith("fetch") for name in names)


def test_the_tenant_command_over_stdio_answers_a_client() -> None:
    with running_fake() as fake:
        command = as_tenant(adapted(documented("tenant-stdio")), fake.url)

        async def call() -> dict[str, object]:
            server = StdioServerParameters(command="bash", args=["-c", command])
            async with Client(stdio_client(server)) as client:
                return structured(await client.call_tool("fetchTicket", {"ticket_id": 10234}))

        assert anyio.run(call)["id"] == 10234


# -- Writing a scenario -------------------------------------------------------------------------


def readme_scenario() -> str:
    section = README.split("## Writing a scenario", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    return block[1]


def test_the_scenario_written_in_the_readme_replays_green(tmp_path: Path) -> None:
    (tmp_path / "my-scenario.yaml").write_text(readme_scenario())
    done = shell(adapted(documented("replay-mine")), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS  my-scenario.yaml" in done.stdout
    assert "GET /api/v2/tickets/1023 503, GET /api/v2/tickets/1023 200" in done.stdout


def test_a_typo_in_the_readme_scenario_gives_the_message_the_readme_promises(
    tmp_path: Path,
) -> None:
    promised = re.search(r"a misspelt key of the format\s+\(`([^`]+)`\)", README)
    assert promised, "the README no longer shows the message"
    text = readme_scenario()
    assert "nth: 2" in text
    (tmp_path / "my-scenario.yaml").write_text(text.replace("nth: 2", "nht: 2"))
    done = shell(adapted(documented("replay-mine")), tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"freshservice-harness: {' '.join(promised[1].split())}\n"


def test_up_with_the_readme_scenario_loads_it(tmp_path: Path) -> None:
    (tmp_path / "my-scenario.yaml").write_text(readme_scenario())
    scenario = str(tmp_path / "my-scenario.yaml")
    command = adapted(documented("up-mine")).replace("my-scenario.yaml", scenario).split()[1:]
    assert command[:2] == ["up", "--scenario"]
    with started(tmp_path, *command[1:]) as running:
        running.wait_for_banner()
        loaded = httpx.get(
            f"{running.fake_url}/_mock/accounts/acme.freshservice.com/scenario"
        ).json()
        assert [rule["id"] for rule in loaded["rules"]] == ["flaky-view"]
        assert ctrl_c(running) == 0


# -- Replaying ----------------------------------------------------------------------------------


def test_replaying_one_shipped_scenario(workdir: Path) -> None:
    done = shell(adapted(documented("replay-one")), workdir)
    assert done.returncode == 0, done.stdout + done.stderr


def test_replaying_several_scenarios_with_junit(workdir: Path) -> None:
    done = shell(adapted(documented("replay-several")), workdir, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'failures="0"' in (workdir / "replay.xml").read_text()
    assert f"JUnit XML written to {workdir.resolve() / 'replay.xml'}" in done.stderr


def test_replaying_against_another_stdio_server(workdir: Path) -> None:
    command = (
        adapted(documented("replay-command"))
        .replace("FILE", "scenarios/malformed-body.yaml")
        .replace("node my-server.js", PYTHON_SERVER)
    )
    done = shell(command, workdir)
    assert done.returncode == 0, done.stdout + done.stderr


def test_replaying_against_a_running_server_and_fake(up: Up, workdir: Path) -> None:
    command = adapted(documented("replay-url"), mcp_port=up.port, fake_port=up.fake_port).replace(
        "FILE", "scenarios/rate-limit-burst.yaml"
    )
    done = shell(command, workdir)
    assert done.returncode == 0, done.stdout + done.stderr


# -- Running the MCP server ---------------------------------------------------------------------


def test_the_fake_and_the_server_started_by_hand_work_together(tmp_path: Path) -> None:
    fake_command = adapted(documented("serve-fake")).removesuffix("&").strip()
    with contextlib.ExitStack() as stack:
        fake_log = stack.enter_context((tmp_path / "fake.log").open("w+b"))
        fake_port = stack.enter_context(served_by_bash(fake_command, "/_mock/health", fake_log))
        server_command = adapted(documented("serve-mcp"), fake_port=fake_port)
        mcp_log = stack.enter_context((tmp_path / "server.log").open("w+b"))
        mcp_port = stack.enter_context(served_by_bash(server_command, "/healthz", mcp_log))

        async def call() -> dict[str, object]:
            url = f"http://127.0.0.1:{mcp_port}/mcp"
            async with over_http(url, "demo-acme-admin-key") as client:
                return structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))

        assert anyio.run(call)["subject"] == "Office network down in Building B"
    assert not listening(fake_port) and not listening(mcp_port)


# -- Pointing any Freshservice client at the fake -----------------------------------------------


def with_home(home: Path) -> dict[str, str]:
    """Our environment with `home` as the user's home, so the fake's CA is made and read there."""
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    return {**env, "HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture(scope="module")
def tls_fake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The README's fake over TLS, on a free port, with a temporary home: (port, home)."""
    home = tmp_path_factory.mktemp("home")
    command = adapted(documented("serve-fake-tls")).removesuffix("&").strip()
    with (
        (home / "fake.log").open("w+b") as log,
        served_by_bash(command, "/_mock/health", log, with_home(home), scheme="https") as port,
    ):
        ca_file = home / ".local" / "share" / "mock-freshservice" / "ca" / "ca.pem"
        health = httpx.get(f"https://127.0.0.1:{port}/_mock/health", verify=trusting(ca_file))
        assert health.status_code == 200  # its certificate is from the CA made in that home
        yield port, home


def in_home(name: str, port: int, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", adapted(documented(name), fake_port=port)],
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
        env=with_home(home),
    )


def test_curl_trusting_the_fakes_ca_gets_a_link_over_https(tls_fake: tuple[int, Path]) -> None:
    port, home = tls_fake
    done = in_home("curl-tls-link", port, home)
    assert done.returncode == 0, done.stderr
    link = f"<https://127.0.0.1:{port}/api/v2/tickets?per_page=2&page=2>"
    assert f"Link: {link}" in done.stdout


def test_curl_calling_an_accounts_domain_reaches_that_account(tls_fake: tuple[int, Path]) -> None:
    port, home = tls_fake
    done = in_home("curl-account-domain", port, home)
    assert done.returncode == 0, done.stderr
    me = json.loads(done.stdout)["agent"]
    assert (me["first_name"], me["last_name"]) == ("Priya", "Raman")


def test_the_server_trusting_the_ca_through_ssl_cert_file_serves_a_tool(
    tls_fake: tuple[int, Path],
) -> None:
    fake_port, home = tls_fake
    command = adapted(documented("serve-mcp-trusting-ca"), fake_port=fake_port)
    with (
        (home / "server.log").open("w+b") as log,
        served_by_bash(command, "/healthz", log, with_home(home)) as mcp_port,
    ):

        async def call() -> dict[str, object]:
            url = f"http://127.0.0.1:{mcp_port}/mcp"
            async with over_http(url, "demo-acme-admin-key") as client:
                return structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))

        assert anyio.run(call)["subject"] == "Office network down in Building B"


# -- Recording your own tenant: the fake over TLS stands in for it ------------------------------


def test_record_replay_and_drift_as_the_readme_runs_them(
    tls_fake: tuple[int, Path], tmp_path: Path
) -> None:
    fake_port, home = tls_fake
    ca_file = home / ".local" / "share" / "mock-freshservice" / "ca" / "ca.pem"
    env = {**with_home(home), "SSL_CERT_FILE": str(ca_file)}  # the recorder trusts the fake
    record = adapted(documented("record")).removesuffix("&").strip()
    record = record.replace(
        "https://yourcompany.freshservice.com", f"https://127.0.0.1:{fake_port}"
    )
    with (
        (tmp_path / "record.log").open("w+b") as log,
        served_by_bash(
            f"cd {tmp_path} && exec {record}", "/_record/health", log, env
        ) as record_port,
    ):
        server = adapted(documented("record-server")).replace("8282", str(record_port))
        with (
            (tmp_path / "server.log").open("w+b") as server_log,
            served_by_bash(f"exec env {server}", "/healthz", server_log, env) as mcp_port,
        ):

            async def call() -> dict[str, object]:
                url = f"http://127.0.0.1:{mcp_port}/mcp"
                async with over_http(url, "demo-acme-admin-key") as client:
                    return structured(await client.call_tool("fetchTicket", {"ticket_id": 10234}))

            recorded = anyio.run(call)
    cassette = tmp_path / "my-cassette"
    assert (cassette / "cassette.yaml").is_file() and (cassette / "scrubbed.yaml").is_file()
    # The key recorded with appears only as the cassette's replay key (its default here).
    assert (cassette / "cassette.yaml").read_text().count("demo-acme-admin-key") == 1

    replay = adapted(documented("serve-cassette"))
    with (
        (tmp_path / "replay.log").open("w+b") as log,
        served_by_bash(f"cd {tmp_path} && exec {replay}", "/_mock/health", log) as replay_port,
    ):
        base = f"http://127.0.0.1:{replay_port}/api/v2"
        ticket = httpx.get(f"{base}/tickets/10234", auth=("demo-acme-admin-key", "X")).json()
        assert ticket["ticket"]["id"] == recorded["id"] == 10234
        other = httpx.get(f"{base}/tickets/10235", auth=("demo-acme-admin-key", "X"))
        assert other.status_code == 404 and other.json()["code"] == "not_recorded"

    drift = shell(adapted(documented("drift")), tmp_path)
    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert "conformance 100.0%" in drift.stdout  # a recording of the fake, against the fake
    assert (tmp_path / "drift.html").is_file()


# -- Contract suites ----------------------------------------------------------------------------


def test_check_against_another_stdio_server(tmp_path: Path) -> None:
    command = adapted(documented("check-command")).replace("node dist/server.js", PYTHON_SERVER)
    done = shell(f"{command} -k test_tools", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert (tmp_path / "contracts.xml").exists()


def test_check_against_a_running_server_and_fake(up: Up, tmp_path: Path) -> None:
    command = adapted(documented("check-url"), mcp_port=up.port, fake_port=up.fake_port)
    done = shell(f"{command} -k test_tools", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]


def test_check_one_suite(tmp_path: Path) -> None:
    done = shell(adapted(documented("check-one-suite")), tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"\d+ passed", done.stdout)


def test_check_writes_an_html_report(tmp_path: Path) -> None:
    done = shell(adapted(documented("check-html")), tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    page = (tmp_path / "contracts.html").read_text()
    assert re.search(r'id="checks-failed"[^>]*>\s*0\s*<', page)
    assert f"HTML report written to {tmp_path.resolve() / 'contracts.html'}" in done.stderr
    assert "test_tools.py::test_the_tool_matches_its_snapshot[fetchTicket]" in page


def test_updating_the_tool_snapshots_rewrites_them_unchanged(tmp_path: Path) -> None:
    snapshots = tmp_path / "toolsnaps"
    shutil.copytree(ROOT / "contracts" / "toolsnaps", snapshots)
    (snapshots / "fetchTicket.json").write_text("{}\n")  # stale: the update must mend it
    env = {"TOOLSNAPS_DIR": str(snapshots)}
    env_without_ci = {k: v for k, v in os.environ.items() if k != "CI"}
    done = subprocess.run(
        ["bash", "-c", adapted(documented("update-toolsnaps"))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**env_without_ci, **env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
    )
    assert done.returncode == 0, done.stdout[-3000:]
    for shipped in (ROOT / "contracts" / "toolsnaps").glob("*.json"):
        assert (snapshots / shipped.name).read_text() == shipped.read_text(), shipped.name


def test_git_diff_of_the_snapshots_is_empty_in_a_clean_checkout() -> None:
    if not (ROOT / ".git").exists():
        pytest.fail("the README's `git diff` needs the git checkout the tests run in")
    done = shell(documented("git-diff-toolsnaps"), ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


# -- The pytest fixtures in another project -----------------------------------------------------


@pytest.fixture
def other_project(tmp_path: Path) -> Path:
    section = README.split("## Using the pytest fixtures in another project", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_freshservice.py").write_text(block[1])
    return tmp_path


def test_the_fixtures_test_our_server_in_another_project(other_project: Path) -> None:
    done = shell(adapted(documented("pytest-ours")), other_project)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout


def test_the_fixtures_test_another_stdio_server(other_project: Path) -> None:
    command = adapted(documented("pytest-command")).replace("node dist/server.js", PYTHON_SERVER)
    done = shell(command, other_project)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout


def test_the_fixtures_test_a_running_server(up: Up, other_project: Path) -> None:
    command = adapted(documented("pytest-url"), mcp_port=up.port, fake_port=up.fake_port)
    done = shell(command, other_project)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout


def test_a_failed_expectation_in_the_fixtures_example_says_which_step_and_why(
    other_project: Path,
) -> None:
    example = other_project / "tests" / "test_freshservice.py"
    text = example.read_text()
    assert "expect: {is_error: false}" in text
    example.write_text(text.replace("expect: {is_error: false}", "expect: {is_error: true}"))
    done = shell(adapted(documented("pytest-ours")), other_project)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "AssertionError: []" not in done.stdout
    failed = re.search(r"FAIL step list: fetchTickets.*\n(.*\n)*?.*failed: (.*)", done.stdout)
    assert failed, done.stdout[-3000:]
    assert "is_error" in failed[2]
