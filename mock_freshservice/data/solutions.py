"""The knowledge base of one account: solution categories, folders and articles.

The same vocabulary in every account, so the documented prompts ("Find solution articles for
'VPN issue'", "Get all articles in the 'Laptop Issues' folder") work anywhere. Drafts are
included so a search that returns only published articles can be told apart from one that does
not.
"""

from __future__ import annotations

from collections.abc import Sequence

from mock_freshservice.clock import DAY, HOUR
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.html_text import text_of

FOLDER_VISIBILITY = {
    1: "All",
    2: "Logged in Users",
    3: "Agents Only",
    4: "Departments",
    5: "Agent groups",
    6: "Contact groups",
}

# category name, workspace template, description, default category?
CATEGORIES: tuple[tuple[str, str, str, bool], ...] = (
    ("General", "it", "Articles for everyone", True),
    ("IT Help", "it", "Troubleshooting guides from the service desk", False),
    ("HR Policies", "hr", "How we work together", False),
)

# folder name, category name, visibility, description
FOLDERS: tuple[tuple[str, str, int, str], ...] = (
    ("General", "General", 1, "Default folder"),
    ("Laptop Issues", "IT Help", 1, "Fixes for common laptop problems"),
    ("Network and VPN", "IT Help", 1, "Getting connected, at the office and at home"),
    ("Email and Calendar", "IT Help", 2, "Outlook, shared mailboxes and calendars"),
    ("Accounts and Passwords", "IT Help", 1, "Signing in, passwords and MFA"),
    ("Service Desk Runbooks", "IT Help", 3, "Internal procedures for agents"),
    ("Leave and Expenses", "HR Policies", 2, "Time off and expense claims"),
)

# folder, title, published?, workaround?, keywords, body paragraphs
ARTICLES: tuple[tuple[str, str, bool, bool, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "General",
        "Welcome to the knowledge base",
        True,
        False,
        ("help",),
        ("Search here before raising a ticket.", "Most answers take less than five minutes."),
    ),
    (
        "Laptop Issues",
        "Laptop battery drains quickly",
        True,
        False,
        ("laptop", "battery"),
        (
            "Lower the screen brightness and close apps you are not using.",
            "If the battery lasts less than two hours, raise a hardware ticket for a replacement.",
        ),
    ),
    (
        "Laptop Issues",
        "Laptop will not turn on",
        True,
        False,
        ("laptop", "power"),
        (
            "Hold the power button for 15 seconds, then connect the charger and try again.",
            "If the charging light stays off, try another charger before raising a ticket.",
        ),
    ),
    (
        "Laptop Issues",
        "Laptop is running slowly",
        True,
        False,
        ("laptop", "performance"),
        (
            "Restart the laptop: updates often finish only after a restart.",
            "Check the disk space; keep at least 20 GB free.",
        ),
    ),
    (
        "Laptop Issues",
        "Connecting a laptop to an external monitor",
        True,
        False,
        ("laptop", "monitor", "display"),
        (
            "Use the USB-C or HDMI port; docking stations need their own power supply.",
            "Press Windows+P (or use Displays on a Mac) to choose how the screens are used.",
        ),
    ),
    (
        "Laptop Issues",
        "Replacing a laptop keyboard",
        False,
        False,
        ("laptop", "keyboard"),
        ("Draft: the hardware team is writing this procedure.",),
    ),
    (
        "Network and VPN",
        "How to fix a VPN issue when the connection keeps dropping",
        True,
        True,
        ("vpn", "vpn issue", "disconnect"),
        (
            "A VPN issue that drops the connection every few minutes is usually the home router's "
            "power-saving mode.",
            "Switch from Wi-Fi to a cable, or update the VPN client to the latest version.",
        ),
    ),
    (
        "Network and VPN",
        "Setting up the VPN client",
        True,
        False,
        ("vpn", "setup"),
        (
            "Install the VPN client from the Software Center and sign in with your work account.",
            "Choose the gateway nearest to you.",
        ),
    ),
    (
        "Network and VPN",
        "VPN issue: authentication failed",
        True,
        False,
        ("vpn", "mfa"),
        (
            "If the VPN says authentication failed, check that your password has not expired.",
            "Approve the MFA prompt within 60 seconds.",
        ),
    ),
    (
        "Network and VPN",
        "Wi-Fi troubleshooting basics",
        True,
        False,
        ("wifi", "network"),
        ("Forget the network and join it again.", "Move closer to an access point."),
    ),
    (
        "Network and VPN",
        "Office network outage checklist",
        False,
        False,
        ("network", "outage"),
        ("Draft: steps for agents during an office-wide outage.",),
    ),
    (
        "Email and Calendar",
        "Outlook crashes when opening a shared calendar",
        True,
        True,
        ("outlook", "calendar"),
        (
            "Remove the shared calendar, restart Outlook and add it again.",
            "If Outlook still crashes, start it in safe mode and report the error code.",
        ),
    ),
    (
        "Email and Calendar",
        "Setting up an out-of-office reply",
        True,
        False,
        ("outlook",),
        ("In Outlook choose File, Automatic Replies.",),
    ),
    (
        "Email and Calendar",
        "Adding a shared mailbox",
        True,
        False,
        ("outlook", "mailbox"),
        ("Ask the mailbox owner for access, then add it under Account Settings.",),
    ),
    (
        "Accounts and Passwords",
        "Resetting your password",
        True,
        False,
        ("password",),
        ("Use the self-service reset page; the new password must have 14 characters.",),
    ),
    (
        "Accounts and Passwords",
        "Setting up MFA",
        True,
        False,
        ("mfa", "security"),
        ("Install the authenticator app and scan the code shown at sign-in.",),
    ),
    (
        "Service Desk Runbooks",
        "Escalating a P1 incident",
        True,
        False,
        ("incident",),
        ("Page the on-call engineer and open a bridge call.",),
    ),
    (
        "Leave and Expenses",
        "Leave policy",
        True,
        False,
        ("leave", "holiday"),
        ("Request leave in the HR portal at least two weeks ahead.",),
    ),
    (
        "Leave and Expenses",
        "Expense claims",
        True,
        False,
        ("expenses",),
        ("Submit receipts within 30 days of the purchase.",),
    ),
)


