"""Entities read back without their validators are the ones ``cls(**row)`` builds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from studiocore import Entity, Schedule, Show, ShowStatus, new_uid
from studiocore import entities as entity
from studiocore.entities.lookup_entries import LOOKUP_ENTRY_TYPES
from studiocore.errors import ValidationError
from studiocore.lookups import CalendarKind, ScheduleStatus
from studiocore.ports import repository_for
from studiocore_sql import SqlDatabase
from studiocore_sql.loading import loader, row_loader
from studiocore_sql.mapping import MAPS, EntityMap
from studiocore_sql.tables import SHOW_STATUS_IDS
from tests.support.builders import T0, make, one_of_each, store


def assert_alike(fast: Any, slow: Any) -> None:
    """Equal, and every field of the same type (datetimes in UTC)."""
    assert type(fast) is type(slow)
    assert fast == slow
    for field in attrs.fields(type(slow)):
        mine, theirs = getattr(fast, field.name), getattr(slow, field.name)
        assert type(mine) is type(theirs), field.name
        assert mine == theirs, field.name
        if isinstance(theirs, datetime):
            assert mine.tzinfo is theirs.tzinfo is UTC, field.name


def assert_same(fast: Any, slow: Any) -> None:
    """``fast`` cannot be told from ``slow``: alike, the same repr and hash (or
    none: a dict field), and frozen."""
    assert_alike(fast, slow)
    assert repr(fast) == repr(slow)
    try:
        expected: int | None = hash(slow)
    except TypeError:
        expected = None
    if expected is None:
        with pytest.raises(TypeError):
            hash(fast)
    else:
        assert hash(fast) == expected
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.uid = slow.uid


def every_type(uow: Any) -> list[Entity]:
    """One stored entity of every type in :data:`MAPS`."""
    rows = one_of_each(uow)
    user = next(e for e in rows if isinstance(e, entity.User))
    room = next(e for e in rows if isinstance(e, entity.StudioRoom))
    feed = make(
        entity.CalendarFeed,
        user_uid=user.uid,
        kind=CalendarKind.STUDIO_ROOM,
        target_uid=room.uid,
        drafts=True,
    )
    extra: list[Entity] = [feed]
    for cls in LOOKUP_ENTRY_TYPES.values():
        if not any(type(e) is cls for e in rows):
            extra.append(make(cls, name=f"custom_{cls.PREFIX}", metadata={"k": [1]}))
    store(uow, extra)
    return [*rows, *extra]


def test_every_entity_type_reads_back_as_its_init_builds_it(
    sql_db: SqlDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through every repository (and its decoding of secrets), each row read
    builds the same entity as ``cls(**row)`` does, equal to the one stored."""
    checked: set[type[Entity]] = set()

    def compare(emap: EntityMap, fast_load: Any) -> Any:
        def load(row: Any) -> Entity:
            fast: Entity = fast_load(row)
            assert_same(fast, emap.to_checked_entity(row))
            checked.add(emap.cls)
            return fast

        return load

    fast_row_loader = EntityMap.row_loader

    def compared_row_loader(emap: EntityMap, keys: tuple[str, ...]) -> Any:
        """Rows read by position (secrets are decoded from a dict, by ``load``)."""
        by_name = compare(emap, fast_row_loader(emap, keys))
        return lambda row: by_name(_Positional(keys, row))

    monkeypatch.setattr(EntityMap, "row_loader", compared_row_loader)
    for emap in MAPS.values():
        monkeypatch.setattr(emap, "load", compare(emap, emap.load))
    with sql_db() as uow:
        stored = every_type(uow)
    assert {type(e) for e in stored} == set(MAPS)
    with sql_db() as uow:
        for written in stored:
            # alike, not the same: jsonb may give back a dict's keys in another order
            assert_alike(repository_for(uow, type(written)).get(written.uid), written)
    assert checked == set(MAPS)


class _Positional(dict[str, Any]):
    """A row readable by position (as the fast loader reads it) and by name (as
    ``to_checked_entity`` does)."""

    def __init__(self, keys: tuple[str, ...], row: Any) -> None:
        super().__init__(zip(keys, row, strict=True))
        self.row = tuple(row)

    def __getitem__(self, key: Any) -> Any:
        return self.row[key] if isinstance(key, int) else super().__getitem__(key)


