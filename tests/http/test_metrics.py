"""``/metrics``: requests counted by route template and status, who may scrape
(addresses, a token, nobody else: 404), the domain's counters through the API
(conflicts refused by kind, promotions and their size, notifications, webhook
attempts) and one summed set across processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from studiocore import Services, User, UserRole
from studiocore_http import ConfigError, Settings, create_app, issue_token
from studiocore_http.observability import Metrics, MetricsAccess
from tests.support.receiver import receiver
from tests.support.sse import ThreadedServer, free_port

from .conftest import API, SECRET

SRC = Path(__file__).parents[2] / "src"
TOKEN = "scrape-token-0123456789abcdef"
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}
DAY = datetime(2030, 3, 4, tzinfo=UTC)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of an exposition by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _app(services: Services, **options: object) -> Litestar:
    chosen: dict[str, object] = {"log_requests": False, "metrics_token": TOKEN, **options}
    return create_app(Settings(jwt_secret=SECRET, **chosen), services=services)  # type: ignore[arg-type]


def scrape(client: TestClient[Litestar]) -> Samples:
    answer = client.get("/metrics", headers=SCRAPE)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(answer.text)


@pytest.fixture
def admin_headers(services: Services, admin: User, settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}


def test_requests_are_counted_by_route_template_method_and_status(
    services: Services, admin_headers: dict[str, str]
) -> None:
    studios = [services.studios.create(name).uid for name in ("A", "B", "C")]
    with TestClient(_app(services)) as client:
        for uid in studios:
            assert client.get(f"{API}/studios/{uid}", headers=admin_headers).status_code == 200
        client.get(f"{API}/studios/studio_01JD000000000000000000000X", headers=admin_headers)
        client.get(f"{API}/studios")  # no token
        client.get("/wp-login.php")
        client.get("/.env")
        samples = scrape(client)
    one = {"method": "GET", "route": "/api/v1/studios/{uid}"}
    assert value(samples, "studiocore_http_requests_total", **one, status="200") == 3
    assert value(samples, "studiocore_http_requests_total", **one, status="404") == 1
    assert (
        value(
            samples,
            "studiocore_http_requests_total",
            method="GET",
            route="/api/v1/studios",
            status="401",
        )
        == 1
    )
    unmatched = {"method": "GET", "route": "(unmatched)", "status": "404"}
    assert value(samples, "studiocore_http_requests_total", **unmatched) == 2
    seconds = "studiocore_http_request_duration_seconds"
    assert value(samples, f"{seconds}_count", **one, status="200") == 3
    assert value(samples, f"{seconds}_sum", **one, status="200") > 0
    assert not any(uid in name or uid in str(labels) for uid in studios for name, labels in samples)


def test_the_documented_metrics_are_the_ones_served(services: Services) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "deployment.md").read_text()
    documented = set(re.findall(r"^\| `(studiocore_\w+)` \|", doc, re.MULTILINE))
    with TestClient(_app(services)) as client:
        text = client.get("/metrics", headers=SCRAPE).text
    served = {
        family.name + ("_total" if family.type == "counter" else "")
        for family in text_string_to_metric_families(text)
    }
    assert documented == served


def test_metrics_is_outside_the_api_document_and_its_bearer_authentication(
    services: Services,
) -> None:
    with TestClient(_app(services)) as client:
        document = client.get("/schema/openapi.json").json()
        assert "/metrics" not in document["paths"]
        assert client.get("/metrics", headers=SCRAPE).status_code == 200
        openmetrics = client.get(
            "/metrics", headers={**SCRAPE, "Accept": "application/openmetrics-text"}
        )
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    assert openmetrics.text.endswith("# EOF\n")


def test_who_may_scrape_by_address_and_token(services: Services) -> None:
    def status(headers: dict[str, str] | None = None, **options: object) -> int:
        with ThreadedServer(_app(services, **options)) as server:
            return httpx.get(f"{server.url}/metrics", headers=headers or {}).status_code

    assert status(metrics_token=None) == 200  # 127.0.0.1 is allowed by default
    assert status(metrics_allow=("127.0.0.0/8",), metrics_token=None) == 200
    assert status(metrics_allow=("10.0.0.0/8", "192.168.1.7")) == 404
    assert status(SCRAPE, metrics_allow=("10.0.0.0/8",)) == 200
    assert status({"Authorization": "Bearer wrong-token-0123456789"}, metrics_allow=()) == 404
    assert status(SCRAPE, metrics=False) == 404


def test_scraping_refused_looks_like_no_such_page(services: Services) -> None:
    with TestClient(_app(services)) as client:  # the test client has no IP address
        refused = client.get("/metrics")
        missing = client.get("/no-such-page")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


def test_metrics_access_by_address() -> None:
    access = MetricsAccess(["127.0.0.1", "::1", "10.1.0.0/16"], None)
    assert access.allows("127.0.0.1", None)
    assert access.allows("::1", None)
    assert access.allows("::ffff:127.0.0.1", None)  # IPv4 seen through an IPv6 socket
    assert access.allows("10.1.200.3", None)
    assert not access.allows("10.2.0.1", None)
    assert not access.allows("testclient", None)
    assert not access.allows(None, None)
    assert not MetricsAccess([], "t" * 16).allows("127.0.0.1", "Bearer " + "t" * 15)
    assert MetricsAccess([], "t" * 16).allows(None, "Bearer " + "t" * 16)


def test_metrics_settings_are_checked_naming_the_variable() -> None:
    assert Settings.from_env({}).metrics_allow == ("127.0.0.1", "::1")
    assert Settings.from_env({"STUDIOCORE_METRICS_ALLOW": "none"}).metrics_allow == ()
    allow = Settings.from_env({"STUDIOCORE_METRICS_ALLOW": "10.0.0.0/8, fd00::/8"})
    assert allow.metrics_allow == ("10.0.0.0/8", "fd00::/8")
    assert Settings.from_env({"STUDIOCORE_METRICS": "false"}).metrics is False
    with pytest.raises(ConfigError, match=r"STUDIOCORE_METRICS_ALLOW: 'prometheus\.local'"):
        Settings.from_env({"STUDIOCORE_METRICS_ALLOW": "prometheus.local"})
    with pytest.raises(ConfigError, match="STUDIOCORE_METRICS_TOKEN"):
        Settings.from_env({"STUDIOCORE_METRICS_TOKEN": "short"})


class _FakePool:
    def __init__(self, size: int, used: int) -> None:
        self._size, self._used = size, used

    def size(self) -> int:
        return self._size

    def checkedout(self) -> int:
        return self._used


class _FakeDatabase:
    """The shape of a SQL database with a read replica, as the metrics see it."""

    def __init__(self) -> None:
        self.engine = SimpleNamespace(pool=_FakePool(5, 2))
        self.replica_engine = SimpleNamespace(pool=_FakePool(8, 1))

    def __call__(self) -> Any:
        raise AssertionError("the metrics open no unit of work")


def test_database_pools_are_reported_by_role() -> None:
    metrics = Metrics(Services(_FakeDatabase()))
    samples = parse(metrics.exposition()[0].decode())
    assert value(samples, "studiocore_db_pool_size", database="primary") == 5
    assert value(samples, "studiocore_db_pool_connections_in_use", database="primary") == 2
    assert value(samples, "studiocore_db_pool_size", database="replica") == 8
    assert value(samples, "studiocore_db_pool_connections_in_use", database="replica") == 1
    in_memory = parse(Metrics(Services.in_memory()).exposition()[0].decode())
    assert not [name for name, _ in in_memory if name.startswith("studiocore_db_pool")]


def test_unknown_methods_share_one_series() -> None:
    """Any method outside HTTP's own counts as ``OTHER``, in one series: a
    client inventing methods cannot grow the metrics (or their memo)."""
    metrics = Metrics()
    for method in ("GET", "GET", "BREW", "WHEN", "PURGE"):
        metrics.observe_request(method, "/api/v1/shows", 200, 0.01)
    samples = parse(metrics.exposition()[0].decode())
    counted = {
        dict(labels)["method"]: sample
        for (name, labels), sample in samples.items()
        if name == "studiocore_http_requests_total"
    }
    assert counted == {"GET": 2, "OTHER": 3}


# --------------------------------------------------------------------------- the domain


def _slot(hour: int) -> dict[str, str]:
    start = DAY + timedelta(hours=hour)
    return {"show_start": start.isoformat(), "show_end": (start + timedelta(hours=1)).isoformat()}


def test_conflicts_refused_are_counted_by_kind(
    services: Services, admin_headers: dict[str, str]
) -> None:
    room = services.studio_rooms.create(services.studios.create("One").uid, "A").uid
    with TestClient(_app(services)) as client:
        body = {"name": "Live", "studio_room_uid": room, **_slot(9)}
        assert client.post(f"{API}/shows", json=body, headers=admin_headers).status_code == 201
        for _ in range(2):
            refused = client.post(f"{API}/shows", json=body, headers=admin_headers)
            assert refused.status_code == 409
        duplicate = {"email": "admin@example.com", "name": "Again"}
        assert client.post(f"{API}/users", json=duplicate, headers=admin_headers).status_code == 409
        samples = scrape(client)
    refused_total = "studiocore_conflicts_refused_total"
    assert value(samples, refused_total, kind="room_overlap") == 2
    assert value(samples, refused_total, kind="uniqueness") == 1
    assert value(samples, refused_total, kind="mc_overlap") == 0


def test_promotions_are_counted_with_their_size_and_notifications_by_kind(
    services: Services, admin_headers: dict[str, str]
) -> None:
    studio = services.studios.create("One").uid
    room = services.studio_rooms.create(studio, "A").uid
    client_uid = services.clients.create("Brand").uid
    viewer = services.users.create("viewer@example.com", "Viewer")
    services.memberships.create(viewer.uid, client_uid, "member")
    schedule = services.schedules.create(
        client_uid, studio, "March", DAY, DAY + timedelta(days=1)
    ).uid
    for hour in (9, 11, 13):
        services.shows.create(
            f"Draft {hour}",
            DAY + timedelta(hours=hour),
            DAY + timedelta(hours=hour + 1),
            studio_room_uid=room,
            client_uid=client_uid,
            schedule_uid=schedule,
        )
    services.schedules.propose(schedule)
    services.schedules.approve(schedule)
    with TestClient(_app(services)) as client:
        before = scrape(client)
        confirmed = client.post(
            f"{API}/schedules/{schedule}/confirm", json={}, headers=admin_headers
        )
        assert confirmed.status_code == 200, confirmed.text
        assert len(confirmed.json()["confirmed_show_uids"]) == 3
        after = scrape(client)
    promoted = {"use_case": "schedules.promote"}
    assert value(before, "studiocore_promoted_shows_count", **promoted) == 0
    assert value(after, "studiocore_promoted_shows_count", **promoted) == 1
    assert value(after, "studiocore_promoted_shows_sum", **promoted) == 3
    assert value(after, "studiocore_promoted_shows_bucket", **promoted, le="2.0") == 0
    assert value(after, "studiocore_promoted_shows_bucket", **promoted, le="5.0") == 1
    told = services.notifications.page(actor=services.users.actor(viewer.uid)).total
    assert told > 0
    counted = sum(
        v for (name, _), v in after.items() if name == "studiocore_notifications_total"
    ) - sum(v for (name, _), v in before.items() if name == "studiocore_notifications_total")
    assert counted == told


def test_webhook_attempts_are_counted_by_outcome(services: Services) -> None:
    owner = services.users.create("ops@example.com", "Ops", role=UserRole.ADMIN)
    room = services.studio_rooms.create(services.studios.create("One").uid, "A").uid
    shows = [
        services.shows.create(
            f"Live {hour}",
            DAY + timedelta(hours=hour),
            DAY + timedelta(hours=hour + 1),
            studio_room_uid=room,
        ).show.uid
        for hour in (9, 11)
    ]
    with receiver(statuses=(200, 500)) as hook:
        services.webhooks.create(hook.url, ["show.cancelled"], owner_uid=owner.uid)
        app = _app(services, webhook_poll_seconds=60.0, webhook_allowed_networks=("127.0.0.0/8",))
        with TestClient(app) as client:
            for show in shows:
                services.shows.cancel(show)
                hook.wait_for(len(hook.requests) + 1, timeout=5)
            deadline = time.monotonic() + 5
            while True:
                samples = scrape(client)
                attempts = "studiocore_webhook_delivery_attempts_total"
                outcomes = {o: value(samples, attempts, outcome=o) for o in ("delivered", "failed")}
                if sum(outcomes.values()) >= 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
    assert outcomes == {"delivered": 1, "failed": 1}


# --------------------------------------------------------------------------- processes


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDIOCORE_", "PROMETHEUS_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def test_processes_sharing_a_directory_report_one_summed_set(tmp_path: Path) -> None:
    count = textwrap.dedent(
        """
        import os, sys
        from studiocore_http.observability import Metrics
        metrics = Metrics()
        for _ in range(int(sys.argv[1])):
            metrics.observe_request("GET", "/api/v1/shows", 200, 0.01)
        print(os.getpid())
        """
    )
    pids = {
        subprocess.run(
            [sys.executable, "-c", count, str(n)],
            env=_env(PROMETHEUS_MULTIPROC_DIR=str(tmp_path)),
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        for n in (3, 4)
    }
    assert len(pids) == 2
    assert len(list(tmp_path.glob("counter_*.db"))) == 2  # one file per process
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(tmp_path))  # type: ignore[no-untyped-call]
    labels = {"method": "GET", "route": "/api/v1/shows", "status": "200"}
    assert registry.get_sample_value("studiocore_http_requests_total", labels) == 7
    assert registry.get_sample_value("studiocore_http_request_duration_seconds_count", labels) == 7


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """``studiocore serve --workers 2`` on SQLite, metrics in a directory of the test's."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    port = free_port()
    env = _env(
        STUDIOCORE_DATABASE_URL=f"sqlite:///{tmp_path / 'api.db'}",
        STUDIOCORE_JWT_SECRET=SECRET,
        STUDIOCORE_WEBHOOK_WORKER="false",
        STUDIOCORE_LOG_REQUESTS="false",
        PROMETHEUS_MULTIPROC_DIR=str(folder),
    )
    command = [sys.executable, "-m", "studiocore_http", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        # Both workers have counted a request (a file each): new connections
        # are spread over them by the kernel.
        while len(list(folder.glob("counter_*.db"))) < 2:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the two workers did not both answer")
            try:
                httpx.get(f"{base}/health/live", timeout=1)
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, folder, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_two_workers_answer_one_summed_set_whichever_is_scraped(
    two_workers: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    base, folder, process = two_workers
    before = [parse(httpx.get(f"{base}/metrics").text) for _ in range(3)]
    live = {"method": "GET", "route": "/health/live", "status": "200"}
    start = value(before[-1], "studiocore_http_requests_total", **live)
    for _ in range(20):  # a new connection each: the kernel spreads them over both workers
        assert httpx.get(f"{base}/health/live").status_code == 200
    scrapes = [parse(httpx.get(f"{base}/metrics").text) for _ in range(6)]
    assert {value(s, "studiocore_http_requests_total", **live) - start for s in scrapes} == {20}
    assert (
        value(scrapes[-1], "studiocore_db_pool_size", database="primary") > 0
    )  # both workers' pools
    process.send_signal(signal.SIGINT)
    process.wait(20)
    assert list(folder.glob("gauge_livesum_*.db")) == []  # stopped workers report no pool
    assert list(folder.glob("counter_*.db"))  # what they counted stays
