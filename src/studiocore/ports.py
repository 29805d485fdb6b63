"""Ports: what the core needs from persistence, as ``typing.Protocol`` classes.

Every adapter (the in-memory one in :mod:`studiocore.adapters.memory`, the SQL
one in ``studiocore_sql``) implements these, and one contract suite
(``tests/contract``) holds them all to the same behaviour:

* ``get``/``find``/``list``/``count`` never return soft-deleted rows unless asked
  (``include_deleted=True`` or ``deleted=Deleted.ONLY``/``INCLUDE``).
* Objects returned are copies: changing one persists nothing until ``update``.
* Lists are ordered by ``uid`` (creation order), shows by ``(show_start, uid)``.
* Writes become visible to other units of work only on commit; an exception
  inside ``with uow:`` rolls everything back.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import NamedTuple, Protocol, Self, TypeVar, runtime_checkable

import attrs

from studiocore.conflicts import Severity
from studiocore.entities import (
    MC,
    Audit,
    ChangeCategoryEntry,
    ChangeRequest,
    ChangeTypeEntry,
    Client,
    Comment,
    Entity,
    Material,
    MaterialTypeEntry,
    Membership,
    Platform,
    Schedule,
    ScheduleStatusEntry,
    ScheduleVersion,
    Show,
    ShowMaterial,
    ShowMC,
    ShowPlatform,
    ShowStandardEntry,
    ShowStatusEntry,
    ShowTypeEntry,
    Studio,
    StudioRoom,
    Tag,
    Taggable,
    Task,
    TaskInputTypeEntry,
    TaskStatusEntry,
    TaskTemplate,
    TaskTemplateItem,
    TaskTypeEntry,
    User,
)
from studiocore.lookups import ShowStatus
from studiocore.timeslot import TimeSlot

__all__ = [
    "REPOSITORY_NAMES",
    "Booking",
    "Deleted",
    "ReadOnlyError",
    "ReadingUnitOfWorkFactory",
    "Repository",
    "RoomSummary",
    "ShowQuery",
    "ShowRepository",
    "ShowResources",
    "StudioOccupancy",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "Where",
    "repository_for",
]

E = TypeVar("E", bound=Entity)


class ReadOnlyError(RuntimeError):
    """A write was attempted in a read-only unit of work (a programming error)."""


class Deleted(enum.Enum):
    """Which rows a read sees with respect to soft deletion."""

    EXCLUDE = "exclude"
    """Live rows only (the default)."""
    INCLUDE = "include"
    """Live and soft-deleted rows."""
    ONLY = "only"
    """Soft-deleted rows only."""


Where = Mapping[str, object]
"""Equality filters on entity field names. A value that is a ``frozenset``,
``set``, ``list`` or ``tuple`` means "any of these"; ``None`` means IS NULL."""


class Repository(Protocol[E]):
    """Storage of one entity type."""

    def add(self, entity: E) -> None:
        """Insert a new entity. A duplicate ``uid`` raises ``ConflictError``."""
        ...

    def update(self, entity: E) -> None:
        """Replace the stored entity with the same ``uid`` (deleted or not).
        An unknown ``uid`` raises ``NotFoundError``."""
        ...

    def get(self, uid: str, *, include_deleted: bool = False) -> E:
        """The entity, or ``NotFoundError``."""
        ...

    def find(self, uid: str, *, include_deleted: bool = False) -> E | None:
        """The entity, or ``None``."""
        ...

    def get_many(self, uids: Collection[str]) -> dict[str, E]:
        """The live entities among ``uids``, keyed by uid (missing ones absent)."""
        ...

    def list(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[E]:
        """Entities matching ``where``, ordered by uid. An unknown field name in
        ``where`` raises ``ValidationError``."""
        ...

    def count(self, *, where: Where | None = None, deleted: Deleted = Deleted.EXCLUDE) -> int:
        """How many entities ``list`` would return without limit/offset."""
        ...


@attrs.frozen(kw_only=True)
class Booking:
    """What the conflict engine needs to know about one show: where, who, when."""

    show_uid: str
    studio_uid: str | None
    room_uid: str | None
    mc_uids: frozenset[str]
    slot: TimeSlot
    status: ShowStatus


class ShowResources(NamedTuple):
    """The resources one show books: the promotion's per-draft read."""

    show_uid: str
    room_uid: str | None
    mc_uids: tuple[str, ...]


@attrs.frozen
class RoomSummary:
    """What availability needs to know about a room."""

    uid: str
    name: str
    changeover_minutes: int


