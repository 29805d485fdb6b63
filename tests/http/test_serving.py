"""Serving in production: the schema is migrated once however many servers
start together, a server refuses a schema it cannot serve, readiness says why
a process should not take traffic, and SIGTERM lets requests in flight finish."""

from __future__ import annotations

import gc
import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from studiocore_http import Settings, create_app
from studiocore_http.database import DatabaseSetupError
from studiocore_http.serving import served_app
from studiocore_sql import SqlDatabase
from tests.support.keys import TEST_SECRET_KEYS
from tests.support.postgres import scratch_database
from tests.support.servers import (
    free_port,
    running_server,
    server_env,
    stop,
    studiocore_command,
    wait_until_answering,
)

from .conftest import SECRET

SERVERS = 8


def _settings(url: str, **options: object) -> Settings:
    return Settings(
        database_url=url,
        jwt_secret=SECRET,
        secret_keys=TEST_SECRET_KEYS,
        log_requests=False,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'served.db'}"


def _migrate(url: str, revision: str = "head") -> None:
    db = SqlDatabase(url, secret_keys=TEST_SECRET_KEYS)
    try:
        db.upgrade(revision)
    finally:
        db.dispose()


def test_a_served_process_freezes_its_startup_heap(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``studiocore serve``'s app factory: once started, what the app built is
    out of the cyclic collector's reach (gc.freeze), and the app serves."""
    for name, value in {
        "DATABASE_URL": sqlite_url,
        "JWT_SECRET": SECRET,
        "SECRET_KEYS": ",".join(TEST_SECRET_KEYS),
        "LOG_REQUESTS": "false",
    }.items():
        monkeypatch.setenv(f"STUDIOCORE_{name}", value)
    gc.unfreeze()
    app = served_app()
    try:
        assert gc.get_freeze_count() == 0
        with TestClient(app) as client:
            frozen = gc.get_freeze_count()
            assert client.get("/health/live").status_code == 200
        assert frozen > 10_000  # the modules, the app, its routes and schemas
    finally:
        gc.unfreeze()


def test_an_app_without_migrate_on_start_refuses_a_schema_behind_the_code(sqlite_url: str) -> None:
    _migrate(sqlite_url, "0010")
    with pytest.raises(DatabaseSetupError, match="behind the code's") as refused:
        create_app(_settings(sqlite_url, migrate_on_start=False))
    assert "studiocore db upgrade" in str(refused.value)

    create_app(_settings(sqlite_url, migrate_on_start=True))  # told to migrate: it does
    create_app(_settings(sqlite_url, migrate_on_start=False))  # and now serves as is


def test_a_schema_migrated_by_a_newer_studiocore_is_refused_either_way(sqlite_url: str) -> None:
    _migrate(sqlite_url)
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
    engine.dispose()
    for migrate in (True, False):
        with pytest.raises(DatabaseSetupError, match="ffff, which this version"):
            create_app(_settings(sqlite_url, migrate_on_start=migrate))


def test_ready_says_why_a_process_should_not_take_traffic_and_live_does_not_ask(
    sqlite_url: str,
) -> None:
    app = create_app(_settings(sqlite_url))
    with TestClient(app) as client:
        ready = client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json() | {"version": ""} == {
            "status": "ok",
            "database": "ok",
            "migrations": "current",
            "replica": "none",
            "replica_lag_seconds": None,
            "version": "",
        }
        assert client.get("/health").json() == ready.json()  # the old path: an alias

        db = SqlDatabase(sqlite_url, secret_keys=TEST_SECRET_KEYS)
        db.downgrade("0010")  # someone rolled the schema back under the server
        db.dispose()
        behind = client.get("/health/ready")
        assert behind.status_code == 503
        assert behind.json()["migrations"] == "behind"
        assert behind.json()["status"] == "unavailable"
        assert behind.json()["database"] == "ok"

        engine = sa.create_engine(sqlite_url)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
        engine.dispose()
        assert client.get("/health/ready").json()["migrations"] == "ahead"

        live = client.get("/health/live")
        assert live.status_code == 200
        assert live.json()["status"] == "ok"


def test_ready_answers_503_when_the_database_is_gone_while_live_stays_200(
    settings: Settings,
) -> None:
    with scratch_database() as url:
        _migrate(url)
        app = create_app(_settings(url))
        with TestClient(app) as client:
            assert client.get("/health/ready").status_code == 200
            engine = sa.create_engine(
                url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
            )
            name = url.rsplit("/", 1)[1]
            with engine.connect() as conn:
                conn.execute(sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
            try:
                gone = client.get("/health/ready")
                assert gone.status_code == 503
                assert (gone.json()["database"], gone.json()["migrations"]) == (
                    "unavailable",
                    "unknown",
                )
                assert client.get("/health/live").status_code == 200
            finally:
                with engine.connect() as conn:
                    conn.execute(sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
                engine.dispose()
            assert client.get("/health/ready").status_code == 200


def test_serve_no_migrate_refuses_an_empty_database_in_one_line(tmp_path: Path) -> None:
    env = server_env(f"sqlite:///{tmp_path / 'empty.db'}", SECRET)
    done = subprocess.run(
        [*studiocore_command(), "serve", "--no-migrate", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Error: the database has no studiocore schema yet" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def _start(
    command: list[str], env: dict[str, str], log: Path, cwd: Path
) -> subprocess.Popen[bytes]:
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=cwd)


STOPPED = -signal.SIGTERM
"""How a one-process uvicorn ends after a graceful shutdown on SIGTERM: it
raises the signal again once done, so a process manager sees how it ended
(the parent of several workers exits with 0)."""


@pytest.mark.slow
def test_eight_servers_started_together_on_a_fresh_database_migrate_it_once(
    tmp_path: Path,
) -> None:
    with scratch_database() as url:
        env = server_env(url, SECRET)
        ports = [free_port() for _ in range(SERVERS)]
        logs = [tmp_path / f"server-{i}.log" for i in range(SERVERS)]
        processes = [
            _start([*studiocore_command(), "serve", "--port", str(port)], env, log, tmp_path)
            for port, log in zip(ports, logs, strict=True)
        ]
        try:
            for port, process, log in zip(ports, processes, logs, strict=True):
                wait_until_answering(f"http://127.0.0.1:{port}/health/ready", process, log)
            outputs = [log.read_text() for log in logs]
            migrated = [o for o in outputs if "Migrated the database schema from empty" in o]
            assert len(migrated) == 1, outputs
            assert all("Traceback" not in o for o in outputs), outputs
            # each server says what it found (its workers then find the schema at head too)
            assert sum("The database schema is already at" in o for o in outputs) == SERVERS - 1
        finally:
            codes = [stop(p) for p in processes]
        assert codes == [STOPPED] * SERVERS, [log.read_text() for log in logs]


@pytest.mark.slow
def test_several_workers_serve_one_port_and_stop_cleanly_on_sigterm(tmp_path: Path) -> None:
    with scratch_database() as url:
        port = free_port()
        log = tmp_path / "workers.log"
        process = _start(
            [*studiocore_command(), "serve", "--demo", "--port", str(port), "--workers", "3"],
            server_env(url, None),
            log,
            tmp_path,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{base}/health/ready", process, log)
            with httpx.Client(base_url=base, timeout=10) as http:
                answers = [http.get("/health/live").status_code for _ in range(30)]
            assert answers == [200] * 30
        finally:
            code = stop(process)
        output = log.read_text()
        assert code == 0, output
        assert output.count("Finished server process") == 3, output
        assert output.count("Started server process") == 3, output  # none replaced
        assert "Traceback" not in output, output


def test_sigterm_lets_a_request_in_flight_finish(tmp_path: Path) -> None:
    """A request whose body is still arriving when SIGTERM comes is answered;
    the server then exits on its own, and takes no new connection meanwhile."""
    with running_server(f"sqlite:///{tmp_path / 'drain.db'}", tmp_path) as server:
        assert server.process is not None
        host, port = server.base_url.removeprefix("http://").split(":")
        body = json.dumps({"name": "Arrived after SIGTERM"}).encode()
        headers = (
            f"POST /api/v1/clients HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {server.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        with socket.create_connection((host, int(port)), timeout=20) as sock:
            sock.sendall(headers + body[:10])
            time.sleep(0.3)
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert server.process.poll() is None  # still draining
            sock.sendall(body[10:])
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line == b"HTTP/1.1 201 Created", answer
        assert b"Arrived after SIGTERM" in answer
        assert server.process.wait(timeout=30) == STOPPED
