"""The in-memory adapter: the embedded default for notebooks and fast tests.

It honours the same contract as the SQL adapter (``tests/contract`` runs against
both): reads return copies, writes are visible to others only after commit, an
exception rolls back, soft-deleted rows are hidden unless asked for.

Concurrency model: a unit of work holds the database's lock from ``__enter__``
to ``__exit__`` (like SQLite's ``BEGIN IMMEDIATE``), so units of work are
serialized and a conflict check followed by a write cannot race. Writes go
straight to the tables with an undo log; rollback replays it backwards.
"""

from __future__ import annotations

import copy
import threading
import types
import typing
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Generic, Self, TypeVar, cast

import attrs

from studiocore.access.scope import scope_of
from studiocore.adapters.memory_bookings import MemoryBookings
from studiocore.adapters.memory_query import deleted_ok, matcher, sort_key
from studiocore.entities import (
    LOOKUP_ENTRY_TYPES,
    Audit,
    Entity,
    LookupEntry,
    Show,
    ShowMC,
    StudioRoom,
    WebhookDelivery,
)
from studiocore.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from studiocore.ids import new_uid, new_uids
from studiocore.lookups import LOOKUP_SEEDS, DeliveryStatus, ShowStatus
from studiocore.permissions import Visibility
from studiocore.ports import (
    APPEND_ONLY,
    REPOSITORY_NAMES,
    AuditLog,
    BookingReadModel,
    Deleted,
    ReadOnlyError,
    Repository,
    ShowQuery,
    ShowRepository,
    UnitOfWork,
    WebhookOutbox,
    Where,
    sort_keys,
)
from studiocore.timeslot import utc_now

__all__ = ["InMemoryDatabase", "InMemoryUnitOfWork"]

E = TypeVar("E", bound=Entity)


def _dict_fields(cls: type[Entity]) -> tuple[str, ...]:
    """The JSON (dict) fields of ``cls``, from its resolved type hints: an
    annotation is text or a type depending on whether anything has called
    ``attrs.resolve_types`` on the class yet."""
    hints = typing.get_type_hints(cls)

    def is_dict(hint: object) -> bool:
        if typing.get_origin(hint) in {typing.Union, types.UnionType}:
            return any(is_dict(arg) for arg in typing.get_args(hint))
        return hint is dict or typing.get_origin(hint) is dict

    return tuple(a.name for a in attrs.fields(cls) if is_dict(hints[a.name]))


_DICT_FIELDS: dict[type[Entity], tuple[str, ...]] = {}


def _copy(entity: E) -> E:
    """A copy whose JSON fields are independent of the stored object."""
    cls = type(entity)
    names = _DICT_FIELDS.get(cls)
    if names is None:
        names = _DICT_FIELDS[cls] = _dict_fields(cls)
    if not any(getattr(entity, n) for n in names):
        return entity  # frozen and nothing mutable inside: sharing is safe
    clone = copy.copy(entity)
    for name in names:
        value = getattr(entity, name)
        if value:
            object.__setattr__(clone, name, copy.deepcopy(value))
    return clone


