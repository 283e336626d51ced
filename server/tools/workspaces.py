"""Workspace tools: fetchWorkspaces."""

from __future__ import annotations

TOOLSET = "workspaces"
