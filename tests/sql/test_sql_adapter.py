"""Behaviour of the SQL adapter beyond the shared contract suite."""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

import studiocore_sql
import studiocore_sql.audit
import studiocore_sql.database
from studiocore import (
    Audit,
    Booking,
    ConcurrencyError,
    ConflictError,
    Material,
    Services,
    Show,
    ShowQuery,
    ShowStatus,
    Studio,
    StudioRoom,
    TimeSlot,
    User,
    ValidationError,
    new_uid,
)
from studiocore_sql import SqlDatabase, database_url_from_env
from studiocore_sql.audit import room_overlap_audit
from tests.sql.helpers import at, show
from tests.support.adapters import ADAPTERS


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Iterator[SqlDatabase]:
    with ADAPTERS[request.param]() as factory:
        assert isinstance(factory, SqlDatabase)
        yield factory


@pytest.mark.parametrize(
    "module",
    [studiocore_sql, studiocore_sql.database, studiocore_sql.audit],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


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


def test_datetimes_come_back_aware_in_utc_whatever_zone_went_in(db: SqlDatabase) -> None:
    seoul = timezone(timedelta(hours=9))
    now = datetime.now(UTC)
    studio = Studio(uid=new_uid("studio"), created_at=now, updated_at=now, name="S")
    room = StudioRoom(
        uid=new_uid("room"), created_at=now, updated_at=now, studio_uid=studio.uid, name="R"
    )
    start = datetime(2026, 3, 2, 18, 30, 15, 123456, tzinfo=seoul)
    entity = attrs.evolve(
        show(room.uid, 0, 1), show_start=start, show_end=start + timedelta(hours=1)
    )
    with db() as uow:
        uow.studios.add(studio)
        uow.studio_rooms.add(room)
        uow.shows.add(entity)
    with db() as uow:
        loaded = uow.shows.get(entity.uid)
    assert loaded.show_start == start
    assert loaded.show_start.tzinfo is UTC
    assert loaded.show_start.hour == 9


@pytest.mark.postgres
def test_occupancy_comes_back_in_utc_when_a_session_overrides_the_time_zone() -> None:
    """``studio_occupancy`` reads times without conversion, relying on the
    library's sessions running in UTC; a caller whose ``connect_args`` set
    another zone still gets aware UTC datetimes for the same instants."""
    with ADAPTERS["postgres"]() as factory:
        assert isinstance(factory, SqlDatabase)
        tokyo = SqlDatabase(factory.url, connect_args={"options": "-c timezone=Asia/Tokyo"})
        try:
            studio = Studio(uid=new_uid("studio"), name="S", created_at=at(0), updated_at=at(0))
            room = StudioRoom(
                uid=new_uid("room"),
                studio_uid=studio.uid,
                name="R",
                created_at=at(0),
                updated_at=at(0),
            )
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


def test_a_reference_to_a_missing_record_is_refused_naming_the_field(db: SqlDatabase) -> None:
    ghost_room = new_uid("room")
    with pytest.raises(ValidationError) as caught, db() as uow:
        uow.shows.add(show(ghost_room, 0, 1, ShowStatus.DRAFT))
    assert caught.value.field == "studio_room_uid"
    with db() as uow:
        assert uow.shows.count() == 0


def test_uid_lists_with_any_characters_match_exactly(db: SqlDatabase) -> None:
    """A list of uids is one array parameter on PostgreSQL (sent in binary): values
    a text array literal would have to quote or escape still match only
    themselves, and a list of 10k uids or ids works in one statement."""
    studio = Studio(uid=new_uid("studio"), name="S", created_at=at(0), updated_at=at(0))
    room = StudioRoom(
        uid=new_uid("room"), studio_uid=studio.uid, name="R", created_at=at(0), updated_at=at(0)
    )
    odd = ['a"b', "c,d", "{e}", "f\\g", "NULL", " h ", "ü", "", "i'j"]
    many = [new_uid("studio") for _ in range(10_000)]
    with db() as uow:
        uow.studios.add(studio)
        uow.studio_rooms.add(room)
    with db.reader() as uow:
        assert uow.studio_rooms.list(where={"studio_uid": [*odd, studio.uid]}) == [room]
        assert uow.studio_rooms.list(where={"studio_uid": odd}) == []
        assert uow.studio_rooms.list(where={"studio_uid": [*many, studio.uid]}) == [room]
        assert uow.studio_rooms.get_many([*odd, room.uid, *many]) == {room.uid: room}


def test_an_unknown_lookup_name_is_refused_naming_the_field(db: SqlDatabase) -> None:
    now = datetime.now(UTC)
    material = Material(
        uid=new_uid("material"),
        created_at=now,
        updated_at=now,
        material_type="hologram",
        name="M",
    )
    with pytest.raises(ValidationError) as caught, db() as uow:
        uow.materials.add(material)
    assert caught.value.field == "material_type"


def test_a_lookup_added_at_run_time_can_be_used_at_once(db: SqlDatabase) -> None:
    svc = Services(db)
    svc.lookups[next(t for t in svc.lookups if t.value == "show_types")].create("special")
    studio = svc.studios.create("S")
    room = svc.studio_rooms.create(studio.uid, "R")
    created = svc.shows.create(
        "x",
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        datetime(2026, 3, 2, 10, tzinfo=UTC),
        studio_room_uid=room.uid,
        show_type="special",
    ).show
    assert svc.shows.get(created.uid).show_type == "special"


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


def test_show_entities_survive_a_round_trip_through_set_status(db: SqlDatabase) -> None:
    now = datetime.now(UTC)
    studio = Studio(uid=new_uid("studio"), created_at=now, updated_at=now, name="S")
    room = StudioRoom(
        uid=new_uid("room"), created_at=now, updated_at=now, studio_uid=studio.uid, name="R"
    )
    drafts = [show(room.uid, i, i + 1, ShowStatus.DRAFT) for i in range(3)]
    later = now + timedelta(minutes=5)
    with db() as uow:
        uow.studios.add(studio)
        uow.studio_rooms.add(room)
        for d in drafts:
            uow.shows.add(d)
        changed = uow.shows.set_status(
            [d.uid for d in drafts], ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=later
        )
    assert changed == 3
    with db() as uow:
        loaded = [uow.shows.get(d.uid) for d in drafts]
    assert loaded == [
        attrs.evolve(d, show_status=ShowStatus.CONFIRMED, updated_at=later) for d in drafts
    ]
    assert all(isinstance(s, Show) for s in loaded)


def test_the_overlap_audit_flags_every_show_starting_before_an_earlier_one_ended(
    db: SqlDatabase,
) -> None:
    now = datetime.now(UTC)
    studio = Studio(uid=new_uid("studio"), created_at=now, updated_at=now, name="S")
    rooms = [
        StudioRoom(
            uid=new_uid("room"), created_at=now, updated_at=now, studio_uid=studio.uid, name=n
        )
        for n in ("A", "B")
    ]
    long = show(rooms[0].uid, 0, 5)
    inside = show(rooms[0].uid, 1, 2, ShowStatus.DRAFT)
    after_inside = show(rooms[0].uid, 3, 4, ShowStatus.DRAFT)  # overlaps `long` only
    touching = show(rooms[0].uid, 5, 6, ShowStatus.DRAFT)
    elsewhere = show(rooms[1].uid, 1, 2, ShowStatus.DRAFT)
    with db() as uow:
        uow.studios.add(studio)
        for room in rooms:
            uow.studio_rooms.add(room)
        for s in (long, inside, after_inside, touching, elsewhere):
            uow.shows.add(s)
    assert room_overlap_audit(db) == []
    findings = room_overlap_audit(db, statuses={ShowStatus.DRAFT, ShowStatus.CONFIRMED})
    assert [(f.show_uid, f.room_uid, f.earlier_end) for f in findings] == [
        (inside.uid, rooms[0].uid, long.show_end),
        (after_inside.uid, rooms[0].uid, long.show_end),
    ]


def _audit(uid: str | None = None) -> Audit:
    now = datetime.now(UTC)
    return Audit(
        uid=uid or new_uid("audit"),
        created_at=now,
        updated_at=now,
        action="create",
        recordable_uid=new_uid("studio"),
        recordable_type="studios",
        new_values={"name": "S"},
    )


def test_queued_audits_are_visible_to_their_unit_of_work_and_durable_after_commit(
    db: SqlDatabase,
) -> None:
    entries = [_audit() for _ in range(3)]
    with db() as uow:
        for entry in entries:
            uow.audits.add(entry)
        assert uow.audits.list() == entries
    with db() as uow:
        assert uow.audits.count() == 3
    with db() as uow:
        uow.audits.add(_audit())
        uow.rollback()
        assert uow.audits.count() == 3


def test_batched_audits_read_back_exactly_as_written(db: SqlDatabase) -> None:
    """The batch write (one JSON recordset on PostgreSQL) keeps every value:
    microseconds and offsets of times, nested and awkward JSON, missing values."""
    odd = datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    user = User(uid=new_uid("user"), created_at=odd, updated_at=odd, email="a@b.c", name="A")
    entries = [
        attrs.evolve(
            _audit(),
            created_at=odd,
            updated_at=odd + timedelta(microseconds=1),
            user_uid=user.uid,
            old_values={"name": 'quote " backslash \\ tab \t', "n": [1, 2.5, None, True]},
            new_values=None,
            metadata={"nested": {"é": "ünïcode ✓", "empty": {}}},
        ),
        attrs.evolve(_audit(), old_values=None, new_values={"list": []}),
        *[_audit() for _ in range(1200)],  # more than one batch of the generic path
    ]
    with db() as uow:
        uow.users.add(user)
        for entry in entries:
            uow.audits.add(entry)
    with db() as uow:
        stored = {a.uid: a for a in uow.audits.list()}
    assert len(stored) == len(entries)
    for entry in entries:
        assert stored[entry.uid] == attrs.evolve(
            entry,
            created_at=entry.created_at.astimezone(UTC),
            updated_at=entry.updated_at.astimezone(UTC),
        )


def _add_audits(db: SqlDatabase, entries: list[Audit]) -> None:
    with db() as uow:
        for entry in entries:
            uow.audits.add(entry)


def test_a_duplicate_audit_uid_is_a_conflict_and_nothing_is_written(db: SqlDatabase) -> None:
    first = _audit()
    with db() as uow:
        uow.audits.add(first)
    with pytest.raises(ConflictError):
        _add_audits(db, [_audit(), _audit(first.uid)])
    with db() as uow:
        assert uow.audits.list() == [first]


def test_bookings_near_looks_up_merged_windows_but_reports_only_true_neighbours(
    db: SqlDatabase,
) -> None:
    now = datetime.now(UTC)
    studio = Studio(uid=new_uid("studio"), created_at=now, updated_at=now, name="S")
    room = StudioRoom(
        uid=new_uid("room"), created_at=now, updated_at=now, studio_uid=studio.uid, name="R"
    )
    in_the_gap = show(room.uid, 1.5, 2.5)  # between the two candidates: not a neighbour
    touching = show(room.uid, 4, 5)  # starts when the second candidate ends
    overlapping = show(room.uid, 8.5, 9.5)
    with db() as uow:
        uow.studios.add(studio)
        uow.studio_rooms.add(room)
        for s in (in_the_gap, touching, overlapping):
            uow.shows.add(s)
    candidates = [
        Booking(
            show_uid=new_uid("show"),
            studio_uid=studio.uid,
            room_uid=room.uid,
            mc_uids=frozenset(),
            slot=TimeSlot(at(start), at(end)),
            status=ShowStatus.CONFIRMED,
        )
        for start, end in ((0, 1), (3, 4), (9, 10))
    ]
    with db() as uow:
        assert [b.show_uid for b in uow.bookings.near(candidates, timedelta(0))] == [
            overlapping.uid
        ]
        widened = uow.bookings.near(candidates, timedelta(minutes=45))
    assert [b.show_uid for b in widened] == [in_the_gap.uid, touching.uid, overlapping.uid]
