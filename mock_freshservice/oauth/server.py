"""The fake Freshworks authorization server: one issuer per account, `<fake>/oauth/<domain>`.

- metadata (RFC 8414) at `/.well-known/oauth-authorization-server/oauth/<domain>`, and at the
  OpenID and path-appended spellings clients also try;
- dynamic client registration (RFC 7591) at `…/register`;
- `…/authorize`: authorization code with PKCE, S256 only; a login and consent page listing the
  account's agents, or straight back to the client with `--oauth-auto-approve`;
- `…/token`: the code (PKCE checked), and refresh tokens, rotated at each use;
- `…/revoke` (RFC 7009) and the keys at `…/jwks.json`.

Errors before the redirect URI is trusted are a page of their own (400); after, they go back to
the client as `error=` on its redirect URI (RFC 6749 §4.1.2.1). Token-endpoint errors are JSON
(§5.2). No secret (client secret, code, token) is ever logged, journaled or put in an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import jinja2
from flask import Blueprint, Response, request

from mock_freshservice.api.common import json_response
from mock_freshservice.oauth import tokens
from mock_freshservice.oauth.grants import AccountGrants, Authorization, Client, digest
from mock_freshservice.oauth.scopes import ALL_SCOPES
from mock_freshservice.proxy import is_loopback_address, public_base
from mock_freshservice.state import FakeState, get_state

bp = Blueprint("oauth", __name__)

PREFIX = "/oauth"
METADATA_KINDS = "any('oauth-authorization-server', 'openid-configuration')"
AUTH_METHODS = ("none", "client_secret_post", "client_secret_basic")
GRANT_TYPES = ("authorization_code", "refresh_token")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

_page = jinja2.Environment(autoescape=True).from_string(
    resources.files("mock_freshservice.oauth").joinpath("consent.html").read_text("utf-8")
)


class OAuthError(Exception):
    """An RFC 6749 error: `error` code, description, HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class PageError(Exception):
    """A request too broken to send back to the client (unknown client or redirect URI)."""


@bp.errorhandler(OAuthError)
def _oauth_error(exc: OAuthError) -> Response:
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="mock-freshworks"'
    return json_response(
        {"error": exc.error, "error_description": exc.description}, exc.status, headers
    )


@bp.errorhandler(PageError)
def _page_error(exc: PageError) -> Response:
    text = jinja2.Environment(autoescape=True).from_string(
        "<!doctype html><title>Sign-in failed</title><h1>Sign-in failed</h1><p>{{ why }}</p>"
    )
    return Response(text.render(why=str(exc)), status=400, mimetype="text/html")


def issuer(domain: str) -> str:
    return f"{public_base()}{PREFIX}/{domain}"


def _grants(domain: str) -> tuple[FakeState, AccountGrants]:
    state = get_state()
    if domain not in state.accounts:
        raise OAuthError("not_found", f"no account {domain!r} on this server", 404)
    grants = state.oauth.account(domain)
    faults = grants.faults
    if faults.delay:
        time.sleep(faults.delay)
    if faults.down:
        raise OAuthError("temporarily_unavailable", "the authorization server is down", 503)
    return state, grants


# -- metadata and keys --------------------------------------------------------------------------


@bp.get(f"/.well-known/<{METADATA_KINDS}:kind>{PREFIX}/<domain>")
@bp.get(f"{PREFIX}/<domain>/.well-known/<{METADATA_KINDS}:kind>")
def metadata(domain: str, kind: str) -> Response:
    _, grants = _grants(domain)
    base = issuer(domain)
    document: dict[str, Any] = {
        "issuer": grants.faults.issuer or base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "registration_endpoint": f"{base}/register",
        "revocation_endpoint": f"{base}/revoke",
        "jwks_uri": f"{base}/jwks.json",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "scopes_supported": list(ALL_SCOPES),
        "authorization_response_iss_parameter_supported": True,
        "client_id_metadata_document_supported": False,
    }
    if kind == "openid-configuration":
        document.update(
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
        )
    return json_response(document)


@bp.get(f"{PREFIX}/<domain>/jwks.json")
def jwks(domain: str) -> Response:
    _, grants = _grants(domain)
    return json_response(grants.keys.jwks())


