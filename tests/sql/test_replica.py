"""The read replica against a real streaming standby the tests start (a private
primary and standby on free local ports: tests/support/pg_cluster.py).

Reads are served by the standby (``pg_is_in_recovery()`` is true on their
connection), writes never reach it, the standby replays what the primary
commits, and when the standby goes away reads fall back on the primary (one
warning, the health report says so) and return to it when it is back."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, UnavailableError, UserRole
from studiocore.ports.bookings import ShowExportQuery
from studiocore.timeslot import TimeSlot
from studiocore_http import Settings, create_app, issue_token
from studiocore_http.database import DatabaseSetupError, open_database
from studiocore_sql import SqlDatabase, primary_reads, replica_url_from_env
from studiocore_sql.replica import ReplicaRouter, ReplicaUnitOfWork
from studiocore_sql.unit_of_work import SqlUnitOfWork
from tests.support.keys import TEST_SECRET_KEYS
from tests.support.pg_cluster import PgCluster, streaming_cluster, wait_until

SECRET = "test-secret-that-is-long-enough-for-hs256!"
IN_RECOVERY = sa.text("SELECT pg_is_in_recovery()")
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    with streaming_cluster() as started:
        yield started


@pytest.fixture(scope="module")
def database(cluster: PgCluster) -> str:
    """The name of a migrated database on the primary, replayed on the standby."""
    cluster.primary.scalar("CREATE DATABASE studiocore")
    migrated = SqlDatabase(cluster.primary.url("studiocore"))
    try:
        migrated.upgrade()
    finally:
        migrated.dispose()
    wait_until(
        lambda: cluster.standby.scalar("SELECT count(*) FROM show_types", "studiocore"),
        what="the migrated schema on the standby",
    )
    return "studiocore"


@pytest.fixture
def standby_up(cluster: PgCluster) -> Iterator[None]:
    """The standby runs when the test starts and again after it."""
    if not cluster.standby.running:
        cluster.start_standby()
    yield
    if not cluster.standby.running:
        cluster.start_standby()


@pytest.fixture
def db(cluster: PgCluster, database: str, standby_up: None) -> Iterator[SqlDatabase]:
    opened = SqlDatabase(
        cluster.primary.url(database),
        replica_url=cluster.standby.url(database),
        secret_keys=TEST_SECRET_KEYS,
        replica_retry_after=0.5,
    )
    yield opened
    opened.dispose()


_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|FOR UPDATE|FOR SHARE|COPY \w+ FROM)\b", re.I)


class Statements:
    """Records the statements each engine ran (that the server answered)."""

    def __init__(self, **engines: sa.Engine) -> None:
        self.seen: dict[str, list[str]] = {name: [] for name in engines}
        self._engines = engines
        self._listeners = {name: self._recorder(name) for name in engines}
        for name, engine in engines.items():
            sa.event.listen(engine, "after_cursor_execute", self._listeners[name])

    def _recorder(self, name: str) -> Any:
        def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            self.seen[name].append(statement)

        return record

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(found) for name, found in self.seen.items()}

    def writes(self, name: str) -> list[str]:
        """The statements run on ``name`` that write or lock rows."""
        return [s for s in self.seen[name] if _WRITES.search(s)]

    def reset(self) -> None:
        for found in self.seen.values():
            found.clear()

    def close(self) -> None:
        for name, engine in self._engines.items():
            sa.event.remove(engine, "after_cursor_execute", self._listeners[name])


@pytest.fixture
def statements(db: SqlDatabase) -> Iterator[Statements]:
    assert db.replica_engine is not None
    counted = Statements(primary=db.engine, replica=db.replica_engine)
    yield counted
    counted.close()


def _name(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(4)}"


def _book_a_show(services: Services) -> tuple[str, str, str]:
    """A studio with a room and a confirmed show: their uids."""
    studio = services.studios.create(_name("Seoul"), time_zone="Asia/Seoul")
    room = services.studio_rooms.create(studio.uid, "A")
    start = datetime(2030, 3, 2, 1, tzinfo=UTC)
    show = services.shows.create(
        _name("Morning"), start, start + timedelta(hours=2), studio_room_uid=room.uid
    ).show
    return studio.uid, room.uid, show.uid


def _replayed(services: Services, room_uid: str, count: int) -> bool:
    found = services.shows.page(where={"studio_room_uid": room_uid}, limit=50)
    return found.total == count


# -- where units of work connect ------------------------------------------------------


def test_readers_connect_to_the_standby_and_units_of_work_to_the_primary(
    db: SqlDatabase,
) -> None:
    with db.reader() as uow:
        assert uow.execute(IN_RECOVERY).scalar() is True
    with db.unit_of_work() as uow:
        assert uow.execute(IN_RECOVERY).scalar() is False
    with db.primary_reader() as uow:
        assert uow.execute(IN_RECOVERY).scalar() is False
    with primary_reads(), db.reader() as uow:
        assert uow.execute(IN_RECOVERY).scalar() is False
    with db.reader() as uow:  # only inside the block
        assert uow.execute(IN_RECOVERY).scalar() is True


def test_read_use_cases_run_on_the_standby_and_writes_on_the_primary(
    db: SqlDatabase, statements: Statements
) -> None:
    services = Services(db)
    studio_uid, room_uid, show_uid = _book_a_show(services)
    assert statements.writes("primary")
    assert statements.counts["replica"] == 0, "a write use case reached the standby"
    wait_until(lambda: _replayed(services, room_uid, 1), what="the show on the standby")

    statements.reset()
    page = services.shows.page(where={"studio_room_uid": room_uid}, limit=50)
    window = TimeSlot(datetime(2030, 3, 2, tzinfo=UTC), datetime(2030, 3, 2, 4, tzinfo=UTC))
    [room] = services.scheduling.availability(studio_uid, window)
    found = services.shows.get(show_uid)
    conflicts = services.scheduling.conflicts(studio_uid=studio_uid, window=window)
    with services.scheduling.export_shows(
        ShowExportQuery(window=window, studio_uids=frozenset({studio_uid}))
    ) as export:  # COPY ... TO STDOUT, which a standby runs too
        exported = export.shows.read().decode()
    assert show_uid in exported
    assert conflicts == []
    assert [s.uid for s in page.items] == [show_uid]
    assert [(f.start.hour, f.end.hour) for f in room.free] == [(0, 1), (3, 4)]
    assert found.uid == show_uid
    assert statements.counts["replica"] > 0
    assert statements.counts["primary"] == 0, "a read use case ran on the primary"


def test_what_the_primary_commits_the_standby_replays(
    cluster: PgCluster, database: str, db: SqlDatabase
) -> None:
    name = _name("Replayed")
    created = Services(db).clients.create(name)
    query = f"SELECT count(*) FROM clients WHERE uid = '{created.uid}'"
    assert cluster.primary.scalar(query, database) == 1
    wait_until(lambda: cluster.standby.scalar(query, database) == 1, what="the row on the standby")
    assert [c.name for c in Services(db).clients.list(where={"uid": created.uid})] == [name]


# -- the standby goes away and comes back ---------------------------------------------


def test_reads_fall_back_on_the_primary_while_the_standby_is_down_and_return_after(
    cluster: PgCluster,
    db: SqlDatabase,
    statements: Statements,
    caplog: pytest.LogCaptureFixture,
) -> None:
    services = Services(db)
    _studio_uid, room_uid, show_uid = _book_a_show(services)
    wait_until(lambda: _replayed(services, room_uid, 1), what="the show on the standby")
    healthy = db.health_report()
    assert (healthy.primary, healthy.replica, healthy.replica_in_use) == (True, True, True)
    assert healthy.replica_lag_seconds is not None
    assert healthy.replica_lag_seconds >= 0

    cluster.standby.stop()  # reads right after: their pooled connections are dead
    statements.reset()
    caplog.set_level(logging.INFO, logger="studiocore_sql.replica")
    for _ in range(5):
        page = services.shows.page(where={"studio_room_uid": room_uid}, limit=50)
        assert [s.uid for s in page.items] == [show_uid]
    assert statements.counts["primary"] > 0
    assert statements.counts["replica"] == 0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "does not answer" in warnings[0].getMessage()
    assert "reads go to the primary" in warnings[0].getMessage()
    down = db.health_report()
    assert (down.primary, down.replica, down.replica_in_use, down.ok) == (True, False, False, True)
    assert down.replica_lag_seconds is None
    time.sleep(0.6)  # past replica_retry_after: the next reader tries the standby (in vain)
    assert services.shows.get(show_uid).uid == show_uid
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1

    cluster.start_standby()
    time.sleep(0.6)
    statements.reset()
    with db.reader() as uow:
        assert uow.execute(IN_RECOVERY).scalar() is True
    assert services.shows.get(show_uid).uid == show_uid
    assert statements.counts["primary"] == 0
    assert any("answers again" in r.getMessage() for r in caplog.records)
    assert db.health_report().replica_in_use is True


def _executed(uow: SqlUnitOfWork) -> object:
    return uow.execute(IN_RECOVERY).scalar()


def _sent_together(uow: SqlUnitOfWork) -> object:
    """As a page and its total are read: two statements in one round trip
    (psycopg's pipeline mode, past SQLAlchemy's error event)."""
    asked = sa.select(sa.func.pg_is_in_recovery())
    first, second = uow.session.fetch_together((asked, {}), (asked, {}))
    assert first == second
    return first[0][0]


@pytest.mark.parametrize("in_recovery", [_executed, _sent_together])
def test_a_read_whose_standby_connection_is_lost_runs_again_on_the_primary(
    cluster: PgCluster,
    database: str,
    standby_up: None,
    in_recovery: Callable[[SqlUnitOfWork], object],
) -> None:
    # never pinged: the pooled connection to the stopped standby fails its statement
    db = SqlDatabase(
        cluster.primary.url(database),
        replica_url=cluster.standby.url(database),
        ping_idle_after=None,
        replica_retry_after=30,
    )
    try:
        services = Services(db)
        first = services.clients.create(_name("Kept"))
        wait_until(lambda: services.clients.page(where={"uid": first.uid}).total == 1)
        with db.reader() as uow:  # a pooled connection to the standby
            assert in_recovery(uow) is True
        cluster.standby.stop()
        router = db.replica
        assert router is not None
        down = [router.is_down]
        with db.reader() as uow:
            assert isinstance(uow, ReplicaUnitOfWork)
            where = [uow.on_replica]
            assert in_recovery(uow) is False  # run again on the primary
            where.append(uow.on_replica)
        down.append(router.is_down)
        assert where == [True, False]
        assert down == [False, True]
        assert services.clients.page(where={"uid": first.uid}).total == 1
        with db.reader() as uow:
            assert uow.execute(IN_RECOVERY).scalar() is False
    finally:
        db.dispose()


def test_a_lost_primary_connection_in_a_read_is_not_retried(
    cluster: PgCluster, database: str, standby_up: None
) -> None:
    # the fallback is for the replica only: on the primary a lost connection is
    # UnavailableError (a 503 to retry), as without a replica
    db = SqlDatabase(
        cluster.primary.url(database),
        replica_url=cluster.standby.url(database),
        ping_idle_after=None,
    )
    try:
        with primary_reads(), db.reader() as uow:
            pid = uow.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        cluster.primary.scalar(f"SELECT pg_terminate_backend({pid})")
        time.sleep(0.05)
        with (
            pytest.raises(UnavailableError, match="connection was lost"),
            primary_reads(),
            db.reader() as uow,
        ):
            uow.execute(sa.text("SELECT 1"))
    finally:
        db.dispose()


def test_a_replica_that_never_answers_sends_every_read_to_the_primary(
    cluster: PgCluster, database: str
) -> None:
    from tests.support.pg_cluster import free_port

    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/{database}"
    db = SqlDatabase(cluster.primary.url(database), replica_url=nowhere, connect_timeout=2)
    try:
        assert Services(db).clients.page(limit=1).limit == 1
        report = db.health_report()
        assert (report.primary, report.replica, report.replica_in_use) == (True, False, False)
    finally:
        db.dispose()


# -- over HTTP ------------------------------------------------------------------------


def _replica_app(
    cluster: PgCluster, database: str, **options: Any
) -> tuple[Settings, Litestar, Services, SqlDatabase, sa.Engine]:
    """The app on the cluster's primary, reading from its standby (its engine last)."""
    settings = Settings(
        database_url=cluster.primary.url(database),
        database_replica_url=cluster.standby.url(database),
        jwt_secret=SECRET,
        log_requests=False,
        webhook_worker=False,
        **options,
    )
    app = create_app(settings)
    services: Services = app.state.services
    db = services.context.uow_factory
    assert isinstance(db, SqlDatabase)
    assert db.replica_engine is not None
    return settings, app, services, db, db.replica_engine


