"""Words a service desk uses, so generated records read like a real helpdesk.

Faker supplies people (names, phones, job titles); the IT-specific texts are ours, picked by the
deterministic dice of `generate.py`.
"""

from __future__ import annotations

# (category, sub_category, item_category) triples as a Freshservice ticket form would nest them.
CATEGORIES: tuple[tuple[str, str | None, str | None], ...] = (
    ("Hardware", "Computer", "Laptop"),
    ("Hardware", "Computer", "Desktop"),
    ("Hardware", "Peripherals", "Monitor"),
    ("Hardware", "Peripherals", "Docking station"),
    ("Hardware", "Printer", None),
    ("Software", "MS Office", "Outlook"),
    ("Software", "MS Office", "Excel"),
    ("Software", "Collaboration", "Zoom"),
    ("Software", "Collaboration", "Slack"),
    ("Software", "Operating system", None),
    ("Network", "Access", "VPN"),
    ("Network", "Wireless", None),
    ("Network", "Router", None),
    ("Access", "Password reset", None),
    ("Access", "Account unlock", None),
    ("Email", None, None),
    ("Other", None, None),
)

# Subjects keyed by category; `{thing}` is filled from THINGS.
SUBJECTS: dict[str, tuple[str, ...]] = {
    "Hardware": (
        "{thing} will not power on",
        "{thing} is very slow since this morning",
        "Request to replace a broken {thing}",
        "{thing} screen flickers",
        "Battery on my {thing} drains within an hour",
        "Need a second {thing} for the new hire",
    ),
    "Software": (
        "{thing} crashes on start-up",
        "Cannot sign in to {thing}",
        "Licence for {thing} has expired",
        "Please install {thing} on my laptop",
        "{thing} keeps asking me to update",
    ),
    "Network": (
        "VPN disconnects every few minutes",
        "No internet on the third floor",
        "Wi-Fi in meeting room keeps dropping",
        "Cannot reach the file share from home",
        "Network printer unreachable",
    ),
    "Access": (
        "Locked out of my account",
        "Password reset for {thing}",
        "Need access to the finance shared drive",
        "MFA prompt never arrives",
    ),
    "Email": (
        "Emails stuck in the outbox",
        "Shared mailbox not showing in Outlook",
        "Out-of-office reply not working",
    ),
    "Other": (
        "Question about the new expense tool",
        "Desk phone has no dial tone",
        "Projector in the boardroom shows no signal",
    ),
}

THINGS: dict[str, tuple[str, ...]] = {
    "Hardware": ("laptop", "monitor", "docking station", "keyboard", "desk phone", "printer"),
    "Software": ("Outlook", "Excel", "Zoom", "Slack", "Adobe Acrobat", "Salesforce"),
    "Access": ("Jira", "Confluence", "the HR portal", "Workday"),
}

DESCRIPTION_OPENERS: tuple[str, ...] = (
    "Hi team,",
    "Hello,",
    "Good morning,",
    "Hi IT,",
)

DESCRIPTION_BODIES: tuple[str, ...] = (
    "This started after the latest update and happens every time I try.",
    "I have already restarted twice and the problem is still there.",
    "It worked fine yesterday. Nothing changed on my side as far as I know.",
    "Several people on my team see the same thing.",
    "I have a client meeting this afternoon, so a quick fix would help a lot.",
    "The error message says the operation timed out.",
    "I tried from another machine and it works there.",
)

DESCRIPTION_CLOSERS: tuple[str, ...] = (
    "Thanks!",
    "Thank you for your help.",
    "Regards,",
    "Cheers,",
)

NOTE_BODIES: tuple[str, ...] = (
    "Checked the logs; nothing unusual so far.",
    "Asked the user to restart and try again.",
    "Escalating to the network team.",
    "Replacement hardware ordered, ETA two days.",
    "Reset the password and confirmed the user can sign in.",
    "Waiting for the vendor to get back to us.",
    "Remote session done, issue resolved on the call.",
)

REPLY_BODIES: tuple[str, ...] = (
    "Thanks, that fixed it.",
    "It is still happening, unfortunately.",
    "I will be at my desk after 2pm if you want to take a look.",
)

RESOLUTION_NOTES: tuple[str, ...] = (
    "Reinstalled the application and cleared the cache.",
    "Replaced the faulty cable.",
    "User error; walked through the steps together.",
    "Applied the vendor patch.",
)

TAGS: tuple[str, ...] = (
    "vip",
    "laptop",
    "network",
    "onboarding",
    "hardware",
    "software",
    "urgent-followup",
    "remote",
    "printer",
    "security",
)

GROUPS: tuple[tuple[str, str], ...] = (
    ("Service Desk", "First line support for every request."),
    ("Network Team", "Routers, switches, Wi-Fi and VPN."),
    ("Hardware Team", "Laptops, desktops and peripherals."),
    ("Application Support", "Business applications and licences."),
    ("Identity and Access", "Accounts, passwords and permissions."),
    ("Facilities", "Desks, rooms and building services."),
    ("Security Operations", "Incidents with a security angle."),
    ("Database Admins", "Databases and data platforms."),
)

DEPARTMENTS: tuple[str, ...] = (
    "Engineering",
    "Finance",
    "Sales",
    "Marketing",
    "Human Resources",
    "Legal",
    "Operations",
    "Customer Success",
    "IT",
    "Procurement",
)

LOCATIONS: tuple[str, ...] = (
    "Head Office - Building A",
    "Head Office - Building B",
    "Berlin",
    "Bengaluru",
    "Austin",
    "London",
    "Sydney",
    "Toronto",
)

AGENT_JOB_TITLES: tuple[str, ...] = (
    "Service Desk Analyst",
    "IT Support Engineer",
    "Network Engineer",
    "Systems Administrator",
    "IT Manager",
    "Desktop Support Technician",
)
