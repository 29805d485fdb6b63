"""Authentication (bearer JWT). Authorization is the core's.

* Two kinds of bearer token go through one middleware
  (:class:`BearerAuthenticationMiddleware`, Litestar's JWT middleware extended),
  told apart by their *unverified* ``iss``: a configured OpenID Connect issuer's
  tokens are verified only with that issuer's keys and algorithms
  (:mod:`studiocore_http.oidc`); every other token only as a built-in one.
* Built-in tokens (``studiocore token``) are checked as Litestar's
  :class:`~litestar.security.jwt.JWTAuth` does (HS256 with the server's secret,
  expiry, issuer, audience). Their ``sub`` is a user uid; OIDC tokens name a
  user by ``ext_id``. The user is loaded from the database on every request
  (optionally cached per process for ``STUDIOCORE_AUTH_CACHE_SECONDS``; off by
  default so a ban applies at once): unknown or deleted users get 401.
* A 401's ``detail`` is a short reason ("token expired", "wrong audience",
  "unknown signing key", ...), never a library's message.
* The request's :class:`studiocore.Actor` is built from that user and passed as
  ``actor=`` to every service call, so the core's :class:`studiocore.AccessPolicy`
  decides what is allowed (Phase 2: admins write, others read, banned users
  nothing). The HTTP layer asks no policy itself: one vocabulary (the core's
  resources and actions), one decision per use case, raised as
  :class:`studiocore.PermissionDeniedError` and mapped to 403 in
  :mod:`studiocore_http.errors`. Swapping the policy (Phase 3 membership rules) is
  one argument to :class:`studiocore.Services`; no controller changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio.to_thread
import jwt
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.authentication import AuthenticationResult
from litestar.openapi.spec import Components, SecurityScheme
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token

from studiocore import Actor, Services, User

from .access_cache import ActorLookup, actor_of, uses_grants
from .oidc import OidcSignIn, check_default_membership, reason_of, refuse
from .settings import Settings
from .shared.params import ServicesDep

__all__ = [
    "PUBLIC_PATHS",
    "BearerAuth",
    "BearerAuthenticationMiddleware",
    "OidcBearer",
    "UserCache",
    "actor_dependency",
    "actor_of",
    "build_jwt_auth",
    "issue_token",
    "provide_actor",
]

_ACTOR = "studiocore_actor"
"""Where a request's state keeps the actor read together with the token's user."""

PUBLIC_PATHS = ["^/health(/live|/ready)?$", "^/schema"]
"""Paths served without a token (regular expressions)."""

_MAX_CACHED_USERS = 10_000
_MAX_VERIFIED_TOKENS = 10_000


class UserCache:
    """Users by uid for ``ttl`` seconds (``0``: no caching), so that a burst of
    requests with one token loads the user once. A ban, role change or deletion
    reaches cached entries within ``ttl`` seconds."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[str, tuple[float, User | None]] = {}

    def get(self, uid: str) -> tuple[bool, User | None]:
        """``(True, user-or-None)`` when cached and fresh, else ``(False, None)``."""
        entry = self._entries.get(uid)
        if entry is None or self._clock() >= entry[0]:
            return False, None
        return True, entry[1]

    def put(self, uid: str, user: User | None) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= _MAX_CACHED_USERS:
            self._entries.clear()
        self._entries[uid] = (self._clock() + self.ttl, user)


class OidcBearer:
    """The OIDC half of the middleware: verify (off the event loop), then find the
    user by ``ext_id`` (cached like built-in tokens' users; refusals are not cached)."""

    def __init__(self, sign_in: OidcSignIn, cache: UserCache) -> None:
        self.sign_in = sign_in
        self.issuers = sign_in.issuers
        self._cache = cache

    async def authenticate(self, token: str, issuer: str) -> AuthenticationResult:
        identity = await anyio.to_thread.run_sync(self.sign_in.verify, token, issuer)
        _, user = self._cache.get(identity.ext_id)
        if user is None:
            user = await anyio.to_thread.run_sync(self.sign_in.user_for, identity)
            self._cache.put(identity.ext_id, user)
        return AuthenticationResult(user=user, auth=dict(identity.claims))