def test_the_api_reads_from_the_replica_and_stays_up_when_it_goes_away(
    cluster: PgCluster, database: str, standby_up: None
) -> None:
    settings, app, services, db, replica = _replica_app(cluster, database)
    admin = services.users.create(
        f"{secrets.token_hex(4)}@example.com", "Admin", role=UserRole.ADMIN
    )
    headers = {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}
    name = _name("Glow")
    counted = Statements(primary=db.engine, replica=replica)
    try:
        with TestClient(app) as client:
            created = client.post("/api/v1/clients", json={"name": name}, headers=headers)
            assert created.status_code == 201, created.text
            # the write on the primary (and the token's user and grants read there)
            assert any("INSERT INTO clients" in s for s in counted.writes("primary"))
            assert counted.writes("replica") == []
            # the replica shows the new client once it has replayed the commit
            wait_until(
                lambda: name in _client_names(client, headers),
                what="the new client listed from the replica",
            )
            counted.reset()
            assert name in _client_names(client, headers)
            assert counted.counts["replica"] > 0
            # on the primary at most what signing in reads: the user and their
            # grants (kept in the access cache since the first request)
            assert all(re.search(r"\b(users|memberships)\b", q) for q in counted.seen["primary"])
            assert not any(re.search(r"\bclients\b", q) for q in counted.seen["primary"])

            cluster.standby.stop()
            for _ in range(3):
                assert name in _client_names(client, headers)
            health = client.get("/health/ready")
            assert health.status_code == 200  # still serving: reads went to the primary
            assert (health.json()["status"], health.json()["replica"]) == (
                "degraded",
                "unavailable",
            )
            assert health.json()["database"] == "ok"
            assert db.health_report().replica is False
    finally:
        counted.close()