# -- registration (RFC 7591) --------------------------------------------------------------------


@bp.post(f"{PREFIX}/<domain>/register")
def register(domain: str) -> Response:
    _, grants = _grants(domain)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise OAuthError("invalid_client_metadata", "send the client's metadata as a JSON object")
    uris = body.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
        raise OAuthError("invalid_redirect_uri", "redirect_uris: give a list of redirect URIs")
    for uri in uris:
        problem = _redirect_uri_problem(uri)
        if problem:
            raise OAuthError("invalid_redirect_uri", f"redirect_uris: {uri!r} {problem}")
    method = body.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        raise OAuthError(
            "invalid_client_metadata",
            f"token_endpoint_auth_method: {method!r} is not one of {', '.join(AUTH_METHODS)}",
        )
    grant_types = body.get("grant_types", ["authorization_code"])
    if not isinstance(grant_types, list) or not set(grant_types) <= set(GRANT_TYPES):
        raise OAuthError(
            "invalid_client_metadata", f"grant_types: only {', '.join(GRANT_TYPES)} are supported"
        )
    name = body.get("client_name")
    client, secret = grants.register(
        tuple(uris),
        name if isinstance(name, str) and name.strip() else "an MCP client",
        method,
        tuple(grant_types),
    )
    answer: dict[str, Any] = {
        "client_id": client.client_id,
        "client_id_issued_at": client.issued_at,
        "client_name": client.client_name,
        "redirect_uris": list(client.redirect_uris),
        "token_endpoint_auth_method": client.auth_method,
        "grant_types": list(client.grant_types),
        "response_types": ["code"],
    }
    if secret is not None:
        answer.update(client_secret=secret, client_secret_expires_at=0)
    if isinstance(body.get("scope"), str):
        answer["scope"] = body["scope"]
    return json_response(answer, 201, NO_STORE)


def _redirect_uri_problem(uri: str) -> str | None:
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "is not a URI"
    if not parts.scheme or parts.fragment:
        return "must be an absolute URI without a fragment"
    if parts.scheme in ("javascript", "data", "file"):
        return f"may not use the {parts.scheme}: scheme"
    loopback = parts.hostname == "localhost" or is_loopback_address(parts.hostname or "")
    if parts.scheme == "http" and not loopback:
        return "must be https, or http to a loopback address (RFC 8252 §7.3)"
    if parts.scheme in ("http", "https") and not parts.hostname:
        return "has no host"
    return None


# -- authorization (the browser's part) ---------------------------------------------------------


@bp.get(f"{PREFIX}/<domain>/authorize")
def authorize(domain: str) -> Response:
    state, grants = _grants(domain)
    args = request.args
    client = grants.clients.get(args.get("client_id", ""))
    if client is None:
        raise PageError("The application is not registered with this server (unknown client_id).")
    redirect_uri = args.get("redirect_uri")
    if redirect_uri is None and len(client.redirect_uris) == 1:
        chosen = client.redirect_uris[0]
    elif redirect_uri in client.redirect_uris:
        chosen = str(redirect_uri)
    else:
        raise PageError("The redirect URI is not one the application registered.")
    said_state = args.get("state")

    def back(error: str, description: str) -> Response:
        return _back(chosen, domain, said_state, error=error, error_description=description)

    if args.get("response_type") != "code":
        return back("unsupported_response_type", "only response_type=code is supported")
    challenge = args.get("code_challenge", "")
    if not challenge:
        return back("invalid_request", "PKCE is required: send code_challenge (S256)")
    if args.get("code_challenge_method", "plain") != "S256":
        return back("invalid_request", "code_challenge_method must be S256")
    scopes = tuple(dict.fromkeys((args.get("scope") or " ".join(ALL_SCOPES)).split()))
    unknown = [scope for scope in scopes if scope not in ALL_SCOPES]
    if unknown:
        return back("invalid_scope", f"unknown scope {unknown[0]}")
    targets = tuple(dict.fromkeys(args.getlist("resource")))
    for target in targets:
        if _resource_problem(target):
            return back("invalid_target", f"resource {target!r}: {_resource_problem(target)}")
    pending = Authorization(
        client_id=client.client_id,
        redirect_uri=chosen,
        redirect_uri_given=redirect_uri is not None,
        code_challenge=challenge,
        scopes=scopes,
        resources=targets,
        state=said_state,
    )
    agents = _agents(state, domain)
    if state.settings.oauth_auto_approve:
        hint = (args.get("login_hint") or "").lower()
        user = next((a for a in agents if a["email"].lower() == hint), None) or _default(
            state, domain, agents
        )
        return _approve(grants, domain, pending, int(user["id"]))
    consent = grants.hold(pending)
    page = _page.render(
        domain=domain,
        client_name=client.client_name,
        scopes=scopes,
        resources=targets,
        agents=[
            {"email": a["email"], "name": f"{a.get('first_name', '')} {a.get('last_name') or ''}"}
            for a in agents
        ],
        consent=consent,
        action=f"{issuer(domain)}/authorize",
    )
    return Response(page, mimetype="text/html", headers=NO_STORE | {"X-Frame-Options": "DENY"})


