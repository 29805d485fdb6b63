"""Rate limiting (docs/deployment.md, "Rate limits"): per user, per IP before sign-in,
budgets per route group, exemptions, settings and the documentation. Counters in
Redis: test_rate_limit_redis.py."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import attrs
import httpx
import jwt
import pytest
from litestar import Litestar
from litestar.exceptions import TooManyRequestsException
from litestar.testing import TestClient

from studiocore import Services, User
from studiocore_http import Settings, create_app
from studiocore_http.auth import build_jwt_auth
from studiocore_http.oidc import external_id
from studiocore_http.ratelimit import RateLimiting, group_of
from studiocore_http.settings import ConfigError, OidcProvider, Rate
from tests.http.conftest import SECRET, bearer
from tests.support.idp import AUDIENCE, LocalIdP, new_key
from tests.support.sse import SseReader, ThreadedServer
from tests.web.conftest import CLIENT_MANAGER, STUDIO_MANAGER, Browser, demo_services, demo_settings

API = "/api/v1"
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")


def limited(**rates: Any) -> Settings:
    """The tests' settings with rate limiting on (``reads=Rate(...)`` and so on)."""
    return Settings(
        jwt_secret=SECRET,
        log_requests=False,
        rate_limit=True,
        **{f"rate_limit_{group}": rate for group, rate in rates.items()},
    )


def wait_for_a_fresh_window(period: int, needed: float) -> None:
    """Budgets are windows aligned to the clock: a test whose requests straddle
    the turn of one would see its budget renewed halfway. Start far enough from it."""
    left = period - time.time() % period
    if left < needed:
        time.sleep(left + 0.1)


def per_minute(limit: int) -> Rate:
    """A budget of ``limit`` requests a minute, with at least 10 s of the current
    minute left (see :func:`wait_for_a_fresh_window`)."""
    wait_for_a_fresh_window(60, needed=10)
    return Rate(limit=limit, period=60)


@contextmanager
def client_of(settings: Settings, services: Services) -> Iterator[TestClient[Litestar]]:
    with TestClient(create_app(settings, services=services)) as client:
        yield client


@pytest.fixture
def other(services: Services) -> User:
    return services.users.create("other@example.com", "Other")


# --------------------------------------------------------------------------- limits and headers


