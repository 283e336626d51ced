"""Software and contracts: installations counted and seen from the device, licences naming
Software License contracts, a contract's status following the data clock, and an asset's own
view of its software, contracts and requests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.mock_freshservice.test_changes import VALID as VALID_CHANGE

Headers = dict[str, str]


def _applications(client: FlaskClient, admin: Headers) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/api/v2/applications", headers=admin).get_json()[
        "applications"
    ]
    return found


def _vendor(client: FlaskClient, admin: Headers) -> int:
    vendor: int = client.get("/api/v2/vendors", headers=admin).get_json()["vendors"][0]["id"]
    return vendor


def _contract(client: FlaskClient, admin: Headers, **body: Any) -> Any:
    sent = {
        "name": "Laptop warranty", "vendor_id": _vendor(client, admin), "contract_number": "W-1",
        "contract_type_id": 4, "start_date": "2026-01-01", "end_date": "2027-12-31", **body,
    }  # fmt: skip
    return client.post("/api/v2/contracts", json=sent, headers=admin)


def test_each_application_counts_its_installations(client: FlaskClient, admin: Headers) -> None:
    for application in _applications(client, admin):
        path = f"/api/v2/applications/{application['id']}/installations?per_page=100"
        listed = client.get(path, headers=admin).get_json()["installations"]
        assert application["installation_count"] == len(listed)


def test_an_installation_takes_the_devices_user_and_shows_on_the_device(
    client: FlaskClient, admin: Headers
) -> None:
    application = _applications(client, admin)[0]
    asset = next(
        a
        for a in client.get("/api/v2/assets?per_page=100", headers=admin).get_json()["assets"]
        if a["user_id"] is not None
    )
    response = client.post(
        f"/api/v2/applications/{application['id']}/installations",
        json={"installation_machine_id": asset["display_id"], "version": "2.1"},
        headers=admin,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["installation"]["user_id"] == asset["user_id"]
    seen = client.get(f"/api/v2/assets/{asset['display_id']}/applications", headers=admin)
    assert application["id"] in [a["application_id"] for a in seen.get_json()["applications"]]
    counted = client.get(f"/api/v2/applications/{application['id']}", headers=admin).get_json()
    assert counted["application"]["installation_count"] == application["installation_count"] + 1


def test_an_installation_on_a_device_that_does_not_exist_is_refused(
    client: FlaskClient, admin: Headers
) -> None:
    application = _applications(client, admin)[0]
    response = client.post(
        f"/api/v2/applications/{application['id']}/installations",
        json={"installation_machine_id": 999_999},
        headers=admin,
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["installation_machine_id"]


def test_a_contracts_status_follows_its_dates(client: FlaskClient, admin: Headers) -> None:
    """The tests' data clock reads 2026-11-02."""
    assert _contract(client, admin).get_json()["contract"]["status"] == "active"
    later = _contract(client, admin, contract_number="W-2", start_date="2030-01-01",
                      end_date="2030-12-31")  # fmt: skip
    assert later.get_json()["contract"]["status"] == "draft"
    ended = _contract(client, admin, contract_number="W-3", start_date="2020-01-01",
                      end_date="2020-12-31")  # fmt: skip
    assert ended.get_json()["contract"]["status"] == "expired"
    expired = client.get("/api/v2/contracts?status=expired&per_page=100", headers=admin)
    assert ended.get_json()["contract"]["id"] in [c["id"] for c in expired.get_json()["contracts"]]


def test_a_contract_ending_before_it_starts_is_refused(client: FlaskClient, admin: Headers) -> None:
    response = _contract(client, admin, start_date="2026-06-01", end_date="2026-01-01")
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["end_date"]


def test_a_software_license_needs_its_software(client: FlaskClient, admin: Headers) -> None:
    response = _contract(client, admin, contract_type_id=3)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["software_id"]


def test_a_licence_names_a_software_license_contract_once(
    client: FlaskClient, admin: Headers
) -> None:
    application = _applications(client, admin)[0]
    licence = _contract(client, admin, contract_type_id=3, software_id=application["id"])
    contract_id = licence.get_json()["contract"]["id"]
    path = f"/api/v2/applications/{application['id']}/licenses"
    assert client.post(path, json={"contract_id": contract_id}, headers=admin).status_code == 201
    assert client.post(path, json={"contract_id": contract_id}, headers=admin).status_code == 409
    warranty = _contract(client, admin, contract_number="W-9").get_json()["contract"]["id"]
    refused = client.post(path, json={"contract_id": warranty}, headers=admin)
    assert refused.status_code == 400


def test_an_asset_lists_the_contracts_that_cover_it(client: FlaskClient, admin: Headers) -> None:
    display_id = client.get("/api/v2/assets", headers=admin).get_json()["assets"][0]["display_id"]
    contract = _contract(client, admin, associated_asset_ids=[display_id]).get_json()["contract"]
    listed = client.get(f"/api/v2/assets/{display_id}/contracts", headers=admin).get_json()
    assert {
        "id": contract["id"], "contract_id": contract["id"], "contract_type": "Warranty",
        "contract_name": "Laptop warranty", "contract_status": "active",
    } in listed["contracts"]  # fmt: skip


def test_an_asset_lists_the_changes_that_name_it(client: FlaskClient, admin: Headers) -> None:
    display_id = client.get("/api/v2/assets", headers=admin).get_json()["assets"][0]["display_id"]
    change = client.post(
        "/api/v2/changes", json={**VALID_CHANGE, "assets": [{"display_id": display_id}]},
        headers=admin,
    )  # fmt: skip
    assert change.status_code == 201, change.get_json()
    listed = client.get(f"/api/v2/assets/{display_id}/requests", headers=admin).get_json()
    found = [r for r in listed["requests"] if r["request_type"] == "change"]
    assert change.get_json()["change"]["id"] in [r["request_id"] for r in found]


def test_a_deleted_application_takes_its_installations(client: FlaskClient, admin: Headers) -> None:
    application = next(a for a in _applications(client, admin) if a["installation_count"])
    path = f"/api/v2/applications/{application['id']}"
    installed = client.get(f"{path}/installations", headers=admin).get_json()["installations"]
    assert client.delete(path, headers=admin).status_code == 204
    for installation in installed:
        seen = client.get(
            f"/api/v2/assets/{installation['installation_machine_id']}/applications",
            headers=admin,
        ).get_json()
        assert application["id"] not in [a["application_id"] for a in seen["applications"]]
