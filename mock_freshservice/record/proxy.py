"""The recording proxy: clients call it as they would call Freshservice (or the fake); it sends
each request under /api/v2 on to the upstream and hands the answer back, keeping a scrubbed copy.

Forwarding: the same method, path, query (as the client wrote it) and body, with the client's
end-to-end headers, Authorization included; Host is the upstream's. The answer goes back as it
came (status, headers, body; a compressed one decompressed), but for the URLs in `Link` and
`Location` that name the upstream: they name the proxy instead, so a client following the next
page comes back through it. A request the upstream never answered (refused, reset, timed out)
gets a 502 and is not recorded; nor is a binary answer (a download). Anything outside /api/v2
gets a 404, but for the recorder's own /_record/health and POST /_record/save.

Recording: each exchange is scrubbed (scrub.py) as soon as it is answered, and only the scrubbed
copy is kept; the keys that went through (from Authorization) are never stored or logged, and
are removed wherever they show up. The cassette (cassette.py) and the report of what was
scrubbed are written at the start (empty), by a background writer within `save_interval`
seconds of each recorded exchange (at most one write per interval: a long session is not
rewritten at every request), on POST /_record/save, and when the recorder stops (SIGINT,
SIGTERM). Each file is replaced in one step (written beside, then renamed): a reader never sees
half of one.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import ipaddress
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import orjson
import yaml
from werkzeug.wrappers import Request, Response

from mock_freshservice.atomic_file import replace_file
from mock_freshservice.cassette import (
    CASSETTE_FILE,
    SCRUB_REPORT_FILE,
    CassetteError,
    Exchange,
    cassette_document,
    kept_headers,
    normalised_query,
    write_cassette,
)
from mock_freshservice.record.scrub import NEUTRAL_BASE, Scrubber, Tally

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("mock_freshservice.record")

API_PREFIX = "/api/v2"
HEALTH_PATH = "/_record/health"
SAVE_PATH = "/_record/save"
# Headers of one connection, not of the request (RFC 9110 §7.6.1), and those the proxy sets itself:
# never passed on in either direction.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        # httpx asks for and undoes compression itself; the client gets the body plain.
        "accept-encoding",
        "content-encoding",
        "expect",  # waitress has answered 100-continue; the body is read
    }
)
_URL_IN_HEADER = re.compile(r"https?://[^\s<>\"',;]+")
_JSON_TYPES = re.compile(r"^application/(?:[\w.+-]*\+)?json\b|^text/", re.I)


class UpstreamError(ValueError):
    """An --upstream that cannot be recorded from; the message says why."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def checked_upstream(url: str) -> str:
    """`url` as scheme://host[:port] if it can be recorded from: https, or http to a loopback
    address (the key goes to it: never in clear over a network); UpstreamError otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UpstreamError(f"upstream {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UpstreamError(f"upstream {url!r}: give https://<domain>.freshservice.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise UpstreamError(f"upstream {url!r}: no path or query (the requests bring theirs)")
    if parts.username or parts.password:
        raise UpstreamError(f"upstream {url!r}: no user name (clients send their keys)")
    if port == 0:
        raise UpstreamError(f"upstream {url!r}: port 0")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UpstreamError(
            f"upstream {url!r}: https, please (http only to a loopback address: the keys "
            "would cross the network in clear)"
        )
    return f"{parts.scheme}://{parts.netloc}"


def keys_in(authorization: str) -> list[str]:
    """The secrets an Authorization header carries: Basic's user and password (Freshservice's
    `key:X`, or an e-mail and password), a Bearer token, or the value itself."""
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return [credentials]
        user, _, password = decoded.partition(":")
        return [credentials, user, password]
    if scheme.lower() in ("bearer", "token") and credentials:
        return [credentials]
    return [authorization.strip()]


@dataclasses.dataclass
class Skipped:
    """What was seen and deliberately not recorded, counted for the report."""

    binary_answers: int = 0  # a download: a cassette holds JSON and text
    bodies_not_json: int = 0  # recorded, but matched whatever the body (an upload, a form)


class Recording:
    """The scrubbed exchanges seen so far, and their writing to `folder`."""

    def __init__(self, folder: Path, scrubber: Scrubber, *, key_for_replay: str) -> None:
        self.folder = folder
        self.scrubber = scrubber
        self.key_for_replay = key_for_replay
        self.tally = Tally()
        self.skipped = Skipped()
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._exchanges)

    def add(self, raw: Exchange) -> Exchange:
        """Keep `raw` (real values, not kept) scrubbed; the scrubbed exchange."""
        scrubbed = scrubbed_exchange(self.scrubber, raw, self.tally)
        with self._lock:
            self._exchanges.append(scrubbed)
        return scrubbed

    def skip(self, what: str) -> None:
        """Count one `Skipped` thing (`binary_answers`, `bodies_not_json`)."""
        with self._lock:
            setattr(self.skipped, what, getattr(self.skipped, what) + 1)

    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def save(self) -> Path:
        """Write the cassette and the report (each replaced in one step); the cassette's path.
        CassetteError if either cannot be written."""
        with self._save_lock:
            exchanges = self.exchanges()
            recorded_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            document = cassette_document(
                exchanges,
                key=self.key_for_replay,
                upstream=NEUTRAL_BASE,
                recorded_at=recorded_at,
                description=f"Recorded by mock-freshservice record ({len(exchanges)} requests, "
                f"{recorded_at}); scrubbed: {SCRUB_REPORT_FILE}.",
            )
            written = write_cassette(self.folder, document)
            try:
                replace_file(self.folder / SCRUB_REPORT_FILE, self.report(len(exchanges)))
            except OSError as exc:
                raise CassetteError(
                    f"cannot write the scrubbing report in {self.folder}: {exc.strerror}"
                ) from None
            return written

    def report(self, exchanges: int) -> str:
        document = {
            "description": "What mock-freshservice record replaced in "
            f"{CASSETTE_FILE} before writing it: how many values of each kind, and where "
            "(method, path, then request.query, request.body, response.headers or response "
            "and the field). The real values are in no file.",
            "rules": self.scrubber.rules.source,
            "exchanges": exchanges,
            "not_recorded": {"binary_answers": self.skipped.binary_answers},
            "matched_whatever_the_body": self.skipped.bodies_not_json,
            "scrubbed": self.tally.document(),
        }
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def scrubbed_exchange(scrubber: Scrubber, raw: Exchange, tally: Tally) -> Exchange:
    """`raw` scrubbed, what was replaced added to `tally` under `METHOD path where.field`."""
    found = Tally()
    path = scrubber.scrub_path(raw.path, found, "request.path")
    start = f"{raw.method} {path}"
    query = scrubber.scrub_query(raw.query, found, f"{start} request.query")
    body = scrubber.scrub(raw.body, found, f"{start} request.body")
    headers = {
        name: scrubber.scrub_header(value, found, f"{start} response.headers.{name}")
        for name, value in raw.headers.items()
    }
    response = scrubber.scrub(raw.response, found, f"{start} response")
    for kind, places in found.counts().items():
        for place, count in places.items():
            where = f"{start} {place}" if place == "request.path" else place
            tally.add(kind, where, count)
    return Exchange(
        method=raw.method,
        path=path,
        query=normalised_query(query.items()),
        body=body,
        status=raw.status,
        headers=headers,
        response=response,
    )


class Writer:
    """Writes the recording in the background: within `interval` seconds of `touch`, at most
    once per interval; `close` writes it a last time."""

    def __init__(self, recording: Recording, interval: float) -> None:
        self.recording = recording
        self.interval = interval
        self.failure: str | None = None
        self._wanted = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cassette-writer", daemon=True)
        self._thread.start()

    def touch(self) -> None:
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._closing.is_set():
                return
            self._wanted.clear()
            self._save()
            self._closing.wait(self.interval)

    def _save(self) -> None:
        try:
            self.recording.save()
            self.failure = None
        except CassetteError as exc:
            self.failure = str(exc)
            log.error("%s", exc)

    def close(self) -> None:
        """Stop the background writes and write a last time; `failure` says if that failed."""
        self._closing.set()
        self._wanted.set()
        self._thread.join()
        self._save()


class RecordingProxy:
    """The WSGI application: forwards /api/v2 to `upstream` with `client`, records into
    `recording`, asks `writer` to write after each recorded exchange."""

    def __init__(
        self, upstream: str, client: httpx.Client, recording: Recording, writer: Writer
    ) -> None:
        self.upstream = upstream
        parts = urlsplit(upstream)
        self._upstream_host = (parts.hostname or "").lower()
        self._upstream_port = parts.port or (443 if parts.scheme == "https" else 80)
        self.client = client
        self.recording = recording
        self.writer = writer

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.answer(request)
        return response(environ, start_response)

    def answer(self, request: Request) -> Response:
        path = request.path
        if path == HEALTH_PATH:
            return _json(200, {"status": "recording", "exchanges": len(self.recording)})
        if path == SAVE_PATH:
            if request.method != "POST":
                return _json(405, {"message": "POST to write the cassette now"})
            try:
                written = self.recording.save()
            except CassetteError as exc:
                return _json(500, {"message": str(exc)})
            return _json(200, {"cassette": str(written), "exchanges": len(self.recording)})
        if path != API_PREFIX and not path.startswith(f"{API_PREFIX}/"):
            return _json(
                404,
                {
                    "code": "not_recorded",
                    "message": "mock-freshservice record forwards /api/v2/ only",
                },
            )
        return self._forward(request)

    def _forward(self, request: Request) -> Response:
        environ = request.environ
        authorization = request.headers.get("Authorization")
        if authorization:
            for key in keys_in(authorization):
                self.recording.scrubber.add_key(key)
        body = request.get_data(cache=True)
        connection_named = {
            name.strip().lower() for name in request.headers.get("Connection", "").split(",")
        }
        headers = [
            (name, value)
            for name, value in request.headers.items()
            if name.lower() not in HOP_BY_HOP and name.lower() not in connection_named
        ]
        try:
            answer = self.client.request(
                request.method,
                self.upstream + _request_target(environ),
                headers=headers,
                content=body or None,
            )
        except httpx.HTTPError as exc:
            log.warning(
                "%s %s: the upstream did not answer (%s)",
                request.method,
                request.path,
                type(exc).__name__,
            )
            return _json(
                502,
                {
                    "code": "upstream_unreachable",
                    "message": f"the upstream did not answer ({type(exc).__name__}); "
                    "nothing was recorded",
                },
            )
        own = request.host_url.rstrip("/")
        back = Response(status=answer.status_code)
        back.headers.clear()
        for name, value in answer.headers.multi_items():
            if name.lower() in HOP_BY_HOP:
                continue
            moved = value
            if name.lower() in ("link", "location"):
                moved = self._upstream_urls_to(own, value)
            back.headers.add(name, moved)
        back.set_data(answer.content)  # and Content-Length
        self._record(request, body, answer)
        return back

    def _upstream_urls_to(self, base: str, value: str) -> str:
        def moved(match: re.Match[str]) -> str:
            url = match[0]
            parts = urlsplit(url)
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError:
                return url
            if (parts.hostname or "").lower() != self._upstream_host:
                return url
            if port != self._upstream_port:
                return url
            rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
            return base + rest

        return _URL_IN_HEADER.sub(moved, value)

    def _record(self, request: Request, body: bytes, answer: httpx.Response) -> None:
        content = answer.content
        response: Any = None
        if content:
            try:
                response = orjson.loads(content)
            except orjson.JSONDecodeError:
                content_type = answer.headers.get("Content-Type", "")
                if not _JSON_TYPES.search(content_type):
                    self.recording.skip("binary_answers")
                    log.info(
                        "%s %s %d (a binary answer: not recorded)",
                        request.method,
                        request.path,
                        answer.status_code,
                    )
                    return
                response = content.decode("utf-8", "replace")
        request_body: Any = None
        if body:
            try:
                request_body = orjson.loads(body) if request.is_json else None
            except orjson.JSONDecodeError:
                request_body = None
            if request_body is None:
                self.recording.skip("bodies_not_json")
        query = parse_qsl(request.environ.get("QUERY_STRING", ""), keep_blank_values=True)
        raw = Exchange(
            method=request.method,
            path=request.path,
            query=normalised_query(query),
            body=request_body,
            status=answer.status_code,
            headers=kept_headers(answer.headers.multi_items()),
            response=response,
        )
        scrubbed = self.recording.add(raw)
        log.info("%s %s %d", scrubbed.method, scrubbed.path, scrubbed.status)
        self.writer.touch()


def _request_target(environ: Mapping[str, Any]) -> str:
    """The path and query as the client wrote them (waitress's REQUEST_URI), else rebuilt."""
    target = str(environ.get("REQUEST_URI") or "")
    if target.startswith("/"):
        return target
    if target:  # an absolute URL, as sent to a proxy
        parts = urlsplit(target)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    query = environ.get("QUERY_STRING", "")
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
    return path + (f"?{query}" if query else "")


def _json(status: int, body: Any) -> Response:
    return Response(orjson.dumps(body), status=status, content_type="application/json")
