"""Other people's Freshservice MCP servers as clients of the fake: each installed unmodified from
PyPI in a virtual environment of its own, started over stdio against the fake over HTTPS, and
every one of its tools called; what each call made the fake answer is read from its journal.

The environments are kept in `OTHER_MCP_SERVERS_DIR` (tox sets it inside the `other-servers`
environment, so a second run installs nothing) or else in the test session's temporary folder.
A server whose Python is not on the machine is reported by name, with where it was looked for.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.processes import Fake

DOMAIN = "acme.freshservice.com"
INSTALL_TIMEOUT = 600  # seconds: pip resolving and downloading a server's dependencies


@dataclasses.dataclass(frozen=True)
class ServerPackage:
    """A Freshservice MCP server published on PyPI, pinned to the version tested."""

    name: str
    version: str
    requirements: tuple[str, ...]
    python: tuple[int, int]  # the oldest Python its package accepts
    command: str  # its console script
    environment: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def _real_home() -> Path:
    """The user's home from the password database: tox gives Node clients a HOME of their own."""
    return Path(pwd.getpwuid(os.getuid()).pw_dir)


def _version_of(python: Path) -> tuple[int, int] | None:
    try:
        done = subprocess.run(
            [str(python), "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None  # e.g. a pyenv shim for a version not selected
    major, minor = done.stdout.split()
    return int(major), int(minor)


def python_candidates(wanted: tuple[int, int]) -> list[Path]:
    """Where a Python of at least `wanted` is looked for, in order: the one running the tests,
    pyenv's versions (`PYENV_ROOT`, else ~/.pyenv), then `pythonX.Y` on PATH."""
    found: list[Path] = []
    if sys.version_info[:2] >= wanted:
        found.append(Path(sys.executable))
    roots = [Path(os.environ["PYENV_ROOT"])] if os.environ.get("PYENV_ROOT") else []
    roots.append(_real_home() / ".pyenv")
    for root in roots:
        versions = root / "versions"
        if versions.is_dir():
            for version in sorted(versions.iterdir(), reverse=True):
                found.extend(sorted(version.glob("bin/python3.[0-9]*"), reverse=True))
    major, minor = wanted
    on_path = shutil.which(f"python{major}.{minor}")
    if on_path is not None:
        found.append(Path(on_path))
    return found


def find_python(wanted: tuple[int, int]) -> tuple[Path | None, list[Path]]:
    """The first Python of at least `wanted`, and every place looked at."""
    looked = python_candidates(wanted)
    for candidate in looked:
        if candidate.name.endswith("-config"):
            continue
        version = _version_of(candidate)
        if version is not None and version >= wanted:
            return candidate, looked
    return None, looked


def installed(package: ServerPackage, root: Path) -> Path:
    """`package` installed under `root` with the first Python new enough for it; the test
    fails naming where it looked when there is none."""
    python, looked = find_python(package.python)
    if python is None:
        pytest.fail(
            f"{package.label} needs Python >= {'.'.join(map(str, package.python))}, and none "
            f"was found; looked at: {', '.join(map(str, looked)) or 'nothing'}. Install one "
            "(for example with pyenv) and run again."
        )
    return install(package, python, root)


def install(package: ServerPackage, python: Path, root: Path) -> Path:
    """`package` in a virtual environment of its own under `root` (reused when it already holds
    exactly these requirements); returns the path of its console script."""
    home = root / package.name
    marker = home / "harness-requirements.json"
    wanted = json.dumps({"python": str(python), "requirements": package.requirements})
    script = home / "bin" / package.command
    if marker.is_file() and marker.read_text() == wanted and script.is_file():
        print(f"[{package.label}] reusing {home}")
        return script
    shutil.rmtree(home, ignore_errors=True)
    commands = [
        [str(python), "-m", "venv", str(home)],
        [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", *package.requirements],
    ]  # fmt: skip
    for command in commands:
        print(f"[{package.label}] $ {' '.join(command)}")
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        if done.returncode != 0:
            raise AssertionError(
                f"installing {package.label} failed ({done.returncode}):\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
    marker.write_text(wanted)
    return script


def server_environment(
    package: ServerPackage, fake: Fake, ca_file: Path, key: str, extra: Mapping[str, str]
) -> dict[str, str]:
    """What a server reads: the fake's host and port as the domain, the key, and the fake's CA
    as the only certificates httpx trusts; nothing else of ours (no proxies, no FRESHSERVICE_*)."""
    host = fake.url.removeprefix("https://")
    environment = {k: os.environ[k] for k in ("PATH", "LANG", "TMPDIR") if k in os.environ}
    environment.update(
        HOME=str(ca_file.parent),
        FRESHSERVICE_DOMAIN=host,
        FRESHSERVICE_APIKEY=key,
        SSL_CERT_FILE=str(ca_file),
        **package.environment,
        **extra,
    )
    return environment


@dataclasses.dataclass(frozen=True)
class Request:
    """One request the fake answered during a tool call, from its journal."""

    method: str
    path: str
    query: str
    status: int

    def __str__(self) -> str:
        target = self.path.removeprefix("/api/v2") + (f"?{self.query}" if self.query else "")
        return f"{self.method} {target} {self.status}"


@dataclasses.dataclass
class Outcome:
    """A tool call: what was sent, what came back, and what the fake answered meanwhile."""

    tool: str
    arguments: dict[str, Any]
    is_error: bool
    text: str
    requests: list[Request]
    verdict: str = ""  # "ok", "fails by itself: …", or "FAILED"

    @property
    def statuses(self) -> list[int]:
        return [r.status for r in self.requests]

    @property
    def fake_refused(self) -> bool:
        return any(status >= 400 for status in self.statuses)


def last_seq(fake: Fake) -> int:
    return max((e["seq"] for e in fake.journal(DOMAIN)), default=0)


def requests_in(entries: Sequence[Mapping[str, Any]]) -> list[Request]:
    return [
        Request(e["method"], e["path"], unquote(e.get("query") or ""), e["status"])
        for e in entries
        if str(e["path"]).startswith("/api/")
    ]


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def table(package: ServerPackage, outcomes: Sequence[Outcome]) -> str:
    """The per-tool table printed to the log: tool, call, result, the fake's statuses."""
    ok = sum(1 for o in outcomes if o.verdict == "ok")
    own = sum(1 for o in outcomes if o.verdict.startswith("fails by itself"))
    rows = [
        f"{package.label}: {len(outcomes)} tools called: {ok} ok, {own} fail for reasons of "
        f"their own, {len(outcomes) - ok - own} failed",
        f"{'tool':<34} {'call':<54} {'result':<8} fake",
    ]
    for o in outcomes:
        call = _clip(json.dumps(o.arguments, separators=(",", ":")), 54)
        result = "error" if (o.is_error or o.fake_refused) else "ok"
        answered = ", ".join(str(r) for r in o.requests) or "(no request)"
        rows.append(f"{o.tool:<34} {call:<54} {result:<8} {_clip(answered, 120)}")
        if o.verdict != "ok":
            rows.append(f"{'':<34} -> {o.verdict}")
            if o.verdict == "FAILED":
                rows.append(f"{'':<34}    answer: {_clip(o.text, 300)}")
    return "\n".join(rows)


Check = Callable[[Outcome], bool]
