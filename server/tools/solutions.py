"""Solution (knowledge base) tools: categories, folders, articles and search."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from server import freshservice as fs
from server import toolsets
from server.tools.common import (
    EMAIL_PATTERN,
    NOT_BLANK,
    Derived,
    NameOf,
    Page,
    PageInfo,
    PerPage,
    Record,
    Result,
    Text,
    TextOf,
    Upstream,
    WorkspaceId,
    code,
    items_of,
    plain_list,
    real_moment,
    record_of,
    search_next_page,
    sent,
    tool,
)
from server.tools.fitting import fit_page, fit_record

TOOLSET = toolsets.SOLUTIONS
PREVIEW = 200

ARTICLE_STATUS = {1: "Draft", 2: "Published"}
ARTICLE_TYPE = {1: "Permanent", 2: "Workaround"}
FOLDER_VISIBILITY = {
    1: "All",
    2: "Logged in users",
    3: "Agents only",
    4: "Departments",
    5: "Agent groups",
    6: "Contact groups",
}
# The list of ids each restricted visibility needs (and the only one it uses).
IDS_OF_VISIBILITY = {4: "department_ids", 5: "group_ids", 6: "requester_group_ids"}

MORE_OF_AN_ARTICLE = (
    "description_text holds the same article as description without the HTML; the whole "
    "article is in Freshservice's knowledge base."
)
MORE_OF_A_FOLDER = "the rest is in Freshservice; fetchSolutionArticles lists its articles."
MORE_OF_A_CATEGORY = "the rest is in Freshservice; fetchSolutionFolders lists its folders."

# -- Arguments ----------------------------------------------------------------------------------

CategoryId = Annotated[
    int,
    Field(ge=1, description="The solution category's id (from fetchSolutionCategories)."),
]
FolderId = Annotated[
    int, Field(ge=1, description="The solution folder's id (from fetchSolutionFolders).")
]
ArticleId = Annotated[
    int,
    Field(
        ge=1,
        description="The article's id (from fetchSolutionArticles or fetchSolutionArticleSearch).",
    ),
]
ArticleStatusIn = Annotated[
    Literal[1, 2] | Literal["draft", "published"],
    Field(
        description=(
            "1 draft (agents only) or 2 published (visible in the portal, found by "
            "fetchSolutionArticleSearch); number or lowercase name."
        )
    ),
]
ArticleTypeIn = Annotated[
    Literal[1, 2] | Literal["permanent", "workaround"],
    Field(
        description=(
            "1 permanent (a lasting fix or guide) or 2 workaround (a temporary way around a "
            "problem); number or lowercase name."
        )
    ),
]
VisibilityIn = Annotated[
    Literal[1, 2, 3, 4, 5, 6]
    | Literal[
        "all", "logged in users", "agents only", "departments", "agent groups", "contact groups"
    ],
    Field(
        description=(
            "Who sees the folder's articles in the portal: 1 all, 2 logged in users, 3 agents "
            "only, 4 departments (give department_ids), 5 agent groups (give group_ids), 6 contact "
            "groups (give requester_group_ids); number or lowercase name. Default: all."
        )
    ),
]
IdList = list[Annotated[int, Field(ge=1)]]
Words = list[Annotated[str, Field(min_length=1, max_length=64, pattern=NOT_BLANK)]]
ReviewDate = Annotated[
    str | None,
    Field(
        pattern=(
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
            r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$"
        ),
        description=(
            "When the article should be reviewed again: a date 2026-12-31 or a date and time "
            "2026-12-31T09:00:00Z (no zone means UTC)."
        ),
    ),
]

# -- Results ------------------------------------------------------------------------------------

# What several results read from their records.
DescriptionPreview = Annotated[
    str | None,
    TextOf("description", limit=PREVIEW),
    Field(description="The description, cut to 200 characters."),
]
VisibilityName = Annotated[str | None, NameOf("visibility", FOLDER_VISIBILITY)]
StatusName = Annotated[str | None, NameOf("status", ARTICLE_STATUS)]
ArticleTypeName = Annotated[str | None, NameOf("article_type", ARTICLE_TYPE)]


class CategorySummary(Record):
    """A category in a list; fetchSolutionCategory has it whole."""

    id: int
    name: Text
    description_preview: DescriptionPreview
    default_category: bool | None
    position: int | None
    workspace_id: int | None


class CategoryPage(PageInfo):
    categories: list[CategorySummary]


class Category(Result):
    id: int
    name: Text
    description: str | None
    default_category: bool | None
    position: int | None
    visible_in_portals: list[int] | None = Field(description="The portals that show it.")
    workspace_id: int | None
    created_at: str | None
    updated_at: str | None


class FolderSummary(Record):
    """A folder in a list; fetchSolutionFolder has it whole."""

    id: int
    name: Text
    description_preview: DescriptionPreview
    category_id: int | None
    position: int | None
    visibility: int | None
    visibility_name: VisibilityName
    default_folder: bool | None
    workspace_id: int | None


class FolderPage(PageInfo):
    folders: list[FolderSummary]


class Folder(Result):
    id: int
    name: Text
    description: str | None
    category_id: int | None
    position: int | None
    visibility: int | None
    visibility_name: VisibilityName
    department_ids: list[int] | None = Field(
        None, description="The departments that see it (visibility 4 only)."
    )
    group_ids: list[int] | None = Field(
        None, description="The agent groups that see it (visibility 5 only)."
    )
    requester_group_ids: list[int] | None = Field(
        None, description="The contact groups that see it (visibility 6 only)."
    )
    approval_settings: dict[str, Any] | None = None
    manage_by_group_ids: list[int] | None = None
    default_folder: bool | None
    workspace_id: int | None
    created_at: str | None
    updated_at: str | None


class ArticleSummary(Record):
    """An article in a list: title, codes and a preview; fetchSolutionArticle has the text."""

    id: int
    title: Text
    status: int | None
    status_name: StatusName
    article_type: int | None
    article_type_name: ArticleTypeName
    folder_id: int | None
    category_id: int | None
    workspace_id: int | None
    keywords: list[str] | None = None
    views: int | None = None
    thumbs_up: int | None = None
    thumbs_down: int | None = None
    updated_at: str | None
    description_preview: Annotated[
        str | None, TextOf("description", "description_text", limit=PREVIEW)
    ] = Field(description="The article as text, cut to 200 characters.")


class ArticlePage(PageInfo):
    articles: list[ArticleSummary]


class ArticleSearchPage(PageInfo):
    articles: list[ArticleSummary]
    total: int | None = Field(None, description="How many published articles match in all.")


class Article(Result):
    """A whole article: the text as HTML (description) and as plain text (description_text)."""

    id: int
    title: Text
    description: str | None = Field(description="The article as HTML.")
    description_text: Annotated[str | None, TextOf("description")] = Field(
        description="The article as plain text."
    )
    status: int | None
    status_name: StatusName
    article_type: int | None
    article_type_name: ArticleTypeName
    approval_status: int | None = None
    folder_id: int | None
    category_id: int | None
    workspace_id: int | None
    position: int | None = None
    tags: list[str] | None = None
    keywords: list[str] | None = None
    review_date: str | None = None
    url: str | None = Field(None, description="For an external-link article, its address.")
    agent_id: Annotated[  # `user_id` in a record without an `agent_id` key
        int | None, Derived(lambda raw: raw.get("agent_id", raw.get("user_id")))
    ] = Field(None, description="The author.")
    modified_by: int | None = None
    modified_at: str | None = None
    views: int | None = None
    thumbs_up: int | None = None
    thumbs_down: int | None = None
    inserted_into_tickets: int | None = None
    attachments: list[dict[str, Any]] | None = None
    created_at: str | None
    updated_at: str | None


# -- Categories ---------------------------------------------------------------------------------


@tool("fetchSolutionCategories", toolset=TOOLSET, title="List solution categories", kind="fetch")
async def fetch_solution_categories(
    up: Upstream,
    *,
    workspace_id: WorkspaceId = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> CategoryPage:
    """List the knowledge base's categories (the top level: categories hold folders, folders
    hold articles), a page at a time. Without workspace_id, those of the primary workspace; 0
    for every workspace. Next: fetchSolutionFolders with a category_id lists its folders;
    fetchSolutionCategory shows one category. To find articles by words use
    fetchSolutionArticleSearch."""
    params: dict[str, Any] = {"page": page, "per_page": per_page}
    if workspace_id is not None:
        params["workspace_id"] = workspace_id
    return await plain_list(
        up, "/solutions/categories", params, what="the solution categories",
        model=CategoryPage, items="categories", summarize=CategorySummary.of,
    )  # fmt: skip


@tool("fetchSolutionCategory", toolset=TOOLSET, title="Show a solution category", kind="fetch")
async def fetch_solution_category(up: Upstream, *, category_id: CategoryId) -> Category:
    """Show one knowledge-base category: name, description, position, workspace. Its folders:
    fetchSolutionFolders with this category_id."""
    response = await up.get(
        f"/solutions/categories/{category_id}", what=f"solution category {category_id}"
    )
    result = Category.of(record_of(response, "category"))
    return fit_record(result, up.max_result_bytes, MORE_OF_A_CATEGORY)


# -- Folders ------------------------------------------------------------------------------------


@tool("fetchSolutionFolders", toolset=TOOLSET, title="List solution folders", kind="fetch")
async def fetch_solution_folders(
    up: Upstream,
    *,
    category_id: CategoryId,
    page: Page = 1,
    per_page: PerPage = 10,
) -> FolderPage:
    """List the folders of one knowledge-base category, a page at a time, with each folder's
    visibility (who sees it in the portal). Category ids come from fetchSolutionCategories.
    Next: fetchSolutionArticles with a folder_id lists its articles; fetchSolutionFolder shows
    one folder; createSolutionFolder adds one."""
    params = {"category_id": category_id, "page": page, "per_page": per_page}
    return await plain_list(
        up, "/solutions/folders", params, what=f"solution category {category_id}",
        model=FolderPage, items="folders", summarize=FolderSummary.of,
    )  # fmt: skip


@tool("fetchSolutionFolder", toolset=TOOLSET, title="Show a solution folder", kind="fetch")
async def fetch_solution_folder(up: Upstream, *, folder_id: FolderId) -> Folder:
    """Show one knowledge-base folder: name, description, category, visibility (with the
    departments or groups it is limited to) and approval settings. Its articles:
    fetchSolutionArticles with this folder_id."""
    response = await up.get(f"/solutions/folders/{folder_id}", what=f"solution folder {folder_id}")
    return fit_record(
        Folder.of(record_of(response, "folder")), up.max_result_bytes, MORE_OF_A_FOLDER
    )


@tool("createSolutionFolder", toolset=TOOLSET, title="Create a solution folder", kind="create")
async def create_solution_folder(
    up: Upstream,
    *,
    name: Annotated[
        str,
        Field(
            min_length=1,
            max_length=255,
            pattern=NOT_BLANK,
            description="The folder's name; unique within its category (any letter case).",
        ),
    ],
    category_id: CategoryId,
    description: Annotated[
        str | None, Field(max_length=65_535, description="What the folder holds.")
    ] = None,
    visibility: VisibilityIn | None = None,
    department_ids: Annotated[
        IdList | None,
        Field(
            min_length=1,
            max_length=100,
            description="The departments that see the folder; only with visibility departments.",
        ),
    ] = None,
    group_ids: Annotated[
        IdList | None,
        Field(
            min_length=1,
            max_length=100,
            description="The agent groups that see the folder; only with visibility agent groups.",
        ),
    ] = None,
    requester_group_ids: Annotated[
        IdList | None,
        Field(
            min_length=1,
            max_length=100,
            description=(
                "The contact (requester) groups that see the folder; only with visibility "
                "contact groups."
            ),
        ),
    ] = None,
    workspace_id: Annotated[
        int | None,
        Field(
            ge=2,
            description=(
                "The workspace; it must be the category's, so leave it out to use the category's."
            ),
        ),
    ] = None,
) -> Folder:
    """Create a folder in a knowledge-base category (ids from fetchSolutionCategories). The
    name must be new in that category: a duplicate is refused (409). Visibility defaults to
    all; departments, agent groups and contact groups each need their list of ids. Returns the
    new folder with its id; add articles to it with createSolutionArticle."""
    body = sent(
        name=name,
        category_id=category_id,
        description=description,
        visibility=code(visibility, FOLDER_VISIBILITY),
        department_ids=department_ids,
        group_ids=group_ids,
        requester_group_ids=requester_group_ids,
        workspace_id=workspace_id,
    )
    chosen = body.get("visibility", 1)
    for number, ids_name in IDS_OF_VISIBILITY.items():
        shown = FOLDER_VISIBILITY[number].lower()
        if chosen == number and ids_name not in body:
            raise ToolError(f"visibility {shown} ({number}) needs {ids_name}")
        if chosen != number and ids_name in body:
            raise ToolError(f"{ids_name} applies only with visibility {shown} ({number})")
    try:
        response = await up.post("/solutions/folders", body, what="the solution folder")
    except ToolError as exc:
        if isinstance(exc.__cause__, fs.Conflict):  # the name is taken in this category
            raise ToolError(
                f"{exc}. Choose another name, or use the existing folder: fetchSolutionFolders "
                f"with category_id {category_id} lists them."
            ) from exc
        raise
    return fit_record(
        Folder.of(record_of(response, "folder")), up.max_result_bytes, MORE_OF_A_FOLDER
    )


# -- Articles -----------------------------------------------------------------------------------


@tool("fetchSolutionArticles", toolset=TOOLSET, title="List solution articles", kind="fetch")
async def fetch_solution_articles(
    up: Upstream,
    *,
    folder_id: FolderId,
    page: Page = 1,
    per_page: PerPage = 10,
) -> ArticlePage:
    """List the articles of one knowledge-base folder (drafts included), in their order in the
    folder, a page at a time: title, status, type and a 200-character preview. Folder ids come
    from fetchSolutionFolders (categories from fetchSolutionCategories). For an article's full
    text use fetchSolutionArticle; to find articles by words across folders use
    fetchSolutionArticleSearch."""
    params = {"folder_id": folder_id, "page": page, "per_page": per_page}
    return await plain_list(
        up, "/solutions/articles", params, what=f"solution folder {folder_id}",
        model=ArticlePage, items="articles", summarize=ArticleSummary.of,
    )  # fmt: skip


@tool("fetchSolutionArticle", toolset=TOOLSET, title="Show a solution article", kind="fetch")
async def fetch_solution_article(up: Upstream, *, article_id: ArticleId) -> Article:
    """Show one knowledge-base article in full: its text as HTML (description) and as plain
    text (description_text), status, type, tags, keywords and review date. To change it use
    updateSolutionArticle."""
    response = await up.get(
        f"/solutions/articles/{article_id}", what=f"solution article {article_id}"
    )
    result = Article.of(record_of(response, "article"))
    return fit_record(result, up.max_result_bytes, MORE_OF_AN_ARTICLE)


Title = Annotated[
    str,
    Field(min_length=1, max_length=255, pattern=NOT_BLANK, description="The article's title."),
]
ArticleText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500_000,
        pattern=NOT_BLANK,
        description="The article's text; HTML is allowed (e.g. <p>…</p>, <ol><li>…</li></ol>).",
    ),
]
Tags = Annotated[
    Words | None,
    Field(
        max_length=50,
        description="Tags, at most 50 of up to 64 characters (an update replaces them).",
    ),
]
Keywords = Annotated[
    Words | None,
    Field(
        max_length=50,
        description=(
            "Search keywords, at most 50 of up to 64 characters (an update replaces them); "
            "fetchSolutionArticleSearch matches them."
        ),
    ),
]


@tool("createSolutionArticle", toolset=TOOLSET, title="Create a solution article", kind="create")
async def create_solution_article(
    up: Upstream,
    *,
    title: Title,
    description: ArticleText,
    folder_id: Annotated[
        int,
        Field(ge=1, description="The folder to put it in (ids from fetchSolutionFolders)."),
    ],
    article_type: ArticleTypeIn | None = None,
    status: ArticleStatusIn | None = None,
    tags: Tags = None,
    keywords: Keywords = None,
    review_date: ReviewDate = None,
) -> Article:
    """Create a knowledge-base article in a folder. Defaults: type permanent, status draft
    (publishing needs the publish privilege; only published articles are found by
    fetchSolutionArticleSearch). Returns the new article with its id; change it later with
    updateSolutionArticle."""
    body = sent(
        title=title,
        description=description,
        folder_id=folder_id,
        article_type=code(article_type, ARTICLE_TYPE),
        status=code(status, ARTICLE_STATUS),
        tags=tags,
        keywords=keywords,
        review_date=review_date,
    )
    real_moment("review_date", review_date)
    response = await up.post("/solutions/articles", body, what="the solution article")
    result = Article.of(record_of(response, "article"))
    return fit_record(result, up.max_result_bytes, MORE_OF_AN_ARTICLE)


@tool("updateSolutionArticle", toolset=TOOLSET, title="Update a solution article", kind="update")
async def update_solution_article(
    up: Upstream,
    *,
    article_id: ArticleId,
    title: Annotated[
        str | None,
        Field(min_length=1, max_length=255, pattern=NOT_BLANK, description="A new title."),
    ] = None,
    description: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=500_000,
            pattern=NOT_BLANK,
            description="The new text, replacing the old; HTML is allowed.",
        ),
    ] = None,
    folder_id: Annotated[
        int | None,
        Field(ge=1, description="Move the article to this folder (ids from fetchSolutionFolders)."),
    ] = None,
    article_type: ArticleTypeIn | None = None,
    status: ArticleStatusIn | None = None,
    tags: Tags = None,
    keywords: Keywords = None,
    review_date: ReviewDate = None,
) -> Article:
    """Change a knowledge-base article: title, text, folder, type, tags or keywords (each list
    replaces the old one), review date; status published (2) publishes it, which needs the
    publish privilege. Give article_id and at least one field. Returns the updated article.
    To read it first use fetchSolutionArticle."""
    body = sent(  # article_id goes in the path
        title=title,
        description=description,
        folder_id=folder_id,
        article_type=code(article_type, ARTICLE_TYPE),
        status=code(status, ARTICLE_STATUS),
        tags=tags,
        keywords=keywords,
        review_date=review_date,
    )
    real_moment("review_date", review_date)
    if not body:
        raise ToolError("give at least one field to change besides article_id")
    response = await up.put(
        f"/solutions/articles/{article_id}", body, what=f"solution article {article_id}"
    )
    result = Article.of(record_of(response, "article"))
    return fit_record(result, up.max_result_bytes, MORE_OF_AN_ARTICLE)


@tool("fetchSolutionArticleSearch", toolset=TOOLSET, title="Search solution articles", kind="fetch")
async def fetch_solution_article_search(
    up: Upstream,
    *,
    search_term: Annotated[
        str,
        Field(
            min_length=1,
            max_length=255,
            pattern=NOT_BLANK,
            description=(
                'Words to look for in the titles, text, keywords and tags, e.g. "VPN issue"; '
                "an article matches when it has every word (or a word starting with it)."
            ),
        ),
    ],
    user_email: Annotated[
        str | None,
        Field(
            max_length=255,
            pattern=EMAIL_PATTERN,
            description=(
                "Search as this user (what they may see) instead of the caller; needs the "
                "Manage Agents privilege."
            ),
        ),
    ] = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> ArticleSearchPage:
    """Search the knowledge base for published articles (drafts are never found) that the
    caller, or user_email's user, may see; best title matches first, a page at a time, with
    the total. Each result has a 200-character preview: for an article's full text use
    fetchSolutionArticle with its id. To browse instead, use fetchSolutionCategories, then
    fetchSolutionFolders, then fetchSolutionArticles."""
    params: dict[str, Any] = {"search_term": search_term, "page": page, "per_page": per_page}
    if user_email is not None:
        params["user_email"] = user_email
    response = await up.get("/solutions/articles/search", params, what="the article search")
    total, next_page = search_next_page(response, page)
    result = ArticleSearchPage(
        articles=[ArticleSummary.of(a) for a in items_of(response, "articles")],
        page=page,
        per_page=per_page,
        next_page=next_page,
        total=total,
    )
    return fit_page(result, "articles", up.max_result_bytes, "ask for a smaller per_page.")


TOOLS = (
    fetch_solution_categories,
    fetch_solution_category,
    fetch_solution_folders,
    fetch_solution_folder,
    create_solution_folder,
    fetch_solution_articles,
    fetch_solution_article,
    create_solution_article,
    update_solution_article,
    fetch_solution_article_search,
)
