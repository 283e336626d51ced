"""Progress bars for long runs (`replay`, `check`), drawn by rich on stderr.

A bar is drawn only when stderr is an interactive terminal (rich decides: a pipe, a file or
TERM=dumb gets none), so CI logs and pipes never see an escape code; `--no-progress` turns it
off. While a bar is drawn, lines printed to stdout appear above it when stdout is that terminal
too, and go straight to stdout when it is not.

`check` feeds its bar from the events its pytest child writes (`contracts.run_events`), and pipes
the child's output to print it above the bar (`run_with_bar`).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column

from contracts.run_events import EventReader, RunRecord

POLL_SECONDS = 0.2  # how often `check` looks for new events while pytest runs


class Bar:
    """One task's bar, or nothing at all (`on` is False) when no bar is drawn."""

    def __init__(self, progress: Progress | None = None, task: TaskID | None = None) -> None:
        self.progress = progress
        self.task = task

    @property
    def on(self) -> bool:
        return self.progress is not None

    def update(
        self,
        *,
        total: int | None = None,
        completed: int | None = None,
        description: str | None = None,
        current: str | None = None,
    ) -> None:
        if self.progress is None or self.task is None:
            return
        fields: dict[str, Any] = {} if current is None else {"current": current}
        self.progress.update(
            self.task, total=total, completed=completed, description=description, **fields
        )

    def step_shower(self, scenario: str) -> Callable[[str], None]:
        """What a replay calls with each step's id, to show "<scenario>: step <id>"."""
        return lambda step: self.update(current=f"{scenario}: step {step}")

    def advance(self) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)


@contextlib.contextmanager
def bar(description: str, unit: str, total: int | None, *, enabled: bool) -> Iterator[Bar]:
    """A bar "<description> ━━━━ 3/8 <unit> 0:00:12 <current>" on stderr, if it may be drawn."""
    console = Console(stderr=True)
    if not enabled or not console.is_interactive:
        yield Bar()
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        # Names of checks hold brackets ("test_x[fetchTickets]"): text, not rich markup.
        TextColumn(
            "{task.fields[current]}",
            markup=False,
            # ratio=1: it takes only the room left, so a long name never squeezes out the count.
            table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1),
        ),
    )
    with Progress(
        *columns,
        console=console,
        transient=True,
        # Above the bar only when stdout shows on the same terminal; a redirected stdout keeps
        # its lines.
        redirect_stdout=sys.stdout.isatty(),
        expand=True,  # so the ratio of the last column gives it the room left, and no more
    ) as progress:
        yield Bar(progress, progress.add_task(description, total=total, current=""))


def run_with_bar(command: Sequence[str], env: dict[str, str], events: Path, shown: Bar) -> int:
    """Run `check`'s pytest child with its output piped to our stdout (above the bar), moving
    the bar as its events arrive; returns the child's exit code."""
    env = dict(env)
    if sys.stdout.isatty():
        env.setdefault("PY_COLORS", "1")  # pytest colours a pipe only when told; a flag wins
        env.setdefault("COLUMNS", str(shutil.get_terminal_size().columns))
    record, reader = RunRecord(), EventReader(events)
    finished = threading.Event()

    def follow() -> None:
        while not finished.wait(POLL_SECONDS):
            _show(shown, record, reader)

    follower = threading.Thread(target=follow, name="check-progress", daemon=True)
    with subprocess.Popen(  # noqa: S603 - the harness's own pytest command
        command, env=env, stdout=subprocess.PIPE, text=True, errors="replace", bufsize=1
    ) as child:  # leaving waits for the child (after a Ctrl-C, pytest's own wind-down)
        follower.start()
        try:
            assert child.stdout is not None
            try:
                _relay(child.stdout)
            except KeyboardInterrupt:
                # pytest got the Ctrl-C too: show its own "interrupted" summary, then stop.
                _relay(child.stdout)
                raise
        finally:
            finished.set()
            follower.join()
    _show(shown, record, reader)  # the last events, written just before pytest exited
    return child.returncode


def _relay(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stdout.write(line)
        sys.stdout.flush()


def _show(shown: Bar, record: RunRecord, reader: EventReader) -> None:
    record.add(reader.read_new())
    failed = record.count("failed") + record.count("error")
    shown.update(
        total=record.collected,
        completed=len(record.checks),
        description=f"Checking ({failed} failed)" if failed else "Checking",
        current=record.checks[-1].nodeid if record.checks else "collecting…",
    )
