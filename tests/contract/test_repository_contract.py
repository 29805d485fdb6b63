"""The repository and unit-of-work contract, run against every adapter."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from studiocore import (
    LOOKUP_SEEDS,
    MC,
    Audit,
    Client,
    ConflictError,
    Deleted,
    LookupTable,
    NotFoundError,
    PermissionDeniedError,
    Services,
    Show,
    ShowStatus,
    Studio,
    StudioRoom,
    ValidationError,
    new_uid,
)
from studiocore.entities import LOOKUP_ENTRY_TYPES
from studiocore.ports import (
    REPOSITORY_NAMES,
    Contains,
    ReadingUnitOfWorkFactory,
    ReadOnlyError,
    Since,
    UnitOfWork,
    repository_for,
)
from tests.conftest import FreshDatabase
from tests.support.builders import T0, evolve, make, one_of_each, put, studio_and_room


def test_every_entity_type_round_trips_with_every_field(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    with db() as uow:
        saved = one_of_each(uow)
    with db() as uow:
        for entity in saved:
            loaded = repository_for(uow, type(entity)).get(entity.uid)
            assert loaded == entity, type(entity).__name__


def test_lookup_tables_hold_the_spec_seed_values(fresh_db: FreshDatabase) -> None:
    with fresh_db()() as uow:
        for table, names in LOOKUP_SEEDS.items():
            repo = repository_for(uow, LOOKUP_ENTRY_TYPES[table])
            assert sorted(e.name for e in repo.list()) == sorted(names), table
        statuses = {e.name for e in uow.show_statuses.list()}
    assert statuses == {"draft", "confirmed", "live", "completed", "cancelled"}
    assert set(LOOKUP_SEEDS[LookupTable.CHANGE_CATEGORIES]) == {
        "CLIENT_REQUESTED",
        "OPERATIONAL",
        "FORCE_MAJEURE",
    }


def test_adding_a_duplicate_uid_is_a_conflict(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    client = make(Client, name="Acme")
    put(db, client)
    with pytest.raises(ConflictError), db() as uow:
        uow.clients.add(evolve(client, name="Other"))
    with db() as uow:
        assert uow.clients.get(client.uid).name == "Acme"


def test_unknown_uids_are_not_found(fresh_db: FreshDatabase) -> None:
    with fresh_db()() as uow:
        assert uow.clients.find("client_01JD0000000000000000000000") is None
        with pytest.raises(NotFoundError):
            uow.clients.get("client_01JD0000000000000000000000")
        with pytest.raises(NotFoundError):
            uow.clients.update(make(Client, name="ghost"))


def test_update_replaces_the_stored_entity(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    client = make(Client, name="Acme", metadata={"tier": 1})
    put(db, client)
    changed = evolve(client, name="Acme GmbH", metadata={"tier": 2}, updated_at=T0 + timedelta(1))
    with db() as uow:
        uow.clients.update(changed)
    with db() as uow:
        assert uow.clients.get(client.uid) == changed


def test_soft_deleted_rows_are_hidden_but_kept(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    live = make(Client, name="live")
    gone = make(Client, name="gone", deleted_at=T0)
    put(db, live, gone)
    with db() as uow:
        repo = uow.clients
        assert repo.find(gone.uid) is None
        with pytest.raises(NotFoundError):
            repo.get(gone.uid)
        assert repo.get(gone.uid, include_deleted=True) == gone
        assert [c.uid for c in repo.list()] == [live.uid]
        assert repo.count() == 1
        assert [c.uid for c in repo.list(deleted=Deleted.ONLY)] == [gone.uid]
        assert repo.count(deleted=Deleted.INCLUDE) == 2
        assert set(repo.get_many([live.uid, gone.uid])) == {live.uid}


def test_list_is_ordered_by_uid_and_pages(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    clients = [make(Client, name=f"c{i}") for i in range(7)]
    with db() as uow:
        for client in reversed(clients):
            uow.clients.add(client)
    with db() as uow:
        everything = uow.clients.list()
        assert [c.uid for c in everything] == sorted(c.uid for c in clients)
        page = uow.clients.list(limit=3, offset=2)
        assert page == everything[2:5]
        assert uow.clients.list(offset=6) == everything[6:]


def test_where_filters_by_equality_any_of_and_null(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    studio_a = make(Studio, name="A")
    studio_b = make(Studio, name="B")
    rooms = [
        make(StudioRoom, studio_uid=studio_a.uid, name="1"),
        make(StudioRoom, studio_uid=studio_a.uid, name="2"),
        make(StudioRoom, studio_uid=studio_b.uid, name="1"),
    ]
    mc_plain = make(MC, name="plain")
    mc_alias = make(MC, name="alias", alias_name="Al")
    put(db, studio_a, studio_b, *rooms, mc_plain, mc_alias)
    with db() as uow:
        in_a = uow.studio_rooms.list(where={"studio_uid": studio_a.uid})
        assert {r.uid for r in in_a} == {rooms[0].uid, rooms[1].uid}
        named_1 = uow.studio_rooms.list(where={"name": "1", "studio_uid": studio_b.uid})
        assert [r.uid for r in named_1] == [rooms[2].uid]
        either = uow.studio_rooms.count(
            where={"studio_uid": frozenset({studio_a.uid, studio_b.uid})}
        )
        assert either == 3
        assert uow.studio_rooms.count(where={"name": ["2", "3"]}) == 1
        assert [m.uid for m in uow.mcs.list(where={"alias_name": None})] == [mc_plain.uid]
        with pytest.raises(ValidationError) as err:
            uow.mcs.list(where={"no_such_field": 1})
        assert "no_such_field" in err.value.field


def test_where_contains_searches_text_ignoring_case(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    clients = [
        make(Client, name="Glow Cosmetics"),
        make(Client, name="glowing_hair 100%"),
        make(Client, name="Nordic Outdoor"),
    ]
    put(db, *clients)
    with db() as uow:

        def named(text: str) -> set[str]:
            return {c.name for c in uow.clients.list(where={"name": Contains(text)})}

        assert named("GLOW") == {"Glow Cosmetics", "glowing_hair 100%"}
        assert named("_h") == {"glowing_hair 100%"}  # LIKE's wildcards are plain text
        assert named("100%") == {"glowing_hair 100%"}
        assert named("o_o") == set()
        assert uow.clients.count(where={"name": Contains("door")}) == 1
        with pytest.raises(ValidationError) as err:
            uow.studio_rooms.list(where={"studio_uid": Contains("studio")})
        assert err.value.field == "where.studio_uid"


def test_order_by_sorts_the_same_on_every_adapter(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    # text ignoring case, then code point by code point (never a locale's rules)
    names = ["bravo", "Alpha", "charlie", "alpha two", "Zulu", "delta-x", "delta x", "echo"]
    people = [None, "Mina", None, "ana", "Mina", None, "Bo", "bo"]
    clients = [make(Client, name=n, contact_person=p) for n, p in zip(names, people, strict=True)]
    studio = make(Studio, name="S")
    rooms = [
        make(StudioRoom, studio_uid=studio.uid, name=f"R{i}", changeover_minutes=minutes)
        for i, minutes in enumerate([30, 0, 30, 15])
    ]
    put(db, *clients, studio, *rooms)
    person = dict(zip(names, people, strict=True))
    uid_of = {c.name: c.uid for c in clients}
    with db() as uow:

        def order(*keys: str, limit: int | None = None, offset: int = 0) -> list[str]:
            found = uow.clients.list(order_by=keys, limit=limit, offset=offset)
            return [c.name for c in found]

        by_name = sorted(names, key=str.lower)
        assert order("name") == by_name
        assert order("-name") == by_name[::-1]
        assert order("name", limit=3, offset=2) == by_name[2:5]
        # a missing value last (first when descending); ties by uid
        assert order("contact_person") == sorted(
            names, key=lambda n: (person[n] is None, (person[n] or "").lower(), uid_of[n])
        )
        assert order("-contact_person", "name")[:3] == ["bravo", "charlie", "delta-x"]
        minutes = [
            (r.changeover_minutes, r.name)
            for r in uow.studio_rooms.list(order_by=["-changeover_minutes"])
        ]
        assert minutes == [(30, "R0"), (30, "R2"), (15, "R3"), (0, "R1")]
        for wrong in (["studio_uid"], ["nonsense"], ["-metadata"]):
            with pytest.raises(ValidationError) as err:
                uow.clients.list(order_by=wrong)
            assert err.value.field == "order_by"


def test_loaded_objects_are_copies(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    client = make(Client, name="Acme", metadata={"tags": ["a"]})
    with db() as uow:
        uow.clients.add(client)
        client.metadata["tags"].append("changed-after-add")
    with db() as uow:
        loaded = uow.clients.get(client.uid)
        assert loaded.metadata == {"tags": ["a"]}
        loaded.metadata["tags"].append("changed-after-load")
    with db() as uow:
        assert uow.clients.get(client.uid).metadata == {"tags": ["a"]}


def test_leaving_the_block_normally_commits(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    client = make(Client, name="Acme")
    put(db, client)
    with db() as uow:
        assert uow.clients.get(client.uid) == client


def test_an_exception_rolls_everything_back(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    kept = make(Client, name="kept")
    put(db, kept)
    new = make(Client, name="new")
    with pytest.raises(RuntimeError, match="boom"), db() as uow:  # noqa: PT012
        uow.clients.add(new)
        uow.clients.update(evolve(kept, name="renamed"))
        raise RuntimeError("boom")
    with db() as uow:
        assert uow.clients.find(new.uid) is None
        assert uow.clients.get(kept.uid).name == "kept"


def test_rollback_discards_writes_since_the_last_commit(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    first = make(Client, name="first")
    second = make(Client, name="second")
    with db() as uow:
        uow.clients.add(first)
        uow.commit()
        uow.clients.add(second)
        uow.rollback()
    with db() as uow:
        assert uow.clients.find(first.uid) == first
        assert uow.clients.find(second.uid) is None


def test_committed_writes_are_seen_by_the_next_unit_of_work(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    client = make(Client, name="Acme")
    with db() as uow:
        uow.clients.add(client)
        uow.commit()
        uow.clients.update(evolve(client, name="Acme 2"))
    with db() as uow:
        assert uow.clients.get(client.uid).name == "Acme 2"


def test_purge_removes_matching_rows_for_good_live_or_soft_deleted(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    old = evolve(make(Client, name="old"), created_at=T0, updated_at=T0)
    old_gone = evolve(make(Client, name="old gone"), created_at=T0, updated_at=T0, deleted_at=T0)
    later = T0 + timedelta(days=9)
    recent = evolve(make(Client, name="recent"), created_at=later, updated_at=later)
    put(db, old, old_gone, recent)
    with db() as uow:
        assert uow.clients.purge(where={"created_at": Since(end=T0 + timedelta(days=1))}) == 2
    with db() as uow:
        assert [c.uid for c in uow.clients.list(deleted=Deleted.INCLUDE)] == [recent.uid]
        assert uow.clients.find(old_gone.uid, include_deleted=True) is None
        assert uow.clients.purge(where={"name": "nobody"}) == 0


def test_purge_refuses_a_referenced_row_and_removes_nothing(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    studio, room = studio_and_room()
    lonely = make(Studio, name="S")  # the same name: both match
    put(db, studio, room, lonely)
    with pytest.raises(ConflictError, match="referenced"), db() as uow:
        uow.studios.purge(where={"name": "S"})
    with db() as uow:
        assert {s.uid for s in uow.studios.list()} == {studio.uid, lonely.uid}
        with pytest.raises(PermissionDeniedError, match="append-only"):
            uow.audits.purge(where={"action": "create"})


def test_a_reader_reads_committed_data_and_refuses_every_write(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    assert isinstance(db, ReadingUnitOfWorkFactory)
    client = make(Client, name="Acme")
    studio = make(Studio, name="One")
    put(db, client, studio)
    writes: dict[str, Callable[[UnitOfWork], object]] = {
        "add": lambda uow: uow.clients.add(make(Client, name="new")),
        "update": lambda uow: uow.clients.update(evolve(client, name="renamed")),
        "status": lambda uow: uow.shows.set_status(
            ["show_x"], ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=T0
        ),
        "audit": lambda uow: uow.audits.add(
            make(Audit, action="create", recordable_type="clients", recordable_uid=client.uid)
        ),
        "lock": lambda uow: uow.lock_resources(room_uids=["room_x"], mc_uids=[]),
        "purge": lambda uow: uow.clients.purge(where={"uid": client.uid}),
    }
    for what, write in writes.items():
        with db.reader() as uow:
            assert uow.clients.get(client.uid) == client
            assert [s.uid for s in uow.studios.list()] == [studio.uid]
            with pytest.raises(ReadOnlyError):
                write(uow)
        with db() as uow:  # nothing was written
            assert uow.clients.get(client.uid) == client, what
            assert uow.clients.count() == 1, what
            assert uow.audits.count() == 0, what


def test_a_reader_sees_what_a_writer_committed_meanwhile(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    assert isinstance(db, ReadingUnitOfWorkFactory)
    client = make(Client, name="Acme")
    put(db, client)
    with db.reader() as uow:
        assert uow.clients.get(client.uid).name == "Acme"
    with db() as uow:
        uow.clients.update(evolve(client, name="Acme 2"))
    with db.reader() as uow:
        assert uow.clients.get(client.uid).name == "Acme 2"


def test_datetimes_come_back_aware_in_utc_whatever_zone_went_in(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    seoul = timezone(timedelta(hours=9))
    studio, room = studio_and_room()
    start = datetime(2026, 3, 2, 18, 30, 15, 123456, tzinfo=seoul)
    entity = make(
        Show,
        studio_room_uid=room.uid,
        name="x",
        show_start=start,
        show_end=start + timedelta(hours=1),
    )
    put(db, studio, room, entity)
    with db() as uow:
        loaded = uow.shows.get(entity.uid)
    assert loaded.show_start == start
    assert loaded.show_start.tzinfo is UTC
    assert loaded.show_start.hour == 9


def test_uid_lists_with_any_characters_match_exactly(fresh_db: FreshDatabase) -> None:
    """A list of uids matches only those uids, whatever characters they hold
    (PostgreSQL binds it as one array parameter, sent in binary), and a list of
    10k uids works."""
    db = fresh_db()
    studio, room = studio_and_room()
    odd = ['a"b', "c,d", "{e}", "f\\g", "NULL", " h ", "ü", "", "i'j"]
    many = [new_uid("studio") for _ in range(10_000)]
    put(db, studio, room)
    with db() as uow:
        assert uow.studio_rooms.list(where={"studio_uid": [*odd, studio.uid]}) == [room]
        assert uow.studio_rooms.list(where={"studio_uid": odd}) == []
        assert uow.studio_rooms.list(where={"studio_uid": [*many, studio.uid]}) == [room]
        assert uow.studio_rooms.get_many([*odd, room.uid, *many]) == {room.uid: room}


def test_a_reference_to_a_missing_record_is_refused_naming_the_field(
    fresh_db: FreshDatabase,
) -> None:
    """Every field an entity declares in ``REFERENCES``, on add and on update,
    before anything is written."""
    db = fresh_db()
    with db() as uow:
        saved = one_of_each(uow)
    prefix_of = {cls.TABLE: cls.PREFIX for cls in REPOSITORY_NAMES}
    checked: list[str] = []
    with db() as uow:
        for entity in saved:
            repo = repository_for(uow, type(entity))
            for field, table in entity.REFERENCES.items():
                ghost = {field: new_uid(prefix_of[table])}
                fresh = evolve(entity, uid=new_uid(entity.PREFIX), **ghost)
                with pytest.raises(ValidationError) as added:
                    repo.add(fresh)
                assert added.value.field == field
                if isinstance(entity, Audit):
                    continue  # append-only: no update at all
                with pytest.raises(ValidationError) as updated:
                    repo.update(evolve(entity, **ghost))
                assert updated.value.field == field
                checked.append(f"{type(entity).__name__}.{field}")
    with db() as uow:
        for entity in saved:
            assert repository_for(uow, type(entity)).get(entity.uid) == entity
    assert "Show.studio_room_uid" in checked
    assert "ShowMC.mc_uid" in checked


def test_an_unknown_lookup_name_is_refused_naming_the_field(fresh_db: FreshDatabase) -> None:
    """Every free-text field an entity declares in ``LOOKUPS`` (enum-typed ones
    cannot hold an unknown name to begin with)."""
    db = fresh_db()
    with db() as uow:
        saved = one_of_each(uow)
    checked: list[str] = []
    with db() as uow:
        for entity in saved:
            repo = repository_for(uow, type(entity))
            for field in entity.LOOKUPS:
                if isinstance(getattr(entity, field), enum.Enum):
                    continue
                fresh = evolve(entity, uid=new_uid(entity.PREFIX), **{field: "hologram"})
                with pytest.raises(ValidationError) as added:
                    repo.add(fresh)
                assert added.value.field == field
                checked.append(f"{type(entity).__name__}.{field}")
    assert {"Material.material_type", "Show.show_type", "Show.show_standard"} <= set(checked)


def test_a_lookup_added_at_run_time_can_be_used_at_once(fresh_db: FreshDatabase) -> None:
    svc = Services(fresh_db())
    svc.lookups[LookupTable.SHOW_TYPES].create("special")
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


def test_add_many_adds_each_and_refuses_a_duplicate_or_a_missing_reference(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    studio, room = studio_and_room()
    rooms = [evolve(room, uid=new_uid("room"), name=f"R{i}") for i in range(3)]
    with db() as uow:
        uow.studios.add(studio)
        uow.studio_rooms.add_many(rooms)
        uow.studio_rooms.add_many([])
    with db() as uow:
        assert {r.uid for r in uow.studio_rooms.list()} == {r.uid for r in rooms}
    fresh = evolve(room, uid=new_uid("room"), name="fresh")
    with pytest.raises(ConflictError, match=rooms[1].uid), db() as uow:
        uow.studio_rooms.add_many([fresh, rooms[1]])
    ghost = evolve(room, uid=new_uid("room"), studio_uid=new_uid("studio"))
    with pytest.raises(ValidationError) as refused, db() as uow:
        uow.studio_rooms.add_many([fresh, ghost])
    assert refused.value.field == "studio_uid"
    with db() as uow:  # nothing of the refused calls was kept
        assert {r.uid for r in uow.studio_rooms.list()} == {r.uid for r in rooms}
