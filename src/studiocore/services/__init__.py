"""Application services: the use cases, one object per resource.

>>> from datetime import datetime, UTC
>>> from studiocore import Services
>>> svc = Services.in_memory()
>>> studio = svc.studios.create("Berlin One", time_zone="Europe/Berlin")
>>> room = svc.studio_rooms.create(studio.uid, "Room A")
>>> show = svc.shows.create(
...     "Morning live", datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC),
...     studio_room_uid=room.uid,
... ).show
>>> show.show_status.value
'confirmed'
"""

from __future__ import annotations

from collections.abc import Callable

from studiocore.entities import LOOKUP_ENTRY_TYPES
from studiocore.lookups import LookupTable, ScheduleStatus, ShowStatus
from studiocore.permissions import AccessPolicy, AdminWritesPolicy
from studiocore.ports import UnitOfWork
from studiocore.scheduling.diff import ChangeType
from studiocore.timeslot import Clock, SystemClock

from ._base import CrudService, LookupService, Page
from ._pipeline import EventBus, ServiceContext, Work, reads, writes
from .calendar_feeds import CalendarFeedService
from .calendars import CalendarEvent, CalendarView
from .change_requests import (
    CHANGE_CATEGORIES,
    ChangeApplied,
    ChangePreview,
    ChangeRequestService,
)
from .collaboration import RECORD_TYPES, AuditService, MembershipService
from .comments import COMMENTABLE_TYPES, CommentService, CommentThread, CommentView, Mention
from .notifications import NotificationService, notify
from .promotion import BulkConfirmation, PromotionReport, PromotionResult
from .resources import (
    ClientService,
    MaterialService,
    McService,
    PlatformService,
    StudioRoomService,
    StudioService,
    UserService,
)
from .schedules import ScheduleService
from .scheduling import McAvailability, SchedulingService
from .shows import ShowOutcome, ShowService
from .tags import TagService
from .webhook_messages import WEBHOOK_EVENT_TYPES
from .webhooks import Attempt, Dispatch, RegisteredWebhook, WebhookService

__all__ = [
    "COMMENTABLE_TYPES",
    "RECORD_TYPES",
    "WEBHOOK_EVENT_TYPES",
    "Attempt",
    "AuditService",
    "BulkConfirmation",
    "CalendarEvent",
    "CalendarFeedService",
    "CalendarView",
    "ChangeApplied",
    "ChangePreview",
    "ChangeRequestService",
    "ClientService",
    "CommentService",
    "CommentThread",
    "CommentView",
    "CrudService",
    "Dispatch",
    "EventBus",
    "LookupService",
    "MaterialService",
    "McAvailability",
    "McService",
    "MembershipService",
    "Mention",
    "NotificationService",
    "Page",
    "PlatformService",
    "PromotionReport",
    "PromotionResult",
    "RegisteredWebhook",
    "ScheduleService",
    "SchedulingService",
    "ServiceContext",
    "Services",
    "ShowOutcome",
    "ShowService",
    "StudioRoomService",
    "StudioService",
    "TagService",
    "UserService",
    "WebhookService",
    "Work",
    "notify",
    "reads",
    "writes",
]

_PROTECTED: dict[LookupTable, frozenset[str]] = {
    LookupTable.SHOW_STATUS: frozenset(s.value for s in ShowStatus),
    LookupTable.SCHEDULE_STATUS: frozenset(s.value for s in ScheduleStatus),
    LookupTable.CHANGE_CATEGORIES: frozenset(CHANGE_CATEGORIES),
    LookupTable.CHANGE_TYPES: frozenset(t.value for t in ChangeType),
}
"""Lookup names the workflows depend on: they cannot be renamed or deleted."""


class Services:
    """Every use case of studiocore over one persistence adapter.

    ``uow_factory`` makes units of work (an :class:`~studiocore.adapters.InMemoryDatabase`,
    or ``studiocore_sql.SqlDatabase``); ``clock``, ``policy`` and the ``events``
    bus are swappable.
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        *,
        clock: Clock | None = None,
        policy: AccessPolicy | None = None,
        events: EventBus | None = None,
    ) -> None:
        self.context = ServiceContext(
            uow_factory=uow_factory,
            clock=clock or SystemClock(),
            policy=policy or AdminWritesPolicy(),
            events=events or EventBus(),
        )
        ctx = self.context
        self.events = ctx.events
        """Subscribe to domain events here (see :mod:`studiocore.events`)."""
        self.studios = StudioService(ctx)
        self.studio_rooms = StudioRoomService(ctx)
        self.clients = ClientService(ctx)
        self.users = UserService(ctx)
        self.mcs = McService(ctx)
        self.platforms = PlatformService(ctx)
        self.materials = MaterialService(ctx)
        self.tags = TagService(ctx)
        self.shows = ShowService(ctx)
        self.memberships = MembershipService(ctx)
        self.comments = CommentService(ctx)
        self.audits = AuditService(ctx)
        self.schedules = ScheduleService(ctx)
        self.change_requests = ChangeRequestService(ctx)
        self.scheduling = SchedulingService(ctx)
        self.calendar_feeds = CalendarFeedService(ctx)
        self.notifications = NotificationService(ctx)
        self.webhooks = WebhookService(ctx)
        self.lookups: dict[LookupTable, LookupService] = {
            table: LookupService(ctx, cls, _PROTECTED.get(table, frozenset()))
            for table, cls in LOOKUP_ENTRY_TYPES.items()
        }

    @classmethod
    def in_memory(
        cls, *, clock: Clock | None = None, policy: AccessPolicy | None = None
    ) -> Services:
        """Services over a fresh in-memory database (seeded lookup tables)."""
        from studiocore.adapters.memory import InMemoryDatabase

        return cls(InMemoryDatabase(), clock=clock, policy=policy)

    @property
    def material_types(self) -> LookupService:
        """The ``material_types`` lookup table."""
        return self.lookups[LookupTable.MATERIAL_TYPES]
