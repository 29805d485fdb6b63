"""``studiocore.entities.restore``: what persistence adapters rebuild stored rows with."""

from __future__ import annotations

import enum
from datetime import timedelta, timezone

import attrs

from studiocore import InMemoryDatabase, Show
from studiocore.entities import restore
from tests.support.builders import one_of_each


def test_restore_rebuilds_every_entity_type_equal_to_the_original() -> None:
    with InMemoryDatabase()() as uow:
        entities = one_of_each(uow)
    assert len({type(e) for e in entities}) >= 20
    for entity in entities:
        values = attrs.asdict(entity, recurse=False)
        assert restore(type(entity), values) == entity, type(entity).__name__


def test_restore_runs_the_converters_as_storage_returns_raw_values() -> None:
    """Enums come back from storage as their values and times in any offset:
    the restored entity holds the enum member and the time in UTC."""
    with InMemoryDatabase()() as uow:
        entities = one_of_each(uow)
    plus_two = timezone(timedelta(hours=2))
    for entity in entities:
        raw = {
            name: value.value
            if isinstance(value, enum.Enum)
            else value.astimezone(plus_two)
            if hasattr(value, "astimezone")
            else value
            for name, value in attrs.asdict(entity, recurse=False).items()
        }
        restored = restore(type(entity), raw)
        assert restored == entity, type(entity).__name__
        for name, value in attrs.asdict(restored, recurse=False).items():
            original = getattr(entity, name)
            assert type(value) is type(original), (type(entity).__name__, name)
            if hasattr(value, "tzinfo"):
                assert value.tzinfo is original.tzinfo, (type(entity).__name__, name)


def test_restore_is_the_class_that_was_asked_for() -> None:
    with InMemoryDatabase()() as uow:
        show = next(e for e in one_of_each(uow) if isinstance(e, Show))
    restored = restore(Show, attrs.asdict(show, recurse=False))
    assert type(restored) is Show
    assert restored.slot == show.slot
