"""Entities of the data model, one attrs class per table of the specification.

Conventions (see docs/architecture.md):

* Entities are immutable (``attrs.frozen``); change one with :func:`attrs.evolve`
  (validators run again) and save it through a repository.
* Public identity is ``uid``. A foreign key ``<x>_id`` of the specification is
  ``<x>_uid`` here; a foreign key to a lookup table (``show_status_id``) is the
  lookup's *name* (``show_status="draft"``). Integer ids never leave the
  persistence adapters.
* All datetimes are timezone-aware and normalised to UTC.
* ``deleted_at`` marks a soft-deleted row: invisible to normal reads, kept for
  history.
"""

from ._base import Entity
from .lookup_entries import (
    LOOKUP_ENTRY_TYPES,
    ChangeCategoryEntry,
    ChangeTypeEntry,
    LookupEntry,
    MaterialTypeEntry,
    ScheduleStatusEntry,
    ShowStandardEntry,
    ShowStatusEntry,
    ShowTypeEntry,
    TaskInputTypeEntry,
    TaskStatusEntry,
    TaskTypeEntry,
)
from .messaging import Notification, WebhookDelivery, WebhookEndpoint
from .records import (
    Audit,
    CalendarFeed,
    Comment,
    Tag,
    Taggable,
    Task,
    TaskTemplate,
    TaskTemplateItem,
)
from .resources import (
    MC,
    Client,
    Material,
    Membership,
    Platform,
    Studio,
    StudioRoom,
    User,
)
from .shows import (
    ChangeRequest,
    Schedule,
    ScheduleVersion,
    Show,
    ShowMaterial,
    ShowMC,
    ShowPlatform,
)

__all__ = [
    "LOOKUP_ENTRY_TYPES",
    "MC",
    "Audit",
    "CalendarFeed",
    "ChangeCategoryEntry",
    "ChangeRequest",
    "ChangeTypeEntry",
    "Client",
    "Comment",
    "Entity",
    "LookupEntry",
    "Material",
    "MaterialTypeEntry",
    "Membership",
    "Notification",
    "Platform",
    "Schedule",
    "ScheduleStatusEntry",
    "ScheduleVersion",
    "Show",
    "ShowMC",
    "ShowMaterial",
    "ShowPlatform",
    "ShowStandardEntry",
    "ShowStatusEntry",
    "ShowTypeEntry",
    "Studio",
    "StudioRoom",
    "Tag",
    "Taggable",
    "Task",
    "TaskInputTypeEntry",
    "TaskStatusEntry",
    "TaskTemplate",
    "TaskTemplateItem",
    "TaskTypeEntry",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
]
