"""The conflict report: what collides with what, how badly, and why."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

__all__ = ["Conflict", "ConflictKind", "ConflictShow", "ResourceType", "Severity"]


class Severity(enum.StrEnum):
    """How a conflict is treated: BLOCK stops the operation, WARN is reported
    alongside a successful result, IGNORE switches the check off."""

    BLOCK = "BLOCK"
    WARN = "WARN"
    IGNORE = "IGNORE"


class ConflictKind(enum.StrEnum):
    """What kind of rule two bookings break."""

    ROOM_OVERLAP = "room_overlap"
    MC_OVERLAP = "mc_overlap"
    ROOM_CHANGEOVER = "room_changeover"
    MC_REST = "mc_rest"


class ResourceType(enum.StrEnum):
    """The kind of resource two bookings compete for."""

    STUDIO_ROOM = "studio_room"
    MC = "mc"


@attrs.frozen(kw_only=True)
class ConflictShow:
    """One show of a conflict, for people: its name and its times in UTC and
    in the studio's time zone."""

    uid: str
    name: str
    start: datetime
    end: datetime
    local_start: datetime
    local_end: datetime


@attrs.frozen(kw_only=True)
class Conflict:
    """One conflicting pair of shows on one resource.

    ``start``/``end`` is the overlapping interval for overlaps, and the gap
    between the two shows for buffer conflicts (empty when they touch).
    ``show_uids`` is ordered: the earlier show (by start, then uid) first.
    ``required`` is the changeover or rest a buffer conflict falls short of.

    The engine fills the uids; the services then describe the conflict for
    people (:func:`studiocore.scheduling.describe.describe_conflicts`):
    ``resource_name``, ``time_zone`` (the studio's), ``shows`` (names and
    local times), and a ``reason`` that uses them.
    """

    kind: ConflictKind
    severity: Severity
    resource_type: ResourceType
    resource_uid: str
    show_uids: tuple[str, str]
    start: datetime
    end: datetime
    reason: str
    required: timedelta | None = None
    resource_name: str | None = None
    time_zone: str | None = None
    shows: tuple[ConflictShow, ...] = ()

    @property
    def blocking(self) -> bool:
        """Whether this conflict stops a confirmation or promotion."""
        return self.severity is Severity.BLOCK