@bp.post(f"{PREFIX}/<domain>/authorize")
def decide(domain: str) -> Response:
    """The consent page's answer: approve as an agent, or deny."""
    state, grants = _grants(domain)
    pending = grants.take_pending(request.form.get("consent", ""))
    if pending is None:
        raise PageError("This sign-in page has expired or was already used; start again.")
    if request.form.get("decision") != "approve":
        return _back(
            pending.redirect_uri,
            domain,
            pending.state,
            error="access_denied",
            error_description="the user denied the request",
        )
    email = (request.form.get("agent") or "").lower()
    user = next((a for a in _agents(state, domain) if a["email"].lower() == email), None)
    if user is None:
        raise PageError("Choose one of the account's active agents.")
    return _approve(grants, domain, pending, int(user["id"]))


def _approve(grants: AccountGrants, domain: str, pending: Authorization, user_id: int) -> Response:
    grant = Authorization(**{**_fields(pending), "user_id": user_id})
    code = grants.issue_code(grant)
    return _back(pending.redirect_uri, domain, pending.state, code=code)


def _fields(grant: Authorization) -> dict[str, Any]:
    return {name: getattr(grant, name) for name in grant.__dataclass_fields__}


def _back(uri: str, domain: str, said_state: str | None, **params: str) -> Response:
    """A redirect to the client's URI with `params`, its state and our issuer (RFC 9207)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += list(params.items())
    if said_state is not None:
        query.append(("state", said_state))
    query.append(("iss", issuer(domain)))
    location = urlunsplit(parts._replace(query=urlencode(query)))
    return Response(status=302, headers={"Location": location, **NO_STORE})


def _agents(state: FakeState, domain: str) -> list[dict[str, Any]]:
    return [a for a in state.accounts[domain].agents.all() if a.get("active", True)]


def _default(state: FakeState, domain: str, agents: list[dict[str, Any]]) -> dict[str, Any]:
    """Who `--oauth-auto-approve` signs in as: the account's first admin with a key, else its
    first active agent."""
    for binding in state.keys.values():
        if binding.domain == domain and binding.role.name == "admin":
            for agent in agents:
                if agent["id"] == binding.user_id:
                    return agent
    return agents[0]


def _resource_problem(target: str) -> str | None:
    parts = urlsplit(target)
    if not parts.scheme or not parts.netloc or parts.fragment:
        return "must be an absolute URI without a fragment (RFC 8707)"
    return None


# -- tokens -------------------------------------------------------------------------------------


@bp.post(f"{PREFIX}/<domain>/token")
def token(domain: str) -> Response:
    state, grants = _grants(domain)
    client = _authenticated_client(grants)
    form = request.form
    grant_type = form.get("grant_type")
    if grant_type not in client.grant_types and grant_type in GRANT_TYPES:
        raise OAuthError("unauthorized_client", f"the client did not register {grant_type}")
    if grant_type == "authorization_code":
        family, refresh, scopes = _from_code(grants, client, form.get("code", ""))
    elif grant_type == "refresh_token":
        family, refresh, scopes = _from_refresh(grants, client, form.get("refresh_token", ""))
    else:
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    targets = tuple(dict.fromkeys(form.getlist("resource")))
    if targets and family.resources and not set(targets) <= set(family.resources):
        raise OAuthError("invalid_target", "a resource the authorization did not name")
    if targets and not family.resources:
        family.resources = targets
    faults = grants.faults
    lifetime = faults.token_lifetime or state.settings.oauth_token_lifetime
    if faults.grant_scopes is not None:
        scopes = faults.grant_scopes
    audience = (faults.audience,) if faults.audience else family.resources
    access = tokens.mint(
        grants,
        issuer(domain),
        family=family,
        scopes=scopes,
        lifetime=lifetime,
        resources=audience,
    )
    with grants.lock:
        grants.minted += 1
        if faults.rotate_keys_every and grants.minted % faults.rotate_keys_every == 0:
            grants.keys.rotate()
    answer = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "refresh_token": refresh,
        "scope": " ".join(scopes),
    }
    return json_response(answer, 200, NO_STORE)


def _from_code(
    grants: AccountGrants, client: Client, code: str
) -> tuple[Any, str, tuple[str, ...]]:
    grant, used_by = grants.redeem_code(code)
    if grant is None:
        if used_by is not None:
            grants.revoke_family(used_by)  # a code used twice: what it gave is revoked
        raise OAuthError("invalid_grant", "the code is unknown, expired or already used")
    if grant.client_id != client.client_id:
        raise OAuthError("invalid_grant", "the code was issued to another client")
    given_uri = request.form.get("redirect_uri")
    if (grant.redirect_uri_given or given_uri is not None) and given_uri != grant.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri differs from the authorization request's")
    verifier = request.form.get("code_verifier", "")
    if not 43 <= len(verifier) <= 128:
        raise OAuthError("invalid_grant", "code_verifier: 43 to 128 characters (RFC 7636)")
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    if not hmac.compare_digest(expected.decode(), grant.code_challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    family, refresh = grants.start_family(grant)
    grants.note_code_family(code, family.family_id)
    return family, refresh, grant.scopes


def _from_refresh(
    grants: AccountGrants, client: Client, refresh: str
) -> tuple[Any, str, tuple[str, ...]]:
    if grants.faults.refresh == "refuse":
        raise OAuthError("invalid_grant", "the refresh token was revoked")
    family, new_refresh, why = grants.rotate(refresh)
    if family is None or new_refresh is None:
        raise OAuthError("invalid_grant", why)
    if family.client_id != client.client_id:
        grants.revoke_family(family.family_id)
        raise OAuthError("invalid_grant", "the refresh token was issued to another client")
    asked = request.form.get("scope")
    scopes = family.scopes
    if asked:
        narrower = tuple(dict.fromkeys(asked.split()))
        if not set(narrower) <= set(family.scopes):
            raise OAuthError("invalid_scope", "a refresh may not widen the scopes granted")
        scopes = narrower
    return family, new_refresh, scopes


def _authenticated_client(grants: AccountGrants) -> Client:
    """The calling client: Basic auth, or client_id (and client_secret) in the form."""
    client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except ValueError:
            raise OAuthError("invalid_client", "malformed Basic credentials", 401) from None
        name, _, password = decoded.partition(":")
        client_id, secret = unquote(name), unquote(password)
    client = grants.clients.get(client_id or "")
    if client is None:
        raise OAuthError("invalid_client", "unknown client_id", 401)
    wrong = not secret or not hmac.compare_digest(digest(secret), client.secret_digest or "")
    if client.secret_digest is not None and wrong:
        raise OAuthError("invalid_client", "the client secret is missing or wrong", 401)
    return client


@bp.post(f"{PREFIX}/<domain>/revoke")
def revoke(domain: str) -> Response:
    """RFC 7009: a refresh token ends its whole grant; an access token ends itself. Unknown
    tokens are answered like known ones (200), as §2.2 asks."""
    _, grants = _grants(domain)
    _authenticated_client(grants)
    given = request.form.get("token")
    if not given:
        raise OAuthError("invalid_request", "token: required")
    if not grants.revoke_refresh(given) and tokens.looks_like_jwt(given):
        try:
            claims = tokens.verify(given, get_state().oauth, ignore_expiry=True)
        except tokens.TokenRefused:
            pass
        else:
            grants.revoked_jtis.add(claims.jti)
    return Response(b"", status=200, headers=NO_STORE)
