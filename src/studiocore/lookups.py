"""Lookup tables of the specification and their seed values.

The two workflow statuses are enums because the core's state machines depend on
their values. Every other lookup (show types, standards, material types, task
types...) is data: the names below are the seed rows, and administrators may add
more at run time; services validate names against the lookup repository.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

__all__ = [
    "LOOKUP_SEEDS",
    "RESERVING_STATUSES",
    "CalendarKind",
    "ChangeRequestStatus",
    "DeliveryStatus",
    "GroupType",
    "LookupTable",
    "MembershipRole",
    "NotificationKind",
    "ScheduleStatus",
    "ShowStatus",
    "UserRole",
]


class ShowStatus(enum.StrEnum):
    """Values of the ``show_status`` table."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"
    LIVE = "live"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


RESERVING_STATUSES: frozenset[ShowStatus] = frozenset(
    {ShowStatus.CONFIRMED, ShowStatus.LIVE, ShowStatus.COMPLETED}
)
"""Statuses in which a show occupies its room and MCs."""


class ScheduleStatus(enum.StrEnum):
    """Values of the ``schedule_status`` table."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"
    OTHER = "other"


class ChangeRequestStatus(enum.StrEnum):
    """Lifecycle of a change request to a confirmed schedule."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    APPLIED = "applied"
    WITHDRAWN = "withdrawn"


class UserRole(enum.StrEnum):
    """``users.role``: the system-wide role of a user."""

    ADMIN = "admin"
    MANAGER = "manager"
    USER = "user"


class MembershipRole(enum.StrEnum):
    """``memberships.role``; ordered admin > manager > member."""

    ADMIN = "admin"
    MANAGER = "manager"
    MEMBER = "member"

    @property
    def rank(self) -> int:
        """Higher means more permissions."""
        return {"member": 1, "manager": 2, "admin": 3}[self.value]

    def at_least(self, other: MembershipRole) -> bool:
        """Whether this role includes the permissions of ``other``."""
        return self.rank >= other.rank


class GroupType(enum.StrEnum):
    """``memberships.group_type``: what a membership is a membership of."""

    CLIENT = "client"
    PLATFORM = "platform"
    STUDIO = "studio"


class CalendarKind(enum.StrEnum):
    """Whose shows a calendar holds: an MC's, a studio room's or a schedule's."""

    MC = "mc"
    STUDIO_ROOM = "studio_room"
    SCHEDULE = "schedule"

    @property
    def uid_prefix(self) -> str:
        """The uid prefix of the calendar's target (``mc``, ``room``, ``schedule``)."""
        return {"mc": "mc", "studio_room": "room", "schedule": "schedule"}[self.value]


class NotificationKind(enum.StrEnum):
    """What a notification tells its recipient about."""

    SHOW_CONFIRMED = "show_confirmed"
    SHOW_MOVED = "show_moved"
    SHOW_CANCELLED = "show_cancelled"
    SCHEDULE_PROPOSED = "schedule_proposed"
    SCHEDULE_APPROVED = "schedule_approved"
    SCHEDULE_SENT_BACK = "schedule_sent_back"
    SCHEDULE_CONFIRMED = "schedule_confirmed"
    CHANGE_REQUEST_WAITING = "change_request_waiting"
    CHANGE_REQUEST_DECIDED = "change_request_decided"
    MENTION = "mention"
    CONFLICT_WARNING = "conflict_warning"
    WEBHOOK_DISABLED = "webhook_disabled"


class DeliveryStatus(enum.StrEnum):
    """Where a webhook delivery stands: waiting to be (re)sent, delivered (a
    2xx answer), or given up (its endpoint disabled, or out of attempts)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class LookupTable(enum.StrEnum):
    """The lookup tables, by their table name in the specification."""

    SHOW_STATUS = "show_status"
    SHOW_TYPES = "show_types"
    SHOW_STANDARDS = "show_standards"
    SCHEDULE_STATUS = "schedule_status"
    MATERIAL_TYPES = "material_types"
    TASK_STATUS = "task_status"
    TASK_TYPE = "task_type"
    TASK_INPUT_TYPE = "task_input_type"
    CHANGE_CATEGORIES = "change_categories"
    CHANGE_TYPES = "change_types"


LOOKUP_SEEDS: Mapping[LookupTable, tuple[str, ...]] = {
    LookupTable.SHOW_STATUS: tuple(s.value for s in ShowStatus),
    LookupTable.SHOW_TYPES: ("bau", "campaign", "other"),
    LookupTable.SHOW_STANDARDS: ("standard", "premium"),
    LookupTable.SCHEDULE_STATUS: tuple(s.value for s in ScheduleStatus),
    LookupTable.MATERIAL_TYPES: ("brief", "mechanic", "script", "scene", "other"),
    LookupTable.TASK_STATUS: (
        "pending",
        "assigned",
        "in_progress",
        "review",
        "completed",
        "blocked",
    ),
    LookupTable.TASK_TYPE: (
        "pre_production",
        "production",
        "post_production",
        "show_mc_review",
        "show_platform_review",
        "other",
    ),
    LookupTable.TASK_INPUT_TYPE: ("text", "number", "date", "percentage", "file", "url"),
    LookupTable.CHANGE_CATEGORIES: ("CLIENT_REQUESTED", "OPERATIONAL", "FORCE_MAJEURE"),
    LookupTable.CHANGE_TYPES: (
        "TIME_CHANGE",
        "RESOURCE_CHANGE",
        "SCOPE_CHANGE",
        "MC_CHANGE",
        "PLATFORM_CHANGE",
        "CANCELLATION",
        "ADDITION",
        "OTHER",
    ),
}
"""Seed rows of every lookup table, exactly as the specification names them."""
