"""Rate limiting: per user when signed in, per client IP before.

Every request that reaches a route is counted in one of three groups, each
with its own budget (:class:`~studiocore_http.settings.Rate`, a fixed window):

* ``sign_in``: the web sign-in form (``POST /sign-in``), the start of an OpenID
  Connect sign-in and its callback (``/sign-in/oidc``, ``/sign-in/callback``):
  always per client IP, the strictest (credential guessing);
* ``writes``: ``POST``, ``PUT``, ``PATCH``, ``DELETE``;
* ``reads``: everything else.

Not counted: ``/health*``, ``/metrics``, ``/static/`` and ``/schema`` (the
interactive docs and their assets). A Server-Sent Events stream is one request:
it counts once, when it connects.

Who is counted: the user of a *valid* bearer token (a built-in token is checked
here with the server's secret, an OIDC token with its issuer's cached keys; no
database read: the authentication middleware still loads the user), the user of
the web session cookie, otherwise the client's IP address as the server sees it
(``scope["client"]``: behind a reverse proxy run ``studiocore serve
--proxy-headers``; ``X-Forwarded-For`` is never read here). A forged or expired
token counts against its sender's IP, so making up tokens does not buy budget.

The counters live in Redis when ``STUDIOCORE_REDIS_URL`` is set (an atomic
``INCR`` per request: every worker and host shares one budget), in the process
otherwise. When Redis does not answer, each process counts for itself until it
does again (never stricter than configured; a warning is logged at most every
30 seconds), so an outage of Redis neither blocks the API nor lifts the limits.

Litestar's own ``RateLimitMiddleware`` is not used: it holds one limit per
middleware, stores every request's timestamp, and reads then writes the
counter, so two processes sharing Redis both let the same request through.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import anyio.to_thread
import jwt
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, TooManyRequestsException
from litestar.middleware import DefineMiddleware
from litestar.middleware.session.client_side import ClientSideSessionBackend

from .settings import Rate, Settings

if TYPE_CHECKING:
    from litestar.config.app import AppConfig
    from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

    from .auth import BearerAuth

__all__ = [
    "EXEMPT_PATHS",
    "SIGN_IN_PATHS",
    "MemoryCounters",
    "RateLimiting",
    "RedisCounters",
    "group_of",
]

log = logging.getLogger("studiocore_http.ratelimit")

EXEMPT_PATHS = re.compile(r"^/(health|metrics|static/|schema)")
"""Paths never counted (probes, metrics scrapes, static assets, the API docs)."""
SIGN_IN_PATHS = re.compile(r"^/sign-in/(oidc|callback)$")
"""Sign-in steps counted as ``sign_in`` whatever their method (``POST /sign-in``
is one too)."""
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LABELS = {"reads": "read", "writes": "write", "sign_in": "sign-in"}
_WEB_SESSION_PATHS = re.compile(r"^/(?!api/)")
_MAX_REMEMBERED_TOKENS = 10_000
_WARN_EVERY_SECONDS = 30.0
_REDIS_RETRY_SECONDS = 5.0
_REDIS_TIMEOUT_SECONDS = 0.5


def group_of(method: str, path: str) -> str | None:
    """The budget a request is counted in: ``sign_in``, ``writes``, ``reads``, or
    ``None`` for a path that is not counted."""
    if EXEMPT_PATHS.match(path):
        return None
    if SIGN_IN_PATHS.match(path) or (path == "/sign-in" and method == "POST"):
        return "sign_in"
    return "writes" if method in _WRITES else "reads"


class Counters(Protocol):
    """Where the requests of each window are counted."""

    async def hit(self, key: str, period: int) -> int:
        """Count one request under ``key`` (which expires after ``period`` seconds)
        and return how many there were, this one included."""
        ...


class MemoryCounters:
    """Counters in this process (the event loop runs one increment at a time)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._counts: dict[str, tuple[int, float]] = {}

    async def hit(self, key: str, period: int) -> int:
        """See :meth:`Counters.hit`."""
        now = self._clock()
        count, expires = self._counts.get(key, (0, 0.0))
        if expires <= now:
            count, expires = 0, now + period
            if len(self._counts) > 50_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        self._counts[key] = (count + 1, expires)
        return count + 1