def test_the_token_s_user_and_grants_are_read_from_the_primary(
    cluster: PgCluster, database: str, standby_up: None
) -> None:
    settings, app, services, db, replica = _replica_app(cluster, database, migrate_on_start=False)
    user = services.users.create(f"{secrets.token_hex(4)}@example.com", "Fresh")
    headers = {"Authorization": f"Bearer {issue_token(settings, user.uid)}"}
    counted = Statements(primary=db.engine, replica=replica)
    try:
        with TestClient(app) as client:
            # at once, however far the replica lags: the user is found on the primary
            assert client.get("/api/v1/studios", headers=headers).status_code == 200
        on_replica = [
            s for s in counted.seen["replica"] if re.search(r"\b(users|memberships)\b", s)
        ]
        assert on_replica == []
        assert any(re.search(r"\busers\b", s) for s in counted.seen["primary"])
    finally:
        counted.close()


def test_an_app_whose_replica_does_not_answer_at_start_warns_and_reads_from_the_primary(
    cluster: PgCluster, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.pg_cluster import free_port

    caplog.set_level(logging.WARNING, logger="studiocore_sql.replica")
    settings = Settings(
        database_url=cluster.primary.url(database),
        database_replica_url=f"postgresql://postgres@127.0.0.1:{free_port()}/{database}",
        jwt_secret=SECRET,
        log_requests=False,
        webhook_worker=False,
    )
    app = create_app(settings)
    assert [r.getMessage() for r in caplog.records if "does not answer" in r.getMessage()]
    services: Services = app.state.services
    admin = services.users.create(
        f"{secrets.token_hex(4)}@example.com", "Admin", role=UserRole.ADMIN
    )
    headers = {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}
    with TestClient(app) as client:
        assert client.get("/api/v1/clients", headers=headers).status_code == 200


def test_a_malformed_replica_url_is_a_setup_error_naming_the_setting() -> None:
    with pytest.raises(DatabaseSetupError, match="STUDIOCORE_DATABASE_REPLICA_URL") as raised:
        open_database(FAKE_PRIMARY, replica_url="postgresql+nodriver://u:pw@h/db")
    assert "pw" not in str(raised.value)
    assert "replica" in str(raised.value)


def _client_names(client: TestClient[Any], headers: dict[str, str]) -> list[str]:
    listed = client.get("/api/v1/clients?limit=500", headers=headers)
    assert listed.status_code == 200, listed.text
    return [c["name"] for c in listed.json()["items"]]


# -- configuration (no cluster needed) ------------------------------------------------

FAKE_PRIMARY = "postgresql://app@127.0.0.1:1/studiocore"
FAKE_REPLICA = "postgresql://app@127.0.0.1:2/studiocore"


def test_a_replica_needs_postgresql_for_both(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="replica_url: a read replica needs PostgreSQL"):
        SqlDatabase(f"sqlite:///{tmp_path / 'a.db'}", replica_url=FAKE_REPLICA)
    with pytest.raises(ValueError, match="replica_url"):
        SqlDatabase(FAKE_PRIMARY, replica_url=f"sqlite:///{tmp_path / 'b.db'}")
    with pytest.raises(DatabaseSetupError, match="STUDIOCORE_DATABASE_REPLICA_URL") as raised:
        open_database(f"sqlite:///{tmp_path / 'c.db'}", replica_url="postgresql://u:pw@h/db")
    assert "pw" not in str(raised.value)
    assert not (tmp_path / "c.db").exists()


def test_the_replica_url_comes_from_the_environment_with_the_database_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert replica_url_from_env({}) is None
    assert replica_url_from_env({"STUDIOCORE_DATABASE_REPLICA_URL": " "}) is None
    assert replica_url_from_env({"STUDIOCORE_DATABASE_REPLICA_URL": FAKE_REPLICA}) == (
        "postgresql+psycopg://app@127.0.0.1:2/studiocore"
    )
    monkeypatch.setenv("STUDIOCORE_DATABASE_URL", FAKE_PRIMARY)
    monkeypatch.setenv("STUDIOCORE_DATABASE_REPLICA_URL", FAKE_REPLICA)
    from_env = SqlDatabase()
    given = SqlDatabase(FAKE_PRIMARY)  # an explicit URL takes no replica from the environment
    try:
        assert from_env.replica_engine is not None
        assert from_env.replica_engine.url.port == 2
        assert given.replica is None
        assert "replica_url='postgresql+psycopg://app@127.0.0.1:2/studiocore'" in repr(from_env)
    finally:
        from_env.dispose()
        given.dispose()
    settings = Settings.from_env({"STUDIOCORE_DATABASE_REPLICA_URL": FAKE_REPLICA})
    assert settings.database_replica_url == FAKE_REPLICA
    assert Settings.from_env({}).database_replica_url is None


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_router_retries_a_down_replica_once_per_back_off_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = sa.create_engine(FAKE_REPLICA.replace("postgresql:", "postgresql+psycopg:"))
    clock = _Clock()
    router = ReplicaRouter(engine, retry_after=5, clock=clock)
    caplog.set_level(logging.DEBUG, logger="studiocore_sql.replica")
    assert router.use_replica()
    assert router.use_replica()
    router.mark_down("connection refused")
    router.mark_down("connection refused")
    assert [router.use_replica() for _ in range(3)] == [False, False, False]
    clock.now += 5
    assert [router.use_replica() for _ in range(3)] == [True, False, False]  # one tries
    router.mark_down("still refused")
    clock.now += 4.9
    assert not router.use_replica()
    router.mark_up()
    assert router.use_replica()
    assert not router.is_down
    levels = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [m for lvl, m in levels if lvl == "WARNING"] == [
        "the read replica postgresql+psycopg://app@127.0.0.1:2/studiocore does not answer "
        "(connection refused): reads go to the primary; retrying the replica every 5 s"
    ]
    assert [lvl for lvl, _ in levels] == ["WARNING", "DEBUG", "DEBUG", "INFO"]
    with pytest.raises(ValueError, match="replica_retry_after"):
        ReplicaRouter(engine, retry_after=0)
    engine.dispose()


# -- the documentation's example ------------------------------------------------------


def test_the_persistence_guide_example_runs(cluster: PgCluster, database: str) -> None:
    text = (DOCS / "persistence.md").read_text()
    match = re.search(r"<!-- replica example -->\s*```python\n(.*?)```", text, re.S)
    assert match, "the replica example is missing from docs/persistence.md"
    code = match.group(1)
    code = code.replace("postgresql://app@db-primary/studiocore", cluster.primary.url(database))
    code = code.replace("postgresql://app@db-replica/studiocore", cluster.standby.url(database))
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/persistence.md", "exec"), namespace)
    report = namespace["report"]
    assert (report.primary, report.replica) == (True, True)
    namespace["db"].dispose()
