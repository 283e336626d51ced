"""An asset's components: typed parts whose data the component type names, served under the
asset with the asset's privileges."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

Headers = dict[str, str]


def _types(client: FlaskClient, admin: Headers) -> dict[str, dict[str, Any]]:
    listed = client.get("/api/v2/component_types", headers=admin).get_json()["component_types"]
    return {t["name"]: t for t in listed}


def _first_asset(client: FlaskClient, admin: Headers) -> int:
    display_id: int = client.get("/api/v2/assets", headers=admin).get_json()["assets"][0][
        "display_id"
    ]
    return display_id


def test_each_component_type_lists_the_fields_its_components_hold(
    client: FlaskClient, admin: Headers
) -> None:
    processor = _types(client, admin)["Processor"]
    assert [f["name"] for f in processor["fields"]] == ["manufacturer", "cpu_speed", "no_of_cores"]


def test_seeded_computers_have_components_of_known_types(
    client: FlaskClient, admin: Headers
) -> None:
    type_ids = {t["id"] for t in _types(client, admin).values()}
    found = []
    for asset in client.get(
        "/api/v2/assets?per_page=100&order_by=id&order_type=asc", headers=admin
    ).get_json()["assets"]:
        path = f"/api/v2/assets/{asset['display_id']}/components"
        found += client.get(path, headers=admin).get_json()["components"]
    assert found
    assert {c["component_type_id"] for c in found} <= type_ids


def test_a_component_is_added_updated_and_removed(client: FlaskClient, admin: Headers) -> None:
    monitor = _types(client, admin)["Monitor"]
    path = f"/api/v2/assets/{_first_asset(client, admin)}/components"
    created = client.post(
        path, json={"component_type_id": monitor["id"], "component_data": {"screen_size": 27}},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201
    component = created.get_json()["component"]
    assert component["component_type"] == "Monitor"
    updated = client.put(
        f"{path}/{component['id']}",
        json={"component_data": {"manufacturer": "Dell"}},
        headers=admin,
    ).get_json()["component"]
    assert updated["component_data"] == {"screen_size": 27, "manufacturer": "Dell"}
    assert client.delete(f"{path}/{component['id']}", headers=admin).status_code == 204
    assert component["id"] not in [
        c["id"] for c in client.get(path, headers=admin).get_json()["components"]
    ]


def test_data_the_type_does_not_have_is_refused_naming_the_field(
    client: FlaskClient, admin: Headers
) -> None:
    monitor = _types(client, admin)["Monitor"]
    response = client.post(
        f"/api/v2/assets/{_first_asset(client, admin)}/components",
        json={"component_type_id": monitor["id"], "component_data": {"cpu_speed": 3}},
        headers=admin,
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["component_data"]


def test_a_component_of_an_asset_that_does_not_exist_is_404(
    client: FlaskClient, admin: Headers
) -> None:
    monitor = _types(client, admin)["Monitor"]
    response = client.post(
        "/api/v2/assets/999999/components", json={"component_type_id": monitor["id"]},
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 404


def test_agents_read_components_and_asset_managers_write_them(
    client: FlaskClient, admin: Headers, agent: Headers
) -> None:
    monitor = _types(client, admin)["Monitor"]
    path = f"/api/v2/assets/{_first_asset(client, admin)}/components"
    assert client.get(path, headers=agent).status_code == 200
    refused = client.post(path, json={"component_type_id": monitor["id"]}, headers=agent)
    assert refused.status_code == 403