@attrs.frozen(kw_only=True)
class StudioOccupancy:
    """A studio's rooms and what occupies them around a window: the read model
    behind availability (see :meth:`ShowRepository.studio_occupancy`)."""

    studio_uid: str
    room_changeover_severity: Severity
    rooms: tuple[RoomSummary, ...]
    """The studio's live rooms, ordered by ``(name, uid)``."""
    occupied: tuple[tuple[str, datetime, datetime], ...]
    """``(room uid, start, end)`` of the reserving, live shows in those rooms
    (aware UTC datetimes, ``start < end``), ordered by room uid, then start, then
    end. Plain tuples, not :class:`TimeSlot`: availability reads them once, in
    one pass, and a 20-room day has about 150 of them."""


@attrs.frozen(kw_only=True)
class ShowQuery:
    """Filters for listing shows; ``None`` means "any". ``start_from``/``start_to``
    bound ``show_start`` as ``start_from <= show_start < start_to``."""

    studio_uid: str | None = None
    studio_room_uid: str | None = None
    client_uid: str | None = None
    schedule_uid: str | None = None
    status: ShowStatus | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None


class ShowRepository(Repository[Show], Protocol):
    """Shows, with the queries scheduling needs."""

    def search(self, query: ShowQuery, *, limit: int | None = None, offset: int = 0) -> list[Show]:
        """Live shows matching ``query``, ordered by ``(show_start, uid)``."""
        ...

    def search_count(self, query: ShowQuery) -> int:
        """How many live shows match ``query``."""
        ...

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
        """Bookings of live shows (reserving ones unless ``reserving_only`` is
        False), optionally limited to a studio, to shows overlapping ``window``, to
        ``show_uids``, to the shows of a schedule, or to one status. Ordered by
        ``(slot.start, show_uid)``. A promotion reads its drafts with
        ``bookings(schedule_uid=..., status=DRAFT, reserving_only=False)``: one
        read, no show objects."""
        ...

    def resources_of(self, schedule_uid: str, status: ShowStatus) -> list[ShowResources]:
        """Room and MC uids (sorted) of the live shows of a schedule in ``status``,
        ordered by ``(show_start, uid)``: what a promotion needs to know about
        every draft (locks, policy, problems) without their slots."""
        ...

    def crowded(
        self, schedule_uid: str, status: ShowStatus, margin: timedelta
    ) -> tuple[list[Booking], list[Booking]]:
        """The bookings a promotion has to check, as :func:`~studiocore.scheduling.
        detector.near_bookings` defines them: the live shows of a schedule in
        ``status`` (the candidates) that are near another candidate or a
        reserving, live show, and those reserving shows near a candidate; each
        list ordered by ``(slot.start, show_uid)``. Usually a handful, so the
        exact check runs on few objects; on SQL the subset is found in one
        statement."""
        ...

    def studio_occupancy(self, studio_uid: str, window: TimeSlot) -> StudioOccupancy:
        """The live studio ``studio_uid``, its live rooms, and every reserving, live
        show in those rooms whose slot overlaps ``window`` widened on both sides
        by its room's changeover (so a caller can honour changeovers). The lean
        read behind availability, one round trip on SQL: no MCs, no show objects.
        :class:`NotFoundError` when the studio does not exist or is deleted."""
        ...

    def bookings_near(self, candidates: Sequence[Booking], margin: timedelta) -> list[Booking]:
        """Reserving, live bookings that share a room or an MC with a candidate and
        whose slot overlaps that candidate's slot widened by ``margin`` on both
        sides. The candidates themselves are never returned."""
        ...

    def set_status(
        self, uids: Collection[str], status: ShowStatus, *, expected: ShowStatus, at: datetime
    ) -> int:
        """Set ``show_status`` of the live shows in ``uids`` that are in ``expected``
        status (one set-based write); ``updated_at`` becomes ``at``. Returns how many
        changed."""
        ...


