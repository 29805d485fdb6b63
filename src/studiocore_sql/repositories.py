"""Repositories over SQLAlchemy Core: the same contract as the in-memory adapter.

Reads select every field through the entity's :class:`~studiocore_sql.mapping.EntityMap`
and build a fresh entity per row (so a returned object is always a copy). Writes
resolve uids and lookup names to integer ids first: a reference to a record that
does not exist is a :class:`ValidationError` naming the field, before anything
is written.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from studiocore.conflicts import Conflict, ConflictKind, ResourceType, Severity
from studiocore.entities import Audit, Entity, Show, ShowMC
from studiocore.errors import ConcurrencyError, ConflictError, NotFoundError, ValidationError
from studiocore.lookups import RESERVING_STATUSES, ShowStatus
from studiocore.ports import (
    Booking,
    Deleted,
    Reservation,
    RoomSummary,
    ShowQuery,
    ShowResources,
    StudioOccupancy,
    Where,
)
from studiocore.scheduling.detector import near_bookings
from studiocore.timeslot import TimeSlot, union
from studiocore_sql import tables as t
from studiocore_sql.mapping import STATUS_FIELD, EntityMap, db_value
from studiocore_sql.types import DRIVER_TIMESTAMPTZ

if TYPE_CHECKING:
    from studiocore_sql.database import SqlUnitOfWork

__all__ = [
    "SqlAuditRepository",
    "SqlRepository",
    "SqlShowMcRepository",
    "SqlShowRepository",
    "overlap_conflicts",
]

E = TypeVar("E", bound=Entity)

_COLLECTIONS = (frozenset, set, list, tuple)
CHUNK = 5000
"""Largest number of values bound into one ``IN (...)`` on SQLite."""


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _status_id(value: object) -> int | None:
    try:
        return t.SHOW_STATUS_IDS[ShowStatus(cast(str, value))]
    except (ValueError, KeyError):
        return None


class SqlRepository(Generic[E]):
    """Storage of one entity type in one table."""

    def __init__(self, uow: SqlUnitOfWork, emap: EntityMap) -> None:
        self._uow = uow
        self._map = emap
        self._cls = cast(type[E], emap.cls)
        self._table = emap.table

    @property
    def _conn(self) -> sa.Connection:
        return self._uow.connection

    def _execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]:
        return self._uow.execute(statement, params)

    # -- writes -----------------------------------------------------------------------

    def _check_type(self, entity: E) -> None:
        if type(entity) is not self._cls:
            raise TypeError(f"expected {self._cls.__name__}, got {type(entity).__name__}")

    def _values(self, entity: E) -> dict[str, Any]:
        """Every column of the row for ``entity`` except ``id``."""
        values = self._map.plain_values(entity)
        for name, ref in self._map.refs.items():
            uid = getattr(entity, name)
            values[ref.column] = None if uid is None else self._uow.id_of(ref.target, uid, name)
        for name, lookup in self._map.lookups.items():
            values[lookup.column] = self._uow.lookup_id(lookup.target, getattr(entity, name), name)
        if self._cls is Show:
            values["show_status_id"] = t.SHOW_STATUS_IDS[getattr(entity, STATUS_FIELD)]
        return values

    def _insert(self, values: dict[str, Any]) -> bool:
        """Insert a row unless its uid exists; whether it was inserted."""
        dialect = self._conn.dialect.name
        if dialect == "postgresql":
            stmt: sa.Insert = (
                postgresql.insert(self._table)
                .values(values)
                .on_conflict_do_nothing(index_elements=["uid"])
            )
        elif dialect == "sqlite":
            stmt = (
                sqlite.insert(self._table)
                .values(values)
                .on_conflict_do_nothing(index_elements=["uid"])
            )
        else:  # pragma: no cover - only PostgreSQL and SQLite are supported
            if self._find_id(values["uid"]) is not None:
                return False
            stmt = sa.insert(self._table).values(values)
        return self._execute(stmt.returning(self._table.c.id)).first() is not None

    def add(self, entity: E) -> None:
        self._check_type(entity)
        if not self._insert(self._values(entity)):
            raise ConflictError(f"{self._cls.__name__} {entity.uid!r} already exists")
        self._uow.wrote(self._table)

    def update(self, entity: E) -> None:
        self._check_type(entity)
        values = self._values(entity)
        uid = values.pop("uid")
        result = self._execute(
            sa.update(self._table).where(self._table.c.uid == uid).values(values)
        )
        if not result.rowcount:
            raise NotFoundError(self._cls.__name__, entity.uid)
        self._uow.wrote(self._table)

    def _find_id(self, uid: str) -> int | None:
        return cast(
            int | None,
            self._execute(sa.select(self._table.c.id).where(self._table.c.uid == uid)).scalar(),
        )

    # -- reads ------------------------------------------------------------------------

    def _entities(self, stmt: sa.Select[Any]) -> list[E]:
        to_entity = self._map.to_entity
        result = self._execute(stmt)
        keys = tuple(result.keys())  # the field names (see EntityMap.select)
        # all() fetches every row in one driver call (iterating fetches one by one)
        return [cast(E, to_entity(dict(zip(keys, row, strict=True)))) for row in result.all()]

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
        for part in chunks(wanted):
            stmt = self._map.select.where(
                self._table.c.uid.in_(part), self._table.c.deleted_at.is_(None)
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
                ids = sa.select(ref.target.c.id).where(self._uow.in_uids(ref.target.c.uid, uids))
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

    def _filters(self, where: Where | None, deleted: Deleted) -> list[sa.ColumnElement[bool]]:
        conditions = [self._deleted(deleted)]
        for name, expected in (where or {}).items():
            conditions.append(self._condition(name, expected))
        return conditions

    def list(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[E]:
        stmt = (
            self._map.select.where(*self._filters(where, deleted))
            .order_by(self._table.c.uid)
            .limit(limit)
            .offset(offset or None)
        )
        return self._entities(stmt)

    def count(self, *, where: Where | None = None, deleted: Deleted = Deleted.EXCLUDE) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(self._table)
            .where(*self._filters(where, deleted))
        )
        return int(self._execute(stmt).scalar_one())


def _conflict(
    kind: ConflictKind,
    resource: str,
    a: tuple[str, datetime, datetime],
    b: tuple[str, datetime, datetime],
) -> Conflict:
    first, second = sorted((a, b), key=lambda x: (x[1], x[0]))
    start, end = max(a[1], b[1]), min(a[2], b[2])
    room = kind is ConflictKind.ROOM_OVERLAP
    label = "room" if room else "MC"
    return Conflict(
        kind=kind,
        severity=Severity.BLOCK,
        resource_type=ResourceType.STUDIO_ROOM if room else ResourceType.MC,
        resource_uid=resource,
        show_uids=(first[0], second[0]),
        start=start,
        end=end,
        reason=(
            f"{label} {resource} is booked by {first[0]} and {second[0]} "
            f"from {start.isoformat()} to {end.isoformat()}"
        ),
    )


def overlap_conflicts(candidates: Sequence[Booking], existing: Sequence[Booking]) -> list[Conflict]:
    """Room and MC overlaps of the candidates with the existing bookings and with
    each other (one sort-and-sweep per resource): what a refused write collided
    with, reported like the core's conflict engine reports it."""
    groups: dict[tuple[ConflictKind, str], list[tuple[datetime, datetime, str, bool]]] = {}
    seen: set[str] = set()
    for booking, is_candidate in [
        *((c, True) for c in candidates),
        *((e, False) for e in existing),
    ]:
        if booking.show_uid in seen:
            continue
        seen.add(booking.show_uid)
        item = (booking.slot.start, booking.slot.end, booking.show_uid, is_candidate)
        if booking.room_uid is not None:
            groups.setdefault((ConflictKind.ROOM_OVERLAP, booking.room_uid), []).append(item)
        for mc in booking.mc_uids:
            groups.setdefault((ConflictKind.MC_OVERLAP, mc), []).append(item)
    found: list[Conflict] = []
    for (kind, resource), items in groups.items():
        items.sort()
        active: list[tuple[datetime, datetime, str, bool]] = []
        for item in items:
            active = [a for a in active if a[1] > item[0]]
            for other in active:
                if item[3] or other[3]:
                    found.append(
                        _conflict(
                            kind,
                            resource,
                            (other[2], other[0], other[1]),
                            (item[2], item[0], item[1]),
                        )
                    )
            active.append(item)
    found.sort(key=lambda c: (c.start, c.resource_uid, c.show_uids))
    return found


