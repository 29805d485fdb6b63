"""Sign-in through OpenID Connect identity providers (see docs/sign-in.md).

A bearer token whose (unverified) ``iss`` is a configured issuer is verified here,
with that issuer's keys and algorithms only; :mod:`studiocore_http.auth` sends
every other token to the built-in HS256 check. Everything here blocks (HTTP to
the provider, the database): the middleware runs it in a worker thread.

* **Keys**: one :class:`jwt.PyJWKClient` per issuer, made at first use from the
  configured JWKS URL or the ``jwks_uri`` of ``<issuer>/.well-known/openid-configuration``.
  It caches the key set for :data:`KEY_SET_LIFESPAN` seconds; a token whose ``kid``
  is not in it makes it fetch the set again, at most once per
  ``oidc_jwks_cooldown_seconds``, so a rotated key works without a restart and
  a stream of made-up ``kid`` values cannot make the server hammer the provider.
  Single keys are deliberately not cached apart from the set: a key the provider
  withdraws stops being accepted when the cached set expires.
* **Accounts**: ``sub`` is unique only within its issuer, so a user is found by
  ``users.ext_id == "<issuer>|<sub>"`` (:func:`external_id`; issuers cannot
  contain ``|``). An unknown account is refused, or created from the token's
  claims when provisioning is on (through the core's services as the system
  actor, so audited like any write).
* **Refusals** are :class:`~litestar.exceptions.NotAuthorizedException` (401)
  whose detail is a short reason (:func:`reason_of`), never the library's
  message; a provider that cannot be reached is a 503.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Mapping
from typing import Any

import attrs
import jwt
from litestar.exceptions import NotAuthorizedException, ServiceUnavailableException

from studiocore import (
    ConflictError,
    NotFoundError,
    Services,
    StudioError,
    UnavailableError,
    User,
    UserRole,
    ValidationError,
)
from studiocore.services import CrudService
from studiocore_sql import primary_reads

from .settings import ConfigError, DefaultMembership, OidcProvider, Settings, check_url

__all__ = [
    "HTTP_TIMEOUT",
    "KEY_SET_LIFESPAN",
    "LEEWAY_SECONDS",
    "Identity",
    "OidcSignIn",
    "check_default_membership",
    "discover",
    "endpoint",
    "external_id",
    "reason_of",
]

log = logging.getLogger("studiocore_http.oidc")

KEY_SET_LIFESPAN = 300.0
"""Seconds a fetched key set is used before it is fetched again."""
LEEWAY_SECONDS = 30
"""Clock difference tolerated between the provider and this server (``exp``, ``nbf``, ``iat``)."""
HTTP_TIMEOUT = 5.0
MAX_EXT_ID = 255
"""``users.ext_id`` is a ``VARCHAR(255)``."""
PROVIDER_UNAVAILABLE = "The identity provider cannot be reached; retry shortly."


def external_id(issuer: str, subject: str) -> str:
    """The ``users.ext_id`` of the account ``subject`` at ``issuer``."""
    return f"{issuer}|{subject}"


def reason_of(exc: BaseException | None) -> str:
    """The 401 detail for a token PyJWT refused: a reason, not the library's text."""
    reasons: list[tuple[type[BaseException], str]] = [
        (jwt.ExpiredSignatureError, "token expired"),
        (jwt.ImmatureSignatureError, "token not yet valid"),
        (jwt.InvalidAudienceError, "wrong audience"),
        (jwt.InvalidIssuerError, "wrong issuer"),
        (jwt.InvalidAlgorithmError, "signing algorithm not allowed"),
        (jwt.InvalidSignatureError, "invalid signature"),
        (jwt.InvalidIssuedAtError, "invalid issue time"),
        (jwt.DecodeError, "malformed token"),
        (jwt.InvalidKeyError, "unusable signing key"),
    ]
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"missing claim {exc.claim!r}"
    if isinstance(exc, KeyError) and exc.args:  # Litestar's Token wants an ``iat``
        return f"missing claim {str(exc.args[0])!r}"
    for kind, reason in reasons:
        if isinstance(exc, kind):
            return reason
    return "invalid token"


