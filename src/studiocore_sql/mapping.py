"""Explicit row <-> entity mapping.

Each entity type has an :class:`EntityMap`, derived from what the core declares
(``TABLE``, ``REFERENCES``, ``LOOKUPS``): its table and, for every field that is
not stored under its own name, how it is stored. Three kinds exist:

* :class:`Ref`: ``<x>_uid`` in the core, an integer foreign key ``<x>_id`` in the
  table; read by joining the referenced table's ``uid``.
* :class:`LookupRef`: a lookup name in the core (``show_type="bau"``), an integer
  foreign key to the lookup table; read by joining the lookup's ``name``.
* ``shows.show_status``: fixed ids (see :data:`tables.SHOW_STATUS_IDS`), mapped
  in Python without a join.

Every other field is a column of the same name. Enum values are stored as their
string value and converted back by the entity's own converters. A row read back
is built without the entity's validators (:mod:`studiocore_sql.loading`): they
were run when the entity was written, and the table's constraints hold since;
:meth:`EntityMap.to_checked_entity` builds it with them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import sqlalchemy as sa

from studiocore.entities import Entity, Show
from studiocore.ports import REPOSITORY_NAMES
from studiocore_sql import tables as t
from studiocore_sql.loading import Loader, RowLoader, loader, row_loader

__all__ = ["MAPS", "EntityMap", "LookupRef", "Ref", "entity_map"]


@attrs.frozen
class Ref:
    """A uid field stored as an integer foreign key ``column`` to ``target``."""

    column: str
    target: sa.Table


@attrs.frozen
class LookupRef:
    """A lookup-name field stored as an integer foreign key ``column`` to the
    lookup table ``target``."""

    column: str
    target: sa.Table


STATUS_FIELD = "show_status"


@attrs.define
class EntityMap:
    """How one entity type is stored."""

    cls: type[Entity]
    table: sa.Table
    refs: Mapping[str, Ref] = attrs.field(factory=dict)
    lookups: Mapping[str, LookupRef] = attrs.field(factory=dict)
    field_names: tuple[str, ...] = attrs.field(init=False)
    plain: tuple[str, ...] = attrs.field(init=False)
    select: sa.Select[Any] = attrs.field(init=False)
    """Every field of the entity, labelled with the field name."""
    joined: dict[str, sa.FromClause] = attrs.field(init=False)
    load: Loader[Entity] = attrs.field(init=False)
    """Builds the entity from a row of :attr:`select` without its validators."""
    _decoders: dict[str, Callable[[Any], Any]] = attrs.field(init=False)
    _row_loaders: dict[tuple[str, ...], RowLoader[Entity]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.field_names = tuple(a.name for a in attrs.fields(self.cls))
        special = set(self.refs) | set(self.lookups)
        if self.cls is Show:
            special.add(STATUS_FIELD)
        self.plain = tuple(n for n in self.field_names if n not in special)
        for name in self.plain:
            if name not in self.table.c:
                raise AssertionError(f"{self.table.name} has no column {name}")
        keys: list[tuple[str, Ref | LookupRef]] = [*self.refs.items(), *self.lookups.items()]
        for name, ref in keys:
            column = self.table.c.get(ref.column)
            if column is None or not any(fk.references(ref.target) for fk in column.foreign_keys):
                raise AssertionError(
                    f"{self.table.name}.{ref.column} ({name}) is not a foreign key "
                    f"to {ref.target.name}"
                )
        # a field stored as an id reads the referenced row's uid, or the lookup entry's name
        joins: dict[str, tuple[Ref | LookupRef, str, str]] = {
            **{name: (ref, f"r_{name}", "uid") for name, ref in self.refs.items()},
            **{name: (lk, f"l_{name}", "name") for name, lk in self.lookups.items()},
        }
        columns: list[sa.ColumnElement[Any]] = []
        source: sa.FromClause = self.table
        self.joined = {}
        for name in self.field_names:
            if name in joins:
                ref, alias_name, shown = joins[name]
                alias = ref.target.alias(alias_name)
                source = source.outerjoin(alias, self.table.c[ref.column] == alias.c.id)
                self.joined[name] = alias
                columns.append(alias.c[shown].label(name))
            elif name == STATUS_FIELD and self.cls is Show:
                columns.append(self.table.c.show_status_id.label(name))
            else:
                columns.append(self.table.c[name].label(name))
        self.select = sa.select(*columns).select_from(source)
        status = {STATUS_FIELD: t.SHOW_STATUS_NAMES.__getitem__} if self.cls is Show else {}
        self._decoders = status
        self.load = loader(self.cls, status)
        self._row_loaders = {}

    def to_entity(self, row: Mapping[str, Any]) -> Entity:
        """Build the entity from a row of :attr:`select`, trusting it: equal to
        :meth:`to_checked_entity`'s, without running the entity's validators."""
        return self.load(row)

    def row_loader(self, keys: tuple[str, ...]) -> RowLoader[Entity]:
        """:attr:`load` for the rows of a result whose columns are ``keys``
        (labelled as in :attr:`select`, in any order): reads each field by its
        position. Built once per ``keys``."""
        found = self._row_loaders.get(keys)
        if found is None:
            found = self._row_loaders[keys] = row_loader(self.cls, keys, self._decoders)
        return found

    def to_checked_entity(self, row: Mapping[str, Any]) -> Entity:
        """Build the entity from a row of :attr:`select` through its
        ``__init__``, so a row that breaks an invariant fails loudly."""
        values = dict(row)
        if self.cls is Show:
            values[STATUS_FIELD] = t.SHOW_STATUS_NAMES[values[STATUS_FIELD]]
        return self.cls(**values)

    def plain_values(self, entity: Entity) -> dict[str, Any]:
        """The columns stored under the field's own name."""
        return {name: db_value(getattr(entity, name)) for name in self.plain}


def db_value(value: Any) -> Any:
    """A field value as stored: enums by value, everything else as is."""
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _column_of(field: str) -> str:
    """The foreign key column of a uid field: ``studio_room_uid`` -> ``studio_room_id``."""
    if not field.endswith("_uid"):
        raise AssertionError(f"reference field {field!r} does not end in _uid")
    return field.removesuffix("_uid") + "_id"


def entity_map(cls: type[Entity]) -> EntityMap:
    """The map of ``cls``, derived from the core's declarations: its table is
    ``cls.TABLE``, every field of ``cls.REFERENCES`` a :class:`Ref` (column
    ``<x>_id`` into the table of that name), every field of ``cls.LOOKUPS`` a
    :class:`LookupRef` (column ``<field>_id`` into the lookup table)."""
    tables = t.metadata.tables
    return EntityMap(
        cls,
        tables[cls.TABLE],
        refs={f: Ref(_column_of(f), tables[name]) for f, name in cls.REFERENCES.items()},
        lookups={
            f: LookupRef(f"{f}_id", t.LOOKUP_TABLES[lookup]) for f, lookup in cls.LOOKUPS.items()
        },
    )


MAPS: dict[type[Entity], EntityMap] = {cls: entity_map(cls) for cls in REPOSITORY_NAMES}
"""The map of every entity type of the core's registry
(:class:`studiocore.ports.Repositories`): adding an entity takes its table in
:mod:`studiocore_sql.tables`, nothing here."""
