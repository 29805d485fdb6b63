"""Explicit row <-> entity mapping.

Each entity type has an :class:`EntityMap`: its table and, for every field that
is not stored under its own name, how it is stored. Three kinds exist:

* :class:`Ref`: ``<x>_uid`` in the core, an integer foreign key ``<x>_id`` in the
  table; read by joining the referenced table's ``uid``.
* :class:`LookupRef`: a lookup name in the core (``show_type="bau"``), an integer
  foreign key to the lookup table; read by joining the lookup's ``name``.
* ``shows.show_status``: fixed ids (see :data:`tables.SHOW_STATUS_IDS`), mapped
  in Python without a join.

Every other field is a column of the same name. Enum values are stored as their
string value and converted back by the entity's own converters; building the
entity runs its validators, so a row that breaks an invariant fails loudly
instead of producing an invalid object.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa

from studiocore.entities import (
    LOOKUP_ENTRY_TYPES,
    MC,
    Audit,
    ChangeRequest,
    Client,
    Comment,
    Entity,
    Material,
    Membership,
    Platform,
    Schedule,
    ScheduleVersion,
    Show,
    ShowMaterial,
    ShowMC,
    ShowPlatform,
    Studio,
    StudioRoom,
    Tag,
    Taggable,
    Task,
    TaskTemplate,
    TaskTemplateItem,
    User,
)
from studiocore.lookups import LookupTable
from studiocore_sql import tables as t

__all__ = ["MAPS", "EntityMap", "LookupRef", "Ref"]


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

    def __attrs_post_init__(self) -> None:
        self.field_names = tuple(a.name for a in attrs.fields(self.cls))
        special = set(self.refs) | set(self.lookups)
        if self.cls is Show:
            special.add(STATUS_FIELD)
        self.plain = tuple(n for n in self.field_names if n not in special)
        for name in self.plain:
            if name not in self.table.c:
                raise AssertionError(f"{self.table.name} has no column {name}")
        columns: list[sa.ColumnElement[Any]] = []
        source: sa.FromClause = self.table
        self.joined = {}
        for name in self.field_names:
            if name in self.refs:
                ref = self.refs[name]
                alias = ref.target.alias(f"r_{name}")
                source = source.outerjoin(alias, self.table.c[ref.column] == alias.c.id)
                self.joined[name] = alias
                columns.append(alias.c.uid.label(name))
            elif name in self.lookups:
                lk = self.lookups[name]
                alias = lk.target.alias(f"l_{name}")
                source = source.outerjoin(alias, self.table.c[lk.column] == alias.c.id)
                self.joined[name] = alias
                columns.append(alias.c.name.label(name))
            elif name == STATUS_FIELD and self.cls is Show:
                columns.append(self.table.c.show_status_id.label(name))
            else:
                columns.append(self.table.c[name].label(name))
        self.select = sa.select(*columns).select_from(source)

    def to_entity(self, row: Mapping[str, Any]) -> Entity:
        """Build the entity from a row of :attr:`select`."""
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


def _lookup(table: LookupTable, column: str) -> LookupRef:
    return LookupRef(column, t.LOOKUP_TABLES[table])


_ENTITY_MAPS: list[EntityMap] = [
    EntityMap(Studio, t.studios),
    EntityMap(StudioRoom, t.studio_rooms, refs={"studio_uid": Ref("studio_id", t.studios)}),
    EntityMap(Client, t.clients),
    EntityMap(User, t.users),
    EntityMap(Membership, t.memberships, refs={"user_uid": Ref("user_id", t.users)}),
    EntityMap(MC, t.mcs, refs={"user_uid": Ref("user_id", t.users)}),
    EntityMap(Platform, t.platforms),
    EntityMap(
        Material,
        t.materials,
        refs={
            "client_uid": Ref("client_id", t.clients),
            "platform_uid": Ref("platform_id", t.platforms),
        },
        lookups={"material_type": _lookup(LookupTable.MATERIAL_TYPES, "material_type_id")},
    ),
    EntityMap(
        Show,
        t.shows,
        refs={
            "client_uid": Ref("client_id", t.clients),
            "schedule_uid": Ref("schedule_id", t.schedules),
            "studio_room_uid": Ref("studio_room_id", t.studio_rooms),
        },
        lookups={
            "show_type": _lookup(LookupTable.SHOW_TYPES, "show_type_id"),
            "show_standard": _lookup(LookupTable.SHOW_STANDARDS, "show_standard_id"),
        },
    ),
    EntityMap(
        ShowMC,
        t.show_mcs,
        refs={"show_uid": Ref("show_id", t.shows), "mc_uid": Ref("mc_id", t.mcs)},
    ),
    EntityMap(
        ShowPlatform,
        t.show_platforms,
        refs={
            "show_uid": Ref("show_id", t.shows),
            "platform_uid": Ref("platform_id", t.platforms),
        },
    ),
    EntityMap(
        ShowMaterial,
        t.show_materials,
        refs={
            "show_uid": Ref("show_id", t.shows),
            "material_uid": Ref("material_id", t.materials),
        },
    ),
    EntityMap(
        Schedule,
        t.schedules,
        refs={"client_uid": Ref("client_id", t.clients), "studio_uid": Ref("studio_id", t.studios)},
        lookups={
            "schedule_status": _lookup(LookupTable.SCHEDULE_STATUS, "schedule_status_id"),
        },
    ),
    EntityMap(
        ScheduleVersion,
        t.schedule_versions,
        refs={
            "schedule_uid": Ref("schedule_id", t.schedules),
            "change_request_uid": Ref("change_request_id", t.change_requests),
            "created_by_uid": Ref("created_by_id", t.users),
        },
    ),
    EntityMap(
        ChangeRequest,
        t.change_requests,
        refs={
            "schedule_uid": Ref("schedule_id", t.schedules),
            "requested_by_uid": Ref("requested_by_id", t.users),
            "reviewed_by_uid": Ref("reviewed_by_id", t.users),
        },
        lookups={
            "change_category": _lookup(LookupTable.CHANGE_CATEGORIES, "change_category_id"),
            "change_type": _lookup(LookupTable.CHANGE_TYPES, "change_type_id"),
        },
    ),
    EntityMap(Tag, t.tags, refs={"studio_uid": Ref("studio_id", t.studios)}),
    EntityMap(Taggable, t.taggables, refs={"tag_uid": Ref("tag_id", t.tags)}),
    EntityMap(
        Comment,
        t.comments,
        refs={"owner_uid": Ref("owner_id", t.users), "parent_uid": Ref("parent_id", t.comments)},
    ),
    EntityMap(Audit, t.audits, refs={"user_uid": Ref("user_id", t.users)}),
    EntityMap(TaskTemplate, t.task_templates, refs={"studio_uid": Ref("studio_id", t.studios)}),
    EntityMap(
        TaskTemplateItem,
        t.task_template_items,
        refs={"task_template_uid": Ref("task_template_id", t.task_templates)},
        lookups={
            "task_type": _lookup(LookupTable.TASK_TYPE, "task_type_id"),
            "input_type": _lookup(LookupTable.TASK_INPUT_TYPE, "input_type_id"),
        },
    ),
    EntityMap(
        Task,
        t.tasks,
        refs={
            "assignee_uid": Ref("assignee_id", t.users),
            "task_template_item_uid": Ref("task_template_item_id", t.task_template_items),
        },
        lookups={"task_status": _lookup(LookupTable.TASK_STATUS, "task_status_id")},
    ),
    *(EntityMap(cls, t.LOOKUP_TABLES[lt]) for lt, cls in LOOKUP_ENTRY_TYPES.items()),
]

MAPS: dict[type[Entity], EntityMap] = {m.cls: m for m in _ENTITY_MAPS}
"""The map of every entity type."""