def refuse(reason: str) -> NotAuthorizedException:
    return NotAuthorizedException(detail=reason)


@attrs.frozen
class Identity:
    """A verified OIDC token: who it names and its claims."""

    issuer: str
    subject: str
    claims: Mapping[str, Any]

    @property
    def ext_id(self) -> str:
        return external_id(self.issuer, self.subject)


def _get_json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(
        request, timeout=HTTP_TIMEOUT
    ) as response:  # https, or http on loopback: checked
        return json.load(response)


def discover(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document (OpenID Connect Discovery 1.0), which must
    name the configured issuer."""
    document = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise ValueError("the discovery document names another issuer")
    return document


def endpoint(document: Mapping[str, Any], name: str, issuer: str) -> str:
    """The URL ``name`` (``jwks_uri``, ``token_endpoint`` ...) of a discovery
    document: https (http only on loopback)."""
    url = document.get(name)
    if not isinstance(url, str):
        raise ValueError(f"the discovery document has no {name}")
    check_url(url, f"the {name} of {issuer}")
    return url


class _KeySet:
    """The keys of one issuer: the JWKS client, made at first use (discovery)."""

    def __init__(self, provider: OidcProvider, cooldown: float) -> None:
        self.provider = provider
        self._cooldown = cooldown
        self._client: jwt.PyJWKClient | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()

    def client(self) -> jwt.PyJWKClient:
        with self._lock:
            if self._client is not None:
                return self._client
            if self._failed_at is not None and time.monotonic() - self._failed_at < self._cooldown:
                raise ServiceUnavailableException(
                    PROVIDER_UNAVAILABLE, headers={"Retry-After": "5"}
                )
            try:
                url = self.provider.jwks_url or self._discover()
            except (OSError, ValueError, ConfigError) as exc:
                self._failed_at = time.monotonic()
                log.warning("OIDC discovery for %s failed: %s", self.provider.issuer, exc)
                raise ServiceUnavailableException(
                    PROVIDER_UNAVAILABLE, headers={"Retry-After": "5"}
                ) from exc
            self._client = jwt.PyJWKClient(
                url,
                cache_keys=False,  # the set is cached (below); see the module docstring
                cache_jwk_set=True,
                lifespan=KEY_SET_LIFESPAN,
                timeout=HTTP_TIMEOUT,
                cooldown_duration=self._cooldown,
            )
            return self._client

    def _discover(self) -> str:
        return endpoint(discover(self.provider.issuer), "jwks_uri", self.provider.issuer)

    def key_for(self, kid: str) -> jwt.PyJWK:
        client = self.client()
        try:
            return client.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as exc:
            log.warning("fetching the keys of %s failed: %s", self.provider.issuer, exc)
            raise ServiceUnavailableException(
                PROVIDER_UNAVAILABLE, headers={"Retry-After": "5"}
            ) from exc
        except jwt.PyJWKClientError as exc:
            if str(exc).startswith("Unable to find a signing key"):
                raise refuse("unknown signing key") from exc
            log.warning("the key set of %s is unusable: %s", self.provider.issuer, exc)
            raise ServiceUnavailableException(
                PROVIDER_UNAVAILABLE, headers={"Retry-After": "5"}
            ) from exc
        except jwt.PyJWTError as exc:  # a malformed key set (PyJWKSetError, PyJWKError)
            log.warning("the key set of %s is unusable: %s", self.provider.issuer, exc)
            raise ServiceUnavailableException(
                PROVIDER_UNAVAILABLE, headers={"Retry-After": "5"}
            ) from exc


def _claim_text(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


class OidcSignIn:
    """Verifies tokens of the configured issuers and finds (or creates) their users."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self._services = services
        self._provision = settings.oidc_provision
        self._membership = settings.oidc_default_membership
        self._keys = {
            p.issuer: _KeySet(p, settings.oidc_jwks_cooldown_seconds)
            for p in settings.oidc_providers
        }
        self.issuers = frozenset(self._keys)

    def verify(self, token: str, issuer: str, *, audience: str | None = None) -> Identity:
        """The identity of ``token`` (whose unverified ``iss`` is ``issuer``), checked
        with that issuer's keys, algorithms and audience (``audience``, else the
        provider's: an ID token's is the client it was issued to). Raises a 401
        with the reason."""
        keys = self._keys[issuer]
        provider = keys.provider
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise refuse("malformed token") from exc
        if header.get("alg") not in provider.algorithms:
            raise refuse("signing algorithm not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise refuse("unknown signing key")
        key = keys.key_for(kid)
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=list(provider.algorithms),
                audience=audience or provider.audience,
                issuer=provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise refuse(reason_of(exc)) from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise refuse("missing claim 'sub'")
        if len(external_id(issuer, subject)) > MAX_EXT_ID:
            raise refuse("the token's subject is too long")
        return Identity(issuer=issuer, subject=subject, claims=claims)

    def user_for(self, identity: Identity) -> User:
        """The user signed in as ``identity``: a known one (banned ones too: the core
        refuses them), a new one when provisioning is on; else a 401. Read from
        the primary database (a lagging read replica would not know a user
        provisioned a moment ago, and provisioning them again would collide)."""
        with primary_reads():
            return self._user_for(identity)

    def _user_for(self, identity: Identity) -> User:
        users = self._services.users
        user = users.find_by_external_id(identity.ext_id, include_deleted=True)
        if user is not None:
            if user.is_deleted:
                raise refuse("this account has been deleted from studiocore")
            return user
        if not self._provision:
            raise refuse(
                "your account is unknown to studiocore; ask a studiocore administrator "
                f"to create it (a user with ext_id {identity.ext_id!r})"
            )
        return self._provision_user(identity)

    def _provision_user(self, identity: Identity) -> User:
        claims = identity.claims
        email = _claim_text(claims, "email")
        if email is None:
            raise refuse("the token has no e-mail address, which creating your account needs")
        if "email_verified" in claims and claims["email_verified"] not in (True, "true"):
            raise refuse("your e-mail address is not verified by the identity provider")
        name = _claim_text(claims, "name") or _claim_text(claims, "preferred_username") or email
        users = self._services.users
        try:
            user = users.create(
                email,
                name,
                role=UserRole.USER,
                ext_id=identity.ext_id,
                metadata={"provisioned_by": "oidc", "issuer": identity.issuer},
            )
        except ConflictError as exc:
            # Either another request provisioned this account a moment ago, or the
            # e-mail address belongs to an account not linked to this sign-in (never
            # linked automatically: the provider's e-mail claim is not proof enough).
            user_or_none = users.find_by_external_id(identity.ext_id)
            if user_or_none is not None:
                return user_or_none
            raise refuse(
                "a studiocore account with your e-mail address exists but is not linked to "
                "this sign-in; ask a studiocore administrator to link it"
            ) from exc
        except ValidationError as exc:
            raise refuse(f"cannot create your account: {exc.field} {exc.reason}") from exc
        log.info("provisioned user %s for %s", user.uid, identity.ext_id)
        if self._membership is not None:
            self._grant(user, self._membership)
        return user

    def _grant(self, user: User, membership: DefaultMembership) -> None:
        try:
            self._services.memberships.create(user.uid, membership.group_uid, membership.role)
        except StudioError:
            # The user exists and may sign in; only the default membership is missing
            # (its group was deleted since start-up). Less access, never more.
            log.exception(
                "could not give %s the default membership in %s", user.uid, membership.group_uid
            )


def check_default_membership(services: Services, membership: DefaultMembership | None) -> None:
    """Start-up check: the default membership's group exists. Raises :class:`ConfigError`."""
    if membership is None:
        return
    groups: dict[str, CrudService[Any]] = {
        "studio": services.studios,
        "client": services.clients,
        "platform": services.platforms,
    }
    try:
        groups[membership.group_type].get(membership.group_uid)
    except UnavailableError:
        log.warning("cannot check the default membership's group: the database is unavailable")
    except NotFoundError:
        raise ConfigError(
            f"STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP names {membership.group_uid}, "
            f"which is not a {membership.group_type} in the database"
        ) from None
