"""`serve --tls`: HTTPS with a certificate from a local certificate authority the fake makes.

The CA (`ca.pem`, and its key `ca-key.pem`, readable by its owner only) is made once, in a folder
of its own that outlives any one fake: by default the user's data folder
(`~/.local/share/mock-freshservice/ca` on Linux), so that a client told to trust it (a trust
store, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`) keeps trusting every fake this user starts; it is
never made again while it is there. `--state` files are per-run data, deleted at will, so the CA
does not live beside them. The server certificate is made afresh at every start, from the CA,
for the names a client may call the fake by: loopback, `*.freshservice.com`, the dataset's
account domains, the listening address and the public URL's host.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import getpass
import os
import shutil
import socket
import ssl
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import platformdirs

from mock_freshservice.settings import FakeSettings

if TYPE_CHECKING:
    import trustme

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
ALWAYS_NAMED = ("localhost", "127.0.0.1", "::1", "*.freshservice.com")
# Within what every TLS client accepts of a server certificate's lifetime (398 days).
LEAF_DAYS = 397


class TlsError(Exception):
    """The CA cannot be read or made; the message says where and why."""


@dataclasses.dataclass(frozen=True)
class LocalCA:
    folder: Path
    authority: trustme.CA

    @property
    def cert_file(self) -> Path:
        return self.folder / CA_FILE

    def cert_pem(self) -> bytes:
        return self.authority.cert_pem.bytes()


def default_folder() -> Path:
    return Path(platformdirs.user_data_dir("mock-freshservice", appauthor=False)) / "ca"


def ca_folder(settings: FakeSettings) -> Path:
    return settings.ca_dir if settings.ca_dir is not None else default_folder()


def load_or_make_ca(folder: Path) -> LocalCA:
    """The CA kept in `folder`; made there first if the folder is absent or empty."""
    import trustme  # noqa: PLC0415 (a quarter second of imports, for --tls only)

    cert, key = folder / CA_FILE, folder / CA_KEY_FILE
    if not cert.exists() and not key.exists():
        if folder.is_dir() and any(folder.iterdir()):
            raise TlsError(f"{folder} holds other files and no CA: give a new or empty folder")
        _make(folder)
    try:
        authority = trustme.CA.from_pem(cert.read_bytes(), key.read_bytes())
    except OSError as exc:
        raise TlsError(f"cannot read the CA in {folder}: {exc.strerror}") from None
    except ValueError as exc:
        raise TlsError(f"the CA in {folder} is damaged ({exc}): move the folder away") from None
    return LocalCA(folder, authority)


def _make(folder: Path) -> None:
    """Write a new CA into a private staging folder, then rename it to `folder` in one step:
    two fakes starting at once both make one, and only the first rename wins."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError as exc:
        raise TlsError(f"cannot make the CA in {folder}: {exc.strerror}") from None
    import trustme  # noqa: PLC0415 (see load_or_make_ca)

    try:
        authority = trustme.CA(
            path_length=0,  # it signs server certificates only, never another CA
            organization_name="mock-freshservice",
            organization_unit_name=f"local CA of {_owner()}, for the fake only",
        )
        _write(staging / CA_KEY_FILE, authority.private_key_pem.bytes(), 0o600)
        _write(staging / CA_FILE, authority.cert_pem.bytes(), 0o644)
        staging.chmod(0o755)
        try:
            staging.rename(folder)
        except OSError:
            if not (folder / CA_FILE).exists():
                raise
    except OSError as exc:
        raise TlsError(f"cannot make the CA in {folder}: {exc.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(path: Path, data: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _owner() -> str:
    with contextlib.suppress(Exception):
        return f"{getpass.getuser()}@{socket.gethostname()}"
    return socket.gethostname()


def server_names(settings: FakeSettings, domains: Iterable[str]) -> list[str]:
    """Every name and address a client may call the fake by, for its certificate."""
    names = [*ALWAYS_NAMED, *domains]
    if settings.host not in ("", "0.0.0.0", "::"):  # noqa: S104 (compared, not bound)
        names.append(settings.host)
    if settings.public_url is not None:
        hostname = urlsplit(settings.public_url).hostname
        if hostname:
            names.append(hostname)
    return list(dict.fromkeys(name.lower() for name in names))


def server_context(ca: LocalCA, names: Iterable[str]) -> ssl.SSLContext:
    """A server-side context presenting a new certificate from `ca` for `names`."""
    now = datetime.datetime.now(datetime.UTC)
    try:
        leaf = ca.authority.issue_cert(
            *names,
            organization_name="mock-freshservice",
            organization_unit_name="the fake's server certificate",
            not_before=now - datetime.timedelta(days=1),
            not_after=now + datetime.timedelta(days=LEAF_DAYS),
        )
    except ValueError as exc:
        raise TlsError(f"cannot name the server certificate: {exc}") from None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    # waitress speaks HTTP/1.1 only: an HTTP/2 client learns so in the handshake.
    context.set_alpn_protocols(["http/1.1"])
    leaf.configure_cert(context)
    return context
