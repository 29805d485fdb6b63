"""The unit of work and the entity registry.

:class:`Repositories` is the registry of table-backed entities: one typed slot
per entity type. Adding an entity to studiocore means one line here (plus the
entity class and, for SQL, its table and mapper); every adapter then gets a
repository for it through :meth:`Repositories.make_repository`, on first use.
"""

from __future__ import annotations

import abc
from collections.abc import Collection, Mapping
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar, get_args, get_type_hints, runtime_checkable

from studiocore.entities import (
    MC,
    CalendarFeed,
    ChangeCategoryEntry,
    ChangeRequest,
    ChangeTypeEntry,
    Client,
    Comment,
    Entity,
    Material,
    MaterialTypeEntry,
    Membership,
    Notification,
    Platform,
    Schedule,
    ScheduleStatusEntry,
    ScheduleVersion,
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
    WebhookEndpoint,
)
from studiocore.events import DomainEvent

from .bookings import BookingReadModel
from .repositories import AuditLog, Repository, ShowRepository, WebhookOutbox

__all__ = [
    "REPOSITORY_NAMES",
    "ReadingUnitOfWorkFactory",
    "Repositories",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "repository_for",
]

E = TypeVar("E", bound=Entity)


class Repositories:
    """The entity registry: one repository slot per table-backed entity type.

    Units of work subclass it. A slot the adapter does not assign itself is
    filled on first use with :meth:`make_repository` (the adapter's generic
    repository), so a unit of work builds only the repositories it uses; mypy
    checks every repository an adapter assigns by name against the slot's
    Protocol.
    """

    studios: Repository[Studio]
    studio_rooms: Repository[StudioRoom]
    clients: Repository[Client]
    users: Repository[User]
    memberships: Repository[Membership]
    mcs: Repository[MC]
    platforms: Repository[Platform]
    materials: Repository[Material]
    shows: ShowRepository
    show_mcs: Repository[ShowMC]
    show_platforms: Repository[ShowPlatform]
    show_materials: Repository[ShowMaterial]
    schedules: Repository[Schedule]
    schedule_versions: Repository[ScheduleVersion]
    change_requests: Repository[ChangeRequest]
    tags: Repository[Tag]
    taggables: Repository[Taggable]
    comments: Repository[Comment]
    audits: AuditLog
    task_templates: Repository[TaskTemplate]
    task_template_items: Repository[TaskTemplateItem]
    tasks: Repository[Task]
    calendar_feeds: Repository[CalendarFeed]
    notifications: Repository[Notification]
    webhook_endpoints: Repository[WebhookEndpoint]
    webhook_deliveries: WebhookOutbox
    show_statuses: Repository[ShowStatusEntry]
    show_types: Repository[ShowTypeEntry]
    show_standards: Repository[ShowStandardEntry]
    schedule_statuses: Repository[ScheduleStatusEntry]
    material_types: Repository[MaterialTypeEntry]
    task_statuses: Repository[TaskStatusEntry]
    task_types: Repository[TaskTypeEntry]
    task_input_types: Repository[TaskInputTypeEntry]
    change_categories: Repository[ChangeCategoryEntry]
    change_types: Repository[ChangeTypeEntry]

    def make_repository(self, entity_type: type[E]) -> Repository[E]:
        """The adapter's repository of ``entity_type``, for a slot it does not set
        itself (called once per slot and unit of work, on first use)."""
        raise NotImplementedError(
            f"{type(self).__name__} makes no {entity_type.__name__} repository"
        )


def _entity_of(slot: Any) -> type[Entity]:
    """The entity type a slot annotation stores: ``Repository[X]`` or a
    Protocol derived from ``Repository[X]``."""
    args = get_args(slot)
    if args:
        entity: type[Entity] = args[0]
        return entity
    for base in getattr(slot, "__orig_bases__", ()):
        if get_args(base):
            return _entity_of(base)
    raise TypeError(f"{slot!r} is not a repository type")


REPOSITORY_NAMES: Mapping[type[Entity], str] = {
    _entity_of(hint): name for name, hint in get_type_hints(Repositories).items()
}
"""The unit-of-work slot holding each entity type's repository."""


def repository_for(uow: Repositories, entity_type: type[E]) -> Repository[E]:
    """The repository of ``entity_type`` in ``uow``."""
    repo: Repository[E] = getattr(uow, REPOSITORY_NAMES[entity_type])
    return repo


class _Slot:
    """A registry slot filled on first use (a non-data descriptor: what an
    adapter assigns to the instance wins)."""

    def __init__(self, entity_type: type[Entity], name: str) -> None:
        self.entity_type = entity_type
        self.name = name

    def __get__(self, owner: Repositories | None, cls: type) -> Any:
        if owner is None:
            return self
        repo = owner.make_repository(self.entity_type)
        setattr(owner, self.name, repo)
        return repo


for _entity_type, _name in REPOSITORY_NAMES.items():
    setattr(Repositories, _name, _Slot(_entity_type, _name))


class UnitOfWork(Repositories, abc.ABC):
    """One atomic piece of work over every repository and read model.

    ``with uow:`` commits when the block ends normally and rolls back when it
    raises. ``commit()`` may also be called inside the block. Adapters subclass
    it (a base class rather than a Protocol, so that the registry's slots are
    inherited and typed).
    """

    bookings: BookingReadModel
    """The booking read models (see :class:`BookingReadModel`)."""

    def emit(self, event: DomainEvent) -> None:
        """Tell the subscribers of the use case running in this unit of work
        about ``event`` (one the writes alone do not show, such as a booking's
        WARN conflicts). Outside the use-case pipeline nobody listens: the
        default does nothing."""

    @abc.abstractmethod
    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Commit if the block ended normally, roll back if it raised; then
        :meth:`release` whatever the unit of work held."""
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self.release()

    def release(self) -> None:
        """Give back what the unit of work holds (a connection, a lock): the
        adapter's part of leaving the ``with`` block."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Make every write of this unit of work durable and visible."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard every write since the last commit."""

    @abc.abstractmethod
    def lock_resources(self, *, room_uids: Collection[str], mc_uids: Collection[str]) -> None:
        """Take exclusive booking locks on these rooms and MCs until the unit of work
        ends, so that a conflict check followed by a write cannot race another
        writer booking the same resources."""


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work; services call it once per use case."""

    def __call__(self) -> UnitOfWork: ...


@runtime_checkable
class ReadingUnitOfWorkFactory(UnitOfWorkFactory, Protocol):
    """A factory that also makes read-only units of work, which services use for
    use cases that only read (availability, listings, lookups).

    A read-only unit of work refuses every write with
    :class:`~studiocore.ports.ReadOnlyError`. Adapters make it cheaper than a
    read-write one: on PostgreSQL each statement runs on its own (no
    ``BEGIN``/``COMMIT`` round trips), on SQLite it takes no write lock, so
    readers never wait for a writer."""

    def reader(self) -> UnitOfWork: ...
