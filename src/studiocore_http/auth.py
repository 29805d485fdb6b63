"""Authentication (bearer JWT). Authorization is the core's.

* Litestar's :class:`~litestar.security.jwt.JWTAuth` verifies the token (signature,
  expiry, issuer, audience). Its ``sub`` is a user uid; the user is loaded from the
  database on every request (optionally cached per process for
  ``STUDIOCORE_AUTH_CACHE_SECONDS``; off by default so a ban applies at once):
  unknown or deleted users get 401.
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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTAuth, Token

from studiocore import Actor, NotFoundError, Services, User

from .settings import Settings

__all__ = [
    "PUBLIC_PATHS",
    "UserCache",
    "actor_of",
    "build_jwt_auth",
    "issue_token",
    "provide_actor",
]

PUBLIC_PATHS = ["^/health$", "^/schema"]
"""Paths served without a token (regular expressions)."""

_MAX_CACHED_USERS = 10_000


def actor_of(user: User) -> Actor:
    """The core's view of an authenticated user."""
    return Actor(user_uid=user.uid, role=user.role, is_banned=user.is_banned)


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


def build_jwt_auth(settings: Settings, services: Services) -> JWTAuth[User, Token]:
    """The JWT configuration of the app: HS256 with the configured secret, issuer
    (and audience if set) required; the token's user is loaded (and cached for
    ``settings.auth_cache_seconds``)."""
    cache = UserCache(settings.auth_cache_seconds)

    def load_user(uid: str) -> User | None:
        try:
            return services.users.get(uid)
        except NotFoundError:
            return None

    async def retrieve_user(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> User | None:
        hit, user = cache.get(token.sub)
        if not hit:
            # The lookup is blocking I/O: run it off the event loop like the handlers.
            user = await anyio.to_thread.run_sync(load_user, token.sub)
            cache.put(token.sub, user)
        return user

    audiences = [settings.jwt_audience] if settings.jwt_audience else None
    return JWTAuth[User, Token](
        retrieve_user_handler=retrieve_user,
        token_secret=settings.signing_secret(),
        accepted_issuers=[settings.jwt_issuer],
        accepted_audiences=audiences,
        require_claims=["sub", "exp", "iss"],
        default_token_expiration=timedelta(minutes=settings.token_ttl_minutes),
        exclude=PUBLIC_PATHS,
        description="A bearer JWT whose `sub` is a user uid (`studiocore token --email E`).",
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


def provide_actor(request: ASGIConnection[Any, User, Any, Any]) -> Actor:
    """Dependency: the :class:`Actor` of the authenticated user."""
    return actor_of(request.user)
