"""Entities built from rows of our own tables without running their validators.

``cls(**values)`` runs every field's converter and validator and the entity's
``__attrs_post_init__`` (uid patterns, text lengths, end after start...). For a
row read back from our own database those checks only repeat what was checked
when the entity was written and what the table's constraints still hold, and on
a list read they are most of the Python work per row. :func:`loader` builds the
same object the way attrs' generated ``__init__`` does, minus the checks: a new
instance of the slotted class, every field set through its slot, each value
passed through the field's converter first (an enum value becomes its member,
a datetime an aware UTC one). Nothing global is switched off, unlike
``attrs.validators.set_disabled``, which would stop validation in every thread.

The object is equal to ``cls(**values)``, hashes and prints the same and is as
frozen. :func:`loader` refuses a class it could not build that faithfully (not
slotted, a slot that is not a field such as a cached hash, a field ``__init__``
does not set, a converter that takes the instance, an ``__attrs_pre_init__``)
instead of building something else. ``__attrs_post_init__`` is skipped: in the
core it only checks invariants.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

__all__ = ["Loader", "RowLoader", "loader", "row_loader"]

T = TypeVar("T")

Loader = Callable[[Mapping[str, Any]], T]
"""Builds an entity from a mapping holding a value for each of its fields."""

RowLoader = Callable[[Sequence[Any]], T]
"""Builds an entity from a row (a tuple of the values of known columns)."""

Convert = Callable[[Any], Any]


def loader(cls: type[T], decoders: Mapping[str, Convert] | None = None) -> Loader[T]:
    """A function building an instance of the attrs class ``cls`` from a
    mapping of field names to stored values, without its validators.
    ``decoders`` turn a field's stored value into what ``cls(**values)`` would
    be given (before the field's own converter)."""
    return _loader(cls, decoders or {}, lambda name: name)


def row_loader(
    cls: type[T], keys: Sequence[str], decoders: Mapping[str, Convert] | None = None
) -> RowLoader[T]:
    """:func:`loader` for rows whose values come in the order of ``keys`` (a
    result's column names): each field is read by position, with no mapping
    built per row. ``keys`` must name every field (and may hold others)."""
    position = {key: i for i, key in enumerate(keys)}

    def at(name: str) -> int:
        if name not in position:
            raise AssertionError(f"{cls.__name__}: the row has no column {name!r}")
        return position[name]

    return _loader(cls, decoders or {}, at)


def _loader(
    cls: type[T], decoders: Mapping[str, Convert], key: Callable[[str], Any]
) -> Callable[[Any], T]:
    """The loader of ``cls`` reading the field ``name`` at ``row[key(name)]``."""
    steps = _steps(cls, decoders)
    plain = tuple((key(name), put) for name, put, convert in steps if convert is None)
    converted = tuple(
        (key(name), put, convert) for name, put, convert in steps if convert is not None
    )
    new = object.__new__

    def load(row: Any) -> T:
        entity = new(cls)
        for at, put in plain:
            put(entity, row[at])
        for at, put, convert in converted:
            put(entity, convert(row[at]))
        return entity

    return load


def _steps(
    cls: type[Any], decoders: Mapping[str, Convert]
) -> tuple[tuple[str, Callable[[object, Any], None], Convert | None], ...]:
    """For every field of ``cls``: its name, the setter of its slot, and what
    turns the stored value into the field's value (``None``: nothing)."""
    fields = attrs.fields(cls)
    names = {a.name for a in fields}
    slots = {
        slot
        for klass in cls.__mro__
        for slot in vars(klass).get("__slots__", ())
        if slot not in ("__weakref__", "__dict__")
    }
    if "__slots__" not in vars(cls) or slots != names:
        raise AssertionError(f"{cls.__name__}: slots {sorted(slots)} are not its fields")
    if getattr(cls, "__attrs_pre_init__", None) is not None:
        raise AssertionError(f"{cls.__name__} has an __attrs_pre_init__")
    if set(decoders) - names:
        raise AssertionError(f"{cls.__name__} has no field {sorted(set(decoders) - names)}")
    steps = []
    for a in fields:
        if not a.init or a.alias != a.name:
            raise AssertionError(f"{cls.__name__}.{a.name} is not set from its own keyword")
        if isinstance(a.converter, attrs.Converter):
            raise AssertionError(f"{cls.__name__}.{a.name}: converters with arguments unsupported")
        slot = getattr(cls, a.name)
        if not isinstance(slot, types.MemberDescriptorType):
            raise AssertionError(f"{cls.__name__}.{a.name} is not a slot")
        steps.append((a.name, slot.__set__, _then(decoders.get(a.name), a.converter)))
    return tuple(steps)


def _then(first: Convert | None, second: Convert | None) -> Convert | None:
    """``first``, then ``second`` (either may be missing)."""
    if first is None or second is None:
        return first or second
    return lambda value: second(first(value))
