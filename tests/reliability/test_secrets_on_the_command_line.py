"""A local user hunts for keys in `ps`: a fake given its secrets must not show them there.

Every local user can read every process's command line (`/proc/<pid>/cmdline`); only the owner can
read its environment. So the fake takes its extra API keys and its admin token from
MOCK_FRESHSERVICE_API_KEYS and MOCK_FRESHSERVICE_ADMIN_TOKEN, and the harness passes them so.
"""

from __future__ import annotations

from pathlib import Path

from tests.processes import running_fake

KEYS = ("ps-hunt-key-7f3a9c0d", "ps-hunt-key-2b8e41aa")
TOKEN = "ps-hunt-token-5d0c6e19"
ENVIRONMENT = {"MOCK_FRESHSERVICE_API_KEYS": ",".join(KEYS), "MOCK_FRESHSERVICE_ADMIN_TOKEN": TOKEN}


def every_command_line() -> str:
    """What `ps -ef` shows of every process on the machine."""
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # the process ended meanwhile
            continue
    return "\n".join(lines)


def test_a_fake_given_its_secrets_in_the_environment_serves_them() -> None:
    with running_fake(env=ENVIRONMENT) as fake:
        for key in KEYS:
            assert fake.api("GET", "/agents/me", key).status_code == 200
        assert fake.http.get("/_mock/accounts").status_code == 403
        allowed = fake.http.get("/_mock/accounts", headers={"Authorization": f"Bearer {TOKEN}"})
        assert allowed.status_code == 200


def test_no_command_line_on_the_machine_shows_the_fakes_secrets() -> None:
    with running_fake(env=ENVIRONMENT) as fake:
        assert fake.api("GET", "/agents/me", KEYS[0]).status_code == 200
        own = Path(f"/proc/{fake.process.pid}/cmdline").read_bytes().decode(errors="replace")
        everything = every_command_line()
        log = fake.stderr()
    assert "mock_freshservice" in own
    for secret in (*KEYS, TOKEN):
        assert secret not in own
        assert secret not in everything
        assert secret not in log
