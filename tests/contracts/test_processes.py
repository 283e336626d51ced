"""The harness's own fakes: started as it needs them, whatever the caller's environment holds."""

from __future__ import annotations

import pytest

from contracts.processes import FakeAdmin, running_fake


def test_a_fake_secret_in_the_callers_environment_does_not_reach_the_harnesss_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOCK_FRESHSERVICE_ADMIN_TOKEN", "someone-elses-token")
    monkeypatch.setenv("MOCK_FRESHSERVICE_API_KEYS", "someone-elses-key")
    with running_fake() as url:
        admin = FakeAdmin(url)
        try:
            assert admin.account_of("demo-acme-admin-key") == "acme.freshservice.com"
            assert admin.journal("acme.freshservice.com") == []
        finally:
            admin.close()
