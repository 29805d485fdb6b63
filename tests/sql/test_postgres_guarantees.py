"""What PostgreSQL itself guarantees, whatever code writes to it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
import sqlalchemy as sa

from studiocore import (
    MC,
    ConcurrencyError,
    ConflictError,
    ConflictKind,
    Services,
    ShowMC,
    ShowQuery,
    ShowStatus,
    Studio,
    new_uid,
)
from studiocore_sql import SqlDatabase
from studiocore_sql import tables as t
from tests.sql.helpers import MC_DOUBLE_BOOKINGS, ROOM_DOUBLE_BOOKINGS, at, show
from tests.support.builders import make, put, studio_and_room


def _room(db: SqlDatabase) -> str:
    studio, room = studio_and_room()
    put(db, studio, room)
    return room.uid


@pytest.fixture
def room(pg_db: SqlDatabase) -> str:
    """A room (of a studio of its own) on the PostgreSQL database."""
    return _room(pg_db)


@pytest.mark.postgres
def test_the_database_refuses_an_overlapping_show_written_past_the_service(
    pg_db: SqlDatabase, room: str
) -> None:
    first, second = show(room, 0, 2), show(room, 1, 3)  # overlapping for an hour
    with pg_db() as uow:
        uow.shows.add(first)
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


@pytest.mark.postgres
def test_back_to_back_drafts_cancelled_and_deleted_shows_do_not_collide(
    pg_db: SqlDatabase, room: str
) -> None:
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


@pytest.mark.postgres
def test_raw_sql_cannot_double_book_a_room(pg_db: SqlDatabase, room: str) -> None:
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


@pytest.mark.postgres
def test_a_set_based_promotion_that_would_overlap_is_refused_whole(
    pg_db: SqlDatabase, room: str
) -> None:
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


@pytest.mark.postgres
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


@pytest.mark.postgres
def test_after_a_database_error_the_unit_of_work_refuses_to_commit(pg_db: SqlDatabase) -> None:
    svc = Services(pg_db)
    studio = svc.studios.create("S")
    with pytest.raises(ConcurrencyError):
        _swallow_an_error_and_leave_normally(pg_db, studio)
    with pg_db() as check:
        assert check.studios.get(studio.uid) == studio


def _mc(db: SqlDatabase) -> str:
    mc: MC = make(MC, name="Kim")
    put(db, mc)
    return mc.uid


def _link(show_uid: str, mc_uid: str) -> ShowMC:
    link: ShowMC = make(ShowMC, show_uid=show_uid, mc_uid=mc_uid)
    return link


@pytest.mark.postgres
def test_the_database_refuses_one_mc_on_two_overlapping_shows(pg_db: SqlDatabase) -> None:
    room_a, room_b = _room(pg_db), _room(pg_db)
    mc = _mc(pg_db)
    first, second = show(room_a, 0, 2), show(room_b, 1, 3)
    with pg_db() as uow:
        uow.shows.add(first)
        uow.show_mcs.add(_link(first.uid, mc))
        uow.shows.add(second)
    with pg_db() as uow:
        with pytest.raises(ConflictError) as caught:
            uow.show_mcs.add(_link(second.uid, mc))
        assert uow.show_mcs.count(where={"mc_uid": mc}) == 1  # still usable
    [conflict] = caught.value.conflicts
    assert conflict.kind is ConflictKind.MC_OVERLAP
    assert conflict.resource_uid == mc
    assert conflict.show_uids == (first.uid, second.uid)


@pytest.mark.postgres
def test_moving_or_confirming_a_show_onto_a_busy_mc_is_refused(pg_db: SqlDatabase) -> None:
    room_a, room_b = _room(pg_db), _room(pg_db)
    mc = _mc(pg_db)
    busy = show(room_a, 0, 2)
    later = show(room_b, 3, 4)
    draft = show(room_b, 1, 2, ShowStatus.DRAFT)
    with pg_db() as uow:
        for s in (busy, later, draft):
            uow.shows.add(s)
            uow.show_mcs.add(_link(s.uid, mc))
    moved = attrs.evolve(later, show_start=at(1), show_end=at(2.5))
    with pg_db() as uow, pytest.raises(ConflictError) as caught:
        uow.shows.update(moved)
    assert [c.show_uids for c in caught.value.conflicts] == [(busy.uid, later.uid)]
    with pg_db() as uow, pytest.raises(ConflictError) as caught:
        uow.shows.set_status(
            [draft.uid], ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=datetime.now(UTC)
        )
    assert {c.kind for c in caught.value.conflicts} == {ConflictKind.MC_OVERLAP}
    with pg_db.engine.connect() as conn:
        assert conn.execute(MC_DOUBLE_BOOKINGS).all() == []


@pytest.mark.postgres
def test_raw_sql_cannot_double_book_an_mc(pg_db: SqlDatabase) -> None:
    room_a, room_b, room_c = _room(pg_db), _room(pg_db), _room(pg_db)
    mc = _mc(pg_db)
    first, second = show(room_a, 0, 2), show(room_b, 1, 3)
    draft = show(room_c, 1.5, 2.5, ShowStatus.DRAFT)
    with pg_db() as uow:
        for s in (first, second, draft):
            uow.shows.add(s)
        uow.show_mcs.add(_link(first.uid, mc))
        uow.show_mcs.add(_link(draft.uid, mc))  # a draft reserves nothing
    refused = {
        # a link of a confirmed show, even one lying about the copied interval
        "link": (
            "INSERT INTO show_mcs (uid, show_id, mc_id, metadata, created_at, updated_at, "
            "show_start, show_end) "
            "SELECT :uid, s.id, m.id, '{}', now(), now(), NULL, NULL "
            "FROM shows s, mcs m WHERE s.uid = :show AND m.uid = :mc"
        ),
        # confirming the draft that already has the MC
        "confirm": "UPDATE shows SET show_status_id = 2 WHERE uid = :draft",
        # moving the draft's MC link onto the confirmed second show
        "re-point": (
            "UPDATE show_mcs SET show_id = (SELECT id FROM shows WHERE uid = :show) "
            "WHERE show_id = (SELECT id FROM shows WHERE uid = :draft)"
        ),
    }
    params = {"uid": new_uid("showmc"), "show": second.uid, "mc": mc, "draft": draft.uid}
    for what, statement in refused.items():
        with pg_db.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError) as caught:
            conn.execute(sa.text(statement), params)
        orig: Any = caught.value.orig
        assert (orig.sqlstate, orig.diag.constraint_name) == ("23P01", "show_mcs_mc_overlap"), what
        assert mc in str(orig), what  # named by uid
    with pg_db.engine.begin() as conn:
        # a change that books nothing new passes; moving a confirmed show onto
        # the MC's other show does not
        conn.execute(sa.text("UPDATE shows SET name = 'renamed' WHERE uid = :draft"), params)
    with pg_db.engine.begin() as conn:
        for hours in (5, -4):  # [0, 2) -> [5, 7) -> [1, 3): no other confirmed show there
            conn.execute(
                sa.text(
                    "UPDATE shows SET show_start = show_start + make_interval(hours => :h), "
                    "show_end = show_end + make_interval(hours => :h) WHERE uid = :first"
                ),
                {"first": first.uid, "h": hours},
            )
    with pg_db.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError) as caught:
        conn.execute(sa.text("UPDATE shows SET show_status_id = 2 WHERE uid = :draft"), params)
    # ... until the draft is confirmed
    assert getattr(caught.value.orig, "diag").constraint_name == "show_mcs_mc_overlap"  # noqa: B009
    with pg_db.engine.connect() as conn:
        assert conn.execute(MC_DOUBLE_BOOKINGS).all() == []


@pytest.mark.postgres
def test_the_mc_guard_only_looks_at_what_a_statement_books(pg_db: SqlDatabase) -> None:
    """Back-to-back shows, cancelled, deleted or draft neighbours and soft-deleted
    links never trip the guard; a status change writes no link row."""
    rooms = [_room(pg_db) for _ in range(4)]
    mc = _mc(pg_db)
    booked = show(rooms[0], 0, 2)
    after = show(rooms[1], 2, 4, ShowStatus.DRAFT)  # back to back: [2, 4) after [0, 2)
    cancelled = show(rooms[2], 1, 3, ShowStatus.CANCELLED)
    gone = show(rooms[3], 1, 3, ShowStatus.DRAFT)
    with pg_db() as uow:
        for s in (booked, after, cancelled, gone):
            uow.shows.add(s)
            uow.show_mcs.add(_link(s.uid, mc))
        current = uow.shows.get(gone.uid)  # confirmed, but deleted
        uow.shows.update(attrs.evolve(current, show_status=ShowStatus.CONFIRMED, deleted_at=at(0)))
    with pg_db.engine.connect() as conn:
        links_before = conn.execute(sa.text("SELECT xmin::text FROM show_mcs ORDER BY id")).all()
    with pg_db() as uow:
        changed = uow.shows.set_status(
            [after.uid], ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=at(0)
        )
    assert changed == 1
    with pg_db.engine.connect() as conn:
        links_after = conn.execute(sa.text("SELECT xmin::text FROM show_mcs ORDER BY id")).all()
        assert conn.execute(MC_DOUBLE_BOOKINGS).all() == []
    assert links_after == links_before  # no link row was rewritten


def test_triggers_keep_the_links_copy_of_the_show_in_step(sql_db: SqlDatabase) -> None:
    room = _room(sql_db)
    mc = _mc(sql_db)
    s = show(room, 0, 2, ShowStatus.DRAFT)
    with sql_db() as uow:
        uow.shows.add(s)
        uow.show_mcs.add(_link(s.uid, mc))

    def copy() -> tuple[datetime, datetime]:
        with sql_db.engine.connect() as conn:
            row = conn.execute(sa.select(t.show_mcs.c.show_start, t.show_mcs.c.show_end)).one()
        return row.show_start, row.show_end

    assert copy() == (at(0), at(2))
    with sql_db() as uow:
        uow.shows.update(attrs.evolve(s, show_start=at(1), show_end=at(3)))
    assert copy() == (at(1), at(3))
    with sql_db() as uow:
        uow.shows.set_status([s.uid], ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=at(0))
    assert copy() == (at(1), at(3))
    with sql_db() as uow:
        current = uow.shows.get(s.uid)
        uow.shows.update(attrs.evolve(current, show_end=at(4)))
    assert copy() == (at(1), at(4))
    with sql_db.engine.begin() as conn:  # a writer cannot set the copy by hand
        conn.execute(sa.update(t.show_mcs).values(show_start=at(10), show_end=at(11)))
    assert copy() == (at(1), at(4))


@pytest.mark.postgres
def test_two_confirmations_of_one_draft_cannot_both_win(pg_db: SqlDatabase) -> None:
    svc = Services(pg_db)
    studio = svc.studios.create("S")
    room = svc.studio_rooms.create(studio.uid, "R")
    draft = show(room.uid, 0, 1, ShowStatus.DRAFT)
    with pg_db() as uow:
        uow.shows.add(draft)
    holding, release = threading.Event(), threading.Event()
    outcomes: list[str] = []

    def hold() -> None:  # keeps the room locked while both confirmations read the draft
        with pg_db() as uow:
            uow.lock_resources(room_uids=[room.uid], mc_uids=[])
            holding.set()
            release.wait(10)

    def confirm() -> None:
        try:
            svc.shows.confirm(draft.uid)
            outcomes.append("won")
        except Exception as exc:  # asserted below
            outcomes.append(type(exc).__name__)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    racers = [threading.Thread(target=confirm) for _ in range(2)]
    for racer in racers:
        racer.start()
    time.sleep(0.5)  # both have read the draft and wait for the room lock
    release.set()
    for thread in (holder, *racers):
        thread.join(10)
    assert sorted(outcomes) == ["ConcurrencyError", "won"]
    with pg_db() as uow:
        changes = uow.audits.count(where={"recordable_uid": draft.uid, "action": "status_change"})
        assert uow.shows.get(draft.uid).show_status is ShowStatus.CONFIRMED
    assert changes == 1


@pytest.mark.postgres
def test_a_link_added_while_its_show_is_being_confirmed_is_still_checked(
    pg_db: SqlDatabase,
) -> None:
    room_a, room_b = _room(pg_db), _room(pg_db)
    mc = _mc(pg_db)
    busy = show(room_a, 0, 2)
    draft = show(room_b, 1, 3, ShowStatus.DRAFT)
    with pg_db() as uow:
        uow.shows.add(busy)
        uow.show_mcs.add(_link(busy.uid, mc))
        uow.shows.add(draft)
    updated = threading.Event()
    outcome: list[str] = []

    def link() -> None:  # past the service: only the database stands in the way
        updated.wait(10)
        try:
            with pg_db() as uow:
                uow.show_mcs.add(_link(draft.uid, mc))
            outcome.append("linked")
        except ConflictError:
            outcome.append("ConflictError")

    linker = threading.Thread(target=link)
    linker.start()
    with pg_db() as uow:
        uow.shows.update(attrs.evolve(draft, show_status=ShowStatus.CONFIRMED))
        updated.set()
        time.sleep(0.5)  # the link insert now waits for this transaction
    linker.join(10)
    assert outcome == ["ConflictError"]
    with pg_db.engine.connect() as conn:
        assert conn.execute(MC_DOUBLE_BOOKINGS).all() == []