class RedisCounters:
    """Counters in Redis, shared by every process: ``INCR`` and ``EXPIRE`` in
    one transaction. While Redis fails, ``fallback`` counts instead."""

    def __init__(
        self,
        url: str,
        fallback: Counters | None = None,
        *,
        retry_seconds: float = _REDIS_RETRY_SECONDS,
    ) -> None:
        self.url = url
        self.fallback = fallback or MemoryCounters()
        self.retry_seconds = retry_seconds  # how long Redis is left alone after a failure
        self._client: Any = None
        self._down_until = 0.0
        self._warned_at = -math.inf

    async def start(self) -> None:
        """Create the client (it connects on first use, in the serving event loop)."""
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # No retries: a request waits at most one timeout, then counts locally.
        self._client = redis.asyncio.Redis.from_url(
            self.url,
            socket_timeout=_REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )

    async def stop(self) -> None:
        """Close the client's connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def hit(self, key: str, period: int) -> int:
        """See :meth:`Counters.hit`; counts in ``fallback`` while Redis is down
        (retried every few seconds)."""
        now = time.monotonic()
        if self._client is None or now < self._down_until:
            return await self.fallback.hit(key, period)
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, period + 1)
                count, _ = await pipe.execute()
        except Exception as exc:  # any failure of Redis: count locally, say so
            return await self._fall_back(exc, key, period, now)
        if self._down_until:
            self._down_until = 0.0
            log.info("rate limiting: Redis answers again; the counters are shared again")
        return int(count)

    async def _fall_back(self, exc: Exception, key: str, period: int, now: float) -> int:
        self._down_until = now + self.retry_seconds
        if now - self._warned_at >= _WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning(
                "rate limiting: Redis did not answer (%s); each process counts for "
                "itself until it does",
                type(exc).__name__,
            )
        return await self.fallback.hit(key, period)


class RateLimiting:
    """The rate limit of one app, built from its settings: register
    :meth:`on_app_init` after the authentication's (it puts the middleware
    first, so a request is counted before its user is loaded)."""

    def __init__(
        self,
        settings: Settings,
        auth: BearerAuth,
        web_middleware: Sequence[Any] = (),
    ) -> None:
        self.enabled = settings.rate_limit
        self.rates: dict[str, Rate] = {
            "reads": settings.rate_limit_reads,
            "writes": settings.rate_limit_writes,
            "sign_in": settings.rate_limit_sign_in,
        }
        self.prefix = settings.rate_limit_prefix
        self.redis = RedisCounters(settings.redis_url) if settings.redis_url else None
        self.counters: Counters = self.redis or MemoryCounters()
        self._secret = settings.signing_secret()
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._oidc = auth.oidc.sign_in if auth.oidc is not None else None
        self._session = next(
            (
                m.kwargs["backend"]
                for m in web_middleware
                if isinstance(m, DefineMiddleware)
                and isinstance(m.kwargs.get("backend"), ClientSideSessionBackend)
            ),
            None,
        )
        self._tokens: dict[str, tuple[str | None, float]] = {}

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Put the middleware first and the Redis client's start and stop in the
        app's lifespan (nothing when rate limiting is off)."""
        if self.enabled:
            app_config.middleware.insert(0, DefineMiddleware(RateLimitMiddleware, limits=self))
            if self.redis is not None:
                app_config.on_startup.append(self.redis.start)
                app_config.on_shutdown.append(self.redis.stop)
        return app_config

    async def who(self, scope: Scope, group: str) -> str:
        """The key part naming who is counted: ``user:<uid>``, ``oidc:<ext_id>``
        or ``ip:<address>``."""
        if group != "sign_in":
            header = _header(scope, b"authorization")
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                user = await self._token_user(token.strip())
                if user is not None:
                    return user
            elif self._session is not None and _WEB_SESSION_PATHS.match(_app_path(scope)):
                session = await self._session.load_from_connection(ASGIConnection(scope))
                uid = session.get("user_uid") if isinstance(session, dict) else None
                if isinstance(uid, str) and uid:
                    return f"user:{uid}"
        client = scope.get("client")
        return f"ip:{client[0] if client else 'unknown'}"

    async def _token_user(self, token: str) -> str | None:
        remembered = self._tokens.get(token)
        if remembered is not None and remembered[1] > time.time():
            return remembered[0]
        user, expires = await self._verify(token)
        if len(self._tokens) >= _MAX_REMEMBERED_TOKENS:
            self._tokens.clear()
        self._tokens[token] = (user, expires)
        return user

    async def _verify(self, token: str) -> tuple[str | None, float]:
        """Who a token names, if it is valid (and until when to believe it)."""
        retry = time.time() + 60  # an invalid token: checked again in a minute
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError:
            return None, retry
        try:
            if self._oidc is not None and issuer in self._oidc.issuers:
                identity = await anyio.to_thread.run_sync(self._oidc.verify, token, issuer)
                return f"oidc:{identity.ext_id}", float(identity.claims.get("exp", retry))
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["sub", "exp", "iss"], "verify_aud": bool(self._audience)},
            )
        except Exception:  # refused by its verifier: counted as its sender's IP
            return None, retry
        return f"user:{claims['sub']}", float(claims["exp"])

    async def check(self, scope: HTTPScope) -> dict[str, str] | None:
        """Count the request; its ``RateLimit-*`` headers, or ``None`` when it is not
        counted. Raises :class:`TooManyRequestsException` (429) over the limit."""
        path = _app_path(scope)
        group = group_of(scope["method"], path)
        if group is None:
            return None
        rate = self.rates[group]
        now = time.time()
        window = int(now // rate.period)
        key = f"{self.prefix}:{group}:{await self.who(scope, group)}:{rate.period}:{window}"
        count = await self.counters.hit(key, rate.period)
        reset = max(1, math.ceil((window + 1) * rate.period - now))
        headers = {
            "RateLimit-Limit": str(rate.limit),
            "RateLimit-Remaining": str(max(0, rate.limit - count)),
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": f"{rate.limit};w={rate.period}",
        }
        if count > rate.limit:
            raise TooManyRequestsException(
                detail=f"Too many requests: at most {rate.limit} {_LABELS[group]} requests per "
                f"{rate.period} s; retry in {reset} s",
                headers={**headers, "Retry-After": str(reset)},
                extra={
                    "code": "rate_limited",
                    "group": group,
                    "limit": rate.limit,
                    "window_seconds": rate.period,
                    "retry_after": reset,
                },
            )
        return headers


def _app_path(scope: Scope) -> str:
    """The path within the app: without the ``root_path`` a proxy mounts it under."""
    path, root = scope["path"], scope.get("root_path") or ""
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


class RateLimitMiddleware:
    """ASGI middleware counting each HTTP request (see :class:`RateLimiting`) and
    adding the ``RateLimit-*`` headers to its response."""

    def __init__(self, app: ASGIApp, limits: RateLimiting) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = await self.limits.check(scope) if scope["type"] == ScopeType.HTTP else None
        if headers is None:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableScopeHeaders.from_message(message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except HTTPException as exc:  # answered by the exception handlers: 401, 403...
            exc.headers = {**headers, **(exc.headers or {})}
            raise
