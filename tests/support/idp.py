"""A local OpenID provider for tests: real HTTP on 127.0.0.1 (a free port), an
RSA key pair made with ``cryptography``, its JWKS and discovery document, tokens
minted with PyJWT; and the authorization code flow with PKCE, consenting at
once (the browser is sent straight back with a code)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "studiocore-api"
WEB_CLIENT = "studiocore-web"
"""The web interface's client id at the local provider."""


def new_key() -> rsa.RSAPrivateKey:
    """A new RSA signing key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class LocalIdP:
    """A minimal OpenID provider: discovery document, JWKS, token minting, and
    the authorization code flow with PKCE for the client ``WEB_CLIENT``."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {"key-1": new_key()}
        self.requests: list[str] = []
        idp = self

        self.subject = "alice-123"
        """Whom ``/authorize`` signs in (at once: no login page)."""
        self.profile: dict[str, Any] = {}
        """Claims the ID tokens carry besides the required ones (``email``, ``name``)."""
        self.codes: dict[str, dict[str, str]] = {}
        self.token_requests: list[dict[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                idp.requests.append(self.path)
                path, _, query = self.path.partition("?")
                if path.endswith("/.well-known/openid-configuration"):
                    body: Any = {
                        "issuer": idp.issuer,
                        "jwks_uri": idp.jwks_url,
                        "authorization_endpoint": f"{idp.base}/authorize",
                        "token_endpoint": f"{idp.base}/token",
                    }
                elif path == "/jwks":
                    body = idp.jwks()
                elif path == "/authorize":
                    self._redirect(idp.authorize(dict(urllib.parse.parse_qsl(query))))
                    return
                else:
                    self.send_error(404)
                    return
                self._json(200, body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                idp.token_requests.append(form)
                if self.path != "/token":
                    self.send_error(404)
                    return
                status, body = idp.exchange(form)
                self._json(status, body)

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = f"{self.base}/realms/studio"
        self.jwks_url = f"{self.base}/jwks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def authorize(self, params: dict[str, str]) -> str:
        """Where ``/authorize`` sends the browser back: the redirect URI with a new
        code (remembering what the token request must match) and the state."""
        assert params.get("response_type") == "code", params
        assert params.get("code_challenge_method") == "S256", params
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**params, "sub": self.subject}
        answer = urllib.parse.urlencode({"code": code, "state": params.get("state", "")})
        return f"{params['redirect_uri']}?{answer}"

    def exchange(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The token endpoint: an ID token for a known, unused code whose client,
        redirect URI and PKCE verifier match; else ``invalid_grant``."""
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != grant["client_id"]
            or form.get("redirect_uri") != grant["redirect_uri"]
            or challenge != grant["code_challenge"]
        ):
            return 400, {"error": "invalid_grant"}
        claims = self.claims(
            grant["sub"], aud=grant["client_id"], nonce=grant.get("nonce"), **self.profile
        )
        kid = next(iter(self.keys))
        id_token = jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid})
        return 200, {"id_token": id_token, "access_token": "opaque", "token_type": "Bearer"}

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, private in self.keys.items():
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def jwks_fetches(self) -> int:
        return self.requests.count("/jwks")

    def rotate(self) -> str:
        """Replace every key by a new one; the new key's id."""
        kid = f"key-{uuid.uuid4().hex[:8]}"
        self.keys = {kid: new_key()}
        return kid

    def claims(self, sub: str, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            **extra,
        }

    def token(self, sub: str = "alice-123", *, kid: str | None = None, **claims: Any) -> str:
        kid = kid or next(iter(self.keys))
        key = self.keys.get(kid) or new_key()  # an unknown kid: signed by a key nobody knows
        return jwt.encode(self.claims(sub, **claims), key, algorithm="RS256", headers={"kid": kid})

    def public_pem(self) -> bytes:
        public = next(iter(self.keys.values())).public_key()
        return public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@pytest.fixture
def idp() -> Iterator[LocalIdP]:
    provider = LocalIdP()
    provider.thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()
        provider.thread.join(timeout=5)
