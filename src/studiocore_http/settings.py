"""Configuration of the HTTP adapter, read from ``STUDIOCORE_*`` environment variables.

Every setting has an environment variable (documented in docs/http-api.md):

===================================  ==========================================================
``STUDIOCORE_DATABASE_URL``          SQLAlchemy URL; default: a SQLite file (the SQL adapter's)
``STUDIOCORE_JWT_SECRET``            HMAC secret for bearer tokens, at least 32 bytes
``STUDIOCORE_JWT_ISSUER``            ``iss`` claim issued and required (default ``studiocore``)
``STUDIOCORE_JWT_AUDIENCE``          ``aud`` claim issued and required (default: none)
``STUDIOCORE_SECRET_KEYS``           comma-separated Fernet keys encrypting platforms' ``api_config``
                                     (the first encrypts, all decrypt; ``studiocore keys generate``)
``STUDIOCORE_TOKEN_TTL_MINUTES``     lifetime of tokens made by ``studiocore token`` (1440)
``STUDIOCORE_AUTH_CACHE_SECONDS``    how long a token's user stays cached (0: no cache, the default)
``STUDIOCORE_CORS_ORIGINS``          comma-separated allowed origins (default: CORS off)
``STUDIOCORE_ALLOWED_HOSTS``         comma-separated ``Host`` values accepted (default: any)
``STUDIOCORE_SECURITY_HEADERS``      ``true``/``false``: nosniff, frame and referrer headers
``STUDIOCORE_HSTS_SECONDS``          send ``Strict-Transport-Security`` with this max-age (0: off)
``STUDIOCORE_MIGRATE_ON_START``      ``true``/``false``: upgrade the database when the app starts
``STUDIOCORE_LOG_REQUESTS``          ``true``/``false``: log one line per request and response
``STUDIOCORE_DEMO``                  ``true``/``false``: demo mode (a derived dev secret is allowed)
``STUDIOCORE_DEBUG``                 ``true``/``false``: Litestar debug mode (tracebacks in bodies)
===================================  ==========================================================
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping

import attrs

__all__ = ["ENV_PREFIX", "MIN_SECRET_BYTES", "ConfigError", "Settings"]

ENV_PREFIX = "STUDIOCORE_"
MIN_SECRET_BYTES = 32


class ConfigError(Exception):
    """The configuration cannot run a server (for example: no JWT secret)."""


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{ENV_PREFIX}{name} must be true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name} must be an integer, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{ENV_PREFIX}{name} must not be negative")
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(ENV_PREFIX + name, "")
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _optional(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(ENV_PREFIX + name)
    return raw if raw else None


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
    token_ttl_minutes: int = 24 * 60
    auth_cache_seconds: float = 0.0
    """How long an authenticated user is cached (0: load it on every request)."""
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    security_headers: bool = True
    hsts_seconds: int = 0
    migrate_on_start: bool = True
    log_requests: bool = True
    demo: bool = False
    debug: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``STUDIOCORE_*`` variables (``os.environ`` by default);
        keyword ``overrides`` (e.g. from CLI options) win when not ``None``."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "database_url": _optional(env, "DATABASE_URL"),
            "jwt_secret": _optional(env, "JWT_SECRET"),
            "jwt_issuer": env.get(ENV_PREFIX + "JWT_ISSUER") or "studiocore",
            "jwt_audience": _optional(env, "JWT_AUDIENCE"),
            "secret_keys": _list(env, "SECRET_KEYS"),
            "token_ttl_minutes": _int(env, "TOKEN_TTL_MINUTES", 24 * 60),
            "auth_cache_seconds": _float(env, "AUTH_CACHE_SECONDS", 0.0),
            "cors_origins": _list(env, "CORS_ORIGINS"),
            "allowed_hosts": _list(env, "ALLOWED_HOSTS"),
            "security_headers": _flag(env, "SECURITY_HEADERS", True),
            "hsts_seconds": _int(env, "HSTS_SECONDS", 0),
            "migrate_on_start": _flag(env, "MIGRATE_ON_START", True),
            "log_requests": _flag(env, "LOG_REQUESTS", True),
            "demo": _flag(env, "DEMO", False),
            "debug": _flag(env, "DEBUG", False),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

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
