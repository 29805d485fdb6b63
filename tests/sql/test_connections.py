"""The connection pool on PostgreSQL: connections the server dropped are found
before use once they have sat idle (``SqlDatabase(ping_idle_after=...)``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from studiocore import Studio, UnavailableError, new_uid
from studiocore_sql import SqlDatabase
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


def test_a_dropped_connection_that_sat_idle_is_replaced_before_use(
    postgres_empty_url: str,
) -> None:
    with one_connection(postgres_empty_url, ping_idle_after=0.2) as db:
        first = backend_pid(db)
        terminate_backend(postgres_empty_url, first)
        time.sleep(0.3)
        # pinged on checkout, found dead, replaced: the caller sees nothing
        second = backend_pid(db)
        assert second != first
        assert db.health()


def test_ping_idle_after_zero_pings_every_checkout(postgres_empty_url: str) -> None:
    with one_connection(postgres_empty_url, ping_idle_after=0) as db:
        first = backend_pid(db)
        terminate_backend(postgres_empty_url, first)
        assert backend_pid(db) != first  # no idle time needed


def test_a_connection_returned_moments_ago_is_used_without_a_ping(
    postgres_empty_url: str,
) -> None:
    # The trade-off ping_idle_after makes: a connection dropped within the
    # window fails its next statement once; the pool is then invalidated, so
    # the statement after that gets a new connection.
    with one_connection(postgres_empty_url, ping_idle_after=60) as db:
        first = backend_pid(db)
        terminate_backend(postgres_empty_url, first)
        with pytest.raises(sa.exc.OperationalError) as caught:
            backend_pid(db)
        assert caught.value.connection_invalidated
        assert backend_pid(db) != first


def test_ping_idle_after_none_never_pings(postgres_empty_url: str) -> None:
    with one_connection(postgres_empty_url, ping_idle_after=None) as db:
        first = backend_pid(db)
        terminate_backend(postgres_empty_url, first)
        time.sleep(0.2)
        with pytest.raises(sa.exc.OperationalError):
            backend_pid(db)
        assert backend_pid(db) != first


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
        now = datetime.now(UTC)
        studio = Studio(uid=new_uid("studio"), created_at=now, updated_at=now, name="Seoul")
        with db() as uow:
            uow.studios.add(studio)
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