def test_a_user_gets_429_with_retry_after_once_the_reads_are_used_up(
    services: Services, admin: User
) -> None:
    settings = limited(reads=per_minute(3))
    with client_of(settings, services) as client:
        answers = [client.get(f"{API}/studios", headers=bearer(settings, admin)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    for answer in answers:
        assert answer.headers["RateLimit-Limit"] == "3"
        assert answer.headers["RateLimit-Policy"] == "3;w=60"
        assert 1 <= int(answer.headers["RateLimit-Reset"]) <= 60
    refused = answers[-1]
    assert refused.headers["Retry-After"] == refused.headers["RateLimit-Reset"]
    body = refused.json()
    assert body["status_code"] == 429
    assert "at most 3 read requests per 60 s" in body["detail"]
    assert body["extra"] == {
        "code": "rate_limited",
        "group": "reads",
        "limit": 3,
        "window_seconds": 60,
        "retry_after": int(refused.headers["Retry-After"]),
    }


def test_two_users_have_separate_budgets(services: Services, admin: User, other: User) -> None:
    settings = limited(reads=per_minute(2))
    with client_of(settings, services) as client:
        first = [client.get(f"{API}/studios", headers=bearer(settings, admin)) for _ in range(3)]
        second = [client.get(f"{API}/studios", headers=bearer(settings, other)) for _ in range(3)]
    assert [a.status_code for a in first] == [200, 200, 429]
    assert [a.status_code for a in second] == [200, 200, 429]


def test_a_users_budget_is_not_spent_by_anonymous_requests_from_the_same_address(
    services: Services, admin: User
) -> None:
    settings = limited(reads=per_minute(2))
    with client_of(settings, services) as client:
        anonymous = [client.get(f"{API}/studios") for _ in range(3)]
        signed_in = client.get(f"{API}/studios", headers=bearer(settings, admin))
    assert [a.status_code for a in anonymous] == [401, 401, 429]
    assert anonymous[0].headers["RateLimit-Remaining"] == "1"  # on a 401 too
    assert signed_in.status_code == 200


def test_forged_or_expired_tokens_count_against_the_senders_address(
    services: Services, admin: User
) -> None:
    settings = limited(reads=per_minute(3))
    forged = Settings(jwt_secret="another-secret-that-is-long-enough-for-hs256")
    expired = jwt.encode(
        {"sub": admin.uid, "iss": "studiocore", "exp": datetime.now(UTC) - timedelta(minutes=1)},
        SECRET,
        algorithm="HS256",
    )
    with client_of(settings, services) as client:
        codes = [
            client.get(f"{API}/studios", headers=bearer(forged, admin)).status_code,
            client.get(
                f"{API}/studios", headers={"Authorization": f"Bearer {expired}"}
            ).status_code,
            client.get(f"{API}/studios", headers={"Authorization": "Bearer not-a-jwt"}).status_code,
            client.get(f"{API}/studios").status_code,
        ]
        assert client.get(f"{API}/studios", headers=bearer(settings, admin)).status_code == 200
    assert codes == [401, 401, 401, 429]


def test_before_sign_in_each_client_address_has_its_own_budget(
    settings: Settings, services: Services
) -> None:
    limits = RateLimiting(limited(reads=per_minute(2)), build_jwt_auth(settings, services))

    def check(address: str) -> dict[str, str] | None:
        scope: Any = {
            "type": "http",
            "method": "GET",
            "path": f"{API}/studios",
            "headers": [],
            "client": (address, 50000),
        }
        return anyio.run(limits.check, scope)

    assert check("10.0.0.1") is not None
    assert check("10.0.0.1") is not None
    with pytest.raises(TooManyRequestsException) as refused:
        check("10.0.0.1")
    assert refused.value.extra == {
        "code": "rate_limited",
        "group": "reads",
        "limit": 2,
        "window_seconds": 60,
        "retry_after": int((refused.value.headers or {})["Retry-After"]),
    }
    second = check("10.0.0.2")
    assert second is not None
    assert second["RateLimit-Remaining"] == "1"


def test_oidc_tokens_are_counted_per_user_and_forged_ones_per_address(
    services: Services, idp: LocalIdP
) -> None:
    settings = attrs.evolve(
        limited(reads=per_minute(2)),
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE),),
    )
    for subject in ("alice-1", "bob-2"):
        services.users.create(
            f"{subject}@example.com", subject, ext_id=external_id(idp.issuer, subject)
        )
    forged = jwt.encode(idp.claims("bob-2"), new_key(), algorithm="RS256", headers={"kid": "key-1"})

    def get(client: TestClient[Litestar], token: str) -> int:
        answer = client.get(f"{API}/studios", headers={"Authorization": f"Bearer {token}"})
        return answer.status_code

    with client_of(settings, services) as client:
        alice = [get(client, idp.token("alice-1")) for _ in range(3)]
        bob = get(client, idp.token("bob-2"))
        forgeries = [get(client, forged) for _ in range(3)]
    assert alice == [200, 200, 429]
    assert bob == 200
    assert forgeries == [401, 401, 429]


def test_a_server_sent_events_stream_counts_once_when_it_connects(
    services: Services, admin: User
) -> None:
    settings = limited(reads=per_minute(3))
    url_of = f"{API}/notifications/stream"
    with ThreadedServer(create_app(settings, services=services)) as server:
        stream = SseReader(f"{server.url}{url_of}", bearer(settings, admin))
        try:
            time.sleep(1.5)  # the stream stays open, sending nothing that counts
            codes = [
                httpx.get(f"{server.url}{API}/studios", headers=bearer(settings, admin)).status_code
                for _ in range(3)
            ]
        finally:
            stream.close()
    assert stream.status == 200
    assert codes == [200, 200, 429]


def test_behind_a_trusted_proxy_the_address_uvicorn_resolved_is_counted(
    services: Services,
) -> None:
    # uvicorn (proxy headers on, trusting 127.0.0.1 by default, like `serve`) puts
    # the forwarded address in scope["client"]; the rate limit counts that.
    settings = limited(reads=per_minute(2))

    def get(server: ThreadedServer, address: str) -> int:
        headers = {"X-Forwarded-For": address}
        return httpx.get(f"{server.url}{API}/studios", headers=headers).status_code

    with ThreadedServer(create_app(settings, services=services)) as server:
        first = [get(server, "203.0.113.1") for _ in range(3)]
        second = get(server, "203.0.113.2")
    assert first == [401, 401, 429]
    assert second == 401


def test_under_a_root_path_the_exemptions_still_apply(
    settings: Settings, services: Services
) -> None:
    limits = RateLimiting(limited(reads=per_minute(1)), build_jwt_auth(settings, services))

    def check(path: str) -> dict[str, str] | None:
        scope: Any = {
            "type": "http",
            "method": "GET",
            "path": f"/studiocore{path}",
            "root_path": "/studiocore",
            "headers": [],
            "client": ("10.0.0.7", 50000),
        }
        return anyio.run(limits.check, scope)

    assert [check("/health/ready"), check("/schema"), check("/metrics")] == [None, None, None]
    headers = check(f"{API}/studios")
    assert headers is not None
    assert headers["RateLimit-Remaining"] == "0"


