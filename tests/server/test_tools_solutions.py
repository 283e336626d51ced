"""The knowledge-base tools (solutions toolset) against a real fake: browsing categories, folders
and articles, the article search of the documented prompt, and creating and updating."""

from __future__ import annotations

import uuid
from typing import Any

import jsonschema
import pytest
from mcp import Client

from tests.processes import Fake
from tests.server.conftest import (
    ADMIN_KEY,
    PRIYA,
    error_text,
    in_memory,
    requests_of,
    requests_past_the_key_check,
    settings_for,
    structured,
)

pytestmark = pytest.mark.anyio

# Pinned in every account of the default dataset (mock_freshservice/data/solutions.py), Acme's ids.
GENERAL_CATEGORY = 35000000001
IT_HELP = 35000000002  # category "IT Help", workspace 2
HR_POLICIES = 35000000003  # category in the HR workspace (3)
LAPTOP_ISSUES = 36000000002  # folder: four published articles and one draft
NETWORK_AND_VPN = 36000000003
RUNBOOKS = 36000000006  # folder "Service Desk Runbooks", agents only
BATTERY_ARTICLE = 37000000002  # "Laptop battery drains quickly", published, permanent
VPN_DROPPING = 37000000007  # "How to fix a VPN issue when the connection keeps dropping"
VPN_AUTH = 37000000009  # "VPN issue: authentication failed"
ESCALATING_P1 = 37000000017  # published, in the agents-only folder
MISSING = 99999999


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


async def output_schema(client: Client, name: str) -> dict[str, Any]:
    schema = next(t.output_schema for t in (await client.list_tools()).tools if t.name == name)
    assert schema is not None
    return schema


def stored(fake: Fake, path: str) -> dict[str, Any]:
    """A record read back over the fake's REST API with the admin key."""
    response = fake.api("GET", path, ADMIN_KEY)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def sent_by_tools(fake: Fake) -> list[str]:
    """The requests the tools sent: all but the server's once-per-key check of the caller."""
    return [r for r in requests_of(fake.journal()) if r != "GET /api/v2/agents/me"]


# -- Every tool answers with content that matches its published output schema ---------------------


@pytest.mark.parametrize(
    ("name", "arguments", "filled"),
    [
        ("fetchSolutionCategories", {}, "categories"),
        ("fetchSolutionCategory", {"category_id": IT_HELP}, "name"),
        ("fetchSolutionFolders", {"category_id": IT_HELP}, "folders"),
        ("fetchSolutionFolder", {"folder_id": LAPTOP_ISSUES}, "name"),
        ("fetchSolutionArticles", {"folder_id": LAPTOP_ISSUES}, "articles"),
        ("fetchSolutionArticle", {"article_id": VPN_DROPPING}, "description"),
        ("fetchSolutionArticleSearch", {"search_term": "VPN"}, "articles"),
    ],
)
async def test_a_fetch_returns_content_matching_its_output_schema(
    fake: Fake, name: str, arguments: dict[str, Any], filled: str
) -> None:
    async with in_memory(settings_for(fake)) as client:
        schema = await output_schema(client, name)
        result = structured(await client.call_tool(name, arguments))
    jsonschema.validate(result, schema)
    assert result["truncated"] is False
    assert result[filled]  # a list with items, or a record's text


# -- Browsing: categories → folders → articles ----------------------------------------------------


