"""Configuration of the HTTP adapter, read from ``STUDIOCORE_*`` environment variables.

Every setting has an environment variable (documented in docs/http-api.md and,
for sign-in through OpenID Connect, docs/sign-in.md):

=========================================  ==========================================================
``STUDIOCORE_DATABASE_URL``                SQLAlchemy URL; default: a SQLite file (the SQL adapter's)
``STUDIOCORE_JWT_SECRET``                  HMAC secret for bearer tokens, at least 32 bytes
``STUDIOCORE_JWT_ISSUER``                  ``iss`` claim issued and required (default ``studiocore``)
``STUDIOCORE_JWT_AUDIENCE``                ``aud`` claim issued and required (default: none)
``STUDIOCORE_SECRET_KEYS``                 comma-separated Fernet keys encrypting platforms' ``api_config``
                                           (the first encrypts, all decrypt; ``studiocore keys generate``)
``STUDIOCORE_ACCESS_POLICY``               ``membership`` (the default: docs/access-control.md) or
                                           ``simple`` (Phase 2: admins write, everyone reads)
``STUDIOCORE_TOKEN_TTL_MINUTES``           lifetime of tokens made by ``studiocore token`` (1440)
``STUDIOCORE_ACCESS_CACHE``                on PostgreSQL, keep signed-in users and grants until the database signals a change (default ``true``)
``STUDIOCORE_AUTH_CACHE_SECONDS``          without the access cache: how long a token's user stays cached (0: no cache, the default)
``STUDIOCORE_CORS_ORIGINS``                comma-separated allowed origins (default: CORS off)
``STUDIOCORE_ALLOWED_HOSTS``               comma-separated ``Host`` values accepted (default: any)
``STUDIOCORE_SECURITY_HEADERS``            ``true``/``false``: nosniff, frame and referrer headers
``STUDIOCORE_HSTS_SECONDS``                send ``Strict-Transport-Security`` with this max-age (0: off)
``STUDIOCORE_MIGRATE_ON_START``            ``true``/``false``: upgrade the database when the app starts
``STUDIOCORE_LOG_REQUESTS``                ``true``/``false``: log one line per request (with its response)
``STUDIOCORE_DEMO``                        ``true``/``false``: demo mode (a derived dev secret is allowed)
``STUDIOCORE_DEBUG``                       ``true``/``false``: Litestar debug mode (tracebacks in bodies)
``STUDIOCORE_OIDC_ISSUER``                 an OpenID Connect issuer whose tokens are accepted (none)
``STUDIOCORE_OIDC_AUDIENCE``               the ``aud`` its tokens must carry (required with an issuer)
``STUDIOCORE_OIDC_JWKS_URL``               its key set (default: discovered from the issuer)
``STUDIOCORE_OIDC_ALGORITHMS``             comma-separated signing algorithms (``RS256,ES256``)
``STUDIOCORE_OIDC_PROVIDERS``              several issuers: a JSON list of ``{issuer, audience, jwks_url,``
                                           ``algorithms}`` objects (instead of the four above)
``STUDIOCORE_OIDC_PROVISION``              ``true``/``false``: create unknown users at first sign-in
``STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP``     ``<studio|client|platform>:<uid>:<role>`` for them
``STUDIOCORE_OIDC_JWKS_COOLDOWN_SECONDS``  least seconds between refetches for an unknown key (30)
``STUDIOCORE_OIDC_WEB_CLIENT_ID``          the web interface's client at the provider: people sign in
                                           to the pages with it (authorization code flow with PKCE)
``STUDIOCORE_OIDC_WEB_CLIENT_SECRET``      its secret, for a confidential client (none: PKCE alone)
``STUDIOCORE_OIDC_WEB_ISSUER``             which issuer the pages sign in through (default: the first)
``STUDIOCORE_PUBLIC_URL``                  the server's address as browsers reach it, for the sign-in
                                           redirect (default: the address of the request)
``STUDIOCORE_WEBHOOK_WORKER``              ``true``/``false``: the app sends webhooks from a thread of
                                           its own (default true; ``studiocore worker`` runs others)
``STUDIOCORE_WEBHOOK_TIMEOUT_SECONDS``     how long a webhook receiver may take to answer (10)
``STUDIOCORE_WEBHOOK_POLL_SECONDS``        how often a webhook worker looks for due retries (1)
``STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS``    comma-separated networks (CIDR) webhooks may reach besides
                                           public addresses (default: none; ``127.0.0.0/8``: this host)
``STUDIOCORE_DATABASE_REPLICA_URL``        a PostgreSQL streaming replica for the use cases that only
                                           read (default: none, every read on the primary)
``STUDIOCORE_LOG_FORMAT``                  ``json`` (one JSON object per line), ``text`` (one readable line),
                                           or ``auto`` (the default: text on a terminal, else JSON)
``STUDIOCORE_LOG_LEVEL``                   the least severity logged: ``debug``, ``info`` (the default),
                                           ``warning``, ``error`` or ``critical``
``STUDIOCORE_METRICS``                     ``true``/``false``: count requests and serve ``/metrics`` (true)
``STUDIOCORE_METRICS_ALLOW``               comma-separated addresses and networks that may read
                                           ``/metrics`` (default ``127.0.0.1,::1``; ``none``: no address)
``STUDIOCORE_METRICS_TOKEN``               a bearer token (16+ characters) that lets any address read it
``STUDIOCORE_RATE_LIMIT``                  ``true``/``false``: rate limiting (default true from the
                                           environment; docs/deployment.md)
``STUDIOCORE_RATE_LIMIT_READS``            reads per user (per IP before sign-in): ``600/minute``
``STUDIOCORE_RATE_LIMIT_WRITES``           writes (POST/PUT/PATCH/DELETE) per user: ``120/minute``
``STUDIOCORE_RATE_LIMIT_SIGN_IN``          sign-in attempts per client IP: ``10/minute``
``STUDIOCORE_RATE_LIMIT_PREFIX``           the prefix of the counters' keys (``studiocore:rate``)
``STUDIOCORE_REDIS_URL``                   Redis shared by all processes for the counters (none:
                                           each process counts for itself)
=========================================  ==========================================================

The parsers of values (and :class:`Rate`, :class:`ConfigError`) live in
:mod:`studiocore_http.settings_env`, the OpenID Connect settings
(:class:`OidcProvider`, :class:`DefaultMembership`) in
:mod:`studiocore_http.settings_oidc`; import them from here.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

import attrs

from studiocore import AccessPolicy, AdminWritesPolicy
from studiocore.access import MembershipPolicy

from .settings_env import (
    ENV_PREFIX,
    ConfigError,
    Rate,
    _flag,
    _float,
    _int,
    _list,
    _optional,
    _rate,
)
from .settings_oidc import (
    DEFAULT_OIDC_ALGORITHMS,
    OIDC_ALGORITHMS,
    DefaultMembership,
    OidcProvider,
    _oidc_providers,
    check_url,
)

__all__ = [
    "DEFAULT_OIDC_ALGORITHMS",
    "ENV_PREFIX",
    "MIN_SECRET_BYTES",
    "OIDC_ALGORITHMS",
    "ConfigError",
    "DefaultMembership",
    "OidcProvider",
    "Rate",
    "Settings",
    "check_url",
]

ACCESS_POLICIES = ("membership", "simple")
MIN_SECRET_BYTES = 32


LOG_FORMATS = ("auto", "text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
MIN_METRICS_TOKEN = 16


def _metrics_allow(env: Mapping[str, str]) -> tuple[str, ...]:
    """``STUDIOCORE_METRICS_ALLOW``: unset means this machine; ``none`` nobody."""
    if ENV_PREFIX + "METRICS_ALLOW" not in env:
        return ("127.0.0.1", "::1")
    allow = _list(env, "METRICS_ALLOW")
    return () if [a.lower() for a in allow] in ([], ["none"]) else allow


# rate limiting
DEFAULT_READS = Rate(limit=600, period=60)
DEFAULT_WRITES = Rate(limit=120, period=60)
DEFAULT_SIGN_IN = Rate(limit=10, period=60)
_REDIS_SCHEMES = ("redis", "rediss", "unix")


def demo_secret(database_url: str | None) -> str:
    """The development secret of demo mode: derived from the database URL so that
    ``studiocore serve --demo`` and ``studiocore token --demo`` agree. Anyone who
    knows the URL can derive it: never use demo mode for real data."""
    seed = f"studiocore-demo-secret:{database_url or 'default'}"
    return hashlib.sha256(seed.encode()).hexdigest()


def demo_secret_key(database_url: str | None) -> str:
    """The Fernet key of demo mode, derived from the database URL like
    :func:`demo_secret`, so ``studiocore serve --demo`` reads the secrets it
    stored on an earlier run. Anyone who knows the URL can derive it."""
    seed = f"studiocore-demo-secret-key:{database_url or 'default'}"
    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).decode("ascii")


@attrs.frozen(kw_only=True)
class Settings:
    """Everything :func:`studiocore_http.create_app` and the CLI need."""

    database_url: str | None = None
    """SQLAlchemy URL; ``None`` uses the SQL adapter's default (a SQLite file)."""
    jwt_secret: str | None = None
    jwt_issuer: str = "studiocore"
    jwt_audience: str | None = None
    secret_keys: tuple[str, ...] = ()
    """Fernet keys of the secrets stored at rest (see :meth:`storage_keys`)."""
    access_policy: str = "membership"
    """``membership`` (the access table) or ``simple`` (Phase 2: admins write,
    everyone reads)."""
    token_ttl_minutes: int = 24 * 60
    auth_cache_seconds: float = 0.0
    """How long an authenticated user is cached (0: load it on every request)
    where there is no access cache (SQLite, or ``access_cache`` off)."""
    access_cache: bool = True
    """Keep signed-in users and their grants in memory per process on
    PostgreSQL, forgotten as soon as the database signals a change
    (:mod:`studiocore_http.access_cache`); no effect on SQLite."""
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    security_headers: bool = True
    hsts_seconds: int = 0
    migrate_on_start: bool = True
    log_requests: bool = True
    demo: bool = False
    debug: bool = False
    oidc_providers: tuple[OidcProvider, ...] = ()
    """OpenID Connect issuers whose tokens are accepted besides the built-in ones."""
    oidc_provision: bool = False
    """Create the user of an unknown ``sub`` at its first sign-in."""
    oidc_default_membership: DefaultMembership | None = None
    """The membership such a user is given."""
    oidc_jwks_cooldown_seconds: float = 30.0
    """Least time between two refetches of a key set for a token with an unknown key."""
    oidc_web_client_id: str | None = None
    """The web interface's client at the identity provider (its ID tokens' ``aud``)."""
    oidc_web_client_secret: str | None = None
    """Its secret, for a confidential client; ``None``: a public client (PKCE alone)."""
    oidc_web_issuer: str | None = None
    """The issuer the pages sign in through (default: the first configured)."""
    public_url: str | None = None
    """The server's address as browsers reach it (default: each request's own)."""
    webhook_worker: bool = True
    """Whether the app sends webhooks from a thread of its own."""
    webhook_timeout_seconds: float = 10.0
    """How long a webhook receiver may take to answer."""
    webhook_poll_seconds: float = 1.0
    """How often a webhook worker looks for due retries (a commit wakes it at once)."""
    webhook_allowed_networks: tuple[str, ...] = ()
    """Networks (CIDR) webhooks may be sent to besides public addresses
    (:mod:`studiocore_http.egress`): loopback, private and link-local
    addresses are refused unless listed here."""
    # read replica
    database_replica_url: str | None = None
    """A PostgreSQL streaming replica of ``database_url`` that the use cases that
    only read use (``None``: every read on the primary)."""
    # -- observability (logs and metrics) --
    log_format: str = "auto"
    """``json``, ``text``, or ``auto``: text when stderr is a terminal, else JSON."""
    log_level: str = "info"
    """The least level logged: ``debug``, ``info``, ``warning`` or ``error``."""
    metrics: bool = True
    """Whether requests and domain events are counted and ``/metrics`` is served."""
    metrics_allow: tuple[str, ...] = ("127.0.0.1", "::1")
    """Addresses and networks (CIDR) that may read ``/metrics`` without a token."""
    metrics_token: str | None = None
    """A bearer token that lets any address read ``/metrics``."""
    # rate limiting
    rate_limit: bool = False
    """Whether requests are rate limited. Off for an app built from ``Settings()``
    in code (tests, embedding); :meth:`from_env` (``studiocore serve``) turns it on."""
    rate_limit_reads: Rate = DEFAULT_READS
    """Reads (GET, HEAD, OPTIONS) per user, or per client IP before sign-in."""
    rate_limit_writes: Rate = DEFAULT_WRITES
    """Writes (POST, PUT, PATCH, DELETE) per user, or per client IP before sign-in."""
    rate_limit_sign_in: Rate = DEFAULT_SIGN_IN
    """Sign-in attempts (web sign-in form, OIDC sign-in and callback) per client IP."""
    rate_limit_prefix: str = "studiocore:rate"
    """The prefix of the counters' keys (in Redis: several deployments can share one)."""
    redis_url: str | None = None
    """Redis for counters shared by every process and host; ``None``: per process."""

    def __attrs_post_init__(self) -> None:
        if self.access_policy not in ACCESS_POLICIES:
            raise ConfigError(
                f"{ENV_PREFIX}ACCESS_POLICY must be one of {', '.join(ACCESS_POLICIES)}, "
                f"got {self.access_policy!r}"
            )
        issuers = [p.issuer for p in self.oidc_providers]
        if len(set(issuers)) != len(issuers):
            raise ConfigError("an OIDC issuer is configured twice")
        if self.jwt_issuer in issuers:
            raise ConfigError(
                f"the OIDC issuer {self.jwt_issuer!r} is also {ENV_PREFIX}JWT_ISSUER, the "
                "issuer of built-in tokens: give them different names"
            )
        if (self.oidc_provision or self.oidc_default_membership) and not self.oidc_providers:
            raise ConfigError(
                f"{ENV_PREFIX}OIDC_PROVISION and OIDC_DEFAULT_MEMBERSHIP need an OIDC issuer"
            )
        if (self.oidc_web_client_id or self.oidc_web_issuer) and self.web_provider() is None:
            raise ConfigError(
                f"{ENV_PREFIX}OIDC_WEB_CLIENT_ID needs an OIDC issuer, and "
                f"{ENV_PREFIX}OIDC_WEB_ISSUER must be one of the configured issuers"
            )
        if self.public_url is not None:
            check_url(self.public_url, f"{ENV_PREFIX}PUBLIC_URL")
        self._check_observability()
        if self.oidc_default_membership is not None and not self.oidc_provision:
            raise ConfigError(
                f"{ENV_PREFIX}OIDC_DEFAULT_MEMBERSHIP is only used with "
                f"{ENV_PREFIX}OIDC_PROVISION=true"
            )
        if self.redis_url is not None and urlsplit(self.redis_url).scheme not in _REDIS_SCHEMES:
            raise ConfigError(
                f"{ENV_PREFIX}REDIS_URL must be a redis://, rediss:// or unix:// URL, "
                f"got a {urlsplit(self.redis_url).scheme or 'schemeless'} one"
            )

    def _check_observability(self) -> None:
        if self.log_format not in LOG_FORMATS:
            raise ConfigError(
                f"{ENV_PREFIX}LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, "
                f"got {self.log_format!r}"
            )
        if self.log_level not in LOG_LEVELS:
            raise ConfigError(
                f"{ENV_PREFIX}LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
                f"got {self.log_level!r}"
            )
        for name, items in (
            ("METRICS_ALLOW", self.metrics_allow),
            ("WEBHOOK_ALLOWED_NETWORKS", self.webhook_allowed_networks),
        ):
            for item in items:
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ConfigError(
                        f"{ENV_PREFIX}{name}: {item!r} is not an IP address or network"
                    ) from None
        if self.metrics_token is not None and len(self.metrics_token) < MIN_METRICS_TOKEN:
            raise ConfigError(
                f"{ENV_PREFIX}METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``STUDIOCORE_*`` variables (``os.environ`` by default);
        keyword ``overrides`` (e.g. from CLI options) win when not ``None``."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "database_url": _optional(env, "DATABASE_URL"),
            "jwt_secret": _optional(env, "JWT_SECRET"),
            "access_policy": _optional(env, "ACCESS_POLICY") or "membership",
            "jwt_issuer": env.get(ENV_PREFIX + "JWT_ISSUER") or "studiocore",
            "jwt_audience": _optional(env, "JWT_AUDIENCE"),
            "secret_keys": _list(env, "SECRET_KEYS"),
            "token_ttl_minutes": _int(env, "TOKEN_TTL_MINUTES", 24 * 60),
            "auth_cache_seconds": _float(env, "AUTH_CACHE_SECONDS", 0.0),
            "access_cache": _flag(env, "ACCESS_CACHE", True),
            "cors_origins": _list(env, "CORS_ORIGINS"),
            "allowed_hosts": _list(env, "ALLOWED_HOSTS"),
            "security_headers": _flag(env, "SECURITY_HEADERS", True),
            "hsts_seconds": _int(env, "HSTS_SECONDS", 0),
            "migrate_on_start": _flag(env, "MIGRATE_ON_START", True),
            "log_requests": _flag(env, "LOG_REQUESTS", True),
            "demo": _flag(env, "DEMO", False),
            "debug": _flag(env, "DEBUG", False),
            "oidc_providers": _oidc_providers(env),
            "oidc_provision": _flag(env, "OIDC_PROVISION", False),
            "oidc_default_membership": DefaultMembership.parse(membership)
            if (membership := _optional(env, "OIDC_DEFAULT_MEMBERSHIP"))
            else None,
            "oidc_jwks_cooldown_seconds": _float(env, "OIDC_JWKS_COOLDOWN_SECONDS", 30.0),
            "oidc_web_client_id": _optional(env, "OIDC_WEB_CLIENT_ID"),
            "oidc_web_client_secret": _optional(env, "OIDC_WEB_CLIENT_SECRET"),
            "oidc_web_issuer": _optional(env, "OIDC_WEB_ISSUER"),
            "public_url": _optional(env, "PUBLIC_URL"),
            "webhook_worker": _flag(env, "WEBHOOK_WORKER", True),
            "webhook_timeout_seconds": _float(env, "WEBHOOK_TIMEOUT_SECONDS", 10.0),
            "webhook_poll_seconds": _float(env, "WEBHOOK_POLL_SECONDS", 1.0),
            "webhook_allowed_networks": _list(env, "WEBHOOK_ALLOWED_NETWORKS"),
            # read replica
            "database_replica_url": _optional(env, "DATABASE_REPLICA_URL"),
            # observability (logs and metrics)
            "log_format": (_optional(env, "LOG_FORMAT") or "auto").strip().lower(),
            "log_level": (_optional(env, "LOG_LEVEL") or "info").strip().lower(),
            "metrics": _flag(env, "METRICS", True),
            "metrics_allow": _metrics_allow(env),
            "metrics_token": _optional(env, "METRICS_TOKEN"),
            # rate limiting
            "rate_limit": _flag(env, "RATE_LIMIT", True),
            "rate_limit_reads": _rate(env, "RATE_LIMIT_READS", DEFAULT_READS),
            "rate_limit_writes": _rate(env, "RATE_LIMIT_WRITES", DEFAULT_WRITES),
            "rate_limit_sign_in": _rate(env, "RATE_LIMIT_SIGN_IN", DEFAULT_SIGN_IN),
            "rate_limit_prefix": env.get(ENV_PREFIX + "RATE_LIMIT_PREFIX") or "studiocore:rate",
            "redis_url": _optional(env, "REDIS_URL"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def web_provider(self) -> OidcProvider | None:
        """The provider the web interface signs people in through: the configured
        web issuer (or the first issuer) when a web client is set, else ``None``."""
        if not self.oidc_web_client_id or not self.oidc_providers:
            return None
        wanted = self.oidc_web_issuer or self.oidc_providers[0].issuer
        return next((p for p in self.oidc_providers if p.issuer == wanted), None)

    def signing_secret(self) -> str:
        """The secret tokens are signed with. Outside demo mode a configured secret
        of at least 32 bytes is required; demo mode derives one when none is set."""
        if self.jwt_secret is None:
            if self.demo:
                return demo_secret(self.database_url)
            raise ConfigError(
                f"{ENV_PREFIX}JWT_SECRET is not set: refusing to start without a token secret "
                "(use --demo for a throw-away development setup)"
            )
        if len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(f"{ENV_PREFIX}JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        return self.jwt_secret

    def policy(self) -> AccessPolicy:
        """The core's access policy this setting names."""
        return MembershipPolicy() if self.access_policy == "membership" else AdminWritesPolicy()

    def storage_keys(self) -> tuple[str, ...]:
        """The keys the SQL adapter encrypts secrets with: the configured ones;
        in demo mode without any, one derived from the database URL; otherwise
        none (then a platform's non-empty ``api_config`` cannot be stored)."""
        if not self.secret_keys and self.demo:
            return (demo_secret_key(self.database_url),)
        return self.secret_keys

    @property
    def uses_derived_secret_keys(self) -> bool:
        """Whether secrets are encrypted with the derived demo key."""
        return not self.secret_keys and self.demo

    @property
    def uses_derived_secret(self) -> bool:
        """Whether tokens are signed with the derived demo secret."""
        return self.jwt_secret is None and self.demo
