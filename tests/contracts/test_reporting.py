"""The replay's text report on a terminal: text from results, logs and files is shown, never
obeyed (a bidirectional override in a ticket subject must not reorder the report)."""

from __future__ import annotations

from contracts.expectations import printable
from contracts.replay import ReplayReport, StepOutcome
from contracts.reporting import render_text


def test_bidi_overrides_and_controls_in_a_result_are_escaped_in_the_report() -> None:
    step = StepOutcome(
        id="show",
        tool="fetchTicket",
        arguments={},
        failures=["subject: wanted 'ok', got 'gnp.exe\u202e'"],
        requests=["GET /api/v2/tickets/1 200"],
        excerpt='{"subject":"invoice\u202egnp.exe\x1b[2J"}',
        seconds=0.1,
    )
    report = ReplayReport(name="s.yaml", description="d\u2067", steps=[step], server_log="x\x9b1m")
    text = render_text(report)
    assert not any(ch in text for ch in "\u202e\u2067\x1b\x9b")
    assert "invoice\\u202egnp.exe\\x1b[2J" in text
    assert "d\\u2067" in text and "x\\x9b1m" in text


def test_tabs_and_line_breaks_stay() -> None:
    assert printable("a\tb\nc") == "a\tb\nc"
