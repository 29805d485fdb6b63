"""Authentication and the Phase 2 access matrix: admins write, others read."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import jwt
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import (
    AccessRequest,
    Action,
    Actor,
    PermissionDeniedError,
    Services,
    User,
    UserRole,
    Visibility,
)
from studiocore_http import ConfigError, Settings, create_app, issue_token
from studiocore_http.auth import UserCache
from studiocore_http.observability.logs import make_formatter

from .conftest import SECRET, bearer

API = "/api/v1"

READS = [
    "studios",
    "studio-rooms",
    "clients",
    "mcs",
    "platforms",
    "materials",
    "tags",
    "shows",
    "users",
    "material-types",
    "schedule-statuses",
    "change-categories",
    "change-types",
]


@pytest.mark.parametrize("resource", READS)
def test_every_resource_needs_a_token(resource: str, client: TestClient[Litestar]) -> None:
    response = client.get(f"{API}/{resource}")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status_code"] == 401


def test_health_and_the_schema_need_no_token(client: TestClient[Litestar]) -> None:
    assert client.get("/health").status_code == 200
    assert client.get("/schema/openapi.json").status_code == 200
    assert client.get("/schema").status_code == 200


@pytest.mark.parametrize("resource", READS)
def test_a_member_reads_every_resource(
    resource: str, client: TestClient[Litestar], as_member: dict[str, str]
) -> None:
    assert client.get(f"{API}/{resource}", headers=as_member).status_code == 200


def test_a_member_cannot_write_and_nothing_is_written(
    client: TestClient[Litestar], services: Services, as_member: dict[str, str]
) -> None:
    studio = services.studios.create("Seoul")
    attempts = [
        client.post(f"{API}/studios", json={"name": "Mine"}, headers=as_member),
        client.patch(f"{API}/studios/{studio.uid}", json={"name": "X"}, headers=as_member),
        client.delete(f"{API}/studios/{studio.uid}", headers=as_member),
        client.post(f"{API}/material-types", json={"name": "x"}, headers=as_member),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert response.json()["status_code"] == 403
    assert [s.name for s in services.studios.list()] == ["Seoul"]


def test_an_admin_writes(client: TestClient[Litestar], as_admin: dict[str, str]) -> None:
    response = client.post(f"{API}/studios", json={"name": "Mine"}, headers=as_admin)
    assert response.status_code == 201


def test_a_banned_user_gets_403_even_on_reads(
    client: TestClient[Litestar], services: Services, settings: Settings
) -> None:
    banned = services.users.create("banned@example.com", "Banned", role="admin", is_banned=True)
    headers = bearer(settings, banned)
    assert client.get(f"{API}/studios", headers=headers).status_code == 403
    assert client.post(f"{API}/studios", json={"name": "X"}, headers=headers).status_code == 403


def test_a_token_of_an_unknown_or_deleted_user_is_a_401(
    client: TestClient[Litestar], services: Services, settings: Settings, member: User
) -> None:
    headers = bearer(settings, member)
    services.users.delete(member.uid)
    assert client.get(f"{API}/studios", headers=headers).status_code == 401
    ghost = {"Authorization": f"Bearer {issue_token(settings, 'user_01J0000000000000000000000')}"}
    assert client.get(f"{API}/studios", headers=ghost).status_code == 401


def test_banning_a_user_takes_effect_on_the_next_request(
    client: TestClient[Litestar], services: Services, as_member: dict[str, str], member: User
) -> None:
    assert client.get(f"{API}/studios", headers=as_member).status_code == 200
    services.users.update(member.uid, {"is_banned": True})
    assert client.get(f"{API}/studios", headers=as_member).status_code == 403


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        jwt.encode({"sub": "x", "exp": 4102444800, "iss": "studiocore"}, "wrong-secret" * 4),
    ],
)
def test_malformed_or_forged_tokens_are_a_401(token: str, client: TestClient[Litestar]) -> None:
    response = client.get(f"{API}/studios", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_expired_tokens_and_foreign_issuers_are_a_401(
    client: TestClient[Litestar], settings: Settings, admin: User
) -> None:
    expired = jwt.encode(
        {"sub": admin.uid, "exp": 1_000_000_000, "iss": settings.jwt_issuer}, SECRET, "HS256"
    )
    response = client.get(f"{API}/studios", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    foreign = jwt.encode(
        {"sub": admin.uid, "exp": 4102444800, "iss": "someone-else"}, SECRET, algorithm="HS256"
    )
    response = client.get(f"{API}/studios", headers={"Authorization": f"Bearer {foreign}"})
    assert response.status_code == 401


def test_a_token_remembered_as_verified_is_refused_once_it_expires(
    client: TestClient[Litestar], settings: Settings, admin: User
) -> None:
    token = issue_token(settings, admin.uid, ttl=timedelta(seconds=2))
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/studios", headers=headers).status_code == 200
    assert client.get(f"{API}/studios", headers=headers).status_code == 200  # remembered
    time.sleep(max(0.0, expires - time.time()) + 0.1)
    response = client.get(f"{API}/studios", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "token expired"


def test_the_app_refuses_to_start_without_a_secret_outside_demo_mode() -> None:
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        create_app(Settings(), services=Services.in_memory())
    with pytest.raises(ConfigError, match="32 bytes"):
        create_app(Settings(jwt_secret="short"), services=Services.in_memory())


def test_demo_mode_derives_a_stable_secret_from_the_database_url() -> None:
    one = Settings(demo=True, database_url="sqlite:///a.db")
    assert (
        one.signing_secret() == Settings(demo=True, database_url="sqlite:///a.db").signing_secret()
    )
    assert (
        one.signing_secret() != Settings(demo=True, database_url="sqlite:///b.db").signing_secret()
    )
    assert one.uses_derived_secret
    create_app(one, services=Services.in_memory())


def test_settings_come_from_studiocore_environment_variables() -> None:
    settings = Settings.from_env(
        {
            "STUDIOCORE_DATABASE_URL": "sqlite:///x.db",
            "STUDIOCORE_JWT_SECRET": SECRET,
            "STUDIOCORE_JWT_ISSUER": "me",
            "STUDIOCORE_CORS_ORIGINS": "https://a.example, https://b.example",
            "STUDIOCORE_SECURITY_HEADERS": "false",
            "STUDIOCORE_DEMO": "yes",
        },
        database_url="sqlite:///override.db",
    )
    assert settings.database_url == "sqlite:///override.db"
    assert settings.jwt_issuer == "me"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.security_headers is False
    assert settings.demo is True
    with pytest.raises(ConfigError, match="STUDIOCORE_DEMO"):
        Settings.from_env({"STUDIOCORE_DEMO": "maybe"})


def test_cors_and_security_headers_follow_the_settings(services: Services) -> None:
    settings = Settings(jwt_secret=SECRET, cors_origins=("https://app.example",), hsts_seconds=60)
    with TestClient(create_app(settings, services=services)) as client:
        response = client.get("/health", headers={"Origin": "https://app.example"})
        assert response.headers["access-control-allow-origin"] == "https://app.example"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["strict-transport-security"].startswith("max-age=60")
    quiet = Settings(jwt_secret=SECRET, security_headers=False)
    with TestClient(create_app(quiet, services=services)) as client:
        response = client.get("/health", headers={"Origin": "https://app.example"})
        assert "x-content-type-options" not in response.headers
        assert "access-control-allow-origin" not in response.headers


def test_the_user_cache_serves_a_user_for_its_ttl_only() -> None:
    now = [100.0]
    cache = UserCache(2.0, clock=lambda: now[0])
    user = Services.in_memory().users.create("c@example.com", "C")
    assert cache.get(user.uid) == (False, None)
    cache.put(user.uid, user)
    cache.put("user_unknown", None)
    now[0] += 1.9
    assert cache.get(user.uid) == (True, user)
    assert cache.get("user_unknown") == (True, None)
    now[0] += 0.1
    assert cache.get(user.uid) == (False, None)
    off = UserCache(0.0, clock=lambda: now[0])
    off.put(user.uid, user)
    assert off.get(user.uid) == (False, None)


def test_by_default_a_ban_applies_to_the_next_request(services: Services) -> None:
    settings = Settings(jwt_secret=SECRET, log_requests=False)
    assert settings.auth_cache_seconds == 0
    assert Settings.from_env({}).auth_cache_seconds == 0
    user = services.users.create("banned-now@example.com", "Now")
    headers = bearer(settings, user)
    with TestClient(create_app(settings, services=services)) as client:
        assert client.get(f"{API}/studios", headers=headers).status_code == 200
        services.users.update(user.uid, {"is_banned": True})
        assert client.get(f"{API}/studios", headers=headers).status_code == 403


def test_with_a_user_cache_a_ban_applies_within_the_ttl(services: Services) -> None:
    settings = Settings(jwt_secret=SECRET, log_requests=False, auth_cache_seconds=2.0)
    user = services.users.create("soon-banned@example.com", "Soon")
    headers = bearer(settings, user)
    with TestClient(create_app(settings, services=services)) as client:
        assert client.get(f"{API}/studios", headers=headers).status_code == 200
        services.users.update(user.uid, {"is_banned": True})
        assert client.get(f"{API}/studios", headers=headers).status_code == 200  # cached
    with TestClient(create_app(settings, services=services)) as client:
        assert client.get(f"{API}/studios", headers=headers).status_code == 403
    assert Settings.from_env({"STUDIOCORE_AUTH_CACHE_SECONDS": "2"}).auth_cache_seconds == 2
    with pytest.raises(ConfigError, match="AUTH_CACHE_SECONDS"):
        Settings.from_env({"STUDIOCORE_AUTH_CACHE_SECONDS": "-1"})


def test_cors_preflights_are_answered_without_a_token(services: Services) -> None:
    settings = Settings(
        jwt_secret=SECRET, log_requests=False, cors_origins=("https://app.example",)
    )
    with TestClient(create_app(settings, services=services)) as client:
        response = client.options(
            f"{API}/studios",
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert response.status_code in {200, 204}
        assert response.headers["access-control-allow-origin"] == "https://app.example"
        assert "POST" in response.headers["access-control-allow-methods"]


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_requests_are_logged_without_the_token(services: Services, admin: User) -> None:
    settings = Settings(jwt_secret=SECRET, log_requests=True)
    token = issue_token(settings, admin.uid)
    handler = _ListHandler()
    records = handler.records
    logger = logging.getLogger("studiocore_http.requests")
    with TestClient(create_app(settings, services=services)) as client:
        logger.addHandler(handler)  # after startup: the app's logging config is applied
        try:
            client.get(f"{API}/studios?limit=5", headers={"Authorization": f"Bearer {token}"})
        finally:
            logger.removeHandler(handler)
    formatter = make_formatter("json")
    [line] = [json.loads(formatter.format(r)) for r in records]
    assert (line["route"], line["status"]) == ("/api/v1/studios", 200)
    assert "limit" not in str(line)  # no query string: it may carry a token
    assert token not in str(line)


class _ManagersWrite:
    """A stand-in for a later policy: managers write too; banned users nothing."""

    def visibility(self, actor: Actor, resource: str) -> Visibility | None:
        return None  # lists unfiltered

    def authorize(self, request: AccessRequest) -> None:
        actor, action = request.actor, request.action
        if actor.is_banned or (
            action is Action.WRITE and actor.role not in {UserRole.ADMIN, UserRole.MANAGER}
        ):
            raise PermissionDeniedError("no", action=action.value, resource=request.resource)


def test_swapping_the_core_policy_changes_access_without_touching_the_app(
    settings: Settings,
) -> None:
    services = Services.in_memory(policy=_ManagersWrite())
    manager = services.users.create("m@example.com", "M", role=UserRole.MANAGER)
    user = services.users.create("u@example.com", "U")
    with TestClient(create_app(settings, services=services)) as client:
        created = client.post(
            f"{API}/studios", json={"name": "By manager"}, headers=bearer(settings, manager)
        )
        assert created.status_code == 201
        refused = client.post(
            f"{API}/studios", json={"name": "By user"}, headers=bearer(settings, user)
        )
        assert refused.status_code == 403
        assert refused.json()["extra"] == {"action": "write", "resource": "studios"}


class _NoShowReading:
    """A policy under which nobody may read shows (everything else as usual)."""

    def visibility(self, actor: Actor, resource: str) -> Visibility | None:
        return None  # lists unfiltered

    def authorize(self, request: AccessRequest) -> None:
        if request.action is Action.READ and request.resource == "shows":
            raise PermissionDeniedError("no shows", action="read", resource="shows")


def test_the_service_alone_decides_so_http_cannot_refuse_what_the_core_allows(
    settings: Settings,
) -> None:
    # Availability is a read of the studio's rooms in the core; the HTTP layer
    # once asked the policy about "shows" first and refused it.
    services = Services.in_memory(policy=_NoShowReading())
    user = services.users.create("u@example.com", "U")
    studio = services.studios.create("Seoul")
    services.studio_rooms.create(studio.uid, "A")
    headers = bearer(settings, user)
    window = "start=2030-01-01T00:00:00Z&end=2030-01-02T00:00:00Z"
    with TestClient(create_app(settings, services=services)) as client:
        free = client.get(f"{API}/studios/{studio.uid}/availability?{window}", headers=headers)
        assert free.status_code == 200, free.text
        assert [room["room_name"] for room in free.json()["rooms"]] == ["A"]
        refused = client.get(f"{API}/shows", headers=headers)
        assert refused.status_code == 403
        assert refused.json()["extra"] == {"action": "read", "resource": "shows"}


def test_a_configured_audience_is_issued_and_required(services: Services, admin: User) -> None:
    settings = Settings(jwt_secret=SECRET, log_requests=False, jwt_audience="studio-app")
    with TestClient(create_app(settings, services=services)) as client:
        assert client.get(f"{API}/studios", headers=bearer(settings, admin)).status_code == 200
        other = Settings(jwt_secret=SECRET, jwt_audience="another-app")
        assert client.get(f"{API}/studios", headers=bearer(other, admin)).status_code == 401
        none = Settings(jwt_secret=SECRET)
        assert client.get(f"{API}/studios", headers=bearer(none, admin)).status_code == 401
