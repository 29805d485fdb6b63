"""A page and its total in one round trip on PostgreSQL (psycopg's pipeline mode).

``SqlSession.fetch_together`` sends several SELECTs at once. These tests put a
delaying proxy between the adapter and PostgreSQL to see the round trips, and
check that the rows, the errors and a lost connection are what
``Connection.execute`` gives."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from studiocore import Services, ShowQuery, UnavailableError
from studiocore.permissions import Visibility
from studiocore_sql import SqlDatabase
from studiocore_sql.show_search import search_count_statement, search_page_statement, search_values
from tests.support.postgres import fresh_database

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DELAY = 0.15


@pytest.fixture(scope="module")
def booked() -> Iterator[tuple[SqlDatabase, str]]:
    """A database with one studio of two rooms and 30 shows; its uid."""
    with fresh_database() as db:
        services = Services(db)
        studio = services.studios.create("Studio")
        rooms = [services.studio_rooms.create(studio.uid, f"Room {i}") for i in range(2)]
        for hour in range(30):
            start = T0 + timedelta(hours=hour)
            services.shows.create(
                name=f"Show {hour}",
                studio_room_uid=rooms[hour % 2].uid,
                show_start=start,
                show_end=start + timedelta(minutes=50),
            )
        yield db, studio.uid


def _statements(
    db: SqlDatabase, studio_uid: str
) -> tuple[sa.Select[Any], sa.Select[Any], dict[str, Any]]:
    query = ShowQuery(
        studio_uid=studio_uid,
        start_from=T0 + timedelta(hours=2),
        visible=Visibility(studio_uids=frozenset({studio_uid, "studio_elsewhere"})),
    )
    return (
        search_page_statement(query, db.dialect, 10, 5),
        search_count_statement(query, db.dialect),
        search_values(query),
    )


def test_the_rows_are_those_of_execute(booked: tuple[SqlDatabase, str]) -> None:
    db, studio_uid = booked
    page, count, values = _statements(db, studio_uid)
    with db.reader() as uow:
        rows, counted = uow.session.fetch_together((page, values), (count, values))
        assert [tuple(r) for r in rows] == [tuple(r) for r in uow.execute(page, values).all()]
    assert counted == [(28,)]
    assert len(rows) == 10
    assert all(r[-3].tzinfo is UTC for r in rows)  # show_start, through UTCDateTime


def test_the_page_and_the_total_take_one_round_trip(booked: tuple[SqlDatabase, str]) -> None:
    db, studio_uid = booked
    page, count, values = _statements(db, studio_uid)
    with _delaying_proxy(db.engine.url) as url:
        slow = SqlDatabase(url.render_as_string(hide_password=False), ping_idle_after=None)
        try:
            with slow.reader() as uow:
                uow.execute(sa.select(1))  # connected
                started = time.perf_counter()
                uow.session.fetch_together((page, values), (count, values))
                together = time.perf_counter() - started
                started = time.perf_counter()
                uow.execute(page, values).all()
                uow.execute(count, values).all()
                apart = time.perf_counter() - started
        finally:
            slow.dispose()
    assert DELAY <= together < 1.8 * DELAY, together
    assert apart >= 2 * DELAY, apart


def test_a_failing_statement_raises_as_execute_does(booked: tuple[SqlDatabase, str]) -> None:
    db, studio_uid = booked
    page, count, values = _statements(db, studio_uid)
    broken = sa.select(sa.literal(1) / sa.bindparam("zero", type_=sa.Integer))
    with pytest.raises(sa.exc.DBAPIError, match="division by zero"), db.reader() as uow:
        uow.session.fetch_together((page, values), (broken, {"zero": 0}))
    with db.reader() as uow:  # the connection serves the next unit of work
        assert uow.session.fetch_together((count, values)) == [[(28,)]]


def test_a_lost_connection_is_unavailable(booked: tuple[SqlDatabase, str]) -> None:
    db, studio_uid = booked
    page, count, values = _statements(db, studio_uid)
    lost: list[bool] = []

    def read_after_losing_the_connection() -> None:
        with db.reader() as uow:
            pid = uow.execute(sa.text("SELECT pg_backend_pid()")).scalar()
            with db.engine.connect() as other:
                other.execute(sa.text(f"SELECT pg_terminate_backend({pid})"))
            time.sleep(0.05)
            try:
                uow.session.fetch_together((page, values), (count, values))
            finally:
                lost.append(uow.session.lost)

    with pytest.raises(UnavailableError, match="connection was lost"):
        read_after_losing_the_connection()
    assert lost == [True]
    with db.reader() as uow:  # the pool replaced the connection
        assert uow.session.fetch_together((count, values)) == [[(28,)]]


@contextmanager
def _delaying_proxy(url: sa.URL) -> Iterator[sa.URL]:
    """A TCP proxy on a free local port to ``url``'s server that holds each
    answer of the server ``DELAY`` seconds: a round trip costs ``DELAY``."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def pump(source: socket.socket, sink: socket.socket, delay: float) -> None:
        try:
            while chunk := source.recv(65536):
                time.sleep(delay)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            sink.close()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            server = socket.create_connection((url.host or "127.0.0.1", url.port or 5432))
            threading.Thread(target=pump, args=(client, server, 0.0), daemon=True).start()
            threading.Thread(target=pump, args=(server, client, DELAY), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield url.set(host="127.0.0.1", port=port)
    finally:
        stop.set()
        thread.join()
        listener.close()