class InMemoryDatabase:
    """All tables in dictionaries, shared by the units of work it makes.

    >>> db = InMemoryDatabase()
    >>> with db.unit_of_work() as uow:
    ...     uow.show_types.count()
    3
    """

    def __init__(self, *, seed_lookups: bool = True) -> None:
        self.lock = threading.RLock()
        self.tables: dict[str, dict[str, Entity]] = {name: {} for name in REPOSITORY_NAMES.values()}
        self.shows_by_room: defaultdict[str, set[str]] = defaultdict(set)
        self.show_mcs_by_show: defaultdict[str, set[str]] = defaultdict(set)
        self.show_mcs_by_mc: defaultdict[str, set[str]] = defaultdict(set)
        if seed_lookups:
            self._seed()

    def _seed(self) -> None:
        now = utc_now()
        for table, names in LOOKUP_SEEDS.items():
            cls = LOOKUP_ENTRY_TYPES[table]
            rows = self.tables[REPOSITORY_NAMES[cls]]
            for name in names:
                entry = cls(uid=new_uid(cls.PREFIX), name=name, created_at=now, updated_at=now)
                rows[entry.uid] = entry

    def unit_of_work(self) -> InMemoryUnitOfWork:
        """A new unit of work over this database."""
        return InMemoryUnitOfWork(self)

    __call__ = unit_of_work

    def reader(self) -> InMemoryUnitOfWork:
        """A new read-only unit of work (writes raise :class:`ReadOnlyError`)."""
        return InMemoryUnitOfWork(self, read_only=True)

    def room_studios(self) -> dict[str, str]:
        """The studio uid of every room, by room uid. Internal: read models use it."""
        rooms = cast(dict[str, StudioRoom], self.tables["studio_rooms"])
        return {uid: room.studio_uid for uid, room in rooms.items()}

    def put(self, table: str, uid: str, entity: Entity | None) -> Entity | None:
        """Store (or remove, with ``None``) a row, keeping the indexes in step.
        Returns the previous row. Internal: units of work call it."""
        rows = self.tables[table]
        old = rows.get(uid)
        if entity is None:
            rows.pop(uid, None)
        else:
            rows[uid] = entity
        if table == "shows":
            if isinstance(old, Show) and old.studio_room_uid:
                self.shows_by_room[old.studio_room_uid].discard(uid)
            if isinstance(entity, Show) and entity.studio_room_uid:
                self.shows_by_room[entity.studio_room_uid].add(uid)
        elif table == "show_mcs":
            if isinstance(old, ShowMC):
                self.show_mcs_by_show[old.show_uid].discard(uid)
                self.show_mcs_by_mc[old.mc_uid].discard(uid)
            if isinstance(entity, ShowMC):
                self.show_mcs_by_show[entity.show_uid].add(uid)
                self.show_mcs_by_mc[entity.mc_uid].add(uid)
        return old


class _MemoryRepository(Generic[E]):
    def __init__(self, uow: InMemoryUnitOfWork, cls: type[E]) -> None:
        self._uow = uow
        self._cls = cls
        self._table = REPOSITORY_NAMES[cls]

    @property
    def _rows(self) -> dict[str, E]:
        self._uow.require_active()
        return cast(dict[str, E], self._uow.db.tables[self._table])

    def _check_type(self, entity: E) -> None:
        if type(entity) is not self._cls:
            raise TypeError(f"expected {self._cls.__name__}, got {type(entity).__name__}")

    def add(self, entity: E) -> None:
        self._check_type(entity)
        if entity.uid in self._rows:
            raise ConflictError(f"{self._cls.__name__} {entity.uid!r} already exists")
        self._check_references(entity)
        self._uow.write(self._table, entity.uid, _copy_stored(entity))

    def add_many(self, entities: Sequence[E]) -> None:
        for entity in entities:
            self.add(entity)

    def purge(self, *, where: Where) -> int:
        self._uow.require_writable(self._table)
        gone = {e.uid for e in self._select(where, Deleted.INCLUDE)}
        for table, rows in self._uow.db.tables.items():  # what a foreign key refuses
            for row in rows.values():
                for name, target in row.REFERENCES.items():
                    if target == self._table and getattr(row, name) in gone:
                        raise ConflictError(
                            f"{self._cls.__name__} {getattr(row, name)} is referenced by "
                            f"{table} {row.uid} ({name}): it cannot be removed"
                        )
        for uid in sorted(gone):
            self._uow.write(self._table, uid, None)
        return len(gone)

    def update(self, entity: E) -> None:
        self._check_type(entity)
        if entity.uid not in self._rows:
            raise NotFoundError(self._cls.__name__, entity.uid)
        self._check_references(entity)
        self._uow.write(self._table, entity.uid, _copy_stored(entity))

    def _check_references(self, entity: E) -> None:
        """Refuse what a foreign key refuses on SQL: a uid naming no row (deleted
        rows count) and an unknown lookup name."""
        tables = self._uow.db.tables
        for field, table in entity.REFERENCES.items():
            uid = getattr(entity, field)
            if uid is not None and uid not in tables[_SLOT_OF_TABLE[table]]:
                raise ValidationError(field, f"{table} {uid!r} does not exist")
        for field, lookup in entity.LOOKUPS.items():
            name = getattr(entity, field)
            slot = REPOSITORY_NAMES[LOOKUP_ENTRY_TYPES[lookup]]
            rows = cast(Iterable[LookupEntry], tables[slot].values())
            if all(row.name != name for row in rows):
                raise ValidationError(field, f"unknown {lookup.value} value {name!r}")

    def find(self, uid: str, *, include_deleted: bool = False) -> E | None:
        entity = self._rows.get(uid)
        if entity is None or (entity.deleted_at is not None and not include_deleted):
            return None
        return _copy(entity)

    def get(self, uid: str, *, include_deleted: bool = False) -> E:
        entity = self.find(uid, include_deleted=include_deleted)
        if entity is None:
            raise NotFoundError(self._cls.__name__, uid)
        return entity

    def get_many(self, uids: Collection[str]) -> dict[str, E]:
        rows = self._rows
        found: dict[str, E] = {}
        for uid in uids:
            entity = rows.get(uid)
            if entity is not None and entity.deleted_at is None:
                found[uid] = _copy(entity)
        return found

    def _select(
        self, where: Where | None, deleted: Deleted, visible: Visibility | None = None
    ) -> list[E]:
        match = matcher(self._cls, where)
        rows = [e for e in self._rows.values() if deleted_ok(e, deleted) and match(e)]
        return rows if visible is None else _visible(self._uow, rows, visible)

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
        rows = sorted(self._select(where, deleted, visible), key=lambda e: e.uid)
        for name, descending in reversed(sort_keys(self._cls, order_by)):  # stable sorts
            rows.sort(key=sort_key(name), reverse=descending)
        end = None if limit is None else offset + limit
        return [_copy(e) for e in rows[offset:end]]

    def count(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        visible: Visibility | None = None,
    ) -> int:
        return len(self._select(where, deleted, visible))


