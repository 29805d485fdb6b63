"""What PostgreSQL itself guarantees, whatever code writes to it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import attrs
import pytest
import sqlalchemy as sa

from studiocore import (
    ConcurrencyError,
    ConflictError,
    ConflictKind,
    Services,
    ShowQuery,
    ShowStatus,
    Studio,
    StudioRoom,
    new_uid,
)
from studiocore_sql import SqlDatabase
from tests.sql.helpers import ROOM_DOUBLE_BOOKINGS, at, show

pytestmark = pytest.mark.postgres


def _room(db: SqlDatabase) -> str:
    now = datetime.now(UTC)
    studio = Studio(uid=new_uid("studio"), created_at=now, updated_at=now, name="S")
    room = StudioRoom(
        uid=new_uid("room"), created_at=now, updated_at=now, studio_uid=studio.uid, name="R"
    )
    with db() as uow:
        uow.studios.add(studio)
        uow.studio_rooms.add(room)
    return room.uid


def test_the_database_refuses_an_overlapping_show_written_past_the_service(
    pg_db: SqlDatabase,
) -> None:
    room = _room(pg_db)
    first = show(room, 0, 2)
    with pg_db() as uow:
        uow.shows.add(first)
    second = show(room, 1, 3)
    with pg_db() as uow:
        with pytest.raises(ConflictError) as caught:
            uow.shows.add(second)
        # the transaction survives the refusal (savepoint): it can still read
        assert uow.shows.find(second.uid) is None
        assert uow.shows.get(first.uid) == first
    assert first.uid in str(caught.value)
    [conflict] = caught.value.conflicts
    assert conflict.kind is ConflictKind.ROOM_OVERLAP
    assert conflict.show_uids == (first.uid, second.uid)
    assert (conflict.start, conflict.end) == (at(1), at(2))


def test_back_to_back_drafts_cancelled_and_deleted_shows_do_not_collide(
    pg_db: SqlDatabase,
) -> None:
    room = _room(pg_db)
    deleted = show(room, 5, 6)
    with pg_db() as uow:
        uow.shows.add(show(room, 0, 2))
        uow.shows.add(show(room, 2, 4))  # half-open: touching is fine
        uow.shows.add(show(room, 1, 3, ShowStatus.DRAFT))
        uow.shows.add(show(room, 1, 3, ShowStatus.CANCELLED))
        uow.shows.add(deleted)
        uow.shows.update(attrs.evolve(deleted, deleted_at=datetime.now(UTC)))
        uow.shows.add(show(room, 5, 6))
    with pg_db() as uow:
        assert uow.shows.search_count(ShowQuery(studio_room_uid=room)) == 5
    with pg_db.engine.connect() as conn:
        assert conn.execute(ROOM_DOUBLE_BOOKINGS).all() == []


def test_raw_sql_cannot_double_book_a_room(pg_db: SqlDatabase) -> None:
    room = _room(pg_db)
    first = show(room, 0, 2)
    with pg_db() as uow:
        uow.shows.add(first)
    with pg_db.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError) as caught:
        conn.execute(
            sa.text(
                "INSERT INTO shows (uid, studio_room_id, show_type_id, show_status_id, "
                "show_standard_id, name, show_start, show_end, created_at, updated_at) "
                "SELECT :uid, studio_room_id, show_type_id, 3, show_standard_id, 'raw', "
                ":start, :end, now(), now() FROM shows WHERE uid = :first"
            ),
            {"uid": new_uid("show"), "start": at(1), "end": at(3), "first": first.uid},
        )
    assert "ex_shows_room_overlap" in str(caught.value)


def test_a_set_based_promotion_that_would_overlap_is_refused_whole(pg_db: SqlDatabase) -> None:
    room = _room(pg_db)
    booked = show(room, 0, 2)
    fits = show(room, 3, 4, ShowStatus.DRAFT)
    clashes = show(room, 1, 3, ShowStatus.DRAFT)
    with pg_db() as uow:
        for s in (booked, fits, clashes):
            uow.shows.add(s)
    with pg_db() as uow, pytest.raises(ConflictError) as caught:
        uow.shows.set_status(
            [fits.uid, clashes.uid],
            ShowStatus.CONFIRMED,
            expected=ShowStatus.DRAFT,
            at=datetime.now(UTC),
        )
    assert [c.show_uids for c in caught.value.conflicts] == [(booked.uid, clashes.uid)]
    with pg_db() as uow:
        assert uow.shows.get(fits.uid).show_status is ShowStatus.DRAFT


def _lock_impatiently(db: SqlDatabase, mc_uid: str) -> None:
    with db() as uow:
        uow.connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
        uow.lock_resources(room_uids=[], mc_uids=[mc_uid])


def test_a_locked_resource_makes_a_second_writer_wait(pg_db: SqlDatabase) -> None:
    svc = Services(pg_db)
    studio = svc.studios.create("S")
    room = svc.studio_rooms.create(studio.uid, "R")
    mc = svc.mcs.create("Kim")
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with pg_db() as uow:
            uow.lock_resources(room_uids=[room.uid], mc_uids=[mc.uid])
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        with pytest.raises(ConcurrencyError):
            _lock_impatiently(pg_db, mc.uid)
        # a draft in the locked room is not held up (the FK check's key-share
        # lock does not conflict with FOR NO KEY UPDATE)
        with pg_db() as uow:
            uow.connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
            uow.shows.add(show(room.uid, 0, 1, ShowStatus.DRAFT))
    finally:
        release.set()
        holder.join()


def _swallow_an_error_and_leave_normally(db: SqlDatabase, studio: Studio) -> None:
    with db() as uow:
        uow.studios.update(attrs.evolve(studio, name="changed"))
        with pytest.raises(sa.exc.DataError):
            uow.execute(sa.text("SELECT 1/0"))  # PostgreSQL aborts the transaction


def test_after_a_database_error_the_unit_of_work_refuses_to_commit(pg_db: SqlDatabase) -> None:
    svc = Services(pg_db)
    studio = svc.studios.create("S")
    with pytest.raises(ConcurrencyError):
        _swallow_an_error_and_leave_normally(pg_db, studio)
    with pg_db() as check:
        assert check.studios.get(studio.uid) == studio
