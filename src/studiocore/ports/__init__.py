"""Ports: what the core needs from persistence, as ``typing.Protocol`` classes.

* :mod:`~studiocore.ports.repositories`: one repository per entity type (CRUD
  and search), held to one contract by ``tests/contract``.
* :mod:`~studiocore.ports.bookings`: the booking read models the scheduling
  engine reads.
* :mod:`~studiocore.ports.unit_of_work`: the unit of work, and the registry of
  entity types (:class:`Repositories`).
"""

from . import bookings, repositories, unit_of_work
from .bookings import *  # noqa: F403
from .repositories import *  # noqa: F403
from .unit_of_work import *  # noqa: F403

__all__: list[str] = []
__all__ += bookings.__all__
__all__ += repositories.__all__
__all__ += unit_of_work.__all__
