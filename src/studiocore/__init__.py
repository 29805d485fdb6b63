"""studiocore: run livestream production studios.

The pure core: entities, the scheduling engine, ports and services, with an
in-memory adapter. Persistence on SQL databases lives in ``studiocore_sql``,
the REST API in ``studiocore_http``.

>>> from studiocore import Services
>>> svc = Services.in_memory()
>>> svc.studios.create("Seoul Main", time_zone="Asia/Seoul").time_zone
'Asia/Seoul'
"""

from studiocore import entities, errors, events, lookups, permissions
from studiocore.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from studiocore.calendars import to_ical
from studiocore.conflicts import Conflict, ConflictKind, ResourceType, Severity
from studiocore.entities import *  # noqa: F403
from studiocore.errors import *  # noqa: F403
from studiocore.events import *  # noqa: F403
from studiocore.ids import is_uid, new_uid
from studiocore.lookups import *  # noqa: F403
from studiocore.permissions import *  # noqa: F403
from studiocore.ports import (
    Booking,
    BookingQuery,
    Deleted,
    Repository,
    ShowQuery,
    ShowRepository,
    UnitOfWork,
    UnitOfWorkFactory,
)
from studiocore.scheduling.availability import RoomAvailability
from studiocore.serialization import to_jsonable
from studiocore.services import (
    BulkConfirmation,
    CalendarEvent,
    CalendarView,
    ChangeApplied,
    ChangePreview,
    CommentThread,
    CommentView,
    EventBus,
    Mention,
    Page,
    PromotionReport,
    PromotionResult,
    RegisteredWebhook,
    Services,
    ShowOutcome,
)
from studiocore.timeslot import Clock, FixedClock, SystemClock, TimeSlot

__all__ = [
    "Booking",
    "BookingQuery",
    "BulkConfirmation",
    "CalendarEvent",
    "CalendarView",
    "ChangeApplied",
    "ChangePreview",
    "Clock",
    "CommentThread",
    "CommentView",
    "Conflict",
    "ConflictKind",
    "Deleted",
    "EventBus",
    "FixedClock",
    "InMemoryDatabase",
    "InMemoryUnitOfWork",
    "Mention",
    "Page",
    "PromotionReport",
    "PromotionResult",
    "RegisteredWebhook",
    "Repository",
    "ResourceType",
    "RoomAvailability",
    "Services",
    "Severity",
    "ShowOutcome",
    "ShowQuery",
    "ShowRepository",
    "SystemClock",
    "TimeSlot",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "is_uid",
    "new_uid",
    "to_ical",
    "to_jsonable",
]
# and every public name of the modules imported whole above (the registry of
# lookup-entry classes is the entities' own)
__all__ += [name for name in entities.__all__ if name != "LOOKUP_ENTRY_TYPES"]
__all__ += errors.__all__
__all__ += events.__all__
__all__ += lookups.__all__
__all__ += permissions.__all__
