"""A faithful, deterministic fake of the Freshservice REST API v2, for testing without a tenant."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_freshservice.app import create_app
    from mock_freshservice.settings import FakeSettings

__all__ = ["FakeSettings", "__version__", "create_app"]

__version__ = "0.1.0"

# Loaded on first use: importing one light module (settings, scenario) must not load Flask,
# Faker and NumPy with the app.
_LAZY = {"create_app": "mock_freshservice.app", "FakeSettings": "mock_freshservice.settings"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mock_freshservice' has no attribute {name!r}")
