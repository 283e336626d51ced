"""`freshservice-harness up`: a real subprocess starting the real fake and server, used by a real
MCP client, stopped as a person stops it (Ctrl-C at the terminal: SIGINT to the whole group)."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest

from contracts.up import UpOptions, banner, harness_command
from mock_freshservice import FakeSettings, create_app
from mock_freshservice.scenario import load_scenario
from tests.conftest import basic
from tests.oauth import obtain
from tests.processes import UP_COMMAND, Up, ctrl_c, listening, started, unwrapped
from tests.server.conftest import over_http, structured

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
UP = UP_COMMAND


def fetch_ticket(url: str, key: str, ticket_id: int = 10234) -> dict[str, object]:
    async def call() -> dict[str, object]:
        async with over_http(url, key) as client:
            return structured(await client.call_tool("fetchTicket", {"ticket_id": ticket_id}))

    return anyio.run(call)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    with started(tmp_path_factory.mktemp("up")) as up:
        up.wait_for_banner()
        yield up


def test_up_serves_the_demo_data_at_the_printed_mcp_url(running: Up) -> None:
    assert f"MCP server  {running.mcp_url}" in running.banner
    ticket = fetch_ticket(running.mcp_url, "demo-acme-admin-key")
    assert ticket["subject"] == "Outlook crashes when opening a shared calendar"


def test_up_prints_the_demo_keys_of_every_account(running: Up) -> None:
    for key in ("demo-acme-admin-key", "demo-globex-agent-key", "demo-initech-requester-key"):
        assert key in running.banner


def test_up_prints_the_claude_code_command_that_connects(running: Up) -> None:
    line = next(
        line.strip()
        for line in unwrapped(running.banner).splitlines()
        if line.strip().startswith("claude ")
    )
    argv = shlex.split(line)
    assert argv == [
        "claude",
        "mcp",
        "add",
        "freshservice",
        "--transport",
        "http",
        running.mcp_url,
        "--header",
        "Authorization: demo-acme-admin-key",
    ]
    # The header it adds is one the server takes.
    key = argv[-1].split(": ", 1)[1]
    assert fetch_ticket(argv[6], key)["id"] == 10234


def test_up_points_to_config_with_its_url_for_other_clients(running: Up) -> None:
    assert f"config --client cursor --url {running.mcp_url} --auth api-key" in unwrapped(
        running.banner
    )


def test_up_wires_the_server_to_its_own_fake(running: Up) -> None:
    fetch_ticket(running.mcp_url, "demo-globex-admin-key", ticket_id=7)
    journal = httpx.get(f"{running.fake_url}/_mock/accounts/globex.freshservice.com/journal").json()
    assert any(e["path"] == "/api/v2/tickets/7" for e in journal["entries"])


def test_the_server_up_starts_takes_no_key_of_its_own(running: Up) -> None:
    # Like the hosted server: a client that sends no key is refused, not served as someone.
    response = httpx.post(
        running.mcp_url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Accept": "application/json, text/event-stream"},
    )
    assert response.status_code == 401


def test_up_with_tls_serves_a_tool_call_through_the_server_to_the_fake_over_https(
    tmp_path: Path,
) -> None:
    data_home = tmp_path / "data"  # where the fake keeps its CA (the user's data folder)
    with started(tmp_path, "--tls", env={"XDG_DATA_HOME": str(data_home)}) as up:
        banner_text = up.wait_for_banner()
        ca_file = data_home / "mock-freshservice" / "ca" / "ca.pem"
        fake_url = f"https://127.0.0.1:{up.fake_port}"
        assert f"fake API    {fake_url}/api/v2/" in banner_text
        assert f"CA file     {ca_file}" in banner_text
        ticket = fetch_ticket(up.mcp_url, "demo-globex-admin-key", ticket_id=7)
        journal = httpx.get(
            f"{fake_url}/_mock/accounts/globex.freshservice.com/journal",
            verify=ssl.create_default_context(cafile=ca_file),
        ).json()
        assert ctrl_c(up) == 0
    assert ticket["id"] == 7
    # Its port speaks TLS only: the call above reached the fake over https.
    assert any(e["path"] == "/api/v2/tickets/7" for e in journal["entries"])


def test_the_banner_of_up_without_tls_names_no_ca() -> None:
    assert "CA " not in banner(UpOptions(), None)


def test_ctrl_c_stops_the_fake_and_the_server(tmp_path: Path) -> None:
    with started(tmp_path) as up:
        up.wait_for_banner()
        assert listening(up.port) and listening(up.fake_port)
        assert ctrl_c(up) == 0
        assert not listening(up.port)
        assert not listening(up.fake_port)
        assert "stopped." in up.stderr()
        assert "Traceback" not in up.stderr()


def test_more_ctrl_cs_while_up_stops_still_stop_it_cleanly(tmp_path: Path) -> None:
    # As when a wrapper (uvx) forwards the Ctrl-C that `up` got from the terminal as well.
    with started(tmp_path) as up:
        up.wait_for_banner()
        os.killpg(up.process.pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while up.process.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(ProcessLookupError):  # more, at any moment of the stop
                os.kill(up.process.pid, signal.SIGINT)
            time.sleep(0.005)
        assert up.process.wait(timeout=30) == 0, up.stderr()
        assert "stopped." in up.stderr() and "Traceback" not in up.stderr()
        assert not listening(up.port) and not listening(up.fake_port)


def test_sigterm_to_up_alone_stops_both_children(tmp_path: Path) -> None:
    with started(tmp_path) as up:
        up.wait_for_banner()
        up.process.send_signal(signal.SIGTERM)
        assert up.process.wait(timeout=30) == 0
        assert "Traceback" not in up.stderr()
        assert not listening(up.port)
        assert not listening(up.fake_port)


@pytest.mark.parametrize("busy_flag", ["--port", "--fake-port"])
def test_a_busy_port_is_named_with_the_flag_to_change_it(busy_flag: str) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        ports = {"--port": 0, "--fake-port": 0, busy_flag: busy}
        done = subprocess.run(
            [*UP, *(str(part) for flag, port in ports.items() for part in (flag, port))],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"port {busy} on 127.0.0.1 is in use" in done.stderr
    assert f"{busy_flag} N" in done.stderr
    assert "Traceback" not in done.stderr


def test_scenario_and_seed_reach_the_fake(tmp_path: Path) -> None:
    scenario = ROOT / "scenarios" / "server-errors-then-ok.yaml"
    with started(tmp_path, "--scenario", str(scenario), "--seed", "7") as up:
        banner = up.wait_for_banner()
        assert "Scenario " in banner and "server-errors-then-ok.yaml" in banner
        loaded = httpx.get(f"{up.fake_url}/_mock/accounts/acme.freshservice.com/scenario").json()
        assert loaded["description"].startswith(banner.split("Scenario ")[1].split(": ", 1)[1][:20])
        served = httpx.get(
            f"{up.fake_url}/api/v2/requesters?per_page=100",
            auth=("demo-globex-admin-key", "X"),
            headers={"Host": "globex.freshservice.com"},
        ).json()
        assert names(served) == names_with_seed(7)
        assert names(served) != names_with_seed(1)
        ctrl_c(up)


def names(body: dict[str, list[dict[str, str]]]) -> list[str]:
    return [f"{r['first_name']} {r['last_name']}" for r in body["requesters"]]


def names_with_seed(seed: int) -> list[str]:
    with create_app(FakeSettings(seed=seed)).test_client() as client:
        response = client.get(
            "/api/v2/requesters?per_page=100",
            headers={**basic("demo-globex-admin-key"), "Host": "globex.freshservice.com"},
        )
        return names(response.get_json())


def test_a_bad_scenario_is_refused_naming_file_and_line_before_anything_starts(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: typo\nkey: demo-acme-admin-key\nrulez: []\n")
    done = subprocess.run(
        [*UP, "--port", "0", "--fake-port", "0", "--scenario", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"{bad}:3" in done.stderr
    assert "rulez" in done.stderr
    assert "starting" not in done.stderr


def test_when_a_child_dies_up_stops_the_other_and_fails_naming_it(tmp_path: Path) -> None:
    with started(tmp_path) as up:
        up.wait_for_banner()
        fake_pid = next(
            int(pid)
            for pid in os.listdir("/proc")
            if pid.isdigit()
            and b"\0mock_freshservice\0" in _cmdline(int(pid))
            and _parent_of(int(pid)) == up.process.pid
        )
        os.kill(fake_pid, signal.SIGKILL)
        assert up.process.wait(timeout=30) == 1
        assert "the fake stopped" in up.stderr()
        assert not listening(up.port)


def _parent_of(pid: int) -> int | None:
    try:  # /proc/PID/stat: "PID (name) STATE PPID ..."; the name may hold spaces
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_with_a_dataset_of_your_own_no_key_is_printed(tmp_path: Path) -> None:
    text = banner(UpOptions(dataset=tmp_path / "mine.yaml"), None)
    assert "demo-" not in text
    assert '--header "Authorization: <api-key>"' in text
    assert "config --client cursor --key '<api-key>'" in unwrapped(text)


def test_a_scenarios_key_is_the_one_suggested(tmp_path: Path) -> None:
    scenario = load_scenario(
        "description: d\nkey: demo-globex-admin-key\nrules: []\n", name="globex.yaml"
    )
    text = banner(UpOptions(), scenario)
    assert '--header "Authorization: demo-globex-admin-key"' in text
    assert "config --client cursor --key demo-globex-admin-key" in unwrapped(text)


def test_a_requester_scenario_key_is_not_suggested() -> None:
    scenario = load_scenario(
        "description: d\nkey: demo-acme-requester-key\nrules: []\n", name="requester.yaml"
    )
    assert '--header "Authorization: demo-acme-admin-key"' in banner(UpOptions(), scenario)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "up serves on this machine only"),
        (["--port", "70000"], "70000 is not a port: give 1 to 65535, or 0 for any"),
        (["--fake-port", "-1"], "-1 is not a port"),
    ],
)
def test_bad_addresses_are_usage_errors(args: list[str], message: str) -> None:
    done = subprocess.run([*UP, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_while_the_fake_builds_a_large_dataset_leaves_no_traceback(tmp_path: Path) -> None:
    dataset = tmp_path / "large.yaml"
    dataset.write_text(
        "accounts:\n"
        + "".join(
            f"  - {{domain: big{n}.freshservice.com, name: Big {n}, sizes: {{tickets: 300000}}}}\n"
            for n in range(4)
        )
    )
    with started(tmp_path, "--dataset", str(dataset)) as up:
        deadline = time.monotonic() + 60
        while "starting the fake" not in up.stderr() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # inside the build: importing is done, the accounts are being made
        assert ctrl_c(up) == 0
        assert "Traceback" not in up.stderr()
        assert "stopped." in up.stderr()
        assert not listening(up.fake_port)


# -- up --oauth ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_oauth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    """`freshservice-harness up --oauth` as the README starts it, approving sign-ins at once."""
    with started(tmp_path_factory.mktemp("up-oauth"), "--oauth", "--oauth-auto-approve") as up:
        up.wait_for_banner()
        yield up


def issuer_in(banner_text: str) -> str:
    return next(
        line.split()[-1] for line in banner_text.splitlines() if line.strip().startswith("issuer")
    )


def test_up_oauth_names_the_fakes_authorization_server_for_the_first_account(
    with_oauth: Up,
) -> None:
    assert issuer_in(with_oauth.banner) == f"{with_oauth.fake_url}/oauth/acme.freshservice.com"


def test_up_oauth_refuses_a_request_without_a_token_pointing_to_its_metadata(
    with_oauth: Up,
) -> None:
    response = httpx.post(
        with_oauth.mcp_url,
        headers={"Accept": "application/json, text/event-stream"},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
    )
    assert response.status_code == 401
    assert "resource_metadata=" in response.headers["www-authenticate"]


def test_up_oauth_serves_a_signed_in_client(with_oauth: Up) -> None:
    tokens = obtain(issuer_in(with_oauth.banner), with_oauth.mcp_url)
    ticket = fetch_ticket(with_oauth.mcp_url, f"Bearer {tokens.access_token}")
    assert ticket["id"] == 10234


def test_up_oauth_takes_no_api_key(with_oauth: Up) -> None:
    response = httpx.post(
        with_oauth.mcp_url,
        headers={"Accept": "application/json, text/event-stream", "Authorization": "x"},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
    )
    assert response.status_code == 401


def test_oauth_flags_without_oauth_are_a_usage_error() -> None:
    done = subprocess.run(
        [*UP, "--oauth-token-lifetime", "5"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "need --oauth" in done.stderr


# -- The banner on an 80x24 terminal -----------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        UpOptions(),
        UpOptions(host="::1", port=65000, fake_port=65001, tls=True),
        UpOptions(dataset=Path("/a/rather/long/folder/name/of/somebodys/own/dataset.yaml")),
        UpOptions(host="::1", port=65000, fake_port=65001, tls=True, oauth=True),
    ],
    ids=["default", "tls-on-ipv6-high-ports", "own-dataset", "oauth"],
)
def test_no_line_of_the_banner_is_wider_than_80_columns(options: UpOptions) -> None:
    lines = banner(options, None).splitlines()
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, too_wide


def test_the_banner_ends_with_the_mcp_url_and_the_claude_code_command() -> None:
    lines = banner(UpOptions(), None).splitlines()
    assert lines[-4].startswith("MCP server  http://127.0.0.1:8000/mcp")
    assert lines[-3] == "Connect Claude Code:"
    assert lines[-2].startswith("  claude mcp add") and lines[-1].startswith("    --header")


def test_the_printed_commands_carry_the_path_a_quickstart_user_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / ".venv" / "bin"
    scripts.mkdir(parents=True)
    (scripts / "freshservice-harness").write_text("#!/bin/sh\n")
    (scripts / "freshservice-harness").chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(scripts / "python"))
    # Quickstart: run from the checkout, .venv/bin not on PATH: the path from there.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert harness_command() == ".venv/bin/freshservice-harness"
    # Run from elsewhere: the full path. On PATH (an activated venv, pipx): the bare name.
    monkeypatch.chdir("/")
    assert harness_command() == str(scripts / "freshservice-harness")
    monkeypatch.setenv("PATH", str(scripts))
    assert harness_command() == "freshservice-harness"


def test_up_started_in_the_background_by_a_script_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    # A non-interactive shell starts `cmd &` with SIGINT ignored; `kill -INT` must still stop up.
    out = tmp_path / "up.out"
    script = (
        f"{shlex.join(UP)} --port 0 --fake-port 0 > {shlex.quote(str(out))} 2>&1 & pid=$!\n"
        f"for _ in $(seq 600); do grep -q -- '--header' {shlex.quote(str(out))} && break; "
        "sleep 0.1; done\n"
        "kill -INT $pid\n"
        "wait $pid; echo exit=$?\n"
    )
    shell = subprocess.Popen(
        ["bash", "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, _ = shell.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        stdout = "(up did not stop on SIGINT within 60 s)"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGKILL)  # nothing left behind if it did not stop
        shell.wait()
    assert stdout.strip().endswith("exit=0"), stdout + out.read_text()
    said = out.read_text()
    assert said.rstrip().endswith("stopped.") and "Traceback" not in said