def generate_solutions(
    account_index: int,
    anchor: int,
    workspaces: Sequence[Record],
    primary: int,
    authors: Sequence[int],
) -> tuple[list[Record], list[Record], list[Record]]:
    """(categories, folders, articles) of the account's knowledge base."""
    by_template = {w["template_name"]: w["id"] for w in workspaces}
    created = anchor - 500 * DAY
    categories: list[Record] = []
    category_of: dict[str, Record] = {}
    for n, (name, template, description, default) in enumerate(CATEGORIES, start=1):
        category = {
            "id": ids.ranged(ids.SOLUTION_CATEGORY_BASE, account_index, n),
            "created_at": created,
            "updated_at": created,
            "name": name,
            "description": description,
            "default_category": default,
            "position": n,
            "visible_in_portals": [1],
            "workspace_id": by_template.get(template, primary),
        }
        categories.append(category)
        category_of[name] = category
    folders: list[Record] = []
    folder_of: dict[str, Record] = {}
    positions: dict[str, int] = {}
    for n, (name, category_name, visibility, description) in enumerate(FOLDERS, start=1):
        category = category_of[category_name]
        positions[category_name] = positions.get(category_name, 0) + 1
        folder = {
            "description": description,
            "id": ids.ranged(ids.SOLUTION_FOLDER_BASE, account_index, n),
            "created_at": created + n * HOUR,
            "updated_at": created + n * HOUR,
            "name": name,
            "category_id": category["id"],
            "position": positions[category_name],
            "visibility": visibility,
            "approval_settings": None,
            "default_folder": name == "General",
            "manage_by_group_ids": [],
            "workspace_id": category["workspace_id"],
            "department_ids": [],
            "group_ids": [],
            "requester_group_ids": [],
        }
        folders.append(folder)
        folder_of[name] = folder
    articles: list[Record] = []
    article_positions: dict[str, int] = {}
    for n, (folder_name, title, published, workaround, keywords, body) in enumerate(ARTICLES, 1):
        folder = folder_of[folder_name]
        article_positions[folder_name] = article_positions.get(folder_name, 0) + 1
        written = created + 30 * DAY + n * 3 * DAY
        html = "".join(f"<p>{paragraph}</p>" for paragraph in body)
        author = authors[n % len(authors)]
        articles.append(
            {
                "description": html,
                "id": ids.ranged(ids.SOLUTION_ARTICLE_BASE, account_index, n),
                "created_at": written,
                "updated_at": written + DAY,
                "title": title,
                "status": 2 if published else 1,
                "approval_status": None,
                "position": article_positions[folder_name],
                "folder_id": folder["id"],
                "category_id": folder["category_id"],
                "thumbs_up": (n * 7) % 23 if published else 0,
                "thumbs_down": (n * 3) % 5 if published else 0,
                "modified_by": author,
                "modified_at": written + DAY,
                "inserted_into_tickets": (n * 5) % 17 if published else 0,
                "url": None,
                "article_type": 2 if workaround else 1,
                "agent_id": author,
                "views": (n * 37) % 400 if published else 0,
                "description_text": text_of(html),
                "keywords": list(keywords),
                "review_date": None,
                "tags": list(keywords[:2]),
                "attachments": [],
                "approvals": [],
                "cloud_files": [],
                "workspace_id": folder["workspace_id"],
            }
        )
    return categories, folders, articles
