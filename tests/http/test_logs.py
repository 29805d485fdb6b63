"""Request and application logs as the configured handler writes them: one JSON
(or text) line per request with its id, route template, status, latency and
user; no token, secret or ``api_config`` value anywhere; a 500's traceback
logged once with the request id; and the same through ``studiocore serve``."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, User, UserRole
from studiocore_http import ConfigError, Settings, create_app, issue_token
from studiocore_http.demo import DEMO_ADMIN_EMAIL
from studiocore_http.observability.logs import (
    REQUEST_LOGGER,
    RequestLog,
    make_formatter,
    request_fields,
    request_id_from,
)
from tests.support.keys import TEST_SECRET_KEY
from tests.support.sse import free_port
from tests.web.conftest import Browser, demo_services, demo_settings

from .conftest import API, SECRET

SRC = Path(__file__).parents[2] / "src"
API_KEY = "sk-live-very-secret-api-key-0123456789"
OTHER_KEY = "sk-live-the-rotated-secret-9876543210"
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _flush() -> None:
    """Wait until the queue handler wrote every record it was given."""
    for handler in logging.getLogger().handlers:
        queue = getattr(handler, "queue", None)
        if queue is not None:
            queue.join()


class Logged:
    """What the app's log handler wrote to (the captured) stderr."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys
        self.text = ""

    def read(self) -> str:
        _flush()
        self.text += self._capsys.readouterr().err
        return self.text

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.read().splitlines() if line.startswith("{")]

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line.get("logger") == "studiocore_http.requests"]


def _app(services: Services, **options: Any) -> Litestar:
    chosen: dict[str, Any] = {"log_requests": True, "log_format": "json", **options}
    settings = Settings(jwt_secret=SECRET, **chosen)
    return create_app(settings, services=services)


@pytest.fixture
def logged(capsys: pytest.CaptureFixture[str]) -> Logged:
    return Logged(capsys)


@pytest.fixture
def admin_headers(services: Services, admin: User, settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}


def test_a_request_is_one_json_line_with_its_id_route_status_latency_and_user(
    services: Services, admin: User, admin_headers: dict[str, str], logged: Logged
) -> None:
    studio = services.studios.create("One")
    with TestClient(_app(services)) as client:
        answer = client.get(
            f"{API}/studios/{studio.uid}", headers={**admin_headers, "X-Request-ID": "req-42.a"}
        )
    assert answer.status_code == 200
    assert answer.headers["X-Request-ID"] == "req-42.a"
    [line] = logged.requests()
    assert line["request_id"] == "req-42.a"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/v1/studios/{uid}", 200)
    assert line["user_uid"] == admin.uid
    assert line["client"] == "testclient"
    assert line["level"] == "info"
    assert isinstance(line["latency_ms"], float)
    assert 0 <= line["latency_ms"] < 10_000
    assert ISO_UTC.fullmatch(line["time"])
    assert studio.uid not in json.dumps(line)  # the template, not the concrete path


