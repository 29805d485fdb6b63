"""Redis for tests: the local server (``STUDIOCORE_TEST_REDIS_URL``, default
``redis://127.0.0.1:6379/0``), keys under a random prefix per use, deleted
afterwards. When it cannot be reached, tests skip with the reason; when the
``CI`` environment variable is set they fail instead (CI must run them)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

__all__ = ["redis_prefix", "redis_url", "require_redis"]

DEFAULT_URL = "redis://127.0.0.1:6379/0"
ENV_VAR = "STUDIOCORE_TEST_REDIS_URL"


def redis_url() -> str:
    """The URL of the test Redis."""
    return os.environ.get(ENV_VAR, "").strip() or DEFAULT_URL


def require_redis() -> None:
    """Skip the calling test when Redis does not answer (fail under ``CI``)."""
    try:
        with redis.Redis.from_url(redis_url(), socket_connect_timeout=2) as client:
            client.ping()
    except redis.RedisError as exc:
        reason = f"Redis at {redis_url()} is unreachable ({type(exc).__name__})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI requires the Redis tests to run", pytrace=False)
        pytest.skip(f"{reason}; set {ENV_VAR} to run the Redis tests")


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A fresh key prefix; every key under it is deleted afterwards."""
    require_redis()
    prefix = f"studiocore-test:{secrets.token_hex(6)}"
    try:
        yield prefix
    finally:
        with redis.Redis.from_url(redis_url()) as client:
            keys = list(client.scan_iter(match=f"{prefix}:*"))
            if keys:
                client.delete(*keys)
