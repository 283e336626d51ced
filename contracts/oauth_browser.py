"""A browser for OAuth sign-ins with no one at the screen: set it as `BROWSER` and a client
that opens the authorization URL (mcp-remote, the Inspector, Claude Code) completes its sign-in.

    BROWSER="python -m contracts.oauth_browser" npx mcp-remote http://127.0.0.1:8000/mcp

It follows the authorization URL with httpx. A consent page (the fake's, without
`--oauth-auto-approve`) is approved as the first agent it lists, or as `--as EMAIL`
(`OAUTH_BROWSER_AGENT`), or denied with `--deny`. Then it calls the client's redirect URI with
the code, retrying while the client's callback listener is not up yet (mcp-remote opens the
browser before it listens). It prints where it went without the query: the code and state are
secrets.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import sys
import time
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

import httpx

CALLBACK_WAIT_SECONDS = 30.0


class SignInFailed(Exception):
    """The sign-in did not reach the client; the message says where it stopped."""


class _ConsentForm(html.parser.HTMLParser):
    """The consent page's form: its action, hidden fields and the agents offered."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.agents: list[str] = []
        self._in_select = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = found.get("action")
        elif tag == "input" and found.get("type") == "hidden":
            self.fields[found.get("name", "")] = found.get("value", "")
        elif tag == "select":
            self._in_select = True
        elif tag == "option" and self._in_select:
            self.agents.append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_select = False


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def sign_in(url: str, *, agent: str | None = None, deny: bool = False) -> str:
    """Follow an authorization URL to the client's redirect URI and call it; returns that URI
    (with the code). SignInFailed if the server refuses or the client never listens."""
    callback = approve(url, agent=agent, deny=deny)
    print(f"oauth-browser: back to {_shown(callback)}", file=sys.stderr)
    deadline = time.monotonic() + CALLBACK_WAIT_SECONDS
    with httpx.Client(follow_redirects=False, timeout=30) as http:
        while True:
            try:
                http.get(callback)
                return callback
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise SignInFailed(f"{_shown(callback)} never listened") from None
                time.sleep(0.2)


def approve(url: str, *, agent: str | None = None, deny: bool = False) -> str:
    """The client's redirect URI (with the code, or the error) that signing in at `url` leads
    to, not yet called."""
    with httpx.Client(follow_redirects=False, timeout=30) as http:
        response = http.get(url)
        if response.status_code == 200 and "text/html" in response.headers.get("content-type", ""):
            form = _ConsentForm()
            form.feed(response.text)
            if form.action is None:
                raise SignInFailed(f"{_shown(url)}: a page with no sign-in form")
            chosen = agent or (form.agents[0] if form.agents else "")
            decision = "deny" if deny else "approve"
            response = http.post(
                urljoin(url, form.action),
                data={**form.fields, "agent": chosen, "decision": decision},
            )
        if response.status_code not in (301, 302, 303, 307, 308):
            raise SignInFailed(
                f"{_shown(url)} answered {response.status_code}, not a redirect to the client"
            )
        return urljoin(url, response.headers["Location"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m contracts.oauth_browser",
        description="Complete an OAuth sign-in headlessly (set as BROWSER).",
    )
    parser.add_argument("url", help="the authorization URL a client opens")
    parser.add_argument(
        "--as", dest="agent", default=os.environ.get("OAUTH_BROWSER_AGENT"), metavar="EMAIL"
    )
    parser.add_argument("--deny", action="store_true", help="deny instead of approving")
    args = parser.parse_args(argv)
    try:
        sign_in(args.url, agent=args.agent, deny=args.deny)
    except (SignInFailed, httpx.HTTPError) as exc:
        print(f"oauth-browser: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