class UnitOfWork(Protocol):
    """One atomic piece of work over every repository.

    ``with uow:`` commits when the block ends normally and rolls back when it
    raises. ``commit()`` may also be called inside the block.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every write of this unit of work durable and visible."""
        ...

    def rollback(self) -> None:
        """Discard every write since the last commit."""
        ...

    def lock_resources(self, *, room_uids: Collection[str], mc_uids: Collection[str]) -> None:
        """Take exclusive booking locks on these rooms and MCs until the unit of work
        ends, so that a conflict check followed by a write cannot race another
        writer booking the same resources."""
        ...

    @property
    def studios(self) -> Repository[Studio]: ...
    @property
    def studio_rooms(self) -> Repository[StudioRoom]: ...
    @property
    def clients(self) -> Repository[Client]: ...
    @property
    def users(self) -> Repository[User]: ...
    @property
    def memberships(self) -> Repository[Membership]: ...
    @property
    def mcs(self) -> Repository[MC]: ...
    @property
    def platforms(self) -> Repository[Platform]: ...
    @property
    def materials(self) -> Repository[Material]: ...
    @property
    def shows(self) -> ShowRepository: ...
    @property
    def show_mcs(self) -> Repository[ShowMC]: ...
    @property
    def show_platforms(self) -> Repository[ShowPlatform]: ...
    @property
    def show_materials(self) -> Repository[ShowMaterial]: ...
    @property
    def schedules(self) -> Repository[Schedule]: ...
    @property
    def schedule_versions(self) -> Repository[ScheduleVersion]: ...
    @property
    def change_requests(self) -> Repository[ChangeRequest]: ...
    @property
    def tags(self) -> Repository[Tag]: ...
    @property
    def taggables(self) -> Repository[Taggable]: ...
    @property
    def comments(self) -> Repository[Comment]: ...
    @property
    def audits(self) -> Repository[Audit]: ...
    @property
    def task_templates(self) -> Repository[TaskTemplate]: ...
    @property
    def task_template_items(self) -> Repository[TaskTemplateItem]: ...
    @property
    def tasks(self) -> Repository[Task]: ...
    @property
    def show_statuses(self) -> Repository[ShowStatusEntry]: ...
    @property
    def show_types(self) -> Repository[ShowTypeEntry]: ...
    @property
    def show_standards(self) -> Repository[ShowStandardEntry]: ...
    @property
    def schedule_statuses(self) -> Repository[ScheduleStatusEntry]: ...
    @property
    def material_types(self) -> Repository[MaterialTypeEntry]: ...
    @property
    def task_statuses(self) -> Repository[TaskStatusEntry]: ...
    @property
    def task_types(self) -> Repository[TaskTypeEntry]: ...
    @property
    def task_input_types(self) -> Repository[TaskInputTypeEntry]: ...
    @property
    def change_categories(self) -> Repository[ChangeCategoryEntry]: ...
    @property
    def change_types(self) -> Repository[ChangeTypeEntry]: ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work; services call it once per use case."""

    def __call__(self) -> UnitOfWork: ...


@runtime_checkable
class ReadingUnitOfWorkFactory(UnitOfWorkFactory, Protocol):
    """A factory that also makes read-only units of work, which services use for
    use cases that only read (availability, listings, lookups).

    A read-only unit of work refuses every write with :class:`ReadOnlyError`.
    Adapters make it cheaper than a read-write one: on PostgreSQL it runs each
    statement on its own (no ``BEGIN``/``COMMIT`` round trips; at READ COMMITTED
    every statement sees the latest commits either way), on SQLite it takes no
    write lock, so readers never wait for a writer."""

    def reader(self) -> UnitOfWork: ...


REPOSITORY_NAMES: Mapping[type[Entity], str] = {
    Studio: "studios",
    StudioRoom: "studio_rooms",
    Client: "clients",
    User: "users",
    Membership: "memberships",
    MC: "mcs",
    Platform: "platforms",
    Material: "materials",
    Show: "shows",
    ShowMC: "show_mcs",
    ShowPlatform: "show_platforms",
    ShowMaterial: "show_materials",
    Schedule: "schedules",
    ScheduleVersion: "schedule_versions",
    ChangeRequest: "change_requests",
    Tag: "tags",
    Taggable: "taggables",
    Comment: "comments",
    Audit: "audits",
    TaskTemplate: "task_templates",
    TaskTemplateItem: "task_template_items",
    Task: "tasks",
    ShowStatusEntry: "show_statuses",
    ShowTypeEntry: "show_types",
    ShowStandardEntry: "show_standards",
    ScheduleStatusEntry: "schedule_statuses",
    MaterialTypeEntry: "material_types",
    TaskStatusEntry: "task_statuses",
    TaskTypeEntry: "task_types",
    TaskInputTypeEntry: "task_input_types",
    ChangeCategoryEntry: "change_categories",
    ChangeTypeEntry: "change_types",
}
"""The unit-of-work attribute holding each entity type's repository."""


def repository_for(uow: UnitOfWork, entity_type: type[E]) -> Repository[E]:
    """The repository of ``entity_type`` in ``uow``."""
    repo: Repository[E] = getattr(uow, REPOSITORY_NAMES[entity_type])
    return repo
