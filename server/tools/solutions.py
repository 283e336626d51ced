"""Solution (knowledge base) tools: categories, folders, articles and search."""

from __future__ import annotations

TOOLSET = "solutions"
