"""The knowledge base's writes beyond folders and articles created: categories created, renamed
and deleted with what they hold, folders updated and deleted, articles deleted."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

Headers = dict[str, str]


def _category(client: FlaskClient, admin: Headers, name: str = "Hardware how-tos") -> int:
    response = client.post("/api/v2/solutions/categories", json={"name": name}, headers=admin)
    assert response.status_code == 201, response.get_json()
    category_id: int = response.get_json()["category"]["id"]
    return category_id


def _folder(client: FlaskClient, admin: Headers, category_id: int) -> int:
    response = client.post(
        "/api/v2/solutions/folders", json={"name": "Printers", "category_id": category_id},
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    folder_id: int = response.get_json()["folder"]["id"]
    return folder_id


def _article(client: FlaskClient, admin: Headers, folder_id: int) -> int:
    response = client.post(
        "/api/v2/solutions/articles",
        json={"title": "Clear a jam", "description": "<p>Open tray 2.</p>", "folder_id": folder_id,
              "status": 2},
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    article_id: int = response.get_json()["article"]["id"]
    return article_id


def _categories(client: FlaskClient, admin: Headers) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        "/api/v2/solutions/categories", headers=admin
    ).get_json()["categories"]
    return found


def test_a_created_category_is_listed_last_and_renamed(client: FlaskClient, admin: Headers) -> None:
    category_id = _category(client, admin)
    listed = _categories(client, admin)
    assert listed[-1]["id"] == category_id
    assert listed[-1]["position"] == len(listed)
    renamed = client.put(
        f"/api/v2/solutions/categories/{category_id}", json={"name": "Devices"}, headers=admin
    )
    assert renamed.get_json()["category"]["name"] == "Devices"


def test_a_category_name_already_taken_is_409(client: FlaskClient, admin: Headers) -> None:
    taken = _categories(client, admin)[0]["name"]
    response = client.post(
        "/api/v2/solutions/categories", json={"name": taken.upper()}, headers=admin
    )
    assert response.status_code == 409


def test_a_deleted_category_takes_its_folders_and_articles(
    client: FlaskClient, admin: Headers
) -> None:
    category_id = _category(client, admin)
    folder_id = _folder(client, admin, category_id)
    article_id = _article(client, admin, folder_id)
    deleted = client.delete(f"/api/v2/solutions/categories/{category_id}", headers=admin)
    assert deleted.status_code == 204
    for path in (
        f"/api/v2/solutions/categories/{category_id}",
        f"/api/v2/solutions/folders/{folder_id}",
        f"/api/v2/solutions/articles/{article_id}",
    ):
        assert client.get(path, headers=admin).status_code == 404, path


def test_the_default_category_is_not_deleted(client: FlaskClient, admin: Headers) -> None:
    default = next(c for c in _categories(client, admin) if c["default_category"])
    response = client.delete(f"/api/v2/solutions/categories/{default['id']}", headers=admin)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["id"]


def test_the_default_category_keeps_its_name(client: FlaskClient, admin: Headers) -> None:
    default = next(c for c in _categories(client, admin) if c["default_category"])
    path = f"/api/v2/solutions/categories/{default['id']}"
    renamed = client.put(path, json={"name": "Renamed"}, headers=admin)
    described = client.put(path, json={"description": "For everyone"}, headers=admin)
    assert renamed.status_code == 400
    assert [e["field"] for e in renamed.get_json()["errors"]] == ["name"]
    assert described.status_code == 200


def test_a_category_update_may_send_back_its_workspace_and_default_flag_unchanged(
    client: FlaskClient, admin: Headers
) -> None:
    category_id = _category(client, admin)
    read = client.get(f"/api/v2/solutions/categories/{category_id}", headers=admin)
    category = read.get_json()["category"]
    path = f"/api/v2/solutions/categories/{category_id}"
    same = {"name": "Devices", "workspace_id": category["workspace_id"], "default_category": False}
    moved = {"workspace_id": category["workspace_id"] + 1, "default_category": True}
    assert client.put(path, json=same, headers=admin).status_code == 200
    refused = client.put(path, json=moved, headers=admin)
    assert refused.status_code == 400
    fields = sorted(e["field"] for e in refused.get_json()["errors"])
    assert fields == ["default_category", "workspace_id"]


def test_a_folder_renamed_to_a_siblings_name_is_409(client: FlaskClient, admin: Headers) -> None:
    category_id = _category(client, admin)
    _folder(client, admin, category_id)
    other = client.post(
        "/api/v2/solutions/folders", json={"name": "Scanners", "category_id": category_id},
        headers=admin,
    ).get_json()["folder"]["id"]  # fmt: skip
    response = client.put(
        f"/api/v2/solutions/folders/{other}", json={"name": "printers"}, headers=admin
    )
    assert response.status_code == 409
    kept = client.put(
        f"/api/v2/solutions/folders/{other}", json={"description": "Flatbeds"}, headers=admin
    )
    assert kept.status_code == 200


def test_a_deleted_folder_takes_its_articles_and_leaves_the_list(
    client: FlaskClient, admin: Headers
) -> None:
    category_id = _category(client, admin)
    folder_id = _folder(client, admin, category_id)
    article_id = _article(client, admin, folder_id)
    assert client.delete(f"/api/v2/solutions/folders/{folder_id}", headers=admin).status_code == 204
    listed = client.get(f"/api/v2/solutions/folders?category_id={category_id}", headers=admin)
    assert listed.get_json()["folders"] == []
    assert client.get(f"/api/v2/solutions/articles/{article_id}", headers=admin).status_code == 404


def test_a_deleted_article_leaves_its_folder_and_the_search(
    client: FlaskClient, admin: Headers
) -> None:
    folder_id = _folder(client, admin, _category(client, admin))
    article_id = _article(client, admin, folder_id)
    search = "/api/v2/solutions/articles/search?search_term=jam"

    def found() -> list[int]:
        return [a["id"] for a in client.get(search, headers=admin).get_json()["articles"]]

    assert article_id in found()
    deleted = client.delete(f"/api/v2/solutions/articles/{article_id}", headers=admin)
    assert deleted.status_code == 204
    listed = client.get(f"/api/v2/solutions/articles?folder_id={folder_id}", headers=admin)
    assert listed.get_json()["articles"] == []
    assert article_id not in found()


def test_only_knowledge_managers_write_categories(client: FlaskClient, agent: Headers) -> None:
    response = client.post("/api/v2/solutions/categories", json={"name": "Mine"}, headers=agent)
    assert response.status_code == 403