def _visible(uow: UnitOfWork, rows: list[E], visible: Visibility) -> list[E]:
    """The rows whose scope the visibility meets (the policy's own reading of
    scope, so a list shows exactly what a single read allows)."""
    return [e for e in rows if visible.shows(e.uid, scope_of(uow, e))]


def _copy_stored(entity: E) -> E:
    return _copy(entity)


_SLOT_OF_TABLE = {cls.TABLE: slot for cls, slot in REPOSITORY_NAMES.items()}


class _MemoryAuditLog(_MemoryRepository[Audit]):
    def update(self, entity: Audit) -> None:
        raise PermissionDeniedError(APPEND_ONLY, action="write", resource="audits")

    def purge(self, *, where: Where) -> int:
        raise PermissionDeniedError(APPEND_ONLY, action="write", resource="audits")

    def add_copies(self, entry: Audit, recordable_uids: Sequence[str]) -> None:
        uids = new_uids(Audit.PREFIX, len(recordable_uids))
        self.add_many(
            [
                attrs.evolve(entry, uid=uid, recordable_uid=record)
                for uid, record in zip(uids, recordable_uids, strict=True)
            ]
        )


class _MemoryShowRepository(_MemoryRepository[Show]):
    def _matches(self, show: Show, q: ShowQuery, room_studio: dict[str, str]) -> bool:
        if show.deleted_at is not None:
            return False
        if q.studio_room_uid is not None and show.studio_room_uid != q.studio_room_uid:
            return False
        if q.studio_uid is not None and (
            show.studio_room_uid is None or room_studio.get(show.studio_room_uid) != q.studio_uid
        ):
            return False
        if q.client_uid is not None and show.client_uid != q.client_uid:
            return False
        if q.schedule_uid is not None and show.schedule_uid != q.schedule_uid:
            return False
        if q.status is not None and show.show_status != q.status:
            return False
        if q.start_from is not None and show.show_start < q.start_from:
            return False
        if q.ends_after is not None and show.show_end <= q.ends_after:
            return False
        return not (q.start_to is not None and show.show_start >= q.start_to)

    def _hosted_by(self, mc_uid: str) -> set[str]:
        links = cast(Iterable[ShowMC], self._uow.db.tables["show_mcs"].values())
        return {link.show_uid for link in links if link.mc_uid == mc_uid and not link.is_deleted}

    def _found(self, query: ShowQuery) -> list[Show]:
        room_studio = self._uow.db.room_studios()
        shows = [s for s in self._rows.values() if self._matches(s, query, room_studio)]
        if query.mc_uid is not None:
            hosted = self._hosted_by(query.mc_uid)
            shows = [s for s in shows if s.uid in hosted]
        return shows if query.visible is None else _visible(self._uow, shows, query.visible)

    def search(self, query: ShowQuery, *, limit: int | None = None, offset: int = 0) -> list[Show]:
        shows = self._found(query)
        shows.sort(key=lambda s: (s.show_start, s.uid))
        end = None if limit is None else offset + limit
        return [_copy(s) for s in shows[offset:end]]

    def search_count(self, query: ShowQuery) -> int:
        return len(self._found(query))

    def search_page(
        self, query: ShowQuery, *, limit: int, offset: int = 0
    ) -> tuple[list[Show], int]:
        return self.search(query, limit=limit, offset=offset), self.search_count(query)

    def set_status(
        self, uids: Collection[str], status: ShowStatus, *, expected: ShowStatus, at: datetime
    ) -> int:
        self._uow.require_writable("shows")
        rows = self._rows
        changed = 0
        for uid in uids:
            show = rows.get(uid)
            if show is None or show.deleted_at is not None or show.show_status != expected:
                continue
            self._uow.write("shows", uid, attrs.evolve(show, show_status=status, updated_at=at))
            changed += 1
        return changed