def test_the_rate_limit_itself_never_reads_x_forwarded_for(
    settings: Settings, services: Services
) -> None:
    limits = RateLimiting(limited(reads=per_minute(2)), build_jwt_auth(settings, services))

    def check(forwarded_for: str) -> dict[str, str] | None:
        scope: Any = {
            "type": "http",
            "method": "GET",
            "path": f"{API}/studios",
            "headers": [(b"x-forwarded-for", forwarded_for.encode())],
            "client": ("10.0.0.9", 50000),
        }
        return anyio.run(limits.check, scope)

    check("203.0.113.1")
    check("203.0.113.2")
    with pytest.raises(TooManyRequestsException):
        check("203.0.113.3")


def test_writes_have_a_budget_of_their_own_stricter_than_reads(
    services: Services, admin: User
) -> None:
    settings = limited(reads=per_minute(10), writes=per_minute(2))
    headers = bearer(settings, admin)
    with client_of(settings, services) as client:
        writes = [
            client.post(f"{API}/studios", json={"name": f"S{i}"}, headers=headers) for i in range(3)
        ]
        read = client.get(f"{API}/studios", headers=headers)
        missing = client.get(f"{API}/studios/studio_01HZZZZZZZZZZZZZZZZZZZZZZZ", headers=headers)
    assert [w.status_code for w in writes] == [201, 201, 429]
    assert missing.status_code == 404  # an error answer carries the headers too
    assert missing.headers["RateLimit-Remaining"] == "8"
    assert writes[-1].json()["extra"]["group"] == "writes"
    assert writes[0].headers["RateLimit-Limit"] == "2"
    assert read.status_code == 200
    assert read.headers["RateLimit-Limit"] == "10"
    assert read.headers["RateLimit-Remaining"] == "9"
    assert read.json()["total"] == 2


def test_the_defaults_allow_more_reads_than_writes_and_few_sign_ins() -> None:
    settings = Settings.from_env({})
    assert settings.rate_limit is True
    assert (str(settings.rate_limit_reads), str(settings.rate_limit_writes)) == (
        "600/minute",
        "120/minute",
    )
    assert str(settings.rate_limit_sign_in) == "10/minute"
    assert settings.redis_url is None


def test_an_app_built_from_settings_in_code_is_not_rate_limited(
    client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    answers = [client.get(f"{API}/studios", headers=as_admin) for _ in range(30)]
    assert {a.status_code for a in answers} == {200}
    assert "RateLimit-Limit" not in answers[0].headers


def test_sign_in_attempts_are_counted_per_address_even_when_signed_in() -> None:
    services = demo_services()
    settings = attrs.evolve(
        demo_settings(),
        rate_limit=True,
        rate_limit_sign_in=per_minute(2),
        rate_limit_reads=per_minute(50),
    )
    app = create_app(settings, services=services)
    with Browser(app, base_url="https://testserver.local") as browser:
        browser.sign_in(STUDIO_MANAGER)  # the first attempt
        token = browser.token("/sign-in")
        second = browser.post("/sign-in", data={"email": STUDIO_MANAGER, "_csrf_token": token})
        third = browser.post("/sign-in", data={"email": STUDIO_MANAGER, "_csrf_token": token})
        callback = browser.get("/sign-in/callback?code=x&state=y")
        page = browser.get("/sign-in")
    assert second.status_code == 200
    assert third.status_code == 429
    assert third.json()["extra"]["group"] == "sign_in"
    assert callback.status_code == 429
    assert page.status_code == 200  # the sign-in page itself is a read


def test_web_sessions_are_counted_per_signed_in_user() -> None:
    services = demo_services()
    settings = attrs.evolve(demo_settings(), rate_limit=True, rate_limit_reads=per_minute(6))
    app = create_app(settings, services=services)
    with Browser(app, base_url="https://testserver.local") as browser:
        browser.sign_in(STUDIO_MANAGER)
        spent = [browser.get("/agenda").status_code for _ in range(7)]
        browser.cookies.clear()  # another person, from the same address
        browser.sign_in(CLIENT_MANAGER)
        other = browser.get("/agenda")
    # the redirect to /schedules after signing in was the session's first read
    assert spent == [200] * 5 + [429, 429]
    assert other.status_code == 200
    assert other.headers["RateLimit-Remaining"] == "4"  # its own budget: the redirect and this


def test_health_metrics_static_and_docs_are_not_counted(services: Services, admin: User) -> None:
    settings = limited(reads=per_minute(1))
    with client_of(settings, services) as client:
        for path in ["/health", "/schema", "/schema/openapi.json", "/static/app.css"]:
            answers = [client.get(path) for _ in range(3)]
            assert all(a.status_code < 429 for a in answers), path
            assert "RateLimit-Limit" not in answers[-1].headers, path
        assert client.get(f"{API}/studios", headers=bearer(settings, admin)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "group"),
    [
        ("GET", "/health/ready", None),
        ("GET", "/metrics", None),
        ("GET", "/static/board.js", None),
        ("GET", "/schema/swagger", None),
        ("GET", f"{API}/shows", "reads"),
        ("HEAD", f"{API}/shows", "reads"),
        ("GET", f"{API}/notifications/stream", "reads"),
        ("POST", f"{API}/shows", "writes"),
        ("PATCH", f"{API}/shows/show_1", "writes"),
        ("DELETE", f"{API}/shows/show_1", "writes"),
        ("PUT", "/admin/x", "writes"),
        ("GET", "/sign-in", "reads"),
        ("POST", "/sign-in", "sign_in"),
        ("GET", "/sign-in/oidc", "sign_in"),
        ("GET", "/sign-in/callback", "sign_in"),
    ],
)
def test_each_request_falls_in_one_group(method: str, path: str, group: str | None) -> None:
    assert group_of(method, path) == group


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RATE_LIMIT_READS", "lots"),
        ("RATE_LIMIT_READS", "0/minute"),
        ("RATE_LIMIT_WRITES", "10/fortnight"),
        ("RATE_LIMIT_WRITES", "-5/minute"),
        ("RATE_LIMIT_SIGN_IN", "10 per minute"),
        ("RATE_LIMIT", "sometimes"),
    ],
)
def test_a_bad_rate_setting_is_refused_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"STUDIOCORE_{variable} must"):
        Settings.from_env({f"STUDIOCORE_{variable}": value})


