"""Rate limit counters in Redis (docs/deployment.md, "Rate limits"): shared by several
apps and by several server processes, and what happens while Redis is down and
after it comes back. Skipped when Redis is unreachable (a failure under CI)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import anyio
import attrs
import httpx
import redis

import studiocore_http
from studiocore import Services, User, UserRole
from studiocore_http import Settings, issue_token
from studiocore_http.ratelimit import RedisCounters
from studiocore_sql import SqlDatabase
from tests.http.conftest import SECRET, bearer
from tests.http.test_rate_limit import (
    API,
    client_of,
    limited,
    per_minute,
    wait_for_a_fresh_window,
)
from tests.support.redis import redis_prefix, redis_url
from tests.support.servers import running_server

SOURCES = str(Path(studiocore_http.__file__).resolve().parents[1])
"""The code under test, for the server processes (whatever their working directory)."""


def test_apps_sharing_redis_share_one_budget(services: Services, admin: User) -> None:
    with redis_prefix() as prefix:
        settings = attrs.evolve(
            limited(reads=per_minute(4)), redis_url=redis_url(), rate_limit_prefix=prefix
        )
        with client_of(settings, services) as one, client_of(settings, services) as two:
            codes = [
                (one if i % 2 else two).get(f"{API}/studios", headers=bearer(settings, admin))
                for i in range(6)
            ]
    assert [c.status_code for c in codes] == [200, 200, 200, 200, 429, 429]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_when_redis_is_down_each_process_counts_for_itself_and_warns_once(
    services: Services, admin: User
) -> None:
    settings = attrs.evolve(
        limited(reads=per_minute(3)), redis_url=f"redis://127.0.0.1:{_closed_port()}/0"
    )
    warnings: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record)

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("studiocore_http.ratelimit")
    with client_of(settings, services) as client:  # the app configures logging on start
        logger.addHandler(handler)
        try:
            started = time.monotonic()
            codes = [
                client.get(f"{API}/studios", headers=bearer(settings, admin)).status_code
                for _ in range(4)
            ]
            elapsed = time.monotonic() - started
        finally:
            logger.removeHandler(handler)
    assert codes == [200, 200, 200, 429]  # the API stays up, and limited
    assert len(warnings) == 1
    assert "Redis did not answer" in warnings[0].getMessage()
    assert elapsed < 5  # one failed attempt, not one per request


class Forwarder:
    """A TCP forwarder to Redis that can be cut and restored, as a network would."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _closed_port()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            self._listener.close()
            self._listener = None
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()


def test_after_an_outage_of_redis_the_counters_are_shared_again() -> None:
    with redis_prefix() as prefix:
        target = urlsplit(redis_url())
        forwarder = Forwarder((target.hostname or "127.0.0.1", target.port or 6379))
        forwarder.start()
        key = f"{prefix}:reads:user:u1:60:1"

        async def scenario() -> list[int]:
            counters = RedisCounters(f"redis://127.0.0.1:{forwarder.port}/0", retry_seconds=0.2)
            await counters.start()
            try:
                counts = [await counters.hit(key, 60)]  # in Redis
                forwarder.stop()
                counts += [await counters.hit(key, 60), await counters.hit(key, 60)]  # here
                forwarder.start()
                await anyio.sleep(0.3)
                counts.append(await counters.hit(key, 60))  # in Redis again
                return counts
            finally:
                await counters.stop()
                forwarder.stop()

        counts = anyio.run(scenario)
        with redis.Redis.from_url(redis_url()) as client:
            stored = client.get(key)
            ttl = client.ttl(key)
    assert counts == [1, 1, 2, 2]
    assert stored == b"2"
    assert 0 < ttl <= 61


def _seed_sqlite(path: Path) -> str:
    """A migrated SQLite file with one admin; the admin's uid."""
    database = SqlDatabase(f"sqlite:///{path}")
    try:
        database.upgrade()
        user = Services(database).users.create("boss@example.com", "Boss", role=UserRole.ADMIN)
    finally:
        database.dispose()
    return user.uid


def test_two_server_processes_with_redis_let_exactly_the_limit_through(tmp_path: Path) -> None:
    limit, period = 10, 3600
    uid = _seed_sqlite(tmp_path / "shared.db")
    token = issue_token(Settings(jwt_secret=SECRET), uid)
    with redis_prefix() as prefix:
        env = {
            "STUDIOCORE_REDIS_URL": redis_url(),
            "STUDIOCORE_RATE_LIMIT_PREFIX": prefix,
            "STUDIOCORE_RATE_LIMIT_READS": f"{limit}/hour",
            "STUDIOCORE_MIGRATE_ON_START": "false",
            "STUDIOCORE_WEBHOOK_WORKER": "false",
            "PYTHONPATH": os.pathsep.join([SOURCES, os.environ.get("PYTHONPATH", "")]),
        }
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        with (
            running_server(url, tmp_path / "a", demo=False, secret=SECRET, settings=env) as a,
            running_server(url, tmp_path / "b", demo=False, secret=SECRET, settings=env) as b,
        ):
            wait_for_a_fresh_window(period, needed=60)

            def get(i: int) -> httpx.Response:
                base = (a if i % 2 else b).base_url
                return httpx.get(
                    f"{base}{API}/studios",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=30,
                )

            with ThreadPoolExecutor(max_workers=6) as pool:
                answers = list(pool.map(get, range(3 * limit)))
    codes = [a.status_code for a in answers]
    assert codes.count(200) == limit, codes
    assert codes.count(429) == 2 * limit, codes
    served_by = {i % 2 for i, a in enumerate(answers) if a.status_code == 200}
    assert served_by == {0, 1}  # both processes answered within the one budget
    assert all(a.headers["RateLimit-Limit"] == str(limit) for a in answers)
