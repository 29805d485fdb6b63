"""Behaviour of the SQL adapter beyond the shared contract suite."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

from studiocore import (
    Audit,
    ConcurrencyError,
    Services,
    Show,
    ShowMC,
    ShowQuery,
    ShowStatus,
    StudioRoom,
    TimeSlot,
    new_uid,
)
from studiocore.ports import REPOSITORY_NAMES
from studiocore_sql import SqlDatabase, database_url_from_env
from studiocore_sql.audit import room_overlap_audit
from studiocore_sql.mapping import MAPS
from tests.sql.helpers import at, show
from tests.support.adapters import ADAPTERS
from tests.support.builders import make, studio_and_room


def test_the_database_url_comes_from_the_environment_or_defaults_to_a_sqlite_file() -> None:
    assert database_url_from_env({}) == "sqlite:///./studiocore.db"
    assert database_url_from_env({"STUDIOCORE_DATABASE_URL": "  "}) == "sqlite:///./studiocore.db"
    assert (
        database_url_from_env({"STUDIOCORE_DATABASE_URL": "postgresql://u@h:5432/db"})
        == "postgresql+psycopg://u@h:5432/db"
    )
    assert (
        database_url_from_env({"STUDIOCORE_DATABASE_URL": "sqlite:////tmp/x.db"})
        == "sqlite:////tmp/x.db"
    )


def test_health_reports_a_reachable_database_and_an_unreachable_one() -> None:
    good = SqlDatabase("sqlite://")
    bad = SqlDatabase("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_timeout=1)
    try:
        assert good.health() is True
        assert bad.health() is False
    finally:
        good.dispose()
        bad.dispose()


@pytest.mark.postgres
def test_occupancy_comes_back_in_utc_when_a_session_overrides_the_time_zone() -> None:
    """``studio_occupancy`` reads times without conversion, relying on the
    library's sessions running in UTC; a caller whose ``connect_args`` set
    another zone still gets aware UTC datetimes for the same instants."""
    with ADAPTERS["postgres"]() as factory:
        assert isinstance(factory, SqlDatabase)
        tokyo = SqlDatabase(factory.url, connect_args={"options": "-c timezone=Asia/Tokyo"})
        try:
            studio, room = studio_and_room()
            booked = show(room.uid, 1, 2, ShowStatus.CONFIRMED)
            with tokyo() as uow:
                uow.studios.add(studio)
                uow.studio_rooms.add(room)
                uow.shows.add(booked)
            for db in (factory, tokyo):
                with db.reader() as uow:
                    found = uow.bookings.studio_occupancy(studio.uid, TimeSlot(at(0), at(3)))
                assert found.occupied == ((room.uid, booked.show_start, booked.show_end),)
                assert all(t.tzinfo is UTC for _, *times in found.occupied for t in times)
        finally:
            tokyo.dispose()


def test_a_naive_datetime_never_reaches_the_database() -> None:
    db = SqlDatabase("sqlite://")
    db.create_all()
    try:
        with pytest.raises(sa.exc.StatementError, match="naive"), db() as uow:
            uow.shows.search_count(ShowQuery(start_from=datetime(2026, 1, 1)))
    finally:
        db.dispose()


def test_writers_on_sqlite_start_with_begin_immediate() -> None:
    db = SqlDatabase("sqlite://")
    db.create_all()
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db() as uow:
            uow.studios.count()
        assert seen[0] == "BEGIN IMMEDIATE"
    finally:
        db.dispose()


def test_readers_do_not_wait_for_a_writer_on_sqlite(tmp_path: Path) -> None:
    db = SqlDatabase(f"sqlite:///{tmp_path / 'x.db'}", connect_timeout=0.2)
    db.create_all()
    try:
        studio = Services(db).studios.create("One")
        with db() as writer:  # holds the write lock (BEGIN IMMEDIATE) until the block ends
            writer.studios.update(attrs.evolve(studio, name="Renamed"))
            with db.reader() as uow:  # a deferred BEGIN: reads the last commit at once
                assert uow.studios.get(studio.uid).name == "One"
            with pytest.raises(ConcurrencyError), db() as other:  # a second writer waits
                other.studios.count()
        with db.reader() as uow:
            assert uow.studios.get(studio.uid).name == "Renamed"
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgresql_readers_spend_no_round_trips_on_begin_and_commit() -> None:
    with ADAPTERS["postgres"]() as factory:
        assert isinstance(factory, SqlDatabase)
        with factory.reader() as uow:  # the driver sends each statement on its own
            uow.studios.count()
            assert getattr(uow.connection.connection.driver_connection, "autocommit") is True  # noqa: B009
        with factory() as uow:  # the driver sends BEGIN first, COMMIT at the end
            uow.studios.count()
            assert getattr(uow.connection.connection.driver_connection, "autocommit") is False  # noqa: B009


def test_the_overlap_audit_flags_every_show_starting_before_an_earlier_one_ended(
    sql_db: SqlDatabase,
) -> None:
    studio, room_a = studio_and_room("A")
    rooms = [room_a, make(StudioRoom, studio_uid=studio.uid, name="B")]
    long = show(rooms[0].uid, 0, 5)
    inside = show(rooms[0].uid, 1, 2, ShowStatus.DRAFT)
    after_inside = show(rooms[0].uid, 3, 4, ShowStatus.DRAFT)  # overlaps `long` only
    touching = show(rooms[0].uid, 5, 6, ShowStatus.DRAFT)
    elsewhere = show(rooms[1].uid, 1, 2, ShowStatus.DRAFT)
    with sql_db() as uow:
        uow.studios.add(studio)
        for room in rooms:
            uow.studio_rooms.add(room)
        for s in (long, inside, after_inside, touching, elsewhere):
            uow.shows.add(s)
    assert room_overlap_audit(sql_db) == []
    findings = room_overlap_audit(sql_db, statuses={ShowStatus.DRAFT, ShowStatus.CONFIRMED})
    assert [(f.show_uid, f.room_uid, f.earlier_end) for f in findings] == [
        (inside.uid, rooms[0].uid, long.show_end),
        (after_inside.uid, rooms[0].uid, long.show_end),
    ]


def _audit() -> Audit:
    now = datetime.now(UTC)
    return Audit(
        uid=new_uid("audit"),
        created_at=now,
        updated_at=now,
        action="create",
        recordable_uid=new_uid("studio"),
        recordable_type="studios",
    )


def test_add_many_writes_audits_in_one_statement_per_batch(sql_db: SqlDatabase) -> None:
    """PostgreSQL: one statement whatever the count; SQLite: one multi-row
    ``INSERT`` per 1000 rows."""
    inserts: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("INSERT INTO audits"):
            inserts.append(statement)

    sa.event.listen(sql_db.engine, "before_cursor_execute", record)
    try:
        with sql_db() as uow:
            uow.audits.add_many([_audit() for _ in range(2500)])
    finally:
        sa.event.remove(sql_db.engine, "before_cursor_execute", record)
    assert len(inserts) == (1 if sql_db.is_postgresql else 3)


def test_every_entity_map_matches_its_table() -> None:
    """Derived from the core's declarations: every field is a column of the
    entity's table, under its own name or as the foreign key of a reference or
    lookup; every column but ``id`` (and the interval ``show_mcs`` copies from its
    show, which triggers maintain) is a field."""
    assert set(MAPS) == set(REPOSITORY_NAMES)
    for cls, emap in MAPS.items():
        assert emap.table.name == cls.TABLE
        stored = {*emap.plain, *(r.column for r in emap.refs.values())}
        stored |= {lk.column for lk in emap.lookups.values()}
        if cls is Show:
            stored.add("show_status_id")
        columns = set(emap.table.c.keys()) - {"id"}
        if cls is ShowMC:
            columns -= {"show_start", "show_end"}
        assert stored == columns, cls.__name__
        assert {f: r.target.name for f, r in emap.refs.items()} == dict(cls.REFERENCES)
        assert {f: lk.target.name for f, lk in emap.lookups.items()} == {
            f: lookup.value for f, lookup in cls.LOOKUPS.items()
        }


def test_only_postgresql_and_sqlite_are_supported() -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        SqlDatabase("mysql://nobody@localhost/none")
