"""Visibility as SQL: which rows of a table an actor's list shows.

A :class:`~studiocore.permissions.Visibility` holds the groups (and MCs, and
uids) an actor sees records of; a row is visible when its scope meets one of
them. The scope is read here exactly as :mod:`studiocore.access.scope` reads it
for one record (the contract suite checks that a list and single reads agree):
a group is its own scope; a row belongs to what its references belong to; a
show also to the platforms and MCs of its live links; a client, and a material
of a client, also to the studios where the client has live shows or schedules;
a user to the groups of their live memberships; a membership to its group; an
audit entry to the record it is about.
The result is one condition for the ``WHERE`` clause: ``IN`` subqueries and
``EXISTS``, so totals and pages count only what is visible. Branches that can
match nothing (a reference to a kind of group the actor has none of) are left
out, and the condition of one visibility is built once and reused (an actor's
requests repeat it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from studiocore.entities import Entity
from studiocore.permissions import Visibility
from studiocore_sql import tables as t
from studiocore_sql.dialects import SqlDialect
from studiocore_sql.mapping import MAPS

__all__ = ["visible_rows"]

_BY_TABLE = {cls.TABLE: cls for cls in MAPS}
_DEPTH = 4  # as studiocore.access.scope.scope_of


def visible_rows(
    cls: type[Entity], visible: Visibility, dialect: SqlDialect
) -> sa.ColumnElement[bool]:
    """The condition on ``cls``'s table selecting the rows ``visible`` shows."""
    return _visible_rows(cls.TABLE, visible, dialect)


@lru_cache(maxsize=1024)
def _visible_rows(table: str, visible: Visibility, dialect: SqlDialect) -> sa.ColumnElement[bool]:
    found = _condition(_BY_TABLE[table], t.metadata.tables[table], visible, dialect, _DEPTH)
    return sa.false() if found is None else found


# Every subquery reads an alias of its own: a table met again deeper down (a
# show's links, below a link of the show) must not be correlated with the outer one.
Rows = sa.FromClause


def _in(column: sa.ColumnElement[Any], uids: frozenset[str]) -> sa.ColumnElement[bool]:
    return column.in_(sorted(uids))


def _group_ids(table: sa.Table, uids: frozenset[str]) -> sa.Select[Any]:
    return sa.select(table.c.id).where(_in(table.c.uid, uids))


def _groups_of(name: str, visible: Visibility) -> frozenset[str]:
    return {
        "studios": visible.studio_uids,
        "clients": visible.client_uids,
        "platforms": visible.platform_uids,
    }[name]


def _client_studios(
    client_id: sa.ColumnElement[Any], studios: frozenset[str], dialect: SqlDialect
) -> list[Any]:
    """The client (by id column) has live shows or schedules in one of ``studios``."""
    if not studios:
        return []
    s, r, sc = t.shows.alias(), t.studio_rooms.alias(), t.schedules.alias()
    in_studios = _group_ids(t.studios, studios)
    rooms = sa.select(r.c.id).where(dialect.in_rows(r.c.studio_id, in_studios))
    return [
        sa.exists().where(
            s.c.client_id == client_id,
            s.c.deleted_at.is_(None),
            dialect.in_rows(s.c.studio_room_id, rooms),
        ),
        sa.exists().where(
            sc.c.client_id == client_id,
            sc.c.deleted_at.is_(None),
            dialect.in_rows(sc.c.studio_id, in_studios),
        ),
    ]


def _own(cls: type[Entity], table: Rows, visible: Visibility, dialect: SqlDialect) -> list[Any]:
    """The row's scope before its references (see ``_own_scope`` in the core)."""
    name = cls.TABLE
    parts: list[Any] = []
    if name in {"studios", "clients", "platforms"}:
        mine = _groups_of(name, visible)
        if mine:
            parts.append(_in(table.c.uid, mine))
        if name == "clients":
            parts += _client_studios(table.c.id, visible.studio_uids, dialect)
    elif name == "shows":
        for link_table, column, target, uids in (
            (t.show_platforms, "platform_id", t.platforms, visible.platform_uids),
            (t.show_mcs, "mc_id", t.mcs, visible.mc_uids),
        ):
            if uids:
                links = link_table.alias()
                parts.append(
                    sa.exists().where(
                        links.c.show_id == table.c.id,
                        links.c.deleted_at.is_(None),
                        dialect.in_rows(links.c[column], _group_ids(target, uids)),
                    )
                )
    elif name == "materials":
        parts += _client_studios(table.c.client_id, visible.studio_uids, dialect)
    elif name == "users":
        groups = visible.studio_uids | visible.client_uids | visible.platform_uids
        if groups:
            m = t.memberships.alias()
            parts.append(
                sa.exists().where(
                    m.c.user_id == table.c.id, m.c.deleted_at.is_(None), _in(m.c.group_uid, groups)
                )
            )
    elif name == "memberships":
        groups = visible.studio_uids | visible.client_uids | visible.platform_uids
        if groups:
            parts.append(_in(table.c.group_uid, groups))
    return parts


def _audited(table: Rows, visible: Visibility, dialect: SqlDialect, depth: int) -> list[Any]:
    """An audit entry is visible with the record it is about: one branch per
    kind of record that can be visible."""
    parts: list[Any] = []
    for name, owner in sorted(_BY_TABLE.items()):
        if name == "audits":
            continue
        rows = t.metadata.tables[name].alias()
        inner = _condition(owner, rows, visible, dialect, depth - 1)
        if inner is not None:
            parts.append(
                sa.and_(
                    table.c.recordable_type == name,
                    dialect.in_rows(table.c.recordable_uid, sa.select(rows.c.uid).where(inner)),
                )
            )
    return parts


def _condition(
    cls: type[Entity], table: Rows, visible: Visibility, dialect: SqlDialect, depth: int
) -> sa.ColumnElement[bool] | None:
    """The condition on ``table`` (rows of ``cls``), or ``None`` when no row can
    be visible."""
    parts = _own(cls, table, visible, dialect)
    if visible.uids:
        parts.append(_in(table.c.uid, visible.uids))
    if depth > 0 and cls.TABLE == "audits":
        parts += _audited(table, visible, dialect, depth)
    if depth > 0:
        for ref in MAPS[cls].refs.values():
            target = ref.target
            if target.name == "users":
                continue
            column = table.c[ref.column]
            if target.name in {"studios", "clients", "platforms"}:
                mine = _groups_of(target.name, visible)
                if mine:
                    parts.append(dialect.in_rows(column, _group_ids(target, mine)))
                continue
            owner, rows = _BY_TABLE[target.name], target.alias()
            inner = _condition(owner, rows, visible, dialect, depth - 1)
            if inner is not None:
                parts.append(dialect.in_rows(column, sa.select(rows.c.id).where(inner)))
    return sa.or_(*parts) if parts else None