class _MemoryOutbox(_MemoryRepository[WebhookDelivery]):
    def claim(self, *, now: datetime, lease_until: datetime, limit: int) -> list[WebhookDelivery]:
        self._uow.require_writable("webhook_deliveries")
        due = sorted(
            (
                d
                for d in self._rows.values()
                if d.status is DeliveryStatus.PENDING
                and d.deleted_at is None
                and d.next_attempt_at is not None
                and d.next_attempt_at <= now
                and (d.locked_until is None or d.locked_until < now)
            ),
            key=lambda d: (d.next_attempt_at, d.uid),
        )[:limit]
        claimed = [attrs.evolve(d, locked_until=lease_until) for d in due]
        for delivery in claimed:
            self._uow.write("webhook_deliveries", delivery.uid, delivery)
        return [_copy(d) for d in claimed]


class InMemoryUnitOfWork(UnitOfWork):
    """A unit of work over an :class:`InMemoryDatabase`; see the module docstring."""

    def __init__(self, db: InMemoryDatabase, *, read_only: bool = False) -> None:
        self.db = db
        self.read_only = read_only
        self._active = False
        self._undo: list[tuple[str, str, Entity | None]] = []
        self.shows: ShowRepository = _MemoryShowRepository(self, Show)
        self.audits: AuditLog = _MemoryAuditLog(self, Audit)
        self.webhook_deliveries: WebhookOutbox = _MemoryOutbox(self, WebhookDelivery)
        self.bookings: BookingReadModel = MemoryBookings(self)

    def make_repository(self, entity_type: type[E]) -> Repository[E]:
        return _MemoryRepository(self, entity_type)

    # -- transaction -----------------------------------------------------------------

    def __enter__(self) -> Self:
        if self._active:
            raise RuntimeError("this unit of work is already in use")
        self.db.lock.acquire()
        self._active = True
        self._undo.clear()
        return self

    def release(self) -> None:
        self._active = False
        self.db.lock.release()

    def require_active(self) -> None:
        """Internal: raise unless inside ``with uow:``."""
        if not self._active:
            raise RuntimeError("use the unit of work inside a 'with' block")

    def require_writable(self, what: str) -> None:
        """Internal: raise unless inside ``with uow:`` of a read-write unit of work."""
        self.require_active()
        if self.read_only:
            raise ReadOnlyError(f"write to {what} in a read-only unit of work")

    def write(self, table: str, uid: str, entity: Entity | None) -> None:
        """Internal: store a row and remember how to undo it."""
        self.require_writable(table)
        old = self.db.put(table, uid, entity)
        self._undo.append((table, uid, old))

    def commit(self) -> None:
        self.require_active()
        self._undo.clear()

    def rollback(self) -> None:
        self.require_active()
        while self._undo:
            table, uid, old = self._undo.pop()
            self.db.put(table, uid, old)

    def lock_resources(self, *, room_uids: Collection[str], mc_uids: Collection[str]) -> None:
        # the database lock is already held for the whole unit of work
        self.require_writable("locks")