def test_the_request_line_is_written_before_the_response_is_returned(
    services: Services, admin_headers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Written on the request's own thread, not handed to the log queue's
    thread: it is on stderr without waiting for the queue, and only once."""
    with TestClient(_app(services)) as client:
        for _ in range(5):
            assert client.get(f"{API}/studios", headers=admin_headers).status_code == 200
            written = capsys.readouterr().err.splitlines()
            lines = [json.loads(line) for line in written if '"studiocore_http.requests"' in line]
            assert [line["route"] for line in lines] == ["/api/v1/studios"]


def test_a_web_page_logs_the_user_of_its_session(logged: Logged) -> None:
    services = demo_services()
    settings = attrs.evolve(demo_settings(), log_requests=True, log_format="json")
    app = create_app(settings, services=services)
    admin = services.users.by_email(DEMO_ADMIN_EMAIL)
    with Browser(app, base_url="https://testserver.local") as browser:
        browser.sign_in(DEMO_ADMIN_EMAIL)
        assert browser.get("/board").status_code == 200
    first, *_, last = logged.requests()
    assert (first["route"], first["user_uid"]) == ("/sign-in", None)
    assert (last["route"], last["user_uid"]) == ("/board", admin.uid)


def test_without_a_sane_request_id_one_is_generated_returned_and_logged(
    services: Services, logged: Logged
) -> None:
    sent: list[bytes | None] = [None, b"has space", b"x" * 129, b"quote\"'", "ünï".encode()]
    with TestClient(_app(services)) as client:
        answers = [
            client.get("/health/live", headers={} if value is None else {b"X-Request-ID": value})
            for value in sent
        ]
    ids = [answer.headers["X-Request-ID"] for answer in answers]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert [line["request_id"] for line in logged.requests()] == ids
    assert [line["route"] for line in logged.requests()] == ["/health/live"] * len(sent)


def test_the_documented_request_line_has_the_fields_of_a_real_one(
    services: Services, admin_headers: dict[str, str], logged: Logged
) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "deployment.md").read_text()
    example = json.loads(re.findall(r"```json\n(.*?)\n```", doc, re.DOTALL)[0])
    with TestClient(_app(services)) as client:
        client.get(f"{API}/studios", headers=admin_headers)
    [line] = logged.requests()
    assert list(example) == list(line)
    assert ISO_UTC.fullmatch(example["time"])


@pytest.mark.parametrize("format_", ["json", "text"])
def test_the_fast_request_line_is_what_the_formatter_makes_of_the_same_fields(
    format_: str,
) -> None:
    fields = request_fields(
        request_id="r-1",
        method="GET",
        route="/api/v1/shows/{uid}",
        status=200,
        latency_ms=1.234,
        user_uid=None,
        client="10.0.0.1",
    )
    record = logging.LogRecord(REQUEST_LOGGER, logging.INFO, __file__, 1, "request", (), None)
    record.__dict__.update(fields)
    slow = make_formatter(format_).format(record)
    fast = RequestLog(format_).render(fields)
    time_of = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z")
    assert time_of.sub("T", fast) == time_of.sub("T", slow)


def test_a_request_id_is_bounded_and_made_of_safe_characters() -> None:
    assert request_id_from(b"0f1e-2d3c:4b5a/6978_@+=.x") == "0f1e-2d3c:4b5a/6978_@+=.x"
    assert request_id_from(b"a" * 128) == "a" * 128
    for insane in (b"a" * 129, b"", b"a\nb", b"a b", b"\xff\xfe", b"<script>"):
        assert request_id_from(insane) != insane.decode("latin-1")


def test_no_token_secret_or_api_config_value_reaches_the_log(
    services: Services, admin: User, admin_headers: dict[str, str], logged: Logged
) -> None:
    token = admin_headers["Authorization"].removeprefix("Bearer ")
    mc = services.mcs.create("Ann")
    with TestClient(_app(services)) as client:
        created = client.post(
            f"{API}/platforms",
            json={"name": "YouTube", "api_config": {"api_key": API_KEY}},
            headers=admin_headers,
        )
        assert created.status_code == 201, created.text
        uid = created.json()["uid"]
        updated = client.patch(
            f"{API}/platforms/{uid}",
            json={"api_config": {"api_key": OTHER_KEY}},
            headers=admin_headers,
        )
        assert updated.status_code == 200, updated.text
        refused = client.get(f"{API}/platforms?api_key={API_KEY}", headers=admin_headers)
        assert refused.status_code == 422
        feed = client.post(
            f"{API}/calendar-feeds", json={"kind": "mc", "uid": mc.uid}, headers=admin_headers
        )
        assert feed.status_code == 201, feed.text
        link = feed.json()["url"]
        link_path = "/" + link.split("/", 3)[3]
        assert client.get(link_path).status_code == 200
        client.get(f"{API}/studios", headers={"Authorization": "Bearer not-a-token-" + API_KEY})
        logging.getLogger("studiocore_http").info("an application record")
    text = logged.read()
    feed_token = link_path.rsplit("/", 1)[1].removesuffix(".ics")
    for secret in (token, API_KEY, OTHER_KEY, feed_token, SECRET):
        assert secret not in text
    routes = [(line["method"], line["route"], line["status"]) for line in logged.requests()]
    assert routes == [
        ("POST", "/api/v1/platforms", 201),
        ("PATCH", "/api/v1/platforms/{uid}", 200),
        ("GET", "/api/v1/platforms", 422),
        ("POST", "/api/v1/calendar-feeds", 201),
        ("GET", "/api/v1/calendar-feeds/{uid}", 200),  # the link's token stays out
        ("GET", "/api/v1/studios", 401),
    ]
    assert any(line["event"] == "an application record" for line in logged.lines())


def test_text_format_writes_one_readable_line_per_request(
    services: Services, admin_headers: dict[str, str], logged: Logged
) -> None:
    with TestClient(_app(services, log_format="text")) as client:
        client.get(f"{API}/studios", headers={**admin_headers, "X-Request-ID": "text-1"})
        client.get("/no/such/page")
    lines = [line for line in logged.read().splitlines() if "ms request_id=" in line]
    assert len(lines) == 2, lines
    first, second = lines
    assert re.match(
        r"\S+Z INFO +GET /api/v1/studios 200 [\d.]+ms request_id=text-1 user_uid=", first
    )
    assert re.match(r"\S+Z INFO +GET \(unmatched\) 404 [\d.]+ms request_id=[0-9a-f]{32}", second)
    assert "{" not in first


def test_a_server_error_logs_its_traceback_once_with_the_request_id(
    services: Services,
    admin_headers: dict[str, str],
    logged: Logged,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> object:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(services.studios, "page", broken)
    with TestClient(_app(services), raise_server_exceptions=False) as client:
        answer = client.get(f"{API}/studios", headers={**admin_headers, "X-Request-ID": "boom-1"})
    assert answer.status_code == 500
    assert "fire" not in answer.text
    text = logged.read()
    assert text.count("Traceback") == 1
    [error] = [line for line in logged.lines() if "exception" in line]
    assert error["request_id"] == "boom-1"
    assert error["level"] == "error"
    assert "RuntimeError: the disk is on fire" in error["exception"]
    [request] = logged.requests()
    assert (request["request_id"], request["status"]) == ("boom-1", 500)


def test_request_lines_can_be_switched_off_and_levels_raised(
    services: Services, logged: Logged
) -> None:
    with TestClient(_app(services, log_requests=False)) as client:
        assert client.get("/health/live").headers["X-Request-ID"]
    with TestClient(_app(services, log_level="warning")) as client:
        client.get("/health/live")
        logging.getLogger("studiocore_http").info("hidden")
        logging.getLogger("studiocore_http").warning("shown")
    events = [line["event"] for line in logged.lines()]
    assert "request" not in events
    assert "hidden" not in events
    assert "shown" in events


def test_log_settings_are_checked_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="STUDIOCORE_LOG_FORMAT"):
        Settings.from_env({"STUDIOCORE_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="STUDIOCORE_LOG_LEVEL"):
        Settings.from_env({"STUDIOCORE_LOG_LEVEL": "loud"})
    settings = Settings.from_env({"STUDIOCORE_LOG_FORMAT": "JSON", "STUDIOCORE_LOG_LEVEL": "Debug"})
    assert (settings.log_format, settings.log_level) == ("json", "debug")
    assert Settings.from_env({}).log_format == "auto"


# --------------------------------------------------------------------------- a real server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str], User]]:
    """``studiocore serve --log-format json`` on a SQLite file with one admin."""
    from studiocore_sql import SecretBox, SqlDatabase

    url = f"sqlite:///{tmp_path / 'api.db'}"
    database = SqlDatabase(url, secret_keys=SecretBox([TEST_SECRET_KEY]))
    database.upgrade()
    admin = Services(database).users.create("ops@example.com", "Ops", role=UserRole.ADMIN)
    database.dispose()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDIOCORE_", "PROMETHEUS_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
        STUDIOCORE_DATABASE_URL=url,
        STUDIOCORE_JWT_SECRET=SECRET,
        STUDIOCORE_SECRET_KEYS=TEST_SECRET_KEY,
        STUDIOCORE_WEBHOOK_WORKER="false",
    )
    command = [sys.executable, "-m", "studiocore_http", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--log-format", "json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {process.stderr.read()}")  # type: ignore[union-attr]
            time.sleep(0.1)
        yield base, process, admin
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_studiocore_serve_writes_json_lines_without_secrets(
    served: tuple[str, subprocess.Popen[str], User],
) -> None:
    base, process, admin = served
    settings = Settings(jwt_secret=SECRET)
    token = issue_token(settings, admin.uid)
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": "served-1"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        created = client.post(
            f"{API}/platforms", json={"name": "YouTube", "api_config": {"api_key": API_KEY}}
        )
        assert created.status_code == 201, created.text
        assert created.headers["X-Request-ID"] == "served-1"
        uid = created.json()["uid"]
        assert client.get(f"{API}/platforms/{uid}").status_code == 200
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=15)
    assert token not in err
    assert API_KEY not in err
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    requests = [r for r in records if r.get("logger") == "studiocore_http.requests"]
    assert [
        (r["method"], r["route"], r["status"]) for r in requests if r["request_id"] == "served-1"
    ] == [
        ("POST", "/api/v1/platforms", 201),
        ("GET", "/api/v1/platforms/{uid}", 200),
    ]
    assert all(r["user_uid"] == admin.uid and r["client"] == "127.0.0.1" for r in requests[-2:])
    # uvicorn's own records (workers started, shutting down) are JSON lines too
    assert any(r.get("logger", "").startswith("uvicorn") for r in records), err
    # and every line is JSON: no uvicorn access line repeating the request (with its query)
    assert all(line.startswith("{") for line in err.splitlines() if line.strip()), err
    assert not any(r.get("logger") == "uvicorn.access" for r in records), err
