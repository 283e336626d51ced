"""The knowledge base: categories, folders (with visibility rules) and articles, and search."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice.api.shapes import ARTICLE_KEYS, ARTICLE_LIST_KEYS, SOLUTION_CATEGORY_KEYS


def category(client: FlaskClient, headers: dict[str, str], name: str) -> dict[str, Any]:
    categories = client.get("/api/v2/solutions/categories", headers=headers).get_json()[
        "categories"
    ]
    return next(c for c in categories if c["name"] == name)


def folder(client: FlaskClient, headers: dict[str, str], name: str) -> dict[str, Any]:
    it_help = category(client, headers, "IT Help")
    folders = client.get(
        f"/api/v2/solutions/folders?category_id={it_help['id']}", headers=headers
    ).get_json()["folders"]
    return next(f for f in folders if f["name"] == name)


def test_categories_of_the_primary_workspace(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get("/api/v2/solutions/categories", headers=admin).get_json()["categories"]
    assert [c["name"] for c in categories] == ["General", "IT Help"]
    assert all(tuple(c) == SOLUTION_CATEGORY_KEYS for c in categories)


def test_workspace_0_lists_every_category(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get(
        "/api/v2/solutions/categories?workspace_id=0", headers=admin
    ).get_json()["categories"]
    assert "HR Policies" in [c["name"] for c in categories]


def test_folders_need_a_category(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/solutions/folders", headers=admin)
    assert response.get_json()["errors"][0]["field"] == "category_id"


def test_the_laptop_issues_folder_lists_its_articles(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    laptop = folder(client, admin, "Laptop Issues")
    articles = client.get(
        f"/api/v2/solutions/articles?folder_id={laptop['id']}", headers=admin
    ).get_json()["articles"]
    assert [a["title"] for a in articles][:2] == [
        "Laptop battery drains quickly",
        "Laptop will not turn on",
    ]
    assert all(tuple(a) == ARTICLE_LIST_KEYS for a in articles)


def test_requesters_see_published_articles_only(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    laptop = folder(client, requester, "Laptop Issues")
    articles = client.get(
        f"/api/v2/solutions/articles?folder_id={laptop['id']}", headers=requester
    ).get_json()["articles"]
    assert all(a["status"] == 2 for a in articles)
    assert "Replacing a laptop keyboard" not in [a["title"] for a in articles]


def test_requesters_do_not_see_agent_only_folders(
    client: FlaskClient, requester: dict[str, str], admin: dict[str, str]
) -> None:
    runbooks = folder(client, admin, "Service Desk Runbooks")
    assert (
        client.get(f"/api/v2/solutions/folders/{runbooks['id']}", headers=requester).status_code
        == 403
    )


def test_an_article_is_complete(client: FlaskClient, admin: dict[str, str]) -> None:
    laptop = folder(client, admin, "Laptop Issues")
    first = client.get(
        f"/api/v2/solutions/articles?folder_id={laptop['id']}", headers=admin
    ).get_json()["articles"][0]
    article = client.get(f"/api/v2/solutions/articles/{first['id']}", headers=admin).get_json()[
        "article"
    ]
    assert tuple(article) == ARTICLE_KEYS


def test_search_finds_published_articles_about_a_vpn_issue(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = client.get(
        "/api/v2/solutions/articles/search?search_term=VPN%20issue", headers=admin
    ).get_json()
    assert [a["title"] for a in body["articles"]] == [
        "How to fix a VPN issue when the connection keeps dropping",
        "VPN issue: authentication failed",
    ]
    assert body["meta"] == {"total_items": 2, "total_pages": 1, "current_page": 1}
    assert all(a["status"] == 2 for a in body["articles"])


def test_search_leaves_out_drafts(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get(
        "/api/v2/solutions/articles/search?search_term=outage", headers=admin
    ).get_json()
    assert body["articles"] == []


@pytest.mark.parametrize("term", ["???", "-", "%20.%20"])
def test_an_article_search_term_without_words_finds_nothing(
    client: FlaskClient, admin: dict[str, str], term: str
) -> None:
    body = client.get(
        f"/api/v2/solutions/articles/search?search_term={term}", headers=admin
    ).get_json()
    assert body["articles"] == []
    assert body["meta"]["total_items"] == 0


def test_create_a_folder_with_department_visibility(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    it_help = category(client, admin, "IT Help")
    body = {
        "name": "Printers",
        "category_id": it_help["id"],
        "visibility": 4,
        "department_ids": [23000000001],
    }
    response = client.post("/api/v2/solutions/folders", json=body, headers=admin)
    assert response.status_code == 201
    created = response.get_json()["folder"]
    assert (created["visibility"], created["department_ids"]) == (4, [23000000001])
    assert (
        client.get(f"/api/v2/solutions/folders/{created['id']}", headers=admin).get_json()[
            "folder"
        ]["name"]
        == "Printers"
    )


def test_department_visibility_needs_departments(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {
        "name": "Printers",
        "category_id": category(client, admin, "IT Help")["id"],
        "visibility": 4,
    }
    response = client.post("/api/v2/solutions/folders", json=body, headers=admin)
    assert response.get_json()["errors"] == [
        {"field": "department_ids", "message": "It should be a/an Array", "code": "missing_field"}
    ]


def test_a_folder_name_is_unique_in_its_category(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {"name": "laptop issues", "category_id": category(client, admin, "IT Help")["id"]}
    response = client.post("/api/v2/solutions/folders", json=body, headers=admin)
    assert response.status_code == 409
    assert response.get_json()["code"] == "duplicate_value"


def test_create_publish_and_find_an_article(client: FlaskClient, admin: dict[str, str]) -> None:
    laptop = folder(client, admin, "Laptop Issues")
    body = {
        "title": "Sticky trackpad",
        "description": "<p>Clean the trackpad with a dry cloth.</p>",
        "folder_id": laptop["id"],
    }
    created = client.post("/api/v2/solutions/articles", json=body, headers=admin)
    assert created.status_code == 201
    article = created.get_json()["article"]
    assert (article["status"], article["description_text"]) == (
        1,
        "Clean the trackpad with a dry cloth.",
    )
    assert (
        client.get(
            "/api/v2/solutions/articles/search?search_term=trackpad", headers=admin
        ).get_json()["articles"]
        == []
    )
    client.put(f"/api/v2/solutions/articles/{article['id']}", json={"status": 2}, headers=admin)
    found = client.get(
        "/api/v2/solutions/articles/search?search_term=trackpad", headers=admin
    ).get_json()["articles"]
    assert [a["id"] for a in found] == [article["id"]]


def test_an_article_needs_title_description_and_folder(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    errors = client.post("/api/v2/solutions/articles", json={}, headers=admin).get_json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("title", "missing_field"),
        ("description", "missing_field"),
        ("folder_id", "missing_field"),
    ]


def test_a_restricted_agent_cannot_write_articles(
    client: FlaskClient, agent: dict[str, str], admin: dict[str, str]
) -> None:
    laptop = folder(client, admin, "Laptop Issues")
    body = {"title": "t", "description": "d", "folder_id": laptop["id"]}
    assert client.post("/api/v2/solutions/articles", json=body, headers=agent).status_code == 403


def test_review_date_is_an_iso_8601_timestamp_in_every_answer(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    laptop = folder(client, admin, "Laptop Issues")
    body = {
        "title": "Battery calibration",
        "description": "<p>Run the battery down once a month.</p>",
        "folder_id": laptop["id"],
        "status": 2,
        "review_date": "2027-01-01",
    }
    created = client.post("/api/v2/solutions/articles", json=body, headers=admin)
    article_id = created.get_json()["article"]["id"]
    answers = [
        created.get_json()["article"],
        client.get(f"/api/v2/solutions/articles/{article_id}", headers=admin).get_json()["article"],
        next(
            a
            for a in client.get(
                f"/api/v2/solutions/articles?folder_id={laptop['id']}&per_page=100", headers=admin
            ).get_json()["articles"]
            if a["id"] == article_id
        ),
        client.get(
            "/api/v2/solutions/articles/search?search_term=calibration", headers=admin
        ).get_json()["articles"][0],
    ]
    assert [a["review_date"] for a in answers] == ["2027-01-01T00:00:00Z"] * 4
