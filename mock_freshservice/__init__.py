"""A faithful, deterministic fake of the Freshservice REST API v2, for testing without a tenant."""

from mock_freshservice.app import create_app
from mock_freshservice.settings import FakeSettings

__all__ = ["FakeSettings", "__version__", "create_app"]

__version__ = "0.1.0"
