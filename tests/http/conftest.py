"""Fixtures of the HTTP tests: an app over in-memory services and tokens per role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, User, UserRole
from studiocore_http import Settings, create_app, issue_token
from tests.support.idp import idp  # noqa: F401 - the local identity provider fixture

SECRET = "test-secret-that-is-long-enough-for-hs256!"
API = "/api/v1"
Headers = dict[str, str]


@pytest.fixture
def settings() -> Settings:
    # No user cache: the auth tests expect a ban to apply on the very next request.
    return Settings(jwt_secret=SECRET, log_requests=False, auth_cache_seconds=0)


@pytest.fixture
def services() -> Services:
    return Services.in_memory()


@pytest.fixture
def admin(services: Services) -> User:
    return services.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)


@pytest.fixture
def member(services: Services) -> User:
    return services.users.create("member@example.com", "Member")


@pytest.fixture
def app(settings: Settings, services: Services) -> Litestar:
    return create_app(settings, services=services)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


def bearer(settings: Settings, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(settings, user.uid)}"}


@pytest.fixture
def as_admin(settings: Settings, admin: User) -> dict[str, str]:
    return bearer(settings, admin)


@pytest.fixture
def as_member(settings: Settings, member: User) -> dict[str, str]:
    return bearer(settings, member)


def show_body(room_uid: str, start: str, end: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Live",
        "studio_room_uid": room_uid,
        "show_start": start,
        "show_end": end,
        **extra,
    }


def post_show(
    client: TestClient[Litestar],
    headers: Headers,
    room_uid: str,
    start: str,
    end: str,
    **extra: Any,
) -> Response:
    """POST a show of :func:`show_body` to ``/shows``."""
    return client.post(
        f"{API}/shows", json=show_body(room_uid, start, end, **extra), headers=headers
    )