def test_rows_are_read_by_position_in_any_column_order() -> None:
    """A row loader reads each field at its column's position, whatever the
    order of the columns and whatever other columns the row holds; a row
    lacking a field's column is refused when the loader is built."""
    show = make(Show, name="s", show_start=T0, show_end=T0 + timedelta(hours=1))
    names = MAPS[Show].field_names
    stored = {name: getattr(show, name) for name in names}
    stored["show_status"] = SHOW_STATUS_IDS[show.show_status]
    keys = ("extra", *reversed(names))
    row = (object(), *(stored[name] for name in reversed(names)))
    assert_same(MAPS[Show].row_loader(keys)(row), show)
    assert MAPS[Show].row_loader(keys) is MAPS[Show].row_loader(keys)  # built once
    with pytest.raises(AssertionError, match="no column 'name'"):
        row_loader(Show, tuple(n for n in names if n != "name"))


def test_loading_runs_the_converters() -> None:
    """Stored values come back as the entity's types: a show status id as a
    :class:`ShowStatus`, a lookup name as its enum, a list as a tuple, and an
    aware datetime in any zone as UTC."""
    berlin = timezone(timedelta(hours=1))
    show = make(Show, name="s", show_start=T0, show_end=T0 + timedelta(hours=1))
    row = {name: getattr(show, name) for name in MAPS[Show].field_names}
    row |= {"show_status": SHOW_STATUS_IDS[ShowStatus.LIVE], "show_start": T0.astimezone(berlin)}
    loaded = MAPS[Show].to_entity(row)
    assert loaded.show_status is ShowStatus.LIVE  # type: ignore[attr-defined]
    assert loaded.show_start.tzinfo is UTC  # type: ignore[attr-defined]
    assert_same(loaded, MAPS[Show].to_checked_entity(row))

    plan = make(
        Schedule,
        client_uid=new_uid("client"),
        studio_uid=new_uid("studio"),
        name="plan",
        start_time=T0,
        end_time=T0 + timedelta(days=1),
    )
    plan_row = {name: getattr(plan, name) for name in MAPS[Schedule].field_names}
    plan_row["schedule_status"] = "confirmed"  # the lookup's name, a str
    loaded_plan = MAPS[Schedule].to_entity(plan_row)
    assert type(loaded_plan.schedule_status) is ScheduleStatus  # type: ignore[attr-defined]
    assert_same(loaded_plan, MAPS[Schedule].to_checked_entity(plan_row))

    hook = make(
        entity.WebhookEndpoint,
        owner_uid=new_uid("user"),
        url="https://hooks.example.com/x",
        event_types=("show.moved",),
        secret="s",
    )
    hook_row = {name: getattr(hook, name) for name in MAPS[entity.WebhookEndpoint].field_names}
    hook_row["event_types"] = ["show.moved"]  # JSON gives a list
    assert MAPS[entity.WebhookEndpoint].to_entity(hook_row).event_types == ("show.moved",)  # type: ignore[attr-defined]


def test_loading_trusts_the_row() -> None:
    """No validator runs: a row breaking an invariant loads (the database's
    constraints keep such rows out); the checked path refuses it."""
    show = make(Show, name="s", show_start=T0, show_end=T0 + timedelta(hours=1))
    row = {name: getattr(show, name) for name in MAPS[Show].field_names}
    row |= {"show_status": SHOW_STATUS_IDS[ShowStatus.DRAFT], "show_end": T0}
    assert MAPS[Show].to_entity(row).show_end == T0  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="show_end"):
        MAPS[Show].to_checked_entity(row)


def test_a_class_that_cannot_be_built_faithfully_is_refused() -> None:
    @attrs.frozen(cache_hash=True)
    class CachedHash:
        a: int

    @attrs.frozen(slots=False)
    class NoSlots:
        a: int

    @attrs.frozen
    class NotInit:
        a: int
        b: int = attrs.field(init=False, default=0)

    for cls in (CachedHash, NoSlots, NotInit):
        with pytest.raises(AssertionError):
            loader(cls)
