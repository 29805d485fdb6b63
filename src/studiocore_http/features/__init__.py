"""The API by feature: one package per part of the domain, each with its
``controllers`` and ``schemas`` (and ``convert`` where it needs conversions of
its own). Shared pieces live in :mod:`studiocore_http.shared`."""

from __future__ import annotations

from litestar import Controller

from .audits.controllers import AUDIT_CONTROLLERS
from .calendars.controllers import CalendarController
from .change_requests.controllers import ChangeRequestController
from .clients.controllers import ClientController
from .comments.controllers import COMMENT_CONTROLLERS
from .lookups.controllers import LOOKUP_CONTROLLERS
from .materials.controllers import MaterialController
from .mcs.controllers import MCController
from .memberships.controllers import MembershipController
from .notifications.controllers import NotificationController
from .platforms.controllers import PlatformController
from .schedules.controllers import ScheduleController
from .scheduling.controllers import SchedulingController
from .shows.controllers import ShowController
from .studios.controllers import StudioController, StudioRoomController
from .tags.controllers import TAGGING_CONTROLLERS, TagController
from .users.controllers import UserController
from .webhooks.controllers import WebhookController

__all__ = ["API_CONTROLLERS"]

API_CONTROLLERS: list[type[Controller]] = [
    StudioController,
    StudioRoomController,
    ClientController,
    UserController,
    MembershipController,
    MCController,
    PlatformController,
    MaterialController,
    TagController,
    ShowController,
    ScheduleController,
    ChangeRequestController,
    SchedulingController,
    CalendarController,
    NotificationController,
    WebhookController,
    *LOOKUP_CONTROLLERS,
    *TAGGING_CONTROLLERS,
    *COMMENT_CONTROLLERS,
    *AUDIT_CONTROLLERS,
]
"""Every controller mounted under ``/api/v1``."""
