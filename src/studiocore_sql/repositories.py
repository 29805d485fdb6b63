"""The generic repository: one entity type in one table, the same contract as
the in-memory adapter.

Reads select every field through the entity's :class:`~studiocore_sql.mapping.EntityMap`
and build a fresh entity per row (so a returned object is always a copy). Writes
resolve uids and lookup names to integer ids first (through the session's
caches): a reference to a record that does not exist is a
:class:`ValidationError` naming the field, before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa

from studiocore.entities import Entity, Show
from studiocore.errors import ConflictError, NotFoundError, ValidationError
from studiocore.lookups import ShowStatus
from studiocore.permissions import Visibility
from studiocore.ports import Contains, Deleted, Since, Where, sort_keys
from studiocore_sql import tables as t
from studiocore_sql.mapping import STATUS_FIELD, EntityMap, db_value
from studiocore_sql.session import SqlSession
from studiocore_sql.types import UTCDateTime
from studiocore_sql.visibility import visible_rows

__all__ = ["SqlRepository"]

E = TypeVar("E", bound=Entity)

_COLLECTIONS = (frozenset, set, list, tuple)


def _status_id(value: object) -> int | None:
    try:
        return t.SHOW_STATUS_IDS[ShowStatus(cast(str, value))]
    except (ValueError, KeyError):
        return None


def paged(stmt: sa.Select[Any], limit: int | None, offset: int) -> sa.Select[Any]:
    """``stmt`` with its LIMIT and OFFSET written into the SQL text rather than
    bound. PostgreSQL reuses one generic plan for a prepared statement only when
    that plan looks no dearer than a fresh one; with a bound LIMIT it must guess
    how many rows are wanted, the guess makes every generic page plan look dear,
    and each page is planned again (the planning costing more than the page).
    psycopg prepares a statement once its text has run five times, so the pages
    a client asks for often (the first, the usual size) keep their plans."""
    if limit is not None:
        stmt = stmt.limit(sa.literal_column(str(int(limit))))
    if offset:
        stmt = stmt.offset(sa.literal_column(str(int(offset))))
    return stmt


def by_name(
    keys: tuple[str, ...], open_row: Callable[[dict[str, Any]], Entity]
) -> Callable[[Sequence[Any]], Entity]:
    """A row loader handing ``open_row`` each row as a dict of ``keys``."""
    return lambda row: open_row(dict(zip(keys, row, strict=True)))


class SqlRepository(Generic[E]):
    """Storage of one entity type in one table."""

    def __init__(self, session: SqlSession, emap: EntityMap) -> None:
        self._session = session
        self._map = emap
        self._cls = cast(type[E], emap.cls)
        self._table = emap.table

    def _execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]:
        return self._session.execute(statement, params)

    # -- writes -----------------------------------------------------------------------

    def _check_type(self, entity: E) -> None:
        if type(entity) is not self._cls:
            raise TypeError(f"expected {self._cls.__name__}, got {type(entity).__name__}")

    def _values(self, entity: E) -> dict[str, Any]:
        """Every column of the row for ``entity`` except ``id``."""
        values = self._map.plain_values(entity)
        for name, ref in self._map.refs.items():
            uid = getattr(entity, name)
            values[ref.column] = None if uid is None else self._session.id_of(ref.target, uid, name)
        for name, lookup in self._map.lookups.items():
            values[lookup.column] = self._session.lookup_id(
                lookup.target, getattr(entity, name), name
            )
        if self._cls is Show:
            values["show_status_id"] = t.SHOW_STATUS_IDS[getattr(entity, STATUS_FIELD)]
        return values

    def _insert(self, values: dict[str, Any]) -> bool:
        """Insert a row unless its uid exists; whether it was inserted."""
        stmt = self._session.dialect.insert_new(self._table).values(values)
        return self._execute(stmt.returning(self._table.c.id)).first() is not None

    def add(self, entity: E) -> None:
        self._check_type(entity)
        if not self._insert(self._values(entity)):
            raise ConflictError(f"{self._cls.__name__} {entity.uid!r} already exists")
        self._session.wrote(self._table)

    def add_many(self, entities: Sequence[E]) -> None:
        """One statement (per batch) for every row, after one read of the ids of
        what they reference that this unit of work has not seen yet."""
        if not entities:
            return
        self._session.require_writable(f"write to {self._table.name}")
        for entity in entities:
            self._check_type(entity)
        self._learn_ids(entities)
        rows = [self._values(entity) for entity in entities]
        inserted = self._session.dialect.insert_many(self._session, self._table, rows)
        if len(inserted) != len(rows):
            self._session.failed = True  # the rest is written: the unit of work rolls back
            refused = next(r["uid"] for r in rows if r["uid"] not in set(inserted))
            raise ConflictError(f"{self._cls.__name__} {refused!r} already exists")
        self._session.wrote(self._table)

    def _learn_ids(self, entities: Sequence[E]) -> None:
        dialect = self._session.dialect
        for name, ref in self._map.refs.items():
            uids = {u for e in entities if (u := getattr(e, name)) is not None}
            if not uids or self._session.known_ids(ref.target, uids) is not None:
                continue
            for part in dialect.batches(sorted(uids)):
                found = self._execute(
                    sa.select(ref.target.c.uid, ref.target.c.id).where(
                        dialect.in_uids(ref.target.c.uid, part)
                    )
                )
                self._session.remember_ids(ref.target, {row.uid: row.id for row in found})

    def update(self, entity: E) -> None:
        self._check_type(entity)
        values = self._values(entity)
        uid = values.pop("uid")
        result = self._execute(
            sa.update(self._table).where(self._table.c.uid == uid).values(values)
        )
        if not result.rowcount:
            raise NotFoundError(self._cls.__name__, entity.uid)
        self._session.wrote(self._table)

    def _find_id(self, uid: str) -> int | None:
        return cast(
            int | None,
            self._execute(sa.select(self._table.c.id).where(self._table.c.uid == uid)).scalar(),
        )

    # -- reads ------------------------------------------------------------------------

    def _entities(self, stmt: sa.Select[Any], params: Any = None) -> list[E]:
        result = self._execute(stmt, params)
        load = self._row_loader(tuple(result.keys()))  # the field names (EntityMap.select)
        # all() fetches every row in one driver call (iterating fetches one by one)
        return [cast(E, load(row)) for row in result.all()]

    def _row_loader(self, keys: tuple[str, ...]) -> Callable[[Sequence[Any]], Entity]:
        """How a row whose columns are ``keys`` becomes an entity (a subclass
        that decodes stored values first gives :func:`by_name` its decoder)."""
        return self._map.row_loader(keys)

    def find(self, uid: str, *, include_deleted: bool = False) -> E | None:
        stmt = self._map.select.where(self._table.c.uid == uid)
        if not include_deleted:
            stmt = stmt.where(self._table.c.deleted_at.is_(None))
        found = self._entities(stmt)
        return found[0] if found else None

    def get(self, uid: str, *, include_deleted: bool = False) -> E:
        entity = self.find(uid, include_deleted=include_deleted)
        if entity is None:
            raise NotFoundError(self._cls.__name__, uid)
        return entity

    def get_many(self, uids: Collection[str]) -> dict[str, E]:
        wanted = sorted(set(uids))
        found: dict[str, E] = {}
        dialect = self._session.dialect
        for part in dialect.batches(wanted):
            stmt = self._map.select.where(
                dialect.in_uids(self._table.c.uid, part), self._table.c.deleted_at.is_(None)
            )
            for entity in self._entities(stmt):
                found[entity.uid] = entity
        return found

    def _deleted(self, deleted: Deleted) -> sa.ColumnElement[bool]:
        if deleted is Deleted.EXCLUDE:
            return self._table.c.deleted_at.is_(None)
        if deleted is Deleted.ONLY:
            return self._table.c.deleted_at.is_not(None)
        return sa.true()

    def _condition(self, name: str, expected: object) -> sa.ColumnElement[bool]:
        m = self._map
        if name not in m.field_names:
            raise ValidationError(f"where.{name}", f"{self._cls.__name__} has no field {name!r}")
        if isinstance(expected, Contains):
            text = self._table.c.get(name)
            if name in m.refs or text is None or not isinstance(text.type, sa.String):
                raise ValidationError(f"where.{name}", "is not a text field that can be searched")
            escaped = re.sub(r"([\\%_])", r"\\\1", expected.text.lower())
            return sa.func.lower(text).like(f"%{escaped}%", escape="\\")
        if isinstance(expected, Since):
            return self._since(name, expected)
        values: list[object] = (
            list(cast(Iterable[object], expected))
            if isinstance(expected, _COLLECTIONS)
            else [expected]
        )
        present = [v for v in values if v is not None]
        parts: list[sa.ColumnElement[bool]] = []
        column: sa.ColumnElement[Any]
        if name in m.refs:
            ref = m.refs[name]
            column = self._table.c[ref.column]
            if present:
                uids = cast(list[str], present)  # one array parameter on PostgreSQL
                in_uids = self._session.dialect.in_uids(ref.target.c.uid, uids)
                ids = sa.select(ref.target.c.id).where(in_uids)
                parts.append(column.in_(ids))
        elif name in m.lookups:
            lookup = m.lookups[name]
            column = self._table.c[lookup.column]
            if present:
                ids = sa.select(lookup.target.c.id).where(lookup.target.c.name.in_(present))
                parts.append(column.in_(ids))
        elif name == STATUS_FIELD and self._cls is Show:
            column = self._table.c.show_status_id
            status_ids = [i for i in map(_status_id, present) if i is not None]
            if status_ids:
                parts.append(column.in_(status_ids))
        else:
            column = self._table.c[name]
            if len(present) == 1:
                parts.append(column == db_value(present[0]))
            elif present:
                parts.append(column.in_([db_value(v) for v in present]))
        if len(present) < len(values):
            parts.append(column.is_(None))
        if not parts:
            return sa.false()
        return parts[0] if len(parts) == 1 else sa.or_(*parts)

    def _since(self, name: str, span: Since) -> sa.ColumnElement[bool]:
        column = self._table.c.get(name)
        if column is None or not isinstance(column.type, UTCDateTime):
            raise ValidationError(f"where.{name}", "is not a time field")
        parts: list[sa.ColumnElement[bool]] = []
        if span.start is not None:
            parts.append(column >= span.start)
        if span.end is not None:
            parts.append(column < span.end)
        return sa.and_(sa.true(), *parts)

    def _order(self, order_by: Sequence[str]) -> list[sa.ColumnElement[Any]]:
        """The ORDER BY of :func:`~studiocore.ports.sort_keys`: text by its
        lower case, code point by code point, missing values last."""
        clauses: list[sa.ColumnElement[Any]] = []
        for name, descending in sort_keys(self._cls, order_by):
            column: sa.ColumnElement[Any] = self._table.c[name]
            if isinstance(column.type, sa.String):
                collation = self._session.dialect.code_point_collation
                column = sa.func.lower(column).collate(collation)
            clauses.append(column.desc().nulls_first() if descending else column.asc().nulls_last())
        return clauses

    def _filters(
        self, where: Where | None, deleted: Deleted, visible: Visibility | None = None
    ) -> list[sa.ColumnElement[bool]]:
        conditions = [self._deleted(deleted)]
        for name, expected in (where or {}).items():
            conditions.append(self._condition(name, expected))
        if visible is not None:
            conditions.append(visible_rows(self._cls, visible, self._session.dialect))
        return conditions

    def list(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        limit: int | None = None,
        offset: int = 0,
        visible: Visibility | None = None,
        order_by: Sequence[str] = (),
    ) -> list[E]:
        stmt = self._map.select.where(*self._filters(where, deleted, visible)).order_by(
            *self._order(order_by), self._table.c.uid
        )
        return self._entities(paged(stmt, limit, offset))

    def count(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        visible: Visibility | None = None,
    ) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(self._table)
            .where(*self._filters(where, deleted, visible))
        )
        return int(self._execute(stmt).scalar_one())

    def purge(self, *, where: Where) -> int:
        stmt = sa.delete(self._table).where(*self._filters(where, Deleted.INCLUDE))
        return int(self._execute(stmt).rowcount)