PROBE_GAP = timedelta(hours=12)
"""Candidate windows of one resource closer than this are looked up as one range."""


def _booking_order(b: Booking) -> tuple[datetime, str]:
    return (b.slot.start, b.show_uid)


def _room_order(room: RoomSummary) -> tuple[str, str]:
    return (room.name, room.uid)


_Row = tuple[Any, ...]


class _Windows:
    """The candidates' windows (slot widened by the margin) per room and per MC.

    ``exact`` is their union per resource (overlapping or touching windows
    merged: a show overlaps one of them exactly when it overlaps the union).
    :meth:`probes` merges further across gaps shorter than :data:`PROBE_GAP`, so
    a schedule of 10k back-to-back drafts in 20 rooms with 40 MCs costs about 60
    index lookups instead of 20k; :meth:`hit` then keeps only exact overlaps.
    """

    def __init__(self, candidates: Sequence[Booking], margin: timedelta) -> None:
        raw: dict[str, list[tuple[datetime, datetime]]] = {}
        self.mcs: set[str] = set()
        for c in candidates:
            window = (c.slot.start - margin, c.slot.end + margin)
            if c.room_uid is not None:
                raw.setdefault(c.room_uid, []).append(window)
            for mc in c.mc_uids:
                self.mcs.add(mc)
                raw.setdefault(mc, []).append(window)
        self.exact = {key: union(value) for key, value in raw.items()}
        self._starts = {key: [w[0] for w in value] for key, value in self.exact.items()}

    def probes(self) -> Iterator[tuple[str, datetime, datetime]]:
        for key in sorted(self.exact):
            for lo, hi in union(self.exact[key], bridge=PROBE_GAP):
                yield key, lo, hi

    def hit(self, resource: str, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` overlaps a window of ``resource``."""
        windows = self.exact.get(resource)
        if not windows:
            return False
        i = bisect_left(self._starts[resource], end) - 1  # last window starting before end
        return i >= 0 and windows[i][1] > start


class SqlAuditRepository(SqlRepository[Audit]):
    """Audits are written in batches: ``add`` queues the row (references
    resolved at once), and the unit of work writes the queue before any read of
    this table and at commit. A duplicate uid is then reported by that flush."""

    def add(self, entity: Audit) -> None:
        self._check_type(entity)
        self._uow.defer_audit(self._values(entity))

    def add_many(self, entries: Sequence[Audit]) -> None:
        for entry in entries:
            self.add(entry)

    def update(self, entity: Audit) -> None:
        self._uow.flush_audits()
        super().update(entity)

    def find(self, uid: str, *, include_deleted: bool = False) -> Audit | None:
        self._uow.flush_audits()
        return super().find(uid, include_deleted=include_deleted)

    def get_many(self, uids: Collection[str]) -> dict[str, Audit]:
        self._uow.flush_audits()
        return super().get_many(uids)

    def list(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Audit]:
        self._uow.flush_audits()
        return super().list(where=where, deleted=deleted, limit=limit, offset=offset)

    def count(self, *, where: Where | None = None, deleted: Deleted = Deleted.EXCLUDE) -> int:
        self._uow.flush_audits()
        return super().count(where=where, deleted=deleted)


class SqlShowMcRepository(SqlRepository[ShowMC]):
    """MC links: on PostgreSQL a link of a reserving show is checked by the
    database's MC guard; a refusal is reported with the colliding shows."""

    def _guarded_write(self, entity: ShowMC, write: Callable[[ShowMC], None]) -> None:
        if entity.deleted_at is not None or not self._uow.is_postgresql:
            write(entity)
            return
        shows = self._uow.shows
        assert isinstance(shows, SqlShowRepository)

        def conflicts() -> list[Conflict]:
            show = shows.find(entity.show_uid, include_deleted=True)
            if show is None:
                return []
            candidate = shows.candidate(show)
            candidate = attrs.evolve(candidate, mc_uids=candidate.mc_uids | {entity.mc_uid})
            return shows.conflicts_of([candidate])

        with self._uow.guarded(conflicts):
            write(entity)

    def add(self, entity: ShowMC) -> None:
        self._guarded_write(entity, super().add)

    def update(self, entity: ShowMC) -> None:
        self._guarded_write(entity, super().update)


class SqlShowRepository(SqlRepository[Show]):
    """Shows, with set-based booking queries and status updates."""

    # -- writes guarded by the database (room exclusion, MC guard) --------------------------------

    def add(self, entity: Show) -> None:
        if entity.show_status in RESERVING_STATUSES and entity.deleted_at is None:
            with self._uow.guarded(lambda: self.conflicts_of([self.candidate(entity, ())])):
                super().add(entity)
        else:
            super().add(entity)

    def update(self, entity: Show) -> None:
        if entity.show_status in RESERVING_STATUSES and entity.deleted_at is None:
            with self._uow.guarded(lambda: self.conflicts_of([self.candidate(entity)])):
                self._update_seen(entity)
        else:
            self._update_seen(entity)

    # -- optimistic check on PostgreSQL ---------------------------------------------------
    #
    # On PostgreSQL (READ COMMITTED) a unit of work may read a show, wait for a
    # lock while another one changes and commits that show, then write its own
    # change computed from the stale copy (two confirmations of one draft would
    # both "win"). So the updated_at of every show this unit of work read is
    # remembered, and an update of that show only applies if the row still has
    # it; otherwise ConcurrencyError (retry). SQLite needs none of this: its
    # writers hold the lock from their first read.

    def _entities(self, stmt: sa.Select[Any]) -> list[Show]:
        found = super()._entities(stmt)
        if self._uow.is_postgresql:
            seen = self._uow.seen_shows
            for show in found:
                seen[show.uid] = show.updated_at
        return found

    def _update_seen(self, entity: Show) -> None:
        seen = self._uow.seen_shows.get(entity.uid) if self._uow.is_postgresql else None
        if seen is None:
            super().update(entity)
        else:
            self._check_type(entity)
            values = self._values(entity)
            uid = values.pop("uid")
            s = t.shows
            result = self._execute(
                sa.update(s).where(s.c.uid == uid, s.c.updated_at == seen).values(values)
            )
            if not result.rowcount:
                if self._find_id(uid) is None:
                    raise NotFoundError(self._cls.__name__, uid)
                raise ConcurrencyError(
                    f"show {uid} was changed by another unit of work since it was read; retry"
                )
        if self._uow.is_postgresql:
            self._uow.seen_shows[entity.uid] = entity.updated_at

    def candidate(self, show: Show, mc_uids: Collection[str] | None = None) -> Booking:
        """The booking ``show`` would make (with its stored MCs unless given)."""
        if mc_uids is None:
            rows = self._execute(
                sa.select(t.mcs.c.uid)
                .join(t.show_mcs, t.show_mcs.c.mc_id == t.mcs.c.id)
                .join(t.shows, t.shows.c.id == t.show_mcs.c.show_id)
                .where(t.shows.c.uid == show.uid, t.show_mcs.c.deleted_at.is_(None))
            )
            mc_uids = list(rows.scalars())
        return Booking(
            show_uid=show.uid,
            studio_uid=None,
            room_uid=show.studio_room_uid,
            mc_uids=frozenset(mc_uids),
            slot=show.slot,
            status=show.show_status,
        )

    def conflicts_of(self, candidates: Sequence[Booking]) -> list[Conflict]:
        """After the database refused ``candidates``: what they collide with."""
        return overlap_conflicts(candidates, self.bookings_near(candidates, timedelta(0)))

    # -- search -------------------------------------------------------------------------

    def _query_filters(self, q: ShowQuery) -> list[sa.ColumnElement[bool]]:
        s = t.shows
        conditions: list[sa.ColumnElement[bool]] = [s.c.deleted_at.is_(None)]
        if q.studio_room_uid is not None:
            conditions.append(
                s.c.studio_room_id
                == sa.select(t.studio_rooms.c.id)
                .where(t.studio_rooms.c.uid == q.studio_room_uid)
                .scalar_subquery()
            )
        if q.studio_uid is not None:
            rooms = (
                sa.select(t.studio_rooms.c.id)
                .join(t.studios, t.studios.c.id == t.studio_rooms.c.studio_id)
                .where(t.studios.c.uid == q.studio_uid)
            )
            conditions.append(s.c.studio_room_id.in_(rooms))
        if q.client_uid is not None:
            conditions.append(
                s.c.client_id
                == sa.select(t.clients.c.id)
                .where(t.clients.c.uid == q.client_uid)
                .scalar_subquery()
            )
        if q.schedule_uid is not None:
            conditions.append(
                s.c.schedule_id
                == sa.select(t.schedules.c.id)
                .where(t.schedules.c.uid == q.schedule_uid)
                .scalar_subquery()
            )
        if q.status is not None:
            conditions.append(s.c.show_status_id == t.SHOW_STATUS_IDS[q.status])
        if q.start_from is not None:
            conditions.append(s.c.show_start >= q.start_from)
        if q.start_to is not None:
            conditions.append(s.c.show_start < q.start_to)
        return conditions

    def search(self, query: ShowQuery, *, limit: int | None = None, offset: int = 0) -> list[Show]:
        stmt = (
            self._map.select.where(*self._query_filters(query))
            .order_by(t.shows.c.show_start, t.shows.c.uid)
            .limit(limit)
            .offset(offset or None)
        )
        return self._entities(stmt)

    def search_count(self, query: ShowQuery) -> int:
        stmt = sa.select(sa.func.count()).select_from(t.shows).where(*self._query_filters(query))
        return int(self._execute(stmt).scalar_one())

    # -- bookings -----------------------------------------------------------------------

    def _booking_rows(self, conditions: Sequence[sa.ColumnElement[bool]]) -> list[Booking]:
        bookings = [b for _, b in self._booking_pairs(conditions)]
        bookings.sort(key=_booking_order)
        return bookings

    def _booking_pairs(
        self, conditions: Sequence[sa.ColumnElement[bool]]
    ) -> list[tuple[int, Booking]]:
        """``(show id, booking)`` of the shows matching ``conditions``, unordered."""
        s, r, st = t.shows, t.studio_rooms, t.studios
        columns: list[sa.ColumnElement[Any]] = [
            s.c.id,
            s.c.uid,
            r.c.uid.label("room_uid"),
            st.c.uid.label("studio_uid"),
            self._uow.raw_time(s.c.show_start),
            self._uow.raw_time(s.c.show_end),
            s.c.show_status_id,
        ]
        postgres = self._uow.is_postgresql
        if postgres:  # the MCs in the same round trip: one indexed subquery per show
            sm, m = t.show_mcs, t.mcs
            columns.append(
                # as one string: decoding a text[] per row costs 4x more (uids have no spaces)
                sa.select(sa.func.string_agg(m.c.uid, sa.literal_column("' '")))
                .select_from(sm.join(m, m.c.id == sm.c.mc_id))
                .where(sm.c.show_id == s.c.id, sm.c.deleted_at.is_(None))
                .scalar_subquery()
                .label("mc_uids")
            )
        stmt = (
            sa.select(*columns)
            .select_from(
                s.outerjoin(r, r.c.id == s.c.studio_room_id).outerjoin(st, st.c.id == r.c.studio_id)
            )
            .where(*conditions)
        )
        rows = cast(list[_Row], self._execute(stmt).all())
        mcs: dict[int, list[str]] = {} if postgres else self._mc_uids([row[0] for row in rows])
        names = t.SHOW_STATUS_NAMES
        pairs: list[tuple[int, Booking]] = []
        add = pairs.append
        for show_id, uid, room_uid, studio_uid, start, end, status_id, *rest in rows:
            if postgres:
                mc_uids = frozenset(rest[0].split()) if rest[0] else frozenset()
            else:
                mc_uids = frozenset(mcs.get(show_id, ()))
            booking = Booking(
                show_uid=uid,
                studio_uid=studio_uid,
                room_uid=room_uid,
                mc_uids=mc_uids,
                slot=TimeSlot(start, end),
                status=names[status_id],
            )
            add((show_id, booking))
        return pairs

    def _mc_uids(self, show_ids: Sequence[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        if not show_ids:
            return found
        sm, m = t.show_mcs, t.mcs
        for part in self._uow.id_chunks(show_ids):
            stmt = (
                sa.select(sm.c.show_id, m.c.uid)
                .join(m, m.c.id == sm.c.mc_id)
                .where(sm.c.deleted_at.is_(None), self._uow.in_ids(sm.c.show_id, part))
            )
            for row in self._execute(stmt).all():
                found.setdefault(row.show_id, []).append(row.uid)
        return found

    def bookings(
        self,
        *,
        studio_uid: str | None = None,
        window: TimeSlot | None = None,
        show_uids: Collection[str] | None = None,
        reserving_only: bool = True,
        schedule_uid: str | None = None,
        status: ShowStatus | None = None,
    ) -> list[Booking]:
        s = t.shows
        conditions: list[sa.ColumnElement[bool]] = [s.c.deleted_at.is_(None)]
        if reserving_only:
            conditions.append(t.reserving(s))
        if status is not None:
            conditions.append(s.c.show_status_id == t.SHOW_STATUS_IDS[status])
        if schedule_uid is not None:
            schedule = sa.select(t.schedules.c.id).where(t.schedules.c.uid == schedule_uid)
            conditions.append(s.c.schedule_id == schedule.scalar_subquery())
        if studio_uid is not None:
            rooms = (
                sa.select(t.studio_rooms.c.id)
                .join(t.studios, t.studios.c.id == t.studio_rooms.c.studio_id)
                .where(t.studios.c.uid == studio_uid)
            )
            conditions.append(s.c.studio_room_id.in_(rooms))
        if window is not None:
            conditions.append(self._overlaps(s, window.start, window.end, reserving_only))
        if show_uids is None:
            return self._booking_rows(conditions)
        found: list[Booking] = []
        for part in self._uow.uid_chunks(sorted(set(show_uids))):
            found.extend(self._booking_rows([*conditions, self._uow.in_uids(s.c.uid, part)]))
        found.sort(key=lambda b: (b.slot.start, b.show_uid))
        return found

    def _overlaps(
        self, s: sa.FromClause, start: datetime, end: datetime, indexed: bool
    ) -> sa.ColumnElement[bool]:
        """``[show_start, show_end)`` overlaps ``[start, end)``; on PostgreSQL, for
        reserving shows, in the form the exclusion constraint's GiST index serves."""
        plain = sa.and_(s.c.show_start < end, s.c.show_end > start)
        if indexed and self._uow.is_postgresql:
            assert s is t.shows  # the generated range column lives there (PostgreSQL)
            rng: sa.ColumnElement[Any] = sa.literal_column(f"shows.{t.TIME_RANGE}")
            window = sa.func.tstzrange(
                sa.cast(sa.literal(start), postgresql.TIMESTAMP(timezone=True)),
                sa.cast(sa.literal(end), postgresql.TIMESTAMP(timezone=True)),
                sa.literal_column("'[)'"),
            )
            return rng.bool_op("&&")(window)
        return plain

    def resources_of(self, schedule_uid: str, status: ShowStatus) -> list[ShowResources]:
        # One row per (show, live link), grouped here: joining the links (and the
        # few MCs by hash) costs about 25 ms less per 10k shows than aggregating
        # each show's MC uids in a correlated subquery.
        s, r, sm, m = t.shows, t.studio_rooms, t.show_mcs, t.mcs
        schedule = sa.select(t.schedules.c.id).where(t.schedules.c.uid == schedule_uid)
        stmt = (
            sa.select(s.c.uid, r.c.uid, m.c.uid, s.c.id)
            .select_from(
                s.outerjoin(r, r.c.id == s.c.studio_room_id)
                .outerjoin(sm, sa.and_(sm.c.show_id == s.c.id, sm.c.deleted_at.is_(None)))
                .outerjoin(m, m.c.id == sm.c.mc_id)
            )
            .where(
                s.c.schedule_id == schedule.scalar_subquery(),
                s.c.show_status_id == t.SHOW_STATUS_IDS[status],
                s.c.deleted_at.is_(None),
            )
            .order_by(s.c.show_start, s.c.uid)  # a show's rows are adjacent
        )
        # Built with as few lasting objects as possible: 10k drafts allocate 10k
        # ShowResources and little else, so a promotion seldom sets off a full
        # collection of the garbage collector (about 50 ms in a small process).
        shows: list[ShowResources] = []
        ids: dict[str, int] = {}
        hosts: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}  # one tuple per MC set
        last: str | None = None
        room: str | None = None
        mcs: list[str] = []
        # fetched a thousand rows at a time: plain iteration fetches row by row
        rows = chain.from_iterable(self._execute(stmt).partitions(1000))
        for show_uid, room_uid, mc_uid, show_id in cast(Iterable[_Row], rows):
            if show_uid != last:
                if last is not None:
                    key = tuple(sorted(mcs))
                    shows.append(ShowResources(last, room, hosts.setdefault(key, key)))
                last, room, mcs = show_uid, room_uid, []
                ids[show_uid] = show_id
            if mc_uid is not None:
                mcs.append(mc_uid)
        if last is not None:
            key = tuple(sorted(mcs))
            shows.append(ShowResources(last, room, hosts.setdefault(key, key)))
        # a promotion updates these shows next: by id, not by uid (set_status)
        self._uow.remember_ids(s, ids)
        return shows

    _CROWDED_SQL = sa.text(
        f"""
        WITH d AS (
            SELECT s.id, s.studio_room_id, s.show_start, s.show_end FROM shows s
             WHERE s.schedule_id = (SELECT id FROM schedules WHERE uid = :schedule)
               AND s.show_status_id = :status AND s.deleted_at IS NULL
        ), dl AS (
            SELECT sm.mc_id, d.id, d.show_start, d.show_end
              FROM d JOIN show_mcs sm ON sm.show_id = d.id AND sm.deleted_at IS NULL
        ), lanes AS (  -- kind 0: a room, 1: an MC (integers sort faster than text)
            SELECT 0 AS kind, studio_room_id AS rid,
                   min(show_start) - CAST(:margin AS interval) AS lo,
                   max(show_end) + CAST(:margin AS interval) AS hi
              FROM d WHERE studio_room_id IS NOT NULL GROUP BY studio_room_id
            UNION ALL
            SELECT 1, mc_id, min(show_start) - CAST(:margin AS interval),
                   max(show_end) + CAST(:margin AS interval)
              FROM dl GROUP BY mc_id
        ), lane_rows AS (
            SELECT 0 AS kind, studio_room_id AS rid, id, show_start AS st, show_end AS en,
                   true AS draft
              FROM d WHERE studio_room_id IS NOT NULL
            UNION ALL
            SELECT 1, mc_id, id, show_start, show_end, true FROM dl
            UNION ALL
            SELECT l.kind, l.rid, x.id, x.show_start, x.show_end, false
              FROM lanes l CROSS JOIN LATERAL (
                SELECT s.id, s.show_start, s.show_end FROM shows s
                 WHERE l.kind = 0 AND s.studio_room_id = l.rid
                   AND s.time_range && tstzrange(l.lo, l.hi, '[)')
                   AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
                UNION ALL
                SELECT sm.show_id, sm.show_start, sm.show_end FROM show_mcs sm
                  JOIN shows s ON s.id = sm.show_id
                 WHERE l.kind = 1 AND sm.mc_id = l.rid AND sm.deleted_at IS NULL
                   AND tstzrange(sm.show_start, sm.show_end, '[)') && tstzrange(l.lo, l.hi, '[)')
                   AND sm.show_id NOT IN (SELECT id FROM d)  -- the candidates' own links
                   AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
                OFFSET 0
              ) x
        ), crowding AS (
            -- every crowded pair involving a candidate, seen from its later
            -- member: one sort; the full sweep below runs only if this finds one
            SELECT 1 FROM (
                SELECT draft, st,
                       max(en) OVER back AS before_any,
                       max(en) FILTER (WHERE draft) OVER back AS before_draft
                  FROM lane_rows
                WINDOW back AS (PARTITION BY kind, rid ORDER BY st, id
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            ) b
             WHERE CASE WHEN draft THEN before_any ELSE before_draft END
                   + CAST(:margin AS interval) > st
             LIMIT 1
        ), swept AS (
            SELECT id, draft, st, en,
                   max(en) OVER back AS before_any,
                   max(en) FILTER (WHERE draft) OVER back AS before_draft,
                   min(st) OVER ahead AS after_any,
                   min(st) FILTER (WHERE draft) OVER ahead AS after_draft
              FROM lane_rows
            WINDOW back AS (PARTITION BY kind, rid ORDER BY st, id
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                   ahead AS (PARTITION BY kind, rid ORDER BY st DESC, id DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        )
        SELECT DISTINCT id, draft FROM swept
         WHERE EXISTS (SELECT 1 FROM crowding)
           AND CASE WHEN draft
                    THEN before_any + CAST(:margin AS interval) > st
                         OR after_any < en + CAST(:margin AS interval)
                    ELSE before_draft + CAST(:margin AS interval) > st
                         OR after_draft < en + CAST(:margin AS interval) END
        """
    )

    def crowded(
        self, schedule_uid: str, status: ShowStatus, margin: timedelta
    ) -> tuple[list[Booking], list[Booking]]:
        if not self._uow.is_postgresql:  # SQLite: in Python, as the in-memory adapter
            everyone = self.bookings(schedule_uid=schedule_uid, status=status, reserving_only=False)
            return near_bookings(everyone, self.bookings_near(everyone, margin), margin)
        params = {
            "schedule": schedule_uid,
            "status": t.SHOW_STATUS_IDS[status],
            "margin": margin,
        }
        rows = cast(list[_Row], self._execute(self._CROWDED_SQL, params).all())
        if not rows:
            return [], []
        ids = sorted({show_id for show_id, _ in rows})
        mine = {show_id for show_id, draft in rows if draft}
        candidates: list[Booking] = []
        existing: list[Booking] = []
        for show_id, booking in self._booking_pairs([self._uow.in_ids(t.shows.c.id, ids)]):
            (candidates if show_id in mine else existing).append(booking)
        candidates.sort(key=_booking_order)
        existing.sort(key=_booking_order)
        return candidates, existing

    _STUDIO_OCCUPANCY_SQL = sa.text(
        """
        SELECT st.room_changeover_severity, r.uid, r.name, r.changeover_minutes,
               b.show_start, b.show_end
          FROM studios st
          LEFT JOIN studio_rooms r ON r.studio_id = st.id AND r.deleted_at IS NULL
          LEFT JOIN LATERAL (
            -- shows starting at most a day before the widened window: an
            -- index-only range scan of ix_shows_studio_room_id_show_start ...
            SELECT s.show_start, s.show_end FROM shows s
             WHERE s.studio_room_id = r.id
               AND s.show_start >= CAST(:lo AS timestamptz)
                   - make_interval(mins => r.changeover_minutes) - interval '{long_show}'
               AND s.show_start < CAST(:hi AS timestamptz)
                   + make_interval(mins => r.changeover_minutes)
               AND s.show_end > CAST(:lo AS timestamptz)
                   - make_interval(mins => r.changeover_minutes)
               AND s.show_status_id IN ({reserving}) AND s.deleted_at IS NULL
            UNION ALL
            -- ... and longer shows starting before that: ix_shows_long (GiST)
            SELECT lower(s.time_range), upper(s.time_range) FROM shows s
             WHERE s.studio_room_id = r.id
               AND s.show_end - s.show_start > interval '{long_show}'
               AND s.show_start < CAST(:lo AS timestamptz)
                   - make_interval(mins => r.changeover_minutes) - interval '{long_show}'
               AND s.time_range && tstzrange(
                   CAST(:lo AS timestamptz) - make_interval(mins => r.changeover_minutes),
                   CAST(:hi AS timestamptz) + make_interval(mins => r.changeover_minutes), '[)')
               AND s.show_status_id IN ({reserving}) AND s.deleted_at IS NULL
          ) b ON true
         WHERE st.uid = :uid AND st.deleted_at IS NULL
        """.format(
            reserving=t.RESERVING_IDS_SQL,
            long_show=f"{t.LONG_SHOW.days} day",
        )
    ).columns(
        sa.column("room_changeover_severity", sa.String()),
        sa.column("uid", sa.String()),
        sa.column("name", sa.String()),
        sa.column("changeover_minutes", sa.Integer()),
        sa.column("show_start", DRIVER_TIMESTAMPTZ),  # sessions run in UTC: no conversion
        sa.column("show_end", DRIVER_TIMESTAMPTZ),
    )

    def studio_occupancy(self, studio_uid: str, window: TimeSlot) -> StudioOccupancy:
        if self._uow.is_postgresql:
            rows = self._studio_occupancy_postgresql(studio_uid, window)
        else:
            rows = self._studio_occupancy_generic(studio_uid, window)
        if not rows:
            raise NotFoundError("Studio", studio_uid)
        rooms: dict[str, RoomSummary] = {}
        occupied: list[Reservation] = []
        for _, room_uid, name, changeover, start, end in rows:
            if room_uid is None:
                continue  # a studio without rooms
            if room_uid not in rooms:
                rooms[room_uid] = RoomSummary(room_uid, name, changeover)
            if start is None:
                continue  # a room with nothing around the window
            # aware UTC from the driver (sessions run in UTC; a CHECK keeps
            # start < end): normalized only if a session overrides the zone
            if start.tzinfo is UTC and end.tzinfo is UTC:
                occupied.append(Reservation(room_uid, start, end))
            else:
                occupied.append(Reservation(room_uid, start.astimezone(UTC), end.astimezone(UTC)))
        occupied.sort()
        return StudioOccupancy(
            studio_uid=studio_uid,
            room_changeover_severity=Severity(rows[0][0]),
            rooms=tuple(sorted(rooms.values(), key=_room_order)),
            occupied=tuple(occupied),
        )

    def _studio_occupancy_postgresql(self, studio_uid: str, window: TimeSlot) -> list[_Row]:
        """One statement (the studio, its rooms and, per room, an index-only range
        scan of ``ix_shows_studio_room_id_show_start``, plus the long shows from
        ``ix_shows_long``); times read without conversion."""
        params = {"uid": studio_uid, "lo": window.start, "hi": window.end}
        return cast(list[_Row], self._execute(self._STUDIO_OCCUPANCY_SQL, params).all())

    def _studio_occupancy_generic(self, studio_uid: str, window: TimeSlot) -> list[_Row]:
        """SQLite (in-process, so two statements cost little): the studio and its
        rooms, then the shows of those rooms around the window widened by the
        largest changeover, kept per room within its own changeover."""
        s, r, st = t.shows, t.studio_rooms, t.studios
        head = self._execute(
            sa.select(
                st.c.room_changeover_severity, r.c.uid, r.c.name, r.c.changeover_minutes, r.c.id
            )
            .select_from(
                st.outerjoin(r, sa.and_(r.c.studio_id == st.c.id, r.c.deleted_at.is_(None)))
            )
            .where(st.c.uid == studio_uid, st.c.deleted_at.is_(None))
        ).all()
        if not head:
            return []
        by_id = {row.id: row for row in head if row.uid is not None}
        widest = timedelta(
            minutes=max((row.changeover_minutes for row in by_id.values()), default=0)
        )
        out: list[_Row] = [(*row[:4], None, None) for row in head]
        if not by_id:
            return out
        stmt = sa.select(s.c.studio_room_id, s.c.show_start, s.c.show_end).where(
            s.c.studio_room_id.in_(list(by_id)),
            t.reserving(s),
            s.c.show_start < window.end + widest,
            s.c.show_end > window.start - widest,
        )
        for room_id, start, end in cast(list[_Row], self._execute(stmt).all()):
            room = by_id[room_id]
            margin = timedelta(minutes=room.changeover_minutes)
            if start < window.end + margin and end > window.start - margin:
                out.append((*room[:4], start, end))
        return out

    def bookings_near(self, candidates: Sequence[Booking], margin: timedelta) -> list[Booking]:
        if not candidates:
            return []
        exclude = {c.show_uid for c in candidates}
        if self._uow.is_postgresql:
            ids = self._near_ids_postgresql(candidates, margin)
        else:
            ids = self._near_ids_generic(candidates, margin)
        found: list[Booking] = []
        for part in self._uow.id_chunks(sorted(ids)):
            found.extend(self._booking_rows([self._uow.in_ids(t.shows.c.id, part)]))
        found = [b for b in found if b.show_uid not in exclude]
        found.sort(key=lambda b: (b.slot.start, b.show_uid))
        return found

    _NEAR_SQL = sa.text(
        f"""
        WITH cr AS (
            SELECT * FROM unnest(CAST(:room_uids AS text[]), CAST(:room_lo AS timestamptz[]),
                                 CAST(:room_hi AS timestamptz[])) AS cr(uid, lo, hi)
        ), cm AS (
            SELECT * FROM unnest(CAST(:mc_uids AS text[]), CAST(:mc_lo AS timestamptz[]),
                                 CAST(:mc_hi AS timestamptz[])) AS cm(uid, lo, hi)
        )
        SELECT hit.id, cr.uid, hit.show_start, hit.show_end FROM cr
          JOIN studio_rooms r ON r.uid = cr.uid
          CROSS JOIN LATERAL (
            SELECT s.id, s.show_start, s.show_end FROM shows s
             WHERE s.studio_room_id = r.id
               AND s.time_range && tstzrange(cr.lo, cr.hi, '[)')
               AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
            OFFSET 0
          ) hit
        UNION ALL
        SELECT hit.show_id, cm.uid, hit.show_start, hit.show_end FROM cm
          JOIN mcs m ON m.uid = cm.uid
          CROSS JOIN LATERAL (
            SELECT sm.show_id, sm.show_start, sm.show_end FROM show_mcs sm
              JOIN shows s ON s.id = sm.show_id
             WHERE sm.mc_id = m.id
               AND tstzrange(sm.show_start, sm.show_end, '[)') && tstzrange(cm.lo, cm.hi, '[)')
               AND sm.deleted_at IS NULL
               AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
            OFFSET 0
          ) hit
        """
    )

    def _near_ids_postgresql(self, candidates: Sequence[Booking], margin: timedelta) -> set[int]:
        """One statement: a UNION ALL (not an OR, which makes the planner scan) of
        a room branch and an MC branch. Each probe window (see
        :class:`_Windows`) looks up a GiST index (the room exclusion
        constraint's on ``shows``, ``ix_show_mcs_mc_range`` on the MC links) through a LATERAL subquery fenced
        with ``OFFSET 0`` (else the planner flattens it into a hash join that
        filters every pair). Windows travel as arrays; hits are then filtered
        exactly against the candidates' windows."""
        windows = _Windows(candidates, margin)
        params: dict[str, list[Any]] = {
            f"{kind}_{part}": [] for kind in ("room", "mc") for part in ("uids", "lo", "hi")
        }
        for resource, lo, hi in windows.probes():
            kind = "mc" if resource in windows.mcs else "room"
            params[f"{kind}_uids"].append(resource)
            params[f"{kind}_lo"].append(lo)
            params[f"{kind}_hi"].append(hi)
        rows = cast(
            Iterable[tuple[int, str, datetime, datetime]], self._execute(self._NEAR_SQL, params)
        )
        return {show_id for show_id, key, start, end in rows if windows.hit(key, start, end)}

    def _near_ids_generic(self, candidates: Sequence[Booking], margin: timedelta) -> set[int]:
        """SQLite: two small indexed queries per probe window (in-process, so cheap)."""
        s, r, sm, m = t.shows, t.studio_rooms, t.show_mcs, t.mcs
        windows = _Windows(candidates, margin)
        ids: set[int] = set()
        for resource, lo, hi in windows.probes():
            overlap = [t.reserving(s), s.c.show_start < hi, s.c.show_end > lo]
            if resource in windows.mcs:
                stmt = (
                    sa.select(s.c.id, s.c.show_start, s.c.show_end)
                    .join(sm, sm.c.show_id == s.c.id)
                    .join(m, m.c.id == sm.c.mc_id)
                    .where(m.c.uid == resource, sm.c.deleted_at.is_(None), *overlap)
                )
            else:
                stmt = (
                    sa.select(s.c.id, s.c.show_start, s.c.show_end)
                    .join(r, r.c.id == s.c.studio_room_id)
                    .where(r.c.uid == resource, *overlap)
                )
            ids.update(
                row.id
                for row in self._execute(stmt).all()
                if windows.hit(resource, row.show_start, row.show_end)
            )
        return ids

    # -- status -------------------------------------------------------------------------

    def set_status(
        self, uids: Collection[str], status: ShowStatus, *, expected: ShowStatus, at: datetime
    ) -> int:
        wanted = sorted(set(uids))
        if not wanted:
            return 0
        s = t.shows
        changed = 0

        # By id when this unit of work has read them all (resources_of): no uid
        # index probe per show, and on PostgreSQL ``id = ANY(sorted ids)`` walks
        # the primary key in order, so rows are rewritten (and their new index
        # entries inserted) in the order they were created; the hash semi-join
        # of ``IN (SELECT unnest(...))`` visits them in hash order, which made
        # the UPDATE of 10k drafts about 120 ms slower.
        ids = self._uow.known_ids(s, wanted)
        parts: Iterable[sa.ColumnElement[bool]]
        if ids is None:
            parts = (self._uow.in_uids(s.c.uid, part) for part in self._uow.uid_chunks(wanted))
        elif self._uow.is_postgresql:
            ordered = sa.bindparam(None, sorted(ids), type_=postgresql.ARRAY(sa.Integer()))
            parts = [s.c.id == sa.any_(ordered)]
        else:
            parts = (self._uow.in_ids(s.c.id, part) for part in self._uow.id_chunks(sorted(ids)))

        def run() -> None:
            nonlocal changed
            for which in parts:
                stmt = (
                    sa.update(s)
                    .where(
                        which,
                        s.c.deleted_at.is_(None),
                        s.c.show_status_id == t.SHOW_STATUS_IDS[expected],
                    )
                    .values(show_status_id=t.SHOW_STATUS_IDS[status], updated_at=at)
                )
                changed += self._execute(stmt).rowcount

        if status in RESERVING_STATUSES:
            with self._uow.guarded(lambda: self._promotion_conflicts(wanted, expected, status)):
                run()
        else:
            run()
        for uid in wanted:
            self._uow.seen_shows.pop(uid, None)
        return changed

    def _promotion_conflicts(
        self, uids: Sequence[str], expected: ShowStatus, status: ShowStatus
    ) -> list[Conflict]:
        """Why a set-based status change to ``status`` was refused."""
        candidates = [
            attrs.evolve(b, status=status)
            for b in self.bookings(show_uids=uids, reserving_only=False)
            if b.status is expected
        ]
        return self.conflicts_of(candidates)


class SqlBookings:
    """The booking read models (:class:`studiocore.ports.BookingReadModel`)."""

    def __init__(self, shows: SqlShowRepository) -> None:
        self._shows = shows

    def search(
        self,
        *,
        studio_uid: str | None = None,
        window: TimeSlot | None = None,
        show_uids: Collection[str] | None = None,
        reserving_only: bool = True,
        schedule_uid: str | None = None,
        status: ShowStatus | None = None,
    ) -> list[Booking]:
        return self._shows.bookings(
            studio_uid=studio_uid,
            window=window,
            show_uids=show_uids,
            reserving_only=reserving_only,
            schedule_uid=schedule_uid,
            status=status,
        )

    def near(self, candidates: Sequence[Booking], margin: timedelta) -> list[Booking]:
        return self._shows.bookings_near(candidates, margin)

    def resources_of(self, schedule_uid: str, status: ShowStatus) -> list[ShowResources]:
        return self._shows.resources_of(schedule_uid, status)

    def crowded(
        self, schedule_uid: str, status: ShowStatus, margin: timedelta
    ) -> tuple[list[Booking], list[Booking]]:
        return self._shows.crowded(schedule_uid, status, margin)

    def studio_occupancy(self, studio_uid: str, window: TimeSlot) -> StudioOccupancy:
        return self._shows.studio_occupancy(studio_uid, window)
