"""How the in-memory adapter reads :data:`~studiocore.ports.Where` filters,
``order_by`` keys and the ``deleted`` choice of a list: what the SQL adapter
writes as ``WHERE`` and ``ORDER BY``, applied to entities."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

import attrs

from studiocore.entities import Entity
from studiocore.errors import ValidationError
from studiocore.ports import Contains, Deleted, Since, Where

__all__ = ["deleted_ok", "matcher", "sort_key"]

_COLLECTIONS = (frozenset, set, list, tuple)
_TEXT_TYPES: tuple[object, ...] = (str, str | None, "str", "str | None")
"""How a text field is annotated (a type, or its text under postponed annotations)."""
_FIELD_NAMES: dict[type[Entity], frozenset[str]] = {}


def sort_key(name: str) -> Callable[[Entity], tuple[bool, Any]]:
    """How :func:`~studiocore.ports.sort_keys` orders records by field
    ``name``: ``None`` after the rest, text by its lower case, an enum by its
    value."""

    def key(entity: Entity) -> tuple[bool, Any]:
        value = getattr(entity, name)
        if value is None:
            return (True, 0)
        if isinstance(value, enum.Enum):
            value = value.value
        return (False, value.lower() if isinstance(value, str) else value)

    return key


def _field_names(cls: type[Entity]) -> frozenset[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(a.name for a in attrs.fields(cls))
    return names


def matcher(cls: type[Entity], where: Where | None) -> Callable[[Entity], bool]:
    if not where:
        return lambda _: True
    known = _field_names(cls)
    tests: list[Callable[[Entity], bool]] = []
    for name, expected in where.items():
        if name not in known:
            raise ValidationError(f"where.{name}", f"{cls.__name__} has no field {name!r}")
        if isinstance(expected, Contains):
            text_field = attrs.fields_dict(cls)[name].type in _TEXT_TYPES
            if not text_field or name in cls.REFERENCES or name in cls.LOOKUPS:
                raise ValidationError(f"where.{name}", "is not a text field that can be searched")
            text = expected.text.casefold()
            tests.append(lambda e, n=name, t=text: t in str(getattr(e, n) or "").casefold())  # type: ignore[misc]
        elif isinstance(expected, Since):
            tests.append(lambda e, n=name, s=expected: _within(getattr(e, n), s))  # type: ignore[misc]
        elif isinstance(expected, _COLLECTIONS):
            allowed = frozenset(cast(Iterable[object], expected))
            tests.append(lambda e, n=name, a=allowed: getattr(e, n) in a)  # type: ignore[misc]
        else:
            tests.append(lambda e, n=name, x=expected: getattr(e, n) == x)  # type: ignore[misc]
    return lambda e: all(t(e) for t in tests)


def _within(value: object, span: Since) -> bool:
    if not isinstance(value, datetime):
        return False
    return (span.start is None or value >= span.start) and (span.end is None or value < span.end)


def deleted_ok(entity: Entity, deleted: Deleted) -> bool:
    if deleted is Deleted.EXCLUDE:
        return entity.deleted_at is None
    if deleted is Deleted.ONLY:
        return entity.deleted_at is not None
    return True
