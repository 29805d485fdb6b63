"""Signing in to the pages through the identity provider: the OpenID Connect
authorization code flow with PKCE (RFC 7636).

``/sign-in/oidc`` keeps a fresh ``state``, ``nonce`` and code verifier in the
(encrypted) session and sends the browser to the provider with the verifier's
S256 challenge; the provider sends it back to ``/sign-in/callback`` with a
code, which is exchanged, with the verifier, for an ID token at the token
endpoint (server to server). The ID token is verified as bearer tokens are
(the issuer's keys and algorithms), with the web client as its audience and the
session's nonce; its ``iss`` and ``sub`` find the user as for bearer tokens
(:mod:`studiocore_http.oidc`, provisioning included). The session then names
the user, and nothing else from the flow is kept (internal).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from litestar import Request, get
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect

from studiocore_http.oidc import HTTP_TIMEOUT, OidcSignIn, discover, endpoint
from studiocore_http.settings import OidcProvider, Settings

from .common import flash, redirect, services_of

__all__ = ["OIDC_ROUTES", "pkce_challenge"]

log = logging.getLogger("studiocore_http.web")
CALLBACK = "/sign-in/callback"
SCOPES = "openid profile email"


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of ``verifier`` (RFC 7636, section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _provider(request: Request[Any, Any, Any]) -> tuple[Settings, OidcProvider]:
    settings: Settings = request.app.state.settings
    provider = settings.web_provider()
    if provider is None:
        raise HTTPException(status_code=404, detail="sign-in through a provider is not set up")
    return settings, provider


def _redirect_uri(request: Request[Any, Any, Any], settings: Settings) -> str:
    base = settings.public_url or str(request.base_url)
    return base.rstrip("/") + CALLBACK


def _fail(request: Request[Any, Any, Any], reason: str) -> Redirect:
    flash(request, f"Signing in failed: {reason}", "error")
    return redirect(request, "/sign-in")


@get("/sign-in/oidc", sync_to_thread=True, include_in_schema=False)
def start(request: Request[Any, Any, Any]) -> Redirect:
    """Send the browser to the provider, remembering what the answer must match."""
    settings, provider = _provider(request)
    try:
        authorize = endpoint(discover(provider.issuer), "authorization_endpoint", provider.issuer)
    except (OSError, ValueError) as exc:
        log.warning("OIDC discovery for %s failed: %s", provider.issuer, exc)
        return _fail(request, "the identity provider cannot be reached; retry shortly.")
    verifier = secrets.token_urlsafe(48)
    pending = {
        "state": secrets.token_urlsafe(24),
        "nonce": secrets.token_urlsafe(24),
        "verifier": verifier,
    }
    request.set_session({"oidc": pending})
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": settings.oidc_web_client_id,
            "redirect_uri": _redirect_uri(request, settings),
            "scope": SCOPES,
            "state": pending["state"],
            "nonce": pending["nonce"],
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in authorize else "?"
    return Redirect(f"{authorize}{separator}{query}")


def _exchange(
    request: Request[Any, Any, Any],
    settings: Settings,
    provider: OidcProvider,
    code: str,
    verifier: str,
) -> str:
    """The ID token the provider gives for ``code`` and the code verifier."""
    token_url = endpoint(discover(provider.issuer), "token_endpoint", provider.issuer)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": _redirect_uri(request, settings),
        "client_id": settings.oidc_web_client_id or "",
        "code_verifier": verifier,
    }
    if settings.oidc_web_client_secret:
        form["client_secret"] = settings.oidc_web_client_secret
    call = urllib.request.Request(  # https, or http on loopback: checked by endpoint()
        token_url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(call, timeout=HTTP_TIMEOUT) as response:
        answer = json.load(response)
    token = answer.get("id_token") if isinstance(answer, dict) else None
    if not isinstance(token, str):
        raise ValueError("the token endpoint gave no ID token")
    return token


@get(CALLBACK, sync_to_thread=True, include_in_schema=False)
def callback(request: Request[Any, Any, Any]) -> Redirect:
    """The provider's answer: check it belongs to the flow this browser started,
    exchange the code, verify the ID token, and sign its user in."""
    settings, provider = _provider(request)
    pending = request.session.get("oidc") if request.scope.get("session") else None
    request.set_session({})  # whatever happens, the flow's secrets are used once
    query = request.query_params
    if query.get("error"):
        return _fail(request, query.get("error_description") or query["error"])
    state, code = query.get("state") or "", query.get("code") or ""
    if not isinstance(pending, dict) or not hmac.compare_digest(state, pending.get("state", "")):
        return _fail(request, "this sign-in was not started here, or is stale; please try again.")
    if not code:
        return _fail(request, "the identity provider sent no code.")
    try:
        id_token = _exchange(request, settings, provider, code, pending["verifier"])
    except urllib.error.HTTPError as exc:
        log.warning("the token endpoint of %s refused the code: %s", provider.issuer, exc)
        return _fail(request, "the identity provider refused the sign-in code.")
    except (OSError, ValueError) as exc:
        log.warning("exchanging the code with %s failed: %s", provider.issuer, exc)
        return _fail(request, "the identity provider cannot be reached; retry shortly.")
    oidc: OidcSignIn | None = request.app.state.get("web_oidc")
    if oidc is None:  # one per app: its key set is cached like the API's
        oidc = request.app.state["web_oidc"] = OidcSignIn(settings, services_of(request))
    try:
        identity = oidc.verify(id_token, provider.issuer, audience=settings.oidc_web_client_id)
        nonce = identity.claims.get("nonce")
        if not isinstance(nonce, str) or not hmac.compare_digest(nonce, pending["nonce"]):
            return _fail(request, "the identity provider's answer does not match this sign-in.")
        user = oidc.user_for(identity)
    except NotAuthorizedException as exc:
        return _fail(request, f"{exc.detail}.")
    if user.is_banned:
        return _fail(request, "this account is banned.")
    request.set_session({"user_uid": user.uid})
    return redirect(request, "/")


OIDC_ROUTES = [start, callback]