def _unverified_issuer(token: str) -> str | None:
    """The ``iss`` a token claims, before anything is verified: it only chooses
    how the token is verified."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise refuse("malformed token") from exc
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None


class BearerAuthenticationMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT middleware that also accepts the tokens of OIDC issuers
    (``oidc``) and says why it refuses a token.

    ``request.auth`` is the built-in :class:`Token`, or an OIDC token's claims.
    A built-in token that verified is remembered until it expires: a client
    sends the same token with every request, and its signature and claims
    cannot change (the secret and the accepted issuer and audience are the
    process's own); its user is still found for every request."""

    __slots__ = ("_verified", "oidc")

    def __init__(self, *args: Any, oidc: OidcBearer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.oidc = oidc
        self._verified: dict[str, Token] = {}

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get(self.auth_header)
        if not header:
            raise refuse("no bearer token")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise refuse("the Authorization header must be 'Bearer <token>'")
        return await self.authenticate_token(token.strip(), connection)

    async def authenticate_token(
        self, encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = self._verified.get(encoded_token)
        if token is not None:
            if token.exp > datetime.now(UTC):
                return await self._authenticate_verified(token, connection)
            del self._verified[encoded_token]
        issuer = _unverified_issuer(encoded_token)
        if self.oidc is not None and issuer in self.oidc.issuers:
            return await self.oidc.authenticate(encoded_token, issuer)
        if self.token_issuer and issuer not in self.token_issuer:
            raise refuse("unknown issuer")
        try:
            token = self.token_cls.decode(
                encoded_token=encoded_token,
                secret=self.token_secret,
                algorithm=self.algorithm,
                audience=self.token_audience,
                issuer=self.token_issuer,
                require_claims=self.require_claims,
                verify_exp=self.verify_expiry,
                verify_nbf=self.verify_not_before,
                strict_audience=self.strict_audience,
            )
        except NotAuthorizedException as exc:
            raise refuse(reason_of(exc.__cause__ or exc)) from exc
        if len(self._verified) >= _MAX_VERIFIED_TOKENS:
            self._verified.clear()
        self._verified[encoded_token] = token
        return await self._authenticate_verified(token, connection)

    async def _authenticate_verified(
        self, token: Token, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """What Litestar's middleware does once the token is decoded."""
        user = await self.retrieve_user_handler(token, connection)
        if not user:  # the token is fine; its user is not there
            raise refuse("the user of this token does not exist")
        if self.revoked_token_handler and await self.revoked_token_handler(token, connection):
            raise refuse("token revoked")
        return AuthenticationResult(user=user, auth=token)


@dataclass
class BearerAuth(JWTAuth[User, Token]):
    """:class:`JWTAuth` (the bearer scheme in OpenAPI, exclusions, built-in tokens)
    whose middleware also accepts the tokens of the configured OIDC issuers."""

    oidc: OidcBearer | None = None
    authentication_middleware_class: type[JWTAuthenticationMiddleware] = field(
        default=BearerAuthenticationMiddleware
    )

    @property
    def openapi_components(self) -> Components:
        """The bearer scheme as OpenAPI 3.1 defines it: ``type: http`` with
        ``scheme: bearer`` and no ``name`` (Litestar's adds the header's name,
        which only ``type: apiKey`` may carry, so validators refuse it)."""
        scheme = SecurityScheme(
            type="http", scheme="bearer", bearer_format="JWT", description=self.description
        )
        return Components(security_schemes={self.openapi_security_scheme_name: scheme})

    @property
    def middleware(self) -> DefineMiddleware:
        base = super().middleware
        return DefineMiddleware(base.middleware, *base.args, **base.kwargs, oidc=self.oidc)


def build_jwt_auth(
    settings: Settings,
    services: Services,
    *,
    signed_in_elsewhere: Sequence[str] = (),
    lookup: ActorLookup | None = None,
) -> BearerAuth:
    """The authentication of the app: built-in HS256 tokens with the configured
    secret, issuer (and audience if set) required, plus the tokens of
    ``settings.oidc_providers``; the token's user and actor come from ``lookup``
    (default: read on every request; the app passes one with the access cache,
    :mod:`studiocore_http.access_cache`), and without an access cache are kept
    for ``settings.auth_cache_seconds``. ``signed_in_elsewhere``: the paths
    (regular expressions) that take no bearer token because they sign users in
    their own way (the web interface's session). Raises :class:`ConfigError`
    when the default membership of provisioned users names no existing group."""
    lookup = lookup or ActorLookup(services)
    cache = UserCache(settings.auth_cache_seconds if lookup.cache is None else 0.0)
    oidc = None
    if settings.oidc_providers:
        check_default_membership(services, settings.oidc_default_membership)
        oidc = OidcBearer(OidcSignIn(settings, services), UserCache(settings.auth_cache_seconds))

    async def retrieve_user(
        token: Token, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> User | None:
        found = lookup.cached(token.sub)
        if found is None:
            hit, user = cache.get(token.sub)
            if hit:
                return user
            # The lookup is blocking I/O: run it off the event loop like the handlers.
            found = await anyio.to_thread.run_sync(lookup.find, token.sub)
            cache.put(token.sub, found[0] if found else None)
            if found is None:
                return None
        # read with the user: the actor dependency needs no read of its own
        connection.state[_ACTOR] = found[1]
        return found[0]

    audiences = [settings.jwt_audience] if settings.jwt_audience else None
    return BearerAuth(
        oidc=oidc,
        retrieve_user_handler=retrieve_user,
        token_secret=settings.signing_secret(),
        accepted_issuers=[settings.jwt_issuer],
        accepted_audiences=audiences,
        require_claims=["sub", "exp", "iss"],
        default_token_expiration=timedelta(minutes=settings.token_ttl_minutes),
        exclude=[*PUBLIC_PATHS, *signed_in_elsewhere],
        description="A bearer JWT: a built-in token whose `sub` is a user uid "
        "(`studiocore token --email E`), or a token of a configured OpenID Connect "
        "provider (see docs/sign-in.md).",
    )


def issue_token(settings: Settings, user_uid: str, *, ttl: timedelta | None = None) -> str:
    """A signed bearer token for ``user_uid`` (no database access: the user is
    checked when the token is used)."""
    expires = datetime.now(UTC) + (ttl or timedelta(minutes=settings.token_ttl_minutes))
    token = Token(
        sub=user_uid,
        exp=expires,
        iss=settings.jwt_issuer,
        aud=settings.jwt_audience,
    )
    return token.encode(secret=settings.signing_secret(), algorithm="HS256")


def provide_actor(request: ASGIConnection[Any, User, Any, Any], services: ServicesDep) -> Actor:
    """Dependency: the :class:`Actor` of the authenticated user, for an access
    policy that does not look at memberships (after ``services``: see
    :func:`actor_dependency`)."""
    return actor_of(request.user)


async def provide_actor_with_grants(
    request: ASGIConnection[Any, User, Any, Any], services: ServicesDep
) -> Actor:
    """Dependency: the :class:`Actor` of the authenticated user with the grants
    of their memberships: read with the token's user when it was, else from the
    app's :class:`~studiocore_http.access_cache.ActorLookup` (its cache, or the
    primary database off the event loop: a revoked membership applies at once)."""
    read_with_user: Actor | None = request.state.get(_ACTOR)
    if read_with_user is not None:
        return read_with_user
    lookup: ActorLookup = request.app.state.actor_lookup
    found = lookup.cached(request.user.uid)
    if found is None:
        found = await anyio.to_thread.run_sync(lookup.load, request.user.uid)
    return found[1]


def actor_dependency(services: Services) -> Provide:
    """How handlers get their ``actor``: with grants only when the services'
    policy decides by memberships (no extra read per request otherwise).

    The actor is resolved after ``services``, and a controller's own dependencies
    (a listing's parsed query) after the actor: Litestar resolves the
    dependencies that do not depend on one another together, in a task group,
    which costs more per request than these dependencies themselves
    (litestar-org/litestar#4563). ``tests/http/test_dependency_order.py`` keeps
    every route's chain one at a time."""
    if uses_grants(services):
        return Provide(provide_actor_with_grants)
    return Provide(provide_actor, sync_to_thread=False)