async def test_categories_default_to_the_primary_workspace_and_0_lists_all(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        primary = structured(await client.call_tool("fetchSolutionCategories", {}))
        every = structured(await client.call_tool("fetchSolutionCategories", {"workspace_id": 0}))
    assert {c["id"] for c in primary["categories"]} == {GENERAL_CATEGORY, IT_HELP}
    assert {c["id"] for c in every["categories"]} == {GENERAL_CATEGORY, IT_HELP, HR_POLICIES}


async def test_categories_report_the_next_page(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(
            await client.call_tool("fetchSolutionCategories", {"workspace_id": 0, "per_page": 2})
        )
        last = structured(
            await client.call_tool(
                "fetchSolutionCategories", {"workspace_id": 0, "per_page": 2, "page": 2}
            )
        )
    assert (len(first["categories"]), first["next_page"]) == (2, 2)
    assert (len(last["categories"]), last["next_page"]) == (1, None)


async def test_a_category_is_shown_whole(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(
            await client.call_tool("fetchSolutionCategory", {"category_id": IT_HELP})
        )
    assert found["name"] == "IT Help"
    assert found["description"] == "Troubleshooting guides from the service desk"
    assert found["workspace_id"] == 2 and found["visible_in_portals"] == [1]


async def test_folders_of_a_category_carry_their_visibility_name(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool("fetchSolutionFolders", {"category_id": IT_HELP, "per_page": 20})
        )
    folders = {f["name"]: f for f in page["folders"]}
    assert folders["Laptop Issues"]["id"] == LAPTOP_ISSUES
    assert (
        folders["Laptop Issues"]["visibility"],
        folders["Laptop Issues"]["visibility_name"],
    ) == (
        1,
        "All",
    )
    runbooks = folders["Service Desk Runbooks"]
    assert (runbooks["visibility"], runbooks["visibility_name"]) == (3, "Agents only")
    assert all(f["category_id"] == IT_HELP for f in page["folders"])


async def test_a_folder_is_shown_whole(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(await client.call_tool("fetchSolutionFolder", {"folder_id": RUNBOOKS}))
    assert found["name"] == "Service Desk Runbooks"
    assert (found["visibility"], found["visibility_name"]) == (3, "Agents only")
    assert found["description"] == "Internal procedures for agents"


async def test_the_laptop_issues_folder_lists_four_published_articles_and_a_draft(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool("fetchSolutionArticles", {"folder_id": LAPTOP_ISSUES})
        )
    names = sorted(a["status_name"] for a in page["articles"])
    assert names == ["Draft", "Published", "Published", "Published", "Published"]
    assert page["next_page"] is None
    assert all(a["article_type_name"] == "Permanent" for a in page["articles"])


async def test_article_lists_give_text_previews_not_html(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool("fetchSolutionArticles", {"folder_id": LAPTOP_ISSUES})
        )
    for item in page["articles"]:
        assert "description" not in item
        assert item["description_preview"] and "<" not in item["description_preview"]
        assert len(item["description_preview"]) <= 200


async def test_articles_report_the_next_page_from_the_link_header(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(
            await client.call_tool(
                "fetchSolutionArticles", {"folder_id": LAPTOP_ISSUES, "per_page": 2}
            )
        )
        third = structured(
            await client.call_tool(
                "fetchSolutionArticles", {"folder_id": LAPTOP_ISSUES, "per_page": 2, "page": 3}
            )
        )
    assert (len(first["articles"]), first["next_page"]) == (2, 2)
    assert (len(third["articles"]), third["next_page"]) == (1, None)


async def test_an_article_has_its_text_as_html_and_as_plain_text(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(
            await client.call_tool("fetchSolutionArticle", {"article_id": VPN_DROPPING})
        )
    assert found["description"].startswith("<p>A VPN issue")
    assert found["description_text"].startswith("A VPN issue")
    assert "<" not in found["description_text"]
    assert (found["status"], found["status_name"]) == (2, "Published")
    assert (found["article_type"], found["article_type_name"]) == (2, "Workaround")
    assert found["keywords"] == ["vpn", "vpn issue", "disconnect"]
    assert found["folder_id"] == NETWORK_AND_VPN


async def test_a_long_article_is_shortened_to_the_size_limit_and_still_matches_its_schema(
    fake: Fake,
) -> None:
    title = unique("Long article")
    paragraphs = "".join(f"<p>Step {n}: check the cable and the settings.</p>" for n in range(200))
    response = fake.api(
        "POST",
        "/solutions/articles",
        ADMIN_KEY,
        json={"title": title, "description": paragraphs, "folder_id": LAPTOP_ISSUES},
    )
    assert response.status_code == 201, response.text
    async with in_memory(settings_for(fake, max_result_bytes=4_000)) as client:
        schema = await output_schema(client, "fetchSolutionArticle")
        found = structured(
            await client.call_tool(
                "fetchSolutionArticle", {"article_id": response.json()["article"]["id"]}
            )
        )
    jsonschema.validate(found, schema)
    assert found["truncated"] is True
    assert "description" in found["notice"]
    assert found["title"] == title


# -- Search ---------------------------------------------------------------------------------------


async def test_searching_vpn_issue_finds_the_two_published_articles(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool("fetchSolutionArticleSearch", {"search_term": "VPN issue"})
        )
    assert [a["id"] for a in page["articles"]] == [VPN_DROPPING, VPN_AUTH]
    assert page["total"] == 2 and page["next_page"] is None
    assert all(a["status_name"] == "Published" for a in page["articles"])


async def test_search_reports_the_total_and_the_next_page(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(
            await client.call_tool(
                "fetchSolutionArticleSearch", {"search_term": "VPN", "per_page": 2}
            )
        )
        last = structured(
            await client.call_tool(
                "fetchSolutionArticleSearch", {"search_term": "VPN", "per_page": 2, "page": 2}
            )
        )
    assert (first["total"], len(first["articles"]), first["next_page"]) == (3, 2, 2)
    assert (len(last["articles"]), last["next_page"]) == (1, None)


async def test_search_leaves_out_drafts(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool("fetchSolutionArticleSearch", {"search_term": "keyboard"})
        )
    assert page["articles"] == [] and page["total"] == 0


async def test_search_as_user_email_sees_only_what_that_user_may_see(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        as_admin = structured(
            await client.call_tool("fetchSolutionArticleSearch", {"search_term": "escalating"})
        )
        as_john = structured(
            await client.call_tool(
                "fetchSolutionArticleSearch",
                {"search_term": "escalating", "user_email": "john@acme.com"},
            )
        )
    assert [a["id"] for a in as_admin["articles"]] == [ESCALATING_P1]
    assert as_john["articles"] == []  # the runbooks folder is for agents only


# -- Creating and updating ------------------------------------------------------------------------


async def test_create_folder_stores_it_with_the_visibility_given_by_name(fake: Fake) -> None:
    name = unique("Printers")
    async with in_memory(settings_for(fake)) as client:
        schema = await output_schema(client, "createSolutionFolder")
        created = structured(
            await client.call_tool(
                "createSolutionFolder",
                {
                    "name": name,
                    "category_id": IT_HELP,
                    "description": "Printing and scanning",
                    "visibility": "agents only",
                },
            )
        )
    jsonschema.validate(created, schema)
    assert (created["visibility"], created["visibility_name"]) == (3, "Agents only")
    folder = stored(fake, f"/solutions/folders/{created['id']}")["folder"]
    assert (folder["name"], folder["category_id"], folder["visibility"]) == (name, IT_HELP, 3)
    assert folder["description"] == "Printing and scanning"


async def test_create_folder_for_departments_sends_their_ids(fake: Fake) -> None:
    department = 23000000001  # Acme's first department
    async with in_memory(settings_for(fake)) as client:
        created = structured(
            await client.call_tool(
                "createSolutionFolder",
                {
                    "name": unique("Finance only"),
                    "category_id": IT_HELP,
                    "visibility": 4,
                    "department_ids": [department],
                },
            )
        )
    assert created["visibility_name"] == "Departments"
    folder = stored(fake, f"/solutions/folders/{created['id']}")["folder"]
    assert (folder["visibility"], folder["department_ids"]) == (4, [department])


async def test_a_duplicate_folder_name_is_refused_with_the_409_explained(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createSolutionFolder", {"name": "laptop issues", "category_id": IT_HELP}
        )
    text = error_text(result)
    assert "409" in text and "already exists" in text
    assert f"fetchSolutionFolders with category_id {IT_HELP}" in text
    posts = [e for e in fake.journal() if e["method"] == "POST"]
    assert [e["status"] for e in posts] == [409]  # sent once, never again


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"visibility": "departments"}, "needs department_ids"),
        ({"visibility": 5}, "needs group_ids"),
        ({"visibility": "contact groups"}, "needs requester_group_ids"),
        ({"department_ids": [23000000001]}, "department_ids applies only with visibility"),
        ({"visibility": 4, "department_ids": [1], "group_ids": [2]}, "group_ids applies only"),
    ],
    ids=["departments", "agent-groups", "contact-groups", "ids-without-visibility", "extra-ids"],
)
async def test_create_folder_refuses_visibility_without_its_ids_and_sends_nothing(
    fake: Fake, arguments: dict[str, Any], named: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createSolutionFolder",
            {"name": unique("Restricted"), "category_id": IT_HELP, **arguments},
        )
    assert named in error_text(result)
    assert sent_by_tools(fake) == []


async def test_create_article_stores_it_with_codes_given_by_name(fake: Fake) -> None:
    title = unique("Docking station flickers")
    async with in_memory(settings_for(fake)) as client:
        schema = await output_schema(client, "createSolutionArticle")
        created = structured(
            await client.call_tool(
                "createSolutionArticle",
                {
                    "title": title,
                    "description": "<p>Update the dock's firmware.</p><p>Then restart.</p>",
                    "folder_id": LAPTOP_ISSUES,
                    "article_type": "workaround",
                    "status": "draft",
                    "tags": ["dock"],
                    "keywords": ["dock", "flicker"],
                    "review_date": "2027-01-31",
                },
            )
        )
    jsonschema.validate(created, schema)
    assert (created["status_name"], created["article_type_name"]) == ("Draft", "Workaround")
    assert created["description_text"] == "Update the dock's firmware. Then restart."
    article = stored(fake, f"/solutions/articles/{created['id']}")["article"]
    assert (article["title"], article["folder_id"], article["category_id"]) == (
        title,
        LAPTOP_ISSUES,
        IT_HELP,
    )
    assert (article["status"], article["article_type"]) == (1, 2)
    assert (article["tags"], article["keywords"]) == (["dock"], ["dock", "flicker"])
    assert article["review_date"].startswith("2027-01-31")
    assert article["agent_id"] == PRIYA


async def test_create_article_sends_only_the_arguments_given(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        created = structured(
            await client.call_tool(
                "createSolutionArticle",
                {"title": unique("Minimal"), "description": "<p>x</p>", "folder_id": LAPTOP_ISSUES},
            )
        )
    # Freshservice's defaults apply: a permanent draft.
    assert (created["status"], created["article_type"]) == (1, 1)
    assert sent_by_tools(fake) == ["POST /api/v2/solutions/articles"]


async def test_update_article_changes_it_and_publishes_it(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = structured(
            await client.call_tool(
                "createSolutionArticle",
                {
                    "title": unique("Webcam"),
                    "description": "<p>Draft</p>",
                    "folder_id": LAPTOP_ISSUES,
                },
            )
        )
        schema = await output_schema(client, "updateSolutionArticle")
        updated = structured(
            await client.call_tool(
                "updateSolutionArticle",
                {
                    "article_id": created["id"],
                    "title": "Webcam not detected",
                    "description": "<p>Open the privacy settings and allow the camera.</p>",
                    "status": "published",
                    "keywords": ["webcam"],
                },
            )
        )
    jsonschema.validate(updated, schema)
    assert (updated["status"], updated["status_name"]) == (2, "Published")
    article = stored(fake, f"/solutions/articles/{created['id']}")["article"]
    assert (article["title"], article["status"], article["keywords"]) == (
        "Webcam not detected",
        2,
        ["webcam"],
    )
    assert article["description_text"] == "Open the privacy settings and allow the camera."


async def test_update_article_moves_it_to_another_folder(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = structured(
            await client.call_tool(
                "createSolutionArticle",
                {
                    "title": unique("Misfiled"),
                    "description": "<p>x</p>",
                    "folder_id": LAPTOP_ISSUES,
                },
            )
        )
        structured(
            await client.call_tool(
                "updateSolutionArticle", {"article_id": created["id"], "folder_id": NETWORK_AND_VPN}
            )
        )
    article = stored(fake, f"/solutions/articles/{created['id']}")["article"]
    assert article["folder_id"] == NETWORK_AND_VPN


async def test_update_article_needs_a_field_to_change_and_sends_nothing(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateSolutionArticle", {"article_id": BATTERY_ARTICLE})
    assert "at least one field to change besides article_id" in error_text(result)
    assert sent_by_tools(fake) == []


# -- Refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "arguments", "named"),
    [
        ("fetchSolutionArticleSearch", {"search_term": "   "}, "search_term"),
        ("fetchSolutionArticleSearch", {"search_term": "vpn", "user_email": "john"}, "user_email"),
        (
            "createSolutionArticle",
            {"title": "t", "description": "d", "folder_id": LAPTOP_ISSUES, "status": "2"},
            "status",
        ),
        (
            "createSolutionArticle",
            {"title": "t", "description": "d", "folder_id": LAPTOP_ISSUES, "review_date": "soon"},
            "review_date",
        ),
        (
            "createSolutionArticle",
            {"title": "t", "description": "d", "folder_id": LAPTOP_ISSUES, "tags": ["x" * 65]},
            "tags",
        ),
        (
            "createSolutionFolder",
            {"name": "n", "category_id": IT_HELP, "visibility": 7},
            "visibility",
        ),
        (
            "updateSolutionArticle",
            {"article_id": BATTERY_ARTICLE, "article_type": 3},
            "article_type",
        ),
        ("fetchSolutionFolders", {}, "category_id"),
    ],
    ids=[
        "blank-term",
        "bad-email",
        "status-as-text",
        "bad-date",
        "long-tag",
        "visibility",
        "type",
        "no-category",
    ],
)
async def test_a_wrong_argument_is_refused_before_any_request(
    fake: Fake, name: str, arguments: dict[str, Any], named: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(name, arguments)
    assert named in error_text(result)
    assert requests_past_the_key_check(fake.journal()) == []  # only the key was checked


@pytest.mark.parametrize(
    ("name", "arguments", "named"),
    [
        ("fetchSolutionCategory", {"category_id": MISSING}, f"Solution category {MISSING}"),
        ("fetchSolutionFolders", {"category_id": MISSING}, f"Solution category {MISSING} was"),
        ("fetchSolutionFolder", {"folder_id": MISSING}, f"Solution folder {MISSING}"),
        ("fetchSolutionArticles", {"folder_id": MISSING}, f"Solution folder {MISSING} was"),
        ("fetchSolutionArticle", {"article_id": MISSING}, f"Solution article {MISSING}"),
        (
            "updateSolutionArticle",
            {"article_id": MISSING, "title": "Nothing here"},
            f"Solution article {MISSING}",
        ),
    ],
)
async def test_a_missing_id_is_a_404_tool_error_naming_it(
    fake: Fake, name: str, arguments: dict[str, Any], named: str
) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(name, arguments)
    text = error_text(result)
    assert named in text and "404" in text


async def test_an_unknown_folder_for_a_new_article_names_folder_id(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createSolutionArticle", {"title": "t", "description": "d", "folder_id": MISSING}
        )
    assert "folder_id: There is no folder matching" in error_text(result)


@pytest.mark.parametrize("review_date", ["2026-02-30", "2026-12-01T25:00:00Z"])
async def test_a_review_date_off_the_calendar_is_refused_before_it_is_sent(
    fake: Fake, review_date: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createSolutionArticle",
            {
                "title": "t",
                "description": "d",
                "folder_id": LAPTOP_ISSUES,
                "review_date": review_date,
            },
        )
    assert f"review_date: {review_date!r} is not a real date" in error_text(result)
    assert not [e for e in fake.journal() if e["method"] == "POST"]
