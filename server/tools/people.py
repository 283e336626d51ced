"""People tools: fetchAgents, fetchAgent, fetchRequesters, fetchRequester."""

from __future__ import annotations

TOOLSET = "people"
