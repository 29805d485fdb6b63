"""The connection pool on PostgreSQL: connections the server dropped are found
before use once they have sat idle (``SqlDatabase(ping_idle_after=...)``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from studiocore import Studio, UnavailableError
from studiocore_sql import SqlDatabase
from tests.support.builders import make, put
from tests.support.postgres import fresh_database, terminate_backend


@contextmanager
def one_connection(url: str, ping_idle_after: float | None) -> Iterator[SqlDatabase]:
    """A database whose pool holds exactly one connection (always the same)."""
    db = SqlDatabase(url, pool_size=1, max_overflow=0, ping_idle_after=ping_idle_after)
    try:
        yield db
    finally:
        db.dispose()


def backend_pid(db: SqlDatabase) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


@pytest.mark.parametrize(
    ("ping_idle_after", "idle", "pinged"),
    [
        # pinged on checkout, found dead, replaced: the caller sees nothing
        pytest.param(0.2, 0.3, True, id="sat-idle-longer-than-the-window"),
        pytest.param(0, 0, True, id="zero-pings-every-checkout"),
        # The trade-off ping_idle_after makes: a connection dropped within the
        # window fails its next statement once; the pool is then invalidated, so
        # the statement after that gets a new connection.
        pytest.param(60, 0, False, id="returned-moments-ago-is-not-pinged"),
        pytest.param(None, 0.2, False, id="none-never-pings"),
    ],
)
def test_a_dropped_connection_is_replaced_before_use_only_when_pinged(
    postgres_empty_url: str, ping_idle_after: float | None, idle: float, pinged: bool
) -> None:
    with one_connection(postgres_empty_url, ping_idle_after=ping_idle_after) as db:
        first = backend_pid(db)
        terminate_backend(postgres_empty_url, first)
        time.sleep(idle)
        if not pinged:
            with pytest.raises(sa.exc.OperationalError) as caught:
                backend_pid(db)
            assert caught.value.connection_invalidated
        assert backend_pid(db) != first
        assert db.health()


def rename_while_the_connection_drops(db: SqlDatabase, studio: Studio) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    with db() as uow:
        uow.studios.update(attrs.evolve(studio, name="Busan"))
        pid = uow.connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        terminate_backend(url, int(pid))
        with pytest.raises(UnavailableError, match="connection was lost"):
            uow.studios.count()
        # a caller that goes on after the error cannot commit what came before


def test_a_connection_lost_mid_unit_of_work_raises_unavailable_and_writes_nothing() -> None:
    with fresh_database(pool_size=1, max_overflow=0) as db:
        studio: Studio = make(Studio, name="Seoul")
        put(db, studio)
        with pytest.raises(UnavailableError, match="nothing was written"):
            rename_while_the_connection_drops(db, studio)
        # the server rolled the transaction back; the pool was emptied, so the
        # next unit of work connects anew and sees the data as it was
        with db() as uow:
            assert uow.studios.get(studio.uid).name == "Seoul"


def test_a_database_that_cannot_be_reached_raises_unavailable() -> None:
    # a port nobody listens on: connecting fails at once
    url = make_url("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    db = SqlDatabase(url.render_as_string(hide_password=False), connect_timeout=2)
    try:
        with pytest.raises(UnavailableError, match="cannot connect"), db() as uow:
            uow.studios.count()
        assert not db.health()
    finally:
        db.dispose()


def test_a_negative_ping_idle_after_is_refused() -> None:
    with pytest.raises(ValueError, match="ping_idle_after"):
        SqlDatabase("sqlite://", ping_idle_after=-1)
