"""The knowledge base: solution categories, folders and articles, and the article search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request

from mock_freshservice import errors
from mock_freshservice.api import shapes
from mock_freshservice.api.common import (
    Caller,
    acting_user,
    check_query,
    endpoint,
    in_workspace,
    json_response,
    location,
    query_workspace,
    raise_if,
    read_json_object,
    require,
    search_page,
    words,
)
from mock_freshservice.clock import parse_datetime
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.solutions import FOLDER_VISIBILITY
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError, RequestError
from mock_freshservice.html_text import text_of
from mock_freshservice.pagination import next_link, parse_page
from mock_freshservice.state import get_state
from mock_freshservice.validation import (
    Rule,
    array,
    boolean,
    choice,
    datetime_value,
    integer,
    mapping,
    one_of,
    positive_query_int,
    string,
    validate_body,
)

bp = Blueprint("solutions", __name__)

SEARCH_KEYS = (
    "description",
    "group_folder_group_ids",
    "folder_department_ids",
    "group_folder_requester_group_ids",
    "group_folder_department_ids",
    "attachments",
    "folder_visibility",
    "id",
    "created_at",
    "updated_at",
    "title",
    "status",
    "user_id",
    "approval_status",
    "position",
    "folder_id",
    "category_id",
    "thumbs_up",
    "thumbs_down",
    "modified_by",
    "modified_at",
    "inserted_into_tickets",
    "url",
    "article_type",
    "views",
    "description_text",
    "keywords",
    "review_date",
    "workspace_id",
)


def _can_see_folder(account: AccountData, user: Record | None, folder: Record) -> bool:
    """Agents see every folder; requesters the ones open to all, to logged-in users, or to
    their department."""
    if user is None:
        return False
    if user["id"] in account.agents:
        return True
    visibility = folder["visibility"]
    if visibility in (1, 2):
        return True
    return visibility == 4 and bool(
        set(user.get("department_ids") or []) & set(folder["department_ids"])
    )


def _article_json(article: Record, keys: tuple[str, ...]) -> dict[str, Any]:
    return shapes.render(article, keys, shapes.ARTICLE_TIMESTAMPS)


def _get(table_name: str, account: AccountData, record_id: int) -> Record:
    record: Record | None = getattr(account, table_name).live(record_id)
    if record is None:
        raise errors.NotFound()
    return record


def _query_id(name: str, problems: list[FieldError], *, required: bool) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        if required:
            problems.append(FieldError(name, "It should be a/an Positive Integer", "missing_field"))
        return None
    value, problem = positive_query_int(name, raw)
    if problem:
        problems.append(problem)
    return value


# -- Categories --------------------------------------------------------------------------------


@bp.get("/solutions/categories")
@endpoint("list")
def list_categories() -> Response:
    who = require("solutions.view")
    account = who.account
    problems = check_query(("workspace_id", "page", "per_page"))
    page = parse_page(problems)
    workspace_id = query_workspace(account, problems)
    raise_if(problems)
    found = [c for c in account.solution_categories.live_records() if in_workspace(c, workspace_id)]
    chunk, more = page.slice(found)
    headers = {"Link": next_link(page)} if more else None
    body = [shapes.render(c, shapes.SOLUTION_CATEGORY_KEYS, shapes.PLAIN_TIMESTAMPS) for c in chunk]
    return json_response({"categories": body}, headers=headers)


@bp.get("/solutions/categories/<int:category_id>")
@endpoint("view")
def view_category(category_id: int) -> Response:
    who = require("solutions.view")
    check_query(())
    category = _get("solution_categories", who.account, category_id)
    return json_response(
        {
            "category": shapes.render(
                category, shapes.SOLUTION_CATEGORY_KEYS, shapes.PLAIN_TIMESTAMPS
            )
        }
    )


CATEGORY_RULES: dict[str, Rule] = {
    "name": Rule("String", string(255, blank_ok=False), required=True, nullable=False),
    "description": Rule("String", string(65_535)),
    "visible_in_portals": Rule("Array", array("Positive Integer", integer(), 20)),
    "workspace_id": Rule("Positive Integer", integer()),
}
CATEGORY_UPDATE_RULES = {
    **{
        name: Rule(rule.expected, rule.check, nullable=rule.nullable)
        for name, rule in CATEGORY_RULES.items()
    },
    "default_category": Rule("Boolean", boolean()),
}


def _refuse_taken_category_name(account: AccountData, name: str, category_id: int | None) -> None:
    for other in account.solution_categories.live_records():
        if other["name"].lower() == name.lower() and other["id"] != category_id:
            raise RequestError(409, "duplicate_value", "A category with this name already exists")


@bp.post("/solutions/categories")
@endpoint("write")
def create_category() -> Response:
    who = require("solutions.manage")
    check_query(())
    body = read_json_object()
    validate_body(body, CATEGORY_RULES)
    account = who.account
    workspace_id = body.get("workspace_id") or account.primary_workspace_id
    if workspace_id not in account.workspaces:
        raise_if([FieldError("workspace_id", one_of(account.workspaces.ids), "invalid_value")])
    now = get_state().clock.now()
    with account.lock:
        _refuse_taken_category_name(account, body["name"], None)
        table = account.solution_categories
        category_id = max(table.next_id(), ids.ranged(ids.SOLUTION_CATEGORY_BASE, account.index, 1))
        category: Record = {
            "id": category_id,
            "created_at": now,
            "updated_at": now,
            "name": body["name"],
            "description": body.get("description"),
            "default_category": False,
            "position": 1
            + sum(1 for c in table.live_records() if c["workspace_id"] == workspace_id),
            "visible_in_portals": list(body.get("visible_in_portals") or []),
            "workspace_id": workspace_id,
        }
        table.put(category)
    return json_response(
        {
            "category": shapes.render(
                category, shapes.SOLUTION_CATEGORY_KEYS, shapes.PLAIN_TIMESTAMPS
            )
        },
        201,
        location(f"solutions/categories/{category_id}"),
    )


@bp.put("/solutions/categories/<int:category_id>")
@endpoint("write")
def update_category(category_id: int) -> Response:
    who = require("solutions.manage")
    check_query(())
    body = read_json_object()
    if not body:
        raise errors.missing_params()
    validate_body(body, CATEGORY_UPDATE_RULES)
    account = who.account
    with account.lock:
        category = dict(_get("solution_categories", account, category_id))
        raise_if(_fixed_category_problems(category, body))
        if "name" in body:
            _refuse_taken_category_name(account, body["name"], category_id)
        for name in ("name", "description"):
            if name in body:
                category[name] = body[name]
        if "visible_in_portals" in body:
            category["visible_in_portals"] = list(body["visible_in_portals"] or [])
        category["updated_at"] = get_state().clock.now()
        account.solution_categories.put(category)
    return json_response(
        {
            "category": shapes.render(
                category, shapes.SOLUTION_CATEGORY_KEYS, shapes.PLAIN_TIMESTAMPS
            )
        }
    )


def _fixed_category_problems(category: Record, body: Mapping[str, Any]) -> list[FieldError]:
    """A category stays in its workspace and stays default or not, so a body may name only the
    values it has (a client sending back what it read); the default category keeps its name too
    (the OpenAPI file: "You cannot delete or rename this category")."""
    problems = []
    for name in ("workspace_id", "default_category"):
        if name in body and body[name] != category.get(name):
            kept = category.get(name)
            shown = ("false", "true")[kept] if isinstance(kept, bool) else kept
            problems.append(FieldError(name, one_of((shown,)), "invalid_value"))
    if category.get("default_category") and body.get("name", category["name"]) != category["name"]:
        problems.append(
            FieldError("name", "The default category cannot be renamed", "invalid_value")
        )
    return problems


@bp.delete("/solutions/categories/<int:category_id>")
@endpoint("write")
def delete_category(category_id: int) -> Response:
    """The category goes with its folders and their articles; the default one stays
    (guesses.SOLUTION_DELETES)."""
    who = require("solutions.manage")
    check_query(())
    account = who.account
    with account.lock:
        category = _get("solution_categories", account, category_id)
        if category.get("default_category"):
            raise_if([FieldError("id", "The default category cannot be deleted", "invalid_value")])
        now = get_state().clock.now()
        for folder in account.solution_folders.live_records():
            if folder["category_id"] == category_id:
                _drop_folder(account, folder, now)
        account.solution_categories.put({**category, "_gone": True, "updated_at": now})
    return Response(status=204)


def _drop_folder(account: AccountData, folder: Record, now: int) -> None:
    for article in account.solution_articles.live_records():
        if article["folder_id"] == folder["id"]:
            account.solution_articles.put({**article, "_gone": True, "updated_at": now})
    account.solution_folders.put({**folder, "_gone": True, "updated_at": now})


# -- Folders -----------------------------------------------------------------------------------


@bp.get("/solutions/folders")
@endpoint("list")
def list_folders() -> Response:
    who = require("solutions.view")
    account = who.account
    problems = check_query(("category_id", "page", "per_page"))
    page = parse_page(problems)
    category_id = _query_id("category_id", problems, required=True)
    raise_if(problems)
    if category_id not in account.solution_categories:
        raise errors.NotFound()
    user = account.user(who.user_id)
    found = [
        f
        for f in account.solution_folders.live_records()
        if f["category_id"] == category_id and _can_see_folder(account, user, f)
    ]
    chunk, more = page.slice(found)
    headers = {"Link": next_link(page)} if more else None
    return json_response({"folders": [shapes.folder_json(f) for f in chunk]}, headers=headers)


@bp.get("/solutions/folders/<int:folder_id>")
@endpoint("view")
def view_folder(folder_id: int) -> Response:
    who = require("solutions.view")
    check_query(())
    folder = _get("solution_folders", who.account, folder_id)
    if not _can_see_folder(who.account, who.account.user(who.user_id), folder):
        raise errors.access_denied()
    return json_response({"folder": shapes.folder_json(folder)})


FOLDER_RULES: dict[str, Rule] = {
    "name": Rule("String", string(255, blank_ok=False), required=True, nullable=False),
    "category_id": Rule("Positive Integer", integer(), required=True, nullable=False),
    "description": Rule("String", string(65_535)),
    "visibility": Rule("Integer", choice(tuple(FOLDER_VISIBILITY)), nullable=False),
    "department_ids": Rule("Array", array("Positive Integer", integer(), 100)),
    "group_ids": Rule("Array", array("Positive Integer", integer(), 100)),
    "requester_group_ids": Rule("Array", array("Positive Integer", integer(), 100)),
    "approval_settings": Rule("key/value pair", mapping(4)),
    "manage_by_group_ids": Rule("Array", array("Positive Integer", integer(), 100)),
    "workspace_id": Rule("Positive Integer", integer()),
}


def _folder_problems(account: AccountData, body: Mapping[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    category = account.solution_categories.get(body["category_id"])
    if category is None:
        return [
            FieldError(
                "category_id",
                "There is no category matching the given category_id",
                "invalid_value",
            )
        ]
    visibility = body.get("visibility", 1)
    needed = shapes.FOLDER_VISIBILITY_KEYS.get(visibility)
    if needed is not None and not body.get(needed):
        problems.append(FieldError(needed, "It should be a/an Array", "missing_field"))
    for field, table in (
        ("department_ids", account.departments),
        ("group_ids", account.groups),
        ("manage_by_group_ids", account.groups),
    ):
        missing = [i for i in body.get(field) or [] if table.live(i) is None]
        if missing:
            problems.append(
                FieldError(
                    field, f"There are no records matching the ids {missing}", "invalid_value"
                )
            )
    settings = body.get("approval_settings")
    if settings is not None:
        problems += _approval_problems(account, settings)
    workspace_id = body.get("workspace_id")
    if workspace_id is not None and workspace_id != category["workspace_id"]:
        problems.append(
            FieldError("workspace_id", one_of((category["workspace_id"],)), "invalid_value")
        )
    for folder in account.solution_folders.live_records():
        if (
            folder["category_id"] == category["id"]
            and folder["name"].lower() == body["name"].lower()
            and folder["id"] != body.get("id")
        ):
            raise RequestError(
                409, "duplicate_value", "A folder with this name already exists in the category"
            )
    return problems


def _approval_problems(account: AccountData, settings: Mapping[str, Any]) -> list[FieldError]:
    unknown = [k for k in settings if k not in ("approval_type", "approver_ids")]
    if unknown:
        return [
            FieldError(
                f"approval_settings.{k}", "Unexpected/invalid field in request", "invalid_field"
            )
            for k in unknown
        ]
    problems = []
    if settings.get("approval_type") not in (1, 4):
        problems.append(
            FieldError("approval_settings.approval_type", one_of((1, 4)), "invalid_value")
        )
    approvers = settings.get("approver_ids")
    if (
        not isinstance(approvers, list)
        or not approvers
        or any(a not in account.agents for a in approvers if isinstance(a, int))
        or not all(isinstance(a, int) and not isinstance(a, bool) for a in approvers)
    ):
        problems.append(
            FieldError(
                "approval_settings.approver_ids",
                "It should contain the ids of agents",
                "invalid_value",
            )
        )
    return problems


@bp.post("/solutions/folders")
@endpoint("write")
def create_folder() -> Response:
    who = require("solutions.manage")
    check_query(())
    body = read_json_object()
    validate_body(body, FOLDER_RULES)
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        raise_if(_folder_problems(account, body))
        category = account.solution_categories.get(body["category_id"])
        assert category is not None
        siblings = [
            f for f in account.solution_folders.live_records() if f["category_id"] == category["id"]
        ]
        folder_id = max(
            account.solution_folders.next_id(),
            ids.ranged(ids.SOLUTION_FOLDER_BASE, account.index, 1),
        )
        visibility = body.get("visibility", 1)
        folder: Record = {
            "description": body.get("description"),
            "id": folder_id,
            "created_at": now,
            "updated_at": now,
            "name": body["name"],
            "category_id": category["id"],
            "position": len(siblings) + 1,
            "visibility": visibility,
            "approval_settings": body.get("approval_settings"),
            "default_folder": False,
            "manage_by_group_ids": list(body.get("manage_by_group_ids") or []),
            "workspace_id": category["workspace_id"],
            "department_ids": list(body.get("department_ids") or []),
            "group_ids": list(body.get("group_ids") or []),
            "requester_group_ids": list(body.get("requester_group_ids") or []),
        }
        account.solution_folders.put(folder)
    return json_response(
        {"folder": shapes.folder_json(folder)}, 201, location(f"solutions/folders/{folder_id}")
    )


FOLDER_UPDATE_RULES = {
    name: Rule(rule.expected, rule.check, nullable=rule.nullable)
    for name, rule in FOLDER_RULES.items()
    if name != "workspace_id"
}
FOLDER_FIELDS_KEPT = (
    "name", "category_id", "description", "visibility", "department_ids", "group_ids",
    "requester_group_ids", "approval_settings", "manage_by_group_ids",
)  # fmt: skip


@bp.put("/solutions/folders/<int:folder_id>")
@endpoint("write")
def update_folder(folder_id: int) -> Response:
    who = require("solutions.manage")
    check_query(())
    body = read_json_object()
    if not body:
        raise errors.missing_params()
    validate_body(body, FOLDER_UPDATE_RULES)
    account = who.account
    with account.lock:
        folder = dict(_get("solution_folders", account, folder_id))
        merged = {name: folder.get(name) for name in FOLDER_FIELDS_KEPT} | body
        raise_if(_folder_problems(account, {**merged, "id": folder_id}))
        for name, value in body.items():
            folder[name] = list(value) if isinstance(value, list) else value
        category = account.solution_categories.live(folder["category_id"])
        if category is not None:
            folder["workspace_id"] = category["workspace_id"]
        folder["updated_at"] = get_state().clock.now()
        account.solution_folders.put(folder)
    return json_response({"folder": shapes.folder_json(folder)})


@bp.delete("/solutions/folders/<int:folder_id>")
@endpoint("write")
def delete_folder(folder_id: int) -> Response:
    """The folder goes with its articles; a category's default folder stays
    (guesses.SOLUTION_DELETES)."""
    who = require("solutions.manage")
    check_query(())
    account = who.account
    with account.lock:
        folder = _get("solution_folders", account, folder_id)
        if folder.get("default_folder"):
            raise_if([FieldError("id", "The default folder cannot be deleted", "invalid_value")])
        _drop_folder(account, folder, get_state().clock.now())
    return Response(status=204)


# -- Articles ----------------------------------------------------------------------------------


@bp.get("/solutions/articles")
@endpoint("list")
def list_articles() -> Response:
    who = require("solutions.view")
    account = who.account
    problems = check_query(("folder_id", "page", "per_page"))
    page = parse_page(problems)
    folder_id = _query_id("folder_id", problems, required=True)
    raise_if(problems)
    assert folder_id is not None
    folder = _get("solution_folders", account, folder_id)
    if not _can_see_folder(account, account.user(who.user_id), folder):
        raise errors.access_denied()
    found = [
        a
        for a in account.solution_articles.live_records()
        if a["folder_id"] == folder_id and (who.is_agent or a["status"] == 2)
    ]
    found.sort(key=lambda a: (a["position"], a["id"]))
    chunk, more = page.slice(found)
    headers = {"Link": next_link(page)} if more else None
    body = [_article_json(a, shapes.ARTICLE_LIST_KEYS) for a in chunk]
    return json_response({"articles": body}, headers=headers)


def get_article(who: Caller, article_id: int) -> Record:
    account = who.account
    article = _get("solution_articles", account, article_id)
    folder = account.solution_folders.get(article["folder_id"])
    if not who.is_agent and (
        article["status"] != 2
        or folder is None
        or not _can_see_folder(account, account.user(who.user_id), folder)
    ):
        raise errors.NotFound()
    return article


@bp.get("/solutions/articles/<int:article_id>")
@endpoint("view")
def view_article(article_id: int) -> Response:
    who = require("solutions.view")
    check_query(())
    return json_response(
        {"article": _article_json(get_article(who, article_id), shapes.ARTICLE_KEYS)}
    )


ARTICLE_FIELDS: dict[str, Rule] = {
    "title": Rule("String", string(255, blank_ok=False), nullable=False),
    "description": Rule("String", string(500_000, blank_ok=False), nullable=False),
    "folder_id": Rule("Positive Integer", integer(), nullable=False),
    "article_type": Rule("Integer", choice((1, 2)), nullable=False),
    "status": Rule("Integer", choice((1, 2)), nullable=False),
    "tags": Rule("Array", array("String", string(64, blank_ok=False), 50)),
    "keywords": Rule("Array", array("String", string(64, blank_ok=False), 50)),
    "review_date": Rule("String", datetime_value()),
}
CREATE_ARTICLE_RULES = {
    name: Rule(
        rule.expected,
        rule.check,
        required=name in ("title", "description", "folder_id"),
        nullable=rule.nullable,
    )
    for name, rule in ARTICLE_FIELDS.items()
}


def _article_problems(who: Caller, body: Mapping[str, Any]) -> list[FieldError]:
    if body.get("status") == 2 and not who.role.allows("solutions.publish"):
        raise errors.access_denied()
    if "folder_id" in body and body["folder_id"] not in who.account.solution_folders:
        return [
            FieldError(
                "folder_id", "There is no folder matching the given folder_id", "invalid_value"
            )
        ]
    return []


def _apply(article: Record, body: Mapping[str, Any], account: AccountData) -> None:
    for name in ("title", "article_type", "status"):
        if name in body:
            article[name] = body[name]
    if "description" in body:
        article["description"] = body["description"]
        article["description_text"] = text_of(body["description"])
    for name in ("tags", "keywords"):
        if name in body:
            article[name] = list(dict.fromkeys(body[name] or []))
    if "review_date" in body:
        article["review_date"] = (
            None if body["review_date"] is None else parse_datetime(body["review_date"])
        )
    if "folder_id" in body:
        folder = account.solution_folders.get(body["folder_id"])
        assert folder is not None
        article["folder_id"] = folder["id"]
        article["category_id"] = folder["category_id"]
        article["workspace_id"] = folder["workspace_id"]


@bp.post("/solutions/articles")
@endpoint("write")
def create_article() -> Response:
    who = require("solutions.manage")
    check_query(())
    body = read_json_object()
    validate_body(body, CREATE_ARTICLE_RULES)
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        raise_if(_article_problems(who, body))
        article_id = max(
            account.solution_articles.next_id(),
            ids.ranged(ids.SOLUTION_ARTICLE_BASE, account.index, 1),
        )
        in_folder = [
            a
            for a in account.solution_articles.live_records()
            if a["folder_id"] == body["folder_id"]
        ]
        article: Record = {
            "description": "",
            "id": article_id,
            "created_at": now,
            "updated_at": now,
            "title": "",
            "status": 1,
            "approval_status": None,
            "position": len(in_folder) + 1,
            "folder_id": None,
            "category_id": None,
            "thumbs_up": 0,
            "thumbs_down": 0,
            "modified_by": who.user_id,
            "modified_at": now,
            "inserted_into_tickets": 0,
            "url": None,
            "article_type": 1,
            "agent_id": who.user_id,
            "views": 0,
            "description_text": "",
            "keywords": [],
            "review_date": None,
            "tags": [],
            "attachments": [],
            "approvals": [],
            "cloud_files": [],
            "workspace_id": None,
        }
        _apply(article, body, account)
        account.solution_articles.put(article)
    return json_response(
        {"article": _article_json(article, shapes.ARTICLE_KEYS)},
        201,
        location(f"solutions/articles/{article_id}"),
    )


@bp.put("/solutions/articles/<int:article_id>")
@endpoint("write")
def update_article(article_id: int) -> Response:
    who = require("solutions.manage")
    check_query(())
    body = read_json_object()
    if not body:
        raise errors.missing_params()
    validate_body(body, ARTICLE_FIELDS)
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        article = dict(_get("solution_articles", account, article_id))
        raise_if(_article_problems(who, body))
        _apply(article, body, account)
        article["updated_at"] = article["modified_at"] = now
        article["modified_by"] = who.user_id
        account.solution_articles.put(article)
    return json_response({"article": _article_json(article, shapes.ARTICLE_KEYS)})


@bp.delete("/solutions/articles/<int:article_id>")
@endpoint("write")
def delete_article(article_id: int) -> Response:
    who = require("solutions.manage")
    check_query(())
    account = who.account
    with account.lock:
        article = _get("solution_articles", account, article_id)
        now = get_state().clock.now()
        account.solution_articles.put({**article, "_gone": True, "updated_at": now})
    return Response(status=204)


@bp.get("/solutions/articles/search")
@endpoint("list")
def search_articles() -> Response:
    who = require("solutions.view")
    account = who.account
    problems = check_query(("search_term", "user_email", "page", "per_page"))
    page = parse_page(problems)
    term = request.args.get("search_term")
    if term is None or not term.strip():
        problems.append(FieldError("search_term", "It should be a/an String", "missing_field"))
    user = acting_user(who, problems)
    raise_if(problems)
    assert term is not None
    wanted = words(term)
    folders = {f["id"]: f for f in account.solution_folders.live_records()}
    found = []
    # A term with no words in it (e.g. "???") matches nothing, not everything.
    for article in account.solution_articles.live_records() if wanted else ():
        folder = folders.get(article["folder_id"])
        if article["status"] != 2 or folder is None or not _can_see_folder(account, user, folder):
            continue
        text = " ".join(
            (article["title"], article["description_text"], *article["keywords"], *article["tags"])
        )
        present = set(words(text))
        if all(any(p.startswith(w) for p in present) for w in wanted):
            found.append(article)
    phrase = term.lower().strip()
    found.sort(
        key=lambda a: (
            phrase not in a["title"].lower(),
            not all(w in a["title"].lower() for w in wanted),
            a["id"],
        )
    )

    def render(article: Record) -> dict[str, Any]:
        folder = folders[article["folder_id"]]
        out = dict(article)
        out.update(
            {
                "group_folder_group_ids": list(folder["group_ids"]),
                "folder_department_ids": list(folder["department_ids"]),
                "group_folder_requester_group_ids": list(folder["requester_group_ids"]),
                "group_folder_department_ids": list(folder["department_ids"]),
                "folder_visibility": folder["visibility"],
                "user_id": article["agent_id"],
            }
        )
        return _article_json(out, SEARCH_KEYS)

    return json_response(search_page(found, page, render, "articles"))
