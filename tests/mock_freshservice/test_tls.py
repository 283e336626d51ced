"""`mock-freshservice serve --tls`: HTTPS from a local CA the fake makes once and keeps, with the
serving bounds of plain HTTP."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app, tls
from tests.conftest import ADMIN_KEY, NOW
from tests.processes import Fake, running_fake, trusting

# The fake served over TLS by real processes: in `tox -e slow` (CI runs it), to keep the README's
# test line under 10 minutes.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tls") / "ca"


@pytest.fixture(scope="module")
def fake(ca_dir: Path) -> Iterator[Fake]:
    with running_fake("--idle-timeout", "1", ca_dir=ca_dir) as running:
        yield running


def port_of(fake: Fake) -> int:
    return int(fake.url.rsplit(":", 1)[1])


def tls_exchange(fake: Fake, data: bytes, server_hostname: str = "127.0.0.1") -> bytes:
    """Send `data` over a new TLS connection; everything the fake answers until it closes."""
    context = fake.verify
    assert isinstance(context, ssl.SSLContext)
    with (
        socket.create_connection(("127.0.0.1", port_of(fake)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=server_hostname) as sock,
    ):
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


# -- What a client sees --------------------------------------------------------------------------


def test_the_ticket_list_links_to_page_two_over_https_and_page_two_answers(
    fake: Fake, ca_dir: Path
) -> None:
    with httpx.Client(verify=trusting(ca_dir / "ca.pem"), auth=(ADMIN_KEY, "X")) as client:
        first = client.get(f"{fake.url}/api/v2/tickets", params={"per_page": 5})
        link = first.headers["Link"].split(">", 1)[0].removeprefix("<")
        assert link == f"{fake.url}/api/v2/tickets?per_page=5&page=2"
        assert link.startswith("https://127.0.0.1:")
        second = client.get(link)
    assert second.status_code == 200
    first_ids = [t["id"] for t in first.json()["tickets"]]
    second_ids = [t["id"] for t in second.json()["tickets"]]
    assert len(second_ids) == 5
    assert not set(first_ids) & set(second_ids)


def test_a_created_tickets_location_is_https(fake: Fake) -> None:
    body = {"subject": "s", "description": "d", "email": "john@acme.com", "status": 2}
    response = fake.api("POST", "/tickets", ADMIN_KEY, json=body | {"priority": 1})
    ticket_id = response.json()["ticket"]["id"]
    assert response.headers["Location"] == f"{fake.url}/api/v2/tickets/{ticket_id}"


def test_a_client_that_does_not_trust_the_ca_is_refused(fake: Fake) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{fake.url}/_mock/health", verify=ssl.create_default_context())


def test_the_fake_prints_the_ca_file_and_serves_it(fake: Fake, ca_dir: Path) -> None:
    assert f"CA certificate: {ca_dir / 'ca.pem'}" in fake.stderr()
    served = fake.http.get("/_mock/ca.pem")
    assert served.headers["Content-Type"] == "application/x-pem-file"
    assert served.content == (ca_dir / "ca.pem").read_bytes()


def test_the_cas_key_is_readable_by_its_owner_only(fake: Fake, ca_dir: Path) -> None:
    assert (ca_dir / "ca-key.pem").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "name", ["localhost", "acme.freshservice.com", "yourcompany.freshservice.com"]
)
def test_the_certificate_covers_the_names_a_client_calls_the_fake_by(fake: Fake, name: str) -> None:
    answer = tls_exchange(
        fake,
        f"GET /_mock/ca.pem HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode(),
        server_hostname=name,
    )
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_the_certificate_covers_no_other_name(fake: Fake) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_exchange(fake, b"", server_hostname="example.com")


def test_the_ca_survives_a_restart_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "ca"
    with running_fake(ca_dir=folder) as first:
        assert first.http.get("/_mock/health").status_code == 200
    kept = {name: (folder / name).read_bytes() for name in ("ca.pem", "ca-key.pem")}
    with running_fake(ca_dir=folder) as second:
        assert second.http.get("/_mock/health").status_code == 200
    assert {name: (folder / name).read_bytes() for name in kept} == kept


# -- The serving bounds hold under TLS -----------------------------------------------------------


def test_a_body_over_the_bound_is_413_in_json_over_tls(fake: Fake) -> None:
    answer = tls_exchange(
        fake,
        b"POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 16777217\r\n\r\n",
    )
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 413 ")
    assert json.loads(body)["code"] == "request_body_too_large"


def test_headers_over_the_bound_are_431_in_json_over_tls(fake: Fake) -> None:
    answer = tls_exchange(fake, b"GET /api/v2/tickets?q=" + b"x" * 65536 + b" HTTP/1.1\r\n\r\n")
    head, body = answer.split(b"\r\n\r\n", 1)
    assert b" 431 " in head.split(b"\r\n")[0]
    assert json.loads(body)["code"] == "request_headers_too_large"


def test_a_connection_that_never_shakes_hands_is_closed_after_the_idle_timeout(
    fake: Fake,
) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port_of(fake)), timeout=10) as raw:
        assert raw.recv(1) == b""
    assert 0.9 <= time.monotonic() - started < 4


def test_a_stalled_handshake_does_not_hold_up_other_clients(fake: Fake) -> None:
    """The handshake runs on waitress's single event loop: it must never wait for a client."""
    with socket.create_connection(("127.0.0.1", port_of(fake)), timeout=10) as stalled:
        stalled.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # a ClientHello begun
        answers: list[float] = []

        def ask() -> None:
            started = time.monotonic()
            assert fake.http.get("/_mock/health").status_code == 200
            answers.append(time.monotonic() - started)

        asker = threading.Thread(target=ask)
        asker.start()
        asker.join(timeout=10)
    assert answers and answers[0] < 2


def test_plain_http_on_the_tls_port_is_told_to_use_https(fake: Fake) -> None:
    response = httpx.get(fake.url.replace("https://", "http://") + "/_mock/health")
    assert response.status_code == 400
    assert "https://" in response.json()["message"]


# -- The CA on disk ------------------------------------------------------------------------------


def test_a_folder_holding_other_files_is_not_made_a_ca(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(tls.TlsError, match="holds other files"):
        tls.load_or_make_ca(tmp_path)


def test_an_empty_folder_is_made_the_ca(tmp_path: Path) -> None:
    made = tls.load_or_make_ca(tmp_path)
    assert made.cert_file == tmp_path / "ca.pem"
    assert tls.load_or_make_ca(tmp_path).cert_pem() == made.cert_pem()


def test_a_plain_fake_serves_no_ca(client: FlaskClient) -> None:
    response = client.get("/_mock/ca.pem")
    assert response.status_code == 404
    assert "--tls" in response.get_json()["error"]


def test_a_tls_app_serves_its_ca_from_the_settings_folder(tmp_path: Path) -> None:
    app = create_app(FakeSettings(now=NOW, tls=True, ca_dir=tmp_path / "ca"))
    pem = app.test_client().get("/_mock/ca.pem").data
    assert pem == (tmp_path / "ca" / "ca.pem").read_bytes()
