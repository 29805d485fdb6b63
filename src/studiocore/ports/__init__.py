"""Ports: what the core needs from persistence, as ``typing.Protocol`` classes.

* :mod:`~studiocore.ports.repositories`: one repository per entity type (CRUD
  and search), held to one contract by ``tests/contract``.
* :mod:`~studiocore.ports.bookings`: the booking read models the scheduling
  engine reads.
* :mod:`~studiocore.ports.unit_of_work`: the unit of work, and the registry of
  entity types (:class:`Repositories`).
"""

from .bookings import (
    Booking,
    BookingQuery,
    BookingReadModel,
    Reservation,
    RoomSummary,
    ScheduledShow,
    StudioOccupancy,
)
from .repositories import (
    AuditLog,
    Deleted,
    ReadOnlyError,
    Repository,
    ShowQuery,
    ShowRepository,
    Where,
)
from .unit_of_work import (
    REPOSITORY_NAMES,
    ReadingUnitOfWorkFactory,
    Repositories,
    UnitOfWork,
    UnitOfWorkFactory,
    repository_for,
)

__all__ = [
    "REPOSITORY_NAMES",
    "AuditLog",
    "Booking",
    "BookingQuery",
    "BookingReadModel",
    "Deleted",
    "ReadOnlyError",
    "ReadingUnitOfWorkFactory",
    "Repositories",
    "Repository",
    "Reservation",
    "RoomSummary",
    "ScheduledShow",
    "ShowQuery",
    "ShowRepository",
    "StudioOccupancy",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "Where",
    "repository_for",
]
