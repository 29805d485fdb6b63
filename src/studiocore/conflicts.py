"""The conflict report: what collides with what, how badly, and why."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

__all__ = ["Conflict", "ConflictKind", "ResourceType", "Severity"]


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
class Conflict:
    """One conflicting pair of shows on one resource.

    ``start``/``end`` is the overlapping interval for overlaps, and the gap
    between the two shows for buffer conflicts (empty when they touch).
    ``show_uids`` is ordered: the earlier show (by start, then uid) first.
    """

    kind: ConflictKind
    severity: Severity
    resource_type: ResourceType
    resource_uid: str
    show_uids: tuple[str, str]
    start: datetime
    end: datetime
    reason: str

    @property
    def blocking(self) -> bool:
        """Whether this conflict stops a confirmation or promotion."""
        return self.severity is Severity.BLOCK