def test_rates_are_read_in_requests_per_second_minute_hour_or_day() -> None:
    settings = Settings.from_env(
        {
            "STUDIOCORE_RATE_LIMIT": "off",
            "STUDIOCORE_RATE_LIMIT_READS": "50/second",
            "STUDIOCORE_RATE_LIMIT_WRITES": " 1000 / Hour ",
            "STUDIOCORE_RATE_LIMIT_SIGN_IN": "100/day",
            "STUDIOCORE_REDIS_URL": "redis://cache:6379/2",
        }
    )
    assert settings.rate_limit is False
    assert settings.rate_limit_reads == Rate(limit=50, period=1)
    assert settings.rate_limit_writes == Rate(limit=1000, period=3600)
    assert settings.rate_limit_sign_in == Rate(limit=100, period=86400)
    assert settings.redis_url == "redis://cache:6379/2"


def test_a_redis_url_that_is_not_redis_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError, match="STUDIOCORE_REDIS_URL must be a redis://") as refused:
        Settings.from_env({"STUDIOCORE_REDIS_URL": "http://user:hunter2@cache:6379"})
    assert "hunter2" not in str(refused.value)


# --------------------------------------------------------------------------- the documentation

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def _section() -> str:
    """The guide's section on rate limits."""
    text = DOC.read_text()
    start = text.index("## Rate limits")
    return text[start : text.index("\n## ", start + 1)]


def test_the_documented_429_and_headers_are_what_the_server_sends(
    services: Services, admin: User
) -> None:
    text = _section()
    block = re.search(r"```json\n(.*?)```", text, re.S)
    assert block is not None
    example = json.loads(block.group(1))
    settings = limited(writes=per_minute(1))
    with client_of(settings, services) as client:
        for name in ("A", "B"):
            answer = client.post(
                f"{API}/studios", json={"name": name}, headers=bearer(settings, admin)
            )
    body = answer.json()
    assert answer.status_code == example["status_code"] == body["status_code"]
    assert body["extra"].keys() == example["extra"].keys()
    assert (body["extra"]["code"], body["extra"]["group"]) == ("rate_limited", "writes")
    assert re.sub(r"\d+", "N", body["detail"]) == re.sub(r"\d+", "N", example["detail"])
    for header in (*RATE_HEADERS, "Retry-After"):
        assert f"{header}:" in text or f"`{header}`" in text
        assert header in answer.headers


def test_the_documented_setting_error_is_the_one_raised() -> None:
    documented = re.search(r"\n    (STUDIOCORE_RATE_LIMIT_WRITES must .*)\n", _section())
    assert documented is not None
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"STUDIOCORE_RATE_LIMIT_WRITES": "10 per minute"})
    assert str(refused.value) == documented.group(1)
