"""Scenario texts several tests replay."""

# One step whose expectation is wrong: the replay fails at the step, naming it.
WRONG_EXPECTATION = """\
description: A deliberately wrong expectation.
key: demo-acme-admin-key
steps:
  - id: the-ticket
    tool: fetchTicket
    arguments: {ticket_id: 10234}
    expect:
      subject: Printer on fire
"""
