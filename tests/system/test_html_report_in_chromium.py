"""The `--html` reports as a browser shows them: real `replay` and `check` runs write the pages,
headless Chromium (Debian's `chromium`) loads them, and the DOM it dumps carries the run's own
numbers and sections; a screenshot comes out as a PNG. Run by `tox -e system`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from contracts.paths import prompt_scripts
from tests.contracts.report_pages import number, only
from tests.contracts.scenario_texts import WRONG_EXPECTATION

pytestmark = pytest.mark.system

HARNESS = [sys.executable, "-m", "contracts"]
BROWSER_TIMEOUT = 30  # seconds each Chromium run may take
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium is not installed: `apt-get install chromium` (CI does this)")
    return binary


def browse(chromium: str, page: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on `page` with a profile of its own (next to the page)."""
    profile = page.parent / f"chromium-profile-{page.stem}"
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
         *flags, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT,
    )  # fmt: skip


def as_chromium_sees_it(chromium: str, page: Path) -> BeautifulSoup:
    done = browse(chromium, page, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout, done.stderr[-2000:]
    return BeautifulSoup(done.stdout, "html.parser")


@pytest.fixture(scope="module")
def replay_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`replay --html` of the seven prompt scripts and one scenario that fails."""
    folder = tmp_path_factory.mktemp("replay")
    failing = folder / "failing.yaml"
    failing.write_text(WRONG_EXPECTATION)
    page = folder / "replay.html"
    scripts = [str(path) for path in prompt_scripts()]
    done = subprocess.run(
        [*HARNESS, "replay", *scripts, str(failing), "--html", str(page)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr
    assert "7 of 8 scenarios passed" in done.stdout
    return page


@pytest.fixture(scope="module")
def check_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`check --html` of a few checks, one of them a documented prompt's replay."""
    folder = tmp_path_factory.mktemp("check")
    page = folder / "check.html"
    done = subprocess.run(
        [*HARNESS, "check", "--html", str(page), "-k",
         "test_every_tool_name_is_valid or test_the_server_lists_the_34 or ticket-details"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "3 passed" in done.stdout
    return page


def test_chromium_shows_the_replay_summary_of_the_run(chromium: str, replay_page: Path) -> None:
    dom = as_chromium_sees_it(chromium, replay_page)
    counts = [number(dom, i) for i in ("scenarios-total", "scenarios-passed", "scenarios-failed")]
    assert counts == [8, 7, 1]


def test_chromium_shows_each_prompt_and_the_failed_scenario(
    chromium: str, replay_page: Path
) -> None:
    dom = as_chromium_sees_it(chromium, replay_page)
    scenarios = dom.select("article.scenario")
    assert len(scenarios) == 8
    assert len([s for s in scenarios if s.select(".prompt")]) == 7
    (failed,) = [s for s in scenarios if s["data-status"] == "failed"]
    assert only(failed, ".scenario-name").get_text().endswith("failing.yaml")
    assert 'subject: wanted "Printer on fire"' in only(failed, ".failures").get_text()
    assert all(s.select("tr.journal-entry") for s in scenarios)


def test_chromium_shows_the_check_summary_and_each_check(chromium: str, check_page: Path) -> None:
    dom = as_chromium_sees_it(chromium, check_page)
    counts = [number(dom, i) for i in ("checks-total", "checks-passed", "checks-failed",
                                       "checks-errors", "checks-skipped", "scenarios-total")]  # fmt: skip
    assert counts == [3, 3, 0, 0, 0, 1]
    assert [r["data-outcome"] for r in dom.select("tr.check")] == ["passed"] * 3
    prompt = only(dom, "#scenario-1")
    assert only(prompt, ".prompt").get_text() == "Show details for ticket 10234."


@pytest.mark.parametrize("page", ["replay_page", "check_page"])
def test_chromium_takes_a_screenshot_of_the_report(
    chromium: str, page: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    report: Path = request.getfixturevalue(page)
    screenshot = tmp_path / "report.png"
    done = browse(chromium, report, f"--screenshot={screenshot}", "--window-size=1280,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    image = screenshot.read_bytes()
    assert image.startswith(PNG_SIGNATURE)
    assert len(image) > 50_000  # a blank 1280x2000 page is about 12 kB


# Headless Chromium's window is at least 500 px wide: the page itself is held to 420 px (narrower
# than the window, so media queries for small screens apply too), and a script writes down how
# wide its content is.
NARROW = """<style>html { width: 420px; }</style>
<script>
  document.body.insertAdjacentHTML("beforeend",
    `<p id="measured">${document.body.scrollWidth}</p>`);
</script>"""


@pytest.mark.parametrize("which", ["replay_page", "check_page"])
def test_a_report_needs_no_horizontal_scrolling_on_a_420_pixel_wide_screen(
    chromium: str, which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # The report has no scripts; a copy of it gets the measuring one.
    page: Path = request.getfixturevalue(which)
    measured = tmp_path / page.name
    measured.write_text(page.read_text().replace("</body>", f"{NARROW}</body>"))
    dom = as_chromium_sees_it_at(chromium, measured, "--window-size=500,900")
    written = dom.rsplit('id="measured">', 1)[1].split("<", 1)[0]  # the element, not the script
    assert int(written) <= 420, f"{written} px of content on a 420 px wide page"


def as_chromium_sees_it_at(chromium: str, page: Path, *flags: str) -> str:
    done = browse(chromium, page, *flags, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
